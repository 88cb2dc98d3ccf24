"""The Markdown and CSV reports, cross-checked against the JSON document and its docs."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cxokr.cli import app
from cxokr.compute import report
from cxokr.load import workspace
from cxokr.render import csv_report, markdown, notes, report_json, text
from cxokr.render.controls import escape_controls
from tests.compute import test_guardrails, test_kr_rows
from tests.conftest import WriteFiles, write_files
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
    assert "1 done, 18 on track, 11 at risk, 1 off track, 0 no data" in md.splitlines()[2]


def test_markdown_starts_with_title_and_summary(md: str) -> None:
    lines = md.splitlines()
    assert lines[0] == "# Northwind Outfitters: OKR report 2026-Q4, as of 2026-11-20"
    assert lines[2] == (
        "Day 51 of 92 · organization progress 82% · expected 89% · "
        "1 done, 18 on track, 11 at risk, 1 off track, 0 no data"  # not the dropped tiktok-sales
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
    assert "\nNo objectives in 2026-Q4 match owner nobody.\n" in markdown.render(filtered)


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
        "`2026:company/raise-aov/aov-online`",  # a year's key result, in a quarter's report
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
    assert len(csv_rows) == len(json_krs(doc)) == 32


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
        "note": "Over the line; asked platform to lazy-load the bundle widget and defer "
        "the 3DS script",
        "note_date": "2026-11-19",
        "reason": "",
        "retro": "",
        "state": "active",
        "relative": "",
        "due": "",
        "shares": "",
        "needs_decision": "",
        "decision": "",
        "decision_by": "",
        "decision_on": "",
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


def test_docs_list_exactly_the_keys_of_the_json_document(
    doc: dict[str, Any], tmp_path: Path
) -> None:
    # The example has no checklist or schedule: the workspace of every form has both.
    forms = report.build(workspace.load(write_files(tmp_path / "ws", test_kr_rows.FORMS)), AS_OF)
    actual: dict[str, set[str]] = {}
    for document in (doc, report_json.document(forms)):
        for path, keys in json_keys(document):
            actual.setdefault(path, set()).update(keys)
    assert "objectives[].key_results[].items[]" in actual
    assert "objectives[].key_results[].schedule[]" in actual
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
    lines = [line for line in out.getvalue().splitlines() if "checkout-lcp  " in line]
    assert len(lines) == 1
    shown = "ecommerce/grow-basket/checkout-lcp  2.4 -> 2.5 s  breached 3 days, last 2026-11-06  "
    assert shown in lines[0]
    # A key result that is not a guardrail, or one never breached, says nothing of it.
    assert out.getvalue().count("breached ") == 1
    before = io.StringIO()
    text.render(report.build(ws, date(2026, 11, 3)), before, width=200)
    assert "breached" not in before.getvalue()


# --- notes and the key result forms, through the CLI on every form (FORMS) ----------------


def forms_report(tmp_path: Path, *args: str, as_of: str = "2026-11-20") -> str:
    root = write_files(tmp_path / "ws", test_kr_rows.FORMS)
    result = CliRunner().invoke(app, ["report", *args, "--workspace", str(root), "--as-of", as_of])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_markdown_shows_each_form_in_value_to_target(tmp_path: Path) -> None:
    md = forms_report(tmp_path, "--team", "marketing", "--format", "md")
    figures = {
        "Online AOV up 10% on September": "61.5 → +10% → 61.6 USD",
        "Online AOV up 5 USD on where the quarter starts": "61.5 → +5 → 63.5 USD",
        "Rebuild the brand handbook": "2 of 4 items",
        "Stores feel heard": "score 0.60",
        "Campaign live": "– → 1, due 2026-11-15",
        "Bundles on 3 pages": "4 → 3 count, shares ecommerce/grow-basket/bundles-live",
        "Subscribers 1000 to 4000": "2000 → 4000 count",
    }
    for title, shown in figures.items():
        assert kr_row(md, title)[1] == shown, title
    # a share is the owning team's: its owner is named; owner lists are joined
    assert kr_row(md, "Bundles on 3 pages")[6] == "lee"
    assert kr_row(md, "Stores feel heard")[6] == "mia, noor"
    # a key result dropped alone shows its state in place of its status
    assert kr_row(md, "TikTok shop sales")[2:4] == ["2%", "dropped"]


def test_markdown_lists_the_notes_and_reasons_below_the_table(tmp_path: Path) -> None:
    md = forms_report(tmp_path, "--team", "marketing", "--format", "md")
    season = md.split("#### A season people talk about\n", 1)[1].split("\n## ", 1)[0]
    table_end = season.index("\n\n- *")
    assert season[table_end:].startswith(
        "\n\n- *Rebuild the brand handbook*, note 2026-11-10: Migration reopened\n"
        "- *TikTok shop sales*, dropped: Holiday campaign first\n\n"
    )
    old = md.split("### Retire the old site (dropped)\n", 1)[1]
    # the objective's reason once, under its figures; not again under its key result
    assert old.startswith(
        "\n**50%** (expected 0%) · dropped · team marketing · owner mia · "
        "`2026-Q4:marketing/old-site`\n\n*dropped*: Replatforming first\n\n| KR |"
    )
    assert "*Retire it*, dropped" not in md


def test_markdown_shows_a_checklists_items_as_a_task_list_and_a_schedules_steps(
    tmp_path: Path,
) -> None:
    md = forms_report(tmp_path, "--team", "marketing", "--format", "md")
    assert (
        "*Rebuild the brand handbook*: 2 of 4 items\n\n"
        "- [x] Outline agreed: done 2026-10-14\n"
        "- [ ] Move 40 pages: due 2026-11-30, weight 2\n"
        "- [x] Publish it: done 2026-11-12\n"
    ) in md
    assert "*Subscribers 1000 to 4000*: steps 1500 by 2026-10-31, 2500 by 2026-11-30\n" in md
    # the last item's due day is its period's last: still ahead, not overdue
    assert "*Retire it*: 1 of 2 items\n\n- [x] A: done 2026-11-03\n- [ ] B: due 2026-12-31\n" in md


def test_markdown_shows_a_relative_target_whose_start_is_not_read_yet(tmp_path: Path) -> None:
    md = forms_report(tmp_path, "--team", "marketing", "--format", "md", as_of="2026-10-20")
    assert kr_row(md, "NPS up 10% on the first reading")[1] == "– → +10% → – points"


def test_csv_appends_the_notes_and_forms_after_the_columns_it_had(tmp_path: Path) -> None:
    out = forms_report(tmp_path, "--format", "csv")
    header = out.split("\n", 1)[0].split(",")
    assert header[:24] == [*csv_report.COLUMNS[:23], "objective_state"]
    assert header[24:] == [
        "note",
        "note_date",
        "reason",
        "retro",
        "state",
        "relative",
        "due",
        "shares",
        "needs_decision",
        "decision",
        "decision_by",
        "decision_on",
    ]
    rows = {r["ref"]: r for r in csv.DictReader(io.StringIO(out))}
    season = "2026-Q4:marketing/launch-season/"

    def picked(kr: str, *keys: str) -> list[str]:
        return [rows[season + kr][key] for key in keys]

    assert picked("handbook", "note", "note_date", "value", "target") == [
        "Migration reopened",
        "2026-11-10",
        "2.0",
        "4.0",
    ]
    assert picked("tiktok", "state", "reason", "objective_state") == [
        "dropped",
        "Holiday campaign first",
        "active",
    ]
    # a relative target starts like a formula: written as text
    assert picked("aov-plus", "relative") == ["'+10%"]
    assert float(picked("aov-plus", "target")[0]) == pytest.approx(61.6)
    assert picked("go-live", "due") == ["2026-11-15"]
    assert picked("bundles-share", "shares") == ["2026-Q4:ecommerce/grow-basket/bundles-live"]
    retire = rows["2026-Q4:marketing/old-site/retire"]
    assert (retire["state"], retire["reason"]) == ("dropped", "Replatforming first")


def test_text_team_view_shows_notes_items_and_forms(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "140")
    out = forms_report(tmp_path, "--team", "marketing")
    lines = [line.lstrip("│├└─ ") for line in out.splitlines()]
    for expected in (
        "marketing/launch-season/handbook  2 of 4 items  8d ago",
        "note 2026-11-10: Migration reopened",
        "[x] Outline agreed  done 2026-10-14",
        "[ ] Move 40 pages  due 2026-11-30, weight 2",
        "[x] Publish it  done 2026-11-12",
        "marketing/launch-season/heard  score 0.60  conf 0.5  2d ago",
        "marketing/launch-season/go-live  – → 1  due 2026-11-15  mia, noor",
        "dropped: Holiday campaign first",
        "dropped: Replatforming first",
        "marketing/launch-season/aov-plus  61.5 → +10% → 61.6 USD  5d ago",
        "marketing/launch-season/bundles-share  4 → 3 count  conf 0.9  2d ago",
        "steps 1,500 by 2026-10-31, 2,500 by 2026-11-30",
    ):
        assert any(line.startswith(expected) for line in lines), expected
    assert any(line.endswith("shares ecommerce/grow-basket/bundles-live  lee") for line in lines)
    # the objective's reason under its line, not repeated under its key result
    at = lines.index("dropped: Replatforming first")
    assert lines[at - 1].endswith("50% dropped Retire the old site  marketing")
    assert lines[at + 1 : at + 5] == [
        "█████░░░░░  50% dropped  Retire it",
        "marketing/old-site/retire  1 of 2 items  17d ago  mia",
        "[x] A  done 2026-11-03",
        "[ ] B  due 2026-12-31",
    ]


def test_text_shows_check_in_notes_without_team_on_a_wide_terminal_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    narrow = forms_report(tmp_path, "--level", "3")
    assert "Migration reopened" not in narrow
    assert "Outline agreed" not in narrow  # items: in a team's view
    # a reason is a decision, shown whatever the width
    assert "dropped: Holiday campaign first" in narrow
    monkeypatch.setenv("COLUMNS", str(text.WIDE))
    wide = forms_report(tmp_path, "--level", "3")
    assert "note 2026-11-10: Migration reopened" in wide
    assert "Outline agreed" not in wide


def test_the_example_text_report_shows_notes_only_when_there_is_room(
    example: report.Report,
) -> None:
    narrow, wide = io.StringIO(), io.StringIO()
    text.render(example, narrow, width=text.WIDE - 1)
    text.render(example, wide, width=text.WIDE)
    assert "note 2026-11-19:" not in narrow.getvalue()
    assert "│   note 2026-11-19: On pace for 65\n" in wide.getvalue()


def test_a_note_with_line_breaks_and_tabs_is_one_line_but_kept_in_csv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    note = "Two things:\n- stock\n- staff\tboth late"
    checkins = test_kr_rows.CHECKINS + (
        f'    - {{"kr": "launch-season/heard", "date": "2026-11-19", "note": {json.dumps(note)}}}\n'
    )
    root = write_files(
        tmp_path / "ws", {**test_kr_rows.FORMS, "checkins/2026-Q4/marketing.yaml": checkins}
    )
    monkeypatch.setenv("COLUMNS", "140")
    args = ("report", "--team", "marketing", "-w", str(root), "--as-of", "2026-11-20")
    shown = "note 2026-11-19: Two things: - stock - staff both late"
    assert shown in CliRunner().invoke(app, [*args]).stdout
    md = CliRunner().invoke(app, [*args, "--format", "md"]).stdout
    assert f"- *Stores feel heard*, {shown}\n" in md
    out = CliRunner().invoke(app, [*args, "--format", "csv"]).stdout
    rows = {r["kr"]: r for r in csv.DictReader(io.StringIO(out))}
    assert rows["heard"]["note"] == note  # the true text


# Loading refuses control characters in text (CX117); what reaches a renderer is shown
# escaped all the same.
HOSTILE = "\x1b]0;owned\x07\x1b[2J\u202eevil\u202c\rover"
# On one line (a carriage return is white space), every control shown as its escape.
HOSTILE_SHOWN = "\\x1b]0;owned\\x07\\x1b[2J\\u202eevil\\u202c over"


def hostile(built: report.Report) -> report.Report:
    """`built` with a hostile note, reason, retro and checklist item title everywhere."""

    def kr(row: report.KrRow) -> report.KrRow:
        items = tuple(replace(item, title=HOSTILE) for item in row.items)
        return replace(row, note=HOSTILE, note_date=AS_OF, reason=HOSTILE, items=items)

    objectives = tuple(
        replace(o, reason=HOSTILE, retro=HOSTILE, key_results=tuple(kr(k) for k in o.key_results))
        for o in built.objectives
    )
    return replace(built, objectives=objectives)


@pytest.fixture
def hostile_forms(tmp_path: Path) -> report.Report:
    ws = workspace.load(write_files(tmp_path / "ws", test_kr_rows.FORMS))
    return hostile(report.build(ws, AS_OF, report.Filters(team="marketing")))


def test_text_shows_a_hostile_note_escaped(hostile_forms: report.Report) -> None:
    out = io.StringIO()
    text.render(hostile_forms, out, width=300)
    assert raw_controls(out.getvalue()) == []
    lines = [line.lstrip("│├└─ ") for line in out.getvalue().splitlines()]
    for shown in (
        f"note 2026-11-20: {HOSTILE_SHOWN}",  # a check-in note
        f"dropped: {HOSTILE_SHOWN}",  # a reason
        f"retro: {HOSTILE_SHOWN}",
        f"[x] {escape_controls(HOSTILE)}  done 2026-11-03",  # an item's title
    ):
        assert shown in lines, shown


def test_markdown_shows_a_hostile_note_escaped(hostile_forms: report.Report) -> None:
    md = markdown.render(hostile_forms)
    assert raw_controls(md) == []
    shown = markdown.escape(HOSTILE)
    assert shown == "\\x1b\\]0;owned\\x07\\x1b\\[2J\\u202eevil\\u202c\\rover"
    one_line = markdown.escape(notes.one_line(HOSTILE))
    for line in (
        f"- *Rebuild the brand handbook*, note 2026-11-20: {one_line}",
        f"- *TikTok shop sales*, dropped: {one_line}",
        f"*retro*: {one_line}",
        f"- [x] {shown}: done 2026-11-03",
    ):
        assert line in md.splitlines(), line


def test_csv_writes_a_hostile_notes_escape_sequences_escaped(
    hostile_forms: report.Report,
) -> None:
    out = csv_report.render(hostile_forms)
    rows = {r["kr"]: r for r in csv.DictReader(io.StringIO(out))}
    # escape sequences and the carriage return escaped; bidi controls kept (right-to-left
    # text needs them), as for every text cell
    kept = "\\x1b]0;owned\\x07\\x1b[2J\u202eevil\u202c\\rover"
    assert (rows["heard"]["note"], rows["tiktok"]["reason"], rows["retire"]["retro"]) == (
        kept,
        kept,
        kept,
    )
    assert [c for c in out if c in "\x1b\x07\r"] == []


def raw_controls(shown: str) -> list[str]:
    """Control and bidi characters in `shown`, but the line feeds the renderer wrote."""
    return re.findall(
        r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]", shown
    )
