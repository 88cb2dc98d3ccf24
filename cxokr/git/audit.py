"""The audit trail of a key result, objective or team, read from git history (`cxokr log`).

One `git log` over the team's OKR file, its check-in log and the readings of
the metrics its key results use (those files alone, named after `--`) gives
every commit that touched them: each version of the OKR file is read from its
blob (each distinct version parsed once, through the workspace loader) and
compared with the version before it, and the lines a commit added to a log are
its check-ins and readings (`audit_logs.with_lines`, which finds them without
git diffing every version of a growing log). A second `git log` reads the
readings of metrics used only in the past. A
shallow clone's history is cut at some commit: what that commit holds is taken
as the starting point, not as its creation, and the trail says that earlier
history is missing. A subject is written `[PERIOD:]team[/objective[/kr]]`;
the references of what it holds are read and written by the model's
`parse_ref` and `RefParts`.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from cxokr.errors import HistoryError, UsageError
from cxokr.git.audit_data import (
    Event,
    FieldChange,
    Kind,
    Subject,
    Trail,
    parse_since,
    shallow_note,
)
from cxokr.git.audit_logs import checkin_events, reading_events, with_lines
from cxokr.git.history import Commit, FileChange, History, Step, history
from cxokr.load import workspace
from cxokr.load.layout import CONFIG_FILE, checkin_path, okr_path, reading_path
from cxokr.model import (
    Config,
    Item,
    KeyResult,
    Objective,
    OkrFile,
    RefParts,
    is_slug,
    parse_ref,
)

KR_FIELDS = (
    "title",
    "metric",
    "segment",
    "unit",
    "type",
    "start",
    "target",
    "change",
    "weight",
    "owner",
    "aligns_to",
    "rebaseline",
    "items",
    "schedule",
    "due",
    "shares",
    "state",
    "reason",
    "decision",
)
OBJECTIVE_FIELDS = (
    "title",
    "owner",
    "aligns_to",
    "weight",
    "status",
    "reason",
    "progress",
    "grade",
)
_PERIOD_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,63}$")


# --- Which subject ---------------------------------------------------------------------------


def read_config(root: Path) -> Config:
    try:
        raw = (root / CONFIG_FILE).read_bytes()
    except OSError:
        raw = b""
    config = workspace.load_files(root, {CONFIG_FILE: raw}).config
    if config is None:
        raise UsageError(f"{CONFIG_FILE} could not be read; run 'cxokr check'")
    return config


def _okr_file(root: Path, period: str, team: str) -> OkrFile | None:
    rel = okr_path(period, team)
    try:
        raw = (root / rel).read_bytes()
    except OSError:
        return None
    return workspace.load_files(root, {rel: raw}).okrs.get((period, team))


def _find(okr: OkrFile | None, objective: str | None, kr: str | None) -> bool:
    if okr is None:
        return False
    for found in okr.objectives:
        if objective is None or found.id == objective:
            return kr is None or any(k.id == kr for k in found.key_results)
    return objective is None


def resolve(root: Path, ref: str, today: date) -> Subject:
    """The subject `[PERIOD:]team[/objective[/kr]]`; without a period, the narrowest period
    containing `today` in which the team, objective or key result exists."""
    config = read_config(root)
    period_id, team, objective, kr = _names(ref)
    periods = {p.id: p for p in config.periods}
    if period_id:
        if period_id not in periods:
            raise UsageError(f"no period {period_id!r}; declared: {', '.join(periods)}")
        return Subject(periods[period_id], team, objective, kr)
    candidates = sorted(
        (p for p in config.periods if p.start <= today <= p.end), key=lambda p: p.end - p.start
    )
    for period in candidates:
        if _find(_okr_file(root, period.id, team), objective, kr):
            return Subject(period, team, objective, kr)
    where = ", ".join(p.id for p in candidates) or "no period (none contains today)"
    rest = ref.rpartition(":")[2]
    raise UsageError(f"{rest} is not in {where}; name the period as PERIOD:{rest}")


def _names(ref: str) -> tuple[str, str, str | None, str | None]:
    """The period ("" when it names none), team, objective and key result of the subject
    `[PERIOD:]team[/objective[/kr]]`; a usage error when it is not one."""
    period, _, rest = ref.rpartition(":")
    path = rest.strip("/")
    depth = path.count("/")
    found = parse_ref(path, period) if 1 <= depth <= 2 else None
    team, objective, kr = (found.team, found.objective, found.kr) if found else (path, None, None)
    names = [name for name in (team, objective, kr) if name is not None]
    if depth > 2 or not all(map(is_slug, names)) or (period and not _PERIOD_RE.match(period)):
        raise UsageError(
            f"{ref!r} is not a reference; write team, team/objective or team/objective/kr"
        )
    return period, team, objective, kr


# --- Versions of an OKR file -----------------------------------------------------------------


class OkrVersions:
    """Versions of a team's OKR file in a period by blob, each distinct blob read and
    parsed once."""

    def __init__(self, h: History, root: Path, period: str, team: str) -> None:
        self.h = h
        self.root = root
        self.key, self.rel = (period, team), okr_path(period, team)
        self.parsed: dict[str, OkrFile | None] = {}

    def load(self, shas: Iterable[str | None]) -> None:
        wanted = {sha for sha in shas if sha and sha not in self.parsed}
        for sha, raw in self.h.blobs(wanted).items():
            self.parsed[sha] = workspace.load_files(self.root, {self.rel: raw}).okrs.get(self.key)

    def get(self, sha: str | None) -> OkrFile | None:
        if sha and sha not in self.parsed:
            self.load([sha])
        return self.parsed.get(sha) if sha else None

    def chain(
        self, changes: list[tuple[Commit, FileChange]]
    ) -> Iterator[tuple[Commit, OkrFile | None, OkrFile | None]]:
        """(commit, before, after) for each change, in order.

        A version that does not load (broken YAML, say) is skipped: the next
        good one is compared with the last good one before it.
        """
        self.load(sha for _, c in changes for sha in (c.before, c.after))
        last_good: OkrFile | None = None
        for commit, change in changes:
            before = self.get(change.before)
            if change.before and before is None:
                before = last_good
            after = self.get(change.after)
            if change.after and after is None:
                continue
            last_good = after
            yield commit, before, after


def changes_to(rel: str, steps: list[Step]) -> list[tuple[Commit, FileChange]]:
    """The changes `steps` made to the file `rel`, with their commits, in order."""
    return [(s.commit, c) for s in steps for c in s.changes if c.path == rel]


# --- Building the trail ----------------------------------------------------------------------


def trail(root: Path, ref: str, since: str | None = None, today: date | None = None) -> Trail:
    """Every creation, change and removal of the subject's definition, and every check-in and
    reading that touched it, from git history."""
    today = today or date.today()
    subject = resolve(root, ref, today)
    after = parse_since(since, today) if since is not None else None
    current = _okr_file(root, subject.period.id, subject.team)
    with history(root) as h:
        if h is None:
            raise HistoryError(f"{root} is not in a git repository; cxokr log reads git history")
        since_sha = h.commit(after.rev).sha if after and after.rev else None
        events, cut = _events(h, root, subject, _metrics([current], subject), since_sha)
    if after and after.day:
        events = [e for e in events if e.commit.authored.date() >= after.day]
        # History cut before the first day asked for misses nothing asked for.
        cut = [c for c in cut if c.authored.date() >= after.day]
    return Trail(
        subject=subject,
        title=_title(current, subject),
        events=tuple(events),
        since=since,
        incomplete=shallow_note(cut),
    )


def _events(
    h: History,
    root: Path,
    subject: Subject,
    metrics: dict[str, set[str | None]],
    since_sha: str | None,
) -> tuple[list[Event], list[Commit]]:
    """The subject's events after `since_sha`, oldest first, and the commits among those read
    where a shallow clone's history is cut. `metrics` (those the subject uses now, with
    their segments) gains those its key results used in the past."""
    versions = OkrVersions(h, root, subject.period.id, subject.team)
    log_rel = checkin_path(subject.period.id, subject.team)
    # The readings of the metrics used now come in the same git log; those of metrics
    # used only in the past, once history has named them, in a second one.
    readings_now = [reading_path(m) for m in metrics]
    steps = h.steps([versions.rel, log_rel, *readings_now], since=since_sha)
    steps = with_lines(h, root, steps, [log_rel, *readings_now])
    events = _definitions(versions, steps, subject, metrics)
    events += checkin_events(steps, log_rel, subject)
    rel_metric = {reading_path(m): m for m in sorted(metrics)}
    events += reading_events(steps, rel_metric, metrics, subject.period)
    earlier = [rel for rel in rel_metric if rel not in readings_now]
    more = h.steps(earlier, since=since_sha) if earlier else []
    more = with_lines(h, root, more, earlier)
    readings = reading_events(more, rel_metric, metrics, subject.period)
    merged = heapq.merge(_ordered(events, steps), readings, key=lambda e: e.commit.committed)
    return list(merged), [s.commit for s in (*steps, *more) if s.commit.boundary]


def _definitions(
    versions: OkrVersions, steps: list[Step], subject: Subject, metrics: dict[str, set[str | None]]
) -> list[Event]:
    """What `steps` did to the subject's definition, and into `metrics` the metrics (and
    segments) each version's key results use."""
    events: list[Event] = []
    for commit, before, now in versions.chain(changes_to(versions.rel, steps)):
        for metric, segments in _metrics([before, now], subject).items():
            metrics.setdefault(metric, set()).update(segments)
        if not commit.boundary:
            events += _definition_events(commit, before, now, subject)
    return events


def _metrics(versions: Iterable[OkrFile | None], subject: Subject) -> dict[str, set[str | None]]:
    """The metrics the subject's key results use in `versions`, with their segments."""
    found: dict[str, set[str | None]] = {}
    for version in versions:
        for kr in _key_results(version, subject):
            if kr.metric:
                found.setdefault(kr.metric, set()).add(kr.segment)
    return found


def _ordered(events: list[Event], steps: list[Step]) -> list[Event]:
    """Events in commit order: definition changes, check-ins, then readings within a commit."""
    position = {s.commit.sha: i for i, s in enumerate(steps)}
    return sorted(events, key=lambda e: position[e.commit.sha])


def _title(okr: OkrFile | None, subject: Subject) -> str | None:
    for objective in okr.objectives if okr else []:
        if objective.id == subject.objective:
            if subject.kr is None:
                return objective.title
            return next((k.title for k in objective.key_results if k.id == subject.kr), None)
    return None


def _key_results(okr: OkrFile | None, subject: Subject) -> Iterator[KeyResult]:
    for objective in okr.objectives if okr else []:
        for kr in objective.key_results:
            if subject.covers(objective.id, kr.id):
                yield kr


def _by_id(items: Iterable[Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for item in items:
        found.setdefault(item.id, item)  # a duplicate ID is a problem `check` reports
    return found


def _definition_events(
    commit: Commit, before: OkrFile | None, after: OkrFile | None, subject: Subject
) -> list[Event]:
    old = _by_id(before.objectives if before else ())
    new = _by_id(after.objectives if after else ())
    events: list[Event] = []
    for objective_id in [*new, *(o for o in old if o not in new)]:
        if not subject.covers(objective_id, subject.kr):
            continue
        was, now = old.get(objective_id), new.get(objective_id)
        ref = RefParts(subject.period.id, subject.team, objective_id)
        if subject.kr is None:
            events += _compare(commit, str(ref), was, now, OBJECTIVE_FIELDS)
        old_krs = _by_id(was.key_results if was else ())
        new_krs = _by_id(now.key_results if now else ())
        for kr_id in [*new_krs, *(k for k in old_krs if k not in new_krs)]:
            if subject.covers(objective_id, kr_id):
                kr_ref = str(replace(ref, kr=kr_id))
                events += _compare(
                    commit, kr_ref, old_krs.get(kr_id), new_krs.get(kr_id), KR_FIELDS
                )
    return events


def _compare(
    commit: Commit,
    ref: str,
    was: Objective | KeyResult | None,
    now: Objective | KeyResult | None,
    fields: tuple[str, ...],
) -> list[Event]:
    if was is None and now is None:
        return []
    if was is None:
        assert now is not None
        set_fields = now.model_fields_set | {"title"}
        shown = tuple(
            FieldChange(name, None, _plain(getattr(now, name)))
            for name in fields
            if name in set_fields and getattr(now, name) is not None
        )
        return [Event(commit, Kind.CREATED, ref, shown)]
    if now is None:
        return [Event(commit, Kind.REMOVED, ref)]
    changed: list[FieldChange] = []
    for name in fields:
        old, new = getattr(was, name), getattr(now, name)
        if old == new:
            continue
        if name == "items":
            changed += _item_changes(old or [], new or [])
        else:
            changed.append(FieldChange(name, _plain(old), _plain(new)))
    return [Event(commit, Kind.CHANGED, ref, tuple(changed))] if changed else []


def _item_changes(was: list[Item], now: list[Item]) -> list[FieldChange]:
    """A checklist's items compared by ID: `item ID` added (old None) or removed (new None)
    with its fields, or `item ID FIELD` for each field of it that changed."""
    old, new = _by_id(was), _by_id(now)
    changes: list[FieldChange] = []
    for item_id in [*new, *(i for i in old if i not in new)]:
        before, after = _item_fields(old.get(item_id)), _item_fields(new.get(item_id))
        if before is None or after is None:
            if before != after:
                changes.append(FieldChange(f"item {item_id}", before, after))
            continue
        changes += [
            FieldChange(f"item {item_id} {key}", before.get(key), after.get(key))
            for key in dict.fromkeys([*after, *before])
            if before.get(key) != after.get(key)
        ]
    return changes


def _item_fields(item: Item | None) -> dict[str, Any] | None:
    """An item's fields as written (its weight always), without its ID."""
    if item is None:
        return None
    fields: dict[str, Any] = item.model_dump(mode="json", exclude_unset=True, exclude={"id"})
    fields["weight"] = item.weight
    return fields


def _plain(value: Any) -> Any:
    """A field's value as JSON would hold it: enums as their value, days as text, a
    `start: {reading: DATE}` or checklist item as a mapping."""
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_unset=True)
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
