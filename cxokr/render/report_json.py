"""The report as a versioned JSON document: every computed number, the single source of truth.

The structure is documented in docs/report-json.md; the other formats show a
subset of the same figures.

`document` gives the document as plain values (what a test or script reads);
`render` and `compact` write its text without building them. Each kind of row
gets a plan once, from its fields' types: which values msgspec writes as they
are (strings, ints, dates, enums, tuples of those), which are floats to check
(`controls.written_alike`, a row at a time), which are rows or series to
convert. msgspec then writes the whole document in C. The text is the one
`json_text(document(report))` gives, byte for byte; where msgspec cannot
write it (NaN, infinity, a lone surrogate) that slow path writes it.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from datetime import date
from enum import Enum
from functools import cache
from operator import attrgetter, itemgetter
from typing import Any, NamedTuple

from pydantic import BaseModel

from cxokr.compute.report import REPORT_VERSION, Report
from cxokr.compute.values import Series
from cxokr.render.controls import (
    NotStrict,
    json_text,
    python_number,
    strict_json,
    written_alike,
)

_SCALARS = frozenset({str, int, float, bool, type(None)})
_FIELDS: dict[type, tuple[str, ...]] = {}


def _names(kind: type) -> tuple[str, ...]:
    """A row's keys in order: its fields, or the computed properties among them it names."""
    names = _FIELDS.get(kind)
    if names is None:
        names = getattr(kind, "JSON_FIELDS", None) or tuple(
            f.name for f in dataclasses.fields(kind)
        )
        _FIELDS[kind] = names
    return names


def plain(value: Any) -> Any:
    """Dataclasses, models, enums and dates as JSON-ready values."""
    kind = type(value)
    if kind in _SCALARS:  # by far the most common: answer before any isinstance
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: plain(getattr(value, name)) for name in _names(kind)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value  # a Series: `document` writes it out


def document(report: Report) -> dict[str, Any]:
    body = plain(report)
    for objective in body["objectives"]:
        for kr in objective["key_results"]:
            kr["series"] = [{"date": d.isoformat(), "value": v} for d, v in kr["series"]]
    return {"version": REPORT_VERSION, **body}


def render(report: Report) -> str:
    """The document, indented."""
    try:
        return strict_json(_wire_document(report)) + "\n"
    except NotStrict:
        return json_text(document(report)) + "\n"


def compact(report: Report) -> str:
    """The document on one line, without spaces (as the HTML page embeds it); NaN or
    infinity raise ValueError."""
    try:
        return strict_json(_wire_document(report), compact=True)
    except NotStrict:
        return json_text(document(report), indent=None, separators=(",", ":"), allow_nan=False)


# --- The document for msgspec ----------------------------------------------------------------


def _wire_document(report: Report) -> dict[str, Any]:
    plan, values = _planned(report)
    return {"version": REPORT_VERSION, **dict(zip(plan.names, values, strict=True))}


class _Plan(NamedTuple):
    """How one kind of row becomes a struct msgspec writes as `plain(row)` is written."""

    names: tuple[str, ...]
    values: Callable[[Any], tuple[Any, ...]]  # the row's values, in `names` order
    converted: tuple[tuple[int, Callable[[Any], Any]], ...]  # (index, conversion) when set
    numbers: tuple[int, ...]  # indexes of the floats
    picked: Callable[[list[Any]], tuple[Any, ...]]  # the floats of a row's values
    made: Callable[..., Any]  # a struct of `names`, from the values in order: a dict to msgspec


_PLANS: dict[type, _Plan] = {}


def _planned(row: Any) -> tuple[_Plan, list[Any]]:
    """The plan of a dataclass row, and its values as msgspec is to write them."""
    plan = _PLANS.get(type(row)) or _plan(type(row))
    values = list(plan.values(row))
    for at, convert in plan.converted:
        if values[at] is not None:
            values[at] = convert(values[at])
    if plan.numbers and not written_alike(plan.picked(values)):
        for at in plan.numbers:
            values[at] = python_number(values[at])
    return plan, values


def _wire(row: Any) -> Any:
    """A dataclass row as msgspec is to write it: a struct of its keys, in order."""
    plan, values = _planned(row)
    return plan.made(*values)


def _wire_rows(rows: tuple[Any, ...]) -> list[Any]:
    return [_wire(row) for row in rows]


def _wire_series(series: Series) -> list[Any]:
    values = series.values
    if not written_alike(values):
        values = [python_number(v) for v in values]
    return list(map(_point(), series.dates, values))  # each {"date": …, "value": …}


@cache
def _point() -> type:
    """A day of a series, as msgspec writes it: a struct, made in C, written as a dict."""
    import msgspec

    class Point(msgspec.Struct):
        date: date
        value: Any

    return Point


def _wire_any(value: Any) -> Any:
    """Any value as `plain` gives it, its floats passed through `python_number`."""
    kind = type(value)
    if kind is float:
        return python_number(value)
    if kind in _SCALARS:
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _wire(value)
    if isinstance(value, Enum):
        return _wire_any(value.value)
    if isinstance(value, BaseModel):
        return _wire_any(value.model_dump(mode="json"))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _wire_any(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_wire_any(v) for v in value]
    return value


def _getter(*names: Any) -> Callable[[Any], tuple[Any, ...]]:
    """`attrgetter` or `itemgetter` of `names` that answers a tuple even for one name."""
    get: Callable[..., Any] = attrgetter if isinstance(names[0], str) else itemgetter
    if len(names) == 1:
        one = get(names[0])
        return lambda value: (one(value),)
    return get(*names)  # type: ignore[no-any-return]


def _plan(kind: type) -> _Plan:
    names = _names(kind)
    hints = typing.get_type_hints(kind)
    converted: list[tuple[int, Callable[[Any], Any]]] = []
    numbers: list[int] = []
    for at, name in enumerate(names):
        hint = hints.get(name) or typing.get_type_hints(getattr(kind, name).fget)["return"]
        way = _way(hint)
        if way is float:
            numbers.append(at)
        elif way is not None:
            converted.append((at, way))
    import msgspec

    made = msgspec.defstruct(kind.__name__, [(name, Any) for name in names])
    plan = _Plan(
        names,
        _getter(*names),
        tuple(converted),
        tuple(numbers),
        _getter(*(numbers or [0])),
        made,
    )
    _PLANS[kind] = plan
    return plan


_NATIVE = (str, int, bool, date)  # msgspec writes a date as `isoformat` does


def _way(hint: Any) -> Any:
    """How a value of type `hint` becomes JSON: None when msgspec writes it as it is, `float`
    for a float to check, else the conversion."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(options) != 1:
            return _wire_any
        hint = options[0]
    if hint is float:
        return float
    if hint in _NATIVE or _plain_literal(hint) or _plain_enum(hint):
        return None
    if hint is Series:
        return _wire_series
    if typing.get_origin(hint) is tuple:
        item, *more = typing.get_args(hint)
        if more != [Ellipsis]:
            return _wire_any
        if item in _NATIVE:
            return None
        if dataclasses.is_dataclass(item):
            return _wire_rows
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _wire
    return _wire_any


def _plain_literal(hint: Any) -> bool:
    return typing.get_origin(hint) is typing.Literal and all(
        type(a) is str for a in typing.get_args(hint)
    )


def _plain_enum(hint: Any) -> bool:
    return (
        isinstance(hint, type)
        and issubclass(hint, Enum)
        and all(type(member.value) in (str, int) for member in hint)
    )
