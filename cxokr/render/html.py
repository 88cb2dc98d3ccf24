"""The report as one self-contained HTML page, for people who never open a terminal.

The page carries the `--format json` document unchanged in a
`<script type="application/json" id="cxokr-data">` block, and beside it a
small `cxokr-context` block with what that document does not hold: the dates
of the periods it covers (the time axis of the trend charts) and the
cross-functional matrix as `cxokr align` computes it. The page's one script
(assets/dashboard.js) builds everything from those two blocks with DOM calls
and `textContent`, never from HTML strings, so no title or note can become
markup. Its Content-Security-Policy admits exactly that script and the one
style sheet (assets/dashboard.css) by their SHA-256 hashes and nothing from
anywhere, and requires Trusted Types, so a later change that hands a string
to `innerHTML` fails in the browser instead of opening a hole.
"""

from __future__ import annotations

import base64
import hashlib
import html
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any

from cxokr import __version__
from cxokr.compute.align_view import Contributions
from cxokr.compute.metric_map import MetricMap
from cxokr.compute.report import Report
from cxokr.model import Period
from cxokr.render.controls import escape_controls, json_text
from cxokr.render.report_json import compact, plain

TEMPLATE = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="cxokr {version}">
<title>{title}</title>
<link rel="icon" href="data:,">
<style>{css}</style>
</head>
<body>
<div id="app"><noscript>This report is drawn by JavaScript, which is off in this viewer. \
Open the file in a web browser, or ask for the report with --format md.</noscript></div>
<script type="application/json" id="cxokr-data">{data}</script>
<script type="application/json" id="cxokr-context">{context}</script>
<script>{js}</script>
</body>
</html>
"""


@cache
def asset(name: str) -> str:
    """A file of the page (dashboard.css, dashboard.js), shipped inside the package."""
    return resources.files("cxokr.render").joinpath("assets", name).read_text(encoding="utf-8")


def source_hash(text: str) -> str:
    """The CSP source that admits exactly this inline script or style."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def policy(css: str, js: str) -> str:
    return "; ".join(
        (
            "default-src 'none'",
            f"style-src {source_hash(css)}",
            f"script-src {source_hash(js)}",
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
            "require-trusted-types-for 'script'",
            "trusted-types 'none'",
        )
    )


def embed(value: Any) -> str:
    """JSON that is inert inside a `<script>` block.

    `<`, `>` and `&` only ever occur inside JSON strings, where `\\u003c` and
    friends are the same characters to a JSON parser; written that way, no
    `</script>` or `<!--` in a title can end the block or confuse the HTML
    parser. Control characters are escaped the same way (`json_text`): the
    page shows the true value, and the file shows no control character.
    """
    return inert(json_text(value, indent=None, separators=(",", ":"), allow_nan=False))


def inert(text: str) -> str:
    """Compact JSON `text` as `embed` writes it: `<`, `>` and `&` as their escapes."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _drivers(drivers: MetricMap | None) -> list[dict[str, Any]]:
    if drivers is None or not drivers.outcomes:
        return []
    from cxokr.render.metric_tree import node_json  # it loads Rich, for its text form

    return [node_json(node) for node in drivers.outcomes]


def render(
    report: Report,
    periods: Iterable[Period],
    matrix: Contributions,
    drivers: MetricMap | None = None,
) -> str:
    """The page for `report`; `periods` gives the dates of the periods it covers, `drivers`
    the metric map's driver tree."""
    css, js = asset("dashboard.css"), asset("dashboard.js")
    by_id = {p.id: p for p in periods}
    context = {
        "periods": [plain(by_id[pid]) for pid in report.periods if pid in by_id],
        "matrix": {
            "objectives": list(matrix.objectives),
            "teams": list(matrix.teams),
            "cells": [plain(c) for c in matrix.cells],
        },
        "drivers": _drivers(drivers),
    }
    title = f"{report.organization} · OKR report {report.period.id} · {report.as_of.isoformat()}"
    return TEMPLATE.format(
        csp=policy(css, js),  # hashes and keywords: nothing to escape
        version=html.escape(__version__),
        title=html.escape(escape_controls(title)),
        css=css,
        data=inert(compact(report)),  # `embed(document(report))`, written by msgspec
        context=embed(context),
        js=js,
    )
