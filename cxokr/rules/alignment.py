"""Alignment rules for `cxokr check`: cycles, periods, levels, orphans, support and conflicts.

Each rule takes the workspace and its alignment graph, built once by
`check_alignment`, which `checks.RULES` lists with the other rules.
"""

from __future__ import annotations

from collections.abc import Callable

from cxokr.compute import align
from cxokr.compute.values import start_from_readings
from cxokr.load.workspace import Workspace
from cxokr.model import Direction, KeyResult, KrType
from cxokr.problems import Problem


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


def _movement(
    ws: Workspace,
    period: str,
    kr: KeyResult,
    starts: dict[tuple[str, str, str | None], float | None],
) -> float | None:
    """+1 when the KR moves its metric up, -1 down, None when unknown or not a target KR."""
    if kr.type is not KrType.TARGET or kr.target is None or kr.metric is None:
        return None
    if isinstance(kr.target, str):  # relative: `+10%` moves it up (from a positive start)
        return 1.0 if kr.target.startswith("+") else -1.0
    if kr.change is not None:
        return None if kr.change == 0 else (1.0 if kr.change > 0 else -1.0)
    start = kr.start if isinstance(kr.start, float | int) else None
    if kr.start is not None and start is None:
        return None  # `first` or a dated reading: known only when it is read
    if start is None:
        key = (period, kr.metric, kr.segment)
        if key not in starts:
            log = ws.readings.get(kr.metric)
            found = ws.periods.get(period)
            starts[key] = start_from_readings(kr, found, log.entries) if log and found else None
        start = starts[key]
    if start is None or start == kr.target:
        return None
    return 1.0 if kr.target > start else -1.0


def check_opposite_pulls(ws: Workspace, graph: align.Graph) -> list[Problem]:
    """Each KR pulling against the first KR on its metric, segment and period, named once."""
    starts: dict[tuple[str, str, str | None], float | None] = {}
    first: dict[tuple[str, str, str | None], tuple[align.Node, KeyResult, float]] = {}
    found = []
    for node in graph.nodes.values():
        if not node.active:
            continue
        for k, kr in enumerate(node.objective.key_results):
            sign = _movement(ws, node.period, kr, starts)
            if sign is None or kr.metric is None:
                continue
            key = (node.period, kr.metric, kr.segment)
            if key not in first:
                first[key] = (node, kr, sign)
                continue
            other, other_kr, other_sign = first[key]
            if sign != other_sign:
                where = kr.metric + (f" ({kr.segment})" if kr.segment else "")
                found.append(
                    ws.problem_at(
                        "CX335",
                        node.path,
                        ("objectives", node.index, "key_results", k, "target"),
                        f"{_short(other.ref)}/{other_kr.id} and {_short(node.ref)}/{kr.id} pull "
                        f"{where} in opposite directions in {node.period}",
                    )
                )
    return found


def check_target_shortfall(ws: Workspace, graph: align.Graph) -> list[Problem]:
    periods = ws.periods
    found = []
    for edge in graph.edges:
        child, parent = graph.nodes[edge.child], graph.nodes[edge.parent]
        mine, theirs = periods.get(child.period), periods.get(parent.period)
        if not (mine and theirs and mine.end >= theirs.end):
            continue  # an earlier sub-period may hold an intermediate target
        child_krs = [
            (k, kr)
            for k, kr in enumerate(child.objective.key_results)
            if edge.kr is None or kr.id == edge.kr
        ]
        parent_krs = [
            kr
            for kr in parent.objective.key_results
            if (edge.parent_kr is None or kr.id == edge.parent_kr) and kr.type is KrType.TARGET
        ]
        for k, kr in child_krs:
            metric = ws.metrics.get(kr.metric or "")
            if metric is None or not isinstance(kr.target, float) or kr.type is not KrType.TARGET:
                continue  # a relative target is known only from its start
            for other in parent_krs:
                if (other.metric, other.segment) != (kr.metric, kr.segment) or not isinstance(
                    other.target, float
                ):
                    continue
                higher = metric.direction is Direction.HIGHER
                short = kr.target < other.target if higher else kr.target > other.target
                if short:
                    found.append(
                        ws.problem_at(
                            "CX336",
                            child.path,
                            ("objectives", child.index, "key_results", k, "target"),
                            f"target {kr.target:g} falls short of {_short(parent.ref)}/{other.id}'s "
                            f"{other.target:g} on {kr.metric}"
                            + (f" ({kr.segment})" if kr.segment else "")
                            + " by the same date",
                        )
                    )
    return found


GraphRule = Callable[[Workspace, align.Graph], list[Problem]]

GRAPH_RULES: tuple[GraphRule, ...] = (
    check_cycles,
    check_period_nesting,
    check_level_direction,
    check_orphans,
    check_unsupported,
    check_opposite_pulls,
    check_target_shortfall,
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
