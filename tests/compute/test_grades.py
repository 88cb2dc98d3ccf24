"""The grade sheet grades as the report does at the period's end, for every row of the example."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxokr.compute import grades, report
from cxokr.load import workspace

EXAMPLE = Path(__file__).parent.parent.parent / "examples" / "retail-cx"


@pytest.mark.parametrize("period", ["2026-Q4", "2026"])
def test_the_sheet_and_the_report_grade_the_example_alike(period: str) -> None:
    ws = workspace.load(EXAMPLE)
    end = ws.periods[period].end
    built = report.build(ws, end, report.Filters(period=period))
    sheet = grades.grade_sheet(ws, period, end)
    assert sheet.final and sheet.objectives
    for objective in sheet.objectives:
        row = built.objective(objective.ref)
        assert (objective.grade, objective.band) == (row.grade, row.band), objective.ref
        found = [(kr.grade, kr.band) for kr in objective.key_results]
        assert found == [(kr.grade, kr.band) for kr in row.key_results], objective.ref
