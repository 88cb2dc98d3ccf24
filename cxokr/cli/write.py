"""Commands that write check-ins: `checkin`. Each writes, then commits only its paths
(`record` and `import` are in cli/readings)."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cxokr.cli import complete
from cxokr.cli.app import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    WorkspaceOption,
    app,
    decimal,
    err,
    guarded,
    load,
    parse_date,
    root_of,
)
from cxokr.errors import UsageError

if TYPE_CHECKING:
    from cxokr.compute.report_data import KrRow
    from cxokr.edit.checkin import Marks, NewCheckin
    from cxokr.load.workspace import Workspace

NoCommitOption = Annotated[
    bool, typer.Option("--no-commit", help="Write the file but do not commit it.")
]


def commit_written(
    root: Path,
    paths: list[Path],
    message: str,
    no_commit: bool,
    appended: Mapping[Path, bytes] | None = None,
) -> int:
    """Commit what a command wrote (of each log in `appended`, exactly the bytes appended),
    or say why it is written but not committed. Call under the workspace lock, so no other
    writer's lines slip in between. Returns the exit code: 2 when git refused the commit."""
    from cxokr.git.commit import commit

    shown = " ".join(str(p.relative_to(root)) for p in paths)
    if no_commit:
        err(f"wrote {shown} (not committed: --no-commit)")
        return EXIT_OK
    result = commit(root, paths, message, appended=appended)
    if result.sha:
        err(f"committed {result.sha}: {message.splitlines()[0]}")
        return EXIT_OK
    err(f"wrote {shown}, but did not commit: {result.skipped}")
    if not result.failed:  # not a repository, or nothing changed: nothing to commit
        return EXIT_OK
    err(
        f"error: {shown} {'is' if len(paths) == 1 else 'are'} written but not committed; "
        f"fix the cause above, then commit with: git commit -- {shown}"
    )
    return EXIT_USAGE


def _prepare(root: Path, no_commit: bool) -> str | None:
    """Refuse during a half-done git operation; return the author's email for `by`."""
    from cxokr.git.commit import author_email, ensure_can_commit

    if not no_commit:
        ensure_can_commit(root)
    return author_email(root)


KeyResultArgument = Annotated[
    str | None,
    typer.Argument(
        help="The key result: team/objective/kr (or PERIOD:team/objective/kr); on a "
        "terminal, leave it out to pick one of yours from a list.",
        autocompletion=complete.key_results,
    ),
]
ValueOption = Annotated[
    float | None,
    typer.Option("--value", "-v", help="The new value.", parser=decimal, metavar="NUMBER"),
]
ConfidenceOption = Annotated[
    float | None,
    typer.Option(
        "--confidence",
        "-c",
        help="How sure the owner is, 0 to 1.",
        parser=decimal,
        metavar="NUMBER",
    ),
]
NoteOption = Annotated[str | None, typer.Option("--note", "-n", help="What happened.")]
DoneOption = Annotated[
    list[str] | None,
    typer.Option("--done", help="A checklist's item done (repeat for several).", metavar="ITEM"),
]
UndoneOption = Annotated[
    list[str] | None,
    typer.Option(
        "--undone", help="A checklist's item reopened (repeat for several).", metavar="ITEM"
    ),
]
ScoreOption = Annotated[
    float | None,
    typer.Option(
        "--score",
        help="A score key result's score, 0 to 1 (the owner's judgement of progress).",
        parser=decimal,
        metavar="NUMBER",
    ),
]
CheckinDateOption = Annotated[
    str | None, typer.Option("--date", "-d", help="Date of the check-in (default today).")
]
FromOption = Annotated[
    str | None,
    typer.Option(
        "--from",
        help="Many check-ins from a CSV (kr,value,confidence,note,date; score, and done or "
        "undone with item IDs separated by spaces); - is stdin.",
    ),
]


@app.command()
@guarded
def checkin(
    ref: KeyResultArgument = None,
    value: ValueOption = None,
    confidence: ConfidenceOption = None,
    note: NoteOption = None,
    done: DoneOption = None,
    undone: UndoneOption = None,
    score: ScoreOption = None,
    day: CheckinDateOption = None,
    from_file: FromOption = None,
    workspace: WorkspaceOption = None,
    no_commit: NoCommitOption = False,
) -> int:
    """Record a key result's value, the owner's confidence and a note, and commit it.

    A checklist is checked in with the items done (--done ITEM, repeated) or
    reopened (--undone ITEM), a score key result with --score 0.6. On a
    terminal, asks for what is missing after showing the current value, target
    and status (and a checklist's open items); with no key result named, lists
    those you own (your git user.email, or its local part, as their owner)
    first, then the rest, to pick one by number.

    Example: cxokr checkin ecommerce/grow-basket/aov-online --value 61.2 --confidence 0.7
    """
    from cxokr.edit import checkin as core
    from cxokr.load import localstate

    root = root_of(workspace)
    by = _prepare(root, no_commit)
    ws = load(root)
    today = date.today()
    if from_file is not None:
        items, bad = core.build_many(ws, _read_text(from_file, "utf-8"), by=by, today=today)
        if bad or not items:
            return _nothing_to_check_in(from_file, bad)
    else:
        if ref is None and not sys.stdin.isatty():
            raise UsageError("name a key result, or pass --from FILE")
        when = parse_date(day) if day else today
        if ref is None:  # on a terminal: the user's key results, then the rest, to pick from
            from cxokr.cli.pick import pick

            ref = pick(ws, when, by)
        marks = core.Marks(score, tuple(done or ()), tuple(undone or ()))
        items = [_one(ws, ref, when, by, today, value, confidence, note, marks)]
    with localstate.locked(root):  # writers on this machine append and commit one at a time
        appended = core.append(root, items)
        return commit_written(root, list(appended), core.commit_message(items), no_commit, appended)


def _nothing_to_check_in(source: str, bad: list[str]) -> int:
    """Say why a CSV of check-ins wrote nothing: its bad rows (exit 1), or no rows at all."""
    for message in bad:
        err(f"{source}: {message}")
    if bad:
        err(f"nothing written: {len(bad)} bad row(s)")
        return EXIT_PROBLEMS
    err("nothing to check in")
    return EXIT_OK


def _one(
    ws: Workspace,
    ref: str,
    when: date,
    by: str | None,
    today: date,
    value: float | None,
    confidence: float | None,
    note: str | None,
    marks: Marks,
) -> NewCheckin:
    """One check-in from the command line, asking on a terminal for what is missing."""
    from cxokr.edit import checkin as core

    if sys.stdin.isatty() and (value is None or confidence is None or note is None):
        try:
            value, confidence, note, marks = _ask(ws, ref, when, value, confidence, note, marks)
        except typer.Abort:  # Ctrl-C or the end of input at a prompt: nothing is written
            raise KeyboardInterrupt from None
    return core.build(
        ws,
        ref,
        value=value,
        confidence=confidence,
        note=note,
        day=when,
        by=by,
        today=today,
        marks=marks,
    )


def _ask(
    ws: Workspace,
    ref: str,
    when: date,
    value: float | None,
    confidence: float | None,
    note: str | None,
    marks: Marks,
) -> tuple[float | None, float | None, str | None, Marks]:
    """Prompt for what is missing, after showing where the key result stands: the items
    done of a checklist, a score key result's score, else its value."""
    from cxokr.edit import checkin as core
    from cxokr.model import KrType

    target = core.find(ws, ref, when)
    core.check_form(target, value, marks)  # a share or a wrong option: refused before asking
    row = core.standing(ws, target, when)
    _show(row)
    if target.kr.type is KrType.CHECKLIST:
        if not marks:
            answer = typer.prompt(
                "items done (IDs separated by spaces; empty to skip)",
                default="",
                show_default=False,
            )
            marks = core.Marks(done=tuple(answer.replace(",", " ").split()))
    elif target.kr.type is KrType.SCORE:
        if marks.score is None:
            answer = typer.prompt("score 0-1 (empty to skip)", default="", show_default=False)
            marks = core.Marks(score=core.number(answer.strip(), "score"))
    elif value is None:
        answer = typer.prompt("value (empty to skip)", default="", show_default=False)
        value = core.number(answer.strip(), "value")
    if confidence is None:
        answer = typer.prompt("confidence 0-1 (empty to skip)", default="", show_default=False)
        confidence = core.number(answer.strip(), "confidence")
    if note is None:
        note = typer.prompt("note (empty to skip)", default="", show_default=False) or None
    return value, confidence, note, marks


def _show(row: KrRow) -> None:
    """The key result's title, value, target and status; a checklist's open items."""
    unit = f" {row.unit}" if row.unit else ""
    shown = "none yet" if row.value is None else f"{row.value:g}{unit}"
    target_text = "-" if row.target is None else f"{row.target:g}{unit}"
    lines = [row.title, f"  now {shown}, target {target_text}, {row.status.value}"]
    open_items = [item for item in row.items if item.done is None]
    if open_items:
        lines.append("  open items:")
        lines += [f"    {item.id}  {item.title} (due {item.due})" for item in open_items]
    err("\n".join(lines))


def _read_text(name: str, encoding: str) -> str:
    """A CSV to read: standard input for `-`, else the file; a usage error if it cannot be."""
    try:
        return sys.stdin.read() if name == "-" else Path(name).read_text(encoding=encoding)
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {name}: {exc}") from None
