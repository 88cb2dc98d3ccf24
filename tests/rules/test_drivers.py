"""The metric map's rules (CX360-CX364), with exact lines."""

from __future__ import annotations

from pathlib import Path

from cxokr.load import workspace
from cxokr.rules import checks
from tests.conftest import WriteFiles

CONFIG = """\
organization: Acme
periods:
  - {id: 2026, start: 2026-01-01, end: 2026-12-31}
  - {id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}
  - {id: 2027-Q1, start: 2027-01-01, end: 2027-03-31}
"""


def metric(name: str, direction: str = "higher", more: str = "") -> str:
    return f"name: {name}\nunit: points\ndirection: {direction}\n{more}"


def okrs(oid: str, *krs: tuple[str, str]) -> str:
    """An objective with one key result (id, metric) per pair, each from 10 to 20."""
    lines = [
        f"      - {{id: {kid}, title: {kid}, metric: {on}, start: 10, target: 20}}\n"
        for kid, on in krs
    ]
    return f"objectives:\n  - id: {oid}\n    title: {oid}\n    key_results:\n{''.join(lines)}"


BASE = {
    "cxokr.yaml": CONFIG,
    "teams/company.yaml": "name: Exec\nlevel: 1\n",
    "teams/cx.yaml": "name: CX\nlevel: 2\nparent: company\n",
    "teams/support.yaml": "name: Support\nlevel: 4\nparent: cx\n",
    "metrics/nps.yaml": metric("NPS"),
    "metrics/fcr.yaml": metric("First contact resolution", more="drives: [nps]\n"),
    "metrics/handle-time.yaml": metric("Handle time", "lower", "drives: [fcr]\n"),
}


def problems(root: Path) -> list[str]:
    """The workspace's problems of the metric map (these workspaces align nothing)."""
    found = checks.check(workspace.load(root))
    return [f"{p.location()}: {p.code} {p.message}" for p in found if p.code in CODES]


CODES = {"CX360", "CX361", "CX362", "CX363", "CX364"}


def test_a_map_with_key_results_at_the_right_levels_checks_clean(make_ws: WriteFiles) -> None:
    files = {
        **BASE,
        "okrs/2026/company.yaml": okrs("delight", ("nps", "nps")),
        "okrs/2026-Q4/support.yaml": okrs("resolve", ("aht", "handle-time")),
    }
    assert problems(make_ws(files, base=False)) == []


def test_drives_naming_an_unknown_metric_is_an_error_with_close_names(
    make_ws: WriteFiles,
) -> None:
    files = {**BASE, "metrics/fcr.yaml": metric("FCR", more="drives: [npss]\n")}
    assert problems(make_ws(files, base=False)) == [
        "metrics/fcr.yaml:4:10: CX360 drives names metric 'npss', which is not in metrics/ "
        "(did you mean 'nps'?)"
    ]


def test_trades_off_naming_an_unknown_metric_is_an_error(make_ws: WriteFiles) -> None:
    files = {**BASE, "metrics/nps.yaml": metric("NPS", more="trades_off: [fcr, checkout-lcp]\n")}
    assert problems(make_ws(files, base=False)) == [
        "metrics/nps.yaml:4:19: CX361 trades_off names metric 'checkout-lcp', which is not in "
        "metrics/"
    ]


def test_a_cycle_in_drives_is_one_error_on_its_first_metric(make_ws: WriteFiles) -> None:
    files = {
        **BASE,
        "metrics/nps.yaml": metric("NPS", more="drives: [handle-time]\n"),
    }
    assert problems(make_ws(files, base=False)) == [
        "metrics/fcr.yaml:4:10: CX362 drives cycle of 3: fcr → nps → handle-time → fcr; "
        "a metric cannot drive itself"
    ]


def test_a_metric_driving_itself_is_a_cycle_of_one(make_ws: WriteFiles) -> None:
    files = {**BASE, "metrics/nps.yaml": metric("NPS", more="drives: [fcr, nps]\n")}
    found = problems(make_ws(files, base=False))
    assert (
        "metrics/nps.yaml:4:15: CX362 drives cycle of 1: nps → nps; a metric cannot drive "
        "itself" in found
    )
    assert [line.split(" ")[1] for line in found] == ["CX362", "CX362"]


def test_a_driver_pursued_above_its_outcome_warns(make_ws: WriteFiles) -> None:
    files = {
        **BASE,
        "okrs/2026/company.yaml": okrs("speed", ("aht", "handle-time")),
        "okrs/2026-Q4/cx.yaml": okrs("resolve", ("fcr", "fcr")),
    }
    assert problems(make_ws(files, base=False)) == [
        "okrs/2026/company.yaml:5:31: CX363 company/speed/aht pursues handle-time at level 1, "
        "above fcr, the outcome it drives (highest key result on it: cx/resolve/fcr, level 2)"
    ]


def test_a_driver_above_an_outcome_of_a_period_that_does_not_overlap_is_not_compared(
    make_ws: WriteFiles,
) -> None:
    files = {
        **BASE,
        "okrs/2026/company.yaml": okrs("speed", ("aht", "handle-time")),
        "okrs/2027-Q1/cx.yaml": okrs("resolve", ("fcr", "fcr")),
    }
    assert problems(make_ws(files, base=False)) == []


def test_a_level_one_outcome_nobody_below_moves_warns(make_ws: WriteFiles) -> None:
    files = {**BASE, "okrs/2026/company.yaml": okrs("delight", ("nps", "nps"))}
    assert problems(make_ws(files, base=False)) == [
        "okrs/2026/company.yaml:5:31: CX364 nobody works on what moves nps: "
        "company/delight/nps is at level 1 and no key result below level 1 in 2026 is on its "
        "drivers (fcr, handle-time)"
    ]


def test_a_key_result_on_a_driver_two_steps_down_moves_the_outcome(
    make_ws: WriteFiles,
) -> None:
    files = {
        **BASE,
        "okrs/2026/company.yaml": okrs("delight", ("nps", "nps")),
        "okrs/2027-Q1/support.yaml": okrs("resolve", ("aht", "handle-time")),
    }
    assert [line.split(" ")[1] for line in problems(make_ws(files, base=False))] == ["CX364"]
    files["okrs/2026-Q4/support.yaml"] = files.pop("okrs/2027-Q1/support.yaml")
    assert problems(make_ws(files, base=False)) == []
