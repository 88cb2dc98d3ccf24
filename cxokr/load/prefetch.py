"""Parse the files a load will need on two CPUs, before the load asks for them.

Reading YAML and validating entries is what a run without a usable cache
costs, and files parse independently. When enough bytes wait to be parsed, a
forked child parses part of them while this process parses the rest, and
sends its outcomes back through a pipe: pickled, with each log's entries in
columns (a block of day numbers, each repeated text and zone once), which
pickle and unpickle several times faster than the tuples. Nothing else
changes: the load that follows still walks the workspace, reports every
problem in order and takes a prefetched outcome only for a file whose kind
and signature (size, times, inode) are unchanged since it was read here.
Without fork, with one CPU, with `CXOKR_JOBS=1`, or when the child fails,
everything is parsed in this process, as it always was.

Of the parse cache it asks two public questions: whether it remembers the
files of the last run (then most are unchanged and the walk is not worth
it), and whether it holds the outcome of a file's bytes already.
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from cxokr import yamlio
from cxokr.load.kinds import CONFIG_FILE, KINDS, SUFFIX, Kind
from cxokr.load.parsing import Entries, LogOutcome, Outcome
from cxokr.load.source import Signature, signature

if TYPE_CHECKING:
    from cxokr.load.cache import Cache

# Below this many bytes to parse, forking costs more than it saves.
MIN_BYTES = 4 * 1024 * 1024

# How long a byte of a document takes to parse relative to a log's (measured on the
# generated 2,000-team workspace: about 0.24 s a MB against 0.024, logs being read per log).
DOCUMENT_COST = 10

# What handing an outcome over costs, relative to parsing it: pickling it in the child, and
# unpickling it here. Measured likewise: a log's entries 1.35 and 0.17, a document 0.3 and 0.16.
_SEND = {True: 1.35, False: 0.3}
_RECEIVE = {True: 0.17, False: 0.16}


@dataclass(frozen=True)
class Prefetched:
    """A file's bytes as read here, what parsing them gave, and the file's kind and signature."""

    kind: Kind[Any]
    signature: Signature
    raw: bytes
    outcome: Outcome


@dataclass(frozen=True)
class _Job:
    rel: str
    kind: Kind[Any]
    signature: Signature
    raw: bytes

    @property
    def cost(self) -> int:
        return len(self.raw) * (1 if self.kind.is_log else DOCUMENT_COST)


def prefetch(root: Path, cache: Cache | None) -> dict[str, Prefetched]:
    """Outcomes of the workspace files the cache cannot answer, by relative path.

    Empty unless there is enough to parse and a second CPU to parse it on. A
    cache that remembers files is taken as a sign that most are unchanged: then
    the walk this needs (0.1 s over 6,000 files) would cost more than it saves.
    """
    if not _may_fork() or (cache is not None and cache.remembers_files):
        return {}
    jobs = list(_jobs(root, cache))
    if sum(len(job.raw) for job in jobs) < MIN_BYTES:
        return {}
    mine, theirs = _split(jobs)
    done = _parse_beside(mine, theirs)
    return {
        job.rel: Prefetched(job.kind, job.signature, job.raw, done[job.rel])
        for job in jobs
        if job.rel in done
    }


def _may_fork() -> bool:
    if not hasattr(os, "fork") or os.environ.get("CXOKR_JOBS") == "1":
        return False
    if threading.active_count() > 1:  # a forked child of a threaded process may deadlock
        return False
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (cpus or 1) > 1


def _jobs(root: Path, cache: Cache | None) -> Iterator[_Job]:
    """The files the load will read, less those the cache already holds.

    Only plain files where the loader looks for them: anything unusual (a link,
    a folder in the way, a file too large) is left to the load, which reports it.
    Plain `os` calls: pathlib cost more than reading the bytes.
    """
    top = str(root)
    for kind in KINDS:
        only = None if kind.folder else CONFIG_FILE
        for rel, entry in _yaml_files(top, kind.folder, kind.by_period, only):
            try:
                info = entry.stat(follow_symlinks=False)
                if info.st_size > kind.limit:
                    continue
                with open(entry.path, "rb") as file:  # noqa: PTH123 (see above)
                    raw = file.read()
            except OSError:
                continue
            if cache is None or not cache.holds(kind.name, raw):
                yield _Job(rel, kind, signature(info), raw)


def _yaml_files(
    top: str, folder: str, by_period: bool, only: str | None
) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """(relative path, entry) of the plain `.yaml` files in a folder, or in its period folders."""
    try:
        with os.scandir(f"{top}/{folder}" if folder else top) as listing:
            found = sorted(listing, key=lambda e: e.name)
    except OSError:
        return
    for entry in found:
        if entry.name.startswith(".") or entry.is_symlink():
            continue
        rel = f"{folder}/{entry.name}" if folder else entry.name
        if by_period:
            if entry.is_dir(follow_symlinks=False):
                yield from _yaml_files(top, rel, False, None)
        elif (
            entry.name.endswith(SUFFIX)
            and (only is None or entry.name == only)
            and entry.is_file(follow_symlinks=False)
        ):
            yield rel, entry


def _split(jobs: list[_Job]) -> tuple[list[_Job], list[_Job]]:
    """This process's share and the child's, of about equal time.

    What the child parses it must also pickle, and this process unpickle: a
    document's outcome costs little beside its parse, a log's entries more than
    their parse. So the child takes documents first, then logs, larger files
    first, each while handing it over makes the longer share shorter.
    """
    shares: tuple[list[_Job], list[_Job]] = ([], [])
    here, there = float(sum(job.cost for job in jobs)), 0.0
    for job in sorted(jobs, key=lambda j: (j.kind.is_log, -j.cost)):
        log = job.kind.is_log
        moved = here - job.cost * (1 - _RECEIVE[log]), there + job.cost * (1 + _SEND[log])
        if max(moved) < max(here, there):
            here, there = moved
            shares[1].append(job)
        else:
            shares[0].append(job)
    return shares


def _parse(jobs: list[_Job]) -> dict[str, Outcome]:
    return {job.rel: job.kind.parse(job.raw) for job in jobs}


def _parse_beside(mine: list[_Job], theirs: list[_Job]) -> dict[str, Outcome]:
    """Parse `theirs` in a forked child while this process parses `mine`."""
    from cxokr.load import fastlog  # noqa: F401  (loaded before the fork: a child imports nothing

    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        _child(read_end, write_end, theirs)
    os.close(write_end)
    pipe = os.fdopen(read_end, "rb")
    try:
        done = _parse(mine)
        data = pipe.read()
    finally:
        pipe.close()  # first: a child still writing gets a broken pipe, not a hang
        _, status = os.waitpid(pid, 0)
    received = _received(data) if os.waitstatus_to_exitcode(status) == 0 else None
    done.update(_parse(theirs) if received is None else received)
    return done


def _child(read_end: int, write_end: int, jobs: list[_Job]) -> NoReturn:
    """The child: parse, send, and leave without running anything else."""
    code = 1
    try:
        os.close(read_end)
        data = _sent(_parse(jobs))
        with os.fdopen(write_end, "wb") as out:
            out.write(data)
        code = 0
    finally:
        os._exit(code)


# --- Through the pipe ---------------------------------------------------------------


@dataclass(frozen=True)
class _Columns:
    """A log's outcome as it goes through the pipe: its entries in columns."""

    kind: type[Any]
    columns: list[Any]
    lines: Sequence[int]
    issues: tuple[yamlio.Issue, ...]


# Text fields that repeat across a log's entries: pickled once.
_SHARED_TEXT = frozenset({"kr", "segment", "source", "by"})


def _sent(outcomes: dict[str, Outcome]) -> bytes:
    packed = {
        rel: _Columns(o.entries.kind, _columns(o.entries), o.lines, o.issues)
        if isinstance(o, LogOutcome)
        else o
        for rel, o in outcomes.items()
    }
    return pickle.dumps(packed, protocol=pickle.HIGHEST_PROTOCOL)


def _received(data: bytes) -> dict[str, Outcome] | None:
    """The outcomes the child sent; None when the message is damaged."""
    try:
        packed = pickle.loads(data)
        return {
            rel: LogOutcome(Entries.from_columns(o.kind, o.columns), o.lines, o.issues)
            if isinstance(o, _Columns)
            else o
            for rel, o in packed.items()
        }
    except Exception:  # a damaged message: their share is parsed here instead
        return None


def _columns(entries: Entries[Any]) -> list[Any]:
    """The entries as columns, in the order of the kind's fields: each repeated text one
    object, one zone object per offset, and the dates as day numbers (an array)."""
    names = entries.kind._fields
    columns: list[Any] = [list(column) for column in zip(*entries.rows, strict=True)]
    if not columns:
        columns = [[] for _ in names]
    for i, name in enumerate(names):
        if name in _SHARED_TEXT:
            columns[i] = [None if v is None else sys.intern(v) for v in columns[i]]
    at = names.index("at")
    columns[at] = _shared_zones(columns[at])
    day = names.index("date")
    columns[day] = array("l", [d.toordinal() for d in columns[day]])
    return columns


def _shared_zones(moments: list[datetime | None]) -> list[datetime | None]:
    """The same moments with one zone object per offset. Each parsed `at` comes with a
    zone of its own; shared, each offset goes through the pipe once, not once a moment."""
    zones: dict[timedelta, tzinfo] = {}
    shared: list[datetime | None] = []
    for moment in moments:
        offset = None if moment is None else moment.utcoffset()
        if moment is None or offset is None:
            shared.append(moment)
            continue
        zone = zones.get(offset)
        if zone is None:
            zone = zones[offset] = timezone(offset) if offset else UTC
        shared.append(moment.replace(tzinfo=zone))
    return shared
