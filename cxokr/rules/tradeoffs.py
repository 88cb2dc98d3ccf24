"""Trade-off rules for `cxokr check`: metrics that trade off, pushed with nobody holding the
other (CX365) or pushed both ways at once (CX366), and decisions with nothing to settle
(CX367).

They run with the alignment rules, over the same graph (`alignment.GRAPH_RULES`); the
conflicts themselves are found in `compute.conflicts`, which the report reads too.
"""

from __future__ import annotations

from cxokr.compute import align, conflicts
from cxokr.load.workspace import Workspace
from cxokr.problems import Problem


def check_tradeoffs(ws: Workspace, graph: align.Graph) -> list[Problem]:
    """Each trade-off in play that neither a guardrail nor a decision settles."""
    return [
        ws.problem_at(c.code, c.sides[-1].node.path, c.sides[-1].loc("metric"), c.message)
        for c in conflicts.tradeoffs(ws, graph)
        if not c.settled
    ]


def check_decisions(ws: Workspace, graph: align.Graph) -> list[Problem]:
    """A decision on a key result that is part of no conflict and no trade-off: it settles
    nothing (the conflict was resolved another way, or the decision sits on the wrong KR)."""
    decided = [side for side in conflicts.active_krs(graph) if side.kr.decision is not None]
    if not decided:
        return []
    involved = {side.ref for c in conflicts.all_conflicts(ws, graph) for side in c.sides}
    return [
        ws.problem_at(
            "CX367",
            side.node.path,
            side.loc("decision"),
            f"{side.short} records a decision, but no conflict or trade-off involves it; "
            "remove it or move it to the key result that gives way",
        )
        for side in decided
        if side.ref not in involved
    ]
