"""The workspace as it stood on a past day, from real git: which commit, what is joined."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cxokr.git import as_of, history
from cxokr.load import workspace
from cxokr.load.cache import Cache
from tests import scripted
from tests.conftest import WriteFiles, git

OKRS = "okrs/2026-Q4/ecommerce.yaml"
CHECKINS = "checkins/2026-Q4/ecommerce.yaml"
KR = ("grow-basket", "aov-online")
TODAY = date(2026, 12, 15)  # the day the questions are asked, after every commit
# Recorded on the 28th, dated the 25th: a check-in counts on its own date.
BACKDATED = '- {"kr": "grow-basket/aov-online", "date": "2026-11-25", "value": 62.5}\n'


def retarget(root: Path) -> Path:
    """Commit `root` on 2026-11-20, then raise the online AOV target from 64 to 66 (and its
    title with it), with a back-dated check-in, in a commit of 2026-11-28."""
    git(root, "init", "-q", "-b", "main")
    scripted.commit(root, scripted.DANA, "2026-11-20T12:00:00+00:00", "Set the 2026-Q4 goals")
    scripted.edit(root / OKRS, "from 58 to 64 USD", "from 58 to 66 USD")
    scripted.edit(root / OKRS, "target: 64", "target: 66")
    scripted.append(root / CHECKINS, BACKDATED)
    scripted.commit(root, scripted.RAJ, "2026-11-28T12:00:00+00:00", "Aim higher on online AOV")
    return root


@pytest.fixture
def ws(make_ws: WriteFiles, git_env: None) -> Path:
    return retarget(make_ws())


def target(found: as_of.AsOf) -> float | None:
    objective = found.workspace.okrs[("2026-Q4", "ecommerce")].objectives[0]
    assert (objective.id, objective.key_results[0].id) == KR
    return objective.key_results[0].target


def travel(root: Path, day: date, cache: Cache | None = None) -> as_of.AsOf:
    return as_of.as_of(root, workspace.load(root), day, cache, today=TODAY)


def test_a_past_day_reads_the_documents_of_the_last_commit_of_that_day(ws: Path) -> None:
    found = travel(ws, date(2026, 11, 27))
    assert found.commit is not None
    assert found.commit.subject == "Set the 2026-Q4 goals"
    assert target(found) == 64
    assert found.warnings == ()


def test_the_logs_are_read_as_they_stand_with_entries_back_dated(ws: Path) -> None:
    found = travel(ws, date(2026, 11, 27))
    entries = found.workspace.checkins[("2026-Q4", "ecommerce")].entries
    assert [(c.date, c.value) for c in entries] == [
        (date(2026, 11, 20), 61.2),
        (date(2026, 11, 25), 62.5),
    ]


def test_a_day_after_the_last_commit_reads_the_working_tree_with_its_edits(ws: Path) -> None:
    scripted.edit(ws / OKRS, "target: 66", "target: 70")
    found = travel(ws, date(2026, 11, 28))
    assert (found.commit, target(found), found.warnings) == (None, 70, ())


def test_today_reads_the_working_tree_without_asking_git(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scripted.edit(ws / OKRS, "target: 66", "target: 70")
    now = workspace.load(ws)
    monkeypatch.setenv("PATH", str(ws / "no-programs-here"))  # git cannot be started
    found = as_of.as_of(ws, now, TODAY, today=TODAY)
    assert found.workspace is now
    assert (found.commit, target(found)) == (None, 70)


def test_uncommitted_edits_the_day_cannot_see_are_left_out_and_named(ws: Path) -> None:
    scripted.edit(ws / OKRS, "target: 66", "target: 70")
    (ws / "teams" / "stores.yaml").write_text("name: Stores\nlevel: 3\n", encoding="utf-8")
    found = travel(ws, date(2026, 11, 27))
    assert target(found) == 64
    assert "stores" not in found.workspace.teams
    assert found.commit is not None
    assert found.warnings == (
        f"uncommitted changes to {OKRS}, teams/stores.yaml are left out: the figures as of "
        f"2026-11-27 read the files as committed at {found.commit.short} (2026-11-20)",
    )


def test_a_shallow_clone_cut_after_the_day_says_so(ws: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{ws}", str(clone))
    found = travel(clone, date(2026, 11, 27))
    assert (found.commit, target(found)) == (None, 66)
    head = git(clone, "rev-parse", "--short=7", "HEAD").strip()
    assert found.warnings == (
        f"history is incomplete: this is a shallow clone and its history starts at {head} "
        "(2026-11-28), after 2026-11-27; the figures as of 2026-11-27 use cxokr.yaml, teams, "
        "metrics and OKR files as they stand now. Run 'git fetch --unshallow' to read all of it.",
    )


def test_before_a_complete_history_begins_the_files_are_read_as_they_stand(ws: Path) -> None:
    found = travel(ws, date(2026, 11, 19))
    assert (found.commit, target(found), found.warnings) == (None, 66, ())


def test_outside_git_the_files_are_read_as_they_stand_and_a_warning_says_so(
    make_ws: WriteFiles,
) -> None:
    found = travel(make_ws(), date(2026, 11, 19))
    assert (found.commit, target(found)) == (None, 64)
    assert found.warnings == (
        "the workspace is not in a git repository: the figures as of 2026-11-19 use "
        "cxokr.yaml, teams, metrics and OKR files as they stand now; only check-ins and "
        "readings are cut at 2026-11-19",
    )


def test_a_workspace_git_ignores_is_read_as_it_stands(
    tmp_path: Path, make_ws: WriteFiles, git_env: None
) -> None:
    repo = tmp_path
    (repo / ".gitignore").write_text("ws/\n", encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    scripted.commit(repo, scripted.DANA, "2026-11-01T12:00:00+00:00", "Start")
    root = make_ws()  # tmp_path/ws, inside the repository, ignored
    found = travel(root, date(2026, 11, 27))
    assert (found.commit, target(found), found.warnings) == (None, 64, ())


def test_the_old_documents_come_through_the_parse_cache(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CXOKR_NO_CACHE")
    old = git(ws, "show", f"HEAD~1:{OKRS}").encode()
    cache = Cache.for_workspace(ws)
    assert cache.get("okrs", old) is None
    travel(ws, date(2026, 11, 27), cache)
    assert cache.get("okrs", old) is not None


def test_problems_come_from_the_documents_then_and_the_logs_now(ws: Path) -> None:
    scripted.append(ws / CHECKINS, "- {not json\n")
    (ws / "metrics" / "broken.yaml").write_text("name: [\n", encoding="utf-8")
    found = travel(ws, date(2026, 11, 27))
    paths = {p.path for p in found.workspace.problems}
    assert CHECKINS in paths
    assert "metrics/broken.yaml" not in paths  # not there on the 27th


def test_the_documents_on_disk_are_those_the_loader_reads(ws: Path) -> None:
    (ws / "teams" / ".draft.yaml").write_text("name: Draft\n", encoding="utf-8")
    (ws / "okrs" / ".old").mkdir()
    (ws / "okrs" / ".old" / "stores.yaml").write_text("objectives: []\n", encoding="utf-8")
    assert as_of.documents_on_disk(ws) == [
        "cxokr.yaml",
        "teams/company.yaml",
        "teams/ecommerce.yaml",
        "metrics/aov.yaml",
        "okrs/2026-Q4/ecommerce.yaml",
        "okrs/2026/company.yaml",
    ]


def test_files_at_a_commit_can_be_limited_to_some_paths(ws: Path) -> None:
    with history.history(ws) as h:
        assert h is not None
        files = h.files_at(h.commit("HEAD~1"), as_of.DOCUMENTS)
    assert sorted(files) == sorted(as_of.documents_on_disk(ws))
    assert b"target: 64" in files[OKRS]


def test_dirty_names_new_files_head_lacks(ws: Path) -> None:
    scripted.edit(ws / OKRS, "target: 66", "target: 70")
    with history.history(ws) as h:
        assert h is not None
        assert h.dirty(["okrs"]) == {OKRS}
        assert h.dirty(["okrs"], [OKRS, "okrs/2027/x.yaml"]) == {OKRS, "okrs/2027/x.yaml"}


def test_head_sha_and_has_commits_read_the_commit_checked_out(
    make_ws: WriteFiles, git_env: None
) -> None:
    root = make_ws()
    git(root, "init", "-q", "-b", "main")
    with history.history(root) as h:
        assert h is not None
        assert (h.has_commits(), h.head_sha()) == (False, None)
        assert h.before(as_of.day_end(TODAY)) is None
    retarget(root)
    with history.history(root) as h:
        assert h is not None
        assert (h.has_commits(), h.head_sha()) == (True, git(root, "rev-parse", "HEAD").strip())


def test_a_past_day_sees_only_the_goalposts_moved_before_it_ended(ws: Path) -> None:
    from cxokr.git.goalposts import find

    scripted.edit(ws / OKRS, "start: 58", "start: 57")  # not committed: no date
    moves = find(ws, workspace.load(ws), TODAY, keep=False)
    assert [(m.commit.subject if m.commit else None) for m in moves] == [
        "Aim higher on online AOV",
        None,
    ]
    assert as_of.seen(moves, date(2026, 11, 27), TODAY) == []
    assert as_of.seen(moves, date(2026, 11, 28), TODAY) == moves[:1]
    assert as_of.seen(moves, TODAY, TODAY) == moves
