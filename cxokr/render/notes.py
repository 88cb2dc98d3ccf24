"""The words beside a report's numbers, shared by the text, Markdown and chat formats.

Notes: a key result's latest check-in note, why work is dropped or postponed (`reason`)
and a team's end-of-period `retro`. Forms: how a key result written as people write
them states its figures ("+10% → 61.6", "2 of 4 items", "score 0.60", a checklist
item's done or due day, a schedule's steps, the key result a share belongs to).

What these return is the workspace's text on one line and unescaped: each renderer
escapes it for the markup it lands in (`controls.escape_controls`, `markdown.escape`,
`chat.slack_escape`), so a note can hold anything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from cxokr.compute.report_data import ItemRow, KrRow, ObjectiveRow, Report, short_ref
from cxokr.model import KrType, ObjectiveStatus

Number = Callable[[float | None], str]

# How much of a large organization the text and Markdown reports show by default: past
# `DETAIL_LIMIT` key results, the objectives of the tree's top `SUMMARY_DEPTH` levels and
# the first `ATTENTION_LIMIT` items that need attention (`--full` shows everything).
DETAIL_LIMIT = 200
SUMMARY_DEPTH = 2
ATTENTION_LIMIT = 30
NoteKind = Literal["reason", "note", "retro"]


@dataclass(frozen=True)
class Note:
    """One note: what it is (`dropped`, `note 2026-11-10`, `retro`) and its text."""

    kind: NoteKind
    label: str
    text: str

    def __str__(self) -> str:
        return f"{self.label}: {self.text}"


def one_line(text: str) -> str:
    """Text on one line: its line breaks and runs of white space as one space."""
    return " ".join(text.split())


def kr_notes(kr: KrRow, objective: ObjectiveRow | None = None) -> list[Note]:
    """Why the key result is deprioritised (unless it is its objective's reason, said
    there), then its latest check-in note."""
    notes = []
    repeated = (
        objective is not None
        and objective.state is not ObjectiveStatus.ACTIVE
        and kr.reason == objective.reason
    )
    if kr.reason and kr.state is not ObjectiveStatus.ACTIVE and not repeated:
        notes.append(Note("reason", str(kr.state), one_line(kr.reason)))
    if kr.note:
        dated = f"note {kr.note_date.isoformat()}" if kr.note_date else "note"
        notes.append(Note("note", dated, one_line(kr.note)))
    return notes


def objective_notes(row: ObjectiveRow) -> list[Note]:
    """Why the objective is dropped or postponed, and its team's retro (with the grade the
    team gave itself)."""
    notes = []
    if row.reason and row.state is not ObjectiveStatus.ACTIVE:
        notes.append(Note("reason", str(row.state), one_line(row.reason)))
    if row.retro:
        graded = f" (grade {row.team_grade:.2f})" if row.team_grade is not None else ""
        notes.append(Note("retro", f"retro{graded}", one_line(row.retro)))
    return notes


def checkin_ref(ref: str, report: Report) -> str:
    """The reference `cxokr checkin` takes for the key result `ref`: `team/objective/kr` in
    the period a report without `--period` covers (the one `checkin` picks for the same
    day), `period:team/objective/kr` otherwise."""
    period, _, path = ref.rpartition(":")
    default = report.filters.period is None and period == report.period.id
    return path if default or not period else ref


def empty(report: Report, escape: Callable[[str], str], code: Callable[[str], str]) -> str | None:
    """What a report with no objective says in place of its tree (None when it has one):
    that nothing matches its filters, or that the period has no objective yet and how to
    add one. `escape` makes workspace text inert in the format, `code` marks a command."""
    if report.objectives:
        return None
    period = escape(report.period.id)
    applied = ", ".join(f"{name} {escape(value)}" for name, value in report.filters.applied())
    if applied:
        return f"No objectives in {period} match {applied}."
    return (
        f"No objectives in {period} yet. Add one with {code('cxokr new objective')} "
        "(see the README's quick start)."
    )


def nothing_to_watch(report: Report) -> str:
    """What 'needs attention' says when nothing does: every key result is fine, or there is
    no key result to be fine."""
    if report.key_result_count():
        return "nothing: every key result is on track and fresh"
    return "nothing to watch: no key results yet"


def score(value: float | None) -> str:
    """A score as the owner gives it, to two decimals: `score 0.60`."""
    return "score –" if value is None else f"score {value:.2f}"


def counted(kr: KrRow, number: Number) -> str | None:
    """The figures of a checklist (`2 of 4 items`) or a score (`score 0.60`), which read
    as neither a value nor a target; None for the other forms."""
    if kr.type is KrType.CHECKLIST:
        return f"{number(kr.value)} of {number(kr.target)} items"
    if kr.type is KrType.SCORE:
        return score(kr.value)
    return None


def target(kr: KrRow, number: Number, arrow: str = "→") -> str:
    """The target, a relative one both ways: `+10% → 61.6` (`+10% → –` while its start is
    unknown)."""
    if kr.relative:
        return f"{kr.relative} {arrow} {number(kr.target)}"
    return number(kr.target)


def shares(kr: KrRow) -> str | None:
    """`shares ecommerce/grow-basket/bundles-live`: the key result, and so the team, whose
    figures a share shows."""
    return f"shares {short_ref(kr.shares)}" if kr.shares else None


def steps(kr: KrRow, number: Number) -> str | None:
    """A schedule's staged targets: `steps 1500 by 2026-10-31, 2500 by 2026-11-30`."""
    if not kr.schedule:
        return None
    return "steps " + ", ".join(f"{number(s.value)} by {s.date.isoformat()}" for s in kr.schedule)


def item_facts(item: ItemRow, as_of: date) -> str:
    """A checklist item's day: `done 2026-10-14`, `due 2026-11-30` or `overdue, due
    2026-11-15`, and its weight when it is not 1."""
    if item.done is not None:
        facts = [f"done {item.done.isoformat()}"]
    elif item.due < as_of:
        facts = [f"overdue, due {item.due.isoformat()}"]
    else:
        facts = [f"due {item.due.isoformat()}"]
    if item.weight != 1:
        facts.append(f"weight {item.weight:g}")
    return ", ".join(facts)


def item_mark(item: ItemRow) -> str:
    """`[x]` for an item done, `[ ]` for one still open (a Markdown task list's marks)."""
    return "[x]" if item.done is not None else "[ ]"


def count_below(report: Report, refs: list[str], shown: set[str]) -> int:
    """Mark every objective under `refs` as accounted for in `shown`, and count them: what
    a summary says lies below the objectives it shows."""
    stack, counted = list(refs), 0
    while stack:
        ref = stack.pop()
        if ref in shown or not report.has(ref):
            continue
        shown.add(ref)
        counted += 1
        stack += report.objective(ref).children
    return counted
