"""The weekly report as GitHub-flavoured Markdown, for a pull-request comment or a chat post.

Plain string building over the same `Report` every format reads. All user
text (titles, owners, units, team names) goes through `escape`, so a title can
neither break a table nor inject HTML, links or formatting, nor send a control
character to the terminal that shows the Markdown (it is shown escaped: `\\x1b`,
`\\n`); text inside a code span goes through `escape_controls` alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from cxokr.compute.report import Attention, KrRow, ObjectiveRow, Report, TeamRow
from cxokr.model import KrType, ObjectiveStatus
from cxokr.render import decisions, notes
from cxokr.render.controls import escape_controls

MISSING = "–"
MAX_HEADING = 6

# Characters GFM gives a meaning to inline: emphasis, strikethrough, code, links, tables.
_SPECIAL = re.compile(r"([\\`*_~\[\]|])")
# An `&` that would start a character reference (`&lt;`, `&#60;`); a lone `&` stays readable.
_ENTITY_START = re.compile(r"&(?=#?[0-9A-Za-z]+;)")


def escape(text: str) -> str:
    """User text made inert for a table cell, a heading or a list item: one line, no markup,
    no control character (a line break in it is shown as `\\n`)."""
    text = _ENTITY_START.sub("&amp;", text)
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    # After the Markdown escapes: `\\x1b` renders as written (`\\x` escapes nothing).
    return escape_controls(_SPECIAL.sub(r"\\\1", text))


def percent(value: float | None) -> str:
    """A fraction as a whole percent (0.6183 -> `62%`); raw, so 1.2 is `120%` and -0.1 `-10%`."""
    return MISSING if value is None else f"{round(value * 100)}%"


def number(value: float | None) -> str:
    """Up to six significant digits, trailing zeros trimmed (61.2, 64); no exponent for big values."""
    if value is None:
        return MISSING
    text = f"{value:.6g}"
    if "e+" in text:
        text = f"{value:.0f}"
    return "0" if text == "-0" else text


# GitHub's limit on a comment; the default report stays under it by this margin, left for
# the text a workflow puts around it.
COMMENT_LIMIT = 65_536
BUDGET = COMMENT_LIMIT - 5_536


def render(report: Report, full: bool = False) -> str:
    """The report in Markdown: every objective and key result when `full`, or when that
    fits in a pull-request comment (`BUDGET`) and the organization is small enough for the
    text report's detail; else its summary (`markdown_summary`)."""
    if full:
        return _full(report)
    if report.key_result_count() <= notes.DETAIL_LIMIT:
        whole = _full(report)
        if len(whole) <= BUDGET:
            return whole
    from cxokr.render import markdown_summary

    return markdown_summary.render(report, BUDGET)


def _full(report: Report) -> str:
    lines = [*title(report), ""]
    nothing = notes.empty(report, escape, lambda command: f"`{command}`")
    if nothing is not None:
        return "\n".join([*lines, nothing]) + "\n"
    shown: set[str] = set()
    refs = {o.ref for o in report.objectives}
    for root in report.roots:
        lines += _tree(report, root, 2, shown, refs)
    sections = (
        ("Not aligned to a top-level objective", report.unaligned),
        # Shown objectives whose parents were filtered out.
        ("Other objectives", tuple(o.ref for o in report.objectives)),
    )
    for heading, section in sections:
        pending = [ref for ref in section if ref not in shown]
        if pending:
            lines += [f"## {heading}", ""]
            for ref in pending:
                if ref not in shown:
                    lines += _tree(report, ref, 3, shown, refs)
    lines += _teams(report.teams)
    lines += needs_decision(report)
    lines += _attention(report.attention, report)
    return "\n".join(lines).rstrip("\n") + "\n"


def counts(report: Report) -> str:
    """`1 done, 16 on track, …`: key results by status."""
    return ", ".join(f"{count} {status}" for status, count in report.counts.items())


def title(report: Report) -> list[str]:
    """The heading, the figures line and the filters applied."""
    lines = [
        f"# {escape(report.organization)}: OKR report {escape(report.period.id)}, "
        f"as of {report.as_of.isoformat()}",
        "",
        f"Day {report.day} of {report.days} · organization progress {percent(report.progress)} · "
        f"expected {percent(report.organization_expected)} · {counts(report)}",
    ]
    applied = [f"{name} {escape(value)}" for name, value in report.filters.applied()]
    if applied:
        lines += ["", f"Filtered by {', '.join(applied)}; figures are for the whole organization."]
    return lines


def _tree(report: Report, ref: str, depth: int, shown: set[str], refs: set[str]) -> list[str]:
    """The objective's section, then each aligned child's (depth-first, each objective once)."""
    row = report.objective(ref)
    shown.add(ref)
    lines = _objective(row, depth, report)
    children = [c for c in row.children if c in refs]
    elsewhere = [report.objective(c) for c in children if c in shown]
    if elsewhere:
        lines += [
            "Also aligned here, shown above: "
            + "; ".join(f"{escape(o.title)} ({percent(o.progress)})" for o in elsewhere),
            "",
        ]
    for child in children:
        if child not in shown:
            lines += _tree(report, child, depth + 1, shown, refs)
    return lines


def _objective(row: ObjectiveRow, depth: int, report: Report) -> list[str]:
    marks = "#" * min(depth, MAX_HEADING)
    state = "" if row.state == ObjectiveStatus.ACTIVE.value else f" ({row.state})"
    heading = f"{marks} {escape(row.title)}{state}"
    if row.context:
        return [heading, "", f"**{percent(row.progress)}** · context: `{_code(row.ref)}`", ""]
    facts = [
        f"**{percent(row.progress)}** (expected {percent(row.expected)})",
        row.state if state else row.status.value,
        f"team {escape(row.team)}",
    ]
    if row.owner:
        facts.append(f"owner {escape(row.owner)}")
    facts.append(f"`{_code(row.ref)}`")
    lines = [heading, "", " · ".join(facts), ""]
    for note in notes.objective_notes(row):
        lines += [f"*{escape(note.label)}*: {escape(note.text)}", ""]
    if row.key_results:
        lines += _kr_table(row.key_results, report)
        # The notes' list first: each checklist's paragraph keeps it from joining its list.
        lines += _kr_notes(row)
        lines += _steps_and_items(row.key_results, report.as_of)
    elif row.children:
        lines += ["No key results of its own: progress rolls up from aligned objectives.", ""]
    return lines


KR_HEADER = ("KR", "value → target", "progress", "status", "confidence", "updated", "owner", "ref")


def _kr_status(kr: KrRow) -> str:
    """A deprioritised key result shows its objective's state in place of its status."""
    if kr.state is not ObjectiveStatus.ACTIVE:
        return str(kr.state)
    return f"{kr.status.value} (breached)" if kr.breached else kr.status.value


def _kr_table(krs: Iterable[KrRow], report: Report) -> list[str]:
    """One row a key result, the last cell the reference `cxokr checkin` takes."""
    rows = [
        (
            escape(kr.title),
            _value_to_target(kr),
            percent(kr.progress),
            _kr_status(kr),
            number(kr.confidence),
            _age(kr),
            escape(kr.owner) if kr.owner else MISSING,
            f"`{_code(notes.checkin_ref(kr.ref, report))}`",
        )
        for kr in krs
    ]
    return [*_table(KR_HEADER, rows), ""]


def _value_to_target(kr: KrRow) -> str:
    """`61.2 → 64 USD`, `2.71 → ≤ 2.5 s`, a relative target both ways (`61.5 → +10% → 61.6
    USD`), `2 of 4 items`, `score 0.60`; a milestone's due day, the key result a share
    shows."""
    figures = notes.counted(kr, number)
    if figures is None:
        unit = "" if not kr.unit else (kr.unit if kr.unit == "%" else f" {kr.unit}")
        line = {KrType.STAY_BELOW.value: "≤ ", KrType.STAY_ABOVE.value: "≥ "}.get(kr.type, "")
        figures = f"{number(kr.value)} → {line}{escape(notes.target(kr, number))}{escape(unit)}"
    due = f", due {kr.due.isoformat()}" if kr.due else ""
    moved = " (moved goalposts)" if kr.moved_goalposts else ""
    shared = notes.shares(kr)
    return f"{figures}{due}{moved}{f', {escape(shared)}' if shared else ''}"


def _steps_and_items(krs: Iterable[KrRow], as_of: date) -> list[str]:
    """Each schedule's steps; each checklist's items as a task list, with the day each was
    done or is due."""
    lines = []
    for kr in krs:
        staged = notes.steps(kr, number)
        if staged:
            lines += [f"*{escape(kr.title)}*: {staged}", ""]
        if kr.items:
            lines += [f"*{escape(kr.title)}*: {notes.counted(kr, number)}", ""]
            lines += [
                f"- {notes.item_mark(item)} {escape(item.title)}: {notes.item_facts(item, as_of)}"
                for item in kr.items
            ]
            lines.append("")
    return lines


def _kr_notes(row: ObjectiveRow) -> list[str]:
    """The key results' notes: why one is deprioritised, its latest check-in note."""
    found = [
        f"- *{escape(kr.title)}*, {escape(note.label)}: {escape(note.text)}"
        for kr in row.key_results
        for note in notes.kr_notes(kr, row)
    ]
    return [*found, ""] if found else []


def _age(kr: KrRow) -> str:
    if kr.age_days is None:
        return "never, stale" if kr.stale else MISSING
    return f"{kr.age_days} d, stale" if kr.stale else f"{kr.age_days} d"


def _teams(teams: tuple[TeamRow, ...]) -> list[str]:
    if not teams:
        return []
    rows = [
        (
            escape(t.id),
            escape(t.name),
            str(t.level),
            percent(t.progress),
            percent(t.expected),
            str(t.objectives),
        )
        for t in teams
    ]
    header = ("team", "name", "level", "progress", "expected", "objectives")
    return ["## Teams", "", *_table(header, rows), ""]


def _attention(items: tuple[Attention, ...], report: Report) -> list[str]:
    lines = ["## Needs attention", ""]
    if not items:
        watched = report.key_results()
        return [*lines, "Nothing needs attention." if watched else "No key results to watch yet."]
    return [*lines, *map(attention_item, items)]


def needs_decision(report: Report, limit: int = 0) -> list[str]:
    """`## Needs a decision` and its items, then a blank line, when the report has any
    (`render.decisions`); it comes before what needs attention."""
    items = decisions.markdown(report, escape, limit)
    return [f"## {decisions.TITLE}", "", *items, ""] if items else []


def attention_item(a: Attention) -> str:
    """`- **at risk** `ref` Title (owner): detail`."""
    owner = f" ({escape(a.owner)})" if a.owner else ""
    detail = f": {escape(a.detail)}" if a.detail else ""
    return f"- **{a.kind}** `{_code(a.ref)}` {escape(a.title)}{owner}{detail}"


def _code(text: str) -> str:
    """Text for a code span: Markdown escapes would show there, control characters not."""
    return escape_controls(text.replace("`", "'"))


def _table(header: tuple[str, ...], rows: Iterable[tuple[str, ...]]) -> list[str]:
    return [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
        *("| " + " | ".join(row) + " |" for row in rows),
    ]
