"""The report's data: frozen rows that every output format renders, and nothing else.

`rows` computes them and `report.build` assembles them; renderers, `explain`,
`changes` and the HTML page read them. Figures are fractions (0.55, not 55%).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from datetime import date
from functools import cached_property
from typing import ClassVar, Literal

from cxokr.compute import progress as calc
from cxokr.compute.progress import Status
from cxokr.compute.values import Series, watch
from cxokr.model import (
    Decision,
    KrType,
    ObjectiveStatus,
    Period,
    ProgressFrom,
    Thresholds,
    parse_ref,
)

REPORT_VERSION = 1
ATTENTION_ORDER = ("breached", "off track", "regression", "at risk", "stale", "no data")

# Where a key result's start came from: its file, the newest reading before its period
# (a target without a start), or nowhere.
# `first`: the first observation in the period (`start: first`).
StartSource = Literal["file", "reading", "first", "none"]


def short_ref(ref: str) -> str:
    """A row's ref without its period, `team/objective[/kr]`, as the text views show it."""
    parts = parse_ref(ref, "")
    path = f"{parts.team}/{parts.objective}"
    return f"{path}/{parts.kr}" if parts.kr else path


@dataclass(frozen=True)
class Filters:
    period: str | None = None
    team: str | None = None
    level: int | None = None
    owner: str | None = None  # as typed: `compute.filters.match_owner` says whom it names
    owners: tuple[str, ...] = ()  # the owners `owner` names, as written (`filters.resolve`)
    segment: str | None = None  # the key results on this segment, and their objectives
    empty: str | None = None  # set by `report.build` when they choose nothing in the period

    def applied(self) -> list[tuple[str, str]]:
        """(name, value) of each filter that is set, for headers; the owners as written."""
        owner = ", ".join(self.owners) or self.owner
        named = (
            ("team", self.team),
            ("level", self.level),
            ("owner", owner),
            ("segment", self.segment),
        )
        return [(name, str(value)) for name, value in named if value is not None]

    def said_empty(self) -> str | None:
        """`no objectives in 2026-Q3 match team ecommerce`, when the filters chose nothing."""
        if not self.empty:
            return None
        return f"{self.empty} match {', '.join(f'{n} {v}' for n, v in self.applied())}"


@dataclass(frozen=True)
class ItemRow:
    """One item of a checklist key result: when it is due, and the day it was done."""

    id: str
    title: str
    weight: float
    due: date  # its own `due`, else its period's last day
    done: date | None


@dataclass(frozen=True)
class Step:
    """One staged target of a key result's `schedule`, and the progress it stands for."""

    date: date
    value: float
    progress: float | None


@dataclass(frozen=True)
class KrRow:
    """A key result with every figure computed for the report date."""

    ref: str
    period: str
    team: str
    objective: str
    id: str
    title: str
    owner: str | None
    type: KrType
    metric: str | None
    segment: str | None
    unit: str | None
    direction: str | None
    weight: float
    start: float | None
    start_source: StartSource
    target: float | None
    value: float | None
    value_date: date | None
    value_source: str | None
    progress: float | None
    expected: float
    pace: float | None
    status: Status
    state: ObjectiveStatus  # its objective's: a dropped or postponed one's is deprioritised
    confidence: float | None
    last_update: date | None
    age_days: int | None
    stale: bool
    regression: bool
    overachieved: bool
    breached: bool
    grade: float | None
    band: str | None
    series: Series  # (date, value) pairs, one a day
    moved_goalposts: bool = False  # set from git history by `report.weekly`
    owners: tuple[str, ...] = ()  # `owner` as a list (one owner or several)
    reason: str | None = None  # why it is deprioritised: its own, else its objective's
    note: str | None = None  # the latest check-in note, and its date
    note_date: date | None = None
    relative: str | None = None  # a relative target as written (`+10%`), `target` resolved
    due: date | None = None  # a milestone's due day
    items: tuple[ItemRow, ...] = ()  # a checklist's items
    schedule: tuple[Step, ...] = ()  # staged targets
    shares: str | None = None  # the key result this one is a share of (its figures are its)

    # The JSON document's keys in order: the fields, with the forecast where it belongs.
    JSON_FIELDS: ClassVar[tuple[str, ...]] = ()

    @property
    def counted_as(self) -> str:
        """The key result this row counts as in roll-ups, counts and attention: the shared
        one for a share (`shares`), else itself."""
        return self.shares or self.ref

    @property
    def breached_days(self) -> tuple[date, ...] | None:
        """A guardrail's days in its period so far whose value crossed its line, oldest first
        (computed when asked); None for other key results."""
        if self.type not in calc.GUARDRAILS or self.target is None:
            return None
        return watch(self.series, self.type, self.target).breached

    @property
    def forecast_value(self) -> float | None:
        """The value at the period's end on the line through `series` (computed when asked)."""
        fit = self.series.forecast
        return fit.value_at_end if fit else None

    @property
    def forecast_progress(self) -> float | None:
        """The progress `forecast_value` would give; None for a milestone."""
        fit = self.series.forecast
        if fit is None or self.type is KrType.DONE:
            return None
        return calc.progress(self.type, fit.value_at_end, self.start, self.target)


_names = [f.name for f in fields(KrRow)]
_at = _names.index("grade")
KrRow.JSON_FIELDS = (
    *_names[:_at],
    "breached_days",
    "forecast_value",
    "forecast_progress",
    *_names[_at:],
)


@dataclass(frozen=True)
class Term:
    """One term of a roll-up: what, its clamped progress (None: no data, counted as 0), weight,
    and what the date expects of it (`expected`, DESIGN §2.3): a key result's or objective's
    own expected progress; a guardrail's 1, as it is to hold its line every day."""

    ref: str
    progress: float | None
    weight: float
    expected: float | None = None
    # An objective counted less the objectives an earlier term of the same roll-up already
    # counts (paths that meet again): those objectives, and the terms it rolls up without them.
    less: tuple[str, ...] = ()
    terms: tuple[Term, ...] = ()


def term_grade(term: Term, grade_of: Callable[[str], float | None]) -> float | None:
    """A term's grade: `grade_of` its ref, or its clamped progress where that gives none (a
    term outside the rows, a period still running); a term counted less what another path
    counts, the grades of what is left, weighted as its progress is."""
    if term.less:
        return terms_grade(term.terms, grade_of)
    found = grade_of(term.ref)
    return term.progress if found is None else found


def terms_grade(terms: Iterable[Term], grade_of: Callable[[str], float | None]) -> float | None:
    """The weighted mean of the grades of `terms` (`term_grade`): an objective's grade."""
    return calc.roll_up((term_grade(term, grade_of), term.weight) for term in terms)


@dataclass(frozen=True)
class ObjectiveRow:
    ref: str
    period: str
    team: str
    level: int
    id: str
    title: str
    owner: str | None
    state: ObjectiveStatus
    weight: float
    progress_from: ProgressFrom
    progress: float | None
    expected: float
    pace: float | None
    status: Status
    grade: float | None
    band: str | None
    team_grade: float | None
    terms: tuple[Term, ...]
    parents: tuple[str, ...]
    children: tuple[str, ...]
    key_results: tuple[KrRow, ...]
    context: bool = False  # shown only as the parent of a filtered objective
    owners: tuple[str, ...] = ()
    reason: str | None = None  # why it is dropped or postponed
    retro: str | None = None  # the team's end-of-period retro, beside its own grade

    def key_result_count(self) -> int:
        return len(self.key_results)


@dataclass(frozen=True)
class TeamRow:
    id: str
    name: str
    level: int
    progress: float | None
    # What its objectives' own periods expect by the date, weighted as `progress` is
    expected: float | None
    objectives: int


@dataclass(frozen=True)
class Attention:
    ref: str
    kind: str
    title: str
    owner: str | None
    detail: str


@dataclass(frozen=True)
class DecisionKr:
    """One key result of an item that needs a decision: where it is, whose it is."""

    ref: str  # PERIOD:team/objective/kr
    team: str
    owner: str | None
    title: str


@dataclass(frozen=True)
class DecisionItem:
    """A conflict (CX335, CX336) or trade-off (CX365, CX366) in the report's periods: open,
    or settled by a `decision` on one of its key results or by a guardrail (`held_by`)."""

    code: str
    message: str
    key_results: tuple[DecisionKr, ...]
    decision: Decision | None = None
    decided_on: str | None = None  # the key result that records the decision
    held_by: str | None = None  # the guardrail that holds the metric that would give way

    JSON_FIELDS: ClassVar[tuple[str, ...]] = (
        "code",
        "message",
        "settled",
        "key_results",
        "owners",
        "decision",
        "decided_on",
        "held_by",
    )

    @property
    def settled(self) -> bool:
        return self.decision is not None or self.held_by is not None

    @property
    def owners(self) -> tuple[str, ...]:
        """The owners of its key results, each once, in order."""
        return tuple(dict.fromkeys(kr.owner for kr in self.key_results if kr.owner))


@dataclass(frozen=True)
class Report:
    organization: str
    period: Period
    periods: tuple[str, ...]
    as_of: date
    day: int
    days: int
    expected: float  # the share of `period` elapsed
    progress: float | None
    # What the level-1 objectives' own periods expect by the date, weighted as `progress` is
    organization_expected: float | None
    thresholds: Thresholds
    counts: dict[str, int]
    objectives: tuple[ObjectiveRow, ...]
    roots: tuple[str, ...]
    unaligned: tuple[str, ...]
    teams: tuple[TeamRow, ...]
    attention: tuple[Attention, ...]
    filters: Filters = field(default_factory=Filters)
    # Conflicts and trade-offs to settle, open ones first (`compute.decisions`)
    decisions: tuple[DecisionItem, ...] = ()

    def objective(self, ref: str) -> ObjectiveRow:
        return self._by_ref[ref]

    def has(self, ref: str) -> bool:
        return ref in self._by_ref

    @cached_property
    def _by_ref(self) -> dict[str, ObjectiveRow]:
        return {o.ref: o for o in self.objectives}

    def key_results(self) -> list[KrRow]:
        return [kr for o in self.objectives if not o.context for kr in o.key_results]

    def key_result_count(self) -> int:
        """How many `key_results` there are."""
        return sum(o.key_result_count() for o in self.objectives if not o.context)
