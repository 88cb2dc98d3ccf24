"""Report data for the weekly view (a first outline: objectives and key results per team)."""

from __future__ import annotations

from collections.abc import Iterator

from cxokr.workspace import Workspace


def summary_lines(ws: Workspace, as_of: str | None) -> Iterator[str]:
    org = ws.config.organization if ws.config else "(no cxokr.yaml)"
    yield f"{org}" + (f" as of {as_of}" if as_of else "")
    for (period, team), okr in sorted(ws.okrs.items()):
        yield f"{period} {team}"
        for objective in okr.objectives:
            yield f"  {objective.id}: {objective.title} ({len(objective.key_results)} KRs)"
