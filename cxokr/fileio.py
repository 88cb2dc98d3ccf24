"""Safe writes: a whole new file atomically, or a single append of whole lines.

A crash or Ctrl-C at any point leaves either the old file or the new one,
never half of one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data`: temp file in the same folder, fsync, rename; keeps the mode."""
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


def append_lines(path: Path, text: str) -> None:
    """Append whole lines with one write; first end an unterminated last line.

    Call under `locked`: the check for a final newline and the append must
    not interleave with another writer's.
    """
    if not text.endswith("\n"):
        raise ValueError("append whole lines only")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o666)
    try:
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            text = "\n" + text
        data = text.encode("utf-8")
        written = os.write(fd, data)
        if written != len(data):  # a full disk: say so rather than leave half a line
            raise OSError(f"only {written} of {len(data)} bytes appended to {path}")
        os.fsync(fd)
    finally:
        os.close(fd)
