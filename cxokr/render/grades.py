"""The grade sheet of a period as plain text: one line per team, objective and key result.

Each line goes through `escape_controls`: no ID or name reaches the terminal raw.
"""

from __future__ import annotations

from datetime import date

from cxokr.compute.grades import GradeSheet, KrGrade, ObjectiveGrade
from cxokr.compute.values import Watch
from cxokr.model import ObjectiveStatus
from cxokr.render.controls import escape_controls


def _grade(value: float | None, band: str | None) -> str:
    return "  –  no data" if value is None else f"{value:4.2f} {band or ''}".rstrip()


def _held(watch: Watch | None) -> str:
    """A guardrail's days: held of observed, and the days it was breached."""
    if watch is None or not watch.observed:
        return ""
    held = f"  (held {watch.observed - len(watch.breached)} of {watch.observed} observed days"
    if not watch.breached:
        return held + ")"
    return f"{held}; breached {', '.join(_spans(watch.breached))})"


def _spans(days: tuple[date, ...]) -> list[str]:
    """Days in order as runs of consecutive days: `2026-11-04 to 11-06`, `2026-11-20`."""
    runs: list[list[date]] = []
    for day in days:
        if runs and (day - runs[-1][-1]).days == 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return [
        str(run[0])
        if len(run) == 1
        else f"{run[0]} to {run[-1].isoformat()[5:] if run[-1].year == run[0].year else run[-1]}"
        for run in runs
    ]


def _state(objective: ObjectiveGrade) -> str:
    """A dropped or postponed objective's state, and why."""
    if objective.state is ObjectiveStatus.ACTIVE:
        return ""
    return (
        f" [{objective.state}: {objective.reason}]" if objective.reason else f" [{objective.state}]"
    )


def _own(objective: ObjectiveGrade) -> str:
    """The grade the team gave the objective, with its retro beside it."""
    parts = [f"own grade {objective.team_grade:.2f}"] if objective.team_grade is not None else []
    parts += [f"retro: {objective.retro}"] if objective.retro else []
    return f"  ({'; '.join(parts)})" if parts else ""


def _kr_note(kr: KrGrade) -> str:
    """What a key result is beside its grade: a share of another, or left out of its
    objective's grade (deprioritised alone, with its reason, or counted once)."""
    share = f"a share of {kr.shares}" if kr.shares else ""
    if kr.left_out is None:
        return f"  ({share})" if share else ""
    why = (
        f"{kr.left_out}: {kr.reason}"
        if kr.reason and kr.state is not ObjectiveStatus.ACTIVE
        else kr.left_out
    )
    said = f"{share}, {why}" if share else why
    return f"  [{said}; not in its objective's grade]"


def render(sheet: GradeSheet) -> str:
    kind = "final grades" if sheet.final else f"grades so far (as of {sheet.as_of})"
    lines = [f"{sheet.period.id} {kind}: 0.7–1.0 green, 0.4–0.7 yellow, below red", ""]
    for team in sheet.teams:
        own = f"  (team's own grade {team.team_grade:.2f})" if team.team_grade is not None else ""
        lines.append(f"{team.id:<24} {_grade(team.grade, team.band)}{own}")
        for objective in (o for o in sheet.objectives if o.team == team.id):
            lines.append(
                f"  {objective.id:<22} {_grade(objective.grade, objective.band)}"
                f"{_state(objective)}{_own(objective)}"
            )
            lines += [
                f"    {kr.id:<20} {_grade(kr.grade, kr.band)}{_held(kr.watch)}{_kr_note(kr)}"
                for kr in objective.key_results
            ]
    return "\n".join(escape_controls(line) for line in lines) + "\n"
