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
from collections.abc import Iterable
from typing import Any

# Bidi controls: ALM, LRM, RLM, the embeddings and overrides, the isolates.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# With surrogates: in a str, a surrogate is always a lone one.
_OTHERS = r"\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_CONTROLS = re.compile(rf"[\x00-\x1f\x7f-\x9f{_OTHERS}]")
# What json.dumps(ensure_ascii=False) leaves raw: it escapes C0 controls itself.
_JSON_RAW = re.compile(rf"[\x7f-\x9f{_OTHERS}]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
# The same characters in UTF-8, as msgspec writes them (it refuses lone surrogates).
_JSON_RAW_UTF8 = re.compile(
    rb"\x7f|\xc2[\x80-\x9f]|\xd8\x9c|\xe2\x80[\x8e\x8f\xaa-\xae]|\xe2\x81[\xa6-\xa9]"
)
_ASCII = bytes(range(0x80))


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


class NotStrict(ValueError):
    """A value strict JSON has no token for: NaN, infinity, a lone surrogate."""


def written_alike(numbers: Iterable[Any]) -> bool:
    """Whether msgspec writes each of `numbers` (floats, ints, None) as `json.dumps` does.

    Both write a float's shortest digits, and zero as `0.0`; they differ in where an
    exponent starts and how it is written (`1e-05` against `0.00001`, `1e+16` against
    `1e16`), so a magnitude below 1e-4 or from 1e16 up, NaN or infinity answers no (a
    large int too, though it is written alike: `python_number` keeps it).
    """
    present = [*filter(None, numbers)]  # zero and None are written alike
    if not present:
        return True
    total = sum(present)  # NaN or infinity when one of them is
    if total - total != 0:
        return False
    low, high = min(present), max(present)  # the magnitudes' bounds, when all are positive
    if low < 0:
        low, high = min(map(abs, present)), max(-low, high)
    return bool(low >= 1e-4 and high < 1e16)


def python_number(value: Any) -> Any:
    """`value` as `strict_json` must be given it: a float msgspec would write otherwise than
    Python as a `msgspec.Raw` token of Python's text, any other value unchanged.

    NaN and infinity raise `NotStrict`: strict JSON has no such number.
    """
    if type(value) is not float or value == 0 or 1e-4 <= abs(value) < 1e16:
        return value
    if value - value != 0:
        raise NotStrict(f"{value!r} is no JSON number")
    import msgspec

    return msgspec.Raw(float.__repr__(value).encode())


def _escaped_utf8(match: re.Match[bytes]) -> bytes:
    return b"\\u%04x" % ord(match.group().decode())


def strict_json(value: Any, *, compact: bool = False) -> str:
    """`json_text(value)`'s exact text, or with `compact` that of `json_text(value,
    indent=None, separators=(",", ":"))`, written by msgspec: several times faster than
    Python's encoder, mostly for its floats and dicts.

    `value` holds dicts, lists, tuples, strings, ints, None, dates (written as
    `isoformat` writes a `date`), enums of strings, `msgspec.Raw` tokens and floats that
    `python_number` has passed. A lone surrogate raises `NotStrict` (as does NaN in
    `python_number`): `json_text` writes those.
    """
    import msgspec  # only the JSON formats need it

    try:
        data = msgspec.json.encode(value)
    except UnicodeEncodeError as error:
        raise NotStrict(str(error)) from error
    if _raw_controls(data):
        data = _JSON_RAW_UTF8.sub(_escaped_utf8, data)
    if not compact:
        data = msgspec.json.format(data, indent=2)
    return data.decode()


def _raw_controls(data: bytes) -> bool:
    """Whether UTF-8 `data` holds a character `_JSON_RAW_UTF8` escapes, found quickly: DEL is
    ASCII, the others are searched among the non-ASCII bytes alone (each character's bytes
    stay together when the ASCII ones are taken out)."""
    if b"\x7f" in data:
        return True
    if data.isascii():
        return False
    return _JSON_RAW_UTF8.search(data.translate(None, _ASCII)) is not None
