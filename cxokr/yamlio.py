"""The only place that parses or writes YAML.

Human-written files are read through PyYAML's C parser as a stream of events,
and the Python data is built here rather than by PyYAML's constructor, so that:

- every value keeps its position (`Marks`), for `path:line:col` messages;
- scalars follow one strict rule set: only `true`/`false` are booleans, no
  implicit timestamps (dates stay strings and the models parse them), no
  octal, sexagesimal or `yes`/`no` surprises;
- duplicate keys, anchors, aliases, explicit tags and deep nesting are found
  while the events stream in, before anything walks the data (an alias bomb
  is never expanded, a 100,000-level sequence is abandoned at level 65).

The two logs (check-ins and readings) take a fast path: one entry per line,
a YAML list item whose body is a JSON object, decoded with `json`. Any entry a
person wrote differently falls back to the strict YAML reader.
"""

from __future__ import annotations

import json
import math
import pickle
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

import yaml

MAX_DEPTH = 64
MAX_DOCUMENT_BYTES = 4 * 1024 * 1024
MAX_LOG_BYTES = 32 * 1024 * 1024
MAX_INT_DIGITS = 18

Path = tuple[str | int, ...]

_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_LEADING_ZERO_INT = re.compile(r"[-+]?0[0-9_]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_SPECIAL_FLOAT = {".inf": math.inf, "+.inf": math.inf, "-.inf": -math.inf, ".nan": math.nan}
_YAML11_NUMBER = re.compile(
    r"[-+]?(0b[01_]+|0x[0-9a-fA-F_]+|0o[0-7_]+|[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?)"
)
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
# Every number form, plain or ambiguous, starts with one of these.
_NUMBER_START = frozenset("+-.0123456789")
# C0 and C1 controls (NEL included: YAML 1.1 counts it as a line break) and U+FFFE/U+FFFF,
# which the YAML reader refuses without a line number.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_UNSAFE_IN_LOG = re.compile(r"[\x7f-\x9f\u2028\u2029\ufffe\uffff]")
_TAB_INDENT = re.compile(r"[ ]*\t")
_STR_TAG = "tag:yaml.org,2002:str"


@dataclass(frozen=True)
class Issue:
    """A reading problem, before it is tied to a file path: code, 1-based position, text."""

    code: str
    line: int
    col: int
    message: str


class Marks:
    """Positions of the values of one document, keyed by their path in the data.

    Pickled as one opaque block and unpacked on first use: the parse cache of a
    large organization holds hundreds of thousands of positions, and only the
    commands that report a problem in a document ask for any.
    """

    __slots__ = ("_packed", "_positions")

    def __init__(self, positions: dict[Path, tuple[int, int]] | None = None) -> None:
        self._positions: dict[Path, tuple[int, int]] | None = positions or {}
        self._packed = b""

    @property
    def positions(self) -> dict[Path, tuple[int, int]]:
        if self._positions is None:
            self._positions = pickle.loads(self._packed)
            self._packed = b""
        return self._positions

    def find(self, path: Path) -> tuple[int, int]:
        """The position of `path`, or of its nearest ancestor that exists."""
        positions = self.positions
        for end in range(len(path), -1, -1):
            pos = positions.get(tuple(path[:end]))
            if pos is not None:
                return pos
        return (1, 1)

    def __getstate__(self) -> bytes:
        if self._positions is None:
            return self._packed
        return pickle.dumps(self._positions, protocol=pickle.HIGHEST_PROTOCOL)

    def __setstate__(self, state: bytes) -> None:
        self._packed = state
        self._positions = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Marks) and self.positions == other.positions

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Marks({self.positions!r})"


@dataclass
class Document:
    """A parsed file: its data (None if unreadable), positions and reading problems."""

    data: Any
    marks: Marks
    issues: list[Issue]


class _Stop(Exception):
    """Abandons the event stream after a problem that makes the rest untrustworthy."""


def decode(raw: bytes) -> tuple[str | None, list[Issue]]:
    """Bytes to text, reporting a BOM, bad UTF-8 and control characters by position."""
    issues: list[Issue] = []
    if raw.startswith(b"\xef\xbb\xbf"):
        issues.append(Issue("CX109", 1, 1, "byte order mark at the start of the file; remove it"))
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        issues.append(
            Issue(
                "CX101", line, col, f"byte 0x{raw[exc.start]:02x} is not valid UTF-8; save as UTF-8"
            )
        )
        return None, issues
    bad = _CONTROL.search(text)
    if bad:
        line, col = _line_col(text, bad.start())
        issues.append(
            Issue("CX108", line, col, f"control character U+{ord(bad.group()):04X} is not allowed")
        )
        return None, issues
    return text, issues


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _syntax_issue(text: str, exc: yaml.MarkedYAMLError, line_offset: int) -> Issue:
    """CX107 when the parser stopped at a tab in the indentation, else CX102.

    Tabs are only reported where they break the parse: a tab inside a block
    scalar or a flow collection is valid YAML. An error at the end of the
    stream points just past the last character, not at a line that is not there.
    """
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    body = text.rstrip()
    if line > body.count("\n") + 1:
        line, col = _line_col(body, len(body))
    rows = text.split("\n", line)
    tab = _TAB_INDENT.match(rows[line - 1]) if line <= len(rows) else None
    if tab:
        return Issue(
            "CX107", line + line_offset, tab.end(), "tab used for indentation; YAML needs spaces"
        )
    detail = exc.problem or exc.context or "cannot be parsed"
    return Issue("CX102", line + line_offset, col, f"YAML syntax error: {detail}")


def resolve_scalar(value: str, plain: bool) -> Any:
    """The strict scalar rules. Raises ValueError with a message for an ambiguous form."""
    if not plain:
        return value
    if value in _NULLS:
        return None
    if value == "true":
        return True
    if value == "false":
        return False
    if value[0] not in _NUMBER_START:  # text, as most plain scalars are: no number form fits
        return value
    if _LEADING_ZERO_INT.fullmatch(value) or _YAML11_NUMBER.fullmatch(value):
        raise _NumberError(
            "CX110",
            f"{value!r} is ambiguous (YAML 1.1 reads it as a different number); "
            "quote it for text or write a plain decimal",
        )
    if _INT.fullmatch(value):
        if len(value.lstrip("+-")) > MAX_INT_DIGITS:
            raise _NumberError("CX111", f"number {value[:20]}… is too large")
        return int(value)
    if _FLOAT.fullmatch(value) and any(ch.isdigit() for ch in value):
        number = float(value)
        if math.isinf(number):
            raise _NumberError("CX111", f"number {value[:20]} is too large")
        return number
    special = _SPECIAL_FLOAT.get(value.lower())
    if special is not None:
        return special
    return value


class _NumberError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def load_document(raw: bytes, line_offset: int = 0) -> Document:
    """Parse one YAML document strictly. Never raises for bad input."""
    marks = Marks()
    text, issues = decode(raw)
    if text is None:
        return Document(None, marks, issues)
    builder = _Builder(marks, issues, line_offset)
    try:
        data = builder.build(yaml.parse(text, Loader=yaml.CSafeLoader))
    except _Stop:
        return Document(None, marks, issues)
    except yaml.MarkedYAMLError as exc:
        issues.append(_syntax_issue(text, exc, line_offset))
        return Document(None, marks, issues)
    except yaml.YAMLError as exc:  # errors without a mark, e.g. from the reader
        issues.append(Issue("CX102", 1 + line_offset, 1, f"YAML syntax error: {exc}"))
        return Document(None, marks, issues)
    return Document(data, marks, issues)


class _Builder:
    """Turns parser events into plain data with marks, enforcing the strict rules."""

    def __init__(self, marks: Marks, issues: list[Issue], line_offset: int) -> None:
        self.positions = marks.positions
        self.issues = issues
        self.offset = line_offset

    def _pos(self, event: Any) -> tuple[int, int]:
        mark = event.start_mark
        return mark.line + 1 + self.offset, mark.column + 1

    def _fail(self, code: str, event: Any, message: str) -> _Stop:
        line, col = self._pos(event)
        self.issues.append(Issue(code, line, col, message))
        return _Stop()

    def build(self, events: Iterator[Any]) -> Any:
        documents = 0
        result: Any = None
        # Each frame: [container, path, pending_key, seen_keys]
        stack: list[list[Any]] = []
        for event in events:
            kind = type(event)
            if kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise self._fail("CX112", event, "a second YAML document; keep one per file")
                continue
            if kind in (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent):
                continue
            if kind is yaml.AliasEvent:
                raise self._fail("CX104", event, f"alias *{event.anchor} is not allowed")
            if kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                done = stack.pop()
                value = done[0]
                if not stack:
                    result = value
                continue
            anchor = getattr(event, "anchor", None)
            if anchor is not None:
                raise self._fail("CX104", event, f"anchor &{anchor} is not allowed")
            tag = getattr(event, "tag", None)
            if tag not in (None, "!", _STR_TAG):
                raise self._fail("CX113", event, f"tag {tag} is not allowed")
            if kind is yaml.ScalarEvent:
                plain = event.style in (None, "") and tag is None
                try:
                    value = resolve_scalar(event.value, plain)
                except _NumberError as exc:
                    raise self._fail(exc.code, event, str(exc)) from None
                if stack and self._place_key(stack[-1], value, event):
                    continue
                self._attach(stack, value, event)
                if not stack:
                    result = value
                continue
            if kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                if len(stack) >= MAX_DEPTH:
                    raise self._fail("CX105", event, f"nesting deeper than {MAX_DEPTH} levels")
                if stack and stack[-1][2] is _KEY_EXPECTED and isinstance(stack[-1][0], dict):
                    raise self._fail("CX102", event, "a mapping key must be a plain value")
                container: Any = {} if kind is yaml.MappingStartEvent else []
                path = self._attach(stack, container, event)
                stack.append([container, path, _KEY_EXPECTED, {}])
        return result

    def _place_key(self, frame: list[Any], value: Any, event: Any) -> bool:
        """If the frame is a mapping waiting for a key, take `value` as that key."""
        container, path, pending, seen = frame
        if not isinstance(container, dict) or pending is not _KEY_EXPECTED:
            return False
        if isinstance(value, float) or value is None or isinstance(value, bool):
            value = event.value
        if value in seen:
            line, _ = seen[value]
            raise self._fail("CX103", event, f"key {value!r} appears twice (first at line {line})")
        if value == "<<" and event.style in (None, ""):
            raise self._fail("CX104", event, "merge key << is not allowed")
        seen[value] = self._pos(event)
        self.positions[(*path, value)] = self._pos(event)
        frame[2] = value
        return True

    def _attach(self, stack: list[list[Any]], value: Any, event: Any) -> Path:
        if not stack:
            path: Path = ()
            self.positions[path] = self._pos(event)
            return path
        frame = stack[-1]
        container, parent = frame[0], frame[1]
        if isinstance(container, list):
            path = (*parent, len(container))
            container.append(value)
            self.positions[path] = self._pos(event)
            return path
        key = frame[2]
        container[key] = value
        frame[2] = _KEY_EXPECTED
        return (*parent, key)


_KEY_EXPECTED = object()


def compose(text: str) -> yaml.Node | None:
    """The node tree of text the strict reader has already accepted, for located edits."""
    return yaml.compose(text, Loader=yaml.CSafeLoader)


# --- The logs: one JSON object per line ------------------------------------


class LogItem(NamedTuple):
    """One entry of a log: its first line, its data (a dict, or None if unreadable) and
    its text as written, to spot exact duplicates."""

    line: int
    data: Any
    text: str = ""


def load_log(raw: bytes) -> tuple[list[LogItem], list[Issue]]:
    """Split a log into entries, decoding `- {json}` lines fast and anything else as YAML."""
    text, issues = decode(raw)
    if text is None:
        return [], issues
    lines = text.split("\n")
    fast = _whole_log(lines)
    if fast is not None:
        return fast, issues
    items: list[LogItem] = []
    loads = json.loads
    index, count = 0, len(lines)
    while index < count:
        line = lines[index]
        if line.startswith("- {") and line.rstrip().endswith("}"):
            try:
                data = loads(line[2:], parse_constant=_reject_constant)
                if isinstance(data, dict) and not _distinct_keys(line, data):
                    data = None  # the YAML reader reports the repeated key
            except (ValueError, RecursionError):
                data = None
            if isinstance(data, dict) and _json_numbers_ok(data):
                items.append(LogItem(index + 1, data, line))
                index += 1
                continue
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or stripped in ("---", "..."):
            index += 1
            continue
        if not line.startswith("-"):
            if stripped != "[]":  # an empty log written as a YAML empty list
                issues.append(
                    Issue("CX116", index + 1, 1, "expected a log entry starting with '- '")
                )
            index += 1
            continue
        end = index + 1
        while end < count and (lines[end][:1] in (" ", "#") or not lines[end].strip()):
            end += 1
        items.append(_yaml_item(lines, index, end, issues))
        index = end
    return items, issues


def _whole_log(lines: list[str]) -> list[LogItem] | None:
    """Every entry at once, when every line is `- {json}`, a comment or blank; else None.

    One `json.loads` over the whole log costs a fraction of one call per line.
    Anything unusual sends the log down the line-by-line path, which locates it.
    """
    body: list[int] = []
    for index, line in enumerate(lines):
        end = line.rstrip()
        if end.startswith("- {") and end.endswith("}"):
            body.append(index)
        elif end and not end.lstrip().startswith("#"):
            return None
    text = "[" + ",".join(lines[i][2:] for i in body) + "]"
    try:  # the number hooks refuse what `_json_numbers_ok` refuses, for the whole log at once
        datas = json.loads(
            text,
            parse_constant=_reject_constant,
            parse_float=_finite_float,
            parse_int=_bounded_int,
        )
    except (ValueError, RecursionError):
        return None
    if len(datas) != len(body) or not all(type(data) is dict for data in datas):
        return None  # a line held more than one object, or something else
    if not keys_distinct(text, datas) and not all(
        _distinct_keys(lines[i], data) for i, data in zip(body, datas, strict=True)
    ):
        return None
    return [LogItem(i + 1, data, lines[i]) for i, data in zip(body, datas, strict=True)]


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"{text} is too large")
    return value


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise ValueError(f"{text} is too large")
    return int(text)


def keys_distinct(text: str, datas: list[dict[str, Any]]) -> bool:
    """`_distinct_keys` for every line of a JSON array of a log's objects at once: with no quote followed by whitespace
    anywhere, each key ends in `":`, so as many `":` as keys in all proves each line's."""
    if '" ' in text or '"\t' in text or '"\r' in text:
        return False
    return text.count('":') == sum(map(len, datas))


def _yaml_item(lines: list[str], start: int, end: int, issues: list[Issue]) -> LogItem:
    chunk = "\n".join(lines[start:end]).encode("utf-8")
    doc = load_document(chunk, line_offset=start)
    issues.extend(doc.issues)
    data = doc.data
    if isinstance(data, list) and len(data) == 1 and data[0] is not None:
        return LogItem(start + 1, data[0], "\n".join(lines[start:end]).rstrip())
    if data is not None or not doc.issues:
        issues.append(Issue("CX116", start + 1, 1, "a log entry must be one list item"))
    return LogItem(start + 1, None)


def _distinct_keys(line: str, data: dict[str, Any]) -> bool:
    """False if a key repeats, which `json` silently resolves to the last value.

    In a line where no quote is followed by whitespace, every key ends in `":`, so
    exactly `len(data)` of those proves the keys distinct without a Python hook per
    object; any other line is decoded again with one.
    """
    spaced = '" ' in line or '"\t' in line or '"\r' in line
    if line.count('":') == len(data) and not spaced:
        return True
    try:
        json.loads(line[2:], object_pairs_hook=_unique_keys)
    except ValueError:
        return False
    return True


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data = dict(pairs)
    if len(data) != len(pairs):
        raise ValueError("repeated key")
    return data


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _json_numbers_ok(data: dict[str, Any]) -> bool:
    """JSON allows integers of any size; a bound keeps `int` conversion and floats sane."""
    for value in data.values():
        if (
            isinstance(value, int)
            and not isinstance(value, bool)
            and abs(value) >= 10**MAX_INT_DIGITS
        ):
            return False
        if isinstance(value, float) and math.isinf(value):
            return False
    return True


# --- Writing -----------------------------------------------------------------


def stamp(moment: datetime | None = None) -> str:
    """The `at` of a new log entry: UTC to the second, as `2026-11-20T09:14:03Z`."""
    moment = moment or datetime.now(UTC)
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def log_line(entry: dict[str, Any]) -> str:
    """The canonical one-line form of a log entry."""
    text = json.dumps(entry, ensure_ascii=False, separators=(", ", ": "))
    # `json` leaves DEL, C1 controls and U+FFFE/U+FFFF raw, which `decode` refuses, and
    # U+2028/U+2029, which YAML counts as line breaks; escape them (only strings hold them).
    return "- " + _UNSAFE_IN_LOG.sub(_json_escape, text) + "\n"


def _json_escape(found: re.Match[str]) -> str:
    return f"\\u{ord(found.group()):04x}"
