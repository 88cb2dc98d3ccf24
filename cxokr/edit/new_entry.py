"""New entries (`cxokr new`): a team or metric file, and what every new entry shares.

A new team or metric is a new file, generated whole and written atomically
(never over an existing one). A new objective or key result is a located
insert into an OKR file people wrote (`new_okr`). Either way the new text is
read back by the strict reader, and the whole workspace is checked with it in
place before anything is written: an entry that would bring a problem `cxokr
check` reports as an error is refused, naming the problem at its line.

The checks a prompt asks one answer at a time (`known_team`, `free_id`, ...)
are the ones the writers run, so a script and a person are refused alike.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, ValidationError

from cxokr.edit import fileio
from cxokr.errors import UsageError
from cxokr.load import kinds
from cxokr.load.kinds import DocumentKind
from cxokr.load.parsing import validation_problems
from cxokr.load.workspace import Workspace
from cxokr.model import Direction, Metric, Team, is_slug
from cxokr.problems import Problem, Severity
from cxokr.rules.checks import check
from cxokr.yamlio import scalar

MAX_ID = 64


@dataclass(frozen=True)
class Added:
    """What a new entry wrote: the file, the line its entry starts on (1-based), the
    reference that names it, and the commit message that says what was added."""

    path: Path
    line: int
    ref: str
    message: str
    remaining: int = 0  # errors the workspace had before, elsewhere: still there
    warnings: tuple[str, ...] = ()  # new warnings `cxokr check` will show, located


# --- Answers checked one at a time ----------------------------------------------------------


def suggest_id(title: str) -> str:
    """A slug from a title: `Grow the basket!` -> `grow-the-basket`, cut at a word, at most 64."""
    words = re.findall(r"[a-z0-9]+", title.lower())
    slug = ""
    for word in words:
        longer = f"{slug}-{word}" if slug else word
        if len(longer) > MAX_ID:
            break
        slug = longer
    return slug or (words[0][:MAX_ID] if words else "")


def valid_id(ident: str, what: str, title: str | None = None) -> str:
    """`ident` when it is a slug; else a UsageError suggesting one (from `title` when given)."""
    if is_slug(ident):
        return ident
    hint = suggest_id(title or ident)
    again = f"; for example {hint}" if hint else ""
    raise UsageError(
        f"{what} ID {ident!r} is not a valid ID "
        f"(lowercase letters, digits and '-', at most {MAX_ID}){again}"
    )


def did_you_mean(wanted: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(wanted, list(known), n=1, cutoff=0.6)
    return f"; did you mean {close[0]}?" if close else ""


def known_team(ws: Workspace, team: str) -> str:
    """`team` when it exists; else a UsageError with the closest team's name."""
    if team in ws.teams:
        return team
    raise UsageError(
        f"no team {team!r}{did_you_mean(team, ws.teams)} "
        f"(add one with: cxokr new team {team if is_slug(team) else 'ID'})"
    )


def known_metric(ws: Workspace, metric: str) -> Metric:
    if metric in ws.metrics:
        return ws.metrics[metric]
    raise UsageError(
        f"no metric {metric!r}{did_you_mean(metric, ws.metrics)} "
        f"(add one with: cxokr new metric {metric if is_slug(metric) else 'ID'})"
    )


def known_period(ws: Workspace, period: str) -> str:
    if period in ws.periods:
        return period
    declared = ", ".join(ws.periods) or "none"
    raise UsageError(
        f"no period {period!r}{did_you_mean(period, ws.periods)} (declared: {declared}; "
        f"add one with: cxokr period add {period})"
    )


def free_file(ws: Workspace, kind: DocumentKind[Any], ident: str, what: str) -> Path:
    """The path of a new `kind` file for `ident`, refused when it exists or is not a slug."""
    valid_id(ident, what)
    rel = kind.path(ident)
    path = ws.root / rel
    if path.exists() or path.is_symlink():
        raise UsageError(f"{what} {ident!r} already exists ({rel})")
    return path


def level(text: str) -> int:
    """A team level from its answer: 1 to 4."""
    if text.strip() in {"1", "2", "3", "4"}:
        return int(text)
    raise UsageError(f"level {text!r} is not 1, 2, 3 or 4")


def direction(text: str) -> Direction:
    try:
        return Direction(text.strip().lower())
    except ValueError:
        raise UsageError(f"direction {text!r} is not higher or lower") from None


# --- Text ----------------------------------------------------------------------------------


def flow(value: Any) -> str:
    """`value` as one line of YAML: a scalar, or a flow mapping or list of them."""
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{flow(k)}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    if isinstance(value, date):
        return value.isoformat()
    return str(scalar(value))


def block(data: Mapping[str, Any], indent: str) -> list[str]:
    """Block-mapping lines of `data`: lists of mappings as block lists, all else on one line."""
    lines = []
    for key, value in data.items():
        if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            lines.append(f"{indent}{key}:")
            lines += items(value, indent + "  ")
        else:
            lines.append(f"{indent}{key}: {flow(value)}")
    return lines


def items(entries: Sequence[Mapping[str, Any]], dash: str) -> list[str]:
    """Block-list lines of mappings, each `- ` at `dash`, its keys two further in."""
    lines = []
    for entry in entries:
        inner = block(entry, dash + "  ")
        lines.append(f"{dash}- {inner[0].lstrip()}")
        lines += inner[1:]
    return lines


def modeline(kind: DocumentKind[Any]) -> str:
    up = "../../" if kind.by_period else "../"
    return f"# yaml-language-server: $schema={up}schemas/{kind.name}.schema.json"


def invalid(exc: ValidationError, data: Any, what: str) -> UsageError:
    """A UsageError naming each field of a new entry the model refused."""
    found = [message for _, _, message in validation_problems(exc, data)]
    return UsageError(f"the new {what} is not valid: {'; '.join(found)}")


# --- Checking the workspace with a new document in place -------------------------------------


@dataclass(frozen=True)
class Checked:
    """A new document as read back, and what `cxokr check` says with it in place: its new
    warnings (located) and the errors the workspace had before, elsewhere."""

    value: Any
    warnings: tuple[str, ...]
    remaining: int


def with_document(
    ws: Workspace, kind: DocumentKind[Any], key: Any, rel: str, raw: bytes
) -> Checked:
    """The model `raw` reads as (refused, located, when it reads with any issue), and the
    workspace checked with it at `rel`: refused when that brings a new error."""
    outcome = kind.parse(raw)
    if outcome.issues or outcome.value is None:
        found = "; ".join(f"{rel}:{i.line}:{i.col}: {i.message}" for i in outcome.issues)
        raise UsageError(
            f"the new text of {rel} would not read back ({found}); nothing was written"
        )
    after = replace(
        ws,
        marks=MappingProxyType({**ws.marks, rel: outcome.marks}),
        problems=tuple(p for p in ws.problems if p.path != rel),
        failed=ws.failed - {rel},
    )
    if kind is kinds.TEAM:
        after = replace(after, teams=MappingProxyType({**ws.teams, key: outcome.value}))
    elif kind is kinds.METRIC:
        after = replace(after, metrics=MappingProxyType({**ws.metrics, key: outcome.value}))
    else:
        after = replace(after, okrs=MappingProxyType({**ws.okrs, key: outcome.value}))
    warned, remaining = _refuse_new_errors(check(ws), check(after))
    return Checked(outcome.value, warned, remaining)


def _refuse_new_errors(
    before: Sequence[Problem], after: Sequence[Problem]
) -> tuple[tuple[str, ...], int]:
    """Refuse when `after` holds an error `before` did not (lines may have moved); else the
    warnings `after` holds that `before` did not, and the count of errors both hold."""
    known = Counter((p.code, p.path, p.message) for p in before)
    new: list[str] = []
    warned: list[str] = []
    remaining = 0
    for p in after:
        key = (p.code, p.path, p.message)
        if known[key]:
            known[key] -= 1
            remaining += p.severity is Severity.ERROR
            continue
        shown = f"{p.path}:{p.line}:{p.col}: {p.code} {p.message}"
        (new if p.severity is Severity.ERROR else warned).append(shown)
    if new:
        raise UsageError("it would not check clean: " + "; ".join(new) + "; nothing was written")
    return tuple(warned), remaining


def write_new(ws: Workspace, path: Path, text: str) -> None:
    """A new file, written atomically; never over one that exists, never through a link."""
    fileio.write_file(ws.root, path, text.encode("utf-8"), new=True)


# --- Teams and metrics -----------------------------------------------------------------------


def new_team(ws: Workspace, ident: str, fields: Mapping[str, Any]) -> Added:
    """Write teams/<ident>.yaml with `fields` (name, level, parent, lead, members, function)."""
    path = free_file(ws, kinds.TEAM, ident, "team")
    parent = fields.get("parent")
    if parent is not None:
        known_team(ws, parent)
    data = _model_data(Team, fields, "team")
    text = "\n".join([modeline(kinds.TEAM), *block(data, "")]) + "\n"
    checked = with_document(ws, kinds.TEAM, ident, kinds.TEAM.path(ident), text.encode())
    write_new(ws, path, text)
    message = f"new: team {ident} ({data['name']})"
    return Added(path, 2, ident, message, checked.remaining, checked.warnings)


def new_metric(ws: Workspace, ident: str, fields: Mapping[str, Any]) -> Added:
    """Write metrics/<ident>.yaml with `fields` (name, unit, direction, description, owner,
    source, segments)."""
    path = free_file(ws, kinds.METRIC, ident, "metric")
    owner = fields.get("owner")
    if owner is not None:
        known_team(ws, owner)
    for segment in fields.get("segments") or ():
        valid_id(segment, "segment")
    data = _model_data(Metric, fields, "metric")
    text = "\n".join([modeline(kinds.METRIC), *block(data, "")]) + "\n"
    checked = with_document(ws, kinds.METRIC, ident, kinds.METRIC.path(ident), text.encode())
    write_new(ws, path, text)
    message = f"new: metric {ident} ({data['name']}, {data['unit']})"
    return Added(path, 2, ident, message, checked.remaining, checked.warnings)


def _model_data(model: type[BaseModel], fields: Mapping[str, Any], what: str) -> dict[str, Any]:
    """The fields given (None and empty lists left out), in the model's order, validated."""
    data = {
        name: fields[name]
        for name in model.model_fields
        if fields.get(name) is not None and fields.get(name) != []
    }
    try:
        model.model_validate(data)
    except ValidationError as exc:
        raise invalid(exc, data, what) from None
    return data
