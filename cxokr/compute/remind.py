"""`cxokr notify --remind`: the check-ins each owner owes, from the report's own figures.

A check-in is owed for each key result the report finds stale (no check-in or
reading for `stale_after_days` while its period runs, or never updated): the
same "stale" items its "needs attention" lists, so the reminder and the report
never disagree: deprioritised work is left out, and a key result and its shares
are one check-in (on the key result shared). Each owed key result goes to every one of its owners (its own
`owner`, else its objective's); one with no owner at all is listed under no one.
With `--owner`, only the owners it names are reminded.

A reminder mentions its owner by the chat handle cxokr.yaml gives for them
(`chat.handles`, owner as written in the OKR files -> `@name` or `<@U123>`),
matched case-insensitively; an owner without one is named as written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cxokr.compute.report_data import KrRow, Report
from cxokr.model import Config


@dataclass(frozen=True)
class Owed:
    """One check-in owed: the key result to check in (`ref`), its title and why it is due."""

    ref: str
    title: str
    detail: str  # the report's words: `no update for 20 days`, `never updated`
    last_update: str | None  # YYYY-MM-DD, or None when never updated


@dataclass(frozen=True)
class Reminder:
    """The check-ins one owner owes; `owner` is None for key results nobody owns."""

    owner: str | None
    handle: str | None
    owed: tuple[Owed, ...]


@dataclass(frozen=True)
class Digest:
    """Every reminder of a report, and the staleness rule that made them."""

    reminders: tuple[Reminder, ...]
    stale_after_days: int

    @property
    def key_results(self) -> int:
        """How many key results are owed (one owed by two owners counts once)."""
        return len({owed.ref for reminder in self.reminders for owed in reminder.owed})


def digest(report: Report, config: Config) -> Digest:
    """The check-ins owed in `report`, mentioning owners by cxokr.yaml's `chat.handles`."""
    return Digest(reminders(report, config.chat.handles), config.stale_after_days)


def reminders(report: Report, handles: Mapping[str, str]) -> tuple[Reminder, ...]:
    """The check-ins owed in `report`, by owner (by name, case-insensitively; no owner last)."""
    rows = {kr.ref: kr for kr in report.key_results()}
    mine = {o.casefold() for o in report.filters.owners}
    by_owner: dict[str | None, list[Owed]] = {}
    spelled: dict[str, str] = {}
    for item in report.attention:
        if item.kind != "stale":
            continue
        kr = rows[item.ref]
        for owner in kr.owners or (None,):
            key = owner.casefold() if owner is not None else None
            if mine and key not in mine:
                continue
            if owner is not None:
                spelled.setdefault(owner.casefold(), owner)
            by_owner.setdefault(key, []).append(_owed(kr, item.detail))
    by_case = {owner.casefold(): handle for owner, handle in handles.items()}
    order = sorted(k for k in by_owner if k is not None)
    found = [Reminder(spelled[k], by_case.get(k), tuple(by_owner[k])) for k in order]
    if None in by_owner:
        found.append(Reminder(None, None, tuple(by_owner[None])))
    return tuple(found)


def _owed(kr: KrRow, detail: str) -> Owed:
    """A share is checked in on the key result it shares."""
    last = kr.last_update.isoformat() if kr.last_update else None
    return Owed(kr.shares or kr.ref, kr.title, detail, last)
