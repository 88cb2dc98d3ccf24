"""A fast reader for the block YAML people write most, giving what the strict reader gives.

Team and OKR files are block mappings and sequences of one-line scalars,
with comments and blank lines: `- id: kr1`, `title: "Fix: the thing"`,
`target: 94.48`. Read line by line, each line matched once by one compiled
pattern, their values and positions come out several times faster than
through the parser's events, by the same scalar rules (`resolve_scalar`) and
with the same marks.

It reads only what it can prove it reads as the strict reader does: plain
and quoted one-line scalars (single quotes, or double quotes without
escapes), block mappings and sequences (compact `- - a` and `- key: value`,
a sequence at its key's indentation), comments and blank lines, LF or CRLF
lines. At anything else (flow collections, anchors, aliases, tags, block or
multi-line scalars, escapes, tabs, document markers, odd indentation, a
duplicate or merge key, an ambiguous number) it gives up (`None`) and the
strict reader reads the file, so every problem is still reported by the one
reader that words it.
"""

from __future__ import annotations

import re
from typing import Any

from cxokr.yamlio.documents import MAX_DEPTH, NUMBER_START, PLAIN_WORDS, resolve_scalar
from cxokr.yamlio.marks import Path

# Text the strict reader reads otherwise than a line at a time: a tab, a line break other
# than LF, a byte order mark inside the text; and a document marker or a directive.
_OUTSIDE = re.compile(r"[\t\r\ufeff\u2028\u2029]")
_MARKERS = ("---", "...", "%")
# What a plain scalar may start with: no indicator, and `-` only before text (`-3`, `-x`).
_START = r"(?!-[ \n])[^?:,\[\]{}#&*!|>'\"%@` \n]"
_QUOTED = r"\"[^\"\\\n]*\"|'(?:[^'\n]|'')*'"
# Each line: its indentation, `- ` item marks, a key and its colon, a value, a comment; or,
# when it is not such a line, the whole line in the last group. A plain key is words without
# `:` or `#`, a plain value words of which none starts with `#`.
_LINES = re.compile(
    rf"""(?:([ ]*)((?:-(?:[ ]+|(?=\n)))*)
    (?:({_START}[^ :#\n]*(?:[ ]+[^ :#\n]+)*|{_QUOTED})[ ]{{0,8}}:(?:[ ]+|(?=\n)))?
    ({_START}[^ \n]*(?:[ ]+[^ #\n][^ \n]*)*|{_QUOTED})?
    [ ]*(?:(?<![^ \n])\#[^\n]*)?|([^\n]*))\n""",
    re.VERBOSE,
)
# What a value that is text as it stands cannot start with: a quote, or a number's start.
_NOT_TEXT = NUMBER_START | {"'", '"'}
_LONGEST_KEY = 1000  # the parser takes a longer one for a scalar, not a key


class _Outside(Exception):
    """The text holds something this reader does not read: the strict reader must."""


class _Frame:
    """An open mapping or sequence: the column of its keys or dashes, where it is in the data."""

    __slots__ = ("container", "indent", "indentless", "path", "sequence")

    def __init__(self, indent: int, container: Any, path: Path, indentless: bool = False) -> None:
        self.indent = indent
        self.container = container
        self.path = path
        self.sequence = type(container) is list
        self.indentless = indentless  # a sequence at its key's indentation: `key:\n- a`


def read_block(text: str, line_offset: int = 0) -> tuple[Any, dict[Path, tuple[int, int]]] | None:
    """The data and positions of `text` as the strict reader reads them, or None when it
    holds anything outside the block subset (then the strict reader must read it)."""
    if _OUTSIDE.search(text):
        if text.count("\r") != text.count("\r\n"):
            return None
        text = text.replace("\r\n", "\n")
        if _OUTSIDE.search(text):
            return None
    if text.startswith(_MARKERS) or any(f"\n{marker}" in text for marker in _MARKERS):
        return None
    reader = _Reader()
    rows = _LINES.findall(text if text.endswith("\n") else f"{text}\n")
    try:
        for number, (indent, dashes, key, value, other) in enumerate(rows, 1 + line_offset):
            if other:
                return None
            if dashes or key or value:
                reader.line(number, len(indent), dashes, key, value)
    except _Outside:
        return None
    return reader.result, reader.positions


class _Reader:
    """The open containers of the document read so far, and the key awaiting a block value.

    A line's parts are text, empty where the line has none: its `- ` marks (`dashes`,
    spaces after each included), its key, its value.
    """

    def __init__(self) -> None:
        self.positions: dict[Path, tuple[int, int]] = {}
        self.stack: list[_Frame] = []
        self.top: _Frame | None = None
        self.result: Any = None
        self.pending: tuple[_Frame, Any] | None = None  # a mapping and its key ending a line
        self.keys: dict[str, Any] = {}  # each key's text as read: most recur on every item

    def line(self, number: int, indent: int, dashes: str, key: str, value: str) -> None:
        """One line that holds a node: it continues an open container or opens a new one."""
        pending = self.pending
        if pending is None:
            top = self.top
            if top is None:  # the root: the first line that holds a node
                self.positions[()] = (number, indent + 1)
                self.result = self._open(number, indent, dashes, key, value, (), False)
                return
            if top.indent == indent and key and not dashes and not top.sequence:  # most lines
                self._entry(top, number, key, indent, value)
                return
        else:
            self.pending = None
            frame, name = pending
            if indent > frame.indent or (indent == frame.indent and dashes):  # its value
                path = (*frame.path, name)
                node = self._open(number, indent, dashes, key, value, path, indent == frame.indent)
                frame.container[name] = node
                return
        top = self._frame_at(indent, dashes)
        if top.sequence and dashes:
            self._items(top, number, indent, dashes, key, value)
        elif top.sequence or dashes or not key:
            raise _Outside
        else:
            self._entry(top, number, key, indent, value)

    def _frame_at(self, indent: int, dashes: str) -> _Frame:
        """The open container a line at `indent` continues, closing those it ends."""
        stack = self.stack
        while stack:
            top = stack[-1]
            if top.indent > indent or (top.indentless and top.indent == indent and not dashes):
                stack.pop()
                self.top = stack[-1] if stack else None
            elif top.indent == indent:
                return top
            else:
                break
        raise _Outside  # an indentation no open container has, or text continuing a scalar

    def _open(
        self,
        number: int,
        indent: int,
        dashes: str,
        key: str,
        value: str,
        path: Path,
        indentless: bool,
    ) -> Any:
        """The mapping or sequence whose first line this is, the value at `path`."""
        if dashes:
            frame = self._push(indent, [], path, indentless)
            self._items(frame, number, indent, dashes, key, value)
        elif key:
            frame = self._push(indent, {}, path)
            self._entry(frame, number, key, indent, value)
        else:
            raise _Outside  # a scalar on a line of its own, as a block value or the root
        return frame.container

    def _push(self, indent: int, container: Any, path: Path, indentless: bool = False) -> _Frame:
        if len(self.stack) >= MAX_DEPTH:  # the strict reader refuses it (CX105)
            raise _Outside
        frame = self.top = _Frame(indent, container, path, indentless)
        self.stack.append(frame)
        return frame

    def _items(
        self, frame: _Frame, number: int, indent: int, dashes: str, key: str, value: str
    ) -> None:
        """The items a line of `- ` opens: nested sequences (`- - a`), then its last item."""
        if dashes.count("-") > 1:
            for at, char in enumerate(dashes):
                if char == "-" and at:
                    items = frame.container
                    path = (*frame.path, len(items))
                    self.positions[path] = (number, indent + at + 1)
                    frame = self._push(indent + at, [], path)
                    items.append(frame.container)
        items = frame.container
        path = (*frame.path, len(items))
        col = indent + len(dashes)
        self.positions[path] = (number, col + 1)
        if key:  # `- key: value`: a mapping whose keys stand where this one does
            mapping = self._push(col, {}, path)
            items.append(mapping.container)
            self._entry(mapping, number, key, col, value)
        elif value:
            items.append(_scalar(value))
        else:
            raise _Outside  # an empty item, or one whose node starts on the next line

    def _entry(self, frame: _Frame, number: int, key: str, col: int, value: str) -> None:
        """`key: value`, or `key:` whose value is the block below (or null)."""
        name = self.keys.get(key)
        if name is None:
            name = self.keys[key] = _key(key)
        mapping = frame.container
        if name in mapping:
            raise _Outside  # a duplicate key: the strict reader says where the first one is
        self.positions[(*frame.path, name)] = (number, col + 1)
        if value:  # text (most values) as it stands, else by the scalar rules
            plain = value[0] not in _NOT_TEXT and value not in PLAIN_WORDS and ":" not in value
            mapping[name] = value if plain else _scalar(value)
        else:
            mapping[name] = None
            self.pending = (frame, name)


def _key(text: str) -> Any:
    """A mapping key as the strict reader keeps it: integers and text; other plain forms
    (null, booleans, floats) as the text they are written as."""
    if len(text) > _LONGEST_KEY:  # quoted or not
        raise _Outside
    first = text[0]
    if first == '"':
        return text[1:-1]
    if first == "'":
        return text[1:-1].replace("''", "'")
    if text == "<<":
        raise _Outside
    try:
        value = resolve_scalar(text, True)
    except ValueError:
        raise _Outside from None
    if value is None or type(value) is bool or type(value) is float:
        return text
    return value


def _scalar(text: str) -> Any:
    """A value by the strict scalar rules."""
    first = text[0]
    if first == '"':
        return text[1:-1]
    if first == "'":
        return text[1:-1].replace("''", "'")
    if ":" in text and (": " in text or text[-1] == ":"):
        raise _Outside  # a mapping the parser refuses here, or text that looks like one
    try:
        return resolve_scalar(text, True)
    except ValueError:
        raise _Outside from None
