"""`cxokr align` as text (Rich), Markdown or JSON.

User text is escaped before it joins the output: `escape_controls` before it
becomes a Rich `Text`, `markdown.escape` in Markdown (`controls.json_text` keeps
JSON's strings exact and still inert in a terminal).
"""

from __future__ import annotations

from typing import TextIO

from rich import box
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from cxokr.compute.align_view import AlignView
from cxokr.compute.report import ObjectiveRow, short_ref
from cxokr.model import ObjectiveStatus, parse_ref
from cxokr.render.console import can_encode, console
from cxokr.render.controls import escape_controls, json_text
from cxokr.render.markdown import escape
from cxokr.render.report_json import plain
from cxokr.render.text import GUIDE, STATUS_STYLE, Glyphs, bar, headed, percent
from cxokr.render.wrap import Piece, phrases

VERSION = 1


def _state(row: ObjectiveRow) -> str:
    """An active objective's status, or the state that keeps it out of the roll-ups."""
    return row.status.value if row.state is ObjectiveStatus.ACTIVE else row.state.value


def _objective_id(ref: str) -> str:
    return parse_ref(ref, "").objective


def _node(row: ObjectiveRow, glyphs: Glyphs, period: str, width: int) -> Text:
    """The objective's figures, its title wrapping under itself, its team (`text.headed`)."""
    style = STATUS_STYLE[row.status] if row.state is ObjectiveStatus.ACTIVE else "dim"
    head = [
        Piece(bar(row.progress, glyphs), style, ""),
        Piece(f"{percent(row.progress):>4}"),
        Piece(f"{_state(row):<9}", style),
    ]
    team = escape_controls(row.team + (f" ({row.period})" if row.period != period else ""))
    title = phrases(escape_controls(row.title))
    return headed(head, title, [Piece(team, "cyan", "  ")], width)


def _tree(view: AlignView, glyphs: Glyphs, width: int) -> list[Tree]:
    """A tree from each root, `width` columns wide; an objective `GUIDE` narrower a level."""
    report = view.report
    rows = {o.ref: o for o in report.objectives}
    trees = []
    for root in report.roots:
        top = Tree(_node(rows[root], glyphs, report.period.id, width), guide_style="dim")
        stack = [(top, root, frozenset({root}))]
        while stack:
            node, ref, seen = stack.pop(0)
            room = width - GUIDE * len(seen)
            for child in rows[ref].children:
                if child in rows and child not in seen:
                    branch = node.add(_node(rows[child], glyphs, report.period.id, room))
                    stack.append((branch, child, seen | {child}))
        trees.append(top)
    return trees


def _matrix(view: AlignView, glyphs: Glyphs) -> Table:
    direct, indirect = ("●", "○") if glyphs.arrow == "→" else ("X", "o")
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("team")
    for ref in view.matrix_objectives:
        table.add_column(escape_controls(_objective_id(ref)), justify="center")
    cells = {(c.objective, c.team): c.contribution for c in view.matrix}
    for team in view.matrix_teams:
        marks = [
            {"direct": direct, "indirect": indirect}.get(cells.get((ref, team), ""), "")
            for ref in view.matrix_objectives
        ]
        table.add_row(Text(escape_controls(team)), *marks)
    table.caption = f"{direct} aligned directly   {indirect} through a chain"
    return table


def text(view: AlignView, out: TextIO | None = None) -> None:
    target = console(out)
    glyphs = Glyphs(can_encode("█░▁→·●○", out))
    report = view.report
    dot = f" {glyphs.dot} "
    heading = f"{report.organization}{dot}{report.period.id}{dot}as of {report.as_of}{dot}alignment"
    target.print(Text(escape_controls(heading), style="bold"))
    for tree in _tree(view, glyphs, target.width):
        target.print()
        target.print(tree)
    target.print()
    share = f" ({percent(view.coverage)})" if view.coverage is not None else ""
    target.print(
        Text(
            f"Coverage: {view.covered} of {view.below_level_one} objectives below level 1 "
            f"ladder up to a level-1 objective{share}",
            style="bold",
        )
    )
    for ref in view.uncovered:
        target.print(Text(escape_controls(f"  not aligned: {short_ref(ref)}"), style="yellow"))
    unsupported = ", ".join(short_ref(r) for r in view.unsupported) or "none"
    target.print(Text(escape_controls(f"Level-1 objectives no team supports: {unsupported}")))
    target.print()
    target.print(Text("Who contributes to what", style="bold"))
    target.print(_matrix(view, glyphs))
    target.print()
    target.print(Text("Conflicts", style="bold"))
    if not view.conflicts:
        target.print(Text("none", style="green"))
    for problem in view.conflicts:
        target.print(
            Text(escape_controls(f"{problem.location()}: {problem.code} {problem.message}"))
        )


def markdown(view: AlignView) -> str:
    report = view.report
    rows = {o.ref: o for o in report.objectives}
    lines = [
        f"# {escape(report.organization)}: alignment {escape(report.period.id)}, "
        f"as of {report.as_of}",
        "",
    ]

    def walk(ref: str, depth: int, seen: frozenset[str]) -> None:
        row = rows[ref]
        lines.append(
            f"{'  ' * depth}- **{escape(row.title)}** ({escape(row.team)}): "
            f"{percent(row.progress)}, {_state(row)}"
        )
        for child in row.children:
            if child in rows and child not in seen:
                walk(child, depth + 1, seen | {child})

    for root in report.roots:
        walk(root, 0, frozenset({root}))
    share = percent(view.coverage) if view.coverage is not None else "–"
    lines += [
        "",
        f"**Coverage:** {view.covered} of {view.below_level_one} objectives below level 1 "
        f"ladder up to a level-1 objective ({share}).",
    ]
    lines += [f"- not aligned: `{_code(short_ref(r))}`" for r in view.uncovered]
    unsupported = ", ".join(f"`{_code(short_ref(r))}`" for r in view.unsupported) or "none"
    lines += ["", f"**Level-1 objectives no team supports:** {unsupported}", ""]
    heads = [escape(_objective_id(r)) for r in view.matrix_objectives]
    lines += ["| team | " + " | ".join(heads) + " |", "|---" * (len(heads) + 1) + "|"]
    cells = {(c.objective, c.team): c.contribution for c in view.matrix}
    for team in view.matrix_teams:
        marks = [cells.get((ref, team), "") for ref in view.matrix_objectives]
        lines.append(f"| {escape(team)} | " + " | ".join(marks) + " |")
    lines += ["", "**Conflicts:**" + ("" if view.conflicts else " none")]
    lines += [f"- `{_code(p.location())}` {p.code} {escape(p.message)}" for p in view.conflicts]
    return "\n".join(lines) + "\n"


def _code(text: str) -> str:
    """Text for a Markdown code span, where Markdown escapes would show: controls escaped."""
    return escape_controls(text).replace("`", "'")


def as_json(view: AlignView) -> str:
    report = view.report
    document = {
        "version": VERSION,
        "organization": report.organization,
        "period": plain(report.period),
        "as_of": report.as_of.isoformat(),
        "objectives": [
            {
                "ref": o.ref,
                "team": o.team,
                "level": o.level,
                "title": o.title,
                "owners": list(o.owners),
                "state": o.state,
                "progress": o.progress,
                "status": o.status.value,
                "parents": list(o.parents),
                "children": list(o.children),
            }
            for o in report.objectives
        ],
        "roots": list(report.roots),
        "coverage": {
            "below_level_one": view.below_level_one,
            "covered": view.covered,
            "share": view.coverage,
            "uncovered": list(view.uncovered),
        },
        "unsupported": list(view.unsupported),
        "matrix": [plain(c) for c in view.matrix],
        "conflicts": [p.as_dict() for p in view.conflicts],
    }
    return json_text(document) + "\n"
