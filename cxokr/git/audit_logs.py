"""The check-ins and readings of an audit trail: the log lines each commit added or removed.

A line a union merge duplicated is not a new entry, and removing one copy of
it is not a removal; lines that do not validate are left to `cxokr check`.

The lines come without git diffing each version of a log against the one
before it, which costs the whole file for every commit (so the square of
history for a log that grows): almost every commit only appends to a log, so
each version is the start of a later one, and the lines a commit added are
what its version holds after the one before. Each version's size comes from
one `git cat-file --batch-check`, and a version is taken to be the start of a
later one only when the hash of those bytes is its blob's own id. A log where
any commit did something else (removed or changed a line, or appended a copy
of the line before it, which git's diff may show shifted) is read from git's
patch instead, in one more `git log`.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from cxokr import yamlio
from cxokr.git import runner
from cxokr.git.audit_data import Event, Kind, Subject
from cxokr.git.history import Commit, FileChange, History, Patch, Step
from cxokr.model import CHECKINS, READINGS, Period, Reading, parse_ref

# git's diff takes a file with a NUL byte in its first 8000 bytes for binary, and shows no
# lines of it.
_BINARY_PROBE = 8000
# What `yamlio.decode` reports when it cannot read a text at all: a BOM, bad UTF-8, a control
# character.
_UNDECODED = frozenset({"CX101", "CX108", "CX109"})
# A log whose versions are read more often than this is read from git's patch whole.
_MAX_READS = 16


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


def entries_of(
    changes: list[FileChange], adapter: TypeAdapter[list[Any]]
) -> list[tuple[list[Any], list[Any]]]:
    """The entries each change removed and added, as `entries` reads each: in one read of all
    their lines when each is a `- {json}` entry alone (as cxokr writes them), which costs a
    fraction of one read per change."""
    chunks = [chunk for change in changes for chunk in (change.removed, change.added)]
    lines = [line for chunk in chunks for line in chunk]
    found = _entries_at_once(lines, chunks, adapter) if all(map(_one_entry, lines)) else None
    if found is None:
        found = [entries(chunk, adapter) for chunk in chunks]
    return list(zip(found[0::2], found[1::2], strict=True))


def _one_entry(line: str) -> bool:
    return line.startswith("- {") and line.rstrip().endswith("}")


def _entries_at_once(
    lines: list[str], chunks: list[tuple[str, ...]], adapter: TypeAdapter[list[Any]]
) -> list[list[Any]] | None:
    """The valid entries of each chunk of `lines`, one line each, read at once; None when the
    lines as a whole do not decode (bad UTF-8, a control character), as one chunk alone
    might not either."""
    if not lines:
        return [[] for _ in chunks]
    try:
        raw = "\n".join(lines).encode("utf-8")
    except UnicodeEncodeError:
        return None
    items, issues = yamlio.load_log(raw)
    if any(issue.code in _UNDECODED for issue in issues):
        return None
    owner = [n for n, chunk in enumerate(chunks) for _ in chunk]
    datas = [(owner[item.line - 1], item.data) for item in items if item.data is not None]
    try:
        valid = adapter.validate_python([data for _, data in datas])
        kept = [(n, entry) for (n, _), entry in zip(datas, valid, strict=True)]
    except ValidationError:
        kept = []
        for n, data in datas:
            try:
                kept.append((n, adapter.validate_python([data])[0]))
            except ValidationError:
                continue  # `cxokr check` reports it
    found: list[list[Any]] = [[] for _ in chunks]
    for n, entry in kept:
        found[n].append(entry)
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
    changes = [(s.commit, c) for s in steps for c in s.changes if c.path == rel]
    read = entries_of([c for _, c in changes], CHECKINS)
    for (commit, _), (removed, added) in zip(changes, read, strict=True):
        events += _checkins(commit, removed, added, present, subject)
    return events


def _checkins(
    commit: Commit, removed: list[Any], added: list[Any], present: _Present, subject: Subject
) -> list[Event]:
    """The check-ins of the subject one change removed, then those it added: not a copy of
    a line still there, nor what a shallow clone's history starts with."""
    found = [(Kind.CHECKIN_REMOVED, e) for e in removed if present.remove(e)]
    found += [(Kind.CHECKIN, e) for e in added if present.add(e)]
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
    """The readings of a segment the key results use, in their period, that `steps` added to
    or removed from the logs of `rel_metric` (path -> metric)."""
    events: list[Event] = []
    present: dict[str, _Present] = {}
    changes = [(s, c) for s in steps for c in s.changes if c.path in rel_metric]
    read = entries_of([c for _, c in changes], READINGS)
    for (step, change), (removed, added) in zip(changes, read, strict=True):
        metric = rel_metric[change.path]
        seen = present.setdefault(metric, _Present())
        wanted = segments[metric]
        for entry in removed:
            if seen.remove(entry) and _counts(step, entry, wanted, period):
                events.append(Event(step.commit, Kind.READING_REMOVED, metric, entry=entry))
        for entry in added:
            if seen.add(entry) and _counts(step, entry, wanted, period):
                events.append(Event(step.commit, Kind.READING, metric, entry=entry))
    return events


def _counts(step: Step, entry: Reading, segments: set[str | None], period: Period) -> bool:
    """A reading is part of the trail when it is of a segment the key results use, in their
    period, and not merely present where a shallow clone's history starts."""
    in_period = period.start <= entry.date <= period.end
    return in_period and entry.segment in segments and not step.commit.boundary


# --- The lines each commit added to a log ---------------------------------------------------


def with_lines(h: History, root: Path, steps: list[Step], logs: Sequence[str]) -> list[Step]:
    """`steps` (read without a patch) with the lines each commit added to and removed from
    each of the `logs`, as `git log -p --unified=0` gives them."""
    wanted = set(logs)
    changes = [(s.commit.sha, c) for s in steps for c in s.changes if c.path in wanted]
    sizes = _sizes(root, {sha for _, c in changes for sha in (c.before, c.after) if sha})
    found: dict[tuple[str, str], FileChange] = {}
    patched: dict[tuple[str, str], FileChange] = {}  # those whose lines git's patch gives
    by_path: dict[str, list[tuple[str, FileChange]]] = {path: [] for path in logs}
    for sha, change in changes:
        by_path[change.path].append((sha, change))
    for mine in by_path.values():
        appended, rest = _appended(_Versions(h, sizes), mine)
        found.update(appended)
        patched.update(rest)
    found.update(_patched(root, patched))
    return [
        Step(s.commit, tuple(found.get((s.commit.sha, c.path), c) for c in s.changes))
        for s in steps
    ]


def _sizes(root: Path, shas: set[str]) -> dict[str, int]:
    """The size of each blob, from one `git cat-file --batch-check` (none for an object that
    is missing or not a blob: a submodule's commit)."""
    if not shas:
        return {}
    asked = "".join(f"{sha}\n" for sha in sorted(shas)).encode("ascii")
    check = "--batch-check=%(objectname) %(objecttype) %(objectsize)"
    sizes: dict[str, int] = {}
    out = runner.run(root, "cat-file", check, stdin=asked).out
    for line in out.decode("ascii", "replace").splitlines():
        sha, kind, size = [*line.split(" "), "", ""][:3]
        if kind == "blob" and size.isdigit():
            sizes[sha] = int(size)
    return sizes


class _Versions:
    """Versions of one log by blob: each one the first `size` bytes of the last version read
    that starts with it (checked by its hash), so that a log only ever appended to is read
    once, and one with a line removed once more."""

    def __init__(self, h: History, sizes: dict[str, int]) -> None:
        self.h = h
        self.sizes = sizes
        self.latest = b""
        self.known: dict[str, tuple[bytes, int]] = {}
        self.reads = 0
        self._counted: tuple[bytes, int, int] = (b"", 0, 0)  # bytes, up to, lines there

    def get(self, sha: str | None) -> tuple[bytes, int] | None:
        """The version (bytes holding it at their start, its size); None when unknown."""
        if sha is None:
            return b"", 0
        if sha not in self.known:
            size = self.sizes.get(sha)
            if size is None:
                return None
            if size > len(self.latest) or not _is_blob(memoryview(self.latest)[:size], sha):
                self.latest = self.h.blobs([sha])[sha]
                self.reads += 1
                size = len(self.latest)
            self.known[sha] = (self.latest, size)
        return self.known[sha]

    def lines(self, data: bytes, size: int) -> int:
        """The number of line breaks in `data[:size]`, counted down from the last size asked
        about in the same bytes (newest first, each size is at most the one before)."""
        counted, upto, lines = self._counted
        if data is not counted or size > upto:
            counted, upto, lines = data, len(data), data.count(b"\n")
        lines -= data.count(b"\n", size, upto)
        self._counted = (data, size, lines)
        return lines


def _is_blob(data: memoryview, sha: str) -> bool:
    """Whether `data` is the content of the blob `sha` (its id in either object format)."""
    digest = hashlib.sha1() if len(sha) == 40 else hashlib.sha256()
    digest.update(b"blob %d\0" % len(data))
    digest.update(data)
    return digest.hexdigest() == sha


def _appended(
    versions: _Versions, changes: list[tuple[str, FileChange]]
) -> tuple[dict[tuple[str, str], FileChange], dict[tuple[str, str], FileChange]]:
    """The changes to one log, by (commit, path): those with the lines each appended, and
    those that did anything else, whose lines git's patch gives. A log rewritten more often
    than `_MAX_READS` allows is left to git's patch whole."""
    found: dict[tuple[str, str], FileChange] = {}
    rest: dict[tuple[str, str], FileChange] = {}
    for sha, change in reversed(changes):  # newest first: each version starts a later one
        after, before = versions.get(change.after), versions.get(change.before)
        lines = _added_lines(versions, before, after) if after and before else None
        if versions.reads > _MAX_READS:
            return {}, {(sha, c.path): c for sha, c in changes}
        if lines is None:
            rest[(sha, change.path)] = change
        else:
            path, before_sha, after_sha = change.path, change.before, change.after
            found[(sha, path)] = FileChange(path, before_sha, after_sha, lines[0], (), lines[1])
    return found, rest


def _added_lines(
    versions: _Versions, before: tuple[bytes, int], after: tuple[bytes, int]
) -> tuple[tuple[str, ...], tuple[int, ...]] | None:
    """The lines `after` appends to `before` and their line numbers, as git's diff shows
    them; None when `after` is not `before` and more, or git could show them elsewhere."""
    (old, start), (new, end) = before, after
    if start > end or (start and old[start - 1] != ord("\n")):
        return None
    if old is not new and not new.startswith(memoryview(old)[:start]):
        return None
    if start == end or new.find(b"\0", 0, min(end, _BINARY_PROBE)) >= 0:
        return (), ()
    if start and _last_line(old, start) == _last_line(new, end):
        return None  # git's diff may slide the appended lines up over the copy before them
    text = new[start:end].decode("utf-8", "surrogateescape")
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    first = versions.lines(old, start) + 1
    return tuple(lines), tuple(range(first, first + len(lines)))


def _last_line(data: bytes, size: int) -> bytes:
    """The last line of `data[:size]`, with its newline if it has one."""
    return data[data.rfind(b"\n", 0, size - 1) + 1 : size]


def _patched(
    root: Path, changes: dict[tuple[str, str], FileChange]
) -> dict[tuple[str, str], FileChange]:
    """Each of `changes` (by commit and path) with the lines its commit added and removed,
    from git's patch of those commits alone: one `git log --no-walk`, read as
    `History.steps` reads its patch."""
    if not changes:
        return {}
    paths = sorted({c.path for c in changes.values()})
    args = ["log", "--no-walk=unsorted", "--stdin", "--no-renames", "--no-color", "--no-merges"]
    args += ["--no-ext-diff", "--no-textconv", "--src-prefix=a/", "--dst-prefix=b/"]
    args += ["--no-abbrev", "--relative", "--format=%x1e%H", "-p", "--unified=0", "--"]
    asked = "".join(f"{sha}\n" for sha in dict.fromkeys(s for s, _ in changes)).encode("ascii")
    out = runner.run(root, *args, *paths, stdin=asked).out.decode("utf-8", "surrogateescape")
    found: dict[tuple[str, str], FileChange] = {}
    for record in out.split("\x1e")[1:]:
        sha, _, body = record.partition("\n")
        patches: dict[str, Patch] = {}
        current: Patch | None = None
        for line in body.split("\n"):
            if line.startswith("diff --git a/"):
                rest = line[len("diff --git a/") :]
                current = patches.setdefault(rest[: (len(rest) - 3) // 2], Patch())
            elif current is not None:
                current.read(line)
        for path, patch in patches.items():
            change = changes.get((sha, path))
            if change is not None:
                found[(sha, path)] = patch.change(path, change.before, change.after)
    return found
