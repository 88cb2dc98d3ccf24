"""Sync's core: which metrics, from which day, and each row of a query checked as import
checks one (the rows as engines return them: dates, datetimes, Decimals, text)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from cxokr.edit import sync
from cxokr.edit.sync import EARLIEST, Fetch, MetricSync
from cxokr.errors import UsageError
from cxokr.load.workspace import Workspace, load
from tests.conftest import WriteFiles

SYNCED = {
    "cxokr.yaml": """
        organization: Acme Retail
        periods:
          - {id: 2026, start: 2026-01-01, end: 2026-12-31}
          - {id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}
        connections:
          exports: {url: "duckdb:"}
    """,
    "metrics/aov.yaml": """
        name: Average order value
        unit: USD
        direction: higher
        segments: [online, in-store]
        sync:
          connection: exports
          query: select * from read_csv('orders.csv') where date >= :since
    """,
    "metrics/nps.yaml": """
        name: Net Promoter Score
        unit: points
        direction: higher
    """,
}
TODAY = date(2026, 11, 29)
AT = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)


@pytest.fixture
def ws(make_ws: WriteFiles) -> Workspace:
    return load(make_ws(SYNCED))


def planned(ws: Workspace, columns: tuple[str, ...], *rows: tuple[Any, ...]) -> MetricSync:
    fetched = Fetch("aov", date(2026, 11, 21), columns, list(rows))
    return sync.plan(ws, fetched, by="etl@acme.example", today=TODAY, at=AT)


def test_targets_are_the_metrics_with_sync_unless_named(ws: Workspace) -> None:
    assert sync.targets(ws, []) == ["aov"]
    assert sync.targets(ws, ["aov", "aov"]) == ["aov"]


def test_an_unknown_metric_is_refused_with_the_closest_name(ws: Workspace) -> None:
    with pytest.raises(
        UsageError, match=r"^no metric 'aovv' in metrics/ \(did you mean 'aov'\?\)$"
    ):
        sync.targets(ws, ["aovv"])


def test_a_named_metric_without_sync_is_refused(ws: Workspace) -> None:
    with pytest.raises(UsageError) as raised:
        sync.targets(ws, ["nps"])
    assert str(raised.value) == "nps has no sync: block in metrics/nps.yaml (metrics with one: aov)"


def test_since_is_the_day_after_the_newest_reading_or_the_earliest(ws: Workspace) -> None:
    assert sync.since_for(ws, "aov") == date(2026, 11, 21)  # the base holds 2026-11-20
    assert sync.since_for(ws, "nps") == EARLIEST == date(1900, 1, 1)


def test_rows_of_every_type_an_engine_returns_become_readings(ws: Workspace) -> None:
    result = planned(
        ws,
        ("DATE", "Value", "segment", "source", "note"),
        (date(2026, 11, 21), Decimal("61.50"), "online", "shop", "ignored"),
        (datetime(2026, 11, 22), 62, "In-Store", None, None),
        ("2026-11-23", "63.25", "online", "", None),
        ("2026-11-24T00:00:00", 64.0, None, None, None),
    )
    assert result.rejected == [] and result.error is None
    assert [r.entry for r in result.added] == [
        {"date": "2026-11-21", "value": 61.5, "segment": "online", "source": "shop",
         "by": "etl@acme.example", "at": "2026-11-29T02:00:00Z"},
        {"date": "2026-11-22", "value": 62.0, "segment": "in-store",
         "by": "etl@acme.example", "at": "2026-11-29T02:00:00Z"},
        {"date": "2026-11-23", "value": 63.25, "segment": "online",
         "by": "etl@acme.example", "at": "2026-11-29T02:00:00Z"},
        {"date": "2026-11-24", "value": 64.0,
         "by": "etl@acme.example", "at": "2026-11-29T02:00:00Z"},
    ]  # fmt: skip
    assert result.days == ("2026-11-21", "2026-11-24")


def test_readings_already_held_and_repeated_rows_are_not_added_again(ws: Workspace) -> None:
    result = planned(
        ws,
        ("date", "value", "segment"),
        (date(2026, 11, 20), Decimal("61.2"), "online"),  # the base's reading
        (date(2026, 11, 21), 60.0, "online"),
        (date(2026, 11, 21), 60.0, "online"),
    )
    assert result.present == 2
    assert [r.entry["date"] for r in result.added] == ["2026-11-21"]


@pytest.mark.parametrize(
    ("row", "why"),
    [
        ((date(2026, 11, 21), 1.0, "kiosk"), "aov has no segment 'kiosk' (declared: online, in-store)"),
        ((date(2026, 11, 21), float("nan"), None), "the value must be a finite number"),
        ((date(2026, 11, 21), Decimal("Infinity"), None), "the value must be a finite number"),
        ((date(2026, 11, 21), None, None), "value is empty (NULL)"),
        ((date(2026, 11, 21), "61,5", None), "value '61,5' is not a number: write 61.5 (a decimal point, not a comma)"),
        ((date(2026, 11, 21), True, None), "value True is not a number"),
        ((None, 1.0, None), "date is empty (NULL)"),
        ((20261121, 1.0, None), "date 20261121 is no date"),
        (("21/11/2026", 1.0, None), "date '21/11/2026' is not YYYY-MM-DD; return a date, or cast it to one in the query"),
        ((datetime(2026, 11, 21, 9, 30), 1.0, None), "date '2026-11-21 09:30:00' has a time of day (09:30:00); a reading is for a whole day: give midnight or none"),
        ((date(2026, 12, 25), 1.0, None), "2026-12-25 is in the future"),
    ],
)  # fmt: skip
def test_a_bad_row_is_named_and_nothing_is_added(
    ws: Workspace, row: tuple[Any, ...], why: str
) -> None:
    good = (date(2026, 11, 22), 60.0, "online")
    result = planned(ws, ("date", "value", "segment"), good, row)
    assert result.rejected == [f"row 2: {why}"]
    assert result.added == [] and result.failed


def test_a_metric_gone_while_its_query_ran_fails_alone(ws: Workspace) -> None:
    fetched = Fetch("csat", EARLIEST, ("date", "value"), [(date(2026, 11, 22), 1.0)])
    result = sync.plan(ws, fetched, by=None, today=TODAY, at=AT)
    assert result.error == "metrics/csat.yaml no longer holds a valid metric"
    assert result.added == [] and result.failed


def test_a_row_of_nulls_is_skipped_as_import_skips_empty_rows(ws: Workspace) -> None:
    result = planned(ws, ("date", "value"), (None, None), (date(2026, 11, 22), 1.0))
    assert result.rejected == [] and len(result.added) == 1


@pytest.mark.parametrize(
    ("columns", "why"),
    [
        (("day", "value"), "the query returns no date column (its columns: day, value); name "
         "them with AS, as in select day as date, avg(amount) as value"),
        (("x",), "the query returns no date and no value column (its columns: x); name them "
         "with AS, as in select day as date, avg(amount) as value"),
        (("date", "Date", "value"), "the query returns date more than once (names ignore case)"),
    ],
)  # fmt: skip
def test_columns_a_reading_cannot_come_from_are_refused(columns: tuple[str, ...], why: str) -> None:
    assert sync._columns_error(columns) == why


def test_lines_say_what_each_metric_gained(ws: Workspace) -> None:
    result = planned(
        ws,
        ("date", "value", "segment"),
        (date(2026, 11, 20), 61.2, "online"),
        (date(2026, 11, 21), 60.0, "online"),
        (date(2026, 11, 22), 60.0, "online"),
    )
    assert sync.lines(result, dry_run=False) == [
        "aov: 2 readings added, 2026-11-21 to 2026-11-22; 1 already held"
    ]
    assert sync.lines(result, dry_run=True) == [
        "aov: 2 readings would be added, 2026-11-21 to 2026-11-22; 1 already held"
    ]
    assert sync.message([result, MetricSync("nps")]) == "sync: aov +2"


def test_a_commit_of_many_metrics_says_how_many_and_lists_each_below(ws: Workspace) -> None:
    one = planned(ws, ("date", "value", "segment"), (date(2026, 11, 22), 60.0, "online"))
    plans = [MetricSync(f"m{n}", added=one.added * 300) for n in range(6)]
    assert sync.message(plans) == (
        "sync: 1,800 readings to 6 metrics\n\nm0 +300\nm1 +300\nm2 +300\nm3 +300\nm4 +300\nm5 +300"
    )


def test_lines_list_the_first_bad_rows_and_how_many_more(ws: Workspace) -> None:
    rows = [(date(2026, 11, 21), None)] * 12
    result = planned(ws, ("date", "value"), *rows)
    shown = sync.lines(result, dry_run=False)
    assert shown[0] == "error: aov: row 1: value is empty (NULL)"
    assert shown[-2:] == [
        "error: aov: ... and 2 more bad rows",
        "error: aov: nothing written: 12 bad rows; fix the query or its data",
    ]
    assert len(shown) == 12


def test_a_log_past_its_size_limit_fails_its_metric_alone(
    ws: Workspace, make_ws: WriteFiles
) -> None:
    from cxokr import yamlio

    root = ws.root
    full = b"#" * (yamlio.MAX_LOG_BYTES - 10) + b"\n"
    (root / "readings" / "nps.yaml").write_bytes(full)
    aov = planned(ws, ("date", "value", "segment"), (date(2026, 11, 22), 60.0, "online"))
    nps = sync.plan(
        ws, Fetch("nps", EARLIEST, ("date", "value"), [(date(2026, 11, 22), 41.0)]),
        by=None, today=TODAY, at=AT,
    )  # fmt: skip
    appended = sync.write(root, [aov, nps])
    assert list(appended) == [root / "readings" / "aov.yaml"]
    assert nps.error is not None and nps.error.startswith("refusing to append")
    assert nps.exit_code == 2 and nps.added == []
    assert (root / "readings" / "nps.yaml").read_bytes() == full


def test_summary_counts_readings_metrics_and_failures() -> None:
    done = MetricSync("aov", added=[])
    failed = MetricSync("nps", error="cannot connect")
    assert sync.summary([done], dry_run=False) == "nothing new from 1 metric"
    assert sync.summary([done, failed], dry_run=True) == (
        "nothing new from 2 metrics; 1 failed (nps); nothing written (--dry-run)"
    )
