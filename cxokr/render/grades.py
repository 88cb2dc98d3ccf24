"""The grade sheet of a period as plain text: one line per team, objective and key result.

Each line goes through `escape_controls`: no ID or name reaches the terminal raw.
"""

from __future__ import annotations

from cxokr.compute.grades import GradeSheet
from cxokr.render.controls import escape_controls


def _grade(value: float | None, band: str | None) -> str:
    return "  –  no data" if value is None else f"{value:4.2f} {band or ''}".rstrip()


def render(sheet: GradeSheet) -> str:
    kind = "final grades" if sheet.final else f"grades so far (as of {sheet.as_of})"
    lines = [f"{sheet.period.id} {kind}: 0.7–1.0 green, 0.4–0.7 yellow, below red", ""]
    for team in sheet.teams:
        own = f"  (team's own grade {team.team_grade:.2f})" if team.team_grade is not None else ""
        lines.append(f"{team.id:<24} {_grade(team.grade, team.band)}{own}")
        for objective in (o for o in sheet.objectives if o.team == team.id):
            state = "" if objective.state == "active" else f" [{objective.state}]"
            own = (
                f"  (own grade {objective.team_grade:.2f})"
                if objective.team_grade is not None
                else ""
            )
            lines.append(
                f"  {objective.id:<22} {_grade(objective.grade, objective.band)}{state}{own}"
            )
            lines += [
                f"    {kr.id:<20} {_grade(kr.grade, kr.band)}" for kr in objective.key_results
            ]
    return "\n".join(escape_controls(line) for line in lines) + "\n"
