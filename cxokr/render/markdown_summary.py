"""The Markdown report of a large organization, summarised to fit a pull-request comment.

As the text report summarises (`notes.DETAIL_LIMIT`): the figures, the objectives of the
tree's top `notes.SUMMARY_DEPTH` levels as a nested list with how many are aligned below
each, and the first `notes.ATTENTION_LIMIT` items that need attention; then how much
was left out and how to get it all (`--full`). Whatever the workspace holds, the result
stays within the budget it is given: list items past it are counted, not shown.
"""

from __future__ import annotations

from cxokr.compute.report_data import ObjectiveRow, Report
from cxokr.model import ObjectiveStatus
from cxokr.render import notes
from cxokr.render.markdown import attention_item, escape, needs_decision, percent, title


def render(report: Report, budget: int) -> str:
    """The summary, at most `budget` characters long."""
    objectives, krs = len(report.objectives), report.key_result_count()
    head = [
        *title(report),
        "",
        f"Summary of {objectives} objective{_s(objectives)} and {krs} key result{_s(krs)}: "
        "`cxokr report --format md --full` shows every one; `--team`, `--level` or "
        "`--owner` narrow the report.",
        "",
        "## Objectives",
        "",
    ]
    # What waits for a decision (`markdown.needs_decision`) before what needs attention.
    decided = _fit(needs_decision(report)[:-1], budget // 4, "items")
    attention = [
        *decided,
        *([""] if decided else []),
        *_fit(_attention(report), budget // 2, "items"),
    ]
    tree = _fit(_tree(report), budget - _size(head) - _size(attention) - SLACK, "objectives")
    return "\n".join([*head, *tree, "", *attention]) + "\n"


_LEFT_OUT = "… and {count} more {what}: `--full` lists them."
SLACK = 200  # the line saying what is left out, and the blank lines around the lists


def _s(count: int) -> str:
    return "" if count == 1 else "s"


def _size(lines: list[str]) -> int:
    return sum(len(line) + 1 for line in lines)


def _fit(lines: list[str], room: int, what: str) -> list[str]:
    """`lines` while they fit in `room` characters, then a line counting the list items
    left out."""
    kept: list[str] = []
    used = 0
    for n, line in enumerate(lines):
        if used + len(line) + 1 > room - len(_LEFT_OUT) - 20:
            count = sum(1 for rest in lines[n:] if rest.lstrip().startswith("- "))
            return [*kept, "", _LEFT_OUT.format(count=count, what=what)]
        kept.append(line)
        used += len(line) + 1
    return kept


def _tree(report: Report) -> list[str]:
    """Each root's objective, and those aligned to it down to `SUMMARY_DEPTH`, as a nested
    list; each objective once, the rest counted below the last level shown."""
    shown: set[str] = set()
    lines: list[str] = []
    refs = [*report.roots, *(o.ref for o in report.objectives)]
    for ref in refs:
        if ref not in shown:
            lines += _branch(report, ref, 0, shown)
    return lines


def _branch(report: Report, ref: str, depth: int, shown: set[str]) -> list[str]:
    row = report.objective(ref)
    shown.add(ref)
    children = [c for c in row.children if report.has(c) and c not in shown]
    if depth + 1 < notes.SUMMARY_DEPTH:
        lines = [_item(row, depth, "")]
        for child in children:
            if child not in shown:
                lines += _branch(report, child, depth + 1, shown)
        return lines
    below = notes.count_below(report, children, shown)
    return [_item(row, depth, f"; {below} aligned below" if below else "")]


def _item(row: ObjectiveRow, depth: int, below: str) -> str:
    state = row.status.value if row.state is ObjectiveStatus.ACTIVE else str(row.state)
    expected = "" if row.context else f" (expected {percent(row.expected)})"
    return (
        f"{'  ' * depth}- **{escape(row.title)}** ({escape(row.team)}, {escape(row.period)}): "
        f"{percent(row.progress)}{expected}, {state}{below}"
    )


def _attention(report: Report) -> list[str]:
    items = report.attention[: notes.ATTENTION_LIMIT]
    lines = ["## Needs attention", "", *map(attention_item, items)]
    hidden = len(report.attention) - len(items)
    if not report.attention:
        lines.append("Nothing needs attention.")
    elif hidden:
        lines += ["", _LEFT_OUT.format(count=hidden, what="items")]
    return lines
