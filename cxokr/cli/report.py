"""`cxokr report` and `cxokr explain`: the weekly view and the arithmetic behind it.

Figures computed without some files must not look complete: every command that
computes them (report, explain, align, metrics, notify) names on stderr the
files that failed to load and the log lines whose entries were dropped, after
its output, and exits 1 (`warn_left_out`).
"""

from __future__ import annotations

import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cxokr.cli import complete
from cxokr.cli.app import (
    EXIT_OK,
    EXIT_PROBLEMS,
    AsOfOption,
    LevelOption,
    OwnerOption,
    PeriodOption,
    TeamOption,
    WorkspaceOption,
    app,
    caching,
    err,
    guarded,
    load,
    load_cached,
    parse_date,
    root_of,
)
from cxokr.errors import UsageError
from cxokr.launch import outlive

if TYPE_CHECKING:
    from cxokr.compute.report import Filters, Report
    from cxokr.load.cache import Cache
    from cxokr.load.workspace import Workspace

# --- report --------------------------------------------------------------------------------


class ReportFormat(StrEnum):
    TEXT = "text"
    MD = "md"
    JSON = "json"
    CSV = "csv"
    HTML = "html"


SegmentOption = Annotated[
    str | None,
    typer.Option(
        "--segment",
        help="One channel's view: the key results on this segment (online, in-store: one a "
        "metric declares), and their objectives.",
    ),
]
FullOption = Annotated[
    bool,
    typer.Option(
        "--full",
        help="Every objective and key result in text and md, where a large organization's "
        "report is summarised (md: past what a pull-request comment holds).",
    ),
]


@app.command()
@guarded
def report(
    workspace: WorkspaceOption = None,
    period: PeriodOption = None,
    team: TeamOption = None,
    level: LevelOption = None,
    owner: OwnerOption = None,
    segment: SegmentOption = None,
    as_of: AsOfOption = None,
    output_format: Annotated[
        ReportFormat,
        typer.Option(
            "--format", "-f", help="text, md, json, csv or html (a self-contained page to share)."
        ),
    ] = ReportFormat.TEXT,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="What moved since a date (YYYY-MM-DD), a number of days or weeks back "
            "(7d, 2w) or a revision, from git history (text, md or json).",
        ),
    ] = None,
    full: FullOption = False,
) -> int:
    """The weekly view: progress, pace and status of every objective and key result.

    Example: cxokr report --team ecommerce --as-of 2026-11-20

    Example: cxokr report --format html -o okrs.html

    Example: cxokr report --segment in-store

    Example: cxokr report --format md --full -o everything.md
    """
    root = root_of(workspace)
    when = parse_date(as_of)
    choice = (period, team, level, owner, segment)
    if since is None:
        return _weekly(root, when, choice, output_format, output, full)
    ws, cache = load_cached(root, when)
    filters = chosen(ws, *choice)
    _report_since(root, ws, cache, when, since, filters, output_format, output)
    return warn_left_out(ws)


def _weekly(
    root: Path,
    when: date,
    choice: tuple[str | None, str | None, int | None, str | None, str | None],
    fmt: ReportFormat,
    output: Path | None,
    full: bool,
) -> int:
    """The weekly report, kept from an earlier run on the same workspace, day and options
    (`kept`) or computed (and kept, but for the HTML page, which draws from the workspace
    too), with what its run said on stderr around it."""
    from cxokr.cli import kept, kept_report

    keep = caching() and fmt is not ReportFormat.HTML
    slot = kept.slot(root, "report", *choice, when, fmt, output, full) if keep else None
    found = None if slot is None else slot.recall(kept_report.read)
    ws = cache = None
    if found is None:
        said: list[str] = []
        ws, cache = load_cached(root, when, said)
        result = marked_report(root, ws, when, chosen(ws, *choice))
        found = kept_report.KeptReport(result, tuple(said), tuple(left_out_warnings(ws)))
    else:
        for warning in found.early:
            err(f"warning: {warning}")
        outlive(report=found.report)
    _write(ws, found.report, fmt, output, full)
    say_empty(found.report.filters)
    for line in found.late:
        err(line)
    if slot is not None and cache is not None:
        slot.keep(lambda: kept_report.body(found), cache)
    return EXIT_PROBLEMS if found.late else EXIT_OK


def chosen(
    ws: Workspace,
    period: str | None,
    team: str | None,
    level: int | None,
    owner: str | None,
    segment: str | None = None,
) -> Filters:
    """The filters of the command line checked against the workspace: one that names nothing
    there is a usage error with "did you mean" (`compute.filters.resolve`)."""
    from cxokr.compute.filters import resolve
    from cxokr.compute.report import Filters

    filters = Filters(period=period, team=team, level=level, owner=owner, segment=segment)
    return resolve(ws, filters)


def say_empty(filters: Filters) -> None:
    """Say on stderr when the filters, though each names something, chose nothing."""
    said = filters.said_empty()
    if said:
        err(f"note: {said}")


LEFT_OUT_SHOWN = 5  # files named one per line; past that, a count


def left_out(ws: Workspace) -> list[str]:
    """Files whose content the workspace lacks: each failed to load, or was not read at all
    (an error of the file as a whole, located at line 0: too large, unreadable, a link out)."""
    from cxokr.problems import Severity

    whole = {p.path for p in ws.problems if p.line == 0 and p.severity is Severity.ERROR}
    return sorted(ws.failed | whole)


def lines_left_out(ws: Workspace) -> dict[str, list[int]]:
    """The lines of each log whose entry the figures lack: every error located on a line of
    a check-in or reading log drops that line's entry (a bad value, a control character)."""
    from cxokr.load.kinds import CHECKINS, READINGS
    from cxokr.problems import Severity

    folders = (CHECKINS.folder + "/", READINGS.folder + "/")
    found: dict[str, set[int]] = {}
    for p in ws.problems:
        if p.line > 0 and p.severity is Severity.ERROR and p.path.startswith(folders):
            found.setdefault(p.path, set()).add(p.line)
    return {path: sorted(lines) for path, lines in sorted(found.items())}


def warn_left_out(ws: Workspace) -> int:
    """Say on stderr which files and log lines the figures leave out; EXIT_PROBLEMS when
    any, else EXIT_OK: a report never looks complete when it is not."""
    said = left_out_warnings(ws)
    for line in said:
        err(line)
    return EXIT_PROBLEMS if said else EXIT_OK


def left_out_warnings(ws: Workspace) -> list[str]:
    """The lines `warn_left_out` says: none when the figures leave nothing out."""
    paths = left_out(ws)
    said = [
        f"warning: {path} failed to load; the figures leave it out (cxokr check says why)"
        for path in paths[:LEFT_OUT_SHOWN]
    ]
    more = len(paths) - LEFT_OUT_SHOWN
    if more > 0:
        said.append(f"warning: and {more} more file{'s' if more > 1 else ''} the figures leave out")
    logs = {path: lines for path, lines in lines_left_out(ws).items() if path not in paths}
    for path, lines in list(logs.items())[:LEFT_OUT_SHOWN]:
        shown = ", ".join(map(str, lines[:LEFT_OUT_SHOWN]))
        shown += ", ..." if len(lines) > LEFT_OUT_SHOWN else ""
        entries, named = ("entry", "line") if len(lines) == 1 else ("entries", "lines")
        said.append(
            f"warning: {path}: {len(lines)} {entries} left out of the figures ({named} "
            f"{shown}; cxokr check says why)"
        )
    more = len(logs) - LEFT_OUT_SHOWN
    if more > 0:
        said.append(f"warning: and entries of {more} more log{'s' if more > 1 else ''} left out")
    return said


def marked_report(root: Path, ws: Workspace, when: date, filters: Filters) -> Report:
    """The weekly report as of `when` (`compute.report.weekly`), its key results marked where
    goalposts moved unexplained (from git history), held until the process ends."""
    from cxokr.compute.report import weekly as build_weekly
    from cxokr.git.as_of import seen
    from cxokr.git.goalposts import find

    def moved() -> set[str]:
        return {move.ref for move in seen(find(root, ws, keep=caching()), when)}

    result = build_weekly(ws, when, filters, moved)
    outlive(report=result)
    return result


def _write(
    ws: Workspace | None, result: Report, fmt: ReportFormat, output: Path | None, full: bool
) -> None:
    """The report in `fmt`, to the terminal or to `output`; all of it when `full` (HTML
    draws from the workspace too)."""
    if fmt is ReportFormat.TEXT and output is None:
        from cxokr.render import text

        text.render(result, full=full)
    elif fmt is ReportFormat.HTML:
        assert ws is not None
        _emit(_render_html(ws, result), output)
    else:
        _emit(_render_report(result, fmt, full), output)


def _report_since(
    root: Path,
    ws: Workspace,
    cache: Cache | None,
    as_of: date,
    since: str,
    filters: Filters,
    fmt: ReportFormat,
    output: Path | None,
) -> None:
    """`report --since`: what moved between the workspace in git and now."""
    from cxokr.git.changes import since as changes_since
    from cxokr.render import changes as render
    from cxokr.render.encoding import can_encode

    if fmt in (ReportFormat.CSV, ReportFormat.HTML):
        raise UsageError("report --since is written as text, md or json")
    result = changes_since(root, ws, as_of, since, filters, cache)
    say_empty(result.filters)
    if result.then.incomplete:
        err(f"warning: {result.then.incomplete}")
    if fmt is ReportFormat.JSON:
        content = render.as_json(result)
    elif fmt is ReportFormat.MD:
        content = render.markdown(result)
    elif output is None:
        from cxokr.render.console import console

        width = console().width  # as the text report: the terminal's, or COLUMNS, or 80
        glyphs = ("→", "·") if can_encode("→·") else ("->", "|")
        content = render.text(result, *glyphs, width=width)
    else:
        content = render.text(result)
    _emit(content, output)


def _render_report(result: Report, fmt: ReportFormat, full: bool) -> str:
    if fmt is ReportFormat.JSON:
        from cxokr.render import report_json

        return report_json.render(result)
    if fmt is ReportFormat.MD:
        from cxokr.render import markdown

        return markdown.render(result, full)
    if fmt is ReportFormat.CSV:
        from cxokr.render import csv_report

        return csv_report.render(result)
    import io

    from cxokr.render import text

    buffer = io.StringIO()
    text.render(result, buffer, width=100, full=full)
    return buffer.getvalue()


def _render_html(ws: Workspace, result: Report) -> str:
    from cxokr.compute.align_view import contributions
    from cxokr.compute.metric_map import from_report
    from cxokr.render import html

    assert ws.config is not None  # the report was built from it
    matrix = contributions(ws, result.periods)
    return html.render(result, ws.config.periods, matrix, from_report(ws, result))


def _emit(content: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(content)
        return
    from cxokr.load.localstate import write_output

    write_output(output, content.encode("utf-8"))
    err(f"wrote {output}")


# --- explain -------------------------------------------------------------------------------


@app.command()
@guarded
def explain(
    ref: Annotated[
        str,
        typer.Argument(
            help="A team, objective (team/objective), key result (team/objective/kr) or "
            "'organization' (the headline).",
            autocompletion=complete.explained,
        ),
    ],
    workspace: WorkspaceOption = None,
    period: PeriodOption = None,
    as_of: AsOfOption = None,
) -> int:
    """Show the arithmetic behind every number of a key result, objective, team or the
    organization's headline.

    Example: cxokr explain ecommerce/grow-basket/aov-online --as-of 2026-11-20
    """
    from cxokr.compute.explain import explain as explain_ref
    from cxokr.render.controls import escape_controls

    ws = load(root_of(workspace), parse_date(as_of))
    for line in explain_ref(ws, ref, parse_date(as_of), period):
        sys.stdout.write(escape_controls(line) + "\n")
    return warn_left_out(ws)
