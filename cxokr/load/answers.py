"""Kept answers: a command run again on an unchanged workspace prints what it printed,
without loading or computing anything.

What a command answers depends on the files the loader reads and on what it
sees around them, so each answer is kept under a key made of two parts:

- the workspace's fingerprint: every folder the loader lists, every name in
  them (a file added, removed or renamed changes it; so does a folder or a
  `.yml` where a `.yaml` belongs) and, for each file the loader reads, the
  key of its content. The content key comes from the file's signature (size,
  times and inode), as the parse cache knows it (`cache.Cache.files`): so
  nothing is read or decoded to know that every input is unchanged. A file
  whose signature is not known (changed, new, or too fresh to vouch for), or
  anything the loader would complain of (a link out, an unreadable file),
  leaves no fingerprint: the run is a normal one, and keeps its answer.
  Files listed but not read are fingerprinted by their signature.
- everything else the answer depends on (the date, the options, the state of
  git), which the command supplies (`cli.kept`).

The store lives in the workspace's state folder beside the parse cache: an
index (the signatures and content keys of the last kept run) and one file per
answer, each signed like the parse cache (`cache.seal`) under a purpose of its
own and carrying the stamp of the versions that wrote it and the workspace's
root. A file someone else wrote, a damaged one, one of another version or of
another workspace, or an answer stored under another key is never believed.
At most `MAX_KEPT` answers are kept, the least recently used dropped first,
and none larger than `MAX_ANSWER_BYTES`. Deleting any of it is always safe.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from cxokr.load import cache
from cxokr.load.cache import SETTLED_NS, STAMP
from cxokr.load.source import Folder, Listed, Signature, signature
from cxokr.load.workspace import survey
from cxokr.problems import Problem

INDEX = "answers"
ANSWER = "answer"
_INDEX_PURPOSE = b"answers index"
_ANSWER_PURPOSE = b"kept answer"
MAX_KEPT = 8
MAX_ANSWER_BYTES = 64 * 1024 * 1024

Known = Mapping[str, tuple[Signature, bytes]]  # relative path -> (signature, content key)


class _Index(msgspec.Struct, array_like=True):
    stamp: tuple[int, str, str, int, int]
    root: str
    files: dict[str, tuple[Signature, bytes]]


class _Answer(msgspec.Struct, array_like=True):
    stamp: tuple[int, str, str, int, int]
    root: str
    key: bytes
    body: bytes


# --- What the loader looks at -------------------------------------------------------------


@dataclass
class _Watched(Folder):
    """The workspace folder, noting every answer it gives the loader's walk, and whether it
    complained of anything (a link out, an unreadable file, a name that is not printable)."""

    facts: list[tuple[str, str, object]] = field(default_factory=list)
    checked: dict[str, Signature] = field(default_factory=dict)
    listed: list[str] = field(default_factory=list)  # the files, read or not
    complained: bool = False

    def exists(self, rel: str) -> bool:
        found = super().exists(rel)
        self.facts.append(("exists", rel, found))
        return found

    def listing(self, rel_dir: str, problems: list[Problem]) -> Iterator[Listed]:
        names = []
        found = super().listing(rel_dir, problems)
        while True:
            before = len(problems)  # the loader adds its own between the names it is given
            item = next(found, None)
            self.complained |= len(problems) != before
            if item is None:
                break
            name, rel, is_folder = item
            names.append((name, is_folder))
            if not is_folder:
                self.listed.append(rel)
            yield item
        self.facts.append(("listing", rel_dir, names))

    def admit(self, rel: str, problems: list[Problem]) -> bool:
        admitted = super().admit(rel, problems)
        self.complained |= not admitted
        return admitted

    def check(self, rel: str, limit: int, problems: list[Problem]) -> Signature | None:
        found = super().check(rel, limit, problems)
        if found is None:
            self.complained = True
        else:
            self.checked[rel] = found
        self.facts.append(("check", rel, found is not None))
        return found


def _lstat(path: str) -> Signature | None:
    try:
        return signature(os.lstat(path))
    except OSError:
        return None


@dataclass(frozen=True)
class Survey:
    """What a load of the workspace would look at, as its signatures stand now."""

    facts: tuple[tuple[str, str, object], ...]
    read: Mapping[str, Signature]  # the files it would read
    unread: Mapping[str, Signature | None]  # the other files it would list
    clean: bool  # nothing it would complain of: no link out, no unreadable file
    taken: int  # when (ns): a file changed just before may change again unseen

    def same(self, other: Survey) -> bool:
        """Whether `other` found everything as this survey did."""
        return (self.facts, self.read, self.unread, self.clean) == (
            other.facts,
            other.read,
            other.unread,
            other.clean,
        )

    def fingerprint(self, *known: Known) -> bytes | None:
        """The workspace's fingerprint, each read file's content key taken from the first of
        `known` that holds its signature; None when one holds none of them, or the survey
        is not clean, or a file listed but not read changed too recently to vouch for."""
        if not self.clean:
            return None
        keys = []
        for rel, sig in self.read.items():
            key = next((k for m in known if (k := _same(m.get(rel), sig)) is not None), None)
            if key is None:
                return None
            keys.append((rel, key))
        settled = self.taken - SETTLED_NS
        if any(sig is None or max(sig[1], sig[2]) > settled for sig in self.unread.values()):
            return None
        digest = hashlib.blake2b(digest_size=20, person=b"fingerprint")
        digest.update(msgspec.msgpack.encode([self.facts, keys, sorted(self.unread.items())]))
        return digest.digest()


def _same(known: tuple[Signature, bytes] | None, sig: Signature) -> bytes | None:
    return known[1] if known is not None and tuple(known[0]) == sig else None


def look(root: Path) -> Survey:
    """Survey the workspace at `root` as the loader would walk it (`workspace.survey`)."""
    taken = time.time_ns()
    watched = _Watched(root.resolve())
    survey(watched)
    read = dict(watched.checked)
    unread = {rel: _lstat(f"{watched.root}/{rel}") for rel in watched.listed if rel not in read}
    return Survey(tuple(watched.facts), read, unread, not watched.complained, taken)


# --- The store ----------------------------------------------------------------------------


class Answers:
    """The answers kept for the workspace at `root`, in its state folder."""

    def __init__(self, root: Path) -> None:
        self.root = str(root.resolve())
        self._path = root
        self._secret = cache.secret()
        self.files: dict[str, tuple[Signature, bytes]] = {}
        body = self._unsealed(cache.state_file(root, INDEX), _INDEX_PURPOSE)
        if body is not None:
            with contextlib.suppress(msgspec.DecodeError):
                index = msgspec.msgpack.decode(body, type=_Index)
                if index.stamp == STAMP and index.root == self.root:
                    self.files = index.files

    def recall(self, key: bytes) -> bytes | None:
        """The answer kept under `key`, or None."""
        path = self._answer_path(key)
        body = self._unsealed(path, _ANSWER_PURPOSE)
        if body is None:
            return None
        try:
            found = msgspec.msgpack.decode(body, type=_Answer)
        except msgspec.DecodeError:
            return None
        if found.stamp != STAMP or found.root != self.root or found.key != key:
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # used now: the last to be dropped
        return found.body

    def keep(self, key: bytes, body: bytes, files: Known) -> None:
        """Keep `body` under `key`, and `files` (the signatures and content keys the run that
        computed it read) as the index later runs fingerprint the workspace with."""
        if self._secret is None or len(body) > MAX_ANSWER_BYTES:
            return
        with contextlib.suppress(OSError):  # a read-only state folder works, just unkept
            answer = msgspec.msgpack.encode(_Answer(STAMP, self.root, key, body))
            path = self._answer_path(key)
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            _replace(path, cache.seal(answer, self._secret, _ANSWER_PURPOSE))
            if dict(files) != self.files:
                self.files = dict(files)
                index = msgspec.msgpack.encode(_Index(STAMP, self.root, self.files))
                sealed = cache.seal(index, self._secret, _INDEX_PURPOSE)
                _replace(cache.state_file(self._path, INDEX), sealed)
            self._prune(path.parent)

    def _prune(self, folder: Path) -> None:
        """Drop the least recently used answers past `MAX_KEPT`."""
        tag = cache.state_file(self._path, "").name.removeprefix("-")
        found = []
        for entry in os.scandir(folder):
            if entry.name.startswith(ANSWER + "-") and entry.name.endswith("-" + tag):
                with contextlib.suppress(OSError):
                    found.append((entry.stat(follow_symlinks=False).st_mtime_ns, entry.path))
        for _, path in sorted(found, reverse=True)[MAX_KEPT:]:
            with contextlib.suppress(OSError):
                Path(path).unlink()

    def _answer_path(self, key: bytes) -> Path:
        return cache.state_file(self._path, f"{ANSWER}-{key[:12].hex()}")

    def _unsealed(self, path: Path, purpose: bytes) -> memoryview | None:
        if self._secret is None:
            return None
        return cache.unseal(cache.read_state(path), self._secret, purpose)


def _replace(path: Path, data: bytes) -> None:
    """Write `data` whole to `path` (a private temporary file renamed over it), unsynced: an
    answer a crash loses or tears fails its MAC, and is computed again."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        Path(name).replace(path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
