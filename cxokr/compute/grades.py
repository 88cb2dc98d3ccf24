"""The grade sheet of a period: clamped progress per key result, objective and team, in bands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cxokr.compute import progress as calc
from cxokr.compute.report import Filters, build
from cxokr.load.workspace import Workspace
from cxokr.model import ObjectiveStatus, Period

# --- Grades -----------------------------------------------------------------------------


@dataclass(frozen=True)
class KrGrade:
    """A key result's grade: its progress clamped to [0, 1] (None: no data) and its band."""

    id: str
    title: str
    grade: float | None
    band: str | None


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
    """Grade every objective of a period: clamped progress on `as_of`, in the usual bands."""
    report = build(ws, as_of, Filters(period=period_id))
    objectives = tuple(
        ObjectiveGrade(
            ref=row.ref,
            team=row.team,
            id=row.id,
            title=row.title,
            state=row.state,
            weight=row.weight,
            grade=row.progress,  # a roll-up of clamped terms: already in [0, 1]
            band=_band(row.progress),
            team_grade=row.team_grade,
            key_results=tuple(
                KrGrade(
                    kr.id, kr.title, calc.clamped(kr.progress), _band(calc.clamped(kr.progress))
                )
                for kr in row.key_results
            ),
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
