"""The derived whole-business reading, checked against arithmetic done by hand.

Order value (aov) is weighted by orders; orders are summed. Its readings:

    day         aov online  aov in-store  orders online  orders in-store  aov whole (recorded)
    2026-11-18  60          -             280            90               -
    2026-11-19  60 then 61  45            300            100              -
    2026-11-20  62          48            250            150              56.5

On 11-19 the day's last online reading (61) counts: aov's whole is
(61 × 300 + 45 × 100) / 400 = (18300 + 4500) / 400 = 57, orders' 300 + 100 = 400.
On 11-20 aov's whole is (62 × 250 + 48 × 150) / 400 = (15500 + 7200) / 400 = 56.75,
orders' 400; the recorded 56.5 is what a key result reads that day. On 11-18 in-store
has no reading: no whole.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from cxokr.cli import app
from cxokr.compute import wholes
from cxokr.load.workspace import load
from tests.conftest import WriteFiles

CHANNELS: dict[str, str | bytes | None] = {
    "metrics/aov.yaml": """
        name: Average order value
        unit: USD
        direction: higher
        segments: [online, in-store]
        whole: {weighted_by: orders}
    """,
    "metrics/orders.yaml": """
        name: Orders
        unit: count
        direction: higher
        segments: [online, in-store]
        whole: sum
    """,
    "readings/aov.yaml": """
        - {"date": "2026-11-18", "value": 60, "segment": "online"}
        - {"date": "2026-11-19", "value": 60, "segment": "online", "at": "2026-11-19T08:00:00Z"}
        - {"date": "2026-11-19", "value": 61, "segment": "online", "at": "2026-11-19T20:00:00Z"}
        - {"date": "2026-11-19", "value": 45, "segment": "in-store"}
        - {"date": "2026-11-20", "value": 62, "segment": "online"}
        - {"date": "2026-11-20", "value": 48, "segment": "in-store"}
        - {"date": "2026-11-20", "value": 56.5}
    """,
    "readings/orders.yaml": """
        - {"date": "2026-11-18", "value": 280, "segment": "online"}
        - {"date": "2026-11-18", "value": 90, "segment": "in-store"}
        - {"date": "2026-11-19", "value": 300, "segment": "online"}
        - {"date": "2026-11-19", "value": 100, "segment": "in-store"}
        - {"date": "2026-11-20", "value": 250, "segment": "online"}
        - {"date": "2026-11-20", "value": 150, "segment": "in-store"}
    """,
    # The company reads the whole of aov: no segment.
    "okrs/2026/company.yaml": """
        objectives:
          - id: raise-aov
            title: Raise AOV this year
            key_results:
              - {id: aov, title: AOV from 50 to 60, metric: aov, start: 50, target: 60}
    """,
}


def days(found: tuple[wholes.DerivedReading, ...]) -> list[tuple[date, float]]:
    return [(r.date, r.value) for r in found]


def test_a_weighted_whole_is_the_mean_weighted_by_the_other_metrics_readings(
    make_ws: WriteFiles,
) -> None:
    ws = load(make_ws(CHANNELS))
    assert days(wholes.derived(ws, "aov")) == [
        (date(2026, 11, 19), 57.0),
        (date(2026, 11, 20), 56.75),
    ]


def test_a_summed_whole_adds_the_segments_on_every_day_each_has_one(make_ws: WriteFiles) -> None:
    ws = load(make_ws(CHANNELS))
    assert days(wholes.derived(ws, "orders")) == [
        (date(2026, 11, 18), 370.0),
        (date(2026, 11, 19), 400.0),
        (date(2026, 11, 20), 400.0),
    ]


def test_a_weighted_whole_needs_every_segments_weight_that_day(make_ws: WriteFiles) -> None:
    readings = str(CHANNELS["readings/orders.yaml"]).replace(
        '- {"date": "2026-11-19", "value": 100, "segment": "in-store"}', ""
    )
    ws = load(make_ws({**CHANNELS, "readings/orders.yaml": readings}))
    assert days(wholes.derived(ws, "aov")) == [(date(2026, 11, 20), 56.75)]


def test_weights_adding_up_to_nothing_give_no_whole(make_ws: WriteFiles) -> None:
    readings = str(CHANNELS["readings/orders.yaml"]).replace("300", "0").replace("100", "0")
    ws = load(make_ws({**CHANNELS, "readings/orders.yaml": readings}))
    assert days(wholes.derived(ws, "aov")) == [(date(2026, 11, 20), 56.75)]


def test_the_whole_reads_the_recorded_reading_of_a_day_that_has_one(make_ws: WriteFiles) -> None:
    ws = load(make_ws(CHANNELS))
    found = wholes.readings_of(ws, "aov", None)
    assert [(r.date, r.value, isinstance(r, wholes.DerivedReading)) for r in found] == [
        (date(2026, 11, 19), 57.0, True),
        (date(2026, 11, 20), 56.5, False),
    ]


def test_a_segment_reads_its_own_readings_only(make_ws: WriteFiles) -> None:
    ws = load(make_ws(CHANNELS))
    assert [r.value for r in wholes.readings_of(ws, "aov", "online")] == [60, 60, 61, 62]


def test_a_metric_without_whole_reads_its_log_as_written(make_ws: WriteFiles) -> None:
    metric = str(CHANNELS["metrics/aov.yaml"]).replace("whole: {weighted_by: orders}", "")
    ws = load(make_ws({**CHANNELS, "metrics/aov.yaml": metric}))
    assert wholes.derived(ws, "aov") == ()
    assert [r.value for r in wholes.readings_of(ws, "aov", None)] == [56.5]


def test_a_whole_without_segments_derives_nothing(make_ws: WriteFiles) -> None:
    metric = str(CHANNELS["metrics/orders.yaml"]).replace("segments: [online, in-store]", "")
    ws = load(make_ws({**CHANNELS, "metrics/orders.yaml": metric}))
    assert wholes.derived(ws, "orders") == ()


def test_the_tolerance_defaults_to_one_percent_and_may_be_given(make_ws: WriteFiles) -> None:
    metric = str(CHANNELS["metrics/orders.yaml"]).replace(
        "whole: sum", "whole: {sum: true, tolerance: 0.002}"
    )
    ws = load(make_ws({**CHANNELS, "metrics/orders.yaml": metric}))
    aov, orders = wholes.rule(ws.metrics["aov"]), wholes.rule(ws.metrics["orders"])
    assert aov == wholes.WholeRule("weighted", ("online", "in-store"), "orders", 0.01)
    assert orders == wholes.WholeRule("sum", ("online", "in-store"), None, 0.002)
    assert (aov.said(), orders.said()) == (
        "online, in-store weighted by orders",
        "the sum of online, in-store",
    )


def report_json(root: Path, as_of: str, *extra: str) -> dict[str, object]:
    result = CliRunner().invoke(
        app, ["report", "--workspace", str(root), "--as-of", as_of, "--format", "json", *extra]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def the_whole_kr(document: dict[str, object]) -> dict[str, object]:
    objectives = document["objectives"]
    assert isinstance(objectives, list)
    found = next(o for o in objectives if o["ref"] == "2026:company/raise-aov")
    return found["key_results"][0]  # type: ignore[no-any-return]


def test_a_key_result_on_the_whole_reads_the_derived_reading(make_ws: WriteFiles) -> None:
    kr = the_whole_kr(report_json(make_ws(CHANNELS), "2026-11-19"))
    assert (kr["value"], kr["value_date"], kr["progress"]) == (57.0, "2026-11-19", 0.7)


def test_a_recorded_whole_reading_wins_over_the_derived_one(make_ws: WriteFiles) -> None:
    kr = the_whole_kr(report_json(make_ws(CHANNELS), "2026-11-20"))
    assert (kr["value"], kr["value_date"], kr["progress"]) == (56.5, "2026-11-20", 0.65)


def test_metrics_shows_the_derived_whole_marked_as_derived(make_ws: WriteFiles) -> None:
    root = make_ws(CHANNELS)
    runner = CliRunner()
    shown = runner.invoke(app, ["metrics", "orders", "-w", str(root), "--as-of", "2026-11-20"])
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.splitlines()[1] == "  all                 400 on 2026-11-20 (derived)  ▁██"
    aov = runner.invoke(app, ["metrics", "aov", "-w", str(root), "--as-of", "2026-11-20"])
    assert aov.stdout.splitlines()[1] == "  all                56.5 on 2026-11-20  █▁"  # recorded
    document = json.loads(
        runner.invoke(
            app, ["metrics", "aov", "-w", str(root), "--as-of", "2026-11-20", "--format", "json"]
        ).stdout
    )
    whole = document["metrics"][0]["segments"][0]
    assert whole["segment"] is None
    assert whole["derived"] == ["2026-11-19"]
    assert [(p["date"], p["value"]) for p in whole["series"]] == [
        ("2026-11-19", 57.0),
        ("2026-11-20", 56.5),
    ]


def test_explain_says_a_value_was_derived_and_how(make_ws: WriteFiles) -> None:
    root = make_ws(CHANNELS)

    def value_line(as_of: str) -> str:
        shown = CliRunner().invoke(
            app, ["explain", "2026:company/raise-aov/aov", "-w", str(root), "--as-of", as_of]
        )
        assert shown.exit_code == 0, shown.output
        return next(line for line in shown.stdout.splitlines() if line.startswith("  value "))

    assert value_line("2026-11-19") == (
        "  value     57 USD  newest reading at or before 2026-11-19: 2026-11-19, derived from "
        "online, in-store weighted by orders"
    )
    assert value_line("2026-11-20") == (
        "  value     56.5 USD  newest reading at or before 2026-11-20: 2026-11-20"
    )
