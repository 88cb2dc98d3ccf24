"""The report's summary for a chat channel: Markdown, or a Slack Block Kit message.

A chat post is read in a few seconds, so it carries the headline figures,
the top objectives (level 1, or the ones a filter chose) and the first items
that need attention, each with its key result's latest check-in note (what the
meeting will ask about), and points to the full report for the rest. Both forms
are built from the same `Report` as every other format, and all user text is
escaped for the markup it lands in.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from cxokr.compute.progress import Status
from cxokr.compute.remind import Digest, Reminder
from cxokr.compute.report import ObjectiveRow, Report, short_ref
from cxokr.model import EVERYONE, HANDLE_RE
from cxokr.render import decisions, notes
from cxokr.render.controls import escape_controls
from cxokr.render.markdown import counts, escape, percent

MAX_OBJECTIVES = 12
MAX_OWNERS = 40  # owners a reminder names, each with at most MAX_OWED key results
MAX_OWED = 10
MAX_ATTENTION = 8
MAX_NOTE = 200  # characters of a key result's note beside its item
BAR_WIDTH = 10
# Slack's limits: 150 characters in a header, 3,000 in a section's text, 50 blocks.
SLACK_HEADER, SLACK_SECTION, SLACK_BLOCKS = 150, 3000, 50
# An `@` that starts a word mentions someone in Mattermost and Rocket.Chat (`@channel`: all).
_MENTION = re.compile(r"(?<![0-9A-Za-z._%+-])@")
EMOJI = {
    Status.DONE: ":white_check_mark:",
    Status.ON_TRACK: ":large_green_circle:",
    Status.AT_RISK: ":large_yellow_circle:",
    Status.OFF_TRACK: ":red_circle:",
    Status.NO_DATA: ":white_circle:",
}


def headline_objectives(report: Report) -> list[ObjectiveRow]:
    """Level-1 objectives; with a team or owner filter, the objectives it chose."""
    if report.filters.team is not None or report.filters.owner is not None:
        return [o for o in report.objectives if not o.context]
    return [report.objective(ref) for ref in report.roots]


def _title(report: Report) -> str:
    return f"{report.organization} · OKR report {report.period.id} · as of {report.as_of}"


def _figures(report: Report) -> str:
    return (
        f"organization {percent(report.progress)} "
        f"(expected {percent(report.organization_expected)}, "
        f"day {report.day} of {report.days})"
    )


def _state(row: ObjectiveRow) -> str:
    return row.status.value if row.state == "active" else row.state


def _emoji(row: ObjectiveRow) -> str:
    """Its status's colour; a deprioritised objective's, neutral: it raises no alarm."""
    return EMOJI[row.status] if row.state == "active" else EMOJI[Status.NO_DATA]


def _more(shown: int, total: int, what: str) -> str | None:
    return f"and {total - shown} more {what} in the full report" if total > shown else None


def _attention(
    report: Report, escape_text: Callable[[str], str], forms: tuple[str, str, str]
) -> list[str]:
    """The first items that need attention, in the chat's markup (`forms`: of an item, of
    the note on the line below it, of how many are left), and how many are left."""
    item_form, note_form, more_form = forms
    if not report.attention:
        return [_calm(report, escape_text)]
    lines = []
    items = report.attention[:MAX_ATTENTION]
    said = _notes({item.ref for item in items}, report)
    for item in items:
        owner = f" ({escape_text(item.owner)})" if item.owner else ""
        detail = f": {escape_text(item.detail)}" if item.detail else ""
        rest = f"{escape_text(item.title)}{owner}{detail}"
        lines.append(item_form.format(kind=item.kind, rest=rest))
        note = said.pop(item.ref, None)  # once, below the key result's first item
        if note:
            lines.append(note_form.format(note=escape_text(note)))
    more = _more(MAX_ATTENTION, len(report.attention), "items")
    return [*lines, more_form.format(more=more)] if more else lines


def _calm(report: Report, escape_text: Callable[[str], str]) -> str:
    """What 'needs attention' says when nothing does: never that all is fine about nothing
    (a period with no objective yet, or objectives with no key result)."""
    empty = notes.empty(report, escape_text, lambda command: f"`{command}`")
    if empty is not None:
        return empty
    if not report.key_results():
        return "Nothing to watch: no key results yet."
    return "Nothing needs attention."


def _notes(refs: set[str], report: Report) -> dict[str, str]:
    """The latest check-in note of each key result named, by ref (`note 2026-11-10: …`),
    cut to what a chat post has room for: what explains an off-track key result."""
    found = {}
    for kr in report.key_results():
        if kr.ref in refs and kr.note:
            note = str(notes.kr_notes(kr)[-1])
            found[kr.ref] = note if len(note) <= MAX_NOTE else note[: MAX_NOTE - 1] + "…"
    return found


def md_escape(text: str) -> str:
    """Text made inert in a chat's Markdown (`markdown.escape`), where an `@` starting a
    word mentions no one: a word joiner follows it (`@channel` in a title pings nobody)."""
    return _MENTION.sub("@\u2060", escape(text))


def markdown(report: Report) -> str:
    """The summary as Markdown, for Mattermost, Rocket.Chat and other chats that render it."""
    lines = [f"**{md_escape(_title(report))}**", "", f"{_figures(report)} · {counts(report)}"]
    applied = [f"{name} {md_escape(value)}" for name, value in report.filters.applied()]
    if applied:
        lines += ["", f"Filtered by {', '.join(applied)}."]
    rows = headline_objectives(report)
    if rows:
        lines += ["", "| objective | team | progress | status |", "|---|---|---|---|"]
        for row in rows[:MAX_OBJECTIVES]:
            lines.append(
                f"| {md_escape(row.title)} | {md_escape(row.team)} | {percent(row.progress)} "
                f"| {_state(row)} |"
            )
        more = _more(MAX_OBJECTIVES, len(rows), "objectives")
        lines += [f"| {more} | | | |"] if more else []
    waiting = decisions.markdown(report, md_escape, MAX_ATTENTION)
    lines += ["", f"**{decisions.TITLE}**", "", *waiting] if waiting else []
    lines += ["", "**Needs attention**", ""]
    lines += _attention(report, md_escape, ("- **{kind}** {rest}", "  - {note}", "- {more}"))
    return "\n".join(lines) + "\n"


def slack_escape(text: str) -> str:
    """Text made literal in Slack's mrkdwn (`<`, `>` and `&` are its markup characters), with
    control characters shown escaped, as in every other text format."""
    return escape_controls(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def _bar(progress: float | None) -> str:
    filled = 0 if progress is None else round(min(1.0, max(0.0, progress)) * BAR_WIDTH)
    return "█" * filled + "░" * (BAR_WIDTH - filled)


def _sections(lines: list[str]) -> list[dict[str, Any]]:
    """Lines packed into as few mrkdwn sections as Slack's length limit allows."""
    blocks: list[dict[str, Any]] = []
    text = ""
    for line in lines:
        line = line[: SLACK_SECTION - 1]
        if text and len(text) + 1 + len(line) > SLACK_SECTION:
            blocks.append(_section(text))
            text = ""
        text = f"{text}\n{line}" if text else line
    if text:
        blocks.append(_section(text))
    return blocks


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _header(title: str) -> dict[str, Any]:
    """A Slack header block: plain text (no markup to escape), within Slack's length."""
    text = escape_controls(title)[: SLACK_HEADER - 1]
    return {"type": "header", "text": {"type": "plain_text", "text": text, "emoji": False}}


def slack(report: Report) -> dict[str, Any]:
    """The summary as a Slack Block Kit message (with `text`, shown in notifications)."""
    title = _title(report)
    blocks: list[dict[str, Any]] = [
        _header(title),
        {
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": f"*Organization*\n{percent(report.progress)}"},
                {
                    "type": "mrkdwn",
                    "text": f"*Expected by now*\n{percent(report.organization_expected)} "
                    f"(day {report.day} of {report.days})",
                },
            ],
        },
        {"type": "context", "elements": [{"type": "mrkdwn", "text": counts(report)}]},
    ]
    rows = headline_objectives(report)
    if rows:
        lines = ["*Objectives*"]
        for row in rows[:MAX_OBJECTIVES]:
            lines.append(
                f"{_emoji(row)} `{_bar(row.progress)}` *{percent(row.progress)}* "
                f"{slack_escape(row.title)} · {slack_escape(row.team)} · {_state(row)}"
            )
        more = _more(MAX_OBJECTIVES, len(rows), "objectives")
        lines += [f"_{more}_"] if more else []
        blocks += [{"type": "divider"}, *_sections(lines)]
    if report.decisions:
        blocks += [{"type": "divider"}, *_sections(_slack_decisions(report))]
    lines = ["*Needs attention*"]
    lines += _attention(report, slack_escape, ("• *{kind}* {rest}", "      ↳ {note}", "_{more}_"))
    blocks += [{"type": "divider"}, *_sections(lines)]
    applied = [f"{name} {value}" for name, value in report.filters.applied()]
    if applied:
        text = slack_escape(
            f"Filtered by {', '.join(applied)}; figures are for the whole organization."
        )
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": text}]})
    fallback = f"{title}: {_figures(report)}; {counts(report)}"
    return {"text": slack_escape(fallback), "blocks": blocks}


def _slack_decisions(report: Report) -> list[str]:
    """The first conflicts and trade-offs to settle, in mrkdwn, and how many are left."""
    items = decisions.said(report)
    lines = [f"*{decisions.TITLE}*"]
    for item in items[:MAX_ATTENTION]:
        label = f"_{item.label}_" if item.settled else f"*{item.label}*"
        lines.append(f"• {label} {slack_escape(item.message)} ({slack_escape(item.outcome)})")
    more = _more(MAX_ATTENTION, len(items), "items")
    return [*lines, f"_{more}_"] if more else lines


def payload(report: Report, kind: str) -> dict[str, Any]:
    """The JSON body to post: `{"text": <Markdown>}` for "md", Block Kit for "slack"."""
    return slack(report) if kind == "slack" else {"text": markdown(report)}


# --- Reminders (`notify --remind`) ----------------------------------------------------------


def remind_payload(report: Report, found: Digest, kind: str) -> dict[str, Any]:
    """The reminder of the check-ins owed, as the JSON body to post (see `payload`)."""
    if kind == "slack":
        return remind_slack(report, found)
    return {"text": remind_markdown(report, found)}


def remind_markdown(report: Report, found: Digest) -> str:
    """The check-ins owed, one section per owner, each mentioned by their handle."""
    lines = [f"**{md_escape(_remind_title(report))}**", "", _remind_summary(found, "`")]
    for reminder in found.reminders[:MAX_OWNERS]:
        lines += ["", f"**{_mention(reminder, md_escape)}**: {_owes(reminder)}"]
        lines += [f"- {line}" for line in _owed_lines(report, reminder, md_escape)]
    more = _more(MAX_OWNERS, len(found.reminders), "owners")
    return "\n".join([*lines, *(["", f"_{more}_"] if more else [])]) + "\n"


def remind_slack(report: Report, found: Digest) -> dict[str, Any]:
    """The check-ins owed as a Slack Block Kit message: a section per owner, mentioned."""
    title = _remind_title(report)
    lines = []
    for reminder in found.reminders[:MAX_OWNERS]:
        lines += ["", f"*{_mention(reminder, slack_escape)}*: {_owes(reminder)}"]
        lines += [f"• {line}" for line in _owed_lines(report, reminder, slack_escape)]
    more = _more(MAX_OWNERS, len(found.reminders), "owners")
    sections = _sections([*lines[1:], *([f"_{more}_"] if more else [])])
    summary = {"type": "mrkdwn", "text": _remind_summary(found, "`")}
    blocks: list[dict[str, Any]] = [
        _header(title),
        {"type": "context", "elements": [summary]},
        *sections[: SLACK_BLOCKS - 2],
    ]
    return {"text": slack_escape(f"{title}: {_remind_summary(found, '')}"), "blocks": blocks}


def _remind_title(report: Report) -> str:
    return f"{report.organization} · check-ins due · {report.period.id} · as of {report.as_of}"


def _remind_summary(found: Digest, tick: str) -> str:
    """How many key results are owed and by how many owners, and the command that pays."""
    days = found.stale_after_days
    if not found.reminders:
        return f"No check-in is due: every key result has an update in the last {days} days."
    count, people = found.key_results, sum(1 for r in found.reminders if r.owner is not None)
    return (
        f"{count} key result{' is' if count == 1 else 's are'} stale (no check-in or reading "
        f"for over {days} days, or none at all), owed by {people} "
        f"owner{'' if people == 1 else 's'}; check in with {tick}cxokr checkin REF{tick}."
    )


def _mention(reminder: Reminder, escape_text: Callable[[str], str]) -> str:
    """The owner as the message names them: their handle, then the owner as written. The
    handle was checked when cxokr.yaml was read, and is checked again here: only `@name`
    or `<@U123>` reaches a message unescaped, never a mention of everyone."""
    if reminder.owner is None:
        return "No owner"
    owner = escape_text(reminder.owner)
    handle = reminder.handle
    if handle and HANDLE_RE.fullmatch(handle) and handle.casefold() not in EVERYONE:
        return f"{handle} ({owner})"
    return owner


def _owes(reminder: Reminder) -> str:
    count = len(reminder.owed)
    return f"{count} check-in{'' if count == 1 else 's'} due"


def _owed_lines(report: Report, reminder: Reminder, escape_text: Callable[[str], str]) -> list[str]:
    """Each key result owed, as `cxokr checkin` names it, with its title and why."""
    lines = []
    for owed in reminder.owed[:MAX_OWED]:
        period = owed.ref.partition(":")[0]
        same = report.filters.period is None and period == report.period.id
        ref = escape_controls(short_ref(owed.ref) if same else owed.ref)
        lines.append(f"`{ref}` {escape_text(owed.title)}: {escape_text(owed.detail)}")
    more = _more(MAX_OWED, len(reminder.owed), "key results")
    return [*lines, more] if more else lines
