"""`cxokr align`: how the organization's objectives ladder up, as one data structure.

The tree, coverage, unsupported level-1 objectives, the cross-functional
matrix and the alignment conflicts `cxokr check` finds, for the periods the
report of a period lists (the period, those enclosing it, those inside it that
have begun), with progress and status from the report. Coverage and support
follow every alignment the files declare, as `cxokr check` does; the matrix of who
contributes leaves out what is deprioritised: a dropped or postponed objective, and the
alignment of a key result dropped or postponed alone. The conflicts
are found by the alignment rules (`rules.alignment`), which build on this
package: the command runs them and passes their problems in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from cxokr.compute import align
from cxokr.compute.report import Filters, Report, build, counted
from cxokr.load.workspace import Workspace
from cxokr.model import ObjectiveStatus
from cxokr.problems import Problem


@dataclass(frozen=True)
class MatrixCell:
    objective: str
    team: str
    contribution: str  # "direct" or "indirect"


@dataclass(frozen=True)
class Contributions:
    """The cross-functional matrix: level-1 objectives × the teams contributing to them."""

    objectives: tuple[str, ...]
    teams: tuple[str, ...]
    cells: tuple[MatrixCell, ...]


def contributions(ws: Workspace, periods: Iterable[str]) -> Contributions:
    """Who contributes to which level-1 objective of `periods`, directly or through a chain."""
    return _contributions(align.matrix(_contributing(align.build(ws, periods)), ws.teams))


def _contributing(graph: align.Graph) -> align.Graph:
    """`graph` less the alignments made by key results dropped or postponed alone: their work
    contributes to nothing, as a dropped objective's does not (`align.matrix`). A share's
    alignment is its own team's, like any key result's."""
    kept = [e for e in graph.edges if e.kr is None or _active(graph.nodes[e.child], e.kr)]
    if len(kept) == len(graph.edges):
        return graph
    found = align.Graph(nodes=graph.nodes, edges=kept, dangling=graph.dangling)
    found.parents = {ref: [] for ref in graph.nodes}
    found.children = {ref: [] for ref in graph.nodes}
    for edge in kept:
        if edge.parent not in found.parents[edge.child]:
            found.parents[edge.child].append(edge.parent)
            found.children[edge.parent].append(edge.child)
    return found


def _active(node: align.Node, kr: str) -> bool:
    found = next((k for k in node.objective.key_results if k.id == kr), None)
    return found is None or found.state is ObjectiveStatus.ACTIVE


def _contributions(grid: align.Matrix) -> Contributions:
    cells = tuple(
        MatrixCell(root, team, grid.cells[(root, team)])
        for root in grid.roots
        for team in grid.teams
        if (root, team) in grid.cells
    )
    return Contributions(grid.roots, grid.teams, cells)


@dataclass(frozen=True)
class AlignView:
    report: Report  # objectives with progress and status; its roots head the tree
    below_level_one: int
    covered: int
    coverage: float | None
    uncovered: tuple[str, ...]
    unsupported: tuple[str, ...]
    matrix_objectives: tuple[str, ...]
    matrix_teams: tuple[str, ...]
    matrix: tuple[MatrixCell, ...]
    conflicts: tuple[Problem, ...]


def build_view(
    ws: Workspace, problems: Iterable[Problem], as_of: date, period: str | None = None
) -> AlignView:
    """The view as of `as_of`; its conflicts are those of `problems` (the alignment rules'
    problems of the whole workspace) in the files of the objectives it shows, sorted."""
    report = build(ws, as_of, Filters(period=period))
    graph = align.build(ws, report.periods)
    # Support, like progress, takes in the work of every begun period inside the listed ones.
    listed = [ws.periods[pid] for pid in report.periods]
    whole = align.build(ws, [p.id for p in counted(ws, listed, as_of)])
    cover = align.coverage(graph)
    grid = _contributions(align.matrix(_contributing(graph), ws.teams))
    files = {graph.nodes[ref].path for ref in graph.nodes}
    conflicts = tuple(sorted(p for p in problems if p.path in files))
    return AlignView(
        report=report,
        below_level_one=cover.below,
        covered=cover.covered,
        coverage=cover.share,
        uncovered=cover.uncovered,
        unsupported=tuple(r for r in align.unsupported(whole) if r in graph.nodes),
        matrix_objectives=grid.objectives,
        matrix_teams=grid.teams,
        matrix=grid.cells,
        conflicts=conflicts,
    )
