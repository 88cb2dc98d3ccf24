"""Dates, numbers and CSV rows that people type, read strictly.

Python's own readers take more than a person means: `float` reads `5_000`,
`٥` (an Arabic-Indic five) and `nan`; `date.fromisoformat` reads `20261101`
and `2026-W44-7`; `csv.DictReader` keeps the last of two columns of one name
and drops the cells of a row longer than its header (`2026-11-01,5,000` is
three cells). Each is refused here with a message that names the line and
the column. Imported by the commands that read such input; light on purpose.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import date

from cxokr.errors import UsageError
from cxokr.yamlio.unsafe import unsafe_in_text

# ASCII digits only: `\d` would take Arabic-Indic and other digits too.
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
MOMENT_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})?$"
)
_DAY = re.compile(DATE_PATTERN.strip("^$"))
_DECIMAL = re.compile(r"[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?")

Row = tuple[int, dict[str, str]]


def parse_day(text: str) -> date:
    """A date as `YYYY-MM-DD`, and only so. Raises ValueError saying what is wrong."""
    if _DAY.fullmatch(text) is None:
        raise ValueError(f"{text!r} is not YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a valid date ({exc})") from None


def parse_decimal(text: str) -> float:
    """A plain decimal: an optional sign, digits, an optional fraction and exponent.
    Raises ValueError saying what is wrong."""
    if _DECIMAL.fullmatch(text) is None:
        raise ValueError(f"{text!r} is not a number (digits, '-' and '.' only, as in -1250.5)")
    return float(text)


def check_text(**fields: str | None) -> None:
    """Refuse text a log could not hold (see `yamlio.unsafe`), naming its field."""
    for name, text in fields.items():
        why = unsafe_in_text(text) if text else None
        if why is not None:
            raise UsageError(f"{name}: {why}")


def csv_rows(
    text: str, column: Callable[[str], str] = str.strip, delimiter: str = ","
) -> tuple[list[str], list[Row]]:
    """The header of a CSV (each name through `column`) and its rows as (line, cells).

    Raises UsageError for a repeated column, a row with more cells than the
    header has columns, or anything the csv module refuses (a cell over its
    131,072-character limit, a NUL byte), naming the line. Cells are stripped;
    a row shorter than the header has empty cells; blank lines are skipped.
    """
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        fields = [column(name) for name in next(reader, [])]
        _unique(fields)
        rows: list[Row] = []
        for cells in reader:
            if not cells:
                continue
            if len(cells) > len(fields):
                raise UsageError(
                    f"line {reader.line_num}: {len(cells)} cells for {len(fields)} columns; "
                    + (
                        "quote a cell that holds a comma (5,000 is two cells: write 5000)"
                        if delimiter == ","
                        else f"quote a cell that holds {delimiter!r}"
                    )
                )
            values = dict(zip(fields, (cell.strip() for cell in cells), strict=False))
            rows.append((reader.line_num, {name: values.get(name, "") for name in fields if name}))
    except csv.Error as exc:
        raise UsageError(f"line {reader.line_num}: cannot read the CSV: {exc}") from None
    return fields, rows


def _unique(fields: list[str]) -> None:
    seen: dict[str, int] = {}
    for number, name in enumerate(fields, 1):
        if name and name in seen:
            raise UsageError(
                f"line 1: column {name!r} appears twice in the header "
                f"(columns {seen[name]} and {number}); keep one"
            )
        seen[name] = number
