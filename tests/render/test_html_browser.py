"""The HTML page in a real browser: Debian's Chromium driven by Playwright, with no network.

Without Chromium or Playwright these tests skip and say why, unless
CXOKR_REQUIRE_BROWSER is set (as CI does), when they fail instead.
CXOKR_CHROMIUM names another Chromium binary.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from typer.testing import CliRunner

from cxokr.cli import app
from cxokr.render.markdown import percent
from tests.compute.test_kr_rows import FORMS
from tests.conftest import WriteFiles, write_files
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
    assert len(everything) == 32
    page.select_option("#filter-team", "ecommerce")
    ecommerce = visible_refs(page, ".kr")
    assert ecommerce and all(ref.startswith("2026-Q4:ecommerce/") for ref in ecommerce)
    assert page.is_visible("article[data-ref='2026:company/raise-aov']")  # the parent, as context
    assert page.text_content("#filter-summary") == f"Showing {len(ecommerce)} of 32 key results"
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


# --- Key results as people write them: the FORMS workspace of tests/compute/test_kr_rows ---

SEASON = "2026-Q4:marketing/launch-season/"
RETRO = "Started the handbook late;\nthe ad slot is booked"


def forms_files(**replace: str) -> dict[str, str]:
    """FORMS, with a retro on the season's objective and `replace`d text in its OKR file."""
    okrs = FORMS["okrs/2026-Q4/marketing.yaml"].replace(
        "owner: [mia, noor]\n", f"owner: [mia, noor]\n        retro: {json.dumps(RETRO)}\n", 1
    )
    for old, new in replace.items():
        assert old in okrs
        okrs = okrs.replace(old, new)
    return {**FORMS, "okrs/2026-Q4/marketing.yaml": okrs}


@pytest.fixture(scope="module")
def forms_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_files(tmp_path_factory.mktemp("forms") / "ws", forms_files())


@pytest.fixture(scope="module")
def forms_page(forms_root: Path) -> Path:
    return html_report(str(forms_root), forms_root.parent / "forms.html")


def kr_text(page: Page, kr: str, part: str) -> str:
    return page.text_content(f".kr[data-ref='{SEASON}{kr}'] {part}") or ""


def test_a_checklist_shows_its_items_done_open_and_overdue(
    browser: Browser, forms_root: Path, forms_page: Path
) -> None:
    seen = visit(browser, forms_page)
    page = seen.page
    assert seen.errors == []
    items = f".kr[data-ref='{SEASON}handbook'] .items li"
    shown = page.eval_on_selector_all(
        items,
        """lis => lis.map(li => [li.dataset.item, li.dataset.state,
            li.querySelector('.item-title').textContent, li.querySelector('.item-when').textContent])""",
    )
    # outline done 10-14; migrate done 11-02, reopened 11-10; publish done 11-12, due at the end
    assert shown == [
        ["outline", "done", "Outline agreed", "done Oct 14"],
        ["migrate", "open", "Move 40 pages", "due Nov 30 · weight 2"],
        ["publish", "done", "Publish it", "done Nov 12"],
    ]
    assert all(page.is_visible(f"{items}[data-item='{i}']") for i in ("outline", "migrate"))
    assert kr_text(page, "handbook", ".kr-facts").startswith("2 of 3 items done (weight 2 of 4) · ")
    # 2026-12-01: migrate, due 11-30, is still open: overdue
    later = html_report(str(forms_root), forms_root.parent / "later.html", "--as-of", "2026-12-01")
    page = visit(browser, later).page
    migrate = f"{items}[data-item='migrate']"
    assert page.get_attribute(migrate, "data-state") == "overdue"
    assert page.text_content(f"{migrate} .item-when") == "overdue, due Nov 30 · weight 2"
    assert page.get_attribute(f"{items}[data-item='outline']", "data-state") == "done"


def test_a_schedule_draws_its_steps_on_the_kr_chart(browser: Browser, forms_page: Path) -> None:
    page = visit(browser, forms_page).page
    chart = f".kr[data-ref='{SEASON}subscribers'] svg.trend"
    pace = (page.get_attribute(f"{chart} polyline.pace", "points") or "").split()
    steps = page.eval_on_selector_all(
        f"{chart} circle.step",
        "cs => cs.map(c => [c.getAttribute('cx') + ',' + c.getAttribute('cy'), c.textContent])",
    )
    # start (1000) the day before 10-01, the steps 1500 on 10-31 and 2500 on 11-30, the
    # target 4000 on 12-31: the expected line bends at each step, where a dot marks it
    assert len(pace) == 4
    assert [corner for corner, _ in steps] == pace[1:3]
    assert [tip for _, tip in steps] == ["1,500 count by Oct 31", "2,500 count by Nov 30"]
    x = [float(corner.split(",")[0]) for corner in pace]
    y = [float(corner.split(",")[1]) for corner in pace]
    # x: days 0, 31, 61 and 92 of the period; a step is above the straight line (SVG y is down)
    assert (x[1] - x[0]) / (x[3] - x[0]) == pytest.approx(31 / 92, abs=1e-3)
    assert (x[2] - x[0]) / (x[3] - x[0]) == pytest.approx(61 / 92, abs=1e-3)
    assert (y[0] - y[1]) / (y[0] - y[3]) == pytest.approx(500 / 3000, abs=1e-3)
    assert (y[0] - y[2]) / (y[0] - y[3]) == pytest.approx(1500 / 3000, abs=1e-3)
    assert "staged target" in (page.text_content(".chart-legend") or "")
    label = page.get_attribute(chart, "aria-label") or ""
    assert "steps 1,500 count by Oct 31, 2,500 count by Nov 30" in label
    # a step on the period's last day leaves the target the last step: a straight line
    last = f".kr[data-ref='{SEASON}last-day'] svg.trend"
    assert page.locator(f"{last} circle.step").count() == 0
    assert len((page.get_attribute(f"{last} polyline.pace", "points") or "").split()) == 2


def test_relative_targets_scores_milestones_and_shares_read_as_written(
    browser: Browser, forms_page: Path
) -> None:
    page = visit(browser, forms_page).page
    # start 56 (the reading of 09-15), +10%: 61.6 USD
    assert kr_text(page, "aov-plus", ".kr-facts").startswith(
        "61.5 USD · target +10% → 61.6 USD (from 56) · "
    )
    assert "target +5 → 63.5 USD (from 58.5)" in kr_text(page, "aov-first", ".kr-facts")
    assert kr_text(page, "heard", ".kr-facts").startswith("score 0.6 of 1 · confidence 0.5 · ")
    live = kr_text(page, "go-live", ".kr-facts")
    assert live.startswith("not done yet · due Nov 15 · ")
    assert "overdue" in kr_text(page, "go-live", ".flags")
    assert kr_text(page, "launch-ad", ".kr-facts").startswith("not done yet · due Dec 10 · ")
    assert page.locator(f".kr[data-ref='{SEASON}launch-ad'] .flags").count() == 0
    share = kr_text(page, "bundles-share", ".kr-share")
    assert (
        share
        == "A share of E-commerce’s grow-basket/bundles-live: its figures, counted once, there"
    )
    assert kr_text(page, "bundles-share", ".kr-facts").endswith(" · lee")
    season = page.text_content("article[data-ref='2026-Q4:marketing/launch-season'] .obj-meta")
    assert season == "Marketing · owners mia, noor"


def test_notes_reasons_and_retros_stand_beside_the_numbers(
    browser: Browser, forms_root: Path, forms_page: Path
) -> None:
    page = visit(browser, forms_page).page
    doc = json_report(str(forms_root))
    noted = [kr for o in doc["objectives"] for kr in o["key_results"] if kr["note"]]
    assert {kr["ref"] for kr in noted} >= {f"{SEASON}handbook"}
    for kr in noted:
        note = f".kr[data-ref='{kr['ref']}'] .remark.note"
        assert page.is_visible(note)
        assert (page.text_content(note) or "").endswith(": " + kr["note"])
    assert kr_text(page, "handbook", ".remark.note") == "Note, Nov 10: Migration reopened"
    assert kr_text(page, "tiktok", ".remark.reason") == "Dropped: Holiday campaign first"
    old = "article[data-ref='2026-Q4:marketing/old-site']"
    assert page.text_content(f"{old} > .remark.reason") == "Dropped: Replatforming first"
    # its key result's reason is its objective's: said once, on the objective
    assert page.locator(f"{old} .kr .remark.reason").count() == 0
    retro = "article[data-ref='2026-Q4:marketing/launch-season'] > .remark.retro"
    assert page.text_content(f"{retro} .remark-text") == RETRO
    assert page.evaluate(f'document.querySelector("{retro}").innerText').count("\n") == 1


def test_a_key_result_deprioritised_alone_is_shown_but_not_counted(
    browser: Browser, forms_root: Path, forms_page: Path
) -> None:
    page = visit(browser, forms_page).page
    doc = json_report(str(forms_root))
    tiktok = f".kr[data-ref='{SEASON}tiktok']"
    assert page.get_attribute(tiktok, "data-status") == "deprioritised"
    assert page.text_content(f"{tiktok} .kr-score .pill") == "dropped"
    assert page.text_content(f"{tiktok} .kr-pct") == "2%"  # its own figures: 100 of 5000
    assert page.is_visible(tiktok)
    for status, count in doc["counts"].items():
        assert page.text_content(f"#count-{status.replace(' ', '-')}") == str(count)
    statuses = page.eval_on_selector_all(".kr", "rows => rows.map(r => r.dataset.status)")
    counted = [s for s in statuses if s != "deprioritised"]
    # the two shares of bundles-live, listed too, are one key result with it in the counts
    shares = [kr for o in doc["objectives"] for kr in o["key_results"] if kr["shares"]]
    assert len(shares) == 2
    assert len(counted) - len(shares) == sum(doc["counts"].values()) == len(statuses) - 6
    assert page.locator(f".attention li[data-ref='{SEASON}tiktok']").count() == 0
    page.click("button.chip[data-status='on track']")  # any status filter leaves it out
    assert not page.is_visible(tiktok)


def test_markup_in_notes_reasons_and_items_shows_as_text_and_never_runs(
    browser: Browser, tmp_path: Path
) -> None:
    hostile = {
        "note": "<img src=x onerror=alert(1)>",
        "reason": "<script>alert(2)</script>",
        "retro": "<svg onload=alert(3)>",
        "item": "</script><img src=x onerror=alert(4)>",
    }
    files = forms_files(
        **{
            "reason: Holiday campaign first": f"reason: {json.dumps(hostile['reason'])}",
            "title: Outline agreed": f"title: {json.dumps(hostile['item'])}",
            "reason: Replatforming first": f"reason: {json.dumps(hostile['retro'])}\n"
            f"        retro: {json.dumps(hostile['retro'])}",
        }
    )
    files["checkins/2026-Q4/marketing.yaml"] = FORMS["checkins/2026-Q4/marketing.yaml"].replace(
        '"note": "Migration reopened"', f'"note": {json.dumps(hostile["note"])}'
    )
    root = write_files(tmp_path / "ws", files)
    seen = visit(browser, html_report(str(root), tmp_path / "hostile.html"))
    page = seen.page
    assert kr_text(page, "handbook", ".remark.note .remark-text") == hostile["note"]
    assert kr_text(page, "tiktok", ".remark.reason .remark-text") == hostile["reason"]
    assert kr_text(page, "handbook", "li[data-item='outline'] .item-title") == hostile["item"]
    old = "article[data-ref='2026-Q4:marketing/old-site']"
    assert page.text_content(f"{old} > .remark.reason .remark-text") == hostile["retro"]
    assert page.text_content(f"{old} > .remark.retro .remark-text") == hostile["retro"]
    assert page.locator("#app img, #app script, #app svg:not(.trend)").count() == 0
    page.wait_for_timeout(200)  # time for an injected handler to fire, were there one
    assert seen.dialogs == []
    assert seen.errors == []
    assert seen.refused == []


def test_on_a_phone_checklists_and_notes_fit_too(browser: Browser, forms_page: Path) -> None:
    seen = visit(browser, forms_page, viewport=PHONE)
    assert seen.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert seen.page.is_visible(f".kr[data-ref='{SEASON}handbook'] li[data-item='migrate']")
    assert seen.errors == []


# --- Reading the page: names, numbers, charts and where things sit ---

LONG_NAME = "Customer experience, loyalty <b>operations</b> & retention"
ONE_WORD = "Commerceplatformpaymentsandcheckoutinfrastructure"
TIKTOK = ".kr[data-ref='2026-Q4:brand-marketing/tiktok-shop/tiktok-sales']"


@pytest.fixture(scope="module")
def teams_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example with a team of many words (some markup among them) and one of a single long word."""
    root = tmp_path_factory.mktemp("teams") / "ws"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".cxokr"))
    for team, name in (("support", LONG_NAME), ("platform", ONE_WORD)):
        path = root / "teams" / f"{team}.yaml"
        text = path.read_text(encoding="utf-8")
        old = "name: Customer care\n" if team == "support" else "name: Commerce platform\n"
        assert old in text
        path.write_text(text.replace(old, f"name: {json.dumps(name)}\n"), encoding="utf-8")
    return html_report(str(root), root.parent / "teams.html")


# Each word of a team's name, found in the label's text wherever the text nodes split it:
# the distinct lines its characters are drawn on.
WORD_LINES = """labels => labels.map(label => {
  const walker = document.createTreeWalker(label, NodeFilter.SHOW_TEXT);
  const chars = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.data.length; i++) chars.push([node, i]);
  }
  const text = chars.map(([node, i]) => node.data[i]).join('');
  const words = [];
  for (const match of text.matchAll(/\\S+/g)) {
    const tops = new Set();
    for (let k = match.index; k < match.index + match[0].length; k++) {
      const range = document.createRange();
      range.setStart(chars[k][0], chars[k][1]);
      range.setEnd(chars[k][0], chars[k][1] + 1);
      for (const rect of range.getClientRects()) if (rect.width > 0) tops.add(Math.round(rect.top));
    }
    words.push([match[0], tops.size]);
  }
  return {text, words, lines: new Set(words.map(w => w[1])).size, height: label.offsetHeight,
          line: parseFloat(getComputedStyle(label).lineHeight)};
})"""


@pytest.mark.parametrize(
    "viewport", [DESKTOP, {"width": 1000, "height": 800}, PHONE], ids=["desktop", "narrow", "phone"]
)
def test_team_names_wrap_between_words_only(
    browser: Browser, teams_page: Path, viewport: dict[str, int]
) -> None:
    seen = visit(browser, teams_page, viewport=viewport)
    labels: list[dict[str, Any]] = seen.page.eval_on_selector_all(
        "#teams td.team-name > :first-child", WORD_LINES
    )
    names = [t["name"] for t in json_report(str(teams_page.parent / "ws"))["teams"]]
    assert [label["text"] for label in labels] == names
    for label in labels:
        assert all(lines == 1 for _, lines in label["words"]), label
    by_name = {label["text"]: label for label in labels}
    # The long name does wrap, between its words; the one-word name stays on one line.
    assert by_name[LONG_NAME]["height"] > 1.5 * by_name[LONG_NAME]["line"]
    assert by_name[ONE_WORD]["height"] < 1.5 * by_name[ONE_WORD]["line"]
    # Markup in a name is text, here as in the filter and the matrix.
    assert seen.page.locator("#app b").count() == 0
    options = seen.page.eval_on_selector_all("#filter-team option", "os => os.map(o => o.text)")
    assert f"{LONG_NAME} (support)" in options
    assert seen.page.text_content("#matrix tr[data-team='support'] th") == LONG_NAME
    assert seen.page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    # No name widens the table past its card: every column shows without scrolling.
    assert seen.page.eval_on_selector("#teams .table-wrap", "n => n.scrollWidth <= n.clientWidth")
    assert seen.errors == []


def test_large_numbers_are_grouped_and_the_data_kept_as_is(
    browser: Browser, example_page: Path
) -> None:
    page = visit(browser, example_page).page
    assert kr_text_at(page, TIKTOK, ".kr-title") == "Sell 150,000 USD through TikTok Shop"
    assert kr_text_at(page, TIKTOK, ".kr-facts").startswith("0 → 150,000 USD · ")
    assert kr_text_at(page, TIKTOK, "svg.trend text.target-label") == "target 150,000 USD"
    assert "150000" not in (page.text_content("#app") or "")
    embedded = page.evaluate("JSON.parse(document.getElementById('cxokr-data').textContent)")
    assert embedded == json_report(EXAMPLE)
    targets = {kr["ref"]: kr["target"] for o in embedded["objectives"] for kr in o["key_results"]}
    assert targets["2026-Q4:brand-marketing/tiktok-shop/tiktok-sales"] == 150000
    winback = ".kr[data-ref='2026-Q4:brand-marketing/win-back-lapsed/winback-reach']"
    assert kr_text_at(page, winback, ".kr-facts").startswith("72,500 → 120,000 count · ")


def kr_text_at(page: Page, selector: str, part: str) -> str:
    return page.text_content(f"{selector} {part}") or ""


def test_on_a_phone_needs_attention_comes_before_the_objectives(
    browser: Browser, example_page: Path
) -> None:
    page = visit(browser, example_page, viewport=PHONE).page
    order = page.evaluate(
        """() => {
        const attention = document.getElementById('attention');
        const kr = document.querySelector('.kr');
        const a = attention.getBoundingClientRect(), k = kr.getBoundingClientRect();
        return {before: Boolean(attention.compareDocumentPosition(kr) & Node.DOCUMENT_POSITION_FOLLOWING),
                attentionBottom: a.bottom, krTop: k.top, attentionTop: a.top,
                objectivesTop: document.getElementById('objectives').getBoundingClientRect().top};
        }"""
    )
    assert order["before"]
    assert order["attentionBottom"] <= order["krTop"]
    assert order["attentionBottom"] <= order["objectivesTop"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def rect(page: Page, selector: str) -> dict[str, float]:
    box: dict[str, float] = page.eval_on_selector(
        selector,
        "n => { const r = n.getBoundingClientRect();"
        " return {top: r.top + scrollY, bottom: r.bottom + scrollY, left: r.left}; }",
    )
    return box


def test_on_a_desktop_the_side_column_runs_the_objectives_full_height(
    browser: Browser, example_page: Path
) -> None:
    page = visit(browser, example_page).page
    objectives, attention, teams = (rect(page, s) for s in ("#objectives", "#attention", "#teams"))
    assert attention["left"] > objectives["left"]  # beside the objectives, not under them
    assert attention["top"] == pytest.approx(objectives["top"], abs=1)
    assert teams["bottom"] == pytest.approx(objectives["bottom"], abs=1)
    assert teams["top"] > attention["bottom"]
    # Halfway down the objectives the teams' table is still in view, clear of the filter bar.
    page.evaluate(f"window.scrollTo(0, {(objectives['top'] + objectives['bottom']) / 2})")
    pinned = page.eval_on_selector("#teams .pinned", "n => n.getBoundingClientRect().toJSON()")
    filters = page.eval_on_selector(".filters", "n => n.getBoundingClientRect().toJSON()")
    assert filters["bottom"] <= pinned["top"] < DESKTOP["height"]
    assert pinned["bottom"] <= DESKTOP["height"]


DRAWN_COLOURS = """() => {
  const colours = (selector, property) => Array.from(document.querySelectorAll(selector),
    (n) => getComputedStyle(n)[property]);
  return {
    values: colours('.kr svg.trend polyline.values', 'stroke').concat(
      colours('.kr svg.trend circle.point', 'fill')),
    forecast: colours('.kr svg.trend line.forecast', 'stroke'),
    legendValues: colours('.chart-legend [data-legend=values] line', 'stroke'),
    legendForecast: colours('.chart-legend [data-legend=forecast] line', 'stroke'),
  };
}"""


def test_the_legend_draws_values_and_forecasts_in_the_colours_of_the_charts(
    browser: Browser, example_page: Path
) -> None:
    page = visit(browser, example_page).page
    drawn = page.evaluate(DRAWN_COLOURS)
    assert set(drawn["legendValues"]) == set(drawn["values"])
    assert len(set(drawn["values"])) > 1  # status colours, not one green for all
    assert set(drawn["legendForecast"]) == set(drawn["forecast"])
    assert len(drawn["legendValues"]) == len(set(drawn["legendValues"]))


# Every word in a chart against everything drawn in its plot, in the chart's own units.
OVERLAPS = """charts => charts.flatMap((chart, c) => {
  const box = (n) => n.getBBox();
  const marks = Array.from(chart.querySelectorAll('line, polyline, circle')).map((n) => {
    const b = box(n), grow = parseFloat(getComputedStyle(n).strokeWidth || '0') / 2;
    return [n.getAttribute('class'), b.x - grow, b.y - grow, b.x + b.width + grow, b.y + b.height + grow];
  });
  const found = [];
  for (const text of chart.querySelectorAll('text')) {
    const t = box(text);
    for (const [name, x0, y0, x1, y1] of marks) {
      if (t.x < x1 && x0 < t.x + t.width && t.y < y1 && y0 < t.y + t.height) {
        found.push([c, text.textContent, name]);
      }
    }
  }
  return found;
})"""


def test_chart_labels_keep_off_the_lines(
    browser: Browser, example_page: Path, forms_page: Path
) -> None:
    for path in (example_page, forms_page):
        page = visit(browser, path).page
        assert page.locator(".kr svg.trend text.target-label").count() > 0
        assert page.eval_on_selector_all(".kr svg.trend", OVERLAPS) == []


# --- The metric map ----------------------------------------------------------------------------

DRIVER_NODES = """items => items.map(li => [
  li.dataset.metric,
  li.parentElement.closest('li.driver') ? li.parentElement.closest('li.driver').dataset.metric : null,
  li.querySelector('.driver-readings').textContent,
  Array.from(li.querySelectorAll(':scope > .driver-krs > li'), k => k.textContent),
])"""


@pytest.fixture(scope="module")
def drivers_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import BASE
    from tests.render.test_metric_tree import MAP

    root = write_files(tmp_path_factory.mktemp("drivers") / "ws", {**BASE, **MAP})
    return html_report(str(root), root.parent / "drivers.html")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_driver_tree_shows_each_outcome_over_its_drivers(
    browser: Browser, drivers_page: Path, viewport: dict[str, int]
) -> None:
    seen = visit(browser, drivers_page, viewport=viewport)
    page = seen.page
    assert seen.errors == []
    assert page.text_content("#drivers h2") == "What drives the outcomes"
    # Each metric under the one it drives, with its latest readings and the key results on
    # it by level, as `cxokr metrics --tree` lists them.
    assert page.eval_on_selector_all("#drivers li.driver", DRIVER_NODES) == [
        [
            "aov",
            None,
            "online 61.2 USD on Nov 20",
            [
                "L1company/raise-aov/aov30%off track",
                "L3ecommerce/grow-basket/aov-online53%on track",
            ],
        ],
        ["conversion", "aov", "all 2.5% on Nov 18", ["L3ecommerce/grow-basket/convert50%on track"]],
        ["guide", "conversion", "no reading yet", []],
    ]
    head = page.text_content("li.driver[data-metric='conversion'] > .driver-head") or ""
    assert head.endswith("trades off against lcp")
    # The tree sits inside the page's width, and below the objectives on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert rect(page, "#drivers")["top"] > rect(page, "#objectives")["top"]


def test_a_page_without_a_metric_map_has_no_driver_section(
    browser: Browser, forms_page: Path
) -> None:
    page = visit(browser, forms_page).page
    assert page.locator("#drivers").count() == 0


def test_the_segment_filter_shows_one_channels_key_results(
    browser: Browser, example_page: Path, tmp_path: Path
) -> None:
    seen = visit(browser, example_page)
    page = seen.page
    everything = visible_refs(page, ".kr")
    options = page.eval_on_selector_all("#filter-segment option", "os => os.map(o => o.value)")
    assert options == ["", "in-store", "mobile", "online"]  # the key results' segments
    page.select_option("#filter-segment", "online")
    online = visible_refs(page, ".kr")
    # The key results `report --segment online` lists, and no other.
    doc = json_report(EXAMPLE, "--segment", "online")
    assert doc["filters"]["segment"] == "online"
    expected = {kr["ref"] for o in doc["objectives"] if not o["context"] for kr in o["key_results"]}
    assert set(online) == expected
    assert page.text_content("#filter-summary") == (
        f"Showing {len(online)} of {len(everything)} key results"
    )
    attention = page.eval_on_selector_all(
        ".attention li", "lis => lis.filter(li => !li.hidden).map(li => li.dataset.ref)"
    )
    assert attention and set(attention) <= expected
    assert page.evaluate("window.location.hash") == "#segment=online"
    page.click("#filter-reset")
    assert visible_refs(page, ".kr") == everything
    # A link keeps the segment; a page built with --segment says so in its header.
    again = visit(browser, example_page, hash="#segment=mobile").page
    assert again.input_value("#filter-segment") == "mobile"
    assert {ref.rsplit("/", 1)[-1] for ref in visible_refs(again, ".kr")} == {"mobile-conversion"}
    one = html_report(EXAMPLE, tmp_path / "online.html", "--segment", "online")
    built = visit(browser, one).page
    assert "filtered by segment online" in (built.text_content("header .subtitle") or "")
    assert set(visible_refs(built, ".kr")) == expected
    assert seen.errors == []


def test_the_page_shows_what_needs_a_decision_open_first_then_settled(
    browser: Browser, tmp_path: Path
) -> None:
    from tests.compute.test_decisions import DECIDING

    root = write_files(tmp_path / "ws", DECIDING)
    seen = visit(browser, html_report(str(root), tmp_path / "okrs.html"))
    page = seen.page
    assert seen.errors == []
    assert page.text_content("#decisions h2") == "Needs a decision"
    shown = page.eval_on_selector_all(
        "#decisions li",
        "items => items.map(li => [li.querySelector('.pill').textContent,"
        " li.querySelector('.decision-outcome').textContent])",
    )
    assert shown == [
        ["CX366", "Owners: ravi, maya"],
        ["held", "Held by the guardrail shop/basket/margin"],
        ["decided", "Decided by ana on 2026-11-02: Returns may rise to 9%"],
    ]
    first = page.text_content("#decisions li .att-title") or ""
    assert first.startswith("it/speed/lcp (it, owner ravi) pushes checkout-lcp down")
    # A page without conflicts has no such card.
    plain = visit(
        browser, html_report(str(write_files(tmp_path / "plain", FORMS)), tmp_path / "p.html")
    )
    assert plain.page.locator("#decisions").count() == 0
