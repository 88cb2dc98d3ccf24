"""Where a load reads a workspace's files from: the working folder, or files in memory.

A `Source` lists the files of a folder, says whether a file may be read and
gives its bytes. Two kinds serve the loader (`workspace`) the same way:

- `Folder`: the workspace on disk. It never follows a link out of the
  workspace, reads only regular files within the size limit, and gives each
  file's signature (size, times and inode), by which the parse cache knows an
  unchanged file without reading it again.
- `Files`: the files as they stood at a git revision, relative path -> bytes.
  Their signatures vouch for nothing (`signed` is False): a revision is found
  in the cache by content alone.

What cannot be read is a Problem added to the list passed in, in the order
the loader walks the workspace.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Protocol

from cxokr.problems import Problem, problem

Signature = tuple[int, int, int, int]  # size, mtime, ctime (ns) and inode

Listed = tuple[str, str, bool]  # name, relative path, whether it is a folder


class Source(Protocol):
    """The files of one workspace, by path relative to its root."""

    @property
    def root(self) -> Path: ...

    @property
    def signed(self) -> bool:
        """Whether an unchanged signature means unchanged bytes (files on disk)."""
        ...

    def exists(self, rel: str) -> bool: ...

    def listing(self, rel_dir: str, problems: list[Problem]) -> Iterator[Listed]:
        """What a folder holds, by name, less hidden names; nothing when it is no folder."""
        ...

    def admit(self, rel: str, problems: list[Problem]) -> bool:
        """Whether a listed file may be read (a link out of the workspace may not)."""
        ...

    def check(self, rel: str, limit: int, problems: list[Problem]) -> Signature | None:
        """The signature of a file that may be read, at most `limit` bytes; else None."""
        ...

    def read(self, rel: str, problems: list[Problem]) -> bytes | None:
        """The bytes of a file `check` let through; None when reading them failed."""
        ...


def signature(info: os.stat_result) -> Signature:
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def too_large(rel: str, size: int, limit: int) -> Problem | None:
    if size <= limit:
        return None
    message = f"file is {size / 1048576:.1f} MiB; the limit is {limit // 1048576} MiB"
    return problem("CX106", rel, 0, 0, message)


@dataclass
class Folder:
    """The workspace on disk at `root` (resolved)."""

    root: Path
    signed: ClassVar[bool] = True
    _links: dict[str, bool] = field(default_factory=dict)  # rel -> a link on the way

    def exists(self, rel: str) -> bool:
        return (self.root / rel).exists() or (self.root / rel).is_symlink()

    def listing(self, rel_dir: str, problems: list[Problem]) -> Iterator[Listed]:
        folder = self.root / rel_dir
        if not folder.is_dir() or not self._inside(folder, rel_dir, problems):
            return
        with os.scandir(folder) as found:
            for entry in sorted(found, key=lambda e: e.name):
                rel = f"{rel_dir}/{entry.name}"
                if entry.name.startswith("."):
                    continue
                shown = _printable(rel)
                if shown != rel:
                    message = "the name is not printable UTF-8; rename it"
                    problems.append(problem("CX305", shown, 0, 0, message))
                    continue
                # Known from the listing: no lstat of each file to ask again.
                self._links[rel] = _is_link(entry) or self._linked(rel_dir)
                yield entry.name, rel, _is_dir(entry)

    def admit(self, rel: str, problems: list[Problem]) -> bool:
        return self._inside(f"{self.root}/{rel}", rel, problems)

    def check(self, rel: str, limit: int, problems: list[Problem]) -> Signature | None:
        path = f"{self.root}/{rel}"
        if not self._inside(path, rel, problems):
            return None
        try:
            info = os.stat(path)  # noqa: PTH116 (pathlib cost more than the stat itself)
        except OSError as exc:
            problems.append(problem("CX101", rel, 0, 0, f"cannot read: {exc.strerror}"))
            return None
        if not stat.S_ISREG(info.st_mode):  # a FIFO or device would block or never end
            problems.append(problem("CX101", rel, 0, 0, "cannot read: not a regular file"))
            return None
        refused = too_large(rel, info.st_size, limit)
        if refused is not None:
            problems.append(refused)
            return None
        return signature(info)

    def read(self, rel: str, problems: list[Problem]) -> bytes | None:
        try:
            with open(f"{self.root}/{rel}", "rb") as file:  # noqa: PTH123 (as in `check`)
                return file.read()
        except OSError as exc:
            problems.append(problem("CX101", rel, 0, 0, f"cannot read: {exc.strerror}"))
            return None

    def _linked(self, rel: str) -> bool:
        """Whether `rel` or a folder between it and the root is a symbolic link."""
        if not rel:
            return False
        found = self._links.get(rel)
        if found is None:
            parent = rel.rpartition("/")[0]
            found = (self.root / rel).is_symlink() or self._linked(parent)
            self._links[rel] = found
        return found

    def _inside(self, path: Path | str, rel: str, problems: list[Problem]) -> bool:
        """False (with a problem) for a link that leads outside the workspace."""
        if not self._linked(rel):
            return True
        try:
            Path(path).resolve(strict=True).relative_to(self.root)
        except (ValueError, OSError, RuntimeError):  # RuntimeError: a loop, before Python 3.13
            message = "link leads outside the workspace (or nowhere)"
            problems.append(problem("CX114", rel, 0, 0, message))
            return False
        return True


@dataclass
class Files:
    """Files held in memory, by path relative to `root`: a workspace as a git revision holds it.

    `root` only says where the workspace lives; nothing is read from there.
    """

    root: Path
    files: Mapping[str, bytes]
    signed: ClassVar[bool] = False
    _folders: dict[str, dict[str, bool]] = field(default_factory=dict)  # {name: is a folder}

    def __post_init__(self) -> None:
        for rel in self.files:
            parts = rel.split("/")
            for depth in range(1, len(parts)):
                self._folders.setdefault("/".join(parts[:depth]), {})[parts[depth]] = (
                    depth < len(parts) - 1
                )

    def exists(self, rel: str) -> bool:
        return rel in self.files or rel in self._folders

    def listing(self, rel_dir: str, problems: list[Problem]) -> Iterator[Listed]:
        for name, is_folder in sorted(self._folders.get(rel_dir, {}).items()):
            if not name.startswith("."):
                yield name, f"{rel_dir}/{name}", is_folder

    def admit(self, rel: str, problems: list[Problem]) -> bool:
        return True

    def check(self, rel: str, limit: int, problems: list[Problem]) -> Signature | None:
        raw = self.files.get(rel)
        if raw is None:
            problems.append(problem("CX101", rel, 0, 0, "cannot read: not a file"))
            return None
        refused = too_large(rel, len(raw), limit)
        if refused is not None:
            problems.append(refused)
            return None
        return (len(raw), 0, 0, 0)

    def read(self, rel: str, problems: list[Problem]) -> bytes | None:
        return self.files[rel]


def _is_link(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_symlink()
    except OSError:
        return False


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # a symlink loop; `_inside` reports it
        return False


def _printable(rel: str) -> str:
    """`rel` with undecodable bytes and control characters escaped, safe to print."""
    if rel.isprintable():
        return rel
    text = rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)
