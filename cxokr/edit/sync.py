"""Readings fetched by each metric's `sync` query: `cxokr sync`.

A metric's `sync:` names a connection of cxokr.yaml and a SQL query that
returns one row per reading: the columns `date` and `value`, and optionally
`segment` and `source` (names in any case; other columns, `note` among them,
are ignored, as `import` ignores them: a reading keeps no note). The query
may use the bound parameter `:since`, the first day wanted: the day after the
newest reading the metric's log holds, `--since` when given, or `EARLIEST`
when the log is empty. Write it `where day >= :since`.

Each row is checked as `import` checks one (see `readings.build`): the
segment one the metric declares (in any case), the date a whole day and not
in the future, the number finite. A value may be a number of any kind the
database returns or a plain numeric text (`import_cells.plain_number`); a date
a date, a datetime at midnight or YYYY-MM-DD text (`import_cells.DateReader`).
One bad row and nothing is written for that metric; the others go on.
Readings already held (`NewReading.key`: same date, segment, value and
source) are not appended again, so a sync run twice adds nothing the second
time. Each metric's readings are appended all or nothing, within the log
size limit; the command commits them once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from cxokr import sources
from cxokr.edit import readings
from cxokr.edit.import_cells import DateReader, plain_number
from cxokr.edit.readings import NewReading
from cxokr.errors import CxokrError, UsageError
from cxokr.load.layout import metric_path
from cxokr.load.workspace import Workspace
from cxokr.model import Sync
from cxokr.problems import did_you_mean

# `:since` for a metric with no reading yet: before any reading a metric can mean, and a
# date every SQL engine takes (MySQL's DATE starts at 1000, SQL Server's DATETIME at 1753).
EARLIEST = date(1900, 1, 1)
DEFAULT_TIMEOUT = 60.0
REQUIRED = ("date", "value")
READ = ("date", "value", "segment", "source")
SHOWN_BAD_ROWS = 10  # a query gone wrong can return thousands: the first few say enough


@dataclass(frozen=True)
class Fetch:
    """What one metric's query returned (columns as it names them), or why it could not run."""

    metric: str
    since: date
    columns: tuple[str, ...] = ()
    rows: Sequence[tuple[Any, ...]] = ()
    error: str | None = None


@dataclass
class MetricSync:
    """What sync found for one metric: readings to add, rows already held, or why nothing."""

    metric: str
    since: date = EARLIEST
    added: list[NewReading] = field(default_factory=list)
    present: int = 0
    rejected: list[str] = field(default_factory=list)  # "row N: why", every bad row
    error: str | None = None
    exit_code: int = 1  # of a failure: 1, or 2 when the machine refused the write

    @property
    def failed(self) -> bool:
        return self.error is not None or bool(self.rejected)

    @property
    def days(self) -> tuple[str, str] | None:
        """The first and last date of the readings to add (YYYY-MM-DD), if any."""
        if not self.added:
            return None
        dates = [str(reading.entry["date"]) for reading in self.added]
        return min(dates), max(dates)


def targets(ws: Workspace, names: Sequence[str]) -> list[str]:
    """The metrics to sync: those named (in order, once each), else every one with `sync`.
    A UsageError for a name that is no metric, or a metric without `sync`."""
    with_sync = sorted(name for name, metric in ws.metrics.items() if metric.sync is not None)
    if not names:
        if not with_sync:
            raise UsageError(
                "no metric has a sync: block; add one to a metric file (a connection named "
                "in cxokr.yaml and a query), see README: Metric sources"
            )
        return with_sync
    for name in names:
        if name not in ws.metrics:
            raise UsageError(f"no metric {name!r} in metrics/{did_you_mean(name, ws.metrics)}")
        if ws.metrics[name].sync is None:
            have = ", ".join(with_sync) or "none"
            raise UsageError(
                f"{name} has no sync: block in {metric_path(name)} (metrics with one: {have})"
            )
    return list(dict.fromkeys(names))


def since_for(ws: Workspace, metric: str) -> date:
    """The first day to fetch: the day after the newest reading held, or EARLIEST."""
    log = ws.readings.get(metric)
    if log is None or not log.entries:
        return EARLIEST
    return max(entry.date for entry in log.entries) + timedelta(days=1)


def _query(ws: Workspace, metric: str, env: Mapping[str, str]) -> tuple[Sync, str]:
    """The metric's sync and its connection's URL; a CxokrError when it has none."""
    sync = ws.metrics[metric].sync
    assert sync is not None  # `targets` chose only metrics with one
    connections = ws.config.connections if ws.config else {}
    connection = connections.get(sync.connection)
    if connection is None:
        known = ", ".join(sorted(connections)) or "none"
        raise CxokrError(
            f"connection {sync.connection!r} is not in cxokr.yaml's connections (known: {known})"
        )
    return sync, sources.resolve_url(connection.url, env)


def fetch(
    root: Path,
    ws: Workspace,
    metric: str,
    *,
    since: date | None,
    timeout: float | None,
    env: Mapping[str, str],
) -> Fetch:
    """Run one metric's query from `since` (default `since_for`); its rows, or why not.
    `timeout` overrides the metric's own (default DEFAULT_TIMEOUT)."""
    first = since or since_for(ws, metric)
    try:
        sync, url = _query(ws, metric, env)
        seconds = timeout or sync.timeout or DEFAULT_TIMEOUT
        fetched = sources.fetch(root, url, sync.query, first, timeout=seconds)
    except CxokrError as exc:
        return Fetch(metric, first, error=str(exc))
    columns = tuple(fetched.columns)
    return Fetch(metric, first, columns, fetched.rows, _columns_error(columns))


def probe(
    root: Path, ws: Workspace, metric: str, *, timeout: float | None, env: Mapping[str, str]
) -> Fetch:
    """Connect and run one metric's query for zero rows: its columns, or what is wrong."""
    try:
        sync, url = _query(ws, metric, env)
        seconds = timeout or sync.timeout or DEFAULT_TIMEOUT
        columns = sources.probe(root, url, sync.query, timeout=seconds)
    except CxokrError as exc:
        return Fetch(metric, EARLIEST, error=str(exc))
    return Fetch(metric, EARLIEST, columns, error=_columns_error(columns))


def _columns_error(columns: tuple[str, ...]) -> str | None:
    """Why a query's columns cannot give readings: a required one missing, or one twice."""
    columns = tuple(name.lower() for name in columns)
    twice = sorted({name for name in columns if columns.count(name) > 1} & set(READ))
    if twice:
        return f"the query returns {', '.join(twice)} more than once (names ignore case)"
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        return (
            f"the query returns no {' and no '.join(missing)} column (its columns: "
            f"{', '.join(columns) or 'none'}); name them with AS, as in "
            "select day as date, avg(amount) as value"
        )
    return None


class _QueryDates(DateReader):
    other_form = "return a date, or cast it to one in the query"


def plan(ws: Workspace, fetched: Fetch, *, by: str | None, today: date, at: datetime) -> MetricSync:
    """Check every row of one metric's fetch and sort it into added or already held;
    any bad row means nothing is added (each is listed in `rejected`)."""
    result = MetricSync(fetched.metric, fetched.since, error=fetched.error)
    if fetched.metric not in ws.metrics:  # its file changed while the query ran
        result.error = f"{metric_path(fetched.metric)} no longer holds a valid metric"
    if result.error is not None:
        return result
    row = _RowReader(ws, fetched.metric, fetched.columns, by=by, today=today, at=at)
    known = readings.held_keys(ws, fetched.metric)
    for number, values in enumerate(fetched.rows, start=1):
        try:
            reading = row.read(values)
        except UsageError as exc:
            result.rejected.append(f"row {number}: {exc}")
            continue
        if reading is None:
            continue
        if reading.key() in known:
            result.present += 1
            continue
        known.add(reading.key())
        result.added.append(reading)
    if result.rejected:
        result.added = []
    return result


class _RowReader:
    """Reads a row of one metric's query into a NewReading (None for a row of NULLs)."""

    def __init__(
        self,
        ws: Workspace,
        metric: str,
        columns: tuple[str, ...],
        *,
        by: str | None,
        today: date,
        at: datetime,
    ) -> None:
        self.ws, self.metric, self.by, self.today, self.at = ws, metric, by, today, at
        names = [name.lower() for name in columns]
        self.index = {name: names.index(name) for name in READ if name in names}
        self.segments = {name.lower(): name for name in ws.metrics[metric].segments}
        self.dates = _QueryDates(None)

    def read(self, values: tuple[Any, ...]) -> NewReading | None:
        cells = {name: values[at] for name, at in self.index.items()}
        if all(cell is None or cell == "" for cell in values):
            return None  # as `import` skips a row of empty cells
        segment = _text(cells.get("segment"))
        return readings.build(
            self.ws,
            self.metric,
            _value(cells.get("value")),
            segment=segment and self.segments.get(segment.lower(), segment),
            day=self._day(cells.get("date")),
            source=_text(cells.get("source")),
            by=self.by,
            today=self.today,
            at=self.at,
        )

    def _day(self, cell: Any) -> date:
        if isinstance(cell, datetime):  # a timestamp: a whole day only at midnight
            cell = str(cell.replace(tzinfo=None))
        elif isinstance(cell, date):
            return cell
        if not isinstance(cell, str):
            raise UsageError(
                "date is empty (NULL)" if cell is None else f"date {cell!r} is no date"
            )
        text = cell.strip()
        if len(text) > 10 and text[10] == "T":  # ISO 8601's form of a timestamp
            text = f"{text[:10]} {text[11:]}"
        try:
            return self.dates(text)
        except ValueError as exc:
            raise UsageError(f"date {exc}") from None


def _value(cell: Any) -> float:
    """A value cell: a number the database returned, or plain numeric text."""
    if cell is None:
        raise UsageError("value is empty (NULL)")
    if isinstance(cell, (int, float, Decimal)) and not isinstance(cell, bool):
        try:
            return float(cell)
        except OverflowError:
            raise UsageError(f"value {cell} is too large") from None
    if not isinstance(cell, str):
        raise UsageError(f"value {cell!r} is not a number")
    try:
        return plain_number(cell.strip())
    except ValueError as exc:
        raise UsageError(f"value {exc}") from None


def _text(cell: Any) -> str | None:
    """A segment or source cell as text; None for NULL or empty."""
    if cell is None or cell == "":
        return None
    return cell if isinstance(cell, str) else str(cell)


def fetch_all(
    root: Path,
    ws: Workspace,
    metrics: Sequence[str],
    *,
    since: date | None,
    timeout: float | None,
    env: Mapping[str, str],
    started: Callable[[int, str], None] | None = None,
) -> list[Fetch]:
    """`fetch` each metric in turn; `started(index, metric)` is told before each."""
    found = []
    for index, metric in enumerate(metrics):
        if started is not None:
            started(index, metric)
        found.append(fetch(root, ws, metric, since=since, timeout=timeout, env=env))
    return found


def plan_all(
    ws: Workspace, fetches: Sequence[Fetch], *, by: str | None, today: date
) -> list[MetricSync]:
    """`plan` every fetch, all at one moment (`at`), as they are one commit."""
    at = datetime.now(UTC)
    return [plan(ws, fetched, by=by, today=today, at=at) for fetched in fetches]


def write(root: Path, plans: Sequence[MetricSync]) -> dict[Path, bytes]:
    """Append each metric's new readings, all or nothing per metric; a metric whose log
    refuses them (past the size limit, a link, the machine) gets its `error` and nothing
    written. Returns the bytes appended to each log. Call under the workspace lock."""
    appended: dict[Path, bytes] = {}
    for result in plans:
        if result.failed or not result.added:
            continue
        try:
            appended |= readings.append(root, result.added)
        except CxokrError as exc:
            result.error, result.exit_code, result.added = str(exc), exc.exit_code, []
    return appended


MESSAGE_METRICS = 5  # more, and the subject says how many; the body lists each


def message(plans: Sequence[MetricSync]) -> str:
    """The commit message: `sync: aov +12, nps +3`, the metrics that gained readings; past
    MESSAGE_METRICS of them, `sync: 2,190 readings to 200 metrics` and one line each."""
    counts = [f"{result.metric} +{len(result.added)}" for result in plans if result.added]
    if len(counts) <= MESSAGE_METRICS:
        return f"sync: {', '.join(counts)}"
    total = sum(len(result.added) for result in plans)
    return f"sync: {total:,} readings to {len(counts)} metrics\n\n" + "\n".join(counts)


def warnings(ws: Workspace, plans: Sequence[MetricSync]) -> list[str]:
    """`readings.unsegmented`'s warnings for what is added."""
    return readings.unsegmented(ws, [reading for result in plans for reading in result.added])


def lines(result: MetricSync, *, dry_run: bool) -> list[str]:
    """What sync did for one metric, one line (a failure: `error: ` and a line a bad row)."""
    name = result.metric
    if result.error is not None:
        return [f"error: {name}: {result.error}"]
    if result.rejected:
        shown = [f"error: {name}: {why}" for why in result.rejected[:SHOWN_BAD_ROWS]]
        more = len(result.rejected) - SHOWN_BAD_ROWS
        if more > 0:
            shown.append(f"error: {name}: ... and {_count(more, 'more bad row')}")
        bad = _count(len(result.rejected), "bad row")
        return [*shown, f"error: {name}: nothing written: {bad}; fix the query or its data"]
    held = f"{result.present} already held" if result.present else ""
    if result.days is None:
        return [f"{name}: nothing new since {result.since}" + (f" ({held})" if held else "")]
    first, last = result.days
    verb = "would be added" if dry_run else "added"
    span = first if first == last else f"{first} to {last}"
    return [
        f"{name}: {_count(len(result.added), 'reading')} {verb}, {span}"
        + (f"; {held}" if held else "")
    ]


def summary(plans: Sequence[MetricSync], *, dry_run: bool) -> str:
    """The last line: readings added (or that would be) over how many metrics, and failures."""
    added = sum(len(result.added) for result in plans)
    failed = [result.metric for result in plans if result.failed]
    verb = "would be added" if dry_run else "added"
    gained = f"{_count(added, 'reading')} {verb}" if added else "nothing new"
    text = f"{gained} from {_count(len(plans), 'metric')}"
    if failed:
        text += f"; {len(failed)} failed ({', '.join(failed)})"
    return text + ("; nothing written (--dry-run)" if dry_run else "")


def checked(result: Fetch) -> str:
    """`sync --check`'s line for one metric: its columns, or what is wrong."""
    if result.error is not None:
        return f"error: {result.metric}: {result.error}"
    return f"{result.metric}: ok (columns: {', '.join(result.columns)})"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
