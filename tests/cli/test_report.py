"""`cxokr report` and `cxokr explain` on the example workspace, through the real CLI."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cxokr import yamlio
from cxokr.cli import app
from cxokr.compute.explain import _f
from cxokr.compute.explain import explain as explain_ref
from cxokr.compute.report import Filters, build, short_ref
from cxokr.load.workspace import load
from tests.compute.test_kr_rows import FORMS
from tests.conftest import WriteFiles, write_files
from tests.paths import REPO

EXAMPLE = str(REPO / "examples" / "retail-cx")
AS_OF = "2026-11-20"
NOT_IN_GIT = (
    f"warning: the workspace is not in a git repository: the figures as of {AS_OF} use "
    "cxokr.yaml, teams, metrics and OKR files as they stand now; only check-ins and readings "
    f"are cut at {AS_OF}"
)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*args, "--workspace", EXAMPLE, "--as-of", AS_OF])
    return result.exit_code, result.stdout, result.stderr


def test_text_report_header_tree_and_attention() -> None:
    code, out, _ = run("report")
    lines = out.splitlines()
    assert code == 0
    assert lines[0] == "Northwind Outfitters · 2026-Q4 · as of 2026-11-20"
    # The company goals are year goals: measured against the year (89%), not the quarter.
    assert lines[1] == "Day 51 of 92 · organization 82% · expected 89%"
    # The dropped TikTok Shop objective's key result is outside every count.
    assert lines[2] == "1 done, 18 on track, 11 at risk, 1 off track, 0 no data"
    assert any("68% at risk Raise average order value 10% this year" in line for line in lines)
    assert "Needs attention" in lines
    assert "breached   ecommerce/grow-basket/checkout-lcp" in lines


def test_text_report_fits_80_columns_when_piped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS")
    _, out, _ = run("report")
    assert max(len(line) for line in out.splitlines()) <= 80


def test_executive_view_shows_only_level_1() -> None:
    code, out, _ = run("report", "--level", "1")
    assert code == 0
    assert "Raise average order value 10% this year" in out
    assert "Shoppers find more to love in every basket" not in out
    assert "0 done, 2 on track, 2 at risk, 0 off track, 0 no data" in out


def test_team_view_shows_the_team_with_its_parents() -> None:
    _, out, _ = run("report", "--team", "ecommerce")
    assert "Shoppers find more to love in every basket" in out
    assert "Raise average order value 10% this year" in out  # the parent, as context
    assert "Lift online NPS from 38 to 45" not in out


def test_owner_view_filters_to_one_person() -> None:
    _, out, _ = run("report", "--owner", "raj.patel@northwind.example", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {row["kr"] for row in rows} >= {"cart-abandonment", "desktop-conversion"}
    assert all(row["team"] == "ecommerce" for row in rows)


def test_json_report_is_versioned_and_complete() -> None:
    code, out, _ = run("report", "--format", "json")
    document = json.loads(out)
    assert code == 0
    assert document["version"] == 1
    assert document["period"]["id"] == "2026-Q4"
    assert document["day"] == 51
    krs = [kr for o in document["objectives"] for kr in o["key_results"]]
    assert len(krs) == 32


def test_markdown_report_has_title_and_attention() -> None:
    code, out, _ = run("report", "--format", "md")
    assert code == 0
    assert out.startswith("#")
    assert "Northwind Outfitters" in out
    assert "checkout-lcp" in out


def test_report_writes_a_file(tmp_path: Path) -> None:
    target = tmp_path / "weekly.md"
    code, out, errors = run("report", "--format", "md", "--output", str(target))
    assert code == 0
    assert out == ""
    assert target.read_text(encoding="utf-8").startswith("#")
    assert "wrote" in errors


def test_bad_date_is_a_usage_error() -> None:
    result = CliRunner().invoke(app, ["report", "-w", EXAMPLE, "--as-of", "2026-13-01"])
    assert result.exit_code == 2
    assert "not a date" in result.stderr


def test_unknown_period_is_a_usage_error() -> None:
    code, _, errors = run("report", "--period", "2031")
    assert code == 2
    assert "no period '2031'" in errors


def test_explain_key_result_shows_the_arithmetic() -> None:
    code, out, _ = run("explain", "ecommerce/grow-basket/aov-online")
    assert code == 0
    assert (
        "  progress  (value - start) / (target - start) = (64.1 - 62.5) / (66 - 62.5) = 0.4571"
        in out.splitlines()
    )
    assert "  expected  day 51 of 92 of 2026-Q4 = 51 / 92 = 0.5543" in out.splitlines()
    assert "  status    at risk: at_risk 0.6 ≤ pace 0.8246 < on_track 0.9" in out.splitlines()


def test_explain_objective_lists_weighted_terms() -> None:
    _, out, _ = run("explain", "ecommerce/grow-basket")
    assert "  roll-up   (0.4571×2 + 0.6667×1 + 0×1) / 4" in out.splitlines()
    assert "  progress  0.3952" in out.splitlines()


def test_explain_unknown_ref_is_a_usage_error() -> None:
    code, _, errors = run("explain", "ecommerce/nothing")
    assert code == 2
    assert "no objective ecommerce/nothing" in errors


def test_align_shows_tree_coverage_matrix_and_conflicts() -> None:
    code, out, _ = run("align")
    lines = out.splitlines()
    assert code == 0
    assert lines[0] == "Northwind Outfitters · 2026-Q4 · as of 2026-11-20 · alignment"
    assert (
        "Coverage: 13 of 13 objectives below level 1 ladder up to a level-1 objective (100%)" in out
    )
    assert "Level-1 objectives no team supports: none" in lines
    row = next(line for line in lines if line.startswith("stores "))
    assert row.split() == ["stores", "●", "○"]
    # The example's one open trade-off: next-day shipping pushed, order accuracy unheld.
    conflicts = out.split("\nConflicts\n", 1)[1].splitlines()
    assert conflicts[0].startswith("okrs/2026-Q4/fulfilment.yaml:10:9: CX365 ")
    assert any(line.startswith("okrs/2026/company.yaml:22:9: CX365 ") for line in conflicts)


def test_align_json_lists_the_matrix() -> None:
    document = json.loads(run("align", "--format", "json")[1])
    cells = {(c["objective"], c["team"]): c["contribution"] for c in document["matrix"]}
    assert cells[("2026:company/raise-aov", "ecommerce")] == "direct"
    assert cells[("2026:company/raise-nps", "support")] == "indirect"
    assert document["coverage"]["share"] == 1.0


def test_metric_lens_puts_company_and_team_goals_side_by_side() -> None:
    code, out, _ = run("metrics", "nps")
    assert code == 0
    lines = [line.strip() for line in out.splitlines()]
    assert lines[0] == "nps  Net Promoter Score (points, higher is better)"
    assert any(line.startswith("online             44.4 on 2026-11-20") for line in lines)
    company = lines.index("L1 company/raise-nps/nps-online [online]  38 → 45  91% on track  (2026)")
    team = lines.index("L2 cx-leadership/lift-nps/nps-online [online]  42 → 46  60% on track")
    assert company < team


def test_unknown_metric_is_a_usage_error() -> None:
    code, _, errors = run("metrics", "happiness")
    assert code == 2
    assert "no metric 'happiness'" in errors


def test_a_large_organization_gets_a_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    from cxokr.render import text

    monkeypatch.setattr(text, "DETAIL_LIMIT", 10)
    monkeypatch.setattr(text, "ATTENTION_LIMIT", 3)
    _, out, _ = run("report")
    lines = out.splitlines()
    assert lines[3].startswith("Summary of 17 objectives and 32 key results")
    assert "ecommerce/grow-basket/aov-online  64.1 → 66 USD" not in out  # no key result rows
    assert any(line.endswith("+ 1 aligned objective below") for line in lines)
    assert lines[-1] == "… and 12 more: cxokr report --full lists every one"


COLOUR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-9]|9[0-7])(?:;[0-9;]*)?m")


def test_colour_only_when_forced_and_never_under_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert COLOUR.search(run("report")[1])
    monkeypatch.setenv("NO_COLOR", "1")  # drops colour; bold and dim may stay
    assert not COLOUR.search(run("report")[1])


def test_piped_output_has_no_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR")
    assert "\x1b[" not in run("report")[1]


def test_metrics_refuses_a_format_it_cannot_write() -> None:
    assert run("metrics", "nps", "--format", "md")[0] == 2


def forms_cli(tmp_path: Path, *args: str) -> str:
    """A command run on the hand-computed FORMS workspace (`test_kr_rows`), whose marketing
    objective also shares e-commerce's online AOV key result."""
    okrs = FORMS["okrs/2026-Q4/marketing.yaml"]
    assert isinstance(okrs, str)
    share = "          - {id: aov-share, title: AOV, shares: ecommerce/grow-basket/aov-online}\n"
    at = okrs.index("          - {id: bundles-share,")
    root = write_files(
        tmp_path / "ws", {**FORMS, "okrs/2026-Q4/marketing.yaml": okrs[:at] + share + okrs[at:]}
    )
    result = CliRunner().invoke(app, [*args, "-w", str(root), "--as-of", AS_OF])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_align_json_lists_every_owner(tmp_path: Path) -> None:
    document = json.loads(forms_cli(tmp_path, "align", "--format", "json"))
    owners = {o["ref"]: o["owners"] for o in document["objectives"]}
    assert owners["2026-Q4:marketing/launch-season"] == ["mia", "noor"]
    assert owners["2026-Q4:ecommerce/grow-basket"] == ["dana"]


def test_metric_lens_shows_a_relative_target_resolved_beside_its_form(tmp_path: Path) -> None:
    lines = [line.strip() for line in forms_cli(tmp_path, "metrics", "aov").splitlines()]
    # 56 (the reading of 09-15) × 1.1 = 61.6; 58.5 (the first of the quarter) + 5 = 63.5
    assert "L3 marketing/launch-season/aov-plus [online]  56 → 61.6 (+10%)  98% on track" in lines
    assert "L3 marketing/launch-season/aov-first [online]  58.5 → 63.5 (+5)  60% on track" in lines


def test_metric_lens_lists_a_shared_key_result_once_naming_its_shares(tmp_path: Path) -> None:
    lines = [line.strip() for line in forms_cli(tmp_path, "metrics", "aov").splitlines()]
    assert not [line for line in lines if "aov-share [" in line]  # not a second row
    at = lines.index("L3 ecommerce/grow-basket/aov-online [online]  58 → 64  58% on track")
    assert lines[at + 1] == "shared by marketing/launch-season/aov-share"
    (metric,) = json.loads(forms_cli(tmp_path, "metrics", "aov", "--format", "json"))["metrics"]
    rows = {kr["ref"]: kr for kr in metric["key_results"]}
    assert "2026-Q4:marketing/launch-season/aov-share" not in rows
    assert rows["2026-Q4:ecommerce/grow-basket/aov-online"]["shared_by"] == [
        "2026-Q4:marketing/launch-season/aov-share"
    ]
    plus = rows["2026-Q4:marketing/launch-season/aov-plus"]
    assert (plus["start"], plus["relative"]) == (56, "+10%")
    assert plus["target"] == pytest.approx(61.6, abs=1e-9)


def test_an_objective_aligned_through_its_key_result_is_not_unaligned(tmp_path: Path) -> None:
    """The report counts alignments as `align` coverage and CX333 do."""
    import shutil

    root = tmp_path / "ws"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".cxokr"))
    okrs = root / "okrs" / "2026-Q4" / "ecommerce.yaml"
    text = okrs.read_text(encoding="utf-8")
    moved = text.replace(
        "    aligns_to: 2026:company/raise-aov\n    key_results:\n      - id: cart-abandonment\n",
        "    key_results:\n      - id: cart-abandonment\n        aligns_to: 2026:company/raise-aov\n",
    )
    assert moved != text
    okrs.write_text(moved, encoding="utf-8")
    result = CliRunner().invoke(
        app, ["report", "--workspace", str(root), "--as-of", AS_OF, "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert "2026-Q4:ecommerce/smooth-checkout" not in json.loads(result.stdout)["unaligned"]
    checked = CliRunner().invoke(app, ["check", "--workspace", str(root)])
    assert "CX333" not in checked.stdout


# --- figures computed without some files ---------------------------------------------------


@pytest.fixture
def broken(git_ws: Path) -> Path:
    """The base workspace in git, then its readings log grown over the 32 MiB limit and a
    team's OKRs broken."""
    root = write_files(git_ws, {"okrs/2026-Q4/ecommerce.yaml": "objectives: [\n"})
    with (root / "readings" / "aov.yaml").open("r+b") as log:
        log.truncate(yamlio.MAX_LOG_BYTES + 1)  # sparse: as large as that, without the disk
    return root


LEFT_OUT = [
    "warning: okrs/2026-Q4/ecommerce.yaml failed to load; the figures leave it out "
    "(cxokr check says why)",
    "warning: readings/aov.yaml failed to load; the figures leave it out (cxokr check says why)",
]


@pytest.mark.parametrize(
    "args",
    [
        ["report"],
        ["report", "--format", "md"],
        ["report", "--format", "json"],
        ["report", "--format", "csv"],
        ["report", "--format", "html"],
        ["report", "--since", "2026-11-01"],
        ["align"],
        ["explain", "company"],
        ["metrics"],
        ["metrics", "--format", "json"],
    ],
    ids=" ".join,
)
def test_figures_without_some_files_say_so_and_exit_1(broken: Path, args: list[str]) -> None:
    result = CliRunner().invoke(app, [*args, "--workspace", str(broken), "--as-of", AS_OF])
    assert result.exit_code == 1, result.output
    assert result.stdout  # the figures that could be computed are still written
    assert result.stderr.splitlines()[-2:] == LEFT_OUT


def test_a_report_written_to_a_file_warns_too(broken: Path) -> None:
    out = broken / "report.md"
    result = CliRunner().invoke(
        app, ["report", "-w", str(broken), "--as-of", AS_OF, "-f", "md", "-o", str(out)]
    )
    assert result.exit_code == 1
    assert out.read_text(encoding="utf-8").startswith("# Acme Retail: OKR report 2026-Q4")
    assert result.stderr.splitlines() == [f"wrote {out}", *LEFT_OUT]


def test_past_five_files_left_out_the_rest_are_counted(make_ws: WriteFiles) -> None:
    root = make_ws({f"metrics/broken-{n}.yaml": "name: [\n" for n in range(7)})
    result = CliRunner().invoke(app, ["report", "-w", str(root), "--as-of", AS_OF])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == NOT_IN_GIT  # the workspace has no history to read that day from
    assert [line.split()[1] for line in lines[1:6]] == [
        f"metrics/broken-{n}.yaml" for n in range(5)
    ]
    assert lines[6:] == ["warning: and 2 more files the figures leave out"]


def test_a_log_line_left_out_is_named_and_the_report_exits_1(make_ws: WriteFiles) -> None:
    """A check-in whose note holds a control character, and one whose value is no number,
    drop out of the figures: the report says which lines, and does not exit 0."""
    bad = {
        "checkins/2026-Q4/ecommerce.yaml": """
            - {"kr": "grow-basket/aov-online", "date": "2026-11-20", "value": 61.2, "confidence": 0.7}
            - {"kr": "grow-basket/aov-online", "date": "2026-11-20", "value": 63, "note": "a\\u001b[31m"}
            - {"kr": "grow-basket/aov-online", "date": "2026-11-20", "value": "oops"}
        """,
        "readings/aov.yaml": """
            - {"date": "2026-11-20", "value": 61.2, "segment": "online"}
            - {"date": "2026-11-21", "value": nope, "segment": "online"}
        """,
    }
    root = make_ws(bad)
    for command in (["report"], ["report", "-f", "json"], ["align"], ["explain", "ecommerce"]):
        result = CliRunner().invoke(app, [*command, "-w", str(root)])
        assert result.exit_code == 1, command
        assert result.stderr.splitlines() == [
            "warning: checkins/2026-Q4/ecommerce.yaml: 2 entries left out of the figures "
            "(lines 2, 3; cxokr check says why)",
            "warning: readings/aov.yaml: 1 entry left out of the figures "
            "(line 2; cxokr check says why)",
        ], command
    shown = CliRunner().invoke(app, ["report", "-w", str(root), "-f", "json"]).stdout
    assert '"value": 61.2' in shown and '"value": 63' not in shown


def test_a_workspace_that_loads_whole_warns_of_nothing(make_ws: WriteFiles) -> None:
    result = CliRunner().invoke(app, ["report", "-w", str(make_ws())])
    assert (result.exit_code, result.stderr) == (0, "")


def test_a_past_day_outside_git_says_the_documents_are_today_s(make_ws: WriteFiles) -> None:
    result = CliRunner().invoke(app, ["report", "-w", str(make_ws()), "--as-of", AS_OF])
    assert (result.exit_code, result.stderr) == (0, NOT_IN_GIT + "\n")


def test_explain_reads_a_team_with_a_trailing_slash_and_a_period() -> None:
    code, out, _ = run("explain", "2026-Q4:support/")
    assert code == 0
    assert out.splitlines()[0] == "support  Customer care (level 3)"


def test_explain_refuses_a_ref_longer_than_a_key_result() -> None:
    code, _, errors = run("explain", "support/faster-answers/fcr/more")
    assert code == 2
    assert "2026-Q4:support/faster-answers has no key result 'fcr'" in errors


def _explained(lines: list[str]) -> str:
    """The figure an explanation ends its progress line with (`none` without one)."""
    return next(line for line in lines if line.startswith("  progress  ")).split()[-1]


def _figure(value: float | None) -> str:
    return "none" if value is None else _f(value)


@pytest.mark.parametrize("period", ["2026", "2026-Q3", "2026-Q4"])
def test_explain_gives_the_reports_figure_for_every_ref_it_prints(period: str) -> None:
    # The example declares these three periods. Every team, objective and key result the
    # report of each lists is explained with the report's figure, named PERIOD:REF (which
    # builds that period's report) or bare with the report's --period.
    ws = load(Path(EXAMPLE))
    as_of = date.fromisoformat(AS_OF)
    shown = build(ws, as_of, Filters(period=period))
    refs: list[tuple[str, str, float | None]] = [
        (f"{period}:{t.id}", t.id, t.progress) for t in shown.teams
    ]
    for row in shown.objectives:
        refs.append((row.ref, short_ref(row.ref), row.progress))
        refs += [(kr.ref, short_ref(kr.ref), kr.progress) for kr in row.key_results]
    assert len(refs) >= 8  # at least the year's: 1 team, 3 objectives, 4 key results
    refs.append((f"{period}:organization", "organization", shown.progress))
    for prefixed, bare, value in refs:
        assert _explained(list(explain_ref(ws, prefixed, as_of))) == _figure(value), prefixed
        assert _explained(list(explain_ref(ws, bare, as_of, period))) == _figure(value), bare


def test_explain_names_the_objective_of_the_period_it_is_asked_for(make_ws: WriteFiles) -> None:
    # shop/grow was carried over from Q3 into Q4: the year's report lists both, and a ref
    # names one of them only with its period.
    files = {
        "cxokr.yaml": """
            organization: Acme Retail
            periods:
              - {id: 2026, start: 2026-01-01, end: 2026-12-31}
              - {id: 2026-Q3, start: 2026-07-01, end: 2026-09-30}
              - {id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}
        """,
        "teams/shop.yaml": "name: Shop\nlevel: 3\nparent: company\n",
        "okrs/2026-Q3/shop.yaml": """
            objectives:
              - id: grow
                title: Grow
                aligns_to: 2026:company/raise-aov
                key_results:
                  - {id: pages, title: Pages, unit: count, start: 0, target: 4}
        """,
        "okrs/2026-Q4/shop.yaml": """
            objectives:
              - id: grow
                title: Grow
                aligns_to: 2026:company/raise-aov
                key_results:
                  - {id: pages, title: Pages, unit: count, start: 0, target: 10}
        """,
        "checkins/2026-Q3/shop.yaml": '- {"kr": "grow/pages", "date": "2026-09-01", "value": 3}\n',
        "checkins/2026-Q4/shop.yaml": '- {"kr": "grow/pages", "date": "2026-11-01", "value": 2}\n',
    }
    root = str(make_ws(files))

    def explain(*args: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(app, ["explain", *args, "-w", root, "--as-of", AS_OF])
        return result.exit_code, result.stdout, result.stderr

    code, out, _ = explain("2026-Q3:shop/grow")
    assert (code, _explained(out.splitlines())) == (0, "0.75")  # 3 / 4
    code, out, _ = explain("shop/grow")  # the report's period, 2026-Q4
    assert (code, _explained(out.splitlines())) == (0, "0.2")  # 2 / 10
    code, _, errors = explain("2026:shop/grow")
    assert code == 2
    assert "no objective shop/grow in 2026" in errors
    code, _, errors = explain("shop/grow", "--period", "2026")
    assert code == 2
    assert "shop/grow is in 2026-Q3, 2026-Q4; name one as PERIOD:shop/grow" in errors


def test_explain_measures_a_team_against_its_objectives_own_periods() -> None:
    # The executive team's goals are year goals: day 324 of 365, not the quarter's 51 of 92.
    _, out, _ = run("explain", "company")
    assert (
        "  expected  each objective's own period, weighted: "
        "(0.8877×1 + 0.8877×1 + 0.8877×2) / 4 = 0.8877"
    ) in out.splitlines()


def test_explain_organization_gives_the_headline_arithmetic() -> None:
    _, out, _ = run("explain", "organization")
    lines = out.splitlines()
    assert lines[0] == "Northwind Outfitters  the organization, 2026-Q4 as of 2026-11-20"
    assert "  roll-up   (0.6833×1 + 0.75×1 + 0.9206×2) / 4" in lines
    assert _explained(lines) == "0.8187"  # the header's "organization 82%"
    # Year goals, measured against the year: day 324 of 365.
    assert (
        "  expected  each objective's own period, weighted: "
        "(0.8877×1 + 0.8877×1 + 0.8877×2) / 4 = 0.8877"
    ) in lines
    assert "  status    on track: pace 0.9222 ≥ on_track 0.9" in lines


CARE_TEAMS = {
    "teams/cx.yaml": "name: CX\nlevel: 2\nparent: company\n",
    "teams/support.yaml": "name: Support\nlevel: 3\nparent: cx\n",
}
CARE = """
            objectives:
              - id: care
                title: Care
                aligns_to: 2026:company/raise-aov
                progress: aligned
              - {id: relay, title: Relay, aligns_to: cx/care, progress: aligned}
"""


def test_explain_names_the_aligned_objectives_left_out_and_why(make_ws: WriteFiles) -> None:
    # cx/care rolls up what aligns to it: support/faster (aligned to cx/care and to
    # cx/relay, which rolls it up), support/retired (dropped) and cx/relay.
    files = {
        **CARE_TEAMS,
        "okrs/2026-Q4/cx.yaml": CARE,
        "okrs/2026-Q4/support.yaml": """
            objectives:
              - id: faster
                title: Faster
                aligns_to: [cx/care, cx/relay]
                key_results:
                  - {id: done, title: Done, unit: count, start: 0, target: 4}
              - id: retired
                title: Retired
                status: dropped
                aligns_to: cx/care
                key_results:
                  - {id: done, title: Done, unit: count, start: 0, target: 4}
        """,
        "checkins/2026-Q4/support.yaml": '- {"kr": "faster/done", "date": "2026-11-01", "value": 2}\n',
    }
    root = str(make_ws(files))
    result = CliRunner().invoke(app, ["explain", "cx/care", "-w", root, "--as-of", AS_OF])
    lines = result.stdout.splitlines()
    assert result.exit_code == 0, result.stderr
    assert "    2026-Q4:cx/relay: 0.5 × weight 1" in lines  # 2 / 4, through relay only
    assert "  progress  0.5" in lines
    assert [line for line in lines if line.startswith("  left out")] == [
        "  left out  2026-Q4:support/faster: counted once, through 2026-Q4:cx/relay",
        "  left out  2026-Q4:support/retired: dropped, deprioritised work leaves every roll-up",
    ]


def test_explain_shows_an_objective_counted_less_what_another_path_counts(
    make_ws: WriteFiles,
) -> None:
    # cx/care rolls up cx/relay and cx/bridge, which both roll up support/faster (paths that
    # meet again): faster counts through relay, the first; bridge counts less faster, its own
    # key result alone; cx/echo rolls up faster only, so nothing of it is left to count.
    files = {
        **CARE_TEAMS,
        "okrs/2026-Q4/cx.yaml": CARE
        + """
              - id: bridge
                title: Bridge
                aligns_to: cx/care
                progress: both
                key_results:
                  - {id: guides, title: Guides, unit: count, start: 0, target: 4}
              - {id: echo, title: Echo, aligns_to: cx/care, progress: aligned}
        """,
        "okrs/2026-Q4/support.yaml": """
            objectives:
              - id: faster
                title: Faster
                aligns_to: [cx/relay, cx/bridge, cx/echo]
                key_results:
                  - {id: done, title: Done, unit: count, start: 0, target: 4}
        """,
        "checkins/2026-Q4/support.yaml": '- {"kr": "faster/done", "date": "2026-11-01", "value": 2}\n',
        "checkins/2026-Q4/cx.yaml": '- {"kr": "bridge/guides", "date": "2026-11-01", "value": 1}\n',
    }
    root = str(make_ws(files))
    result = CliRunner().invoke(app, ["explain", "cx/care", "-w", root, "--as-of", AS_OF])
    lines = result.stdout.splitlines()
    assert result.exit_code == 0, result.stderr
    terms = lines[lines.index("  roll-up   (0.5×1 + 0.25×1) / 2") - 4 :]
    assert terms[:5] == [
        "    2026-Q4:cx/relay: 0.5 × weight 1",  # faster: 2 / 4
        "    2026-Q4:cx/bridge: 0.25 × weight 1",  # guides: 1 / 4, not (1/4 + 2/4) / 2
        "      less 2026-Q4:support/faster: an earlier term counts it once",
        "      without it: (0.25×1) / 1 = 0.25",
        "  roll-up   (0.5×1 + 0.25×1) / 2",
    ]
    assert "  progress  0.375" in lines  # (0.5 + 0.25) / 2, faster counted once
    assert [line for line in lines if line.startswith("  left out")] == [
        "  left out  2026-Q4:cx/echo: all it rolls up is counted once, through 2026-Q4:cx/relay",
    ]
    bridge = CliRunner().invoke(app, ["explain", "cx/bridge", "-w", root, "--as-of", AS_OF])
    assert "  progress  0.375" in bridge.stdout.splitlines()  # its own row counts faster


# --- an empty report says so; --full; --since at the terminal's width -------------------------


def test_a_fresh_workspace_reports_that_it_has_no_objectives_yet(
    tmp_path: Path, git_env: None
) -> None:
    root = tmp_path / "okrs"
    assert CliRunner().invoke(app, ["init", str(root), "--org", "Acme"]).exit_code == 0
    runner = CliRunner()
    document = json.loads(runner.invoke(app, ["report", "-w", str(root), "-f", "json"]).stdout)
    period = document["period"]["id"]
    said = f"No objectives in {period} yet. Add one with 'cxokr new objective' (see the README's"
    result = runner.invoke(app, ["report", "-w", str(root)])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[4:] == [said + " quick start)."]  # after the header and a blank line
    assert "on track and fresh" not in result.stdout
    assert "Needs attention" not in result.stdout
    md = runner.invoke(app, ["report", "-w", str(root), "-f", "md"]).stdout
    assert md.endswith(
        f"\n\nNo objectives in {period} yet. Add one with `cxokr new objective` "
        "(see the README's quick start).\n"
    )
    assert "Nothing needs attention" not in md
    assert (document["objectives"], document["roots"], document["attention"]) == ([], [], [])
    rows = runner.invoke(app, ["report", "-w", str(root), "-f", "csv"]).stdout.splitlines()
    assert len(rows) == 1 and rows[0].startswith("period,")  # the header alone


def test_objectives_without_key_results_have_nothing_to_watch(make_ws: WriteFiles) -> None:
    root = make_ws(
        {
            "okrs/2026/company.yaml": None,
            "okrs/2026-Q4/ecommerce.yaml": """
                objectives:
                  - {id: grow-basket, title: Shoppers find more to love in every basket}
            """,
        }
    )
    result = CliRunner().invoke(app, ["report", "-w", str(root), "--as-of", AS_OF])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[-2:] == [
        "Needs attention",
        "nothing to watch: no key results yet",
    ]
    md = CliRunner().invoke(app, ["report", "-w", str(root), "--as-of", AS_OF, "-f", "md"])
    assert md.stdout.endswith("## Needs attention\n\nNo key results to watch yet.\n")


def test_full_shows_every_key_result_of_a_summarised_report(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from cxokr.render import notes, text

    monkeypatch.setattr(text, "DETAIL_LIMIT", 10)
    monkeypatch.setattr(notes, "DETAIL_LIMIT", 10)
    document = json.loads(run("report", "--format", "json")[1])
    refs = [kr["ref"].split(":")[1] for o in document["objectives"] for kr in o["key_results"]]
    code, out, _ = run("report", "--full")
    assert code == 0
    assert "Summary of" not in out
    assert all(f" {ref}  " in out or f":{ref}  " in out for ref in refs)
    summary = run("report")[1]
    assert "--full shows every one" in summary.splitlines()[3] + summary.splitlines()[4]
    assert "ecommerce/grow-basket/aov-online  64.1 → 66 USD" in out
    assert "ecommerce/grow-basket/aov-online  64.1 → 66 USD" not in summary
    md_full = run("report", "--format", "md", "--full")[1]
    md = run("report", "--format", "md")[1]
    assert "Summary of 17 objectives and 32 key results: `cxokr report --format md --full`" in md
    assert all(f"`{ref}` |" in md_full or f":{ref}` |" in md_full for ref in refs)
    assert "| KR |" not in md


def test_since_breaks_lines_between_words_at_the_terminals_width(
    tmp_path: Path, git_env: None
) -> None:
    from tests import scripted

    root = scripted.build(tmp_path / "repo")
    args = ["report", "-w", str(root), "--as-of", AS_OF, "--since", "2026-11-01"]
    whole = CliRunner(env={"COLUMNS": "200"}).invoke(app, args).stdout
    for width in (60, 80, 120):
        out = CliRunner(env={"COLUMNS": str(width)}).invoke(app, args).stdout
        assert max(len(line) for line in out.splitlines()) <= width
        assert out.split() == whole.split()  # the same words, none cut in two
    narrow = CliRunner(env={"COLUMNS": "60"}).invoke(app, args).stdout.splitlines()
    at = narrow.index("  ecommerce/grow-basket/bundles-live  target 3 → 2")
    assert narrow[at + 1] == '    (rebaseline: "Kids category moved to 2027 (2026-11-09)")'
    assert "  ecommerce/grow-basket/aov-online  35% on track → 50%" in narrow
    assert "    on track  +15 pts" in narrow  # a status stays whole
    written = tmp_path / "moved.txt"
    CliRunner(env={"COLUMNS": "60"}).invoke(app, [*args, "-o", str(written)])
    assert max(len(line) for line in written.read_text(encoding="utf-8").splitlines()) > 60
