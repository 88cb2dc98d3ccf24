"""Reading history with real git: versions, patches, revisions, dates and shallow clones."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from cxokr.errors import HistoryError
from cxokr.git import history
from tests import scripted
from tests.conftest import git


@pytest.fixture
def repo(tmp_path: Path, git_env: None) -> Path:
    """The scripted repository; its workspace is `goals/` inside it."""
    scripted.build(tmp_path / "repo")
    return tmp_path / "repo"


def test_outside_a_repository_there_is_no_history(tmp_path: Path) -> None:
    with history.history(tmp_path) as h:
        assert h is None


def test_steps_are_oldest_first_with_paths_relative_to_the_workspace(repo: Path) -> None:
    with history.history(repo / "goals") as h:
        assert h is not None
        steps = h.steps([scripted.OKRS])
    assert [s.commit.subject for s in steps] == [
        "Set the 2026-Q4 goals",
        "Aim higher on online AOV",
        "Rebaseline bundles: kids moved to 2027",
    ]
    assert [s.commit.author for s in steps] == ["Dana Cho", "Raj Patel", "Dana Cho"]
    first, second = steps[0].changes[0], steps[1].changes[0]
    assert first.path == scripted.OKRS
    assert first.before is None
    assert second.before == first.after


def test_a_patch_gives_the_lines_each_commit_added(repo: Path) -> None:
    with history.history(repo / "goals") as h:
        assert h is not None
        steps = h.steps([scripted.CHECKINS], patch=True)
    assert [s.changes[0].added for s in steps[1:]] == [
        (scripted.CHECKIN_1.rstrip("\n"),),
        (scripted.CHECKIN_2.rstrip("\n"),),
    ]


def test_steps_since_a_revision_leave_out_what_came_before(repo: Path) -> None:
    with history.history(repo / "goals") as h:
        assert h is not None
        steps = h.steps([scripted.OKRS], since=h.commit("HEAD~3").sha)
    assert [s.commit.subject for s in steps] == [
        "Aim higher on online AOV",
        "Rebaseline bundles: kids moved to 2027",
    ]


def test_files_at_a_revision_are_the_workspace_as_it_stood(repo: Path) -> None:
    with history.history(repo / "goals") as h:
        assert h is not None
        files = h.files_at(h.commit("HEAD~1"))
    assert scripted.OKRS in files
    assert b"target: 66" in files[scripted.OKRS]
    assert files[scripted.CHECKINS] == scripted.CHECKIN_1.encode()
    assert not any(path.startswith("goals/") for path in files)


def test_before_a_moment_is_the_last_commit_made_before_it(repo: Path) -> None:
    with history.history(repo / "goals") as h:
        assert h is not None
        found = h.before(datetime(2026, 11, 2, 12, 0, tzinfo=UTC))
        first = h.before(datetime(2026, 9, 1, tzinfo=UTC))
    assert found is not None
    assert found.subject == "record(aov): 60.1 online"
    assert first is None


@pytest.mark.parametrize("rev", ["--all", "no-such-branch", "HEAD~99"])
def test_an_unknown_or_option_like_revision_is_refused(repo: Path, rev: str) -> None:
    with history.history(repo) as h:
        assert h is not None
        with pytest.raises(HistoryError, match="no commit"):
            h.commit(rev)


def test_a_repository_without_commits_has_no_steps(tmp_path: Path, git_env: None) -> None:
    git(tmp_path, "init", "-q")
    with history.history(tmp_path) as h:
        assert h is not None
        assert h.head() is None
        assert h.steps(["okrs"]) == []
        assert h.oldest() is None


def test_user_configuration_does_not_change_what_is_read(repo: Path) -> None:
    for setting in ("diff.noprefix=true", "log.showRoot=false", "diff.mnemonicPrefix=true"):
        git(repo, "config", *setting.split("="))
    git(repo, "config", "log.showSignature", "true")
    with history.history(repo / "goals") as h:
        assert h is not None
        steps = h.steps([scripted.CHECKINS], patch=True)
    assert len(steps) == 3
    assert steps[0].changes[0].before is None
    assert steps[1].changes[0].added == (scripted.CHECKIN_1.rstrip("\n"),)


def test_a_shallow_clone_knows_where_its_history_is_cut(repo: Path, tmp_path: Path) -> None:
    clone = scripted.shallow_clone(repo, tmp_path / "clone", 2)
    with history.history(clone / "goals") as h:
        assert h is not None
        assert h.shallow
        steps = h.steps([scripted.CHECKINS, scripted.OKRS])
        oldest = h.oldest()
    assert [(s.commit.subject, s.commit.boundary) for s in steps] == [
        ("Rebaseline bundles: kids moved to 2027", True),
        ("checkin(ecommerce): aov-online = 62", False),
    ]
    assert oldest is not None
    assert oldest.subject == "Rebaseline bundles: kids moved to 2027"


def test_a_patch_gives_the_line_numbers_of_what_changed(repo: Path) -> None:
    with history.history(repo / "goals") as h:
        assert h is not None
        steps = h.steps([scripted.OKRS], patch=True)
    change = steps[1].changes[0]
    assert (change.removed, change.removed_at) == (("        target: 64",), (12,))
    assert (change.added, change.added_at) == (("        target: 66",), (12,))
    created = steps[0].changes[0]
    assert created.added_at == tuple(range(1, len(created.added) + 1))


# --- head_sha: HEAD read from the git folder, without git --------------------------------


def _rev(root: Path, rev: str = "HEAD") -> str:
    return git(root, "rev-parse", rev).strip()


def test_head_sha_reads_a_loose_branch(repo: Path) -> None:
    assert history.head_sha(repo / "goals") == _rev(repo)


def test_head_sha_reads_a_packed_branch(repo: Path) -> None:
    git(repo, "pack-refs", "--all")
    branch = git(repo, "symbolic-ref", "HEAD").strip()
    assert not (repo / ".git" / branch).exists()
    assert history.head_sha(repo / "goals") == _rev(repo)


def test_head_sha_reads_a_detached_head(repo: Path) -> None:
    git(repo, "checkout", "-q", "--detach", "HEAD~1")
    assert history.head_sha(repo) == _rev(repo)


def test_head_sha_follows_a_linked_worktree_to_its_own_head(repo: Path, tmp_path: Path) -> None:
    git(repo, "worktree", "add", "-q", "-b", "other", str(tmp_path / "other"), "HEAD~1")
    assert (tmp_path / "other" / ".git").is_file()
    assert history.head_sha(tmp_path / "other" / "goals") == _rev(repo, "HEAD~1")


def test_head_sha_leaves_to_git_what_it_does_not_read(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert history.head_sha(tmp_path / "home") is None  # no repository
    (tmp_path / "home" / ".git").write_text("not a pointer\n", encoding="utf-8")
    assert history.head_sha(tmp_path / "home") is None
    git(repo, "update-ref", "-d", "HEAD")  # a branch yet to be born
    assert history.head_sha(repo) is None
    monkeypatch.setenv("GIT_DIR", str(repo / ".git"))
    assert history.head_sha(tmp_path) is None


def test_adds_to_holds_only_for_commits_added_on_top_without_a_merge(repo: Path) -> None:
    def sha(rev: str) -> str:
        return git(repo, "rev-parse", rev).strip()

    old, head = sha("HEAD~2"), sha("HEAD")
    with history.history(repo / "goals") as h:
        assert h is not None
        assert h.adds_to(old, head) and h.adds_to(head, head)
        assert not h.adds_to(head, old)  # back: a reset
        assert not h.adds_to("f" * 40, head)  # a commit this repository does not hold
        assert not h.adds_to("HEAD~1", head)  # only commit ids, never options or names
        steps = h.steps([scripted.OKRS, scripted.CHECKINS], since=old, until=sha("HEAD~1"))
    assert [s.commit.subject for s in steps] == ["Rebaseline bundles: kids moved to 2027"]
    git(repo, "checkout", "-q", "-b", "side", "HEAD~1")
    git(repo, "commit", "-q", "--allow-empty", "-m", "Beside")
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--no-ff", "-m", "Merge", "side")
    with history.history(repo / "goals") as h:
        assert h is not None
        assert not h.adds_to(old, sha("HEAD"))  # a merge among them
        assert h.adds_to(old, sha("HEAD^1")) and h.adds_to(sha("side"), sha("side"))
