"""`cxokr check` on a metric's `whole`: declared where it can be derived (CX371-CX374), and
recorded whole readings that agree with the derived ones (CX370), through the real command
line. The figures are those of tests/compute/test_wholes.py: on 2026-11-20 aov's segments
give (62 × 250 + 48 × 150) / 400 = 56.75."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from cxokr.cli import app
from tests.compute.test_wholes import CHANNELS
from tests.conftest import WriteFiles


def check(root: Path) -> tuple[int, list[str]]:
    result = CliRunner().invoke(app, ["check", "--workspace", str(root)])
    return result.exit_code, result.stdout.splitlines()


def aov(whole: str, segments: str = "[online, in-store]") -> str:
    return (
        "name: Average order value\nunit: USD\ndirection: higher\n"
        f"segments: {segments}\nwhole: {whole}\n"
    )


def aov_readings(whole: float) -> str:
    kept = str(CHANNELS["readings/aov.yaml"])
    return kept.replace('"value": 56.5}', f'"value": {whole}}}')


def test_a_recorded_whole_within_the_tolerance_checks_clean(make_ws: WriteFiles) -> None:
    assert check(make_ws(CHANNELS)) == (0, [])  # 56.5 is 0.4% from 56.75


def test_a_recorded_whole_beyond_the_tolerance_names_both_values_and_the_day(
    make_ws: WriteFiles,
) -> None:
    root = make_ws({**CHANNELS, "readings/aov.yaml": aov_readings(58)})
    assert check(root) == (
        0,
        [
            "readings/aov.yaml:7:1: CX370 warning: aov's whole reading on 2026-11-20 is 58, but "
            "online, in-store weighted by orders give 56.75, 2.2% apart, beyond the tolerance "
            "of 1%"
        ],
    )


def test_a_stated_tolerance_allows_more(make_ws: WriteFiles) -> None:
    files = {
        **CHANNELS,
        "metrics/aov.yaml": aov("{weighted_by: orders, tolerance: 0.025}"),
        "readings/aov.yaml": aov_readings(58),
    }
    assert check(make_ws(files)) == (0, [])


def test_a_summed_whole_is_compared_too(make_ws: WriteFiles) -> None:
    readings = (
        str(CHANNELS["readings/orders.yaml"]) + '    - {"date": "2026-11-19", "value": 380}\n'
    )
    root = make_ws({**CHANNELS, "readings/orders.yaml": readings})
    assert check(root) == (
        0,
        [
            "readings/orders.yaml:7:1: CX370 warning: orders's whole reading on 2026-11-19 is "
            "380, but the sum of online, in-store give 400, 5.0% apart, beyond the tolerance "
            "of 1%"
        ],
    )


def test_weighted_by_an_unknown_metric_says_which_there_is(make_ws: WriteFiles) -> None:
    root = make_ws({**CHANNELS, "metrics/aov.yaml": aov("{weighted_by: order}")})
    assert check(root) == (
        1,
        [
            "metrics/aov.yaml:5:9: CX371 error: whole.weighted_by 'order' is not a metric in "
            "metrics/ (did you mean 'orders'?)"
        ],
    )


def test_weighted_by_a_metric_lacking_a_segment(make_ws: WriteFiles) -> None:
    root = make_ws({**CHANNELS, "metrics/aov.yaml": aov("{weighted_by: orders}", "[online, app]")})
    assert [line for line in check(root)[1] if "CX372" in line] == [
        "metrics/aov.yaml:5:9: CX372 error: whole.weighted_by orders declares no segment app, "
        "so it cannot weigh aov's: declare it in metrics/orders.yaml"
    ]


def test_a_whole_on_a_metric_without_segments(make_ws: WriteFiles) -> None:
    metric = "name: Orders\nunit: count\ndirection: higher\nwhole: sum\n"
    readings = '- {"date": "2026-11-20", "value": 400}\n'
    root = make_ws({**CHANNELS, "metrics/orders.yaml": metric, "readings/orders.yaml": readings})
    assert check(root) == (
        1,
        [
            "metrics/aov.yaml:5:9: CX372 error: whole.weighted_by orders declares no segment "
            "online, in-store, so it cannot weigh aov's: declare them in metrics/orders.yaml",
            "metrics/orders.yaml:4:1: CX373 error: orders has a whole but no segments to derive "
            "it from: declare them (segments: [online, in-store]) or remove whole",
        ],
    )


def test_weighted_by_the_metric_itself(make_ws: WriteFiles) -> None:
    root = make_ws({**CHANNELS, "metrics/aov.yaml": aov("{weighted_by: aov}")})
    assert check(root) == (
        1,
        [
            "metrics/aov.yaml:5:9: CX374 error: whole.weighted_by names aov itself: weigh it "
            "by another metric (orders)"
        ],
    )


def test_a_whole_in_no_form_it_takes(make_ws: WriteFiles) -> None:
    root = make_ws({**CHANNELS, "metrics/aov.yaml": aov("3")})
    assert check(root) == (
        1,
        [
            "metrics/aov.yaml:5:1: CX203 error: whole: write sum, {sum: true, tolerance: 0.01} "
            "or {weighted_by: METRIC} (got 3)"
        ],
    )
