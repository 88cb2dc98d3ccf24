"""Shell completion from the workspace: teams, metrics, periods, and references.

Each function is a Typer `autocompletion` callback: Click's context and the
word typed so far in, the matching words out (with a title where the shell
shows one). The workspace is the one `--workspace` names, when it is already
on the command line, else the one found upward from the current folder.

Completion runs on every press of Tab, so it reads as little as it can:
teams and metrics are file names, periods come from cxokr.yaml alone, and
references read the OKR files of one team only, once its name is typed (of
the periods containing today, or the one `--period` or a `PERIOD:` prefix
names). Nothing here is imported until a shell asks: the heavy modules are
imported inside the callbacks. And completion never gets in the way: any
failure gives no suggestions, never a message or a traceback.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer

if TYPE_CHECKING:
    from cxokr.model import OkrFile

Suggestion = tuple[str, str]  # (word, what it is)
CONFIG_FILE = "cxokr.yaml"
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")  # model.SLUG_PATTERN, without loading the models
F = TypeVar("F", bound=Callable[..., list[Suggestion]])


def _quiet(complete: F) -> F:
    """No suggestions instead of any failure: a shell has nowhere to show one."""

    @functools.wraps(complete)
    def run(ctx: typer.Context, incomplete: str) -> list[Suggestion]:
        try:
            found = complete(ctx, incomplete)
            from cxokr.render.controls import escape_controls  # titles may hold any character

            return [
                (word, escape_controls(about))
                for word, about in found
                if word.startswith(incomplete) and word.isprintable()
            ]
        except Exception:  # whatever it was, the shell only loses its suggestions
            return []

    return run  # type: ignore[return-value]


@_quiet
def teams(ctx: typer.Context, incomplete: str) -> list[Suggestion]:
    """The workspace's teams: the names of teams/*.yaml."""
    return [(name, "team") for name in _names(_root(ctx) / "teams")]


@_quiet
def metrics(ctx: typer.Context, incomplete: str) -> list[Suggestion]:
    """The metric catalog: the names of metrics/*.yaml."""
    return [(name, "metric") for name in _names(_root(ctx) / "metrics")]


@_quiet
def periods(ctx: typer.Context, incomplete: str) -> list[Suggestion]:
    """The periods cxokr.yaml declares, with their dates."""
    return [(p.id, f"{p.start} to {p.end}") for p in _periods(_root(ctx))]


@_quiet
def key_results(ctx: typer.Context, incomplete: str) -> list[Suggestion]:
    """Key results, as `checkin` takes them: team/objective/kr (PERIOD: first for another
    period). Until one team is told apart, the teams, as `team/`."""
    return list(_refs(ctx, incomplete, teams=False, objectives=False))


@_quiet
def refs(ctx: typer.Context, incomplete: str) -> list[Suggestion]:
    """What `log` and `explain` take: a team, an objective (team/objective) or a key result."""
    return list(_refs(ctx, incomplete, teams=True, objectives=True))


@_quiet
def explained(ctx: typer.Context, incomplete: str) -> list[Suggestion]:
    """What `explain` takes: a reference, or `organization` for the headline."""
    return [*refs(ctx, incomplete), ("organization", "the organization's headline")]


def _refs(
    ctx: typer.Context, incomplete: str, teams: bool, objectives: bool
) -> Iterator[Suggestion]:
    """The references starting `incomplete`: the teams while several match (as `team/` where
    a team alone is no reference), then the objectives and key results of the one team."""
    root = _root(ctx)
    period, colon, typed = incomplete.rpartition(":")
    shown = period + colon
    team, slash, _ = typed.partition("/")
    names = _names(root / "teams")
    if not slash:
        matching = [name for name in names if name.startswith(team)]
        if len(matching) != 1:
            yield from ((f"{shown}{name}{'' if teams else '/'}", "team") for name in matching)
            return
        (team,) = matching
        if teams:
            yield f"{shown}{team}", "team"
    elif team not in names:
        return
    for found in _okr_files(ctx, root, team, period):
        for objective in found.objectives:
            if objectives:
                yield f"{shown}{team}/{objective.id}", objective.title
            for kr in objective.key_results:
                yield f"{shown}{team}/{objective.id}/{kr.id}", kr.title


def _okr_files(ctx: typer.Context, root: Path, team: str, period: str) -> Iterator[OkrFile]:
    """The team's OKR files: of `period` when given, else of `--period`, else of every period
    containing today (those a reference without a period reaches)."""
    from cxokr.load.kinds import OKRS

    chosen = period or ctx.params.get("period")
    today = date.today()
    ids = [chosen] if chosen else [p.id for p in _periods(root) if p.start <= today <= p.end]
    for ident in ids:
        path = root / "okrs" / ident / f"{team}.yaml"
        found = OKRS.parse(path.read_bytes()).value if path.is_file() else None
        if found is not None:
            yield found


def _root(ctx: typer.Context) -> Path:
    """The workspace: `--workspace` when given, else the nearest folder upward holding
    cxokr.yaml (as `layout.find_root`, without importing the file models for it)."""
    given = ctx.params.get("workspace")
    here = Path(given) if given else Path.cwd()
    found = next((p for p in (here, *here.parents) if (p / CONFIG_FILE).is_file()), None)
    if found is None or (given and found != here):
        raise LookupError("no workspace")
    return found


def _names(folder: Path) -> list[str]:
    """The IDs the files of `folder` name (a file whose name is no ID is a problem for check)."""
    return sorted(p.stem for p in folder.glob("*.yaml") if SLUG.fullmatch(p.stem))


def _periods(root: Path) -> list[Any]:
    from cxokr.load.kinds import CONFIG

    config = CONFIG.parse((root / CONFIG_FILE).read_bytes()).value
    return list(config.periods) if config else []
