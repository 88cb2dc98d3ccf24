"""The driver tree: outcomes at the top, drivers below, each drawn once; a cycle ends."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cxokr.compute.metric_map import DriverNode, MetricMap, metric_map, trade_partners
from cxokr.errors import UsageError
from cxokr.load import workspace
from tests.conftest import WriteFiles

DAY = date(2026, 11, 20)


def metric(name: str, more: str = "") -> str:
    return f"name: {name}\nunit: points\ndirection: higher\n{more}"


def shape(node: DriverNode) -> object:
    """A node as (id, repeated, [drivers...])."""
    return (node.id, node.repeated, [shape(d) for d in node.drivers])


def tree_of(root: Path, name: str | None = None) -> MetricMap:
    return metric_map(workspace.load(root), DAY, name)


def test_outcomes_are_at_the_top_and_drivers_below(make_ws: WriteFiles) -> None:
    root = make_ws(
        {
            "metrics/nps.yaml": metric("NPS"),
            "metrics/fcr.yaml": metric("FCR", "drives: [nps]\n"),
            "metrics/aht.yaml": metric("AHT", "drives: [fcr, nps]\n"),
        }
    )
    found = tree_of(root)
    # aht drives both: its place under fcr is drawn in full first, then marked repeated
    # (a node without drivers of its own is never marked).
    assert [shape(n) for n in found.outcomes] == [
        ("nps", False, [("aht", False, []), ("fcr", False, [("aht", False, [])])])
    ]
    assert found.unlinked == ("aov",)


def test_a_metric_with_drivers_reached_twice_draws_them_once(make_ws: WriteFiles) -> None:
    root = make_ws(
        {
            "metrics/nps.yaml": metric("NPS"),
            "metrics/csat.yaml": metric("CSAT"),
            "metrics/fcr.yaml": metric("FCR", "drives: [nps, csat]\n"),
            "metrics/aht.yaml": metric("AHT", "drives: [fcr]\n"),
        }
    )
    assert [shape(n) for n in tree_of(root).outcomes] == [
        ("csat", False, [("fcr", False, [("aht", False, [])])]),
        ("nps", False, [("fcr", True, [])]),
    ]


def test_a_three_cycle_ends_and_draws_each_metric(make_ws: WriteFiles) -> None:
    root = make_ws(
        {
            "metrics/a.yaml": metric("A", "drives: [b]\n"),
            "metrics/b.yaml": metric("B", "drives: [c]\n"),
            "metrics/c.yaml": metric("C", "drives: [a]\n"),
        }
    )
    found = tree_of(root)
    # No outcome drives nothing: the cycle is drawn from its first metric, and where it
    # comes back to a it stops.
    assert [shape(n) for n in found.outcomes] == [
        ("a", False, [("c", False, [("b", False, [("a", True, [])])])])
    ]
    assert found.unlinked == ("aov",)


def test_one_metric_is_drawn_from_itself_down(make_ws: WriteFiles) -> None:
    root = make_ws(
        {
            "metrics/nps.yaml": metric("NPS"),
            "metrics/fcr.yaml": metric("FCR", "drives: [nps]\n"),
            "metrics/aht.yaml": metric("AHT", "drives: [fcr]\n"),
        }
    )
    found = tree_of(root, "fcr")
    assert [shape(n) for n in found.outcomes] == [("fcr", False, [("aht", False, [])])]
    assert found.unlinked == ()


def test_an_unknown_metric_is_a_usage_error_with_close_names(make_ws: WriteFiles) -> None:
    with pytest.raises(UsageError, match=r"no metric 'avo' in metrics/ \(did you mean 'aov'\?\)"):
        tree_of(make_ws(), "avo")


def test_each_node_holds_its_latest_reading_per_segment_and_key_results(
    make_ws: WriteFiles,
) -> None:
    root = make_ws(
        {
            "metrics/conversion.yaml": metric("Conversion", "drives: [aov]\n"),
            "readings/aov.yaml": (
                '- {"date": "2026-11-13", "value": 60.0, "segment": "in-store"}\n'
                '- {"date": "2026-11-21", "value": 99.0, "segment": "online"}\n'
                '- {"date": "2026-11-20", "value": 61.2, "segment": "online"}\n'
                '- {"date": "2026-11-06", "value": 59.0, "segment": "online"}\n'
            ),
        }
    )
    (aov,) = tree_of(root).outcomes
    assert [(r.segment, r.value, r.date.isoformat()) for r in aov.latest] == [
        ("online", 61.2, "2026-11-20"),
        ("in-store", 60.0, "2026-11-13"),
    ]
    assert [(kr.ref, aov.levels[kr.team]) for kr in aov.key_results] == [
        ("2026:company/raise-aov/aov", 1),
        ("2026-Q4:ecommerce/grow-basket/aov-online", 3),
    ]


def test_trade_offs_count_from_either_side(make_ws: WriteFiles) -> None:
    root = make_ws(
        {
            "metrics/lcp.yaml": metric("LCP", "trades_off: [engagement, missing]\n"),
            "metrics/engagement.yaml": metric("Engagement", "trades_off: [lcp]\n"),
        }
    )
    assert trade_partners(workspace.load(root)) == {"engagement": ("lcp",), "lcp": ("engagement",)}


def test_a_derived_whole_reading_stands_beside_the_segments(make_ws: WriteFiles) -> None:
    root = make_ws(
        {
            "metrics/conversion.yaml": metric("Conversion", "drives: [aov]\n"),
            "metrics/aov.yaml": (
                "name: AOV\nunit: USD\ndirection: higher\nsegments: [online, in-store]\n"
                "whole: sum\n"
            ),
            "readings/aov.yaml": (
                '- {"date": "2026-11-13", "value": 60.0, "segment": "in-store"}\n'
                '- {"date": "2026-11-13", "value": 50.0, "segment": "online"}\n'
                '- {"date": "2026-11-20", "value": 61.2, "segment": "online"}\n'
            ),
        }
    )
    (aov,) = tree_of(root).outcomes
    # 2026-11-13 is the last day both segments have a reading: 60 + 50.
    assert [(r.segment, r.value, r.date.isoformat()) for r in aov.latest] == [
        (None, 110.0, "2026-11-13"),
        ("online", 61.2, "2026-11-20"),
        ("in-store", 60.0, "2026-11-13"),
    ]
