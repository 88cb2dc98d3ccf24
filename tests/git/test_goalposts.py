"""Moved goalposts (CX501): start or target changed after the period began, unexplained."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

import msgspec
import pytest
from typer.testing import CliRunner

from cxokr.cli import app
from cxokr.git import goalposts, goalposts_memo, goalposts_state
from cxokr.git.history import head_sha
from cxokr.load import cache, workspace
from tests import scripted
from tests.conftest import WriteFiles, git

TODAY = date(2026, 11, 20)


@pytest.fixture
def ws(tmp_path: Path, git_env: None) -> Path:
    return scripted.build(tmp_path / "repo")


def check(ws: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["check", "--workspace", str(ws), *args])
    return result.exit_code, result.stdout


def memo_file(ws: Path) -> Path:
    return cache.state_file(ws, goalposts_memo.MEMO)


def moves(ws: Path) -> list[str]:
    return [goalposts.message(m) for m in goalposts.find(ws, workspace.load(ws), TODAY)]


def test_check_flags_only_the_unexplained_target_change(ws: Path) -> None:
    code, out = check(ws)
    sha = git(ws, "rev-parse", "--short", "HEAD~2").strip()
    assert code == 0
    assert out == (
        f"{scripted.OKRS}:12:9: CX501 warning: aov-online: target moved from 64 to 66 on "
        f"2026-11-02 in {sha} by Raj Patel <raj@acme.example>, after 2026-Q4 began on "
        "2026-10-01; if that is meant, say why in a rebaseline: note\n"
    )
    assert check(ws, "--strict")[0] == 1


def test_a_change_before_the_period_began_is_no_move(make_ws: WriteFiles, git_env: None) -> None:
    root = make_ws()
    git(root, "init", "-q")
    okrs = root / "okrs/2026-Q4/ecommerce.yaml"
    scripted.commit(root, scripted.DANA, "2026-09-20T10:00:00+00:00", "Draft Q4")
    scripted.edit(okrs, "target: 64", "target: 65")
    scripted.commit(root, scripted.RAJ, "2026-09-30T23:00:00+00:00", "Final Q4")
    assert moves(root) == []
    scripted.edit(okrs, "target: 65", "target: 66")
    scripted.commit(root, scripted.RAJ, "2026-10-01T09:00:00+00:00", "First day")
    assert [m.split(" in ")[0] for m in moves(root)] == [
        "aov-online: target moved from 65 to 66 on 2026-10-01"
    ]


def test_a_backdated_commit_is_judged_by_its_date(ws: Path) -> None:
    scripted.edit(ws / scripted.OKRS, "target: 66", "target: 70")
    scripted.commit(ws.parent, scripted.DANA, "2026-09-30T23:00:00+00:00", "Backdated")
    assert len(moves(ws)) == 1  # the move of 2026-11-02, not the backdated one


def test_a_note_written_later_explains_the_moves_before_it(ws: Path) -> None:
    scripted.edit(
        ws / scripted.OKRS,
        "target: 66\n",
        "target: 66\n        rebaseline: Peak season came early\n",
    )
    scripted.commit(ws.parent, scripted.RAJ, "2026-11-17T12:00:00+00:00", "Say why")
    assert moves(ws) == []


def test_a_move_after_the_note_was_written_needs_the_note_rewritten(ws: Path) -> None:
    okrs = ws / scripted.OKRS
    scripted.edit(okrs, "target: 2\n", "target: 4\n")
    scripted.commit(ws.parent, scripted.DANA, "2026-11-18T12:00:00+00:00", "More bundles")
    assert [m.split(" in ")[0] for m in moves(ws)] == [
        "aov-online: target moved from 64 to 66 on 2026-11-02",
        "bundles-live: target moved from 2 to 4 on 2026-11-18",
    ]
    scripted.edit(okrs, "(2026-11-09)", "(2026-11-09); kids back in Q4 (2026-11-19)")
    scripted.commit(ws.parent, scripted.DANA, "2026-11-19T12:00:00+00:00", "Say why")
    assert len(moves(ws)) == 1


def test_a_start_and_target_moved_together_are_one_warning(ws: Path) -> None:
    scripted.edit(
        ws / scripted.OKRS, "start: 58\n        target: 66", "start: 57\n        target: 65"
    )
    scripted.commit(ws.parent, scripted.RAJ, "2026-11-18T12:00:00+00:00", "Both")
    assert moves(ws)[-1].startswith(
        "aov-online: start moved from 58 to 57 and target from 66 to 65 on 2026-11-18"
    )


def test_an_edit_not_committed_yet_counts_unless_it_carries_a_note(ws: Path) -> None:
    okrs = ws / scripted.OKRS
    scripted.edit(okrs, "start: 0\n", "start: 1\n")
    assert moves(ws)[-1] == (
        "bundles-live: start moved from 0 to 1 in changes not committed yet, after 2026-Q4 "
        "began on 2026-10-01; if that is meant, say why in a rebaseline: note"
    )
    scripted.edit(okrs, "(2026-11-09)", "(2026-11-09); one page was live before Q4")
    assert len(moves(ws)) == 1


def test_a_shallow_clone_says_its_history_is_cut_and_how_to_fetch_it(
    ws: Path, tmp_path: Path
) -> None:
    clone = scripted.shallow_clone(ws.parent, tmp_path / "clone", 1)
    sha = git(clone, "rev-parse", "--short", "HEAD").strip()
    code, out = check(clone / "goals")
    assert (code, out) == (  # the move of 2026-11-02 is before the cut: not seen
        0,
        f"cxokr.yaml:3:5: CX502 warning: history is incomplete: this shallow clone's history "
        f"starts at {sha} (2026-11-16), after 2026 began on 2026-01-01, so goalposts moved "
        "before then are not checked (CX501); fetch the whole history with "
        "'git fetch --unshallow' (in GitHub Actions, 'fetch-depth: 0' on actions/checkout)\n",
    )
    assert check(clone / "goals", "--strict")[0] == 1


def test_only_a_cut_after_an_open_period_began_is_said(
    make_ws: WriteFiles, git_env: None, tmp_path: Path
) -> None:
    okrs = "okrs/2026-Q4/ecommerce.yaml"
    root = make_ws(
        {
            "okrs/2026/company.yaml": None,  # only 2026-Q4 (from 2026-10-01) has goals
            okrs: """
                objectives:
                  - id: grow-basket
                    title: Shoppers find more to love in every basket
                    key_results:
                      - id: aov-online
                        title: Raise online AOV from 58 to 64 USD
                        unit: USD
                        start: 58
                        target: 64
            """,
        }
    )
    git(root, "init", "-q", "-b", "main")
    scripted.commit(root, scripted.DANA, "2026-09-20T10:00:00+00:00", "Draft Q4")
    scripted.edit(root / okrs, "from 58", "from 58.0")
    scripted.commit(root, scripted.DANA, "2026-09-30T10:00:00+00:00", "Final Q4")
    scripted.edit(root / okrs, "target: 64", "target: 66")
    scripted.commit(root, scripted.RAJ, "2026-10-02T10:00:00+00:00", "Aim higher")
    moved = "CX501 warning: aov-online: target moved from 64 to 66 on 2026-10-02"
    cut_late = scripted.shallow_clone(root, tmp_path / "late", 1)  # cut at the move itself
    _, out = check(cut_late)
    assert "CX502 warning: history is incomplete" in out and moved not in out
    cut_early = scripted.shallow_clone(root, tmp_path / "early", 2)  # cut at 2026-09-30
    assert git(cut_early, "rev-parse", "--is-shallow-repository").strip() == "true"
    _, out = check(cut_early)
    assert "CX502" not in out and moved in out


def test_fetching_the_whole_history_is_seen_though_head_did_not_move(
    ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CXOKR_NO_CACHE")  # the kept answer must not hide the fetch
    clone = scripted.shallow_clone(ws.parent, tmp_path / "clone", 1)
    assert "CX502" in check(clone / "goals")[1]
    git(clone, "fetch", "-q", "--unshallow")
    _, out = check(clone / "goals")
    assert "CX502" not in out and "CX501" in out


def test_outside_git_check_has_no_history_to_read(make_ws: WriteFiles) -> None:
    root = make_ws()
    assert goalposts.find(root, workspace.load(root), TODAY) == []
    assert check(root) == (0, "")


def test_the_report_marks_the_key_result_whose_goalposts_moved(ws: Path) -> None:
    args = ["report", "--workspace", str(ws), "--as-of", "2026-11-20"]
    result = CliRunner().invoke(app, [*args, "--format", "json"])
    flags = {
        kr["ref"]: kr["moved_goalposts"]
        for objective in json.loads(result.stdout)["objectives"]
        for kr in objective["key_results"]
    }
    assert flags == {
        "2026:company/raise-aov/aov": False,
        scripted.KR: True,
        "2026-Q4:ecommerce/grow-basket/bundles-live": False,
    }
    text = CliRunner().invoke(app, args).stdout
    assert "50% on track (moved goalposts)  Raise online AOV" in text
    markdown = CliRunner().invoke(app, [*args, "--format", "md"]).stdout
    assert "| 62 → 66 USD (moved goalposts) |" in markdown


def test_a_closed_period_is_not_judged_again(ws: Path) -> None:
    scripted.edit(
        ws / "cxokr.yaml",
        "{id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}",
        "{id: 2026-Q4, start: 2026-10-01, end: 2026-12-31, closed: 2026-12-31}",
    )
    assert moves(ws) == []


def test_rewriting_the_second_line_of_a_note_explains_the_moves_before_it(ws: Path) -> None:
    okrs = ws / scripted.OKRS
    scripted.edit(
        okrs, "target: 66\n", "target: 66\n        rebaseline: >\n          Peak season\n"
    )
    scripted.commit(ws.parent, scripted.RAJ, "2026-11-17T12:00:00+00:00", "Say why")
    scripted.edit(okrs, "target: 66\n", "target: 67\n")
    scripted.commit(ws.parent, scripted.RAJ, "2026-11-18T12:00:00+00:00", "Again")
    assert [m.split(" in ")[0] for m in moves(ws)] == [
        "aov-online: target moved from 66 to 67 on 2026-11-18"
    ]
    scripted.edit(okrs, "          Peak season\n", "          Peak season, and again\n")
    scripted.commit(ws.parent, scripted.RAJ, "2026-11-19T12:00:00+00:00", "Say why again")
    assert moves(ws) == []


@pytest.mark.parametrize(
    ("lines", "may"),
    [
        (("        title: Raise online AOV faster",), False),
        (("      - id: aov-web", "    owner: raj@acme.example", "", "# a comment"), False),
        (("        target: 66",), True),
        (("      - {id: aov-web, title: x, target: 3}",), True),
        (("          Peak season came early",), True),
    ],
)
def test_only_changes_that_may_move_a_goalpost_are_read(lines: tuple[str, ...], may: bool) -> None:
    from cxokr.git.history import FileChange

    assert goalposts_state.may_move(FileChange(scripted.OKRS, "a" * 40, "b" * 40, lines)) is may
    assert not goalposts_state.may_move(FileChange(scripted.OKRS, None, "b" * 40, lines))


def test_a_number_rewritten_in_place_is_read_from_the_patch_as_from_the_file(ws: Path) -> None:
    from cxokr.git.history import history

    with history(ws) as h:
        assert h is not None
        step = h.steps([scripted.OKRS], patch=True)[1]
        reader = goalposts_state.Reader(h, ws, "2026-Q4", "ecommerce")
        change = step.changes[0]
        before, after = reader.version(change.before), reader.version(change.after)
    assert before is not None and after is not None
    edited = goalposts_state.edited(before, change)
    assert edited is not None
    assert edited.values == after.values
    assert edited.values[("grow-basket", "aov-online")] == (58.0, 66.0, None)


def test_the_same_state_is_answered_without_git(
    ws: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    first = moves(ws)
    assert memo_file(ws).exists()
    assert memo_file(ws).parent == ws.parent / ".git" / "cxokr"
    with monkeypatch.context() as m:  # no git on PATH: only the kept answer can serve
        m.setenv("PATH", str(tmp_path / "nothing-here"))
        assert moves(ws) == first
    okrs = ws / scripted.OKRS
    scripted.edit(okrs, "target: 66", "target: 67")  # the working tree changed: asked again
    assert [m.split(", after")[0] for m in moves(ws)][1:] == [
        "aov-online: target moved from 66 to 67 in changes not committed yet"
    ]
    scripted.commit(ws, scripted.RAJ, "2026-11-19T09:00:00+00:00", "Raise again")
    assert git(ws, "rev-parse", "HEAD").strip() == head_sha(ws)
    assert [m.split(" in ")[0] for m in moves(ws)] == [
        "aov-online: target moved from 64 to 66 on 2026-11-02",
        "aov-online: target moved from 66 to 67 on 2026-11-19",
    ]


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: b"\x80garbage",
        lambda raw: raw[: len(raw) // 2],
        lambda raw: raw[:-1] + bytes([raw[-1] ^ 1]),
    ],
)
def test_a_damaged_kept_answer_is_worked_out_again(
    ws: Path, damage: Callable[[bytes], bytes]
) -> None:
    first = moves(ws)
    memo_file(ws).write_bytes(damage(memo_file(ws).read_bytes()))
    assert moves(ws) == first


def test_a_kept_answer_someone_else_signed_is_not_believed(ws: Path) -> None:
    first = moves(ws)
    raw = memo_file(ws).read_bytes()
    key = cache.secret()
    assert key is not None and cache.unseal(raw, key, goalposts_memo._PURPOSE) is not None
    record = msgspec.msgpack.decode(cache.unseal(raw, key, goalposts_memo._PURPOSE))
    record[1] = []  # "no moves", for this very state
    forged = msgspec.msgpack.encode(record)
    memo_file(ws).write_bytes(cache.seal(forged, os.urandom(32), goalposts_memo._PURPOSE))
    assert moves(ws) == first
    memo_file(ws).write_bytes(cache.seal(forged, key, goalposts_memo._PURPOSE))
    assert moves(ws) == []  # the same answer, signed with the user's key, would be taken


def test_no_cache_neither_reads_nor_writes_the_kept_answer(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    memo = memo_file(ws)
    assert check(ws)[1]  # CXOKR_NO_CACHE=1 in tests: worked out, not kept
    assert not memo.exists()
    monkeypatch.delenv("CXOKR_NO_CACHE")
    assert check(ws)[1]  # with the cache: worked out and kept
    assert memo.exists()
    key = cache.secret()
    assert key is not None
    other = msgspec.msgpack.encode([b"not this state", [], False, None])
    memo.write_bytes(cache.seal(other, key, goalposts_memo._PURPOSE))
    assert [m.split(" in ")[0] for m in moves(ws)] == [  # a foreign answer is not taken
        "aov-online: target moved from 64 to 66 on 2026-11-02"
    ]


def test_closing_the_period_is_seen_though_nothing_else_changed(ws: Path) -> None:
    assert len(moves(ws)) == 1
    config = ws / "cxokr.yaml"
    text = config.read_text(encoding="utf-8")
    q4 = "id: 2026-Q4, start: 2026-10-01, end: 2026-12-31"
    closed = text.replace(q4, f"{q4}, closed: 2026-11-20")
    assert closed != text
    config.write_text(closed, encoding="utf-8")
    assert moves(ws) == []
