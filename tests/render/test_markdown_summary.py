"""The Markdown report of a large organization fits a pull-request comment; `--full` holds
every key result (cxokr/render/markdown_summary.py, cxokr/render/markdown.py)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from benchmarks.generate import generate
from cxokr.compute import report
from cxokr.compute.report_data import Report
from cxokr.load import workspace
from cxokr.render import markdown, markdown_summary, notes
from tests.paths import REPO

AS_OF = date(2026, 11, 20)
TEAMS = 300


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Report:
    """A generated organization of 300 teams (benchmarks/generate.py): about 1,200
    objectives and 4,700 key results."""
    root = tmp_path_factory.mktemp("large")
    generate(root, TEAMS)
    return report.build(workspace.load(root), AS_OF)


@pytest.fixture(scope="module")
def example() -> Report:
    return report.build(workspace.load(REPO / "examples" / "retail-cx"), AS_OF)


def test_a_large_organizations_report_fits_a_comment(large: Report) -> None:
    md = markdown.render(large)
    assert len(md) < markdown.COMMENT_LIMIT
    objectives, krs = len(large.objectives), len(large.key_results())
    assert krs > 4000
    assert (
        f"Summary of {objectives} objectives and {krs} key results: "
        "`cxokr report --format md --full` shows every one; `--team`, `--level` or `--owner` "
        "narrow the report."
    ) in md
    hidden = len(large.attention) - notes.ATTENTION_LIMIT
    assert md.endswith(f"\n\n… and {hidden} more items: `--full` lists them.\n")
    assert md.count("\n- **") - md.count("\n- **breached**") >= len(large.roots)


def test_the_summary_shows_the_top_of_the_tree_and_counts_the_rest(large: Report) -> None:
    md = markdown.render(large)
    tops = [line for line in md.splitlines() if line.startswith("- **")]
    below = [line for line in md.splitlines() if line.startswith("  - **")]
    assert not any(line.startswith("    - ") for line in md.splitlines())  # two levels
    assert len([t for t in tops if "): " in t and "**" in t]) >= len(large.roots)
    counted = sum(int(m) for m in re.findall(r"; (\d+) aligned below$", md, re.MULTILINE))
    assert len(below) + counted + len(large.roots) == len(large.objectives)


def test_full_holds_every_key_result(large: Report) -> None:
    full = markdown.render(large, full=True)
    assert len(full) > markdown.COMMENT_LIMIT
    shown = set(re.findall(r"\| `([^`]+)` \|$", full, re.MULTILINE))
    assert shown == {notes.checkin_ref(kr.ref, large) for kr in large.key_results()}


def test_a_small_organization_gets_every_key_result(example: Report) -> None:
    assert markdown.render(example) == markdown.render(example, full=True)
    assert "Summary of" not in markdown.render(example)


def tree_items(md: str) -> int:
    """The objectives the summary lists, before what needs a decision and needs attention."""
    return md.split("## Needs a")[0].count("- **")


def test_the_summary_stays_within_any_budget(example: Report) -> None:
    whole = markdown_summary.render(example, 1_000_000)
    md = markdown_summary.render(example, 2_000)
    assert len(md) <= 2_000
    left = re.search(r"\n\n… and (\d+) more objectives: `--full` lists them\.\n", md)
    assert left is not None
    assert tree_items(md) + int(left.group(1)) == tree_items(whole)
    assert "more objectives" not in whole


def test_a_small_organization_whose_report_is_too_long_gets_the_summary(
    example: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(markdown, "BUDGET", 5_000)
    assert len(markdown.render(example, full=True)) > 5_000
    md = markdown.render(example)
    assert len(md) <= 5_000
    assert "\nSummary of 17 objectives and 32 key results: " in md
