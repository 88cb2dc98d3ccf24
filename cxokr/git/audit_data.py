"""An audit trail's data: what `cxokr log` shows and `--since` means, and nothing else.

`audit` builds trails from git history; `render/audit` and `changes` read them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from cxokr.errors import UsageError
from cxokr.git.history import Commit
from cxokr.model import Checkin, Period, Reading

TRAIL_VERSION = 1
_SINCE_DAYS = re.compile(r"^(\d{1,5})([dw])$")
_SINCE_DATE = re.compile(r"^\d{4}-\d\d-\d\d$")


class Kind(StrEnum):
    CREATED = "created"
    CHANGED = "changed"
    REMOVED = "removed"
    CHECKIN = "check-in"
    CHECKIN_REMOVED = "check-in removed"
    READING = "reading"
    READING_REMOVED = "reading removed"


@dataclass(frozen=True)
class FieldChange:
    """One field of an objective or key result: its value before and after (None: not set)."""

    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class Event:
    """Something a commit did: to an objective's or key result's definition, or to a log.

    `subject` is the reference of the objective or key result, or for a reading
    the metric's ID.
    """

    commit: Commit
    kind: Kind
    subject: str
    changes: tuple[FieldChange, ...] = ()
    entry: Checkin | Reading | None = None


@dataclass(frozen=True)
class Subject:
    """What a trail is about: a team's OKRs in a period, one objective, or one key result."""

    period: Period
    team: str
    objective: str | None = None
    kr: str | None = None

    def __str__(self) -> str:
        tail = "".join(f"/{part}" for part in (self.objective, self.kr) if part)
        return f"{self.period.id}:{self.team}{tail}"

    def covers(self, objective: str, kr: str | None = None) -> bool:
        """True when the objective (or its key result) is part of this subject."""
        if self.objective is not None and objective != self.objective:
            return False
        return self.kr is None or kr == self.kr


@dataclass(frozen=True)
class Trail:
    """The events of a subject, oldest first; `incomplete` says what history is missing."""

    subject: Subject
    title: str | None
    events: tuple[Event, ...]
    since: str | None = None
    incomplete: str | None = None


@dataclass(frozen=True)
class Since:
    """`--since`: a first day (`2026-11-13`, `7d`, `2w`) or a revision (what came after it)."""

    text: str
    day: date | None = None
    rev: str | None = None

    def start(self) -> datetime:
        """Midnight at the start of `day`, local time (UTC for a day at the ends of the
        calendar, where no local time can be worked out and no commit is anyway)."""
        assert self.day is not None
        midnight = datetime.combine(self.day, time())
        check_local_zone()
        try:
            return midnight.astimezone()
        except (ValueError, OverflowError):
            return midnight.replace(tzinfo=UTC)


def check_local_zone() -> None:
    """A usage error when `TZ` names a time zone Python cannot use (`XYZ+25`)."""
    try:
        datetime.now().astimezone()
    except (ValueError, OverflowError):
        raise UsageError(
            f"TZ={os.environ.get('TZ', '')!r} is not a time zone cxokr can use (its offset "
            "from UTC must be under 24 hours); set TZ to a zone such as Europe/Paris or UTC, "
            "or unset it"
        ) from None


def parse_since(text: str, today: date) -> Since:
    """Read `--since`: a date, a number of days or weeks back from `today`, or a revision."""
    found = _SINCE_DAYS.match(text)
    if found:
        days = int(found.group(1)) * (7 if found.group(2) == "w" else 1)
        try:
            return Since(text, day=today - timedelta(days=days))
        except OverflowError:
            raise UsageError(f"--since {text} goes back before the year 1") from None
    if _SINCE_DATE.match(text):
        try:
            return Since(text, day=date.fromisoformat(text))
        except ValueError:
            raise UsageError(f"{text!r} is not a date; use YYYY-MM-DD") from None
    if not text or text.startswith("-"):
        raise UsageError(f"{text!r} is not a date, a number of days (7d) or a revision")
    return Since(text, rev=text)


def shallow_note(commits: Iterable[Commit]) -> str | None:
    """Why history is incomplete, when one of `commits` is where a shallow clone is cut."""
    cut = [c for c in commits if c.boundary]
    if not cut:
        return None
    first = min(cut, key=lambda c: c.committed)
    return (
        f"history is incomplete: this is a shallow clone and its history starts at "
        f"{first.short} ({first.authored.date()}); earlier changes are not shown. "
        "Run 'git fetch --unshallow' to read all of it."
    )
