"""`cxokr metrics --tree`: the driver tree as text (Rich), Markdown or JSON.

Each outcome metric at the top, its drivers below it; every node with its
latest reading per segment and the key results on it (level, team, status).
User text is escaped: `escape_controls` before it becomes a Rich `Text`,
`markdown.escape` in Markdown, `controls.json_text` for JSON.
"""

from __future__ import annotations

from typing import Any, TextIO

from rich.text import Text
from rich.tree import Tree

from cxokr.compute.metric_map import DriverNode, MetricMap
from cxokr.compute.report import KrRow
from cxokr.render import markdown as md
from cxokr.render import wrap
from cxokr.render.console import can_encode, console
from cxokr.render.controls import escape_controls, json_text
from cxokr.render.report_json import plain
from cxokr.render.text import GUIDE, STATUS_STYLE, Glyphs, laid_out, number, percent
from cxokr.render.wrap import Piece

VERSION = 1
INDENT = 2  # a node's readings and key results, under its name
NO_MAP = "no metric drives another yet: name the outcomes a metric moves with drives: [nps]"


def _title(tree: MetricMap, dot: str) -> str:
    return f"Metric map{dot}{tree.period.id}{dot}as of {tree.as_of}"


def _head(node: DriverNode) -> str:
    metric = node.metric
    return f"{node.id}  {metric.name} ({metric.unit}, {metric.direction.value} is better)"


def _readings(node: DriverNode) -> str:
    shown = [f"{r.segment or 'all'} {number(r.value)} on {r.date}" for r in node.latest]
    return ", ".join(shown) or "no reading yet"


def _kr(kr: KrRow, level: int | None, period: str) -> str:
    segment = f" [{kr.segment}]" if kr.segment else ""
    other = f" ({kr.period})" if kr.period != period else ""
    return f"L{level or '?'} {kr.team}/{kr.objective}/{kr.id}{segment}{other}"


def _extras(node: DriverNode) -> list[str]:
    extras = [f"trades off against {', '.join(node.trades_off)}"] if node.trades_off else []
    return extras + (["drivers shown above"] if node.repeated else [])


# --- Text ---------------------------------------------------------------------------------


def _label(node: DriverNode, period: str, width: int) -> Text:
    """A node's lines, each broken only between its parts at `width` columns: the metric,
    its latest reading per segment, each key result with its progress and status."""
    label = Text()
    head = [Piece(escape_controls(node.id), "bold", "")]
    head += wrap.words(escape_controls(_head(node)[len(node.id) :]), gap="  ")
    head += [Piece(escape_controls(f"({extra})"), "dim", "  ") for extra in _extras(node)]
    laid_out(label, head, width, INDENT)
    readings = _readings(node).split(", ")
    label.append("\n")
    shown = [Piece(escape_controls(r), "cyan", ", " if n else "") for n, r in enumerate(readings)]
    laid_out(label, shown, width - INDENT, indent=INDENT)
    for kr in node.key_results:
        label.append("\n")
        ref = escape_controls(_kr(kr, node.levels.get(kr.team), period))
        figures = f"{percent(kr.progress)} {kr.status.value}"
        level, _, rest = ref.partition(" ")  # `L3 team/objective/kr [segment] (period)`
        ref_of, _, more = rest.partition(" ")
        pieces = [Piece(f"{level} {ref_of}"), *wrap.words(more)]
        pieces.append(Piece(figures, STATUS_STYLE[kr.status], "  "))
        laid_out(label, pieces, width - INDENT, INDENT, indent=INDENT)
    return label


def _grow(branch: Tree, node: DriverNode, period: str, width: int) -> None:
    for driver in node.drivers:
        twig = branch.add(_label(driver, period, width - GUIDE), guide_style="dim")
        _grow(twig, driver, period, width - GUIDE)


def text(tree: MetricMap, out: TextIO | None = None) -> None:
    target = console(out)
    glyphs = Glyphs(can_encode("·─│", out))
    target.print(Text(escape_controls(_title(tree, f" {glyphs.dot} ")), style="bold"))
    if not tree.outcomes:
        target.print(Text(NO_MAP, style="dim"))
    for node in tree.outcomes:
        top = Tree(_label(node, tree.period.id, target.width), guide_style="dim")
        _grow(top, node, tree.period.id, target.width)
        target.print()
        target.print(top)
    if tree.unlinked:
        target.print()
        target.print(Text(escape_controls(f"Not on the map: {', '.join(tree.unlinked)}")))


# --- Markdown -----------------------------------------------------------------------------


def _md_node(node: DriverNode, period: str, depth: int) -> list[str]:
    pad = "  " * depth
    extras = "".join(f" ({md.escape(extra)})" for extra in _extras(node))
    head = f"**{md.escape(node.id)}**{md.escape(_head(node)[len(node.id) :])}"
    lines = [f"{pad}- {head}{extras}: {md.escape(_readings(node))}"]
    for kr in node.key_results:
        ref = md.escape(_kr(kr, node.levels.get(kr.team), period))
        lines.append(f"{pad}  - {ref}: {md.percent(kr.progress)}, {kr.status.value}")
    for driver in node.drivers:
        lines += _md_node(driver, period, depth + 1)
    return lines


def markdown(tree: MetricMap) -> str:
    lines = [f"# {md.escape(_title(tree, ' · '))}", ""]
    if not tree.outcomes:
        lines.append(md.escape(NO_MAP))
    for node in tree.outcomes:
        lines += _md_node(node, tree.period.id, 0)
    if tree.unlinked:
        lines += ["", f"Not on the map: {md.escape(', '.join(tree.unlinked))}"]
    return "\n".join(lines) + "\n"


# --- JSON ---------------------------------------------------------------------------------


def node_json(node: DriverNode) -> dict[str, Any]:
    """One node and its drivers as JSON-ready values (the HTML page reads the same)."""
    metric = node.metric
    return {
        "id": node.id,
        "name": metric.name,
        "unit": metric.unit,
        "direction": metric.direction.value,
        "owner": metric.owner,
        "latest": [
            {"segment": r.segment, "value": r.value, "date": r.date.isoformat()}
            for r in node.latest
        ],
        "trades_off": list(node.trades_off),
        "key_results": [
            {
                "ref": kr.ref,
                "team": kr.team,
                "level": node.levels.get(kr.team),
                "segment": kr.segment,
                "period": kr.period,
                "progress": kr.progress,
                "status": kr.status.value,
            }
            for kr in node.key_results
        ],
        "repeated": node.repeated,
        "drivers": [node_json(driver) for driver in node.drivers],
    }


def as_json(tree: MetricMap) -> str:
    document = {
        "version": VERSION,
        "period": plain(tree.period),
        "as_of": tree.as_of.isoformat(),
        "outcomes": [node_json(node) for node in tree.outcomes],
        "unlinked": list(tree.unlinked),
    }
    return json_text(document) + "\n"
