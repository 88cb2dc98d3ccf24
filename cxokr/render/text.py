"""The report for a terminal: header, the tree from each level-1 objective, what needs a
decision (when anything does), needs attention.

Readable at 80 columns: each label lays out its own lines (`wrap`), a title wrapping
under itself and a key result's figures, its `cxokr checkin` reference and a status
never split. Colourless when piped or under NO_COLOR; user text is
always a plain `Text`, never parsed as markup, with its control characters
escaped (`controls.escape_controls`) before it becomes one; symbols fall back
to ASCII when the output cannot encode them.

Beside the numbers (`notes`): why work is dropped or postponed and a team's retro,
always; each key result's latest check-in note in a team's view (`--team`) or on a
terminal of `WIDE` columns; a checklist's items and a schedule's steps in a team's view.
"""

from __future__ import annotations

from typing import TextIO

from rich.cells import cell_len
from rich.console import Console, Group
from rich.text import Text
from rich.tree import Tree

from cxokr.compute.progress import Status
from cxokr.compute.report import KrRow, ObjectiveRow, Report
from cxokr.model import ObjectiveStatus
from cxokr.render import decisions, notes, wrap
from cxokr.render.console import can_encode, console
from cxokr.render.controls import escape_controls
from cxokr.render.wrap import Piece

STATUS_STYLE = {
    Status.DONE: "bold green",
    Status.ON_TRACK: "green",
    Status.AT_RISK: "yellow",
    Status.OFF_TRACK: "bold red",
    Status.NO_DATA: "dim",
}
BAR_WIDTH = 10
# A note's, an item's or a line of figures' continuation lines, under its first word.
NOTE_HANG = 2
# What the tree's guides take from the width at each level (`├── `, `│   `).
GUIDE = 4


class Glyphs:
    def __init__(self, fancy: bool) -> None:
        self.full, self.empty = ("█", "░") if fancy else ("#", ".")
        self.spark = "▁▂▃▄▅▆▇█" if fancy else "_.-~=+*#"
        self.arrow = "→" if fancy else "->"
        self.dot = "·" if fancy else "|"


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


def number(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:,.2f}".rstrip("0").rstrip(".") if abs(value) < 1e6 else f"{value:,.0f}"


def bar(progress: float | None, glyphs: Glyphs) -> str:
    filled = 0 if progress is None else round(min(1.0, max(0.0, progress)) * BAR_WIDTH)
    return glyphs.full * filled + glyphs.empty * (BAR_WIDTH - filled)


def sparkline(values: list[float], glyphs: Glyphs, width: int = 12) -> str:
    values = values[-width:]
    if len(values) < 2:
        return ""
    low, high = min(values), max(values)
    steps = len(glyphs.spark) - 1
    if high == low:
        return glyphs.spark[steps // 2] * len(values)
    return "".join(glyphs.spark[round((v - low) / (high - low) * steps)] for v in values)


def _header(report: Report, glyphs: Glyphs, width: int) -> Group:
    """The organization, period, day and filters, broken only between them; the figures."""
    dot = f" {glyphs.dot} "
    pieces = [
        *wrap.words(escape_controls(report.organization), "bold", ""),
        Piece(escape_controls(report.period.id), "", dot),
        Piece(f"as of {report.as_of.isoformat()}", "", dot),
    ]
    for n, (name, value) in enumerate(report.filters.applied()):
        pieces.append(Piece(escape_controls(f"{name} {value}"), "dim", ", " if n else dot))
    title = Text()
    laid_out(title, pieces, width)
    figures = Text(
        f"Day {report.day} of {report.days}{dot}organization {percent(report.progress)}"
        f"{dot}expected {percent(report.organization_expected)}"
    )
    counts = Text()
    for status in Status:
        if counts:
            counts.append(", ")
        counts.append(f"{report.counts[status.value]} {status.value}", style=STATUS_STYLE[status])
    return Group(title, figures, counts)


def _bar_style(status: Status, state: ObjectiveStatus) -> str:
    """Its status's colour; deprioritised work's is dim: it raises no alarm."""
    return STATUS_STYLE[status] if state is ObjectiveStatus.ACTIVE else "dim"


def laid_out(label: Text, pieces: list[Piece], width: int, hang: int = 0, indent: int = 0) -> None:
    """Append `pieces` to `label` as lines of at most `width` cells, broken between pieces
    (`wrap.fill`), continuation lines indented by `hang`, all of them by `indent` more."""
    pad = " " * (indent + wrap.hang_for(width, hang))
    label.append(" " * indent)
    for n, line in enumerate(wrap.fill(pieces, width, hang)):
        if n:
            label.append("\n" + pad)
        for i, piece in enumerate(line):
            if i:
                label.append(piece.gap)
            label.append(piece.text, style=piece.style)


def headed(head: list[Piece], title: list[Piece], tail: list[Piece], width: int) -> Text:
    """A label's first paragraph: its figures, then its title wrapping under itself."""
    hang = sum(cell_len(p.gap) + cell_len(p.text) for p in head) - cell_len(head[0].gap)
    label = Text()
    laid_out(label, [*head, *title, *tail], width, hang + cell_len(title[0].gap) if title else 0)
    return label


def _paragraph(label: Text, text: str, style: str, width: int, tail: str = "") -> None:
    """A note or an item on lines of its own below the label's first, wrapped at words;
    `tail` (an item's days) kept whole after two spaces."""
    pieces = wrap.phrases(escape_controls(text), style, gap="")
    if tail:
        pieces.append(Piece(escape_controls(tail), style, "  "))
    label.append("\n")
    laid_out(label, pieces, width, NOTE_HANG)


def _objective_label(row: ObjectiveRow, glyphs: Glyphs, period: str, width: int) -> Text:
    active = row.state is ObjectiveStatus.ACTIVE
    head = [
        Piece(bar(row.progress, glyphs), _bar_style(row.status, row.state), ""),
        Piece(f"{percent(row.progress):>4}"),
        Piece(str(row.state), "dim italic")
        if not active
        else Piece(row.status.value, STATUS_STYLE[row.status]),
    ]
    title = wrap.phrases(escape_controls(row.title), "bold" if not row.context else "dim")
    team = escape_controls(row.team + (f" ({row.period})" if row.period != period else ""))
    label = headed(head, title, [Piece(team, "cyan", "  ")], width)
    for note in () if row.context else notes.objective_notes(row):
        _paragraph(label, str(note), "italic", width)
    return label


def _kr_label(kr: KrRow, row: ObjectiveRow, view: _View, width: int) -> Text:
    head = [
        Piece(bar(kr.progress, view.glyphs), _bar_style(kr.status, kr.state), ""),
        Piece(f"{percent(kr.progress):>4}"),
        Piece(str(kr.state), "dim italic")
        if kr.state is not ObjectiveStatus.ACTIVE
        else Piece(kr.status.value, STATUS_STYLE[kr.status]),
    ]
    flags = _flags(kr)
    if flags:
        head.append(
            Piece(f"({', '.join(flags)})", "red" if kr.breached or kr.regression else "yellow")
        )
    label = headed(head, wrap.phrases(escape_controls(kr.title), gap="  "), [], width)
    label.append("\n")
    detail = [Piece(escape_controls(part), "dim", "  ") for part in _kr_detail(kr, view)]
    laid_out(label, detail, width, NOTE_HANG)
    for note in notes.kr_notes(kr, row):
        if note.kind != "note" or view.notes:
            _paragraph(label, str(note), "italic", width)
    if view.items:
        staged = notes.steps(kr, number)
        if staged:
            _paragraph(label, staged, "dim", width)
        for item in kr.items:
            facts = notes.item_facts(item, view.as_of)
            _paragraph(label, f"{notes.item_mark(item)} {item.title}", "dim", width, facts)
    return label


def _flags(kr: KrRow) -> list[str]:
    named = (
        ("breached", kr.breached),
        ("regression", kr.regression),
        ("over target", kr.overachieved),
        ("stale", kr.stale),
        ("moved goalposts", kr.moved_goalposts),
    )
    return [name for name, on in named if on]


def _kr_detail(kr: KrRow, view: _View) -> list[str]:
    """The key result's figures, each kept on one line: the reference `cxokr checkin`
    takes, `64.1 → 66 USD`, breaches, due day, confidence, age, sparkline, share, owner."""
    glyphs = view.glyphs
    detail = [view.ref(kr.ref), _figures(kr, glyphs)]
    if kr.breached_days:
        detail.append(_breached_days(kr))
    if kr.due is not None:
        detail.append(f"due {kr.due.isoformat()}")
    if kr.confidence is not None:
        detail.append(f"conf {kr.confidence:.1f}")
    if kr.age_days is not None:
        detail.append(f"{kr.age_days}d ago")
    spark = sparkline([v for _, v in kr.series], glyphs)
    if spark:
        detail.append(spark)
    shared = notes.shares(kr)
    if shared:
        detail.append(shared)
    if kr.owner:
        detail.append(kr.owner)
    return detail


def _figures(kr: KrRow, glyphs: Glyphs) -> str:
    """`61.2 → 64 USD`, a relative target both ways (`+10% → 61.6`), `2 of 4 items`,
    `score 0.60`."""
    counted = notes.counted(kr, number)
    if counted is not None:
        return counted
    unit = f" {kr.unit}" if kr.unit else ""
    return f"{number(kr.value)} {glyphs.arrow} {notes.target(kr, number, glyphs.arrow)}{unit}"


def _breached_days(kr: KrRow) -> str:
    """A guardrail's breaches this period, which it remembers after it recovers (DESIGN §2.3):
    how many days, and the last one."""
    days = kr.breached_days or ()
    return f"breached {len(days)} day{'s' if len(days) != 1 else ''}, last {days[-1].isoformat()}"


# Rich costs about a millisecond a row: past this many key results the terminal view
# summarises and points to `--full`, the filters and CSV or JSON.
DETAIL_LIMIT = notes.DETAIL_LIMIT
SUMMARY_DEPTH = notes.SUMMARY_DEPTH
ATTENTION_LIMIT = notes.ATTENTION_LIMIT
ATTENTION_HANG = 11  # the width of the kind (`breached   `) the reference follows
# From this many columns the organization's report shows each key result's check-in note.
WIDE = 120


def _tree(report: Report, ref: str, view: _View, parent: Tree | None, depth: int = 1) -> Tree:
    row = report.objective(ref)
    width = view.width - GUIDE * (depth - 1)
    label = _objective_label(row, view.glyphs, report.period.id, width)
    node = parent.add(label) if parent is not None else Tree(label, guide_style="dim")
    view.shown.add(ref)
    if not row.context and view.detail:
        for kr in row.key_results:
            node.add(_kr_label(kr, row, view, width - GUIDE))
    children = [c for c in row.children if report.has(c) and c not in view.shown]
    if view.detail or depth < SUMMARY_DEPTH:
        for child in children:
            _tree(report, child, view, node, depth + 1)
    elif children:
        below = notes.count_below(report, children, view.shown)
        node.add(Text(f"+ {below} aligned objective{'s' if below != 1 else ''} below", style="dim"))
    return node


class _View:
    def __init__(self, report: Report, glyphs: Glyphs, width: int, full: bool) -> None:
        self.glyphs = glyphs
        self.width = width
        self.report = report
        self.detail = full or report.key_result_count() <= DETAIL_LIMIT
        self.shown: set[str] = set()
        self.as_of = report.as_of
        # A team's view has room for every note and checklist item; the whole organization's
        # shows each key result's latest check-in note on a wide terminal only.
        self.items = report.filters.team is not None
        self.notes = self.items or width >= WIDE

    def ref(self, ref: str) -> str:
        """The reference `cxokr checkin` takes for the key result `ref`."""
        return notes.checkin_ref(ref, self.report)


def _attention(report: Report, view: _View, limit: int | None) -> Group:
    lines = [Text("Needs attention", style="bold")]
    if not report.attention:
        lines.append(Text(notes.nothing_to_watch(report), style="green"))
    items = report.attention if limit is None else report.attention[:limit]
    for item in items:
        severe = item.kind in ("breached", "off track", "regression")
        line = Text(f"{item.kind:<11}", style="red" if severe else "yellow")
        line.append(escape_controls(view.ref(item.ref)))
        lines.append(line)
        detail = [part for part in (item.detail, item.owner) if part]
        if detail:
            shown = Text()
            pieces = [Piece(escape_controls(p), "dim", f" {view.glyphs.dot} ") for p in detail]
            laid_out(shown, pieces, view.width - ATTENTION_HANG, indent=ATTENTION_HANG)
            lines.append(shown)
    hidden = len(report.attention) - len(items)
    if hidden:
        lines.append(
            Text(
                f"… and {hidden} more: cxokr report --full lists every one",
                style="dim",
            )
        )
    return Group(*lines)


def _decisions(report: Report, view: _View, limit: int | None) -> Group:
    """The conflicts and trade-offs to settle (`render.decisions`): the code or how it was
    settled, the key results, then what pulls against what and the owners or the decision;
    the first `limit` of them in a summary."""
    lines = [Text(decisions.TITLE, style="bold")]
    items = decisions.said(report)
    for item in items if limit is None else items[:limit]:
        refs = Text()  # broken between references, under the first
        gap = f" {view.glyphs.dot} "
        pieces = [
            Piece(escape_controls(ref), "", gap if n else "") for n, ref in enumerate(item.refs)
        ]
        laid_out(refs, pieces, view.width - ATTENTION_HANG, indent=ATTENTION_HANG)
        line = Text(f"{item.label:<11}", style="dim" if item.settled else "yellow")
        line.append_text(refs[ATTENTION_HANG:])
        shown = Text()
        pieces = wrap.phrases(escape_controls(item.message), "dim")
        pieces += wrap.phrases(escape_controls(item.outcome), "", gap=f" {view.glyphs.dot} ")
        laid_out(shown, pieces, view.width - ATTENTION_HANG, indent=ATTENTION_HANG)
        lines += [line, shown]
    if limit is not None and len(items) > limit:
        more = f"… and {len(items) - limit} more: cxokr report --full lists every one"
        lines.append(Text(more, style="dim"))
    return Group(*lines)


def render(
    report: Report, out: TextIO | None = None, width: int | None = None, full: bool = False
) -> None:
    """Print the report to `out` (stdout by default): every key result when `full` or the
    organization has at most `DETAIL_LIMIT`, else a summary."""
    target: Console = console(out)
    if width is not None:
        target.width = width
    view = _View(report, Glyphs(can_encode("█░▁→·", out)), target.width, full)
    target.print(_header(report, view.glyphs, view.width))
    if not view.detail:
        target.print(
            Text(
                f"Summary of {len(report.objectives)} objectives and {report.key_result_count()} "
                "key results: --full shows every one; --team, --level or --owner narrow the "
                "report; --format csv or json holds every figure",
                style="dim",
            )
        )
    nothing = notes.empty(report, escape_controls, lambda command: f"'{command}'")
    if nothing is not None:
        target.print()
        target.print(Text(nothing, style="yellow"))
        return
    for ref in report.roots:
        target.print()
        target.print(_tree(report, ref, view, None))
    rest = [o.ref for o in report.objectives if o.ref not in view.shown]
    if rest:
        target.print()
        target.print(Text("Not aligned to a level-1 objective", style="bold"))
        for ref in sorted(rest, key=lambda r: bool(report.objective(r).parents)):
            if ref not in view.shown:
                target.print(_tree(report, ref, view, None))
    target.print()
    limit = None if view.detail else ATTENTION_LIMIT
    if report.decisions:
        target.print(_decisions(report, view, limit))
        target.print()
    target.print(_attention(report, view, limit))
