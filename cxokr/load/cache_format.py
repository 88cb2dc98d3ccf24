"""How the parse cache writes a file's outcome in msgpack, and reads it back with types.

Nothing here can run code: msgspec decodes each entry against a fixed schema,
and anything that does not fit it (a field missing or of the wrong type, a
kind not in `kinds`, columns of unequal length) is no entry at all, so the
file is parsed again. Each entry names its kind by the table's name.

A document's model is kept as the validated values of its fields, in order,
with the set of fields the file gave; reading it back puts those values into
a new model the way unpickling did, without validating again (Pydantic would
rebuild every validator on a warm run, 0.07 s, and take longer per model).
The schema of each model is derived from the Pydantic model itself, so a
field added there is cached with no change here; a field of a type this
cannot keep faithfully (a moment, a mapping keyed by models) leaves that kind of
file uncached rather than wrong.

A log's entries are kept in columns, one a field of its entry tuple: day
numbers as one block of bytes, moments as msgpack timestamps plus the offset
of each one not in UTC, everything else as plain lists. They are read back
as `parsing.Entries.from_columns`, made into tuples only when first read.
"""

from __future__ import annotations

import types
from array import array
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from enum import Enum
from functools import cache
from typing import Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints

import msgspec
from pydantic import BaseModel

from cxokr import yamlio
from cxokr.load.kinds import KINDS, DocumentKind, LogKind
from cxokr.load.parsing import DocumentOutcome, Entries, LogOutcome, Outcome
from cxokr.model import CheckinEntry, ReadingEntry

# The kinds an entry may name, by name and by what they hold; nothing else is ever built.
_DOCUMENTS: dict[str, type[BaseModel]] = {
    kind.name: kind.model for kind in KINDS if isinstance(kind, DocumentKind)
}
_LOGS: dict[str, type[CheckinEntry] | type[ReadingEntry]] = {
    kind.name: kind.entry for kind in KINDS if isinstance(kind, LogKind)
}
_NAMES: dict[type, str] = {
    **{model: name for name, model in _DOCUMENTS.items()},
    **{entry: name for name, entry in _LOGS.items()},
}

IssueRecord = tuple[str, int, int, str]


class _Document(msgspec.Struct, array_like=True, tag="document"):
    kind: str  # empty when the file failed: then `value` holds nil
    value: msgspec.Raw  # the model's fields (`_Mirror`)
    marks: bytes
    issues: list[IssueRecord]


class _Log(msgspec.Struct, array_like=True, tag="log"):
    kind: str
    columns: msgspec.Raw  # one column a field (`_log_schema`)
    lines: bytes  # the line of each entry, an array("L")
    issues: list[IssueRecord]


_ENTRY = msgspec.msgpack.Decoder(_Document | _Log)
_NIL = msgspec.msgpack.encode(None)


class Unsupported(TypeError):
    """A model field of a type this module cannot keep faithfully."""


def encode(outcome: Outcome) -> bytes | None:
    """The entry for `outcome`, or None when an outcome of its kind is not kept."""
    issues = [(i.code, i.line, i.col, i.message) for i in outcome.issues]
    try:
        entry: _Document | _Log
        if isinstance(outcome, LogOutcome):
            kind = _NAMES[outcome.entries.kind]
            columns = msgspec.Raw(_encode_columns(outcome.entries))
            lines = array("L", outcome.lines).tobytes()
            entry = _Log(kind, columns, lines, issues)
        else:
            kind, value = "", msgspec.Raw(_NIL)
            if outcome.value is not None:
                model: type[BaseModel] = type(outcome.value)
                kind = _NAMES[model]
                value = msgspec.Raw(_mirror(model).encoder.encode(outcome.value))
            entry = _Document(kind, value, outcome.marks.pack(), issues)
        return msgspec.msgpack.encode(entry)
    except (msgspec.EncodeError, KeyError, ValueError, TypeError, OverflowError):
        return None  # Unsupported is a TypeError


def decode(raw: bytes | msgspec.Raw) -> Outcome | None:
    """The outcome an entry holds, or None when it is not one this version wrote."""
    try:
        entry = _ENTRY.decode(raw)
        issues = tuple(yamlio.Issue(*issue) for issue in entry.issues) if entry.issues else ()
        if isinstance(entry, _Log):
            lines = array("L")
            lines.frombytes(entry.lines)
            kind = _LOGS[entry.kind]
            columns = _decode_columns(kind, entry.columns)
            if len(lines) != len(columns[0]):
                return None
            return LogOutcome(Entries.from_columns(kind, columns), lines, issues)
        value = _mirror(_DOCUMENTS[entry.kind]).decode(entry.value) if entry.kind else None
        return DocumentOutcome(value, yamlio.Marks.packed(entry.marks), issues)
    except (msgspec.DecodeError, KeyError, IndexError, ValueError, TypeError, OverflowError):
        return None  # Unsupported is a TypeError


# --- Models -----------------------------------------------------------------------------


_set_attr = object.__setattr__


class _Mirror:
    """A model's fields as a msgspec array: the set fields as a bit mask, then each value."""

    def __init__(self, model: type[BaseModel]) -> None:
        config = model.model_config
        if model.__private_attributes__ or config.get("extra") == "allow":
            raise Unsupported(f"{model.__name__} keeps more than its fields")
        self.model = model
        self.names = tuple(model.model_fields)
        if len(self.names) > 63:
            raise Unsupported(f"{model.__name__} has too many fields")
        spec: list[tuple[str, Any]] = [("set_fields", int)]
        self.nested: list[tuple[str, Callable[[Any], Any]]] = []
        for name, info in model.model_fields.items():
            kind, rebuild = _schema(info.annotation)
            spec.append((name, kind))
            if rebuild is not None:
                self.nested.append((name, rebuild))
        # Tagged with its name, so a union of models decodes as the one that was kept.
        self.struct = msgspec.defstruct(
            f"_{model.__name__}", spec, array_like=True, tag=True, tag_field="cxokr_model"
        )
        self.decoder = msgspec.msgpack.Decoder(self.struct)
        self.encoder = msgspec.msgpack.Encoder(enc_hook=_model_fields)
        self.sets: dict[int, frozenset[str]] = {}

    def decode(self, raw: msgspec.Raw) -> BaseModel:
        return self.build(self.decoder.decode(raw))

    def build(self, struct: Any) -> BaseModel:
        """The model holding what `struct` holds, as unpickling made it: not validated again."""
        values = msgspec.structs.asdict(struct)
        mask = values.pop("set_fields")
        for name, rebuild in self.nested:
            value = values[name]
            if value is not None and type(value) not in _SCALARS:  # no model in a number
                values[name] = rebuild(value)
        made = self.model.__new__(self.model)
        _set_attr(made, "__dict__", values)
        fields_set = self.sets.get(mask)
        if fields_set is None:
            if mask >> len(self.names):
                raise ValueError("fields set that the model does not have")
            fields_set = frozenset(n for i, n in enumerate(self.names) if mask >> i & 1)
            self.sets[mask] = fields_set
        _set_attr(made, "__pydantic_fields_set__", set(fields_set))
        _set_attr(made, "__pydantic_extra__", None)
        _set_attr(made, "__pydantic_private__", None)
        return made


@cache
def _mirror(model: type[BaseModel]) -> _Mirror:
    return _Mirror(model)


def _model_fields(value: Any) -> Any:
    """Encode hook: a model as its set fields' mask, then its values in field order."""
    if not isinstance(value, BaseModel):
        raise TypeError(f"cannot keep a {type(value).__name__}")
    names = type(value).model_fields
    fields_set = value.model_fields_set
    mask = sum(1 << i for i, name in enumerate(names) if name in fields_set)
    values = value.__dict__
    return [f"_{type(value).__name__}", mask, *(values[name] for name in names)]


_PLAIN = (str, int, float, bool, type(None), date)
_SCALARS = frozenset({str, int, float, bool})


def _schema(annotation: Any) -> tuple[Any, Callable[[Any], Any] | None]:
    """The msgspec type of a field, and how to rebuild its value when it holds models."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _schema(get_args(annotation)[0])
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            mirror = _mirror(annotation)
            return mirror.struct, mirror.build
        if issubclass(annotation, datetime):
            raise Unsupported("a moment in a model loses its offset in msgpack")
        if annotation in _PLAIN or issubclass(annotation, Enum):
            return annotation, None
    if origin is list:
        kind, rebuild = _schema(get_args(annotation)[0])
        if rebuild is None:
            return list[kind], None  # type: ignore[valid-type]
        return list[kind], lambda items: [rebuild(item) for item in items]  # type: ignore[valid-type]
    if origin is dict:
        (key, key_rebuild), (value, value_rebuild) = map(_schema, get_args(annotation))
        if key_rebuild is not None:
            raise Unsupported(f"a mapping keyed by models: {annotation}")
        if value_rebuild is None:
            return dict[key, value], None  # type: ignore[valid-type]
        return dict[key, value], lambda items: {  # type: ignore[valid-type]
            name: value_rebuild(item) for name, item in items.items()
        }
    if origin in (Union, types.UnionType):
        parts = [_schema(part) for part in _members(annotation)]
        rebuilds = [rebuild for _, rebuild in parts if rebuild is not None]
        kind = Union[tuple(kind for kind, _ in parts)]  # noqa: UP007 (built at run time)
        if not rebuilds:
            return kind, None
        if len(rebuilds) == 1:  # one model among plain values: rebuild what decodes as it
            only = rebuilds[0]
            made = next(kind for kind, rebuild in parts if rebuild is not None)
            struct = get_origin(made) or made  # a list of models decodes as a list
            return kind, lambda value: only(value) if isinstance(value, struct) else value
        return kind, _by_struct(parts, annotation)
    if origin is Literal:
        return _literal(annotation), None
    raise Unsupported(f"a field of type {annotation!r}")


def _literal(annotation: Any) -> Any:
    """The msgspec type of a literal: itself for words; a bool for `Literal[True]`, which
    was validated when the file was parsed."""
    args = get_args(annotation)
    if all(type(arg) is str for arg in args):
        return annotation
    if all(type(arg) is bool for arg in args):
        return bool
    raise Unsupported(f"a field of type {annotation!r}")


def _by_struct(
    parts: list[tuple[Any, Callable[[Any], Any] | None]], annotation: Any
) -> Callable[[Any], Any]:
    """How to rebuild a value of a union of models (`whole: {sum: true} | {weighted_by: m}`):
    each model's tagged struct decodes as itself, and is rebuilt as its model."""
    builders: dict[type, Callable[[Any], Any]] = {}
    for kind, rebuild in parts:
        if rebuild is None:
            continue
        if not (isinstance(kind, type) and issubclass(kind, msgspec.Struct)):
            raise Unsupported(f"a union of models and lists of them: {annotation}")
        builders[kind] = rebuild
    return lambda value: builders[type(value)](value) if type(value) in builders else value


def _members(union: Any) -> list[Any]:
    """The members of a union, with those of a union inside it (an annotated one, such as a
    discriminated union made optional) taken in."""
    found = []
    for part in get_args(union):
        inner = get_args(part)[0] if get_origin(part) is Annotated else part
        found += _members(inner) if get_origin(inner) in (Union, types.UnionType) else [part]
    return found


# --- Log entries ------------------------------------------------------------------------


Moments = tuple[list[datetime | None], list[tuple[int, int]]]  # UTC or naive; (row, offset µs)


_LOG_SCHEMAS: dict[type, msgspec.msgpack.Decoder[Any]] = {}


def _log_schema(kind: type[CheckinEntry] | type[ReadingEntry]) -> msgspec.msgpack.Decoder[Any]:
    """A decoder of the columns of `kind`: one typed column a field."""
    found = _LOG_SCHEMAS.get(kind)
    if found is not None:
        return found
    hints = get_type_hints(kind)
    columns: list[Any] = []
    for name in kind._fields:
        hint = hints[name]
        if hint is date:
            columns.append(bytes)
        elif name == "at":
            columns.append(Moments)
        elif datetime in (hint, *get_args(hint)):
            raise Unsupported(f"a moment in {kind.__name__}.{name} loses its offset in msgpack")
        else:
            columns.append(list[hint])  # type: ignore[valid-type]
    found = msgspec.msgpack.Decoder(tuple[tuple(columns)])  # type: ignore[misc]
    _LOG_SCHEMAS[kind] = found
    return found


_DAYS = (date.min.toordinal(), date.max.toordinal())


def _encode_columns(entries: Entries[Any]) -> bytes:
    _log_schema(entries.kind)  # a kind it cannot read back is not kept
    names = entries.kind._fields
    columns: list[Any] = [list(column) for column in zip(*entries.rows, strict=True)]
    if not columns:
        columns = [[] for _ in names]
    day, at = names.index("date"), names.index("at")
    columns[day] = array("l", [d.toordinal() for d in columns[day]]).tobytes()
    offsets = []
    for row, moment in enumerate(columns[at]):
        offset = None if moment is None else moment.utcoffset()
        if offset:
            offsets.append((row, offset // timedelta(microseconds=1)))
    columns[at] = (columns[at], offsets)
    return msgspec.msgpack.encode(columns)


def _decode_columns(kind: type[CheckinEntry] | type[ReadingEntry], raw: msgspec.Raw) -> list[Any]:
    """The columns of `kind` an entry holds, the dates as day numbers (an array)."""
    columns = list(_log_schema(kind).decode(raw))
    names = kind._fields
    day, at = names.index("date"), names.index("at")
    days = array("l")
    days.frombytes(columns[day])
    # Entries are kept in date order: the first and last day bound the rest.
    if days and not _DAYS[0] <= days[0] <= days[-1] <= _DAYS[1]:
        raise ValueError("day numbers out of range")
    columns[day] = days
    moments, offsets = columns[at]
    zones: dict[int, tzinfo] = {}
    for row, micros in offsets:
        zone = zones.get(micros)
        if zone is None:
            zone = zones[micros] = timezone(timedelta(microseconds=micros))
        moment = moments[row]
        if moment is None or moment.tzinfo is not UTC:
            raise ValueError("an offset for a moment that has none")
        moments[row] = moment.astimezone(zone)
    columns[at] = moments
    return columns
