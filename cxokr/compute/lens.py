"""`cxokr metrics`: the metric lens. One metric's definition, readings and every KR using it.

The company's NPS goal and the checkout team's NPS goal read the same
readings; the lens puts them side by side, across levels, teams and periods. A
relative target is shown resolved, beside its form (`+10%`); a key result shared by
several teams (`shares`) is listed once, with the shares that name it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from cxokr.compute import wholes
from cxokr.compute.report import Filters, KrRow, build
from cxokr.errors import UsageError
from cxokr.load.workspace import Workspace
from cxokr.model import Metric, Period, ReadingEntry


@dataclass(frozen=True)
class SegmentTrend:
    segment: str | None  # None: readings without a segment (the whole)
    latest: float | None
    latest_date: date | None
    series: tuple[tuple[date, float], ...]  # the period's readings up to the date
    # The days of the whole derived from the segments (a metric with `whole`), not recorded.
    derived: frozenset[date] = frozenset()


@dataclass(frozen=True)
class MetricLens:
    id: str
    metric: Metric
    trends: tuple[SegmentTrend, ...]
    key_results: tuple[KrRow, ...]  # a share only where the key result it shares is not
    levels: dict[str, int]  # team -> level, for the KRs shown
    # The shares of each key result shown (its ref -> theirs): one key result, listed once.
    shared_by: dict[str, tuple[str, ...]] = field(default_factory=dict)


def lenses(
    ws: Workspace, as_of: date, metric: str | None = None, period: str | None = None
) -> tuple[Period, tuple[MetricLens, ...]]:
    """The lens of one metric, or of every metric, with the period it covers."""
    if metric is not None and metric not in ws.metrics:
        known = ", ".join(sorted(ws.metrics)) or "none"
        raise UsageError(f"no metric {metric!r} in metrics/ (known: {known})")
    report = build(ws, as_of, Filters(period=period))
    window = (report.period.start, min(report.period.end, as_of))
    krs = [kr for o in report.objectives for kr in o.key_results]
    levels = {kr.team: ws.teams[kr.team].level for kr in krs if kr.team in ws.teams}
    found = []
    for name in [metric] if metric else sorted(ws.metrics):
        definition = ws.metrics[name]
        log = ws.readings.get(name)
        entries = [r for r in (log.entries if log else ()) if r.date <= as_of]
        if definition.whole is not None:
            entries = _with_wholes(ws, name, entries, as_of)
        using, shared_by = _once(_using(name, krs, levels))
        shown = {kr.team: levels[kr.team] for kr in using if kr.team in levels}
        trends = _trends(definition, entries, window)
        found.append(MetricLens(name, definition, trends, using, shown, shared_by))
    return report.period, tuple(found)


def _with_wholes(
    ws: Workspace, name: str, entries: list[ReadingEntry], as_of: date
) -> list[ReadingEntry]:
    """`entries` with the whole readings derived on the days that have no recorded one."""
    whole = wholes.with_derived(
        [r for r in entries if r.segment is None],
        [r for r in wholes.derived(ws, name) if r.date <= as_of],
    )
    return [*whole, *(r for r in entries if r.segment is not None)]


def _trends(
    definition: Metric, entries: list[ReadingEntry], window: tuple[date, date]
) -> tuple[SegmentTrend, ...]:
    """Each segment's latest reading up to the date, and its readings in `window`: the
    declared segments, after the whole when readings without a segment exist (or none is
    declared)."""
    start, end = window
    segments: list[str | None] = [*definition.segments]
    if any(r.segment is None for r in entries) or not segments:
        segments.insert(0, None)
    trends = []
    for segment in segments:
        mine = [r for r in entries if r.segment == segment]
        latest = mine[-1] if mine else None
        trends.append(
            SegmentTrend(
                segment,
                latest.value if latest else None,
                latest.date if latest else None,
                tuple((r.date, r.value) for r in mine if start <= r.date <= end),
                frozenset(r.date for r in mine if isinstance(r, wholes.DerivedReading)),
            )
        )
    return tuple(trends)


def _once(krs: tuple[KrRow, ...]) -> tuple[tuple[KrRow, ...], dict[str, tuple[str, ...]]]:
    """`krs` with each key result once: a share (`shares`, the same figures) is left out
    where the key result it shares is listed, and named beside it instead."""
    listed = {kr.ref for kr in krs}
    shared_by: dict[str, tuple[str, ...]] = {}
    for kr in krs:
        if kr.shares in listed:
            shared_by[kr.shares] = (*shared_by.get(kr.shares, ()), kr.ref)
    return tuple(kr for kr in krs if kr.shares not in listed), shared_by


def _using(metric: str, krs: list[KrRow], levels: dict[str, int]) -> tuple[KrRow, ...]:
    """The key results on `metric`, from the top level down, then by team, objective and id."""
    return tuple(
        sorted(
            (kr for kr in krs if kr.metric == metric),
            key=lambda kr: (levels.get(kr.team, 9), kr.team, kr.objective, kr.id),
        )
    )
