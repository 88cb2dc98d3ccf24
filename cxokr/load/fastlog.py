"""Machine-written logs decoded and validated in one pass, with msgspec.

Nearly every log line is one cxokr wrote: `- {json}` with known keys. For a
log made only of such lines, msgspec decodes the JSON and checks it against
the same rules as the Pydantic models in `model`, in C and about five times
faster (a first run on 400,000 entries spent more time validating them than
parsing them). The rules are kept to what both readers agree on, and anything
else (a YAML line, a repeated key, a number too large, a field of the wrong
type, a moment in a form msgspec reads differently, an escape or character
that text may not hold) returns None, so the log goes the usual way, where
Pydantic and the YAML reader say what is wrong and where. A property
test holds the two ways to the same entries.
"""

from __future__ import annotations

import operator
from datetime import date
from functools import partial
from typing import Annotated, Any

import msgspec
from pydantic import ConfigDict, TypeAdapter

from cxokr import yamlio
from cxokr.model import (
    CHECKIN_KR_PATTERN,
    SLUG_PATTERN,
    CheckinEntry,
    ReadingEntry,
)
from cxokr.model_fields import Moment

# `$` in Python's re also matches before a final newline; Pydantic's does not.
_KR = Annotated[str, msgspec.Meta(pattern=CHECKIN_KR_PATTERN.removesuffix("$") + r"\Z")]
_SLUG = Annotated[str, msgspec.Meta(pattern=SLUG_PATTERN.removesuffix("$") + r"\Z")]
_FRACTION = Annotated[float, msgspec.Meta(ge=0, le=1)]
# Integers are bounded where a log is read (yamlio.MAX_INT_DIGITS); larger values are
# left to the usual way, which says so.
_LARGEST = 10.0**yamlio.MAX_INT_DIGITS
# Moments are read by the models' own rule (msgspec rounds a seventh decimal of a
# second where Pydantic cuts it), in one call for the whole log. msgspec's `date`
# already takes `YYYY-MM-DD` text alone, as the models do.
_MOMENTS: TypeAdapter[list[Moment | None]] = TypeAdapter(
    list[Moment | None], config=ConfigDict(defer_build=True)
)


class _Checkin(msgspec.Struct, forbid_unknown_fields=True):
    kr: _KR
    date: date
    value: float | None = None
    confidence: _FRACTION | None = None
    note: str | None = None
    by: str | None = None
    at: str | None = None
    score: _FRACTION | None = None
    done: list[_SLUG] | None = None
    undone: list[_SLUG] | None = None


class _Reading(msgspec.Struct, forbid_unknown_fields=True):
    date: date
    value: float
    segment: _SLUG | None = None
    source: str | None = None
    by: str | None = None
    at: str | None = None


# What each log's entries decode as: a list of the shape, made once.
_SHAPES: dict[type, Any] = {CheckinEntry: list[_Checkin], ReadingEntry: list[_Reading]}


def read(
    text: str, entry: type[CheckinEntry] | type[ReadingEntry]
) -> tuple[list[Any], list[int]] | None:
    """The entries of a log made only of `- {json}` lines (comments and blanks aside), as
    `entry` tuples in file order with their line numbers; None for anything else."""
    lines = text.split("\n")
    found = yamlio.json_body(lines)
    if found is None:
        return None
    body, joined = found
    try:
        datas = msgspec.json.decode(joined)
    except (msgspec.DecodeError, RecursionError):
        return None
    if len(datas) != len(body) or not all(type(d) is dict for d in datas):
        return None
    if yamlio.may_hold_unsafe(joined):  # the usual way says which line and key (CX117)
        return None
    if not yamlio.keys_distinct(joined, datas):
        return None
    try:
        shaped = msgspec.convert(datas, _SHAPES[entry])
    except msgspec.ValidationError:
        return None
    values = [v for v in map(operator.attrgetter("value"), shaped) if v is not None]
    if values and max(map(abs, values)) >= _LARGEST:
        return None
    columns = [list(map(operator.attrgetter(name), shaped)) for name in entry._fields]
    at = entry._fields.index("at")
    try:
        columns[at] = _MOMENTS.validate_python(columns[at])
    except ValueError:
        return None
    rows = list(map(partial(tuple.__new__, entry), zip(*columns, strict=True)))
    numbers = [i + 1 for i in body]
    written = [lines[i] for i in body]
    if len(set(written)) != len(written):  # exact copies, as a union merge can leave
        seen: set[str] = set()
        keep = []
        for line in written:
            keep.append(line not in seen)
            seen.add(line)
        rows = [row for row, kept in zip(rows, keep, strict=True) if kept]
        numbers = [n for n, kept in zip(numbers, keep, strict=True) if kept]
    return rows, numbers
