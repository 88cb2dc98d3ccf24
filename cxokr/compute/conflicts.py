"""Conflicts between key results that people must settle: opposite pulls, short targets and
trade-offs between metrics.

Each finder reads the workspace and an alignment graph and returns `Conflict`s,
whether or not they are settled; `rules` turns the unsettled ones into
problems for `cxokr check` (CX335, CX336, CX365, CX366) and `decisions` the
ones a report's period holds into its "Needs a decision" section. A conflict
is settled by a `decision` on one of its key results, and a trade-off also by
a guardrail (`stay_above` / `stay_below`) on the metric that would give way.
Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from cxokr.compute import align
from cxokr.compute.progress import GUARDRAILS
from cxokr.compute.values import start_from_readings
from cxokr.load.workspace import Workspace
from cxokr.model import Direction, KeyResult, KrType, ObjectiveStatus, owners_text

Starts = dict[tuple[str, str, str | None], float | None]
# Key results (and their places) by metric and segment.
Targets = dict[tuple[str | None, str | None], list[tuple[int, KeyResult]]]


@dataclass(frozen=True)
class Side:
    """One key result of a conflict, with the objective that holds it."""

    node: align.Node
    index: int  # its place among the objective's key results
    kr: KeyResult

    @property
    def ref(self) -> str:
        """`PERIOD:team/objective/kr`."""
        return f"{self.node.ref}/{self.kr.id}"

    @property
    def short(self) -> str:
        """`team/objective/kr`, as messages name it."""
        return self.ref.split(":", 1)[1]

    @property
    def owner(self) -> str | None:
        """The key result's owner, else its objective's, as reports show it."""
        return owners_text(self.kr.owner) or owners_text(self.node.objective.owner)

    def loc(self, key: str) -> align.Loc:
        return (*self.node.loc, "key_results", self.index, key)

    def named(self) -> str:
        """`marketing/gift-guide/rich (marketing, owner maya)`."""
        owner = f", owner {self.owner}" if self.owner else ""
        return f"{self.short} ({self.node.team}{owner})"


@dataclass(frozen=True)
class Conflict:
    """Key results that pull against each other; `sides[-1]` is where check reports it."""

    code: str
    message: str
    sides: tuple[Side, ...]
    guard: Side | None = None  # a guardrail holding the metric that would give way

    @property
    def decided(self) -> Side | None:
        """The first of its key results that records a decision, if any."""
        return next((side for side in self.sides if side.kr.decision is not None), None)

    @property
    def settled(self) -> bool:
        return self.guard is not None or self.decided is not None


def movement(ws: Workspace, period: str, kr: KeyResult, starts: Starts) -> float | None:
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


def active_krs(graph: align.Graph) -> Iterator[Side]:
    """Every key result of the graph's active objectives, in file order."""
    for node in graph.nodes.values():
        if node.active:
            for k, kr in enumerate(node.objective.key_results):
                yield Side(node, k, kr)


# --- CX335, CX336: one metric and segment ----------------------------------------------------


def opposite_pulls(ws: Workspace, graph: align.Graph) -> list[Conflict]:
    """Each KR pulling against the first KR on its metric, segment and period, named once."""
    starts: Starts = {}
    first: dict[tuple[str, str, str | None], tuple[Side, float]] = {}
    found = []
    for node in graph.nodes.values():
        if not node.active:
            continue
        for k, kr in enumerate(node.objective.key_results):
            if kr.type is not KrType.TARGET or kr.metric is None:
                continue
            sign = movement(ws, node.period, kr, starts)
            if sign is None:
                continue
            key = (node.period, kr.metric, kr.segment)
            if key not in first:
                first[key] = (Side(node, k, kr), sign)
                continue
            other, other_sign = first[key]
            if sign != other_sign:
                side = Side(node, k, kr)
                where = kr.metric + (f" ({kr.segment})" if kr.segment else "")
                message = (
                    f"{other.short} and {side.short} pull {where} in opposite directions "
                    f"in {node.period}"
                )
                found.append(Conflict("CX335", message, (other, side)))
    return found


def shortfalls(ws: Workspace, graph: align.Graph) -> list[Conflict]:
    """Each target of a child that falls short of its parent's on the same metric and segment,
    by the same date or later."""
    found = []
    by_parent: dict[tuple[str, str | None], Targets] = {}  # many children share a parent
    for edge in graph.edges:
        child, parent = graph.nodes[edge.child], graph.nodes[edge.parent]
        mine, theirs = ws.periods.get(child.period), ws.periods.get(parent.period)
        if not (mine and theirs and mine.end >= theirs.end):
            continue  # an earlier sub-period may hold an intermediate target
        key = (parent.ref, edge.parent_kr)
        if key not in by_parent:
            by_parent[key] = _targets(parent, edge.parent_kr)
        targets = by_parent[key]
        if not targets:
            continue
        for k, kr in enumerate(child.objective.key_results):
            same = targets.get((kr.metric, kr.segment))
            if not same or edge.kr not in (None, kr.id) or not isinstance(kr.target, float):
                continue  # a relative target is known only from its start
            metric = ws.metrics.get(kr.metric or "")
            if metric is None or kr.type is not KrType.TARGET:
                continue
            higher = metric.direction is Direction.HIGHER
            for p, other in same:
                assert isinstance(other.target, float)
                if kr.target < other.target if higher else kr.target > other.target:
                    sides = (Side(parent, p, other), Side(child, k, kr))
                    found.append(Conflict("CX336", _short_of(sides), sides))
    return found


def _targets(node: align.Node, only: str | None) -> Targets:
    """The objective's target KRs with a number for a target (or only the one named `only`),
    by metric and segment."""
    found: Targets = {}
    for p, kr in enumerate(node.objective.key_results):
        if only in (None, kr.id) and kr.type is KrType.TARGET and isinstance(kr.target, float):
            found.setdefault((kr.metric, kr.segment), []).append((p, kr))
    return found


def _short_of(sides: tuple[Side, Side]) -> str:
    parent, child = sides
    kr, other = child.kr, parent.kr
    assert isinstance(kr.target, float) and isinstance(other.target, float)
    return (
        f"target {kr.target:g} falls short of {parent.node.ref.split(':', 1)[1]}/{other.id}'s "
        f"{other.target:g} on {kr.metric}"
        + (f" ({kr.segment})" if kr.segment else "")
        + " by the same date"
    )


# --- CX365, CX366: metrics that trade off ----------------------------------------------------


def partners(ws: Workspace) -> dict[str, set[str]]:
    """Each catalog metric's trade-off partners, both ways (`trades_off` is symmetric)."""
    found: dict[str, set[str]] = {}
    for metric_id, metric in ws.metrics.items():
        for other in metric.trades_off:
            if other in ws.metrics and other != metric_id:
                found.setdefault(metric_id, set()).add(other)
                found.setdefault(other, set()).add(metric_id)
    return found


def tradeoffs(ws: Workspace, graph: align.Graph) -> list[Conflict]:
    """Each KR pushing a metric (in its better direction) that trades off against another:
    against the KRs that push that other metric the other way (CX366), or, when none does,
    against nobody holding it (CX365). A guardrail on the other metric holds it."""
    pairs = partners(ws)
    if not pairs:
        return []
    pushes, guards = _pushes_and_guards(ws, graph, pairs)

    def guard(metric: str, side: Side) -> Side | None:
        return next((g for g in guards.get(metric, ()) if _overlap(ws, side, g)), None)

    found: list[Conflict] = []
    for metric, sides in pushes.items():
        for other in sorted(pairs[metric]):
            for side in sides:
                pulls = [p for p in pushes.get(other, ()) if _overlap(ws, side, p)]
                if not pulls:
                    held = guard(other, side)
                    found.append(Conflict("CX365", _unheld(ws, side, other, held), (side,), held))
                found += [  # a guardrail on either metric holds a collision
                    Conflict(
                        "CX366",
                        _collide(ws, side, pull),
                        (side, pull),
                        guard(other, side) or guard(metric, pull),
                    )
                    for pull in pulls
                    if metric < other  # each pair once
                ]
    return found


def _pushes_and_guards(
    ws: Workspace, graph: align.Graph, pairs: dict[str, set[str]]
) -> tuple[dict[str, list[Side]], dict[str, list[Side]]]:
    """The active KRs on traded-off metrics that move them the better way, and the guardrails."""
    starts: Starts = {}
    pushes: dict[str, list[Side]] = {}
    guards: dict[str, list[Side]] = {}
    for side in active_krs(graph):
        kr = side.kr
        if kr.metric not in pairs or kr.state is not ObjectiveStatus.ACTIVE:
            continue
        if kr.type in GUARDRAILS:
            guards.setdefault(kr.metric, []).append(side)
            continue
        better = 1.0 if ws.metrics[kr.metric].direction is Direction.HIGHER else -1.0
        if movement(ws, side.node.period, kr, starts) == better:
            pushes.setdefault(kr.metric, []).append(side)
    return pushes, guards


def _overlap(ws: Workspace, one: Side, two: Side) -> bool:
    mine, theirs = ws.periods.get(one.node.period), ws.periods.get(two.node.period)
    return bool(mine and theirs and mine.start <= theirs.end and theirs.start <= mine.end)


def _way(ws: Workspace, metric: str) -> str:
    return "up" if ws.metrics[metric].direction is Direction.HIGHER else "down"


def _unheld(ws: Workspace, side: Side, other: str, held: Side | None) -> str:
    metric = side.kr.metric or ""
    owner = ws.metrics[other].owner
    owned = f" (owned by {owner})" if owner else ""
    holds = f"{held.short} holds it" if held else "no guardrail or key result holds it"
    return (
        f"{side.named()} pushes {metric} {_way(ws, metric)} in {side.node.period}; "
        f"{metric} trades off against {other}{owned}, and {holds}"
    )


def _collide(ws: Workspace, side: Side, pull: Side) -> str:
    one, two = side.kr.metric or "", pull.kr.metric or ""
    return (
        f"{side.named()} pushes {one} {_way(ws, one)} while {pull.named()} pushes {two} "
        f"{_way(ws, two)}; {one} trades off against {two}"
    )


def all_conflicts(ws: Workspace, graph: align.Graph) -> list[Conflict]:
    """Every conflict of the graph's objectives, settled or not, in code order."""
    return [*opposite_pulls(ws, graph), *shortfalls(ws, graph), *tradeoffs(ws, graph)]
