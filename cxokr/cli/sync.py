"""`cxokr sync`: readings from where the data lives, by each metric's `sync` query.

Every query runs first, outside the workspace lock (a slow database holds
no other writer back); then, under the lock, the rows are checked against
the logs as they stand, appended metric by metric and committed once.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cxokr.cli import complete
from cxokr.cli.app import (
    EXIT_OK,
    EXIT_PROBLEMS,
    WorkspaceOption,
    app,
    decimal,
    err,
    guarded,
    load,
    parse_date,
    root_of,
)
from cxokr.cli.write import NoCommitOption, _prepare, commit_written
from cxokr.errors import UsageError

if TYPE_CHECKING:
    from cxokr.edit.sync import Fetch, MetricSync
    from cxokr.load.workspace import Workspace

MetricsArgument = Annotated[
    list[str] | None,
    typer.Argument(
        help="Metric IDs to sync (default: every metric with a sync: block).",
        metavar="METRIC",
        autocompletion=complete.metrics,
        show_default=False,
    ),
]
SinceOption = Annotated[
    str | None,
    typer.Option(
        "--since",
        metavar="DATE",
        help="The first day to fetch, bound as :since (default: the day after each "
        "metric's newest reading; 1900-01-01 for a metric with none).",
    ),
]
TimeoutOption = Annotated[
    float | None,
    typer.Option(
        "--timeout",
        metavar="SECONDS",
        parser=decimal,
        help="Stop each query after this many seconds (default: the metric's "
        "sync.timeout, else 60).",
    ),
]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Run the queries, say what would be added, write nothing.")
]
CheckOption = Annotated[
    bool,
    typer.Option(
        "--check",
        help="Connect and run each query for zero rows: report what fails or which "
        "required column (date, value) is missing. Writes nothing.",
    ),
]


@app.command()
@guarded
def sync(
    metrics: MetricsArgument = None,
    since: SinceOption = None,
    timeout: TimeoutOption = None,
    dry_run: DryRunOption = False,
    check: CheckOption = False,
    workspace: WorkspaceOption = None,
    no_commit: NoCommitOption = False,
) -> int:
    """Fetch new readings with each metric's sync: query and commit them once.

    Each row is checked as import checks it; readings already held are skipped,
    so running sync twice adds nothing. A metric that fails (its connection, its
    query, a bad row) is reported and nothing is written for it; the others go on,
    and the exit code is 1.

    Example: cxokr sync

    Example: cxokr sync aov nps --dry-run

    Example: cxokr sync --since 2026-11-01 --timeout 300

    Example: cxokr sync --check
    """
    from cxokr.edit import sync as core

    root = root_of(workspace)
    # DuckDB looks for a relative path the workspace lacks in the working folder too: the
    # workspace is made the working folder, so a query reads nothing from outside it.
    os.chdir(root)
    first = parse_date(since) if since is not None else None
    if timeout is not None and timeout <= 0:
        raise UsageError("--timeout must be a number of seconds above 0")
    by = None if dry_run or check else _prepare(root, no_commit)
    ws = load(root)
    names = core.targets(ws, metrics or [])
    if check:
        return _check(root, ws, names, timeout)
    with _Progress(len(names)) as progress:
        fetched = core.fetch_all(
            root, ws, names, since=first, timeout=timeout, env=os.environ, started=progress.step
        )
    if dry_run or not any(found.rows for found in fetched):  # nothing to write
        return _report(ws, core.plan_all(ws, fetched, by=by, today=date.today()), dry_run=dry_run)
    return _write(root, fetched, by, no_commit)


def _write(root: Path, fetched: Sequence[Fetch], by: str | None, no_commit: bool) -> int:
    """Under the lock: check the rows against the logs as they stand, append, commit once."""
    from cxokr.edit import sync as core
    from cxokr.load import localstate

    with localstate.locked(root):
        ws = load(root)
        plans = core.plan_all(ws, fetched, by=by, today=date.today())
        appended = core.write(root, plans)
        code = _report(ws, plans, dry_run=False)
        if not appended:
            return code
        committed = commit_written(root, list(appended), core.message(plans), no_commit, appended)
        return committed or code


def _report(ws: Workspace, plans: Sequence[MetricSync], *, dry_run: bool) -> int:
    """Warnings, one line a metric (a line a bad row), the totals; exit 1 if one failed
    (2 if the machine refused a write)."""
    from cxokr.edit import sync as core

    for warning in core.warnings(ws, plans):
        err(warning)
    for result in plans:
        for line in core.lines(result, dry_run=dry_run):
            err(line)
    err(core.summary(plans, dry_run=dry_run))
    return max((result.exit_code for result in plans if result.failed), default=EXIT_OK)


def _check(root: Path, ws: Workspace, names: Sequence[str], timeout: float | None) -> int:
    """`--check`: each query run for zero rows; exit 1 if one fails."""
    from cxokr.edit import sync as core

    results = []
    with _Progress(len(names)) as progress:
        for index, name in enumerate(names):
            progress.step(index, name)
            results.append(core.probe(root, ws, name, timeout=timeout, env=os.environ))
    for result in results:
        err(core.checked(result))
    return EXIT_PROBLEMS if any(result.error for result in results) else EXIT_OK


class _Progress:
    """On a terminal, with more than one metric, `fetching 3/40: aov` on one line of
    stderr, rewritten as each query starts and cleared when the block ends (Ctrl-C
    too); elsewhere nothing."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.shown = total > 1 and sys.stderr.isatty()

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.done()

    def step(self, index: int, metric: str) -> None:
        if self.shown:
            sys.stderr.write(f"\r\x1b[Kfetching {index + 1}/{self.total}: {metric}")
            sys.stderr.flush()

    def done(self) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
