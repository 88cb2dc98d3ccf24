"""`cxokr checkin` with no key result named, on a terminal: pick one from a numbered list.

The key results the user owns come first: those whose `owner` (or, where it
has none, its objective's; a list names several people) is the email of the
git identity the check-in is committed as, or a name equal to that address's
local part (`dana` for dana@acme.example). Then the rest. Each line shows the
number to type, the reference `checkin` takes, the title and where the key
result stands. A key result dropped or postponed, and a share (it is checked
in on the key result it shares), are not offered. The answer is a number of
the list or a reference; anything else asks again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import typer

from cxokr.cli.app import err
from cxokr.errors import UsageError

if TYPE_CHECKING:
    from cxokr.compute.report_data import KrRow
    from cxokr.load.workspace import Workspace

LISTED = 40  # past that many, the rest are counted, and reached by reference


@dataclass(frozen=True)
class Choice:
    """A key result to offer: the reference `checkin` takes, whether the user owns it, and
    its report row."""

    ref: str
    mine: bool
    row: KrRow


def choices(ws: Workspace, day: date, email: str | None) -> list[Choice]:
    """The key results one may check in on `day` (those of the day's report), the user's
    (`email`) first, each group in the report's order."""
    from cxokr.compute import report
    from cxokr.model import ObjectiveStatus

    rows: dict[str, KrRow] = {}
    for objective in report.build(ws, day).objectives:
        for kr in objective.key_results:
            if kr.shares is None and kr.state is ObjectiveStatus.ACTIVE:
                rows.setdefault(kr.ref, kr)
    found = [Choice(_checkin_ref(ws, row, day), _owns(row, email), row) for row in rows.values()]
    return [c for c in found if c.mine] + [c for c in found if not c.mine]


def _owns(row: KrRow, email: str | None) -> bool:
    if not email:
        return False
    names = {email.casefold(), email.partition("@")[0].casefold()}
    return any(owner.casefold() in names for owner in row.owners)


def _checkin_ref(ws: Workspace, row: KrRow, day: date) -> str:
    """`team/objective/kr` when that names this key result on `day`, else with its period."""
    from cxokr.edit import checkin as core

    short = f"{row.team}/{row.objective}/{row.id}"
    try:
        return short if core.find(ws, short, day).period.id == row.period else row.ref
    except UsageError:
        return row.ref


def pick(ws: Workspace, day: date, email: str | None) -> str:
    """Show the key results to choose from and ask for one until the answer names one; its
    reference. A usage error when there is none."""
    found = choices(ws, day, email)
    if not found:
        raise UsageError(f"no key result to check in on {day}; write one with 'cxokr new kr'")
    err("\n".join(listing(found, email)))
    refs = {c.ref: c.ref for c in found} | {c.row.ref: c.ref for c in found}
    shown = min(len(found), LISTED)
    while True:
        try:
            answer = typer.prompt("key result (number or reference)").strip()
        except typer.Abort:  # Ctrl-C or the end of input: nothing is written
            raise KeyboardInterrupt from None
        if answer.isdigit() and 1 <= int(answer) <= shown:
            return found[int(answer) - 1].ref
        if answer in refs:
            return refs[answer]
        err(f"{answer!r} is not on the list: type a number from 1 to {shown}, or a reference")


def listing(found: list[Choice], email: str | None) -> list[str]:
    """The numbered lines: the user's key results under one heading, the rest under another."""
    lines: list[str] = []
    for number, choice in enumerate(found[:LISTED], 1):
        heading = _heading(choice, found[number - 2] if number > 1 else None, email)
        if heading:
            lines.append(heading)
        lines.append(f"{number:>4}  {choice.ref}  {choice.row.title}  ({_standing(choice.row)})")
    more = len(found) - LISTED
    if more > 0:
        lines.append(f"and {more} more: answer with a reference (team/objective/kr)")
    return lines


def _heading(choice: Choice, before: Choice | None, email: str | None) -> str | None:
    if before is not None and before.mine == choice.mine:
        return None
    if choice.mine:
        return f"yours ({email}):"
    if before is None and email:
        return f"none of the key results names {email} as an owner; all of them:"
    return "the others:" if before is not None else "key results:"


def _standing(row: KrRow) -> str:
    unit = f" {row.unit}" if row.unit else ""
    value = "no value yet" if row.value is None else f"now {row.value:g}{unit}"
    return f"{value}, {row.status.value}"
