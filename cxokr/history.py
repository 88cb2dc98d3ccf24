"""Git: the only module that imports GitPython.

Commits go through the git command (via GitPython), never `index.commit`,
so hooks, signing and the user's configuration apply. User-provided values
only ever follow `--` on a git command line. Committing touches only the
paths a command wrote: other staged changes stay staged.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cxokr.errors import CxokrError

# Files in the git folder that mean an operation is half done.
_UNFINISHED = {
    "MERGE_HEAD": "a merge",
    "CHERRY_PICK_HEAD": "a cherry-pick",
    "REVERT_HEAD": "a revert",
    "rebase-merge": "a rebase",
    "rebase-apply": "a rebase",
    "BISECT_LOG": "a bisect",
}


class GitRefused(CxokrError):
    """Git cannot or must not commit now; the message says why and what to do."""


@dataclass(frozen=True)
class CommitResult:
    """What became of the commit after a write: its short hash, or why it was skipped."""

    sha: str | None
    skipped: str | None = None


@contextmanager
def _repo(folder: Path) -> Iterator[object | None]:
    import git

    try:
        repo = git.Repo(folder, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        yield None
        return
    try:
        yield repo
    finally:
        repo.close()  # ends the `git cat-file` processes GitPython keeps alive


def is_repository(folder: Path) -> bool:
    with _repo(folder) as repo:
        return repo is not None


def unfinished_operation(folder: Path) -> str | None:
    """'a merge', 'a rebase', … when one is in progress in the repository holding `folder`."""
    with _repo(folder) as repo:
        if repo is None:
            return None
        git_dir = Path(repo.git_dir)  # type: ignore[attr-defined]
        for name, what in _UNFINISHED.items():
            if (git_dir / name).exists():
                return what
    return None


def ensure_can_commit(folder: Path) -> None:
    """Refuse before writing anything when a half-done git operation is in progress."""
    what = unfinished_operation(folder)
    if what:
        raise GitRefused(
            f"{what} is in progress in this repository; finish or abort it first "
            "(nothing was written)"
        )


def init(folder: Path) -> None:
    """`git init` a new repository at `folder`."""
    import git

    git.Repo.init(folder)


def commit(folder: Path, paths: Sequence[Path], message: str) -> CommitResult:
    """Commit exactly `paths` (already written) with the user's identity.

    Never raises for an ordinary git refusal: the files stay written and the
    result says why the commit was skipped.
    """
    import git

    with _repo(folder) as found:
        if found is None:
            return CommitResult(None, "not a git repository")
        repo: git.Repo = found  # type: ignore[assignment]
        what = unfinished_operation(folder)
        if what:
            return CommitResult(None, f"{what} is in progress")
        try:
            repo.git.var("GIT_AUTHOR_IDENT")
        except git.GitCommandError:
            return CommitResult(
                None,
                "no git identity is set; run git config --global user.name 'Your Name' "
                "and git config --global user.email you@example.com",
            )
        top = Path(repo.working_tree_dir or folder).resolve()
        rels = [str(Path(p).resolve().relative_to(top)) for p in paths]
        try:
            repo.git.add("--", *rels)
            repo.git.commit("--only", "-m", message, "--", *rels)
        except git.GitCommandError as exc:
            reason = (exc.stderr or exc.stdout or str(exc)).strip().splitlines()
            return CommitResult(None, reason[-1] if reason else "git commit failed")
        return CommitResult(repo.head.commit.hexsha[:7])


def author_email(folder: Path) -> str | None:
    """The email of the git identity commits would use, if one is set."""
    import git

    with _repo(folder) as found:
        if found is None:
            return None
        repo: git.Repo = found  # type: ignore[assignment]
        try:
            ident = repo.git.var("GIT_AUTHOR_IDENT")
        except git.GitCommandError:
            return None
    start, end = ident.find("<"), ident.find(">")
    return ident[start + 1 : end] if 0 <= start < end else None
