"""Parse the files a load will need on two CPUs, before the load asks for them.

Reading YAML and validating entries is what a run without a usable cache
costs, and files parse independently. When enough bytes wait to be parsed, a
forked child parses part of them while this process parses the rest, and
sends its outcomes back pickled through a pipe. Nothing else changes: the
load that follows still walks the workspace, reports every problem in order
and takes a prefetched outcome only for a file whose signature (size, times,
inode) is unchanged since it was read here. Without fork, with one CPU, with
`CXOKR_JOBS=1`, or when the child fails, everything is parsed in this
process, as it always was.
"""

from __future__ import annotations

import os
import pickle
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from cxokr import yamlio
from cxokr.load import parsing
from cxokr.load.cache import Cache, Signature, signature
from cxokr.model import (
    CHECKINS,
    READINGS,
    CheckinEntry,
    Config,
    Metric,
    OkrFile,
    ReadingEntry,
    Team,
)

# Below this many bytes to parse, forking costs more than it saves.
MIN_BYTES = 4 * 1024 * 1024

# How to parse each kind of file, and how long a byte of it takes relative to a log's
# (measured on the generated 2,000-team workspace: about 0.2 s a MB against 0.025).
PARSERS: dict[str, tuple[Callable[[bytes], parsing.Outcome], int]] = {
    "Config": (lambda raw: parsing.document(raw, Config), 8),
    "Team": (lambda raw: parsing.document(raw, Team), 8),
    "Metric": (lambda raw: parsing.document(raw, Metric), 8),
    "OkrFile": (lambda raw: parsing.document(raw, OkrFile), 8),
    "checkins": (lambda raw: parsing.log(raw, CHECKINS, CheckinEntry), 1),
    "readings": (lambda raw: parsing.log(raw, READINGS, ReadingEntry), 1),
}


_LOGS = frozenset({"checkins", "readings"})


@dataclass(frozen=True)
class Prefetched:
    """A file's bytes as read here, what parsing them gave, and the file's signature."""

    kind: str
    signature: Signature
    raw: bytes
    outcome: parsing.Outcome


@dataclass(frozen=True)
class _Job:
    rel: str
    kind: str
    signature: Signature
    raw: bytes

    @property
    def cost(self) -> int:
        return len(self.raw) * PARSERS[self.kind][1]


def prefetch(root: Path, cache: Cache | None) -> dict[str, Prefetched]:
    """Outcomes of the workspace files the cache cannot answer, by relative path.

    Empty unless there is enough to parse and a second CPU to parse it on. A
    cache that remembers files is taken as a sign that most are unchanged: then
    the walk this needs (0.1 s over 6,000 files) would cost more than it saves.
    """
    if not _may_fork() or (cache is not None and cache.old_files):
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
    places = [
        ("", "Config", False),
        ("teams", "Team", False),
        ("metrics", "Metric", False),
        ("readings", "readings", False),
        ("okrs", "OkrFile", True),
        ("checkins", "checkins", True),
    ]
    top = str(root)
    for folder, kind, by_period in places:
        limit = yamlio.MAX_LOG_BYTES if kind in _LOGS else yamlio.MAX_DOCUMENT_BYTES
        only = "cxokr.yaml" if kind == "Config" else None
        for rel, entry in _yaml_files(top, folder, by_period, only):
            try:
                info = entry.stat(follow_symlinks=False)
                if info.st_size > limit:
                    continue
                with open(entry.path, "rb") as file:  # noqa: PTH123 (see above)
                    raw = file.read()
            except OSError:
                continue
            # A cache that remembers no file seldom holds outcomes; hash only if it does.
            if (
                cache is not None
                and cache.old
                and isinstance(cache.lookup(cache.key(kind, raw)), parsing.Outcome)
            ):
                continue
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
            entry.name.endswith(".yaml")
            and (only is None or entry.name == only)
            and entry.is_file(follow_symlinks=False)
        ):
            yield rel, entry


def _split(jobs: list[_Job]) -> tuple[list[_Job], list[_Job]]:
    """This process's share and the child's, of about equal time.

    What the child parses must also be pickled and sent back: a document's
    outcome costs a quarter of its parse more, a log's entries one and a half
    times their parse. Larger files first, each where it makes the longer
    share shorter.
    """
    shares: tuple[list[_Job], list[_Job]] = ([], [])
    costs = [0.0, 0.0]
    for job in sorted(jobs, key=lambda j: j.cost, reverse=True):
        sent = job.cost * (2.5 if job.kind in _LOGS else 1.25)
        if max(costs[0] + job.cost, costs[1]) <= max(costs[0], costs[1] + sent):
            shares[0].append(job)
            costs[0] += job.cost
        else:
            shares[1].append(job)
            costs[1] += sent
    return shares


def _parse(jobs: list[_Job]) -> dict[str, parsing.Outcome]:
    return {job.rel: PARSERS[job.kind][0](job.raw) for job in jobs}


def _parse_beside(mine: list[_Job], theirs: list[_Job]) -> dict[str, parsing.Outcome]:
    """Parse `theirs` in a forked child while this process parses `mine`."""
    from cxokr.load import fastlog  # noqa: F401  (loaded before the fork: a child imports nothing

    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: parse, send, and leave without running anything else
        code = 1
        try:
            os.close(read_end)
            data = pickle.dumps(_parse(theirs), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as out:
                out.write(data)
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    received: dict[str, parsing.Outcome] | None = None
    pipe = os.fdopen(read_end, "rb")
    try:
        done = _parse(mine)
        data = pipe.read()
    finally:
        pipe.close()  # first: a child still writing gets a broken pipe, not a hang
        _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) == 0:
        try:
            received = pickle.loads(data)
        except Exception:  # a damaged message: parse their share here instead
            received = None
    if not isinstance(received, dict):
        received = _parse(theirs)
    done.update(received)
    return done
