"""The whole-business reading of a segmented metric, derived from its segments' readings.

A metric that declares `whole` (`sum`, or `{weighted_by: METRIC}`) has a whole
reading on every day each of its declared segments has one: the sum of the
segments' values, or their mean weighted by the `weighted_by` metric's readings of
the same segments on the same day (that metric needs one for every segment that
day, and weights that add up to more than 0). A day's value of a segment is its last
reading of the day, as everywhere else.

Where a key result without a segment reads its metric (`readings_of`), a day with a
recorded whole reading keeps it (the recorded figure wins); a day without one takes
the derived reading. `cxokr check` compares the two where both exist
(`rules.wholes`). A metric without `whole` reads exactly its log, as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from cxokr.load.workspace import Workspace
from cxokr.model import WHOLE_TOLERANCE, Metric, ReadingEntry, WholeWeighted

DERIVED_SOURCE = "derived from its segments"


class DerivedReading(ReadingEntry):
    """A whole reading derived from the segments' readings of its day, never recorded."""

    __slots__ = ()


@dataclass(frozen=True)
class WholeRule:
    """How a metric's whole follows from its segments, in one shape for both forms."""

    how: Literal["sum", "weighted"]
    segments: tuple[str, ...]
    weighted_by: str | None
    tolerance: float

    def said(self) -> str:
        """`the sum of online, in-store` or `online, in-store weighted by orders`."""
        named = ", ".join(self.segments)
        if self.how == "sum":
            return f"the sum of {named}"
        return f"{named} weighted by {self.weighted_by}"


def rule(metric: Metric) -> WholeRule | None:
    """The metric's `whole` rule; None without one, or without segments to derive it from."""
    whole = metric.whole
    if whole is None or not metric.segments:
        return None
    segments = tuple(metric.segments)
    given = None if isinstance(whole, str) else whole.tolerance
    tolerance = WHOLE_TOLERANCE if given is None else given
    if isinstance(whole, WholeWeighted):
        return WholeRule("weighted", segments, whole.weighted_by, tolerance)
    return WholeRule("sum", segments, None, tolerance)


def by_day(
    entries: Iterable[ReadingEntry], segments: Sequence[str]
) -> dict[date, dict[str, float]]:
    """Each day's value of each of `segments` (the day's last reading), from log order."""
    wanted = set(segments)
    days: dict[date, dict[str, float]] = {}
    for r in entries:
        segment = r.segment
        if segment is not None and segment in wanted:
            days.setdefault(r.date, {})[segment] = r.value
    return days


def derived(ws: Workspace, metric: str) -> tuple[DerivedReading, ...]:
    """The metric's derived whole readings, oldest first; none without a `whole` rule, or
    when its `weighted_by` metric is unknown (`cxokr check` says so)."""
    definition = ws.metrics.get(metric)
    found = rule(definition) if definition is not None else None
    if found is None:
        return ()
    log = ws.readings.get(metric)
    days = by_day(log.entries if log else (), found.segments)
    weights: dict[date, dict[str, float]] = {}
    if found.weighted_by is not None:
        if found.weighted_by not in ws.metrics:
            return ()
        weights_log = ws.readings.get(found.weighted_by)
        weights = by_day(weights_log.entries if weights_log else (), found.segments)
    made = []
    for day in sorted(days):
        value = _whole(found, days[day], weights.get(day, {}))
        if value is not None:
            made.append(DerivedReading(day, value, None, DERIVED_SOURCE, None, None))
    return tuple(made)


def _whole(found: WholeRule, values: dict[str, float], weights: dict[str, float]) -> float | None:
    """One day's whole from its segments' values (and weights); None when one is missing."""
    if len(values) < len(found.segments):
        return None
    if found.how == "sum":
        return sum(values[s] for s in found.segments)
    if len(weights) < len(found.segments):
        return None
    total = sum(weights[s] for s in found.segments)
    if total <= 0:
        return None
    return sum(values[s] * weights[s] for s in found.segments) / total


def with_derived(
    recorded: Sequence[ReadingEntry], made: Sequence[ReadingEntry]
) -> list[ReadingEntry]:
    """The recorded whole readings, with the derived one of each day that has none, in
    log order."""
    if not made:
        return list(recorded)
    held = {r.date for r in recorded}
    merged = [*recorded, *(r for r in made if r.date not in held)]
    merged.sort(key=lambda r: r.date)  # stable: a day's recorded readings keep their order
    return merged


def readings_of(ws: Workspace, metric: str, segment: str | None) -> list[ReadingEntry]:
    """The readings a key result on `metric` (and `segment`) reads, in log order: the log's
    of that segment; for the whole of a metric with `whole`, with the derived readings of
    the days that have no recorded one."""
    log = ws.readings.get(metric)
    mine = [r for r in log.entries if r.segment == segment] if log else []
    if segment is None:
        definition = ws.metrics.get(metric)
        if definition is not None and definition.whole is not None:
            return with_derived(mine, derived(ws, metric))
    return mine
