"""The report's filters (`--team`, `--owner`, `--level`, `--segment`) checked against the
workspace.

A filter that matches nothing in the whole workspace is a mistake on the command
line, never an empty report that reads as "all fine": `resolve` raises a
UsageError that names the closest team, owner or level there is. A filter that
names something real with nothing in the period asked for is not a mistake;
`report.build` says so in the report's filters (`Filters.empty`).

Owners are written in the OKR files as people choose (an address, a name), and
typed on the command line as people remember them. `--owner TEXT` names the
owners the first of these rules finds, all compared case-insensitively:

1. the owner as written: `dana.cho@northwind.example`, or `Dana Cho`;
2. the same words as an owner's name or its address's local part, whatever
   separates them (`.`, `_`, `-`, `+` or spaces): `dana.cho`, `Dana Cho`, `dana_cho`;
3. the first of those words: `dana`.

A typed address (with `@`) is matched by rule 1 only. When the first rule that
finds anything finds two different owners (`dana` for dana.cho@… and
dana.kim@…), the filter is ambiguous: a UsageError lists them. `match_owner` is
the rule, for every place that picks work by owner.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from cxokr.compute.report_data import Filters
from cxokr.errors import UsageError
from cxokr.load.workspace import Workspace
from cxokr.model import as_list

_WORDS = re.compile(r"[\s._+-]+")
SHOWN = 8  # candidates a message lists before "…"


def known_owners(ws: Workspace) -> list[str]:
    """Every owner of an objective or key result in any period, once (the first spelling of
    each, case-insensitively), in order."""
    found: dict[str, str] = {}
    for okr in ws.okrs.values():
        for objective in okr.objectives:
            for owner in as_list(objective.owner):
                found.setdefault(owner.casefold(), owner)
            for kr in objective.key_results:
                for owner in as_list(kr.owner):
                    found.setdefault(owner.casefold(), owner)
    return sorted(found.values(), key=str.casefold)


def words(owner: str) -> tuple[str, ...]:
    """The words of an owner's name, or of its address's local part, in lower case."""
    text = owner.casefold().strip()
    local = text.rsplit("@", 1)[0] if "@" in text else text
    return tuple(w for w in _WORDS.split(local) if w)


def match_owner(typed: str, owners: Iterable[str]) -> tuple[str, ...]:
    """The owners among `owners` that `typed` names, by the first rule that names any (see
    the module's docstring); more than one person when it is ambiguous."""
    wanted = typed.strip().casefold()
    listed = list(owners)
    exact = tuple(o for o in listed if o.strip().casefold() == wanted)
    if exact or "@" in wanted or not words(wanted):
        return exact
    mine = words(wanted)
    same = tuple(o for o in listed if words(o) == mine)
    if same or len(mine) > 1:
        return same
    return tuple(o for o in listed if words(o)[:1] == mine)


def resolve(ws: Workspace, filters: Filters) -> Filters:
    """`filters` checked against the workspace: the team by its ID (any case), the owners
    `--owner` names (`Filters.owners`); UsageError with "did you mean" for one that names
    nothing, or an owner that names several people."""
    if filters.team is not None:
        filters = replace(filters, team=_team(ws, filters.team))
    if filters.owner is not None:
        filters = replace(filters, owners=_owners(ws, filters.owner))
    if filters.level is not None:
        _level(ws, filters.level)
    if filters.segment is not None:
        filters = replace(filters, segment=_segment(ws, filters.segment))
    return filters


def _team(ws: Workspace, typed: str) -> str:
    """The team `typed` names by its ID or its name, in any case."""
    teams = sorted({*ws.teams, *(team for _, team in ws.okrs)})
    spellings = {**{team.name: key for key, team in ws.teams.items()}, **{t: t for t in teams}}
    by_case = {key.casefold(): team for key, team in spellings.items()}
    found = by_case.get(typed.strip().casefold())
    if found is not None:
        return found
    hint = did_you_mean(typed, spellings)
    if not hint and match_owner(typed, known_owners(ws)):
        hint = f"; did you mean --owner {typed}?"
    raise UsageError(f"no team {typed!r} in the workspace{hint or _listed('teams', teams)}")


def _owners(ws: Workspace, typed: str) -> tuple[str, ...]:
    owners = known_owners(ws)
    found = match_owner(typed, owners)
    people = {o.casefold() for o in found}
    if len(people) > 1:
        raise UsageError(
            f"--owner {typed!r} names {len(people)} owners: {_names(found)}; "
            "pass the whole address or name of one"
        )
    if found:
        return found
    hint = did_you_mean(typed, _spellings(owners))
    if not hint and typed.strip().casefold() in {t.casefold() for t in ws.teams}:
        hint = f"; did you mean --team {typed}?"
    if not hint:
        address = next((o for o in owners if "@" in o and words(o)), None)
        example = f" ({words(address)[0]} for {address})" if address else ""
        hint = (
            "; --owner takes an owner's address or name, the local part of an address, or "
            f"its first word{example}"
        )
    raise UsageError(f"no owner {typed!r} in the OKR files{hint}")


def _segment(ws: Workspace, typed: str) -> str:
    """The segment `typed` names (in any case): one a metric declares, or a key result names."""
    declared = {s for metric in ws.metrics.values() for s in metric.segments}
    named = {
        kr.segment
        for okr in ws.okrs.values()
        for objective in okr.objectives
        for kr in objective.key_results
        if kr.segment is not None
    }
    segments = sorted(declared | named)
    found = {s.casefold(): s for s in segments}.get(typed.strip().casefold())
    if found is not None:
        return found
    hint = did_you_mean(typed, segments) or _listed("segments", segments)
    raise UsageError(f"no segment {typed!r} in the metrics or key results{hint}")


def _level(ws: Workspace, level: int) -> None:
    present = sorted({team.level for team in ws.teams.values()})
    if any(found <= level for found in present):
        return
    hint = f"; did you mean --level {present[0]}?" if present else ""
    shown = ", ".join(map(str, present)) or "none"
    raise UsageError(f"no team at level {level} or above (levels present: {shown}){hint}")


def did_you_mean(typed: str, known: Iterable[str] | dict[str, str]) -> str:
    """`; did you mean 'x'?` with the closest of `known` (case-insensitively), or ``; from a
    mapping, the value of the closest key."""
    import difflib  # only when a filter names nothing: off the report's path

    pairs = known.items() if isinstance(known, dict) else ((k, k) for k in known)
    by_case = {key.casefold(): value for key, value in pairs}
    close = difflib.get_close_matches(typed.strip().casefold(), list(by_case), n=1, cutoff=0.6)
    return f"; did you mean {by_case[close[0]]!r}?" if close else ""


def _spellings(owners: list[str]) -> dict[str, str]:
    """How each owner may be typed (as written, its words joined by a space, the first word)
    -> the owner: difflib compares `dan` with `dana`, not with the whole address."""
    found: dict[str, str] = {}
    for owner in owners:
        mine = words(owner)
        local = owner.rsplit("@", 1)[0]
        for spelling in (owner, local, " ".join(mine), mine[0] if mine else ""):
            if spelling:
                found.setdefault(spelling.casefold(), owner)
    return found


def _listed(what: str, names: list[str]) -> str:
    return f" ({what}: {_names(names)})" if names else f" (no {what} yet)"


def _names(names: Iterable[str]) -> str:
    listed = list(names)
    more = ", …" if len(listed) > SHOWN else ""
    return ", ".join(listed[:SHOWN]) + more
