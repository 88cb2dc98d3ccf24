"""Check-ins: validate them against the workspace, then append them to their team's log.

Validation happens before anything is written: an unknown key result, a date
outside the period or in the future, or a value that does not fit the key
result's type is refused with a message naming it. A checklist is checked in
by the items done (`done`) or reopened (`undone`), a score key result by its
`score`; a share is never checked in (its figures are the shared key result's).
A refusal that comes from the key result's form names where it is defined.
Several check-ins (from a CSV file or stdin) are validated together and
written all or none.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from cxokr import inputs, yamlio
from cxokr.edit import logs
from cxokr.errors import UsageError
from cxokr.load.layout import checkin_path, okr_path
from cxokr.load.workspace import Workspace
from cxokr.model import KeyResult, KrType, Period, RefParts, entry_sort_key, is_slug, parse_ref

if TYPE_CHECKING:
    from cxokr.compute.report_data import KrRow

# `done` and `undone` cells name items separated by spaces.
CSV_COLUMNS = ("kr", "value", "confidence", "note", "date", "score", "done", "undone")


@dataclass(frozen=True)
class Target:
    """The key result a check-in is for, and where its log lives."""

    period: Period
    team: str
    objective: str
    kr: KeyResult
    where: str = ""  # `okrs/<period>/<team>.yaml:LINE:COL` of its definition

    @property
    def name(self) -> str:
        return f"{self.objective}/{self.kr.id}"

    @property
    def path(self) -> str:
        return checkin_path(self.period.id, self.team)

    def refuse(self, message: str) -> UsageError:
        """A usage error about the key result's form, located at its definition."""
        return UsageError(f"{self.where}: {message}" if self.where else message)


@dataclass(frozen=True)
class NewCheckin:
    """A validated check-in, ready to append."""

    target: Target
    entry: dict[str, object]

    def summary(self) -> str:
        """`objective/kr = 61.2, confidence 0.7` (or `objective/kr score 0.6`, `objective/kr
        done outline, reopened migrate`), as commit messages say it."""
        text = self.target.name
        value = self.entry.get("value")
        if isinstance(value, float):
            text += f" = {value:g}"
        score = self.entry.get("score")
        said = [f"score {score:g}"] if isinstance(score, float) else []
        for key, word in (("done", "done"), ("undone", "reopened")):
            items = self.entry.get(key)
            if isinstance(items, list):
                said.append(f"{word} {', '.join(map(str, items))}")
        if said:
            text += " " + ", ".join(said)
        if "confidence" in self.entry:
            text += f", confidence {self.entry['confidence']}"
        return text


def find(ws: Workspace, ref: str, day: date) -> Target:
    """The key result `[period:]team/objective/kr`; without a period, the one containing `day`."""
    wanted = _parse(ref)
    period_id = wanted.period if ":" in ref else None
    periods = ws.config.periods if ws.config else []
    candidates = [
        p for p in periods if (period_id is None and p.start <= day <= p.end) or p.id == period_id
    ]
    for period in sorted(candidates, key=lambda p: p.end - p.start):
        found = _key_result(ws, period.id, wanted)
        if found is not None:
            return Target(period, wanted.team, wanted.objective, *found)
    where = f"period {period_id}" if period_id else f"any period containing {day}"
    raise UsageError(
        f"no key result {wanted.team}/{wanted.objective}/{wanted.kr} in {where}; "
        f"see 'cxokr report --team {wanted.team}'"
    )


def _parse(ref: str) -> RefParts:
    """`[period:]team/objective/kr` as its parts (period "" when it names none); a usage
    error when it does not name a key result."""
    path = ref.partition(":")[2] if ":" in ref else ref
    parts = parse_ref(ref, "") if path.count("/") == 2 else None
    if parts is None or not all(map(is_slug, (parts.team, parts.objective, parts.kr or ""))):
        raise UsageError(f"{path!r} is not a key result; write team/objective/kr")
    return parts


def _key_result(ws: Workspace, period_id: str, wanted: RefParts) -> tuple[KeyResult, str] | None:
    """The key result `wanted` names in the period's OKR file of its team, if it is there,
    and where it is defined (`path:line:col`)."""
    rel = okr_path(period_id, wanted.team)
    okr = ws.okrs.get((period_id, wanted.team))
    objectives = okr.objectives if okr else []
    found = (
        (kr, ("objectives", i, "key_results", j))
        for i, objective in enumerate(objectives)
        if objective.id == wanted.objective
        for j, kr in enumerate(objective.key_results)
        if kr.id == wanted.kr
    )
    for kr, path in found:
        line, col = ws.where(rel, path)
        return kr, f"{rel}:{line}:{col}"
    return None


def standing(ws: Workspace, target: Target, day: date) -> KrRow:
    """Where the key result stands on `day`: its report row (value, target, status)."""
    from cxokr.compute import report  # only a prompt on a terminal needs it

    objectives = report.build(ws, day, report.Filters(period=target.period.id)).objectives
    return next(
        k
        for o in objectives
        for k in o.key_results
        if k.team == target.team and k.objective == target.objective and k.id == target.kr.id
    )


@dataclass(frozen=True)
class Marks:
    """What a check-in says of a checklist or a score key result: the items it completes
    (`done`), those it reopens (`undone`), and the owner's `score`."""

    score: float | None = None
    done: Sequence[str] = ()
    undone: Sequence[str] = ()

    def __bool__(self) -> bool:
        return self.score is not None or bool(self.done) or bool(self.undone)


def build(
    ws: Workspace,
    ref: str,
    *,
    value: float | None,
    confidence: float | None,
    note: str | None,
    day: date,
    by: str | None,
    today: date,
    at: datetime | None = None,
    marks: Marks | None = None,
) -> NewCheckin:
    """Validate one check-in and return it ready to append; raises UsageError with the reason."""
    if day > today:
        raise UsageError(f"{day} is in the future; check in for today or an earlier day")
    target = find(ws, ref, day)
    marks = Marks(marks.score, _once(marks.done), _once(marks.undone)) if marks else Marks()
    check_form(target, value, marks)
    _check_fits(target, day, value, confidence, note or marks)
    _check_items(ws, target, day, marks)
    inputs.check_text(note=note, by=by)
    entry: dict[str, object] = {"kr": target.name, "date": day.isoformat()}
    if value is not None:
        entry["value"] = float(value)
    if marks.score is not None:
        entry["score"] = float(marks.score)
    if marks.done:
        entry["done"] = list(marks.done)
    if marks.undone:
        entry["undone"] = list(marks.undone)
    if confidence is not None:
        entry["confidence"] = float(confidence)
    if note:
        entry["note"] = note
    if by:
        entry["by"] = by
    entry["at"] = yamlio.stamp(at)
    return NewCheckin(target, entry)


def _once(items: Sequence[str]) -> tuple[str, ...]:
    """The items named, each once, in the order first named."""
    return tuple(dict.fromkeys(items))


def check_form(target: Target, value: float | None, marks: Marks) -> None:
    """Refuse what the key result's form cannot take: any check-in of a share, a value of
    a checklist or score, items of anything but a checklist, a score of anything but a
    score key result, an unknown item, a score outside 0-1."""
    kr, name = target.kr, target.name
    if kr.shares is not None:
        shared = parse_ref(kr.shares, target.period.id)
        raise target.refuse(
            f"{name} is a share of {kr.shares}, whose figures it shows; check in on the "
            f"shared key result: cxokr checkin {shared}"
        )
    if kr.type is KrType.CHECKLIST:
        if value is not None or marks.score is not None:
            raise target.refuse(
                f"{name} is a checklist: name the items done with --done ITEM "
                f"(items: {_item_ids(kr)}), not a {'value' if value is not None else 'score'}"
            )
        _check_known(target, marks)
    elif marks.done or marks.undone:
        raise target.refuse(
            f"{name} is not a checklist (its type is {kr.type.value}); "
            "--done and --undone name a checklist's items"
        )
    if kr.type is KrType.SCORE and value is not None:
        raise target.refuse(
            f"{name} is a score: give the owner's score with --score (0 to 1), not a value"
        )
    if kr.type is not KrType.SCORE and marks.score is not None:
        raise target.refuse(
            f"{name} is not a score key result (its type is {kr.type.value}); "
            "--score is for a key result of type score"
        )
    if marks.score is not None and not 0 <= marks.score <= 1:
        raise target.refuse("the score is between 0 and 1 (0.6 means 60% of the way there)")


def _item_ids(kr: KeyResult) -> str:
    return ", ".join(item.id for item in kr.items or ()) or "none"


def _check_known(target: Target, marks: Marks) -> None:
    """Refuse an item the checklist does not have, or one both done and reopened."""
    known = {item.id for item in target.kr.items or ()}
    unknown = [item for item in (*marks.done, *marks.undone) if item not in known]
    if unknown:
        raise target.refuse(
            f"{target.name} has no item {', '.join(unknown)} (items: {_item_ids(target.kr)})"
        )
    both = [item for item in marks.done if item in marks.undone]
    if both:
        raise target.refuse(f"{', '.join(both)} cannot be both done and undone in one check-in")


def items_done(ws: Workspace, target: Target, day: date) -> dict[str, date]:
    """The checklist's items done as of `day`, with the day each was last marked done."""
    from cxokr.compute.steps import items_done as replay

    log = ws.checkins.get((target.period.id, target.team))
    mine = [e for e in (log.entries if log else ()) if e.kr == target.name and e.date <= day]
    return replay(target.kr, sorted(mine, key=entry_sort_key))


def _check_items(ws: Workspace, target: Target, day: date, marks: Marks) -> None:
    """Refuse marking done an item already done on `day`, or reopening one not done."""
    if not marks.done and not marks.undone:
        return
    done = items_done(ws, target, day)
    again = [f"{item} (done {done[item]})" for item in marks.done if item in done]
    if again:
        raise UsageError(f"{target.name}: already done on {day}: {', '.join(again)}")
    still_open = [item for item in marks.undone if item not in done]
    if still_open:
        raise UsageError(
            f"{target.name}: not done on {day}, nothing to reopen: {', '.join(still_open)}"
        )


def _check_fits(
    target: Target, day: date, value: float | None, confidence: float | None, said: object
) -> None:
    """Refuse a check-in outside its key result's period, with a value or confidence it
    cannot hold, or with nothing to say (`said`: its note or marks)."""
    period = target.period
    if not period.start <= day <= period.end:
        raise UsageError(f"{day} is outside {period.id} ({period.start} to {period.end})")
    if value is not None and not math.isfinite(value):
        raise UsageError("the value must be a finite number")
    if value is not None and target.kr.type is KrType.DONE and value not in (0, 1):
        raise UsageError(f"{target.name} is a milestone: its value is 0 (not done) or 1 (done)")
    if confidence is not None and not 0 <= confidence <= 1:
        raise UsageError("confidence is between 0 and 1 (0.7 means 70% sure)")
    if value is None and confidence is None and not said:
        raise UsageError("a check-in needs a value, a confidence or a note")


def parse_rows(text: str) -> list[inputs.Row]:
    """(line, row) of a CSV with a header naming some of CSV_COLUMNS; `kr` is required."""
    fields, rows = inputs.csv_rows(text)
    unknown = [f for f in fields if f not in CSV_COLUMNS]
    if "kr" not in fields or unknown:
        raise UsageError(
            f"the header must name kr and any of {', '.join(CSV_COLUMNS[1:])}"
            + (f"; unknown: {', '.join(unknown)}" if unknown else "")
        )
    return rows


def number(text: str, name: str) -> float | None:
    """`text` as a plain decimal, None when empty; a usage error names `name` otherwise."""
    if not text:
        return None
    try:
        return inputs.parse_decimal(text)
    except ValueError as exc:
        raise UsageError(f"{name} {exc}") from None


def _day(text: str, today: date) -> date:
    try:
        return inputs.parse_day(text) if text else today
    except ValueError as exc:
        raise UsageError(f"date {exc}") from None


def build_many(
    ws: Workspace, text: str, *, by: str | None, today: date
) -> tuple[list[NewCheckin], list[str]]:
    """Validate every row of a CSV; returns the check-ins and one message per bad row."""
    good: list[NewCheckin] = []
    bad: list[str] = []
    for line, row in parse_rows(text):
        try:
            good.append(
                build(
                    ws,
                    row["kr"],
                    value=number(row.get("value", ""), "value"),
                    confidence=number(row.get("confidence", ""), "confidence"),
                    note=row.get("note") or None,
                    day=_day(row.get("date", ""), today),
                    by=by,
                    today=today,
                    marks=Marks(
                        number(row.get("score", ""), "score"),
                        tuple(row.get("done", "").split()),
                        tuple(row.get("undone", "").split()),
                    ),
                )
            )
        except UsageError as exc:
            bad.append(f"line {line}: {exc}")
    return good, bad


def append(root: Path, checkins: list[NewCheckin]) -> dict[Path, bytes]:
    """Append check-ins to their logs, all or nothing, under the workspace lock; returns
    the bytes appended to each log (see `logs.append_entries`)."""
    return logs.append_entries(root, ((item.target.path, item.entry) for item in checkins))


def commit_message(checkins: list[NewCheckin]) -> str:
    teams = sorted({c.target.team for c in checkins})
    if len(checkins) == 1:
        return f"checkin({teams[0]}): {checkins[0].summary()}"
    lines = [f"checkin({', '.join(teams)}): {len(checkins)} check-ins", ""]
    lines += [f"- {c.target.team}/{c.summary()}" for c in checkins]
    return "\n".join(lines)
