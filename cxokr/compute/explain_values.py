"""What `cxokr explain` says of a key result's observations: which of a day's observations
gave its value, the points and line behind its forecast, and a guardrail's breached days
and grade (DESIGN §2.1, §2.3).

The rules are `values`' own: a day's observations are ordered by `observation_key`,
the last wins; the forecast is `values.forecast` through the daily series.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

from cxokr.compute import values, wholes
from cxokr.compute.explain_figures import band_rule, fmt
from cxokr.compute.report_data import KrRow
from cxokr.load.workspace import Workspace
from cxokr.model import KrType, Period, at_key

# The ordering `values.observation_key` applies, in words.
ORDER = (
    "by `at`, the moment (an entry without `at` first, one without a time zone read as "
    "UTC), a check-in after a reading at the same moment, else in log order"
)

LISTED_POINTS = 10  # a forecast through this many points or fewer lists them all


def same_day(ws: Workspace, kr: KrRow) -> Iterator[str]:
    """When the value's day has several observations, each in order and which won."""
    day = kr.value_date
    if day is None:
        return
    tied = sorted(_observed_on(ws, kr, day), key=lambda pair: values.observation_key(pair[0]))
    if len(tied) < 2:
        return
    yield f"  same day  {len(tied)} observations on {day}, ordered {ORDER}; the last wins:"
    for i, (point, moment) in enumerate(tied):
        at = f"at {moment.isoformat()}" if moment else "no `at`"
        by = f" by {point.by}" if point.by else ""
        won = "  <- the value" if i == len(tied) - 1 else ""
        yield f"    {point.source} {fmt(point.value)}, {at}{by}{won}"


def _observed_on(
    ws: Workspace, kr: KrRow, day: date
) -> Iterator[tuple[values.Observation, datetime | None]]:
    """The key result's readings (of its segment) and valued check-ins of `day`, with `at`."""
    for r in wholes.readings_of(ws, kr.metric, kr.segment) if kr.metric else ():
        if r.date == day:
            source = "derived reading" if isinstance(r, wholes.DerivedReading) else "reading"
            yield values.Observation(r.date, r.value, source, at_key(r.at), r.by), r.at
    checkins = ws.checkins.get((kr.period, kr.team))
    name = f"{kr.objective}/{kr.id}"
    for c in checkins.entries if checkins else ():
        if c.kr == name and c.date == day and c.value is not None:
            yield values.Observation(c.date, c.value, "checkin", at_key(c.at), c.by), c.at


def outlook(kr: KrRow, period: Period) -> Iterator[str]:
    """Where the line through the values ends the period, and the grade once it has ended."""
    unit = f" {kr.unit}" if kr.unit else ""
    if kr.forecast_value is None:
        yield "  forecast  needs observations on two different days"
    else:
        yield (
            f"  forecast  least-squares line through {len(kr.series)} observations, "
            f"at period end: {fmt(kr.forecast_value)}{unit} -> progress {fmt(kr.forecast_progress)}"
        )
        yield from fitted(kr, period)
    if kr.breached_days is not None:
        yield from _watched(kr, kr.breached_days)
    elif kr.grade is not None:
        yield f"  grade     clamped progress {fmt(kr.grade)} ({kr.band})"
    if kr.grade is not None:
        yield f"  band      {band_rule(kr.grade)}"


def _watched(kr: KrRow, breached: tuple[date, ...]) -> Iterator[str]:
    """A guardrail's memory: the days it was breached, and its grade from the days it held."""
    observed = len(kr.series)
    days = ", ".join(str(day) for day in breached) or "none"
    yield f"  breached  {len(breached)} of {observed} observed days: {days}"
    if kr.grade is not None:
        held = observed - len(breached)
        yield (
            f"  grade     share of observed days held = {held} / {observed} = "
            f"{fmt(kr.grade)} ({kr.band})"
        )


def fitted(kr: KrRow, period: Period) -> Iterator[str]:
    """The points a forecast is fitted through and its line, so the fit can be redone."""
    fit = kr.series.forecast
    if fit is None:
        return
    yield from _points(kr.series, fit, period)
    yield from _line(kr, fit, period)


def _points(points: values.Series, fit: values.Forecast, period: Period) -> Iterator[str]:
    """How many points, the first and the last, and all of them when they are few."""
    dates, ys = points.dates, points.values
    xs = [(d - period.start).days for d in dates]
    first, last = 0, len(dates) - 1
    yield (
        f"  points    {fit.points} days (each day's last observation), x = days since "
        f"{period.start}"
    )
    yield (
        f"            first {dates[first]} (x {xs[first]}) {fmt(ys[first])} "
        f"{points.source(first)}, last {dates[last]} (x {xs[last]}) {fmt(ys[last])} "
        f"{points.source(last)}"
    )
    if fit.points <= LISTED_POINTS:
        yield "            (x, value): " + ", ".join(
            f"({x}, {fmt(y)})" for x, y in zip(xs, ys, strict=True)
        )
    else:
        yield "            every point: `cxokr report --format json`, the key result's series"


def _line(kr: KrRow, fit: values.Forecast, period: Period) -> Iterator[str]:
    """The fitted line, its value at the period's end, and the progress that value gives."""
    end_x = (period.end - period.start).days
    digits = _line_digits(fit, end_x)
    intercept, slope = fmt(fit.intercept, digits), fmt(abs(fit.slope_per_day), digits)
    sign = "-" if fit.slope_per_day < 0 else "+"
    end = fmt(fit.value_at_end)
    yield f"  line      least squares: value = {intercept} {sign} {slope} per day × x"
    yield f"            at {period.end} (x {end_x}): {intercept} {sign} {slope} × {end_x} = {end}"
    if kr.type is KrType.TARGET and kr.forecast_progress is not None:
        start, target = fmt(kr.start), fmt(kr.target)
        yield (
            f"            progress then: ({end} - {start}) / ({target} - {start}) "
            f"= {fmt(kr.forecast_progress)}"
        )


def _line_digits(fit: values.Forecast, end_x: int) -> int:
    """Decimals of the line's intercept and slope (six or more) that give, redone by hand,
    the value at the period's end as shown."""
    for digits in range(6, 13):
        redone = float(fmt(fit.intercept, digits)) + float(fmt(fit.slope_per_day, digits)) * end_x
        if fmt(redone) == fmt(fit.value_at_end):
            return digits
    return 12
