"""The parse cache in `.cxokr/`: a file's outcome, keyed by its content.

Parsing YAML and validating entries is most of what loading costs, and most
files do not change between runs. Each outcome is stored under a hash of the
file's kind and bytes, so an unchanged file is never parsed twice, whatever
its path or git revision. The cache is one file, replaced atomically; a
corrupt, truncated or foreign-version cache is ignored and rebuilt, never
trusted. Deleting `.cxokr/` is always safe.

The file is a pickle, which is fast to load; like `.git/`, `.cxokr/` is local
state that only the user's own cxokr writes.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
import sys
from pathlib import Path
from typing import Any

import pydantic

from cxokr import __version__
from cxokr.fileio import cache_folder, write_atomic

# Anything that changes what an outcome holds changes this stamp.
FORMAT = 3
STAMP = (FORMAT, __version__, pydantic.VERSION, sys.version_info[:2])
NAME = "parsed.pickle"
MAX_ENTRIES = 50_000


class Cache:
    """Outcomes by content; `save` writes back what this run used and added."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.old: dict[bytes, Any] = _read(path)
        self.used: dict[bytes, Any] = {}
        self.added = 0

    @classmethod
    def for_workspace(cls, root: Path) -> Cache:
        return cls(root / ".cxokr" / NAME)

    @staticmethod
    def key(kind: str, raw: bytes) -> bytes:
        digest = hashlib.blake2b(raw, digest_size=20, person=kind.encode()[:16])
        return digest.digest()

    def get(self, kind: str, raw: bytes) -> Any:
        key = self.key(kind, raw)
        found = self.used.get(key)
        if found is None:
            found = self.old.get(key)
            if found is not None:
                self.used[key] = found
        return found

    def put(self, kind: str, raw: bytes, value: Any) -> None:
        self.used[self.key(kind, raw)] = value
        self.added += 1

    def save(self) -> None:
        """Write the outcomes used in this run, plus older ones up to a bound, if any are new."""
        if not self.added:
            return
        keep = dict(self.used)
        for key, value in self.old.items():
            if len(keep) >= MAX_ENTRIES:
                break
            keep.setdefault(key, value)
        data = pickle.dumps((STAMP, keep), protocol=pickle.HIGHEST_PROTOCOL)
        with contextlib.suppress(OSError):  # a read-only checkout works, just uncached
            cache_folder(self.path.parent.parent)
            write_atomic(self.path, data)


def _read(path: Path) -> dict[bytes, Any]:
    try:
        raw = path.read_bytes()
    except OSError:
        return {}
    try:
        stamp, entries = pickle.loads(raw)
    except Exception:  # any damage at all means: start afresh
        return {}
    if stamp != STAMP or not isinstance(entries, dict):
        return {}
    return entries
