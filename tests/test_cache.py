"""The parse cache: content-keyed, rebuilt when damaged or foreign, bypassed on request."""

from __future__ import annotations

import os
import pickle
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import TypeAdapter
from typer.testing import CliRunner

from cxokr import cache as cache_module
from cxokr import checks, parsing, workspace
from cxokr.cache import NAME, STAMP, Cache
from cxokr.cli import app
from cxokr.model import Checkin, Reading, ReadingEntry
from tests.conftest import WriteFiles


def load_twice(root: Path) -> tuple[Cache, Cache]:
    first = Cache.for_workspace(root)
    workspace.load(root, first)
    first.save()
    second = Cache.for_workspace(root)
    workspace.load(root, second)
    return first, second


def test_an_unchanged_workspace_is_not_parsed_again(make_ws: WriteFiles) -> None:
    first, second = load_twice(make_ws())
    assert first.added == 8  # cxokr.yaml, 2 teams, 1 metric, 2 OKR files, 2 logs
    assert second.added == 0
    assert set(second.used) == set(first.used)


def test_a_changed_file_alone_is_parsed_again(make_ws: WriteFiles) -> None:
    root = make_ws()
    load_twice(root)
    (root / "teams" / "company.yaml").write_text("name: Exec\nlevel: 1\n", encoding="utf-8")
    cache = Cache.for_workspace(root)
    ws = workspace.load(root, cache)
    assert cache.added == 1
    assert ws.teams["company"].name == "Exec"


def test_cached_and_fresh_loads_give_the_same_problems(make_ws: WriteFiles) -> None:
    root = make_ws({"teams/ecommerce.yaml": "name: E\nlevel: 3\nparent: nobody\nname: twice\n"})
    load_twice(root)
    cached = checks.check(workspace.load(root, Cache.for_workspace(root)))
    fresh = checks.check(workspace.load(root))
    assert cached == fresh
    assert [p.code for p in cached] == ["CX103"]


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"not a pickle",
        pickle.dumps(("other", {})),
        pickle.dumps(((0, "0", "0", (3, 0)), {})),
        pickle.dumps(((0, "0", "0", (3, 0)), {}, {})),  # the right shape, a foreign stamp
    ],
)
def test_a_damaged_or_foreign_cache_is_ignored_and_rebuilt(
    make_ws: WriteFiles, damage: bytes
) -> None:
    root = make_ws()
    path = root / ".cxokr" / NAME
    path.parent.mkdir()
    path.write_bytes(damage)
    cache = Cache.for_workspace(root)
    ws = workspace.load(root, cache)
    cache.save()
    assert cache.old == {}
    assert ws.teams["company"].level == 1
    assert pickle.loads(path.read_bytes())[0] == STAMP


def test_a_cache_entry_of_the_wrong_shape_is_not_trusted(make_ws: WriteFiles) -> None:
    root = make_ws()
    first, _ = load_twice(root)
    path = root / ".cxokr" / NAME
    path.write_bytes(pickle.dumps((STAMP, dict.fromkeys(first.used, "junk"), {})))
    cache = Cache.for_workspace(root)
    ws = workspace.load(root, cache)
    assert cache.added == len(first.used)
    assert ws.teams["company"].level == 1


def settle(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the files just written count as settled: a shorter wait, then the wait."""
    monkeypatch.setattr(cache_module, "SETTLED_NS", 50_000_000)
    time.sleep(0.06)


def test_a_settled_unchanged_file_is_not_read_again(
    make_ws: WriteFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_ws()
    settle(monkeypatch)
    first, second = load_twice(root)
    assert first.recalled == 0 and len(first.files) == 8
    assert second.recalled == 8 and second.added == 0


def test_a_file_edited_just_now_is_read_again_next_time(make_ws: WriteFiles) -> None:
    root = make_ws()
    first, second = load_twice(root)  # every file was written within the last two seconds
    assert first.files == {} and second.recalled == 0
    assert second.added == 0  # still served by content, only read and hashed again


def test_a_file_copied_with_an_old_mtime_is_not_remembered_at_once(
    make_ws: WriteFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_ws()
    settle(monkeypatch)
    for path in root.rglob("*.yaml"):  # as `cp -p` or `tar x` leave them: old mtime, new ctime
        info = path.stat()
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns - 60 * 10**9))
    cache = Cache.for_workspace(root)
    workspace.load(root, cache)
    assert cache.files == {}


def test_a_rewrite_that_keeps_size_and_mtime_is_still_seen(
    make_ws: WriteFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_ws({"teams/company.yaml": "name: Exec\nlevel: 1\n"})
    settle(monkeypatch)
    load_twice(root)
    path = root / "teams" / "company.yaml"
    before = path.stat()
    path.write_text("name: Boss\nlevel: 1\n", encoding="utf-8")  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # the change time still moves
    cache = Cache.for_workspace(root)
    ws = workspace.load(root, cache)
    assert ws.teams["company"].name == "Boss"
    assert cache.recalled == 7 and cache.added == 1


def test_remembered_files_of_the_wrong_shape_are_not_trusted(
    make_ws: WriteFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_ws()
    settle(monkeypatch)
    first, _ = load_twice(root)
    path = root / ".cxokr" / NAME
    junk: dict[str, object] = dict.fromkeys(first.files, ("junk", 1))
    junk["teams/company.yaml"] = "junk"
    path.write_bytes(pickle.dumps((STAMP, first.used, junk)))
    cache = Cache.for_workspace(root)
    ws = workspace.load(root, cache)
    assert cache.recalled == 0 and cache.added == 0  # read and hashed, then found by content
    assert ws.teams["company"].level == 1


def test_the_cli_writes_the_cache_and_no_cache_bypasses_it(
    make_ws: WriteFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_ws()
    monkeypatch.delenv("CXOKR_NO_CACHE", raising=False)
    assert CliRunner().invoke(app, ["--no-cache", "check", "-w", str(root)]).exit_code == 0
    assert not (root / ".cxokr" / NAME).exists()
    assert CliRunner().invoke(app, ["check", "-w", str(root)]).exit_code == 0
    assert (root / ".cxokr" / NAME).exists()
    assert (root / ".cxokr" / ".gitignore").read_text(encoding="utf-8").endswith("*\n")


def test_moments_share_one_zone_per_offset_and_keep_their_instant(tmp_path: Path) -> None:
    raw = (
        b'- {"date": "2026-10-01", "value": 1, "at": "2026-10-01T08:00:00Z"}\n'
        b'- {"date": "2026-10-02", "value": 2, "at": "2026-10-02T08:00:00Z"}\n'
        b'- {"date": "2026-10-03", "value": 3, "at": "2026-10-03T10:00:00+02:00"}\n'
        b'- {"date": "2026-10-04", "value": 4, "at": "2026-10-04T10:00:00+02:00"}\n'
        b'- {"date": "2026-10-05", "value": 5, "at": "2026-10-05T08:00:00"}\n'
    )
    outcome = parsing.log(raw, TypeAdapter(list[Reading]), ReadingEntry)
    entries = pickle.loads(pickle.dumps(outcome.value[0])).rows  # as the cache gives them
    zones = [e.at.tzinfo for e in entries]
    assert zones[0] is zones[1] is UTC
    assert zones[2] is zones[3]
    assert zones[2] is not None and zones[2].utcoffset(None) == timedelta(hours=2)
    assert zones[4] is None  # naive stays naive: read as UTC where moments are compared
    assert entries[2].at == datetime(2026, 10, 3, 8, tzinfo=UTC)
    # Shared zones are what makes the pickled cache small: one zone object, not one per entry.
    assert pickle.dumps(entries).count(b"timezone") <= 2


def test_log_entries_round_trip_through_columns() -> None:
    from cxokr.model import Checkin, CheckinEntry, Entries

    raw = (
        b'- {"kr": "grow/aov", "date": "2026-10-01", "value": 61.5, "confidence": 0.7,'
        b' "note": "holiday lift", "by": "ana@acme.example", "at": "2026-10-01T08:00:00+02:00"}\n'
        b'- {"kr": "grow/aov", "date": "2026-10-08", "note": "no new figure"}\n'
        b"- kr: grow/nps\n  date: 2026-10-09\n  value: 12\n"
    )
    stored = parsing.log(raw, TypeAdapter(list[Checkin]), CheckinEntry).value[0]
    copy = pickle.loads(pickle.dumps(stored))
    assert copy._rows is None  # still columns: nothing made until something reads them
    assert copy.rows == stored.rows
    assert copy.rows[0].at == datetime(2026, 10, 1, 6, tzinfo=UTC)
    assert copy.rows[1].value is None and copy.rows[2].value == 12
    assert pickle.loads(pickle.dumps(copy)) == stored  # packed again from its columns
    empty = pickle.loads(pickle.dumps(Entries(CheckinEntry, ())))
    assert empty.rows == () and empty.kind is CheckinEntry


def test_log_columns_stored_for_other_fields_are_refused() -> None:
    from cxokr.model import CheckinEntry, Entries

    raw = b'- {"kr": "grow/aov", "date": "2026-10-01", "value": 61.5}\n'
    kind, names, columns = (
        parsing.log(raw, TypeAdapter(list[Checkin]), CheckinEntry).value[0].__getstate__()
    )
    for bad in (
        (kind, (*names[:-1], "moment"), columns),  # a field renamed
        (kind, names, columns[:-1]),  # a column missing
        (kind, names, [*columns[:-1], [*columns[-1], None]]),  # a column longer than the rest
    ):
        with pytest.raises(ValueError):
            Entries.__new__(Entries).__setstate__(bad)


def test_only_files_settled_for_two_seconds_are_remembered(make_ws: WriteFiles) -> None:
    root = make_ws()
    time.sleep(2.1)  # every file is settled now
    for path in root.rglob("*.yaml"):
        if path.name != "cxokr.yaml":
            path.write_bytes(path.read_bytes())  # rewritten just now: too fresh to vouch for
    cache = Cache.for_workspace(root)
    workspace.load(root, cache)
    assert set(cache.files) == {"cxokr.yaml"}
