"""What needs a decision: the conflicts and trade-offs of a report's periods, with their key
results, teams and owners, and the decision that settles each, if one is recorded.

Only the finders of `conflicts` run, over the graph the report has already built,
never the whole of `check`; an item is kept when one of its key results lies in
a period the report lists and, under filters, in an objective it shows.
"""

from __future__ import annotations

from collections.abc import Collection

from cxokr.compute import align, conflicts
from cxokr.compute.conflicts import Conflict, Side
from cxokr.compute.report_data import DecisionItem, DecisionKr
from cxokr.load.workspace import Workspace


def needing_decision(
    ws: Workspace, graph: align.Graph, objectives: Collection[str]
) -> tuple[DecisionItem, ...]:
    """The items of the conflicts that touch `objectives` (refs `PERIOD:team/objective`),
    open ones first, then by code and message."""
    items = [
        _item(found)
        for found in conflicts.all_conflicts(ws, graph)
        if any(side.node.ref in objectives for side in found.sides)
    ]
    return tuple(sorted(items, key=lambda i: (i.settled, i.code, i.message)))


def _item(found: Conflict) -> DecisionItem:
    decided = found.decided
    return DecisionItem(
        code=found.code,
        message=found.message,
        key_results=tuple(_kr(side) for side in found.sides),
        decision=decided.kr.decision if decided else None,
        decided_on=decided.ref if decided else None,
        held_by=found.guard.ref if found.guard and not decided else None,
    )


def _kr(side: Side) -> DecisionKr:
    return DecisionKr(side.ref, side.node.team, side.owner, side.kr.title)
