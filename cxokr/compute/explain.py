"""`cxokr explain REF`: the arithmetic behind every number of a key result, objective, team
or the organization's headline (`organization`).

It reads the same report data the other views render, so an explanation
never disagrees with the report: `PERIOD:REF` (or `--period`) builds the
report of that period, which takes in the work aligned from the begun periods
inside it as every report does. A prefixed ref names the objective of that
period only; a bare one, the objective of the report's period, or else the
only objective of that name among the periods the report lists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date

from cxokr.compute import align
from cxokr.compute import explain_forms as forms
from cxokr.compute import progress as calc
from cxokr.compute.explain_figures import as_shown, band_rule, deciding
from cxokr.compute.explain_figures import fmt as _f
from cxokr.compute.explain_values import outlook, same_day
from cxokr.compute.progress import Status
from cxokr.compute.report import Filters, KrRow, ObjectiveRow, Report, TeamRow, Term, build
from cxokr.compute.report import counted as counted_periods
from cxokr.compute.report_data import term_grade
from cxokr.errors import UsageError
from cxokr.load.workspace import Workspace
from cxokr.model import (
    KrType,
    Objective,
    ObjectiveStatus,
    Period,
    ProgressFrom,
    Thresholds,
    parse_ref,
)


def explain(ws: Workspace, ref: str, as_of: date, period: str | None = None) -> Iterator[str]:
    """Lines explaining `ref` ([period:]team[/objective[/kr]]) as of a date."""
    named = None
    if ":" in ref:
        named, ref = ref.split(":", 1)
        period = named
    report = build(ws, as_of, Filters(period=period))
    path = ref.strip("/")
    if path == ORGANIZATION and not any(t.id == path for t in report.teams):
        yield from _organization(report)
        return
    if "/" not in path:
        yield from _team(report, _find_team(report, path))
        return
    # In the report's period, so that all that is left of `ref` reads as team/objective[/kr].
    parts = parse_ref(f"{report.period.id}:{path}", report.period.id)
    objective = _find_objective(report, parts.team, parts.objective, named)
    if parts.kr is None:
        yield from _objective(report, objective, ws.periods[objective.period])
        for child, why in [*kr_left_out(ws, report, objective), *left_out(ws, report, objective)]:
            yield f"  left out  {child}: {why}"
        return
    kr = next((k for k in objective.key_results if k.id == parts.kr), None)
    if kr is None or path.count("/") > 2:
        raise UsageError(f"{objective.ref} has no key result {parts.kr!r}")
    yield from _key_result(ws, report, kr, ws.periods[kr.period])


ORGANIZATION = "organization"  # the headline's ref, unless a team has that ID


def left_out(ws: Workspace, report: Report, row: ObjectiveRow) -> list[tuple[str, str]]:
    """The objectives aligned to `row` that its aligned roll-up leaves out, each with why: a
    dropped or postponed one leaves every roll-up, and one that another term's roll-up
    reaches counts once, through that term (`rows`, which decided it, keeps no reasons)."""
    counted = {t.ref for t in row.terms}
    missing = [c for c in row.children if c not in counted]
    if row.progress_from is ProgressFrom.KEY_RESULTS or not missing:
        return []
    listed = [ws.periods[pid] for pid in report.periods]
    graph = align.build(ws, [p.id for p in counted_periods(ws, listed, report.as_of)])
    children: dict[str, list[str]] = {}
    for edge in graph.edges:
        below = children.setdefault(edge.parent, [])
        if edge.kr is None and edge.child not in below:
            below.append(edge.child)

    def carried(ref: str) -> list[str]:
        node = graph.nodes[ref]
        return children.get(ref, []) if node.active and _rolls_up_aligned(node.objective) else []

    def reached(ref: str) -> set[str]:
        return align.reach(carried(ref), carried) if ref in graph.nodes else set()

    found = []
    for child in missing:
        node = graph.nodes[child]
        if not node.active:
            found.append(
                (child, f"{node.objective.status}, deprioritised work leaves every roll-up")
            )
            continue
        found.append((child, _why_not_counted(child, row.terms, reached)))
    return found


def kr_left_out(ws: Workspace, report: Report, row: ObjectiveRow) -> list[tuple[str, str]]:
    """The key results of `row` its roll-up leaves out, each with why: one dropped or
    postponed alone, or one counted once with a share (`shares`) of it or of what it shares."""
    if row.progress_from is ProgressFrom.ALIGNED:
        return []
    krs = {kr.ref: kr for o in report.objectives for kr in o.key_results}
    counted = {krs[t.ref].counted_as: t.ref for t in row.terms if t.ref in krs}
    found = []
    for kr in row.key_results:
        if kr.ref in counted.values():
            continue
        model = forms.model_of(ws, kr)
        if model is not None and model.state is not ObjectiveStatus.ACTIVE:
            reason = f" ({model.reason})" if model.reason else ""
            why = f"{model.state} alone{reason}, deprioritised work leaves every roll-up"
        elif kr.counted_as in counted:
            what = f"a share of {kr.shares}" if kr.shares else "a key result shared"
            why = f"{what}, counted once, through {counted[kr.counted_as]}"
        elif kr.shares:
            why = (
                f"a share of {kr.shares}, counted once, within its own objective, which the "
                "aligned roll-up reaches"
            )
        else:
            continue
        found.append((kr.ref, why))
    return found


def _why_not_counted(
    child: str, terms: tuple[Term, ...], reached: Callable[[str], set[str]]
) -> str:
    """Why an active child is not a term of its parent's roll-up: a term rolls it up, or
    earlier terms roll up all it would (paths that meet again), or an alignment cycle."""
    through = next((t.ref for t in terms if child in reached(t.ref)), None)
    if through:
        return f"counted once, through {through}"
    below = reached(child)
    shared = next((t.ref for t in terms if below and below & reached(t.ref)), None)
    if shared:
        return f"all it rolls up is counted once, through {shared}"
    return "an alignment cycle (cxokr check)"


def _rolls_up_aligned(objective: Objective) -> bool:
    mode = objective.progress or (
        ProgressFrom.KEY_RESULTS if objective.key_results else ProgressFrom.ALIGNED
    )
    return mode is not ProgressFrom.KEY_RESULTS


def _ago(days: int | None) -> str:
    return "today" if days == 0 else f"{days} day{'' if days == 1 else 's'} ago"


def _find_team(report: Report, team: str) -> TeamRow:
    found = next((t for t in report.teams if t.id == team), None)
    if found is None:
        raise UsageError(f"no team {team!r} with objectives in {report.period.id}")
    return found


def _find_objective(report: Report, team: str, objective: str, named: str | None) -> ObjectiveRow:
    """The objective `team/objective` of period `named`; without one, of the report's period,
    or else the only one of that name among the periods the report lists."""
    found = [r for r in report.objectives if r.team == team and r.id == objective]
    if named is not None or any(r.period == report.period.id for r in found):
        found = [r for r in found if r.period == report.period.id]
    if len(found) == 1:
        return found[0]
    path = f"{team}/{objective}"
    if found:
        raise UsageError(
            f"{path} is in {', '.join(r.period for r in found)}; name one as PERIOD:{path}"
        )
    where = named or ", ".join(report.periods)
    raise UsageError(
        f"no objective {path} in {where}; name another period as PERIOD:team/objective"
    )


def _expected(report: Report, period: Period, expected: float) -> str:
    return forms.elapsed(report.as_of, period, expected)


def _status_rule(
    report: Report, status: Status, pace: float | None, guardrail: bool = False
) -> str:
    limits = report.thresholds
    if status is Status.NO_DATA:
        return "no data: no value yet this period"
    if guardrail:
        return f"{status.value}: a guardrail is on track while it holds"
    if status is Status.DONE:
        return "done: progress ≥ 1"
    if pace is None:
        if status is Status.OFF_TRACK:
            return "off track: nothing is expected yet (no pace), but progress is below 0"
        return "on track: nothing is expected yet (no pace), and progress is not below 0"
    shown = _pace_as_shown(pace, limits)
    if status is Status.ON_TRACK:
        return f"on track: pace {shown} ≥ on_track {_f(limits.on_track)}"
    if status is Status.AT_RISK:
        return (
            f"at risk: at_risk {_f(limits.at_risk)} ≤ pace {shown} < on_track {_f(limits.on_track)}"
        )
    return f"off track: pace {shown} < at_risk {_f(limits.at_risk)}"


def _pace_as_shown(pace: float | None, limits: Thresholds) -> str:
    """The pace, with its two decimals where those, not the digits shown here, decide."""
    return as_shown(pace, (limits.on_track, limits.at_risk))


def _short_of_done(progress: float | None, status: Status) -> Iterator[str]:
    """Progress that reads 1 to four decimals without being done: the digits that decide."""
    if status in (Status.DONE, Status.NO_DATA) or progress is None or progress >= 1:
        return
    if float(_f(progress)) >= 1:
        yield f"            progress {deciding(progress, (1.0,))} < 1: not done"


def _key_result(ws: Workspace, report: Report, kr: KrRow, period: Period) -> Iterator[str]:
    yield f"{kr.ref}  {kr.title}"
    model = forms.model_of(ws, kr)
    objective = _objective_state(report, kr)
    if kr.shares is not None:
        yield from _share(ws, report, kr, objective)
        return
    yield from forms.about(kr, model, objective)
    yield from forms.measured(ws, kr, model, report.as_of, period)
    yield from same_day(ws, kr)
    yield from forms.items(ws, kr, report.as_of, period)
    yield from forms.progress(kr)
    yield from forms.expected(kr, report.as_of, period)
    if kr.pace is not None:
        yield f"  pace      progress / expected = {_f(kr.progress)} / {_f(kr.expected)} = {_f(kr.pace)}"
    guardrail = kr.type in calc.GUARDRAILS
    rule = (
        _milestone_rule(kr, period)
        if kr.type is KrType.DONE
        else _status_rule(report, kr.status, kr.pace, guardrail)
    )
    yield f"  status    {rule}"
    yield from _short_of_done(kr.progress, kr.status)
    yield f"  confidence {_f(kr.confidence)} (owner's latest check-in)"
    yield from forms.note(kr)
    if kr.last_update is None:
        yield "  updated   never this period"
    else:
        stale = "stale" if kr.stale else "fresh"
        yield f"  updated   {kr.last_update} ({_ago(kr.age_days)}): {stale}"
    yield from outlook(kr, period)


def _objective_state(report: Report, kr: KrRow) -> ObjectiveStatus:
    """The state of the key result's objective (a key result of a dropped one is dropped)."""
    ref = kr.ref.rsplit("/", 1)[0]
    return report.objective(ref).state if report.has(ref) else ObjectiveStatus.ACTIVE


def _share(ws: Workspace, report: Report, kr: KrRow, objective: ObjectiveStatus) -> Iterator[str]:
    """A share: the key result it shares, whose figures (and arithmetic) are its own."""
    yield (
        f"  share     a share of {kr.shares}: its figures are that key result's, counted once "
        f"in any roll-up; weight {_f(kr.weight)} here"
    )
    yield from forms.state(kr, objective)
    shared = next((k for o in report.objectives for k in o.key_results if k.ref == kr.shares), None)
    if shared is None:  # its period is not among the report's: the same figures, as the share's
        yield from _key_result(ws, report, replace(kr, shares=None), ws.periods[kr.period])
    else:
        yield from _key_result(ws, report, shared, ws.periods[shared.period])


def _milestone_rule(kr: KrRow, period: Period) -> str:
    """Why a milestone has its status: done, past its due day, or its owner's confidence."""
    due = kr.due or period.end
    if kr.status is Status.DONE:
        return "done: progress ≥ 1"
    if kr.expected >= 1:
        return f"off track: not done by its due day, {due}"
    if kr.confidence is None:
        return f"on track: due {due}, no confidence given"
    band = calc.band(kr.confidence).value
    return (
        f"{kr.status.value}: due {due}, the owner's confidence {as_shown(kr.confidence, (0.7, 0.4))} "
        f"is {band} (0.7–1.0 on track, 0.4–0.7 at risk, below off track)"
    )


def _less(term: Term) -> Iterator[str]:
    """An objective counted less what an earlier term already counts (paths that meet again),
    with the roll-up of the rest, which its own row (counting everything) does not show."""
    yield f"      less {', '.join(term.less)}: an earlier term counts {_them(term.less)} once"
    each = " + ".join(f"{_f(t.progress or 0.0)}×{_f(t.weight)}" for t in term.terms)
    total = _f(sum(t.weight for t in term.terms))
    figure = "no data" if term.progress is None else _f(term.progress)
    yield f"      without {_them(term.less)}: ({each}) / {total} = {figure}"


def _them(refs: tuple[str, ...]) -> str:
    return "it" if len(refs) == 1 else "them"


def _terms(terms: tuple[Term, ...]) -> Iterator[str]:
    if not terms:
        yield "  roll-up   nothing to roll up: no progress"
        return
    total = sum(t.weight for t in terms)
    for term in terms:
        shown = "no data, counts as 0" if term.progress is None else _f(term.progress)
        yield f"    {term.ref}: {shown} × weight {_f(term.weight)}"
        if term.less:
            yield from _less(term)
    numerator = " + ".join(f"{_f(t.progress or 0.0)}×{_f(t.weight)}" for t in terms)
    yield f"  roll-up   ({numerator}) / {_f(total)}"


def _objective_expected(report: Report, row: ObjectiveRow, period: Period) -> str:
    """What an objective's terms expect, weighted as its progress (a guardrail's is 1)."""
    terms = [t for t in row.terms if t.expected is not None]
    if not terms:
        return _expected(report, period, row.expected)
    each = " + ".join(f"{_f(t.expected)}×{_f(t.weight)}" for t in terms)
    total = _f(sum(t.weight for t in terms))
    return f"its terms' expected, weighted: ({each}) / {total} = {_f(row.expected)}"


def _objective(report: Report, row: ObjectiveRow, period: Period) -> Iterator[str]:
    yield f"{row.ref}  {row.title}"
    if row.owners:
        yield f"  owners    {', '.join(row.owners)}"
    yield f"  state     {row.state}; progress from {row.progress_from.replace('_', ' ')}, weight {_f(row.weight)}"
    yield "  terms     clamped progress of each term (no data counts as 0 unless nothing has data):"
    yield from _terms(row.terms)
    yield f"  progress  {_f(row.progress)}"
    yield f"  expected  {_objective_expected(report, row, period)}"
    if row.pace is not None:
        yield f"  pace      progress / expected = {_f(row.progress)} / {_f(row.expected)} = {_f(row.pace)}"
    yield f"  status    {_status_rule(report, row.status, row.pace)}"
    yield from _short_of_done(row.progress, row.status)
    yield from _graded(report, row)
    if row.state is not ObjectiveStatus.ACTIVE:
        yield f"  {row.state}: left out of its parents' and its team's roll-ups"
        if row.reason:
            yield f"  reason    {row.reason}"
    retro = f"; retro: {row.retro}" if row.retro else ""
    if row.team_grade is not None:
        yield f"  team's own grade {_f(row.team_grade)}{retro}"
    elif row.retro:
        yield f"  retro     {row.retro}"


def _graded(report: Report, row: ObjectiveRow) -> Iterator[str]:
    """An ended objective's grade: the weighted mean of its terms' grades (a key result's
    clamped progress, a guardrail's share of days held, an objective's own grade), and its
    band."""
    if row.grade is None:
        return
    krs = {kr.ref: kr for o in report.objectives for kr in o.key_results}

    def grade_of(ref: str) -> float | None:
        found = krs.get(ref) or (report.objective(ref) if report.has(ref) else None)
        return found.grade if found else None

    each = " + ".join(f"{_f(term_grade(t, grade_of) or 0.0)}×{_f(t.weight)}" for t in row.terms)
    total = _f(sum(t.weight for t in row.terms))
    yield f"  grade     weighted mean of its terms' grades: ({each}) / {total} = {_f(row.grade)}"
    yield f"  band      {band_rule(row.grade)}"


def _team(report: Report, team: TeamRow) -> Iterator[str]:
    yield f"{team.id}  {team.name} (level {team.level})"
    rows = [
        o
        for o in report.objectives
        if o.team == team.id and o.state is ObjectiveStatus.ACTIVE and not o.context
    ]
    own = [o for o in rows if o.period == report.period.id] or rows
    yield f"  mean of its {len(own)} active objectives, weighted:"
    yield from _mean(own, team.progress, team.expected)


def _mean(
    rows: list[ObjectiveRow], progress: float | None, expected: float | None
) -> Iterator[str]:
    """The weighted mean of the objectives' progress, and of what their own periods expect."""
    yield from _terms(tuple(Term(o.ref, o.progress, o.weight) for o in rows))
    yield f"  progress  {_f(progress)}"
    each = " + ".join(f"{_f(o.expected)}×{_f(o.weight)}" for o in rows)
    yield (
        f"  expected  each objective's own period, weighted: ({each}) / "
        f"{_f(sum(o.weight for o in rows))} = {_f(expected)}"
    )


def _organization(report: Report) -> Iterator[str]:
    """The headline: the organization's progress, measured against its goals' own periods."""
    level_one = [o for o in report.objectives if o.level == 1 and not o.context]
    rows = [o for o in level_one if o.state is ObjectiveStatus.ACTIVE]
    yield f"{report.organization}  the organization, {report.period.id} as of {report.as_of}"
    yield f"  mean of its {len(rows)} active level-1 objectives, weighted:"
    yield from _mean(rows, report.progress, report.organization_expected)
    expected = report.organization_expected
    if report.progress is not None and expected:
        pace = report.progress / expected
        yield (
            f"  pace      progress / expected = {_f(report.progress)} / {_f(expected)} = {_f(pace)}"
        )
        status = calc.status(report.progress, expected, report.thresholds)
        yield f"  status    {_status_rule(report, status, pace)}"
    for row in level_one:
        if row.state is not ObjectiveStatus.ACTIVE:
            yield f"  left out  {row.ref}: {row.state}, deprioritised work leaves every roll-up"
    yield (
        f"  period    {_expected(report, report.period, report.expected)}: "
        "the report's own period, not what the headline is measured against"
    )
