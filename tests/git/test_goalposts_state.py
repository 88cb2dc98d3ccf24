"""Each OKR file's ledger of goalpost changes, and the copy kept between runs: believed only
when this user's cxokr wrote it, for this workspace and this cut of history."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import msgspec
import pytest

from cxokr.git import goalposts, goalposts_memo, goalposts_state
from cxokr.git.goalposts_memo import LEDGERS
from cxokr.git.history import history
from cxokr.load import cache, workspace
from tests import scripted
from tests.conftest import WriteFiles, git

TODAY = date(2026, 11, 20)
MOVED = "aov-online: target moved from 64 to 66 on 2026-11-02"


@pytest.fixture
def ws(tmp_path: Path, git_env: None) -> Path:
    return scripted.build(tmp_path / "repo")


def moves(ws: Path) -> list[str]:
    """The moves' messages up to their commit, from the kept ledgers (the answer set aside)."""
    cache.state_file(ws, goalposts_memo.MEMO).unlink(missing_ok=True)
    found = goalposts.find(ws, workspace.load(ws), TODAY)
    return [goalposts.message(m).split(" in ")[0] for m in found]


def another_commit(ws: Path) -> None:
    scripted.append(ws / scripted.CHECKINS, scripted.CHECKIN_2)
    scripted.commit(ws.parent, scripted.RAJ, "2026-11-18T12:00:00+00:00", "checkin")


def kept_file(ws: Path) -> Path:
    return cache.state_file(ws, LEDGERS)


def kept_record(ws: Path) -> list[object]:
    key = cache.secret()
    assert key is not None
    body = cache.unseal(kept_file(ws).read_bytes(), key, goalposts_memo._LEDGERS_PURPOSE)
    assert body is not None
    record: list[object] = msgspec.msgpack.decode(body)
    return record


def keep_record(ws: Path, record: list[object], key: bytes | None = None) -> None:
    key = key or cache.secret()
    assert key is not None
    raw = cache.seal(msgspec.msgpack.encode(record), key, goalposts_memo._LEDGERS_PURPOSE)
    kept_file(ws).write_bytes(raw)


def forget_the_move(record: list[object]) -> list[object]:
    """The record with the change that moved aov-online's target gone from its ledger."""
    files = record[4]
    assert isinstance(files, dict)
    ledger = files[scripted.OKRS]
    ledger[3], ledger[4] = [], []  # read and pending changes alike
    return record


def test_the_ledgers_are_kept_as_of_the_commit_read(ws: Path) -> None:
    assert moves(ws) == [MOVED]
    kept = goalposts_memo.recall_ledgers(ws)
    assert kept is not None and kept.head == git(ws, "rev-parse", "HEAD").strip()
    assert kept_file(ws).parent == ws.parent / ".git" / "cxokr"
    ledger = kept.files[scripted.OKRS]
    assert ledger.pending == []  # the open period's file was asked about: read
    assert [m.commit.short for m in ledger.moved if m.commit] == [
        git(ws, "rev-parse", "--short", f"HEAD~{n}").strip() for n in (2, 1)
    ]
    company = kept.files["okrs/2026/company.yaml"]
    assert company.moved == [] and company.pending == []  # created, never changed


def test_ledgers_signed_with_another_key_are_not_believed(ws: Path) -> None:
    moves(ws)
    forged = forget_the_move(kept_record(ws))
    keep_record(ws, forged, os.urandom(32))
    another_commit(ws)
    assert moves(ws) == [MOVED]
    keep_record(ws, forged)  # the same, signed with the user's key, would be taken
    assert moves(ws) == []


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: b"\x80garbage",
        lambda raw: raw[: len(raw) // 2],
        lambda raw: raw[:-1] + bytes([raw[-1] ^ 1]),
        lambda raw: b"",
    ],
)
def test_damaged_ledgers_are_read_again_from_the_whole_history(
    ws: Path, damage: Callable[[bytes], bytes]
) -> None:
    moves(ws)
    kept_file(ws).write_bytes(damage(kept_file(ws).read_bytes()))
    assert goalposts_memo.recall_ledgers(ws) is None
    another_commit(ws)
    assert moves(ws) == [MOVED]
    assert goalposts_memo.recall_ledgers(ws) is not None  # and kept again


def test_ledgers_of_another_workspace_are_not_believed(ws: Path, tmp_path: Path) -> None:
    moves(ws)
    copy = tmp_path / "copy"
    shutil.copytree(ws.parent, copy)  # the same commits, the same state folder's files
    there = copy / "goals"
    assert goalposts_memo.recall_ledgers(there) is None  # its own file: none yet
    kept_file(there).write_bytes(kept_file(ws).read_bytes())
    assert goalposts_memo.recall_ledgers(there) is None  # this one was for another root
    assert goalposts_memo.recall_ledgers(ws) is not None


def test_ledgers_of_another_version_are_not_believed(ws: Path) -> None:
    moves(ws)
    record = forget_the_move(kept_record(ws))
    keep_record(ws, record)
    assert goalposts_memo.recall_ledgers(ws) is not None
    stamp = record[0]
    assert isinstance(stamp, list)
    record[0] = [stamp[0] + 1, *stamp[1:]]
    keep_record(ws, record)
    assert goalposts_memo.recall_ledgers(ws) is None
    another_commit(ws)
    assert moves(ws) == [MOVED]


def test_ledgers_kept_before_the_history_was_cut_differently_are_not_believed(
    ws: Path,
) -> None:
    moves(ws)
    shallow = ws.parent / ".git" / "shallow"
    shallow.write_text(git(ws, "rev-parse", "HEAD~1"), encoding="ascii")
    assert goalposts_memo.recall_ledgers(ws) is None
    shallow.unlink()
    assert goalposts_memo.recall_ledgers(ws) is not None


def test_no_cache_neither_reads_nor_writes_the_ledgers(ws: Path) -> None:
    goalposts.answer(ws, workspace.load(ws), TODAY, keep=False)
    assert not kept_file(ws).exists()
    moves(ws)
    keep_record(ws, forget_the_move(kept_record(ws)))
    another_commit(ws)
    found = goalposts.answer(ws, workspace.load(ws), TODAY, keep=False)
    assert [goalposts.message(m).split(" in ")[0] for m in found.moves] == [MOVED]


def test_a_closed_periods_file_waits_unread_until_it_is_asked_about(ws: Path) -> None:
    config = ws / "cxokr.yaml"
    q4 = "{id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}"
    closed = "{id: 2026-Q4, start: 2026-10-01, end: 2026-12-31, closed: 2026-11-20}"
    scripted.edit(config, q4, closed)
    assert moves(ws) == []
    kept = goalposts_memo.recall_ledgers(ws)
    assert kept is not None
    assert len(kept.files[scripted.OKRS].pending) == 2 and not kept.files[scripted.OKRS].moved
    scripted.edit(config, closed, q4)  # open again: its changes are read now, and kept
    assert moves(ws) == [MOVED]
    kept = goalposts_memo.recall_ledgers(ws)
    assert kept is not None and len(kept.files[scripted.OKRS].moved) == 2


@pytest.mark.parametrize(
    ("path", "found"),
    [
        ("okrs/2026-Q4/ecommerce.yaml", ("2026-Q4", "ecommerce")),
        ("okrs/2026-Q4/notes.md", None),
        ("okrs/2026-Q4/deeper/team.yaml", None),
        ("okrs/team.yaml", None),
    ],
)
def test_only_the_ledgers_of_okr_files_are_kept(path: str, found: object) -> None:
    assert goalposts_state.team_file(path) == found


def test_a_start_written_as_a_reading_survives_the_kept_ledgers(ws: Path) -> None:
    okrs = ws / scripted.OKRS
    scripted.edit(okrs, "start: 0\n", "start: {reading: 2026-09-01}\n")
    scripted.commit(ws.parent, scripted.DANA, "2026-11-17T12:00:00+00:00", "From a reading")
    moves(ws)
    scripted.edit(okrs, "start: {reading: 2026-09-01}\n", "start: {reading: 2026-09-15}\n")
    scripted.commit(ws.parent, scripted.DANA, "2026-11-18T12:00:00+00:00", "A later reading")
    with history(ws) as h:
        assert h is not None
        whole = goalposts.moves(h, ws, workspace.load(ws), TODAY)
    assert moves(ws) == [goalposts.message(m).split(" in ")[0] for m in whole]
    assert moves(ws)[-1] == (
        "bundles-live: start moved from the reading of 2026-09-01 to the reading of 2026-09-15"
        " on 2026-11-18"
    )


def test_a_file_committed_broken_is_compared_with_the_last_version_that_loaded(
    make_ws: WriteFiles, git_env: None
) -> None:
    root = make_ws()
    git(root, "init", "-q")
    okrs = root / "okrs/2026-Q4/ecommerce.yaml"
    scripted.commit(root, scripted.DANA, "2026-09-20T10:00:00+00:00", "Draft Q4")
    scripted.edit(okrs, "target: 64", "target: 65")
    scripted.commit(root, scripted.RAJ, "2026-09-25T10:00:00+00:00", "Final Q4")
    good = okrs.read_text(encoding="utf-8")
    okrs.write_text(good + "\tbroken: [\n", encoding="utf-8")
    scripted.commit(root, scripted.RAJ, "2026-09-28T10:00:00+00:00", "Broken")
    okrs.write_text(good.replace("target: 65", "target: 66"), encoding="utf-8")
    scripted.commit(root, scripted.RAJ, "2026-10-05T10:00:00+00:00", "Fixed, and higher")
    assert moves(root) == ["aov-online: target moved from 65 to 66 on 2026-10-05"]
