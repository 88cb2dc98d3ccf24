"""The report's figures, checked against arithmetic done by hand on one small workspace.

As of 2026-11-20 the quarter 2026-Q4 (2026-10-01..2026-12-31) is on day 51 of 92
(31 October days + 20), so 51/92 of it is expected; the year 2026 is on day 324
of 365 (304 days to the end of October + 20).
"""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cxokr.compute import report
from cxokr.compute.report import Filters
from cxokr.errors import UsageError
from cxokr.load.workspace import load
from cxokr.render import report_json
from cxokr.rules import checks
from tests.conftest import write_files

AS_OF = date(2026, 11, 20)
Q4_EXPECTED = 51 / 92
YEAR_EXPECTED = 324 / 365

FILES = {
    "cxokr.yaml": """
        organization: Acme Retail
        periods:
          - {id: 2026, start: 2026-01-01, end: 2026-12-31}
          - {id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}
        stale_after_days: 14
    """,
    "teams/company.yaml": "name: Executive team\nlevel: 1\n",
    "teams/cx.yaml": "name: CX leadership\nlevel: 2\nparent: company\n",
    "teams/ecommerce.yaml": "name: E-commerce\nlevel: 3\nparent: cx\n",
    "teams/support.yaml": "name: Support\nlevel: 3\nparent: cx\n",
    "metrics/aov.yaml": """
        name: Average order value
        unit: USD
        direction: higher
        segments: [online, in-store]
    """,
    "metrics/nps.yaml": "name: Net promoter score\nunit: points\ndirection: higher\n",
    "metrics/aht.yaml": "name: Average handle time\nunit: s\ndirection: lower\n",
    "metrics/wait.yaml": "name: Chat wait time\nunit: s\ndirection: lower\n",
    "metrics/lcp.yaml": "name: Checkout LCP\nunit: s\ndirection: lower\n",
    "metrics/csat.yaml": "name: Customer satisfaction\nunit: '%'\ndirection: higher\n",
    "okrs/2026/company.yaml": """
        objectives:
          - id: raise-aov
            title: Raise AOV 10% this year
            owner: ceo
            weight: 2
            key_results:
              - {id: aov, title: AOV 60 to 66, metric: aov, segment: online, start: 60, target: 66}
          - id: delight
            title: Customers recommend us
            owner: ceo
            key_results:
              - {id: nps, title: NPS 30 to 40, metric: nps, start: 30, target: 40}
          - id: new-stores
            title: Open two stores
            owner: ceo
            status: postponed
            key_results:
              - {id: opened, title: Two stores open, unit: count, start: 0, target: 2}
    """,
    "okrs/2026-Q4/cx.yaml": """
        objectives:
          - id: better-journeys
            title: Journeys without friction
            owner: ava
            aligns_to: 2026:company/raise-aov
            progress: aligned
    """,
    "okrs/2026-Q4/ecommerce.yaml": """
        objectives:
          - id: grow-basket
            title: Bigger baskets
            owner: dana
            weight: 2
            aligns_to: cx/better-journeys
            key_results:
              - {id: aov-online, title: Online AOV to 64, metric: aov, segment: online, target: 64, weight: 2}
              - {id: bundles-live, title: Bundles on 3 pages, unit: count, start: 0, target: 3, owner: lee}
          - id: fast-checkout
            title: A checkout that flies
            owner: dana
            aligns_to: cx/better-journeys
            key_results:
              - {id: lcp-guard, title: LCP under 2.5 s, metric: lcp, type: stay_below, target: 2.5}
              - {id: launch, title: New checkout live, type: done, owner: kim, unit: count}
          - id: legacy-coupons
            title: Retire legacy coupons
            owner: dana
            status: dropped
            aligns_to: cx/better-journeys
            key_results:
              - {id: coupon-usage, title: Coupon usage 10 to 20%, unit: '%', start: 10, target: 20}
    """,
    "okrs/2026-Q4/support.yaml": """
        objectives:
          - id: faster-answers
            title: Answers without waiting
            owner: sam
            aligns_to: cx/better-journeys
            key_results:
              - {id: aht-down, title: AHT 300 to 240 s, metric: aht, start: 300, target: 240}
              - {id: wait-cap, title: Chat wait under 60 s, metric: wait, type: stay_below, target: 60}
              - {id: kb-articles, title: 50 help articles, unit: count, start: 0, target: 50}
          - id: happy-customers
            title: Customers leave happy
            owner: sam
            weight: 2
            aligns_to: 2026:company/delight
            key_results:
              - id: csat-floor
                title: CSAT stays at 85% or more
                metric: csat
                type: stay_above
                target: 85
                aligns_to: cx/better-journeys
              - {id: fcr, title: First-contact resolution 70 to 80%, unit: '%', start: 70, target: 80}
    """,
    "checkins/2026/company.yaml": """
        - {"kr": "new-stores/opened", "date": "2026-09-01", "value": 2}
    """,
    "checkins/2026-Q4/ecommerce.yaml": """
        - {"kr": "grow-basket/bundles-live", "date": "2026-10-20", "value": 1, "confidence": 0.6}
        - {"kr": "fast-checkout/launch", "date": "2026-11-05", "value": 1}
        - {"kr": "legacy-coupons/coupon-usage", "date": "2026-11-01", "value": 12}
        - {"kr": "grow-basket/bundles-live", "date": "2026-11-18", "value": 4, "confidence": 0.9}
        - {"kr": "grow-basket/aov-online", "date": "2026-11-19", "confidence": 0.8, "note": "no number yet"}
    """,
    "checkins/2026-Q4/support.yaml": """
        - {"kr": "happy-customers/fcr", "date": "2026-11-12", "value": 68}
        - {"kr": "faster-answers/aht-down", "date": "2026-11-19", "value": 276}
    """,
    "readings/aov.yaml": """
        - {"date": "2026-06-30", "value": 57, "segment": "online"}
        - {"date": "2026-09-15", "value": 56, "segment": "online"}
        - {"date": "2026-09-30", "value": 58, "segment": "online"}
        - {"date": "2026-09-30", "value": 70, "segment": "in-store"}
        - {"date": "2026-10-01", "value": 58.5, "segment": "online"}
        - {"date": "2026-10-31", "value": 60, "segment": "online"}
        - {"date": "2026-11-15", "value": 61.5, "segment": "online"}
        - {"date": "2026-11-18", "value": 80, "segment": "in-store"}
        - {"date": "2026-11-25", "value": 63, "segment": "online"}
        - {"date": "2027-01-03", "value": 65, "segment": "online"}
    """,
    "readings/nps.yaml": """
        - {"date": "2026-11-01", "value": 36}
    """,
    "readings/aht.yaml": """
        - {"date": "2026-10-15", "value": 290}
        - {"date": "2026-11-19", "value": 280}
    """,
    "readings/wait.yaml": """
        - {"date": "2026-11-17", "value": 90}
    """,
    "readings/lcp.yaml": """
        - {"date": "2026-11-01", "value": 2.3}
        - {"date": "2026-11-12", "value": 2.4}
    """,
    "readings/csat.yaml": """
        - {"date": "2026-10-30", "value": 88}
    """,
}

Q4 = "2026-Q4:"
YEAR = "2026:"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return write_files(tmp_path / "ws", {**FILES})


def document(root: Path, as_of: date = AS_OF, **filters: Any) -> dict[str, Any]:
    return report_json.document(report.build(load(root), as_of, Filters(**filters)))


def objectives(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {o["ref"]: o for o in doc["objectives"]}


def key_results(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {kr["ref"]: kr for o in doc["objectives"] for kr in o["key_results"]}


def approx(value: float) -> Any:
    return pytest.approx(value, abs=1e-9)


def test_the_workspace_checks_clean(root: Path) -> None:
    assert checks.check(load(root)) == ()


def test_day_n_of_m_and_expected(root: Path) -> None:
    doc = document(root)
    assert doc["version"] == 1
    assert doc["period"] == {
        "id": "2026-Q4",
        "start": "2026-10-01",
        "end": "2026-12-31",
        "closed": None,
    }
    assert doc["periods"] == ["2026-Q4", "2026"]
    assert (doc["day"], doc["days"]) == (51, 92)
    assert doc["expected"] == approx(51 / 92)  # 0.554348
    krs = key_results(doc)
    assert krs[f"{Q4}ecommerce/grow-basket/aov-online"]["expected"] == approx(51 / 92)
    assert krs[f"{YEAR}company/delight/nps"]["expected"] == approx(324 / 365)  # 0.887671


def test_dropped_objective_is_computed_but_left_out_of_parent_and_team(root: Path) -> None:
    doc = document(root)
    dropped = objectives(doc)[f"{Q4}ecommerce/legacy-coupons"]
    assert (dropped["state"], dropped["progress"]) == ("dropped", approx(0.2))  # (12 - 10) / 10
    parent = objectives(doc)[f"{Q4}cx/better-journeys"]
    assert f"{Q4}ecommerce/legacy-coupons" in parent["children"]
    assert f"{Q4}ecommerce/legacy-coupons" not in [t["ref"] for t in parent["terms"]]
    teams = {t["id"]: t for t in doc["teams"]}
    # (2 · 13/18 + 1 · 1) / 3 = 22/27; with the dropped one it would be (13/9 + 1 + 0.2) / 4
    assert teams["ecommerce"]["progress"] == approx(22 / 27)  # 0.814815
    assert teams["ecommerce"]["objectives"] == 2


def test_team_figures(root: Path) -> None:
    teams = {t["id"]: t for t in document(root)["teams"]}
    # support: (1 · 2/15 + 2 · 0.5) / 3 = 17/45
    assert teams["support"]["progress"] == approx(17 / 45)  # 0.377778
    assert teams["cx"]["progress"] == approx(161 / 225)
    assert (teams["cx"]["level"], teams["support"]["level"]) == (2, 3)


def test_organization_figure_leaves_out_postponed_objectives(root: Path) -> None:
    # (2 · 0.25 + 1 · 0.6) / 3 = 1.1/3; with new-stores (1.0) it would be 2.1/4
    assert document(root)["progress"] == approx(1.1 / 3)  # 0.366667


def test_headlines_measure_each_objective_against_its_own_period(root: Path) -> None:
    doc = document(root)
    assert doc["expected"] == approx(Q4_EXPECTED)  # the quarter's day 51 of 92
    # The organization's active level-1 objectives, raise-aov (weight 2) and delight, are
    # year goals: (2 · 324/365 + 1 · 324/365) / 3 = 324/365, not the quarter's 51/92.
    assert doc["organization_expected"] == approx(YEAR_EXPECTED)
    teams = {t["id"]: t for t in doc["teams"]}
    assert teams["company"]["expected"] == approx(YEAR_EXPECTED)
    # An objective expects the mean of its key results' expected (DESIGN §2.3): grow-basket's
    # two are plain, 51/92; fast-checkout's guardrail is to hold (1) and its milestone is
    # not due until 2026-12-31 (0): 1/2. (2 · 51/92 + 1 · 1/2) / 3 = 148/276 = 37/69
    assert teams["ecommerce"]["expected"] == approx(37 / 69)  # 0.536232


def test_status_counts(root: Path) -> None:
    # Deprioritised work counts in nothing: new-stores/opened (done, under the postponed
    # new-stores) and coupon-usage (off track, under the dropped legacy-coupons) are left out.
    doc = document(root)
    assert doc["counts"] == {
        "done": 2,  # bundles-live, launch
        "on track": 3,  # aov-online, lcp-guard, csat-floor
        "at risk": 2,  # nps, aht-down
        "off track": 3,  # company aov, wait-cap, fcr
        "no data": 1,  # kb-articles
    }
    # Nor do they need attention, though their figures stay.
    deprioritised = {
        f"{YEAR}company/new-stores/opened",
        f"{Q4}ecommerce/legacy-coupons/coupon-usage",
    }
    assert {a["ref"] for a in doc["attention"]}.isdisjoint(deprioritised)
    # Their figures stay: coupon usage 12, (12 - 10) / (20 - 10) = 0.2 and off its pace.
    coupons = key_results(doc)[f"{Q4}ecommerce/legacy-coupons/coupon-usage"]
    assert (coupons["progress"], coupons["status"]) == (approx(0.2), "off track")


def year_goal_rolled_up_from_the_quarter(root: Path) -> Path:
    """The workspace with a year goal that rolls up the quarter's cx/better-journeys."""
    company = textwrap.dedent(FILES["okrs/2026/company.yaml"]) + (
        "  - {id: journeys, title: Journeys all year, owner: ceo, progress: aligned}\n"
    )
    cx = FILES["okrs/2026-Q4/cx.yaml"].replace(
        "aligns_to: 2026:company/raise-aov",
        "aligns_to: [2026:company/raise-aov, 2026:company/journeys]",
    )
    return write_files(root, {"okrs/2026/company.yaml": company, "okrs/2026-Q4/cx.yaml": cx})


def test_a_year_goal_has_one_figure_in_the_year_and_the_quarter(root: Path) -> None:
    year_goal_rolled_up_from_the_quarter(root)
    journeys = f"{YEAR}company/journeys"
    quarter, year = document(root), document(root, period="2026")
    # cx/better-journeys is 161/225 (as the cx team figure); the year goal rolls up only it.
    assert objectives(quarter)[journeys]["progress"] == approx(161 / 225)
    assert objectives(year)[journeys]["progress"] == approx(161 / 225)
    assert [t["ref"] for t in objectives(year)[journeys]["terms"]] == [f"{Q4}cx/better-journeys"]
    # The year's report lists the begun quarter's work inside it, each against its own period.
    assert year["periods"] == ["2026", "2026-Q4"]
    # cx/better-journeys rolls up the quarter's work: what that work expects, 457/690 (see
    # test_rows), the same in the year's report as in the quarter's.
    assert objectives(year)[f"{Q4}cx/better-journeys"]["expected"] == approx(457 / 690)
    # The year goal rolls up only the quarter's work: it expects what that work expects
    # (cx/better-journeys, 457/690, see test_rows), not the year's elapsed share.
    assert objectives(year)[journeys]["expected"] == approx(457 / 690)
    assert objectives(quarter)[journeys]["expected"] == approx(457 / 690)
    # On 2026-09-30 Q4 has not begun: the year's report lists no Q4 work, and the year
    # goal has nothing to roll up yet (no data), rather than counting plans as 0.
    before = document(root, as_of=date(2026, 9, 30), period="2026")
    assert before["periods"] == ["2026"]
    assert objectives(before)[journeys]["progress"] is None


# --- Filters --------------------------------------------------------------------------------


def shown(doc: dict[str, Any]) -> list[tuple[str, bool]]:
    return [(o["ref"], o["context"]) for o in doc["objectives"]]


def test_level_filter_shows_only_level_one(root: Path) -> None:
    assert shown(document(root, level=1)) == [
        (f"{YEAR}company/raise-aov", False),
        (f"{YEAR}company/delight", False),
        (f"{YEAR}company/new-stores", False),
    ]


def test_team_filter_adds_parents_as_context(root: Path) -> None:
    doc = document(root, team="ecommerce")
    assert shown(doc) == [
        (f"{YEAR}company/raise-aov", True),
        (f"{Q4}cx/better-journeys", True),
        (f"{Q4}ecommerce/grow-basket", False),
        (f"{Q4}ecommerce/fast-checkout", False),
        (f"{Q4}ecommerce/legacy-coupons", False),
    ]
    # filters choose rows; figures stay those of the whole organization
    assert doc["progress"] == approx(1.1 / 3)
    assert objectives(doc)[f"{Q4}cx/better-journeys"]["progress"] == approx(161 / 225)


def test_owner_filter_matches_objective_or_key_result_owner(root: Path) -> None:
    by_kr = [ref for ref, context in shown(document(root, owner="lee")) if not context]
    assert by_kr == [f"{Q4}ecommerce/grow-basket"]
    by_objective = [ref for ref, context in shown(document(root, owner="sam")) if not context]
    assert by_objective == [f"{Q4}support/faster-answers", f"{Q4}support/happy-customers"]


def test_unknown_period_is_a_usage_error(root: Path) -> None:
    with pytest.raises(UsageError, match="2027-Q1"):
        report.build(load(root), AS_OF, Filters(period="2027-Q1"))


# --- The weekly view --------------------------------------------------------------------------


def test_weekly_marks_the_key_results_whose_goalposts_moved(root: Path) -> None:
    moved = f"{Q4}ecommerce/grow-basket/aov-online"
    result = report.weekly(load(root), AS_OF, Filters(), lambda: {moved})
    marked = [kr.ref for kr in result.key_results() if kr.moved_goalposts]
    assert marked == [moved]
    # Nothing else changes: the figures are the report's.
    plain = report.build(load(root), AS_OF, Filters())
    assert [(kr.ref, kr.progress) for kr in result.key_results()] == [
        (kr.ref, kr.progress) for kr in plain.key_results()
    ]


def test_weekly_asks_for_moved_goalposts_only_once_the_report_is_built(root: Path) -> None:
    asked: list[bool] = []

    def moved() -> set[str]:
        asked.append(True)
        return set()

    with pytest.raises(UsageError, match="2027-Q1"):
        report.weekly(load(root), AS_OF, Filters(period="2027-Q1"), moved)
    assert asked == []
    result = report.weekly(load(root), AS_OF, Filters(), moved)
    assert asked == [True]
    assert not any(kr.moved_goalposts for kr in result.key_results())


def test_short_ref_drops_the_period() -> None:
    assert report.short_ref(f"{Q4}ecommerce/grow-basket/aov-online") == (
        "ecommerce/grow-basket/aov-online"
    )
    assert report.short_ref(f"{YEAR}company/raise-aov") == "company/raise-aov"
