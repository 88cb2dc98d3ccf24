"""A kept report, written and read back, renders byte for byte as the report computed."""

from __future__ import annotations

import io
from datetime import date

import msgspec
import pytest

from benchmarks.generate import generate
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


def summarised(report: Report) -> str:
    out = io.StringIO()
    text.render(report, out, width=100)
    return out.getvalue()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Report:
    """A generated organization (benchmarks/generate.py) with more key results than the text
    report shows one by one."""
    root = tmp_path_factory.mktemp("generated")
    generate(root, 30)
    found = build(load(root), date(2026, 11, 20), Filters())
    assert found.key_result_count() > text.DETAIL_LIMIT
    return found


def test_a_read_back_objective_reads_its_key_results_when_first_asked() -> None:
    report = computed(date(2026, 11, 20))
    again = read_back(report)
    for kept, objective in zip(again.objectives, report.objectives, strict=True):
        assert "key_results" not in vars(kept)
        assert kept.key_result_count() == len(objective.key_results)
        assert "key_results" not in vars(kept)  # counted from what was written
        found = kept.key_results
        assert type(found) is tuple and vars(kept)["key_results"] is found
        assert kept.key_results is found  # read once
        assert [kr.ref for kr in found] == [kr.ref for kr in objective.key_results]
        assert kept.key_result_count() == len(objective.key_results)


@pytest.mark.parametrize("filters", [Filters(), Filters(team="ecommerce", segment="online")])
def test_a_reports_key_result_count_is_how_many_key_results_it_lists(filters: Filters) -> None:
    report = computed(date(2026, 11, 20), filters)
    assert any(o.context for o in report.objectives) == bool(filters.team)
    assert report.key_result_count() == len(report.key_results())
    assert read_back(report).key_result_count() == len(report.key_results())


def test_a_summarised_report_read_back_reads_only_the_key_results_it_shows(
    generated: Report,
) -> None:
    again = read_back(generated)
    assert summarised(again) == summarised(generated)
    assert "Summary of" in summarised(generated)
    unread = [o for o in again.objectives if "key_results" not in vars(o)]
    assert len(unread) == len(again.objectives)
    assert rendered(read_back(generated)) == rendered(generated)


@pytest.mark.parametrize("count", [0, 3, 15, 16, 65535, 65536])
def test_a_written_arrays_items_are_counted_from_its_header(count: int) -> None:
    raw = msgspec.Raw(msgspec.msgpack.encode([None] * count))
    assert kept_report._count(raw) == count


@pytest.mark.parametrize("body", [b"", b"\xc0", b"\xdc\x01", b"\x80"])
def test_bytes_that_are_no_array_are_not_counted(body: bytes) -> None:
    with pytest.raises(ValueError):
        kept_report._count(msgspec.Raw(body))
