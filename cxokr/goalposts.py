"""Moved goalposts: a key result's start or target changed after its period began.

Changing a target mid-period can be right (the world changed), but it must be
said. A `rebaseline:` note on the key result explains the changes made up to
and including the commit that last wrote the note; a change made later, or
with no note at all, is a move nobody explained. Edits not committed yet count
too, as of today, so the warning shows before the commit and adding the note
in the same edit silences it.

One `git log --raw` over the OKR files gives every version; only files whose
period had begun when they changed are read, each distinct version once.
Outside a git repository there is no history and nothing to report.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from cxokr.audit import FieldChange, okr_chain
from cxokr.checks import CheckResult
from cxokr.history import Commit, History, Step, history
from cxokr.model import KeyResult, OkrFile, Period
from cxokr.problems import Problem
from cxokr.report import Report
from cxokr.workspace import Workspace, okr_path

MOVABLE = ("start", "target")


@dataclass(frozen=True)
class Move:
    """An unexplained change to a key result's start or target after its period began."""

    ref: str
    period: Period
    objective_index: int
    kr_index: int
    changes: tuple[FieldChange, ...]
    commit: Commit | None  # None: an edit not committed yet

    @property
    def path(self) -> str:
        return okr_path(self.period.id, self.ref.split(":")[1].split("/")[0])

    @property
    def loc(self) -> tuple[str | int, ...]:
        return (
            "objectives",
            self.objective_index,
            "key_results",
            self.kr_index,
            self.changes[-1].field,
        )


def find(root: Path, ws: Workspace, today: date | None = None) -> list[Move]:
    """Every unexplained move in the workspace; none outside a git repository."""
    with history(root) as h:
        return [] if h is None else moves(h, root, ws, today or date.today())


def moves(h: History, root: Path, ws: Workspace, today: date) -> list[Move]:
    periods = {p.id: p for p in ws.config.periods} if ws.config else {}
    by_path: dict[str, list[Step]] = {}
    for step in h.steps(["okrs"]):
        for change in step.changes:
            by_path.setdefault(change.path, []).append(step)
    found: list[Move] = []
    for (period_id, team), current in sorted(ws.okrs.items()):
        period = periods.get(period_id)
        mine = by_path.get(okr_path(period_id, team), [])
        if period is None or not mine:
            continue  # a file never committed has no history to judge
        rel = okr_path(period_id, team)
        late = [s for s in mine if s.commit.authored.date() >= period.start]
        versions: list[tuple[Commit | None, OkrFile | None]] = []
        for commit, before, after in okr_chain(h, root, rel, late):
            if not versions:
                versions.append((None, before))
            versions.append((commit, after))
        committed = _last(h, root, rel, mine)
        if today >= period.start and current != committed:
            versions = versions or [(None, committed)]
            versions.append((None, current))
        if len(versions) > 1:
            found += _moves_in(period, team, current, versions)
    return found


def _last(h: History, root: Path, rel: str, steps: list[Step]) -> OkrFile | None:
    """The file as last committed."""
    last = list(okr_chain(h, root, rel, steps[-1:]))
    return last[-1][2] if last else None


def _kr(okr: OkrFile | None, objective: str, kr: str) -> KeyResult | None:
    for found in okr.objectives if okr else []:
        if found.id == objective:
            return next((k for k in found.key_results if k.id == kr), None)
    return None


def _moves_in(
    period: Period,
    team: str,
    current: OkrFile,
    versions: list[tuple[Commit | None, OkrFile | None]],
) -> list[Move]:
    found = []
    for oi, objective in enumerate(current.objectives):
        for ki, kr in enumerate(objective.key_results):
            chain = [(commit, _kr(okr, objective.id, kr.id)) for commit, okr in versions]
            noted, moved = -1, []
            for i in range(1, len(chain)):
                was, now = chain[i - 1][1], chain[i][1]
                if was is None or now is None:
                    continue
                if now.rebaseline and now.rebaseline != was.rebaseline:
                    noted = i
                changes = tuple(
                    FieldChange(name, getattr(was, name), getattr(now, name))
                    for name in MOVABLE
                    if getattr(was, name) != getattr(now, name)
                )
                if changes:
                    moved.append((i, changes))
            if not kr.rebaseline:
                noted = -1
            ref = f"{period.id}:{team}/{objective.id}/{kr.id}"
            found += [
                Move(ref, period, oi, ki, changes, chain[i][0]) for i, changes in moved if i > noted
            ]
    return found


# --- As problems, and in the report ----------------------------------------------------------


def _num(value: float | None) -> str:
    return "none" if value is None else f"{value:g}"


def message(move: Move) -> str:
    kr = move.ref.rsplit("/", 1)[1]
    what = " and ".join(f"{c.field} from {_num(c.old)} to {_num(c.new)}" for c in move.changes)
    what = what.replace(" from ", " moved from ", 1)
    if move.commit is None:
        when = "in changes not committed yet"
    else:
        c = move.commit
        when = f"on {c.authored.date()} in {c.short} by {c.author} <{c.email}>"
    return (
        f"{kr}: {what} {when}, after {move.period.id} began on {move.period.start}; "
        "if that is meant, say why in a rebaseline: note"
    )


def problems(root: Path, ws: Workspace, today: date | None = None) -> list[Problem]:
    """CX501 for each unexplained move, at the key result's moved field."""
    return [ws.problem_at("CX501", m.path, m.loc, message(m)) for m in find(root, ws, today)]


def checked(root: Path, ws: Workspace, result: CheckResult) -> CheckResult:
    """`result` (of `cxokr check`) with a CX501 warning for each unexplained move."""
    found = problems(root, ws)
    if not found:
        return result
    return replace(result, problems=tuple(sorted({*result.problems, *found})))


def mark(report: Report, found: list[Move]) -> Report:
    """The report with `moved_goalposts` set on the key results of `found`."""
    refs = {m.ref for m in found}
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


def marked(root: Path, ws: Workspace, report: Report) -> Report:
    """The report of `ws` with the key results whose goalposts moved marked, from git."""
    return mark(report, find(root, ws))
