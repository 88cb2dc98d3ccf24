"""From the bytes of one file to its outcome: the validated model or entries, marks, issues.

An outcome depends on the bytes and the file's kind alone, never on where the
file lives or on other files, so it can be cached by content and reused for
the same bytes at any path or git revision. A document (`document`) gives a
`DocumentOutcome`: its model, or None when the file failed, with the position
of every value. A log (`log`) gives a `LogOutcome`: its entries in log order,
the line of each, and whatever was wrong with the rest.
"""

from __future__ import annotations

import operator
import typing
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from cxokr import yamlio
from cxokr.model import (
    RELATIVE_PATTERN,
    Checkin,
    CheckinEntry,
    OkrFile,
    Reading,
    ReadingEntry,
    entry_sort_key,
    in_log_order,
)
from cxokr.problems import did_you_mean

E = TypeVar("E", Checkin, Reading)
R = TypeVar("R", CheckinEntry, ReadingEntry)
M = TypeVar("M", bound=BaseModel)


class Entries(Generic[R]):
    """A log's validated entries as `kind` tuples, in log order.

    Entries read back from a compact form (the parse cache's columns, the
    read-ahead's pipe) are made into tuples when something first reads them:
    400,000 tuples of dates and numbers took most of a warm report's load on a
    large organization, and many commands never look at most logs.
    """

    __slots__ = ("_make", "_rows", "kind")

    def __init__(self, kind: type[R], rows: Iterable[R]) -> None:
        self.kind: type[R] = kind
        self._rows: tuple[R, ...] | None = tuple(rows)
        self._make: Callable[[], Iterable[R]] | None = None

    @classmethod
    def from_columns(cls, kind: type[R], columns: list[Any]) -> Entries[R]:
        """Entries kept as one column a field of `kind`, the dates as day numbers; made into
        tuples on first use. ValueError when the columns do not fit `kind`."""
        lengths = {len(column) for column in columns}
        if len(columns) != len(kind._fields) or len(lengths) > 1:
            raise ValueError("log entries stored for other fields")
        made: Entries[R] = cls.__new__(cls)
        made.kind, made._rows, made._make = kind, None, partial(_rows, kind, columns)
        return made

    @property
    def rows(self) -> tuple[R, ...]:
        if self._rows is None:
            assert self._make is not None
            self._rows, self._make = tuple(self._make()), None
        return self._rows

    def __len__(self) -> int:
        return len(self.rows)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Entries) and self.kind is other.kind and self.rows == other.rows

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Entries({self.kind.__name__}, {len(self)} rows)"


def _rows(kind: type[R], columns: list[Any]) -> Iterable[R]:
    columns = list(columns)
    day = kind._fields.index("date")
    columns[day] = map(date.fromordinal, columns[day])
    return map(partial(tuple.__new__, kind), zip(*columns, strict=True))


@dataclass(frozen=True)
class DocumentOutcome(Generic[M]):
    """What reading one document gave: its model (None when unusable), positions, issues."""

    value: M | None
    marks: yamlio.Marks
    issues: tuple[yamlio.Issue, ...]

    @property
    def failed(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class LogOutcome(Generic[R]):
    """What reading one log gave: its usable entries, the line of each, and the issues."""

    entries: Entries[R]
    lines: Sequence[int]  # an array("L"): one block, not an object per line
    issues: tuple[yamlio.Issue, ...]


Outcome = DocumentOutcome[Any] | LogOutcome[Any]


def document(raw: bytes, model: type[M]) -> DocumentOutcome[M]:
    """Parse and validate one YAML document as `model`."""
    doc = yamlio.load_document(raw)
    issues = list(doc.issues)
    if doc.data is None and doc.issues:
        return DocumentOutcome(None, doc.marks, tuple(issues))
    data = {} if doc.data is None and model is OkrFile else doc.data
    try:
        return DocumentOutcome(model.model_validate(data), doc.marks, tuple(issues))
    except ValidationError as exc:
        for code, loc, message in validation_problems(exc, data, model):
            line, col = doc.marks.find(loc)
            issues.append(yamlio.Issue(code, line, col, message))
        return DocumentOutcome(None, doc.marks, tuple(issues))


def log(raw: bytes, adapter: TypeAdapter[list[E]], entry: type[R]) -> LogOutcome[R]:
    """Split, validate, de-duplicate and order the entries of a log, as `entry` tuples.

    A log of machine-written JSON lines only is read by `fastlog`; any other, or
    one with anything wrong, line by line here, where each problem is located.
    """
    from cxokr.load import fastlog  # msgspec: only when a log is parsed, never on a warm run

    fast = fastlog.read(raw, entry)
    if fast is not None:
        return _ordered(entry, fast[0], fast[1], [])
    items, issues = yamlio.load_log(raw)
    seen: set[str] = set()
    unique = []
    for item in items:
        if item.data is None:
            continue
        if item.text:  # an exact copy, as a union merge of two branches can leave
            if item.text in seen:
                continue
            seen.add(item.text)
        unique.append(item)
    try:
        entries = adapter.validate_python([item.data for item in unique])
        kept = list(zip(entries, (item.line for item in unique), strict=True))
    except ValidationError:
        kept = _one_by_one(adapter, unique, issues)
    fields = operator.attrgetter(*entry._fields)
    rows = list(map(partial(tuple.__new__, entry), map(fields, (e for e, _ in kept))))
    return _ordered(entry, rows, [line for _, line in kept], issues)


def _ordered(
    entry: type[R], rows: list[R], lines: list[int], issues: list[yamlio.Issue]
) -> LogOutcome[R]:
    """The outcome of a log's entries, put in log order (date, then `at`) when they are not."""
    if not in_log_order(rows):
        order = sorted(range(len(rows)), key=lambda i: entry_sort_key(rows[i]))
        rows, lines = [rows[i] for i in order], [lines[i] for i in order]
    return LogOutcome(Entries(entry, rows), array("L", lines), tuple(issues))


def _one_by_one(
    adapter: TypeAdapter[list[E]], items: list[yamlio.LogItem], issues: list[yamlio.Issue]
) -> list[tuple[E, int]]:
    kept: list[tuple[E, int]] = []
    for item in items:
        try:
            kept.append((adapter.validate_python([item.data])[0], item.line))
        except ValidationError as exc:
            for code, loc, message in validation_problems(exc, [item.data]):
                message = message.removeprefix(f"{_dotted(loc[:1])}.")
                issues.append(yamlio.Issue(code, item.line, 1, message))
    return kept


# --- Pydantic errors as problems -------------------------------------------------


def validation_problems(
    exc: ValidationError, data: Any, model: type[BaseModel] | None = None
) -> list[tuple[str, tuple[str | int, ...], str]]:
    """(code, data path, message) for each error, one per location. With the `model` the
    data was validated as, an unknown key names the closest keys it takes there."""
    found: dict[tuple[str | int, ...], tuple[str, str]] = {}
    for error in exc.errors(include_url=False):
        path = _data_path(data, error["loc"])
        if path in found:
            continue
        found[path] = _describe(error, path)
        if error["type"] == "extra_forbidden" and model is not None and path:
            code, message = found[path]
            known = _keys_at(model, path[:-1])
            found[path] = code, message + did_you_mean(str(path[-1]), known)
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
    if kind == "duplicate_key":
        return "CX103", f"{where}: {error['msg']}; keep one"
    if kind == "extra_forbidden":
        key = path[-1] if path else "?"
        return "CX202", f"unknown key {key!r} in {_dotted(path[:-1]) or 'the file'}"
    if (
        kind == "string_pattern_mismatch"
        and error.get("ctx", {}).get("pattern") == RELATIVE_PATTERN
    ):
        return (
            "CX203",
            f"{where}: {value!r}: write a number, or a change from the start such as '+10%'",
        )
    if kind in ("start_form", "target_form", "whole_form"):
        return "CX203", f"{where}: {error['msg']} (got {value!r})"
    if kind == "string_pattern_mismatch":
        return "CX204", (
            f"{where}: {value!r} is not a valid ID "
            "(lowercase letters, digits and '-', at most 64; references read team/objective[/kr])"
        )
    if kind == "finite_number":
        return "CX111", f"{where}: {value!r} is not a finite number"
    if kind.startswith("datetime_"):
        return "CX205", f"{where}: {value!r} is not a valid date and time ({error['msg']})"
    if kind.startswith("date_"):
        return "CX205", f"{where}: {value!r} is not a valid date ({error['msg']})"
    if kind == "enum":
        expected = error.get("ctx", {}).get("expected", "")
        options = [word.strip("',") for word in expected.split() if word != "or"]
        hint = did_you_mean(str(value), options)
        return "CX203", f"{where}: {value!r} is not one of {expected}{hint}"
    shown = f" (got {value!r})" if not isinstance(value, dict | list) else ""
    return "CX203", f"{where}: {error['msg']}{shown}"


def _keys_at(model: type[BaseModel], path: tuple[str | int, ...]) -> list[str]:
    """The keys a mapping at `path` of a `model` document takes: the fields of each model
    that may stand there. Looked up only for an unknown key, never on the way in."""
    models = [model]
    for part in path:
        if isinstance(part, str):
            fields = (m.model_fields.get(part) for m in models)
            models = [found for f in fields if f is not None for found in _models_in(f.annotation)]
    return sorted({name for m in models for name in m.model_fields})


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    """The models an annotation names, in lists, unions and Annotated alike."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in typing.get_args(annotation):
        yield from _models_in(arg)


def _dotted(path: tuple[str | int, ...]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
