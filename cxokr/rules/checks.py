"""Cross-file rules. Each rule is a function `(Workspace) -> list[Problem]`, listed in `RULES`.

The models check one file at a time; these rules check what only the whole
workspace can tell: that references resolve, IDs are unique, check-ins fall in
their period, units agree with the catalog, and teams keep their focus.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from cxokr.compute import steps, values, wholes
from cxokr.compute.align import Loc, Node
from cxokr.load.kinds import METRIC
from cxokr.load.layout import CONFIG_FILE, metric_path, okr_path, team_path
from cxokr.load.workspace import Workspace
from cxokr.model import (
    KeyResult,
    KrType,
    as_list,
    parse_ref,
)
from cxokr.problems import Problem, Severity, did_you_mean
from cxokr.rules.alignment import check_alignment
from cxokr.rules.drivers import check_drivers
from cxokr.rules.forms import check_forms
from cxokr.rules.logs import check_checkins, check_readings
from cxokr.rules.lookups import (
    no_metric,
    no_period,
    no_team,
    objectives,
    periods,
    resolve,
    undeclared,
)
from cxokr.rules.sources import check_sources
from cxokr.rules.wholes import check_wholes

MAX_OBJECTIVES = 5
MAX_KEY_RESULTS = 5
# Types whose progress is their own: a milestone's 0 or 1, a checklist's items, a score.
NO_UNIT = (KrType.DONE, KrType.CHECKLIST, KrType.SCORE)


# --- cxokr.yaml ---------------------------------------------------------------------


def check_periods(ws: Workspace) -> list[Problem]:
    if ws.config is None:
        return []
    found = []
    counts = Counter(p.id for p in ws.config.periods)
    for index, period in enumerate(ws.config.periods):
        where = ("periods", index)
        if counts[period.id] > 1:
            found.append(
                ws.problem_at("CX304", CONFIG_FILE, where, f"period {period.id!r} declared twice")
            )
        if period.end < period.start:
            found.append(
                ws.problem_at(
                    "CX317",
                    CONFIG_FILE,
                    (*where, "end"),
                    f"period {period.id!r} ends ({period.end}) before it starts ({period.start})",
                )
            )
    return found


# --- teams and metrics ----------------------------------------------------------------


def check_teams(ws: Workspace) -> list[Problem]:
    found = []
    for name, team in sorted(ws.teams.items()):
        rel = team_path(name)
        if team.id is not None and team.id != name:
            found.append(
                ws.problem_at(
                    "CX305", rel, ("id",), f"id {team.id!r} differs from the file name {name!r}"
                )
            )
        if team.parent is None:
            continue
        parent = ws.teams.get(team.parent)
        if parent is None and not no_team(ws, team.parent):
            continue
        if parent is None:
            message = f"parent team {team.parent!r} not found{did_you_mean(team.parent, ws.teams)}"
            found.append(ws.problem_at("CX315", rel, ("parent",), message))
        elif _team_cycle(ws, name):
            found.append(
                ws.problem_at("CX315", rel, ("parent",), f"team {name!r} is its own ancestor")
            )
        elif team.level <= parent.level:
            found.append(
                ws.problem_at(
                    "CX316",
                    rel,
                    ("level",),
                    f"level {team.level} is not below parent {team.parent!r} (level {parent.level})",
                )
            )
    return found


def _team_cycle(ws: Workspace, start: str) -> bool:
    seen = {start}
    current = ws.teams[start].parent
    while current is not None and current in ws.teams:
        if current in seen:
            return current == start
        seen.add(current)
        current = ws.teams[current].parent
    return False


def check_metrics(ws: Workspace) -> list[Problem]:
    found = []
    for name, metric in sorted(ws.metrics.items()):
        rel = metric_path(name)
        if metric.id is not None and metric.id != name:
            found.append(
                ws.problem_at(
                    "CX305", rel, ("id",), f"id {metric.id!r} differs from the file name {name!r}"
                )
            )
        if metric.owner is not None and no_team(ws, metric.owner):
            message = f"owner team {metric.owner!r} not found{did_you_mean(metric.owner, ws.teams)}"
            found.append(ws.problem_at("CX301", rel, ("owner",), message))
        for segment, count in Counter(metric.segments).items():
            if count > 1:
                found.append(
                    ws.problem_at("CX304", rel, ("segments",), f"segment {segment!r} listed twice")
                )
    return found


# --- OKR files ---------------------------------------------------------------------------


def check_okr_files(ws: Workspace) -> list[Problem]:
    found = []
    for period, team in sorted(ws.okrs):
        rel = okr_path(period, team)
        if no_period(ws, period):
            found.append(ws.problem_at("CX306", rel, (), undeclared(ws, period)))
        if no_team(ws, team):
            message = f"team {team!r} has no {team_path(team)}{did_you_mean(team, ws.teams)}"
            found.append(ws.problem_at("CX301", rel, (), message))
        okr = ws.okrs[(period, team)]
        found += _duplicates(
            ws, rel, [(("objectives", i), o.id) for i, o in enumerate(okr.objectives)]
        )
        if len(okr.objectives) > MAX_OBJECTIVES:
            found.append(
                ws.problem_at(
                    "CX401",
                    rel,
                    ("objectives", MAX_OBJECTIVES),
                    f"{team} has {len(okr.objectives)} objectives in {period}; "
                    f"focus on at most {MAX_OBJECTIVES}",
                )
            )
    return found


def _duplicates(ws: Workspace, rel: str, ids: list[tuple[Loc, str]]) -> list[Problem]:
    counts = Counter(i for _, i in ids)
    return [
        ws.problem_at("CX304", rel, (*loc, "id"), f"ID {ident!r} is used more than once here")
        for loc, ident in ids
        if counts[ident] > 1
    ]


def check_objectives(ws: Workspace) -> list[Problem]:
    found = []
    supported = _aligned_targets(ws)
    for at in objectives(ws):
        objective = at.objective
        loc = at.loc
        krs = objective.key_results
        found += _duplicates(
            ws, at.path, [((*loc, "key_results", i), kr.id) for i, kr in enumerate(krs)]
        )
        found += _weight(ws, at.path, loc, objective.weight)
        found += _refs(ws, at.path, loc, at.period, objective.aligns_to)
        if len(krs) > MAX_KEY_RESULTS:
            found.append(
                ws.problem_at(
                    "CX402",
                    at.path,
                    (*loc, "key_results", MAX_KEY_RESULTS),
                    f"{objective.id} has {len(krs)} key results; focus on at most {MAX_KEY_RESULTS}",
                )
            )
        if not krs and (at.period, at.team, objective.id) not in supported:
            found.append(
                ws.problem_at(
                    "CX403",
                    at.path,
                    (*loc, "id"),
                    f"{objective.id} has no key results and nothing aligns to it, "
                    "so its progress cannot be measured",
                )
            )
    return found


def _aligned_targets(ws: Workspace) -> set[tuple[str, str, str]]:
    """(period, team, objective) of every objective that something aligns to."""
    targets = set()
    for at in objectives(ws):
        refs = as_list(at.objective.aligns_to)
        for kr in at.objective.key_results:
            refs += as_list(kr.aligns_to)
        for text in refs:
            ref = parse_ref(text, at.period)
            targets.add((ref.period, ref.team, ref.objective))
    return targets


def _weight(ws: Workspace, rel: str, loc: Loc, weight: float) -> list[Problem]:
    if weight > 0:
        return []
    return [ws.problem_at("CX314", rel, (*loc, "weight"), f"weight {weight:g} must be above 0")]


def _refs(
    ws: Workspace, rel: str, loc: Loc, period: str, refs: str | list[str] | None
) -> list[Problem]:
    found = []
    many = isinstance(refs, list)
    for index, text in enumerate(as_list(refs)):
        reason = resolve(ws, parse_ref(text, period))
        if reason:
            code, message = reason.split(" ", 1)
            where = (*loc, "aligns_to", index) if many else (*loc, "aligns_to")
            found.append(ws.problem_at(code, rel, where, f"aligns_to {text}: {message}"))
    return found


def check_key_results(ws: Workspace) -> list[Problem]:
    found = []
    for at in objectives(ws):
        for index, kr in enumerate(at.objective.key_results):
            loc = (*at.loc, "key_results", index)
            found += _kr_metric(ws, at.path, loc, kr)
            found += _kr_type(ws, at, loc, kr)
            found += _weight(ws, at.path, loc, kr.weight)
            found += _refs(ws, at.path, loc, at.period, kr.aligns_to)
    return found


def _kr_metric(ws: Workspace, rel: str, loc: Loc, kr: KeyResult) -> list[Problem]:
    if kr.metric is None:
        if kr.unit is None and kr.type not in NO_UNIT and kr.shares is None:
            return [
                ws.problem_at(
                    "CX312", rel, (*loc, "id"), f"{kr.id} needs a metric, or a unit of its own"
                )
            ]
        if kr.segment is not None:
            return [ws.problem_at("CX310", rel, (*loc, "segment"), "a segment needs a metric")]
        return []
    metric = ws.metrics.get(kr.metric)
    if metric is None and not no_metric(ws, kr.metric):
        return []
    if metric is None:
        message = f"metric {kr.metric!r} is not in {METRIC.folder}/"
        message += did_you_mean(kr.metric, ws.metrics)
        return [ws.problem_at("CX302", rel, (*loc, "metric"), message)]
    found = []
    if kr.unit is not None and kr.unit != metric.unit:
        found.append(
            ws.problem_at(
                "CX311",
                rel,
                (*loc, "unit"),
                f"unit {kr.unit!r} conflicts with {kr.metric}'s unit {metric.unit!r}",
            )
        )
    if kr.segment is not None and kr.segment not in metric.segments:
        declared = ", ".join(metric.segments) or "none"
        found.append(
            ws.problem_at(
                "CX310",
                rel,
                (*loc, "segment"),
                f"segment {kr.segment!r} is not declared by {kr.metric} (declared: {declared})"
                + did_you_mean(kr.segment, metric.segments),
            )
        )
    return found


def _kr_type(ws: Workspace, at: Node, loc: Loc, kr: KeyResult) -> list[Problem]:
    rel = at.path
    if kr.shares is not None or kr.type in (KrType.CHECKLIST, KrType.SCORE):
        return []  # what these take is judged in `forms`
    if kr.type is KrType.DONE:
        if kr.target not in (None, 1) or kr.start not in (None, 0):
            return [
                ws.problem_at("CX318", rel, (*loc, "type"), "a done key result goes from 0 to 1")
            ]
        return []
    if kr.target is None and kr.change is None:
        return [
            ws.problem_at("CX318", rel, (*loc, "id"), f"{kr.id} ({kr.type.value}) needs a target")
        ]
    if kr.type is not KrType.TARGET:
        return []
    if kr.start is not None:
        start = kr.start if isinstance(kr.start, float | int) else None
        target = steps.target(kr, start)
        if start is not None and start == target:
            return [
                ws.problem_at(
                    "CX313",
                    rel,
                    (*loc, "start"),
                    f"start and target are both {start:g}; nothing to move",
                )
            ]
        return []
    if kr.metric is None:
        return [
            ws.problem_at(
                "CX318", rel, (*loc, "id"), f"{kr.id} needs a start (it has no metric to read one)"
            )
        ]
    period = periods(ws).get(at.period)
    if period is None or kr.metric not in ws.metrics:
        return []
    return _start_from_readings(ws, at, loc, kr, period.start)


def _start_from_readings(
    ws: Workspace, at: Node, loc: Loc, kr: KeyResult, day: date
) -> list[Problem]:
    """A target without a start runs from its metric's newest reading before its period
    (as the report reads it): there must be one, and it must differ from the target."""
    mine = wholes.readings_of(ws, kr.metric or "", kr.segment)
    before = values.DailyReadings(mine).last_before(day)
    if before is None:
        message = f"{kr.id} has no start and {kr.metric} has no reading before {day}"
        return [ws.problem_at("CX319", at.path, (*loc, "id"), message)]
    if before.value == steps.target(kr, before.value):
        message = (
            f"{kr.id} has no start and {kr.metric}'s newest reading before {day} "
            f"({before.date}) is {before.value:g}, its target; nothing to move"
        )
        return [ws.problem_at("CX321", at.path, (*loc, "id"), message)]
    return []


Rule = Callable[[Workspace], list[Problem]]

RULES: tuple[Rule, ...] = (
    check_periods,
    check_teams,
    check_metrics,
    check_okr_files,
    check_objectives,
    check_key_results,
    check_forms,
    check_checkins,
    check_readings,
    check_alignment,
    check_sources,
    check_drivers,
    check_wholes,
)


def check(ws: Workspace, rules: tuple[Rule, ...] = RULES) -> tuple[Problem, ...]:
    """Every problem of the workspace: those found while loading, then each rule's, sorted."""
    found = list(ws.problems)
    for rule in rules:
        found += rule(ws)
    return tuple(sorted(set(found)))


@dataclass(frozen=True)
class CheckResult:
    """What `cxokr check` found, with counts of what it looked at."""

    problems: tuple[Problem, ...]
    teams: int
    metrics: int
    objectives: int
    key_results: int
    entries: int

    def failed(self, strict: bool = False) -> bool:
        return any(p.severity is Severity.ERROR or strict for p in self.problems)


def check_workspace(ws: Workspace) -> CheckResult:
    """Run every rule over a loaded workspace."""
    all_objectives = [at.objective for at in objectives(ws)]
    return CheckResult(
        problems=check(ws),
        teams=len(ws.teams),
        metrics=len(ws.metrics),
        objectives=len(all_objectives),
        key_results=sum(len(o.key_results) for o in all_objectives),
        entries=sum(len(log.entries) for log in ws.checkins.values())
        + sum(len(log.entries) for log in ws.readings.values()),
    )
