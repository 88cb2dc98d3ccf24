"""Editing cxokr.yaml in place: adding a period, recording a period's close.

cxokr.yaml is written by people, so it is never re-serialised: new text is
inserted at the position the YAML parser's marks locate, every other byte
(comments, blank lines, key order, quoting, line endings) is kept, and the
new text is validated before it atomically replaces the file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from cxokr import yamlio
from cxokr.edit import fileio
from cxokr.errors import CxokrError, EnvironmentFailure, UsageError, WorkspaceNotFound
from cxokr.load.layout import CONFIG_FILE
from cxokr.load.parsing import validation_problems
from cxokr.model import (
    PERIOD_PATTERN,
    Config,
    Period,
)
from cxokr.yamlio import edits
from cxokr.yamlio.edits import Editable, MappingNode, ScalarNode, SequenceNode


@dataclass(frozen=True)
class _Config(Editable):
    """cxokr.yaml as read for an edit: its path, text, node tree and line starts."""

    path: Path


def _read_config(root: Path) -> _Config:
    """cxokr.yaml, to be edited: refused first if a write to it would follow a link."""
    path = root / CONFIG_FILE
    fileio.contained(root, path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise WorkspaceNotFound(
            f"no {CONFIG_FILE} in {root}; run 'cxokr init' or pass --workspace DIR"
        ) from None
    except OSError as exc:
        raise EnvironmentFailure.from_os_error(
            exc, f"read {CONFIG_FILE}", "nothing was written"
        ) from None
    doc = yamlio.load_document(raw)
    if doc.issues or not isinstance(doc.data, dict):
        where = ", ".join(f"{CONFIG_FILE}:{i.line}:{i.col}: {i.message}" for i in doc.issues)
        raise CxokrError(
            f"{where or CONFIG_FILE + ' is not a mapping of settings'}; "
            f"fix {CONFIG_FILE} first ('cxokr check' lists its problems)"
        )
    edit = edits.editable(raw.decode("utf-8"))
    assert edit is not None  # the strict reader above accepted a mapping
    return _Config(edit.text, edit.root, edit.starts, path)


def _validated(text: str, doing: str) -> Config:
    """The settings `text` declares, or a CxokrError naming what would be wrong (nothing written)."""
    doc = yamlio.load_document(text.encode("utf-8"))
    found = [f"{i.line}:{i.col}: {i.message}" for i in doc.issues]
    if not found:
        try:
            return Config.model_validate(doc.data)
        except ValidationError as exc:
            for _, loc, message in validation_problems(exc, doc.data):
                line, col = doc.marks.find(loc)
                found.append(f"{line}:{col}: {message}")
    raise CxokrError(
        f"{CONFIG_FILE} would not be valid after {doing} ({'; '.join(found)}); "
        f"nothing was written: run 'cxokr check', fix {CONFIG_FILE} and try again"
    )


def _period_entries(config: _Config) -> list[tuple[str, MappingNode]]:
    """(ID, node) of each entry of the `periods:` list that names its ID."""
    periods = config.value("periods")
    if not isinstance(periods, SequenceNode):
        return []
    found = []
    for item in periods.value:
        if isinstance(item, MappingNode):
            ident = edits.value(item, "id")
            if isinstance(ident, ScalarNode):
                found.append((ident.value, item))
    return found


def add_period(root: Path, period_id: str, start: date, end: date) -> Path:
    """Declare a period in `root/cxokr.yaml`, inserted after the last one in the same style."""
    if re.fullmatch(PERIOD_PATTERN, period_id) is None:
        raise UsageError(
            f"{period_id!r} is not a valid period ID "
            "(letters, digits and '-', at most 64, e.g. 2027-Q1)"
        )
    if end < start:
        raise UsageError(
            f"period {period_id} would end ({end}) before it starts ({start}); "
            "check --start and --end"
        )
    config = _read_config(root)
    declared = [ident for ident, _ in _period_entries(config)]
    if period_id in declared:
        raise UsageError(f"period {period_id} is already declared in {CONFIG_FILE}")
    entry = {"id": yamlio.idscalar(period_id), "start": start.isoformat(), "end": end.isoformat()}
    text = _with_period(config, entry)
    periods = _validated(text, f"adding period {period_id}").periods
    if (
        Period(id=period_id, start=start, end=end) not in periods
        or len(periods) != len(declared) + 1
    ):
        raise CxokrError(
            f"cannot tell where to add period {period_id} in {CONFIG_FILE}; "
            "add it by hand: " + _flow(entry)
        )
    fileio.write_file(root, config.path, text.encode("utf-8"))
    return config.path


def _flow(entry: Mapping[str, str]) -> str:
    return "{" + ", ".join(f"{key}: {value}" for key, value in entry.items()) + "}"


def _with_period(config: _Config, entry: Mapping[str, str]) -> str:
    """The text with `entry` added as the last item of the `periods:` list."""
    periods = config.value("periods")
    if periods is None:  # no `periods:` key yet
        return config.insert_lines(len(config.starts), ["periods:", f"  - {_flow(entry)}"])
    if isinstance(periods, ScalarNode) and periods.value == "" and not periods.style:
        key_line = next(k.end_mark.line for k, v in config.root.value if v is periods)
        return config.insert_lines(key_line, [f"  - {_flow(entry)}"])
    if not isinstance(periods, SequenceNode):
        raise CxokrError(f"periods in {CONFIG_FILE} is not a list; fix it first")
    if periods.flow_style:
        if not periods.value:  # `[]`: just after the opening bracket
            return config.insert_at(config.offset(periods.start_mark) + 1, _flow(entry))
        return config.insert_at(config.offset(periods.value[-1].end_mark), ", " + _flow(entry))
    dash = periods.start_mark.column
    last = periods.value[-1]
    if isinstance(last, MappingNode) and not last.flow_style and last.value:
        keys = last.start_mark.column
        first = f"{' ' * dash}-{' ' * (keys - dash - 1)}"
        lines = [
            f"{first if i == 0 else ' ' * keys}{k}: {v}" for i, (k, v) in enumerate(entry.items())
        ]
    else:
        lines = [f"{' ' * dash}- {_flow(entry)}"]
    return config.insert_lines(edits.last_line(last), lines)


def close_period(root: Path, period_id: str, on: date) -> Path:
    """Record in cxokr.yaml that a period was closed (graded) on `on`: `closed: <date>`."""
    config = _read_config(root)
    entries = dict(_period_entries(config))
    item = entries.get(period_id)
    if item is None:
        declared = ", ".join(entries) or "none"
        raise UsageError(f"no period {period_id!r} in {CONFIG_FILE}; declared: {declared}")
    closed = edits.value(item, "closed")
    if closed is not None:
        shown = closed.value if isinstance(closed, ScalarNode) else "a date"
        raise UsageError(
            f"period {period_id} was already closed on {shown}; to close it again, "
            f"delete 'closed: {shown}' from its entry in {CONFIG_FILE} first"
        )
    if item.flow_style:
        end = config.offset(item.value[-1][1].end_mark)
        text = config.insert_at(end, f", closed: {on.isoformat()}")
    else:
        keys = item.start_mark.column
        text = config.insert_lines(edits.last_line(item), [f"{' ' * keys}closed: {on.isoformat()}"])
    periods = _validated(text, f"closing period {period_id}").periods
    period = next((p for p in periods if p.id == period_id and p.closed == on), None)
    if period is None:
        raise CxokrError(
            f"cannot tell where to record the close in {CONFIG_FILE}; "
            f"add closed: {on.isoformat()} to period {period_id} by hand"
        )
    if on < period.start:
        raise UsageError(f"period {period_id} starts on {period.start}; it cannot close on {on}")
    fileio.write_file(root, config.path, text.encode("utf-8"))
    return config.path
