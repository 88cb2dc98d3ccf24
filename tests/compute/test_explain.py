"""`cxokr explain` of a key result: enough to redo its arithmetic by hand, through the CLI.

The workspaces are the base one of conftest (a Q4 key result on `aov`, online, from 58
to 64 USD) with its readings and check-ins replaced, and the hand-computed workspace
FORMS of `test_kr_rows` (every key result form, as of 2026-11-20: day 51 of 92).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cxokr.cli import app
from cxokr.compute.explain import explain as explain_ref
from cxokr.compute.explain_figures import as_shown, deciding
from cxokr.compute.report import Filters, build
from cxokr.load.workspace import Workspace, load
from tests.cli.test_report import _explained, _figure
from tests.compute.test_kr_rows import FORMS
from tests.compute.test_report import AS_OF
from tests.conftest import WriteFiles, write_files
from tests.paths import EXAMPLE

KR = "ecommerce/grow-basket/aov-online"


def explain(make_ws: WriteFiles, files: dict[str, str | bytes | None], ref: str = KR) -> list[str]:
    root = str(make_ws(files))
    result = CliRunner().invoke(app, ["explain", ref, "-w", root, "--as-of", "2026-11-20"])
    assert result.exit_code == 0, result.stderr
    return result.stdout.splitlines()


ORDER = (
    "ordered by `at`, the moment (an entry without `at` first, one without a time zone "
    "read as UTC), a check-in after a reading at the same moment, else in log order; "
    "the last wins:"
)


def test_a_check_in_earlier_the_same_day_loses_to_a_reading(make_ws: WriteFiles) -> None:
    lines = explain(
        make_ws,
        {
            "readings/aov.yaml": """
                - {"date": "2026-11-20", "value": 60, "segment": "online"}
                - {"date": "2026-11-20", "value": 62, "segment": "online", "at": "2026-11-20T09:00:00+00:00"}
            """,
            "checkins/2026-Q4/ecommerce.yaml": """
                - {"kr": "grow-basket/aov-online", "date": "2026-11-20", "value": 61, "at": "2026-11-20T08:30:00+00:00", "by": "raj"}
            """,
        },
    )
    assert "  value     62 USD  newest reading at or before 2026-11-20: 2026-11-20" in lines
    at = lines.index(f"  same day  3 observations on 2026-11-20, {ORDER}")
    assert lines[at + 1 : at + 4] == [
        "    reading 60, no `at`",
        "    checkin 61, at 2026-11-20T08:30:00+00:00 by raj",
        "    reading 62, at 2026-11-20T09:00:00+00:00  <- the value",
    ]
    assert (
        "  progress  (value - start) / (target - start) = (62 - 58) / (64 - 58) = 0.6667" in lines
    )


def test_a_check_in_at_the_readings_moment_wins(make_ws: WriteFiles) -> None:
    # 10:00 in Berlin is 09:00 UTC, and a reading without a zone is read as UTC: a tie.
    lines = explain(
        make_ws,
        {
            "readings/aov.yaml": """
                - {"date": "2026-11-20", "value": 62, "segment": "online", "at": "2026-11-20T09:00:00"}
            """,
            "checkins/2026-Q4/ecommerce.yaml": """
                - {"kr": "grow-basket/aov-online", "date": "2026-11-20", "value": 61, "at": "2026-11-20T10:00:00+01:00"}
            """,
        },
    )
    assert "  value     61 USD  newest checkin at or before 2026-11-20: 2026-11-20" in lines
    at = lines.index(f"  same day  2 observations on 2026-11-20, {ORDER}")
    assert lines[at + 1 : at + 3] == [
        "    reading 62, at 2026-11-20T09:00:00",
        "    checkin 61, at 2026-11-20T10:00:00+01:00  <- the value",
    ]


def test_a_value_alone_on_its_day_needs_no_order(make_ws: WriteFiles) -> None:
    lines = explain(make_ws, {"checkins/2026-Q4/ecommerce.yaml": None})
    assert "  value     61.2 USD  newest reading at or before 2026-11-20: 2026-11-20" in lines
    assert not [line for line in lines if line.startswith("  same day")]


def test_a_forecast_shows_its_points_and_line(make_ws: WriteFiles) -> None:
    lines = explain(
        make_ws,
        {
            "readings/aov.yaml": """
                - {"date": "2026-10-01", "value": 58, "segment": "online"}
                - {"date": "2026-10-11", "value": 59, "segment": "online"}
                - {"date": "2026-10-21", "value": 60, "segment": "online"}
                - {"date": "2026-10-21", "value": 61, "segment": "online"}
            """,
            "checkins/2026-Q4/ecommerce.yaml": None,
        },
    )
    # x = 0, 10, 20 (mean 10); values 58, 59, 61 (the 21st ended at 61; mean 59.3333).
    # slope = Σ(x - 10)(y - 59.3333) / Σ(x - 10)² = (13.3333 + 0 + 16.6667) / 200 = 0.15;
    # intercept = 59.3333 - 0.15 × 10 = 57.8333; at x 91 (12-31): 57.8333 + 13.65 = 71.4833.
    at = lines.index("  points    3 days (each day's last observation), x = days since 2026-10-01")
    assert lines[at - 1].startswith("  forecast  least-squares line through 3 observations")
    assert lines[at + 1 : at + 6] == [
        "            first 2026-10-01 (x 0) 58 reading, last 2026-10-21 (x 20) 61 reading",
        "            (x, value): (0, 58), (10, 59), (20, 61)",
        "  line      least squares: value = 57.833333 + 0.15 per day × x",
        "            at 2026-12-31 (x 91): 57.833333 + 0.15 × 91 = 71.4833",
        "            progress then: (71.4833 - 58) / (64 - 58) = 2.2472",  # 13.4833 / 6
    ]


def test_a_forecast_through_many_points_says_where_they_all_are(make_ws: WriteFiles) -> None:
    readings = "".join(
        f'- {{"date": "2026-10-{day:02d}", "value": {50 + day}, "segment": "online"}}\n'
        for day in range(1, 12)
    )
    lines = explain(make_ws, {"readings/aov.yaml": readings})
    # Eleven readings, 10-01 to 10-11, and the check-in of 11-20: twelve days.
    at = lines.index("  points    12 days (each day's last observation), x = days since 2026-10-01")
    assert lines[at + 1 : at + 3] == [
        "            first 2026-10-01 (x 0) 51 reading, last 2026-11-20 (x 50) 61.2 checkin",
        "            every point: `cxokr report --format json`, the key result's series",
    ]


def test_a_falling_line_subtracts_its_slope(make_ws: WriteFiles) -> None:
    lines = explain(
        make_ws,
        {
            "readings/aov.yaml": """
                - {"date": "2026-10-01", "value": 60, "segment": "online"}
                - {"date": "2026-10-11", "value": 59, "segment": "online"}
            """,
            "checkins/2026-Q4/ecommerce.yaml": None,
        },
    )
    # slope = (59 - 60) / 10 = -0.1; at x 91: 60 - 9.1 = 50.9.
    assert "  line      least squares: value = 60 - 0.1 per day × x" in lines
    assert "            at 2026-12-31 (x 91): 60 - 0.1 × 91 = 50.9" in lines


BANDS = "(0.7–1.0 green, 0.4–0.7 yellow, below red)"
TWO_KRS = """
    objectives:
      - id: grow-basket
        title: Shoppers find more to love in every basket
        aligns_to: 2026:company/raise-aov
        key_results:
          - {id: aov-online, title: AOV, metric: aov, segment: online, start: 58, target: 64}
          - {id: pages, title: Pages, unit: count, start: 0, target: 200}
"""


def ended(make_ws: WriteFiles, ref: str) -> list[str]:
    """`ref` explained on the last day of Q4, graded: online AOV at 60.4 and 79 pages of 200."""
    root = str(
        make_ws(
            {
                "okrs/2026-Q4/ecommerce.yaml": TWO_KRS,
                "readings/aov.yaml": '- {"date": "2026-12-01", "value": 60.4, "segment": "online"}\n',
                "checkins/2026-Q4/ecommerce.yaml": '- {"kr": "grow-basket/pages", "date": "2026-12-01", "value": 79}\n',
            }
        )
    )
    result = CliRunner().invoke(app, ["explain", ref, "-w", root, "--as-of", "2026-12-31"])
    assert result.exit_code == 0, result.stderr
    return result.stdout.splitlines()


def test_a_grade_on_a_band_shows_the_digits_that_decide_it(make_ws: WriteFiles) -> None:
    # (60.4 - 58) / (64 - 58) computes 0.39999999999999974: below 0.4, but 0.40 as shown.
    lines = ended(make_ws, KR)
    assert "  grade     clamped progress 0.4 (yellow)" in lines
    assert (
        f"  band      0.4 ≤ grade 0.3999999999999997 (0.40 as shown) < 0.7: yellow {BANDS}" in lines
    )


def test_a_grade_that_rounds_up_to_a_band_says_so(make_ws: WriteFiles) -> None:
    lines = ended(make_ws, "ecommerce/grow-basket/pages")
    assert "  grade     clamped progress 0.395 (yellow)" in lines  # 79 / 200
    assert f"  band      0.4 ≤ grade 0.395 (0.40 as shown) < 0.7: yellow {BANDS}" in lines


def test_an_ended_objective_shows_its_grade_and_band(make_ws: WriteFiles) -> None:
    lines = ended(make_ws, "ecommerce/grow-basket")
    # (0.39999999999999974 × 1 + 0.395 × 1) / 2 = 0.39749999999999985, 0.40 as shown.
    assert "  grade     weighted mean of its terms' grades: (0.4×1 + 0.395×1) / 2 = 0.3975" in lines
    assert f"  band      0.4 ≤ grade 0.3975 (0.40 as shown) < 0.7: yellow {BANDS}" in lines


def test_progress_that_reads_1_but_is_short_of_done_says_so(make_ws: WriteFiles) -> None:
    okrs = TWO_KRS.replace("target: 200", "target: 100000")
    checkins = '- {"kr": "grow-basket/pages", "date": "2026-11-20", "value": 99996}\n'
    lines = explain(
        make_ws,
        {"okrs/2026-Q4/ecommerce.yaml": okrs, "checkins/2026-Q4/ecommerce.yaml": checkins},
        "ecommerce/grow-basket/pages",
    )
    assert (
        "  progress  (value - start) / (target - start) = (99996 - 0) / (100000 - 0) = 1" in lines
    )
    assert "            progress 0.99996 < 1: not done" in lines


def test_a_milestones_confidence_on_a_band_shows_it_as_shown(make_ws: WriteFiles) -> None:
    okrs = TWO_KRS.replace(
        "{id: pages, title: Pages, unit: count, start: 0, target: 200}",
        "{id: launch, title: Launch, type: done}",
    )
    checkins = '- {"kr": "grow-basket/launch", "date": "2026-11-20", "confidence": 0.6999}\n'
    lines = explain(
        make_ws,
        {"okrs/2026-Q4/ecommerce.yaml": okrs, "checkins/2026-Q4/ecommerce.yaml": checkins},
        "ecommerce/grow-basket/launch",
    )
    assert (
        "  status    on track: due 2026-12-31, the owner's confidence 0.6999 (0.70 as shown) "
        "is green (0.7–1.0 on track, 0.4–0.7 at risk, below off track)"
    ) in lines


def test_a_figure_gets_the_digits_that_put_it_on_its_side_of_each_limit() -> None:
    assert deciding(0.8962, (0.9, 0.6)) == "0.8962"
    assert deciding(0.89996, (0.9, 0.6)) == "0.89996"  # not 0.9: it is below 0.9
    assert deciding(0.39999999999999974, (0.4,)) == "0.3999999999999997"
    assert deciding(1.0, (1.0,)) == "1"


def test_a_figure_compared_as_shown_gives_its_two_decimals_where_they_decide() -> None:
    assert as_shown(0.89996, (0.9, 0.6)) == "0.89996 (0.90 as shown)"
    assert as_shown(0.8862, (0.9, 0.6)) == "0.8862"  # 0.89 as shown: the same side
    assert as_shown(None, (0.9,)) == "none"


def test_a_guardrail_a_hair_off_its_line_shows_the_digits(make_ws: WriteFiles) -> None:
    okrs = TWO_KRS.replace(
        "{id: pages, title: Pages, unit: count, start: 0, target: 200}",
        "{id: floor, title: Floor, metric: aov, segment: online, type: stay_above, target: 60}",
    )
    readings = '- {"date": "2026-11-20", "value": 59.99999, "segment": "online"}\n'
    lines = explain(
        make_ws,
        {
            "okrs/2026-Q4/ecommerce.yaml": okrs,
            "readings/aov.yaml": readings,
            "checkins/2026-Q4/ecommerce.yaml": None,
        },
        "ecommerce/grow-basket/floor",
    )
    assert "  progress  59.99999 ≥ 60 does not hold: 0" in lines  # not "60 ≥ 60"


def test_a_lines_figures_redo_its_value_at_the_period_end() -> None:
    # A year's line: six decimals of slope, times 364 days, would miss 64.1493 (59.107416 +
    # 0.013851 × 364 = 64.149180); seven give it back (59.1074162 + 5.0418732 = 64.1492894).
    args = ["explain", "company/raise-aov/aov-online", "-w", str(EXAMPLE), "--as-of", "2026-11-20"]
    lines = CliRunner().invoke(app, args).stdout.splitlines()
    at = lines.index("  line      least squares: value = 59.1074162 + 0.0138513 per day × x")
    assert (
        lines[at + 1] == "            at 2026-12-31 (x 364): 59.1074162 + 0.0138513 × 364 = 64.1493"
    )


# --- The key result forms of the hand-computed workspace FORMS (tests/compute/test_kr_rows)


@pytest.fixture
def forms(tmp_path: Path) -> Workspace:
    return load(write_files(tmp_path / "ws", FORMS))


def explained(ws: Workspace, ref: str, as_of: date = AS_OF) -> list[str]:
    return list(explain_ref(ws, f"marketing/launch-season/{ref}" if "/" not in ref else ref, as_of))


@pytest.mark.parametrize("period", ["2026", "2026-Q4"])
def test_every_ref_of_the_forms_is_explained_with_the_reports_figure(
    forms: Workspace, period: str
) -> None:
    shown = build(forms, AS_OF, Filters(period=period))
    refs: list[tuple[str, float | None]] = [(f"{period}:{t.id}", t.progress) for t in shown.teams]
    for row in shown.objectives:
        refs.append((row.ref, row.progress))
        refs += [(kr.ref, kr.progress) for kr in row.key_results]
    refs.append((f"{period}:organization", shown.progress))
    assert {"bundles-again", "tiktok", "retire"} <= {ref.rsplit("/", 1)[-1] for ref, _ in refs}
    for ref, value in refs:
        assert _explained(list(explain_ref(forms, ref, AS_OF))) == _figure(value), ref


def test_a_start_from_a_dated_reading_names_the_reading_and_its_day(forms: Workspace) -> None:
    lines = explained(forms, "aov-plus")
    assert lines[1:6] == [
        "  owners    mia, noor (its objective's)",
        "  type      target, metric aov (online), higher is better, weight 1",
        "  value     61.5 USD  newest reading at or before 2026-11-20: 2026-11-15",
        # no online reading on 09-20: the newest before it, 56 on 09-15
        "  start     56  the aov (online) reading of 2026-09-15, the newest before 2026-09-20 "
        "(start: {reading: 2026-09-20})",
        "  target    +10% of 56 = 56 × 1.1 = 61.6",
    ]
    # (61.5 - 56) / (61.6 - 56) = 5.5 / 5.6 = 0.982143
    assert lines[6] == (
        "  progress  (value - start) / (target - start) = (61.5 - 56) / (61.6 - 56) = 0.9821"
    )


def test_a_change_runs_from_the_first_observation(forms: Workspace) -> None:
    lines = explained(forms, "aov-first")
    # start: first, the online reading of 10-01, 58.5; change +5: 63.5
    assert lines[4:6] == [
        "  start     58.5  first: the first observation in 2026-Q4, the reading of 2026-10-01",
        "  target    change +5 from 58.5 = 63.5",
    ]


def test_a_relative_target_waits_for_its_start(forms: Workspace) -> None:
    # NPS is first read on 11-01: on 10-20 neither the start nor the target is known
    lines = explained(forms, "nps-up", date(2026, 10, 20))
    assert lines[4:7] == [
        "  start     none  first: no observation in 2026-Q4 yet",
        "  target    none  +10% of the start, unknown until it is",
        "  progress  none",
    ]
    later = explained(forms, "nps-up")  # 36 from 11-01: 36 × 1.1 = 39.6
    assert "  target    +10% of 36 = 36 × 1.1 = 39.6" in later


def test_a_checklist_gives_each_items_weight_due_day_and_done_day(forms: Workspace) -> None:
    lines = explained(forms, "handbook")
    at = lines.index("  items     3, with their weight and due day (none given: 2026-12-31):")
    assert lines[at - 3 : at] == [
        "  value     2 items  the weight of its items done as of 2026-11-12",
        "  start     0  a checklist starts with nothing done",
        "  target    4 items  the total weight of its 3 items",  # 1 + 2 + 1
    ]
    assert lines[at + 1 : at + 6] == [
        "    outline  Outline agreed: weight 1, due 2026-10-15, done 2026-10-14",
        # done on 11-02, reopened by `undone` on 11-10
        "    migrate  Move 40 pages: weight 2, due 2026-11-30, not done: done 2026-11-02, "
        "reopened 2026-11-10",
        "    publish  Publish it: weight 1, due 2026-12-31, done 2026-11-12",
        "  progress  weight done / total weight = (1 + 1) / 4 = 0.5",
        # only outline is due by 11-20
        "  expected  weight due by 2026-11-20 / total weight = 1 / 4 = 0.25 (due: outline)",
    ]
    assert "  note      2026-11-10: Migration reopened" in lines


def test_a_score_is_the_owners_latest_with_its_day(forms: Workspace) -> None:
    lines = explained(forms, "heard")
    assert lines[3:7] == [
        "  value     0.6  the owner's latest score, checked in on 2026-11-18",
        "  start     0  a score runs from 0 to 1",
        "  target    1  a score's whole",
        "  progress  the latest score: 0.6",
    ]
    assert "  confidence 0.5 (owner's latest check-in)" in lines  # kept apart from the score


def test_a_schedule_shows_its_steps_and_the_line_between_those_around_the_date(
    forms: Workspace,
) -> None:
    lines = explained(forms, "subscribers")
    at = lines.index(
        "  schedule  each step's progress (value - start) / (target - start); the period's "
        "start is a step at 0, its end one at 1:"
    )
    # 10-31 is day 31 of 92, 11-30 day 61; 11-20 is day 51, 20 of the 30 days between:
    # 1/6 + (1/2 - 1/6) × 20/30 = 7/18
    assert lines[at + 1 : at + 5] == [
        "    2026-10-31  day 31: (1500 - 1000) / (4000 - 1000) = 0.1667",
        "    2026-11-30  day 61: (2500 - 1000) / (4000 - 1000) = 0.5",
        "  expected  day 51 of 92, between 2026-10-31 (day 31, 0.1667) and 2026-11-30 "
        "(day 61, 0.5):",
        "            0.1667 + (0.5 - 0.1667) × (51 - 31) / (61 - 31) = 0.3889",
    ]
    assert "  pace      progress / expected = 0.3333 / 0.3889 = 0.8571" in lines  # 6/7


def test_a_step_on_the_periods_last_day_is_passed_over(forms: Workspace) -> None:
    lines = explained(forms, "last-day")
    at = lines.index(
        "    2026-12-31  90: the last day of 2026-Q4, where the target is the step: passed over"
    )
    assert lines[at + 1 : at + 3] == [
        "  expected  day 51 of 92, between 2026-10-01, the period's start (day 0, 0) and "
        "2026-12-31, the period's end (day 92, 1):",
        "            0 + (1 - 0) × (51 - 0) / (92 - 0) = 0.5543",  # 51 / 92
    ]


def test_a_milestone_is_expected_from_its_due_day(forms: Workspace) -> None:
    live = explained(forms, "go-live")
    assert "  expected  due on 2026-11-15, 0 before that day and 1 from it: 1" in live
    assert "  status    off track: not done by its due day, 2026-11-15" in live
    ad = explained(forms, "launch-ad")
    assert "  expected  due on 2026-12-10, 0 before that day and 1 from it: 0" in ad
    assert (
        "  status    on track: due 2026-12-10, the owner's confidence 0.8 is green "
        "(0.7–1.0 on track, 0.4–0.7 at risk, below off track)"
    ) in ad


def test_a_share_gives_the_arithmetic_of_the_key_result_it_shares(forms: Workspace) -> None:
    lines = explained(forms, "bundles-share")
    assert lines[:4] == [
        "2026-Q4:marketing/launch-season/bundles-share  Bundles on 3 pages",
        "  share     a share of 2026-Q4:ecommerce/grow-basket/bundles-live: its figures are "
        "that key result's, counted once in any roll-up; weight 1 here",
        "2026-Q4:ecommerce/grow-basket/bundles-live  Bundles on 3 pages",
        "  owners    lee",
    ]
    # (4 - 0) / (3 - 0) = 1.3333: done, counted as 1
    assert "  progress  (value - start) / (target - start) = (4 - 0) / (3 - 0) = 1.3333" in lines


def test_a_key_result_deprioritised_alone_gives_its_state_and_reason(forms: Workspace) -> None:
    lines = explained(forms, "tiktok")
    assert lines[2] == (
        "  state     dropped alone: Holiday campaign first; its figures stand, but it is left "
        "out of its objective's roll-up"
    )
    assert "  progress  (value - start) / (target - start) = (100 - 0) / (5000 - 0) = 0.02" in lines
    retire = explained(forms, "marketing/old-site/retire")
    assert retire[1:3] == [
        "  owners    mia (its objective's)",
        "  state     dropped with its objective: Replatforming first; left out of every roll-up",
    ]
    # nothing is due before the period's last day: expected 0, no pace
    assert "  expected  weight due by 2026-11-20 / total weight = 0 / 2 = 0" in retire
    assert (
        "  status    on track: nothing is expected yet (no pace), and progress is not below 0"
    ) in retire


def test_an_objective_names_the_key_results_it_leaves_out(forms: Workspace) -> None:
    lines = explained(forms, "marketing/launch-season")
    assert lines[1] == "  owners    mia, noor"
    assert lines[-2:] == [
        "  left out  2026-Q4:marketing/launch-season/bundles-again: a share of "
        "2026-Q4:ecommerce/grow-basket/bundles-live, counted once, through "
        "2026-Q4:marketing/launch-season/bundles-share",
        "  left out  2026-Q4:marketing/launch-season/tiktok: dropped alone (Holiday campaign "
        "first), deprioritised work leaves every roll-up",
    ]
    # 5.5/5.6 + 0.6 + 0.5 + 0.6 + 1/3 + 1 (bundles, 4 of 3), of ten terms
    assert "  progress  0.4015" in lines


def test_a_dropped_objective_gives_its_reason(forms: Workspace) -> None:
    lines = explained(forms, "marketing/old-site")
    assert lines[-2:] == [
        "  dropped: left out of its parents' and its team's roll-ups",
        "  reason    Replatforming first",
    ]


def test_an_objective_names_a_share_its_aligned_roll_up_counts_already(tmp_path: Path) -> None:
    # cx/better-journeys rolls up both: its share of bundles-live, and e-commerce's
    # grow-basket, which counts bundles-live within it.
    cx = FORMS["okrs/2026-Q4/cx.yaml"]
    assert isinstance(cx, str)
    share = (
        "progress: both\n            key_results:\n"
        "              - {id: bundles-cx, title: Bundles, shares: ecommerce/grow-basket/bundles-live}"
    )
    files = {**FORMS, "okrs/2026-Q4/cx.yaml": cx.replace("progress: aligned", share)}
    lines = explained(load(write_files(tmp_path / "ws", files)), "cx/better-journeys")
    assert "    2026-Q4:ecommerce/grow-basket: 0.7222 × weight 2" in lines
    assert (
        "  left out  2026-Q4:cx/better-journeys/bundles-cx: a share of "
        "2026-Q4:ecommerce/grow-basket/bundles-live, counted once, within its own objective, "
        "which the aligned roll-up reaches"
    ) in lines
