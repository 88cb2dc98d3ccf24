"""What `cxokr explain` says of a key result by its form: what it measures and its value,
where its progress runs from and to, its progress formula and what the date expects of it,
with the figures to redo each (DESIGN §1, §2.2-2.3; the steps are `steps`' own).

A start from `{reading: DATE}` names the reading and its day, `first` the first
observation; a relative target gives its arithmetic (`+10% of 56 = 56 × 1.1 = 61.6`); a
checklist lists its items (weight, due, done or reopened); a score, its latest; a
schedule, the steps around the date and the line between them; a milestone, its due day.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

from cxokr.compute import progress as calc
from cxokr.compute import values, wholes
from cxokr.compute.explain_figures import deciding
from cxokr.compute.explain_figures import fmt as _f
from cxokr.compute.report_data import KrRow
from cxokr.load.workspace import Workspace
from cxokr.model import FIRST, KeyResult, KrType, ObjectiveStatus, Period, StartReading


def model_of(ws: Workspace, kr: KrRow) -> KeyResult | None:
    """The key result as its file writes it."""
    found = ws.okrs.get((kr.period, kr.team))
    objective = next((o for o in found.objectives if o.id == kr.objective), None) if found else None
    return next((k for k in objective.key_results if k.id == kr.id), None) if objective else None


def elapsed(as_of: date, period: Period, expected: float) -> str:
    """The share of `period` elapsed on `as_of`, as the day of the period it is."""
    day, days = calc.day_of(period, as_of), calc.period_days(period)
    return f"day {day} of {days} of {period.id} = {day} / {days} = {_f(expected)}"


def _unit(kr: KrRow) -> str:
    return f" {kr.unit}" if kr.unit else ""


# --- Who and in what state ---------------------------------------------------------------


def about(kr: KrRow, model: KeyResult | None, objective: ObjectiveStatus) -> Iterator[str]:
    """Its owners, and the state that keeps a deprioritised key result out of roll-ups."""
    owners = ", ".join(kr.owners) or "none named"
    whose = " (its objective's)" if kr.owners and model is not None and not model.owner else ""
    yield f"  owners    {owners}{whose}"
    yield from state(kr, objective)


def state(kr: KrRow, objective: ObjectiveStatus) -> Iterator[str]:
    """Why a deprioritised key result is left out of roll-ups: alone, or with its objective."""
    if kr.state is ObjectiveStatus.ACTIVE:
        return
    reason = f": {kr.reason}" if kr.reason else ""
    if objective is ObjectiveStatus.ACTIVE:
        yield (
            f"  state     {kr.state} alone{reason}; its figures stand, but it is left out of "
            "its objective's roll-up"
        )
    else:
        yield f"  state     {kr.state} with its objective{reason}; left out of every roll-up"


def note(kr: KrRow) -> Iterator[str]:
    """The newest check-in note, beside the numbers."""
    if kr.note is not None:
        yield f"  note      {kr.note_date}: {kr.note}"


# --- What it measures, its value, where it runs from and to ------------------------------

_START_FROM = {
    "file": "from the file",
    "reading": "newest reading before the period",
    "first": "first observation",
    "none": "unknown",
}


def measured(
    ws: Workspace, kr: KrRow, model: KeyResult | None, as_of: date, period: Period
) -> Iterator[str]:
    """What the key result measures, its value on the date, and where it runs from and to."""
    unit = _unit(kr)
    measures = (
        f"metric {kr.metric}" + (f" ({kr.segment})" if kr.segment else "")
        if kr.metric
        else f"own unit{unit}"
    )
    direction = f", {kr.direction} is better" if kr.direction else ""
    yield f"  type      {kr.type}, {measures}{direction}, weight {_f(kr.weight)}"
    yield f"  value     {_value(kr, as_of)}{_derived(ws, kr)}"
    yield f"  start     {_start(ws, kr, model, period)}"
    yield f"  target    {_target(kr, model)}"


def _derived(ws: Workspace, kr: KrRow) -> str:
    """`, derived from online, in-store weighted by orders` where the value is a whole reading
    derived from the metric's segments (`whole`), not one recorded."""
    name = kr.metric if kr.segment is None else None
    metric = ws.metrics.get(name) if name else None
    rule = wholes.rule(metric) if metric is not None else None
    if name is None or rule is None or kr.value_source != "reading":
        return ""
    day = [r for r in wholes.readings_of(ws, name, None) if r.date == kr.value_date]
    if not day or not isinstance(day[-1], wholes.DerivedReading):
        return ""
    return f", derived from {rule.said()}"


def _value(kr: KrRow, as_of: date) -> str:
    unit = _unit(kr)
    if kr.type is KrType.CHECKLIST:
        if kr.value_date is None:
            return f"{_f(kr.value)}{unit}  no item done yet"
        return f"{_f(kr.value)}{unit}  the weight of its items done as of {kr.value_date}"
    if kr.value is None:
        if kr.type is KrType.SCORE:
            return "none: no score checked in during the period yet"
        return "none: no reading or check-in with a value in the period yet"
    if kr.type is KrType.SCORE:
        return f"{_f(kr.value)}  the owner's latest score, checked in on {kr.value_date}"
    return f"{_f(kr.value)}{unit}  newest {kr.value_source} at or before {as_of}: {kr.value_date}"


def _start(ws: Workspace, kr: KrRow, model: KeyResult | None, period: Period) -> str:
    """Where the progress runs from, and which reading or observation gave it."""
    shown = _f(kr.start)
    if kr.type is KrType.CHECKLIST:
        return f"{shown}  a checklist starts with nothing done"
    if kr.type is KrType.SCORE:
        return f"{shown}  a score runs from 0 to 1"
    written = model.start if model is not None else None
    if isinstance(written, StartReading):
        return f"{shown}  {_dated_reading(ws, kr, written.reading)}"
    if written == FIRST:
        if kr.start is None:
            return f"none  first: no observation in {period.id} yet"
        return (
            f"{shown}  first: the first observation in {period.id}, the "
            f"{kr.series.source(0)} of {kr.series.dates[0]}"
        )
    if kr.start_source == "reading" and kr.metric:
        day = _reading_before(ws, kr, period.start)
        return f"{shown}  newest reading before the period: {kr.metric}{_segment(kr)} on {day}"
    return f"{shown}  {_START_FROM[kr.start_source]}"


def _segment(kr: KrRow) -> str:
    return f" ({kr.segment})" if kr.segment else ""


def _reading_before(ws: Workspace, kr: KrRow, day: date) -> date | None:
    """The day of the metric's newest reading (of its segment) before `day`, as `steps`
    reads it."""
    mine = wholes.readings_of(ws, kr.metric, kr.segment) if kr.metric else []
    found = values.DailyReadings(mine).last_before(day)
    return found.date if found else None


def _dated_reading(ws: Workspace, kr: KrRow, day: date) -> str:
    """`start: {reading: DATE}`: which reading gave the start, and its day."""
    written = f"(start: {{reading: {day}}})"
    found = _reading_before(ws, kr, day + timedelta(days=1))
    metric = f"{kr.metric}{_segment(kr)}"
    if found is None:
        return f"no {metric} reading on or before {day} yet {written}"
    if found == day:
        return f"the {metric} reading of {day} {written}"
    return f"the {metric} reading of {found}, the newest before {day} {written}"


def _target(kr: KrRow, model: KeyResult | None) -> str:
    """The target, and how a relative one is counted from the start."""
    if kr.type is KrType.CHECKLIST:
        return f"{_f(kr.target)}{_unit(kr)}  the total weight of its {len(kr.items)} items"
    if kr.type is KrType.SCORE:
        return f"{_f(kr.target)}  a score's whole"
    if kr.relative is None:
        return _f(kr.target)
    if kr.start is None or kr.target is None:
        return f"none  {kr.relative} of the start, unknown until it is"
    if model is not None and model.change is not None:
        return f"change {kr.relative} from {_f(kr.start)} = {_f(kr.target)}"
    factor = format(((100 + Decimal(kr.relative[:-1])) / 100).normalize(), "f")
    return f"{kr.relative} of {_f(kr.start)} = {_f(kr.start)} × {factor} = {_f(kr.target)}"


# --- A checklist's items ---------------------------------------------------------------


def items(ws: Workspace, kr: KrRow, as_of: date, period: Period) -> Iterator[str]:
    """A checklist's items, each with its weight, due day, and the day it was done or
    reopened, from its check-ins in log order (`done` and `undone`, cumulatively)."""
    if kr.type is not KrType.CHECKLIST:
        return
    reopened = _reopened(ws, kr, as_of)
    yield f"  items     {len(kr.items)}, with their weight and due day (none given: {period.end}):"
    for item in kr.items:
        if item.done is not None:
            done = f"done {item.done}"
        elif item.id in reopened:
            done = f"not done: done {reopened[item.id][0]}, reopened {reopened[item.id][1]}"
        else:
            done = "not done"
        yield f"    {item.id}  {item.title}: weight {_f(item.weight)}, due {item.due}, {done}"


def _reopened(ws: Workspace, kr: KrRow, as_of: date) -> dict[str, tuple[date, date]]:
    """The items last reopened by `undone`: the day each was done and the day reopened."""
    log = ws.checkins.get((kr.period, kr.team))
    name = f"{kr.objective}/{kr.id}"
    done: dict[str, date] = {}
    found: dict[str, tuple[date, date]] = {}
    for c in log.entries if log else ():
        if c.kr != name or c.date > as_of:
            continue
        for item in c.done or ():
            done[item] = c.date
            found.pop(item, None)
        for item in c.undone or ():
            if item in done:
                found[item] = (done.pop(item), c.date)
    return found


# --- Progress ----------------------------------------------------------------------------


def progress(kr: KrRow) -> Iterator[str]:
    """The progress formula of the key result's type, with its numbers, and what it flags."""
    if kr.progress is None:
        yield "  progress  none"
    elif kr.type is KrType.TARGET:
        yield (
            f"  progress  (value - start) / (target - start) = ({_f(kr.value)} - {_f(kr.start)}) / "
            f"({_f(kr.target)} - {_f(kr.start)}) = {_f(kr.progress)}"
        )
    elif kr.type in calc.GUARDRAILS:
        sign = "≥" if kr.type is KrType.STAY_ABOVE else "≤"
        holds = "holds" if kr.progress >= 1 else "does not hold"
        value = _beside(kr.value, kr.target)
        yield f"  progress  {value} {sign} {_f(kr.target)} {holds}: {_f(kr.progress)}"
    elif kr.type is KrType.CHECKLIST:
        done = _sum(i.weight for i in kr.items if i.done is not None)
        yield (
            f"  progress  weight done / total weight = {done} / {_f(kr.target)} = {_f(kr.progress)}"
        )
    elif kr.type is KrType.SCORE:
        yield f"  progress  the latest score: {_f(kr.progress)}"
    else:
        yield f"  progress  milestone value {_f(kr.value)}: {_f(kr.progress)}"
    if kr.regression:
        yield "            below 0: a regression from the start"
    if kr.overachieved:
        yield "            above 1: over-achieved (roll-ups count it as 1)"


def _sum(weights: Iterable[float]) -> str:
    """A sum of weights as written out: `1`, `(1 + 2)`, or `0` for none."""
    each = [_f(w) for w in weights]
    return f"({' + '.join(each)})" if len(each) > 1 else (each[0] if each else "0")


def _beside(value: float | None, line: float | None) -> str:
    """A value compared with `line` as it is: with the digits that put it on its side."""
    return _f(value) if value is None or line is None else deciding(value, (line,))


# --- What the date expects ----------------------------------------------------------------


def expected(kr: KrRow, as_of: date, period: Period) -> Iterator[str]:
    """What the date expects of the key result (`steps.expected`): by its due day, its
    items due, its schedule, else the share of its period elapsed."""
    if kr.type is KrType.DONE:
        if kr.due is None:
            yield f"  expected  due on {period.end}, the last day of {period.id}: {_f(kr.expected)}"
        else:
            yield f"  expected  due on {kr.due}, 0 before that day and 1 from it: {_f(kr.expected)}"
    elif kr.type is KrType.CHECKLIST:
        due = [i for i in kr.items if as_of >= i.due]
        named = f" (due: {', '.join(i.id for i in due)})" if due else ""
        yield (
            f"  expected  weight due by {as_of} / total weight = {_sum(i.weight for i in due)} / "
            f"{_f(kr.target)} = {_f(kr.expected)}{named}"
        )
    elif kr.schedule and kr.start is not None and kr.target is not None and kr.start != kr.target:
        yield from _scheduled(kr, as_of, period)
    else:
        yield f"  expected  {elapsed(as_of, period, kr.expected)}"
        if kr.schedule:
            yield "            its schedule needs a known start and target to apply"


def _scheduled(kr: KrRow, as_of: date, period: Period) -> Iterator[str]:
    """The schedule's steps as progress, and the line between the two around the date."""
    assert kr.start is not None and kr.target is not None
    start, target = _f(kr.start), _f(kr.target)
    yield (
        "  schedule  each step's progress (value - start) / (target - start); the period's "
        "start is a step at 0, its end one at 1:"
    )
    steps: list[tuple[int, float, str]] = [(0, 0.0, f"{period.start}, the period's start")]
    for step in kr.schedule:
        if step.date == period.end:
            yield (
                f"    {step.date}  {_f(step.value)}: the last day of {period.id}, where the "
                "target is the step: passed over"
            )
            continue
        if not period.start <= step.date < period.end:
            yield f"    {step.date}  {_f(step.value)}: outside {period.id} (cxokr check): passed over"
            continue
        day = calc.day_of(period, step.date)
        yield (
            f"    {step.date}  day {day}: ({_f(step.value)} - {start}) / ({target} - {start}) "
            f"= {_f(step.progress)}"
        )
        steps.append((day, step.progress or 0.0, str(step.date)))
    days = calc.period_days(period)
    steps.append((days, 1.0, f"{period.end}, the period's end"))
    yield from _between(steps, calc.day_of(period, as_of), days, kr.expected)


def _between(
    steps: list[tuple[int, float, str]], day: int, days: int, expected: float
) -> Iterator[str]:
    """The line between the steps around `day` of `days`, in days elapsed."""
    for (d0, y0, at0), (d1, y1, at1) in pairwise(steps):
        if day <= d1:
            yield (
                f"  expected  day {day} of {days}, between {at0} (day {d0}, {_f(y0)}) and {at1} "
                f"(day {d1}, {_f(y1)}):"
            )
            yield (
                f"            {_f(y0)} + ({_f(y1)} - {_f(y0)}) × ({day} - {d0}) / ({d1} - {d0}) "
                f"= {_f(expected)}"
            )
            return
