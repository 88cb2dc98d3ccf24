"""`cxokr new team|metric|objective|kr`: write a new entry, then commit it.

Flags give every field, for scripts; on a terminal, what they did not give
is asked (`new_ask`). The entry is written by `edit.new_entry` and
`edit.new_okr`, which refuse anything that would not check clean, under the
writers' lock, and committed like a check-in. The reference of what was
added goes to stdout, where it was written to stderr.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cxokr.cli import complete, new_ask
from cxokr.cli.app import WorkspaceOption, app, err, guarded, load, root_of
from cxokr.cli.new_ask import asking, need
from cxokr.cli.write import NoCommitOption, _prepare, commit_written

if TYPE_CHECKING:
    from cxokr.edit.new_entry import Added
    from cxokr.load.workspace import Workspace

new_app = typer.Typer(help="Add a team, metric, objective or key result.", no_args_is_help=True)
app.add_typer(
    new_app,
    name="new",
    help="Add a team, metric, objective or key result, keeping every other byte of the "
    "files, and commit it. On a terminal, asks for what the flags did not give.\n\n"
    "Example: cxokr new kr ecommerce/grow-basket/aov-online --title 'Online AOV to 64 USD' "
    "--metric aov --segment online --start 58 --target 64",
)

PeriodOption = Annotated[
    str | None,
    typer.Option(
        "--period",
        "-p",
        help="Period ID (default: the narrowest one containing today).",
        autocompletion=complete.periods,
    ),
]
TitleOption = Annotated[str | None, typer.Option("--title", help="What it says, in words.")]
OwnerOption = Annotated[
    list[str] | None, typer.Option("--owner", help="Who owns it (repeat for several).")
]
AlignsOption = Annotated[
    list[str] | None,
    typer.Option(
        "--aligns-to",
        metavar="REF",
        autocompletion=complete.refs,
        help="What it supports: team/objective in the same period, PERIOD:team/objective in "
        "an enclosing one such as the year (repeat for several).",
    ),
]
WeightOption = Annotated[
    str | None, typer.Option("--weight", metavar="NUMBER", help="Its weight (default 1).")
]


def written(root: Path, added: Added, what: str, no_commit: bool) -> int:
    """Say what was added and where, print its reference on stdout, and commit it."""
    for warning in added.warnings:
        err(f"warning: {warning}")
    err(f"added {what} {added.ref} at {added.path.relative_to(root)}:{added.line}")
    if added.remaining:
        err(f"note: the workspace still has {added.remaining} error(s) elsewhere; run cxokr check")
    if what in NEXT:
        err(f"next: {NEXT[what].format(ref=added.ref)}")
    sys.stdout.write(added.ref + "\n")
    return commit_written(root, [added.path], added.message, no_commit)


NEXT = {
    "objective": "cxokr new kr {ref}/ID --title TITLE ... (its key results)",
    "key result": "cxokr checkin {ref} (where it stands)",
}


def write_locked(
    root: Path, write: Callable[[Workspace], Added], what: str, no_commit: bool
) -> int:
    """Write with the workspace read again under the writers' lock, then commit."""
    from cxokr.load import localstate

    with localstate.locked(root):  # writers on this machine write and commit one at a time
        return written(root, write(load(root)), what, no_commit)


# --- team and metric ---------------------------------------------------------------------------


@new_app.command("team")
@guarded
def new_team(
    ident: Annotated[str | None, typer.Argument(metavar="ID", help="The team's ID.")] = None,
    name: Annotated[str | None, typer.Option("--name", help="The team's name.")] = None,
    level: Annotated[
        int | None, typer.Option("--level", min=1, max=4, help="1 (executive) to 4.")
    ] = None,
    parent: Annotated[
        str | None,
        typer.Option("--parent", help="The team above it.", autocompletion=complete.teams),
    ] = None,
    lead: Annotated[str | None, typer.Option("--lead", help="Who leads it.")] = None,
    member: Annotated[
        list[str] | None, typer.Option("--member", help="A member (repeat for several).")
    ] = None,
    function: Annotated[
        str | None, typer.Option("--function", help="marketing, ecommerce, support, ...")
    ] = None,
    workspace: WorkspaceOption = None,
    no_commit: NoCommitOption = False,
) -> int:
    """Write teams/ID.yaml and commit it.

    Example: cxokr new team loyalty --name Loyalty --level 3 --parent cx-leadership
    """
    from cxokr.edit import new_entry

    root = root_of(workspace)
    _prepare(root, no_commit)
    fields: dict[str, Any] = {"name": name, "level": level, "parent": parent, "lead": lead}
    fields |= {"members": member or [], "function": function}
    if asking(ident, name, level):
        ident = new_ask.ask_team(load(root), ident, fields)
    team = need(ident, "the team's ID")
    need(fields["name"], "--name")
    need(fields["level"], "--level")
    return write_locked(root, lambda ws: new_entry.new_team(ws, team, fields), "team", no_commit)


@new_app.command("metric")
@guarded
def new_metric(
    ident: Annotated[str | None, typer.Argument(metavar="ID", help="The metric's ID.")] = None,
    name: Annotated[str | None, typer.Option("--name", help="The metric's name.")] = None,
    unit: Annotated[
        str | None, typer.Option("--unit", help="%, USD, s, points, count, ...")
    ] = None,
    direction: Annotated[
        str | None, typer.Option("--direction", help="higher or lower: which is better.")
    ] = None,
    segment: Annotated[
        list[str] | None, typer.Option("--segment", help="A segment (repeat for several).")
    ] = None,
    owner: Annotated[str | None, typer.Option("--owner", help="The team that owns it.")] = None,
    description: Annotated[
        str | None, typer.Option("--description", help="How it is computed.")
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", help="Where its readings come from.")
    ] = None,
    workspace: WorkspaceOption = None,
    no_commit: NoCommitOption = False,
) -> int:
    """Write metrics/ID.yaml, a metric of the shared catalog, and commit it.

    Example: cxokr new metric repeat-rate --name "Repeat purchase rate" --unit % --direction higher
    """
    from cxokr.edit import new_entry

    root = root_of(workspace)
    _prepare(root, no_commit)
    fields: dict[str, Any] = {"name": name, "unit": unit, "description": description}
    fields |= {"owner": owner, "source": source, "segments": segment or []}
    fields["direction"] = None if direction is None else new_entry.direction(direction)
    if asking(ident, name, unit, direction):
        ident = new_ask.ask_metric(load(root), ident, fields, segments=segment is None)
    metric = need(ident, "the metric's ID")
    for value, flag in ((fields["name"], "--name"), (fields["unit"], "--unit")):
        need(value, flag)
    need(fields["direction"], "--direction")
    return write_locked(
        root, lambda ws: new_entry.new_metric(ws, metric, fields), "metric", no_commit
    )


# --- objective and key result -----------------------------------------------------------------


ObjectiveRefArgument = Annotated[
    str | None,
    typer.Argument(
        metavar="TEAM/ID",
        help="The team, and the objective's ID (or TEAM alone).",
        autocompletion=complete.teams,
    ),
]


@new_app.command("objective")
@guarded
def new_objective(
    ref: ObjectiveRefArgument = None,
    title: TitleOption = None,
    period: PeriodOption = None,
    owner: OwnerOption = None,
    aligns_to: AlignsOption = None,
    weight: WeightOption = None,
    progress: Annotated[
        str | None,
        typer.Option("--progress", help="key_results, aligned or both: what its progress is."),
    ] = None,
    workspace: WorkspaceOption = None,
    no_commit: NoCommitOption = False,
) -> int:
    """Add an objective to okrs/PERIOD/TEAM.yaml and commit it.

    Without an ID, one is made from the title.

    Example: cxokr new objective ecommerce/grow-basket --title "Bigger baskets" --aligns-to 2026:company/raise-aov
    """
    from cxokr.edit import new_kr, new_okr

    root = root_of(workspace)
    _prepare(root, no_commit)
    team, _, ident = (ref or "").partition("/")
    data: dict[str, Any] = {"id": ident or None, "title": title}
    data["owner"] = new_kr.one_or_list(owner or [])
    data["aligns_to"] = new_kr.one_or_list(aligns_to or [])
    data["weight"] = None if weight is None else new_kr.number(weight, "weight")
    data["progress"] = None if progress is None else new_kr.progress_from(progress)
    if asking(team or None, title):
        where = new_ask.ask_place(load(root), period, team or None)
        new_ask.ask_objective(where, data, align=aligns_to is None)
        period, team = where.period, where.team
    need(team or None, "TEAM/ID")
    _name_from_title(data)

    def write(ws: Workspace) -> Added:
        where = new_okr.place(ws, period or new_ask.current_period(ws), team, date.today())
        return new_okr.new_objective(where, data)

    return write_locked(root, write, "objective", no_commit)


def _name_from_title(data: dict[str, Any]) -> None:
    """A script's entry needs a title; its ID, when not given, is made from the title."""
    from cxokr.edit.new_entry import suggest_id

    title = need(data["title"], "--title")
    data["id"] = data["id"] or suggest_id(title)


KrRefArgument = Annotated[
    str | None,
    typer.Argument(
        metavar="TEAM/OBJECTIVE/ID",
        help="The team, the objective and the key result's ID (or TEAM/OBJECTIVE).",
        autocompletion=complete.refs,
    ),
]
MetricOption = Annotated[
    str | None,
    typer.Option("--metric", help="The metric it reads.", autocompletion=complete.metrics),
]
SegmentOption = Annotated[str | None, typer.Option("--segment", help="The metric's segment.")]
UnitOption = Annotated[
    str | None, typer.Option("--unit", help="Its own unit, without a metric (count, USD).")
]
TypeOption = Annotated[
    str | None,
    typer.Option(
        "--type", help="target (default), stay_above, stay_below, done, checklist, score."
    ),
]
StartOption = Annotated[
    str | None,
    typer.Option("--start", help="A number, 'first', or a date (the metric's reading then)."),
]
TargetOption = Annotated[
    str | None, typer.Option("--target", help="A number, or +10% / -15% of the start.")
]
ChangeOption = Annotated[
    str | None, typer.Option("--change", metavar="NUMBER", help="An absolute change: 2.5, -30.")
]
DueOption = Annotated[str | None, typer.Option("--due", help="A milestone's due date.")]
ScheduleOption = Annotated[
    list[str] | None,
    typer.Option("--schedule", metavar="DATE=VALUE", help="A staged target (repeat)."),
]
ItemOption = Annotated[
    list[str] | None,
    typer.Option(
        "--item", metavar="ID=TITLE", help="A checklist item; add |due=DATE, |weight=N (repeat)."
    ),
]
SharesOption = Annotated[
    str | None,
    typer.Option(
        "--shares",
        metavar="REF",
        help="Another team's key result it shares.",
        autocompletion=complete.key_results,
    ),
]


@new_app.command("kr")
@guarded
def new_key_result(
    ref: KrRefArgument = None,
    title: TitleOption = None,
    period: PeriodOption = None,
    metric: MetricOption = None,
    segment: SegmentOption = None,
    unit: UnitOption = None,
    kind: TypeOption = None,
    start: StartOption = None,
    target: TargetOption = None,
    change: ChangeOption = None,
    due: DueOption = None,
    schedule: ScheduleOption = None,
    item: ItemOption = None,
    weight: WeightOption = None,
    owner: OwnerOption = None,
    aligns_to: AlignsOption = None,
    shares: SharesOption = None,
    workspace: WorkspaceOption = None,
    no_commit: NoCommitOption = False,
) -> int:
    """Add a key result to an objective in okrs/PERIOD/TEAM.yaml and commit it.

    Any form: --start/--target (a number or +10%) or --change; --type stay_below
    --target 2.5; --type done --due DATE; --item ID=TITLE; --type score;
    --schedule DATE=VALUE; --shares REF. Prints the reference checkin takes.

    Example: cxokr new kr ecommerce/grow-basket/aov-online --title "Online AOV to 64 USD" --metric aov --segment online --start 58 --target 64
    """
    data = _kr_fields(locals())  # every flag, by its parameter's name, read into its value
    root = root_of(workspace)
    _prepare(root, no_commit)
    team, _, rest = (ref or "").partition("/")
    objective, _, ident = rest.partition("/")
    data["id"] = ident or None
    given = bool(team and objective and title)
    if sys.stdin.isatty() and (not given or new_ask.form_missing(data)):
        where = new_ask.ask_place(load(root), period, team or None)
        objective = new_ask.ask_key_result(where, objective or None, data)
        period, team = where.period, where.team
    need(objective or None, "TEAM/OBJECTIVE/ID")
    _name_from_title(data)
    return write_locked(
        root, lambda ws: _write_kr(ws, period, team, objective, data), "key result", no_commit
    )


def _kr_fields(given: dict[str, Any]) -> dict[str, Any]:
    """The key result's fields from the command's flags, each read into its value."""
    from cxokr.edit import new_kr

    def read(name: str, how: Callable[[str], Any]) -> Any:
        return None if given[name] is None else how(given[name])

    data = {name: given[name] for name in ("title", "metric", "segment", "unit", "shares")}
    data["type"] = read("kind", new_kr.kr_type)
    data["start"] = read("start", new_kr.start)
    data["target"] = read("target", new_kr.target)
    data["change"] = read("change", lambda t: new_kr.number(t, "change"))
    data["due"] = read("due", lambda t: new_kr.day(t, "due"))
    data["weight"] = read("weight", lambda t: new_kr.number(t, "weight"))
    data["schedule"] = new_kr.schedule(given["schedule"] or [])
    data["items"] = [new_kr.item(text) for text in given["item"] or []] or None
    data["owner"] = new_kr.one_or_list(given["owner"] or [])
    data["aligns_to"] = new_kr.one_or_list(given["aligns_to"] or [])
    return data


def _write_kr(
    ws: Workspace, period: str | None, team: str, objective: str, data: dict[str, Any]
) -> Added:
    from cxokr.edit import new_kr, new_okr

    where = new_okr.place(ws, period or new_ask.current_period(ws), team, date.today())
    return new_okr.new_key_result(where, objective, new_kr.key_result(data))
