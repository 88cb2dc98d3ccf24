"""The audit trail (`cxokr log`) as text lines or a versioned JSON document.

One line per event, never wrapped: date, commit, author, then what changed.
User text (titles, notes) is quoted as JSON strings, and every line goes
through `escape_controls`, so a newline, escape sequence or bidi control in a
title, note or git author name is shown escaped and cannot break a line.
"""

from __future__ import annotations

import json
import re
from typing import Any, TextIO

from cxokr.git.audit_data import TRAIL_VERSION, Event, FieldChange, Kind, Trail
from cxokr.model import Checkin, Reading
from cxokr.render.controls import escape_controls, json_text
from cxokr.render.encoding import symbol

_WORD = re.compile(r"[A-Za-z0-9][\w.@:/+-]*|[+-][0-9.]+%")  # an ID, ref, +10%


def value(item: Any) -> str:
    """A field's value for a line of text: numbers trimmed, lists joined, mappings in braces,
    and text quoted unless it is a single word such as an ID, a reference, an email address
    or a relative target (`+10%`)."""
    if item is None:
        return "none"
    if isinstance(item, bool):
        return str(item).lower()
    if isinstance(item, float | int):
        return f"{item:g}"
    if isinstance(item, list):
        return ", ".join(value(v) for v in item) or "none"
    if isinstance(item, dict):  # `start: {reading: DATE}`, a schedule, a checklist item
        return "{" + ", ".join(f"{value(k)}: {value(v)}" for k, v in item.items()) + "}"
    text = str(item)
    return text if _WORD.fullmatch(text) else json.dumps(text, ensure_ascii=False)


def _change(change: FieldChange, arrow: str) -> str:
    if change.old is None and change.new is not None:
        return f"{change.field} {value(change.new)}"
    return f"{change.field} {value(change.old)} {arrow} {value(change.new)}"


def _marks(entry: Checkin) -> str:
    """What a check-in says of a checklist or score: `done outline, migrate`,
    `reopened migrate`, `score 0.6`."""
    said = [] if entry.score is None else [f"score {value(entry.score)}"]
    said += [f"done {value(entry.done)}"] if entry.done else []
    said += [f"reopened {value(entry.undone)}"] if entry.undone else []
    return ", ".join(said)


def _entry(entry: Checkin | Reading) -> str:
    head = [] if entry.value is None else [value(entry.value)]
    if isinstance(entry, Reading) and entry.segment:
        head.append(entry.segment)
    if isinstance(entry, Checkin) and _marks(entry):
        head.append(_marks(entry))
    head.append(f"on {entry.date.isoformat()}")
    extra = []
    if isinstance(entry, Checkin):
        if entry.confidence is not None:
            extra.append(f"confidence {value(entry.confidence)}")
        if entry.note:
            extra.append(f"note {value(entry.note)}")
    return ", ".join([" ".join(head), *extra])


def describe(event: Event, subject: str, arrow: str = "→") -> str:
    """What an event did, as shown after its date, commit and author."""
    what = event.subject.removeprefix(subject).lstrip("/")
    if event.kind in (Kind.READING, Kind.READING_REMOVED):
        what = f"{event.subject}:"
    elif what:
        what += ":"
    detail = ""
    if event.entry is not None:
        detail = _entry(event.entry)
    elif event.changes:
        detail = ", ".join(_change(c, arrow) for c in event.changes)
        if event.kind is Kind.CREATED:
            detail = f"with {detail}"
    return " ".join(part for part in (what, event.kind.value, detail) if part)


def arrow(stream: TextIO | None = None) -> str:
    """→ where the stream can print it, else ->."""
    return symbol("→", "->", stream)


def text(trail: Trail, arrow: str = "→") -> str:
    subject = str(trail.subject)
    header = subject + (f"  {trail.title}" if trail.title else "")
    width = max((len(escape_controls(e.commit.author)) for e in trail.events), default=0)
    lines = [header]
    for event in trail.events:
        author = escape_controls(event.commit.author)
        lines.append(
            f"{event.commit.authored.date().isoformat()}  {event.commit.short}  "
            f"{author:<{width}}  {describe(event, subject, arrow)}"
        )
    return "\n".join(escape_controls(line) for line in lines) + "\n"


def document(trail: Trail) -> dict[str, Any]:
    return {
        "version": TRAIL_VERSION,
        "ref": str(trail.subject),
        "title": trail.title,
        "since": trail.since,
        "complete": trail.incomplete is None,
        "incomplete": trail.incomplete,
        "events": [_event(e) for e in trail.events],
    }


def _event(event: Event) -> dict[str, Any]:
    return {
        "date": event.commit.authored.isoformat(),
        "commit": event.commit.sha,
        "author": event.commit.author,
        "email": event.commit.email,
        "message": event.commit.subject,
        "kind": event.kind.value,
        "subject": event.subject,
        "changes": [{"field": c.field, "old": c.old, "new": c.new} for c in event.changes],
        "entry": event.entry.model_dump(mode="json", exclude_none=True) if event.entry else None,
    }


def as_json(trail: Trail) -> str:
    return json_text(document(trail)) + "\n"
