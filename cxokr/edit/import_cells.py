"""The value and date cells of an import, read as spreadsheets and BI tools write them.

A value may carry a decimal comma (`--decimal ,`), thousands separators and,
where the metric's unit says so, its unit: a trailing `%` for a metric in
`%`, a currency symbol or code for a metric in that currency. Anything else
is refused with a message that says what to write or pass instead; a value
that could be read two ways (`1,500` with no `--decimal`) is refused too.

A date is `YYYY-MM-DD`, or the form `--date-format` gives (strptime's, as in
`%d/%m/%Y`); either may carry a midnight time (Excel writes `2026-11-21
00:00:00`), and any other time of day is refused.

Plain cells take one precompiled match each: a large file reads quickly.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

from cxokr import inputs
from cxokr.errors import UsageError

# The plain decimal `inputs.parse_decimal` takes: the fast path of every reader.
_PLAIN = re.compile(r"[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?")
_EXPONENT = re.compile(r"[eE][-+]?[0-9]+$")
# Thousands separators: with a decimal point, a comma; with a decimal comma, a point,
# a space, a no-break space (also the narrow one French uses) or an apostrophe (Swiss).
_POINT_GROUPS = ","
_COMMA_GROUPS = ". \u00a0\u202f'\u2019"
_GROUPED = {
    sep: re.compile(f"[0-9]{{1,3}}(?:{re.escape(sep)}[0-9]{{3}})+")
    for sep in _POINT_GROUPS + _COMMA_GROUPS
}
_DECIMAL_COMMA = re.compile(r"[-+]?[0-9]+,[0-9]+")
# A currency, by its code and the symbols a value may carry instead.
CURRENCIES = (
    ("EUR", "€"),
    ("USD", "US$", "$"),
    ("GBP", "£"),
    ("JPY", "¥"),
    ("CHF",),
    ("INR", "₹"),
    ("CAD", "CA$", "C$"),
    ("AUD", "AU$", "A$"),
)
_MARK = re.compile(
    r"[%€$£¥₹]|(?<![A-Za-z])(?:EUR|USD|GBP|JPY|CHF|INR|CAD|AUD)(?![A-Za-z])", re.IGNORECASE
)
_TIME = re.compile(r"[0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?")
_MIDNIGHT = re.compile(r"0?0:00(:00(\.0+)?)?")
_DIRECTIVE = re.compile(r"%(.)")


def unit_marks(unit: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The (prefixes, suffixes) a value of a metric in `unit` may carry, longest first."""
    if unit is None:
        return (), ()
    name = unit.strip()
    if name == "%":
        return (), ("%",)
    for group in CURRENCIES:
        if name.upper() in group:
            return group, group
    return (), ()


class NumberReader:
    """Reads the value cells of one metric: `reader(text)` -> float, or ValueError."""

    def __init__(self, decimal: str | None, metric: str, unit: str | None) -> None:
        self.decimal = decimal  # None: not given, so "1,500" is ambiguous
        self.metric = metric
        self.unit = unit
        self.prefixes, self.suffixes = unit_marks(unit)

    def __call__(self, text: str) -> float:
        if _PLAIN.fullmatch(text) and (self.decimal != "," or "." not in text):
            return float(text)
        if self.decimal == "," and _DECIMAL_COMMA.fullmatch(text):
            return float(text.replace(",", "."))
        return self._number(self._bare(text), text)

    def _bare(self, text: str) -> str:
        """`text` without the unit marks the metric allows; refused if it holds another."""
        body = text
        sign = ""
        for _ in range(2):  # a sign before or after a leading symbol: -$5, $-5
            if body.startswith(("+", "-")) and not sign:
                sign, body = body[0], body[1:].strip()
            for mark in self.prefixes:
                if body.startswith(mark):
                    body = body[len(mark) :].strip()
                    break
        for mark in self.suffixes:
            if body.endswith(mark):
                body = body[: -len(mark)].strip()
                break
        stray = _MARK.search(body)
        if stray is not None:
            measured = f"is measured in {self.unit}" if self.unit else "has no unit"
            raise ValueError(
                f"{text!r} carries {stray.group()!r}, but {self.metric} {measured}; "
                "write the number alone"
            )
        return sign + body

    def _number(self, body: str, text: str) -> float:
        sign = body[0] if body.startswith(("+", "-")) else ""
        body = body[len(sign) :]
        exponent = _EXPONENT.search(body)
        power = exponent.group() if exponent else ""
        body = body[: len(body) - len(power)]
        mark, groups = (",", _COMMA_GROUPS) if self.decimal == "," else (".", _POINT_GROUPS)
        whole, has_fraction, fraction = body.partition(mark)
        digits = self._ungroup(whole, groups, text)
        if self.decimal is None and whole.count(",") == 1 and not (has_fraction or power):
            raise ValueError(
                f"{text!r} is ambiguous: {digits} with a thousands comma, or "
                f"{whole.replace(',', '.')} with a decimal comma; pass --decimal . "
                "or --decimal ,"
            )
        canonical = f"{sign}{digits}{'.' if has_fraction else ''}{fraction}{power}"
        if _PLAIN.fullmatch(canonical) is None:
            raise ValueError(self._not_a_number(text))
        return float(canonical)

    def _ungroup(self, whole: str, groups: str, text: str) -> str:
        """The digits of `whole`, its thousands separators (one kind, in threes) dropped."""
        if whole.isdigit() or not whole:
            return whole
        used = {char for char in whole if not char.isdigit()}
        sep = used.pop() if len(used) == 1 else ""
        if sep in groups and sep and _GROUPED[sep].fullmatch(whole):
            return whole.replace(sep, "")
        raise ValueError(self._not_a_number(text))

    def _not_a_number(self, text: str) -> str:
        if self.decimal == ",":
            if "." in text and "," not in text:
                return (
                    f"{text!r} has a decimal point, but with --decimal , a point only "
                    f"separates thousands (1.250,5); write {text.replace('.', ',')}"
                )
            return (
                f"{text!r} is not a number (with --decimal ,: digits, '-', a decimal comma, "
                "and '.', a space or ' between thousands, as in -1.250,5)"
            )
        if _DECIMAL_COMMA.fullmatch(text):
            if self.decimal is None:
                return (
                    f"{text!r} has a decimal comma; pass --decimal , "
                    f"(or write {text.replace(',', '.')})"
                )
            return (
                f"{text!r} has a decimal comma, but with --decimal . a comma only separates "
                "thousands (1,250.5); pass --decimal ,"
            )
        return f"{text!r} is not a number (digits, '-' and '.' only, as in -1250.5)"


def plain_number(text: str) -> float:
    """A number typed on the command line, `inputs.parse_decimal`'s way, with a hint for
    the decimal comma or thousands separator a spreadsheet user may type."""
    try:
        return inputs.parse_decimal(text)
    except ValueError:
        pass
    if _DECIMAL_COMMA.fullmatch(text):
        hint = f"write {text.replace(',', '.')} (a decimal point, not a comma)"
        if _GROUPED[","].fullmatch(text.lstrip("+-")):
            hint = f"write {text.replace(',', '')}, or {text.replace(',', '.')} for a decimal"
        raise ValueError(f"{text!r} is not a number: {hint}")
    if _GROUPED[","].fullmatch(text.lstrip("+-").split(".")[0]):
        raise ValueError(f"{text!r} is not a number: write {text.replace(',', '')}")
    raise ValueError(f"{text!r} is not a number (digits, '-' and '.' only, as in -1250.5)")


class DateReader:
    """Reads the date cells of an import: `reader(text)` -> date, or ValueError."""

    # What to do about a date in another form; `sync`, which has no --date-format, says its own.
    other_form = "pass --date-format for another form, as in --date-format %d/%m/%Y"

    def __init__(self, date_format: str | None) -> None:
        self.date_format = date_format
        self.seen: dict[str, date] = {}  # an export repeats each day (segments, metrics)

    def __call__(self, text: str) -> date:
        day = self.seen.get(text)
        if day is None:
            day = self.seen[text] = self._read(text)
        return day

    def _read(self, text: str) -> date:
        try:
            return self._day(text)
        except ValueError:
            head, _, tail = text.rpartition(" ")
            if not head or _TIME.fullmatch(tail) is None:
                raise
        if _MIDNIGHT.fullmatch(tail) is None:
            raise ValueError(_time_of_day(text, tail))
        return self._day(head.rstrip())

    def _day(self, text: str) -> date:
        if self.date_format is None:
            if len(text) == 10 and text[4] == "-":  # a date meant as ISO, or not a date
                return inputs.parse_day(text)
            raise ValueError(f"{text!r} is not YYYY-MM-DD; {self.other_form}")
        try:
            moment = datetime.strptime(text, self.date_format)
        except ValueError:
            raise ValueError(f"{text!r} does not match --date-format {self.date_format}") from None
        if moment.time() != time():
            raise ValueError(_time_of_day(text, moment.time().isoformat()))
        return moment.date()


def _time_of_day(text: str, at: str) -> str:
    return f"{text!r} has a time of day ({at}); a reading is for a whole day: give midnight or none"


def check_date_format(date_format: str) -> str:
    """`--date-format`, refused unless strptime reads a year, month and day with it."""
    directives = set(_DIRECTIVE.findall(date_format))
    has_day = "j" in directives or ("d" in directives and directives & {"m", "b", "B"})
    if not directives & {"Y", "y"} or not has_day:
        raise UsageError(
            f"--date-format {date_format!r} needs a year, a month and a day as strptime "
            "writes them, as in %d/%m/%Y (21/11/2026) or %m/%d/%Y (11/21/2026)"
        )
    sample = datetime(2026, 11, 21)
    try:
        if datetime.strptime(sample.strftime(date_format), date_format) != sample:
            raise ValueError("does not read back")
    except ValueError as exc:
        raise UsageError(f"--date-format {date_format!r} cannot be used: {exc}") from None
    return date_format
