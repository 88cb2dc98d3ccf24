"""`cxokr align` and `cxokr metrics`: how goals ladder up, and one metric across every level."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cxokr.cli import complete
from cxokr.cli.app import (
    AsOfOption,
    PeriodOption,
    WorkspaceOption,
    app,
    guarded,
    load,
    parse_date,
    root_of,
)
from cxokr.errors import UsageError


class AlignFormat(StrEnum):
    TEXT = "text"
    MD = "md"
    JSON = "json"


class LensFormat(StrEnum):
    TEXT = "text"
    MD = "md"
    JSON = "json"


@app.command("align")
@guarded
def align_command(
    workspace: WorkspaceOption = None,
    period: PeriodOption = None,
    as_of: AsOfOption = None,
    output_format: Annotated[
        AlignFormat, typer.Option("--format", "-f", help="text, md or json.")
    ] = AlignFormat.TEXT,
) -> int:
    """The alignment tree, coverage, unsupported goals, who contributes to what, conflicts.

    Example: cxokr align --as-of 2026-11-20 --format md
    """
    from cxokr.cli.report import warn_left_out
    from cxokr.compute.align_view import build_view
    from cxokr.render import align as render
    from cxokr.rules.alignment import check_alignment

    ws = load(root_of(workspace), parse_date(as_of))
    view = build_view(ws, check_alignment(ws), parse_date(as_of), period)
    if output_format is AlignFormat.TEXT:
        render.text(view)
    else:
        sys.stdout.write(
            render.markdown(view) if output_format is AlignFormat.MD else render.as_json(view)
        )
    return warn_left_out(ws)


@app.command()
@guarded
def metrics(
    metric: Annotated[
        str | None,
        typer.Argument(help="One metric (default: every metric).", autocompletion=complete.metrics),
    ] = None,
    workspace: WorkspaceOption = None,
    period: PeriodOption = None,
    as_of: AsOfOption = None,
    output_format: Annotated[
        LensFormat, typer.Option("--format", "-f", help="text or json (and md with --tree).")
    ] = LensFormat.TEXT,
    tree: Annotated[
        bool,
        typer.Option(
            "--tree",
            help="The driver tree: each outcome metric (or METRIC) over the metrics that drive it.",
        ),
    ] = False,
) -> int:
    """The metric lens: definition, latest reading per segment, trend, and every KR using it.

    Example: cxokr metrics nps --as-of 2026-11-20   (or: cxokr metrics --tree)
    """
    if tree:
        return _driver_tree(metric, workspace, period, as_of, output_format)
    if output_format is LensFormat.MD:
        raise UsageError("--format md draws the driver tree: add --tree, or use text or json")
    from cxokr.cli.report import warn_left_out
    from cxokr.compute.lens import lenses
    from cxokr.render import lens as render

    ws = load(root_of(workspace), parse_date(as_of))
    covered, found = lenses(ws, parse_date(as_of), metric, period)
    if output_format is LensFormat.JSON:
        sys.stdout.write(render.as_json(found, covered))
    else:
        render.text(found, covered.id)
    return warn_left_out(ws)


def _driver_tree(  # the body of `metrics --tree`
    metric: str | None,
    workspace: Path | None,
    period: str | None,
    as_of: str | None,
    output_format: LensFormat,
) -> int:
    from cxokr.cli.report import warn_left_out
    from cxokr.compute.metric_map import metric_map
    from cxokr.render import metric_tree as render

    ws = load(root_of(workspace), parse_date(as_of))
    found = metric_map(ws, parse_date(as_of), metric, period)
    if output_format is LensFormat.TEXT:
        render.text(found)
    else:
        sys.stdout.write(
            render.markdown(found) if output_format is LensFormat.MD else render.as_json(found)
        )
    return warn_left_out(ws)
