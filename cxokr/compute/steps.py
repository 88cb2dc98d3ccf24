"""A key result's steps, each a pure function of its figures (`rows` runs them in order).

Where its progress runs from and to (`start`), its raw progress (`progress`), what that
progress flags beyond its status (`flags`), and its grade once its period has ended
(`graded`).
"""

from __future__ import annotations

from cxokr.compute import progress as calc
from cxokr.compute import values
from cxokr.compute.report_data import StartSource
from cxokr.model import Direction, KeyResult, KrType, Metric, ObjectiveStatus, Period

NO_READINGS = values.DailyReadings(())  # what a key result without a metric reads


def start(
    kr: KeyResult, period: Period, readings: values.DailyReadings
) -> tuple[float | None, StartSource, float | None]:
    """Where the progress of `kr` runs from (and where that came from) and to.

    The start is the file's. A milestone runs from 0, unless its file says otherwise, to 1,
    unless its file names another target. A target without a start runs from its metric's
    newest reading before the period, or has no start.
    """
    if kr.type is KrType.DONE:
        return (kr.start if kr.start is not None else 0.0), "file", (kr.target or 1.0)
    if kr.start is None and kr.type is KrType.TARGET:
        before = readings.last_before(period.start)
        if before is None:
            return None, "none", kr.target
        return before.value, "reading", kr.target
    return kr.start, "file", kr.target


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
