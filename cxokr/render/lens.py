"""`cxokr metrics` as text (Rich) or JSON.

User text goes through `escape_controls` before it becomes a Rich `Text`.
"""

from __future__ import annotations

from typing import TextIO

from rich.text import Text

from cxokr.compute.lens import MetricLens, SegmentTrend
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
            target.print(_trend_line(trend, glyphs))
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


def _trend_line(trend: SegmentTrend, glyphs: Glyphs) -> Text:
    """A segment's latest reading and its sparkline; `(derived)` where the whole's latest
    was derived from the segments, not recorded."""
    name = trend.segment or "all"
    when = f" on {trend.latest_date}" if trend.latest_date else ""
    if trend.latest_date in trend.derived:
        when += " (derived)"
    line = Text(escape_controls(f"  {name:<12} {number(trend.latest):>10}{when}  "))
    line.append(sparkline([v for _, v in trend.series], glyphs), style="cyan")
    return line


def _shared(kr: KrRow, shared_by: tuple[str, ...]) -> str:
    """The shares that name a key result, or the key result a share names."""
    if kr.shares:
        return f"a share of {short_ref(kr.shares)}"
    if shared_by:
        return f"shared by {', '.join(short_ref(ref) for ref in shared_by)}"
    return ""


def _trend(trend: SegmentTrend, whole: bool) -> dict[str, object]:
    """A segment's readings; for the whole of a metric with `whole`, the days derived."""
    found: dict[str, object] = {
        "segment": trend.segment,
        "latest": trend.latest,
        "latest_date": plain(trend.latest_date),
        "series": [{"date": d.isoformat(), "value": v} for d, v in trend.series],
    }
    if whole and trend.segment is None:
        found["derived"] = [d.isoformat() for d in sorted(trend.derived)]
    return found


def as_json(lenses: tuple[MetricLens, ...], period: Period) -> str:
    document = {
        "version": VERSION,
        "period": plain(period),
        "metrics": [
            {
                "id": lens.id,
                "definition": plain(lens.metric),
                "segments": [_trend(t, lens.metric.whole is not None) for t in lens.trends],
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
