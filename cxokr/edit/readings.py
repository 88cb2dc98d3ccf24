"""Metric readings: `cxokr record` (one) and `cxokr import` (a CSV), appended to `readings/`.

Every row is validated before anything is written. An import is idempotent:
a row equal to a reading already in the log (same date, segment, value and
source) is counted as already present and not appended again, so re-running
an import after a partial failure or twice by mistake adds nothing.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

from cxokr import inputs, yamlio
from cxokr.edit import logs
from cxokr.errors import UsageError
from cxokr.load.layout import reading_path
from cxokr.load.workspace import Workspace

IMPORT_COLUMNS = ("metric", "date", "value", "segment", "source")
T = TypeVar("T")


@dataclass(frozen=True)
class NewReading:
    metric: str
    entry: dict[str, object]

    def key(self) -> tuple[object, ...]:
        return (
            self.entry["date"],
            self.entry.get("segment"),
            self.entry["value"],
            self.entry.get("source"),
        )


@dataclass
class ImportResult:
    """What an import found: readings to add, rows already present, rows rejected (by line)."""

    added: list[NewReading] = field(default_factory=list)
    present: int = 0
    rejected: list[str] = field(default_factory=list)


def build(
    ws: Workspace,
    metric: str,
    value: float,
    *,
    segment: str | None,
    day: date,
    source: str | None,
    by: str | None,
    today: date,
    at: datetime | None = None,
) -> NewReading:
    """Validate one reading; raises UsageError naming what is wrong."""
    found = ws.metrics.get(metric)
    if found is None:
        known = ", ".join(sorted(ws.metrics)) or "none"
        raise UsageError(f"no metric {metric!r} in metrics/ (known: {known})")
    if segment is not None and segment not in found.segments:
        declared = ", ".join(found.segments) or "none"
        raise UsageError(f"{metric} has no segment {segment!r} (declared: {declared})")
    if not math.isfinite(value):
        raise UsageError("the value must be a finite number")
    if day > today:
        raise UsageError(f"{day} is in the future")
    inputs.check_text(source=source, by=by)
    entry: dict[str, object] = {"date": day.isoformat(), "value": float(value)}
    if segment is not None:
        entry["segment"] = segment
    if source:
        entry["source"] = source
    if by:
        entry["by"] = by
    entry["at"] = yamlio.stamp(at)
    return NewReading(metric, entry)


def _existing(ws: Workspace, metric: str) -> set[tuple[object, ...]]:
    log = ws.readings.get(metric)
    if log is None:
        return set()
    return {(r.date.isoformat(), r.segment, r.value, r.source) for r in log.entries}


def plan_import(
    ws: Workspace, text: str, *, metric: str | None, by: str | None, today: date
) -> ImportResult:
    """Validate every row of a CSV and sort it into added, already present or rejected."""
    fields, rows = inputs.csv_rows(text, lambda name: name.strip().lower())
    required = {"date", "value"} | (set() if metric else {"metric"})
    missing = sorted(required - set(fields))
    if missing:
        raise UsageError(
            f"the CSV header lacks {', '.join(missing)}; columns are {', '.join(IMPORT_COLUMNS)}"
            + ("" if metric else " (or pass --metric for a single-metric file)")
        )
    result = ImportResult()
    seen: dict[str, set[tuple[object, ...]]] = {}
    for line, cells in rows:
        name = metric or cells.get("metric", "")
        try:
            reading = build(
                ws,
                name,
                _cell(inputs.parse_decimal, cells, "value"),
                segment=cells.get("segment") or None,
                day=_cell(inputs.parse_day, cells, "date"),
                source=cells.get("source") or None,
                by=by,
                today=today,
            )
        except UsageError as exc:
            result.rejected.append(f"line {line}: {exc}")
            continue
        known = seen.get(name)
        if known is None:  # once per metric: the log may hold many readings
            known = seen[name] = _existing(ws, name)
        if reading.key() in known:
            result.present += 1
            continue
        known.add(reading.key())
        result.added.append(reading)
    return result


def _cell(parse: Callable[[str], T], cells: dict[str, str], column: str) -> T:
    """A cell read by `parse`; a usage error naming the column when it does not fit."""
    try:
        return parse(cells.get(column, ""))
    except ValueError as exc:
        raise UsageError(f"{column} {exc}") from None


def append(root: Path, readings: list[NewReading]) -> dict[Path, bytes]:
    """Append readings to their metric logs, all or nothing, under the workspace lock;
    returns the bytes appended to each log (see `logs.append_entries`)."""
    ordered = sorted(readings, key=lambda r: r.metric)  # stable: each metric's rows in order
    return logs.append_entries(root, ((reading_path(r.metric), r.entry) for r in ordered))
