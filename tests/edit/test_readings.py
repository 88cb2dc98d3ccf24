"""Planning an import: rows sorted into added, held and rejected; the one-line summary."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cxokr.edit import readings
from cxokr.edit.import_format import read_options
from cxokr.errors import UsageError
from cxokr.load import workspace
from tests.conftest import WriteFiles

TODAY = date(2026, 11, 28)


def plan(root: Path, text: str, **options: str) -> readings.ImportResult:
    ws = workspace.load(root)
    return readings.plan_import(
        ws, text, read_options(**options), metric="aov", by=None, today=TODAY
    )


def result(
    added: int = 0, present: int = 0, rejected: int = 0, metrics: int = 1
) -> readings.ImportResult:
    rows = [
        readings.NewReading(f"m{n % metrics}", {"date": "2026-11-01", "value": float(n)})
        for n in range(added)
    ]
    return readings.ImportResult(rows, present, [f"line {n}: bad" for n in range(rejected)])


@pytest.mark.parametrize(
    ("found", "options", "line"),
    [
        (result(added=3), {}, "3 readings added to m0"),
        (result(added=1), {}, "1 reading added to m0"),
        (result(added=3, metrics=2), {}, "3 readings added to 2 metrics (m0, m1)"),
        (result(added=4, metrics=4), {}, "4 readings added to 4 metrics"),
        (result(added=2, present=12), {}, "2 readings added to m0; 12 readings already held"),
        (result(present=12), {}, "nothing new: 12 readings already held"),
        (
            result(added=1, rejected=2),
            {},
            "nothing written: 2 bad rows; fix them, or pass --skip-invalid to import the other row",
        ),
        (result(rejected=1), {}, "nothing written: 1 bad row; fix it"),
        (result(rejected=2), {"skip_invalid": True}, "nothing written: 2 bad rows skipped"),
        (
            result(present=1, rejected=1),
            {"skip_invalid": True},
            "nothing new: 1 reading already held, 1 bad row skipped",
        ),
        (
            result(added=2, rejected=1),
            {"skip_invalid": True},
            "2 readings added to m0; 1 bad row skipped",
        ),
        (
            result(added=2),
            {"dry_run": True},
            "2 readings would be added to m0; nothing written (--dry-run)",
        ),
        (result(), {}, "nothing to import: the file has a header but no rows"),
    ],
)
def test_the_summary_says_one_true_thing(
    found: readings.ImportResult, options: dict[str, bool], line: str
) -> None:
    assert readings.summary(found, **options) == line


def test_a_row_equal_to_a_held_reading_is_held_not_added(make_ws: WriteFiles) -> None:
    found = plan(make_ws(), "date,value,segment\n2026-11-20,61.2,online\n2026-11-21,62,online\n")
    assert (len(found.added), found.present, found.rejected) == (1, 1, [])


def test_a_segment_matches_its_declared_spelling_ignoring_case(make_ws: WriteFiles) -> None:
    found = plan(make_ws(), "date,value,segment\n2026-11-20,61.2,ONLINE\n2026-11-21,62,In-Store\n")
    assert [r.entry["segment"] for r in found.added] == ["in-store"]  # the first is held
    assert found.present == 1


def test_headers_match_trimmed_and_ignoring_case_and_columns_map_them(make_ws: WriteFiles) -> None:
    text = " Tag ;AVG Order Value;Kanal\n2026-11-21;62,5;online\n"
    found = plan(
        make_ws(), text, columns='date=tag,value="avg order value",segment=KANAL', decimal=","
    )
    assert [r.entry["value"] for r in found.added] == [62.5]


def test_a_delimiter_given_wins_over_the_sniffed_one(make_ws: WriteFiles) -> None:
    found = plan(make_ws(), "date|value|segment\n2026-11-21|62|online\n", delimiter="|")
    assert len(found.added) == 1
    with pytest.raises(UsageError, match="the CSV header lacks date, value"):
        plan(make_ws(), "date|value|segment\n2026-11-21|62|online\n", delimiter=";")


def test_rows_without_a_segment_warn_once_per_metric(make_ws: WriteFiles) -> None:
    found = plan(make_ws(), "date,value\n2026-11-21,62\n2026-11-22,63\n")
    assert found.warnings == [
        "warning: 2 rows have no segment, but aov declares segments (online, in-store): "
        "no key result on one segment reads them"
    ]


def test_every_bad_row_is_named_by_its_line_in_the_file(make_ws: WriteFiles) -> None:
    text = 'date,value,source\n2026-11-21,x,a\n2026-11-22,62,"two\nlines"\n2026-11-23,y,b\n'
    found = plan(make_ws(), text)
    assert found.rejected == [
        "line 2: value 'x' is not a number (digits, '-' and '.' only, as in -1250.5)",
        "line 5: value 'y' is not a number (digits, '-' and '.' only, as in -1250.5)",
    ]


def test_rows_of_empty_cells_are_skipped(make_ws: WriteFiles) -> None:
    found = plan(make_ws(), "date;value;segment;;\n2026-11-21;62;online;;\n;;;;\n ; ;;;\n")
    assert (len(found.added), found.rejected) == (1, [])


def test_an_unknown_metric_option_is_refused_before_any_row(make_ws: WriteFiles) -> None:
    ws = workspace.load(make_ws())
    with pytest.raises(UsageError) as caught:
        readings.plan_import(ws, "date,value\n2026-11-21,1\n", metric="nps", by=None, today=TODAY)
    assert str(caught.value) == "no metric 'nps' in metrics/ (known: aov)"
