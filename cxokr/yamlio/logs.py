"""The two logs (check-ins and readings): reading them, and the line a new entry is written as.

Each entry is a YAML list item whose body is a JSON object, decoded with
`json` for the whole log at once. Any entry a person wrote differently falls
back to the strict YAML reader of `documents`, which locates what is wrong.
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime
from typing import Any, NamedTuple

from cxokr.yamlio.documents import (
    MAX_DEPTH,
    MAX_INT_DIGITS,
    Issue,
    decode,
    load_document,
)
from cxokr.yamlio.unsafe import may_hold_unsafe, unsafe_in_data

_UNSAFE_IN_LOG = re.compile(r"[\x7f-\x9f\u2028\u2029\ufffe\uffff]")


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
    return _line_by_line(lines, issues), issues


def _line_by_line(lines: list[str], issues: list[Issue]) -> list[LogItem]:
    """Each entry in turn: a `- {json}` line decoded alone, any other entry read by the YAML
    reader, which locates what is wrong; comments, blanks and document markers skipped."""
    items: list[LogItem] = []
    index, count = 0, len(lines)
    while index < count:
        line = lines[index]
        if line.startswith("- {") and line.rstrip().endswith("}"):
            item = _json_line(line, index, issues)
            if item is not None:
                items.append(item)
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
    return items


def _json_line(line: str, index: int, issues: list[Issue]) -> LogItem | None:
    """The entry on the `- {json}` line at `index`, or None when it must go to the YAML reader:
    `json` cannot read it, or reads it differently (a repeated key, deeper nesting than YAML
    allows). An entry holding what CX117 refuses is kept without its data."""
    try:
        data = json.loads(
            line[2:],
            parse_constant=_reject_constant,
            parse_float=_finite_float,
            parse_int=_bounded_int,
        )
        if isinstance(data, dict) and not _distinct_keys(line, data):
            data = None  # the YAML reader reports the repeated key
        if isinstance(data, dict) and _may_nest(line, 1) and _too_deep(data):
            data = None  # the YAML reader reports the nesting (CX105)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    why = unsafe_in_data(data) if may_hold_unsafe(line) else None
    if why is not None:
        issues.append(Issue("CX117", index + 1, 1, why))
        return LogItem(index + 1, None, line)
    return LogItem(index + 1, data, line)


def json_body(lines: list[str]) -> tuple[list[int], str] | None:
    """The indices of a log's `- {json}` lines and their objects as one JSON array;
    None when any other line is in the log (comments and blanks aside)."""
    body: list[int] = []
    for index, line in enumerate(lines):
        end = line.rstrip()
        if end.startswith("- {") and end.endswith("}"):
            body.append(index)
        elif end and not end.lstrip().startswith("#"):
            return None
    return body, "[" + ",".join(lines[i][2:] for i in body) + "]"


def json_lines(raw: bytes) -> tuple[int, int, bytes, bytes] | None:
    """A log written as cxokr writes one, its `- {json}` lines one after another with only
    comment lines above them: the index of the first entry's line, the number of entries,
    their lines, and their objects as one JSON array as `json_body` joins them. None for any
    other log. Per log, not per line: each line break between entries becomes a comma, and
    none may be left.
    """
    start = 0 if raw.startswith(b"- {") else raw.find(b"\n- {") + 1
    if not raw.startswith(b"- {", start):
        return None  # no entry at all
    if any(line[:1] not in (b"", b"#") for line in raw[:start].split(b"\n")):
        return None
    body = raw[start : len(raw) - raw.endswith(b"\n")]
    joined = body.replace(b"}\n- {", b"},{")
    if not body.endswith(b"}") or b"\n" in joined:
        return None
    count = (len(body) - len(joined)) // 2 + 1  # each break's 5 bytes became 3
    return raw.count(b"\n", 0, start), count, body, b"".join((b"[", memoryview(joined)[2:], b"]"))


def _whole_log(lines: list[str]) -> list[LogItem] | None:
    """Every entry at once, when every line is `- {json}`, a comment or blank; else None.

    One `json.loads` over the whole log costs a fraction of one call per line.
    Anything unusual sends the log down the line-by-line path, which locates it.
    """
    found = json_body(lines)
    if found is None:
        return None
    body, text = found
    if may_hold_unsafe(text):
        return None
    try:  # the number hooks bound integers and refuse overflowing floats, as YAML's reader does
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
    if _may_nest(text, len(body) + 1) and any(map(_too_deep, datas)):
        return None
    if not keys_distinct(text, sum(map(len, datas))) and not all(
        _distinct_keys(lines[i], data) for i, data in zip(body, datas, strict=True)
    ):
        return None
    return [LogItem(i + 1, data, lines[i]) for i, data in zip(body, datas, strict=True)]


def _may_nest(text: str, containers: int) -> bool:
    """False when `text`, holding `containers` brackets of its own, has no other `[` or `{`
    (as nearly every log has not): then no entry nests anything, and none is walked."""
    return text.count("[") + text.count("{") > containers


def _too_deep(entry: dict[str, Any]) -> bool:
    """True when an entry nests containers deeper than the YAML reader allows (MAX_DEPTH,
    counting the log's own list): `json` reads such lines without complaint, up to a
    limit of its own that differs between Python versions."""
    pending: list[tuple[Any, int]] = [(entry, 2)]
    while pending:
        value, depth = pending.pop()
        if depth > MAX_DEPTH:
            return True
        inner = value.values() if isinstance(value, dict) else value
        pending.extend((item, depth + 1) for item in inner if isinstance(item, dict | list))
    return False


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"{text} is too large")
    return value


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise ValueError(f"{text} is too large")
    return int(text)


def keys_distinct(text: str, keys: int) -> bool:
    """`_distinct_keys` for every line of a JSON array of a log's objects at once, given how
    many distinct keys they hold in all: with no quote followed by whitespace anywhere, each
    key ends in `":`, so as many `":` as `keys` proves each line's."""
    if '" ' in text or '"\t' in text or '"\r' in text:
        return False
    return text.count('":') == keys


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
