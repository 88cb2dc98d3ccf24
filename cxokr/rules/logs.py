"""Rules for the two logs: check-ins name real key results inside their period; readings
belong to catalogued metrics and their segments."""

from __future__ import annotations

from cxokr.load.layout import checkin_path, metric_path, okr_path, reading_path
from cxokr.load.workspace import Workspace
from cxokr.model import KrType
from cxokr.problems import Problem, did_you_mean, problem
from cxokr.rules.forms import check_checkin_forms
from cxokr.rules.lookups import (
    kr_hint,
    no_metric,
    no_period,
    periods,
    undeclared,
)


def check_checkins(ws: Workspace) -> list[Problem]:
    found = []
    known = periods(ws)
    for (period_id, team), log in sorted(ws.checkins.items()):
        rel = checkin_path(period_id, team)
        period = known.get(period_id)
        if no_period(ws, period_id):
            found.append(ws.problem_at("CX306", rel, (), undeclared(ws, period_id)))
        # While the OKR file has problems of its own, its key results are unknown.
        unknown_krs = okr_path(period_id, team) not in ws.failed
        okr = ws.okrs.get((period_id, team))
        krs = {
            f"{o.id}/{kr.id}": kr for o in (okr.objectives if okr else []) for kr in o.key_results
        }
        for entry, line in zip(log.entries, log.lines, strict=True):
            kr = krs.get(entry.kr)
            if kr is None and unknown_krs:
                found.append(
                    _at_line(
                        "CX307",
                        rel,
                        line,
                        f"{entry.kr} is not a key result of {team} in {period_id}"
                        + kr_hint(entry.kr, krs),
                    )
                )
            elif kr is not None and kr.type is KrType.DONE and entry.value not in (None, 0, 1):
                found.append(
                    _at_line("CX320", rel, line, f"{entry.kr} is a milestone: value is 0 or 1")
                )
            if period and not period.start <= entry.date <= period.end:
                found.append(
                    _at_line(
                        "CX308",
                        rel,
                        line,
                        f"dated {entry.date}, outside {period_id} ({period.start} to {period.end})",
                    )
                )
        found += check_checkin_forms(rel, krs, log.entries, log.lines)
    return found


def _at_line(code: str, rel: str, line: int, message: str) -> Problem:
    return problem(code, rel, line, 1, message)


def check_readings(ws: Workspace) -> list[Problem]:
    found = []
    for name, log in sorted(ws.readings.items()):
        rel = reading_path(name)
        metric = ws.metrics.get(name)
        if metric is None:
            if not no_metric(ws, name):
                continue
            message = f"no metric {name!r} in {metric_path(name)}{did_you_mean(name, ws.metrics)}"
            found.append(ws.problem_at("CX309", rel, (), message))
            continue
        for entry, line in zip(log.entries, log.lines, strict=True):
            if entry.segment is not None and entry.segment not in metric.segments:
                found.append(
                    _at_line(
                        "CX310",
                        rel,
                        line,
                        f"segment {entry.segment!r} is not declared by {name}"
                        + did_you_mean(entry.segment, metric.segments),
                    )
                )
    return found
