"""What `cxokr report --since` shows: then versus now, as data, and nothing else.

`changes` builds it from git history; `render/changes` draws it as text,
Markdown and JSON from these types alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # types of fields only: drawing the data imports no history or report code
    from cxokr.compute.report_data import Filters, KrRow, ObjectiveRow
    from cxokr.git.history import Commit
    from cxokr.model import CheckinEntry, Period

CHANGES_VERSION = 1


@dataclass(frozen=True)
class Then:
    """The point compared with: which commit's workspace, measured as of which day."""

    since: str
    as_of: date
    commit: Commit | None  # None: the workspace had no commit yet
    incomplete: str | None = None


@dataclass(frozen=True)
class KrDelta:
    """A key result then and now (None: it did not exist then, or no longer does)."""

    ref: str
    title: str
    owner: str | None
    unit: str | None
    then: KrRow | None
    now: KrRow | None
    checkins: tuple[CheckinEntry, ...]  # added since then, dated up to the report date
    readings: int  # readings of its metric and segment added since then
    moved_goalposts: bool
    rebaseline: str | None  # the key result's note explaining a move, as it stands now

    def _both(self, name: str) -> tuple[object, object]:
        return (
            getattr(self.then, name) if self.then else None,
            getattr(self.now, name) if self.now else None,
        )

    @property
    def target_changed(self) -> bool:
        return bool(self.then and self.now) and (
            self._both("target")[0] != self._both("target")[1]
            or self._both("start")[0] != self._both("start")[1]
        )

    @property
    def went_stale(self) -> bool:
        return bool(self.now and self.now.stale and not (self.then and self.then.stale))

    @property
    def changed(self) -> bool:
        fields = ("progress", "status", "value", "confidence", "stale")
        return (
            self.then is None
            or self.now is None
            or self.target_changed
            or bool(self.checkins)
            or self.readings > 0
            or any(a != b for a, b in map(self._both, fields))
        )


@dataclass(frozen=True)
class ObjectiveDelta:
    ref: str
    team: str
    title: str
    then: ObjectiveRow | None
    now: ObjectiveRow | None

    @property
    def changed(self) -> bool:
        if self.then is None or self.now is None:
            return True
        return (self.then.progress, self.then.status, self.then.state) != (
            self.now.progress,
            self.now.status,
            self.now.state,
        )


@dataclass(frozen=True)
class TeamDelta:
    id: str
    name: str
    then: float | None
    now: float | None

    @property
    def changed(self) -> bool:
        return self.then != self.now


@dataclass(frozen=True)
class Moved:
    """What moved, as text and Markdown list it; JSON lists every row, with `changed`."""

    teams: tuple[TeamDelta, ...]  # whose progress changed
    objectives: tuple[ObjectiveDelta, ...]
    key_results: tuple[KrDelta, ...]
    checkins: tuple[tuple[KrDelta, CheckinEntry], ...]  # added, by date then key result
    targets: tuple[KrDelta, ...]  # whose start or target changed
    stale: tuple[KrDelta, ...]  # gone stale
    still: int  # how many key results did not move


@dataclass(frozen=True)
class Changes:
    """The weekly "what moved" view: every listed figure then and now."""

    organization: str
    period: Period
    as_of: date
    then: Then
    progress_then: float | None
    progress_now: float | None
    teams: tuple[TeamDelta, ...]
    objectives: tuple[ObjectiveDelta, ...]
    key_results: tuple[KrDelta, ...]
    filters: Filters

    def new_checkins(self) -> list[tuple[KrDelta, CheckinEntry]]:
        found = [(kr, c) for kr in self.key_results for c in kr.checkins]
        return sorted(found, key=lambda pair: (pair[1].date, pair[0].ref))

    def moved(self) -> Moved:
        """Only what changed, and how many key results did not."""
        krs = tuple(k for k in self.key_results if k.changed)
        return Moved(
            teams=tuple(t for t in self.teams if t.changed),
            objectives=tuple(o for o in self.objectives if o.changed),
            key_results=krs,
            checkins=tuple(self.new_checkins()),
            targets=tuple(k for k in self.key_results if k.target_changed),
            stale=tuple(k for k in self.key_results if k.went_stale),
            still=len(self.key_results) - len(krs),
        )
