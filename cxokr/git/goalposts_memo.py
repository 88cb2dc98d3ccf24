"""What is kept of the moved goalposts between runs (`goalposts.answer`): the last
answer, so a run on the same state starts neither git nor GitPython; and each
OKR file's ledger as of the last commit read (`goalposts_state`), so a run
after new commits reads only those.

Both are kept in the workspace's state folder (`cache.state_file`), never in
the working tree, signed like the parse cache (`cache.seal`) and read with
typed schemas: what someone else wrote, what is damaged, or what was worked
out for another state, another version of cxokr, another workspace or another
cut of a shallow clone is worked out again, never believed.
"""

from __future__ import annotations

import contextlib
import hashlib
from datetime import date, datetime
from pathlib import Path

import msgspec

from cxokr.git.audit_data import FieldChange
from cxokr.git.goalposts import Answer, Move
from cxokr.git.goalposts_state import Ledger, Ledgers, Moved, Values, Version
from cxokr.git.history import Commit, FileChange, head_sha
from cxokr.load import cache, localstate
from cxokr.load.cache import STAMP
from cxokr.load.layout import okr_path
from cxokr.load.workspace import Workspace
from cxokr.model import StartReading

MEMO = "goalposts"
LEDGERS = "goalposts-ledgers"
_PURPOSE = b"goalposts"
_LEDGERS_PURPOSE = b"goalpost ledgers"


class _CommitRecord(msgspec.Struct, array_like=True):
    sha: str
    author: str
    email: str
    authored: str  # ISO 8601 with the author's offset: the date shown is the author's
    committed: str
    subject: str
    boundary: bool


class _MoveRecord(msgspec.Struct, array_like=True):
    ref: str
    period: str
    objective_index: int
    kr_index: int
    changes: list[tuple[str, float | str | None, float | str | None]]  # as written
    commit: _CommitRecord | None


class _Memo(msgspec.Struct, array_like=True):
    key: bytes
    moves: list[_MoveRecord]
    shallow: bool
    cut: _CommitRecord | None


def key(root: Path, ws: Workspace, today: date) -> bytes | None:
    head = head_sha(root)
    if head is None:
        return None
    digest = hashlib.blake2b(f"{STAMP} {root.resolve()} {head} {today}".encode(), digest_size=20)
    digest.update(shallow_list(root))  # `git fetch --unshallow` keeps HEAD but changes this
    try:
        for rel in ["cxokr.yaml", *(okr_path(p, t) for p, t in sorted(ws.okrs))]:
            raw = (root / rel).read_bytes()
            digest.update(f"\0{rel}\0{len(raw)}\0".encode())
            digest.update(raw)
    except OSError:
        return None
    return digest.digest()


def shallow_list(root: Path) -> bytes:
    """The commits where the repository's history is cut, as git lists them (none: empty)."""
    found = localstate.git_dir(root)
    if found is None:
        return b""
    common = found
    with contextlib.suppress(OSError):
        common = (found / (found / "commondir").read_text(encoding="utf-8").strip()).resolve()
    try:
        return b"shallow\0" + (common / "shallow").read_bytes()
    except OSError:
        return b""


def recall(root: Path, ws: Workspace, key: bytes) -> Answer | None:
    secret = cache.secret()
    body = cache.unseal(cache.read_state(cache.state_file(root, MEMO)), secret or b"", _PURPOSE)
    if body is None:
        return None
    try:
        memo = msgspec.msgpack.decode(body, type=_Memo)
        if memo.key != key:
            return None
        found = tuple(_move(record, ws) for record in memo.moves)
        cut = None if memo.cut is None else _commit(memo.cut)
    except (msgspec.DecodeError, KeyError, ValueError):  # damaged or foreign: work it out again
        return None
    return Answer(found, memo.shallow, cut)


def _move(record: _MoveRecord, ws: Workspace) -> Move:
    changes = tuple(FieldChange(*change) for change in record.changes)
    commit = None if record.commit is None else _commit(record.commit)
    period = ws.periods[record.period]
    return Move(record.ref, period, record.objective_index, record.kr_index, changes, commit)


def _commit(record: _CommitRecord) -> Commit:
    authored, committed = map(datetime.fromisoformat, (record.authored, record.committed))
    return Commit(
        record.sha,
        record.author,
        record.email,
        authored,
        committed,
        record.subject,
        record.boundary,
    )


def _record(commit: Commit) -> _CommitRecord:
    return _CommitRecord(
        commit.sha,
        commit.author,
        commit.email,
        commit.authored.isoformat(),
        commit.committed.isoformat(),
        commit.subject,
        commit.boundary,
    )


def remember(root: Path, key: bytes, found: Answer) -> None:
    secret = cache.secret()
    if secret is None:
        return
    records = [
        _MoveRecord(
            m.ref,
            m.period.id,
            m.objective_index,
            m.kr_index,
            [(c.field, c.old, c.new) for c in m.changes],
            None if m.commit is None else _record(m.commit),
        )
        for m in found.moves
    ]
    cut = None if found.cut is None else _record(found.cut)
    try:
        body = msgspec.msgpack.encode(_Memo(key, records, found.shallow, cut))
    except (msgspec.EncodeError, TypeError):  # a value the memo cannot hold: not kept
        return
    cache.write_state(cache.state_file(root, MEMO), body, secret, _PURPOSE)


# --- The ledgers ------------------------------------------------------------------------------


class _Reading(msgspec.Struct):
    reading: date


_Goalpost = float | str | _Reading | None
_Values = tuple[_Goalpost, _Goalpost, str | None]


class _Version(msgspec.Struct, array_like=True):
    values: list[tuple[str, str, _Values]]  # objective, key result, values
    lines: list[tuple[int, str, str, str]]  # line, objective, key result, field


class _Moved(msgspec.Struct, array_like=True):
    commit: _CommitRecord
    values: list[tuple[str, str, _Values, _Values]]  # objective, key result, before, after


class _Pending(msgspec.Struct, array_like=True):
    commit: _CommitRecord
    before: str | None
    after: str | None
    added: list[str]
    removed: list[str]
    added_at: list[int]
    removed_at: list[int]


class _Ledger(msgspec.Struct, array_like=True):
    head: str | None
    last_blob: str | None
    last: _Version | None
    moved: list[_Moved]
    pending: list[_Pending]


class _Ledgers(msgspec.Struct, array_like=True):
    stamp: tuple[int, str, str, int, int]
    root: str
    shallow: bytes
    head: str
    files: dict[str, msgspec.Raw]  # path -> _Ledger, written back as it was while unchanged


_LEDGER = msgspec.msgpack.Decoder(_Ledger)


def recall_ledgers(root: Path) -> Ledgers | None:
    """The ledgers kept for the workspace at `root`; None when there are none this version
    of cxokr wrote, for this workspace and this cut of a shallow clone, signed by the user."""
    secret = cache.secret()
    body = cache.unseal(
        cache.read_state(cache.state_file(root, LEDGERS)), secret or b"", _LEDGERS_PURPOSE
    )
    if body is None:
        return None
    try:
        kept = msgspec.msgpack.decode(body, type=_Ledgers)
        if kept.stamp != STAMP or kept.root != str(root.resolve()):
            return None
        if kept.shallow != shallow_list(root):
            return None  # fetched deeper (or cut again): what was missing may be there now
        files = {path: _ledger(path, _LEDGER.decode(raw)) for path, raw in kept.files.items()}
    except (msgspec.DecodeError, ValueError):
        return None  # damaged or foreign: read the history whole
    stored = {path: (_extent(files[path]), raw) for path, raw in kept.files.items()}
    return Ledgers(kept.head, files, changed=False, stored=stored)


def _extent(ledger: Ledger) -> tuple[object, ...]:
    """What tells a ledger from itself when it was read: changes are only ever added."""
    last = None if ledger.last is None else ledger.last[0]
    return (ledger.head, last, len(ledger.moved), len(ledger.pending))


def _ledger(path: str, record: _Ledger) -> Ledger:
    last = None if record.last is None else (record.last_blob, _version(record.last))
    moved = [
        Moved(_commit(m.commit), {(o, k): (_values(a), _values(b)) for o, k, a, b in m.values})
        for m in record.moved
    ]
    pending = [
        (
            _commit(p.commit),
            FileChange(
                path,
                p.before,
                p.after,
                tuple(p.added),
                tuple(p.removed),
                tuple(p.added_at),
                tuple(p.removed_at),
            ),
        )
        for p in record.pending
    ]
    return Ledger(record.head, last, moved, pending)


def _version(record: _Version) -> Version:
    values = {(o, k): _values(v) for o, k, v in record.values}
    return Version(values, {line: (o, k, name) for line, o, k, name in record.lines})


def _values(record: _Values) -> Values:
    start, target, note = record
    if isinstance(start, _Reading):
        return (StartReading(reading=start.reading), target, note)
    return record


def remember_ledgers(root: Path, ledgers: Ledgers) -> None:
    secret = cache.secret()
    if secret is None:
        return
    try:
        files = {
            path: _raw(ledger, ledgers.stored.get(path)) for path, ledger in ledgers.files.items()
        }
        record = _Ledgers(STAMP, str(root.resolve()), shallow_list(root), ledgers.head, files)
        body = msgspec.msgpack.encode(record)
    except (msgspec.EncodeError, TypeError):  # a value the ledgers cannot hold: not kept
        return
    cache.write_state(cache.state_file(root, LEDGERS), body, secret, _LEDGERS_PURPOSE)


def _raw(ledger: Ledger, stored: tuple[tuple[object, ...], msgspec.Raw] | None) -> msgspec.Raw:
    if stored is not None and stored[0] == _extent(ledger):
        return stored[1]  # unchanged since it was read: as it was
    return msgspec.Raw(msgspec.msgpack.encode(_ledger_record(ledger)))


def _ledger_record(ledger: Ledger) -> _Ledger:
    last_blob, last = (None, None) if ledger.last is None else ledger.last
    moved = [
        _Moved(
            _record(m.commit),
            [(o, k, _values_record(a), _values_record(b)) for (o, k), (a, b) in m.values.items()],
        )
        for m in ledger.moved
        if m.commit is not None
    ]
    pending = [
        _Pending(
            _record(commit),
            c.before,
            c.after,
            list(c.added),
            list(c.removed),
            list(c.added_at),
            list(c.removed_at),
        )
        for commit, c in ledger.pending
    ]
    kept = None if last is None else _version_record(last)
    return _Ledger(ledger.head, last_blob, kept, moved, pending)


def _version_record(found: Version) -> _Version:
    values = [(o, k, _values_record(v)) for (o, k), v in found.values.items()]
    return _Version(values, [(line, *where) for line, where in found.lines.items()])


def _values_record(values: Values) -> _Values:
    start, target, note = values
    if isinstance(start, StartReading):
        return (_Reading(start.reading), _goalpost(target), note)
    return (_goalpost(start), _goalpost(target), note)


def _goalpost(value: object) -> _Goalpost:
    if value is None or isinstance(value, float | str):
        return value
    raise TypeError(f"not a goalpost the ledgers hold: {value!r}")
