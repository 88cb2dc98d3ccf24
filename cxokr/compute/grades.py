"""The grade sheet of a period: clamped progress per key result, objective and team, in bands.

A checklist, a score and a key result with a schedule grade as their clamped progress, like
any target; a share has the grade of the key result it shares. A key result dropped or
postponed alone keeps its grade but leaves its objective's, as a share of a key result
its objective already counts does; each says why, and an objective's retro stands beside
the grade its team gave it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cxokr.compute import progress as calc
from cxokr.compute import values
from cxokr.compute.report import Filters, Report, build
from cxokr.compute.report_data import KrRow, ObjectiveRow, terms_grade
from cxokr.load.workspace import Workspace
from cxokr.model import ObjectiveStatus, Period, ProgressFrom

# --- Grades -----------------------------------------------------------------------------


@dataclass(frozen=True)
class KrGrade:
    """A key result's grade: its progress clamped to [0, 1] (None: no data) and its band;
    a guardrail's is the share of observed days it held, with those days (`watch`)."""

    id: str
    title: str
    grade: float | None
    band: str | None
    watch: values.Watch | None = None
    state: ObjectiveStatus = ObjectiveStatus.ACTIVE  # its own, or its objective's
    reason: str | None = None  # why it is deprioritised
    shares: str | None = None  # the key result it is a share of, whose grade it has
    # Why its objective's grade leaves it out: deprioritised alone, or counted once through
    # another share of the same key result (None: it counts, or its objective is dropped).
    left_out: str | None = None


@dataclass(frozen=True)
class ObjectiveGrade:
    """An objective's computed grade and band, beside the grade the team gave itself."""

    ref: str
    team: str
    id: str
    title: str
    state: ObjectiveStatus
    weight: float
    grade: float | None
    band: str | None
    team_grade: float | None
    key_results: tuple[KrGrade, ...]
    reason: str | None = None  # why it is dropped or postponed
    retro: str | None = None  # the team's retro, beside its own grade


@dataclass(frozen=True)
class TeamGrade:
    """A team's mean grade over its active objectives, and the mean of its own grades."""

    id: str
    name: str
    grade: float | None
    band: str | None
    team_grade: float | None
    objectives: int


@dataclass(frozen=True)
class GradeSheet:
    """The grades of one period's objectives (not of enclosing periods) on `as_of`."""

    period: Period
    as_of: date
    final: bool  # `as_of` is on or after the period's last day
    objectives: tuple[ObjectiveGrade, ...]
    teams: tuple[TeamGrade, ...]


def grade_sheet(ws: Workspace, period_id: str, as_of: date) -> GradeSheet:
    """Grade every objective of a period on `as_of`, in the usual bands: as the report grades
    it at the period's end (DESIGN §2.3), with what is known so far before then."""
    report = build(ws, as_of, Filters(period=period_id))
    graded = _Grades(report)
    objectives = tuple(
        ObjectiveGrade(
            ref=row.ref,
            team=row.team,
            id=row.id,
            title=row.title,
            state=row.state,
            weight=row.weight,
            grade=graded.objective(row.ref),
            band=_band(graded.objective(row.ref)),
            team_grade=row.team_grade,
            key_results=tuple(_kr_grade(graded, row, kr) for kr in row.key_results),
            reason=row.reason,
            retro=row.retro,
        )
        for row in report.objectives
        if row.period == period_id
    )
    return GradeSheet(
        period=report.period,
        as_of=as_of,
        final=as_of >= report.period.end,
        objectives=objectives,
        teams=_team_grades(ws, objectives),
    )


class _Grades:
    """The grade of each key result and objective of a report, by ref, computed once: a key
    result's is `values.grade`; an objective's, the weighted mean of the grades of the key
    results and objectives it rolls up (its terms)."""

    def __init__(self, report: Report) -> None:
        self.rows = {row.ref: row for row in report.objectives}
        self.krs = {kr.ref: kr for row in report.objectives for kr in row.key_results}
        self.found: dict[str, float | None] = {}

    def kr(self, ref: str) -> float | None:
        if ref not in self.found:
            kr = self.krs[ref]
            self.found[ref] = values.grade(kr.type, kr.progress, kr.series, kr.target)
        return self.found[ref]

    def objective(self, ref: str) -> float | None:
        if ref not in self.found:
            self.found[ref] = None  # the terms hold no cycle; this ends one all the same
            self.found[ref] = terms_grade(self.rows[ref].terms, self._of)
        return self.found[ref]

    def _of(self, ref: str) -> float | None:
        """The grade of a term's ref; None outside the report (its clamped progress counts)."""
        if ref in self.rows:
            return self.objective(ref)
        return self.kr(ref) if ref in self.krs else None


def _kr_grade(graded: _Grades, row: ObjectiveRow, kr: KrRow) -> KrGrade:
    grade = graded.kr(kr.ref)
    return KrGrade(
        kr.id,
        kr.title,
        grade,
        _band(grade),
        _watch(kr),
        state=kr.state,
        reason=kr.reason,
        shares=kr.shares,
        left_out=_left_out(row, kr),
    )


def _left_out(row: ObjectiveRow, kr: KrRow) -> str | None:
    """Why an active objective's grade leaves `kr` out: dropped or postponed alone (its
    state), or a share of a key result another of its terms already counts."""
    if row.state is not ObjectiveStatus.ACTIVE or row.progress_from is ProgressFrom.ALIGNED:
        return None
    if kr.state is not ObjectiveStatus.ACTIVE:
        return f"{kr.state} alone"
    if kr.ref in {t.ref for t in row.terms}:
        return None
    return "counted once" if kr.shares else "counted once, through a share of it"


def _watch(kr: KrRow) -> values.Watch | None:
    if kr.type not in calc.GUARDRAILS or kr.target is None:
        return None
    return values.watch(kr.series, kr.type, kr.target)


def _team_grades(ws: Workspace, objectives: tuple[ObjectiveGrade, ...]) -> tuple[TeamGrade, ...]:
    """Each team's grades, in the order its objectives first appear."""
    teams = []
    for team in dict.fromkeys(o.team for o in objectives):
        active = [o for o in objectives if o.team == team and o.state is ObjectiveStatus.ACTIVE]
        mean = calc.roll_up((o.grade, o.weight) for o in active)
        own = [o.team_grade for o in active if o.team_grade is not None]
        found = ws.teams.get(team)
        teams.append(
            TeamGrade(
                id=team,
                name=found.name if found else team,
                grade=mean,
                band=_band(mean),
                team_grade=sum(own) / len(own) if own else None,
                objectives=len(active),
            )
        )
    return tuple(teams)


def _band(grade: float | None) -> str | None:
    return None if grade is None else calc.band(grade).value
