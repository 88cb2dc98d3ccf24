"""What the history says of each OKR file's goalposts, as of one commit (`goalposts`).

Per file, a ledger holds every change that may move a goalpost (`may_move`),
in the order git lists them: the commit, and the start, target and note of
each key result the change rewrote, before and after. It also holds the last
version that loaded, to compare the next change with, and the file's blob at
the commit. A change's versions are read only when its file is asked about
(`Ledger.settle`); until then the change waits as git listed it.

History that only grew (`History.adds_to`) is read from where the ledgers
stand on: the commits after it extend them (`follow`), and since each file's
changes are taken one at a time in the same order, the ledgers come out as
reading the whole history would make them. Anything else (a rebase, a reset,
a merge) reads it whole.

What may change without a commit (when a period begins, whether it is closed,
today's date, edits not committed yet) is applied when the moves are asked
for (`goalposts.moves`), never kept here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cxokr.git.history import Commit, FileChange, History, Step
from cxokr.load.layout import okr_path
from cxokr.load.workspace import load_files
from cxokr.model import OkrFile
from cxokr.yamlio import Marks

MOVABLE = ("start", "target")
PATHS = ("okrs",)  # where the OKR files live, as `History.steps` is asked

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

# start, target, rebaseline note: as written (a number, `first`, `{reading: DATE}`, `+10%`)
Values = tuple[object, object, str | None]
Key = tuple[str, str]  # objective, key result


def may_move(change: FileChange) -> bool:
    if change.before is None or change.after is None:
        return False  # created or deleted: there is nothing to compare
    for line in (*change.added, *change.removed):
        text = line.strip()
        if text and not text.startswith("#") and not _OTHER_KEY.match(line):
            return True
    return False


@dataclass(frozen=True)
class Version:
    """What one version of an OKR file says of each key result's goalposts, and on which
    line each start and target is written."""

    values: dict[Key, Values]
    lines: dict[int, tuple[str, str, str]]  # line -> (objective, key result, field)


def version(okr: OkrFile, marks: Marks | None) -> Version:
    values: dict[Key, Values] = {}
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
    return Version(values, lines if positions else {})


def team_file(path: str) -> tuple[str, str] | None:
    """(period, team) of the OKR file at `path`, or None when the path is not one's."""
    parts = path.split("/")
    if len(parts) != 3 or not parts[2].endswith(".yaml"):
        return None
    period, team = parts[1], parts[2].removesuffix(".yaml")
    return (period, team) if okr_path(period, team) == path else None


class Reader:
    """Reads versions of a team's OKR file in a period from git."""

    def __init__(self, h: History, root: Path, period: str, team: str) -> None:
        self.h, self.root = h, root
        self.key, self.rel = (period, team), okr_path(period, team)

    def version(self, sha: str | None) -> Version | None:
        if sha is None:
            return None
        loaded = load_files(self.root, {self.rel: self.h.blobs([sha])[sha]})
        okr = loaded.okrs.get(self.key)
        return None if okr is None else version(okr, loaded.marks.get(self.rel))


def edited(before: Version, change: FileChange) -> Version | None:
    """The version after `change` when it only rewrites starts and targets in place."""
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
    return Version(values, before.lines)


@dataclass(frozen=True)
class Moved:
    """What one change did to a file's goalposts: each key result it rewrote (kept in both
    versions) with its values before and after. `commit` None: an edit not committed yet."""

    commit: Commit | None
    values: dict[Key, tuple[Values, Values]]


def compared(commit: Commit | None, before: Version, after: Version) -> Moved:
    changed = {}
    for key, now in after.values.items():
        was = before.values.get(key)
        if was is not None and was != now:
            changed[key] = (was, now)
    return Moved(commit, changed)


@dataclass
class Ledger:
    """One OKR file's changes that may move a goalpost, as of a commit."""

    head: str | None  # the file's blob after the last commit listed (None: deleted)
    last: tuple[str | None, Version] | None = None  # the last version read that loaded
    moved: list[Moved] = field(default_factory=list)  # the changes whose versions were read
    pending: list[tuple[Commit, FileChange]] = field(default_factory=list)  # and those not yet

    def settle(self, reader: Reader) -> bool:
        """Read the versions of the changes still pending; whether there were any.

        A version that does not load is skipped: the next good one is compared with
        the last good one before it."""
        pending, self.pending = self.pending, []
        for commit, change in pending:
            last = self.last
            before = last[1] if last and last[0] == change.before else reader.version(change.before)
            before = before or (last[1] if last else None)
            if before is None:
                continue
            after = edited(before, change) or reader.version(change.after)
            if after is None:
                continue
            self.last = (change.after, after)
            self.moved.append(compared(commit, before, after))
        return bool(pending)


@dataclass
class Ledgers:
    """Every OKR file's ledger as of the commit `head`, by path."""

    head: str
    files: dict[str, Ledger]
    changed: bool = True  # since they were last kept
    # How each ledger stood when it was read from the state folder, with its record then:
    # one still the same is written back as it was (`goalposts_memo`).
    stored: dict[str, tuple[tuple[object, ...], Any]] = field(default_factory=dict)

    def settled(self, h: History, root: Path, rel: str) -> Ledger | None:
        """The ledger of the file at `rel` with every change read; None when no commit
        listed touched it."""
        ledger, key = self.files.get(rel), team_file(rel)
        if ledger is not None and key is not None and ledger.settle(Reader(h, root, *key)):
            self.changed = True
        return ledger


def extend(files: dict[str, Ledger], steps: Iterable[Step]) -> None:
    """Add the changes `steps` made to OKR files, in the order listed, to their ledgers."""
    for step in steps:
        for change in step.changes:
            if team_file(change.path) is None:
                continue
            ledger = files.get(change.path)
            if ledger is None:
                ledger = files[change.path] = Ledger(change.after)
            ledger.head = change.after
            if may_move(change):
                ledger.pending.append((step.commit, change))


def follow(h: History, kept: Ledgers | None) -> Ledgers | None:
    """The ledgers as of the commit checked out (None without commits): `kept` when it is
    as of that commit, `kept` extended by the commits since when history only grew from
    it, else read from the whole history."""
    head = h.head_sha()
    if head is None:
        return None
    if kept is not None and kept.head == head:
        return kept
    if kept is not None and h.adds_to(kept.head, head):
        extend(kept.files, h.steps(PATHS, patch=True, since=kept.head, until=head))
        return Ledgers(head, kept.files, stored=kept.stored)
    files: dict[str, Ledger] = {}
    extend(files, h.steps(PATHS, patch=True, until=head))
    return Ledgers(head, files)
