"""Machine-written logs decoded and validated per log, not per entry, with msgspec.

Nearly every log line is one cxokr wrote: `- {json}` with known keys. For a
log made only of such lines, msgspec decodes the JSON straight into typed
entries and checks them against the same rules as the Pydantic models in
`model`, in C and for the whole log at once; what is left in Python works on
whole columns or on the log's bytes, never an entry at a time. The rules are
kept to what both readers agree on, and anything else (a YAML line, a
repeated key, a number too large, a field of the wrong type, a moment in a
form msgspec reads differently, an escape or character that text may not
hold) returns None, so the log goes the usual way, where Pydantic and the
YAML reader say what is wrong and where. Tests hold the two ways to the same
entries, lines and problems.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from functools import partial
from typing import Annotated, Any

import msgspec
from msgspec import UNSET, UnsetType
from msgspec.structs import astuple
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
_KR_RE = re.compile(CHECKIN_KR_PATTERN.removesuffix("$") + r"\Z")
_SLUG_RE = re.compile(SLUG_PATTERN.removesuffix("$") + r"\Z")
_SLUG = Annotated[str, msgspec.Meta(pattern=_SLUG_RE.pattern)]
_FRACTION = Annotated[float, msgspec.Meta(ge=0, le=1)]
# Integers are bounded where a log is read (yamlio.MAX_INT_DIGITS); larger values, and
# floats as large, are left to the usual way, which says so.
_LARGEST = 10.0**yamlio.MAX_INT_DIGITS
_NUMBER = Annotated[float, msgspec.Meta(gt=-_LARGEST, lt=_LARGEST)]
# Moments are read by the models' own rule (msgspec rounds a seventh decimal of a
# second where Pydantic cuts it), in one call for the whole log. msgspec's `date`
# already takes `YYYY-MM-DD` text alone, as the models do.
_MOMENTS: TypeAdapter[list[Moment | None]] = TypeAdapter(
    list[Moment | None], config=ConfigDict(defer_build=True)
)


# The fields in the order of the entry tuples'. A key left out is UNSET, a key written
# as null None: the keys each entry holds are counted to prove none is repeated.
class _Checkin(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    kr: str  # see _PATTERNS
    date: date
    value: _NUMBER | UnsetType | None = UNSET
    confidence: _FRACTION | UnsetType | None = UNSET
    note: str | UnsetType | None = UNSET
    by: str | UnsetType | None = UNSET
    at: str | UnsetType | None = UNSET
    score: _FRACTION | UnsetType | None = UNSET
    done: list[_SLUG] | UnsetType | None = UNSET
    undone: list[_SLUG] | UnsetType | None = UNSET


class _Reading(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    date: date
    value: _NUMBER
    segment: str | UnsetType | None = UNSET  # see _PATTERNS
    source: str | UnsetType | None = UNSET
    by: str | UnsetType | None = UNSET
    at: str | UnsetType | None = UNSET


# What each log's entries decode as, made once; the fields JSON writes as text (in quotes),
# and those that hold a list of texts.
_DECODERS: dict[type, msgspec.json.Decoder[Any]] = {
    CheckinEntry: msgspec.json.Decoder(list[_Checkin]),
    ReadingEntry: msgspec.json.Decoder(list[_Reading]),
}
_REQUIRED = {
    entry: frozenset(f.name for f in msgspec.structs.fields(shape) if f.required)
    for entry, shape in ((CheckinEntry, _Checkin), (ReadingEntry, _Reading))
}
_QUOTED = frozenset({"kr", "date", "note", "by", "at", "segment", "source"})
_LISTS = frozenset({"done", "undone"})
# Texts a pattern checks, once for each distinct value rather than once an entry as msgspec
# would: a log names few key results and segments, each many times.
_PATTERNS = {CheckinEntry: ("kr", _KR_RE), ReadingEntry: ("segment", _SLUG_RE)}
# Printable ASCII, tab, line feed and carriage return: a log of these bytes alone is text
# that `yamlio.decode` takes without a word.
_PLAIN = bytes([9, 10, 13, *range(32, 127)])

Entry = type[CheckinEntry] | type[ReadingEntry]


def read(raw: bytes, entry: Entry) -> tuple[list[Any], list[int]] | None:
    """The entries of a log made only of `- {json}` lines (comments and blanks aside), as
    `entry` tuples in file order with their line numbers; None for anything else, and for
    a log `yamlio.decode` has anything to say about."""
    if raw.translate(None, _PLAIN):
        text, problems = yamlio.decode(raw)
        if text is None or problems:
            return None
    found = yamlio.json_lines(raw)
    if found is not None:  # as cxokr writes a log
        first, count, body, joined = found
        numbers = list(range(first + 1, first + count + 1))
        return _entries(joined, numbers, entry, partial(bytes.split, body, b"\n"))
    lines = raw.decode("utf-8").split("\n")
    loose = yamlio.json_body(lines)  # comments or blanks between entries, CRLF, ...
    if loose is None:
        return None
    body_lines, text_joined = loose
    numbers = [i + 1 for i in body_lines]
    return _entries(text_joined, numbers, entry, lambda: [lines[i] for i in body_lines])


def _entries(
    joined: bytes | str, numbers: list[int], entry: Entry, written: Callable[[], list[Any]]
) -> tuple[list[Any], list[int]] | None:
    """The entries of `joined` (a JSON array, one object a line of `written`) as `entry`
    tuples with their line `numbers`, an exact copy of a line dropped; None when any is
    not as the models take it."""
    columns = _columns(joined, len(numbers), entry)
    if columns is None:
        return None
    at = entry._fields.index("at")
    keep = _first_copies(columns[at], written)
    try:
        columns[at] = _MOMENTS.validate_python(columns[at])
    except ValueError:
        return None
    rows = list(map(partial(tuple.__new__, entry), zip(*columns, strict=True)))
    if keep is not None:
        rows = [row for row, kept in zip(rows, keep, strict=True) if kept]
        numbers = [n for n, kept in zip(numbers, keep, strict=True) if kept]
    return rows, numbers


def _columns(joined: bytes | str, count: int, entry: Entry) -> list[Any] | None:
    """The `count` objects of `joined` as one column a field of `entry` (a key left out as
    None, `at` as text); None when msgspec refuses any, when a line held other than one
    object, a key repeats, or text may hold what no text may (CX117, said the usual way)."""
    try:
        shaped = _DECODERS[entry].decode(joined)
    except msgspec.DecodeError:  # a ValidationError too
        return None
    if len(shaped) != count or _may_hold_unsafe(joined):
        return None
    columns: list[Any] = list(zip(*map(astuple, shaped), strict=True))
    if not columns:
        return [[] for _ in entry._fields]
    keys = quotes = 0
    for index, name in enumerate(entry._fields):
        if name in _REQUIRED[entry]:  # never left out, never null
            keys += count
            quotes += count if name in _QUOTED else 0
            continue
        column = columns[index]
        unset = column.count(UNSET)
        keys += count - unset
        if name in _QUOTED:
            quotes += count - unset - (column.count(None) if unset < count else 0)
        elif name in _LISTS and unset < count:
            quotes += sum(len(v) for v in column if v is not UNSET and v is not None)
        if unset == count:
            columns[index] = [None] * count
        elif unset:
            columns[index] = [None if v is UNSET else v for v in column]
    if not _keys_distinct(joined, keys, quotes) or not _patterns_match(columns, entry):
        return None
    return columns


def _patterns_match(columns: list[Any], entry: Entry) -> bool:
    """Whether every text of the field `_PATTERNS` names for `entry` matches its pattern,
    as msgspec's `Meta(pattern=...)` has it (`search`)."""
    name, pattern = _PATTERNS[entry]
    texts = set(columns[entry._fields.index(name)])
    texts.discard(None)
    return all(map(pattern.search, texts))


def _may_hold_unsafe(joined: bytes | str) -> bool:
    """`yamlio.may_hold_unsafe` of JSON text or of its UTF-8 bytes."""
    if isinstance(joined, bytes):
        if b"\\" not in joined and joined.isascii():
            return False
        joined = joined.decode("utf-8")
    return yamlio.may_hold_unsafe(joined)


def _keys_distinct(joined: bytes | str, keys: int, texts: int) -> bool:
    """Whether no object of `joined` repeats a key, given how many distinct keys they hold
    and how many texts they keep. Without a backslash, every quote opens or closes a key or
    a text, so twice as many quotes as both proves it: a repeated key adds two quotes of
    its own. Otherwise `yamlio.keys_distinct` counts the `":` that end keys."""
    if isinstance(joined, bytes):
        if b"\\" not in joined:
            return joined.count(b'"') == 2 * (keys + texts)
        joined = joined.decode("utf-8")
    if "\\" not in joined:
        return joined.count('"') == 2 * (keys + texts)
    return yamlio.keys_distinct(joined, keys)


def _first_copies(
    moments: Sequence[str | None], written: Callable[[], list[Any]]
) -> list[bool] | None:
    """Which entries to keep when a line is an exact copy of an earlier one (as a union
    merge can leave): the first of each. None when no line repeats, nearly always proven
    without the lines: two lines that are copies hold the same `at`."""
    distinct = set(moments)
    if len(distinct) == len(moments) and None not in distinct:
        return None
    lines = written()
    if len(set(lines)) == len(lines):
        return None
    seen: set[Any] = set()
    keep = []
    for line in lines:
        keep.append(line not in seen)
        seen.add(line)
    return keep
