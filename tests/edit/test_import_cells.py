"""Value and date cells as spreadsheets write them: decimal marks, thousands, units, times."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxokr.edit.import_cells import DateReader, NumberReader, check_date_format, plain_number
from cxokr.errors import UsageError


@pytest.mark.parametrize(
    ("decimal", "unit", "text", "value"),
    [
        (None, None, "-1250.5", -1250.5),
        (None, None, "6.1E1", 61.0),
        (None, None, "1,250.5", 1250.5),
        (None, None, "12,500,000", 12_500_000.0),
        (".", None, "1,500", 1500.0),
        (",", None, "61,2", 61.2),
        (",", None, "-1.234.567,8", -1_234_567.8),
        (",", None, "1 234,5", 1234.5),
        (",", None, "1\u00a0234,5", 1234.5),
        (",", None, "1\u202f234,5", 1234.5),
        (",", None, "1'234,5", 1234.5),
        (",", None, "1.500", 1500.0),
        (",", None, "6,1E1", 61.0),
        (None, "%", "12.5%", 12.5),
        (",", "%", "12,5 %", 12.5),
        (None, "USD", "$1,234.50", 1234.5),
        (None, "USD", "-$5", -5.0),
        (None, "usd", "$-5", -5.0),
        (None, "$", "5 USD", 5.0),
        (",", "EUR", "61,20 €", 61.2),
        (",", "€", "EUR 61,20", 61.2),
        (None, "GBP", "£3", 3.0),
    ],
)
def test_a_value_reads_as_its_format_and_unit_allow(
    decimal: str | None, unit: str | None, text: str, value: float
) -> None:
    assert NumberReader(decimal, "aov", unit)(text) == value


@pytest.mark.parametrize(
    ("decimal", "unit", "text", "message"),
    [
        (
            None,
            None,
            "1,500",
            "'1,500' is ambiguous: 1500 with a thousands comma, or 1.500 with a decimal comma; pass --decimal . or --decimal ,",
        ),
        (None, None, "1,5", "'1,5' has a decimal comma; pass --decimal , (or write 1.5)"),
        (
            ",",
            None,
            "1.5",
            "'1.5' has a decimal point, but with --decimal , a point only separates thousands (1.250,5); write 1,5",
        ),
        (
            ",",
            None,
            "1.234 567,8",
            "'1.234 567,8' is not a number (with --decimal ,: digits, '-', a decimal comma, and '.', a space or ' between thousands, as in -1.250,5)",
        ),
        (
            ",",
            None,
            "1,2,3",
            "'1,2,3' is not a number (with --decimal ,: digits, '-', a decimal comma, and '.', a space or ' between thousands, as in -1.250,5)",
        ),
        (
            None,
            None,
            "12,34,567",
            "'12,34,567' is not a number (digits, '-' and '.' only, as in -1250.5)",
        ),
        (
            None,
            "points",
            "45%",
            "'45%' carries '%', but aov is measured in points; write the number alone",
        ),
        (None, None, "€5", "'€5' carries '€', but aov has no unit; write the number alone"),
        (
            None,
            "USD",
            "5 EUR",
            "'5 EUR' carries 'EUR', but aov is measured in USD; write the number alone",
        ),
        (None, "%", "%12", "'%12' carries '%', but aov is measured in %; write the number alone"),
        (None, None, "nan", "'nan' is not a number (digits, '-' and '.' only, as in -1250.5)"),
        (None, None, "", "'' is not a number (digits, '-' and '.' only, as in -1250.5)"),
        (None, None, "-", "'-' is not a number (digits, '-' and '.' only, as in -1250.5)"),
    ],
)
def test_a_value_that_does_not_read_one_way_is_refused(
    decimal: str | None, unit: str | None, text: str, message: str
) -> None:
    with pytest.raises(ValueError) as caught:
        NumberReader(decimal, "aov", unit)(text)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("date_format", "text", "day"),
    [
        (None, "2026-11-21", date(2026, 11, 21)),
        (None, "2026-11-21 00:00:00", date(2026, 11, 21)),
        (None, "2026-11-21 00:00", date(2026, 11, 21)),
        ("%d/%m/%Y", "21/11/2026", date(2026, 11, 21)),
        ("%d/%m/%Y", "21/11/2026 00:00:00", date(2026, 11, 21)),
        ("%m/%d/%y", "11/21/26", date(2026, 11, 21)),
        ("%d.%m.%Y %H:%M", "21.11.2026 00:00", date(2026, 11, 21)),
    ],
)
def test_a_date_reads_in_its_form_with_a_midnight_time(
    date_format: str | None, text: str, day: date
) -> None:
    assert DateReader(date_format)(text) == day


@pytest.mark.parametrize(
    ("date_format", "text", "message"),
    [
        (
            None,
            "2026-11-21 09:30:00",
            "'2026-11-21 09:30:00' has a time of day (09:30:00); a reading is for a whole day: give midnight or none",
        ),
        (
            "%d.%m.%Y %H:%M",
            "21.11.2026 09:30",
            "'21.11.2026 09:30' has a time of day (09:30); a reading is for a whole day: give midnight or none",
        ),
        (
            None,
            "21/11/2026",
            "'21/11/2026' is not YYYY-MM-DD; pass --date-format for another form, as in --date-format %d/%m/%Y",
        ),
        (None, "2026-13-01", "'2026-13-01' is not a valid date (month must be in 1..12)"),
        ("%d/%m/%Y", "2026-11-21", "'2026-11-21' does not match --date-format %d/%m/%Y"),
    ],
)
def test_a_date_that_does_not_fit_is_refused(
    date_format: str | None, text: str, message: str
) -> None:
    with pytest.raises(ValueError) as caught:
        DateReader(date_format)(text)
    assert str(caught.value) == message


@pytest.mark.parametrize("date_format", ["%d/%m/%Y", "%Y%m%d", "%j/%Y", "%d %b %Y"])
def test_a_date_format_with_a_year_month_and_day_is_taken(date_format: str) -> None:
    assert check_date_format(date_format) == date_format


@pytest.mark.parametrize("date_format", ["dd/mm/yyyy", "%m/%Y", "%d/%m"])
def test_a_date_format_without_a_full_date_is_refused(date_format: str) -> None:
    with pytest.raises(UsageError, match="needs a year, a month and a day"):
        check_date_format(date_format)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("61,2", "'61,2' is not a number: write 61.2 (a decimal point, not a comma)"),
        ("-61,2", "'-61,2' is not a number: write -61.2 (a decimal point, not a comma)"),
        ("61,200", "'61,200' is not a number: write 61200, or 61.200 for a decimal"),
        ("1,234.5", "'1,234.5' is not a number: write 1234.5"),
        ("5_000", "'5_000' is not a number (digits, '-' and '.' only, as in -1250.5)"),
    ],
)
def test_a_number_on_the_command_line_hints_at_the_decimal_point(text: str, message: str) -> None:
    assert plain_number("61.2") == 61.2
    with pytest.raises(ValueError) as caught:
        plain_number(text)
    assert str(caught.value) == message


CELL = st.text(alphabet=st.sampled_from("0123456789,.-+ eE%€$£'\u00a0:/TZ"), max_size=16)


@settings(max_examples=400, deadline=None)
@given(
    CELL,
    st.sampled_from([None, ".", ","]),
    st.sampled_from([None, "%", "USD", "€", "points"]),
)
def test_any_value_cell_reads_as_a_number_or_says_why_not(
    text: str, decimal: str | None, unit: str | None
) -> None:
    try:
        value = NumberReader(decimal, "aov", unit)(text)
    except ValueError as exc:
        assert repr(text) in str(exc)
    else:
        assert isinstance(value, float)


@settings(max_examples=400, deadline=None)
@given(CELL, st.sampled_from([None, "%d/%m/%Y", "%d.%m.%Y %H:%M", "%Y%m%d"]))
def test_any_date_cell_reads_as_a_day_or_says_why_not(text: str, date_format: str | None) -> None:
    try:
        day = DateReader(date_format)(text)
    except ValueError as exc:
        assert repr(text) in str(exc) or "date" in str(exc)
    else:
        assert isinstance(day, date)
