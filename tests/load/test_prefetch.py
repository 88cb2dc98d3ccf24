"""Parsing on two CPUs before a load: the same workspace and problems as parsing in turn."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from pydantic import BaseModel

from cxokr.load import cache as cache_module
from cxokr.load import kinds, parsing, prefetch, workspace
from cxokr.load.cache import Cache
from cxokr.load.source import Folder, signature
from cxokr.model import OkrFile
from cxokr.rules import checks
from tests.conftest import WriteFiles
from tests.paths import REPO

EXAMPLE = REPO / "examples" / "retail-cx"
needs_fork = pytest.mark.skipif(not prefetch._may_fork(), reason="needs fork and two CPUs")


@pytest.fixture
def example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example with a broken team file and a broken log line, prefetched whatever its size."""
    root = tmp_path / "ws"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".cxokr"))
    (root / "teams" / "stores.yaml").write_text("name: Stores\nlevel: [\n", encoding="utf-8")
    log = next((root / "checkins").rglob("*.yaml"))
    with log.open("a", encoding="utf-8") as out:
        out.write('- {"kr": "nope", "date": "2026-13-01"}\n')
    monkeypatch.setattr(prefetch, "MIN_BYTES", 0)
    monkeypatch.delenv("CXOKR_JOBS", raising=False)
    # The browser tests leave idle asyncio threads in this process; the command line has none.
    monkeypatch.setattr(prefetch.threading, "active_count", lambda: 1)
    return root


def in_turn(root: Path, monkeypatch: pytest.MonkeyPatch) -> workspace.Workspace:
    with monkeypatch.context() as m:
        m.setenv("CXOKR_JOBS", "1")
        return workspace.load(root)


@needs_fork
def test_prefetched_load_equals_the_load_in_turn(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ready = prefetch.prefetch(example.resolve(), None)
    files = {p.relative_to(example).as_posix() for p in example.rglob("*.yaml")}
    assert set(ready) == files  # every workspace file, parsed ahead
    both = workspace.load(example)
    alone = in_turn(example, monkeypatch)
    assert both == alone
    assert checks.check(both) == checks.check(alone)
    assert {p.code for p in both.problems} >= {"CX102"}


@needs_fork
def test_a_child_that_dies_leaves_its_share_to_this_process(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent = os.getpid()
    parse_document = parsing.document

    def dies_in_the_child(raw: bytes, model: type[BaseModel]) -> object:
        if os.getpid() != parent and model is OkrFile:
            os._exit(7)
        return parse_document(raw, model)

    monkeypatch.setattr(parsing, "document", dies_in_the_child)
    root = example.resolve()
    _, theirs = prefetch._split(list(prefetch._jobs(root, None)))
    assert any(job.kind is kinds.OKRS for job in theirs)  # the child would have parsed OKRs
    files = {p.relative_to(example).as_posix() for p in example.rglob("*.yaml")}
    assert set(prefetch.prefetch(root, None)) == files  # its share, parsed here instead
    assert workspace.load(example) == in_turn(example, monkeypatch)


@needs_fork
def test_a_prefetched_load_fills_the_cache(example: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache_module, "SETTLED_NS", -(10**12))  # every file counts as settled
    first = Cache.for_workspace(example)
    loaded = workspace.load(example, first)
    first.save()
    second = Cache.for_workspace(example)
    assert prefetch.prefetch(example.resolve(), second) == {}  # it remembers files: no walk
    assert workspace.load(example, second) == loaded
    assert second.added == 0 and second.recalled == first.added > 20


def test_an_outcome_for_other_bytes_is_not_used(make_ws: WriteFiles) -> None:
    root = make_ws({"teams/support.yaml": "name: Support\nlevel: 2\nparent: company\n"}).resolve()
    path = root / "teams" / "support.yaml"
    stale = prefetch.Prefetched(
        kinds.TEAM,
        signature(path.stat()),
        path.read_bytes(),
        kinds.TEAM.parse(b"name: Old\nlevel: 2\nparent: company\n"),
    )
    ws = workspace._Loader(Folder(root), prefetched={"teams/support.yaml": stale}).run()
    assert ws.teams["support"].name == "Old"  # same signature: taken as read ahead
    path.write_text("name: New\nlevel: 2\nparent: company\n", encoding="utf-8")
    ws = workspace._Loader(Folder(root), prefetched={"teams/support.yaml": stale}).run()
    assert ws.teams["support"].name == "New"  # changed since: read again


def test_small_workspaces_are_not_forked(make_ws: WriteFiles) -> None:
    assert prefetch.prefetch(make_ws().resolve(), None) == {}


@needs_fork
def test_the_load_takes_every_prefetched_outcome_without_parsing(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Kinds and signatures must agree between the read-ahead and the load, or it is wasted."""
    root = example.resolve()
    expected = in_turn(root, monkeypatch)
    ready = prefetch.prefetch(root, None)
    assert ready

    def refuse(*args: object) -> object:
        raise AssertionError("parsed again")

    monkeypatch.setattr(parsing, "document", refuse)
    monkeypatch.setattr(parsing, "log", refuse)
    assert workspace._Loader(Folder(root), prefetched=ready).run() == expected


@needs_fork
def test_a_process_with_other_threads_is_not_forked(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    monkeypatch.setattr(prefetch, "MIN_BYTES", 0)
    monkeypatch.delenv("CXOKR_JOBS", raising=False)
    done = threading.Event()
    waiting = threading.Thread(target=done.wait)
    waiting.start()
    try:
        assert prefetch.prefetch(EXAMPLE.resolve(), None) == {}
    finally:
        done.set()
        waiting.join()


def test_jobs_1_keeps_everything_in_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prefetch, "MIN_BYTES", 0)
    monkeypatch.setattr(prefetch.threading, "active_count", lambda: 1)
    monkeypatch.setenv("CXOKR_JOBS", "1")
    assert prefetch.prefetch(EXAMPLE.resolve(), None) == {}


def test_outcomes_cross_the_pipe_unchanged_and_logs_in_columns() -> None:
    readings = kinds.READINGS.parse(
        b'- {"date": "2026-10-01", "value": 1, "at": "2026-10-01T08:00:00Z"}\n'
        b'- {"date": "2026-10-02", "value": 2, "at": "2026-10-02T10:00:00+02:00"}\n'
        b'- {"date": "2026-10-03", "value": 3, "at": "2026-10-03T10:00:00+02:00"}\n'
        b'- {"date": "2026-10-04", "value": 4, "segment": "online"}\n'
        b"- {date: 2026-13-01, value: 5}\n"
    )
    team = kinds.TEAM.parse(b"name: Ops\nlevel: 1\n")
    back = prefetch._received(prefetch._sent({"log": readings, "team": team}))
    assert back is not None and back["team"] == team
    log = back["log"]
    assert isinstance(log, parsing.LogOutcome)
    assert log.entries._rows is None  # still columns: made into tuples when first read
    assert log.entries == readings.entries and len(log.entries) == 4
    assert list(log.lines) == list(readings.lines) == [1, 2, 3, 4]
    assert log.issues == readings.issues and [i.code for i in log.issues] == ["CX205"]
    zones = [row.at.tzinfo for row in log.entries.rows if row.at is not None]
    assert zones[1] is zones[2]  # one zone object per offset


def test_a_damaged_message_from_the_child_is_no_outcome() -> None:
    assert prefetch._received(b"not a pickle") is None


def test_the_child_takes_documents_before_logs_and_the_shares_are_about_even() -> None:
    """Sending a log's entries back costs more than its parse, a document's little: the
    child takes documents first, and logs only when documents are not enough."""
    jobs = list(prefetch._jobs((REPO / "examples" / "retail-cx").resolve(), None))
    mine, theirs = prefetch._split(jobs)
    assert sorted(job.rel for job in mine + theirs) == sorted(job.rel for job in jobs)
    assert theirs and not any(job.kind.is_log for job in theirs)
    logs = [job for job in jobs if job.kind.is_log]
    mine, theirs = prefetch._split(logs * 3)  # logs alone: the child takes some
    parsed_there = sum(job.cost for job in theirs)
    here = sum(job.cost for job in mine) + parsed_there * prefetch._RECEIVE[True]
    there = parsed_there * (1 + prefetch._SEND[True])
    assert there > 0 and abs(here - there) <= max(job.cost for job in logs) * 2.5
