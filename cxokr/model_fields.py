"""Field types of the models that read their value one way only.

Pydantic, left to itself, reads a Unix timestamp (`1795046400`, even the text
`"1763510400"`) as a date, a moment at midnight as a date, a number as a
moment, and `1`, `"1"` and `"01"` as one key of a mapping, keeping the last.
These types refuse each, with a message that says what to write.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import GetPydanticSchema, ValidationError, WithJsonSchema
from pydantic_core import InitErrorDetails, PydanticCustomError
from pydantic_core import core_schema as cs

from cxokr.inputs import DATE_PATTERN, MOMENT_PATTERN


def _text_form(
    parsed: cs.CoreSchema, instance: cs.CoreSchema, pattern: str, kind: str, form: str
) -> GetPydanticSchema:
    """A date or moment from text of one form only, or the Python object itself.

    The text is matched, then parsed, all in Pydantic's core: no Python runs per
    value, so the logs' validation costs what it did.
    """
    text = cs.str_schema(pattern=pattern, strict=True)
    either = cs.union_schema(
        [instance, text], custom_error_type=f"{kind}_format", custom_error_message=form
    )
    return GetPydanticSchema(lambda _type, _handler: cs.chain_schema([either, parsed]))


Day = Annotated[
    date,
    _text_form(
        cs.date_schema(), cs.date_schema(strict=True), DATE_PATTERN, "date", "write YYYY-MM-DD"
    ),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DATE_PATTERN}),
]
Moment = Annotated[
    datetime,
    _text_form(
        cs.datetime_schema(),
        cs.datetime_schema(strict=True),
        MOMENT_PATTERN,
        "datetime",
        "write ISO 8601 such as 2026-11-20T09:14:03Z",
    ),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": MOMENT_PATTERN}),
]

_LEVEL_TEXT = frozenset("1234")


def level_keys(levels: Any) -> Any:
    """`levels` with its keys as numbers: `1` or `"1"`, never another spelling (`"01"`).

    Two keys that name one level (`1` and `"1"`) are refused where the second
    stands; a plain mapping would keep the last without a word.
    """
    if not isinstance(levels, dict):
        return levels
    numbered: dict[Any, Any] = {}
    first: dict[int, Any] = {}
    errors: list[InitErrorDetails] = []
    for key, name in levels.items():
        number = int(key) if isinstance(key, str) and key in _LEVEL_TEXT else key
        if type(number) is not int:
            message = "a level is a number from 1 to 4, written as 1 or '1'"
            errors.append(_error("level_key", message, key))
        elif number in first:
            message = f"level {number} is named twice (as {first[number]!r} and {key!r})"
            errors.append(_error("duplicate_key", message, key))
        else:
            first[number] = key
        numbered[number] = name
    if errors:
        raise ValidationError.from_exception_data("levels", errors)
    return numbered


def _error(kind: str, message: str, key: Any) -> InitErrorDetails:
    return InitErrorDetails(type=PydanticCustomError(kind, message), loc=(key,), input=key)
