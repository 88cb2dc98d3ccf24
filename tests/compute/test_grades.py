"""The grade sheet grades as the report does at the period's end, for every row of the example
and of the hand-computed workspace of every key result form (FORMS, `test_kr_rows`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cxokr.compute import grades, report
from cxokr.load import workspace
from cxokr.render import grades as render_grades
from tests.compute.test_kr_rows import FORMS
from tests.compute.test_report import approx
from tests.conftest import write_files

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


# --- The key result forms of the hand-computed workspace FORMS, graded at 2026-Q4's end ---
# On 2026-12-31: online AOV 63 (11-25); handbook 2 of 4 items; heard 0.6; subscribers 2000.

END = date(2026, 12, 31)
RETRO = "        owner: [mia, noor]\n        grade: 0.6\n        retro: Bundles landed; the ad slipped\n"


@pytest.fixture
def forms(tmp_path: Path) -> workspace.Workspace:
    files = dict(FORMS)
    okrs = files["okrs/2026-Q4/marketing.yaml"]
    assert isinstance(okrs, str)
    files["okrs/2026-Q4/marketing.yaml"] = okrs.replace("        owner: [mia, noor]\n", RETRO)
    return workspace.load(write_files(tmp_path / "ws", files))


@pytest.fixture
def sheet(forms: workspace.Workspace) -> grades.GradeSheet:
    return grades.grade_sheet(forms, "2026-Q4", END)


def _season(sheet: grades.GradeSheet) -> grades.ObjectiveGrade:
    return next(o for o in sheet.objectives if o.ref == "2026-Q4:marketing/launch-season")


def _krs(sheet: grades.GradeSheet) -> dict[str, grades.KrGrade]:
    return {kr.id: kr for kr in _season(sheet).key_results}


def test_checklists_scores_and_schedules_grade_as_their_clamped_progress(
    sheet: grades.GradeSheet,
) -> None:
    krs = _krs(sheet)
    assert krs["aov-plus"].grade == approx(1)  # (63 - 56) / (61.6 - 56) = 1.25, clamped
    assert krs["aov-first"].grade == approx(0.9)  # (63 - 58.5) / (63.5 - 58.5)
    assert (krs["handbook"].grade, krs["handbook"].band) == (approx(0.5), "yellow")  # 2 / 4
    assert (krs["heard"].grade, krs["heard"].band) == (approx(0.6), "yellow")  # the score
    assert (krs["subscribers"].grade, krs["subscribers"].band) == (approx(1 / 3), "red")
    assert krs["go-live"].grade is None  # a milestone never done: no data
    assert krs["nps-up"].grade == approx(0)  # 36 of 36 to 39.6


def test_a_key_result_dropped_alone_keeps_its_grade_out_of_its_objectives(
    sheet: grades.GradeSheet,
) -> None:
    tiktok = _krs(sheet)["tiktok"]
    assert (tiktok.grade, tiktok.state, tiktok.reason, tiktok.left_out) == (
        approx(0.02),  # 100 / 5000
        "dropped",
        "Holiday campaign first",
        "dropped alone",
    )
    # (1 + 0.9 + 0.5 + 0.6 + 1/3 + 0 + 0 + 1 (bundles) + 0 + 0) / 10, without tiktok's 0.02
    assert _season(sheet).grade == approx((4 + 1 / 3) / 10)  # 0.433333
    (team,) = [t for t in sheet.teams if t.id == "marketing"]
    assert (team.grade, team.objectives) == (approx((4 + 1 / 3) / 10), 1)  # old-site dropped


def test_a_share_grades_as_the_key_result_it_shares_and_counts_once(
    sheet: grades.GradeSheet,
) -> None:
    krs = _krs(sheet)
    shared = "2026-Q4:ecommerce/grow-basket/bundles-live"
    assert (krs["bundles-share"].grade, krs["bundles-share"].shares) == (approx(1), shared)
    assert krs["bundles-share"].left_out is None
    assert (krs["bundles-again"].shares, krs["bundles-again"].left_out) == (shared, "counted once")


def test_the_sheet_says_why_and_shows_the_retro_beside_the_teams_own_grade(
    sheet: grades.GradeSheet,
) -> None:
    lines = render_grades.render(sheet).splitlines()
    assert "marketing                0.43 yellow  (team's own grade 0.60)" in lines
    assert (
        "  launch-season          0.43 yellow  (own grade 0.60; retro: Bundles landed; "
        "the ad slipped)"
    ) in lines
    assert (
        "    tiktok               0.02 red  [dropped alone: Holiday campaign first; "
        "not in its objective's grade]"
    ) in lines
    assert (
        "    bundles-again        1.00 green  [a share of 2026-Q4:ecommerce/grow-basket/"
        "bundles-live, counted once; not in its objective's grade]"
    ) in lines
    assert "  old-site               0.50 yellow [dropped: Replatforming first]" in lines


def test_the_sheet_and_the_report_grade_the_forms_alike(
    forms: workspace.Workspace, sheet: grades.GradeSheet
) -> None:
    built = report.build(forms, END, report.Filters(period="2026-Q4"))
    for objective in sheet.objectives:
        row = built.objective(objective.ref)
        assert (objective.grade, objective.band) == (row.grade, row.band), objective.ref
        found = [(kr.grade, kr.band) for kr in objective.key_results]
        assert found == [(kr.grade, kr.band) for kr in row.key_results], objective.ref
