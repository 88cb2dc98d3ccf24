"""Rules for key results written as people write them (DESIGN §1): checklists and their
items, scores, schedules, due days, relative targets and where they start, shares of
another team's key result, key results deprioritised alone, and what the check-ins of
each may carry.

`check_forms` judges the OKR files; `check_checkin_forms` one team's check-in log, and is
called by `logs.check_checkins`, which knows the key results the log may name.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import NamedTuple

from cxokr.compute import steps, wholes
from cxokr.compute.align import Loc, Node
from cxokr.compute.progress import GUARDRAILS
from cxokr.load.workspace import Workspace
from cxokr.model import (
    CheckinEntry,
    KeyResult,
    KrType,
    ObjectiveStatus,
    Period,
    StartReading,
    parse_ref,
)
from cxokr.problems import Problem, problem
from cxokr.rules.lookups import objectives, periods, resolve

ACTIVE = ObjectiveStatus.ACTIVE
MEASURED = frozenset({KrType.TARGET, KrType.STAY_ABOVE, KrType.STAY_BELOW, KrType.DONE})
RELATIVE_TYPES = frozenset({KrType.TARGET, *GUARDRAILS})
OWN_VALUE = frozenset({KrType.CHECKLIST, KrType.SCORE})  # a value of their own, not `value`

# What each field is for, and the types that read it (any other type leaves it unread).
TAKES: dict[str, tuple[frozenset[KrType], str]] = {
    "items": (frozenset({KrType.CHECKLIST}), "only a checklist has items"),
    "schedule": (
        frozenset({KrType.TARGET}),
        "only a target key result has staged steps; a guardrail holds one line all period",
    ),
    "due": (
        frozenset({KrType.DONE}),
        "only a milestone (type: done) has a due day; a checklist's items take their own",
    ),
    "metric": (MEASURED, "its progress is not read from a metric"),
    "segment": (MEASURED, "its progress is not read from a metric"),
    "start": (MEASURED, "its progress does not run from a start"),
    "target": (MEASURED, "its progress does not run to a target"),
    "change": (RELATIVE_TYPES, "its progress does not run to a target"),
}
# What a share takes from the key result it shares, never from its own file.
SHARED_FIGURES = (
    *("metric", "segment", "unit", "type", "start", "target", "change"),
    *("items", "schedule", "due"),
)


@dataclass(frozen=True)
class _At:
    """A key result with where it lives: its objective, its path in the file, its period."""

    ws: Workspace
    node: Node
    loc: Loc
    kr: KeyResult
    period: Period | None

    def problem(self, code: str, keys: Loc, message: str) -> Problem:
        return self.ws.problem_at(code, self.node.path, (*self.loc, *keys), message)


def check_forms(ws: Workspace) -> list[Problem]:
    """The key results' forms, and the reasons of objectives (an active one has none)."""
    found = []
    known = periods(ws)
    shares: dict[str, str] = {}  # every share's ref -> the ref it shares
    sharing = []
    for node in objectives(ws):
        objective = node.objective
        if objective.reason and objective.status is ACTIVE:
            where = (*node.loc, "reason")
            found.append(ws.problem_at("CX345", node.path, where, _unread_reason(objective.id)))
        for index, kr in enumerate(objective.key_results):
            if _plain(kr):
                continue
            at = _At(ws, node, (*node.loc, "key_results", index), kr, known.get(node.period))
            found += _state(at)
            if kr.shares is None:
                found += _key_result(at)
            else:
                shares[_ref(node, kr)] = kr.shares
                sharing.append(at)
    for at in sharing:  # once every share is known, for their loops
        found += _share(at, shares)
    return found


def _plain(kr: KeyResult) -> bool:
    """A key result with none of the forms judged here, as most are: passed over."""
    return (
        kr.shares is None
        and kr.schedule is None
        and kr.due is None
        and kr.change is None
        and kr.items is None
        and kr.reason is None
        and kr.state is ACTIVE
        and kr.type in MEASURED
        and not isinstance(kr.start, StartReading)
        and (kr.type is KrType.TARGET or not isinstance(kr.target, str))
    )


def _key_result(at: _At) -> list[Problem]:
    return [
        *_fields(at),
        *_checklist(at),
        *_due(at),
        *_schedule(at),
        *_start_and_target(at),
    ]


def _ref(node: Node, kr: KeyResult) -> str:
    return f"{node.ref}/{kr.id}"


# --- What each type takes ------------------------------------------------------------


def _fields(at: _At) -> list[Problem]:
    kr = at.kr
    found = []
    for field, (types, why) in TAKES.items():
        if kr.type not in types and getattr(kr, field) is not None:
            message = f"{kr.id} is a {kr.type.value} key result: {field} is not read ({why})"
            found.append(at.problem("CX322", (field,), message))
    return found


def _checklist(at: _At) -> list[Problem]:
    kr = at.kr
    if kr.type is not KrType.CHECKLIST:
        return []
    if not kr.items:
        message = f"{kr.id} is a checklist without items: list what it takes to be done"
        return [at.problem("CX318", ("items",) if kr.items is not None else ("type",), message)]
    counts = Counter(item.id for item in kr.items)
    found = [
        at.problem("CX304", ("items", i, "id"), f"item ID {item.id!r} is used more than once here")
        for i, item in enumerate(kr.items)
        if counts[item.id] > 1
    ]
    for i, item in enumerate(kr.items):
        if item.due is not None:
            found += _in_period(at, ("items", i, "due"), f"item {item.id} is due", item.due)
    return found


def _due(at: _At) -> list[Problem]:
    if at.kr.type is not KrType.DONE or at.kr.due is None:
        return []
    return _in_period(at, ("due",), f"{at.kr.id} is due", at.kr.due)


def _in_period(at: _At, keys: Loc, what: str, day: date) -> list[Problem]:
    period = at.period
    if period is None or period.start <= day <= period.end:
        return []
    message = f"{what} {day}, outside {period.id} ({period.start} to {period.end})"
    return [at.problem("CX337", keys, message)]


# --- Schedules -----------------------------------------------------------------------


def _schedule(at: _At) -> list[Problem]:
    """A schedule's steps lie inside the period; one on its last day is the target; and
    from the start to the target they move one way."""
    kr, period = at.kr, at.period
    if kr.type is not KrType.TARGET or not kr.schedule or period is None:
        return []
    found = []
    inside = []
    for day, value in sorted(kr.schedule.items()):
        if period.start <= day <= period.end:
            inside.append((day, value))
            continue
        message = f"step {day} is outside {period.id} ({period.start} to {period.end})"
        found.append(at.problem("CX327", ("schedule", day.isoformat()), message))
    start = float(kr.start) if isinstance(kr.start, float | int) else None
    target = steps.target(kr, start)
    if inside and inside[-1][0] == period.end:
        day, value = inside.pop()
        if target is not None and value != target:
            message = (
                f"step {day} ({value:g}) is on {period.id}'s last day, where the target "
                f"({target:g}) is the step: make it the target or drop it"
            )
            found.append(at.problem("CX328", ("schedule", day.isoformat()), message))
    return found + _steps_move_one_way(at, inside, start, target)


class _Point(NamedTuple):
    """A point a schedule runs through: its start, a step (`key` its date), its target."""

    name: str
    key: str | None
    value: float


def _steps_move_one_way(
    at: _At, inside: list[tuple[date, float]], start: float | None, target: float | None
) -> list[Problem]:
    points = [_Point("the start", None, start)] if start is not None else []
    points += [_Point(f"step {day}", day.isoformat(), value) for day, value in inside]
    points += [_Point("the target", None, target)] if target is not None else []
    way = 0.0 if start is None or target is None else target - start
    for before, after in pairwise(points):
        move = after.value - before.value
        if move * way < 0:
            was, now = f"{before.name} ({before.value:g})", f"{after.name} ({after.value:g})"
            # a target behind the step before it: that step went past it
            wrong = (
                f"{was} goes past {now}" if after.key is None else f"{now} moves back from {was}"
            )
            message = f"{wrong}: steps run one way, from the start to the target"
            return [at.problem("CX329", ("schedule", after.key or before.key or ""), message)]
        way = way or move
    return []


# --- Where a target starts, and what it is ----------------------------------------------


def _start_and_target(at: _At) -> list[Problem]:
    kr = at.kr
    if kr.type not in RELATIVE_TYPES:
        return []
    found = []
    if kr.target is not None and kr.change is not None:
        message = f"{kr.id} has both a target and a change: keep one (change is target minus start)"
        found.append(at.problem("CX339", ("change",), message))
    if isinstance(kr.start, StartReading):
        found += _start_reading(at, kr.start.reading)
    relative = isinstance(kr.target, str) or kr.change is not None
    if relative and kr.type in GUARDRAILS and kr.start is None:
        message = f"{kr.id} ({kr.type.value}) needs a start to count its relative target from"
        found.append(at.problem("CX318", ("id",), message))
    return found


def _start_reading(at: _At, day: date) -> list[Problem]:
    """`start: {reading: DATE}` reads the metric on that day or the newest before it."""
    kr = at.kr
    if kr.metric is None:
        message = f"{kr.id} has no metric to read its start from: give the start as a number"
        return [at.problem("CX338", ("start",), message)]
    if kr.metric not in at.ws.metrics:
        return []  # an unknown metric is reported as one
    if any(r.date <= day for r in wholes.readings_of(at.ws, kr.metric, kr.segment)):
        return []
    shown = f"{kr.metric} ({kr.segment})" if kr.segment else kr.metric
    message = f"{kr.id} starts from {shown}'s reading on {day}, and it has none on or before it"
    return [at.problem("CX338", ("start", "reading"), message)]


# --- Shares ----------------------------------------------------------------------------


def _share(at: _At, shares: Mapping[str, str]) -> list[Problem]:
    """A share names a key result that exists, of its own period or an earlier one, not
    through a loop of shares; and writes none of the figures it takes from it."""
    kr = at.kr
    assert kr.shares is not None
    found = [
        at.problem("CX342", (field,), f"{kr.id} shares {kr.shares}: its {field} comes from there")
        for field in SHARED_FIGURES
        if field in kr.model_fields_set and getattr(kr, field) is not None
    ]
    parts = parse_ref(kr.shares, at.node.period)
    whole = "CX303 name one of its key results: team/objective/kr"
    reason = resolve(at.ws, parts) if parts.kr else whole
    if reason:
        code, text = reason.split(" ", 1)
        return [*found, at.problem(code, ("shares",), f"shares {kr.shares}: {text}")]
    loop = _loop(_ref(at.node, kr), shares)
    if loop:
        message = f"{kr.id} shares in a loop ({' -> '.join(loop)}): share the key result itself"
        found.append(at.problem("CX340", ("shares",), message))
    own, theirs = at.period, periods(at.ws).get(parts.period)
    if own and theirs and theirs.start > own.start:
        message = (
            f"shares {kr.shares}: {theirs.id} starts ({theirs.start}) after {own.id} "
            f"({own.start}); share a key result of this period or an earlier one"
        )
        found.append(at.problem("CX341", ("shares",), message))
    return found


def _loop(ref: str, shares: Mapping[str, str]) -> list[str]:
    """The refs from `ref` back to it through `shares`, if they lead back; else none."""
    path = [ref]
    current = ref
    while current in shares:
        period = current.split(":", 1)[0]
        parts = parse_ref(shares[current], period)
        current = f"{parts.period}:{parts.team}/{parts.objective}/{parts.kr}"
        if current == ref:
            return [*path, ref]
        if current in path:
            return []  # a loop further on, which its own members report
        path.append(current)
    return []


# --- Deprioritised key results ------------------------------------------------------------


def _state(at: _At) -> list[Problem]:
    kr, objective = at.kr, at.node.objective
    if objective.status is not ACTIVE:
        return []  # its objective's state and reason are its own
    if kr.state is not ACTIVE and not kr.reason:
        message = f"{kr.id} is {kr.state.value} without a reason: say why in reason"
        return [at.problem("CX344", ("state",), message)]
    if kr.state is ACTIVE and kr.reason:
        return [at.problem("CX345", ("reason",), _unread_reason(kr.id))]
    return []


def _unread_reason(name: str) -> str:
    return f"{name} is active: its reason is shown only once it is dropped or postponed"


# --- Check-ins --------------------------------------------------------------------------


def check_checkin_forms(
    rel: str, krs: Mapping[str, KeyResult], entries: Sequence[CheckinEntry], lines: Sequence[int]
) -> list[Problem]:
    """What one log's check-ins carry, for the key results `krs` (by `objective/kr`): a
    share is checked in on the key result it shares; `done`/`undone` only on a checklist,
    naming its items, each done once until reopened; `score` only on a score; a checklist's
    or a score's `value` is not read."""
    found = []
    done: dict[str, dict[str, date]] = {}
    judged = {ref for ref, kr in krs.items() if kr.shares is not None or kr.type in OWN_VALUE}
    for entry, line in zip(entries, lines, strict=True):
        if entry.kr not in judged and entry.score is None and not (entry.done or entry.undone):
            continue  # a value, confidence or note of a plain key result: the common case
        kr = krs.get(entry.kr)
        if kr is not None:
            found += _entry(rel, line, entry, kr, done.setdefault(entry.kr, {}))
    return found


def _entry(
    rel: str, line: int, entry: CheckinEntry, kr: KeyResult, done: dict[str, date]
) -> list[Problem]:
    if kr.shares is not None:
        message = f"{entry.kr} shares {kr.shares}: check in there, where its figures come from"
        return [problem("CX343", rel, line, 1, message)]
    found = []
    kind = kr.type.value
    if (entry.done or entry.undone) and kr.type is not KrType.CHECKLIST:
        message = f"{entry.kr} is a {kind} key result: done and undone name a checklist's items"
        found.append(problem("CX324", rel, line, 1, message))
    if entry.score is not None and kr.type is not KrType.SCORE:
        message = f"{entry.kr} is a {kind} key result: only a score key result takes a score"
        found.append(problem("CX324", rel, line, 1, message))
    if entry.value is not None and kr.type in OWN_VALUE:
        read = "its items done" if kr.type is KrType.CHECKLIST else "the score"
        message = f"{entry.kr} is a {kind} key result: its value is not read, {read} is"
        found.append(problem("CX325", rel, line, 1, message))
    if kr.type is KrType.CHECKLIST:
        found += _items_checked(rel, line, entry, kr, done)
    return found


def _items_checked(
    rel: str, line: int, entry: CheckinEntry, kr: KeyResult, done: dict[str, date]
) -> list[Problem]:
    """Applies the entry's `done` and `undone` to `done` (item -> the day it was done)."""
    ids = [item.id for item in kr.items or ()]
    found = []
    for name in [*(entry.done or ()), *(entry.undone or ())]:
        if name not in ids:
            message = f"{entry.kr} has no item {name!r} (its items: {', '.join(ids) or 'none'})"
            found.append(problem("CX323", rel, line, 1, message))
    for name in entry.done or ():
        if name in done:
            message = f"{entry.kr}: {name} is checked in twice, done since {done[name]}"
            found.append(problem("CX326", rel, line, 1, message))
        elif name in ids:
            done[name] = entry.date
    for name in entry.undone or ():
        done.pop(name, None)
    return found
