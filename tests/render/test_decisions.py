"""The "Needs a decision" section in every report format and in `notify`, through the CLI."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cxokr.cli import app
from tests.compute.test_decisions import DECIDING
from tests.conftest import WriteFiles

COLLISION = (
    "it/speed/lcp (it, owner ravi) pushes checkout-lcp down while marketing/gift-guide/rich "
    "(marketing, owner maya) pushes engagement up; checkout-lcp trades off against engagement"
)
HELD = (
    "shop/basket/aov (shop, owner lee) pushes aov up in 2026-Q4; aov trades off against "
    "margin, and shop/basket/margin holds it"
)
DECIDED = (
    "shop/basket/bundles (shop, owner lee) pushes bundles up in 2026-Q4; bundles trades off "
    "against returns (owned by shop), and no guardrail or key result holds it"
)


@pytest.fixture
def root(make_ws: WriteFiles) -> Path:
    return make_ws(DECIDING, base=False)


def run(root: Path, *args: str) -> str:
    result = CliRunner().invoke(app, [*args, "-w", str(root), "--as-of", "2026-11-20"])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def section(text: str, head: str, end: str) -> list[str]:
    """The lines from `head` to the blank line before `end`, the next section."""
    lines = text.splitlines()
    return lines[lines.index(head) : lines.index(end) - 1]


def test_text_lists_open_items_with_owners_then_settled_ones(root: Path) -> None:
    assert section(run(root, "report"), "Needs a decision", "Needs attention") == [
        "Needs a decision",
        "CX366      it/speed/lcp · marketing/gift-guide/rich",
        "           it/speed/lcp (it, owner ravi) pushes checkout-lcp down while "
        "marketing/gift-guide/rich",
        "           (marketing, owner maya) pushes engagement up; checkout-lcp trades off "
        "against engagement",
        "           owners: ravi, maya",
        "held       shop/basket/aov",
        "           shop/basket/aov (shop, owner lee) pushes aov up in 2026-Q4; aov trades off "
        "against",
        "           margin, and shop/basket/margin holds it · held by the guardrail "
        "shop/basket/margin",
        "decided    shop/basket/bundles",
        "           shop/basket/bundles (shop, owner lee) pushes bundles up in 2026-Q4; bundles "
        "trades off",
        "           against returns (owned by shop), and no guardrail or key result holds it · "
        "decided by ana",
        "           on 2026-11-02: Returns may rise to 9%",
    ]


def test_markdown_has_a_section_with_owners_and_the_decision(root: Path) -> None:
    assert section(
        run(root, "report", "-f", "md"), "## Needs a decision", "## Needs attention"
    ) == [
        "## Needs a decision",
        "",
        f"- **CX366** {COLLISION} (owners: ravi, maya)",
        f"- *held* {HELD} (held by the guardrail shop/basket/margin)",
        f"- *decided* {DECIDED} (decided by ana on 2026-11-02: Returns may rise to 9%)",
    ]


def test_json_lists_each_item_with_its_key_results_and_decision(root: Path) -> None:
    found: list[dict[str, Any]] = json.loads(run(root, "report", "-f", "json"))["decisions"]
    assert [(d["code"], d["settled"], d["owners"]) for d in found] == [
        ("CX366", False, ["ravi", "maya"]),
        ("CX365", True, ["lee"]),
        ("CX365", True, ["lee"]),
    ]
    assert found[0]["message"] == COLLISION
    assert found[0]["key_results"][0] == {
        "ref": "2026-Q4:it/speed/lcp",
        "team": "it",
        "owner": "ravi",
        "title": "Faster checkout",
    }
    assert found[1]["held_by"] == "2026-Q4:shop/basket/margin"
    assert found[2]["decision"] == {
        "text": "Returns may rise to 9%",
        "by": "ana",
        "on": "2026-11-02",
    }
    assert found[2]["decided_on"] == "2026-Q4:shop/basket/bundles"


def test_csv_marks_each_key_result_that_waits_for_a_decision_or_records_one(root: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(run(root, "report", "-f", "csv"))))
    cells = {
        row["ref"]: tuple(
            row[k] for k in ("needs_decision", "decision", "decision_by", "decision_on")
        )
        for row in rows
    }
    assert cells == {
        "2026:company/grow/k": ("", "", "", ""),
        "2026-Q4:it/speed/lcp": ("CX366", "", "", ""),
        "2026-Q4:marketing/gift-guide/rich": ("CX366", "", "", ""),
        "2026-Q4:shop/basket/aov": ("", "", "", ""),
        "2026-Q4:shop/basket/margin": ("", "", "", ""),
        "2026-Q4:shop/basket/bundles": ("", "Returns may rise to 9%", "ana", "2026-11-02"),
    }


def test_notify_in_markdown_carries_the_section(root: Path) -> None:
    text = json.loads(run(root, "notify", "--dry-run", "-f", "md"))["text"]
    assert section(text, "**Needs a decision**", "**Needs attention**") == [
        "**Needs a decision**",
        "",
        f"- **CX366** {COLLISION} (owners: ravi, maya)",
        f"- *held* {HELD} (held by the guardrail shop/basket/margin)",
        f"- *decided* {DECIDED} (decided by ana on 2026-11-02: Returns may rise to 9%)",
    ]


def test_notify_on_slack_has_the_section_before_what_needs_attention(root: Path) -> None:
    blocks = json.loads(run(root, "notify", "--dry-run", "-f", "slack"))["blocks"]
    texts = [block.get("text", {}).get("text", "") for block in blocks]
    at = next(n for n, text in enumerate(texts) if text.startswith("*Needs a decision*"))
    assert blocks[at - 1] == {"type": "divider"}
    assert texts[at + 2].startswith("*Needs attention*")
    assert texts[at].splitlines() == [
        "*Needs a decision*",
        f"• *CX366* {COLLISION} (owners: ravi, maya)",
        f"• _held_ {HELD} (held by the guardrail shop/basket/margin)",
        f"• _decided_ {DECIDED} (decided by ana on 2026-11-02: Returns may rise to 9%)",
    ]


def test_a_report_with_nothing_to_decide_has_no_section(make_ws: WriteFiles) -> None:
    root = make_ws()
    for fmt, head in (("text", "Needs a decision"), ("md", "## Needs a decision")):
        assert head not in run(root, "report", "-f", fmt).splitlines()
    assert json.loads(run(root, "report", "-f", "json"))["decisions"] == []


def test_a_summarised_text_report_shows_the_first_items_and_counts_the_rest(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cxokr.render import text

    monkeypatch.setattr(text, "DETAIL_LIMIT", 2)
    monkeypatch.setattr(text, "ATTENTION_LIMIT", 1)
    assert section(run(root, "report"), "Needs a decision", "Needs attention") == [
        "Needs a decision",
        "CX366      it/speed/lcp · marketing/gift-guide/rich",
        "           it/speed/lcp (it, owner ravi) pushes checkout-lcp down while "
        "marketing/gift-guide/rich",
        "           (marketing, owner maya) pushes engagement up; checkout-lcp trades off "
        "against engagement",
        "           owners: ravi, maya",
        "… and 2 more: cxokr report --full lists every one",
    ]
