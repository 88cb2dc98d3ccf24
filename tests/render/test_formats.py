"""The Markdown and CSV reports, cross-checked against the JSON document and its docs."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from cxokr.compute import report
from cxokr.load import workspace
from cxokr.render import csv_report, markdown, report_json, text
from tests.compute import test_guardrails
from tests.conftest import WriteFiles
from tests.paths import REPO

ROOT = REPO
EXAMPLE = ROOT / "examples" / "retail-cx"
AS_OF = date(2026, 11, 20)
UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


@pytest.fixture(scope="module")
def example() -> report.Report:
    return report.build(workspace.load(EXAMPLE), AS_OF)


@pytest.fixture(scope="module")
def md(example: report.Report) -> str:
    return markdown.render(example)


@pytest.fixture(scope="module")
def doc(example: report.Report) -> dict[str, Any]:
    return report_json.document(example)


@pytest.fixture(scope="module")
def csv_rows(example: report.Report) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(csv_report.render(example))))


def json_krs(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [kr for o in doc["objectives"] if not o["context"] for kr in o["key_results"]]


def cells(line: str) -> list[str]:
    """The cells of a Markdown table row (an escaped `\\|` stays inside its cell)."""
    return [c.strip() for c in UNESCAPED_PIPE.split(line)[1:-1]]


def kr_row(md: str, title: str) -> list[str]:
    """The cells of the one KR table row whose first cell is `title` (as escaped)."""
    found = [cells(line) for line in md.splitlines() if line.startswith("| ")]
    matches = [row for row in found if row[0] == markdown.escape(title)]
    assert len(matches) == 1, title
    return matches[0]


# --- Markdown ----------------------------------------------------------------------------


def test_markdown_shows_deprioritised_key_results_by_their_objectives_state(md: str) -> None:
    # The TikTok Shop objective was dropped: its key result says so, not "off track".
    assert kr_row(md, "Sell 150,000 USD through TikTok Shop")[3] == "dropped"
    assert "1 done, 16 on track, 11 at risk, 1 off track, 0 no data" in md.splitlines()[2]


def test_markdown_starts_with_title_and_summary(md: str) -> None:
    lines = md.splitlines()
    assert lines[0] == "# Northwind Outfitters: OKR report 2026-Q4, as of 2026-11-20"
    assert lines[2] == (
        "Day 51 of 92 · organization progress 82% · expected 89% · "
        "1 done, 16 on track, 11 at risk, 1 off track, 0 no data"  # not the dropped tiktok-sales
    )


def test_markdown_has_a_section_per_root_objective(md: str) -> None:
    assert "\n## Raise average order value 10% this year\n" in md
    assert (
        "**68%** (expected 89%) · at risk · team company · "
        "owner tom.reyes@northwind.example · `2026:company/raise-aov`"
    ) in md


def test_markdown_nests_aligned_objectives_one_level_down(md: str) -> None:
    assert "\n### Shoppers find more to love in every basket\n" in md
    assert "\n#### Checkout is fast and never falls over at peak\n" in md


def test_markdown_shows_each_objective_once(md: str, doc: dict[str, Any]) -> None:
    for objective in doc["objectives"]:
        headings = [h for h in md.splitlines() if h.startswith("#") and objective["title"] in h]
        assert len(headings) == 1, objective["ref"]


def test_markdown_notes_an_objective_aligned_to_two_parents_under_the_second(md: str) -> None:
    assert (
        "Also aligned here, shown above: Checkout is fast and never falls over at peak (85%)"
    ) in md


def test_markdown_shows_context_objectives_without_key_results(
    example: report.Report,
) -> None:
    filtered = report.build(workspace.load(EXAMPLE), AS_OF, report.Filters(team="platform"))
    text = markdown.render(filtered)
    assert (
        "## Raise average order value 10% this year\n\n"
        "**68%** · context: `2026:company/raise-aov`\n\n"
        "### Checkout that doesn't lose people\n"
    ) in text
    assert "Raise online AOV from 60 to 66 USD" not in text


def test_markdown_says_when_no_objective_matches(example: report.Report) -> None:
    filtered = report.build(workspace.load(EXAMPLE), AS_OF, report.Filters(owner="nobody"))
    assert "\nNo objectives match the filters.\n" in markdown.render(filtered)


def test_markdown_kr_row_shows_value_to_target(md: str) -> None:
    row = kr_row(md, "Raise online AOV from 60 to 66 USD")
    assert row == [
        "Raise online AOV from 60 to 66 USD",
        "64.1 → 66 USD",
        "68%",
        "at risk",
        "0.6",
        "0 d",
        "tom.reyes@northwind.example",
    ]


def test_markdown_marks_dropped_objectives(md: str) -> None:
    assert "\n### Launch a TikTok Shop storefront for the holidays (dropped)\n" in md


def test_markdown_needs_attention_lists_the_breached_guardrail_first(md: str) -> None:
    attention = md.split("\n## Needs attention\n\n", 1)[1].splitlines()
    assert attention[0] == (
        "- **breached** `2026-Q4:ecommerce/grow-basket/checkout-lcp` "
        "Keep checkout LCP under 2.5 s while we add bundles (dana.cho@northwind.example): "
        "2.71 is above the line of 2.5"
    )


def test_markdown_shows_each_kr_progress_as_in_json(md: str, doc: dict[str, Any]) -> None:
    for kr in json_krs(doc):
        expected = "–" if kr["progress"] is None else f"{round(kr['progress'] * 100)}%"
        assert kr_row(md, kr["title"])[2] == expected, kr["ref"]


def test_markdown_escapes_html_and_pipes_in_titles(make_ws: WriteFiles) -> None:
    root = make_ws(
        {
            "okrs/2026-Q4/ecommerce.yaml": """
                objectives:
                  - id: grow-basket
                    title: "<img src=x onerror=alert(1)>"
                    aligns_to: 2026:company/raise-aov
                    key_results:
                      - id: aov-online
                        title: "AOV | online `now`"
                        metric: aov
                        segment: online
                        start: 58
                        target: 64
            """
        }
    )
    text = markdown.render(report.build(workspace.load(root), AS_OF))
    assert "<img" not in text
    assert "### &lt;img src=x onerror=alert(1)&gt;\n" in text
    row = next(line for line in text.splitlines() if line.startswith("| AOV \\|"))
    assert cells(row)[:2] == ["AOV \\| online \\`now\\`", "61.2 → 64 USD"]


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("a|b", "a\\|b"),
        ("two\nlines", "two\\nlines"),
        ("\x1b[2J\u202e", "\\x1b\\[2J\\u202e"),
        ("<b>", "&lt;b&gt;"),
        ("&lt;", "&amp;lt;"),
        ("click & collect", "click & collect"),
        ("[link](http://x)", "\\[link\\](http://x)"),
    ],
)
def test_escape_makes_user_text_inert(text: str, escaped: str) -> None:
    assert markdown.escape(text) == escaped


@pytest.mark.parametrize(
    ("value", "shown"),
    [(61.2, "61.2"), (64.0, "64"), (0.1 + 0.2, "0.3"), (150000.0, "150000"), (None, "–")],
)
def test_number_is_trimmed(value: float | None, shown: str) -> None:
    assert markdown.number(value) == shown


# --- CSV ---------------------------------------------------------------------------------


def test_csv_starts_with_the_header(example: report.Report) -> None:
    first = csv_report.render(example).split("\n", 1)[0]
    assert first == ",".join(csv_report.COLUMNS)
    assert first.startswith("period,team,objective,kr,ref,title,owner,type,metric,")


def test_csv_has_one_row_per_kr_of_non_context_objectives(
    csv_rows: list[dict[str, str]], doc: dict[str, Any]
) -> None:
    assert len(csv_rows) == len(json_krs(doc)) == 30


def test_csv_row_of_a_breached_guardrail(csv_rows: list[dict[str, str]]) -> None:
    row = next(r for r in csv_rows if r["ref"] == "2026-Q4:ecommerce/grow-basket/checkout-lcp")
    assert row == {
        "period": "2026-Q4",
        "team": "ecommerce",
        "objective": "grow-basket",
        "kr": "checkout-lcp",
        "ref": "2026-Q4:ecommerce/grow-basket/checkout-lcp",
        "title": "Keep checkout LCP under 2.5 s while we add bundles",
        "owner": "dana.cho@northwind.example",
        "type": "stay_below",
        "metric": "lcp-checkout",
        "segment": "",
        "unit": "s",
        "start": "",
        "target": "2.5",
        "value": "2.71",
        "value_date": "2026-11-20",
        "progress": "0.0",
        "expected": row["expected"],
        "pace": "",
        "status": "off track",
        "confidence": "0.3",
        "last_update": "2026-11-20",
        "stale": "false",
        "forecast_progress": "0.0",
        "objective_state": "active",
    }
    assert float(row["expected"]) == 51 / 92


def test_csv_figures_equal_the_json_document(
    csv_rows: list[dict[str, str]], doc: dict[str, Any]
) -> None:
    by_ref = {r["ref"]: r for r in csv_rows}
    for kr in json_krs(doc):
        row = by_ref[kr["ref"]]
        for key in ("progress", "value", "expected", "pace", "forecast_progress"):
            assert row[key] == ("" if kr[key] is None else repr(kr[key])), (kr["ref"], key)
        assert row["status"] == kr["status"]


# --- docs/report-json.md -----------------------------------------------------------------


def documented_keys() -> dict[str, set[str]]:
    """Keys of each `| key | type | meaning |` table, by the path in the heading above it."""
    text = (ROOT / "docs" / "report-json.md").read_text(encoding="utf-8")
    found: dict[str, set[str]] = {}
    path, in_table = "", False
    for line in text.splitlines():
        if line.startswith("#"):
            named = re.search(r"`([^`]+)`", line)
            path = named.group(1) if named else ""
        elif line.startswith("| key | type | meaning |"):
            in_table = True
            assert path not in found, f"two tables for {path or 'the top level'}"
            found[path] = set()
        elif in_table and line.startswith("| `"):
            found[path].add(cells(line)[0].strip("`"))
        elif not line.startswith("|"):
            in_table = False
    return found


def json_keys(value: Any, path: str = "") -> Iterator[tuple[str, set[str]]]:
    if isinstance(value, dict):
        yield path, set(value)
        for key, item in value.items():
            yield from json_keys(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for item in value:
            yield from json_keys(item, f"{path}[]")


def test_docs_list_exactly_the_keys_of_the_json_document(doc: dict[str, Any]) -> None:
    actual: dict[str, set[str]] = {}
    for path, keys in json_keys(doc):
        actual.setdefault(path, set()).update(keys)
    assert documented_keys() == actual


def test_csv_keeps_a_formula_like_title_as_text() -> None:
    from cxokr.render.csv_report import cell

    assert cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert cell("@sum") == "'@sum"
    assert cell("Raise AOV") == "Raise AOV"


def test_text_shows_the_days_a_recovered_guardrail_was_breached(make_ws: WriteFiles) -> None:
    # checkout-lcp was above its line of 2.5 s on 11-04, 11-05 and 11-06 and holds again
    # since 11-10: on track, and the report still shows the breaches it remembers.
    ws = workspace.load(make_ws(test_guardrails.FILES))
    built = report.build(ws, date(2026, 11, 20))
    lcp = built.objective("2026-Q4:ecommerce/grow-basket").key_results[1]
    assert (lcp.id, lcp.breached, lcp.breached_days) == (
        "checkout-lcp",
        False,
        test_guardrails.BREACHED,
    )
    out = io.StringIO()
    text.render(built, out, width=200)
    lines = [line for line in out.getvalue().splitlines() if "checkout-lcp:" in line]
    assert len(lines) == 1
    assert "checkout-lcp: 2.4 -> 2.5 s  breached 3 days, last 2026-11-06  " in lines[0]
    # A key result that is not a guardrail, or one never breached, says nothing of it.
    assert out.getvalue().count("breached ") == 1
    before = io.StringIO()
    text.render(report.build(ws, date(2026, 11, 3)), before, width=200)
    assert "breached" not in before.getvalue()
