"""Rich consoles set up once: colour rules, width and symbols that survive any terminal."""

from __future__ import annotations

import os
import sys
from typing import TextIO

from rich.console import Console


def console(stream: TextIO | None = None, *, stderr: bool = False) -> Console:
    """A console that honours NO_COLOR and FORCE_COLOR and never interprets markup in data."""
    out = stream if stream is not None else (sys.stderr if stderr else sys.stdout)
    no_color = bool(os.environ.get("NO_COLOR"))
    return Console(
        file=out,
        no_color=no_color,
        highlight=False,
        emoji=False,
        soft_wrap=False,
    )


def can_encode(text: str, stream: TextIO | None = None) -> bool:
    encoding = getattr(stream or sys.stdout, "encoding", None) or "ascii"
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def symbol(fancy: str, plain: str, stream: TextIO | None = None) -> str:
    """`fancy` where the stream can print it, else `plain` (an ASCII-only stdout cannot print ✓)."""
    return fancy if can_encode(fancy, stream) else plain
