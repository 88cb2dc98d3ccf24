"""Commands that shape a workspace: `init` and `period add|close`."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from cxokr.cli.app import (
    AsOfOption,
    WorkspaceOption,
    app,
    err,
    guarded,
    load,
    parse_date,
    root_of,
)
from cxokr.cli.write import NoCommitOption, commit_written
from cxokr.errors import UsageError


@app.command()
@guarded
def init(
    directory: Annotated[
        Path, typer.Argument(help="Folder for the new workspace (default: here).", file_okay=False)
    ] = Path(),
    org: Annotated[
        str | None, typer.Option("--org", help="Organization name (default: the folder's name).")
    ] = None,
    template: Annotated[
        str, typer.Option("--template", help="retail-cx (teams, metrics, OKRs) or blank.")
    ] = "blank",
    period: Annotated[
        str | None,
        typer.Option(
            "--period", help="First period, e.g. 2027-Q1 (default: this quarter and this year)."
        ),
    ] = None,
) -> int:
    """Create a workspace: settings, schemas, CI workflow, git repository and first commit.

    Never overwrites: if any file is in the way it lists them and writes nothing.

    Example: cxokr init okrs --org "Acme Retail" --template retail-cx
    """
    from cxokr.edit import scaffold
    from cxokr.git import commit

    if template not in scaffold.TEMPLATES:
        raise UsageError(f"unknown template {template!r}; choose {' or '.join(scaffold.TEMPLATES)}")
    target = directory.resolve()
    name = org or target.name.replace("-", " ").replace("_", " ").title() or "My organization"
    periods = _periods(period) if period else scaffold.default_periods(date.today())
    files = scaffold.plan(target, name, template, periods)
    base = scaffold.base(target)  # a repository's top when target is a subfolder of one
    existing = next(p for p in (target, *target.parents) if p.exists())
    fresh = not commit.is_repository(existing)
    if not fresh:
        commit.ensure_can_commit(existing)
    written = scaffold.write(base, files)
    if fresh:
        commit.init(target)
    code = commit_written(base, written, f"init: cxokr workspace for {name}", no_commit=False)
    err(f"created a {template} workspace for {name} in {target}")
    starter = scaffold.starter_path(periods) if template == "blank" else None
    err(_next_steps(directory, starter))
    return code


_AUTHORING = (
    ("cxokr new objective", "an objective of a team"),
    ("cxokr new kr", "a key result of an objective"),
    ("cxokr new team", "a team (teams/<team>.yaml)"),
    ("cxokr new metric", "a metric of the shared catalog (metrics/<metric>.yaml)"),
    ("cxokr checkin", "record where a key result stands"),
)


def _next_steps(directory: Path, starter: str | None) -> str:
    """What to run next, from the folder `init` was run in: the template's report first (a
    blank one's last, after the goals are written), and where the commented starter is."""
    import shlex

    report = ("cxokr report", "the weekly view")
    steps = [*_AUTHORING, report] if starter else [report, *_AUTHORING]
    lines = ["next steps:"]
    if directory.resolve() != Path.cwd().resolve():
        lines.append(f"  cd {shlex.quote(str(directory))}")
    lines += [f"  {command:<20} {what}" for command, what in steps]
    if starter is not None:
        lines.append(f"or take one '# ' off each line of the example in {starter}")
    return "\n".join(lines)


def _periods(period_id: str) -> list[tuple[str, date, date]]:
    """The named period and, for a part of a year, the year around it."""
    from cxokr.edit.periods import period_dates

    start, end = period_dates(period_id)
    found = [(period_id, start, end)]
    year = period_id.split("-")[0]
    if year != period_id and year.isdigit():
        found.insert(0, (year, *period_dates(year)))
    return found


period_app = typer.Typer(
    help="Add a period, or close one with its grade sheet.", no_args_is_help=True
)
app.add_typer(
    period_app,
    name="period",
    help="Add a period, or close one with its grade sheet.\n\n"
    "Example: cxokr period add 2027-Q1 --carry-over 2026-Q4",
)


@period_app.command("add")
@guarded
def period_add(
    period_id: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="2027, 2027-Q1, 2027-H1 or 2027-03; any ID with --start/--end."
        ),
    ],
    start: Annotated[str | None, typer.Option("--start", help="First day (YYYY-MM-DD).")] = None,
    end: Annotated[str | None, typer.Option("--end", help="Last day (YYYY-MM-DD).")] = None,
    carry_over: Annotated[
        str | None,
        typer.Option(
            "--carry-over", metavar="FROM", help="Copy FROM's unfinished objectives into it."
        ),
    ] = None,
    as_of: AsOfOption = None,
    workspace: WorkspaceOption = None,
    no_commit: NoCommitOption = False,
) -> int:
    """Declare a new period in cxokr.yaml, keeping every comment, and commit it.

    Example: cxokr period add 2027-Q1 --carry-over 2026-Q4
    """
    from cxokr.edit import periods
    from cxokr.git import commit
    from cxokr.load import localstate

    root = root_of(workspace)
    if not no_commit:
        commit.ensure_can_commit(root)
    if (start is None) != (end is None):
        raise UsageError("give both --start and --end, or neither")
    first, last = (
        (parse_date(start), parse_date(end)) if start and end else periods.period_dates(period_id)
    )
    with localstate.locked(root):  # held until committed: writers go one at a time
        paths, message = periods.add(
            root,
            period_id,
            first,
            last,
            carry_from=carry_over,
            reload=lambda: (load(root), parse_date(as_of)),
        )
        return commit_written(root, paths, message, no_commit)


@period_app.command("close")
@guarded
def period_close(
    period_id: Annotated[str, typer.Argument(metavar="ID", help="The period to close.")],
    as_of: AsOfOption = None,
    workspace: WorkspaceOption = None,
    no_commit: NoCommitOption = False,
) -> int:
    """Print a period's grade sheet and record it as closed in cxokr.yaml.

    Example: cxokr period close 2026-Q4 --as-of 2026-12-31
    """
    from cxokr.compute import grades
    from cxokr.edit import config_edit, fileio
    from cxokr.git import commit
    from cxokr.load import localstate
    from cxokr.load.layout import CONFIG_FILE
    from cxokr.render import grades as render

    root = root_of(workspace)
    fileio.contained(root, root / CONFIG_FILE)  # refused before the grade sheet, not after
    if not no_commit:
        commit.ensure_can_commit(root)
    when = parse_date(as_of)
    sheet = grades.grade_sheet(load(root, when), period_id, when)
    sys.stdout.write(render.render(sheet))
    with localstate.locked(root):  # held until committed: writers go one at a time
        path = config_edit.close_period(root, period_id, when)
        return commit_written(root, [path], f"period: close {period_id} on {when}", no_commit)
