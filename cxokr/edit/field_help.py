"""What each field of each file kind means, in the words an editor shows on hover.

One entry a field of every model in `cxokr.model` (and `cxokr.model_config`), by the model's and the field's
name: what the field means, the forms it takes, and an example. `schema` writes
them into the JSON Schemas as each property's `description`, so the models keep
their types and this table keeps the help text (docs/format.md says the same at
length).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

_SLUG = "lowercase letters, digits and -, starting with a letter or digit, at most 64 characters"
_REF = (
    "a reference: team/objective, team/objective/kr, or with a period in front "
    "(2026:company/raise-aov) for another period"
)

_CONFIG = {
    "organization": "The organization's name, shown at the top of every report. "
    "Example: organization: Northwind Outfitters",
    "periods": "The periods OKRs belong to, each {id, start, end}; the current period is the "
    "narrowest one containing today. Example: - {id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}",
    "levels": "Names of the four team levels, by level number 1-4 (written 1 or '1'). "
    "Default: 1 Executive, 2 CX leadership, 3 CX management, 4 Operations. "
    "Example: levels: {1: Board, 2: Directors}",
    "status": "Pace thresholds: pace (progress / expected) at or above on_track is on track, "
    "at or above at_risk at risk, below it off track. Example: status: {on_track: 0.9, at_risk: 0.6}",
    "stale_after_days": "Days without a check-in or reading before a key result of an active "
    "period is stale; a whole number, at least 1 (default 14). Example: stale_after_days: 7",
    "chat": "Chat settings for cxokr notify: handles maps owners to the chat handles "
    "notify --remind mentions. Example: chat: {handles: {dana@acme.example: '@dana'}}",
    "connections": "Where metrics' sync queries run, by name (a slug), each {url}; a metric's "
    "sync names one. Secrets only through environment variables. "
    "Example: connections: {warehouse: {url: env:CXOKR_WAREHOUSE_URL}, exports: {url: 'duckdb:'}}",
}

_CONNECTION = {
    "url": "env:VARNAME (the whole URL read from that variable when sync runs, for anything "
    "with a password), duckdb: (DuckDB in memory, paths in queries relative to the workspace), "
    "duckdb:PATH.duckdb (a DuckDB file in the workspace), or a SQLAlchemy URL with no password. "
    "Example: url: env:CXOKR_WAREHOUSE_URL",
}

_SYNC = {
    "connection": "The connection the query runs on, named in cxokr.yaml connections. "
    "Example: connection: warehouse",
    "query": "The SQL query cxokr sync runs: it returns date and value, and optionally segment "
    "and source; :since is the first day wanted, the day after the newest reading held. "
    "Example: query: select day as date, avg(total) as value from orders where day >= :since group by 1",
    "timeout": "Seconds the query may run before sync stops it, above 0 (default 60). "
    "Example: timeout: 300",
}

_CHAT = {
    "handles": "Owner (as the OKR files write it, any case) -> chat handle: @name (Mattermost, "
    "Rocket.Chat) or a Slack user mention <@U123ABC>; nothing that mentions everyone. "
    "Example: handles: {dana@acme.example: '@dana', raj@acme.example: '<@U024BE7LH>'}",
}

_PERIOD = {
    "id": "The period's ID, used in okrs/<period>/ and checkins/<period>/ and in references: "
    "letters (upper case allowed), digits and -. Example: id: 2026-Q4",
    "start": "The period's first day, YYYY-MM-DD. Example: start: 2026-10-01",
    "end": "The period's last day (included), YYYY-MM-DD, on or after start. Example: end: 2026-12-31",
    "closed": "The day the period was closed and graded; written by cxokr period close, "
    "not by hand. Example: closed: 2027-01-05",
}

_THRESHOLDS = {
    "on_track": "Pace at or above this is on track; above 0 (default 0.9). Example: on_track: 0.9",
    "at_risk": "Pace at or above this (and below on_track) is at risk, below it off track; "
    "at least 0 and not above on_track (default 0.6). Example: at_risk: 0.6",
}

_TEAM = {
    "id": f"The team's ID; optional, and when given it must equal the file name ({_SLUG}). "
    "Example: id: ecommerce (in teams/ecommerce.yaml)",
    "name": "The team's display name. Example: name: E-commerce",
    "level": "The team's level, 1-4: 1 executive (outcomes), 2 CX leadership (cross-functional "
    "levers), 3 CX management (journey touchpoints), 4 operations (efficiency). Example: level: 3",
    "parent": "The parent team's ID; teams form a tree and a child sits at a deeper level than "
    "its parent. Example: parent: cx",
    "lead": "The team lead, as people are named in owner and by fields. Example: lead: dana@acme.example",
    "members": "The people in the team. Example: members: [dana@acme.example, raj@acme.example]",
    "function": "The business function the team belongs to, a slug. "
    "Example: function: ecommerce (or marketing, support, stores, it)",
}

_METRIC = {
    "id": f"The metric's ID; optional, and when given it must equal the file name ({_SLUG}). "
    "Example: id: aov (in metrics/aov.yaml)",
    "name": "The metric's display name. Example: name: Average order value",
    "unit": "The unit its values are in; quote a bare %. Example: unit: USD (or '%', s, points, count)",
    "direction": "Which way is better: higher or lower. Example: direction: lower (for handle time)",
    "description": "How the metric is computed, in words. "
    "Example: description: Revenue divided by orders, excluding returns",
    "owner": "The ID of the team that owns the metric's definition. Example: owner: analytics",
    "source": "Where its readings come from, in words. Example: source: Shopify export, nightly",
    "segments": "The segments readings may be split by (slugs); a key result or reading may "
    "then name one. Example: segments: [online, in-store, mobile]",
    "sync": "The query cxokr sync runs to fetch its readings: {connection, query, timeout}. "
    'Example: sync: {connection: exports, query: "select day as date, total as value from '
    "read_csv('exports/aov.csv') where day >= :since\"}",
    "drives": "The outcome metrics this metric moves (IDs); cxokr metrics --tree draws "
    "each outcome with its drivers below it. Example: drives: [nps]",
    "trades_off": "Metrics that move against this one when it is pushed (IDs); declaring it "
    "on either side is enough. Example: trades_off: [checkout-lcp]",
    "whole": "How the whole-business value follows from the segments' values: sum, or "
    "{weighted_by: METRIC} (a mean weighted by that metric's readings of the same segments); "
    "a whole reading is then derived on every day each segment has one, and cxokr check warns "
    "when a recorded whole reading strays from it by more than tolerance (relative, default "
    "0.01). Example: whole: {weighted_by: orders}",
}

_WHOLE_TOLERANCE = (
    "How far a recorded whole reading may stray from the one derived from the segments, "
    "relative to the derived value, at least 0 (default 0.01, 1%). Example: tolerance: 0.005"
)
_WHOLE_SUM = {
    "sum": "true: the whole is the sum of the segments' values (the short form is whole: "
    "sum). Example: whole: {sum: true, tolerance: 0.02}",
    "tolerance": _WHOLE_TOLERANCE,
}
_WHOLE_WEIGHTED = {
    "weighted_by": "The metric whose readings of each segment on the same day weigh that "
    "segment's value (orders for order value). Example: whole: {weighted_by: orders}",
    "tolerance": _WHOLE_TOLERANCE,
}

_START_READING = {
    "reading": "Start from the metric's reading on this day, or the newest one before it "
    "(YYYY-MM-DD). Example: start: {reading: 2025-12-31}",
}

_ITEM = {
    "id": f"The item's ID within its checklist ({_SLUG}); check-ins name it in done and undone. "
    "Example: id: outline",
    "title": "What the item delivers. Example: title: Outline agreed",
    "due": "The day the item is due, YYYY-MM-DD; without one it is due on the period's last "
    "day. Expected progress counts the weight of the items due. Example: due: 2026-10-15",
    "weight": "The item's share of the checklist, above 0 (default 1): progress is the weight "
    "done over the total weight. Example: weight: 2",
}

_KEY_RESULT = {
    "id": f"The key result's ID within its objective ({_SLUG}); check-ins name it as "
    "objective/kr. Example: id: aov-online",
    "title": "What the key result says, as people read it in reports. "
    "Example: title: Raise online AOV from 58 to 64 USD",
    "metric": "The ID of the catalog metric it moves (metrics/<metric>.yaml); its readings are "
    "the key result's values. Without one, give a unit. Example: metric: aov",
    "segment": "One segment the metric declares, when the key result is about that segment "
    "only. Example: segment: online",
    "unit": "The key result's own unit, when it has no metric; with a metric it must equal the "
    "metric's unit. Example: unit: count",
    "type": "How progress is measured: target (move start to target, the default), stay_above "
    "or stay_below (a guardrail held all period), done (a milestone, 0 or 1), checklist "
    "(weighted share of items done), score (the owner's 0.0-1.0 score). Example: type: checklist",
    "start": "Where progress runs from: a number; first (the first observation in the period); "
    "or {reading: DATE} (the metric's reading on that day or the newest before). Omitted on a "
    "metric: its newest reading before the period. Example: start: {reading: 2025-12-31}",
    "target": "Where progress runs to: a number, or relative to the start as text with %, "
    "+10% (start x 1.10) or -15% (start x 0.85). For a guardrail, the line to hold. "
    "Example: target: +10%",
    "change": "A target written as an absolute change from the start, instead of target: "
    "start + change. Example: change: -30 (cut 30 s from the start)",
    "weight": "The key result's weight in its objective's progress, above 0 (default 1). "
    "Example: weight: 2",
    "owner": "Who owns the key result: one person or a list. "
    "Example: owner: [dana@acme.example, raj@acme.example]",
    "aligns_to": f"What the key result contributes to: one reference or a list ({_REF}). "
    "Example: aligns_to: 2026:company/raise-aov",
    "rebaseline": "Why the start or target changed after the period began; without it cxokr "
    "check warns of moved goalposts (CX501). Example: rebaseline: Start corrected after the data fix of Nov 3",
    "carried_from": f"The key result this one continues from an earlier period ({_REF}); "
    "written by cxokr period add --carry-over. Example: carried_from: 2026-Q3:ecommerce/grow-basket/aov-online",
    "items": "A checklist's items, each {id, title, due, weight}; check-ins complete them with "
    "done: [id]. Example: - {id: migrate, title: Move 40 pages, due: 2026-11-30, weight: 2}",
    "schedule": "Staged targets, {DATE: value}: expected progress follows the steps instead of "
    "a straight line (the period's start is a step at the start value, its end one at the "
    "target). Example: schedule: {2026-10-31: 1500, 2026-11-30: 2500}",
    "due": "A milestone's due day, YYYY-MM-DD: expected progress is 0 before it and 1 from it, "
    "so it is on track until then. Without one, the period's last day. Example: due: 2026-11-15",
    "shares": "The key result of another team (or objective) this one contributes to, as "
    "team/objective/kr with an optional period: its value, progress and status come from "
    "there, and a roll-up counts it once. Example: shares: 2026:company/adoption/mau",
    "state": "active (default), dropped or postponed: a key result deprioritised alone still "
    "shows its figures but leaves roll-ups, counts and attention. Example: state: dropped",
    "reason": "Why the key result was dropped or postponed; shown in reports beside it. "
    "Example: reason: Holiday campaign first",
    "decision": "The answer agreed to a conflict or trade-off this key result is part of: "
    "{text, by, on}; the report then shows it as settled, not as needing a decision. "
    "Example: decision: {text: Rich content only below the fold, by: ana, on: 2026-10-20}",
}

_DECISION = {
    "text": "What was decided, in words. Example: text: Rich content only below the fold",
    "by": "Who decided. Example: by: ana@acme.example",
    "on": "The day it was decided, YYYY-MM-DD. Example: on: 2026-10-20",
}

_OBJECTIVE = {
    "id": f"The objective's ID within its file ({_SLUG}); references name it as team/objective. "
    "Example: id: grow-basket",
    "title": "The qualitative goal, as people read it in reports. "
    "Example: title: Shoppers find more to love in every basket",
    "owner": "Who owns the objective: one person or a list. Example: owner: dana@acme.example",
    "aligns_to": f"The objective(s) this one contributes to: one reference or a list ({_REF}). "
    "Example: aligns_to: [2026:company/raise-aov, cx/better-journeys]",
    "weight": "The objective's weight in its team's and its parents' roll-ups, above 0 "
    "(default 1). Example: weight: 2",
    "status": "active (default), dropped or postponed: dropped and postponed objectives leave "
    "the roll-up but stay visible. Example: status: postponed",
    "reason": "Why the objective was dropped or postponed; shown in reports beside it. "
    "Example: reason: Replatforming first",
    "progress": "Where its progress comes from: key_results, aligned (the objectives aligned "
    "to it) or both. Default: key_results, or aligned when it has no key results. "
    "Example: progress: both",
    "grade": "The team's own end-of-period score, 0.0-1.0, shown beside the computed grade. "
    "Example: grade: 0.7",
    "retro": "The team's end-of-period retrospective: what happened and why; shown in reports. "
    "Example: retro: Bundles shipped late; AOV moved once they did",
    "carried_from": f"The objective this one continues from an earlier period ({_REF}); "
    "written by cxokr period add --carry-over. Example: carried_from: 2026-Q3:ecommerce/grow-basket",
    "key_results": "The objective's key results. "
    "Example: - {id: bundles-live, title: Bundles on 3 pages, unit: count, start: 0, target: 3}",
}

_OKR_FILE = {
    "objectives": "The team's objectives for the period of this file "
    "(okrs/<period>/<team>.yaml). Example: - {id: grow-basket, title: Bigger baskets}",
}

_CHECKIN = {
    "kr": "The key result checked in, as objective/kr of this log's team and period. "
    "Example: kr: grow-basket/aov-online",
    "date": "The day the check-in speaks for, YYYY-MM-DD, inside the log's period. "
    "Example: date: 2026-11-20",
    "value": "The key result's value on that day; optional (a confidence-and-note update has "
    "none). A milestone's is 0 or 1. Example: value: 61.2",
    "confidence": "The owner's confidence that the key result will be reached, 0.0-1.0; shown "
    "beside the computed status. Example: confidence: 0.7",
    "note": "What happened, in words; a key result's latest note is shown in reports. "
    "Example: note: Bundles on 2 pages",
    "by": "Who checked in. Example: by: dana@acme.example",
    "at": "The moment it was written, ISO 8601 (UTC without a zone); orders entries of one "
    "date. Example: at: 2026-11-20T09:14:03Z",
    "score": "A score key result's progress, the owner's 0.0-1.0; the latest score counts. "
    "Example: score: 0.6",
    "done": "A checklist's items completed by this check-in, by item ID; cumulative over "
    "check-ins. Example: done: [outline, migrate]",
    "undone": "A checklist's items reopened by this check-in, by item ID. Example: undone: [migrate]",
}

_READING = {
    "date": "The day the value was measured, YYYY-MM-DD. Example: date: 2026-11-20",
    "value": "The metric's value on that day, a number in the metric's unit. Example: value: 61.2",
    "segment": "One segment the metric declares; without one the reading is for the whole. "
    "Example: segment: online",
    "source": "Where the value came from. Example: source: shopify-export",
    "by": "Who (or what) recorded it. Example: by: etl@acme.example",
    "at": "The moment it was recorded, ISO 8601 (UTC without a zone); orders entries of one "
    "date. Example: at: 2026-11-21T02:00:00Z",
}

HELP: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "Config": _CONFIG,
        "Period": _PERIOD,
        "Thresholds": _THRESHOLDS,
        "Chat": _CHAT,
        "Connection": _CONNECTION,
        "Team": _TEAM,
        "Metric": _METRIC,
        "Sync": _SYNC,
        "WholeSum": _WHOLE_SUM,
        "WholeWeighted": _WHOLE_WEIGHTED,
        "StartReading": _START_READING,
        "Item": _ITEM,
        "Decision": _DECISION,
        "KeyResult": _KEY_RESULT,
        "Objective": _OBJECTIVE,
        "OkrFile": _OKR_FILE,
        "Checkin": _CHECKIN,
        "Reading": _READING,
    }
)


def describe(model: str, field: str) -> str | None:
    """The help text of `field` of the model named `model`, or None when the table has none."""
    return HELP.get(model, {}).get(field)
