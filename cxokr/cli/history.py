"""`cxokr log`: the audit trail of a key result, objective or team, from git history."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from cxokr.cli import complete
from cxokr.cli.app import EXIT_OK, WorkspaceOption, app, err, guarded, root_of

SinceOption = Annotated[
    str | None,
    typer.Option(
        "--since",
        help="Only what happened from a date (YYYY-MM-DD), a number of days or weeks back "
        "(7d, 2w), or after a revision.",
    ),
]


class LogFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


@app.command()
@guarded
def log(
    ref: Annotated[
        str,
        typer.Argument(
            help="A team, objective (team/objective) or key result (team/objective/kr); "
            "PERIOD: first reaches another period.",
            autocompletion=complete.refs,
        ),
    ],
    since: SinceOption = None,
    output_format: Annotated[
        LogFormat, typer.Option("--format", "-f", help="text or json.")
    ] = LogFormat.TEXT,
    workspace: WorkspaceOption = None,
) -> int:
    """Who changed what and when: every change to a key result, objective or team, and every
    check-in and reading that touched it, from git history.

    Example: cxokr log ecommerce/grow-basket/aov-online --since 30d
    """
    from cxokr.git.audit import trail
    from cxokr.render import audit as render

    found = trail(root_of(workspace), ref, since)
    if found.incomplete:
        err(f"warning: {found.incomplete}")
    if output_format is LogFormat.JSON:
        sys.stdout.write(render.as_json(found))
    else:
        sys.stdout.write(render.text(found, render.arrow()))
    if not found.events:
        err(f"no changes to {found.subject} in the history read")
    return EXIT_OK
