"""Driver rules for `cxokr check`: the metric map's `drives` and `trades_off`, and how the
key results on it sit across the levels.

`drives` and `trades_off` must name metrics of the catalog (CX360, CX361); `drives` may
not loop back (CX362). A driver pursued at a higher level than every key result on the
outcome it drives is upside down (CX363); a level-1 key result on an outcome whose
drivers no deeper level works on is a goal nobody moves (CX364). A workspace whose
metrics name no driver costs nothing here.
"""

from __future__ import annotations

from dataclasses import dataclass

from cxokr.compute import align
from cxokr.compute.metric_map import drivers_of
from cxokr.load.layout import metric_path
from cxokr.load.workspace import Workspace
from cxokr.model import KeyResult, ObjectiveStatus
from cxokr.problems import Problem, did_you_mean


def check_drivers(ws: Workspace) -> list[Problem]:
    """Every problem of the metric map: unknown names, cycles, levels."""
    found = _unknown(ws)
    if not any(metric.drives for metric in ws.metrics.values()):
        return found
    found += _cycles(ws)
    on = _krs_by_metric(ws)
    return found + _upside_down(ws, on) + _unmoved(ws, on)


def _unknown(ws: Workspace) -> list[Problem]:
    found = []
    for name, metric in sorted(ws.metrics.items()):
        for key, code in (("drives", "CX360"), ("trades_off", "CX361")):
            for index, other in enumerate(getattr(metric, key)):
                if other not in ws.metrics:
                    hint = did_you_mean(other, ws.metrics)
                    message = f"{key} names metric {other!r}, which is not in metrics/{hint}"
                    found.append(ws.problem_at(code, metric_path(name), (key, index), message))
    return found


# --- CX362: a cycle in drives ----------------------------------------------------------------


def _cycles(ws: Workspace) -> list[Problem]:
    """One problem per cycle found by a depth-first walk (each metric entered once, so the
    walk ends), reported on the `drives` entry of its first metric by name."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    found: dict[tuple[str, ...], Problem] = {}
    for start in sorted(ws.metrics):
        if start in state:
            continue
        path, pending = [start], [iter(_outcomes(ws, start))]
        state[start] = 1
        while pending:
            step = next(pending[-1], None)
            if step is None:
                state[path.pop()] = 2
                pending.pop()
            elif state.get(step) == 1:
                loop = _rotated(path[path.index(step) :])
                found.setdefault(loop, _cycle_problem(ws, loop))
            elif step not in state:
                state[step] = 1
                path.append(step)
                pending.append(iter(_outcomes(ws, step)))
    return list(found.values())


def _outcomes(ws: Workspace, name: str) -> list[str]:
    return [o for o in dict.fromkeys(ws.metrics[name].drives) if o in ws.metrics]


def _rotated(members: list[str]) -> tuple[str, ...]:
    first = members.index(min(members))
    return (*members[first:], *members[:first])


def _cycle_problem(ws: Workspace, loop: tuple[str, ...]) -> Problem:
    first, then = loop[0], loop[1 % len(loop)]
    shown = " → ".join([*loop, first])
    message = f"drives cycle of {len(loop)}: {shown}; a metric cannot drive itself"
    at = ("drives", ws.metrics[first].drives.index(then))
    return ws.problem_at("CX362", metric_path(first), at, message)


# --- CX363, CX364: key results across the levels ---------------------------------------------


@dataclass(frozen=True)
class _Kr:
    node: align.Node
    index: int
    kr: KeyResult

    @property
    def short(self) -> str:
        return f"{self.node.team}/{self.node.objective.id}/{self.kr.id}"

    def problem(self, ws: Workspace, code: str, message: str) -> Problem:
        at = (*self.node.loc, "key_results", self.index, "metric")
        return ws.problem_at(code, self.node.path, at, message)


def _krs_by_metric(ws: Workspace) -> dict[str, list[_Kr]]:
    """The active key results on each metric, in file order."""
    found: dict[str, list[_Kr]] = {}
    for node in align.nodes(ws):
        if node.active:
            for index, kr in enumerate(node.objective.key_results):
                if kr.metric is not None and kr.state is ObjectiveStatus.ACTIVE:
                    found.setdefault(kr.metric, []).append(_Kr(node, index, kr))
    return found


def _overlap(ws: Workspace, one: _Kr, two: _Kr) -> bool:
    mine, theirs = ws.periods.get(one.node.period), ws.periods.get(two.node.period)
    return bool(mine and theirs and mine.start <= theirs.end and theirs.start <= mine.end)


def _upside_down(ws: Workspace, on: dict[str, list[_Kr]]) -> list[Problem]:
    """CX363: a key result on a driver at a higher level (a smaller number) than every key
    result on an outcome it drives, in an overlapping period."""
    found = []
    for name, krs in sorted(on.items()):
        for outcome in _outcomes(ws, name):
            for mine in krs:
                theirs = [k for k in on.get(outcome, ()) if _overlap(ws, mine, k)]
                top = min(theirs, key=lambda k: k.node.level, default=None)
                if top is not None and mine.node.level < top.node.level:
                    message = (
                        f"{mine.short} pursues {name} at level {mine.node.level}, above "
                        f"{outcome}, the outcome it drives (highest key result on it: "
                        f"{top.short}, level {top.node.level})"
                    )
                    found.append(mine.problem(ws, "CX363", message))
    return found


def _unmoved(ws: Workspace, on: dict[str, list[_Kr]]) -> list[Problem]:
    """CX364: a level-1 key result on an outcome none of whose drivers, however far down,
    a key result below level 1 works on in an overlapping period."""
    drivers = drivers_of(ws)
    found = []
    for name, krs in sorted(on.items()):
        below = _below(drivers, name)
        for mine in (k for k in krs if k.node.level == 1 and below):
            deeper = (k for d in below for k in on.get(d, ()) if k.node.level > 1)
            if not any(_overlap(ws, mine, k) for k in deeper):
                message = (
                    f"nobody works on what moves {name}: {mine.short} is at level 1 and no key "
                    f"result below level 1 in {mine.node.period} is on its drivers "
                    f"({', '.join(below)})"
                )
                found.append(mine.problem(ws, "CX364", message))
    return found


def _below(drivers: dict[str, tuple[str, ...]], outcome: str) -> list[str]:
    """Every driver of `outcome`, however far down, each once, nearest first."""
    seen: dict[str, None] = {}
    pending = list(drivers.get(outcome, ()))
    while pending:
        name = pending.pop(0)
        if name != outcome and name not in seen:
            seen[name] = None
            pending += drivers.get(name, ())
    return list(seen)
