"""Build the weekly report: one data structure every output format renders.

The report covers a period, every declared period enclosing it (a
quarter's report shows the year's company goals its team goals ladder up
to) and the periods inside it that have begun (a year's report shows the
quarters' work aligned to its goals); an objective's roll-up takes in the
work aligned to it from every begun period inside its own, listed or not
(`covered`, `counted`). Each objective is measured against its own period. All figures are
computed for the whole organization first (`rows`); filters (`--team`,
`--level`, `--owner`) only choose which rows are shown. Here the rows become
the report: the organization's figure, the teams', and what needs attention.
`weekly` is what `cxokr report` and `cxokr notify` show: the report with the key
results whose goalposts moved marked.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import replace
from datetime import date
from operator import itemgetter

from cxokr.compute import align
from cxokr.compute import progress as calc
from cxokr.compute.decisions import needing_decision
from cxokr.compute.filters import did_you_mean, known_owners, match_owner
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
    short_ref,
)
from cxokr.compute.rows import Rows
from cxokr.errors import UsageError
from cxokr.load.workspace import Workspace
from cxokr.model import KrType, ObjectiveStatus, Period

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
    "counted",
    "covered",
    "current_period",
    "enclosing",
    "mark_moved",
    "pick_period",
    "short_ref",
    "weekly",
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
            hint = did_you_mean(period_id, list(by_id))
            raise UsageError(f"no period {period_id!r}; declared: {', '.join(by_id)}{hint}")
        return by_id[period_id]
    found = current_period(ws.config.periods, as_of)
    if found is None:
        raise UsageError(f"no declared period contains {as_of}; pass --period")
    return found


def enclosing(ws: Workspace, period: Period) -> list[Period]:
    """The period itself, then the declared periods that contain it, widest last."""
    assert ws.config is not None
    around = [p for p in ws.config.periods if p.id != period.id and _inside(period, p)]
    return [period, *sorted(around, key=calc.period_days)]


def covered(ws: Workspace, period: Period, as_of: date) -> list[Period]:
    """The periods a report of `period` lists: the period and those enclosing it
    (`enclosing`), then the periods inside it that have begun by `as_of`, in date order.

    A year's report thus lists the quarters' work aligned to its goals."""
    return [*enclosing(ws, period), *_begun_inside(ws, [period], as_of)]


def counted(ws: Workspace, shown: list[Period], as_of: date) -> list[Period]:
    """The periods whose objectives a report listing `shown` computes: `shown`, then every
    period inside one of them that has begun by `as_of`.

    An objective's aligned roll-up and its support take in the work aligned to it from
    each of these, so a year goal has the same figure whichever period is asked for,
    even where the report does not list that work (a quarter's report lists the year's
    goals, not the other quarters' objectives)."""
    return [*shown, *_begun_inside(ws, shown, as_of)]


def _begun_inside(ws: Workspace, around: list[Period], as_of: date) -> list[Period]:
    """Declared periods not in `around`, inside one of them, begun by `as_of`, by date."""
    assert ws.config is not None
    ids = {p.id for p in around}
    found = [
        p
        for p in ws.config.periods
        if p.id not in ids and p.start <= as_of and any(_inside(p, a) for a in around)
    ]
    return sorted(found, key=lambda p: (p.start, p.end, p.id))


def _inside(inner: Period, outer: Period) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


# --- The report ---------------------------------------------------------------------------


def build(ws: Workspace, as_of: date, filters: Filters = Filters()) -> Report:
    """Compute the report for `as_of` (default period: the narrowest one containing it)."""
    period = pick_period(ws, filters.period, as_of)
    listed = covered(ws, period, as_of)
    builder = Rows(ws, counted(ws, listed, as_of), as_of)
    ids = {p.id for p in listed}
    rows = {ref: builder.row(ref) for ref, at in builder.objectives.items() if at.period in ids}
    level_one = [r for r in rows.values() if r.state is ObjectiveStatus.ACTIVE and r.level == 1]
    org = calc.roll_up((r.progress, r.weight) for r in level_one)
    roots = tuple(r.ref for r in rows.values() if r.level == 1)
    # As coverage and CX333 count it: an alignment made by a key result counts too.
    reachable = align.reaching_level_one(builder.graph) | set(roots)
    unaligned = tuple(ref for ref in rows if ref not in reachable)
    shown = _select(rows, filters, _owner_keys(ws, filters))
    if filters.applied() and all(shown.values()):  # nothing chosen, only context (or none)
        filters = replace(filters, empty=f"no objectives in {period.id}")
    objectives = _shown(rows, shown, filters.segment)
    # Deprioritised work (a dropped or postponed objective or key result) counts in nothing;
    # a key result and its shares count once.
    krs = _once(
        kr
        for o in objectives
        if not o.context and o.state is ObjectiveStatus.ACTIVE
        for kr in o.key_results
        if kr.state is ObjectiveStatus.ACTIVE
    )
    return Report(
        organization=ws.config.organization if ws.config else "",
        period=period,
        periods=tuple(p.id for p in listed),
        as_of=as_of,
        day=calc.day_of(period, as_of),
        days=calc.period_days(period),
        expected=builder.expected[period.id],
        progress=org,
        organization_expected=_expected(level_one),
        thresholds=builder.config.status,
        counts=_counts(krs),
        objectives=objectives,
        roots=tuple(r for r in roots if r in shown),
        unaligned=tuple(r for r in unaligned if r in shown),
        teams=_teams(ws, rows, period.id),
        attention=_attention(objectives),
        filters=filters,
        decisions=needing_decision(ws, builder.graph, {o.ref for o in objectives if not o.context}),
    )


def _counts(krs: list[KrRow]) -> dict[str, int]:
    """How many key results have each status."""
    counts = {s.value: 0 for s in Status}
    for kr in krs:
        counts[kr.status.value] += 1
    return counts


def _select(
    rows: dict[str, ObjectiveRow], filters: Filters, owners: frozenset[str]
) -> dict[str, bool]:
    """Which objectives to show (ref -> shown only as context), in file order."""
    chosen = {
        ref
        for ref, row in rows.items()
        if (filters.team is None or row.team == filters.team)
        and (filters.level is None or row.level <= filters.level)
        and (filters.owner is None or _owned(row, owners))
        and (filters.segment is None or _on_segment(row, filters.segment))
    }
    context: set[str] = set()
    if filters.team is not None or filters.owner is not None or filters.segment is not None:
        stack = [p for ref in chosen for p in rows[ref].parents]  # what they ladder up to
        while stack:
            ref = stack.pop()
            if ref not in chosen and ref not in context:
                context.add(ref)
                stack += rows[ref].parents
    return {ref: ref in context for ref in rows if ref in chosen or ref in context}


def _on_segment(row: ObjectiveRow, segment: str) -> bool:
    """Whether one of the objective's key results is on `segment` (`--segment`)."""
    return any(kr.segment == segment for kr in row.key_results)


def _shown(
    rows: dict[str, ObjectiveRow], shown: dict[str, bool], segment: str | None
) -> tuple[ObjectiveRow, ...]:
    """The objectives shown, in file order, context marked; with `--segment`, each chosen one
    with only its key results on that segment (its own figures stay its whole's)."""
    found = []
    for ref, context in shown.items():
        row = rows[ref]
        if context:
            row = _as_context(row)
        elif segment is not None:
            mine = tuple(kr for kr in row.key_results if kr.segment == segment)
            row = replace(row, key_results=mine)
        found.append(row)
    return tuple(found)


def _once(krs: Iterable[KrRow]) -> list[KrRow]:
    """`krs` with a key result and its shares (`shares`) once: the first of them listed."""
    seen: set[str] = set()
    found = []
    for kr in krs:
        key = kr.counted_as
        if key not in seen:
            seen.add(key)
            found.append(kr)
    return found


def _owner_keys(ws: Workspace, filters: Filters) -> frozenset[str]:
    """The owners `--owner` names, case-folded: as `filters.resolve` found them, else by the
    same rule (`match_owner`), every person it could name."""
    if filters.owner is None:
        return frozenset()
    found = filters.owners or match_owner(filters.owner, known_owners(ws))
    return frozenset(owner.casefold() for owner in found)


def _owned(row: ObjectiveRow, owners: frozenset[str]) -> bool:
    """Whether one of `owners` (case-folded) owns the objective or one of its key results
    (an `owner` may list several people)."""
    return any(o.casefold() in owners for o in row.owners) or any(
        o.casefold() in owners for kr in row.key_results for o in kr.owners
    )


def _as_context(row: ObjectiveRow) -> ObjectiveRow:
    return replace(row, context=True)


def _teams(ws: Workspace, rows: dict[str, ObjectiveRow], period_id: str) -> tuple[TeamRow, ...]:
    by_team: dict[str, list[ObjectiveRow]] = {}
    for row in rows.values():
        if row.state is ObjectiveStatus.ACTIVE:
            by_team.setdefault(row.team, []).append(row)
    found = []
    for name, team in sorted(ws.teams.items(), key=lambda kv: (kv[1].level, kv[0])):
        mine = by_team.get(name, [])
        own_period = [r for r in mine if r.period == period_id] or mine
        if not own_period:
            continue
        found.append(
            TeamRow(
                id=name,
                name=team.name,
                level=team.level,
                progress=calc.roll_up((r.progress, r.weight) for r in own_period),
                expected=_expected(own_period),
                objectives=len(own_period),
            )
        )
    return tuple(found)


def _expected(rows: list[ObjectiveRow]) -> float | None:
    """What the objectives' own periods expect by the date, weighted as their progress is
    rolled up: a headline over year goals is measured against the year, not the quarter."""
    return calc.roll_up((r.expected, r.weight) for r in rows)


def _attention(objectives: tuple[ObjectiveRow, ...]) -> tuple[Attention, ...]:
    """The concerns of the shown active objectives' key results: the most urgent kind first,
    then by team, objective and key result."""
    items: list[tuple[int, str, Attention]] = []
    shown = [r for r in objectives if not r.context and r.state is ObjectiveStatus.ACTIVE]
    # deprioritised on its own: nothing; a key result and its shares: once
    for kr in _once(k for r in shown for k in r.key_results if k.state is ObjectiveStatus.ACTIVE):
        for kind, detail in _concerns(kr):
            where = f"{kr.team}/{kr.objective}/{kr.id}"
            item = Attention(kr.ref, kind, kr.title, kr.owner, detail)
            items.append((ATTENTION_ORDER.index(kind), where, item))
    items.sort(key=itemgetter(0, 1))
    return tuple(item for _, _, item in items)


def _concerns(kr: KrRow) -> list[tuple[str, str]]:
    found = []
    if kr.breached:
        line = "above" if kr.type is KrType.STAY_BELOW else "below"
        found.append(("breached", f"{_num(kr.value)} is {line} the line of {_num(kr.target)}"))
    elif kr.status in (Status.OFF_TRACK, Status.AT_RISK):
        found.append((kr.status.value, _behind(kr)))
    if kr.regression:
        found.append(("regression", f"{_num(kr.value)} is behind the start of {_num(kr.start)}"))
    if kr.stale:
        days = kr.age_days
        found.append(
            ("stale", f"no update for {days} days" if days is not None else "never updated")
        )
    if kr.status is Status.NO_DATA:
        found.append(("no data", _no_progress(kr)))
    return found


def _no_progress(kr: KrRow) -> str:
    """Why a key result has no progress: no value yet, or no start or target to measure it
    against (an error `cxokr check` reports)."""
    if kr.value is None:
        return "no reading or check-in with a value this period"
    missing = "start" if kr.target is not None else "target"
    return f"value {_num(kr.value)}, but no {missing} to measure it against (see cxokr check)"


def _behind(kr: KrRow) -> str:
    """What puts a key result at risk or off track: its pace, or a milestone's confidence."""
    if kr.pace is not None:
        return f"pace {kr.pace:.2f}"
    return f"confidence {kr.confidence:g}" if kr.confidence is not None else ""


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


# --- The weekly view --------------------------------------------------------------------------


def weekly(
    ws: Workspace,
    as_of: date,
    filters: Filters,
    moved_goalposts: Callable[[], Collection[str]],
) -> Report:
    """The report `cxokr report` and `cxokr notify` show: `build`, with the key results whose
    start or target moved after their period began marked.

    Which moved is read from git history (`git.goalposts`), which the core does not
    read: `moved_goalposts` gives their refs, and is asked only once the report is
    built, so a period that does not exist is said before any history is read.
    """
    return mark_moved(build(ws, as_of, filters), moved_goalposts())


def mark_moved(report: Report, refs: Collection[str]) -> Report:
    """The report with `moved_goalposts` set on the key results of `refs`."""
    if not refs:
        return report
    objectives = tuple(
        replace(
            row,
            key_results=tuple(
                replace(kr, moved_goalposts=kr.ref in refs) for kr in row.key_results
            ),
        )
        for row in report.objectives
    )
    return replace(report, objectives=objectives)
