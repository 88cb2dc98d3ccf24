"""New objectives and key results: a located insert into okrs/<period>/<team>.yaml.

The file is people's: an objective goes after the last one of `objectives:`,
a key result after the last one of its objective's `key_results:` (the key
added after the objective's last line when it has none), in the style of the
list it joins (a block list, or a flow list `[...]`), and every other byte of
the file stays as it was, comments and line endings included. A team's first
objective of a period makes the file, written whole. Either way the new text
is read back and the workspace checked with it before it is written
(`new_entry.with_document`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from cxokr.compute.report import current_period
from cxokr.edit import fileio
from cxokr.edit.new_entry import (
    Added,
    did_you_mean,
    flow,
    invalid,
    items,
    known_metric,
    known_period,
    known_team,
    modeline,
    valid_id,
    with_document,
    write_new,
)
from cxokr.errors import CxokrError, EnvironmentFailure, UsageError
from cxokr.load import kinds
from cxokr.load.workspace import Workspace
from cxokr.model import REF_PATTERN, KeyResult, Objective, OkrFile, as_list, parse_ref
from cxokr.rules.lookups import resolve
from cxokr.yamlio import edits
from cxokr.yamlio.edits import Editable, MappingNode, ScalarNode, SequenceNode


@dataclass(frozen=True)
class Place:
    """Where a team's objectives of a period live: the file, and how a reference from the
    day `today` names something in it (`PERIOD:` only outside the current period)."""

    ws: Workspace
    period: str
    team: str
    today: date

    @property
    def rel(self) -> str:
        return kinds.OKRS.path(self.period, self.team)

    @property
    def path(self) -> Path:
        return self.ws.root / self.rel

    @property
    def okrs(self) -> OkrFile | None:
        return self.ws.okrs.get((self.period, self.team))

    def ref(self, *parts: str) -> str:
        current = current_period(self.ws.periods.values(), self.today)
        plain = "/".join((self.team, *parts))
        return (
            plain if current is not None and current.id == self.period else f"{self.period}:{plain}"
        )


def place(ws: Workspace, period: str, team: str, today: date) -> Place:
    """The OKR file of `team` in `period`, refused when either is unknown or the file does
    not read cleanly (its problems come first)."""
    known_period(ws, period)
    known_team(ws, team)
    where = Place(ws, period, team, today)
    fileio.contained(ws.root, where.path)
    if where.rel in ws.failed or any(p.path == where.rel for p in ws.problems):
        raise UsageError(f"{where.rel} has problems; fix them first ('cxokr check' lists them)")
    return where


def objective_of(where: Place, objective: str) -> Objective:
    found = {o.id: o for o in where.okrs.objectives} if where.okrs else {}
    if objective in found:
        return found[objective]
    raise UsageError(
        f"{where.team} has no objective {objective!r} in {where.period}"
        f"{did_you_mean(objective, found)} "
        f"(add one with: cxokr new objective {where.team}/{objective} --period {where.period})"
    )


def free_objective(where: Place, ident: str, title: str | None = None) -> str:
    valid_id(ident, "objective", title)
    if where.okrs and any(o.id == ident for o in where.okrs.objectives):
        raise UsageError(
            f"{where.team} already has an objective {ident!r} in {where.period} ({where.rel})"
        )
    return ident


def free_key_result(where: Place, objective: str, ident: str, title: str | None = None) -> str:
    valid_id(ident, "key result", title)
    if any(kr.id == ident for kr in objective_of(where, objective).key_results):
        raise UsageError(
            f"{where.team}/{objective} already has a key result {ident!r} in {where.period}"
        )
    return ident


def reading_before(where: Place, metric: str, segment: str | None) -> str:
    """`metric`, when it has a reading (of `segment`) before the period starts, from which a
    key result without a start runs; else a UsageError that says to give a start."""
    start = where.ws.periods[where.period].start
    log = where.ws.readings.get(metric)
    if log and any(r.segment == segment and r.date < start for r in log.entries):
        return metric
    whose = f"{metric} ({segment})" if segment else metric
    raise UsageError(
        f"{whose} has no reading before {start} to start from; give a start "
        "(a number, 'first', or a date with a reading)"
    )


def align_target(ws: Workspace, period: str, text: str) -> str:
    """`text` when it names an objective (or key result) a new entry of `period` may align
    to, written as the file must hold it; else a UsageError that says how to write it."""
    if re.fullmatch(REF_PATTERN, text) is None:
        raise UsageError(
            f"{text!r} is not a reference: write team/objective, or PERIOD:team/objective "
            "for an objective of another period (e.g. 2026:company/raise-aov)"
        )
    why = resolve(ws, parse_ref(text, period))
    if why is not None:
        raise UsageError(f"cannot align to {text}: {why.partition(' ')[2]}")
    return text


def align_choices(ws: Workspace, period: str) -> list[tuple[str, str]]:
    """(reference as written from `period`, title) of every objective of `period` and of the
    periods enclosing it, narrowest period first: what a new objective may align to."""
    mine = ws.periods[period]
    around = sorted(
        (p for p in ws.periods.values() if p.start <= mine.start and mine.end <= p.end),
        key=lambda p: (p.end - p.start, p.id),
    )
    found = []
    for each in around:
        prefix = "" if each.id == period else f"{each.id}:"
        for (there, team), okrs in sorted(ws.okrs.items()):
            if there == each.id:
                found += [(f"{prefix}{team}/{o.id}", o.title) for o in okrs.objectives]
    return found


# --- The two writers --------------------------------------------------------------------------


def new_objective(where: Place, data: Mapping[str, Any]) -> Added:
    """Add the objective `data` (id, title, owner, aligns_to, weight, ...) to its team's file."""
    ident = free_objective(where, str(data.get("id", "")), data.get("title"))
    for ref in as_list(data.get("aligns_to")):
        align_target(where.ws, where.period, ref)
    entry = _validated(Objective, data, "objective")
    text = _read(where)
    if text is None:
        lines = [modeline(kinds.OKRS), "objectives:", *items([entry], "  ")]
        new, line = "\n".join(lines) + "\n", 2
    else:
        new, line = _append(text, None, "objectives", entry)
    checked = with_document(
        where.ws, kinds.OKRS, (where.period, where.team), where.rel, new.encode("utf-8")
    )
    wanted = Objective.model_validate(entry)
    _read_back(any(o == wanted for o in checked.value.objectives), where)
    _write(where, text, new)
    return Added(
        where.path,
        line + 1,
        where.ref(ident),
        f"new: objective {where.team}/{ident} in {where.period}: {entry['title']}",
        checked.remaining,
        checked.warnings,
    )


def new_key_result(where: Place, objective: str, data: Mapping[str, Any]) -> Added:
    """Add the key result `data` (any form the format has) to `objective` of its team."""
    ident = free_key_result(where, objective, str(data.get("id", "")), data.get("title"))
    for ref in as_list(data.get("aligns_to")):
        align_target(where.ws, where.period, ref)
    metric = data.get("metric")
    if metric is not None:
        known = known_metric(where.ws, metric)
        segment = data.get("segment")
        if segment is not None and segment not in known.segments:
            shown = ", ".join(known.segments) or "none"
            raise UsageError(
                f"metric {metric} has no segment {segment!r}"
                f"{did_you_mean(segment, known.segments)} (its segments: {shown})"
            )
    entry = _validated(KeyResult, data, "key result")
    text = _read(where)
    assert text is not None  # objective_of found the objective in this file
    new, line = _append(text, objective, "key_results", entry)
    checked = with_document(
        where.ws, kinds.OKRS, (where.period, where.team), where.rel, new.encode("utf-8")
    )
    wanted = KeyResult.model_validate(entry)
    found = next(o for o in checked.value.objectives if o.id == objective)
    _read_back(wanted in found.key_results, where)
    _write(where, text, new)
    return Added(
        where.path,
        line + 1,
        where.ref(objective, ident),
        f"new: key result {where.team}/{objective}/{ident} in {where.period}: {entry['title']}",
        checked.remaining,
        checked.warnings,
    )


def _validated(model: type[Objective | KeyResult], data: Mapping[str, Any], what: str) -> Any:
    entry = {k: v for k, v in data.items() if v is not None}
    try:
        model.model_validate(entry)
    except ValidationError as exc:
        raise invalid(exc, entry, what) from None
    return entry


def _read_back(same: bool, where: Place) -> None:
    if not same:  # the located insert landed somewhere else: a bug, never the user's data
        raise CxokrError(
            f"cannot tell where to add the entry in {where.rel}; nothing was written "
            "(please report this, with the file)"
        )


def _read(where: Place) -> str | None:
    try:
        return where.path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise EnvironmentFailure.from_os_error(
            exc, f"read {where.rel}", "nothing was written"
        ) from None


def _write(where: Place, old: str | None, new: str) -> None:
    if old is None:
        write_new(where.ws, where.path, new)
    else:
        fileio.write_file(where.ws.root, where.path, new.encode("utf-8"))


# --- The located insert ---------------------------------------------------------------------


def _append(text: str, objective: str | None, key: str, entry: dict[str, Any]) -> tuple[str, int]:
    """`text` with `entry` as the last item of the list `key` (of the root, or of the
    objective `objective`), and the line (0-based) the entry starts on."""
    edit = edits.editable(text)
    if edit is None:  # nothing but comments (or blank): the list starts the document
        body = ["objectives:", *items([entry], "  ")]
        return _at_end(text, body), len(text.splitlines()) + 1
    owner = edit.root if objective is None else _objective_node(edit, objective)
    found = edits.value(owner, key)
    if isinstance(found, SequenceNode) and found.flow_style and not found.value:
        text = _unflow_empty(edit, owner, found)  # `key: []` becomes `key:`, then a block list
        edit = edits.editable(text)
        assert edit is not None
        owner = edit.root if objective is None else _objective_node(edit, objective)
        found = edits.value(owner, key)
    return _into(edit, owner, key, found, entry)


def _into(
    edit: Editable, owner: MappingNode, key: str, found: Any, entry: dict[str, Any]
) -> tuple[str, int]:
    if owner.flow_style:
        raise UsageError(f"the {key} around it are written on one line ({{...}}); add it by hand")
    keys = " " * owner.start_mark.column
    if found is None:
        after = edits.last_line(owner)
        return edit.insert_lines(after, [f"{keys}{key}:", *items([entry], keys + "  ")]), after + 2
    if isinstance(found, ScalarNode) and found.value == "" and not found.style:
        after = next(k.end_mark.line for k, v in owner.value if v is found)
        return edit.insert_lines(after, items([entry], keys + "  ")), after + 1
    if not isinstance(found, SequenceNode):
        raise UsageError(f"{key} is not a list; fix it first ('cxokr check' says where)")
    if found.flow_style:
        at = edit.offset(found.value[-1].end_mark)
        return edit.insert_at(at, ", " + flow(entry)), int(found.value[-1].end_mark.line)
    after = edits.last_line(found.value[-1])
    return edit.insert_lines(after, items([entry], " " * found.start_mark.column)), after + 1


def _objective_node(edit: Editable, objective: str) -> MappingNode:
    listed = edit.value("objectives")
    for item in listed.value if isinstance(listed, SequenceNode) else ():
        ident = edits.value(item, "id") if isinstance(item, MappingNode) else None
        if isinstance(ident, ScalarNode) and ident.value == objective:
            return item  # type: ignore[no-any-return]
    raise CxokrError(f"cannot find objective {objective!r} in the file; nothing was written")


def _unflow_empty(edit: Editable, owner: MappingNode, found: SequenceNode) -> str:
    key = next(k for k, v in owner.value if v is found)
    colon = edit.text.index(":", edit.offset(key.end_mark)) + 1
    return edit.text[:colon] + edit.text[edit.offset(found.end_mark) :]


def _at_end(text: str, lines: list[str]) -> str:
    newline = "\r\n" if "\r\n" in text else "\n"
    head = text if not text or text.endswith(("\n", "\r")) else text + newline
    return head + "".join(line + newline for line in lines)
