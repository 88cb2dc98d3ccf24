"""The HTML page as a file: its embedded data, its policy and its inertness (see also the browser tests)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from benchmarks.generate import generate
from cxokr.cli import app
from cxokr.render import html
from tests.compute.test_kr_rows import FORMS
from tests.conftest import WriteFiles, write_files
from tests.paths import REPO
from tests.render.test_report_json import AWKWARD_FILES

EXAMPLE = str(REPO / "examples" / "retail-cx")
AS_OF = "2026-11-20"
BLOCK = re.compile(r'<script type="application/json" id="(cxokr-[a-z]+)">(.*?)</script>', re.DOTALL)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def page_of(workspace: str, *args: str) -> str:
    code, out, _ = run("report", "-w", workspace, "--as-of", AS_OF, "--format", "html", *args)
    assert code == 0
    return out


def blocks(page: str) -> dict[str, Any]:
    return {name: json.loads(body) for name, body in BLOCK.findall(page)}


def test_the_page_embeds_exactly_the_json_report() -> None:
    _, out, _ = run("report", "-w", EXAMPLE, "--as-of", AS_OF, "--format", "json")
    assert blocks(page_of(EXAMPLE))["cxokr-data"] == json.loads(out)


@pytest.mark.parametrize(
    "files", [None, AWKWARD_FILES, "generated"], ids=["example", "awkward", "generated"]
)
def test_the_page_embeds_the_json_reports_document_byte_for_byte(
    tmp_path: Path, files: dict[str, str] | str | None
) -> None:
    """The embed is written by msgspec from the rows, not from the JSON report's text: the
    same document, compact, with `<`, `>` and `&` escaped (`html.embed`)."""
    if files is None:
        root = EXAMPLE
    elif files == "generated":
        root = str(tmp_path / "ws")
        generate(Path(root), 12, 3)
    else:
        root = str(write_files(tmp_path / "ws", dict(files)))
    _, out, _ = run("report", "-w", root, "--as-of", AS_OF, "--format", "json")
    embedded = dict(BLOCK.findall(page_of(root)))["cxokr-data"]
    assert embedded == html.embed(json.loads(out))


def test_filters_reach_the_embedded_report() -> None:
    _, out, _ = run("report", "-w", EXAMPLE, "--as-of", AS_OF, "--format", "json", "-t", "stores")
    assert blocks(page_of(EXAMPLE, "--team", "stores"))["cxokr-data"] == json.loads(out)


def test_the_context_block_holds_period_dates_and_the_align_matrix() -> None:
    context = blocks(page_of(EXAMPLE))["cxokr-context"]
    _, out, _ = run("align", "-w", EXAMPLE, "--as-of", AS_OF, "--format", "json")
    assert context["periods"] == [
        {"id": "2026-Q4", "start": "2026-10-01", "end": "2026-12-31", "closed": None},
        {"id": "2026", "start": "2026-01-01", "end": "2026-12-31", "closed": None},
    ]
    assert context["matrix"]["cells"] == json.loads(out)["matrix"]


def test_the_policy_admits_only_the_pages_own_script_and_style() -> None:
    page = page_of(EXAMPLE)
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp is not None
    style = re.search(r"<style>(.*?)</style>", page, re.DOTALL)
    script = re.search(r"<script>(.*?)</script>", page, re.DOTALL)
    assert style is not None and script is not None
    directives = dict(d.split(" ", 1) for d in csp.group(1).split("; "))
    assert directives["default-src"] == "'none'"
    assert directives["style-src"] == html.source_hash(style.group(1))
    assert directives["script-src"] == html.source_hash(script.group(1))
    assert directives["require-trusted-types-for"] == "'script'"


def test_the_page_names_no_outside_resource() -> None:
    page = page_of(EXAMPLE)
    urls = set(re.findall(r"[a-z]+://[^\s\"')]*", page))
    assert urls <= {"http://www.w3.org/2000/svg"}  # the SVG namespace, never fetched
    assert re.findall(r"(?:src|href)=\"([^\"]*)\"", page) == ["data:,"]


def test_markup_in_user_text_cannot_leave_the_data_block(make_ws: WriteFiles) -> None:
    title = "</script><script>alert(1)</script><!-- & -->"
    root = make_ws(
        {
            "okrs/2026/company.yaml": f"""
                objectives:
                  - id: raise-aov
                    title: "{title}"
            """
        }
    )
    page = page_of(str(root))
    assert page.count("<script") == 3
    assert page.count("</script>") == 3
    titles = [o["title"] for o in blocks(page)["cxokr-data"]["objectives"]]
    assert title in titles


def test_the_page_embeds_the_key_results_as_people_write_them(tmp_path: Path) -> None:
    root = str(write_files(tmp_path / "ws", FORMS))
    _, out, _ = run("report", "-w", root, "--as-of", AS_OF, "--format", "json")
    data = blocks(page_of(root))["cxokr-data"]
    assert data == json.loads(out)
    krs = {kr["id"]: kr for o in data["objectives"] for kr in o["key_results"]}
    assert [i["id"] for i in krs["handbook"]["items"]] == ["outline", "migrate", "publish"]
    assert [s["date"] for s in krs["subscribers"]["schedule"]] == ["2026-10-31", "2026-11-30"]
    assert (krs["handbook"]["note"], krs["tiktok"]["reason"]) == (
        "Migration reopened",
        "Holiday campaign first",
    )


def test_markup_in_notes_and_reasons_cannot_leave_the_data_block(tmp_path: Path) -> None:
    note = "</script><script>alert(1)</script>"
    checkins = FORMS["checkins/2026-Q4/marketing.yaml"]
    files = {
        **FORMS,
        "okrs/2026-Q4/marketing.yaml": FORMS["okrs/2026-Q4/marketing.yaml"].replace(
            "reason: Holiday campaign first", f"reason: {json.dumps(note)}"
        ),
        "checkins/2026-Q4/marketing.yaml": checkins.replace(
            '"Migration reopened"', json.dumps(note)
        ),
    }
    page = page_of(str(write_files(tmp_path / "ws", files)))
    assert page.count("<script") == 3
    assert page.count("</script>") == 3
    krs = {
        kr["id"]: kr for o in blocks(page)["cxokr-data"]["objectives"] for kr in o["key_results"]
    }
    assert (krs["handbook"]["note"], krs["tiktok"]["reason"]) == (note, note)


def test_the_script_never_turns_a_string_into_markup() -> None:
    script = html.asset("dashboard.js")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "DOMParser"):
        assert sink not in script, sink
    assert "createContextualFragment" not in script


def test_the_page_title_is_escaped(make_ws: WriteFiles) -> None:
    root = make_ws({"cxokr.yaml": _config('"<b>Acme</b> & Co"')})
    assert "<title>&lt;b&gt;Acme&lt;/b&gt; &amp; Co · OKR report 2026-Q4 · 2026-11-20</title>" in (
        page_of(str(root))
    )


def test_assets_cannot_close_their_own_element() -> None:
    assert "</style" not in html.asset("dashboard.css").lower()
    assert "</script" not in html.asset("dashboard.js").lower()


def test_html_goes_to_stdout_or_to_the_file(tmp_path: Path) -> None:
    assert page_of(EXAMPLE).startswith("<!DOCTYPE html>\n")
    target = tmp_path / "okrs.html"
    code, out, errors = run(
        "report", "-w", EXAMPLE, "--as-of", AS_OF, "--format", "html", "-o", str(target)
    )
    assert (code, out) == (0, "")
    assert errors == f"wrote {target}\n"
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>\n")


def test_html_is_not_a_format_of_report_since() -> None:
    code, _, errors = run(
        "report", "-w", EXAMPLE, "--as-of", AS_OF, "--format", "html", "--since", "7d"
    )
    assert code == 2
    assert "report --since is written as text, md or json" in errors


def _config(organization: str) -> str:
    return f"""
        organization: {organization}
        periods:
          - {{id: 2026, start: 2026-01-01, end: 2026-12-31}}
          - {{id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}}
    """
