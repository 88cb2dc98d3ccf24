"""Git: the only module that imports GitPython.

Commits go through the git command (via GitPython), never `index.commit`,
so hooks, signing and the user's configuration apply. User-provided values
only ever follow `--` (or `--end-of-options`) on a git command line.
Committing touches only the paths a command wrote: other staged changes stay
staged. Reading history answers questions with a few git processes, never
one per commit, and knows where a shallow clone's history is cut.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

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


# --- Reading history -------------------------------------------------------------------------
#
# Histories are read with a handful of git processes whatever their length: one `git log`
# per question (its --raw lines name the blob of each version, its patch the lines added to a
# log), blobs through the one `git cat-file --batch` process GitPython keeps open, and one
# `git ls-tree` for a whole revision. Paths are relative to the workspace folder, which may sit
# anywhere inside the repository.

# The user's configuration must not change what the output looks like.
_READ_CONFIG = tuple(
    arg
    for setting in (
        "core.quotePath=false",
        "log.showRoot=true",
        "log.showSignature=false",
        "diff.noprefix=false",
        "diff.mnemonicPrefix=false",
        "diff.relative=false",
    )
    for arg in ("-c", setting)
)
_FIELDS = ("%H", "%an", "%ae", "%aI", "%cI", "%s")
_FORMAT = "%x1e" + "%x1f".join(_FIELDS)
_NO_BLOB = "0" * 40
_HUNK = re.compile(r"@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@")
# Larger blobs are left out of a revision's files: no file cxokr reads may be that large.
MAX_BLOB_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class Commit:
    """A commit as the audit trail shows it: who wrote it, when, and its subject line."""

    sha: str
    author: str
    email: str
    authored: datetime
    committed: datetime
    subject: str
    boundary: bool = False  # the oldest commit of a shallow clone: what came before is missing

    @property
    def short(self) -> str:
        return self.sha[:7]


@dataclass(frozen=True)
class FileChange:
    """What one commit did to one file: its blob before and after (None: absent) and, when a
    patch was asked for, the lines it added and removed."""

    path: str
    before: str | None
    after: str | None
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    added_at: tuple[int, ...] = ()  # the line number of each added line, after the change
    removed_at: tuple[int, ...] = ()  # and of each removed line, before it


@dataclass(frozen=True)
class Step:
    """A commit and the changes it made to the files asked about, in the order git lists them."""

    commit: Commit
    changes: tuple[FileChange, ...]


class HistoryError(CxokrError):
    """Git could not answer a question about history (an unknown revision, say)."""

    exit_code = 2


class History:
    """Read-only questions about the history of the workspace at `root`."""

    def __init__(self, repo: Any, root: Path) -> None:
        self._repo = repo
        self._root = str(root)  # git runs there (-C), so paths are relative to the workspace
        self._boundary = _shallow_boundary(Path(repo.common_dir))
        self._head: Commit | None = None
        self._head_read = False

    @property
    def shallow(self) -> bool:
        return bool(self._boundary)

    def _run(self, *args: str) -> str:
        import git

        try:
            out: bytes = self._repo.git.execute(
                ["git", "-C", self._root, *_READ_CONFIG, *args], stdout_as_string=False
            )
        except git.GitCommandError as exc:
            reason = exc.stderr.decode() if isinstance(exc.stderr, bytes) else str(exc.stderr)
            lines = reason.strip().strip("'").splitlines() or ["git failed"]
            raise HistoryError(f"git {args[0]} failed: {lines[-1].strip()}") from None
        return out.decode("utf-8", "surrogateescape")

    def _commit(self, header: str) -> Commit:
        sha, author, email, authored, committed, subject = header.split("\x1f", 5)
        return Commit(
            sha,
            author,
            email,
            datetime.fromisoformat(authored),
            datetime.fromisoformat(committed),
            subject,
            sha in self._boundary,
        )

    def head(self) -> Commit | None:
        """The commit checked out, or None in a repository without commits."""
        if not self._head_read:
            try:
                self._head = self.commit("HEAD")
            except HistoryError:
                self._head = None
            self._head_read = True
        return self._head

    def commit(self, rev: str) -> Commit:
        """The commit `rev` names (a hash, branch, tag, `HEAD~3`, …)."""
        missing = HistoryError(f"no commit {rev!r} in this repository")
        if rev.startswith("-"):
            raise missing
        try:
            out = self._run("log", "-1", f"--format={_FORMAT}", "--end-of-options", rev, "--")
        except HistoryError:
            raise missing from None
        if not out.startswith("\x1e"):
            raise missing
        return self._commit(out[1:].rstrip("\n"))

    def before(self, moment: datetime) -> Commit | None:
        """The newest commit on the current branch committed before `moment`, if any is here."""
        if self.head() is None:
            return None
        until = (moment - timedelta(seconds=1)).isoformat()  # git's --before includes the moment
        out = self._run("log", "-1", "--first-parent", f"--before={until}", f"--format={_FORMAT}")
        return self._commit(out[1:].rstrip("\n")) if out.startswith("\x1e") else None

    def oldest(self) -> Commit | None:
        """The oldest commit reachable here (in a shallow clone, where its history is cut)."""
        if self._boundary:
            commits = [self.commit(sha) for sha in sorted(self._boundary)]
            return min(commits, key=lambda c: c.committed)
        if self.head() is None:
            return None
        out = self._run("log", "--max-parents=0", f"--format={_FORMAT}", "HEAD")
        roots = [self._commit(rec.rstrip("\n")) for rec in out.split("\x1e")[1:]]
        return min(roots, key=lambda c: c.committed, default=None)

    def steps(
        self, paths: Sequence[str], *, since: str | None = None, patch: bool = False
    ) -> list[Step]:
        """Every commit that changed one of `paths`, oldest first, with what it changed.

        `since`: only the commits after this one (`since..HEAD`). Merges are left out:
        each change is shown where it was made.
        """
        if not paths or self.head() is None:
            return []
        args = ["log", "--reverse", "--no-renames", "--no-color", "--no-ext-diff", "--raw"]
        args += ["--src-prefix=a/", "--dst-prefix=b/", "--no-merges"]
        args += ["--no-abbrev", "--relative", f"--format={_FORMAT}"]
        if patch:
            args += ["-p", "--unified=0", "--no-textconv"]
        args.append(f"{since}..HEAD" if since else "HEAD")
        return [self._step(rec) for rec in self._run(*args, "--", *paths).split("\x1e")[1:]]

    def _step(self, record: str) -> Step:
        header, _, body = record.partition("\n")
        raw: dict[str, tuple[str | None, str | None]] = {}
        patch: dict[str, _Patch] = {}
        current: _Patch | None = None
        for line in body.split("\n"):
            if line.startswith(":"):
                meta, _, path = line.partition("\t")
                fields = meta.split()
                raw[path] = (_blob(fields[2]), _blob(fields[3]))
            elif line.startswith("diff --git a/"):
                rest = line[len("diff --git a/") :]
                current = patch.setdefault(rest[: (len(rest) - 3) // 2], _Patch())
            elif current is not None:
                current.read(line)
        changes = tuple(
            patch.get(path, _Patch()).change(path, before, after)
            for path, (before, after) in raw.items()
        )
        return Step(self._commit(header), changes)

    def dirty(self, paths: Sequence[str]) -> set[str]:
        """Which of the files under `paths` differ in the working tree from `HEAD`."""
        if self.head() is None:
            return set()
        out = self._run("diff", "--name-only", "--no-renames", "--relative", "HEAD", "--", *paths)
        return {line for line in out.splitlines() if line}

    def blobs(self, shas: Iterable[str]) -> dict[str, bytes]:
        """The content of each blob, through the one `git cat-file --batch` process."""
        found: dict[str, bytes] = {}
        for sha in shas:
            if sha not in found:
                found[sha] = self._repo.git.get_object_data(sha)[3]
        return found

    def files_at(self, commit: Commit) -> dict[str, bytes]:
        """Every file of the workspace folder as it stood at `commit` (relative path -> bytes)."""
        out = self._run("ls-tree", "-r", "-z", "--long", commit.sha)
        listed: dict[str, str] = {}
        for entry in out.split("\0"):
            meta, _, path = entry.partition("\t")
            fields = meta.split()
            # Regular files only: links and submodules have no content cxokr would read.
            regular = len(fields) == 4 and fields[0] in ("100644", "100755")
            if regular and int(fields[3]) <= MAX_BLOB_BYTES:
                listed[path] = fields[2]
        content = self.blobs(listed.values())
        return {path: content[sha] for path, sha in listed.items()}


class _Patch:
    """The lines a patch adds to and removes from one file, with their line numbers."""

    def __init__(self) -> None:
        self.added: list[str] = []
        self.added_at: list[int] = []
        self.removed: list[str] = []
        self.removed_at: list[int] = []
        self.old_at: int | None = None  # None: not in a hunk yet
        self.new_at = 0

    def read(self, line: str) -> None:
        if line.startswith("@@"):
            hunk = _HUNK.match(line)
            self.old_at, self.new_at = (int(hunk.group(1)), int(hunk.group(2))) if hunk else (0, 0)
        elif self.old_at is None:
            return  # the header: --- a/…, +++ b/…, index, mode lines
        elif line.startswith("+"):
            self.added.append(line[1:])
            self.added_at.append(self.new_at)
            self.new_at += 1
        elif line.startswith("-"):
            self.removed.append(line[1:])
            self.removed_at.append(self.old_at)
            self.old_at += 1

    def change(self, path: str, before: str | None, after: str | None) -> FileChange:
        return FileChange(
            path,
            before,
            after,
            tuple(self.added),
            tuple(self.removed),
            tuple(self.added_at),
            tuple(self.removed_at),
        )


def _blob(sha: str) -> str | None:
    return None if sha == _NO_BLOB else sha


def _shallow_boundary(common_dir: Path) -> frozenset[str]:
    """The commits at which a shallow clone's history is cut (empty when it is complete)."""
    try:
        text = (common_dir / "shallow").read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        return frozenset()
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


def _may_be_repository(folder: Path) -> bool:
    """False when no `.git` is in sight: GitPython need not even be imported then."""
    if os.environ.get("GIT_DIR"):
        return True
    here = folder.resolve()
    return any((p / ".git").exists() for p in (here, *here.parents))


_SHA = re.compile(r"[0-9a-f]{40}([0-9a-f]{24})?")


def head_sha(root: Path) -> str | None:
    """The commit checked out in the repository holding `root`, read from `.git` directly.

    Neither git nor GitPython is started, so a caller can tell cheaply whether
    what it knows about `HEAD` still holds. None whenever the layout is not the
    plain one read here (GIT_DIR set, a ref that cannot be found, …): then ask git.
    """
    if os.environ.get("GIT_DIR"):
        return None
    here = root.resolve()
    dot = next((p / ".git" for p in (here, *here.parents) if (p / ".git").exists()), None)
    try:
        if dot is None:
            return None
        git_dir = dot
        if dot.is_file():  # a worktree or submodule: "gitdir: <path>"
            pointer = dot.read_text(encoding="utf-8").strip()
            if not pointer.startswith("gitdir: "):
                return None
            git_dir = (dot.parent / pointer.removeprefix("gitdir: ")).resolve()
        common = git_dir
        if (git_dir / "commondir").is_file():
            common = (
                git_dir / (git_dir / "commondir").read_text(encoding="utf-8").strip()
            ).resolve()
        head = (git_dir / "HEAD").read_text(encoding="utf-8").strip()
        if not head.startswith("ref: "):
            return head if _SHA.fullmatch(head) else None
        ref = head.removeprefix("ref: ")
        loose = common / ref
        if loose.is_file():
            sha = loose.read_text(encoding="utf-8").strip()
            return sha if _SHA.fullmatch(sha) else None
        packed = common / "packed-refs"
        if packed.is_file():
            for line in packed.read_text(encoding="utf-8").splitlines():
                sha, _, name = line.partition(" ")
                if name == ref and _SHA.fullmatch(sha):
                    return sha
    except (OSError, UnicodeDecodeError):
        return None
    return None


@contextmanager
def history(root: Path) -> Iterator[History | None]:
    """The history of the workspace at `root`, or None when it is not in a git repository."""
    if not _may_be_repository(root):
        yield None
        return
    with _repo(root) as repo:
        yield None if repo is None else History(repo, root)
