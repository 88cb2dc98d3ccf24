"""The kept moved-goalposts answer (`goalposts.answer`), so a run on the same state
starts neither git nor GitPython.

It is kept in the workspace's state folder (`cache.state_file`), never in the
working tree, signed like the parse cache (`cache.seal`) and read with typed
schemas: an answer that someone else wrote, that is damaged, or that was
worked out for another state is worked out again, never believed.
"""

from __future__ import annotations

import contextlib
import hashlib
from datetime import date, datetime
from pathlib import Path

import msgspec

from cxokr.git.audit_data import FieldChange
from cxokr.git.goalposts import Answer, Move
from cxokr.git.history import Commit, head_sha
from cxokr.load import cache, localstate
from cxokr.load.cache import STAMP
from cxokr.load.layout import okr_path
from cxokr.load.localstate import write_atomic
from cxokr.load.workspace import Workspace

MEMO = "goalposts"
_PURPOSE = b"goalposts"


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
    path = cache.state_file(root, MEMO)
    with contextlib.suppress(OSError):  # a read-only git directory works, just unremembered
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_atomic(path, cache.seal(body, secret, _PURPOSE))
