"""A key result's steps, each a pure function of its figures (`rows` runs them in order).

Where its progress runs from and to (`start`), its raw progress (`progress`), what that
progress flags beyond its status (`flags`), and its grade once its period has ended
(`graded`).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

from cxokr.compute import progress as calc
from cxokr.compute import values
from cxokr.compute.report_data import StartSource
from cxokr.model import (
    FIRST,
    CheckinEntry,
    Direction,
    KeyResult,
    KrType,
    Metric,
    ObjectiveStatus,
    Period,
    StartReading,
)

NO_READINGS = values.DailyReadings(())  # what a key result without a metric reads
OWN_VALUES = (KrType.CHECKLIST, KrType.SCORE)  # whose check-ins are valued (`valued`)


def start(
    kr: KeyResult,
    period: Period,
    readings: values.DailyReadings,
    points: values.Series,
    as_of: date,
) -> tuple[float | None, StartSource, float | None]:
    """Where the progress of `kr` runs from (and where that came from) and to.

    A milestone runs from 0, unless its file says otherwise, to 1, unless its file names
    another target; a checklist from 0 to its items' total weight; a score from 0 to 1. A
    target runs from the file's start: a number; `{reading: DATE}`, its metric's reading on
    that day or the newest before (as known on `as_of`); `first`, the first observation in
    the period (`points`); without one, its metric's newest reading before the period. A relative target (`+10%`,
    or `change`) is counted from that start, and has none while the start is unknown.
    """
    if kr.type is KrType.DONE:
        return (_number(kr.start) or 0.0), "file", (_number(kr.target) or 1.0)
    if kr.type is KrType.CHECKLIST:
        return 0.0, "file", sum(item.weight for item in kr.items or ())
    if kr.type is KrType.SCORE:
        return 0.0, "file", 1.0
    found, source = _start_value(kr, period, readings, points, as_of)
    return found, source, target(kr, found)


def _start_value(
    kr: KeyResult,
    period: Period,
    readings: values.DailyReadings,
    points: values.Series,
    as_of: date,
) -> tuple[float | None, StartSource]:
    if type(kr.start) is float or type(kr.start) is int:
        return float(kr.start), "file"
    if isinstance(kr.start, StartReading):
        found = readings.last_before(min(kr.start.reading, as_of) + timedelta(days=1))
        return (found.value, "reading") if found else (None, "none")
    if kr.start == FIRST:
        first = next(iter(points), None)
        return (first[1], "first") if first else (None, "none")
    if kr.type is KrType.TARGET:
        before = readings.last_before(period.start)
        return (before.value, "reading") if before else (None, "none")
    return None, "file"  # a guardrail's line is its target alone


def target(kr: KeyResult, start: float | None) -> float | None:
    """The target `kr` runs to: the file's number, or relative to `start` (`+10%`: start ×
    1.10; `change: -2.5`: start - 2.5); None while a relative target has no start."""
    if start is None and (isinstance(kr.target, str) or kr.change is not None):
        return None
    # In decimal, as written: 60 + 10% is 66, not 66.00000000000001.
    if isinstance(kr.target, str):
        return float(_decimal(start) * (100 + Decimal(kr.target[:-1])) / 100)
    if kr.change is not None:
        return float(_decimal(start) + _decimal(kr.change))
    return kr.target


def _decimal(value: float | None) -> Decimal:
    assert value is not None
    return Decimal(repr(value))


def relative(kr: KeyResult) -> str | None:
    """How a relative target was written (`+10%`, `+2.5`), for showing it both ways."""
    if type(kr.target) is str:
        return kr.target
    if kr.change is not None:
        return f"{kr.change:+g}"
    return None


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, float | int) else None


def progress(
    kr_type: KrType,
    value: float | None,
    start: float | None,
    target: float | None,
    metric: Metric | None,
) -> float | None:
    """The raw progress of a key result (`cxokr.compute.progress.progress`). A target whose start equals it
    (an error `cxokr check` reports) has nothing to move: it is reached (1) while its value
    is at or beyond the target in its metric's direction (higher without a metric), else 0."""
    if kr_type is KrType.TARGET and value is not None and start is not None and start == target:
        lower = metric is not None and metric.direction is Direction.LOWER
        return 1.0 if (value <= start if lower else value >= start) else 0.0
    return calc.progress(kr_type, value, start, target)


def flags(
    kr_type: KrType, progress: float | None, state: ObjectiveStatus
) -> tuple[bool, bool, bool]:
    """What the progress of a key result says beyond its status: a target behind its start
    (regression) or past its target (over-achieved), a guardrail off its line (breached).
    The key result of a dropped or postponed objective is deprioritised: it raises no alarm."""
    if progress is None:
        return False, False, False
    target = kr_type is KrType.TARGET
    alarm = state is ObjectiveStatus.ACTIVE
    return (
        alarm and target and progress < 0,
        target and progress > 1,
        alarm and kr_type in calc.GUARDRAILS and progress == 0.0,
    )


def graded(progress: float | None, ended: bool) -> tuple[float | None, str | None]:
    """The grade (clamped progress) and its band, once the period has ended."""
    if not ended or progress is None:
        return None, None
    return progress, calc.band(progress).value


def kr_graded(
    kr_type: KrType,
    progress: float | None,
    points: values.Series,
    target: float | None,
    ended: bool,
) -> tuple[float | None, str | None]:
    """A key result's grade and band once its period has ended (`values.grade`: a
    guardrail's is the share of observed days it held)."""
    return graded(values.grade(kr_type, progress, points, target) if ended else None, ended)


# --- Checklists and scores: what their check-ins say, as values -----------------------


def valued(kr: KeyResult, checkins: list[CheckinEntry]) -> list[CheckinEntry]:
    """The check-ins of `kr` with the value its progress reads: a checklist's is the weight
    of its items done once `done` and `undone` are applied in order (an entry naming
    neither has none); a score's is its `score`; any other's is its own `value`."""
    if kr.type is KrType.SCORE:
        return [c._replace(value=c.score) for c in checkins]
    if kr.type is not KrType.CHECKLIST:
        return checkins
    weights = {item.id: item.weight for item in kr.items or ()}
    done: set[str] = set()
    found = []
    for c in checkins:
        if c.done is None and c.undone is None:
            found.append(c._replace(value=None))
            continue
        done |= set(c.done or ()) & weights.keys()
        done -= set(c.undone or ())
        found.append(c._replace(value=float(sum(weights[item] for item in done))))
    return found


def items_done(kr: KeyResult, checkins: list[CheckinEntry]) -> dict[str, date]:
    """The checklist items done after `checkins` (in log order), each with the day it was
    last marked done."""
    done: dict[str, date] = {}
    for c in checkins:
        for item in c.done or ():
            done[item] = c.date
        for item in c.undone or ():
            done.pop(item, None)
    return done


# --- What the date expects -------------------------------------------------------------


def expected(
    kr: KeyResult, period: Period, as_of: date, start: float | None, target: float | None
) -> float:
    """What `as_of` expects of `kr` (DESIGN §2.3): a milestone, 0 before it is due (`due`,
    else its period's last day) and 1 from then; a checklist, the weighted share of items
    due by then (an item without `due` is due on the period's last day); with a `schedule`,
    the line through its steps (the period's start a step at 0, its end at the target);
    else the share of the period elapsed."""
    if kr.type is KrType.DONE:
        return 1.0 if as_of >= (kr.due or period.end) else 0.0
    if kr.type is KrType.CHECKLIST:
        items = kr.items or []
        due = [(i.weight, as_of >= (i.due or period.end)) for i in items]
        total = sum(weight for weight, _ in due)
        return sum(weight for weight, is_due in due if is_due) / total if total else 0.0
    if kr.schedule and start is not None and target is not None and target != start:
        return scheduled(kr.schedule, period, as_of, start, target)
    return calc.expected(period, as_of)


def scheduled(
    schedule: dict[date, float], period: Period, as_of: date, start: float, target: float
) -> float:
    """The progress a schedule expects on `as_of`: linear, in the period's elapsed share,
    between the steps around it; a step outside the period (`cxokr check` says so) or on
    its last day (where the target is the step) is passed over."""
    days = calc.period_days(period)
    steps = [(0.0, 0.0)]
    for day, value in sorted(schedule.items()):
        if period.start <= day < period.end:
            steps.append((calc.day_of(period, day) / days, (value - start) / (target - start)))
    steps.append((1.0, 1.0))
    now = calc.expected(period, as_of)
    for (x0, y0), (x1, y1) in pairwise(steps):
        if now <= x1:
            return y1 if x1 == x0 else y0 + (y1 - y0) * (now - x0) / (x1 - x0)
    return 1.0
