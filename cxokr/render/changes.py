"""What moved (`cxokr report --since`) as plain text, Markdown or a versioned JSON document.

All three read the same `Changes`. Text and Markdown list what changed and
count the rest; JSON holds every key result, objective and team listed, with
`changed` saying which moved. Lines are never wrapped: each line of text goes
through `escape_controls` (a line break or escape sequence in a title or note
is shown escaped), user text in Markdown through `markdown.escape`.
"""

from __future__ import annotations

import json
from typing import Any

from cxokr.compute.report import KrRow
from cxokr.git.changes import CHANGES_VERSION, Changes, KrDelta, ObjectiveDelta, Then
from cxokr.model import Checkin, CheckinEntry
from cxokr.render.controls import escape_controls, json_text
from cxokr.render.markdown import escape, number, percent


def points(then: float | None, now: float | None) -> str:
    """The change in percentage points, signed; empty when either side is unknown."""
    if then is None or now is None:
        return ""
    delta = round((now - then) * 100)
    return f"{delta:+d} pts" if delta else "±0 pts"


def _short(ref: str) -> str:
    return ref.split(":", 1)[1]


def _state(row: Any) -> str:
    """Progress and status of a key result or objective row; `new`/`gone` when absent."""
    if row is None:
        return ""
    status = str(row.status.value)
    return status if row.progress is None else f"{percent(row.progress)} {status}"


def _move(then: Any, now: Any, arrow: str) -> str:
    if then is None:
        return f"new: {_state(now)}"
    if now is None:
        return f"gone (was {_state(then)})"
    return f"{_state(then)} {arrow} {_state(now)}"


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


def text(changes: Changes, arrow: str = "→", dot: str = "·") -> str:
    filters = "".join(f" {dot} {name} {value}" for name, value in changes.filters.applied())
    lines = [
        f"{changes.organization} {dot} {changes.period.id} {dot} what moved since "
        f"{changes.then.since}, as of {changes.as_of}{filters}",
        _then_line(changes.then),
        f"organization {percent(changes.progress_then)} {arrow} "
        f"{percent(changes.progress_now)}  {points(changes.progress_then, changes.progress_now)}",
    ]
    teams = [t for t in changes.teams if t.then != t.now]
    if teams:
        lines += ["", "Teams"]
        width = max(len(t.id) for t in teams)
        lines += [
            f"  {t.id:<{width}}  {percent(t.then)} {arrow} {percent(t.now)}  {points(t.then, t.now)}"
            for t in teams
        ]
    objectives = [o for o in changes.objectives if o.changed]
    if objectives:
        lines += ["", "Objectives"]
        lines += [_objective_line(o, arrow) for o in objectives]
    krs = [k for k in changes.key_results if k.changed]
    if krs:
        lines += ["", "Key results"]
        for kr in krs:
            lines.append(
                f"  {_short(kr.ref)}  {_move(kr.then, kr.now, arrow)}  {_kr_points(kr)}".rstrip()
            )
            details = _kr_details(kr, arrow)
            if details:
                lines.append(f"      {f' {dot} '.join(details)}")
    new = changes.new_checkins()
    if new:
        lines += ["", "New check-ins"]
        for kr, c in new:
            by = f"  {c.by}" if c.by else ""
            lines.append(f"  {c.date}  {_short(kr.ref)}  {_checkin(c)}{by}".rstrip())
    moved = [k for k in changes.key_results if k.target_changed]
    if moved:
        lines += ["", "Changed targets"]
        lines += [f"  {_short(k.ref)}  {_target(k, arrow)}" for k in moved]
    stale = [k for k in changes.key_results if k.went_stale]
    if stale:
        lines += ["", "Went stale"]
        lines += [f"  {_short(k.ref)}  {_age(k.now)}" for k in stale]
    still = len(changes.key_results) - len(krs)
    lines += ["", f"{still} key result{'s' if still != 1 else ''} did not move"]
    return "\n".join(escape_controls(line) for line in lines) + "\n"


def _objective_line(o: ObjectiveDelta, arrow: str) -> str:
    moved = points(o.then.progress if o.then else None, o.now.progress if o.now else None)
    return f"  {_short(o.ref)}  {_move(o.then, o.now, arrow)}  {moved}".rstrip()


def _kr_points(kr: KrDelta) -> str:
    return points(kr.then.progress if kr.then else None, kr.now.progress if kr.now else None)


def _age(row: KrRow | None) -> str:
    if row is None or row.last_update is None:
        return "no update this period"
    return f"last update {row.last_update} ({row.age_days} days ago)"


# --- Markdown --------------------------------------------------------------------------------


def markdown(changes: Changes) -> str:
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
    teams = [t for t in changes.teams if t.then != t.now]
    if teams:
        lines += ["", "### Teams", "", "| team | then | now | change |", "|---|---|---|---|"]
        lines += [
            f"| {escape(t.name)} | {percent(t.then)} | {percent(t.now)} | {points(t.then, t.now)} |"
            for t in teams
        ]
    objectives = [o for o in changes.objectives if o.changed]
    if objectives:
        lines += ["", "### Objectives", "", "| objective | then | now | change |"]
        lines.append("|---|---|---|---|")
        for o in objectives:
            moved = points(o.then.progress if o.then else None, o.now.progress if o.now else None)
            lines.append(
                f"| {escape(o.title)} ({escape(_short(o.ref))}) | {_state(o.then) or 'new'} "
                f"| {_state(o.now) or 'gone'} | {moved} |"
            )
    krs = [k for k in changes.key_results if k.changed]
    if krs:
        lines += ["", "### Key results", "", "| key result | then | now | change | what moved |"]
        lines.append("|---|---|---|---|---|")
        for kr in krs:
            lines.append(
                f"| {escape(kr.title)} ({escape(_short(kr.ref))}) | {_state(kr.then) or 'new'} "
                f"| {_state(kr.now) or 'gone'} | {_kr_points(kr)} "
                f"| {escape('; '.join(_kr_details(kr, arrow)))} |"
            )
    new = changes.new_checkins()
    if new:
        lines += ["", "### New check-ins", ""]
        lines += [
            f"- {c.date} {escape(_short(kr.ref))}: {escape(_checkin(c))}"
            + (f" ({escape(c.by)})" if c.by else "")
            for kr, c in new
        ]
    still = len(changes.key_results) - len(krs)
    lines += ["", f"{still} key result{'s' if still != 1 else ''} did not move.", ""]
    return "\n".join(lines)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- JSON ------------------------------------------------------------------------------------


def _figures(row: Any, kr: bool) -> dict[str, Any] | None:
    if row is None:
        return None
    found = {"progress": row.progress, "status": row.status.value}
    if kr:
        found |= {
            "value": row.value,
            "start": row.start,
            "target": row.target,
            "confidence": row.confidence,
            "stale": row.stale,
        }
    return found


def document(changes: Changes) -> dict[str, Any]:
    then = changes.then
    return {
        "version": CHANGES_VERSION,
        "organization": changes.organization,
        "period": changes.period.model_dump(mode="json"),
        "as_of": changes.as_of.isoformat(),
        "since": then.since,
        "then": {
            "as_of": then.as_of.isoformat(),
            "commit": then.commit.sha if then.commit else None,
            "committed": then.commit.committed.isoformat() if then.commit else None,
            "complete": then.incomplete is None,
            "incomplete": then.incomplete,
        },
        "progress": {"then": changes.progress_then, "now": changes.progress_now},
        "teams": [
            {"id": t.id, "name": t.name, "then": t.then, "now": t.now} for t in changes.teams
        ],
        "objectives": [
            {
                "ref": o.ref,
                "team": o.team,
                "title": o.title,
                "changed": o.changed,
                "then": _figures(o.then, kr=False),
                "now": _figures(o.now, kr=False),
            }
            for o in changes.objectives
        ],
        "key_results": [
            {
                "ref": k.ref,
                "title": k.title,
                "owner": k.owner,
                "unit": k.unit,
                "changed": k.changed,
                "target_changed": k.target_changed,
                "moved_goalposts": k.moved_goalposts,
                "rebaseline": k.rebaseline,
                "went_stale": k.went_stale,
                "new_readings": k.readings,
                "new_checkins": [
                    Checkin.model_construct(**c._asdict()).model_dump(mode="json")
                    for c in k.checkins
                ],
                "then": _figures(k.then, kr=True),
                "now": _figures(k.now, kr=True),
            }
            for k in changes.key_results
        ],
        "filters": {
            "team": changes.filters.team,
            "level": changes.filters.level,
            "owner": changes.filters.owner,
        },
    }


def as_json(changes: Changes) -> str:
    return json_text(document(changes)) + "\n"
