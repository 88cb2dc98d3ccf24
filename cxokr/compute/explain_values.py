"""What `cxokr explain` says of a key result's observations: which of a day's observations
gave its value (DESIGN §2.1).

The rules are `values`' own: a day's observations are ordered by `observation_key`,
the last wins.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

from cxokr.compute import values
from cxokr.compute.report_data import KrRow
from cxokr.load.workspace import Workspace
from cxokr.model import at_key

# The ordering `values.observation_key` applies, in words.
ORDER = (
    "by `at`, the moment (an entry without `at` first, one without a time zone read as "
    "UTC), a check-in after a reading at the same moment, else in log order"
)


def fmt(value: float | None, digits: int = 4) -> str:
    """A figure to `digits` decimals, without trailing zeros; `none` for no figure."""
    if value is None:
        return "none"
    return f"{value:.{digits}f}".rstrip("0").rstrip(".") if value != int(value) else f"{value:g}"


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
    log = ws.readings.get(kr.metric) if kr.metric else None
    for r in log.entries if log else ():
        if r.date == day and r.segment == kr.segment:
            yield values.Observation(r.date, r.value, "reading", at_key(r.at), r.by), r.at
    checkins = ws.checkins.get((kr.period, kr.team))
    name = f"{kr.objective}/{kr.id}"
    for c in checkins.entries if checkins else ():
        if c.kr == name and c.date == day and c.value is not None:
            yield values.Observation(c.date, c.value, "checkin", at_key(c.at), c.by), c.at
