"""The fields of a new key result or objective, from the words a script or a person types.

Each function reads one answer (`--start first`, `--target +10%`, `--item
outline=Outline agreed|due=2026-10-15`) into the value the file holds, or
raises a UsageError that says what to write instead; `key_result` puts the
fields in the order people write them, leaving out what is not given.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from cxokr.errors import UsageError
from cxokr.inputs import parse_day, parse_decimal
from cxokr.model import FIRST, RELATIVE_PATTERN, KrType, ProgressFrom, is_slug

# What each type of key result is, as a prompt lists them.
KR_TYPES: dict[str, str] = {
    KrType.TARGET: "move a metric (or a number of its own unit) from a start to a target",
    KrType.STAY_ABOVE: "a guardrail: keep a metric above a line all period",
    KrType.STAY_BELOW: "a guardrail: keep a metric below a line all period",
    KrType.DONE: "a milestone: done or not (by a due date)",
    KrType.CHECKLIST: "a checklist: the weighted share of its items done",
    KrType.SCORE: "the owner's score, 0 to 1, for a qualitative goal",
}
KR_ORDER = (
    "id",
    "title",
    "metric",
    "segment",
    "unit",
    "type",
    "start",
    "target",
    "change",
    "due",
    "schedule",
    "items",
    "weight",
    "owner",
    "aligns_to",
    "shares",
)


def number(text: str, what: str) -> float:
    try:
        return parse_decimal(text.strip())
    except ValueError:
        raise UsageError(f"{what} {text!r} is not a number") from None


def day(text: str, what: str) -> date:
    try:
        return parse_day(text.strip())
    except ValueError:
        raise UsageError(f"{what} {text!r} is not a date; write YYYY-MM-DD") from None


def kr_type(text: str) -> KrType:
    try:
        return KrType(text.strip())
    except ValueError:
        raise UsageError(f"type {text!r} is not one of {', '.join(KR_TYPES)}") from None


def progress_from(text: str) -> ProgressFrom:
    try:
        return ProgressFrom(text.strip())
    except ValueError:
        known = ", ".join(p.value for p in ProgressFrom)
        raise UsageError(f"progress {text!r} is not one of {known}") from None


def start(text: str) -> float | str | dict[str, date]:
    """`58`, `first`, or a date (`2025-12-31`, or `reading:2025-12-31`): the reading then."""
    text = text.strip()
    if text == FIRST:
        return FIRST
    when = text.removeprefix("reading:").strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", when):
        return {"reading": day(when, "start")}
    try:
        return parse_decimal(text)
    except ValueError:
        raise UsageError(
            f"start {text!r} is not a number, 'first' or a date (the metric's reading on it)"
        ) from None


def target(text: str) -> float | str:
    """A number, or a change relative to the start: `+10%`, `-15%`."""
    text = text.strip()
    if re.fullmatch(RELATIVE_PATTERN.strip("^$"), text):
        return text
    try:
        return parse_decimal(text)
    except ValueError:
        raise UsageError(
            f"target {text!r} is not a number, or a change from the start such as +10%"
        ) from None


def schedule(steps: Iterable[str]) -> dict[date, float] | None:
    """`2026-10-31=1500` steps: the value expected by each day."""
    found: dict[date, float] = {}
    for step in steps:
        when, sep, value = step.partition("=")
        if not sep:
            raise UsageError(f"schedule step {step!r} is not DATE=VALUE, e.g. 2026-10-31=1500")
        found[day(when, "schedule date")] = number(value, "schedule value")
    return found or None


def item(text: str) -> dict[str, Any]:
    """A checklist item: `ID=Title`, then `|due=DATE` and `|weight=N` if wanted."""
    head, *options = text.split("|")
    ident, sep, title = head.partition("=")
    ident, title = ident.strip(), title.strip()
    if not sep or not title or not is_slug(ident):
        raise UsageError(
            f"item {text!r} is not ID=Title (an ID of lowercase letters, digits and '-'), "
            "e.g. outline=Outline agreed|due=2026-10-15|weight=2"
        )
    found: dict[str, Any] = {"id": ident, "title": title}
    for option in options:
        key, _, value = option.partition("=")
        if key.strip() == "due":
            found["due"] = day(value, "item due")
        elif key.strip() == "weight":
            found["weight"] = number(value, "item weight")
        else:
            raise UsageError(f"item option {option!r} is not due=DATE or weight=N")
    return found


def one_or_list(values: Iterable[str]) -> str | list[str] | None:
    """An owner or reference given once is written as one; several as a list."""
    found = [v.strip() for v in values if v.strip()]
    if not found:
        return None
    return found[0] if len(found) == 1 else found


def key_result(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The fields given, in the order people write them; the default type left out."""
    data = {key: fields[key] for key in KR_ORDER if fields.get(key) not in (None, [], {})}
    if data.get("type") == KrType.TARGET:
        del data["type"]
    if data.get("weight") == 1:
        del data["weight"]
    extra = set(fields) - set(KR_ORDER)
    if extra:
        raise UsageError(f"unknown key result field(s): {', '.join(sorted(extra))}")
    return data
