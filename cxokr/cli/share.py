"""`cxokr notify`: post the report's summary to a chat channel through an incoming webhook."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated, Any

import typer

from cxokr.cli.app import (
    AsOfOption,
    LevelOption,
    OwnerOption,
    PeriodOption,
    TeamOption,
    WorkspaceOption,
    app,
    err,
    guarded,
    load,
    parse_date,
    root_of,
)
from cxokr.errors import UsageError


class ChatFormat(StrEnum):
    MD = "md"
    SLACK = "slack"


def _seconds_above_zero(value: float) -> float:
    from cxokr.notify import timeout_problem

    problem = timeout_problem(value)
    if problem:
        raise typer.BadParameter(problem)
    return value


def _seconds(value: float) -> float:
    from cxokr.notify import backoff_problem

    problem = backoff_problem(value)
    if problem:
        raise typer.BadParameter(problem)
    return value


WebhookOption = Annotated[
    str | None,
    typer.Option(
        "--webhook",
        envvar="CXOKR_WEBHOOK_URL",
        show_default=False,
        help="Incoming-webhook URL; by default $CXOKR_WEBHOOK_URL, so the secret "
        "stays out of the repository and the shell history.",
    ),
]
ChatFormatOption = Annotated[
    ChatFormat,
    typer.Option(
        "--format",
        "-f",
        help='md: {"text": Markdown} (Mattermost, Rocket.Chat, ...); slack: Block Kit.',
    ),
]
TimeoutOption = Annotated[
    float,
    typer.Option(
        "--timeout",
        callback=_seconds_above_zero,
        help="Seconds each try may take in all: connecting, sending and the answer.",
    ),
]
RetriesOption = Annotated[
    int,
    typer.Option(
        "--retries",
        min=0,
        max=10,
        help="Tries after the first when no connection was made, or on 429 or 503.",
    ),
]
BackoffOption = Annotated[
    float,
    typer.Option(
        "--backoff",
        callback=_seconds,
        help="Seconds before the first retry, doubled each time.",
    ),
]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Print the message as JSON instead of posting it.")
]


@app.command()
@guarded
def notify(
    webhook: WebhookOption = None,
    workspace: WorkspaceOption = None,
    period: PeriodOption = None,
    team: TeamOption = None,
    level: LevelOption = None,
    owner: OwnerOption = None,
    as_of: AsOfOption = None,
    output_format: ChatFormatOption = ChatFormat.MD,
    timeout: TimeoutOption = 10.0,
    retries: RetriesOption = 3,
    backoff: BackoffOption = 1.0,
    dry_run: DryRunOption = False,
) -> int:
    """Post the report's summary (figures, top objectives, needs attention) to a chat channel.

    Example: cxokr notify --format slack --team ecommerce   (with CXOKR_WEBHOOK_URL set)
    """
    from cxokr.cli.report import marked_report, warn_left_out
    from cxokr.compute.report import Filters
    from cxokr.notify import check_url
    from cxokr.render import chat
    from cxokr.render.controls import json_text

    if not dry_run and not webhook:
        raise UsageError("no webhook URL: pass --webhook URL or set CXOKR_WEBHOOK_URL")
    if webhook:
        check_url(webhook)  # a dry run, too, says what the real run would refuse
    root = root_of(workspace)
    ws = load(root, parse_date(as_of))
    filters = Filters(period=period, team=team, level=level, owner=owner)
    result = marked_report(root, ws, parse_date(as_of), filters)
    message = chat.payload(result, output_format.value)
    if dry_run or webhook is None:
        sys.stdout.write(json_text(message) + "\n")
    else:
        _post(webhook, message, timeout=timeout, retries=retries, backoff=backoff)
    return warn_left_out(ws)


def _post(
    webhook: str, message: dict[str, Any], *, timeout: float, retries: int, backoff: float
) -> None:
    """Post `message`, saying on stderr each try that failed and where it was posted."""
    from cxokr.notify import post, shown

    delivery = post(
        webhook,
        message,
        timeout=timeout,
        retries=retries,
        backoff=backoff,
        on_retry=lambda attempt, problem, wait: err(
            f"attempt {attempt} failed: {problem}; trying again in {wait:g} s"
        ),
    )
    tries = f" on attempt {delivery.attempts}" if delivery.attempts > 1 else ""
    err(f"posted the report to {shown(webhook)}{tries}")
