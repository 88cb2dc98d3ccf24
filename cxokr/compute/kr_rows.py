"""The rows of key results: each one's figures as of a date, in the steps of `steps`.

A key result's row is computed in named steps: its check-ins as values (`steps.valued`:
a checklist's items done, a score), its daily series, where its progress runs from and to
(`steps.start`), its latest value, its progress, what the date expects of it
(`steps.expected`: a due day, items due, a schedule, else the elapsed share), its pace and
status, its grade once the period has ended, what its progress flags, when it was last
updated, and the notes beside the numbers. A share of another key result (`shares`) is
a view of that one's row, under its own team's name.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import NamedTuple

from cxokr.compute import progress as calc
from cxokr.compute import steps, values, wholes
from cxokr.compute.progress import Status
from cxokr.compute.report_data import ItemRow, KrRow, Step
from cxokr.load.workspace import Workspace
from cxokr.model import (
    CheckinEntry,
    KeyResult,
    KrType,
    Objective,
    ObjectiveStatus,
    Period,
    as_list,
    owners_text,
    parse_ref,
)


class Place(NamedTuple):
    """Where an objective (and its key results) lives: its period, team and definition."""

    period: str
    team: str
    objective: Objective


ACTIVE = ObjectiveStatus.ACTIVE
NO_GRADE: tuple[float | None, str | None] = (None, None)  # while the period runs


def kr_state(at: Place, kr: KeyResult) -> ObjectiveStatus:
    """A key result's state: its objective's when that is dropped or postponed, else its own."""
    return at.objective.status if at.objective.status is not ObjectiveStatus.ACTIVE else kr.state


class KeyResults:
    """The rows of the key results of `periods` as of a date, each computed when first asked;
    `objectives` (by ref) are where a share finds the key result it shares."""

    def __init__(
        self, ws: Workspace, periods: dict[str, Period], as_of: date, objectives: dict[str, Place]
    ) -> None:
        assert ws.config is not None
        self.ws = ws
        self.config = ws.config
        self.as_of = as_of
        self.periods = periods
        self.objectives = objectives
        self.rows: dict[str, KrRow] = {}
        self.elapsed = {pid: calc.expected(period, as_of) for pid, period in periods.items()}
        self._checkins: dict[tuple[str, str], dict[str, list[CheckinEntry]]] = {}
        self._readings: dict[tuple[str, str | None], values.DailyReadings] = {}

    def checkins(self, at: Place, kr: str) -> list[CheckinEntry]:
        """The key result's check-ins up to the date, in log order."""
        key = (at.period, at.team)
        if key not in self._checkins:
            log = self.ws.checkins.get(key)
            grouped: dict[str, list[CheckinEntry]] = {}
            for entry in log.entries if log else ():
                if entry.date <= self.as_of:
                    grouped.setdefault(entry.kr, []).append(entry)
            self._checkins[key] = grouped
        return self._checkins[key].get(f"{at.objective.id}/{kr}", [])

    def readings(self, metric: str, segment: str | None) -> values.DailyReadings:
        key = (metric, segment)
        if key not in self._readings:
            mine = wholes.readings_of(self.ws, metric, segment)
            self._readings[key] = values.DailyReadings(mine)
        return self._readings[key]

    def row(self, at: Place, kr: KeyResult, visiting: frozenset[str] = frozenset()) -> KrRow:
        """A key result's row, computed once however many objectives count it."""
        ref = _ref(at, kr)
        found = self.rows.get(ref)
        if found is None:
            if kr.shares is not None:
                found = self._share(ref, at, kr, visiting | {ref})
            else:
                found = self._row(ref, at, kr)
            self.rows[ref] = found
        return found

    def shared(self, at: Place, kr: KeyResult) -> tuple[Place, KeyResult] | None:
        """The key result a share names (`shares`, its period the share's unless named)."""
        assert kr.shares is not None
        parts = parse_ref(kr.shares, at.period)
        place = self.objectives.get(f"{parts.period}:{parts.team}/{parts.objective}")
        found = (
            next((k for k in place.objective.key_results if k.id == parts.kr), None)
            if place
            else None
        )
        return (place, found) if place and found else None

    def _share(self, ref: str, at: Place, kr: KeyResult, visiting: frozenset[str]) -> KrRow:
        """A share: the shared key result's figures, under this team's name and weight; with
        none found (or a cycle of shares, which `cxokr check` reports), no data."""
        found = self.shared(at, kr)
        if found is None or _ref(*found) in visiting:
            return self._row(ref, at, kr.model_copy(update={"shares": None}))
        place, shared = found
        row = self.row(place, shared, visiting)
        return replace(
            row,
            ref=ref,
            period=at.period,
            team=at.team,
            objective=at.objective.id,
            id=kr.id,
            title=kr.title,
            owner=owners_text(kr.owner) or row.owner,  # its own owner, else the shared one's
            owners=tuple(as_list(kr.owner)) or row.owners,
            weight=kr.weight,
            state=kr_state(at, kr),
            reason=_reason(at, kr),
            shares=row.counted_as,
            moved_goalposts=False,
        )

    def _row(self, ref: str, at: Place, kr: KeyResult) -> KrRow:
        period = self.periods[at.period]
        metric = self.ws.metrics.get(kr.metric) if kr.metric else None
        readings = self.readings(kr.metric, kr.segment) if kr.metric else steps.NO_READINGS
        checkins = self.checkins(at, kr.id)
        if kr.type in steps.OWN_VALUES:
            checkins = steps.valued(kr, checkins)
        points = values.series(readings, period, min(self.as_of, period.end), checkins)
        start, start_source, target = steps.start(kr, period, readings, points, self.as_of)
        latest = points.latest()
        value = latest.value if latest else (0.0 if kr.type is KrType.CHECKLIST else None)
        raw = steps.progress(kr.type, value, start, target, metric)
        state = kr_state(at, kr)
        last, stale, confidence = self._updates(at, state, checkins, points)
        if kr.type is KrType.TARGET and not kr.schedule:
            expected = self.elapsed[at.period]  # the common case, computed once a period
        else:
            expected = steps.expected(kr, period, self.as_of, start, target)
        pace, status = self._pace_and_status(kr.type, raw, expected, confidence)
        regression, overachieved, breached = steps.flags(kr.type, raw, state)
        ended = self.as_of >= period.end
        grade, band = steps.kr_graded(kr.type, raw, points, target, ended) if ended else NO_GRADE
        note = next((c for c in reversed(checkins) if c.note), None)
        who = kr.owner or at.objective.owner
        owners = (who,) if type(who) is str else tuple(who or ())
        return KrRow(
            ref=ref, period=at.period, team=at.team, objective=at.objective.id,
            id=kr.id, title=kr.title, owner=owners_text(who),
            type=kr.type, metric=kr.metric, segment=kr.segment,
            unit=kr.unit or (metric.unit if metric else _unit(kr.type)),
            direction=str(metric.direction) if metric else None, weight=kr.weight,
            start=start, start_source=start_source, target=target, value=value,
            value_date=latest.date if latest else None,
            value_source=latest.source if latest else None,
            progress=raw, expected=expected, pace=pace, status=status, state=state,
            confidence=confidence, last_update=last,
            age_days=(self.as_of - last).days if last else None, stale=stale,
            regression=regression, overachieved=overachieved, breached=breached,
            grade=grade, band=band, series=points,
            owners=owners, reason=_reason(at, kr) if state is not ACTIVE else None,
            note=note.note if note else None, note_date=note.date if note else None,
            relative=steps.relative(kr) if kr.change is not None or type(kr.target) is str else None,
            due=kr.due if kr.type is KrType.DONE else None,
            items=_items(kr, checkins, period) if kr.type is KrType.CHECKLIST else (),
            schedule=_schedule(kr, start, target) if kr.schedule else (),
        )  # fmt: skip

    def _pace_and_status(
        self, kr_type: KrType, progress: float | None, expected: float, confidence: float | None
    ) -> tuple[float | None, Status]:
        """The key result's pace against what the date expects, and its status. A guardrail
        has no pace; a milestone's status until it is due is its owner's confidence
        (`progress.milestone_status`)."""
        if kr_type is KrType.DONE:
            return calc.pace(progress, expected), calc.milestone_status(
                progress, expected, confidence
            )
        guardrail = kr_type in calc.GUARDRAILS
        pace = None if guardrail else calc.pace(progress, expected)
        return pace, calc.status(progress, expected, self.config.status, guardrail)

    def _updates(
        self,
        at: Place,
        state: ObjectiveStatus,
        checkins: list[CheckinEntry],
        points: values.Series,
    ) -> tuple[date | None, bool, float | None]:
        """When the key result was last updated in its period, whether that makes it stale
        (never, while it is deprioritised), and the confidence its owner gave last."""
        period = self.periods[at.period]
        last = calc.last_update(checkins, points.newest_reading, period, self.as_of)
        end = min(self.as_of, period.end)
        confidence = next(
            (
                c.confidence
                for c in reversed(checkins)
                if c.confidence is not None and period.start <= c.date <= end
            ),
            None,
        )
        active = state is ObjectiveStatus.ACTIVE
        stale = active and calc.is_stale(last, period, self.as_of, self.config.stale_after_days)
        return last, stale, confidence


def _ref(at: Place, kr: KeyResult) -> str:
    return f"{at.period}:{at.team}/{at.objective.id}/{kr.id}"


def _unit(kr_type: KrType) -> str | None:
    """What a checklist's value (the weight of its items done) and a score count in."""
    return {KrType.CHECKLIST: "items", KrType.SCORE: "score"}.get(kr_type)


def _reason(at: Place, kr: KeyResult) -> str | None:
    """Why a key result is deprioritised: its own reason, else its objective's."""
    if at.objective.status is not ObjectiveStatus.ACTIVE:
        return kr.reason or at.objective.reason
    return kr.reason if kr.state is not ObjectiveStatus.ACTIVE else None


def _items(kr: KeyResult, checkins: list[CheckinEntry], period: Period) -> tuple[ItemRow, ...]:
    if kr.type is not KrType.CHECKLIST:
        return ()
    done = steps.items_done(kr, checkins)
    return tuple(
        ItemRow(item.id, item.title, item.weight, item.due or period.end, done.get(item.id))
        for item in kr.items or ()
    )


def _schedule(kr: KeyResult, start: float | None, target: float | None) -> tuple[Step, ...]:
    def share(value: float) -> float | None:
        if start is None or target is None or target == start:
            return None
        return (value - start) / (target - start)

    return tuple(
        Step(day, value, share(value)) for day, value in sorted((kr.schedule or {}).items())
    )
