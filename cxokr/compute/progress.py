"""Pure math: progress, pace, status, staleness and grades (DESIGN §2.2, §2.3).

A key result's values over time, and the forecast fitted through them, are in
`values`.

No I/O and no knowledge of files: functions take plain values and models and
return numbers and small frozen records, so every figure in a report can be
recomputed and explained from its inputs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from enum import StrEnum

from cxokr.model import (
    Checkin,
    CheckinEntry,
    KrType,
    Period,
    Thresholds,
)


class Status(StrEnum):
    DONE = "done"
    ON_TRACK = "on track"
    AT_RISK = "at risk"
    OFF_TRACK = "off track"
    NO_DATA = "no data"


class Band(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


# Key results that hold a line rather than move towards a target. A tuple: a set would
# hash each member through Enum's hash, written in Python, for every key result.
GUARDRAILS = (KrType.STAY_ABOVE, KrType.STAY_BELOW)


# --- Time --------------------------------------------------------------------------


def period_days(period: Period) -> int:
    """Days in the period, both ends included."""
    return (period.end - period.start).days + 1


def day_of(period: Period, as_of: date) -> int:
    """Which day of the period `as_of` is (1-based), clamped to the period."""
    return max(0, min((as_of - period.start).days + 1, period_days(period)))


def expected(period: Period, as_of: date) -> float:
    """The share of the period elapsed at the end of day `as_of`: day N of M gives N / M."""
    return day_of(period, as_of) / period_days(period)


def contains(period: Period, day: date) -> bool:
    return period.start <= day <= period.end


# --- Progress ------------------------------------------------------------------------


def progress(
    kr_type: KrType, value: float | None, start: float | None, target: float | None
) -> float | None:
    """Raw progress of one key result: not clamped (regression < 0, over-achievement > 1)."""
    if value is None:
        return None
    if kr_type is KrType.DONE:
        return 1.0 if value >= 1 else 0.0
    if target is None:
        return None
    if kr_type in GUARDRAILS:
        return 1.0 if holds(kr_type, value, target) else 0.0
    if start is None or start == target:
        return None
    return (value - start) / (target - start)


def holds(kr_type: KrType, value: float, line: float) -> bool:
    """Whether a guardrail's value holds its line: at or above it (`stay_above`), at or below
    it (`stay_below`)."""
    return value >= line if kr_type is KrType.STAY_ABOVE else value <= line


def clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def weighted_mean(terms: Sequence[tuple[float, float]]) -> float | None:
    """Weighted mean of (value, weight) pairs, values clamped to [0, 1]; None when empty."""
    total = sum(weight for _, weight in terms)
    if not terms or total <= 0:
        return None
    return sum(clamp(value) * weight for value, weight in terms) / total


def clamped(value: float | None) -> float | None:
    return None if value is None else clamp(value)


def roll_up(terms: Iterable[tuple[float | None, float]]) -> float | None:
    """Weighted mean of (progress, weight); no data counts as 0, unless nothing has data."""
    found = list(terms)
    if all(value is None for value, _ in found):
        return None
    return weighted_mean([(value or 0.0, weight) for value, weight in found])


# --- Figures as shown ------------------------------------------------------------------

# Pace and grades are shown to two decimals, and compared with their thresholds as shown:
# a grade computed as 0.39999999999999974 reads "0.40" and is yellow, as the legend says,
# and a pace that reads "0.90" is on track at the default `on_track` of 0.9.
SHOWN_DIGITS = 2


def as_shown(value: float) -> float:
    """`value` rounded as reports show it (two decimals): what thresholds are compared with."""
    return round(value, SHOWN_DIGITS)


# --- Pace and status --------------------------------------------------------------------


def pace(progress_value: float | None, expected_value: float) -> float | None:
    if progress_value is None or expected_value <= 0:
        return None
    return progress_value / expected_value


def status(
    progress_value: float | None,
    expected_value: float,
    thresholds: Thresholds,
    guardrail: bool = False,
) -> Status:
    """The status rule of DESIGN §2.3, on the pace as shown; a guardrail is on track while it
    holds."""
    if progress_value is None:
        return Status.NO_DATA
    if guardrail:
        return Status.ON_TRACK if progress_value >= 1 else Status.OFF_TRACK
    if progress_value >= 1:
        return Status.DONE
    current = pace(progress_value, expected_value)
    if current is None:  # nothing expected yet: any progress keeps pace
        return Status.ON_TRACK if progress_value >= 0 else Status.OFF_TRACK
    current = as_shown(current)
    if current >= thresholds.on_track:
        return Status.ON_TRACK
    if current >= thresholds.at_risk:
        return Status.AT_RISK
    return Status.OFF_TRACK


# --- Milestones ----------------------------------------------------------------------------


def milestone_expected(period: Period, as_of: date) -> float:
    """What a milestone (without `due`) is expected to have reached on `as_of`: it is due on
    its period's last day, so 0 before that day and 1 from it."""
    return 1.0 if as_of >= period.end else 0.0


def milestone_status(
    progress_value: float | None, expected_value: float, confidence: float | None
) -> Status:
    """A milestone is done or not, so before it is due no pace can say it is behind: until
    then its status is the owner's latest confidence in the usual bands (0.7 and above on
    track, 0.4 and above at risk, below off track), and on track without one. From its due
    day it is off track until done."""
    if progress_value is not None and progress_value >= 1:
        return Status.DONE
    if expected_value >= 1:
        return Status.OFF_TRACK
    if confidence is None:
        return Status.ON_TRACK
    return _BY_CONFIDENCE[band(confidence)]


# --- Staleness ---------------------------------------------------------------------------


def last_update(
    checkins: Iterable[Checkin | CheckinEntry],
    newest_reading: date | None,
    period: Period,
    as_of: date,
) -> date | None:
    """The day a key result was last updated in its period, up to `as_of`: its newest
    check-in (with a value or only a confidence or note) or `newest_reading`, the newest
    reading of its metric and segment in that time; None when neither."""
    end = min(as_of, period.end)
    days = [c.date for c in checkins if period.start <= c.date <= end]
    if newest_reading is not None:
        days.append(newest_reading)
    return max(days, default=None)


def is_stale(last_update: date | None, period: Period, as_of: date, stale_after_days: int) -> bool:
    """No check-in or reading for more than `stale_after_days` while the period is running,
    counted from `last_update`, or from the period's start when there was none."""
    if not contains(period, as_of):
        return False
    since = last_update if last_update is not None else period.start
    return (as_of - since).days > stale_after_days


# --- Grade -------------------------------------------------------------------


def band(score: float) -> Band:
    """The usual OKR grading bands of the grade as shown (two decimals): 0.7–1.0 green,
    0.4–0.7 yellow, below red."""
    score = as_shown(score)
    if score >= 0.7:
        return Band.GREEN
    if score >= 0.4:
        return Band.YELLOW
    return Band.RED


_BY_CONFIDENCE = {
    Band.GREEN: Status.ON_TRACK,
    Band.YELLOW: Status.AT_RISK,
    Band.RED: Status.OFF_TRACK,
}
