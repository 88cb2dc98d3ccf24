"""The text report at 60, 80 and 120 columns, through the CLI: titles break between words,
never inside one; a key result's figures and its `cxokr checkin` reference stay on one
line; an empty report says so."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from cxokr.cli import app
from cxokr.compute import report
from cxokr.compute.report_data import Report
from cxokr.edit.checkin import find
from cxokr.load import workspace
from cxokr.render import text
from tests.conftest import WriteFiles
from tests.paths import REPO

EXAMPLE = REPO / "examples" / "retail-cx"
AS_OF = "2026-11-20"
WIDTHS = (60, 80, 120)
GUIDES = re.compile(r"[│├└─]")
LONG = (
    "Cut the time a shopper waits for a human agent on chat and on the phone during the "
    "holiday peak from 380 s to 120 s without hiring seasonal staff or outsourcing it"
)


def report_at(width: int, root: Path, *args: str) -> str:
    """`cxokr report` on a terminal of `width` columns (COLUMNS, as a shell sets it)."""
    result = CliRunner(env={"COLUMNS": str(width)}).invoke(
        app, ["report", "--workspace", str(root), "--as-of", AS_OF, *args]
    )
    assert result.exit_code == 0, result.stderr
    return result.stdout


def words(out: str) -> list[str]:
    """The report's words, tree guides left out."""
    return GUIDES.sub(" ", out).split()


def holds(found: list[str], wanted: list[str]) -> bool:
    """Whether `wanted` runs unbroken, word after word, somewhere in `found`."""
    size = len(wanted)
    return any(found[i : i + size] == wanted for i in range(len(found) - size + 1))


def built(root: Path, *filters: str) -> Report:
    period = filters[0] if filters else None
    return report.build(workspace.load(root), date(2026, 11, 20), report.Filters(period=period))


def assert_readable(out: str, shown: Report, width: int) -> None:
    """No line past `width`; every title's words in order; each key result's figures and
    reference on one line (the reference unless it is wider than the room it has)."""
    lines = out.splitlines()
    assert max(cell_len(line) for line in lines) <= width
    found = words(out)
    for row in shown.objectives:
        assert holds(found, row.title.split()), row.title
    glyphs = text.Glyphs(True)
    for kr in shown.key_results():
        assert holds(found, kr.title.split()), kr.title
        figures = text._figures(kr, glyphs)
        assert any(figures in line for line in lines), figures
        ref = text.notes.checkin_ref(kr.ref, shown)
        starts = [line for line in lines if re.search(rf"(^|\s){re.escape(ref[:24])}", line)]
        assert starts, ref
        assert any(ref in line or line.index(ref[:24]) + len(ref) > width for line in starts)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_example_reads_whole_at_every_width(width: int) -> None:
    assert_readable(report_at(width, EXAMPLE), built(EXAMPLE), width)


@pytest.mark.parametrize("width", WIDTHS)
def test_long_titles_wrap_under_themselves(width: int, make_ws: WriteFiles) -> None:
    root = make_ws(
        {
            "okrs/2026-Q4/ecommerce.yaml": f"""
                objectives:
                  - id: grow-basket
                    title: {LONG} and every other team's goal that it ladders up to
                    aligns_to: 2026:company/raise-aov
                    key_results:
                      - id: aov-online
                        title: {LONG}
                        metric: aov
                        segment: online
                        start: 58
                        target: 64
            """
        }
    )
    out = report_at(width, root)
    assert_readable(out, built(root), width)
    lines = out.splitlines()
    assert any("380 s" in line for line in lines)  # a number keeps its unit
    # The title's second line starts under its first word.
    first = next(n for n, line in enumerate(lines) if "Cut the" in line and "grow" not in line)
    column = lines[first].index("Cut the")
    assert lines[first + 1][column - 1] == " " and lines[first + 1][column] != " "


def test_a_number_keeps_its_unit_at_any_width(make_ws: WriteFiles) -> None:
    kr = f"""
        objectives:
          - id: grow-basket
            title: Shoppers find more
            key_results:
              - {{id: aov-online, title: {LONG}, metric: aov, segment: online, start: 58, target: 64}}
    """
    shown = built(make_ws({"okrs/2026-Q4/ecommerce.yaml": kr}))
    for width in range(50, 121):
        out = io.StringIO()
        text.render(shown, out, width=width)
        lines = out.getvalue().splitlines()
        assert not any(line.endswith(" 380") for line in lines), width
        assert any(re.search(r"(^| )380 s( |$)", line.lstrip("│├└─ ")) for line in lines), width


def test_each_reference_shown_is_one_checkin_finds() -> None:
    out = report_at(120, EXAMPLE)
    shown = built(EXAMPLE)
    ws = workspace.load(EXAMPLE)
    for kr in shown.key_results():
        ref = text.notes.checkin_ref(kr.ref, shown)
        assert f" {ref}  " in out
        target = find(ws, ref, date(2026, 11, 20))
        assert (target.period.id, target.kr.id) == (kr.period, kr.id), ref
    assert " ecommerce/grow-basket/aov-online  64.1 → 66 USD" in out  # the quarter's: no prefix
    assert " 2026:company/raise-aov/aov-online  64.1 → 66 USD" in out  # the year's


def test_another_periods_report_names_its_period_in_each_reference() -> None:
    out = report_at(120, EXAMPLE, "--period", "2026-Q4")
    assert " 2026-Q4:ecommerce/grow-basket/aov-online  64.1 → 66 USD" in out
    ws = workspace.load(EXAMPLE)
    assert find(ws, "2026-Q4:ecommerce/grow-basket/aov-online", date(2026, 12, 31)).kr.id == (
        "aov-online"
    )


def test_needs_attention_names_the_reference_checkin_takes() -> None:
    lines = report_at(80, EXAMPLE).splitlines()
    assert "at risk    2026:company/raise-aov/aov-online" in lines
    assert "at risk    ecommerce/grow-basket/aov-online" in lines


@pytest.mark.parametrize("width", WIDTHS)
def test_the_alignment_tree_breaks_between_words_too(width: int) -> None:
    result = CliRunner(env={"COLUMNS": str(width)}).invoke(
        app, ["align", "--workspace", str(EXAMPLE), "--as-of", AS_OF]
    )
    assert result.exit_code == 0, result.stderr
    tree = result.stdout.split("\nCoverage:")[0]
    assert max(cell_len(line) for line in tree.splitlines()) <= width
    found = words(tree)
    for row in built(EXAMPLE).objectives:
        assert holds(found, row.title.split()), row.title
    assert not any(line.rstrip().endswith(" company") for line in tree.splitlines())
    assert "company (2026)" in tree


def test_the_header_breaks_between_its_parts_never_inside_a_filter() -> None:
    out = report_at(50, EXAMPLE, "--owner", "dana", "--team", "ecommerce")
    assert out.splitlines()[:3] == [
        "Northwind Outfitters · 2026-Q4 · as of 2026-11-20",
        "team ecommerce, owner dana.cho@northwind.example",
        "Day 51 of 92 · organization 82% · expected 89%",
    ]
