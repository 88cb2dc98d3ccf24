"""Committing what a command wrote: exactly its lines, through the git command.

A commit is built in a temporary index (`GIT_INDEX_FILE`) seeded from `HEAD`:
a log the command appended to is recorded as its `HEAD` version plus exactly
the bytes appended, never other uncommitted lines in the working file (an
earlier `--no-commit` write, a person's edit); any other path as its whole
working content. `git commit` then commits that index, so the user's hooks,
signing and configuration apply. The real index is held locked (its
`index.lock`, as git holds it) from the moment `HEAD` is read until the commit
is made and the real index's entries for those paths are brought up to it,
only where they held the old `HEAD` version: the user's own staged changes
stay staged. A lock held by another git process is waited for, a bounded time.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from cxokr.errors import GitError, GitLocked, GitRefused
from cxokr.git import runner
from cxokr.git.runner import Repository

# Files in the git folder that mean an operation is half done.
_UNFINISHED = {
    "MERGE_HEAD": "a merge",
    "CHERRY_PICK_HEAD": "a cherry-pick",
    "REVERT_HEAD": "a revert",
    "rebase-merge": "a rebase",
    "rebase-apply": "a rebase",
    "BISECT_LOG": "a bisect",
}
_REGULAR = ("100644", "100755")

Entry = tuple[str, str]  # (mode, object id) of a path in a tree or an index


@dataclass(frozen=True)
class CommitResult:
    """What became of the commit after a write: its short hash, or why it was not made.

    `failed`: git was asked to commit (or refused the repository) and no commit was
    made, so the command should end non-zero. False when there was nothing to ask
    (not a git repository, nothing changed).
    """

    sha: str | None
    skipped: str | None = None
    failed: bool = False


def is_repository(folder: Path) -> bool:
    """True when git finds a repository holding `folder`; raises when git refuses it."""
    return runner.locate(folder) is not None


def unfinished_operation(folder: Path) -> str | None:
    """'a merge', 'a rebase', … when one is in progress in the repository holding `folder`."""
    repo = runner.locate(folder)
    return None if repo is None else _unfinished(repo)


def _unfinished(repo: Repository) -> str | None:
    for name, what in _UNFINISHED.items():
        if (repo.git_dir / name).exists():
            return what
    return None


def ensure_can_commit(folder: Path) -> None:
    """Refuse before writing anything when git refuses the repository (`GitError`) or a
    half-done git operation is in progress (`GitRefused`)."""
    what = unfinished_operation(folder)
    if what:
        raise GitRefused(
            f"{what} is in progress in this repository; finish or abort it first "
            "(nothing was written)"
        )


def init(folder: Path) -> None:
    """`git init` a new repository at `folder`."""
    runner.run(folder.parent, "init", "-q", str(folder.resolve()), read=False)


def author_email(folder: Path) -> str | None:
    """The email of the git identity commits would use, if one is set."""
    repo = runner.locate(folder)
    if repo is None:
        return None
    ident = _identity(repo)
    if ident is None:
        return None
    start, end = ident.find("<"), ident.find(">")
    return ident[start + 1 : end] if 0 <= start < end else None


def _identity(repo: Repository) -> str | None:
    done = runner.run(repo.top, "var", "GIT_AUTHOR_IDENT", check=False)
    if done.code == 0:
        return done.out.decode("utf-8", "replace").strip()
    refused = runner.refusal(done.err)
    if refused is not None:
        raise refused
    return None


def commit(
    folder: Path,
    paths: Sequence[Path],
    message: str,
    appended: Mapping[Path, bytes] | None = None,
) -> CommitResult:
    """Commit `paths` (already written) with the user's identity; each path in `appended`
    as its `HEAD` version plus exactly those bytes.

    Never raises for git refusing or failing: the files stay written and the
    result says why no commit was made.
    """
    try:
        repo = runner.locate(folder)
        if repo is None:
            return CommitResult(None, "not a git repository")
        what = _unfinished(repo)
        if what:
            return CommitResult(None, f"{what} is in progress", failed=True)
        if _identity(repo) is None:
            return CommitResult(
                None,
                "no git identity is set; run git config --global user.name 'Your Name' "
                "and git config --global user.email you@example.com",
                failed=True,
            )
        exact = {_relative(repo, p): data for p, data in (appended or {}).items()}
        whole = [rel for rel in (_relative(repo, p) for p in paths) if rel not in exact]
        sha = _commit(repo, message, exact, whole)
    except GitError as exc:
        return CommitResult(None, str(exc), failed=True)
    if sha is None:
        return CommitResult(None, "nothing to commit: the files match the last commit")
    return CommitResult(sha[:7])


def _relative(repo: Repository, path: Path) -> str:
    try:
        return Path(path).resolve().relative_to(repo.top).as_posix()
    except ValueError:
        raise GitError(f"{path} is outside the repository at {repo.top}") from None


def _commit(
    repo: Repository, message: str, exact: dict[str, bytes], whole: list[str]
) -> str | None:
    """The new commit's hash, or None when the paths already match `HEAD`."""
    with (
        _locked_index(repo) as lock,
        tempfile.TemporaryDirectory(prefix="cxokr-commit-", dir=repo.index.parent) as scratch,
    ):
        staging = Staging(repo, Path(scratch) / "index")
        old = runner.head(repo.top)
        before = staging.seed(old, [*exact, *whole])
        staging.record(exact, before)
        staging.add(whole)
        if old is not None and staging.tree() == _tree_of(repo, old):
            return None
        new, parents = runner.retry_locked(lambda: staging.commit(message))
        if parents != ([old] if old else []):
            raise GitError(
                f"another git command moved HEAD while commit {new[:7]} was made; check with "
                f"'git show {new[:7]}' that it undid nothing, and 'git status'"
            )
        real = Staging(repo, Path(scratch) / "real")
        real.adopt(repo.index)
        if real.bring_up(new, {rel: before.get(rel) for rel in exact}, whole):
            real.index.replace(lock)  # the lock file holds the new index: git's protocol
            lock.replace(repo.index)
        return new


@contextlib.contextmanager
def _locked_index(repo: Repository) -> Iterator[Path]:
    """Hold the real index's lock, as git does while it commits; wait for another holder."""
    lock = repo.index.with_name(repo.index.name + ".lock")

    def take() -> None:
        try:
            os.close(os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            raise GitLocked(lock) from None
        except OSError as exc:
            raise GitError(f"could not lock git's index ({lock}): {exc.strerror}") from None

    runner.retry_locked(take)
    try:
        yield lock
    finally:
        lock.unlink(missing_ok=True)  # still ours, unless it became the index


def _tree_of(repo: Repository, sha: str) -> str:
    return runner.run(repo.top, "rev-parse", f"{sha}^{{tree}}").out.decode("ascii").strip()


class Staging:
    """An index file of cxokr's own, and the git commands run against it."""

    def __init__(self, repo: Repository, index: Path) -> None:
        self.repo, self.index = repo, index
        self.env = {"GIT_INDEX_FILE": str(index)}

    def git(self, *args: str, stdin: bytes | None = None) -> bytes:
        env = {**self.env, "GIT_LITERAL_PATHSPECS": "1"}
        return runner.run(self.repo.top, *args, stdin=stdin, env=env).out

    def seed(self, head: str | None, rels: list[str]) -> dict[str, Entry]:
        """Start from `head` (or nothing); return its entries for `rels`."""
        self.git("read-tree", head or "--empty")
        if head is None or not rels:
            return {}
        return _tree_entries(self.git("ls-tree", "-z", "--full-tree", head, "--", *rels))

    def record(self, exact: dict[str, bytes], before: dict[str, Entry]) -> None:
        """Stage each path as its version in `before` plus exactly the bytes given."""
        lines = []
        for rel, data in exact.items():
            mode, sha = before.get(rel, ("100644", ""))
            if mode not in _REGULAR:
                raise GitError(f"{rel} is not a regular file in the last commit; commit it by hand")
            old = self.git("cat-file", "blob", sha) if sha else b""
            blob = self.git("hash-object", "-w", "--no-filters", "--stdin", stdin=old + data)
            lines.append(f"{mode} {blob.decode('ascii').strip()}\t{rel}")
        self.stage(lines)

    def stage(self, lines: list[str]) -> bool:
        """Set index entries from `mode sha<TAB>path` lines; False when there were none."""
        if lines:
            self.git("update-index", "-z", "--add", "--index-info", stdin=runner.sequence(lines))
        return bool(lines)

    def add(self, rels: list[str]) -> None:
        """Stage the whole working content of `rels`, as `git add` does."""
        if rels:
            self.git("add", "--", *rels)

    def tree(self) -> str:
        return self.git("write-tree").decode("ascii").strip()

    def commit(self, message: str) -> tuple[str, list[str]]:
        """Commit this index through `git commit` (hooks, signing and identity apply);
        the new commit and its parents."""
        top = self.repo.top
        runner.run(top, "commit", "-q", "-m", message, read=False, env=self.env)
        shown = runner.run(top, "log", "-1", "--format=%H %P", "HEAD").out.decode("ascii")
        sha, *parents = shown.split()
        return sha, parents

    def adopt(self, index: Path) -> None:
        """Start from a copy of `index` (none: an empty index), its time kept for git's
        check of entries written in the same second as the index."""
        with contextlib.suppress(FileNotFoundError):
            shutil.copy2(index, self.index)

    def bring_up(self, new: str, before: dict[str, Entry | None], whole: list[str]) -> bool:
        """Set the entries of `whole` to `new`'s, and those of `before`'s paths where they
        still hold the version `before` gives (None: absent); False when none changed."""
        rels = [*before, *whole]
        committed = _tree_entries(self.git("ls-tree", "-z", "--full-tree", new, "--", *rels))
        staged = _index_entries(self.git("ls-files", "-s", "-z", "--", *rels))
        return self.stage(
            [
                f"{mode} {sha}\t{rel}"
                for rel, (mode, sha) in committed.items()
                if rel in whole or staged.get(rel) == before.get(rel)
            ]
        )


def _tree_entries(out: bytes) -> dict[str, Entry]:
    """`ls-tree -z` output (`mode type sha<TAB>path`) as path -> (mode, sha)."""
    found: dict[str, Entry] = {}
    for meta, path in _records(out):
        if len(meta) == 3:
            found[path] = (meta[0], meta[2])
    return found


def _index_entries(out: bytes) -> dict[str, Entry]:
    """`ls-files -s -z` output (`mode sha stage<TAB>path`) as path -> (mode, sha), for entries
    not in conflict."""
    found: dict[str, Entry] = {}
    for meta, path in _records(out):
        if len(meta) == 3 and meta[2] == "0":
            found[path] = (meta[0], meta[1])
    return found


def _records(out: bytes) -> Iterator[tuple[list[str], str]]:
    for record in out.decode("utf-8", "surrogateescape").split("\0"):
        meta, _, path = record.partition("\t")
        if path:
            yield meta.split(), path
