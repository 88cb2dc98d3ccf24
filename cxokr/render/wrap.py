"""Lines broken between words, never inside one, for the terminal views.

A `Piece` is what must stay on one line: a word of a title, or a whole figure
such as `64.1 → 66 USD` or `breached 3 days, last 2026-11-20`, so a number is
never parted from its unit. `fill` lays pieces out on lines of a width; the
renderers turn its lines into Rich `Text` (`text`) or plain strings (`changes`).
Nothing here writes an unusual character (no non-breaking space): what stays
together is said by the pieces, so JSON and CSV never see a trace of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rich.cells import cell_len

from cxokr.compute.progress import Status

# A word that is a number (`380`, `2.5`, `-1,200`, `+4`, `$60`): a word after it, its unit
# or what it counts, stays on its line (`380 s`, `3 days`, `+4 pts`).
_NUMBER = re.compile(r"[-+±$€£]?[0-9](?:[0-9.,]*[0-9])?")
# An arrow stays between its two sides (`64.1 → 66 USD`).
_ARROWS = ("→", "->")
# A status is one phrase: `on track`, never `on` at the end of a line and `track` below.
_STATUSES = tuple(status.value for status in Status if " " in status.value)
_JOINED = "\x00"  # never in a text that reaches here: control characters are escaped

# Below this many columns for a hanging indent, continuation lines start at the left.
MIN_HANG_ROOM = 20


@dataclass(frozen=True)
class Piece:
    """Text kept on one line, its style, and what separates it from the piece before it
    on the same line (dropped where it starts a line)."""

    text: str
    style: str = ""
    gap: str = " "


def words(text: str, style: str = "", gap: str = " ") -> list[Piece]:
    """Each word of `text` as a piece, the first separated by `gap`, the rest by a space."""
    return [Piece(word, style, gap if i == 0 else " ") for i, word in enumerate(text.split())]


def phrases(text: str, style: str = "", gap: str = " ") -> list[Piece]:
    """`words`, with each number joined to the word after it when that starts with a letter
    (`_NUMBER`: its unit), an arrow to the words on both sides and a status's words to each
    other."""
    for status in _STATUSES:
        text = text.replace(status, status.replace(" ", _JOINED))
    pieces: list[Piece] = []
    after_number = after_arrow = False
    for word in (w.replace(_JOINED, " ") for w in text.split()):
        unit = after_number and word[:1].isalpha()
        joined = bool(pieces) and (word in _ARROWS or after_arrow or unit)
        if joined:
            last = pieces[-1]
            pieces[-1] = Piece(f"{last.text} {word}", style, last.gap)
        else:
            pieces.append(Piece(word, style, gap if not pieces else " "))
        after_number = _NUMBER.fullmatch(word) is not None and not unit
        after_arrow = word in _ARROWS
    return pieces


def fields(line: str, width: int) -> list[str]:
    """A line of columns two spaces apart on lines of `width`: broken between its columns,
    and inside one only between phrases (`phrases`); continuation lines indented two more
    than the line."""
    indent = len(line) - len(line.lstrip(" "))
    pieces = [
        piece
        for n, column in enumerate(line.strip().split("  "))
        for piece in phrases(column.strip(), gap="  " if n else "")
        if column.strip()
    ]
    return [" " * indent + shown for shown in plain(pieces, width - indent, 2)]


def fill(pieces: list[Piece], width: int, hang: int = 0) -> list[list[Piece]]:
    """The pieces on lines no wider than `width` cells, continuation lines indented by
    `hang` (less when that leaves under `MIN_HANG_ROOM` columns); a piece wider than a
    line has one to itself."""
    hang = hang_for(width, hang)
    lines: list[list[Piece]] = [[]]
    used = 0
    for piece in pieces:
        size = cell_len(piece.text)
        if lines[-1] and used + cell_len(piece.gap) + size > width:
            lines.append([])
            used = hang
        used += size + (cell_len(piece.gap) if lines[-1] else 0)
        lines[-1].append(piece)
    return lines


def hang_for(width: int, hang: int) -> int:
    """The indent `fill` gives continuation lines: `hang`, or less on a narrow line."""
    return hang if width - hang >= MIN_HANG_ROOM else min(hang, max(0, width - MIN_HANG_ROOM))


def plain(pieces: list[Piece], width: int, hang: int = 0) -> list[str]:
    """The pieces as lines of plain text (`fill`)."""
    lines = fill(pieces, width, hang)
    pad = " " * hang_for(width, hang)
    return [
        (pad if n else "") + "".join((p.gap if i else "") + p.text for i, p in enumerate(line))
        for n, line in enumerate(lines)
    ]
