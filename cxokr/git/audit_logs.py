"""The check-ins and readings of an audit trail: the log lines each commit added or removed.

A line a union merge duplicated is not a new entry, and removing one copy of
it is not a removal; lines that do not validate are left to `cxokr check`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from cxokr import yamlio
from cxokr.git.audit_data import Event, Kind, Subject
from cxokr.git.history import Commit, FileChange, Step
from cxokr.model import CHECKINS, READINGS, Period, Reading, parse_ref


def entries(lines: Iterable[str], adapter: TypeAdapter[list[Any]]) -> list[Any]:
    """The valid entries among lines of a log (as a patch adds or removes them)."""
    text = "\n".join(lines)
    if not text.strip():
        return []
    items, _ = yamlio.load_log(text.encode("utf-8", "surrogateescape"))
    found = []
    for item in items:
        if item.data is None:
            continue
        try:
            found.append(adapter.validate_python([item.data])[0])
        except ValidationError:
            continue  # `cxokr check` reports it
    return found


@dataclass
class _Present:
    """Entries in a log so far: a line a union merge duplicated is not a new entry."""

    counts: Counter[str] = field(default_factory=Counter)

    def add(self, entry: BaseModel) -> bool:
        key = repr(entry)  # model_dump_json fails on a lone surrogate in a note
        self.counts[key] += 1
        return self.counts[key] == 1

    def remove(self, entry: BaseModel) -> bool:
        key = repr(entry)  # model_dump_json fails on a lone surrogate in a note
        if self.counts[key] > 0:
            self.counts[key] -= 1
        return self.counts[key] == 0


def checkin_events(steps: list[Step], rel: str, subject: Subject) -> list[Event]:
    """The subject's check-ins that `steps` added to or removed from the log `rel`."""
    events: list[Event] = []
    present = _Present()
    for step in steps:
        for change in step.changes:
            if change.path == rel:
                events += _checkins(step.commit, change, present, subject)
    return events


def _checkins(
    commit: Commit, change: FileChange, present: _Present, subject: Subject
) -> list[Event]:
    """The check-ins of the subject one change removed, then those it added: not a copy of
    a line still there, nor what a shallow clone's history starts with."""
    found = [
        (Kind.CHECKIN_REMOVED, e) for e in entries(change.removed, CHECKINS) if present.remove(e)
    ]
    found += [(Kind.CHECKIN, e) for e in entries(change.added, CHECKINS) if present.add(e)]
    events = []
    for kind, entry in found:
        ref = parse_ref(f"{subject.team}/{entry.kr}", subject.period.id)
        if not commit.boundary and subject.covers(ref.objective, ref.kr):
            events.append(Event(commit, kind, str(ref), entry=entry))
    return events


def reading_events(
    steps: list[Step],
    rel_metric: dict[str, str],
    segments: dict[str, set[str | None]],
    period: Period,
) -> list[Event]:
    events: list[Event] = []
    present: dict[str, _Present] = {}
    for step in steps:
        for change in step.changes:
            metric = rel_metric.get(change.path)
            if metric is None:
                continue
            seen = present.setdefault(metric, _Present())
            wanted = segments[metric]
            for entry in entries(change.removed, READINGS):
                if seen.remove(entry) and _counts(step, entry, wanted, period):
                    events.append(Event(step.commit, Kind.READING_REMOVED, metric, entry=entry))
            for entry in entries(change.added, READINGS):
                if seen.add(entry) and _counts(step, entry, wanted, period):
                    events.append(Event(step.commit, Kind.READING, metric, entry=entry))
    return events


def _counts(step: Step, entry: Reading, segments: set[str | None], period: Period) -> bool:
    """A reading is part of the trail when it is of a segment the key results use, in their
    period, and not merely present where a shallow clone's history starts."""
    in_period = period.start <= entry.date <= period.end
    return in_period and entry.segment in segments and not step.commit.boundary
