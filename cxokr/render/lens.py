"""`cxokr metrics` as text (Rich) or JSON.

User text goes through `escape_controls` before it becomes a Rich `Text`.
"""

from __future__ import annotations

from typing import TextIO

from rich.text import Text

from cxokr.compute.lens import MetricLens
from cxokr.compute.report import KrRow, short_ref
from cxokr.model import Period
from cxokr.render.console import can_encode, console
from cxokr.render.controls import escape_controls, json_text
from cxokr.render.report_json import plain
from cxokr.render.text import STATUS_STYLE, Glyphs, number, percent, sparkline

VERSION = 1


def text(lenses: tuple[MetricLens, ...], period: str, out: TextIO | None = None) -> None:
    target = console(out)
    glyphs = Glyphs(can_encode("█░▁→·", out))
    for n, lens in enumerate(lenses):
        if n:
            target.print()
        metric = lens.metric
        head = Text(escape_controls(lens.id), style="bold")
        better = "higher" if metric.direction.value == "higher" else "lower"
        head.append(escape_controls(f"  {metric.name} ({metric.unit}, {better} is better)"))
        target.print(head)
        details = [
            part
            for part in (
                metric.description,
                f"owner {metric.owner}" if metric.owner else None,
                f"source {metric.source}" if metric.source else None,
            )
            if part
        ]
        for part in details:
            target.print(Text(escape_controls(f"  {part}"), style="dim"))
        for trend in lens.trends:
            name = trend.segment or "all"
            when = f" on {trend.latest_date}" if trend.latest_date else ""
            spark = sparkline([v for _, v in trend.series], glyphs)
            line = Text(escape_controls(f"  {name:<12} {number(trend.latest):>10}{when}  "))
            line.append(spark, style="cyan")
            target.print(line)
        if not lens.key_results:
            target.print(Text(escape_controls(f"  no key result in {period} uses it"), style="dim"))
        for kr in lens.key_results:
            level = lens.levels.get(kr.team)
            row = Text(
                escape_controls(f"  L{level if level else '?'} {kr.team}/{kr.objective}/{kr.id}")
            )
            segment = f" [{kr.segment}]" if kr.segment else ""
            figures = f"{segment}  {number(kr.start)} {glyphs.arrow} {number(kr.target)}"
            if kr.relative:
                figures += f" ({kr.relative})"
            row.append(escape_controls(figures), style="dim")
            row.append(f"  {percent(kr.progress)} ")
            row.append(kr.status.value, style=STATUS_STYLE[kr.status])
            if kr.period != period:
                row.append(escape_controls(f"  ({kr.period})"), style="dim")
            target.print(row)
            shared = _shared(kr, lens.shared_by.get(kr.ref, ()))
            if shared:
                target.print(Text(escape_controls(f"     {shared}"), style="dim"))


def _shared(kr: KrRow, shared_by: tuple[str, ...]) -> str:
    """The shares that name a key result, or the key result a share names."""
    if kr.shares:
        return f"a share of {short_ref(kr.shares)}"
    if shared_by:
        return f"shared by {', '.join(short_ref(ref) for ref in shared_by)}"
    return ""


def as_json(lenses: tuple[MetricLens, ...], period: Period) -> str:
    document = {
        "version": VERSION,
        "period": plain(period),
        "metrics": [
            {
                "id": lens.id,
                "definition": plain(lens.metric),
                "segments": [
                    {
                        "segment": t.segment,
                        "latest": t.latest,
                        "latest_date": plain(t.latest_date),
                        "series": [{"date": d.isoformat(), "value": v} for d, v in t.series],
                    }
                    for t in lens.trends
                ],
                "key_results": [
                    {
                        "ref": kr.ref,
                        "team": kr.team,
                        "level": lens.levels.get(kr.team),
                        "segment": kr.segment,
                        "start": kr.start,
                        "target": kr.target,
                        "relative": kr.relative,
                        "value": kr.value,
                        "progress": kr.progress,
                        "status": kr.status.value,
                        "shares": kr.shares,
                        "shared_by": list(lens.shared_by.get(kr.ref, ())),
                    }
                    for kr in lens.key_results
                ],
            }
            for lens in lenses
        ],
    }
    return json_text(document) + "\n"
