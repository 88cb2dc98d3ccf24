"""Text from the files made safe for a terminal: control characters shown, never obeyed.

A title, note or author name can hold an escape sequence (a YAML `"\\e[2J"`, a
JSON `"\\u001b]0;..."`), a carriage return that overwrites the line, or a bidi
override that reorders it. Every text and Markdown renderer passes user text
through `escape_controls` before it joins the output, so each such character
is printed as its escape (`\\x1b`, `\\r`, `\\u202e`) instead. The set: every C0
control (tab and line feed included: a renderer writes its own line breaks),
DEL, every C1 control, the bidi controls and lone surrogates (which no
encoding can write). `json_text` gives JSON the same safety while keeping the
true value: the characters JSON itself leaves raw are written as `\\uXXXX`.

No Rich here: the CLI's error path imports this module on every command.
"""

from __future__ import annotations

import json
import re
from typing import Any

# Bidi controls: ALM, LRM, RLM, the embeddings and overrides, the isolates.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# With surrogates: in a str, a surrogate is always a lone one.
_OTHERS = r"\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_CONTROLS = re.compile(rf"[\x00-\x1f\x7f-\x9f{_OTHERS}]")
# What json.dumps(ensure_ascii=False) leaves raw: it escapes C0 controls itself.
_JSON_RAW = re.compile(rf"[\x7f-\x9f{_OTHERS}]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _shown(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def escape_controls(text: str, *, keep: str = "") -> str:
    """`text` with every control, bidi control and lone surrogate shown as its escape.

    Characters in `keep` stay as they are: `keep="\\n"` for a message whose
    line breaks the program wrote itself.
    """
    if _CONTROLS.search(text) is None:
        return text
    if not keep:
        return _CONTROLS.sub(_shown, text)
    return _CONTROLS.sub(lambda m: m.group() if m.group() in keep else _shown(m), text)


def _unicode_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def json_text(value: Any, **options: Any) -> str:
    """`value` as JSON, readable (non-ASCII kept) yet with no control character raw.

    JSON escapes C0 controls; DEL, C1 and bidi controls and lone surrogates are
    written as `\\uXXXX` too (they only ever occur inside strings), so a
    parser reads back the exact value and a terminal shows the escape.
    `options` go to `json.dumps` (indent 2 unless given).
    """
    if not options:
        return _indented(value)
    text = json.dumps(value, **{"indent": 2, **options, "ensure_ascii": False})
    return _JSON_RAW.sub(_unicode_escape, text)


def _indented(value: Any) -> str:
    """`json.dumps(indent=2)`'s exact text, written by C code rather than Python.

    With an indent, `json.dumps` falls back to its pure-Python encoder; without
    one it uses the C encoder, and `msgspec.json.format` then indents that text,
    copying every number and string token as written (so floats keep Python's
    `repr`, escapes stay escapes). What strict JSON cannot hold, NaN or infinity
    and lone surrogates, msgspec refuses: such a value takes the slow path.
    """
    import msgspec  # only the JSON formats need it

    text = _JSON_RAW.sub(_unicode_escape, json.dumps(value, ensure_ascii=False))
    try:
        return msgspec.json.format(text, indent=2)
    except (msgspec.DecodeError, UnicodeEncodeError):
        text = json.dumps(value, indent=2, ensure_ascii=False)
        return _JSON_RAW.sub(_unicode_escape, text)
