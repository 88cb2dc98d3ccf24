"""Writing files: contained in the workspace, all or nothing, honest about the machine.

Every write of a workspace file goes through `write_file` or `append`, and both
take the workspace's root, so no write path can skip the one containment check:

- `contained` refuses a target that is a symbolic link, lies under one, names
  `..` or resolves outside the workspace (`LinkRefused`, exit 2, naming the
  link). The folders on the way are then opened from the root down without
  following links, and any folder a write creates is made the same way.
- `write_file` replaces or creates a whole file: a temp file beside it, fsync,
  rename.
- `append` adds whole lines to one or more logs, all or nothing: each log is
  copied with its new lines into a temp file beside it, fsynced and renamed
  over the old one, so a reader, a full disk or a `kill -9` finds the old log
  or the new one, never a torn line. A failure after some logs were renamed
  truncates them back to their old length. A log that would grow past the
  read limit is refused first. (docs/writing.md: why a copy, and its cost.)
- An OSError of the machine (disk full, read-only, permission) becomes an
  `EnvironmentFailure` that names the cause and the fix.

Files outside any workspace (the state folder, a file the user named with
--output) are written by `localstate.write_atomic`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cxokr.errors import EnvironmentFailure, LinkRefused, TooLarge, WriteRefused

CHUNK = 1024 * 1024  # bytes per read or write: bounded, whatever the size of a log
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_FOLDER = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _CLOEXEC
_TEMP_MARK = ".cxokr-"


# --- Containment ------------------------------------------------------------------------------


def contained(root: Path, target: Path) -> Path:
    """`target`'s path relative to the workspace `root`, when a write there stays inside it.

    Raises LinkRefused, naming the link, when `target` or any folder between
    `root` and it is a symbolic link, when it names `..`, or when it resolves
    outside `root`; WriteRefused when a file stands where a folder must be.
    Folders that do not exist yet are fine: the write creates them, the same way.
    """
    if ".." in target.parts:
        raise LinkRefused(f"refusing to write {target}: it leads out of the workspace (..)")
    try:
        rel = target.relative_to(root) if target.is_absolute() else target
    except ValueError:
        raise LinkRefused(
            f"refusing to write {target}: it is outside the workspace {root}"
        ) from None
    if not rel.parts:
        raise WriteRefused(f"refusing to write {root}: it is the workspace folder itself")
    here = root
    for depth, name in enumerate(rel.parts, 1):
        here = here / name
        try:
            info = os.lstat(here)
        except FileNotFoundError:
            break
        if stat.S_ISLNK(info.st_mode):
            raise _link(root, rel, here)
        if depth < len(rel.parts) and not stat.S_ISDIR(info.st_mode):
            raise _not_folder(root, rel, here)
    if not Path(os.path.realpath(root / rel)).is_relative_to(root.resolve()):
        raise LinkRefused(f"refusing to write {rel}: it resolves outside the workspace {root}")
    return rel


def _link(root: Path, rel: Path, link: Path) -> LinkRefused:
    try:
        points_to = str(link.readlink())
    except OSError:
        points_to = "somewhere unreadable"
    linked = link.relative_to(root)
    return LinkRefused(
        f"refusing to write {rel}: {linked} is a symbolic link (to {points_to}), and cxokr "
        "never writes through a link; nothing was written. Replace the link with a real "
        f"{'file' if linked == rel else 'folder'} and run the command again"
    )


def _not_folder(root: Path, rel: Path, where: Path) -> WriteRefused:
    return WriteRefused(
        f"refusing to write {rel}: {where.relative_to(root)} is not a folder; nothing was "
        "written. Move it aside and run the command again"
    )


def _open_folder(root: Path, rel: Path, created: list[Path]) -> int:
    """A descriptor of the folder of `root/rel`, opened from the root down without following
    links; folders that are missing are created (and added to `created`)."""
    fd = os.open(root, _FOLDER)
    try:
        here = root
        for name in rel.parent.parts:
            here = here / name
            try:
                inner = os.open(name, _FOLDER | _NOFOLLOW, dir_fd=fd)
            except FileNotFoundError:
                os.mkdir(name, 0o777, dir_fd=fd)
                created.append(here)
                inner = os.open(name, _FOLDER | _NOFOLLOW, dir_fd=fd)
            except OSError as exc:  # a link (ELOOP) or a file (ENOTDIR) appeared since the check
                if exc.errno not in (errno.ELOOP, errno.ENOTDIR):
                    raise
                if here.is_symlink():
                    raise _link(root, rel, here) from None
                raise _not_folder(root, rel, here) from None
            os.close(fd)
            fd = inner
    except BaseException:
        os.close(fd)
        raise
    return fd


# --- Staged writes: a temp file beside the target, renamed over it ------------------------


@dataclass
class _Staged:
    """One file being written: its folder, the old file (if any) and the temp file."""

    rel: Path
    folder: int
    old: int | None = None  # the old file, opened for writing (which proves it may be written)
    old_size: int = 0
    temp: str = ""
    fd: int | None = None  # the temp file; after the rename, the new file
    data: bytes = b""
    published: bool = False

    @property
    def name(self) -> str:
        return self.rel.name

    def open_old(self) -> None:
        flags = os.O_RDWR | os.O_NONBLOCK | _NOFOLLOW | _CLOEXEC
        try:
            self.old = os.open(self.name, flags, dir_fd=self.folder)
        except FileNotFoundError:
            return
        except OSError as exc:
            if exc.errno in (errno.ELOOP, errno.EISDIR, errno.ENXIO):
                raise WriteRefused(
                    f"refusing to write {self.rel}: it is not a regular file; nothing was written"
                ) from None
            raise
        info = os.fstat(self.old)
        if not stat.S_ISREG(info.st_mode):
            raise WriteRefused(
                f"refusing to write {self.rel}: it is not a regular file; nothing was written"
            )
        self.old_size = info.st_size

    def ends_open(self) -> bool:
        """True when the old file's last line has no line break."""
        return (
            self.old is not None
            and self.old_size > 0
            and os.pread(self.old, 1, self.old_size - 1) != b"\n"
        )

    def fill(self, copy_old: bool) -> None:
        """Write the temp file: the old bytes first when `copy_old`, then `data`; fsync it."""
        self.temp = f".{self.name}{_TEMP_MARK}{secrets.token_hex(4)}.tmp"
        flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC
        self.fd = os.open(self.temp, flags, 0o666, dir_fd=self.folder)
        if self.old is not None:
            info = os.fstat(self.old)
            os.fchmod(self.fd, stat.S_IMODE(info.st_mode))
            if (info.st_uid, info.st_gid) != (os.geteuid(), os.getegid()):
                with contextlib.suppress(OSError):  # only root may give a file away
                    os.fchown(self.fd, info.st_uid, info.st_gid)
            if copy_old:
                _copy(self.old, self.fd, self.old_size)
        _write_all(self.fd, self.data)
        os.fsync(self.fd)

    def publish(self) -> None:
        os.replace(self.temp, self.name, src_dir_fd=self.folder, dst_dir_fd=self.folder)
        self.published = True

    def undo(self) -> None:
        """After `publish`: the old bytes again (a new file: no file)."""
        assert self.fd is not None
        if self.old is None:
            os.unlink(self.name, dir_fd=self.folder)
        else:
            os.ftruncate(self.fd, self.old_size)
            os.fsync(self.fd)
        self.published = False

    def discard(self) -> None:
        """Before `publish`: remove the temp file."""
        if self.temp and not self.published:
            with contextlib.suppress(OSError):
                os.unlink(self.temp, dir_fd=self.folder)

    def clear_leftovers(self) -> None:
        """Remove temp files of this target that a killed writer left behind (under the lock)."""
        prefix = f".{self.name}{_TEMP_MARK}"
        for entry in os.listdir(self.folder):  # noqa: PTH208 (a descriptor, not a path)
            if entry.startswith(prefix) and entry.endswith(".tmp"):
                with contextlib.suppress(OSError):
                    os.unlink(entry, dir_fd=self.folder)

    def close(self) -> None:
        for fd in (self.fd, self.old, self.folder):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)


def _sync_folder(fd: int) -> None:
    """Make a rename durable; a file system that cannot sync a folder still renamed the file."""
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP):
            raise


def _copy(source: int, target: int, size: int) -> None:
    offset = 0
    while offset < size:
        chunk = os.pread(source, min(CHUNK, size - offset), offset)
        if not chunk:
            raise OSError(errno.EIO, "the file shrank while it was copied")
        _write_all(target, chunk)
        offset += len(chunk)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view[:CHUNK]) :]


class _Batch:
    """Files written together: on any failure those already renamed are put back, temp files
    and created folders removed, and an OSError of the machine becomes an EnvironmentFailure
    naming the file, the cause and the fix."""

    def __init__(self, root: Path, verb: str) -> None:
        self.root = root
        self.verb = verb
        self.staged: list[_Staged] = []
        self.created: list[Path] = []
        self.current: Path | None = None

    def stage(self, rel: Path, data: bytes = b"") -> _Staged:
        self.current = rel
        item = _Staged(rel, _open_folder(self.root, rel, self.created), data=data)
        self.staged.append(item)
        item.open_old()
        return item

    def finish(self, copy_old: bool) -> None:
        """Write every staged file's temp copy, then rename each into place, then sync."""
        for item in self.staged:
            self.current = item.rel
            if copy_old:
                item.clear_leftovers()
            item.fill(copy_old=copy_old)
        for item in self.staged:
            self.current = item.rel
            item.publish()
        for folder in {item.folder for item in self.staged}:
            _sync_folder(folder)

    def __enter__(self) -> _Batch:
        return self

    def __exit__(self, kind: object, exc: BaseException | None, trace: object) -> None:
        try:
            if exc is not None:
                self._fail(exc)
        finally:
            for item in self.staged:
                item.close()

    def _fail(self, exc: BaseException) -> None:
        back, stuck = [], []
        for item in self.staged:
            if item.published:
                try:
                    item.undo()
                    back.append(str(item.rel))
                except OSError:
                    stuck.append(str(item.rel))
            item.discard()
        for path in reversed(self.created):
            with contextlib.suppress(OSError):
                path.rmdir()
        if not isinstance(exc, OSError):
            return  # the exception goes on as it is
        if stuck:  # the machine refused even that: say exactly where new lines may be
            outcome = f"{', '.join(stuck)} may hold the new lines: check it"
        else:
            outcome = "nothing was written"
            if back:
                outcome += f" ({', '.join(back)} truncated back to the old length)"
        doing = f"{self.verb} {self.current}" if self.current else self.verb
        # The file is named in `doing`; what the OSError names is relative to a folder.
        where = None
        if self.current and _TEMP_MARK in str(exc.filename or ""):
            folder = f"{self.current.parent}/" if self.current.parent.parts else "its folder"
            where = f"cxokr writes its new version beside it, in {folder}"
        plain = OSError(exc.errno, exc.strerror, where)
        raise EnvironmentFailure.from_os_error(plain, doing, outcome) from exc


def write_file(root: Path, target: Path, data: bytes, *, new: bool = False) -> None:
    """Replace (or create) the workspace file `target` with `data`, atomically; see
    `write_files`."""
    write_files(root, {target: data}, new=new)


def write_files(root: Path, files: Mapping[Path, bytes], *, new: bool = False) -> None:
    """Replace (or create) each workspace file with its bytes, atomically and all or nothing.

    `new`: refuse (WriteRefused) if any of them exists. Raises LinkRefused when a
    write would go through a link, EnvironmentFailure when the machine refuses;
    in each case every file is as it was (folders created on the way are removed).
    """
    rels = [contained(root, path) for path in files]
    with _Batch(root, "write") as batch:
        for rel, data in zip(rels, files.values(), strict=True):
            item = batch.stage(rel, data)
            if new and item.old is not None:
                raise WriteRefused(
                    f"refusing to write {rel}: it already exists; nothing was written"
                )
        batch.finish(copy_old=False)


def append(root: Path, texts: Mapping[Path, bytes], limit: int) -> dict[Path, bytes]:
    """Append whole lines to each log in `texts`, all or nothing, under the workspace lock.

    Returns the bytes appended to each log: its text, after a line break when
    its last line had none. Raises TooLarge when a log would grow past `limit`
    bytes, LinkRefused when a write would go through a link, EnvironmentFailure
    when the machine refuses; in each case every log is as it was.
    """
    from cxokr.load import localstate

    if any(not text.endswith(b"\n") for text in texts.values()):
        raise ValueError("append whole lines only")
    rels = [contained(root, path) for path in texts]
    with localstate.locked(root), _Batch(root, "append to") as batch:
        for rel, text in zip(rels, texts.values(), strict=True):
            item = batch.stage(rel)
            item.data = b"\n" + text if item.ends_open() else text
            _within(item, limit)
        batch.finish(copy_old=True)
        return {path: item.data for path, item in zip(texts, batch.staged, strict=True)}


def _within(item: _Staged, limit: int) -> None:
    size = item.old_size + len(item.data)
    if size > limit:
        mib = 1024 * 1024
        raise TooLarge(
            f"refusing to append {len(item.data):,} bytes to {item.rel}: it would grow to "
            f"{size:,} bytes, past the {limit // mib} MiB ({limit:,} bytes) cxokr reads in "
            "one log; nothing was written. Record fewer, coarser entries (one reading per "
            "day and segment, say)"
        )
