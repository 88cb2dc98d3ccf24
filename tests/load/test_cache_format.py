"""The cache's msgpack format: every kind of parsed file comes back as it was parsed.

Documents keep their models and the fields each file gave; logs keep their
entries in columns, moments with their zones; columns that do not fit are refused.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec
import pytest
from pydantic import TypeAdapter

from cxokr.load import cache_format, parsing, workspace
from cxokr.load.cache import Cache
from cxokr.model import Checkin, Reading, ReadingEntry
from cxokr.rules import checks
from tests.load.test_cache import cache_file
from tests.paths import REPO

EXAMPLE = REPO / "examples" / "retail-cx"


def round_trip(outcome: parsing.Outcome) -> parsing.Outcome:
    """`outcome` as the cache gives it back."""
    entry = cache_format.encode(outcome)
    assert entry is not None
    found = cache_format.decode(entry)
    assert found is not None
    return found


def loaded_from_the_cache(root: Path) -> workspace.Workspace:
    """The workspace loaded a second time, every file from the cache; equal to the first."""
    first = Cache.for_workspace(root)
    fresh = workspace.load(root, first)
    first.save()
    again = Cache.for_workspace(root)
    cached = workspace.load(root, again)
    assert again.added == 0
    assert cached == fresh
    return cached


def test_every_kind_of_file_comes_back_from_the_cache_as_it_was_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "ws"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".cxokr"))
    (root / "teams" / "stores.yaml").write_text("name: Stores\nlevel: [\n", encoding="utf-8")
    monkeypatch.setenv("CXOKR_JOBS", "1")
    first = Cache.for_workspace(root)
    fresh = workspace.load(root, first)
    first.save()
    assert cache_file(root).is_file() and not (root / ".cxokr").exists()
    again = Cache.for_workspace(root)
    cached = workspace.load(root, again)
    assert again.added == 0 and len(again.used) == len(first.used)
    assert cached == fresh
    for key, okr in fresh.okrs.items():  # the same models, down to the keys each file gave
        assert cached.okrs[key].model_fields_set == okr.model_fields_set
        for objective, same in zip(okr.objectives, cached.okrs[key].objectives, strict=True):
            assert same.model_fields_set == objective.model_fields_set
            assert [type(v) for v in same.__dict__.values()] == [
                type(v) for v in objective.__dict__.values()
            ]
    assert {rel: m.positions for rel, m in cached.marks.items()} == {
        rel: m.positions for rel, m in fresh.marks.items()
    }
    assert [log.entries for log in cached.readings.values()] == [
        log.entries for log in fresh.readings.values()
    ]
    assert checks.check(cached) == checks.check(fresh)


def test_moments_share_one_zone_per_offset_and_keep_their_instant() -> None:
    raw = (
        b'- {"date": "2026-10-01", "value": 1, "at": "2026-10-01T08:00:00Z"}\n'
        b'- {"date": "2026-10-02", "value": 2, "at": "2026-10-02T08:00:00Z"}\n'
        b'- {"date": "2026-10-03", "value": 3, "at": "2026-10-03T10:00:00+02:00"}\n'
        b'- {"date": "2026-10-04", "value": 4, "at": "2026-10-04T10:00:00+02:00"}\n'
        b'- {"date": "2026-10-05", "value": 5, "at": "2026-10-05T08:00:00"}\n'
        b'- {"date": "2026-10-06", "value": 6, "at": "2026-10-06T08:00:00.000123-09:30"}\n'
    )
    outcome = parsing.log(raw, TypeAdapter(list[Reading]), ReadingEntry)
    back = round_trip(outcome)
    assert isinstance(back, parsing.LogOutcome)
    entries = back.entries.rows
    assert entries == outcome.entries.rows
    zones = [e.at.tzinfo for e in entries]
    assert zones[0] is zones[1] is UTC
    assert zones[2] is zones[3]
    assert zones[2] is not None and zones[2].utcoffset(None) == timedelta(hours=2)
    assert zones[4] is None  # naive stays naive: read as UTC where moments are compared
    assert entries[2].at == datetime(2026, 10, 3, 8, tzinfo=UTC)
    assert entries[5].at.isoformat() == "2026-10-06T08:00:00.000123-09:30"


def test_log_entries_round_trip_through_columns() -> None:
    from cxokr.load.parsing import Entries, LogOutcome
    from cxokr.model import CheckinEntry

    raw = (
        b'- {"kr": "grow/aov", "date": "2026-10-01", "value": 61.5, "confidence": 0.7,'
        b' "note": "holiday lift", "by": "ana@acme.example", "at": "2026-10-01T08:00:00+02:00"}\n'
        b'- {"kr": "grow/aov", "date": "2026-10-08", "note": "no new figure"}\n'
        b"- kr: grow/nps\n  date: 2026-10-09\n  value: 12\n"
    )
    outcome = parsing.log(raw, TypeAdapter(list[Checkin]), CheckinEntry)
    back = round_trip(outcome)
    assert isinstance(back, LogOutcome)
    copy, lines = back.entries, back.lines
    stored = outcome.entries
    assert copy._rows is None  # still columns: nothing made until something reads them
    assert copy.rows == stored.rows and list(lines) == [1, 2, 3]
    assert copy.rows[0].at == datetime(2026, 10, 1, 6, tzinfo=UTC)
    assert copy.rows[1].value is None and copy.rows[2].value == 12
    again = round_trip(LogOutcome(copy, lines, ()))
    assert isinstance(again, LogOutcome)
    assert again.entries == stored  # packed again from its columns
    empty = round_trip(LogOutcome(Entries(CheckinEntry, ()), [], ()))
    assert isinstance(empty, LogOutcome)
    assert empty.entries.rows == () and empty.entries.kind is CheckinEntry


def test_log_columns_stored_for_other_fields_are_refused() -> None:
    from cxokr.load.parsing import Entries
    from cxokr.model import CheckinEntry

    raw = b'- {"kr": "grow/aov", "date": "2026-10-01", "value": 61.5}\n'
    outcome = parsing.log(raw, TypeAdapter(list[Checkin]), CheckinEntry)
    columns = [list(column) for column in zip(*outcome.entries.rows, strict=True)]
    assert Entries.from_columns(CheckinEntry, columns)._rows is None  # these fit
    for bad in (columns[:-1], [*columns[:-1], [*columns[-1], None]]):  # missing; too long
        with pytest.raises(ValueError):
            Entries.from_columns(CheckinEntry, bad)
    entry = msgspec.msgpack.decode(cache_format.encode(outcome))
    for bad_entry in (
        [*entry[:1], "readings", *entry[2:]],  # another kind's columns
        [*entry[:3], entry[3] + b"\0\0\0\0\0\0\0\0", *entry[4:]],  # a line too many
    ):
        assert cache_format.decode(msgspec.msgpack.encode(bad_entry)) is None


def test_every_key_result_form_and_check_in_comes_back_as_it_was_parsed(tmp_path: Path) -> None:
    from tests.compute.test_kr_rows import FORMS
    from tests.conftest import write_files

    root = write_files(tmp_path / "ws", FORMS)
    cached = loaded_from_the_cache(root)
    season = cached.okrs[("2026-Q4", "marketing")].objectives[0]
    forms = {kr.id: kr for kr in season.key_results}
    assert type(forms["aov-plus"].start).__name__ == "StartReading"
    assert (forms["aov-first"].start, forms["aov-plus"].target) == ("first", "+10%")
    assert [item.id for item in forms["handbook"].items or ()] == ["outline", "migrate", "publish"]
    assert season.owner == ["mia", "noor"]
    entries = cached.checkins[("2026-Q4", "marketing")].entries
    assert [e.done for e in entries if e.done] == [["outline"], ["migrate"], ["a"], ["publish"]]
    assert [e.score for e in entries if e.score is not None] == [0.4, 0.6]


def test_connections_and_a_metric_sync_come_back_from_the_cache_as_models(tmp_path: Path) -> None:
    from tests.conftest import write_files

    root = write_files(
        tmp_path / "ws",
        {
            "cxokr.yaml": "organization: Acme\n"
            "periods: [{id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}]\n"
            "connections:\n  exports: {url: 'duckdb:'}\n"
            "  warehouse: {url: 'env:CXOKR_WAREHOUSE_URL'}\n",
            "metrics/aov.yaml": "name: AOV\nunit: USD\ndirection: higher\n"
            "sync: {connection: exports, query: select 1, timeout: 30}\n",
        },
    )
    cached = loaded_from_the_cache(root)
    assert cached.config is not None
    assert {name: (type(c).__name__, c.url) for name, c in cached.config.connections.items()} == {
        "exports": ("Connection", "duckdb:"),
        "warehouse": ("Connection", "env:CXOKR_WAREHOUSE_URL"),
    }
    sync = cached.metrics["aov"].sync
    assert sync is not None and (type(sync).__name__, sync.timeout) == ("Sync", 30.0)


def test_each_form_of_a_metrics_whole_comes_back_from_the_cache_as_it_was(tmp_path: Path) -> None:
    """`whole` is a union of two models and a word: each decodes as the one that was kept."""
    from tests.conftest import write_files

    metric = "name: {name}\nunit: USD\ndirection: higher\nsegments: [online, in-store]\n"
    root = write_files(
        tmp_path / "ws",
        {
            "cxokr.yaml": "organization: Acme\n"
            "periods: [{id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}]\n",
            "metrics/orders.yaml": metric.format(name="Orders") + "whole: sum\n",
            "metrics/revenue.yaml": metric.format(name="Revenue")
            + "whole: {sum: true, tolerance: 0.02}\n",
            "metrics/aov.yaml": metric.format(name="AOV") + "whole: {weighted_by: orders}\n",
        },
    )
    cached = loaded_from_the_cache(root)
    wholes = {name: cached.metrics[name].whole for name in ("orders", "revenue", "aov")}
    assert wholes["orders"] == "sum"
    assert [type(wholes[n]).__name__ for n in ("revenue", "aov")] == ["WholeSum", "WholeWeighted"]
    assert wholes["revenue"].model_fields_set == {"sum", "tolerance"}  # type: ignore[union-attr]
    assert wholes["aov"].weighted_by == "orders"  # type: ignore[union-attr]
