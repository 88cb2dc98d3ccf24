"""A kept report, written and read back, renders byte for byte as the report computed."""

from __future__ import annotations

import io
from datetime import date

import pytest

from cxokr.cli import kept_report
from cxokr.compute.report import Filters, Report, build
from cxokr.load.workspace import load
from cxokr.render import csv_report, markdown, report_json, text
from tests.paths import REPO

EXAMPLE = REPO / "examples" / "retail-cx"


def computed(day: date, filters: Filters | None = None) -> Report:
    return build(load(EXAMPLE), day, filters or Filters())


def read_back(report: Report) -> Report:
    found = kept_report.read(kept_report.body(kept_report.KeptReport(report, ("a",), ("b",))))
    assert found is not None
    assert (found.early, found.late) == (("a",), ("b",))
    return found.report


def rendered(report: Report) -> list[str]:
    full = io.StringIO()
    text.render(report, full, width=100, full=True)
    return [
        report_json.render(report),
        csv_report.render(report),
        markdown.render(report, True),
        full.getvalue(),
    ]


@pytest.mark.parametrize(
    "day", [date(2026, 11, 20), date(2026, 10, 2), date(2026, 9, 30), date(2026, 12, 31)]
)
def test_a_report_read_back_renders_as_the_report_computed(day: date) -> None:
    report = computed(day)
    assert rendered(read_back(report)) == rendered(report)


def test_a_filtered_report_read_back_keeps_its_filters() -> None:
    report = computed(date(2026, 11, 20), Filters(team="ecommerce", segment="online"))
    again = read_back(report)
    assert again.filters == report.filters
    assert rendered(again) == rendered(report)


def test_a_read_back_series_lays_out_and_forecasts_as_computed() -> None:
    report = computed(date(2026, 11, 20))
    again = read_back(report)
    for kr, kept in zip(report.key_results(), again.key_results(), strict=True):
        assert list(kept.series) == list(kr.series)
        assert kept.series.latest() == kr.series.latest()
        assert kept.forecast_value == kr.forecast_value
        assert kept.breached_days == kr.breached_days


@pytest.mark.parametrize("body", [b"", b"\x93\x01\x02", b"not msgpack at all"])
def test_bytes_that_are_no_kept_report_read_as_none(body: bytes) -> None:
    assert kept_report.read(body) is None
