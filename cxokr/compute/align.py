"""The alignment graph: which objectives ladder up to which, across teams and periods.

Objectives and key results name their parents with `aligns_to` (an objective
or a key result, in the same period or, with a `PERIOD:` prefix, another).
The graph is kept at the level of objectives: a key result's alignment, or an
alignment to a key result, counts for the objective that holds it. From the
graph come the trees under each level-1 objective, coverage, unsupported
level-1 objectives, the cross-functional matrix and cycles. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from cxokr.load.layout import okr_path
from cxokr.load.workspace import Workspace
from cxokr.model import KeyResult, Objective, ObjectiveStatus, as_list, parse_ref

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Node:
    """An objective with where it lives."""

    ref: str  # PERIOD:team/objective
    period: str
    team: str
    level: int
    index: int
    objective: Objective

    @property
    def path(self) -> str:
        return okr_path(self.period, self.team)

    @property
    def loc(self) -> Loc:
        return ("objectives", self.index)

    @property
    def active(self) -> bool:
        return self.objective.status is ObjectiveStatus.ACTIVE


@dataclass(frozen=True)
class Edge:
    """One `aligns_to` reference that resolves to an objective of the graph."""

    child: str  # objective ref holding the reference
    parent: str  # objective ref it reaches
    kr: str | None  # the child's key result that carries the reference, if any
    parent_kr: str | None  # the parent's key result it names, if any
    loc: Loc  # where the reference is, in the child's file


@dataclass
class Graph:
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    parents: dict[str, list[str]] = field(default_factory=dict)
    children: dict[str, list[str]] = field(default_factory=dict)
    dangling: list[Edge] = field(default_factory=list)  # references that resolve to nothing

    def roots(self) -> list[str]:
        """Level-1 objectives, in file order."""
        return [ref for ref, node in self.nodes.items() if node.level == 1]

    def descendants(self, ref: str) -> set[str]:
        """Every objective below `ref` (cycle-safe; `ref` itself only if in a cycle)."""
        return reach(self.children.get(ref, ()), lambda r: self.children.get(r, ()))


def reach(starts: Iterable[str], follow: Callable[[str], Iterable[str]]) -> set[str]:
    """`starts` and everything `follow` leads to from them, each once, without recursion."""
    seen: set[str] = set()
    stack = list(starts)
    while stack:
        current = stack.pop()
        if current not in seen:
            seen.add(current)
            stack += follow(current)
    return seen


def nodes(ws: Workspace, periods: Iterable[str] | None = None) -> Iterator[Node]:
    """Every objective of `periods` (default: every period), in file order."""
    wanted = set(periods) if periods is not None else None
    for (period, team), okr in sorted(ws.okrs.items()):
        if wanted is not None and period not in wanted:
            continue
        level = ws.teams[team].level if team in ws.teams else 4
        for index, objective in enumerate(okr.objectives):
            yield Node(f"{period}:{team}/{objective.id}", period, team, level, index, objective)


def build(ws: Workspace, periods: Iterable[str] | None = None) -> Graph:
    """The graph over the objectives of `periods` (default: every period)."""
    graph = Graph()
    graph.nodes = {node.ref: node for node in nodes(ws, periods)}
    graph.parents = {ref: [] for ref in graph.nodes}
    graph.children = {ref: [] for ref in graph.nodes}
    for ref, node in graph.nodes.items():
        loc: Loc = ("objectives", node.index)
        for edge in _edges(ref, node, loc, None, node.objective.aligns_to):
            _add(graph, edge)
        for k, kr in enumerate(node.objective.key_results):
            kr_loc = (*loc, "key_results", k)
            for edge in _edges(ref, node, kr_loc, kr, kr.aligns_to):
                _add(graph, edge, links=kr.state is ObjectiveStatus.ACTIVE)
    return graph


def _edges(
    ref: str, node: Node, loc: Loc, kr: KeyResult | None, refs: str | list[str] | None
) -> list[Edge]:
    many = isinstance(refs, list)
    found = []
    for i, text in enumerate(as_list(refs)):
        parsed = parse_ref(text, node.period)
        parent = f"{parsed.period}:{parsed.team}/{parsed.objective}"
        where = (*loc, "aligns_to", i) if many else (*loc, "aligns_to")
        found.append(Edge(ref, parent, kr.id if kr else None, parsed.kr, where))
    return found


def _add(graph: Graph, edge: Edge, links: bool = True) -> None:
    """Add `edge`; it links child and parent (tree, coverage, support, matrix) unless it is
    made by a key result deprioritised alone, which is still checked but supports nothing."""
    if edge.parent not in graph.nodes:
        graph.dangling.append(edge)  # `checks` reports it
        return
    graph.edges.append(edge)
    if links and edge.parent not in graph.parents[edge.child]:
        graph.parents[edge.child].append(edge.parent)
        graph.children[edge.parent].append(edge.child)


# --- What the graph yields -----------------------------------------------------------------


def cycles(graph: Graph) -> list[list[str]]:
    """Each cycle once, as its members in file order (Tarjan's algorithm, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in graph.nodes:
        if start in index:
            continue
        work = [(start, iter(graph.parents[start]))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, pending = work[-1]
            advanced = False
            for parent in pending:
                if parent not in index:
                    index[parent] = low[parent] = counter
                    counter += 1
                    stack.append(parent)
                    on_stack.add(parent)
                    work.append((parent, iter(graph.parents[parent])))
                    advanced = True
                    break
                if parent in on_stack:
                    low[node] = min(low[node], index[parent])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                members = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    members.append(member)
                    if member == node:
                        break
                if len(members) > 1 or node in graph.parents[node]:
                    order = list(graph.nodes)
                    found.append(sorted(members, key=order.index))
    return found


def reaching_level_one(graph: Graph) -> set[str]:
    """Objectives from which a chain of alignments reaches a level-1 objective."""
    reached: set[str] = set()
    for root in graph.roots():
        reached |= graph.descendants(root)
    return reached


@dataclass(frozen=True)
class Coverage:
    """Objectives below level 1 that ladder up to a level-1 objective."""

    below: int
    covered: int
    uncovered: tuple[str, ...]

    @property
    def share(self) -> float | None:
        return self.covered / self.below if self.below else None


def coverage(graph: Graph) -> Coverage:
    reached = reaching_level_one(graph)
    below = [r for r, n in graph.nodes.items() if n.level > 1 and n.active]
    uncovered = tuple(r for r in below if r not in reached)
    return Coverage(len(below), len(below) - len(uncovered), uncovered)


def unsupported(graph: Graph) -> tuple[str, ...]:
    """Active level-1 objectives that no active objective of another team aligns to."""
    return tuple(
        ref
        for ref in graph.roots()
        if graph.nodes[ref].active
        and not any(
            graph.nodes[c].active and graph.nodes[c].team != graph.nodes[ref].team
            for c in graph.descendants(ref)
        )
    )


DIRECT, INDIRECT = "direct", "indirect"


@dataclass(frozen=True)
class Matrix:
    """Level-1 objectives × teams: who contributes to what, directly or through a chain."""

    roots: tuple[str, ...]
    teams: tuple[str, ...]
    cells: dict[tuple[str, str], str]


def matrix(graph: Graph, teams: Iterable[str]) -> Matrix:
    roots = tuple(r for r in graph.roots() if graph.nodes[r].active)
    cells: dict[tuple[str, str], str] = {}
    for root in roots:
        direct = {graph.nodes[c].team for c in graph.children[root] if graph.nodes[c].active}
        for child in graph.descendants(root):
            node = graph.nodes[child]
            if node.active and child != root:
                cells.setdefault((root, node.team), DIRECT if node.team in direct else INDIRECT)
        for team in direct:
            cells[(root, team)] = DIRECT
    contributing = {team for _, team in cells}
    ordered = tuple(t for t in teams if t in contributing)
    return Matrix(roots, ordered, cells)
