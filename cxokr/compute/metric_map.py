"""`cxokr metrics --tree`: the driver tree of the metric catalog.

A metric names the outcome metrics it moves (`drives: [nps]`). The tree starts
at each outcome (a metric that others drive and that drives nothing) and goes
down through its drivers to the operational metrics, each with its latest
reading per segment and the key results on it, with their level, team and
status: the four levels of the CX hierarchy in one view. Each metric's drivers
are drawn once; where it appears again (a second outcome it drives, or a cycle
in `drives`, which `cxokr check` reports) it is marked `repeated` and its
drivers are not drawn again, so the walk always ends.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from cxokr.compute import wholes
from cxokr.compute.conflicts import partners
from cxokr.compute.report import Filters, KrRow, Report, build
from cxokr.errors import UsageError
from cxokr.load.workspace import Workspace
from cxokr.model import Metric, Period
from cxokr.problems import did_you_mean


@dataclass(frozen=True)
class Latest:
    """A segment's latest reading up to the date; `segment` None: the whole."""

    segment: str | None
    value: float
    date: date


@dataclass(frozen=True)
class DriverNode:
    id: str
    metric: Metric
    latest: tuple[Latest, ...]
    key_results: tuple[KrRow, ...]  # from the top level down
    levels: Mapping[str, int]  # team -> level, for the key results shown
    trades_off: tuple[str, ...]  # both sides of each declared trade-off
    drivers: tuple[DriverNode, ...]
    repeated: bool = False  # its drivers are drawn where it first appears


@dataclass(frozen=True)
class MetricMap:
    period: Period
    as_of: date
    outcomes: tuple[DriverNode, ...]
    unlinked: tuple[str, ...]  # metrics that neither drive nor are driven


def drivers_of(ws: Workspace) -> dict[str, tuple[str, ...]]:
    """Each metric's drivers (the metrics whose `drives` name it), known metrics only."""
    found: dict[str, list[str]] = {}
    for name, metric in sorted(ws.metrics.items()):
        for outcome in dict.fromkeys(metric.drives):
            if outcome in ws.metrics:
                found.setdefault(outcome, []).append(name)
    return {outcome: tuple(names) for outcome, names in found.items()}


def outcomes(ws: Workspace, drivers: Mapping[str, tuple[str, ...]]) -> list[str]:
    """The tops of the tree: metrics that others drive and that drive no known metric."""
    return [
        name
        for name in sorted(drivers)
        if not any(outcome in ws.metrics for outcome in ws.metrics[name].drives)
    ]


def trade_partners(ws: Workspace) -> dict[str, tuple[str, ...]]:
    """Each metric's trade-offs, declared on either side, known metrics only, sorted
    (`conflicts.partners`, which the trade-off rules read too)."""
    return {name: tuple(sorted(others)) for name, others in partners(ws).items()}


def metric_map(
    ws: Workspace, as_of: date, metric: str | None = None, period: str | None = None
) -> MetricMap:
    """The driver tree from each outcome metric (or from `metric` alone) down."""
    if metric is not None and metric not in ws.metrics:
        known = did_you_mean(metric, ws.metrics) or f" (known: {', '.join(sorted(ws.metrics))})"
        raise UsageError(f"no metric {metric!r} in metrics/{known}")
    return from_report(ws, build(ws, as_of, Filters(period=period)), metric)


def from_report(ws: Workspace, report: Report, metric: str | None = None) -> MetricMap:
    """The driver tree with the key results of a report already built (the HTML page's)."""
    as_of, drivers = report.as_of, drivers_of(ws)
    if metric is None and not drivers:  # no map: nothing to walk, no key result to sort
        return MetricMap(report.period, as_of, (), tuple(sorted(ws.metrics)))
    levels = {name: team.level for name, team in ws.teams.items()}
    walk = _Walk(ws, as_of, drivers, _krs_by_metric(report), trade_partners(ws), levels)
    if metric is not None:
        return MetricMap(report.period, as_of, (walk.node(metric),), ())
    trees = [walk.node(top) for top in outcomes(ws, drivers)]
    linked = set(drivers) | {name for names in drivers.values() for name in names}
    # A metric only reached through a cycle is drawn from the first of its names.
    trees += [walk.node(name) for name in sorted(linked) if name not in walk.drawn]
    unlinked = tuple(name for name in sorted(ws.metrics) if name not in linked)
    return MetricMap(report.period, as_of, tuple(trees), unlinked)


def _krs_by_metric(report: Report) -> dict[str, list[KrRow]]:
    """The report's key results by metric, each once: a share is left out where the key
    result it shares is listed."""
    krs = [kr for o in report.objectives for kr in o.key_results]
    listed = {kr.ref for kr in krs}
    found: dict[str, list[KrRow]] = {}
    for kr in krs:
        if kr.metric is not None and kr.shares not in listed:
            found.setdefault(kr.metric, []).append(kr)
    return found


@dataclass
class _Walk:
    """Draws nodes depth first; `drawn` holds the metrics whose drivers are drawn already."""

    ws: Workspace
    as_of: date
    drivers: Mapping[str, tuple[str, ...]]
    krs: Mapping[str, list[KrRow]]
    partners: Mapping[str, tuple[str, ...]]
    levels: Mapping[str, int]  # team -> level
    drawn: set[str] = field(default_factory=set)

    def node(self, name: str) -> DriverNode:
        repeated = name in self.drawn
        self.drawn.add(name)
        below = () if repeated else tuple(self.node(d) for d in self.drivers.get(name, ()))
        levels = self.levels
        krs = sorted(
            self.krs.get(name, ()),
            key=lambda kr: (levels.get(kr.team, 9), kr.team, kr.objective, kr.id),
        )
        return DriverNode(
            name,
            self.ws.metrics[name],
            latest(self.ws, name, self.as_of),
            tuple(krs),
            {kr.team: levels[kr.team] for kr in krs if kr.team in levels},
            self.partners.get(name, ()),
            below,
            repeated and bool(self.drivers.get(name)),
        )


def latest(ws: Workspace, name: str, as_of: date) -> tuple[Latest, ...]:
    """Each segment's latest reading on or before `as_of`: the whole first (recorded, or
    derived from the segments where the metric declares `whole`), then the segments in the
    order the metric declares them."""
    log = ws.readings.get(name)
    newest: dict[str | None, Latest] = {}
    # The derived whole readings first: a day's recorded reading wins over its derived one.
    for entry in (*wholes.derived(ws, name), *(log.entries if log else ())):
        known = newest.get(entry.segment)
        if entry.date <= as_of and (known is None or known.date <= entry.date):
            newest[entry.segment] = Latest(entry.segment, entry.value, entry.date)
    order: dict[str | None, int] = {s: n for n, s in enumerate(ws.metrics[name].segments)}
    return tuple(
        sorted(
            newest.values(),
            key=lambda r: (
                r.segment is not None,
                order.get(r.segment, len(order)),
                r.segment or "",
            ),
        )
    )
