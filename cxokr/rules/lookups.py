"""Looking things up across files, for the rules of `checks` and `logs`.

A file that failed to load has problems of its own; what it would have
declared is unknown, so the `no_*` questions answer "no" for it and nothing
is reported missing because of it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from cxokr.compute.align import Node, nodes
from cxokr.load.layout import CONFIG_FILE, metric_path, okr_path, team_path
from cxokr.load.workspace import Workspace
from cxokr.model import Period, RefParts


def objectives(ws: Workspace) -> Iterator[Node]:
    """Every objective of every period with where it lives, in file order."""
    return nodes(ws)


def periods(ws: Workspace) -> Mapping[str, Period]:
    return ws.periods


def no_period(ws: Workspace, period: str) -> bool:
    return ws.config is not None and period not in periods(ws)


def no_team(ws: Workspace, team: str) -> bool:
    return team not in ws.teams and team_path(team) not in ws.failed


def no_metric(ws: Workspace, metric: str) -> bool:
    return metric not in ws.metrics and metric_path(metric) not in ws.failed


def resolve(ws: Workspace, ref: RefParts) -> str | None:
    """None when the reference resolves; otherwise the code and reason, as 'CODE reason'."""
    if no_period(ws, ref.period):
        return f"CX306 period {ref.period!r} is not declared in {CONFIG_FILE}"
    if ws.config is None or okr_path(ref.period, ref.team) in ws.failed:
        return None
    if no_team(ws, ref.team):
        return f"CX301 team {ref.team!r} does not exist"
    okr = ws.okrs.get((ref.period, ref.team))
    found = next((o for o in okr.objectives if o.id == ref.objective), None) if okr else None
    if found is None:
        return f"CX303 {ref.team} has no objective {ref.objective!r} in {ref.period}"
    if ref.kr is not None and all(kr.id != ref.kr for kr in found.key_results):
        return f"CX303 {ref.team}/{ref.objective} has no key result {ref.kr!r}"
    return None
