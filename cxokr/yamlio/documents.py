"""Strict reading of human-written YAML documents, with positions.

Files are read through PyYAML's C parser as a stream of events, and the
Python data is built here rather than by PyYAML's constructor, so that:

- every value keeps its position (`Marks`), for `path:line:col` messages;
- scalars follow one strict rule set: only `true`/`false` are booleans, no
  implicit timestamps (dates stay strings and the models parse them), no
  octal, sexagesimal or `yes`/`no` surprises;
- duplicate keys, anchors, aliases, explicit tags and deep nesting are found
  while the events stream in, before anything walks the data (an alias bomb
  is never expanded, a 100,000-level sequence is abandoned at level 65, or
  earlier in the text where libyaml's own limit stops it: CX105 either way).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cxokr.yamlio.hints import quote_hint, refused_hint
from cxokr.yamlio.marks import Marks, Path
from cxokr.yamlio.unsafe import MAY_BE_UNSAFE, unsafe_in_text

if TYPE_CHECKING:
    import yaml


MAX_DEPTH = 64
MAX_DOCUMENT_BYTES = 4 * 1024 * 1024
MAX_LOG_BYTES = 32 * 1024 * 1024
MAX_INT_DIGITS = 18

_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_LEADING_ZERO_INT = re.compile(r"[-+]?0[0-9_]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_SPECIAL_FLOAT = {".inf": math.inf, "+.inf": math.inf, "-.inf": -math.inf, ".nan": math.nan}
_YAML11_NUMBER = re.compile(
    r"[-+]?(0b[01_]+|0x[0-9a-fA-F_]+|0o[0-7_]+|[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?)"
)
# A decimal no ambiguous form matches, of at most MAX_INT_DIGITS digits before any point.
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]{0,17})(?:\.[0-9]{1,15})?")
# The plain words that are not text, and what they are.
PLAIN_WORDS: dict[str, bool | None] = {
    **dict.fromkeys(("", "~", "null", "Null", "NULL")),
    "true": True,
    "false": False,
}
# Every number form, plain or ambiguous, starts with one of these.
NUMBER_START = frozenset("+-.0123456789")
# C0 and C1 controls (NEL included: YAML 1.1 counts it as a line break) and U+FFFE/U+FFFF,
# which the YAML reader refuses without a line number.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_TAB_INDENT = re.compile(r"[ ]*\t")
_STR_TAG = "tag:yaml.org,2002:str"


@dataclass(frozen=True)
class Issue:
    """A reading problem, before it is tied to a file path: code, 1-based position, text."""

    code: str
    line: int
    col: int
    message: str


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
    hint = quote_hint(rows[line - 1], col, detail) if line <= len(rows) else None
    detail += f"; {hint}" if hint else ""
    return Issue("CX102", line + line_offset, col, f"YAML syntax error: {detail}")


def _depth_issue(exc: yaml.MarkedYAMLError, line_offset: int) -> Issue | None:
    """CX105 when libyaml itself gave up on the nesting, else None.

    libyaml 0.2.6 (bundled with PyYAML 6.0.4) stops at 1000 levels in its
    scanner, which reads ahead of the events, so its error can come before the
    64th level reaches `_Builder`; older releases have no limit of their own.
    """
    if "maximum nesting depth" not in (exc.problem or ""):
        return None
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return Issue("CX105", line + line_offset, col, f"nesting deeper than {MAX_DEPTH} levels")


def resolve_scalar(value: str, plain: bool) -> Any:
    """The strict scalar rules. Raises ValueError with a message for an ambiguous form."""
    if not plain:
        return value
    if value in PLAIN_WORDS:
        return PLAIN_WORDS[value]
    if value[0] not in NUMBER_START:  # text, as most plain scalars are: no number form fits
        return value
    if _DECIMAL.fullmatch(value):  # the usual number, too short to be too large
        return float(value) if "." in value else int(value)
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


def load_document(raw: bytes, line_offset: int = 0, *, fast: bool = True) -> Document:
    """Parse one YAML document strictly. Never raises for bad input.

    A file of the common block YAML (`fastblock`) is read line by line, as the parser's
    events would read it; any other, and every file with a problem, through the events.
    `fast=False` reads through the events only: what the line reader is tested against.
    """
    from cxokr.yamlio.fastblock import read_block  # it reads with this module's scalar rules

    marks = Marks()
    text, issues = decode(raw)
    if text is None:
        return Document(None, marks, issues)
    screen = MAY_BE_UNSAFE.search(text) is not None
    block = read_block(text, line_offset) if fast and not screen else None
    if block is not None:
        return Document(block[0], Marks(block[1]), issues)
    import yaml  # here, not at import: a run served by the cache parses no YAML

    builder = _Builder(marks, issues, line_offset, screen)
    try:
        data = builder.build(yaml.parse(text, Loader=yaml.CSafeLoader))
        if builder.unsafe:  # each was reported where it stands; the text is not kept
            return Document(None, marks, issues)
    except _Stop:
        _hint_refused(text, issues, line_offset)
        return Document(None, marks, issues)
    except yaml.MarkedYAMLError as exc:
        issues.append(_depth_issue(exc, line_offset) or _syntax_issue(text, exc, line_offset))
        return Document(None, marks, issues)
    except yaml.YAMLError as exc:  # errors without a mark, e.g. from the reader
        issues.append(Issue("CX102", 1 + line_offset, 1, f"YAML syntax error: {exc}"))
        return Document(None, marks, issues)
    return Document(data, marks, issues)


def _hint_refused(text: str, issues: list[Issue], line_offset: int) -> None:
    """Adds how to write it as text to an alias, anchor or tag the builder refused."""
    last = issues[-1]
    if last.code not in ("CX104", "CX113"):
        return
    row = last.line - line_offset
    rows = text.split("\n", row)  # YAML breaks lines at \r too: then the line is unknown
    hint = refused_hint(rows[row - 1], last.col) if row <= len(rows) else None
    if hint:
        issues[-1] = Issue(last.code, last.line, last.col, f"{last.message}; {hint}")


class _Builder:
    """Turns parser events into plain data with marks, enforcing the strict rules.

    Each event goes to one step: a scalar, the start of a mapping or sequence,
    its end, or a marker (stream, document, alias). `stack` holds the open
    containers, each as [container, path, pending_key, seen_keys].
    """

    def __init__(self, marks: Marks, issues: list[Issue], line_offset: int, screen: bool) -> None:
        self.positions = marks.positions
        self.issues = issues
        self.offset = line_offset
        self.screen = screen  # whether any text may hold what CX117 refuses
        self.unsafe = False
        self.stack: list[list[Any]] = []
        self.result: Any = None
        self.documents = 0

    def _pos(self, event: Any) -> tuple[int, int]:
        mark = event.start_mark
        return mark.line + 1 + self.offset, mark.column + 1

    def _fail(self, code: str, event: Any, message: str) -> _Stop:
        line, col = self._pos(event)
        self.issues.append(Issue(code, line, col, message))
        return _Stop()

    def build(self, events: Iterator[Any]) -> Any:
        """The data of the one document in `events`; `_Stop` once a problem is reported."""
        import yaml

        # Scalars first: most events are scalars.
        scalar, mapping = yaml.ScalarEvent, yaml.MappingStartEvent
        sequence, ends = yaml.SequenceStartEvent, (yaml.MappingEndEvent, yaml.SequenceEndEvent)
        stack = self.stack
        for event in events:
            kind = type(event)
            if kind is scalar:
                self._scalar(event)
            elif kind is mapping or kind is sequence:
                self._start(event, {} if kind is mapping else [])
            elif kind in ends:
                value = stack.pop()[0]
                if not stack:
                    self.result = value
            else:
                self._marker(event)
        return self.result

    def _marker(self, event: Any) -> None:
        """A stream, document or alias event: only one document, and no alias."""
        import yaml

        kind = type(event)
        if kind is yaml.DocumentStartEvent:
            self.documents += 1
            if self.documents > 1:
                raise self._fail("CX112", event, "a second YAML document; keep one per file")
        elif kind is yaml.AliasEvent:
            raise self._fail("CX104", event, f"alias *{event.anchor} is not allowed")

    def _checked_tag(self, event: Any) -> str | None:
        """The tag of a node (None, `!` or the str tag); no anchor, no other tag."""
        anchor = event.anchor
        if anchor is not None:
            raise self._fail("CX104", event, f"anchor &{anchor} is not allowed")
        tag: str | None = event.tag
        if tag not in (None, "!", _STR_TAG):
            raise self._fail("CX113", event, f"tag {tag} is not allowed")
        return tag

    def _scalar(self, event: Any) -> None:
        """A scalar by the strict rules: a mapping's key, or a value placed in its container."""
        tag = self._checked_tag(event)
        plain = event.style in (None, "") and tag is None
        try:
            value = resolve_scalar(event.value, plain)
        except _NumberError as exc:
            raise self._fail(exc.code, event, str(exc)) from None
        if self.screen and type(value) is str:
            self._screen(value, event)
        stack = self.stack
        if stack and self._place_key(stack[-1], value, event):
            return
        self._attach(stack, value, event)
        if not stack:
            self.result = value

    def _start(self, event: Any, container: dict[Any, Any] | list[Any]) -> None:
        """A new mapping or sequence, placed in its parent and opened on the stack."""
        self._checked_tag(event)
        stack = self.stack
        if len(stack) >= MAX_DEPTH:
            raise self._fail("CX105", event, f"nesting deeper than {MAX_DEPTH} levels")
        if stack and stack[-1][2] is _KEY_EXPECTED and isinstance(stack[-1][0], dict):
            raise self._fail("CX102", event, "a mapping key must be a plain value")
        path = self._attach(stack, container, event)
        stack.append([container, path, _KEY_EXPECTED, {}])

    def _screen(self, value: str, event: Any) -> None:
        why = unsafe_in_text(value)
        if why is not None:
            self.issues.append(Issue("CX117", *self._pos(event), why))
            self.unsafe = True

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


# --- Writing scalars -------------------------------------------------------------


def scalar(value: str | float | bool) -> str:
    """A YAML scalar that the strict reader reads back as `value` (JSON quoting when needed).

    Plain only where it is plain in any context, a flow mapping `{...}` included.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        if float(value).is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(float(value))
    if _is_plain(value):
        return value
    quoted = json.dumps(value, ensure_ascii=False)
    # Characters `json` leaves raw but the YAML reader refuses or reads as a line break.
    return re.sub(r"[\x7f-\x9f\u2028\u2029\ufffe\uffff]", lambda m: f"\\u{ord(m[0]):04x}", quoted)


def idscalar(period_id: str) -> str:
    """A period ID as the existing entries write it: `2027` plain (IDs read numbers as text)."""
    if period_id.isdigit() and period_id[0] != "0" and len(period_id) <= MAX_INT_DIGITS:
        return period_id
    return scalar(period_id)


_PLAIN = re.compile(r"[\w(/][\w ().;/@+%'&!?$*=~<>:#-]*(?<! )")


def _is_plain(text: str) -> bool:
    if not _PLAIN.fullmatch(text) or ": " in text or " #" in text or text.endswith(":"):
        return False
    try:
        return bool(resolve_scalar(text, plain=True) == text)
    except ValueError:  # an ambiguous number form
        return False
