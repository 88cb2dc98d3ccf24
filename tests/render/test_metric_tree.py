"""`cxokr metrics --tree` through the real CLI: text, Markdown and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cxokr.cli import app
from tests.conftest import WriteFiles

MAP = {
    "metrics/conversion.yaml": (
        "name: Conversion rate\nunit: '%'\ndirection: higher\ndrives: [aov]\ntrades_off: [lcp]\n"
    ),
    "metrics/lcp.yaml": "name: Checkout LCP\nunit: s\ndirection: lower\nowner: company\n",
    "metrics/guide.yaml": (
        "name: Guide engagement\nunit: '%'\ndirection: higher\ndrives: [conversion]\n"
    ),
    "readings/conversion.yaml": '- {"date": "2026-11-18", "value": 2.5}\n',
    "okrs/2026-Q4/ecommerce.yaml": """
        objectives:
          - id: grow-basket
            title: Shoppers find more to love in every basket
            aligns_to: 2026:company/raise-aov
            key_results:
              - id: aov-online
                title: Raise online AOV from 58 to 64 USD
                metric: aov
                segment: online
                start: 58
                target: 64
              - id: convert
                title: Conversion from 2 to 3%
                metric: conversion
                start: 2
                target: 3
    """,
}


def run(root: Path, *args: str) -> tuple[int, str]:
    argv = ["metrics", "--tree", *args, "--workspace", str(root), "--as-of", "2026-11-20"]
    result = CliRunner().invoke(app, argv)
    return result.exit_code, result.stdout


def kr(ref: str, team: str, level: int, segment: str | None, progress: float, status: str) -> dict:
    period = ref.split(":")[0]
    return {
        "ref": ref,
        "team": team,
        "level": level,
        "segment": segment,
        "period": period,
        "progress": progress,
        "status": status,
    }


def test_the_tree_as_json_matches_the_map_by_hand(make_ws: WriteFiles) -> None:
    code, out = run(make_ws(MAP), "--format", "json")
    assert code == 0
    document = json.loads(out)
    for node in (outcome := document["outcomes"][0], *outcome["drivers"]):
        for row in node["key_results"]:
            row["progress"] = round(row["progress"], 4)
    guide = {
        "id": "guide",
        "name": "Guide engagement",
        "unit": "%",
        "direction": "higher",
        "owner": None,
        "latest": [],
        "trades_off": [],
        "key_results": [],
        "repeated": False,
        "drivers": [],
    }
    conversion = {
        "id": "conversion",
        "name": "Conversion rate",
        "unit": "%",
        "direction": "higher",
        "owner": None,
        "latest": [{"segment": None, "value": 2.5, "date": "2026-11-18"}],
        "trades_off": ["lcp"],
        # 2 -> 3, read 2.5: half way.
        "key_results": [
            kr("2026-Q4:ecommerce/grow-basket/convert", "ecommerce", 3, None, 0.5, "on track")
        ],
        "repeated": False,
        "drivers": [guide],
    }
    aov = {
        "id": "aov",
        "name": "Average order value",
        "unit": "USD",
        "direction": "higher",
        "owner": None,
        "latest": [{"segment": "online", "value": 61.2, "date": "2026-11-20"}],
        "trades_off": [],
        # 60 -> 64 read 61.2: 30%; 58 -> 64 read 61.2: 53.33%.
        "key_results": [
            kr("2026:company/raise-aov/aov", "company", 1, "online", 0.3, "off track"),
            kr(
                "2026-Q4:ecommerce/grow-basket/aov-online",
                "ecommerce",
                3,
                "online",
                0.5333,
                "on track",
            ),
        ],
        "repeated": False,
        "drivers": [conversion],
    }
    assert document == {
        "version": 1,
        "period": {"id": "2026-Q4", "start": "2026-10-01", "end": "2026-12-31", "closed": None},
        "as_of": "2026-11-20",
        "outcomes": [aov],
        "unlinked": ["lcp"],
    }


def test_the_tree_as_text_draws_each_driver_under_its_outcome(make_ws: WriteFiles) -> None:
    code, out = run(make_ws(MAP))
    assert code == 0
    assert out.splitlines() == [
        "Metric map · 2026-Q4 · as of 2026-11-20",
        "",
        "aov  Average order value (USD, higher is better)",
        "  online 61.2 on 2026-11-20",
        "  L1 company/raise-aov/aov [online] (2026)  30% off track",
        "  L3 ecommerce/grow-basket/aov-online [online]  53% on track",
        "└── conversion  Conversion rate (%, higher is better)  (trades off against lcp)",
        "      all 2.5 on 2026-11-18",
        "      L3 ecommerce/grow-basket/convert  50% on track",
        "    └── guide  Guide engagement (%, higher is better)",
        "          no reading yet",
        "",
        "Not on the map: lcp",
    ]


def test_the_tree_as_markdown_nests_drivers_as_lists(make_ws: WriteFiles) -> None:
    code, out = run(make_ws(MAP), "conversion", "--format", "md")
    assert code == 0
    assert out.splitlines() == [
        "# Metric map · 2026-Q4 · as of 2026-11-20",
        "",
        "- **conversion**  Conversion rate (%, higher is better) (trades off against lcp): "
        "all 2.5 on 2026-11-18",
        "  - L3 ecommerce/grow-basket/convert: 50%, on track",
        "  - **guide**  Guide engagement (%, higher is better): no reading yet",
    ]


def test_a_cycle_in_drives_still_draws_the_tree(make_ws: WriteFiles) -> None:
    files = {
        **MAP,
        "metrics/aov.yaml": "name: AOV\nunit: USD\ndirection: higher\ndrives: [guide]\n",
    }
    code, out = run(make_ws(files), "--format", "json")
    assert code == 0
    (top,) = json.loads(out)["outcomes"]
    assert (top["id"], top["drivers"][0]["id"]) == ("aov", "conversion")
    assert top["drivers"][0]["drivers"][0]["drivers"] == [{**top, "repeated": True, "drivers": []}]


def test_markdown_without_tree_is_a_usage_error(make_ws: WriteFiles) -> None:
    argv = ["metrics", "--format", "md", "--workspace", str(make_ws(MAP))]
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 2
    assert "--format md draws the driver tree: add --tree" in result.stderr


@pytest.mark.parametrize("width", [70, 80, 100])
def test_the_tree_breaks_between_its_parts_at_any_width(width: int) -> None:
    """No line passes the terminal's width, a reading keeps its day and a key result its
    progress and status: lines break only between them."""
    example = Path(__file__).parents[2] / "examples" / "retail-cx"
    result = CliRunner(env={"COLUMNS": str(width)}).invoke(
        app, ["metrics", "--tree", "--workspace", str(example), "--as-of", "2026-11-20"]
    )
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= width
    assert not [line for line in lines if line.rstrip().endswith((" on", " at", " L3", " L1"))]
    assert not [line for line in lines if line.strip().startswith(("2026-", "risk", "track"))]
    assert any(line.endswith("in-store 77.5 on 2026-11-20") for line in lines)
