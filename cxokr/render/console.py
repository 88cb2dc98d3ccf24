"""Rich consoles set up once: colour rules, width and symbols that survive any terminal."""

from __future__ import annotations

import os
import sys
from typing import TextIO

from rich.console import Console

from cxokr.render.encoding import can_encode, symbol

__all__ = ["can_encode", "console", "symbol"]


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
