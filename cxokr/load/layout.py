"""Where each file of a workspace lives, and finding the workspace from a folder."""

from __future__ import annotations

from pathlib import Path

from cxokr.errors import WorkspaceNotFound

CONFIG_FILE = "cxokr.yaml"
SUFFIX = ".yaml"


def team_path(team: str) -> str:
    return f"teams/{team}{SUFFIX}"


def metric_path(metric: str) -> str:
    return f"metrics/{metric}{SUFFIX}"


def okr_path(period: str, team: str) -> str:
    return f"okrs/{period}/{team}{SUFFIX}"


def checkin_path(period: str, team: str) -> str:
    return f"checkins/{period}/{team}{SUFFIX}"


def reading_path(metric: str) -> str:
    return f"readings/{metric}{SUFFIX}"


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
