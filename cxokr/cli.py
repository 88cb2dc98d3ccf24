"""The `cxokr` command line: thin commands over the core modules.

Each command reads its options, calls one core function, renders the result
and returns an exit code. `guarded` is the one error boundary: a known error
exits 1 (or 2 for usage and environment errors) with its message, Ctrl-C exits
130, and anything unexpected exits 3 with a request to report it; a traceback
only appears with --debug.
"""

from __future__ import annotations

import functools
import os
import sys
import traceback
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from cxokr import __version__
from cxokr.errors import CxokrError, UsageError

app = typer.Typer(
    name="cxokr",
    help="Goals-as-code OKR tracking for customer-experience work across teams.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130

_state = {"debug": False}

F = TypeVar("F", bound=Callable[..., Any])

WorkspaceOption = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        "-w",
        help="Workspace folder (default: search upward from here for cxokr.yaml).",
        file_okay=False,
    ),
]


def err(message: str) -> None:
    """A human message on stderr, never interpreted as markup."""
    sys.stderr.write(message.rstrip("\n") + "\n")


def guarded(command: F) -> F:
    """The error boundary: map every failure of a command to a message and an exit code."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            code = command(*args, **kwargs)
        except CxokrError as exc:
            err(f"error: {exc}")
            code = exc.exit_code
        except KeyboardInterrupt:
            err("interrupted")
            code = EXIT_INTERRUPTED
        except Exception:
            if _state["debug"] or os.environ.get("CXOKR_DEBUG"):
                traceback.print_exc()
            err(
                "internal error: this is a bug in cxokr; please report it with the output "
                "of the same command run with --debug"
            )
            code = EXIT_INTERNAL
        raise typer.Exit(code or 0)

    return run  # type: ignore[return-value]


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"cxokr {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def main_options(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks of internal errors.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Goals-as-code OKR tracking for customer-experience work across teams.

    Example: cxokr check --workspace examples/retail-cx
    """
    _state["debug"] = debug


# --- check ---------------------------------------------------------------------------------


class CheckFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    GITHUB = "github"


@app.command()
@guarded
def check(
    workspace: WorkspaceOption = None,
    output_format: Annotated[
        CheckFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="text, json or github (default: github when GITHUB_ACTIONS=true, else text).",
        ),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail the check too.")] = False,
) -> int:
    """Validate every file of the workspace; exit 1 on problems.

    Example: cxokr check --format github --strict
    """
    from cxokr.checks import check_workspace
    from cxokr.render import problems as render

    root = _root(workspace)
    result = check_workspace(_load(root))
    fmt = output_format or (
        CheckFormat.GITHUB if os.environ.get("GITHUB_ACTIONS") == "true" else CheckFormat.TEXT
    )
    if fmt is CheckFormat.JSON:
        sys.stdout.write(render.as_json(result, strict))
    elif fmt is CheckFormat.GITHUB:
        prefix = _repo_prefix(root)
        sys.stdout.write(render.github(result.problems, prefix))
        summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary_file:
            with Path(summary_file).open("a", encoding="utf-8") as out:
                out.write(render.step_summary(result, strict, prefix))
    else:
        sys.stdout.write(render.text(result.problems))
    err(render.summary(result, strict))
    return EXIT_PROBLEMS if result.failed(strict) else EXIT_OK


def _repo_prefix(root: Path) -> str:
    """The workspace folder relative to the current folder, for annotation file paths."""
    rel = os.path.relpath(root, Path.cwd())
    return "" if rel == "." else rel.replace(os.sep, "/") + "/"


# --- schema --------------------------------------------------------------------------------


@app.command()
@guarded
def schema(
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Folder to write to (default: schemas/ in the workspace)."
        ),
    ] = None,
    workspace: WorkspaceOption = None,
) -> int:
    """Write a JSON Schema (draft-07) for each file kind, for editors and CI.

    Files point at them with a first line such as
    `# yaml-language-server: $schema=../schemas/team.schema.json`.

    Example: cxokr schema --output schemas
    """
    from cxokr.schema import write_all

    folder = output if output is not None else _root(workspace) / "schemas"
    for path in write_all(folder):
        sys.stdout.write(f"{path}\n")
    return EXIT_OK


# --- report --------------------------------------------------------------------------------


class ReportFormat(StrEnum):
    TEXT = "text"
    MD = "md"
    JSON = "json"
    CSV = "csv"


AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="Compute everything as of this date (YYYY-MM-DD; default today)."),
]
PeriodOption = Annotated[
    str | None,
    typer.Option(
        "--period", "-p", help="Period ID (default: the narrowest one containing the date)."
    ),
]


@app.command()
@guarded
def report(
    workspace: WorkspaceOption = None,
    period: PeriodOption = None,
    team: Annotated[
        str | None, typer.Option("--team", "-t", help="One team's objectives, with their parents.")
    ] = None,
    level: Annotated[
        int | None,
        typer.Option(
            "--level", "-l", min=1, max=4, help="Levels down to this one (1: executive view)."
        ),
    ] = None,
    owner: Annotated[
        str | None, typer.Option("--owner", help="Only what this person owns.")
    ] = None,
    as_of: AsOfOption = None,
    output_format: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="text, md, json or csv.")
    ] = ReportFormat.TEXT,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
) -> int:
    """The weekly view: progress, pace and status of every objective and key result.

    Example: cxokr report --team ecommerce --as-of 2026-11-20
    """
    from cxokr.report import Filters, build

    ws = _load(_root(workspace))
    result = build(ws, _date(as_of), Filters(period=period, team=team, level=level, owner=owner))
    if output_format is ReportFormat.TEXT and output is None:
        from cxokr.render import text

        text.render(result)
        return EXIT_OK
    _emit(_render_report(result, output_format), output)
    return EXIT_OK


def _render_report(result: Any, fmt: ReportFormat) -> str:
    if fmt is ReportFormat.JSON:
        from cxokr.render import report_json

        return report_json.render(result)
    if fmt is ReportFormat.MD:
        from cxokr.render import markdown

        return markdown.render(result)
    if fmt is ReportFormat.CSV:
        from cxokr.render import csv_report

        return csv_report.render(result)
    import io

    from cxokr.render import text

    buffer = io.StringIO()
    text.render(result, buffer, width=100)
    return buffer.getvalue()


def _emit(content: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(content)
        return
    from cxokr.fileio import write_atomic

    write_atomic(output, content.encode("utf-8"))
    err(f"wrote {output}")


# --- explain -------------------------------------------------------------------------------


@app.command()
@guarded
def explain(
    ref: Annotated[
        str,
        typer.Argument(
            help="A team, objective (team/objective) or key result (team/objective/kr)."
        ),
    ],
    workspace: WorkspaceOption = None,
    period: PeriodOption = None,
    as_of: AsOfOption = None,
) -> int:
    """Show the arithmetic behind every number of a key result, objective or team.

    Example: cxokr explain ecommerce/grow-basket/aov-online --as-of 2026-11-20
    """
    from cxokr.explain import explain as explain_ref

    ws = _load(_root(workspace))
    for line in explain_ref(ws, ref, _date(as_of), period):
        sys.stdout.write(line + "\n")
    return EXIT_OK


# --- shared helpers ------------------------------------------------------------------------


def _root(workspace: Path | None) -> Path:
    from cxokr.workspace import find_root

    return find_root(explicit=workspace)


def _date(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{text!r} is not a date; use YYYY-MM-DD") from None


def _load(root: Path) -> Any:
    from cxokr.workspace import load

    return load(root)


def main() -> None:
    """Console-script entry point."""
    for stream in (sys.stdout, sys.stderr):
        # A lone surrogate in a note must print escaped, not end the command.
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    app(prog_name="cxokr")
