"""Alignment rules for `cxokr check`: cycles, periods, levels, orphans, support and conflicts.

Each rule takes the workspace and its alignment graph, built once by
`check_alignment`, which `checks.RULES` lists with the other rules.
"""

from __future__ import annotations

from collections.abc import Callable

from cxokr.compute import align, conflicts
from cxokr.compute.conflicts import Conflict
from cxokr.load.workspace import Workspace
from cxokr.problems import Problem
from cxokr.rules.tradeoffs import check_decisions, check_tradeoffs


def _short(ref: str) -> str:
    return ref.split(":", 1)[1]


def check_cycles(ws: Workspace, graph: align.Graph) -> list[Problem]:
    found = []
    for members in align.cycles(graph):
        first = graph.nodes[members[0]]
        loop = " → ".join([*members, members[0]])
        edge = next(e for e in graph.edges if e.child == first.ref and e.parent in members)
        found.append(
            ws.problem_at(
                "CX330",
                first.path,
                edge.loc,
                f"alignment cycle of {len(members)}: {loop}; nothing in it can roll up",
            )
        )
    return found


def check_period_nesting(ws: Workspace, graph: align.Graph) -> list[Problem]:
    periods = ws.periods
    found = []
    for edge in graph.edges:
        child, parent = graph.nodes[edge.child], graph.nodes[edge.parent]
        mine, theirs = periods.get(child.period), periods.get(parent.period)
        if mine and theirs and not (theirs.start <= mine.start and mine.end <= theirs.end):
            found.append(
                ws.problem_at(
                    "CX331",
                    child.path,
                    edge.loc,
                    f"{child.period} ({mine.start} to {mine.end}) is not inside "
                    f"{parent.period} ({theirs.start} to {theirs.end}) of {_short(parent.ref)}",
                )
            )
    return found


def check_level_direction(ws: Workspace, graph: align.Graph) -> list[Problem]:
    found = []
    for edge in graph.edges:
        child, parent = graph.nodes[edge.child], graph.nodes[edge.parent]
        if child.team not in ws.teams or parent.team not in ws.teams:
            continue  # a level is unknown while its team file is missing or broken
        if parent.level > child.level:
            found.append(
                ws.problem_at(
                    "CX332",
                    child.path,
                    edge.loc,
                    f"{child.team} (level {child.level}) aligns to {parent.team}, "
                    f"a deeper level ({parent.level}); alignment runs upward",
                )
            )
    return found


def check_orphans(ws: Workspace, graph: align.Graph) -> list[Problem]:
    reached = align.reaching_level_one(graph) | {e.child for e in graph.dangling}
    declared = {p.id for p in ws.config.periods} if ws.config else set()
    return [
        ws.problem_at(
            "CX333",
            node.path,
            ("objectives", node.index, "id"),
            f"{_short(ref)} does not ladder up to any level-1 objective; add aligns_to",
        )
        for ref, node in graph.nodes.items()
        if node.level > 1 and node.active and ref not in reached and node.period in declared
    ]


def check_unsupported(ws: Workspace, graph: align.Graph) -> list[Problem]:
    """Level-1 objectives no team supports; none while there is no team below level 1 to
    support one (a workspace just begun: its starter objective checks clean)."""
    if not any(team.level > 1 for team in ws.teams.values()):
        return []
    return [
        ws.problem_at(
            "CX334",
            graph.nodes[ref].path,
            ("objectives", graph.nodes[ref].index, "id"),
            f"no team's objective aligns to {_short(ref)}",
        )
        for ref in align.unsupported(graph)
    ]


def _unsettled(ws: Workspace, conflicts: list[Conflict], key: str) -> list[Problem]:
    """A problem at `key` of the last key result of each conflict no decision settles."""
    return [
        ws.problem_at(c.code, c.sides[-1].node.path, c.sides[-1].loc(key), c.message)
        for c in conflicts
        if not c.settled
    ]


def check_opposite_pulls(ws: Workspace, graph: align.Graph) -> list[Problem]:
    """Each KR pulling against the first KR on its metric, segment and period, named once."""
    return _unsettled(ws, conflicts.opposite_pulls(ws, graph), "target")


def check_target_shortfall(ws: Workspace, graph: align.Graph) -> list[Problem]:
    return _unsettled(ws, conflicts.shortfalls(ws, graph), "target")


GraphRule = Callable[[Workspace, align.Graph], list[Problem]]

GRAPH_RULES: tuple[GraphRule, ...] = (
    check_cycles,
    check_period_nesting,
    check_level_direction,
    check_orphans,
    check_unsupported,
    check_opposite_pulls,
    check_target_shortfall,
    check_tradeoffs,
    check_decisions,
)


def check_alignment(ws: Workspace) -> list[Problem]:
    """Every alignment rule, over one graph of the whole workspace."""
    graph = align.build(ws)
    rules: tuple[GraphRule, ...] = GRAPH_RULES
    if graph.dangling or any(rel.startswith(("teams/", "okrs/")) for rel in ws.failed):
        # With a team or OKR file unread, or a reference unresolved, the graph is
        # partial: what looks orphaned or unsupported may not be. Those come first.
        rules = tuple(r for r in rules if r not in (check_orphans, check_unsupported))
    return [found for rule in rules for found in rule(ws, graph)]
