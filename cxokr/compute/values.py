"""A key result's values over time: observations, daily values, series and the forecast
fitted through them (DESIGN §2.1, §2.3).

The newest observation at or before a date, among the readings of its metric
(matching its segment) and its own check-ins with a value. No I/O: functions
take models and log entries and return small records.
"""

from __future__ import annotations

import operator
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from cxokr.compute import progress as calc
from cxokr.model import (
    Checkin,
    CheckinEntry,
    KeyResult,
    KrType,
    Period,
    Reading,
    ReadingEntry,
    at_key,
    entry_sort_key,
    not_before,
)


class Observation(NamedTuple):
    """A value of a key result on a date, from a reading of its metric or a check-in."""

    date: date
    value: float
    source: str  # "reading" or "checkin"
    at: float = float("-inf")  # the moment in `at`, for entries of the same date
    by: str | None = None


def observations(
    kr: KeyResult,
    period: Period,
    as_of: date,
    readings: Iterable[Reading | ReadingEntry],
    checkins: Iterable[Checkin | CheckinEntry],
) -> list[Observation]:
    """The period's observations up to `as_of`, oldest first (check-ins after readings on ties)."""
    end = min(as_of, period.end)
    found = [
        Observation(r.date, r.value, "reading", at_key(r.at), r.by)
        for r in readings
        if r.segment == kr.segment and period.start <= r.date <= end
    ]
    found += [
        Observation(c.date, c.value, "checkin", at_key(c.at), c.by)
        for c in checkins
        if c.value is not None and period.start <= c.date <= end
    ]
    found.sort(key=observation_key)
    return found


def daily(points: Iterable[Observation]) -> list[Observation]:
    """The last observation of each day, oldest first: the value each day ended with.

    `points` must be in order. Series and forecasts use one point a day, so a
    metric read every hour weighs no more than one read every day.
    """
    found: list[Observation] = []
    for point in points:
        if found and found[-1].date == point.date:
            found[-1] = point
        else:
            found.append(point)
    return found


def observation_key(point: Observation) -> tuple[date, float, bool]:
    """Order of observations: by date, then the moment in `at`, a check-in after a reading."""
    return (point.date, point.at, point.source == "checkin")


class DailyReadings:
    """One metric's readings for one segment: the last of each day, oldest first, in columns.

    Columns (dates, day numbers, values, `at`) let a report take a key result's
    window with two bisections and a slice, and fit its line with built-in sums,
    instead of creating an object per point for each of thousands of key results.
    """

    __slots__ = ("ats", "dates", "ordinals", "values")

    def __init__(self, readings: Iterable[Reading | ReadingEntry]) -> None:
        """`readings` in log order (date, then `at`), all of one segment."""
        dates: list[date] = []
        values: list[float] = []
        ats: list[datetime | None] = []
        for r in readings:
            if dates and dates[-1] == r.date:
                values[-1], ats[-1] = r.value, r.at
            else:
                dates.append(r.date)
                values.append(r.value)
                ats.append(r.at)
        self.dates = dates
        self.values = values
        self.ats = ats
        self.ordinals = [d.toordinal() for d in dates]

    def span(self, first: date, last: date) -> tuple[int, int]:
        """Index range of the days from `first` to `last`, both included."""
        return bisect_left(self.dates, first), bisect_right(self.dates, last)

    def last_before(self, day: date) -> Observation | None:
        index = bisect_left(self.dates, day)
        if not index:
            return None
        i = index - 1
        return Observation(self.dates[i], self.values[i], "reading", at_key(self.ats[i]))


class _Columns(NamedTuple):
    dates: list[date]
    ordinals: list[int]
    values: list[float]
    sources: list[str]  # may be shorter than dates: readings before it


class Series:
    """A key result's values in its period: one a day, oldest first, as (date, value) pairs.

    Readings of its metric, with check-ins laid over them: the value a day ended
    with is that day's last observation, a check-in winning a tie with a reading.
    The series is laid out, and the forecast line fitted, only when first asked
    for: the text report of a large organization needs neither, only `latest`.
    """

    __slots__ = ("_columns", "_fit", "_fitted", "_noted", "_readings", "_span", "period")

    def __init__(
        self,
        readings: DailyReadings,
        span: tuple[int, int],
        noted: Sequence[Checkin | CheckinEntry],
        period: Period | None = None,
    ) -> None:
        """The readings at `span` (an index range) with `noted` check-ins (with values, in
        log order) laid over them."""
        self._readings = readings
        self._span = span
        self._noted = noted
        self.period = period
        self._columns: _Columns | None = None
        self._fit: Forecast | None = None
        self._fitted = False

    @classmethod
    def of(cls, points: Sequence[Observation], period: Period | None = None) -> Series:
        """The series of daily points already in order (as `daily` gives them)."""
        made = cls(DailyReadings(()), (0, 0), (), period)
        dates = [p.date for p in points]
        made._columns = _Columns(
            dates,
            [d.toordinal() for d in dates],
            [p.value for p in points],
            [p.source for p in points],
        )
        return made

    @property
    def span(self) -> tuple[int, int]:
        """The index range of the readings in the window."""
        return self._span

    @property
    def parts(self) -> tuple[DailyReadings, Sequence[Checkin | CheckinEntry]]:
        """The readings and check-ins it is laid out from: `Series(readings, span, noted,
        period)` makes the same series again (a kept report is read back so)."""
        return self._readings, self._noted

    @property
    def newest_reading(self) -> date | None:
        """The day of the newest reading in the window, check-ins aside; None without one."""
        lo, hi = self._span
        return self._readings.dates[hi - 1] if hi > lo else None

    @property
    def dates(self) -> list[date]:
        return self._laid_out().dates

    @property
    def ordinals(self) -> list[int]:
        return self._laid_out().ordinals

    @property
    def values(self) -> list[float]:
        return self._laid_out().values

    def source(self, index: int) -> str:
        """Where the value at `index` came from: "reading" or "checkin"."""
        sources = self._laid_out().sources
        return sources[index] if index < len(sources) else "reading"

    def latest(self) -> Observation | None:
        """The last point, found without laying the series out."""
        if self._columns is not None:
            if not self._columns.dates:
                return None
            at = len(self._columns.dates) - 1
            return Observation(self.dates[at], self.values[at], self.source(at))
        lo, hi = self._span
        noted = self._noted[-1] if self._noted else None
        if hi > lo:
            r, i = self._readings, hi - 1
            day = r.dates[i]
            if (
                noted is None
                or noted.date < day
                or (noted.date == day and not not_before(noted.at, r.ats[i]))
            ):
                return Observation(day, r.values[i], "reading")
        if noted is None:
            return None
        assert noted.value is not None
        return Observation(noted.date, noted.value, "checkin")

    @property
    def forecast(self) -> Forecast | None:
        """The least-squares line through the series, projected to the period's end."""
        if not self._fitted:
            self._fit = None if self.period is None else forecast(self, self.period)
            self._fitted = True
        return self._fit

    def _laid_out(self) -> _Columns:
        if self._columns is None:
            self._columns = _lay_out(self._readings, self._span, self._noted)
        return self._columns

    def __len__(self) -> int:
        return len(self.dates)

    def __bool__(self) -> bool:
        return self.latest() is not None

    def __iter__(self) -> Iterator[tuple[date, float]]:
        return zip(self.dates, self.values, strict=True)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Series):
            return self.dates == other.dates and self.values == other.values
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Series({list(self)!r})"


def series(
    readings: DailyReadings,
    period: Period,
    last: date,
    checkins: Iterable[Checkin | CheckinEntry],
) -> Series:
    """The daily series from the period's start to `last`: readings with check-ins laid over.

    `checkins` are one key result's, in log order (date, then `at`); those with a
    value inside the window count. Equal to `daily(observations(...))`, which
    spells the rule out; this is the fast form of it.
    """
    first = period.start
    noted = [c for c in checkins if c.value is not None and first <= c.date <= last]
    return Series(readings, readings.span(first, last), noted, period)


def _lay_out(
    readings: DailyReadings, span: tuple[int, int], noted: Sequence[Checkin | CheckinEntry]
) -> _Columns:
    lo, hi = span
    dates = readings.dates[lo:hi]
    ordinals = readings.ordinals[lo:hi]
    values = readings.values[lo:hi]
    if not noted:
        return _Columns(dates, ordinals, values, [])
    ats = readings.ats[lo:hi]
    sources = ["reading"] * len(dates)
    for c in noted:
        assert c.value is not None
        i = bisect_left(dates, c.date)
        if i < len(dates) and dates[i] == c.date:
            # A reading yields to a check-in at the same moment or later; log order
            # brings a day's later check-ins after its earlier ones.
            if not_before(c.at, ats[i]):
                values[i], ats[i], sources[i] = c.value, c.at, "checkin"
        else:
            dates.insert(i, c.date)
            ordinals.insert(i, c.date.toordinal())
            values.insert(i, c.value)
            ats.insert(i, c.at)
            sources.insert(i, "checkin")
    return _Columns(dates, ordinals, values, sources)


def start_from_readings(
    kr: KeyResult, period: Period, readings: Iterable[Reading | ReadingEntry]
) -> float | None:
    """The metric's newest reading (matching the segment) dated before the period starts."""
    mine = sorted((r for r in readings if r.segment == kr.segment), key=entry_sort_key)
    before = DailyReadings(mine).last_before(period.start)
    return before.value if before else None


# --- A guardrail's memory ----------------------------------------------------------------


class Watch(NamedTuple):
    """A guardrail's days in its period so far: how many were observed, and those whose
    value (the last observation of the day) crossed its line, oldest first."""

    observed: int
    breached: tuple[date, ...]

    @property
    def held(self) -> float | None:
        """The share of observed days the line held; None when no day was observed."""
        if not self.observed:
            return None
        return (self.observed - len(self.breached)) / self.observed


def watch(points: Series, kr_type: KrType, line: float) -> Watch:
    """The days of `points` (one a day) a guardrail of `kr_type` held its `line` or not."""
    breached = tuple(day for day, value in points if not calc.holds(kr_type, value, line))
    return Watch(len(points), breached)


def grade(
    kr_type: KrType, progress: float | None, points: Series, line: float | None
) -> float | None:
    """A key result's grade (DESIGN §2.3): its clamped progress; for a guardrail, the share
    of observed days it held its line, so a breach is remembered after the value recovers."""
    if kr_type in calc.GUARDRAILS and line is not None:
        return watch(points, kr_type, line).held
    return calc.clamped(progress)


# --- Forecast ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Forecast:
    """A least-squares line through the observations, projected to the period end."""

    slope_per_day: float
    intercept: float
    value_at_end: float
    points: int


def forecast(points: Series, period: Period) -> Forecast | None:
    """Fit value = intercept + slope * (days since period start); None without two distinct days."""
    days = points.ordinals
    if len(days) < 2 or days[0] == days[-1]:
        return None
    origin = period.start.toordinal()
    xs = [day - origin for day in days]
    ys = points.values
    n = len(xs)
    sum_x, sum_y = sum(xs), sum(ys)
    sxx = n * sum(map(operator.mul, xs, xs)) - sum_x * sum_x
    sxy = n * sum(map(operator.mul, xs, ys)) - sum_x * sum_y
    slope = sxy / sxx
    intercept = (sum_y - slope * sum_x) / n
    end_x = float((period.end - period.start).days)
    return Forecast(slope, intercept, intercept + slope * end_x, n)
