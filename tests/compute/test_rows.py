"""The rows of key results and objectives: start, latest value, flags, stale, terms.

Checked against arithmetic done by hand on the workspace of `test_report`: as of
2026-11-20 the quarter 2026-Q4 is on day 51 of 92 and the year 2026 on day 324 of 365.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest

from cxokr.compute import report
from cxokr.compute.report import Filters
from cxokr.compute.rows import Rows
from cxokr.load.workspace import load
from cxokr.render import report_json, text
from cxokr.rules import checks
from tests.compute.test_report import (
    AS_OF,
    FILES,
    Q4,
    YEAR,
    approx,
    document,
    key_results,
    objectives,
)
from tests.conftest import write_files


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return write_files(tmp_path / "ws", {**FILES})


def test_target_up_with_start_from_the_reading_before_the_period(root: Path) -> None:
    kr = key_results(document(root))[f"{Q4}ecommerce/grow-basket/aov-online"]
    # start: newest online reading before 2026-10-01 is 58 on 09-30 (not 56, not in-store 70)
    assert (kr["start"], kr["start_source"], kr["target"]) == (58, "reading", 64)
    # value: the online reading of 11-15 (in-store 80 on 11-18 and 63 on 11-25 do not count)
    assert (kr["value"], kr["value_date"], kr["value_source"]) == (61.5, "2026-11-15", "reading")
    assert kr["progress"] == approx(3.5 / 6)  # (61.5 - 58) / (64 - 58) = 0.583333
    assert kr["pace"] == approx((7 / 12) / (51 / 92))  # 161/153 = 1.052288
    assert kr["status"] == "on track"
    # a check-in without a value is an update (and carries confidence) but no value
    assert (kr["last_update"], kr["age_days"], kr["stale"]) == ("2026-11-19", 1, False)
    assert kr["confidence"] == 0.8


def test_forecast_through_three_observations(root: Path) -> None:
    kr = key_results(document(root))[f"{Q4}ecommerce/grow-basket/aov-online"]
    assert kr["series"] == [
        {"date": "2026-10-01", "value": 58.5},
        {"date": "2026-10-31", "value": 60},
        {"date": "2026-11-15", "value": 61.5},
    ]
    # x = 0, 30, 45 days since 10-01 (mean 25); y = 58.5, 60, 61.5 (mean 60)
    # Sxx = 25² + 5² + 20² = 1050; Sxy = (-25)(-1.5) + 5·0 + 20·1.5 = 67.5
    # slope = 67.5 / 1050 = 9/140 per day; at x = 91 (12-31): 60 + (91 - 25)·9/140 = 4497/70
    assert kr["forecast_value"] == approx(4497 / 70)  # 64.242857
    # (4497/70 - 58) / 6 = 437/420
    assert kr["forecast_progress"] == approx(437 / 420)  # 1.040476


def test_target_down_where_a_checkin_overrides_the_same_day_reading(root: Path) -> None:
    kr = key_results(document(root))[f"{Q4}support/faster-answers/aht-down"]
    assert (kr["value"], kr["value_source"], kr["direction"]) == (276, "checkin", "lower")
    assert kr["progress"] == approx(0.4)  # (276 - 300) / (240 - 300); the reading 280 gives 1/3
    assert kr["pace"] == approx(0.4 * 92 / 51)  # 0.721569: at risk (0.6 <= pace < 0.9)
    assert kr["status"] == "at risk"


def test_overachieved_target_is_done(root: Path) -> None:
    kr = key_results(document(root))[f"{Q4}ecommerce/grow-basket/bundles-live"]
    assert kr["progress"] == approx(4 / 3)  # (4 - 0) / (3 - 0), shown unclamped
    assert (kr["status"], kr["overachieved"], kr["regression"]) == ("done", True, False)
    assert kr["confidence"] == 0.9


def test_regression_below_the_start(root: Path) -> None:
    kr = key_results(document(root))[f"{Q4}support/happy-customers/fcr"]
    assert kr["progress"] == approx(-0.2)  # (68 - 70) / (80 - 70)
    assert (kr["status"], kr["regression"], kr["overachieved"]) == ("off track", True, False)


def test_guardrails_hold_or_breach(root: Path) -> None:
    krs = key_results(document(root))
    lcp = krs[f"{Q4}ecommerce/fast-checkout/lcp-guard"]  # 2.4 <= 2.5
    csat = krs[f"{Q4}support/happy-customers/csat-floor"]  # 88 >= 85
    wait = krs[f"{Q4}support/faster-answers/wait-cap"]  # 90 > 60
    assert (lcp["progress"], lcp["status"], lcp["breached"], lcp["pace"]) == (
        1,
        "on track",
        False,
        None,
    )
    assert (csat["progress"], csat["status"], csat["breached"]) == (1, "on track", False)
    assert (wait["progress"], wait["status"], wait["breached"]) == (0, "off track", True)


def test_done_milestone(root: Path) -> None:
    kr = key_results(document(root))[f"{Q4}ecommerce/fast-checkout/launch"]
    assert (kr["value"], kr["progress"], kr["status"]) == (1, 1, "done")
    assert kr["owner"] == "kim"


def test_stale_with_and_without_data(root: Path) -> None:
    krs = key_results(document(root))
    csat = krs[f"{Q4}support/happy-customers/csat-floor"]  # last reading 10-30: 21 days > 14
    assert (csat["last_update"], csat["age_days"], csat["stale"]) == ("2026-10-30", 21, True)
    kb = krs[f"{Q4}support/faster-answers/kb-articles"]  # nothing since 10-01: 50 days
    assert (kb["value"], kb["progress"], kb["pace"], kb["status"]) == (None, None, None, "no data")
    assert (kb["last_update"], kb["age_days"], kb["stale"]) == (None, None, True)
    lcp = krs[f"{Q4}ecommerce/fast-checkout/lcp-guard"]  # 11-12: 8 days
    assert (lcp["age_days"], lcp["stale"]) == (8, False)


def test_objective_roll_up_with_weights(root: Path) -> None:
    rows = objectives(document(root))
    grow = rows[f"{Q4}ecommerce/grow-basket"]
    # (2 · 7/12 + 1 · clamp(4/3)) / (2 + 1) = (7/6 + 1) / 3 = 13/18
    assert grow["progress"] == approx(13 / 18)  # 0.722222
    assert grow["pace"] == approx((13 / 18) / (51 / 92))  # 1.302832
    assert grow["status"] == "on track"
    assert [(t["progress"], t["weight"]) for t in grow["terms"]] == [
        (approx(7 / 12), 2),
        (1, 1),
    ]
    fast = rows[f"{Q4}ecommerce/fast-checkout"]
    assert (fast["progress"], fast["status"]) == (1, "done")  # (1 + 1) / 2


def test_no_data_and_regression_count_as_zero_in_the_roll_up(root: Path) -> None:
    rows = objectives(document(root))
    faster = rows[f"{Q4}support/faster-answers"]
    # (0.4 + 0 [breached] + 0 [no data]) / 3 = 2/15
    assert faster["progress"] == approx(2 / 15)  # 0.133333
    # Expected: the mean of its key results' (DESIGN §2.3), the guardrail's 1 (it is to hold
    # every day): (51/92 + 1 + 51/92) / 3 = 194/276 = 97/138 = 0.702899
    assert faster["expected"] == approx(97 / 138)
    assert faster["pace"] == approx((2 / 15) / (97 / 138))  # 276/1455 = 0.189691
    assert faster["status"] == "off track"
    happy = rows[f"{Q4}support/happy-customers"]
    # (1 [csat holds] + clamp(-0.2)) / 2 = 0.5, against (1 + 51/92) / 2 = 143/184: pace
    # 92/143 = 0.643357, at risk (against the elapsed 51/92 alone, the holding guardrail
    # made a regressing objective look on track: 0.901961)
    assert happy["progress"] == approx(0.5)
    assert happy["expected"] == approx(143 / 184)
    assert happy["status"] == "at risk"


def test_dropped_objectives_krs_are_left_out_of_the_parent(tmp_path: Path) -> None:
    okrs = FILES["okrs/2026-Q4/ecommerce.yaml"].replace(
        "target: 20}", "target: 20, aligns_to: cx/better-journeys}"
    )
    root = write_files(tmp_path / "ws", {**FILES, "okrs/2026-Q4/ecommerce.yaml": okrs})
    row = objectives(document(root))[f"{Q4}cx/better-journeys"]
    # as without the alignment: 161/225; counting coupon-usage gives (161/45 + 0.2) / 6
    assert row["progress"] == approx(161 / 225)


def test_aligned_objective_rolls_up_active_children_and_aligned_krs(root: Path) -> None:
    row = objectives(document(root))[f"{Q4}cx/better-journeys"]
    assert row["progress_from"] == "aligned"
    assert [(t["ref"], t["weight"]) for t in row["terms"]] == [
        (f"{Q4}ecommerce/grow-basket", 2),
        (f"{Q4}ecommerce/fast-checkout", 1),
        (f"{Q4}support/faster-answers", 1),
        (f"{Q4}support/happy-customers/csat-floor", 1),
    ]
    # (2 · 13/18 + 1 · 1 + 1 · 2/15 + 1 · 1) / 5 = (65 + 45 + 6 + 45) / 45 / 5 = 161/225
    assert row["progress"] == approx(161 / 225)  # 0.715556
    # Expected: the terms' expected, weighted, in 276ths: grow-basket 153 (51/92, both its
    # key results plain), fast-checkout 138 (guardrail 1 and milestone 0: 1/2), faster-answers
    # 194 (97/138), csat-floor 276 (a guardrail, 1):
    # (2 · 153 + 138 + 194 + 276) / 276 / 5 = 914/1380 = 457/690 = 0.662319
    assert [t["expected"] for t in row["terms"]] == [
        approx(51 / 92),
        approx(0.5),
        approx(97 / 138),
        approx(1),
    ]
    assert row["expected"] == approx(457 / 690)
    assert row["pace"] == approx((161 / 225) / (457 / 690))  # 1.080379
    assert row["status"] == "on track"


def test_level_one_objectives_against_the_year(root: Path) -> None:
    rows = objectives(document(root))
    aov = rows[f"{YEAR}company/raise-aov"]
    assert aov["progress"] == approx(0.25)  # (61.5 - 60) / (66 - 60)
    assert aov["pace"] == approx(0.25 * 365 / 324)  # 0.281636
    assert aov["status"] == "off track"
    delight = rows[f"{YEAR}company/delight"]
    assert delight["progress"] == approx(0.6)  # (36 - 30) / (40 - 30)
    assert delight["pace"] == approx(0.6 * 365 / 324)  # 0.675926
    assert delight["status"] == "at risk"
    postponed = rows[f"{YEAR}company/new-stores"]
    assert (postponed["state"], postponed["progress"]) == ("postponed", 1)


def test_grades_appear_once_the_period_has_ended(root: Path) -> None:
    assert key_results(document(root))[f"{Q4}ecommerce/grow-basket/aov-online"]["grade"] is None
    krs = key_results(document(root, date(2026, 12, 31)))
    aov = krs[f"{Q4}ecommerce/grow-basket/aov-online"]  # 63 on 11-25: (63 - 58) / 6 = 5/6
    assert (aov["grade"], aov["band"]) == (approx(5 / 6), "green")
    bundles = krs[f"{Q4}ecommerce/grow-basket/bundles-live"]  # clamp(4/3)
    assert (bundles["grade"], bundles["band"]) == (1, "green")
    aht = krs[f"{Q4}support/faster-answers/aht-down"]
    assert (aht["grade"], aht["band"]) == (approx(0.4), "yellow")
    wait = krs[f"{Q4}support/faster-answers/wait-cap"]
    assert (wait["grade"], wait["band"]) == (0, "red")
    grow = objectives(document(root, date(2026, 12, 31)))[f"{Q4}ecommerce/grow-basket"]
    assert (grow["grade"], grow["band"]) == (approx(8 / 9), "green")  # (2 · 5/6 + 1) / 3


def test_last_update_stays_inside_the_period(root: Path) -> None:
    kr = key_results(document(root, date(2027, 1, 10), period="2026-Q4"))[
        f"{Q4}ecommerce/grow-basket/aov-online"
    ]
    assert kr["last_update"] == "2026-11-25"


def test_confidence_stays_inside_the_period(root: Path) -> None:
    log = root / "checkins" / "2026-Q4" / "ecommerce.yaml"
    with log.open("a", encoding="utf-8") as out:  # said after the quarter ended
        out.write('- {"kr": "grow-basket/aov-online", "date": "2027-01-05", "confidence": 0.1}\n')
    kr = key_results(document(root, date(2027, 1, 10), period="2026-Q4"))[
        f"{Q4}ecommerce/grow-basket/aov-online"
    ]
    assert kr["confidence"] == 0.8
    assert kr["last_update"] == "2026-11-25"


def test_rows_compute_a_key_result_counted_twice_once(root: Path) -> None:
    ws = load(root)
    q4 = ws.periods["2026-Q4"]
    rows = Rows(ws, report.enclosing(ws, q4), AS_OF)
    # csat-floor is a key result of support/happy-customers and aligns to cx/better-journeys.
    journeys = rows.row(f"{Q4}cx/better-journeys")
    assert f"{Q4}support/happy-customers/csat-floor" in [t.ref for t in journeys.terms]
    happy = rows.row(f"{Q4}support/happy-customers")
    place = rows.objectives[happy.ref]
    csat = next(kr for kr in place.objective.key_results if kr.id == "csat-floor")
    assert rows.kr_row(place, csat) is happy.key_results[0]


# The company goal `loyal` rolls up what aligns to it, by several paths:
# - support/loyal-care (weight 2) aligns to it and to cx/retain, which rolls up its own key
#   results, so retain does not carry loyal-care: loyal-care counts directly.
# - ecommerce/loyal-web aligns to it and to cx/old-loyalty, dropped: a dropped objective
#   carries nothing, so loyal-web counts directly.
# - support/quick aligns to it, to cx/relay, which rolls up what aligns to it, and to
#   cx/bridge, which rolls up its own key result and what aligns to it: relay and bridge both
#   carry quick (paths that meet again), so quick counts through relay, the first, and bridge
#   counts in loyal less quick: its own key result alone.
TWO_PATHS = {
    **FILES,
    "okrs/2026/company.yaml": FILES["okrs/2026/company.yaml"]
    + """
          - id: loyal
            title: Customers come back
            owner: ceo
            progress: aligned
    """,
    "okrs/2026-Q4/cx.yaml": FILES["okrs/2026-Q4/cx.yaml"]
    + """
          - id: retain
            title: Fewer customers leave
            owner: ava
            aligns_to: 2026:company/loyal
            key_results:
              - {id: churn, title: Churn 10 to 6%, unit: '%', start: 10, target: 6}
          - id: old-loyalty
            title: The old loyalty scheme
            owner: ava
            status: dropped
            aligns_to: 2026:company/loyal
            progress: aligned
          - id: relay
            title: Loyalty relay
            owner: ava
            aligns_to: 2026:company/loyal
            progress: aligned
          - id: bridge
            title: Loyalty bridge
            owner: ava
            aligns_to: 2026:company/loyal
            progress: both
            key_results:
              - {id: guides, title: 4 loyalty guides, unit: count, start: 0, target: 4}
    """,
    "okrs/2026-Q4/support.yaml": FILES["okrs/2026-Q4/support.yaml"]
    + """
          - id: loyal-care
            title: Call back every churner
            owner: sam
            weight: 2
            aligns_to: [2026:company/loyal, cx/retain]
            key_results:
              - {id: callbacks, title: 7 callback scripts, unit: count, start: 0, target: 7}
          - id: quick
            title: Quick loyalty answers
            owner: sam
            aligns_to: [2026:company/loyal, cx/relay, cx/bridge]
            key_results:
              - {id: macros, title: 5 loyalty macros, unit: count, start: 0, target: 5}
    """,
    "okrs/2026-Q4/ecommerce.yaml": FILES["okrs/2026-Q4/ecommerce.yaml"]
    + """
          - id: loyal-web
            title: Shoppers come back online
            owner: dana
            aligns_to: [2026:company/loyal, cx/old-loyalty]
            key_results:
              - {id: repeat, title: Repeat rate 20 to 30%, unit: '%', start: 20, target: 30}
    """,
    "checkins/2026-Q4/cx.yaml": """
        - {"kr": "retain/churn", "date": "2026-11-10", "value": 7}
        - {"kr": "bridge/guides", "date": "2026-11-10", "value": 1}
    """,
    "checkins/2026-Q4/support.yaml": FILES["checkins/2026-Q4/support.yaml"]
    + """
        - {"kr": "loyal-care/callbacks", "date": "2026-11-11", "value": 5}
        - {"kr": "quick/macros", "date": "2026-11-12", "value": 2}
    """,
    "checkins/2026-Q4/ecommerce.yaml": FILES["checkins/2026-Q4/ecommerce.yaml"]
    + """
        - {"kr": "loyal-web/repeat", "date": "2026-11-13", "value": 26}
    """,
}


def test_an_objective_aligned_by_two_paths_counts_once_through_the_one_rolling_it_up(
    tmp_path: Path,
) -> None:
    ws = load(write_files(tmp_path / "ws", TWO_PATHS))
    assert checks.check(ws) == ()
    rows = Rows(ws, report.enclosing(ws, ws.periods["2026-Q4"]), AS_OF)
    loyal = rows.row(f"{YEAR}company/loyal")
    assert [(t.ref, t.progress, t.weight, t.less) for t in loyal.terms] == [
        (f"{Q4}cx/retain", approx(0.75), 1, ()),  # (7 - 10) / (6 - 10): its own key result
        (f"{Q4}cx/relay", approx(0.4), 1, ()),  # quick alone: (2 - 0) / (5 - 0)
        # guides alone, quick counting through relay: (1 - 0) / (4 - 0)
        (f"{Q4}cx/bridge", approx(0.25), 1, (f"{Q4}support/quick",)),
        (f"{Q4}ecommerce/loyal-web", approx(0.6), 1, ()),  # (26 - 20) / (30 - 20)
        (f"{Q4}support/loyal-care", approx(5 / 7), 2, ()),  # (5 - 0) / (7 - 0)
    ]
    # (3/4 + 2/5 + 1/4 + 3/5 + 2 · 5/7) / (1 + 1 + 1 + 1 + 2) = (2 + 10/7) / 6 = 24/42 = 4/7;
    # counting quick in both relay and bridge would give (3/4 + 2/5 + 13/40 + 3/5 + 10/7) / 6,
    # and dropping loyal-care and loyal-web (each also below another child) lost them
    assert loyal.progress == approx(4 / 7)  # 0.571429
    # bridge's own row counts everything aligned to it: (1/4 + 2/5) / 2 = 13/40
    assert rows.row(f"{Q4}cx/bridge").progress == approx(13 / 40)
    assert rows.row(f"{Q4}cx/retain").progress == approx(0.75)  # retain keeps its key result


def test_key_results_of_deprioritised_objectives_raise_no_alarm(tmp_path: Path) -> None:
    support = (
        FILES["okrs/2026-Q4/support.yaml"]
        .replace(
            "owner: sam\n            aligns_to: cx/",
            "owner: sam\n            status: dropped\n            aligns_to: cx/",
        )
        .replace(
            "owner: sam\n            weight: 2",
            "owner: sam\n            status: postponed\n            weight: 2",
        )
    )
    root = write_files(tmp_path / "ws", {**FILES, "okrs/2026-Q4/support.yaml": support})
    krs = key_results(document(root))
    # legacy-coupons is dropped: its last check-in, 11-01, is 19 days old (> 14), not stale
    coupons = krs[f"{Q4}ecommerce/legacy-coupons/coupon-usage"]
    assert (coupons["state"], coupons["stale"], coupons["age_days"]) == ("dropped", False, 19)
    assert coupons["progress"] == approx(0.2)  # (12 - 10) / (20 - 10): the figure stays
    # faster-answers, dropped: wait-cap is over its line (90 > 60), kb-articles has no data
    wait = krs[f"{Q4}support/faster-answers/wait-cap"]
    assert (wait["state"], wait["progress"], wait["breached"]) == ("dropped", 0, False)
    kb = krs[f"{Q4}support/faster-answers/kb-articles"]
    assert (kb["state"], kb["value"], kb["stale"]) == ("dropped", None, False)
    # happy-customers, postponed: fcr fell from 70 to 68, no regression flagged
    fcr = krs[f"{Q4}support/happy-customers/fcr"]
    assert (fcr["state"], fcr["progress"], fcr["regression"]) == ("postponed", approx(-0.2), False)
    assert krs[f"{Q4}ecommerce/grow-basket/aov-online"]["state"] == "active"
    out = io.StringIO()
    text.render(report.build(load(root), AS_OF, Filters()), out, width=200)
    lines = {line.split("%", 1)[1].strip() for line in out.getvalue().splitlines() if "%" in line}
    assert "dropped  Coupon usage 10 to 20%" in lines  # its objective's state, not "off track"
    assert "postponed  First-contact resolution 70 to 80%" in lines  # not "off track (regression)"


def test_a_start_equal_to_the_target_reads_as_reached_or_not_never_no_data(
    tmp_path: Path,
) -> None:
    ecommerce = FILES["okrs/2026-Q4/ecommerce.yaml"].replace(
        "target: 64, weight", "target: 58, weight"
    )
    support = FILES["okrs/2026-Q4/support.yaml"].replace(
        "start: 300, target: 240", "start: 240, target: 240"
    )
    root = write_files(
        tmp_path / "ws",
        {**FILES, "okrs/2026-Q4/ecommerce.yaml": ecommerce, "okrs/2026-Q4/support.yaml": support},
    )
    krs = key_results(document(root))
    # aov-online runs from the reading of 09-30, 58, to 58 (cxokr check: CX321); higher is
    # better and 61.5 (11-15) is above 58: reached
    aov = krs[f"{Q4}ecommerce/grow-basket/aov-online"]
    assert (aov["start"], aov["start_source"], aov["target"], aov["value"]) == (
        58,
        "reading",
        58,
        61.5,
    )
    assert (aov["progress"], aov["status"]) == (1, "done")
    # aht-down from 240 to 240 (CX313); lower is better and 276 is above 240: not reached
    aht = krs[f"{Q4}support/faster-answers/aht-down"]
    assert (aht["value"], aht["progress"], aht["status"]) == (276, 0, "off track")


def test_a_value_without_a_start_says_what_is_missing(tmp_path: Path) -> None:
    readings = "\n".join(
        line
        for line in FILES["readings/aov.yaml"].splitlines()
        if "2026-09" not in line and "06-30" not in line
    )
    root = write_files(tmp_path / "ws", {**FILES, "readings/aov.yaml": readings})
    built = report.build(load(root), AS_OF, Filters())
    ref = f"{Q4}ecommerce/grow-basket/aov-online"
    aov = key_results(report_json.document(built))[ref]
    # no reading of online AOV before 10-01 and no start in the file: cxokr check's CX319
    assert (aov["start"], aov["start_source"], aov["value"], aov["progress"]) == (
        None,
        "none",
        61.5,
        None,
    )
    [item] = [a for a in built.attention if a.ref == ref]
    assert (item.kind, item.detail) == (
        "no data",
        "value 61.5, but no start to measure it against (see cxokr check)",
    )


def test_a_key_result_aligned_where_its_objective_counts_is_counted_once(
    tmp_path: Path,
) -> None:
    support = FILES["okrs/2026-Q4/support.yaml"].replace(
        "aligns_to: 2026:company/delight", "aligns_to: [2026:company/delight, cx/better-journeys]"
    )
    root = write_files(tmp_path / "ws", {**FILES, "okrs/2026-Q4/support.yaml": support})
    row = objectives(document(root))[f"{Q4}cx/better-journeys"]
    # csat-floor aligns to better-journeys, and now so does its objective, happy-customers:
    # it counts within happy-customers only
    assert [(t["ref"], t["progress"], t["weight"]) for t in row["terms"]] == [
        (f"{Q4}ecommerce/grow-basket", approx(13 / 18), 2),
        (f"{Q4}ecommerce/fast-checkout", 1, 1),
        (f"{Q4}support/faster-answers", approx(2 / 15), 1),
        (f"{Q4}support/happy-customers", approx(0.5), 2),  # (1 [csat holds] + 0 [fcr]) / 2
    ]
    # (2 · 13/18 + 1 + 2/15 + 2 · 1/2) / 6 = (65 + 45 + 6 + 45) / 45 / 6 = 161/270; counting
    # csat-floor again gave (161/45 + 1) / 7 = 206/315
    assert row["progress"] == approx(161 / 270)  # 0.596296
