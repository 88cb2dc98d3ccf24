"""Build the weekly report: one data structure every output format renders.

The report covers a period and every declared period enclosing it (a
quarter's report shows the year's company goals its team goals ladder up
to). Each objective is measured against its own period. All figures are
computed for the whole organization first; filters (`--team`, `--level`,
`--owner`) only choose which rows are shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from cxokr.compute import align, values
from cxokr.compute import progress as calc
from cxokr.compute.progress import Status
from cxokr.compute.report_data import (
    ATTENTION_ORDER,
    REPORT_VERSION,
    Attention,
    Filters,
    KrRow,
    ObjectiveRow,
    Report,
    TeamRow,
    Term,
)
from cxokr.errors import UsageError
from cxokr.load.workspace import Workspace
from cxokr.model import (
    CheckinEntry,
    KeyResult,
    KrType,
    Objective,
    ObjectiveStatus,
    Period,
    ProgressFrom,
)

__all__ = [
    "REPORT_VERSION",
    "Attention",
    "Filters",
    "KrRow",
    "ObjectiveRow",
    "Report",
    "TeamRow",
    "Term",
    "build",
    "current_period",
    "enclosing",
    "pick_period",
]


# --- Choosing the period -------------------------------------------------------------------


def current_period(periods: Iterable[Period], day: date) -> Period | None:
    """The narrowest period containing `day`."""
    containing = [p for p in periods if calc.contains(p, day)]
    return min(containing, key=calc.period_days, default=None)


def pick_period(ws: Workspace, period_id: str | None, as_of: date) -> Period:
    if ws.config is None:
        raise UsageError("cxokr.yaml could not be read; run 'cxokr check'")
    by_id = {p.id: p for p in ws.config.periods}
    if period_id is not None:
        if period_id not in by_id:
            raise UsageError(f"no period {period_id!r}; declared: {', '.join(by_id)}")
        return by_id[period_id]
    found = current_period(ws.config.periods, as_of)
    if found is None:
        raise UsageError(f"no declared period contains {as_of}; pass --period")
    return found


def enclosing(ws: Workspace, period: Period) -> list[Period]:
    """The period itself, then the declared periods that contain it, widest last."""
    assert ws.config is not None
    around = [
        p
        for p in ws.config.periods
        if p.id != period.id and p.start <= period.start and period.end <= p.end
    ]
    return [period, *sorted(around, key=calc.period_days)]


# --- Key results ---------------------------------------------------------------------------


class _Builder:
    def __init__(self, ws: Workspace, period: Period, as_of: date) -> None:
        assert ws.config is not None
        self.ws = ws
        self.config = ws.config
        self.as_of = as_of
        self.periods = {p.id: p for p in enclosing(ws, period)}
        self.expected = {pid: calc.expected(p, as_of) for pid, p in self.periods.items()}
        self.graph = align.build(ws, self.periods)
        self.objectives = {
            ref: (node.period, node.team, node.objective) for ref, node in self.graph.nodes.items()
        }
        # The tree and the aligned roll-up follow objectives that align as a whole;
        # a key result that aligns counts as a term of its own (below).
        self.children: dict[str, list[str]] = {ref: [] for ref in self.objectives}
        self.parents: dict[str, list[str]] = {ref: [] for ref in self.objectives}
        for edge in self.graph.edges:
            if edge.kr is None and edge.child not in self.children[edge.parent]:
                self.children[edge.parent].append(edge.child)
                self.parents[edge.child].append(edge.parent)
        # Key results aligned to an objective of another: they count in its roll-up.
        self.kr_children: dict[str, list[tuple[str, KeyResult]]] = {r: [] for r in self.objectives}
        for edge in self.graph.edges:
            node = self.graph.nodes[edge.child]
            if edge.kr is None or edge.parent == edge.child or not node.active:
                continue  # dropped and postponed objectives leave every roll-up
            kr = next(k for k in node.objective.key_results if k.id == edge.kr)
            pair = (f"{edge.child}/{kr.id}", kr)
            if pair not in self.kr_children[edge.parent]:
                self.kr_children[edge.parent].append(pair)
        self._kr_rows: dict[str, KrRow] = {}
        self._rows: dict[str, ObjectiveRow] = {}
        self._checkins: dict[tuple[str, str], dict[str, list[CheckinEntry]]] = {}
        self._readings: dict[tuple[str, str | None], values.DailyReadings] = {}

    def _counted_children(self, ref: str) -> list[str]:
        """Direct children, less those also below another child: each counts once."""
        children = self.children[ref]
        grandchildren = (g for child in children for g in self.children[child])
        below = align.reach(grandchildren, self.children.__getitem__)
        return [c for c in children if c not in below]

    def level(self, team: str) -> int:
        found = self.ws.teams.get(team)
        return found.level if found else 4

    def checkins(self, pid: str, team: str, objective: str, kr: str) -> list[CheckinEntry]:
        key = (pid, team)
        if key not in self._checkins:
            log = self.ws.checkins.get(key)
            grouped: dict[str, list[CheckinEntry]] = {}
            for entry in log.entries if log else ():
                if entry.date <= self.as_of:
                    grouped.setdefault(entry.kr, []).append(entry)
            self._checkins[key] = grouped
        return self._checkins[key].get(f"{objective}/{kr}", [])

    def readings(self, metric: str, segment: str | None) -> values.DailyReadings:
        key = (metric, segment)
        if key not in self._readings:
            log = self.ws.readings.get(metric)
            mine = [r for r in log.entries if r.segment == segment] if log else []
            self._readings[key] = values.DailyReadings(mine)
        return self._readings[key]

    def kr_row(self, pid: str, team: str, objective: Objective, kr: KeyResult) -> KrRow:
        ref = f"{pid}:{team}/{objective.id}/{kr.id}"
        if ref in self._kr_rows:
            return self._kr_rows[ref]
        period = self.periods[pid]
        metric = self.ws.metrics.get(kr.metric) if kr.metric else None
        readings = self.readings(kr.metric, kr.segment) if kr.metric else values.DailyReadings([])
        checkins = self.checkins(pid, team, objective.id, kr.id)
        in_period = min(self.as_of, period.end)
        points = values.series(readings, period, in_period, checkins)
        start, start_source = kr.start, "file"
        if kr.type is KrType.DONE:
            start, start_source = (kr.start if kr.start is not None else 0.0), "file"
        elif start is None and kr.type is KrType.TARGET:
            before = readings.last_before(period.start)
            start = before.value if before else None
            start_source = "reading" if start is not None else "none"
        target = kr.target if kr.type is not KrType.DONE else (kr.target or 1.0)
        latest = points.latest()
        value = latest.value if latest else None
        raw = calc.progress(kr.type, value, start, target)
        expected = self.expected[pid]
        guardrail = kr.type in (KrType.STAY_ABOVE, KrType.STAY_BELOW)
        status = calc.status(raw, expected, self.config.status, guardrail)
        lo, hi = points.span
        updates = [c.date for c in checkins if period.start <= c.date <= in_period]
        last = max([*updates, *readings.dates[max(lo, hi - 1) : hi]], default=None)
        ended = self.as_of >= period.end
        confidences = [
            c for c in checkins if c.confidence is not None and period.start <= c.date <= in_period
        ]
        row = KrRow(
            ref=ref,
            period=pid,
            team=team,
            objective=objective.id,
            id=kr.id,
            title=kr.title,
            owner=kr.owner or objective.owner,
            type=str(kr.type),  # StrEnum: str() is the value, without Enum's slower lookup
            metric=kr.metric,
            segment=kr.segment,
            unit=kr.unit or (metric.unit if metric else None),
            direction=str(metric.direction) if metric else None,
            weight=kr.weight,
            start=start,
            start_source=start_source,
            target=target,
            value=value,
            value_date=latest.date if latest else None,
            value_source=latest.source if latest else None,
            progress=raw,
            expected=expected,
            pace=None if guardrail else calc.pace(raw, expected),
            status=status,
            confidence=confidences[-1].confidence if confidences else None,
            last_update=last,
            age_days=(self.as_of - last).days if last else None,
            stale=calc.is_stale(last, period, self.as_of, self.config.stale_after_days),
            regression=raw is not None and raw < 0 and kr.type is KrType.TARGET,
            overachieved=raw is not None and raw > 1 and kr.type is KrType.TARGET,
            breached=guardrail and raw == 0.0,
            grade=calc.clamp(raw) if ended and raw is not None else None,
            band=calc.band(calc.clamp(raw)).value if ended and raw is not None else None,
            series=points,
        )
        self._kr_rows[ref] = row
        return row

    def row(self, ref: str, visiting: frozenset[str] = frozenset()) -> ObjectiveRow:
        if ref in self._rows:
            return self._rows[ref]
        pid, team, objective = self.objectives[ref]
        krs = tuple(self.kr_row(pid, team, objective, kr) for kr in objective.key_results)
        mode = objective.progress or (
            ProgressFrom.KEY_RESULTS if objective.key_results else ProgressFrom.ALIGNED
        )
        terms: list[Term] = []
        if mode in (ProgressFrom.KEY_RESULTS, ProgressFrom.BOTH):
            terms += [Term(kr.ref, calc.clamped(kr.progress), kr.weight) for kr in krs]
        if mode in (ProgressFrom.ALIGNED, ProgressFrom.BOTH):
            for child in self._counted_children(ref):
                if child in visiting:
                    continue  # an alignment cycle; `cxokr check` reports it
                child_row = self.row(child, visiting | {ref})
                if child_row.state == ObjectiveStatus.ACTIVE.value:
                    terms.append(Term(child, calc.clamped(child_row.progress), child_row.weight))
            for kr_ref, kr in self.kr_children[ref]:
                kpid, kteam, kobj = self.objectives[kr_ref.rsplit("/", 1)[0]]
                kr_row = self.kr_row(kpid, kteam, kobj, kr)
                terms.append(Term(kr_row.ref, calc.clamped(kr_row.progress), kr_row.weight))
        value = _roll_up(terms)
        period = self.periods[pid]
        expected = self.expected[pid]
        ended = self.as_of >= period.end
        result = ObjectiveRow(
            ref=ref,
            period=pid,
            team=team,
            level=self.level(team),
            id=objective.id,
            title=objective.title,
            owner=objective.owner,
            state=objective.status.value,
            weight=objective.weight,
            progress_from=mode.value,
            progress=value,
            expected=expected,
            pace=calc.pace(value, expected),
            status=calc.status(value, expected, self.config.status),
            grade=value if ended and value is not None else None,
            band=calc.band(value).value if ended and value is not None else None,
            team_grade=objective.grade,
            terms=tuple(terms),
            parents=tuple(self.parents[ref]),
            children=tuple(self.children[ref]),
            key_results=krs,
        )
        self._rows[ref] = result
        return result


def _roll_up(terms: list[Term]) -> float | None:
    return calc.roll_up((t.progress, t.weight) for t in terms)


# --- The report ---------------------------------------------------------------------------


def build(ws: Workspace, as_of: date, filters: Filters = Filters()) -> Report:
    """Compute the report for `as_of` (default period: the narrowest one containing it)."""
    period = pick_period(ws, filters.period, as_of)
    builder = _Builder(ws, period, as_of)
    rows = {ref: builder.row(ref) for ref in builder.objectives}
    active = [r for r in rows.values() if r.state == ObjectiveStatus.ACTIVE.value]
    level_one = [r for r in active if r.level == 1]
    org = _roll_up([Term(r.ref, r.progress, r.weight) for r in level_one])
    roots = tuple(r.ref for r in rows.values() if r.level == 1)
    # As coverage and CX333 count it: an alignment made by a key result counts too.
    reachable = align.reaching_level_one(builder.graph) | set(roots)
    unaligned = tuple(ref for ref in rows if ref not in reachable)
    shown = _select(rows, builder, filters)
    objectives = tuple(
        _as_context(rows[ref]) if context else rows[ref] for ref, context in shown.items()
    )
    krs = [kr for o in objectives if not o.context for kr in o.key_results]
    counts = {s.value: 0 for s in Status}
    for kr in krs:
        counts[kr.status.value] += 1
    return Report(
        organization=ws.config.organization if ws.config else "",
        period=period,
        periods=tuple(builder.periods),
        as_of=as_of,
        day=calc.day_of(period, as_of),
        days=calc.period_days(period),
        expected=builder.expected[period.id],
        progress=org,
        thresholds=builder.config.status,
        counts=counts,
        objectives=objectives,
        roots=tuple(r for r in roots if r in shown),
        unaligned=tuple(r for r in unaligned if r in shown),
        teams=_teams(ws, rows, period.id),
        attention=_attention(objectives),
        filters=filters,
    )


def _select(rows: dict[str, ObjectiveRow], builder: _Builder, filters: Filters) -> dict[str, bool]:
    """Which objectives to show (ref -> shown only as context), in file order."""
    chosen = {
        ref
        for ref, row in rows.items()
        if (filters.team is None or row.team == filters.team)
        and (filters.level is None or row.level <= filters.level)
        and (filters.owner is None or _owned(row, filters.owner))
    }
    context: set[str] = set()
    if filters.team is not None or filters.owner is not None:
        stack = [p for ref in chosen for p in rows[ref].parents]
        while stack:
            ref = stack.pop()
            if ref not in chosen and ref not in context:
                context.add(ref)
                stack += rows[ref].parents
    return {ref: ref in context for ref in rows if ref in chosen or ref in context}


def _owned(row: ObjectiveRow, owner: str) -> bool:
    return row.owner == owner or any(kr.owner == owner for kr in row.key_results)


def _as_context(row: ObjectiveRow) -> ObjectiveRow:
    return replace(row, context=True)


def _teams(ws: Workspace, rows: dict[str, ObjectiveRow], period_id: str) -> tuple[TeamRow, ...]:
    by_team: dict[str, list[ObjectiveRow]] = {}
    for row in rows.values():
        if row.state == ObjectiveStatus.ACTIVE.value:
            by_team.setdefault(row.team, []).append(row)
    found = []
    for name, team in sorted(ws.teams.items(), key=lambda kv: (kv[1].level, kv[0])):
        mine = by_team.get(name, [])
        own_period = [r for r in mine if r.period == period_id] or mine
        if not own_period:
            continue
        value = _roll_up([Term(r.ref, r.progress, r.weight) for r in own_period])
        found.append(TeamRow(name, team.name, team.level, value, len(own_period)))
    return tuple(found)


def _attention(objectives: tuple[ObjectiveRow, ...]) -> tuple[Attention, ...]:
    items = []
    for row in objectives:
        if row.context or row.state != ObjectiveStatus.ACTIVE.value:
            continue
        for kr in row.key_results:
            for kind, detail in _concerns(kr):
                items.append(Attention(kr.ref, kind, kr.title, kr.owner, detail))
    items.sort(key=lambda a: (ATTENTION_ORDER.index(a.kind), a.ref.split(":", 1)[1]))
    return tuple(items)


def _concerns(kr: KrRow) -> list[tuple[str, str]]:
    found = []
    if kr.breached:
        line = "above" if kr.type == KrType.STAY_BELOW.value else "below"
        found.append(("breached", f"{_num(kr.value)} is {line} the line of {_num(kr.target)}"))
    elif kr.status in (Status.OFF_TRACK, Status.AT_RISK):
        found.append((kr.status.value, f"pace {kr.pace:.2f}" if kr.pace is not None else ""))
    if kr.regression:
        found.append(("regression", f"{_num(kr.value)} is behind the start of {_num(kr.start)}"))
    if kr.stale:
        age = f"{kr.age_days} days" if kr.age_days is not None else "ever"
        found.append(("stale", f"no update for {age}"))
    if kr.status is Status.NO_DATA:
        found.append(("no data", "no reading or check-in with a value this period"))
    return found


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"
