"""A kept `report` answer (`kept`), written and read back with typed schemas.

The report's rows (`compute.report_data`) are dataclasses msgspec writes and
reads as they are. What they hold besides: the periods (each written once, by
ID), the pace thresholds and decisions (Pydantic models, written as their
fields), and each key result's series, written as what it is laid out from
(`values.Series.parts`): the metric's daily readings, written once for every
series that shares them, and the key result's check-ins with a value, as
columns. Read back, a series is laid out, and its line fitted, only when a
renderer asks, as when it was computed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from operator import attrgetter
from typing import Any, get_type_hints, overload

import msgspec

from cxokr.compute.report_data import Attention, KrRow, ObjectiveRow, Report, TeamRow
from cxokr.compute.values import DailyReadings, Series
from cxokr.model import Checkin, CheckinEntry, Decision, Period, Thresholds


@dataclass(frozen=True)
class KeptReport:
    """A report, and what the run that computed it said on stderr around it."""

    report: Report
    early: tuple[str, ...]  # warnings said before the output (the files of a past day)
    late: tuple[str, ...]  # warnings said after it (what the figures leave out)


class _Period(msgspec.Struct, array_like=True):
    id: str
    start: date
    end: date
    closed: date | None


class _Readings(msgspec.Struct, array_like=True):
    days: list[date]
    values: list[float]
    ats: list[datetime | None]  # as a moment: an offset is kept as UTC, which orders the same


class _Series(msgspec.Struct, array_like=True):
    readings: int
    lo: int
    hi: int
    first: int  # its check-ins: `_Kept.noted` from `first` up to `last`
    last: int
    period: str | None


class _Checkins(msgspec.Struct, array_like=True):
    days: list[date]
    values: list[float]
    ats: list[datetime | None]  # empty when none has one


class _Kept(msgspec.Struct, array_like=True):
    periods: list[_Period]
    readings: list[_Readings]
    series: list[_Series]
    noted: _Checkins
    report: msgspec.Raw
    early: list[str]
    late: list[str]


class _Rows:
    """One kind of the report's many rows, written as an array of its fields (a map would
    repeat each field's name in every row), and read back into the same dataclass.

    The array's type is made from the dataclass's fields, so a field added to a row is
    kept with it; `nested` names the fields that hold rows of another kind. A key result's
    series is written by its place in the series' table. Rows read `later` are made whole
    when a field is first asked for: a summarised view looks at few of them. The `raw` field
    (rows of another kind, written as `nested` ones) is read as its bytes, and its rows only
    when it is first asked for (`_raw`).
    """

    def __init__(
        self,
        kind: type[Any],
        nested: Mapping[str, _Rows] | None = None,
        later: bool = False,
        raw: tuple[str, _Rows] | None = None,
    ) -> None:
        self.kind = _later(kind) if later else _raw(kind, raw[0]) if raw else kind
        self.names = tuple(f.name for f in fields(kind))
        self.nested = [(name, rows) for name, rows in (nested or {}).items()]
        self.raw = raw
        hints = get_type_hints(kind)
        many: Any = tuple  # a tuple of rows of a kind made here
        types: dict[str, Any] = {name: many[rows.wire, ...] for name, rows in self.nested}
        if raw:
            self.nested.append(raw)  # written as the others, read as its bytes
            types[raw[0]] = msgspec.Raw
        self.series = "series" if hints.get("series") is Series else None
        if self.series:
            types[self.series] = int
        self.wire: type[msgspec.Struct] = msgspec.defstruct(
            f"_{kind.__name__}Wire",
            [(name, types.get(name, hints[name])) for name in self.names],
            array_like=True,
        )
        self._values = attrgetter(*self.names)
        self._later = later

    def write(self, row: Any) -> tuple[Any, ...]:
        """The row's fields, in order: what `wire` reads."""
        values: tuple[Any, ...] = self._values(row)
        if self.nested:
            listed = list(values)
            for name, rows in self.nested:
                at = self.names.index(name)
                listed[at] = tuple(map(rows.write, listed[at]))
            values = tuple(listed)
        return values

    def read(self, wire: msgspec.Struct, reader: _Reader) -> Any:
        row = object.__new__(self.kind)  # the fields as they were, as a copy makes a row
        if self.series and not 0 <= getattr(wire, self.series) < reader.count:
            raise IndexError("no such series")  # found now: a row is made whole later
        if self._later:
            row.__dict__[_KEPT] = (self, wire, reader)
        else:
            object.__setattr__(row, "__dict__", self.values(wire, reader))
        return row

    def values(self, wire: msgspec.Struct, reader: _Reader) -> dict[str, Any]:
        values = msgspec.structs.asdict(wire)
        for name, rows in self.nested:
            if self.raw and name == self.raw[0]:
                found = values.pop(name)
                values[_RAW] = (rows, found, _count(found), reader)
                continue
            values[name] = tuple(rows.read(found, reader) for found in values[name])
        if self.series:
            values[self.series] = reader.series(values[self.series])
        return values


_KEPT = "_kept_wire"


def _later(kind: type[Any]) -> type[Any]:
    """`kind`, its rows made whole from what `_Rows.read` left when a field is asked for."""

    def __getattr__(self: Any, name: str) -> Any:
        kept = self.__dict__.pop(_KEPT, None)
        if kept is None:
            raise AttributeError(name)
        rows, wire, reader = kept
        self.__dict__.update(rows.values(wire, reader))
        return getattr(self, name)

    made = {"__getattr__": __getattr__, "__doc__": kind.__doc__, "__module__": kind.__module__}
    return type(kind.__name__, (kind,), made)


_RAW = "_kept_raw"


def _raw(kind: type[Any], field: str) -> type[Any]:
    """`kind`, its rows' `field` (rows of another kind) read from its bytes when first asked
    for, and counted by `key_result_count` without reading them: a summarised view shows the
    rows of few of them. Read, they are a plain attribute, as any other field."""

    def __getattr__(self: Any, name: str) -> Any:
        if name != field or _RAW not in self.__dict__:
            raise AttributeError(name)
        rows, raw, _, reader = self.__dict__.pop(_RAW)
        found = reader.rows(rows, raw)
        self.__dict__[field] = found
        return found

    def key_result_count(self: Any) -> int:
        kept = self.__dict__.get(_RAW)
        return len(getattr(self, field)) if kept is None else int(kept[2])

    made = {
        "__getattr__": __getattr__,
        "key_result_count": key_result_count,
        "__doc__": kind.__doc__,
        "__module__": kind.__module__,
    }
    return type(kind.__name__, (kind,), made)


def _count(raw: msgspec.Raw) -> int:
    """How many items the msgpack array `raw` holds, from its header."""
    head = memoryview(raw)
    if not head:
        raise ValueError("no array")
    first = head[0]
    if 0x90 <= first <= 0x9F:  # fixarray
        return first & 0x0F
    size = {0xDC: 2, 0xDD: 4}.get(first)
    if size is None or len(head) < 1 + size:
        raise ValueError("no array")
    return int.from_bytes(head[1 : 1 + size], "big")


_KR_ROWS = _Rows(KrRow, later=True)
_REPORT_ROWS = _Rows(
    Report,
    {
        "objectives": _Rows(ObjectiveRow, raw=("key_results", _KR_ROWS)),
        "teams": _Rows(TeamRow),
        "attention": _Rows(Attention),
    },
)


def body(kept: KeptReport) -> bytes:
    """`kept` as bytes."""
    writer = _Writer()
    report = msgspec.msgpack.encode(_REPORT_ROWS.write(kept.report), enc_hook=writer.hook)
    periods = [_Period(p.id, p.start, p.end, p.closed) for p in writer.periods.values()]
    readings = [_readings(r) for _, r in writer.readings.values()]
    noted = writer.noted
    ats = [c.at for c in noted]
    values = [c.value or 0.0 for c in noted]  # a series lays out only check-ins with a value
    checkins = _Checkins([c.date for c in noted], values, ats if any(ats) else [])
    early, late = list(kept.early), list(kept.late)
    found = _Kept(periods, readings, writer.series, checkins, msgspec.Raw(report), early, late)
    return msgspec.msgpack.encode(found)


def read(body: bytes) -> KeptReport | None:
    """The kept report in `body`; None when it is not one this version reads."""
    try:
        kept = msgspec.msgpack.decode(body, type=_Kept)
        reader = _Reader(kept)
        wire = msgspec.msgpack.decode(kept.report, type=_REPORT_ROWS.wire, dec_hook=reader.hook)
        if not _whole(kept):
            return None
        report = _REPORT_ROWS.read(wire, reader)
        if sum(o.key_result_count() for o in report.objectives) != reader.count:
            return None  # each key result has its series: the rows read later are all there
    except (msgspec.DecodeError, IndexError, KeyError, ValueError, TypeError):
        return None
    return KeptReport(report, tuple(kept.early), tuple(kept.late))


def _whole(kept: _Kept) -> bool:
    """Whether every series' readings, period and check-ins are in `kept`: a row read later
    must not find one missing."""
    noted = kept.noted
    count = len(noted.days)
    if len(noted.values) != count or (noted.ats and len(noted.ats) != count):
        return False
    periods = {p.id for p in kept.periods}
    return all(
        0 <= s.readings < len(kept.readings)
        and (s.period is None or s.period in periods)
        and 0 <= s.first <= s.last <= count
        for s in kept.series
    )


def _readings(readings: DailyReadings) -> _Readings:
    return _Readings(readings.dates, readings.values, readings.ats)


class _Writer:
    """Writes what msgspec cannot alone, noting each period and daily readings once."""

    def __init__(self) -> None:
        self.periods: dict[str, Period] = {}
        self.readings: dict[int, tuple[int, DailyReadings]] = {}  # by id: the series hold them
        self.series: list[_Series] = []
        self.noted: list[Checkin | CheckinEntry] = []  # every series' check-ins, one after another

    def hook(self, value: Any) -> Any:
        if isinstance(value, Series):
            return self._series(value)
        if isinstance(value, Period):
            return self._period(value)
        if isinstance(value, Thresholds):
            return (value.on_track, value.at_risk)
        if isinstance(value, Decision):
            return (value.text, value.by, value.on)
        raise TypeError(f"a report holds no {type(value).__name__}")

    def _series(self, series: Series) -> int:
        readings, noted = series.parts
        index, _ = self.readings.setdefault(id(readings), (len(self.readings), readings))
        period = None if series.period is None else self._period(series.period)
        first = len(self.noted)
        self.noted.extend(noted)
        lo, hi = series.span
        self.series.append(_Series(index, lo, hi, first, len(self.noted), period))
        return len(self.series) - 1

    def _period(self, period: Period) -> str:
        self.periods.setdefault(period.id, period)
        return period.id


class _Reader:
    """Reads back what `_Writer` wrote."""

    def __init__(self, kept: _Kept) -> None:
        self.periods = {
            p.id: Period.model_construct(id=p.id, start=p.start, end=p.end, closed=p.closed)
            for p in kept.periods
        }
        self.readings = [_daily(r) for r in kept.readings]
        self._series = kept.series
        self.count = len(kept.series)
        self.noted = kept.noted
        self._decoders: dict[_Rows, msgspec.msgpack.Decoder[Any]] = {}

    def rows(self, rows: _Rows, raw: msgspec.Raw) -> tuple[Any, ...]:
        """The rows of `rows`' kind written as `raw`, read now."""
        decoder = self._decoders.get(rows)
        if decoder is None:
            many: Any = tuple
            decoder = msgspec.msgpack.Decoder(many[rows.wire, ...], dec_hook=self.hook)
            self._decoders[rows] = decoder
        return tuple(rows.read(wire, self) for wire in decoder.decode(raw))

    def hook(self, kind: type, value: Any) -> Any:
        if kind is Period:
            return self.periods[value]
        if kind is Thresholds:
            on_track, at_risk = value
            return Thresholds.model_construct(on_track=on_track, at_risk=at_risk)
        if kind is Decision:
            text, by, on = value
            return Decision.model_construct(text=text, by=by, on=date.fromisoformat(on))
        raise TypeError(f"a report holds no {kind.__name__}")

    def series(self, index: int) -> Series:
        found = self._series[index]
        period = None if found.period is None else self.periods[found.period]
        readings = self.readings[found.readings]
        noted = _Noted(self.noted, found.first, found.last)
        return Series(readings, (found.lo, found.hi), noted, period)


class _Noted(Sequence[CheckinEntry]):
    """A key result's check-ins with a value, as a series reads them (day, value, `at`),
    made from their columns when first asked for: most series of a report are never laid out."""

    __slots__ = ("_columns", "_entries", "_first", "_last")

    def __init__(self, columns: _Checkins, first: int, last: int) -> None:
        self._columns, self._first, self._last = columns, first, last
        self._entries: list[CheckinEntry] | None = None

    def _all(self) -> list[CheckinEntry]:
        if self._entries is None:
            found, first, last = self._columns, self._first, self._last
            ats = found.ats[first:last] if found.ats else [None] * (last - first)
            self._entries = [
                CheckinEntry("", day, value, None, None, None, at)
                for day, value, at in zip(
                    found.days[first:last], found.values[first:last], ats, strict=True
                )
            ]
        return self._entries

    def __len__(self) -> int:
        return self._last - self._first

    @overload
    def __getitem__(self, index: int) -> CheckinEntry: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[CheckinEntry]: ...

    def __getitem__(self, index: int | slice) -> CheckinEntry | Sequence[CheckinEntry]:
        return self._all()[index]

    def __iter__(self) -> Iterator[CheckinEntry]:
        return iter(self._all())


def _daily(found: _Readings) -> DailyReadings:
    readings = DailyReadings(())
    readings.dates = found.days
    readings.ordinals = [day.toordinal() for day in found.days]
    readings.values = found.values
    readings.ats = found.ats
    return readings
