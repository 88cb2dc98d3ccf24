"""Characters no text in a workspace may hold, however they are written (CX117).

The reader already refuses control characters written raw in a file (CX108);
the same characters written as escapes (`"\\e[2J"`, `"\\0"` in YAML, `\\u001b`
in JSON), bidi controls (which reorder what a reviewer sees, raw or escaped),
lone surrogates (which no UTF-8 output can hold) and the noncharacters U+FFFE
and U+FFFF are refused here, in every text value and key. Tab and line feed
are text. The checks are made to cost nothing on the usual file: the search
runs only where such a character can come from.
"""

from __future__ import annotations

import re
from typing import Any

_BIDI = r"\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
UNSAFE_TEXT = re.compile(rf"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}\ud800-\udfff\ufffe\uffff]")
# Where one can come from in text the reader accepted: an escape, or a raw bidi control.
MAY_BE_UNSAFE = re.compile(rf"[\\{_BIDI}]")
_BIDI_CHAR = re.compile(rf"[{_BIDI}]")
# An escape other than of a quote, backslash, slash, line feed or tab; and one that makes
# an unsafe character, matched at its backslash.
_ESCAPE = re.compile(r'\\[^"\\/nt]')
_JSON_ESCAPE = re.compile(
    r"\\(?:[bfr]|u(?:00(?:0[0-8b-fB-F]|1[0-9a-fA-F]|7[fF]|[89][0-9a-fA-F])|061[cC]"
    r"|200[eEfF]|202[a-eA-E]|206[6-9]|[dD][89a-fA-F][0-9a-fA-F]{2}|[fF]{3}[eEfF]))"
)
_ASCII = bytes(range(128))


def unsafe_in_text(value: str) -> str | None:
    """Why `value` cannot be kept, or None when it can."""
    found = UNSAFE_TEXT.search(value)
    if found is None:
        return None
    code = ord(found.group())
    if 0xD800 <= code <= 0xDFFF:
        kind = "lone surrogate"
    elif _BIDI_CHAR.match(found.group()):
        kind = "bidi control"
    elif code >= 0xFFFE:
        kind = "noncharacter"
    else:
        kind = "control character"
    return f"{kind} U+{code:04X} is not allowed in text"


def may_hold_unsafe(text: str) -> bool:
    """Whether JSON `text` may decode to unsafe text; False proves it cannot.

    Cheap on a whole log: the escapes that could make a control are looked
    at one by one (an escaped backslash before one is skipped), and for text
    that is not ASCII, its non-ASCII characters alone are searched. Called
    after msgspec decoded `text`, its UTF-8 form is already at hand.
    """
    if "\\" in text:
        for found in _ESCAPE.finditer(text):
            at = found.start()
            if _is_escape(text, at) and _JSON_ESCAPE.match(text, at):
                return True
    if text.isascii():
        return False
    rest = text.encode("utf-8", "surrogatepass").translate(None, _ASCII)
    return unsafe_in_text(rest.decode("utf-8", "surrogatepass")) is not None


def _is_escape(text: str, at: int) -> bool:
    """Whether the backslash at `at` starts an escape (it is not itself escaped)."""
    start = at
    while start and text[start - 1] == "\\":
        start -= 1
    return (at - start) % 2 == 0


def unsafe_in_data(data: Any, where: str = "") -> str | None:
    """Why decoded JSON cannot be kept, naming the key; None when it can."""
    if isinstance(data, str):
        why = unsafe_in_text(data)
        return None if why is None else f"{where}: {why}"
    pairs = data.items() if isinstance(data, dict) else enumerate(data)
    for key, value in pairs:
        name = f"{where}.{key}" if where else str(key)
        why = unsafe_in_text(key) if isinstance(key, str) else None
        if why is not None:
            return f"key {name}: {why}"
        if isinstance(value, str | dict | list):
            found = unsafe_in_data(value, name)
            if found is not None:
                return found
    return None
