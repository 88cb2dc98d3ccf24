"""The rules of key results written as people write them: checklists, scores, schedules,
due days, relative targets, shares and deprioritised key results.

Each case adds a brand team to the hand-computed workspace `FORMS` (whose marketing team
holds every form) with one objective that starts on line 6 with the key results under test,
and reads what `check` says of the brand files.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cxokr.cli import app
from cxokr.load.workspace import load
from cxokr.problems import Severity
from cxokr.rules import checks
from tests.compute.test_kr_rows import FORMS
from tests.conftest import write_files

OKRS = "okrs/2026-Q4/brand.yaml"
LOG = "checkins/2026-Q4/brand.yaml"
BUNDLES = "ecommerce/grow-basket/bundles-live"
HEAD = """\
objectives:
  - id: voice
    title: One voice
    aligns_to: cx/better-journeys
    key_results:
"""


def brand(krs: str, checkins: str | None = None, **more: str) -> dict[str, str | bytes | None]:
    """FORMS with a brand team whose one objective holds `krs` (from line 6)."""
    body = textwrap.indent(textwrap.dedent(krs).strip("\n"), "      ")
    files: dict[str, str | bytes | None] = {
        **FORMS,
        "teams/brand.yaml": "name: Brand\nlevel: 3\nparent: cx\n",
        OKRS: HEAD + body + "\n",
        **more,
    }
    if checkins is not None:
        files[LOG] = checkins
    return files


def found(tmp_path: Path, files: dict[str, str | bytes | None]) -> list[str]:
    """What `check` says of the brand files: `path:line:col: CODE message`."""
    ws = load(write_files(tmp_path / "ws", files))
    return [
        f"{p.location()}: {p.code} {p.message}"
        for p in checks.check(ws)
        if "brand" in p.path or p.code in ("CX340", "CX341")
    ]


def codes(tmp_path: Path, files: dict[str, str | bytes | None]) -> list[str]:
    return [line.split(": ", 1)[1].split(" ", 1)[0] for line in found(tmp_path, files)]


# --- The workspace with every form ---------------------------------------------------------


def test_every_form_of_the_hand_computed_workspace_checks_clean_of_errors(
    tmp_path: Path,
) -> None:
    ws = load(write_files(tmp_path / "ws", FORMS))
    problems = checks.check(ws)
    assert [p.severity for p in problems] == [Severity.WARNING] * len(problems)
    # its last-day step (90, target 100) is the one form it writes amiss on purpose
    assert sorted({p.code for p in problems}) == ["CX328", "CX402"]


def test_plain_forms_raise_nothing(tmp_path: Path) -> None:
    krs = """
        - {id: list, title: A list, type: checklist, items: [{id: a, title: A, due: 2026-11-01}]}
        - {id: felt, title: Felt, type: score}
        - {id: ship, title: Shipped, type: done, due: 2026-12-31}
        - {id: rel, title: Up 10%, unit: count, start: first, target: +10%}
        - {id: more, title: 5 more, unit: count, start: 10, change: 5, schedule: {2026-11-01: 12}}
        - {id: hold, title: Holds, type: stay_above, unit: count, start: 20, target: -10%}
    """
    log = """
        - {"kr": "voice/list", "date": "2026-10-10", "done": ["a"]}
        - {"kr": "voice/list", "date": "2026-10-11", "undone": ["a"]}
        - {"kr": "voice/list", "date": "2026-10-12", "done": ["a"]}
        - {"kr": "voice/felt", "date": "2026-10-12", "score": 1, "confidence": 0.5}
    """
    assert codes(tmp_path, brand(krs, log)) == ["CX402"]


# --- Checklists and what a type takes -----------------------------------------------------


def test_a_checklist_needs_items(tmp_path: Path) -> None:
    krs = """
        - {id: none, title: No list, type: checklist}
        - {id: empty, title: Empty list, type: checklist, items: []}
    """
    assert found(tmp_path, brand(krs)) == [
        f"{OKRS}:6:36: CX318 none is a checklist without items: list what it takes to be done",
        f"{OKRS}:7:57: CX318 empty is a checklist without items: list what it takes to be done",
    ]


def test_two_items_of_one_id_are_an_error(tmp_path: Path) -> None:
    krs = """
        - id: list
          title: A list
          type: checklist
          items: [{id: a, title: A}, {id: b, title: B}, {id: a, title: Again}]
    """
    assert found(tmp_path, brand(krs)) == [
        f"{OKRS}:9:18: CX304 item ID 'a' is used more than once here",
        f"{OKRS}:9:56: CX304 item ID 'a' is used more than once here",
    ]


def test_items_on_a_key_result_that_is_not_a_checklist_are_an_error(tmp_path: Path) -> None:
    krs = (
        "- {id: pages, title: Pages, unit: count, start: 0, target: 3, items: [{id: a, title: A}]}"
    )
    assert found(tmp_path, brand(krs)) == [
        f"{OKRS}:6:69: CX322 pages is a target key result: items is not read "
        "(only a checklist has items)"
    ]


@pytest.mark.parametrize(
    "kind",
    [
        "type: stay_above, unit: count, target: 3",
        "type: done",
        "type: checklist, items: [{id: a, title: A}]",
        "type: score",
    ],
)
def test_a_schedule_only_stages_a_target(tmp_path: Path, kind: str) -> None:
    krs = f"- {{id: k, title: K, {kind}, schedule: {{2026-11-01: 1}}}}"
    assert codes(tmp_path, brand(krs)) == ["CX322"]


def test_a_checklist_or_score_reads_no_metric_start_or_target(tmp_path: Path) -> None:
    krs = """
        - {id: felt, title: Felt, type: score, metric: nps, start: 0, target: 1}
    """
    assert codes(tmp_path, brand(krs)) == ["CX322", "CX322", "CX322"]


def test_only_a_milestone_has_a_due_day(tmp_path: Path) -> None:
    krs = """
        - {id: list, title: A list, type: checklist, due: 2026-11-01, items: [{id: a, title: A}]}
    """
    assert found(tmp_path, brand(krs)) == [
        f"{OKRS}:6:52: CX322 list is a checklist key result: due is not read (only a milestone "
        "(type: done) has a due day; a checklist's items take their own)"
    ]


def test_a_due_day_outside_the_period_is_an_error(tmp_path: Path) -> None:
    krs = """
        - {id: ship, title: Shipped, type: done, due: 2027-01-15}
        - {id: list, title: A list, type: checklist, items: [{id: a, title: A, due: 2026-09-30}]}
    """
    assert found(tmp_path, brand(krs)) == [
        f"{OKRS}:6:48: CX337 ship is due 2027-01-15, outside 2026-Q4 (2026-10-01 to 2026-12-31)",
        f"{OKRS}:7:78: CX337 item a is due 2026-09-30, outside 2026-Q4 (2026-10-01 to 2026-12-31)",
    ]


# --- Schedules ---------------------------------------------------------------------------


def test_a_schedule_step_outside_its_period_is_an_error(tmp_path: Path) -> None:
    krs = "- {id: subs, title: Subs, unit: count, start: 0, target: 10, schedule: {2027-01-31: 5}}"
    assert found(tmp_path, brand(krs)) == [
        f"{OKRS}:6:79: CX327 step 2027-01-31 is outside 2026-Q4 (2026-10-01 to 2026-12-31)"
    ]


def test_a_last_day_step_that_is_not_the_target_warns(tmp_path: Path) -> None:
    krs = """
        - {id: off, title: Off, unit: count, start: 0, target: 10, schedule: {2026-12-31: 9}}
        - {id: on, title: On, unit: count, start: 0, target: 10, schedule: {2026-12-31: 10}}
    """
    assert found(tmp_path, brand(krs)) == [
        f"{OKRS}:6:77: CX328 step 2026-12-31 (9) is on 2026-Q4's last day, where the target "
        "(10) is the step: make it the target or drop it"
    ]


def test_steps_that_move_back_from_the_target_warn(tmp_path: Path) -> None:
    krs = """
        - id: back
          title: Back
          unit: count
          start: 1000
          target: 4000
          schedule: {2026-10-31: 2500, 2026-11-30: 1500}
        - {id: past, title: Past, unit: count, start: 10, target: 0, schedule: {2026-11-01: -2}}
        - {id: away, title: Away, unit: count, start: 10, target: 0, schedule: {2026-11-01: 12}}
    """
    assert found(tmp_path, brand(krs)) == [
        f"{OKRS}:11:38: CX329 step 2026-11-30 (1500) moves back from step 2026-10-31 (2500): "
        "steps run one way, from the start to the target",
        f"{OKRS}:12:79: CX329 step 2026-11-01 (-2) goes past the target (0): "
        "steps run one way, from the start to the target",
        f"{OKRS}:13:79: CX329 step 2026-11-01 (12) moves back from the start (10): "
        "steps run one way, from the start to the target",
    ]


def test_steps_without_a_known_start_move_one_way_to_the_target(tmp_path: Path) -> None:
    # the start is read before the period (56 online): the steps alone must not turn back
    krs = """
        - {id: up, title: Up, metric: aov, segment: online, target: 70, schedule: {2026-11-01: 60}}
        - id: turns
          title: Turns
          metric: aov
          segment: online
          target: 70
          schedule: {2026-11-01: 65, 2026-11-15: 60}
    """
    assert codes(tmp_path, brand(krs)) == ["CX329"]


# --- Where a target starts -----------------------------------------------------------------


def test_a_start_reading_needs_a_reading_on_or_before_its_day(tmp_path: Path) -> None:
    krs = """
        - {id: early, title: E, metric: nps, start: {reading: 2026-10-31}, change: 1}
        - {id: ok, title: O, metric: nps, start: {reading: 2026-11-01}, target: +10%}
        - id: st
          title: S
          metric: aov
          segment: in-store
          start: {reading: 2026-09-29}
          change: 5
        - {id: own, title: Own, unit: count, start: {reading: 2026-09-29}, target: 5}
    """
    assert found(tmp_path, brand(krs)) == [
        f"{OKRS}:6:52: CX338 early starts from nps's reading on 2026-10-31, "
        "and it has none on or before it",
        f"{OKRS}:12:17: CX338 st starts from aov (in-store)'s reading on 2026-09-29, "
        "and it has none on or before it",
        f"{OKRS}:14:44: CX338 own has no metric to read its start from: give the start as a number",
    ]


def test_a_relative_target_without_a_start_reads_one_before_the_period(tmp_path: Path) -> None:
    # nps is first read on 11-01: nothing before the period to count +10% or +5 from
    krs = """
        - {id: pct, title: Pct, metric: nps, target: +10%}
        - {id: plus, title: Plus, metric: nps, change: 5}
        - {id: aov, title: Aov, metric: aov, segment: online, change: 5}
    """
    assert found(tmp_path, brand(krs)) == [
        f"{OKRS}:6:10: CX319 pct has no start and nps has no reading before 2026-10-01",
        f"{OKRS}:7:10: CX319 plus has no start and nps has no reading before 2026-10-01",
    ]


def test_a_relative_target_from_first_needs_no_metric(tmp_path: Path) -> None:
    krs = """
        - {id: pct, title: Pct, unit: count, start: first, target: +10%}
        - {id: none, title: None, unit: count, change: 5}
    """
    assert found(tmp_path, brand(krs)) == [
        f"{OKRS}:7:10: CX318 none needs a start (it has no metric to read one)"
    ]


def test_a_relative_guardrail_needs_a_start(tmp_path: Path) -> None:
    krs = "- {id: hold, title: Hold, type: stay_above, metric: nps, target: -5%}"
    assert found(tmp_path, brand(krs)) == [
        f"{OKRS}:6:10: CX318 hold (stay_above) needs a start to count its relative target from"
    ]


def test_a_target_and_a_change_together_are_an_error(tmp_path: Path) -> None:
    krs = "- {id: both, title: Both, unit: count, start: 1, target: 3, change: 2}"
    assert found(tmp_path, brand(krs)) == [
        f"{OKRS}:6:67: CX339 both has both a target and a change: keep one "
        "(change is target minus start)"
    ]


def test_a_change_of_nothing_leaves_nothing_to_move(tmp_path: Path) -> None:
    krs = """
        - {id: still, title: Still, unit: count, start: 4, change: 0}
        - {id: zero, title: Zero, unit: count, start: 0, target: +10%}
        - {id: read, title: Read, metric: aov, segment: online, change: 0}
    """
    assert found(tmp_path, brand(krs)) == [
        f"{OKRS}:6:48: CX313 start and target are both 4; nothing to move",
        f"{OKRS}:7:46: CX313 start and target are both 0; nothing to move",
        # read before the period: online AOV was 58 on 09-30, and 58 + 0 is its target
        f"{OKRS}:8:10: CX321 read has no start and aov's newest reading before 2026-10-01 "
        "(2026-09-30) is 58, its target; nothing to move",
    ]


# --- Shares ---------------------------------------------------------------------------------


def test_a_share_names_a_key_result_that_exists(tmp_path: Path) -> None:
    krs = """
        - {id: gone, title: Gone, shares: ecommerce/grow-basket/nothing}
        - {id: whole, title: Whole, shares: ecommerce/grow-basket}
    """
    assert found(tmp_path, brand(krs)) == [
        f"{OKRS}:6:33: CX303 shares ecommerce/grow-basket/nothing: "
        "ecommerce/grow-basket has no key result 'nothing'",
        f"{OKRS}:7:35: CX303 shares ecommerce/grow-basket: "
        "name one of its key results: team/objective/kr",
    ]


def test_shares_that_lead_back_are_a_cycle(tmp_path: Path) -> None:
    krs = """
        - {id: a, title: A, shares: brand/voice/b}
        - {id: b, title: B, shares: brand/voice/a}
        - {id: c, title: C, shares: brand/voice/a}
        - {id: me, title: Me, shares: brand/voice/me}
    """
    assert found(tmp_path, brand(krs)) == [
        f"{OKRS}:6:27: CX340 a shares in a loop (2026-Q4:brand/voice/a -> "
        "2026-Q4:brand/voice/b -> 2026-Q4:brand/voice/a): share the key result itself",
        f"{OKRS}:7:27: CX340 b shares in a loop (2026-Q4:brand/voice/b -> "
        "2026-Q4:brand/voice/a -> 2026-Q4:brand/voice/b): share the key result itself",
        f"{OKRS}:9:29: CX340 me shares in a loop (2026-Q4:brand/voice/me -> "
        "2026-Q4:brand/voice/me): share the key result itself",
    ]


def test_a_share_of_a_later_period_is_an_error(tmp_path: Path) -> None:
    year = """
        objectives:
          - id: voice
            title: One voice all year
            aligns_to: company/raise-aov
            key_results:
              - {id: q4, title: Q4 bundles, shares: 2026-Q4:ecommerce/grow-basket/bundles-live}
    """
    files = brand(
        "- {id: year, title: Year AOV, shares: 2026:company/raise-aov/aov}",
        **{"okrs/2026/brand.yaml": year},
    )
    assert found(tmp_path, files) == [
        "okrs/2026/brand.yaml:6:37: CX341 shares 2026-Q4:ecommerce/grow-basket/bundles-live: "
        "2026-Q4 starts (2026-10-01) after 2026 (2026-01-01); share a key result of this "
        "period or an earlier one",
    ]


def test_a_share_writes_no_figures_of_its_own(tmp_path: Path) -> None:
    krs = """
        - id: mine
          title: Mine
          shares: ecommerce/grow-basket/bundles-live
          unit: count
          target: 5
          weight: 2
    """
    assert found(tmp_path, brand(krs)) == [
        f"{OKRS}:9:9: CX342 mine shares {BUNDLES}: its unit comes from there",
        f"{OKRS}:10:9: CX342 mine shares {BUNDLES}: its target comes from there",
    ]


def test_a_check_in_on_a_share_is_an_error(tmp_path: Path) -> None:
    krs = "- {id: mine, title: Mine, shares: ecommerce/grow-basket/bundles-live}"
    log = '- {"kr": "voice/mine", "date": "2026-11-01", "value": 2}\n'
    assert found(tmp_path, brand(krs, log)) == [
        f"{LOG}:1:1: CX343 voice/mine shares ecommerce/grow-basket/bundles-live: "
        "check in there, where its figures come from"
    ]


# --- Check-ins ------------------------------------------------------------------------------


KRS = """
    - {id: list, title: A list, type: checklist, items: [{id: a, title: A}, {id: b, title: B}]}
    - {id: felt, title: Felt, type: score}
    - {id: pages, title: Pages, unit: count, start: 0, target: 3}
"""


def test_a_check_in_names_items_its_checklist_has(tmp_path: Path) -> None:
    log = """
        - {"kr": "voice/list", "date": "2026-10-10", "done": ["a", "c"]}
        - {"kr": "voice/list", "date": "2026-10-11", "undone": ["d"]}
    """
    assert found(tmp_path, brand(KRS, log)) == [
        f"{LOG}:1:1: CX323 voice/list has no item 'c' (its items: a, b)",
        f"{LOG}:2:1: CX323 voice/list has no item 'd' (its items: a, b)",
    ]


def test_an_item_done_twice_warns_unless_reopened_between(tmp_path: Path) -> None:
    log = """
        - {"kr": "voice/list", "date": "2026-10-10", "done": ["a"]}
        - {"kr": "voice/list", "date": "2026-10-12", "done": ["a", "b"]}
        - {"kr": "voice/list", "date": "2026-10-13", "undone": ["a"]}
        - {"kr": "voice/list", "date": "2026-10-14", "done": ["a"]}
    """
    assert found(tmp_path, brand(KRS, log)) == [
        f"{LOG}:2:1: CX326 voice/list: a is checked in twice, done since 2026-10-10"
    ]


def test_done_and_score_only_fit_their_types(tmp_path: Path) -> None:
    log = """
        - {"kr": "voice/pages", "date": "2026-10-10", "done": ["a"]}
        - {"kr": "voice/felt", "date": "2026-10-11", "undone": ["a"]}
        - {"kr": "voice/list", "date": "2026-10-12", "score": 0.5}
    """
    assert found(tmp_path, brand(KRS, log)) == [
        f"{LOG}:1:1: CX324 voice/pages is a target key result: done and undone name a "
        "checklist's items",
        f"{LOG}:2:1: CX324 voice/felt is a score key result: done and undone name a "
        "checklist's items",
        f"{LOG}:3:1: CX324 voice/list is a checklist key result: only a score key result "
        "takes a score",
    ]


def test_a_value_of_a_checklist_or_score_is_not_read(tmp_path: Path) -> None:
    log = """
        - {"kr": "voice/list", "date": "2026-10-10", "value": 1}
        - {"kr": "voice/felt", "date": "2026-10-11", "value": 0.5}
    """
    assert found(tmp_path, brand(KRS, log)) == [
        f"{LOG}:1:1: CX325 voice/list is a checklist key result: its value is not read, "
        "its items done is",
        f"{LOG}:2:1: CX325 voice/felt is a score key result: its value is not read, the score is",
    ]


def test_a_score_outside_0_to_1_is_refused_where_it_is_written(tmp_path: Path) -> None:
    log = """
        - {"kr": "voice/felt", "date": "2026-10-10", "score": 0.5}
        - {"kr": "voice/felt", "date": "2026-10-11", "score": 1.5}
        - {"kr": "voice/felt", "date": "2026-10-12", "score": -0.1}
    """
    assert found(tmp_path, brand(KRS, log)) == [
        f"{LOG}:2:1: CX203 score: Input should be less than or equal to 1 (got 1.5)",
        f"{LOG}:3:1: CX203 score: Input should be greater than or equal to 0 (got -0.1)",
    ]


# --- Deprioritised key results -----------------------------------------------------------


def test_a_key_result_dropped_alone_says_why(tmp_path: Path) -> None:
    krs = """
        - {id: quiet, title: Quiet, unit: count, start: 0, target: 3, state: postponed}
        - {id: said, title: Said, unit: count, start: 0, target: 3, state: dropped, reason: Later}
        - {id: busy, title: Busy, unit: count, start: 0, target: 3, reason: Because}
    """
    assert found(tmp_path, brand(krs)) == [
        f"{OKRS}:6:69: CX344 quiet is postponed without a reason: say why in reason",
        f"{OKRS}:8:67: CX345 busy is active: its reason is shown only once it is dropped "
        "or postponed",
    ]


def test_an_active_objective_has_no_reason(tmp_path: Path) -> None:
    files = brand("- {id: pages, title: Pages, unit: count, start: 0, target: 3}")
    files[OKRS] = str(files[OKRS]).replace("    aligns_to:", "    reason: Why not\n    aligns_to:")
    assert found(tmp_path, files) == [
        f"{OKRS}:4:5: CX345 voice is active: its reason is shown only once it is dropped "
        "or postponed"
    ]


def test_a_dropped_objective_gives_its_key_results_its_reason(tmp_path: Path) -> None:
    files = brand("- {id: pages, title: Pages, unit: count, start: 0, target: 3, state: dropped}")
    files[OKRS] = str(files[OKRS]).replace(
        "    aligns_to:", "    status: dropped\n    reason: Budget\n    aligns_to:"
    )
    assert found(tmp_path, files) == []


# --- The command -----------------------------------------------------------------------------


def test_check_fails_on_a_form_error_and_warns_on_a_repeat(tmp_path: Path) -> None:
    runner = CliRunner()
    log = """
        - {"kr": "voice/list", "date": "2026-10-10", "done": ["a"]}
        - {"kr": "voice/list", "date": "2026-10-12", "done": ["a"]}
    """
    warned = write_files(tmp_path / "warned", brand(KRS, log))
    result = runner.invoke(app, ["check", "--workspace", str(warned)])
    assert result.exit_code == 0
    assert f"{LOG}:2:1: CX326 warning: voice/list: a is checked in twice" in result.stdout
    assert runner.invoke(app, ["check", "--workspace", str(warned), "--strict"]).exit_code == 1
    wrong = write_files(tmp_path / "wrong", brand(KRS, log.replace('["a"]}\n', '["z"]}\n', 1)))
    result = runner.invoke(app, ["check", "--workspace", str(wrong)])
    assert result.exit_code == 1
    assert f"{LOG}:1:1: CX323 error: voice/list has no item 'z' (its items: a, b)" in result.stdout
