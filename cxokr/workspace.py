"""Finding a workspace and loading every file of it into one immutable `Workspace`.

Loading never stops at the first mistake: each file yields its models, or
Problems located at `path:line:col`, and the rest of the workspace still loads.
"""

from __future__ import annotations

import difflib
import os
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from cxokr import yamlio
from cxokr.errors import WorkspaceNotFound
from cxokr.model import (
    CHECKINS,
    READINGS,
    Checkin,
    Config,
    Metric,
    OkrFile,
    Reading,
    Team,
    entry_sort_key,
    is_slug,
)
from cxokr.problems import Problem, problem

CONFIG_FILE = "cxokr.yaml"
SUFFIX = ".yaml"

E = TypeVar("E", Checkin, Reading)
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Log(Generic[E]):
    """The entries of one log file in order (date, then `at`), with the line of each."""

    path: str
    entries: tuple[E, ...]
    lines: tuple[int, ...]


@dataclass(frozen=True)
class Workspace:
    """Every file of a workspace, validated; what could not be read is in `problems`."""

    root: Path
    config: Config | None
    teams: Mapping[str, Team]
    metrics: Mapping[str, Metric]
    okrs: Mapping[tuple[str, str], OkrFile]
    checkins: Mapping[tuple[str, str], Log[Checkin]]
    readings: Mapping[str, Log[Reading]]
    marks: Mapping[str, yamlio.Marks]
    problems: tuple[Problem, ...]
    failed: frozenset[str] = frozenset()

    def where(self, relpath: str, path: tuple[str | int, ...] = ()) -> tuple[int, int]:
        """Line and column of a value in a file, by its path in the data."""
        marks = self.marks.get(relpath)
        return marks.find(path) if marks else (1, 1)

    def problem_at(
        self, code: str, relpath: str, path: tuple[str | int, ...], message: str
    ) -> Problem:
        line, col = self.where(relpath, path)
        return problem(code, relpath, line, col, message)


def team_path(team: str) -> str:
    return f"teams/{team}{SUFFIX}"


def metric_path(metric: str) -> str:
    return f"metrics/{metric}{SUFFIX}"


def okr_path(period: str, team: str) -> str:
    return f"okrs/{period}/{team}{SUFFIX}"


def checkin_path(period: str, team: str) -> str:
    return f"checkins/{period}/{team}{SUFFIX}"


def reading_path(metric: str) -> str:
    return f"readings/{metric}{SUFFIX}"


def find_root(start: Path | None = None, explicit: Path | None = None) -> Path:
    """The folder holding cxokr.yaml: `explicit` itself, or the nearest one upward of `start`."""
    if explicit is not None:
        if not (explicit / CONFIG_FILE).is_file():
            raise WorkspaceNotFound(
                f"no {CONFIG_FILE} in {explicit}; run 'cxokr init {explicit}' to create one"
            )
        return explicit.resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    raise WorkspaceNotFound(
        f"no {CONFIG_FILE} in {here} or any folder above it; "
        "run 'cxokr init' or pass --workspace DIR"
    )


def load(root: Path) -> Workspace:
    """Load every file of the workspace at `root`."""
    return _Loader(root.resolve()).run()


def load_files(root: Path, files: Mapping[str, bytes]) -> Workspace:
    """Load a workspace from the bytes of its files, by path relative to `root`.

    The same rules and problems apply as for a folder; this is how a workspace
    as it stood at a git revision is read. `root` only says where it lives.
    """
    return _FilesLoader(root.resolve(), files=files).run()


@dataclass
class _Loader:
    root: Path
    problems: list[Problem] = field(default_factory=list)
    marks: dict[str, yamlio.Marks] = field(default_factory=dict)
    failed: set[str] = field(default_factory=set)

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
            (period, name): self._log(rel, CHECKINS)
            for period, name, rel in self._period_files("checkins")
        }
        readings = {name: self._log(rel, READINGS) for name, rel in self._files("readings")}
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
                yield entry, rel

    def _files(self, rel_dir: str) -> Iterator[tuple[str, str]]:
        """(ID, relative path) of each `<id>.yaml` directly in a folder."""
        for entry, rel in self._entries(rel_dir):
            if _is_dir(entry):
                self._unread(rel, "a folder here is not read")
            elif self._yaml_name(entry.name, rel) and self._inside(Path(entry.path), rel):
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

    def _unread(self, rel: str, why: str) -> None:
        self.problems.append(problem("CX115", rel, 0, 0, f"not read: {why}"))

    def _inside(self, path: Path, rel: str) -> bool:
        """False (with a problem) for a link that leads outside the workspace."""
        if not path.is_symlink() and not any(p.is_symlink() for p in path.parents):
            return True
        try:
            path.resolve(strict=True).relative_to(self.root)
        except (ValueError, OSError, RuntimeError):  # RuntimeError: a loop, before Python 3.13
            self.problems.append(
                problem("CX114", rel, 0, 0, "link leads outside the workspace (or nowhere)")
            )
            return False
        return True

    def _read(self, rel: str, limit: int) -> bytes | None:
        path = self.root / rel
        if not self._inside(path, rel):
            return None
        try:
            info = path.stat()
            if not stat.S_ISREG(info.st_mode):  # a FIFO or device would block or never end
                self.problems.append(problem("CX101", rel, 0, 0, "cannot read: not a regular file"))
                return None
            size = info.st_size
            if size > limit:
                self.problems.append(
                    problem(
                        "CX106",
                        rel,
                        0,
                        0,
                        f"file is {size / 1048576:.1f} MiB; the limit is {limit // 1048576} MiB",
                    )
                )
                return None
            return path.read_bytes()
        except OSError as exc:
            self.problems.append(problem("CX101", rel, 0, 0, f"cannot read: {exc.strerror}"))
            return None

    # --- parsing and validating -------------------------------------------------

    def _issues(self, rel: str, issues: list[yamlio.Issue]) -> None:
        self.problems.extend(problem(i.code, rel, i.line, i.col, i.message) for i in issues)

    def _document(self, rel: str, model: type[M]) -> M | None:
        raw = self._read(rel, yamlio.MAX_DOCUMENT_BYTES)
        if raw is None:
            self.failed.add(rel)
            return None
        doc = yamlio.load_document(raw)
        self._issues(rel, doc.issues)
        self.marks[rel] = doc.marks
        if doc.data is None and doc.issues:
            self.failed.add(rel)
            return None
        data = {} if doc.data is None and model is OkrFile else doc.data
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            self.failed.add(rel)
            for code, loc, message in validation_problems(exc, data):
                line, col = doc.marks.find(loc)
                self.problems.append(problem(code, rel, line, col, message))
            return None

    def _log(self, rel: str, adapter: TypeAdapter[list[E]]) -> Log[E]:
        raw = self._read(rel, yamlio.MAX_LOG_BYTES)
        if raw is None:
            return Log(rel, (), ())
        items, issues = yamlio.load_log(raw)
        self._issues(rel, issues)
        items = [item for item in items if item.data is not None]
        datas = [item.data for item in items]
        try:
            entries = adapter.validate_python(datas)
            kept = list(zip(entries, (item.line for item in items), strict=True))
        except ValidationError:
            kept = self._log_one_by_one(rel, adapter, items)
        return _ordered_log(rel, kept)

    def _log_one_by_one(
        self, rel: str, adapter: TypeAdapter[list[E]], items: list[yamlio.LogItem]
    ) -> list[tuple[E, int]]:
        kept: list[tuple[E, int]] = []
        for item in items:
            try:
                kept.append((adapter.validate_python([item.data])[0], item.line))
            except ValidationError as exc:
                for code, loc, message in validation_problems(exc, [item.data]):
                    message = message.removeprefix(f"{_dotted(loc[:1])}.")
                    self.problems.append(problem(code, rel, item.line, 1, message))
        return kept


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

    def _read(self, rel: str, limit: int) -> bytes | None:
        raw = self.files.get(rel)
        if raw is None:
            self.problems.append(problem("CX101", rel, 0, 0, "cannot read: not a file"))
            return None
        if len(raw) > limit:
            self.problems.append(
                problem(
                    "CX106",
                    rel,
                    0,
                    0,
                    f"file is {len(raw) / 1048576:.1f} MiB; the limit is {limit // 1048576} MiB",
                )
            )
            return None
        return raw


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # a symlink loop; `_inside` reports it
        return False


def _printable(rel: str) -> str:
    """`rel` with undecodable bytes and control characters escaped, safe to print."""
    text = rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)


def _ordered_log(rel: str, kept: list[tuple[E, int]]) -> Log[E]:
    """Sort by (date, at) and drop exact duplicates, which a union merge can produce."""
    seen: set[str] = set()
    unique: list[tuple[E, int]] = []
    for entry, line in kept:
        key = entry.model_dump_json()
        if key not in seen:
            seen.add(key)
            unique.append((entry, line))
    unique.sort(key=lambda pair: entry_sort_key(pair[0]))
    return Log(rel, tuple(e for e, _ in unique), tuple(line for _, line in unique))


# --- Pydantic errors as problems -------------------------------------------------


def validation_problems(
    exc: ValidationError, data: Any
) -> list[tuple[str, tuple[str | int, ...], str]]:
    """(code, data path, message) for each error, one per location."""
    found: dict[tuple[str | int, ...], tuple[str, str]] = {}
    for error in exc.errors(include_url=False):
        path = _data_path(data, error["loc"])
        if path in found:
            continue
        found[path] = _describe(error, path)
    return [(code, path, message) for path, (code, message) in found.items()]


def _data_path(data: Any, loc: tuple[Any, ...]) -> tuple[str | int, ...]:
    """Keep the parts of a Pydantic location that index into the data (drop union tags)."""
    path: list[str | int] = []
    node = data
    for part in loc:
        in_dict = isinstance(node, dict) and part in node
        if in_dict or (isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)):
            path.append(part)
            node = node[part]
        elif (
            isinstance(node, dict)
            and isinstance(part, str)
            and not part.startswith(("function-", "list[", "str", "constrained-"))
        ):
            path.append(part)  # a missing or extra key: name it
            break
    return tuple(path)


def _describe(error: Any, path: tuple[str | int, ...]) -> tuple[str, str]:
    kind = error["type"]
    where = _dotted(path) or "the file"
    value = error.get("input")
    if kind == "missing":
        return "CX201", f"{where}: required key missing"
    if kind == "extra_forbidden":
        key = path[-1] if path else "?"
        return "CX202", f"unknown key {key!r} in {_dotted(path[:-1]) or 'the file'}"
    if kind == "string_pattern_mismatch":
        return "CX204", (
            f"{where}: {value!r} is not a valid ID "
            "(lowercase letters, digits and '-', at most 64; references read team/objective[/kr])"
        )
    if kind == "finite_number":
        return "CX111", f"{where}: {value!r} is not a finite number"
    if kind.startswith(("date_", "datetime_")):
        return "CX205", f"{where}: {value!r} is not a valid date ({error['msg']})"
    if kind == "enum":
        expected = error.get("ctx", {}).get("expected", "")
        hint = difflib.get_close_matches(str(value), [s.strip("'") for s in expected.split()], 1)
        extra = f"; did you mean {hint[0]!r}?" if hint else ""
        return "CX203", f"{where}: {value!r} is not one of {expected}{extra}"
    shown = f" (got {value!r})" if not isinstance(value, dict | list) else ""
    return "CX203", f"{where}: {error['msg']}{shown}"


def _dotted(path: tuple[str | int, ...]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
