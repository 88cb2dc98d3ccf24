"""Check-ins: validate them against the workspace, then append them to their team's log.

Validation happens before anything is written: an unknown key result, a date
outside the period or in the future, or a value that does not fit the key
result's type is refused with a message naming it. Several check-ins (from a
CSV file or stdin) are validated together and written all or none.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from cxokr import inputs, yamlio
from cxokr.edit import logs
from cxokr.errors import UsageError
from cxokr.load.layout import checkin_path
from cxokr.load.workspace import Workspace
from cxokr.model import KeyResult, KrType, Period, RefParts, is_slug, parse_ref

if TYPE_CHECKING:
    from cxokr.compute.report_data import KrRow

CSV_COLUMNS = ("kr", "value", "confidence", "note", "date")


@dataclass(frozen=True)
class Target:
    """The key result a check-in is for, and where its log lives."""

    period: Period
    team: str
    objective: str
    kr: KeyResult

    @property
    def name(self) -> str:
        return f"{self.objective}/{self.kr.id}"

    @property
    def path(self) -> str:
        return checkin_path(self.period.id, self.team)


@dataclass(frozen=True)
class NewCheckin:
    """A validated check-in, ready to append."""

    target: Target
    entry: dict[str, object]

    def summary(self) -> str:
        """`objective/kr = 61.2, confidence 0.7`, as commit messages say it."""
        text = self.target.name
        value = self.entry.get("value")
        if isinstance(value, float):
            text += f" = {value:g}"
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
        kr = _key_result(ws, period.id, wanted)
        if kr is not None:
            return Target(period, wanted.team, wanted.objective, kr)
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


def _key_result(ws: Workspace, period_id: str, wanted: RefParts) -> KeyResult | None:
    """The key result `wanted` names in the period's OKR file of its team, if it is there."""
    okr = ws.okrs.get((period_id, wanted.team))
    objectives = okr.objectives if okr else []
    found = (
        kr
        for objective in objectives
        if objective.id == wanted.objective
        for kr in objective.key_results
        if kr.id == wanted.kr
    )
    return next(found, None)


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
) -> NewCheckin:
    """Validate one check-in and return it ready to append; raises UsageError with the reason."""
    if day > today:
        raise UsageError(f"{day} is in the future; check in for today or an earlier day")
    target = find(ws, ref, day)
    _check_fits(target, day, value, confidence, note)
    inputs.check_text(note=note, by=by)
    entry: dict[str, object] = {"kr": target.name, "date": day.isoformat()}
    if value is not None:
        entry["value"] = float(value)
    if confidence is not None:
        entry["confidence"] = float(confidence)
    if note:
        entry["note"] = note
    if by:
        entry["by"] = by
    entry["at"] = yamlio.stamp(at)
    return NewCheckin(target, entry)


def _check_fits(
    target: Target, day: date, value: float | None, confidence: float | None, note: str | None
) -> None:
    """Refuse a check-in outside its key result's period, with a value or confidence it
    cannot hold, or with nothing to say."""
    period = target.period
    if not period.start <= day <= period.end:
        raise UsageError(f"{day} is outside {period.id} ({period.start} to {period.end})")
    if value is not None and not math.isfinite(value):
        raise UsageError("the value must be a finite number")
    if value is not None and target.kr.type is KrType.DONE and value not in (0, 1):
        raise UsageError(f"{target.name} is a milestone: its value is 0 (not done) or 1 (done)")
    if confidence is not None and not 0 <= confidence <= 1:
        raise UsageError("confidence is between 0 and 1 (0.7 means 70% sure)")
    if value is None and confidence is None and not note:
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
