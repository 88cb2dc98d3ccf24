"""The parse cache: a file's outcome, keyed by its content.

Parsing YAML and validating entries is most of what loading costs, and most
files do not change between runs. Each outcome is stored under a hash of the
file's kind and bytes, so an unchanged file is never parsed twice, whatever
its path or git revision.

Like git's index, it also remembers each working-tree file's signature (size,
times and inode: `source.Signature`) with the key of the content read. A file
whose signature is unchanged is not even read again. A file modified or
changed (its ctime, which a copy that keeps the old mtime still moves) within
the last two seconds is never remembered, so an edit in the same clock tick as
the reading cannot hide.

The loader asks it in one place (`workspace`): `recall` a file by signature,
`lookup` an outcome by content key, `store` and `remember` what was read. The
read-ahead (`prefetch`) asks only `remembers_files` and `holds`. How an entry
is written is `cache_format`'s alone; the state files are signed here
(`seal`, `unseal`), and the kept moved-goalposts answer is signed the same way.

What is kept can never run code or change a result (DESIGN.md §1):

- It lives in the workspace's state folder (`localstate.folder`: `.git/cxokr/`
  inside a repository, the user's cache folder otherwise), never in the
  working tree, where a pull request could commit one. A `.cxokr/` folder in
  the workspace, as older releases wrote, is never read.
- It is msgpack, read with typed schemas (`cache_format`): values only, and an
  entry that does not decode to the expected shape is parsed again.
- It is signed with a keyed BLAKE2b MAC. The key is a random secret of the
  user's (`<user cache folder>/cxokr/key`, readable by the user alone, made on
  first use); a file whose MAC does not verify, written by anyone else or
  damaged, is ignored whole. Without a usable key nothing is cached.

The cache is one file per workspace, replaced atomically, and carries a stamp
of the versions that wrote it; a file of another version is ignored and
rebuilt. Deleting it (or the whole state folder) is always safe.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import stat
import sys
import time
from pathlib import Path

import msgspec
import pydantic

from cxokr import __version__
from cxokr.load import cache_format, localstate
from cxokr.load.localstate import write_atomic
from cxokr.load.parsing import Outcome
from cxokr.load.source import Signature

# Anything that changes what an outcome holds changes this stamp.
FORMAT = 16
STAMP = (FORMAT, __version__, pydantic.VERSION, *sys.version_info[:2])
MAX_ENTRIES = 50_000
OLD_BYTES = 16 * 1024 * 1024  # room for older outcomes however few this run used
# A file modified this recently (ns) may change again without its signature changing.
SETTLED_NS = 2_000_000_000


class _Head(msgspec.Struct, array_like=True):
    stamp: tuple[int, str, str, int, int]
    root: str


class _Body(_Head, array_like=True):
    files: dict[str, tuple[Signature, bytes]]  # relative path -> (signature, content key)
    entries: dict[bytes, msgspec.Raw]  # content key -> entry (`cache_format`), read when asked


_HEAD = msgspec.msgpack.Decoder(_Head)
_BODY = msgspec.msgpack.Decoder(_Body)


class Cache:
    """Outcomes by content; `save` writes back what this run used and added.

    With `path` None (no key to sign with) it holds only what this run parses.
    """

    def __init__(self, path: Path | None, key: bytes = b"", root: str = "") -> None:
        self.path, self._key, self._root = path, key, root
        self.old: dict[bytes, msgspec.Raw] = {}
        self.old_files: dict[str, tuple[Signature, bytes]] = {}
        if path is not None:
            self.old, self.old_files = _read(path, key, root)
        self.used: dict[bytes, Outcome] = {}
        self.files: dict[str, tuple[Signature, bytes]] = {}
        self.added = 0
        self.recalled = 0
        self.changed_files = False

    @classmethod
    def for_workspace(cls, root: Path) -> Cache:
        """The cache of the workspace at `root`, in its state folder, signed with the user's key."""
        key = secret()
        where = state_file(root, "parsed")
        return cls(where if key else None, key or b"", str(root.resolve()))

    @staticmethod
    def key(kind: str, raw: bytes) -> bytes:
        """The content key of `raw` read as a file of the kind named `kind` (`kinds`)."""
        digest = hashlib.blake2b(raw, digest_size=20, person=kind.encode()[:16])
        return digest.digest()

    def get(self, kind: str, raw: bytes) -> Outcome | None:
        return self.lookup(self.key(kind, raw))

    @property
    def remembers_files(self) -> bool:
        """Whether the last run left file signatures: then most files are likely unchanged."""
        return bool(self.old_files)

    def holds(self, kind: str, raw: bytes) -> bool:
        """Whether the outcome of `raw`, read as `kind`, is known without parsing it."""
        if not self.old and not self.used:  # nothing to find: not even worth the hash
            return False
        return self.get(kind, raw) is not None

    def lookup(self, key: bytes) -> Outcome | None:
        found = self.used.get(key)
        if found is None:
            stored = self.old.get(key)
            if stored is None:
                return None
            found = cache_format.decode(stored)
            if found is None:  # not an entry this version reads: parsed again, not kept
                del self.old[key]
                return None
            self.used[key] = found
        return found

    def store(self, key: bytes, value: Outcome) -> None:
        self.used[key] = value
        self.added += 1

    def recall(self, rel: str, signature: Signature) -> Outcome | None:
        """The outcome of the file at `rel` when it is unchanged since it was last read."""
        known = self.old_files.get(rel)
        if known is None or known[0] != signature:
            return None
        found = self.lookup(known[1])
        if found is not None:
            self.files[rel] = known
            self.recalled += 1
        return found

    def remember(self, rel: str, signature: Signature, key: bytes) -> None:
        """Note that the file at `rel`, with `signature`, holds the content of `key`."""
        _, mtime, ctime, _ = signature
        # Too fresh to vouch for: modified, or (copied with its old mtime) changed, just now.
        if max(mtime, ctime) > time.time_ns() - SETTLED_NS:
            return
        self.files[rel] = (signature, key)
        self.changed_files = True

    def save(self) -> None:
        """Write the outcomes used in this run, plus older ones up to a bound, if any are new.

        The bound is `MAX_ENTRIES` and, in bytes, as much again as this run's
        outcomes (at least `OLD_BYTES`): a log edited every day would otherwise
        leave a copy of its whole outcome behind each time.
        """
        if self.path is None or (not self.added and not self.changed_files):
            return
        keep: dict[bytes, msgspec.Raw] = {}
        for key, outcome in self.used.items():
            stored = self.old.get(key)  # read from the file: written back as it was
            if stored is None:
                entry = cache_format.encode(outcome)
                stored = None if entry is None else msgspec.Raw(entry)
            if stored is not None:
                keep[key] = stored
        # Older outcomes (files since changed, other revisions) take at most as much again.
        room = max(sum(map(len, keep.values())), OLD_BYTES)
        for key, stored in self.old.items():
            if len(keep) >= MAX_ENTRIES or room <= 0:
                break
            if key not in keep and len(stored) <= room:
                keep[key] = stored
                room -= len(stored)
        files = {rel: known for rel, known in self.files.items() if known[1] in keep}
        body = msgspec.msgpack.encode(_Body(STAMP, self._root, files, keep))
        write_state(self.path, body, self._key, PARSED)


def _read(
    path: Path, key: bytes, root: str
) -> tuple[dict[bytes, msgspec.Raw], dict[str, tuple[Signature, bytes]]]:
    body = unseal(read_state(path), key, PARSED)
    if body is None:
        return {}, {}
    try:
        head = _HEAD.decode(body)
        if head.stamp != STAMP or head.root != root:
            return {}, {}
        found = _BODY.decode(body)
    except msgspec.DecodeError:  # damaged or foreign: start afresh
        return {}, {}
    return found.entries, found.files


# --- Where, and signed with what ----------------------------------------------------------


PARSED = b"parse cache"
KEY_BYTES = 32
MAC_BYTES = 32
MAGIC = b"cxokr-state\x00"  # and then the MAC, then the body


def state_file(root: Path, stem: str) -> Path:
    """The file `stem` of the workspace at `root` in its state folder (one per workspace:
    a repository's git directory may serve several)."""
    resolved = str(root.resolve()).encode("utf-8", "surrogateescape")
    tag = hashlib.blake2b(resolved, digest_size=8).hexdigest()
    return localstate.folder(root) / f"{stem}-{tag}.msgpack"


def secret() -> bytes | None:
    """The user's key for signing local state, made on first use; None when it cannot be
    read or made (then nothing is kept).

    A key that another user could read or replace is no secret: one not owned by
    the user, readable or writable by others, a link or not exactly `KEY_BYTES`
    long is not used.
    """
    folder = localstate.user_cache_home() / localstate.NAME
    path = folder / "key"
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    except OSError:
        return None
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(path, flags, 0o600)
        try:
            os.write(fd, os.urandom(KEY_BYTES))
        finally:
            os.close(fd)
    except FileExistsError:
        pass  # another cxokr made it just now
    except OSError:
        return None
    try:
        return _read_key(path)
    except OSError:
        return None


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _read_key(path: Path) -> bytes | None:
    fd = os.open(path, os.O_RDONLY | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        mine = not hasattr(os, "getuid") or info.st_uid == os.getuid()
        if not stat.S_ISREG(info.st_mode) or not mine or info.st_mode & 0o077:
            return None
        key = os.read(fd, KEY_BYTES + 1)
    finally:
        os.close(fd)
    return key if len(key) == KEY_BYTES else None


def seal(body: bytes, key: bytes, purpose: bytes) -> bytes:
    """`body` with a MAC of it under `key`, for `purpose` (a file of one kind cannot pass
    for another)."""
    mac = hashlib.blake2b(body, key=key, digest_size=MAC_BYTES, person=purpose).digest()
    return MAGIC + mac + body


def unseal(raw: bytes, key: bytes, purpose: bytes) -> memoryview | None:
    """The body `seal` wrapped, or None when `raw` is not one sealed under `key`."""
    if not key or len(raw) < len(MAGIC) + MAC_BYTES or not raw.startswith(MAGIC):
        return None
    view = memoryview(raw)
    mac, body = bytes(view[len(MAGIC) : len(MAGIC) + MAC_BYTES]), view[len(MAGIC) + MAC_BYTES :]
    expected = hashlib.blake2b(body, key=key, digest_size=MAC_BYTES, person=purpose).digest()
    return body if hmac.compare_digest(expected, mac) else None


def write_state(path: Path, body: bytes, key: bytes, purpose: bytes) -> None:
    """Keep `body` in the state file `path`, sealed for `purpose`; a state folder that cannot
    be written (a read-only git directory) leaves it unkept, never an error."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_atomic(path, seal(body, key, purpose))


def read_state(path: Path) -> bytes:
    """The bytes of a state file; empty when it is missing, unreadable or not a plain file."""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return b""
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return b""
        with os.fdopen(fd, "rb") as file:
            fd = -1
            return file.read()
    except OSError:
        return b""
    finally:
        if fd >= 0:
            os.close(fd)
