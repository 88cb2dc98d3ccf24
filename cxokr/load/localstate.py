"""Where cxokr keeps local state (the parse cache, kept answers, the writers' lock).

Never in the working tree: a pull request can commit any file there, so a
cache or lock found in the workspace would be the author's, not the user's.
Inside a git repository the state lives in the repository's git directory
(`.git/cxokr/`), which git never tracks and no commit can reach; elsewhere in
the user's cache folder (`$XDG_CACHE_HOME/cxokr/<hash of the folder>/`). A
`.cxokr/` folder in the workspace, as older releases wrote, is never read.

The git directory is found by walking up from the workspace, as git does, but
without starting git: a `.git` folder, or a `.git` file (`gitdir: …`, as in a
worktree or submodule) naming a folder that looks like a git directory.

State files are written whole (`write_atomic`): a reader finds the old file or
the new one, never half of one, and a link at a state file's path is replaced,
never followed. A report the user named with --output is written whole too, but
as a shell's `>` would (`write_output`): through a link, and into a device or pipe
in place; a workspace file is written by `edit.fileio`, which keeps the write
inside the workspace.
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

NAME = "cxokr"


def git_dir(root: Path) -> Path | None:
    """The git directory of the repository holding `root`, or None outside one."""
    start = root.resolve()
    for folder in (start, *start.parents):
        dot_git = folder / ".git"
        if dot_git.is_dir():
            return dot_git if _looks_like_git_dir(dot_git) else None
        if dot_git.is_file():
            return _linked_git_dir(dot_git)
    return None


def _linked_git_dir(pointer: Path) -> Path | None:
    try:
        text = pointer.read_text(encoding="utf-8", errors="replace")[:4096]
    except OSError:
        return None
    first = text.splitlines()[0] if text else ""
    if not first.startswith("gitdir:"):
        return None
    target = Path(first.removeprefix("gitdir:").strip())
    if not target.is_absolute():
        target = pointer.parent / target
    target = target.resolve()
    return target if _looks_like_git_dir(target) else None


def _looks_like_git_dir(folder: Path) -> bool:
    return (folder / "HEAD").is_file()


def user_cache_home() -> Path:
    """The user's cache folder: `$XDG_CACHE_HOME`, else the platform's usual place."""
    configured = os.environ.get("XDG_CACHE_HOME", "")
    if configured and Path(configured).is_absolute():
        return Path(configured)
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches"
    return Path.home() / ".cache"


def folder(root: Path) -> Path:
    """The state folder of the workspace at `root` (not created; see `ensure`)."""
    found = git_dir(root)
    if found is not None:
        return found / NAME
    return _fallback(root)


def _fallback(root: Path) -> Path:
    digest = hashlib.blake2b(str(root.resolve()).encode("utf-8", "surrogateescape"), digest_size=10)
    return user_cache_home() / NAME / digest.hexdigest()


def write_output(path: Path, data: bytes) -> None:
    """Write a file the user named (--output) as a shell's `>` would, but whole.

    A path that names something other than a file (a device such as /dev/null or
    /dev/stdout, a pipe) is written to: there is nothing to replace, and a rename
    would put a file in its place. A symbolic link is followed to the file it
    names, which is replaced (`write_atomic`); the link stays.
    """
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    try:
        kind = stat.S_IFMT(path.stat().st_mode)
    except OSError:  # not there yet (or not readable: the rename says why)
        kind = stat.S_IFREG
    if kind not in (stat.S_IFREG, stat.S_IFDIR):
        with path.open("wb") as out:
            out.write(data)
        return
    write_atomic(path, data)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data`: temp file in the same folder, fsync, rename; keeps the mode.

    Only for files outside a workspace; a workspace file goes through `fileio.write_file`.
    The rename replaces whatever is at `path`, a link included: a state file is never
    written through a link (a file the user named goes through `write_output`).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        temp.chmod(mode)
        temp.replace(path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def ensure(root: Path) -> Path:
    """The state folder, created (private to the user) if need be. Raises OSError."""
    path = folder(root)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


LOCK_WAIT = 120.0  # seconds a writer waits for another's lock; CXOKR_LOCK_WAIT overrides
_held = threading.local()  # the workspaces whose lock this thread holds, and how deeply


@contextmanager
def locked(root: Path) -> Iterator[None]:
    """Serialise the writers of one workspace on this machine.

    The lock file sits in the state folder; when that cannot be written (a
    read-only git directory), in the user's cache folder, keyed by the
    workspace's path. Opened without following links. Re-entrant within a
    thread, so a command can hold it across a write and its commit. Waits at
    most `LOCK_WAIT` seconds for another writer, then raises EnvironmentFailure.
    """
    key = str(root.resolve())
    depth: dict[str, int] = _held.__dict__.setdefault("depth", {})
    if depth.get(key):
        depth[key] += 1
        try:
            yield
        finally:
            depth[key] -= 1
        return
    try:
        where = ensure(root)
        fd = _open_lock(where)
    except OSError:
        where = _fallback(root)
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = _open_lock(where)
    try:
        _acquire(fd, where / "write.lock")
        depth[key] = 1
        try:
            yield
        finally:
            depth.pop(key, None)
            _release(fd)
    finally:
        os.close(fd)


def _acquire(fd: int, path: Path) -> None:
    import fcntl  # POSIX only; `launch` refuses other platforms before any command runs

    from cxokr.errors import EnvironmentFailure

    try:
        wait = float(os.environ.get("CXOKR_LOCK_WAIT", LOCK_WAIT))
    except ValueError:
        wait = LOCK_WAIT
    deadline = time.monotonic() + wait
    pause = 0.01
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
                raise EnvironmentFailure(
                    f"another cxokr command (process {holder}) has been writing to this "
                    f"workspace for over {wait:g} s and still holds its lock ({path}); nothing "
                    "was written. Wait for it to finish and run the command again, or end "
                    "it if it hangs (the lock goes with it)"
                ) from None
            time.sleep(pause)
            pause = min(pause * 2, 0.2)
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)


def _release(fd: int) -> None:
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_UN)


def _open_lock(where: Path) -> int:
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    return os.open(where / "write.lock", flags, 0o600)
