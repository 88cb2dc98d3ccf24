"""Which symbols the output stream can print, without loading Rich to find out."""

from __future__ import annotations

import sys
from typing import TextIO


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
