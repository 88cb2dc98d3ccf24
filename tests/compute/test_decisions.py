"""What needs a decision: the report's conflicts and trade-offs, open or settled, with owners."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from cxokr.compute import report
from cxokr.compute.report_data import DecisionKr, Filters
from cxokr.load import workspace
from cxokr.model import Decision
from tests.conftest import WriteFiles
from tests.rules.test_tradeoffs import BASE, FASTER, okrs

AS_OF = date(2026, 11, 20)
BASKET = (
    "      - {id: aov, title: Bigger baskets, metric: aov, start: 50, target: 60}\n"
    "      - {id: margin, title: Keep margin, metric: margin, type: stay_above, target: 30}\n"
    "      - id: bundles\n"
    "        title: Bundles on every page\n"
    "        metric: bundles\n"
    "        start: 1\n"
    "        target: 2\n"
    "        decision: {text: Returns may rise to 9%, by: ana, on: 2026-11-02}\n"
)
DECIDING = {
    **BASE,
    "teams/shop.yaml": "name: Shop\nlevel: 3\nparent: company\n",
    "metrics/aov.yaml": "name: AOV\nunit: USD\ndirection: higher\ntrades_off: [margin]\n",
    "metrics/margin.yaml": "name: Margin\nunit: '%'\ndirection: higher\n",
    "metrics/bundles.yaml": "name: Bundles\nunit: count\ndirection: higher\ntrades_off: [returns]\n",
    "metrics/returns.yaml": "name: Returns\nunit: '%'\ndirection: lower\nowner: shop\n",
    "okrs/2026-Q4/it.yaml": okrs("speed", "ravi", FASTER),
    "okrs/2026-Q4/shop.yaml": okrs("basket", "lee", BASKET),
}


def decisions(root: Path, filters: Filters = Filters()) -> report.Report:
    return report.build(workspace.load(root), AS_OF, filters)


def test_open_items_come_first_with_their_key_results_and_owners(make_ws: WriteFiles) -> None:
    found = decisions(make_ws(DECIDING, base=False)).decisions
    assert [(i.code, i.settled) for i in found] == [
        ("CX366", False),
        ("CX365", True),
        ("CX365", True),
    ]
    collision = found[0]
    assert collision.key_results == (
        DecisionKr("2026-Q4:it/speed/lcp", "it", "ravi", "Faster checkout"),
        DecisionKr("2026-Q4:marketing/gift-guide/rich", "marketing", "maya", "Rich gift guide"),
    )
    assert collision.owners == ("ravi", "maya")
    assert (collision.decision, collision.decided_on, collision.held_by) == (None, None, None)


def test_a_settled_item_carries_its_decision_or_its_guardrail(make_ws: WriteFiles) -> None:
    held, decided = decisions(make_ws(DECIDING, base=False)).decisions[1:]
    assert held.message.startswith("shop/basket/aov (shop, owner lee) pushes aov up")
    assert (held.decision, held.held_by) == (None, "2026-Q4:shop/basket/margin")
    assert decided.decision == Decision(
        text="Returns may rise to 9%", by="ana", on=date(2026, 11, 2)
    )
    assert (decided.decided_on, decided.held_by) == ("2026-Q4:shop/basket/bundles", None)


def test_a_filter_keeps_the_items_of_the_objectives_it_shows(make_ws: WriteFiles) -> None:
    root = make_ws(DECIDING, base=False)
    assert [i.code for i in decisions(root, Filters(team="it")).decisions] == ["CX366"]
    assert [i.settled for i in decisions(root, Filters(team="shop")).decisions] == [True, True]


def test_only_the_report_s_periods_are_looked_at(make_ws: WriteFiles) -> None:
    root = make_ws(DECIDING, base=False)
    assert decisions(root, Filters(period="2026-Q3")).decisions == ()


def test_a_workspace_without_conflicts_has_none(make_ws: WriteFiles) -> None:
    files = {**BASE, "metrics/engagement.yaml": "name: E\nunit: '%'\ndirection: higher\n"}
    assert decisions(make_ws(files, base=False)).decisions == ()
