"""The report as CSV: one row per key result, for spreadsheets and BI tools.

Columns are only ever added at the end, so a sheet that reads them by position keeps
working. Beside the figures each row carries the key result's latest check-in note, why
it is deprioritised (`reason`), its objective's `retro` and its form (`relative`, a
milestone's `due`, the key result a share `shares`), and what needs a decision: the
codes of the open conflicts and trade-offs it is part of (`needs_decision`), and the
decision it records that settles one.

Numbers are written unrounded (the float's repr), so every cell equals the
same figure in the JSON document; an empty cell is a missing value. Text keeps
its true value, line breaks, tabs and bidi marks included (right-to-left text
needs them), except what no spreadsheet shows as text and a terminal would
obey: other C0 controls (carriage return, escape), DEL and C1 controls are
written as their escapes (`\\x1b`), like lone surrogates, which UTF-8 cannot
encode. So `cxokr report -f csv` is safe to print, too.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from cxokr.compute.report import KrRow, ObjectiveRow, Report
from cxokr.model import Decision
from cxokr.render.controls import BIDI_CONTROLS, escape_controls

COLUMNS = (
    "period",
    "team",
    "objective",
    "kr",
    "ref",
    "title",
    "owner",
    "type",
    "metric",
    "segment",
    "unit",
    "start",
    "target",
    "value",
    "value_date",
    "progress",
    "expected",
    "pace",
    "status",
    "confidence",
    "last_update",
    "stale",
    "forecast_progress",
    "objective_state",
    # Added since: the notes beside the numbers and the key results' forms.
    "note",
    "note_date",
    "reason",
    "retro",
    "state",
    "relative",
    "due",
    "shares",
    # Added since: what needs a decision (`decisions` in the JSON document).
    "needs_decision",
    "decision",
    "decision_by",
    "decision_on",
)

Cell = str | float | int | bool | date | None
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
KEPT = "\t\n" + BIDI_CONTROLS  # true text in a cell, and inert on a terminal


def render(report: Report) -> str:
    """A header row, then every key result of every objective shown in full (not as context)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    waiting, decided = _decisions(report)
    for objective in report.objectives:
        if not objective.context:
            for kr in objective.key_results:
                choice = decided.get(kr.ref)
                said = (choice.text, choice.by, choice.on) if choice else (None, None, None)
                values = (*_values(objective, kr), " ".join(waiting.get(kr.ref, ())), *said)
                writer.writerow([cell(value) for value in values])
    return out.getvalue()


def _decisions(report: Report) -> tuple[dict[str, list[str]], dict[str, Decision]]:
    """By key result: the codes of the open items it is part of (`needs_decision`, CX366 …),
    and the decision it records that settles one."""
    waiting: dict[str, list[str]] = {}
    decided: dict[str, Decision] = {}
    for item in report.decisions:
        if item.decision is not None and item.decided_on is not None:
            decided[item.decided_on] = item.decision
        elif not item.settled:
            for kr in item.key_results:
                codes = waiting.setdefault(kr.ref, [])
                codes += [] if item.code in codes else [item.code]
    return waiting, decided


def _values(objective: ObjectiveRow, kr: KrRow) -> tuple[Cell, ...]:
    return (
        kr.period,
        kr.team,
        kr.objective,
        kr.id,
        kr.ref,
        kr.title,
        kr.owner,
        kr.type,
        kr.metric,
        kr.segment,
        kr.unit,
        kr.start,
        kr.target,
        kr.value,
        kr.value_date,
        kr.progress,
        kr.expected,
        kr.pace,
        kr.status.value,
        kr.confidence,
        kr.last_update,
        kr.stale,
        kr.forecast_progress,
        objective.state,
        kr.note,
        kr.note_date,
        kr.reason,
        objective.retro,
        kr.state,
        kr.relative,
        kr.due,
        kr.shares,
    )


def cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):  # before int: a bool is an int
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    text = escape_controls(str(value), keep=KEPT)
    if text.startswith(FORMULA_STARTS) and not isinstance(value, int):
        return "'" + text  # a spreadsheet must show it as text, never run it as a formula
    return text
