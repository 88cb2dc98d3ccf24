"""The Typer app, its error boundary and what every command shares.

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
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from cxokr import __version__
from cxokr.cli import complete
from cxokr.errors import CxokrError, EnvironmentFailure, UsageError, is_environmental
from cxokr.launch import outlive

if TYPE_CHECKING:
    from cxokr.load.cache import Cache
    from cxokr.load.workspace import Workspace

app = typer.Typer(
    name="cxokr",
    help="Goals-as-code OKR tracking for customer-experience work across teams.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130

_state = {"debug": False, "no_cache": False}
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

AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="Compute everything as of this date (YYYY-MM-DD; default today)."),
]
PeriodOption = Annotated[
    str | None,
    typer.Option(
        "--period",
        "-p",
        help="Period ID (default: the narrowest one containing the date).",
        autocompletion=complete.periods,
    ),
]
TeamOption = Annotated[
    str | None,
    typer.Option(
        "--team",
        "-t",
        help="One team's objectives, with their parents: its ID or name, any case "
        "(one the workspace does not have is an error).",
        autocompletion=complete.teams,
    ),
]
LevelOption = Annotated[
    int | None,
    typer.Option(
        "--level", "-l", min=1, max=4, help="Levels down to this one (1: executive view)."
    ),
]
OwnerOption = Annotated[
    str | None,
    typer.Option(
        "--owner",
        help="Only what this person owns: an owner's address or name, the local part of an "
        "address, or its first word when one owner has it (dana for dana.cho@acme.example); "
        "any case.",
    ),
]


def err(message: str) -> None:
    """A human message on stderr, never interpreted as markup."""
    from cxokr.render.controls import escape_controls  # what it quotes may hold any character

    sys.stderr.write(escape_controls(message.rstrip("\n"), keep="\n") + "\n")


def guarded(command: F) -> F:
    """The error boundary: map every failure of a command to a message and an exit code.

    An OSError of the machine (disk full, read-only, permission denied) that no
    write path turned into an EnvironmentFailure still exits 2 with its cause and fix.
    """

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
        except BrokenPipeError:
            raise  # the output's reader went away (`| head`): `launch` ends quietly, exit 141
        except Exception as exc:
            if _state["debug"] or os.environ.get("CXOKR_DEBUG"):
                traceback.print_exc()
            if is_environmental(exc):  # the machine, not cxokr: a full disk, a permission
                err(f"error: {EnvironmentFailure.from_os_error(exc, 'finish the command')}")
                code = EXIT_USAGE
            else:
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
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            envvar="CXOKR_NO_CACHE",
            help=(
                "Parse every file afresh; neither read nor write the parse cache (in "
                ".git/cxokr/, or the user's cache folder outside git). Also CXOKR_NO_CACHE=1."
            ),
        ),
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
    _state["no_cache"] = no_cache


# --- shared helpers ------------------------------------------------------------------------


def root_of(workspace: Path | None) -> Path:
    from cxokr.load.layout import find_root

    return find_root(explicit=workspace)


def parse_date(text: str | None) -> date:
    if text is None:
        return date.today()
    from cxokr.inputs import parse_day  # `date.fromisoformat` also takes 20261101

    try:
        return parse_day(text)
    except ValueError:
        raise UsageError(f"{text!r} is not a date; use YYYY-MM-DD") from None


def decimal(text: str) -> float:
    """A number option or argument: a plain decimal (click's FLOAT also takes `5_000`); a
    decimal comma or thousands separator gets a hint of what to write (`61,2`: 61.2)."""
    from cxokr.inputs import parse_decimal

    try:
        return parse_decimal(text)
    except ValueError:
        from cxokr.edit.import_cells import plain_number

        return plain_number(text)  # raises, saying what to write instead


def caching() -> bool:
    """False under --no-cache (or CXOKR_NO_CACHE=1): no local state (the parse cache, the
    kept moved-goalposts answer) is read or written."""
    return not _state["no_cache"]


def load(root: Path, as_of: date | None = None) -> Workspace:
    """Load the workspace through the parse cache (see `load_cached`)."""
    return load_cached(root, as_of)[0]


def load_cached(
    root: Path, as_of: date | None = None, said: list[str] | None = None
) -> tuple[Workspace, Cache | None]:
    """The workspace and the parse cache it came through (which can serve old revisions of
    the same files), both held until the process ends (`launch.outlive`).

    With `as_of` before today, the workspace is the one every figure of that day is
    computed from: cxokr.yaml, teams, metrics and OKR files as they stood in git then,
    the logs as they stand (`git.as_of`); what history lacks is said on stderr (and added
    to `said`). Today or later, or without `as_of`, no git process is started.
    """
    from cxokr.load.cache import Cache
    from cxokr.load.workspace import load as load_workspace

    cache = None if _state["no_cache"] else Cache.for_workspace(root)
    ws = load_workspace(root, cache)
    if as_of is not None and as_of < date.today():
        ws = _as_it_stood(root, ws, as_of, cache, [] if said is None else said)
    if cache is not None:
        cache.save()
    outlive(workspace=ws, cache=cache)
    return ws, cache


def _as_it_stood(
    root: Path, ws: Workspace, day: date, cache: Cache | None, said: list[str]
) -> Workspace:
    """`ws` with its documents as they stood in git on `day`, each warning said on stderr."""
    from cxokr.git.as_of import as_of

    found = as_of(root, ws, day, cache)
    for warning in found.warnings:
        err(f"warning: {warning}")
    said.extend(found.warnings)
    return found.workspace


def main() -> None:
    """Console-script entry point."""
    for stream in (sys.stdout, sys.stderr):
        # A lone surrogate in a note must print escaped, not end the command.
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    app(prog_name="cxokr")
