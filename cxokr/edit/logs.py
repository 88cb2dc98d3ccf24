"""Appending new entries to the two logs (check-ins and readings), all or nothing.

Each entry becomes the one line `yamlio.log_line` writes; `fileio.append` adds
the lines inside the workspace, within `MAX_LOG_BYTES`, never torn.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from cxokr import yamlio
from cxokr.edit import fileio


def append_entries(root: Path, entries: Iterable[tuple[str, dict[str, Any]]]) -> dict[Path, bytes]:
    """Append (log path relative to `root`, entry) pairs to their logs, all or nothing.

    Under the workspace lock, each log in the order it first appears gets its
    lines at once (see `fileio.append`: contained, within MAX_LOG_BYTES, never
    torn). Returns the bytes appended to each log, a line break first when its
    last line had none: exactly what a commit of these lines must add.
    """
    by_log: dict[str, list[dict[str, Any]]] = {}
    for rel, entry in entries:
        by_log.setdefault(rel, []).append(entry)
    texts = {
        root / rel: "".join(yamlio.log_line(item) for item in items).encode("utf-8")
        for rel, items in by_log.items()
    }
    return fileio.append(root, texts, yamlio.MAX_LOG_BYTES)
