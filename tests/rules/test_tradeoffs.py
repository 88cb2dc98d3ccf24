"""Trade-offs between metrics (CX365, CX366) and decisions (CX367), with exact lines."""

from __future__ import annotations

from pathlib import Path

from cxokr.load import workspace
from cxokr.rules import checks
from tests.conftest import WriteFiles

CONFIG = """\
organization: Acme
periods:
  - {id: 2026, start: 2026-01-01, end: 2026-12-31}
  - {id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}
  - {id: 2026-Q3, start: 2026-07-01, end: 2026-09-30}
"""
RICH = (
    "      - {id: rich, title: Rich gift guide, metric: engagement, start: 40, target: 55,"
    " owner: maya}\n"
)
DECIDED = (
    "      - id: rich\n"
    "        title: Rich gift guide\n"
    "        metric: engagement\n"
    "        start: 40\n"
    "        target: 55\n"
    "        owner: maya\n"
    "        decision: {text: Rich content below the fold only, by: ana, on: 2026-10-20}\n"
)
GUARD = "      - {id: lcp, title: Keep LCP, metric: checkout-lcp, type: stay_below, target: 2.5}\n"
FASTER = (
    "      - {id: lcp, title: Faster checkout, metric: checkout-lcp, start: 3.2, target: 2.4,"
    " owner: ravi}\n"
)


def okrs(oid: str, owner: str, krs: str) -> str:
    return (
        f"objectives:\n  - id: {oid}\n    title: {oid}\n    owner: {owner}\n"
        f"    aligns_to: 2026:company/grow\n    key_results:\n{krs}"
    )


BASE = {
    "cxokr.yaml": CONFIG,
    "teams/company.yaml": "name: Exec\nlevel: 1\n",
    "teams/marketing.yaml": "name: Marketing\nlevel: 3\nparent: company\n",
    "teams/it.yaml": "name: IT\nlevel: 3\nparent: company\n",
    "metrics/engagement.yaml": (
        "name: Engagement\nunit: '%'\ndirection: higher\ntrades_off: [checkout-lcp]\n"
    ),
    "metrics/checkout-lcp.yaml": "name: Checkout LCP\nunit: s\ndirection: lower\nowner: it\n",
    "okrs/2026/company.yaml": (
        "objectives:\n  - id: grow\n    title: Grow\n    key_results:\n"
        "      - {id: k, title: K, unit: count, start: 0, target: 1}\n"
    ),
    "okrs/2026-Q4/marketing.yaml": okrs("gift-guide", "maya", RICH),
}


def problems(root: Path) -> list[str]:
    return [f"{p.location()}: {p.code} {p.message}" for p in checks.check(workspace.load(root))]


def test_a_push_with_nobody_holding_the_other_metric_warns(make_ws: WriteFiles) -> None:
    assert problems(make_ws(BASE, base=False)) == [
        "okrs/2026-Q4/marketing.yaml:7:44: CX365 marketing/gift-guide/rich (marketing, owner "
        "maya) pushes engagement up in 2026-Q4; engagement trades off against checkout-lcp "
        "(owned by it), and no guardrail or key result holds it"
    ]


def test_the_trade_off_declared_on_the_other_metric_warns_the_same(
    make_ws: WriteFiles,
) -> None:
    files = {
        **BASE,
        "metrics/engagement.yaml": "name: Engagement\nunit: '%'\ndirection: higher\n",
        "metrics/checkout-lcp.yaml": (
            "name: Checkout LCP\nunit: s\ndirection: lower\nowner: it\ntrades_off: [engagement]\n"
        ),
    }
    assert [line.split(": ")[1][:5] for line in problems(make_ws(files, base=False))] == ["CX365"]


def test_a_guardrail_on_the_other_metric_holds_it(make_ws: WriteFiles) -> None:
    files = {**BASE, "okrs/2026-Q4/it.yaml": okrs("speed", "ravi", GUARD)}
    assert problems(make_ws(files, base=False)) == []


def test_a_guardrail_in_a_period_that_does_not_overlap_holds_nothing(
    make_ws: WriteFiles,
) -> None:
    files = {**BASE, "okrs/2026-Q3/it.yaml": okrs("speed", "ravi", GUARD)}
    assert [p.split(" ")[1] for p in problems(make_ws(files, base=False))] == ["CX365"]


def test_a_key_result_pushing_the_other_metric_the_other_way_collides(
    make_ws: WriteFiles,
) -> None:
    files = {**BASE, "okrs/2026-Q4/it.yaml": okrs("speed", "ravi", FASTER)}
    assert problems(make_ws(files, base=False)) == [
        "okrs/2026-Q4/marketing.yaml:7:44: CX366 it/speed/lcp (it, owner ravi) pushes "
        "checkout-lcp down while marketing/gift-guide/rich (marketing, owner maya) pushes "
        "engagement up; checkout-lcp trades off against engagement"
    ]


def test_a_guardrail_settles_a_collision_too(make_ws: WriteFiles) -> None:
    both = okrs("speed", "ravi", FASTER + GUARD.replace("id: lcp", "id: lcp-cap"))
    files = {**BASE, "okrs/2026-Q4/it.yaml": both}
    assert problems(make_ws(files, base=False)) == []


def test_a_decision_on_the_yielding_key_result_settles_a_push(make_ws: WriteFiles) -> None:
    files = {**BASE, "okrs/2026-Q4/marketing.yaml": okrs("gift-guide", "maya", DECIDED)}
    assert problems(make_ws(files, base=False)) == []


def test_a_decision_settles_a_collision(make_ws: WriteFiles) -> None:
    files = {
        **BASE,
        "okrs/2026-Q4/marketing.yaml": okrs("gift-guide", "maya", DECIDED),
        "okrs/2026-Q4/it.yaml": okrs("speed", "ravi", FASTER),
    }
    assert problems(make_ws(files, base=False)) == []


def test_a_decision_with_nothing_to_settle_warns(make_ws: WriteFiles) -> None:
    files = {
        **BASE,
        "metrics/engagement.yaml": "name: Engagement\nunit: '%'\ndirection: higher\n",
        "okrs/2026-Q4/marketing.yaml": okrs("gift-guide", "maya", DECIDED),
    }
    assert problems(make_ws(files, base=False)) == [
        "okrs/2026-Q4/marketing.yaml:13:9: CX367 marketing/gift-guide/rich records a "
        "decision, but no conflict or trade-off involves it; remove it or move it to the key "
        "result that gives way"
    ]


def test_a_decision_settles_an_opposite_pull(make_ws: WriteFiles) -> None:
    down = DECIDED.replace("start: 40", "start: 60")
    files = {
        **BASE,
        "metrics/engagement.yaml": "name: Engagement\nunit: '%'\ndirection: higher\n",
        "okrs/2026-Q4/marketing.yaml": okrs("gift-guide", "maya", RICH),
        "okrs/2026-Q4/it.yaml": okrs("calm", "ravi", down.replace("id: rich", "id: calm")),
    }
    assert problems(make_ws(files, base=False)) == []
    undecided = {**files, "okrs/2026-Q4/it.yaml": okrs("calm", "ravi", RICH.replace("40", "60"))}
    assert [p.split(" ")[1] for p in problems(make_ws(undecided, base=False))] == ["CX335"]


def test_a_decision_settles_a_short_target(make_ws: WriteFiles) -> None:
    parent = (
        "objectives:\n  - id: grow\n    title: Grow\n    key_results:\n"
        "      - {id: k, title: K, metric: engagement, start: 40, target: 60}\n"
    )
    short = DECIDED.replace("target: 55", "target: 50")
    files = {
        **BASE,
        "metrics/engagement.yaml": "name: Engagement\nunit: '%'\ndirection: higher\n",
        "okrs/2026-Q4/marketing.yaml": okrs("gift-guide", "maya", short),
        "okrs/2026/company.yaml": parent,
    }
    assert problems(make_ws(files, base=False)) == []
    open_ = {**files, "okrs/2026-Q4/marketing.yaml": okrs("gift-guide", "maya", RICH)}
    assert [p.split(" ")[1] for p in problems(make_ws(open_, base=False))] == ["CX336"]
