"""Git history, read safely: the only module that imports GitPython.

Reading history answers questions with a few git processes, never one per
commit, and knows where a shallow clone's history is cut. Every process is
started through `runner`, which keeps the repository's own configuration from
running programs and turns git's refusals into errors, never into empty
history. User-provided values only ever follow `--` (or `--end-of-options`)
on a git command line. Commits are made in `commit`; the errors raised here are
`cxokr.errors`' `GitError` and `HistoryError`.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cxokr.errors import GitError, HistoryError
from cxokr.git import runner
from cxokr.git.runner import Repository

# --- Reading history -------------------------------------------------------------------------
#
# Histories are read with a handful of git processes whatever their length: one `git log`
# per question (its --raw lines name the blob of each version, its patch the lines added to a
# log), blobs through the one `git cat-file --batch` process GitPython keeps open, and one
# `git ls-tree` for a whole revision. Paths are relative to the workspace folder, which may sit
# anywhere inside the repository.

_FIELDS = ("%H", "%an", "%ae", "%aI", "%cI", "%s")
_FORMAT = "%x1e" + "%x1f".join(_FIELDS)
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


class History:
    """Read-only questions about the history of the workspace at `root`."""

    def __init__(self, repo: Repository, root: Path) -> None:
        self._repo = repo
        self._root = root  # git runs there, so paths are relative to the workspace
        self._boundary = _shallow_boundary(repo.common_dir)
        self._head: Commit | None = None
        self._head_read = False
        self._cat: Any = None  # GitPython's command object, once a blob is asked for

    @property
    def shallow(self) -> bool:
        return bool(self._boundary)

    def close(self) -> None:
        if self._cat is not None:
            self._cat.clear_cache()  # ends the `git cat-file` process GitPython keeps alive

    def _run(self, *args: str) -> str:
        return runner.run(self._root, *args).out.decode("utf-8", "surrogateescape")

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

    def _read_commit(self, sha: str) -> Commit:
        out = self._run("log", "-1", f"--format={_FORMAT}", sha, "--")
        if not out.startswith("\x1e"):
            raise HistoryError(f"git log gave no commit {sha} in {self._repo.top}")
        return self._commit(out[1:].rstrip("\n"))

    def head(self) -> Commit | None:
        """The commit checked out, or None in a repository without commits."""
        if not self._head_read:
            sha = runner.head(self._root)
            self._head = None if sha is None else self._read_commit(sha)
            self._head_read = True
        return self._head

    def has_commits(self) -> bool:
        """Whether `HEAD` names a commit: read from the git folder when it can be (no process
        started), else asked of git."""
        return head_sha(self._root) is not None or self.head() is not None

    def head_sha(self) -> str | None:
        """The commit checked out, read as `has_commits` reads it; None without commits."""
        found = head_sha(self._root)
        if found is None:
            head = self.head()
            found = None if head is None else head.sha
        return found

    def commit(self, rev: str) -> Commit:
        """The commit `rev` names (a hash, branch, tag, `HEAD~3`, …)."""
        missing = f"no commit {rev!r} in this repository"
        if rev.startswith("-") or self.head() is None:
            raise HistoryError(missing)
        try:
            sha = runner.revision(self._root, rev)
        except GitError as exc:  # `main@{upstream}` without one, say
            raise HistoryError(f"{missing} ({exc})") from None
        if sha is None:
            raise HistoryError(missing)
        return self._read_commit(sha)

    def before(self, moment: datetime) -> Commit | None:
        """The newest commit on the current branch committed before `moment`, if any is here."""
        # git's --before includes the moment; git has no commit before 1970.
        until = math.ceil(moment.timestamp()) - 1
        if until < 0 or not self.has_commits():
            return None
        out = self._run(
            "log", "-1", "--first-parent", f"--before=@{until} +0000", f"--format={_FORMAT}"
        )
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
        self,
        paths: Sequence[str],
        *,
        since: str | None = None,
        patch: bool = False,
        until: str = "HEAD",
    ) -> list[Step]:
        """Every commit that changed one of `paths`, oldest first, with what it changed.

        `since`: only the commits after this one; `until`: up to this commit, not `HEAD`
        (`since..until`). Merges are left out: each change is shown where it was made.
        """
        if not paths or self.head() is None:
            return []
        args = ["log", "--reverse", "--no-renames", "--no-color", "--raw", "--no-merges"]
        args += ["--no-ext-diff", "--no-textconv", "--src-prefix=a/", "--dst-prefix=b/"]
        args += ["--no-abbrev", "--relative", f"--format={_FORMAT}"]
        if patch:
            args += ["-p", "--unified=0"]
        args.append(f"{since}..{until}" if since else until)
        return [self._step(rec) for rec in self._run(*args, "--", *paths).split("\x1e")[1:]]

    def adds_to(self, old: str, new: str) -> bool:
        """Whether the commit `new` is `old` with commits added on top, none of them a merge.

        Then the commits `steps` lists up to `new` are those it lists up to `old`, in the
        same order, followed by those of `old..new`: a history read up to `old` can be
        extended by reading only what came after. A rebase, reset or amend that dropped
        `old`, another branch, or a merge (whose sides git may list interleaved by date)
        gives False.
        """
        if not (_SHA.fullmatch(old) and _SHA.fullmatch(new)):
            return False
        done = runner.run(self._root, "merge-base", "--is-ancestor", "--", old, new, check=False)
        if done.code != 0:  # 1: not an ancestor; 128: no such commit (here any more)
            return False
        merges = ("--min-parents=2", "--max-count=1", "--end-of-options", f"{old}..{new}", "--")
        return not self._run("rev-list", *merges).strip()

    def _step(self, record: str) -> Step:
        header, _, body = record.partition("\n")
        raw: dict[str, tuple[str | None, str | None]] = {}
        patch: dict[str, Patch] = {}
        current: Patch | None = None
        for line in body.split("\n"):
            if line.startswith(":"):
                meta, _, path = line.partition("\t")
                fields = meta.split()
                raw[path] = (_present(fields[2]), _present(fields[3]))
            elif line.startswith("diff --git a/"):
                rest = line[len("diff --git a/") :]
                current = patch.setdefault(rest[: (len(rest) - 3) // 2], Patch())
            elif current is not None:
                current.read(line)
        changes = tuple(
            patch.get(path, Patch()).change(path, before, after)
            for path, (before, after) in raw.items()
        )
        return Step(self._commit(header), changes)

    def dirty(self, paths: Sequence[str], present: Iterable[str] = ()) -> set[str]:
        """Which of the files under `paths` differ in the working tree from `HEAD`, and which
        of `present` (files found in the working tree) `HEAD` lacks.

        Worked out here from `HEAD`'s listing and the files' bytes: `git diff` would run
        the filters and file-system monitor the repository's configuration names.
        """
        if self.head() is None:
            return set(present)
        changed: set[str] = set()
        listed: set[str] = set()
        for path, sha, size in self._listing("HEAD", paths):
            listed.add(path)
            try:
                data = (self._root / path).read_bytes() if size is not None else None
            except OSError:
                data = None
            if data is None or len(data) != size or _blob_id(data, sha) != sha:
                changed.add(path)
        return changed | (set(present) - listed)

    def blobs(self, shas: Iterable[str]) -> dict[str, bytes]:
        """The content of each blob, through the one `git cat-file --batch` process."""
        found: dict[str, bytes] = {}
        for sha in shas:
            if sha not in found:
                found[sha] = self._blob(sha)
        return found

    def _blob(self, sha: str) -> bytes:
        import git

        if self._cat is None:
            self._cat = git.cmd.Git(str(self._root))
            self._cat.set_persistent_git_options(c=list(runner.READ_SETTINGS))
            self._cat.update_environment(**runner.READ_ENV)
        try:
            data: bytes = self._cat.get_object_data(sha)[3]
        except (ValueError, OSError, git.GitError) as exc:
            raise HistoryError(
                f"git could not read object {sha} in {self._repo.top}: {exc}"
            ) from None
        return data

    def _listing(
        self, rev: str, paths: Sequence[str] = ()
    ) -> Iterator[tuple[str, str, int | None]]:
        """(path, blob, size) of each file under `paths` at `rev`; size None when not a regular
        file (a link, a submodule) or larger than `MAX_BLOB_BYTES`."""
        out = self._run("ls-tree", "-r", "-z", "--long", rev, "--", *paths)
        for entry in out.split("\0"):
            meta, _, path = entry.partition("\t")
            fields = meta.split()
            if len(fields) != 4:
                continue
            regular = fields[0] in ("100644", "100755") and fields[3].isdigit()
            fits = regular and int(fields[3]) <= MAX_BLOB_BYTES
            yield path, fields[2], int(fields[3]) if fits else None

    def files_at(self, commit: Commit, paths: Sequence[str] = ()) -> dict[str, bytes]:
        """Every file of the workspace folder as it stood at `commit` (relative path -> bytes),
        or only those under `paths` (files and folders) when given."""
        # Regular files only: links and submodules have no content cxokr would read.
        listed = {
            path: sha for path, sha, size in self._listing(commit.sha, paths) if size is not None
        }
        content = self.blobs(listed.values())
        return {path: content[sha] for path, sha in listed.items()}


class Patch:
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
        elif line.startswith(" "):  # context, should a configuration still add some
            self.old_at += 1
            self.new_at += 1

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


def _present(sha: str) -> str | None:
    return None if sha.strip("0") == "" else sha


def _blob_id(data: bytes, like: str) -> str:
    """The id git gives a blob holding `data`, in the object format of the id `like`."""
    digest = hashlib.sha1 if len(like) == 40 else hashlib.sha256
    return digest(b"blob %d\0" % len(data) + data).hexdigest()


def _shallow_boundary(common_dir: Path) -> frozenset[str]:
    """The commits at which a shallow clone's history is cut (empty when it is complete)."""
    try:
        text = (common_dir / "shallow").read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        return frozenset()
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


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
    if dot is None:
        return None
    try:
        found = _git_dirs(dot)
        if found is None:
            return None
        git_dir, common = found
        head = (git_dir / "HEAD").read_text(encoding="utf-8").strip()
        if not head.startswith("ref: "):
            return head if _SHA.fullmatch(head) else None
        return _ref_sha(common, head.removeprefix("ref: "))
    except (OSError, UnicodeDecodeError):
        return None


def _git_dirs(dot: Path) -> tuple[Path, Path] | None:
    """The git folder `dot` (a `.git` folder or file) leads to, and the folder its work trees
    share (objects, refs); None when a `.git` file does not name one."""
    git_dir = dot
    if dot.is_file():  # a worktree or submodule: "gitdir: <path>"
        pointer = dot.read_text(encoding="utf-8").strip()
        if not pointer.startswith("gitdir: "):
            return None
        git_dir = (dot.parent / pointer.removeprefix("gitdir: ")).resolve()
    common = git_dir
    if (git_dir / "commondir").is_file():
        common = (git_dir / (git_dir / "commondir").read_text(encoding="utf-8").strip()).resolve()
    return git_dir, common


def _ref_sha(common: Path, ref: str) -> str | None:
    """The commit the branch `ref` (`refs/heads/main`) names, loose or packed; None when it
    cannot be found here."""
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
    return None


@contextmanager
def history(root: Path) -> Iterator[History | None]:
    """The history of the workspace at `root`, or None when it is not in a git repository."""
    repo = runner.locate(root)
    if repo is None:
        yield None
        return
    found = History(repo, root)
    try:
        yield found
    finally:
        found.close()
