"""What moved (`cxokr report --since`) as plain text, Markdown or a versioned JSON document.

All three read the same `Changes`. Text and Markdown show its `moved()`, the
one selection of what changed, with the pieces they share written once (a
row's state then and now, its change in points, what moved in a key result, a
new check-in, the point compared with) and count the rest; JSON holds every
key result, objective and team listed, with `changed` saying which moved. Each
line of text goes through `escape_controls` (a line break or escape sequence in a
title or note is shown escaped), user text in Markdown through `markdown.escape`.
Text for a terminal is broken between words at its width, a number never parted
from its unit (`wrap.fields`); written to a file, a line stays whole.
"""

from __future__ import annotations

import json
from typing import Any

from rich.cells import cell_len

from cxokr.compute.report_data import KrRow, ObjectiveRow
from cxokr.git.changes_data import (
    CHANGES_VERSION,
    Changes,
    KrDelta,
    ObjectiveDelta,
    TeamDelta,
    Then,
)
from cxokr.model import Checkin, CheckinEntry
from cxokr.render.controls import escape_controls, json_text
from cxokr.render.markdown import escape, number, percent
from cxokr.render.wrap import fields

# --- Shared by the three formats --------------------------------------------------------------


def points(then: float | None, now: float | None) -> str:
    """The change in percentage points, signed; empty when either side is unknown."""
    if then is None or now is None:
        return ""
    delta = round((now - then) * 100)
    return f"{delta:+d} pts" if delta else "±0 pts"


def _short(ref: str) -> str:
    return ref.split(":", 1)[1]


def _state(row: KrRow | ObjectiveRow | None) -> str:
    """Progress and status of a key result or objective row; empty when absent."""
    if row is None:
        return ""
    status = str(row.status.value)
    return status if row.progress is None else f"{percent(row.progress)} {status}"


def _change(delta: KrDelta | ObjectiveDelta) -> str:
    """The change in progress of a key result or objective, in points."""
    return points(
        delta.then.progress if delta.then else None, delta.now.progress if delta.now else None
    )


def _unmoved(count: int) -> str:
    return f"{count} key result{'s' if count != 1 else ''} did not move"


def _then_line(then: Then) -> str:
    if then.commit is None:
        return f"then: nothing committed before {then.since} (everything is new)"
    c = then.commit
    return f"then: as of {then.as_of}, the workspace at {c.short} ({c.committed.date()})"


def _kr_details(kr: KrDelta, arrow: str) -> list[str]:
    unit = f" {kr.unit}" if kr.unit else ""
    found = []
    if kr.then and kr.now and kr.then.value != kr.now.value:
        found.append(f"value {number(kr.then.value)} {arrow} {number(kr.now.value)}{unit}")
    if kr.target_changed:
        found.append(_target(kr, arrow))
    if kr.checkins:
        found.append(f"{len(kr.checkins)} new check-in{'s' if len(kr.checkins) > 1 else ''}")
    if kr.readings:
        found.append(f"{kr.readings} new reading{'s' if kr.readings > 1 else ''}")
    if kr.went_stale:
        found.append("went stale")
    return found


def _target(kr: KrDelta, arrow: str) -> str:
    assert kr.then is not None and kr.now is not None
    parts = []
    for name in ("start", "target"):
        old, new = getattr(kr.then, name), getattr(kr.now, name)
        if old != new:
            parts.append(f"{name} {number(old)} {arrow} {number(new)}")
    text = ", ".join(parts)
    if kr.moved_goalposts:
        return f"{text} (moved goalposts: no rebaseline note)"
    if kr.rebaseline:
        return f"{text} (rebaseline: {json.dumps(kr.rebaseline, ensure_ascii=False)})"
    return text


def _checkin(checkin: CheckinEntry) -> str:
    parts = [] if checkin.value is None else [number(checkin.value)]
    if checkin.confidence is not None:
        parts.append(f"confidence {number(checkin.confidence)}")
    if checkin.note:
        parts.append(json.dumps(checkin.note, ensure_ascii=False))
    return ", ".join(parts)


# --- Text ------------------------------------------------------------------------------------


def text(changes: Changes, arrow: str = "→", dot: str = "·", width: int | None = None) -> str:
    """What moved as plain text; on lines of `width` columns when given, broken between
    words (`wrap.fields`), else a line each, never broken."""
    moved = changes.moved()
    lines = [
        *_text_head(changes, arrow, dot),
        *_section("Teams", _team_lines(moved.teams, arrow)),
        *_section("Objectives", [_delta_line(o, arrow) for o in moved.objectives]),
        *_section("Key results", [x for k in moved.key_results for x in _kr_lines(k, arrow, dot)]),
        *_section("New check-ins", [_checkin_line(kr, c) for kr, c in moved.checkins]),
        *_section(
            "Changed targets", [f"  {_short(k.ref)}  {_target(k, arrow)}" for k in moved.targets]
        ),
        *_section("Went stale", [f"  {_short(k.ref)}  {_age(k.now)}" for k in moved.stale]),
        "",
        _unmoved(moved.still),
    ]
    shown = [escape_controls(line) for line in lines]
    if width is not None:
        shown = [part for line in shown for part in _fitted(line, width)]
    return "\n".join(shown) + "\n"


def _fitted(line: str, width: int) -> list[str]:
    """The line as it is where it fits (its columns stay aligned), else broken (`fields`)."""
    return [line] if cell_len(line) <= width else fields(line, width)


def _text_head(changes: Changes, arrow: str, dot: str) -> list[str]:
    """What is compared with what, and the organization's progress then and now."""
    filters = "".join(f" {dot} {name} {value}" for name, value in changes.filters.applied())
    return [
        f"{changes.organization} {dot} {changes.period.id} {dot} what moved since "
        f"{changes.then.since}, as of {changes.as_of}{filters}",
        _then_line(changes.then),
        f"organization {percent(changes.progress_then)} {arrow} "
        f"{percent(changes.progress_now)}  {points(changes.progress_then, changes.progress_now)}",
    ]


def _section(title: str, lines: list[str]) -> list[str]:
    """A titled block after a blank line; nothing when it would be empty."""
    return ["", title, *lines] if lines else []


def _team_lines(teams: tuple[TeamDelta, ...], arrow: str) -> list[str]:
    width = max((len(t.id) for t in teams), default=0)
    return [
        f"  {t.id:<{width}}  {percent(t.then)} {arrow} {percent(t.now)}  {points(t.then, t.now)}"
        for t in teams
    ]


def _delta_line(delta: KrDelta | ObjectiveDelta, arrow: str) -> str:
    """A key result's or objective's state then and now, and its change in points."""
    if delta.then is None:
        move = f"new: {_state(delta.now)}"
    elif delta.now is None:
        move = f"gone (was {_state(delta.then)})"
    else:
        move = f"{_state(delta.then)} {arrow} {_state(delta.now)}"
    return f"  {_short(delta.ref)}  {move}  {_change(delta)}".rstrip()


def _kr_lines(kr: KrDelta, arrow: str, dot: str) -> list[str]:
    """A key result's line, and what moved in it on the next when anything did."""
    details = _kr_details(kr, arrow)
    return [_delta_line(kr, arrow), *([f"      {f' {dot} '.join(details)}"] if details else [])]


def _checkin_line(kr: KrDelta, checkin: CheckinEntry) -> str:
    by = f"  {checkin.by}" if checkin.by else ""
    return f"  {checkin.date}  {_short(kr.ref)}  {_checkin(checkin)}{by}".rstrip()


def _age(row: KrRow | None) -> str:
    if row is None or row.last_update is None:
        return "no update this period"
    days = row.age_days
    return f"last update {row.last_update} ({days} day{'' if days == 1 else 's'} ago)"


# --- Markdown --------------------------------------------------------------------------------


def markdown(changes: Changes) -> str:
    moved = changes.moved()
    lines = [
        *_markdown_head(changes),
        *_table("Teams", ("team", "then", "now", "change"), [_team_cells(t) for t in moved.teams]),
        *_table(
            "Objectives",
            ("objective", "then", "now", "change"),
            [_delta_cells(o) for o in moved.objectives],
        ),
        *_table(
            "Key results",
            ("key result", "then", "now", "change", "what moved"),
            [(*_delta_cells(k), escape("; ".join(_kr_details(k, "→")))) for k in moved.key_results],
        ),
        *_bullets("New check-ins", [_checkin_item(kr, c) for kr, c in moved.checkins]),
        "",
        f"{_unmoved(moved.still)}.",
        "",
    ]
    return "\n".join(lines)


def _markdown_head(changes: Changes) -> list[str]:
    """The title; what is compared with what and the organization's progress, as a sentence;
    and a note when history is incomplete."""
    arrow = "→"
    filters = "".join(f", {name} {escape(value)}" for name, value in changes.filters.applied())
    lines = [
        f"## {escape(changes.organization)}: what moved in {escape(changes.period.id)} "
        f"since {escape(changes.then.since)}",
        "",
        f"As of {changes.as_of}{filters}. {escape(_sentence(_then_line(changes.then)))}. "
        f"Organization {percent(changes.progress_then)} {arrow} {percent(changes.progress_now)} "
        f"{points(changes.progress_then, changes.progress_now)}".rstrip(),
    ]
    if changes.then.incomplete:
        lines += ["", f"> **Note:** {escape(changes.then.incomplete)}"]
    return lines


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _table(title: str, columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    """A titled table after a blank line; nothing when it would have no rows."""
    if not rows:
        return []
    return ["", f"### {title}", "", _row(columns), "|" + "---|" * len(columns), *map(_row, rows)]


def _row(cells: tuple[str, ...]) -> str:
    return f"| {' | '.join(cells)} |"


def _bullets(title: str, items: list[str]) -> list[str]:
    return ["", f"### {title}", "", *items] if items else []


def _team_cells(team: TeamDelta) -> tuple[str, ...]:
    return (
        escape(team.name),
        percent(team.then),
        percent(team.now),
        points(team.then, team.now),
    )


def _delta_cells(delta: KrDelta | ObjectiveDelta) -> tuple[str, ...]:
    """A key result's or objective's title and reference, its state then and now (`new`,
    `gone`) and its change in points."""
    return (
        f"{escape(delta.title)} ({escape(_short(delta.ref))})",
        _state(delta.then) or "new",
        _state(delta.now) or "gone",
        _change(delta),
    )


def _checkin_item(kr: KrDelta, checkin: CheckinEntry) -> str:
    by = f" ({escape(checkin.by)})" if checkin.by else ""
    return f"- {checkin.date} {escape(_short(kr.ref))}: {escape(_checkin(checkin))}{by}"


# --- JSON ------------------------------------------------------------------------------------


def document(changes: Changes) -> dict[str, Any]:
    return {
        "version": CHANGES_VERSION,
        "organization": changes.organization,
        "period": changes.period.model_dump(mode="json"),
        "as_of": changes.as_of.isoformat(),
        "since": changes.then.since,
        "then": _then_document(changes.then),
        "progress": {"then": changes.progress_then, "now": changes.progress_now},
        "teams": [
            {"id": t.id, "name": t.name, "then": t.then, "now": t.now} for t in changes.teams
        ],
        "objectives": [_objective_document(o) for o in changes.objectives],
        "key_results": [_kr_document(k) for k in changes.key_results],
        "filters": {
            "team": changes.filters.team,
            "level": changes.filters.level,
            "owner": changes.filters.owner,
        },
    }


def _then_document(then: Then) -> dict[str, Any]:
    return {
        "as_of": then.as_of.isoformat(),
        "commit": then.commit.sha if then.commit else None,
        "committed": then.commit.committed.isoformat() if then.commit else None,
        "complete": then.incomplete is None,
        "incomplete": then.incomplete,
    }


def _objective_document(objective: ObjectiveDelta) -> dict[str, Any]:
    return {
        "ref": objective.ref,
        "team": objective.team,
        "title": objective.title,
        "changed": objective.changed,
        "then": _figures(objective.then),
        "now": _figures(objective.now),
    }


def _kr_document(kr: KrDelta) -> dict[str, Any]:
    return {
        "ref": kr.ref,
        "title": kr.title,
        "owner": kr.owner,
        "unit": kr.unit,
        "changed": kr.changed,
        "target_changed": kr.target_changed,
        "moved_goalposts": kr.moved_goalposts,
        "rebaseline": kr.rebaseline,
        "went_stale": kr.went_stale,
        "new_readings": kr.readings,
        "new_checkins": [
            Checkin.model_construct(**c._asdict()).model_dump(mode="json") for c in kr.checkins
        ],
        "then": _figures(kr.then),
        "now": _figures(kr.now),
    }


def _figures(row: KrRow | ObjectiveRow | None) -> dict[str, Any] | None:
    """A row's progress and status; a key result's value, goalposts, confidence and
    staleness too."""
    if row is None:
        return None
    found: dict[str, Any] = {"progress": row.progress, "status": row.status.value}
    if isinstance(row, KrRow):
        found |= {
            "value": row.value,
            "start": row.start,
            "target": row.target,
            "confidence": row.confidence,
            "stale": row.stale,
        }
    return found


def as_json(changes: Changes) -> str:
    return json_text(document(changes)) + "\n"
