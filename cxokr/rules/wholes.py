"""Rules of a metric's `whole`: how its whole-business value follows from its segments.

A `whole` needs segments to derive from (CX373); `weighted_by` names a metric there
is (CX371), not the metric itself (CX374), that declares each of its segments
(CX372); and a recorded whole reading agrees with the one derived from the segments
that day, within the tolerance (CX370). The derivation itself is `compute.wholes`'.
"""

from __future__ import annotations

from datetime import date

from cxokr.compute import wholes
from cxokr.load.layout import metric_path
from cxokr.load.workspace import Workspace
from cxokr.model import Metric
from cxokr.problems import Problem, did_you_mean, problem
from cxokr.rules.lookups import no_metric

# Figures that agree but for a float's last digits (10.1 + 20.2 against 30.3) agree.
_ROUNDING = 1e-9


def check_wholes(ws: Workspace) -> list[Problem]:
    """Each metric's `whole`: declared where it can be derived, and agreeing with the
    whole readings recorded beside it."""
    found: list[Problem] = []
    for name, metric in sorted(ws.metrics.items()):
        if metric.whole is None:
            continue
        declared = _declared(ws, name, metric)
        found += declared
        if not declared:
            found += _disagreements(ws, name)
    return found


def _declared(ws: Workspace, name: str, metric: Metric) -> list[Problem]:
    """CX373, CX371, CX374, CX372: a `whole` that cannot be derived as written."""
    rel = metric_path(name)
    if not metric.segments:
        message = (
            f"{name} has a whole but no segments to derive it from: declare them "
            "(segments: [online, in-store]) or remove whole"
        )
        return [ws.problem_at("CX373", rel, ("whole",), message)]
    rule = wholes.rule(metric)
    weight = rule.weighted_by if rule else None
    if weight is None:
        return []
    at = ("whole", "weighted_by")
    if weight == name:
        message = f"whole.weighted_by names {name} itself: weigh it by another metric (orders)"
        return [ws.problem_at("CX374", rel, at, message)]
    if weight not in ws.metrics:
        if not no_metric(ws, weight):
            return []  # its file has problems of its own
        message = f"whole.weighted_by {weight!r} is not a metric in metrics/"
        return [ws.problem_at("CX371", rel, at, message + did_you_mean(weight, ws.metrics))]
    missing = [s for s in metric.segments if s not in ws.metrics[weight].segments]
    if not missing:
        return []
    message = (
        f"whole.weighted_by {weight} declares no segment {', '.join(missing)}, so it cannot "
        f"weigh {name}'s: declare {'them' if len(missing) > 1 else 'it'} in {metric_path(weight)}"
    )
    return [ws.problem_at("CX372", rel, at, message)]


def _disagreements(ws: Workspace, name: str) -> list[Problem]:
    """CX370: each day whose recorded whole reading strays from the derived one by more
    than the tolerance (the day's last recorded reading, the one the report reads)."""
    log = ws.readings.get(name)
    rule = wholes.rule(ws.metrics[name])
    if log is None or rule is None:
        return []
    made = {r.date: r.value for r in wholes.derived(ws, name)}
    recorded: dict[date, tuple[float, int]] = {}
    for entry, line in zip(log.entries, log.lines, strict=True):
        if entry.segment is None and entry.date in made:
            recorded[entry.date] = (entry.value, line)
    found = []
    for day, (value, line) in recorded.items():
        derived = made[day]
        apart = abs(value - derived)
        if apart <= rule.tolerance * abs(derived) + _ROUNDING * max(1.0, abs(derived)):
            continue
        share = f", {apart / abs(derived):.1%} apart" if derived else ""
        message = (
            f"{name}'s whole reading on {day} is {_figure(value)}, but {rule.said()} give "
            f"{_figure(derived)}{share}, beyond the tolerance of {_figure(rule.tolerance * 100)}%"
        )
        found.append(problem("CX370", log.path, line, 1, message))
    return found


def _figure(value: float) -> str:
    """A figure to at most four decimals, without trailing zeros."""
    return f"{value:.4f}".rstrip("0").rstrip(".") if value != int(value) else f"{value:.0f}"
