"""Pydantic models of every file kind in a workspace (cxokr.yaml's in `model_config`).

The models describe one file each and know nothing of other files; rules that
span files live in `rules`, and where each kind of file lives and how it is
read in `load.kinds`. They are frozen and forbid unknown keys. Numbers
are strict (a quoted "61.2" is text, not a number) and finite; numbers given
where text is expected (a period called 2026) are read as text. Nothing else is
coerced: a date is `YYYY-MM-DD` text (never a Unix timestamp, never a moment),
a moment (`at`) ISO 8601 text, and a level number is written one way only.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from itertools import pairwise
from typing import Annotated, Any, Literal, NamedTuple

from pydantic import ConfigDict, Discriminator, Field, StringConstraints, Tag, TypeAdapter

from cxokr.model_config import DEFAULT_LEVELS as DEFAULT_LEVELS
from cxokr.model_config import EVERYONE as EVERYONE
from cxokr.model_config import HANDLE_RE as HANDLE_RE
from cxokr.model_config import PERIOD_PATTERN as PERIOD_PATTERN
from cxokr.model_config import SLUG_PATTERN as SLUG_PATTERN
from cxokr.model_config import SLUG_RE as SLUG_RE
from cxokr.model_config import Chat as Chat
from cxokr.model_config import Config as Config
from cxokr.model_config import Connection as Connection
from cxokr.model_config import FileModel as FileModel
from cxokr.model_config import Period as Period
from cxokr.model_config import PeriodId as PeriodId
from cxokr.model_config import Slug as Slug
from cxokr.model_config import Text as Text
from cxokr.model_config import Thresholds as Thresholds
from cxokr.model_config import is_slug as is_slug
from cxokr.model_fields import Day, Moment

_REF_PART = r"[a-z0-9][a-z0-9-]{0,63}"
REF_PATTERN = rf"^([A-Za-z0-9][A-Za-z0-9-]{{0,63}}:)?{_REF_PART}/{_REF_PART}(/{_REF_PART})?$"
CHECKIN_KR_PATTERN = rf"^{_REF_PART}/{_REF_PART}$"

Ref = Annotated[str, StringConstraints(pattern=REF_PATTERN)]
Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]
Fraction = Annotated[float, Field(strict=True, ge=0, le=1, allow_inf_nan=False)]

# --- teams/<team>.yaml -------------------------------------------------------------


class Team(FileModel):
    """A team: its place in the four-level hierarchy and who is in it. The ID is the file name."""

    id: Slug | None = None
    name: Text
    level: Annotated[int, Field(strict=True, ge=1, le=4)]
    parent: Slug | None = None
    lead: str | None = None
    members: list[str] = Field(default_factory=list)
    function: Slug | None = None


# --- metrics/<metric>.yaml -----------------------------------------------------------


class Direction(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"


Seconds = Annotated[float, Field(strict=True, gt=0, allow_inf_nan=False)]


class Sync(FileModel):
    """A metric's `sync`: the query `cxokr sync` runs on a connection named in cxokr.yaml.

    The query returns the columns `date` and `value`, and optionally `segment`
    and `source` (sync ignores any other, a `note` among them); it may use the
    bound parameter `:since`, the first day wanted: the day after the newest
    reading already held (`where day >= :since`).
    """

    connection: Slug
    query: str
    timeout: Seconds | None = None  # seconds; None: sync's default (60)


Tolerance = Annotated[float, Field(strict=True, ge=0, allow_inf_nan=False)]
WHOLE_TOLERANCE = 0.01  # a recorded whole reading may stray 1% from the derived one


class WholeSum(FileModel):
    """`whole: {sum: true}`: the whole-business value is the sum of the segments' values."""

    sum: Literal[True]
    tolerance: Tolerance | None = None  # relative; None: WHOLE_TOLERANCE


class WholeWeighted(FileModel):
    """`whole: {weighted_by: METRIC}`: the whole-business value is the mean of the segments'
    values weighted by another metric's readings of the same segments on the same day."""

    weighted_by: Slug
    tolerance: Tolerance | None = None  # relative; None: WHOLE_TOLERANCE


def _whole_form(value: Any) -> str | None:
    if isinstance(value, dict):
        return "weighted_by" if "weighted_by" in value else "sum"
    return _form(value, {str: "text", WholeSum: "sum", WholeWeighted: "weighted_by"})


# `whole`: `sum`, `{sum: true}` or `{weighted_by: METRIC}`, each mapping with a `tolerance`.
# The tags are the keys of the mappings, so a problem's path names the key at fault.
Whole = Annotated[
    Annotated[Literal["sum"], Tag("text")]
    | Annotated[WholeSum, Tag("sum")]
    | Annotated[WholeWeighted, Tag("weighted_by")],
    Discriminator(
        _whole_form,
        custom_error_type="whole_form",
        custom_error_message="write sum, {sum: true, tolerance: 0.01} or {weighted_by: METRIC}",
    ),
]


class Metric(FileModel):
    """A metric of the shared catalog; one definition serves every key result that uses it."""

    id: Slug | None = None
    name: Text
    unit: Text
    direction: Direction
    description: str | None = None
    owner: Slug | None = None
    source: str | None = None
    segments: list[Slug] = Field(default_factory=list)
    sync: Sync | None = None
    drives: list[Slug] = Field(default_factory=list)
    trades_off: list[Slug] = Field(default_factory=list)
    whole: Whole | None = None  # how the whole follows from the segments


# --- okrs/<period>/<team>.yaml ---------------------------------------------------------


class KrType(StrEnum):
    TARGET = "target"
    STAY_ABOVE = "stay_above"
    STAY_BELOW = "stay_below"
    DONE = "done"
    CHECKLIST = "checklist"
    SCORE = "score"


class ObjectiveStatus(StrEnum):
    ACTIVE = "active"
    DROPPED = "dropped"
    POSTPONED = "postponed"


class ProgressFrom(StrEnum):
    KEY_RESULTS = "key_results"
    ALIGNED = "aligned"
    BOTH = "both"


Refs = Ref | list[Ref]
Owners = str | list[str]
# A target relative to the start: `+10%`, `-15%` (start × 1.10, × 0.85).
RELATIVE_PATTERN = r"^[+-][0-9]+(\.[0-9]+)?%$"
Relative = Annotated[str, StringConstraints(pattern=RELATIVE_PATTERN)]
FIRST = "first"  # `start: first`: the first observation inside the period


def _form(value: Any, forms: dict[type, str]) -> str | None:
    """Which form of a field `value` is written in, so that a mistake is told in one message
    naming the forms, not one message per form it is not."""
    if isinstance(value, bool):
        return None
    return next((tag for kind, tag in forms.items() if isinstance(value, kind)), None)


def as_list(refs: str | list[str] | None) -> list[str]:
    if refs is None:
        return []
    return [refs] if isinstance(refs, str) else list(refs)


def owners_text(owner: str | list[str] | None) -> str | None:
    """One owner or several, as a report shows them: `dana, raj`."""
    if owner is None or isinstance(owner, str):
        return owner or None
    return ", ".join(owner) or None


class StartReading(FileModel):
    """`start: {reading: DATE}`: the metric's reading on that date, or the newest before it."""

    reading: Day


_NUMBER_FORMS: dict[type, str] = {int: "number", float: "number"}
_START_FORMS: dict[type, str] = {**_NUMBER_FORMS, dict: "reading", StartReading: "reading"}


def _start_form(value: Any) -> str | None:
    return "text" if value == FIRST else _form(value, _START_FORMS)


# `start`: a number, `first`, or `{reading: DATE}`.
Start = Annotated[
    Annotated[Number, Tag("number")]
    | Annotated[Literal["first"], Tag("text")]
    | Annotated[StartReading, Tag("reading")],
    Discriminator(
        _start_form,
        custom_error_type="start_form",
        custom_error_message="write a number, 'first', or {reading: YYYY-MM-DD}",
    ),
]
# `target`: a number, or a percentage change from the start (`+10%`, `-15%`).
Target = Annotated[
    Annotated[Number, Tag("number")] | Annotated[Relative, Tag("text")],
    Discriminator(
        lambda value: _form(value, {**_NUMBER_FORMS, str: "text"}),
        custom_error_type="target_form",
        custom_error_message="write a number, or a change from the start such as '+10%'",
    ),
]


class Item(FileModel):
    """One item of a checklist key result, completed by check-ins (`done: [id]`)."""

    id: Slug
    title: Text
    due: Day | None = None
    weight: Annotated[float, Field(strict=True, gt=0, allow_inf_nan=False)] = 1.0


class Decision(FileModel):
    """`decision:` on a key result: the answer people agreed to a trade-off it is part of
    (what was decided, who decided, on which day); the trade-off is then shown as settled."""

    text: Text
    by: str
    on: Day


class KeyResult(FileModel):
    """A measurable result: a metric (or its own unit) moved from `start` to `target`; or a
    milestone, checklist or owner's score; or a share of another team's key result."""

    id: Slug
    title: Text
    metric: Slug | None = None
    segment: Slug | None = None
    unit: Text | None = None
    type: KrType = KrType.TARGET
    start: Start | None = None
    target: Target | None = None
    change: Number | None = None
    weight: Number = 1.0
    owner: Owners | None = None
    aligns_to: Refs | None = None
    rebaseline: str | None = None
    carried_from: Ref | None = None
    items: list[Item] | None = None
    schedule: dict[Day, Number] | None = None
    due: Day | None = None
    shares: Ref | None = None
    state: ObjectiveStatus = ObjectiveStatus.ACTIVE
    reason: str | None = None
    decision: Decision | None = None


class Objective(FileModel):
    """A qualitative goal, measured by its key results or by the objectives aligned to it."""

    id: Slug
    title: Text
    owner: Owners | None = None
    aligns_to: Refs | None = None
    weight: Number = 1.0
    status: ObjectiveStatus = ObjectiveStatus.ACTIVE
    reason: str | None = None
    progress: ProgressFrom | None = None
    grade: Fraction | None = None
    retro: str | None = None
    carried_from: Ref | None = None
    key_results: list[KeyResult] = Field(default_factory=list)


class OkrFile(FileModel):
    """okrs/<period>/<team>.yaml: one team's objectives and key results for one period."""

    objectives: list[Objective] = Field(default_factory=list)


# --- The logs ------------------------------------------------------------------------


class Checkin(FileModel):
    """One check-in: a key result's value, the owner's confidence and a note, on a date."""

    kr: Annotated[str, StringConstraints(pattern=CHECKIN_KR_PATTERN)]
    date: Day
    value: Number | None = None
    confidence: Fraction | None = None
    note: str | None = None
    by: str | None = None
    at: Moment | None = None
    score: Fraction | None = None  # a score key result's progress, the owner's 0.0-1.0
    done: list[Slug] | None = None  # checklist items completed
    undone: list[Slug] | None = None  # checklist items reopened


class Reading(FileModel):
    """One reading of a metric (for one segment, when the metric has segments) on a date."""

    date: Day
    value: Number
    segment: Slug | None = None
    source: str | None = None
    by: str | None = None
    at: Moment | None = None


CHECKINS = TypeAdapter(list[Checkin], config=ConfigDict(defer_build=True))
READINGS = TypeAdapter(list[Reading], config=ConfigDict(defer_build=True))


class CheckinEntry(NamedTuple):
    """A validated check-in as a log holds it: a plain tuple, cheap to keep and to cache."""

    kr: str
    date: date
    value: float | None
    confidence: float | None
    note: str | None
    by: str | None
    at: datetime | None
    score: float | None = None
    done: list[str] | None = None
    undone: list[str] | None = None


class ReadingEntry(NamedTuple):
    """A validated reading as a log holds it: a plain tuple, cheap to keep and to cache."""

    date: date
    value: float
    segment: str | None
    source: str | None
    by: str | None
    at: datetime | None


def not_before(moment: datetime | None, other: datetime | None) -> bool:
    """`at_key(moment) >= at_key(other)`, comparing datetimes directly when both allow it."""
    if other is None:
        return True
    if moment is None:
        return False
    if (moment.tzinfo is None) is (other.tzinfo is None):
        return moment >= other
    return at_key(moment) >= at_key(other)


_DATE_AT = operator.attrgetter("date", "at")


def in_log_order(entries: Sequence[Checkin | Reading | CheckinEntry | ReadingEntry]) -> bool:
    """Whether `entries` are already ordered by date, then the moment in `at`.

    Their (date, at) pairs compare in C as the order does, unless a missing `at`, or one
    without a zone, meets another `at` on the same day: then Python's comparison refuses,
    and the entries are compared one pair at a time.
    """
    keys = list(map(_DATE_AT, entries))
    try:
        return all(map(operator.le, keys, keys[1:]))
    except TypeError:
        return _in_log_order_pairwise(entries)


def _in_log_order_pairwise(
    entries: Sequence[Checkin | Reading | CheckinEntry | ReadingEntry],
) -> bool:
    for before, after in pairwise(entries):
        if before.date < after.date:
            continue
        if before.date > after.date or not not_before(after.at, before.at):
            return False
    return True


def at_key(at: datetime | None) -> float:
    """`at` as a number that orders by the moment it names (no `at` first; naive is UTC)."""
    if at is None:
        return float("-inf")
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp()


def entry_sort_key(entry: Checkin | Reading | CheckinEntry | ReadingEntry) -> tuple[date, float]:
    """Order of entries in a log: by date, then by the moment in `at`."""
    return (entry.date, at_key(entry.at))


@dataclass(frozen=True)
class RefParts:
    """A parsed reference: `[period:]team/objective[/kr]`."""

    period: str
    team: str
    objective: str
    kr: str | None = None

    def __str__(self) -> str:
        tail = f"/{self.kr}" if self.kr else ""
        return f"{self.period}:{self.team}/{self.objective}{tail}"


def parse_ref(text: str, period: str) -> RefParts:
    """Split a validated reference; `period` is the period of the file it appears in."""
    if ":" in text:
        period, text = text.split(":", 1)
    parts = text.split("/")
    return RefParts(period, parts[0], parts[1], parts[2] if len(parts) > 2 else None)
