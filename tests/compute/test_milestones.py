"""An unfinished milestone (`type: done`, no `due`) is due on its period's last day.

Before that day no pace can say a milestone is behind (it is 0 until it is 1), so
its status is the owner's latest confidence in the usual bands: 0.7 and above on
track, 0.4 and above at risk, below off track; on track without one. From its due
day it is off track until done. Milestones the owner is confident about therefore
stay out of "needs attention"; a neglected one still shows there as stale.
"""

from __future__ import annotations

from datetime import date

import pytest

from cxokr.compute import explain, report
from cxokr.compute import progress as calc
from cxokr.compute.progress import Status
from cxokr.compute.report_data import KrRow, Report
from cxokr.load import workspace
from cxokr.model import Period
from tests.conftest import WriteFiles

Q4 = Period(id="2026-Q4", start=date(2026, 10, 1), end=date(2026, 12, 31))
NOV_20 = date(2026, 11, 20)
END = date(2026, 12, 31)
REF = "2026-Q4:ecommerce/ship-bundles/live"

OKRS = {
    "okrs/2026-Q4/ecommerce.yaml": """
        objectives:
          - id: ship-bundles
            title: Bundles are live
            key_results:
              - id: live
                title: Bundles live on 3 pages
                type: done
    """,
}


def files(*checkins: str) -> dict[str, str | bytes | None]:
    return {**OKRS, "checkins/2026-Q4/ecommerce.yaml": "".join(f"{c}\n" for c in checkins)}


def checkin(day: str, value: int, confidence: float) -> str:
    return (
        f'- {{"kr": "ship-bundles/live", "date": "{day}", "value": {value}, '
        f'"confidence": {confidence}}}'
    )


def key_result(make_ws: WriteFiles, as_of: date, *checkins: str) -> tuple[Report, KrRow]:
    built = report.build(workspace.load(make_ws(files(*checkins))), as_of)
    return built, built.objective("2026-Q4:ecommerce/ship-bundles").key_results[0]


# --- The rule ---------------------------------------------------------------------------------


def test_a_milestone_is_expected_on_its_period_s_last_day() -> None:
    assert calc.milestone_expected(Q4, NOV_20) == 0.0
    assert calc.milestone_expected(Q4, date(2026, 12, 30)) == 0.0
    assert calc.milestone_expected(Q4, END) == 1.0
    assert calc.milestone_expected(Q4, date(2027, 1, 15)) == 1.0


@pytest.mark.parametrize(
    ("progress", "expected", "confidence", "status"),
    [
        (1.0, 0.0, 0.2, Status.DONE),
        (1.0, 1.0, None, Status.DONE),
        (0.0, 0.0, None, Status.ON_TRACK),
        (None, 0.0, None, Status.ON_TRACK),  # no value before it is due: not "no data"
        (0.0, 0.0, 0.7, Status.ON_TRACK),
        (0.0, 0.0, 0.6999999999999999, Status.ON_TRACK),  # shown 0.70
        (0.0, 0.0, 0.69, Status.AT_RISK),
        (0.0, 0.0, 0.4, Status.AT_RISK),
        (0.0, 0.0, 0.39, Status.OFF_TRACK),
        (0.0, 1.0, 0.9, Status.OFF_TRACK),  # due and not done, however confident
        (None, 1.0, None, Status.OFF_TRACK),
    ],
)
def test_milestone_status(
    progress: float | None, expected: float, confidence: float | None, status: Status
) -> None:
    assert calc.milestone_status(progress, expected, confidence) is status


# --- In the report ----------------------------------------------------------------------------


def test_a_confident_unfinished_milestone_is_on_track_and_needs_no_attention(
    make_ws: WriteFiles,
) -> None:
    built, kr = key_result(make_ws, NOV_20, checkin("2026-11-10", 0, 0.8))
    assert (kr.progress, kr.expected, kr.pace, kr.status) == (0.0, 0.0, None, Status.ON_TRACK)
    assert [a for a in built.attention if a.ref == REF] == []


def test_a_doubtful_unfinished_milestone_is_at_risk_or_off_track_by_its_confidence(
    make_ws: WriteFiles,
) -> None:
    built, kr = key_result(make_ws, NOV_20, checkin("2026-11-10", 0, 0.5))
    assert kr.status is Status.AT_RISK
    assert [(a.kind, a.detail) for a in built.attention if a.ref == REF] == [
        ("at risk", "confidence 0.5")
    ]
    built, kr = key_result(make_ws, NOV_20, checkin("2026-11-10", 0, 0.3))
    assert kr.status is Status.OFF_TRACK


def test_an_objective_of_a_milestone_not_yet_due_expects_nothing_and_is_on_track(
    make_ws: WriteFiles,
) -> None:
    # Its expected progress is its key results' (DESIGN §2.3): the milestone's 0 until its due
    # day, not the elapsed 51/92 of the quarter that made it "off track" with pace 0.
    built, _ = key_result(make_ws, NOV_20, checkin("2026-11-10", 0, 0.8))
    row = built.objective("2026-Q4:ecommerce/ship-bundles")
    assert (row.progress, row.expected, row.pace, row.status) == (0.0, 0.0, None, Status.ON_TRACK)
    team = next(t for t in built.teams if t.id == "ecommerce")
    assert team.expected == 0.0
    ws = workspace.load(make_ws(files(checkin("2026-11-10", 0, 0.8))))
    lines = list(explain.explain(ws, "ecommerce/ship-bundles", NOV_20))
    assert "  expected  its terms' expected, weighted: (0×1) / 1 = 0" in lines
    # On its due day it expects 1 and is off track until done.
    built, _ = key_result(make_ws, END, checkin("2026-12-20", 0, 0.9))
    row = built.objective("2026-Q4:ecommerce/ship-bundles")
    assert (row.expected, row.pace, row.status) == (1.0, 0.0, Status.OFF_TRACK)


def test_a_milestone_without_a_word_is_on_track_but_stale(make_ws: WriteFiles) -> None:
    built, kr = key_result(make_ws, NOV_20)
    assert (kr.progress, kr.status, kr.stale) == (None, Status.ON_TRACK, True)
    assert [a.kind for a in built.attention if a.ref == REF] == ["stale"]


def test_an_unfinished_milestone_is_off_track_on_its_due_day(make_ws: WriteFiles) -> None:
    _, kr = key_result(make_ws, END, checkin("2026-12-20", 0, 0.9))
    assert (kr.expected, kr.pace, kr.status) == (1.0, 0.0, Status.OFF_TRACK)
    _, kr = key_result(make_ws, END, checkin("2026-12-20", 1, 0.9))
    assert kr.status is Status.DONE


def test_explain_says_why_a_milestone_has_its_status(make_ws: WriteFiles) -> None:
    ws = workspace.load(make_ws(files(checkin("2026-11-10", 0, 0.5))))
    lines = list(explain.explain(ws, "ecommerce/ship-bundles/live", NOV_20))
    assert "  expected  due on 2026-12-31, the last day of 2026-Q4: 0" in lines
    assert (
        "  status    at risk: due 2026-12-31, the owner's confidence 0.5 is yellow "
        "(0.7–1.0 on track, 0.4–0.7 at risk, below off track)"
    ) in lines
    lines = list(explain.explain(ws, "ecommerce/ship-bundles/live", END))
    assert "  status    off track: not done by its due day, 2026-12-31" in lines
