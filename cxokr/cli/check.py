"""`cxokr check` and `cxokr schema`: validation for people, editors and CI."""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cxokr.cli.app import (
    EXIT_OK,
    EXIT_PROBLEMS,
    WorkspaceOption,
    app,
    caching,
    err,
    guarded,
    load_cached,
    root_of,
)

if TYPE_CHECKING:
    from cxokr.rules.checks import CheckResult

# --- check ---------------------------------------------------------------------------------


class CheckFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    GITHUB = "github"


@app.command()
@guarded
def check(
    workspace: WorkspaceOption = None,
    output_format: Annotated[
        CheckFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="text, json or github (default: github when GITHUB_ACTIONS=true, else text).",
        ),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail the check too.")] = False,
) -> int:
    """Validate every file of the workspace; exit 1 on problems.

    Example: cxokr check --format github --strict
    """
    from cxokr.render import problems as render

    root = root_of(workspace)
    result = _checked(root, output_format, strict)
    fmt = output_format or (
        CheckFormat.GITHUB if os.environ.get("GITHUB_ACTIONS") == "true" else CheckFormat.TEXT
    )
    if fmt is CheckFormat.JSON:
        sys.stdout.write(render.as_json(result, strict))
    elif fmt is CheckFormat.GITHUB:
        prefix = _repo_prefix(root)
        sys.stdout.write(render.github(result.problems, prefix))
        summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary_file:
            with Path(summary_file).open("a", encoding="utf-8") as out:
                out.write(render.step_summary(result, strict, prefix))
    else:
        sys.stdout.write(render.text(result.problems))
    err(render.summary(result, strict))
    return EXIT_PROBLEMS if result.failed(strict) else EXIT_OK


def _checked(root: Path, output_format: CheckFormat | None, strict: bool) -> CheckResult:
    """What `check` finds: kept from an earlier run on the same workspace, day and options
    (`kept`), else every rule run and moved goalposts looked for, and the answer kept."""
    from cxokr.cli import kept

    slot = kept.slot(root, "check", output_format, strict) if caching() else None
    found = None if slot is None else slot.recall(kept.read_check)
    if found is not None:
        return found
    from cxokr.git import goalposts
    from cxokr.rules.checks import check_workspace

    ws, cache = load_cached(root)
    result = goalposts.checked(root, ws, check_workspace(ws), keep=caching())
    if slot is not None and not kept.looks_beyond(ws):
        slot.keep(lambda: kept.check_body(result), cache)
    return result


def _repo_prefix(root: Path) -> str:
    """The workspace folder relative to the current folder, for annotation file paths."""
    rel = os.path.relpath(root, Path.cwd())
    return "" if rel == "." else rel.replace(os.sep, "/") + "/"


# --- schema --------------------------------------------------------------------------------


@app.command()
@guarded
def schema(
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Folder to write to (default: schemas/ in the workspace)."
        ),
    ] = None,
    workspace: WorkspaceOption = None,
) -> int:
    """Write a JSON Schema (draft-07) for each file kind, for editors and CI.

    Files point at them with a first line such as
    `# yaml-language-server: $schema=../schemas/team.schema.json`.

    Example: cxokr schema --output schemas
    """
    from cxokr.edit.schema import write_all

    if output is not None:
        written = write_all(output)
    else:  # inside the workspace, so never through a link
        root = root_of(workspace)
        written = write_all(root / "schemas", root)
    for path in written:
        sys.stdout.write(f"{path}\n")
    return EXIT_OK
