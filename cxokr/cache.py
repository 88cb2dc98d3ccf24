"""The parse cache in `.cxokr/`: a file's outcome, keyed by its content.

Parsing YAML and validating entries is most of what loading costs, and most
files do not change between runs. Each outcome is stored under a hash of the
file's kind and bytes, so an unchanged file is never parsed twice, whatever
its path or git revision. The cache is one file, replaced atomically; a
corrupt, truncated or foreign-version cache is ignored and rebuilt, never
trusted. Deleting `.cxokr/` is always safe.

Like git's index, it also remembers each working-tree file's size, times and
inode with the key of the content read. A file whose signature is unchanged
is not even read again. A file modified or changed (its ctime, which a copy
that keeps the old mtime still moves) within the last two seconds is never
remembered, so an edit in the same clock tick as the reading cannot hide.

The file is a pickle, which is fast to load; like `.git/`, `.cxokr/` is local
state that only the user's own cxokr writes.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import time
from pathlib import Path
from typing import Any

import pydantic

from cxokr import __version__
from cxokr.fileio import cache_folder, write_atomic

# Anything that changes what an outcome holds changes this stamp.
FORMAT = 7
STAMP = (FORMAT, __version__, pydantic.VERSION, sys.version_info[:2])
NAME = "parsed.pickle"
MAX_ENTRIES = 50_000
# A file modified this recently (ns) may change again without its signature changing.
SETTLED_NS = 2_000_000_000

Signature = tuple[int, int, int, int]  # size, mtime, ctime (ns) and inode


class Cache:
    """Outcomes by content; `save` writes back what this run used and added."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.old, self.old_files = _read(path)
        self.used: dict[bytes, Any] = {}
        self.files: dict[str, tuple[Signature, bytes]] = {}
        self.added = 0
        self.recalled = 0
        self.changed_files = False

    @classmethod
    def for_workspace(cls, root: Path) -> Cache:
        return cls(root / ".cxokr" / NAME)

    @staticmethod
    def key(kind: str, raw: bytes) -> bytes:
        digest = hashlib.blake2b(raw, digest_size=20, person=kind.encode()[:16])
        return digest.digest()

    def get(self, kind: str, raw: bytes) -> Any:
        return self.lookup(self.key(kind, raw))

    def lookup(self, key: bytes) -> Any:
        found = self.used.get(key)
        if found is None:
            found = self.old.get(key)
            if found is not None:
                self.used[key] = found
        return found

    def store(self, key: bytes, value: Any) -> None:
        self.used[key] = value
        self.added += 1

    def recall(self, rel: str, info: os.stat_result) -> Any:
        """The outcome of the file at `rel` when it is unchanged since it was last read."""
        known = self.old_files.get(rel)
        if not isinstance(known, tuple) or len(known) != 2 or not isinstance(known[1], bytes):
            return None
        if known[0] != signature(info):
            return None
        found = self.lookup(known[1])
        if found is not None:
            self.files[rel] = known
            self.recalled += 1
        return found

    def remember(self, rel: str, info: os.stat_result, key: bytes) -> None:
        """Note that the file at `rel`, as `info` describes it, holds the content of `key`."""
        # Too fresh to vouch for: modified, or (copied with its old mtime) changed, just now.
        if max(info.st_mtime_ns, info.st_ctime_ns) > time.time_ns() - SETTLED_NS:
            return
        self.files[rel] = (signature(info), key)
        self.changed_files = True

    def save(self) -> None:
        """Write the outcomes used in this run, plus older ones up to a bound, if any are new."""
        if not self.added and not self.changed_files:
            return
        keep = dict(self.used)
        for key, value in self.old.items():
            if len(keep) >= MAX_ENTRIES:
                break
            keep.setdefault(key, value)
        files = {rel: known for rel, known in self.files.items() if known[1] in keep}
        data = pickle.dumps((STAMP, keep, files), protocol=pickle.HIGHEST_PROTOCOL)
        with contextlib.suppress(OSError):  # a read-only checkout works, just uncached
            cache_folder(self.path.parent.parent)
            write_atomic(self.path, data)


def signature(info: os.stat_result) -> Signature:
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def _read(path: Path) -> tuple[dict[bytes, Any], dict[str, tuple[Signature, bytes]]]:
    try:
        raw = path.read_bytes()
    except OSError:
        return {}, {}
    try:
        stamp, entries, files = pickle.loads(raw)
    except Exception:  # any damage at all means: start afresh
        return {}, {}
    if stamp != STAMP or not isinstance(entries, dict) or not isinstance(files, dict):
        return {}, {}
    return entries, files
