"""Loading every file of a workspace into one immutable `Workspace`.

The files come from a `Source` (`source`): the working folder (`load`), or
the files of a git revision (`load_files`). The loader walks the kinds of
`kinds` in their order, file by file; each file yields its model or entries,
or Problems located at `path:line:col`, and the rest of the workspace still
loads: loading never stops at the first mistake.

Two speed tricks stand in front of parsing, each asked in one place
(`_Loader._outcome`): the parse cache (`cache`), which knows a file's outcome
by its signature or its content, and the read-ahead (`prefetch`), which may
have parsed a file on two CPUs before the load asks for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from cxokr import yamlio
from cxokr.load import kinds
from cxokr.load.cache import Cache
from cxokr.load.kinds import CONFIG_FILE, SUFFIX, DocumentKind, Kind, LogKind
from cxokr.load.parsing import Entries, Outcome
from cxokr.load.prefetch import Prefetched, prefetch
from cxokr.load.source import Files, Folder, Signature, Source
from cxokr.model import (
    CheckinEntry,
    Config,
    Metric,
    OkrFile,
    Period,
    ReadingEntry,
    Team,
    is_slug,
)
from cxokr.problems import Problem, problem

E = TypeVar("E", CheckinEntry, ReadingEntry)
M = TypeVar("M", bound=BaseModel)
K = TypeVar("K")
T = TypeVar("T", bound=Outcome)


@dataclass(frozen=True)
class Log(Generic[E]):
    """The entries of one log file in order (date, then `at`), with the line of each."""

    path: str
    stored: Entries[E]
    lines: Sequence[int]

    @property
    def entries(self) -> tuple[E, ...]:
        return self.stored.rows


@dataclass(frozen=True)
class Workspace:
    """Every file of a workspace, validated; what could not be read is in `problems`."""

    root: Path
    config: Config | None
    teams: Mapping[str, Team]
    metrics: Mapping[str, Metric]
    okrs: Mapping[tuple[str, str], OkrFile]
    checkins: Mapping[tuple[str, str], Log[CheckinEntry]]
    readings: Mapping[str, Log[ReadingEntry]]
    marks: Mapping[str, yamlio.Marks]
    problems: tuple[Problem, ...]
    failed: frozenset[str] = frozenset()

    @cached_property
    def periods(self) -> Mapping[str, Period]:
        """The declared periods by ID (none when cxokr.yaml could not be read)."""
        return MappingProxyType({p.id: p for p in self.config.periods} if self.config else {})

    def where(self, relpath: str, path: tuple[str | int, ...] = ()) -> tuple[int, int]:
        """Line and column of a value in a file, by its path in the data."""
        marks = self.marks.get(relpath)
        return marks.find(path) if marks else (1, 1)

    def problem_at(
        self, code: str, relpath: str, path: tuple[str | int, ...], message: str
    ) -> Problem:
        line, col = self.where(relpath, path)
        return problem(code, relpath, line, col, message)


def _rename(stem: str) -> str:
    """`; rename it to support-team.yaml` when lower case and dashes make the name an ID."""
    slug = "-".join(stem.lower().replace("_", " ").split())
    return f"; rename it to {slug}{SUFFIX}" if is_slug(slug) else ""


def load(root: Path, cache: Cache | None = None) -> Workspace:
    """Load every file of the workspace at `root`, through `cache` when given.

    What the cache cannot answer is parsed on two CPUs first when it is a lot
    (`prefetch`); the load itself is the same either way.
    """
    source = Folder(root.resolve())
    return _Loader(source, cache, prefetch(source.root, cache)).run()


def load_files(root: Path, files: Mapping[str, bytes], cache: Cache | None = None) -> Workspace:
    """Load a workspace from the bytes of its files, by path relative to `root`.

    The same rules and problems apply as for a folder; this is how a workspace
    as it stood at a git revision is read. `root` only says where it lives.
    """
    return _Loader(Files(root.resolve(), files), cache).run()


def survey(source: Source) -> list[Problem]:
    """Ask `source` about every file a load of it would read, as the load asks (the same
    folders listed, the same names taken, the same files checked), reading none: what a
    recording source notes is then what a load would see (`answers`). The problems of what
    was found (a folder in the way, a name that is no ID, a link out), in the load's order.
    """
    return _Loader(source).survey()


@dataclass
class _Loader:
    source: Source
    cache: Cache | None = None
    prefetched: dict[str, Prefetched] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    marks: dict[str, yamlio.Marks] = field(default_factory=dict)
    failed: set[str] = field(default_factory=set)

    def run(self) -> Workspace:
        config = None
        if self.source.exists(CONFIG_FILE):
            config = self._document(CONFIG_FILE, kinds.CONFIG)
        teams = self._documents(kinds.TEAM, self._in_folder(kinds.TEAM))
        metrics = self._documents(kinds.METRIC, self._in_folder(kinds.METRIC))
        okrs = self._documents(kinds.OKRS, self._in_periods(kinds.OKRS))
        checkins = self._logs(kinds.CHECKINS, self._in_periods(kinds.CHECKINS))
        readings = self._logs(kinds.READINGS, self._in_folder(kinds.READINGS))
        return Workspace(
            root=self.source.root,
            config=config,
            teams=MappingProxyType(teams),
            metrics=MappingProxyType(metrics),
            okrs=MappingProxyType(okrs),
            checkins=MappingProxyType(checkins),
            readings=MappingProxyType(readings),
            marks=MappingProxyType(self.marks),
            problems=tuple(self.problems),
            failed=frozenset(self.failed),
        )

    def survey(self) -> list[Problem]:
        """`run`'s walk, checking each file found without reading it (`survey`)."""
        if self.source.exists(CONFIG_FILE):
            self.source.check(CONFIG_FILE, kinds.CONFIG.limit, self.problems)
        for kind in kinds.KINDS:
            if kind.folder:
                found = self._in_periods(kind) if kind.by_period else self._in_folder(kind)
                for _, rel in found:
                    self.source.check(rel, kind.limit, self.problems)
        return self.problems

    # --- finding files ---------------------------------------------------------

    def _in_folder(self, kind: Kind[Any], rel_dir: str = "") -> Iterator[tuple[str, str]]:
        """(ID, relative path) of each `<id>.yaml` directly in the kind's folder."""
        for name, rel, is_folder in self.source.listing(rel_dir or kind.folder, self.problems):
            if is_folder:
                self._unread(rel, "a folder here is not read")
            elif self._yaml_name(name, rel) and self.source.admit(rel, self.problems):
                yield name[: -len(SUFFIX)], rel

    def _in_periods(self, kind: Kind[Any]) -> Iterator[tuple[tuple[str, str], str]]:
        """((period, ID), relative path) of each `<period>/<id>.yaml` in the kind's folder."""
        for period, rel, is_folder in self.source.listing(kind.folder, self.problems):
            if not is_folder:
                self._unread(rel, f"files in {kind.folder}/ belong in a period folder")
                continue
            for name, file_rel in self._in_folder(kind, rel):
                yield (period, name), file_rel

    def _yaml_name(self, name: str, rel: str) -> bool:
        if not name.endswith(SUFFIX):
            hint = "; rename it to .yaml" if name.endswith(".yml") else ""
            self._unread(rel, f"only .yaml files are read here{hint}")
            return False
        stem = name[: -len(SUFFIX)]
        if not is_slug(stem):
            message = (
                f"file name {stem!r} is not a valid ID "
                f"(lowercase letters, digits and '-', at most 64){_rename(stem)}"
            )
            self.problems.append(problem("CX305", rel, 0, 0, message))
            return False
        return True

    def _unread(self, rel: str, why: str) -> None:
        self.problems.append(problem("CX115", rel, 0, 0, f"not read: {why}"))

    # --- reading, through the cache and the read-ahead ---------------------------

    def _outcome(self, rel: str, kind: Kind[T]) -> T | None:
        """What reading the file at `rel` gives; None when it cannot be read (a problem says why).

        The one place the parse cache is asked and told: a file it saw unchanged
        (same size, times and inode) is not read again, and bytes it has seen
        (at any path or revision) are not parsed again. A file the read-ahead
        parsed is taken while its signature is still the one read.
        """
        signature = self.source.check(rel, kind.limit, self.problems)
        if signature is None:
            return None
        cache = self.cache
        if cache is not None and self.source.signed:
            found = kind.accept(cache.recall(rel, signature))
            if found is not None:
                return found
        raw, outcome = self._read(rel, kind, signature)
        if raw is None:
            return None
        if cache is None:
            return kind.parse(raw) if outcome is None else outcome
        key = cache.key(kind.name, raw)
        if outcome is None:  # not read ahead: these bytes may have been read before
            outcome = kind.accept(cache.lookup(key))
            if outcome is None:
                outcome = kind.parse(raw)
                cache.store(key, outcome)
        else:
            cache.store(key, outcome)
        if self.source.signed:
            cache.remember(rel, signature, key)
        return outcome

    def _read(self, rel: str, kind: Kind[T], signature: Signature) -> tuple[bytes | None, T | None]:
        """The file's bytes, and its outcome when the read-ahead parsed these very bytes."""
        ready = self.prefetched.pop(rel, None)
        if ready is not None and ready.kind is kind and ready.signature == signature:
            return ready.raw, kind.accept(ready.outcome)
        return self.source.read(rel, self.problems), None

    # --- documents and logs ---------------------------------------------------------

    def _documents(self, kind: DocumentKind[M], found: Iterable[tuple[K, str]]) -> dict[K, M]:
        return {
            key: model for key, rel in found if (model := self._document(rel, kind)) is not None
        }

    def _document(self, rel: str, kind: DocumentKind[M]) -> M | None:
        outcome = self._outcome(rel, kind)
        if outcome is None:
            self.failed.add(rel)
            return None
        self.marks[rel] = outcome.marks
        self._issues(rel, outcome.issues)
        if outcome.failed:
            self.failed.add(rel)
        return outcome.value

    def _logs(self, kind: LogKind[Any, E], found: Iterable[tuple[K, str]]) -> dict[K, Log[E]]:
        return {key: self._log(rel, kind) for key, rel in found}

    def _log(self, rel: str, kind: LogKind[Any, E]) -> Log[E]:
        outcome = self._outcome(rel, kind)
        if outcome is None:
            return Log(rel, Entries(kind.entry, ()), ())
        self._issues(rel, outcome.issues)
        return Log(rel, outcome.entries, outcome.lines)

    def _issues(self, rel: str, issues: Iterable[yamlio.Issue]) -> None:
        self.problems.extend(problem(i.code, rel, i.line, i.col, i.message) for i in issues)
