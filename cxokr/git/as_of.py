"""The workspace as it stood on a past day (`--as-of`): the files people write, from git.

Check-ins and readings carry their own dates, and every figure ignores the
entries after the day asked for. The other files (cxokr.yaml, teams, metrics
and the OKR files) carry none: a target changed on the 28th would change the
report of the 27th. So, for a day before today, those documents are read as
they stood in git at the end of that day, by the same loader and parse cache
as `report --since` reads "then" (`workspace.load_files`), and joined to the
logs as they stand now (an entry back-dated after the fact still counts on
its date). The rule, day by day:

- today or later: the files as they stand; no git process is started.
- no git repository: the files as they stand, and a warning says that only
  the check-ins and readings are cut at that day.
- the day is after the last commit (no commit since): the files as they
  stand, uncommitted edits included.
- otherwise: the newest commit on the current branch (first parent)
  committed on or before that day, local time; uncommitted edits to the
  documents, which that day cannot see, are left out, and a warning says so.
- no commit at or before that day: in a shallow clone history is cut, and a
  warning says the files as they stand are read; in a complete history, or
  where the workspace was not committed at that day (its files untracked or
  ignored, or added later), the files as they stand are its earliest record,
  read without a warning: the repository holds all there is, and a workspace
  kept in git from its first day never meets this case.

Moved goalposts follow the same day: a past day's report marks only the moves
committed before it ended (`seen`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from cxokr.git import runner
from cxokr.git.audit_data import Since
from cxokr.git.history import Commit, History, history
from cxokr.load import workspace
from cxokr.load.cache import Cache
from cxokr.load.kinds import CONFIG_FILE, KINDS, SUFFIX
from cxokr.load.workspace import Workspace

if TYPE_CHECKING:
    from cxokr.git.goalposts import Move

# What is read from history (cxokr.yaml, teams/, metrics/, okrs/), and the logs that are not.
DOCUMENTS = tuple(kind.folder or CONFIG_FILE for kind in KINDS if not kind.is_log)
LOGS = tuple(f"{kind.folder}/" for kind in KINDS if kind.is_log)
NAMED = 3  # uncommitted files named in a warning; past that, a count


@dataclass(frozen=True)
class AsOf:
    """The workspace to compute a past day's figures from, and what to say about it."""

    workspace: Workspace
    commit: Commit | None = None  # whose documents were read; None: the files as they stand
    warnings: tuple[str, ...] = ()


def as_of(
    root: Path, now: Workspace, day: date, cache: Cache | None = None, today: date | None = None
) -> AsOf:
    """The workspace `now` (loaded from the working tree) with its documents as they stood in
    git at the end of `day` (see the module's rules); `cache` serves the old files' parses."""
    if day >= (today or date.today()):
        return AsOf(now)
    if not runner.may_be_repository(root):
        return AsOf(now, None, (_untracked(day, "the workspace is not in a git repository"),))
    with history(root) as h:
        if h is None:
            return AsOf(now, None, (_untracked(day, "the workspace is not in a git repository"),))
        found = h.before(day_end(day))
        if found is None:
            return AsOf(now, None, _cut(h, day))
        if found.sha == h.head_sha():
            return AsOf(now)  # nothing committed since that day
        files = h.files_at(found, DOCUMENTS)
        if CONFIG_FILE not in files:
            return AsOf(now)  # the workspace was not committed then
        then = workspace.load_files(root, files, cache)
        edited = h.dirty(DOCUMENTS, documents_on_disk(root))
    return AsOf(joined(then, now), found, _left_out(day, found, edited))


def seen(moves: Iterable[Move], day: date, today: date | None = None) -> list[Move]:
    """The moved goalposts a report as of `day` can know of: every one today or later; for a
    past day, those committed before it ended (an edit not committed yet has no date)."""
    if day >= (today or date.today()):
        return list(moves)
    end = day_end(day)
    return [move for move in moves if move.commit is not None and move.commit.committed < end]


def day_end(day: date) -> datetime:
    """Midnight after `day`, local time: whatever was committed that day came before it."""
    return Since(day.isoformat(), day=day + timedelta(days=1)).start()


def joined(then: Workspace, now: Workspace) -> Workspace:
    """The documents of `then` with the logs of `now`, and the problems of each."""
    return replace(
        then,
        checkins=now.checkins,
        readings=now.readings,
        problems=then.problems + tuple(p for p in now.problems if p.path.startswith(LOGS)),
        failed=then.failed | {path for path in now.failed if path.startswith(LOGS)},
    )


def documents_on_disk(root: Path) -> list[str]:
    """The documents in the working tree, by path relative to `root`, where the loader looks."""
    found = [CONFIG_FILE] if (root / CONFIG_FILE).is_file() else []
    for kind in KINDS:
        if kind.is_log or not kind.folder:
            continue
        pattern = f"*/*{SUFFIX}" if kind.by_period else f"*{SUFFIX}"
        paths = (p.relative_to(root).as_posix() for p in (root / kind.folder).glob(pattern))
        found += sorted(rel for rel in paths if "/." not in rel)  # hidden names are not read
    return found


def _cut(h: History, day: date) -> tuple[str, ...]:
    """The warning for a shallow clone whose history starts after `day`; none otherwise."""
    if not h.shallow:
        return ()
    oldest = h.oldest()
    starts = f" at {oldest.short} ({oldest.committed.date()})" if oldest else ""
    return (
        f"history is incomplete: this is a shallow clone and its history starts{starts}, "
        f"after {day}; the figures as of {day} use cxokr.yaml, teams, metrics and OKR files "
        "as they stand now. Run 'git fetch --unshallow' to read all of it.",
    )


def _untracked(day: date, why: str) -> str:
    """The warning for a day git holds no record of: the documents are today's."""
    return (
        f"{why}: the figures as of {day} use cxokr.yaml, teams, metrics and OKR files as "
        f"they stand now; only check-ins and readings are cut at {day}"
    )


def _left_out(day: date, commit: Commit, edited: set[str]) -> tuple[str, ...]:
    """The warning for uncommitted edits to documents, which the figures as of `day` leave out."""
    if not edited:
        return ()
    paths = sorted(edited)
    named = ", ".join(paths[:NAMED])
    more = len(paths) - NAMED
    if more > 0:
        named += f" and {more} more file{'s' if more > 1 else ''}"
    return (
        f"uncommitted changes to {named} are left out: the figures as of {day} read the "
        f"files as committed at {commit.short} ({commit.committed.date()})",
    )
