"""Metric readings: `cxokr record` (one) and `cxokr import` (a CSV), appended to `readings/`.

Every row is validated before anything is written. An import is idempotent:
a row equal to a reading already in the log (same date, segment, value and
source) is counted as already held and not appended again, so re-running
an import after a partial failure or twice by mistake adds nothing.

A spreadsheet or BI export is read as it is: `import_format` holds its layout
(encoding, delimiter, decimal mark, date form, column names), `import_cells`
reads its values and dates. `summary` says in one line what an import did.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TypeVar

from cxokr import inputs, yamlio
from cxokr.edit import import_format, logs
from cxokr.edit.import_cells import DateReader, NumberReader
from cxokr.edit.import_format import ImportFormat
from cxokr.errors import UsageError
from cxokr.load.layout import reading_path
from cxokr.load.workspace import Workspace

IMPORT_COLUMNS = import_format.COLUMNS
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
    warnings: list[str] = field(default_factory=list)


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
        raise UsageError(_no_metric(ws, metric))
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


def _no_metric(ws: Workspace, metric: str) -> str:
    known = ", ".join(sorted(ws.metrics)) or "none"
    return f"no metric {metric!r} in metrics/ (known: {known})"


def held_keys(ws: Workspace, metric: str) -> set[tuple[object, ...]]:
    """The identity (`NewReading.key`) of every reading `metric`'s log already holds."""
    log = ws.readings.get(metric)
    if log is None:
        return set()
    return {(r.date.isoformat(), r.segment, r.value, r.source) for r in log.entries}


def plan_import(
    ws: Workspace,
    text: str,
    fmt: ImportFormat | None = None,
    *,
    metric: str | None,
    by: str | None,
    today: date,
) -> ImportResult:
    """Validate every row of a CSV and sort it into added, already present or rejected."""
    fmt = fmt or ImportFormat()
    if metric is not None and metric not in ws.metrics:  # every row would say so
        raise UsageError(_no_metric(ws, metric))
    delimiter = fmt.delimiter or import_format.sniff_delimiter(text)
    fields, rows = inputs.csv_rows(text, lambda name: name.strip().lower(), delimiter)
    rows_reader = _RowReader(ws, fmt, _pick(fields, fmt.columns, metric), metric)
    result = ImportResult()
    seen: dict[str, set[tuple[object, ...]]] = {}
    for line, cells in rows:
        if not any(cells.values()):  # ;;; : a row Excel kept for its formatting alone
            continue
        try:
            reading = rows_reader.read(cells, by=by, today=today)
        except UsageError as exc:
            result.rejected.append(f"line {line}: {exc}")
            continue
        known = seen.get(reading.metric)
        if known is None:  # once per metric: the log may hold many readings
            known = seen[reading.metric] = held_keys(ws, reading.metric)
        if reading.key() in known:
            result.present += 1
            continue
        known.add(reading.key())
        result.added.append(reading)
    result.warnings = unsegmented(ws, result.added)
    return result


def _pick(fields: list[str], columns: dict[str, str], metric: str | None) -> dict[str, str]:
    """{column: header} for the columns the file holds, `--columns` first; a UsageError
    for a mapped header the file lacks, or a required column missing."""
    absent = [header for header in columns.values() if header not in fields]
    if absent:
        raise UsageError(
            f"--columns names {', '.join(map(repr, absent))}, which the header lacks "
            f"(its columns: {', '.join(name for name in fields if name)})"
        )
    pick = {name: name for name in IMPORT_COLUMNS if name in fields} | columns
    required = ("date", "value") if metric else ("metric", "date", "value")
    missing = [name for name in required if name not in pick]
    if missing:
        example = ",".join(f"{name}=HEADER" for name in missing)
        raise UsageError(
            f"the CSV header lacks {', '.join(missing)}; columns are {', '.join(IMPORT_COLUMNS)}"
            + ("" if metric else " (or pass --metric for a single-metric file)")
            + f"; or name this file's columns ({', '.join(name for name in fields if name)}) "
            f"with --columns {example}"
        )
    return pick


class _RowReader:
    """Reads one row into a NewReading: its metric's unit and segments looked up once."""

    def __init__(
        self, ws: Workspace, fmt: ImportFormat, pick: dict[str, str], metric: str | None
    ) -> None:
        self.ws = ws
        self.fmt = fmt
        self.metric = metric
        self.column = pick
        self.day = DateReader(fmt.date_format)
        self.numbers: dict[str, NumberReader] = {}
        self.at = datetime.now(UTC)  # one moment for the whole import, as it is one commit
        self.segments: dict[str, dict[str, str]] = {}

    def read(self, cells: dict[str, str], *, by: str | None, today: date) -> NewReading:
        name = self.metric or self._cell(cells, "metric")
        number = self.numbers.get(name)
        if number is None:
            found = self.ws.metrics.get(name)
            if found is None:
                raise UsageError(_no_metric(self.ws, name))
            number = self.numbers[name] = NumberReader(self.fmt.decimal, name, found.unit)
            self.segments[name] = {segment.lower(): segment for segment in found.segments}
        segment = self._cell(cells, "segment") or None
        return build(
            self.ws,
            name,
            _parsed(number, self._cell(cells, "value"), "value"),
            segment=segment and self.segments[name].get(segment.lower(), segment),
            day=_parsed(self.day, self._cell(cells, "date"), "date"),
            source=self._cell(cells, "source") or None,
            by=by,
            today=today,
            at=self.at,
        )

    def _cell(self, cells: dict[str, str], column: str) -> str:
        header = self.column.get(column)
        return "" if header is None else cells.get(header, "")


def _parsed(parse: Callable[[str], T], text: str, column: str) -> T:
    """A cell read by `parse`; a usage error naming the column when it does not fit."""
    try:
        return parse(text)
    except ValueError as exc:
        raise UsageError(f"{column} {exc}") from None


def unsegmented(ws: Workspace, added: list[NewReading]) -> list[str]:
    """A warning for each metric with segments that readings without one are added to:
    no key result on one of its segments reads them."""
    counts = Counter(r.metric for r in added if "segment" not in r.entry)
    warnings = []
    for name, count in sorted(counts.items()):
        declared = ws.metrics[name].segments
        if declared:
            rows = "1 row has" if count == 1 else f"{count} rows have"
            warnings.append(
                f"warning: {rows} no segment, but {name} declares segments "
                f"({', '.join(declared)}): no key result on one segment reads "
                f"{'it' if count == 1 else 'them'}"
            )
    return warnings


def append(root: Path, readings: list[NewReading]) -> dict[Path, bytes]:
    """Append readings to their metric logs, all or nothing, under the workspace lock;
    returns the bytes appended to each log (see `logs.append_entries`)."""
    ordered = sorted(readings, key=lambda r: r.metric)  # stable: each metric's rows in order
    return logs.append_entries(root, ((reading_path(r.metric), r.entry) for r in ordered))


def summary(result: ImportResult, *, skip_invalid: bool = False, dry_run: bool = False) -> str:
    """What an import did, in one true line: what it added (or would, on a dry run),
    held already, or skipped; or why it wrote nothing."""
    bad, added, held = len(result.rejected), len(result.added), result.present
    if bad and not skip_invalid:
        fix = "fix it" if bad == 1 else "fix them"
        good = held + added
        others = "the other row" if good == 1 else f"the other {good} rows"
        rest = f", or pass --skip-invalid to import {others}" if good else ""
        return f"nothing written: {_count(bad, 'bad row')}; {fix}{rest}"
    if not (bad or added or held):
        return "nothing to import: the file has a header but no rows"
    notes = [f"{_count(held, 'reading')} already held"] if held else []
    notes += [f"{_count(bad, 'bad row')} skipped"] if bad else []
    if not added:
        return f"{'nothing new' if held else 'nothing written'}: {', '.join(notes)}"
    verb = "would be added" if dry_run else "added"
    head = f"{_count(added, 'reading')} {verb} to {_metrics(result.added)}"
    return "; ".join([head, *notes]) + ("; nothing written (--dry-run)" if dry_run else "")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _metrics(readings: list[NewReading]) -> str:
    names = sorted({reading.metric for reading in readings})
    if len(names) == 1:
        return names[0]
    listed = f" ({', '.join(names)})" if len(names) <= 3 else ""
    return f"{len(names)} metrics{listed}"
