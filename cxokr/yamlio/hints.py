"""What to write instead, for the YAML mistakes people make most.

An unquoted value that starts with a character YAML reserves (`unit: %`,
`owner: @dana`, `` title: `code` ``, `title: *bold* move`, `title: [Q3] launch`)
or that holds `: ` (`title: Fix: the thing`) stops the parser with a reason
about tokens and contexts. The fix is to quote the value, and `quote_hint`
names the exact line to write. Only the line the parser stopped on is looked
at, and only once it has stopped: nothing here runs for a file that parses.
"""

from __future__ import annotations

import json
import re

# Characters that cannot start a plain value anywhere: the parser stops at them.
_NO_START = "%@`"
# Characters that start something else than text: an alias, anchor or tag, a block
# scalar, a flow collection, a quoted value that ends before the line does.
_OTHER_START = "*&!|>[{\"'"
_OTHER_BREAKS = re.compile("[\r\u2028\u2029]")
_CLOSERS = {"[": "]", "{": "}", '"': '"', "'": "'"}
# `- ` items, then a `key: `, then the value; a key is plain or quoted, never empty.
_ENTRY = re.compile(
    r"(?P<lead>[ ]*)(?P<head>(?:-[ ]+)*"
    r"(?P<key>(?:[^\s#'\"\[\]{},&*!|>%@`:-][^#]*?|\"[^\"]*\"|'[^']*')[ ]*:[ ]+)?)"
    r"(?P<value>.*)"
)


def quote_hint(line: str, col: int, reason: str) -> str | None:
    """What to write for a syntax error at `col` (1-based) of `line`, or None.

    `a value starting with '%' must be quoted: write unit: "%"`; None when the
    error is not inside a value of the line, or not one that quoting fixes.
    """
    entry = _entry(line)
    if entry is None:
        return None
    at, start = col - 1, entry.start("value")
    value = _without_comment(entry["value"])
    if not value or at < start or not entry["head"]:
        return None
    if at < len(line) and line[at] in _NO_START and at > start:  # an item of `[a, %]`
        item = re.match(r"[^,\]}]*", line[at:])
        written = _quoted(item.group().strip() if item else line[at])
        return f"a value starting with {line[at]!r} must be quoted: write {written}"
    if value[0] in _NO_START + _OTHER_START and _text_follows(value):
        return f"a value starting with {value[0]!r} must be quoted: write {_line(entry, value)}"
    if "mapping values are not allowed" in reason and entry["key"]:
        return f"a value containing ': ' must be quoted: write {_line(entry, value)}"
    return None


def refused_hint(line: str, col: int) -> str | None:
    """For an alias, anchor or tag refused at `col` of `line`: how to write it as text, when
    text follows it on the line (`title: *bold`, `title: &co`, `title: !important`)."""
    entry = _entry(line)
    if entry is None or col - 1 != entry.start("value"):
        return None
    value = _without_comment(entry["value"])
    if not value or value[0] not in "*&!" or (value[0] == "&" and " " not in value):
        return None  # a bare `&name` anchors the block below it: not text
    return f"text starting with {value[0]!r} must be quoted: write {_line(entry, value)}"


def _entry(line: str) -> re.Match[str] | None:
    """The parts of one line; None for a line YAML reads as several (a lone CR, U+2028)."""
    line = line.removesuffix("\r")
    return None if _OTHER_BREAKS.search(line) else _ENTRY.fullmatch(line)


def _text_follows(value: str) -> bool:
    """Whether a value read as something else than text goes on after it: `[Q3] launch`,
    `"Foo" bar` (an unclosed `[b` or `"Foo` is not one: it wants its end, not quotes)."""
    closer = _CLOSERS.get(value[0])
    if closer is None:
        return True
    end = value.find(closer, 1)
    return end > 0 and any(ch.isalnum() for ch in value[end + 1 :])


def _without_comment(value: str) -> str:
    """The value without a trailing ` # comment` (YAML needs the space before `#`)."""
    cut = value.find(" #")
    return (value if cut < 0 else value[:cut]).rstrip()


def _line(entry: re.Match[str], value: str) -> str:
    return f"{entry['head']}{_quoted(value)}"


def _quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)
