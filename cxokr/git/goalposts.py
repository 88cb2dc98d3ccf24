"""Moved goalposts: a key result's start or target changed after its period began.

Changing a target mid-period can be right (the world changed), but it must be
said. A `rebaseline:` note on the key result explains the changes made up to
and including the commit that last wrote the note; a change made later, or
with no note at all, is a move nobody explained. Edits not committed yet count
too, as of today, so the warning shows before the commit and adding the note
in the same edit silences it.

`git log -p` over the OKR files gives every change, kept per file as of the
commit read (`goalposts_state`): after a new commit only the commits since are
read. Only changes to lines that may hold a goalpost are looked at; one that
only rewrites numbers in place is read from the patch alone, any other has the
versions around it read from git and loaded by the workspace loader. Of those,
the changes made once the period had begun are judged. Outside a git
repository there is no history and nothing to report.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from cxokr.git.audit_data import FieldChange
from cxokr.git.goalposts_state import (
    MOVABLE,
    PATHS,
    Key,
    Ledger,
    Ledgers,
    Moved,
    Reader,
    compared,
    follow,
    version,
)
from cxokr.git.history import Commit, History, history
from cxokr.load.layout import CONFIG_FILE, okr_path
from cxokr.load.workspace import Workspace
from cxokr.model import OkrFile, Period, RefParts, StartReading, parse_ref
from cxokr.problems import Problem
from cxokr.rules.checks import CheckResult


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
    GitPython. What the history says of each OKR file is kept there too, as of
    the commit read, so that after new commits only those are read
    (`goalposts_state.follow`). `keep=False` (`--no-cache`) neither reads nor
    writes either.
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
            ledgers = follow(h, memo.recall_ledgers(root) if keep else None)
            listed = [] if ledgers is None else moves(h, root, ws, today, ledgers)
            shallow = h.shallow
            found = Answer(tuple(listed), shallow, h.oldest() if shallow else None)
            if keep and ledgers is not None and ledgers.changed:
                memo.remember_ledgers(root, ledgers)
    if key is not None:
        memo.remember(root, key, found)
    return found


def moves(
    h: History, root: Path, ws: Workspace, today: date, ledgers: Ledgers | None = None
) -> list[Move]:
    """The unexplained moves in the open periods of `ws`, from the history `h`: from
    `ledgers` (as of the commit checked out) when given, else from the whole history."""
    ledgers = ledgers if ledgers is not None else follow(h, None)
    if ledgers is None:
        return []  # no commits: no history
    periods = ws.periods
    dirty = h.dirty(PATHS)
    found: list[Move] = []
    for (period_id, team), current in sorted(ws.okrs.items()):
        period, rel = periods.get(period_id), okr_path(period_id, team)
        if period is None or period.closed is not None or rel not in ledgers.files:
            continue  # a closed period's grades are final; an uncommitted file has no history
        ledger = ledgers.settled(h, root, rel)
        assert ledger is not None
        late = [m for m in ledger.moved if m.commit and m.commit.authored.date() >= period.start]
        if rel in dirty and today >= period.start:
            late += _uncommitted(Reader(h, root, period_id, team), ledger, current)
        found += _moves_in(period, team, current, late)
    return found


def _uncommitted(reader: Reader, ledger: Ledger, current: OkrFile) -> list[Moved]:
    """The edit not committed yet, compared with the last commit's version, when it changes
    a goalpost or a note."""
    last = ledger.last
    committed = last[1] if last is not None and last[0] == ledger.head else None
    committed = committed or reader.version(ledger.head)
    if committed is None:
        return []
    edit = compared(None, committed, version(current, None))
    return [edit] if edit.values else []


def _moves_in(period: Period, team: str, current: OkrFile, changes: list[Moved]) -> list[Move]:
    found = []
    for oi, objective in enumerate(current.objectives):
        for ki, kr in enumerate(objective.key_results):
            ref = str(RefParts(period.id, team, objective.id, kr.id))
            unexplained = _unexplained((objective.id, kr.id), changes, bool(kr.rebaseline))
            found += [Move(ref, period, oi, ki, moved, commit) for commit, moved in unexplained]
    return found


def _unexplained(
    key: Key, changes: list[Moved], noted_now: bool
) -> list[tuple[Commit | None, tuple[FieldChange, ...]]]:
    """The changes to one key result's goalposts in `changes` that no note explains: those
    after the change that last wrote its note, all of them when it has no note now."""
    noted, moved = -1, []
    for i, change in enumerate(changes):
        values = change.values.get(key)
        if values is None:
            continue
        was, now = values
        if now[2] and now[2] != was[2]:
            noted = i
        fields = tuple(
            FieldChange(name, was[j], now[j]) for j, name in enumerate(MOVABLE) if was[j] != now[j]
        )
        if fields:
            moved.append((i, change.commit, fields))
    if not noted_now:
        noted = -1
    return [(commit, fields) for i, commit, fields in moved if i > noted]


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
