"""Finding a workspace and loading every file of it into one immutable `Workspace`.

Loading never stops at the first mistake: each file yields its models, or
Problems located at `path:line:col`, and the rest of the workspace still loads.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, TypeAdapter

from cxokr import yamlio
from cxokr.load import parsing
from cxokr.load.cache import Cache, signature
from cxokr.load.layout import CONFIG_FILE, SUFFIX
from cxokr.load.prefetch import Prefetched, prefetch
from cxokr.model import (
    CHECKINS,
    READINGS,
    CheckinEntry,
    Config,
    Entries,
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
Parse = Callable[[bytes], parsing.Outcome]


@dataclass(frozen=True)
class Log(Generic[E]):
    """The entries of one log file in order (date, then `at`), with the line of each."""

    path: str
    stored: Entries[E]
    lines: Sequence[int]  # an array: one block in the cache, not an object per line

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


def load(root: Path, cache: Cache | None = None) -> Workspace:
    """Load every file of the workspace at `root`, through `cache` when given.

    What the cache cannot answer is parsed on two CPUs first when it is a lot
    (`prefetch`); the load itself is the same either way.
    """
    root = root.resolve()
    return _Loader(root, cache=cache, prefetched=prefetch(root, cache)).run()


def load_files(root: Path, files: Mapping[str, bytes], cache: Cache | None = None) -> Workspace:
    """Load a workspace from the bytes of its files, by path relative to `root`.

    The same rules and problems apply as for a folder; this is how a workspace
    as it stood at a git revision is read. `root` only says where it lives.
    """
    return _FilesLoader(root.resolve(), cache=cache, files=files).run()


@dataclass
class _Loader:
    root: Path
    problems: list[Problem] = field(default_factory=list)
    marks: dict[str, yamlio.Marks] = field(default_factory=dict)
    failed: set[str] = field(default_factory=set)
    cache: Cache | None = None
    prefetched: dict[str, Prefetched] = field(default_factory=dict)
    _links: dict[str, bool] = field(default_factory=dict)

    def run(self) -> Workspace:
        config = self._document(CONFIG_FILE, Config) if self._exists(CONFIG_FILE) else None
        teams = {
            name: team
            for name, rel in self._files("teams")
            if (team := self._document(rel, Team)) is not None
        }
        metrics = {
            name: metric
            for name, rel in self._files("metrics")
            if (metric := self._document(rel, Metric)) is not None
        }
        okrs = {
            (period, name): okr
            for period, name, rel in self._period_files("okrs")
            if (okr := self._document(rel, OkrFile)) is not None
        }
        checkins = {
            (period, name): self._log(rel, CHECKINS, CheckinEntry)
            for period, name, rel in self._period_files("checkins")
        }
        readings = {
            name: self._log(rel, READINGS, ReadingEntry) for name, rel in self._files("readings")
        }
        return Workspace(
            root=self.root,
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

    # --- finding files ---------------------------------------------------------

    def _exists(self, rel: str) -> bool:
        return (self.root / rel).exists() or (self.root / rel).is_symlink()

    def _entries(self, rel_dir: str) -> Iterator[tuple[os.DirEntry[str], str]]:
        folder = self.root / rel_dir
        if not folder.is_dir() or not self._inside(folder, rel_dir):
            return
        with os.scandir(folder) as found:
            for entry in sorted(found, key=lambda e: e.name):
                rel = f"{rel_dir}/{entry.name}"
                if entry.name.startswith("."):
                    continue
                shown = _printable(rel)
                if shown != rel:
                    self.problems.append(
                        problem("CX305", shown, 0, 0, "the name is not printable UTF-8; rename it")
                    )
                    continue
                # Known from the listing: no lstat of each file to ask again.
                self._links[rel] = _is_link(entry) or self._linked(rel_dir)
                yield entry, rel

    def _files(self, rel_dir: str) -> Iterator[tuple[str, str]]:
        """(ID, relative path) of each `<id>.yaml` directly in a folder."""
        for entry, rel in self._entries(rel_dir):
            if _is_dir(entry):
                self._unread(rel, "a folder here is not read")
            elif self._yaml_name(entry.name, rel) and self._inside(entry.path, rel):
                yield entry.name[: -len(SUFFIX)], rel

    def _period_files(self, rel_dir: str) -> Iterator[tuple[str, str, str]]:
        """(period, ID, relative path) of each `<period>/<id>.yaml` in a folder."""
        for entry, rel in self._entries(rel_dir):
            if not _is_dir(entry):
                self._unread(rel, f"files in {rel_dir}/ belong in a period folder")
                continue
            for name, file_rel in self._files(rel):
                yield entry.name, name, file_rel

    def _yaml_name(self, name: str, rel: str) -> bool:
        if not name.endswith(SUFFIX):
            hint = "; rename it to .yaml" if name.endswith(".yml") else ""
            self._unread(rel, f"only .yaml files are read here{hint}")
            return False
        stem = name[: -len(SUFFIX)]
        if not is_slug(stem):
            self.problems.append(
                problem(
                    "CX305",
                    rel,
                    0,
                    0,
                    f"file name {stem!r} is not a valid ID "
                    "(lowercase letters, digits and '-', at most 64)",
                )
            )
            return False
        return True

    def _too_large(self, rel: str, size: int, limit: int) -> bool:
        if size <= limit:
            return False
        message = f"file is {size / 1048576:.1f} MiB; the limit is {limit // 1048576} MiB"
        self.problems.append(problem("CX106", rel, 0, 0, message))
        return True

    def _unread(self, rel: str, why: str) -> None:
        self.problems.append(problem("CX115", rel, 0, 0, f"not read: {why}"))

    def _linked(self, rel: str) -> bool:
        """Whether `rel` or a folder between it and the root is a symbolic link."""
        if not rel:
            return False
        found = self._links.get(rel)
        if found is None:
            parent = rel.rpartition("/")[0]
            found = (self.root / rel).is_symlink() or self._linked(parent)
            self._links[rel] = found
        return found

    def _inside(self, path: Path | str, rel: str) -> bool:
        """False (with a problem) for a link that leads outside the workspace."""
        if not self._linked(rel):
            return True
        try:
            Path(path).resolve(strict=True).relative_to(self.root)
        except (ValueError, OSError, RuntimeError):  # RuntimeError: a loop, before Python 3.13
            self.problems.append(
                problem("CX114", rel, 0, 0, "link leads outside the workspace (or nowhere)")
            )
            return False
        return True

    def _stat(self, path: str, rel: str, limit: int) -> os.stat_result | None:
        """The file's status when it is a regular file within the limit, else None (a problem)."""
        if not self._inside(path, rel):
            return None
        try:
            info = os.stat(path)  # noqa: PTH116 (pathlib cost more than the stat itself)
        except OSError as exc:
            self.problems.append(problem("CX101", rel, 0, 0, f"cannot read: {exc.strerror}"))
            return None
        if not stat.S_ISREG(info.st_mode):  # a FIFO or device would block or never end
            self.problems.append(problem("CX101", rel, 0, 0, "cannot read: not a regular file"))
            return None
        if self._too_large(rel, info.st_size, limit):
            return None
        return info

    def _outcome(self, rel: str, limit: int, kind: str, parse: Parse) -> parsing.Outcome | None:
        """What reading the file at `rel` gives; None when it cannot be read (a problem says why).

        A file the cache saw unchanged (same size, times and inode) is not read again.
        """
        path = f"{self.root}/{rel}"
        info = self._stat(path, rel, limit)
        if info is None:
            return None
        if self.cache is not None:
            found = self.cache.recall(rel, info)
            if isinstance(found, parsing.Outcome):
                return found
        ready = self.prefetched.pop(rel, None)
        if ready is not None and (ready.kind, ready.signature) == (kind, signature(info)):
            raw, outcome = ready.raw, ready.outcome
        else:
            try:
                raw = Path(path).read_bytes()
            except OSError as exc:
                self.problems.append(problem("CX101", rel, 0, 0, f"cannot read: {exc.strerror}"))
                return None
            outcome = None
        if self.cache is None:
            return outcome or parse(raw)
        key = self.cache.key(kind, raw)
        if outcome is None:
            outcome = self._parsed(key, raw, parse)
        else:
            self.cache.store(key, outcome)
        self.cache.remember(rel, info, key)
        return outcome

    # --- parsing and validating -------------------------------------------------

    def _issues(self, rel: str, issues: list[yamlio.Issue]) -> None:
        self.problems.extend(problem(i.code, rel, i.line, i.col, i.message) for i in issues)

    def _document(self, rel: str, model: type[M]) -> M | None:
        outcome = self._outcome(
            rel, yamlio.MAX_DOCUMENT_BYTES, model.__name__, lambda raw: parsing.document(raw, model)
        )
        if outcome is None:
            self.failed.add(rel)
            return None
        if outcome.marks is not None:
            self.marks[rel] = outcome.marks
        found: M | None = self._apply(rel, outcome)
        return found

    def _log(self, rel: str, adapter: TypeAdapter[list[Any]], entry: type[E]) -> Log[E]:
        kind = "checkins" if entry is CheckinEntry else "readings"
        outcome = self._outcome(
            rel, yamlio.MAX_LOG_BYTES, kind, lambda raw: parsing.log(raw, adapter, entry)
        )
        if outcome is None:
            return Log(rel, Entries(entry, ()), ())
        stored, lines = self._apply(rel, outcome) or (Entries(entry, ()), ())
        return Log(rel, stored, lines)

    def _parsed(self, key: bytes, raw: bytes, parse: Parse) -> parsing.Outcome:
        """The outcome of reading `raw`: from the cache when this content was read before."""
        assert self.cache is not None
        found = self.cache.lookup(key)
        if isinstance(found, parsing.Outcome):
            return found
        outcome = parse(raw)
        self.cache.store(key, outcome)
        return outcome

    def _apply(self, rel: str, outcome: parsing.Outcome) -> Any:
        self._issues(rel, list(outcome.issues))
        if outcome.failed:
            self.failed.add(rel)
        return outcome.value


@dataclass
class _FilesLoader(_Loader):
    """A `_Loader` over files held in memory (relative path -> bytes) instead of a folder."""

    files: Mapping[str, bytes] = field(default_factory=dict)
    folders: dict[str, dict[str, bool]] = field(default_factory=dict)  # folder -> {name: is folder}

    def __post_init__(self) -> None:
        for rel in self.files:
            parts = rel.split("/")
            for depth in range(1, len(parts)):
                self.folders.setdefault("/".join(parts[:depth]), {})[parts[depth]] = (
                    depth < len(parts) - 1
                )

    def _exists(self, rel: str) -> bool:
        return rel in self.files or rel in self.folders

    def _listing(self, rel_dir: str) -> Iterator[tuple[str, str, bool]]:
        for name, is_folder in sorted(self.folders.get(rel_dir, {}).items()):
            if not name.startswith("."):
                yield name, f"{rel_dir}/{name}", is_folder

    def _files(self, rel_dir: str) -> Iterator[tuple[str, str]]:
        for name, rel, is_folder in self._listing(rel_dir):
            if is_folder:
                self._unread(rel, "a folder here is not read")
            elif self._yaml_name(name, rel):
                yield name[: -len(SUFFIX)], rel

    def _period_files(self, rel_dir: str) -> Iterator[tuple[str, str, str]]:
        for name, rel, is_folder in self._listing(rel_dir):
            if not is_folder:
                self._unread(rel, f"files in {rel_dir}/ belong in a period folder")
                continue
            for stem, file_rel in self._files(rel):
                yield name, stem, file_rel

    def _outcome(self, rel: str, limit: int, kind: str, parse: Parse) -> parsing.Outcome | None:
        raw = self.files.get(rel)
        if raw is None:
            self.problems.append(problem("CX101", rel, 0, 0, "cannot read: not a file"))
            return None
        if self._too_large(rel, len(raw), limit):
            return None
        if self.cache is None:
            return parse(raw)
        return self._parsed(self.cache.key(kind, raw), raw, parse)


def _is_link(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_symlink()
    except OSError:
        return False


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # a symlink loop; `_inside` reports it
        return False


def _printable(rel: str) -> str:
    """`rel` with undecodable bytes and control characters escaped, safe to print."""
    if rel.isprintable():
        return rel
    text = rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)
