"""Where each file of a workspace lives, and finding the workspace from a folder.

The folders are those of the file-kind table (`kinds`); these name one file.
"""

from __future__ import annotations

from pathlib import Path

from cxokr.errors import WorkspaceNotFound
from cxokr.load.kinds import CHECKINS, CONFIG_FILE, METRIC, OKRS, READINGS, SUFFIX, TEAM

__all__ = [
    "CONFIG_FILE",
    "SUFFIX",
    "checkin_path",
    "find_root",
    "metric_path",
    "okr_path",
    "reading_path",
    "team_path",
]


def team_path(team: str) -> str:
    return TEAM.path(team)


def metric_path(metric: str) -> str:
    return METRIC.path(metric)


def okr_path(period: str, team: str) -> str:
    return OKRS.path(period, team)


def checkin_path(period: str, team: str) -> str:
    return CHECKINS.path(period, team)


def reading_path(metric: str) -> str:
    return READINGS.path(metric)


def find_root(start: Path | None = None, explicit: Path | None = None) -> Path:
    """The folder holding cxokr.yaml: `explicit` itself, or the nearest one upward of `start`."""
    if explicit is not None:
        if not (explicit / CONFIG_FILE).is_file():
            raise WorkspaceNotFound(
                f"no {CONFIG_FILE} in {explicit}; run 'cxokr init {explicit}' to create one"
            )
        return explicit.resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    raise WorkspaceNotFound(
        f"no {CONFIG_FILE} in {here} or any folder above it; "
        "run 'cxokr init' or pass --workspace DIR"
    )
