"""What moved since a date or a revision (`cxokr report --since`): then versus now.

"Then" is the workspace as it stood in git: at the revision given, or at the
last commit on the current branch before the day given began (`7d` is seven
days before the report date). It is loaded from the revision's files by the
same loader as the working tree, and both are measured by `report.build`,
"then" as of the day before (or the revision's day), "now" as of the report
date. Rows are paired by reference: those listed now, then those gone since.
The comparison is data, every row then and now; `Changes.moved()` selects
what changed, which the text and Markdown views of `render/changes.py` show,
while its JSON holds every row.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import TypeVar

from cxokr.compute.report import Filters, KrRow, ObjectiveRow, Report, build
from cxokr.errors import HistoryError, UsageError
from cxokr.git import goalposts
from cxokr.git.as_of import seen
from cxokr.git.audit_data import Since, parse_since
from cxokr.git.changes_data import (
    Changes,
    KrDelta,
    ObjectiveDelta,
    TeamDelta,
    Then,
)
from cxokr.git.history import Commit, History, history
from cxokr.load import workspace
from cxokr.load.cache import Cache
from cxokr.load.layout import CONFIG_FILE
from cxokr.load.workspace import Workspace
from cxokr.model import CheckinEntry, ReadingEntry

_Row = TypeVar("_Row", KrRow, ObjectiveRow)


def since(
    root: Path,
    ws: Workspace,
    as_of: date,
    spec: str,
    filters: Filters = Filters(),
    cache: Cache | None = None,
) -> Changes:
    """Compare the workspace `ws` as of `as_of` with the workspace `spec` names in git.

    With `cache`, files unchanged since then are not parsed again.
    """
    point = parse_since(spec, as_of)
    with history(root) as h:
        if h is None:
            raise HistoryError(f"{root} is not in a git repository; --since reads git history")
        then = _then(h, point)
        old = _workspace_at(h, root, then.commit, cache)
        moved = {m.ref for m in seen(goalposts.moves(h, root, ws, date.today()), as_of)}
    now_report = build(ws, as_of, filters)
    then_report = None
    if old is not None:
        try:
            then_report = build(old, then.as_of, replace(filters, period=now_report.period.id))
        except UsageError:
            then_report = None  # the period was not declared then
    return _compare(ws, old, now_report, then_report, then, moved)


def _then(h: History, point: Since) -> Then:
    if point.rev is not None:
        commit = h.commit(point.rev)
        return Then(point.text, commit.committed.date(), commit)
    assert point.day is not None
    day_before = max(point.day, date.min + timedelta(days=1)) - timedelta(days=1)
    found = h.before(point.start())
    if found is None and h.shallow:
        oldest = h.oldest()
        note = "history is incomplete: this shallow clone holds no commit"
        if oldest is not None:
            note = (
                f"history is incomplete: this is a shallow clone and its history starts at "
                f"{oldest.short} ({oldest.committed.date()}), after {point.day}; 'then' is "
                f"that commit's workspace as of {day_before}, so what was committed before it "
                "counts as old. Run 'git fetch --unshallow' to read all of it."
            )
        return Then(point.text, day_before, oldest, note)
    return Then(point.text, day_before, found)


def _workspace_at(
    h: History, root: Path, commit: Commit | None, cache: Cache | None
) -> Workspace | None:
    if commit is None:
        return None
    files = h.files_at(commit)
    return workspace.load_files(root, files, cache) if CONFIG_FILE in files else None


def _compare(
    ws: Workspace,
    old: Workspace | None,
    now: Report,
    then: Report | None,
    point: Then,
    moved: set[str],
) -> Changes:
    return Changes(
        organization=now.organization,
        period=now.period,
        as_of=now.as_of,
        then=point,
        progress_then=then.progress if then else None,
        progress_now=now.progress,
        teams=_team_deltas(now, then),
        objectives=_objective_deltas(now, then),
        key_results=_kr_deltas(ws, old, now, then, moved),
        filters=now.filters,
    )


def _paired(
    then: dict[str, _Row], now: dict[str, _Row]
) -> Iterator[tuple[_Row, _Row | None, _Row | None]]:
    """(shown, then, now) for each row listed now, then for each listed only then; `shown`
    is the row now, or the row then of one that is gone."""
    for ref, row in now.items():
        yield row, then.get(ref), row
    for ref, row in then.items():
        if ref not in now:
            yield row, row, None


def _team_deltas(now: Report, then: Report | None) -> tuple[TeamDelta, ...]:
    """Each team listed now, with its progress then (None: not listed then)."""
    then_teams = {t.id: t.progress for t in then.teams} if then else {}
    return tuple(TeamDelta(t.id, t.name, then_teams.get(t.id), t.progress) for t in now.teams)


def _objective_deltas(now: Report, then: Report | None) -> tuple[ObjectiveDelta, ...]:
    """Each objective listed now or then; those shown only as context are left out."""
    then_rows = {o.ref: o for o in then.objectives if not o.context} if then else {}
    now_rows = {o.ref: o for o in now.objectives if not o.context}
    return tuple(
        ObjectiveDelta(shown.ref, shown.team, shown.title, was, row)
        for shown, was, row in _paired(then_rows, now_rows)
    )


def _kr_deltas(
    ws: Workspace, old: Workspace | None, now: Report, then: Report | None, moved: set[str]
) -> tuple[KrDelta, ...]:
    """Each key result listed now or then, with what was added to its logs since then."""
    then_rows = {kr.ref: kr for kr in then.key_results()} if then else {}
    now_rows = {kr.ref: kr for kr in now.key_results()}
    new = _NewEntries(ws, old, now.as_of)
    found = []
    for shown, was, row in _paired(then_rows, now_rows):
        found.append(
            KrDelta(
                ref=shown.ref,
                title=shown.title,
                owner=shown.owner,
                unit=shown.unit,
                then=was,
                now=row,
                checkins=tuple(new.checkins(row)) if row else (),
                readings=new.readings(row) if row else 0,
                moved_goalposts=shown.ref in moved,
                rebaseline=_rebaseline(ws, row) if row else None,
            )
        )
    return tuple(found)


class _NewEntries:
    """The check-ins and readings added since `old`, worked out once per log.

    Asked per key result; a log's new entries are found at its first question,
    not again for every key result that reads it.
    """

    def __init__(self, ws: Workspace, old: Workspace | None, as_of: date) -> None:
        self.ws, self.old, self.as_of = ws, old, as_of
        self._checkins: dict[tuple[str, str], dict[str, list[CheckinEntry]]] = {}
        self._readings: dict[str, Counter[str | None]] = {}

    def checkins(self, kr: KrRow) -> list[CheckinEntry]:
        key = (kr.period, kr.team)
        if key not in self._checkins:
            log = self.ws.checkins.get(key)
            before = self.old.checkins.get(key) if self.old else None
            seen: set[CheckinEntry] = set(before.entries) if before else set()
            grouped: dict[str, list[CheckinEntry]] = {}
            for c in log.entries if log else ():
                if c.date <= self.as_of and c not in seen:
                    grouped.setdefault(c.kr, []).append(c)
            self._checkins[key] = grouped
        return self._checkins[key].get(f"{kr.objective}/{kr.id}", [])

    def readings(self, kr: KrRow) -> int:
        if kr.metric is None:
            return 0
        if kr.metric not in self._readings:
            log = self.ws.readings.get(kr.metric)
            before = self.old.readings.get(kr.metric) if self.old else None
            seen: set[ReadingEntry] = set(before.entries) if before else set()
            self._readings[kr.metric] = Counter(
                r.segment
                for r in (log.entries if log else ())
                if r.date <= self.as_of and r not in seen
            )
        return self._readings[kr.metric][kr.segment]


def _rebaseline(ws: Workspace, kr: KrRow) -> str | None:
    okr = ws.okrs.get((kr.period, kr.team))
    for objective in okr.objectives if okr else []:
        if objective.id == kr.objective:
            return next((k.rebaseline for k in objective.key_results if k.id == kr.id), None)
    return None
