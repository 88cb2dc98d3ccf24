"""`cxokr notify`: post the report's summary to a chat channel through an incoming webhook."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

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

if TYPE_CHECKING:
    from cxokr.compute.report import Report
    from cxokr.load.workspace import Workspace


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
RemindOption = Annotated[
    bool,
    typer.Option(
        "--remind",
        help="Post the check-ins each owner owes (key results stale or never updated), "
        "mentioning them by the handles in cxokr.yaml's chat.handles.",
    ),
]
PostEmptyOption = Annotated[
    bool,
    typer.Option(
        "--post-empty",
        help="Post even when there is nothing to say: filters that choose no objective in "
        "the period, or (with --remind) no check-in due. Without it nothing is posted.",
    ),
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
    remind: RemindOption = False,
    post_empty: PostEmptyOption = False,
) -> int:
    """Post the report's summary (figures, top objectives, what needs a decision, needs
    attention) to a chat channel, or with --remind the check-ins each owner owes.

    Filters that name no team, owner or level in the workspace are an error; filters that
    choose nothing in the period, or a reminder with nothing due, post nothing unless
    --post-empty.

    Example: cxokr notify --format slack --team ecommerce   (with CXOKR_WEBHOOK_URL set)

    Example: cxokr notify --remind --dry-run
    """
    from cxokr.cli.report import chosen, marked_report, warn_left_out

    if not dry_run and not webhook:
        raise UsageError("no webhook URL: pass --webhook URL or set CXOKR_WEBHOOK_URL")
    if webhook:
        from cxokr.notify import check_url

        check_url(webhook)  # a dry run, too, says what the real run would refuse
    root = root_of(workspace)
    ws = load(root, parse_date(as_of))
    filters = chosen(ws, period, team, level, owner)
    result = marked_report(root, ws, parse_date(as_of), filters)
    message = _message(ws, result, output_format, remind=remind, post_empty=post_empty)
    if message is not None and webhook and not dry_run:
        _post(webhook, message, timeout=timeout, retries=retries, backoff=backoff)
    elif message is not None:
        from cxokr.render.controls import json_text

        sys.stdout.write(json_text(message) + "\n")
    return warn_left_out(ws)


def _message(
    ws: Workspace, result: Report, fmt: ChatFormat, *, remind: bool, post_empty: bool
) -> dict[str, Any] | None:
    """What to post: the summary, or the reminder; None (said on stderr) when there is
    nothing to post. Filters that chose nothing are refused unless `post_empty`."""
    from cxokr.render import chat

    said = result.filters.said_empty()
    if said and not post_empty:
        raise UsageError(f"nothing to post: {said}; pass --post-empty to post it anyway")
    if not remind:
        return chat.payload(result, fmt.value)
    from cxokr.compute.remind import digest

    assert ws.config is not None  # the report was built from it
    found = digest(result, ws.config)
    if not found.reminders and not post_empty:
        err("nothing to remind: no check-in is due (pass --post-empty to post that)")
        return None
    return chat.remind_payload(result, found, fmt.value)


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
