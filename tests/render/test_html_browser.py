"""The HTML page in a real browser: Debian's Chromium driven by Playwright, with no network.

Without Chromium or Playwright these tests skip and say why, unless
CXOKR_REQUIRE_BROWSER is set (as CI does), when they fail instead.
CXOKR_CHROMIUM names another Chromium binary.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from typer.testing import CliRunner

from cxokr.cli import app
from cxokr.render.markdown import percent
from tests.conftest import WriteFiles
from tests.paths import REPO

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Dialog, Page, Route

pytestmark = pytest.mark.browser

EXAMPLE = str(REPO / "examples" / "retail-cx")
AS_OF = "2026-11-20"
CHROMIUM = os.environ.get("CXOKR_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def _unavailable(reason: str) -> None:
    if os.environ.get("CXOKR_REQUIRE_BROWSER"):
        pytest.fail(f"CXOKR_REQUIRE_BROWSER is set but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed: pip install -e '.[test]'")
    if not Path(CHROMIUM).is_file():
        _unavailable(f"no Chromium at {CHROMIUM}: apt-get install chromium (or set CXOKR_CHROMIUM)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@dataclass
class Visit:
    """A page opened from a file with every other request refused, and what it tried."""

    page: Page
    url: str
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


def visit(
    browser: Browser, path: Path, viewport: dict[str, int] = DESKTOP, hash: str = ""
) -> Visit:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    seen = Visit(page, path.resolve().as_uri())

    def only_the_file(route: Route) -> None:
        if route.request.url.split("#", 1)[0] == seen.url:
            route.continue_()
        else:
            seen.refused.append(route.request.url)
            route.abort()

    def dialog(opened: Dialog) -> None:
        seen.dialogs.append(opened.message)
        opened.dismiss()

    page.route("**/*", only_the_file)
    page.on("request", lambda request: seen.requests.append(request.url))
    page.on("console", lambda m: seen.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: seen.errors.append(str(exc)))
    page.on("dialog", dialog)
    page.goto(seen.url + hash)
    page.wait_for_selector("#objectives")
    return seen


def html_report(workspace: str, target: Path, *args: str) -> Path:
    # The module's page is made before the per-test settings: no cache in examples/.
    options = ["-w", workspace, "--as-of", AS_OF, "--format", "html", "-o", str(target), *args]
    result = CliRunner().invoke(app, ["--no-cache", "report", *options])
    assert result.exit_code == 0, result.stderr
    return target


def json_report(workspace: str, *args: str) -> dict[str, Any]:
    result = CliRunner().invoke(
        app, ["--no-cache", "report", "-w", workspace, "--as-of", AS_OF, "--format", "json", *args]
    )
    document: dict[str, Any] = json.loads(result.stdout)
    return document


@pytest.fixture(scope="module")
def example_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return html_report(EXAMPLE, tmp_path_factory.mktemp("html") / "okrs.html")


def visible_refs(page: Page, selector: str) -> list[str]:
    found: list[str] = page.eval_on_selector_all(
        selector, "nodes => nodes.filter(n => n.offsetParent !== null).map(n => n.dataset.ref)"
    )
    return found


def test_the_page_shows_the_reports_numbers_offline(
    browser: Browser, example_page: Path, tmp_path: Path
) -> None:
    seen = visit(browser, example_page)
    page = seen.page
    doc = json_report(EXAMPLE)
    assert seen.errors == []
    assert seen.refused == []
    assert seen.requests == [seen.url]
    assert page.text_content("#org-progress") == percent(doc["progress"])
    for status, count in doc["counts"].items():
        assert page.text_content(f"#count-{status.replace(' ', '-')}") == str(count)
    krs = [kr for o in doc["objectives"] if not o["context"] for kr in o["key_results"]]
    shown = dict(
        page.eval_on_selector_all(
            ".kr", "rows => rows.map(r => [r.dataset.ref, r.querySelector('.kr-pct').textContent])"
        )
    )
    assert shown == {kr["ref"]: percent(kr["progress"]) for kr in krs}
    assert page.locator(".kr svg.trend").count() == len(krs)
    assert page.locator(".attention li").count() == len(doc["attention"])
    page.screenshot(path=tmp_path / "desktop.png", full_page=True)


def test_the_matrix_matches_cxokr_align(browser: Browser, example_page: Path) -> None:
    page = visit(browser, example_page).page
    result = CliRunner().invoke(app, ["align", "-w", EXAMPLE, "--as-of", AS_OF, "--format", "json"])
    expected = {
        (c["objective"], c["team"]): c["contribution"] for c in json.loads(result.stdout)["matrix"]
    }
    heads = page.eval_on_selector_all(
        ".matrix thead th[data-ref]", "ths => ths.map(t => t.dataset.ref)"
    )
    rows = page.eval_on_selector_all(
        ".matrix tbody tr",
        "trs => trs.map(tr => [tr.dataset.team, Array.from(tr.querySelectorAll('td'), td => td.className)])",
    )
    shown = {
        (head, team): how
        for team, cells in rows
        for head, how in zip(heads, cells, strict=True)
        if how
    }
    assert shown == expected


def test_filters_hide_and_show_rows(browser: Browser, example_page: Path) -> None:
    page = visit(browser, example_page).page
    everything = visible_refs(page, ".kr")
    assert len(everything) == 30
    page.select_option("#filter-team", "ecommerce")
    ecommerce = visible_refs(page, ".kr")
    assert ecommerce and all(ref.startswith("2026-Q4:ecommerce/") for ref in ecommerce)
    assert page.is_visible("article[data-ref='2026:company/raise-aov']")  # the parent, as context
    assert page.text_content("#filter-summary") == f"Showing {len(ecommerce)} of 30 key results"
    page.click("button.chip[data-status='on track']")
    not_on_track = visible_refs(page, ".kr")
    assert set(not_on_track) < set(ecommerce)
    assert all(
        page.get_attribute(f".kr[data-ref='{ref}']", "data-status") != "on track"
        for ref in not_on_track
    )
    page.click("#filter-reset")
    assert visible_refs(page, ".kr") == everything


def test_deprioritised_work_is_not_red_nor_in_a_status_filter(
    browser: Browser, example_page: Path
) -> None:
    page = visit(browser, example_page).page
    dropped_kr = ".kr[data-ref='2026-Q4:brand-marketing/tiktok-shop/tiktok-sales']"
    dropped = "article[data-ref='2026-Q4:brand-marketing/tiktok-shop']"
    assert page.get_attribute(dropped_kr, "data-status") == "deprioritised"
    assert "s-off-track" not in (page.get_attribute(dropped_kr, "class") or "")
    assert (
        page.locator(f"{dropped_kr} .s-off-track, {dropped} > .obj-head .s-off-track").count() == 0
    )
    assert page.text_content("#count-off-track") == "1"
    assert page.is_visible(dropped_kr)  # shown, with its figures, while nothing is filtered
    for status in ("done", "on track", "at risk", "no data"):
        page.click(f"button.chip[data-status='{status}']")  # only off track stays chosen
    assert not page.is_visible(dropped_kr)
    assert visible_refs(page, ".kr") == ["2026-Q4:ecommerce/grow-basket/checkout-lcp"]


def test_filters_survive_in_the_address(browser: Browser, example_page: Path) -> None:
    page = visit(browser, example_page, hash="#team=stores&status=at-risk").page
    shown = visible_refs(page, ".kr")
    assert shown
    assert all(ref.startswith("2026-Q4:stores/") for ref in shown)
    assert {page.get_attribute(f".kr[data-ref='{r}']", "data-status") for r in shown} == {"at risk"}


def test_markup_in_titles_shows_as_text_and_never_runs(
    browser: Browser, make_ws: WriteFiles, tmp_path: Path
) -> None:
    hostile = "<img src=x onerror=alert(1)>"
    root = make_ws(
        {
            "okrs/2026-Q4/ecommerce.yaml": f"""
                objectives:
                  - id: grow-basket
                    title: "{hostile}"
                    owner: "<svg onload=alert(2)>"
                    aligns_to: 2026:company/raise-aov
                    key_results:
                      - id: aov-online
                        title: "</script><script>alert(3)</script>"
                        metric: aov
                        segment: online
                        start: 58
                        target: 64
            """
        }
    )
    seen = visit(browser, html_report(str(root), tmp_path / "hostile.html"))
    page = seen.page
    article = "article[data-ref='2026-Q4:ecommerce/grow-basket']"
    assert page.text_content(f"{article} .obj-title") == hostile
    assert "<svg onload=alert(2)>" in (page.text_content(f"{article} .obj-meta") or "")
    kr = ".kr[data-ref='2026-Q4:ecommerce/grow-basket/aov-online']"
    assert page.text_content(f"{kr} .kr-title") == "</script><script>alert(3)</script>"
    assert page.locator("#app img").count() == 0
    assert page.locator("#app script").count() == 0
    page.wait_for_timeout(200)  # time for an injected handler to fire, were there one
    assert seen.dialogs == []
    assert seen.errors == []
    assert seen.refused == []


def test_on_a_phone_nothing_overflows_sideways(
    browser: Browser, example_page: Path, tmp_path: Path
) -> None:
    seen = visit(browser, example_page, viewport=PHONE)
    page = seen.page
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    assert seen.errors == []
    page.screenshot(path=tmp_path / "phone.png", full_page=True)


def test_printing_hides_the_controls_and_keeps_the_numbers(
    browser: Browser, example_page: Path
) -> None:
    page = visit(browser, example_page).page
    page.emulate_media(media="print")
    assert page.is_hidden(".filters")
    assert page.is_visible("#org-progress")
    assert page.is_visible("#matrix")


def test_a_long_attention_list_shows_its_head_and_the_rest_on_request(
    browser: Browser, make_ws: WriteFiles, tmp_path: Path
) -> None:
    krs = "\n".join(
        f"      - {{id: kr-{i}, title: KR {i}, unit: count, start: 0, target: 10}}"
        for i in range(30)
    )
    root = make_ws(
        {
            "okrs/2026/company.yaml": f"objectives:\n  - id: big\n    title: Big\n    key_results:\n{krs}\n"
        }
    )
    page = visit(browser, html_report(str(root), tmp_path / "long.html")).page
    items = len(json_report(str(root))["attention"])  # no data and stale, for each
    assert items > 25
    assert len(visible_refs(page, ".attention li")) == 25
    assert page.text_content("#attention-more") == f"Show all {items}"
    page.click("#attention-more")
    assert len(visible_refs(page, ".attention li")) == items
    assert page.is_hidden("#attention-more")


def test_an_ended_period_shows_grades_as_the_grade_sheet_does(
    browser: Browser, make_ws: WriteFiles, tmp_path: Path
) -> None:
    root = make_ws(
        {
            "okrs/2026-Q4/ecommerce.yaml": """
                objectives:
                  - id: grow-basket
                    title: Grow the basket
                    aligns_to: 2026:company/raise-aov
                    key_results:
                      - {id: eighth, title: One of eight, unit: count, start: 0, target: 8}
                      - {id: three, title: Three of eight, unit: count, start: 0, target: 8}
            """,
            "checkins/2026-Q4/ecommerce.yaml": """
                - {"kr": "grow-basket/eighth", "date": "2026-12-01", "value": 1}
                - {"kr": "grow-basket/three", "date": "2026-12-01", "value": 3}
            """,
        }
    )
    args = ("--as-of", "2027-01-05", "--period", "2026-Q4")
    seen = visit(browser, html_report(str(root), tmp_path / "ended.html", *args))
    doc = json_report(str(root), *args)
    assert seen.errors == []
    for o in doc["objectives"]:
        for kr in o["key_results"]:
            flags = seen.page.text_content(f".kr[data-ref='{kr['ref']}'] .flags") or ""
            assert f"grade {kr['grade']:.2f} {kr['band']}" in flags  # 0.125 -> 0.12, as Python


def test_a_period_without_objectives_says_so(
    browser: Browser, make_ws: WriteFiles, tmp_path: Path
) -> None:
    gone = (
        "okrs/2026/company.yaml",
        "okrs/2026-Q4/ecommerce.yaml",
        "checkins/2026-Q4/ecommerce.yaml",
    )
    root = make_ws(dict.fromkeys(gone))
    seen = visit(browser, html_report(str(root), tmp_path / "empty.html"))
    assert seen.errors == []
    assert seen.page.text_content("#org-progress") == "–"
    assert seen.page.is_visible("text=No objectives in this period yet.")


def test_the_organization_s_pace_is_compared_as_shown(
    browser: Browser, make_ws: WriteFiles, tmp_path: Path
) -> None:
    # The one company goal is a year goal, 796 of 1000 on day 324 of 365: pace
    # 0.796 / (324/365) = 0.896728, which reads 0.90 and is on track at on_track 0.9, as
    # the report says, not at risk as the raw pace would be.
    root = make_ws(
        {
            "okrs/2026/company.yaml": """
                objectives:
                  - id: raise-aov
                    title: Raise AOV 10% this year
                    key_results:
                      - {id: aov, title: A thousand of them, unit: count, start: 0, target: 1000}
            """,
            "checkins/2026/company.yaml": """
                - {"kr": "raise-aov/aov", "date": "2026-11-20", "value": 796}
            """,
        }
    )
    doc = json_report(str(root))
    pace = doc["progress"] / doc["organization_expected"]
    assert round(pace, 6) == 0.896728
    assert objectives_status(doc, "2026:company/raise-aov") == "on track"
    seen = visit(browser, html_report(str(root), tmp_path / "pace.html"))
    assert seen.errors == []
    bar = seen.page.eval_on_selector(
        "#org-progress", "n => n.parentNode.querySelector('.bar').className"
    )
    assert bar.split() == ["bar", "s-on-track"]


def objectives_status(doc: dict[str, Any], ref: str) -> str:
    status: str = next(o["status"] for o in doc["objectives"] if o["ref"] == ref)
    return status
