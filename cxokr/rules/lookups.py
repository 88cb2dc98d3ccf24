"""Looking things up across files, for the rules of `checks`, `logs` and `forms`.

A file that failed to load has problems of its own; what it would have
declared is unknown, so the `no_*` questions answer "no" for it and nothing
is reported missing because of it.

A reference that does not resolve says what to write instead: the closest
existing IDs (`problems.did_you_mean`), the period that holds it (`resolve`), or the
command that declares a missing period (`declare_period`). These are worked
out only for the problems found, never for every entry.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import date

from cxokr.compute.align import Node, nodes
from cxokr.load.layout import CONFIG_FILE, metric_path, okr_path, team_path
from cxokr.load.workspace import Workspace
from cxokr.model import PERIOD_PATTERN, Objective, Period, RefParts
from cxokr.problems import did_you_mean

_PERIOD_FORM = re.compile(r"(\d{4})(?:-(Q[1-4]|H[12]|0[1-9]|1[0-2]))?")
_PERIOD_ID = re.compile(PERIOD_PATTERN)


def objectives(ws: Workspace) -> Iterator[Node]:
    """Every objective of every period with where it lives, in file order."""
    return nodes(ws)


def periods(ws: Workspace) -> Mapping[str, Period]:
    return ws.periods


def no_period(ws: Workspace, period: str) -> bool:
    return ws.config is not None and period not in periods(ws)


def no_team(ws: Workspace, team: str) -> bool:
    return team not in ws.teams and team_path(team) not in ws.failed


def no_metric(ws: Workspace, metric: str) -> bool:
    return metric not in ws.metrics and metric_path(metric) not in ws.failed


# --- What to write instead -------------------------------------------------------------


def kr_hint(ref: str, krs: Iterable[str]) -> str:
    """Did you mean, for a check-in's `objective/kr` among `krs`: the key results of its
    objective when it has one, else those of its key result's ID, else all. (Compared
    whole, refs that share an objective all look alike.)"""
    objective, _, kr = ref.partition("/")
    mine = [name.partition("/")[2] for name in krs if name.startswith(f"{objective}/")]
    if mine:
        return did_you_mean(kr, mine, f"{objective}/")
    same_kr = [name for name in krs if name.partition("/")[2] == kr]
    return did_you_mean(ref, same_kr or krs)


def period_dates(period_id: str) -> tuple[date, date] | None:
    """First and last day of a year (`2027`), quarter (`2027-Q1`), half (`2027-H2`) or
    month (`2027-03`); None for an ID of any other form."""
    found = _PERIOD_FORM.fullmatch(period_id)
    if found is None or int(found[1]) < 1:
        return None
    year, part = int(found[1]), found[2]
    if part is None:
        first, months = 1, 12
    elif part[0] == "Q":
        first, months = 3 * int(part[1]) - 2, 3
    elif part[0] == "H":
        first, months = 6 * int(part[1]) - 5, 6
    else:
        first, months = int(part), 1
    last = first + months - 1
    return date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1])


def undeclared(ws: Workspace, period: str) -> str:
    """The problem text of a period not declared in cxokr.yaml, with how to declare it."""
    return f"period {period!r} is not declared in {CONFIG_FILE}{declare_period(ws, period)}"


def declare_period(ws: Workspace, period: str) -> str:
    """` (did you mean '2026-Q4'?)` for a period declared in another case; else the command
    that declares it, with its dates when its ID tells them: `; declare it: cxokr period add
    2027 --start 2027-01-01 --end 2027-12-31`."""
    known = list(periods(ws))
    if any(name.lower() == period.lower() for name in known) or not _PERIOD_ID.match(period):
        return did_you_mean(period, known)
    span = period_dates(period)
    first, last = (str(day) for day in span) if span else ("YYYY-MM-DD", "YYYY-MM-DD")
    guess = "" if span else did_you_mean(period, known)
    return f"{guess}; declare it: cxokr period add {period} --start {first} --end {last}"


def resolve(ws: Workspace, ref: RefParts) -> str | None:
    """None when the reference resolves; otherwise the code and reason, as 'CODE reason'."""
    if no_period(ws, ref.period):
        return f"CX306 {undeclared(ws, ref.period)}"
    if ws.config is None or okr_path(ref.period, ref.team) in ws.failed:
        return None
    if no_team(ws, ref.team):
        return f"CX301 team {ref.team!r} does not exist{did_you_mean(ref.team, ws.teams)}"
    mine = _objectives_of(ws, ref)
    found = next((o for o in mine if o.id == ref.objective), None)
    if found is not None and (ref.kr is None or _kr(found, ref.kr)):
        return None
    hint = _elsewhere(ws, ref)
    if found is None:
        hint = hint or did_you_mean(ref.objective, [o.id for o in mine])
        return f"CX303 {ref.team} has no objective {ref.objective!r} in {ref.period}{hint}"
    hint = hint or did_you_mean(ref.kr or "", [kr.id for kr in found.key_results])
    return f"CX303 {ref.team}/{ref.objective} has no key result {ref.kr!r}{hint}"


def _objectives_of(ws: Workspace, ref: RefParts) -> list[Objective]:
    okr = ws.okrs.get((ref.period, ref.team))
    return okr.objectives if okr else []


def _kr(objective: Objective, kr: str) -> bool:
    return any(each.id == kr for each in objective.key_results)


def _holds(ws: Workspace, ref: RefParts) -> bool:
    found = next((o for o in _objectives_of(ws, ref) if o.id == ref.objective), None)
    return found is not None and (ref.kr is None or _kr(found, ref.kr))


def _elsewhere(ws: Workspace, ref: RefParts) -> str:
    """`; it is in 2026: write 2026:company/happy` when a period enclosing the reference's
    holds what it names (the narrowest such period), else ''."""
    mine = periods(ws).get(ref.period)
    if mine is None:
        return ""
    around = sorted(
        (p for p in periods(ws).values() if p.start <= mine.start and mine.end <= p.end),
        key=lambda p: (p.end - p.start, p.id),
    )
    for period in around:
        there = RefParts(period.id, ref.team, ref.objective, ref.kr)
        if period.id != ref.period and _holds(ws, there):
            return f"; it is in {period.id}: write {there}"
    return ""
