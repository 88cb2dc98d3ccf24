"""Moved goalposts: a key result's start or target changed after its period began.

Changing a target mid-period can be right (the world changed), but it must be
said. A `rebaseline:` note on the key result explains the changes made up to
and including the commit that last wrote the note; a change made later, or
with no note at all, is a move nobody explained. Edits not committed yet count
too, as of today, so the warning shows before the commit and adding the note
in the same edit silences it.

One `git log -p` over the OKR files gives every change. Only changes made once
the period had begun, to lines that may hold a goalpost, are looked at; one
that only rewrites numbers in place is read from the patch alone, any other
has the version after it read from git and loaded by the workspace loader.
Outside a git repository there is no history and nothing to report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from cxokr.git.audit_data import FieldChange
from cxokr.git.history import Commit, FileChange, History, history
from cxokr.load.layout import CONFIG_FILE, okr_path
from cxokr.load.workspace import Workspace, load_files
from cxokr.model import OkrFile, Period, RefParts, StartReading, parse_ref
from cxokr.problems import Problem
from cxokr.rules.checks import CheckResult
from cxokr.yamlio import Marks

MOVABLE = ("start", "target")


@dataclass(frozen=True)
class Move:
    """An unexplained change to a key result's start or target after its period began."""

    ref: str
    period: Period
    objective_index: int
    kr_index: int
    changes: tuple[FieldChange, ...]
    commit: Commit | None  # None: an edit not committed yet

    @property
    def path(self) -> str:
        return okr_path(self.period.id, parse_ref(self.ref, self.period.id).team)

    @property
    def loc(self) -> tuple[str | int, ...]:
        return (
            "objectives",
            self.objective_index,
            "key_results",
            self.kr_index,
            self.changes[-1].field,
        )


@dataclass(frozen=True)
class Answer:
    """The unexplained moves, and whether the history they were read from is complete."""

    moves: tuple[Move, ...]
    shallow: bool = False  # a shallow clone: commits before `cut` are missing
    cut: Commit | None = None  # where its history starts (the oldest commit it holds)


def find(root: Path, ws: Workspace, today: date | None = None, keep: bool = True) -> list[Move]:
    """Every unexplained move in the working tree's workspace; none outside a git repository."""
    return list(answer(root, ws, today, keep).moves)


def answer(root: Path, ws: Workspace, today: date | None = None, keep: bool = True) -> Answer:
    """The moves of `find`, and what the history they come from lacks.

    The answer depends only on the commit checked out, the OKR files and
    cxokr.yaml as they are, where a shallow clone is cut, and the date, so the
    last one is kept in the workspace's state folder under a hash of those: a
    report or check run again on the same state starts neither git nor
    GitPython. `keep=False` (`--no-cache`) neither reads nor writes it.
    """
    from cxokr.git import goalposts_memo as memo

    today = today or date.today()
    key = memo.key(root, ws, today) if keep else None
    if key is not None:
        found = memo.recall(root, ws, key)
        if found is not None:
            return found
    with history(root) as h:
        if h is None:
            found = Answer(())
        else:
            shallow = h.shallow
            found = Answer(
                tuple(moves(h, root, ws, today)), shallow, h.oldest() if shallow else None
            )
    if key is not None:
        memo.remember(root, key, found)
    return found


def moves(h: History, root: Path, ws: Workspace, today: date) -> list[Move]:
    """The unexplained moves in the open periods of `ws`, from the history `h`."""
    periods = ws.periods
    by_path: dict[str, list[tuple[Commit, FileChange]]] = {}
    for step in h.steps(["okrs"], patch=True):
        for change in step.changes:
            by_path.setdefault(change.path, []).append((step.commit, change))
    dirty = h.dirty(["okrs"])
    found: list[Move] = []
    for (period_id, team), current in sorted(ws.okrs.items()):
        period, reader = periods.get(period_id), _Reader(h, root, period_id, team)
        mine = by_path.get(reader.rel)
        if period is None or period.closed is not None or not mine:
            continue  # a closed period's grades are final; an uncommitted file has no history
        late = [
            (commit, change)
            for commit, change in mine
            if commit.authored.date() >= period.start and _may_move(change)
        ]
        pairs = _pairs(reader, late)
        if reader.rel in dirty and today >= period.start:
            pairs += _uncommitted(reader, mine[-1][1].after, pairs, current)
        found += _moves_in(period, team, current, pairs)
    return found


# A changed line that cannot move a start or target or rewrite a note: blank, a comment,
# or another key of an objective or key result. Anything else (a note's second line, say)
# may, and has the versions before and after read.
_OTHER_KEY = re.compile(
    r"\s*(-\s+)?(id|title|owner|metric|segment|unit|type|weight|aligns_to|status|progress"
    r"|grade|retro|carried_from|objectives|key_results)\s*:"
)
# A start or target given as a plain decimal on its key's line: the one edit read from the
# patch alone, without parsing the file again.
_NUMBER_LINE = re.compile(r"(\s*)(start|target):[ ]+(-?(?:0|[1-9][0-9]{0,17})(?:\.[0-9]+)?)[ ]*")


def _may_move(change: FileChange) -> bool:
    if change.before is None or change.after is None:
        return False  # created or deleted: there is nothing to compare
    for line in (*change.added, *change.removed):
        text = line.strip()
        if text and not text.startswith("#") and not _OTHER_KEY.match(line):
            return True
    return False


# start, target, rebaseline note: as written (a number, `first`, `{reading: DATE}`, `+10%`)
Values = tuple[object, object, str | None]


@dataclass(frozen=True)
class _State:
    """What one version of an OKR file says of each key result's goalposts, and on which
    line each start and target is written."""

    values: dict[tuple[str, str], Values]
    lines: dict[int, tuple[str, str, str]]  # line -> (objective, key result, field)


def _state(okr: OkrFile, marks: Marks | None) -> _State:
    values: dict[tuple[str, str], Values] = {}
    lines: dict[int, tuple[str, str, str]] = {}
    positions = marks.positions if marks else {}
    for oi, objective in enumerate(okr.objectives):
        for ki, kr in enumerate(objective.key_results):
            key = (objective.id, kr.id)
            if key in values:
                positions = {}  # duplicate IDs: no shortcut, every version is read
            values.setdefault(key, (kr.start, kr.target, kr.rebaseline))
            for name in MOVABLE:
                found = positions.get(("objectives", oi, "key_results", ki, name))
                if found:
                    lines[found[0]] = (*key, name)
    return _State(values, lines if positions else {})


class _Reader:
    """Reads versions of a team's OKR file in a period from git into states."""

    def __init__(self, h: History, root: Path, period: str, team: str) -> None:
        self.h, self.root = h, root
        self.key, self.rel = (period, team), okr_path(period, team)

    def state(self, sha: str | None) -> _State | None:
        if sha is None:
            return None
        loaded = load_files(self.root, {self.rel: self.h.blobs([sha])[sha]})
        okr = loaded.okrs.get(self.key)
        return None if okr is None else _state(okr, loaded.marks.get(self.rel))


Pair = tuple[Commit | None, _State, _State, str | None]  # commit, before, after, blob after


def _pairs(reader: _Reader, changes: list[tuple[Commit, FileChange]]) -> list[Pair]:
    """(commit, before, after) for each change. A version that does not load is skipped:
    the next good one is compared with the last good one before it."""
    pairs: list[Pair] = []
    last: tuple[str | None, _State] | None = None
    for commit, change in changes:
        before = last[1] if last and last[0] == change.before else reader.state(change.before)
        before = before or (last[1] if last else None)
        if before is None:
            continue
        after = _edited(before, change) or reader.state(change.after)
        if after is None:
            continue
        last = (change.after, after)
        pairs.append((commit, before, after, change.after))
    return pairs


def _uncommitted(
    reader: _Reader, head: str | None, pairs: list[Pair], current: OkrFile
) -> list[Pair]:
    """The edit not committed yet, as a pair after the last commit's version (`head`, its
    blob), when it changes a goalpost or a note."""
    committed = pairs[-1][2] if pairs and pairs[-1][3] == head else None
    committed = committed or reader.state(head)
    now = _state(current, None)
    if committed is not None and committed.values != now.values:
        return [(None, committed, now, None)]
    return []


def _edited(before: _State, change: FileChange) -> _State | None:
    """The state after `change` when it only rewrites starts and targets in place."""
    old = dict(zip(change.removed_at, change.removed, strict=True))
    new = dict(zip(change.added_at, change.added, strict=True))
    if not old or old.keys() != new.keys() or len(old) != len(change.removed):
        return None
    values = dict(before.values)
    for line, text in old.items():
        was, now = _NUMBER_LINE.fullmatch(text), _NUMBER_LINE.fullmatch(new[line])
        where = before.lines.get(line)
        if not was or not now or was.group(1, 2) != now.group(1, 2) or where is None:
            return None
        objective, kr, name = where
        start, target, note = values[(objective, kr)]
        if name != was.group(2) or (start, target)[MOVABLE.index(name)] != float(was.group(3)):
            return None
        if name == "start":
            start = float(now.group(3))
        else:
            target = float(now.group(3))
        values[(objective, kr)] = (start, target, note)
    return _State(values, before.lines)


def _moves_in(period: Period, team: str, current: OkrFile, pairs: list[Pair]) -> list[Move]:
    found = []
    for oi, objective in enumerate(current.objectives):
        for ki, kr in enumerate(objective.key_results):
            ref = str(RefParts(period.id, team, objective.id, kr.id))
            unexplained = _unexplained((objective.id, kr.id), pairs, bool(kr.rebaseline))
            found += [Move(ref, period, oi, ki, changes, commit) for commit, changes in unexplained]
    return found


def _unexplained(
    key: tuple[str, str], pairs: list[Pair], noted_now: bool
) -> list[tuple[Commit | None, tuple[FieldChange, ...]]]:
    """The changes to one key result's goalposts in `pairs` that no note explains: those
    after the change that last wrote its note, all of them when it has no note now."""
    noted, moved = -1, []
    for i, (commit, before, after, _) in enumerate(pairs):
        was, now = before.values.get(key), after.values.get(key)
        if was is None or now is None:
            continue
        if now[2] and now[2] != was[2]:
            noted = i
        changes = tuple(
            FieldChange(name, was[j], now[j]) for j, name in enumerate(MOVABLE) if was[j] != now[j]
        )
        if changes:
            moved.append((i, commit, changes))
    if not noted_now:
        noted = -1
    return [(commit, changes) for i, commit, changes in moved if i > noted]


# --- As problems, and in the report ----------------------------------------------------------


def _num(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, StartReading):
        return f"the reading of {value.reading}"
    return f"{value:g}" if isinstance(value, float | int) else str(value)


def message(move: Move) -> str:
    kr = parse_ref(move.ref, move.period.id).kr
    what = " and ".join(f"{c.field} from {_num(c.old)} to {_num(c.new)}" for c in move.changes)
    what = what.replace(" from ", " moved from ", 1)
    if move.commit is None:
        when = "in changes not committed yet"
    else:
        c = move.commit
        when = f"on {c.authored.date()} in {c.short} by {c.author} <{c.email}>"
    return (
        f"{kr}: {what} {when}, after {move.period.id} began on {move.period.start}; "
        "if that is meant, say why in a rebaseline: note"
    )


def problems(
    root: Path, ws: Workspace, today: date | None = None, keep: bool = True
) -> list[Problem]:
    """CX501 for each unexplained move, at the key result's moved field, and CX502 when the
    history they were looked for in is cut short."""
    today = today or date.today()
    found = answer(root, ws, today, keep)
    listed = [ws.problem_at("CX501", m.path, m.loc, message(m)) for m in found.moves]
    cut = _cut_short(ws, found, today)
    return listed if cut is None else [*listed, cut]


def _cut_short(ws: Workspace, found: Answer, today: date) -> Problem | None:
    """CX502 when a shallow clone's history starts after an open period with OKR files
    began: a move made before the cut (or by the commit it starts at) cannot be seen."""
    if not found.shallow or ws.config is None:
        return None
    since = None if found.cut is None else found.cut.authored.date()
    with_okrs = {period for period, _ in ws.okrs}
    missed = [
        (period.start, i, period)
        for i, period in enumerate(ws.config.periods)
        if period.id in with_okrs
        and period.closed is None
        and period.start <= today
        and (since is None or since >= period.start)
    ]
    if not missed:
        return None
    _, index, first = min(missed)
    held = "holds no commit" if found.cut is None else (f"starts at {found.cut.short} ({since})")
    return ws.problem_at(
        "CX502",
        CONFIG_FILE,
        ("periods", index),
        f"history is incomplete: this shallow clone's history {held}, after {first.id} "
        f"began on {first.start}, so goalposts moved before then are not checked (CX501); "
        "fetch the whole history with 'git fetch --unshallow' "
        "(in GitHub Actions, 'fetch-depth: 0' on actions/checkout)",
    )


def checked(root: Path, ws: Workspace, result: CheckResult, keep: bool = True) -> CheckResult:
    """`result` (of `cxokr check`) with a CX501 warning for each unexplained move."""
    found = problems(root, ws, keep=keep)
    if not found:
        return result
    return replace(result, problems=tuple(sorted({*result.problems, *found})))
