"""The files of a new workspace (`cxokr init`): what they hold, and writing them safely.

`plan` builds every file in memory, so a caller can show, test or write them;
`write` refuses to touch a folder where any of them (or a cxokr.yaml) already
exists. The `retail-cx` template is a compact, start-anywhere version of
examples/retail-cx: the same teams, metrics and alignment, with no people, no
readings and no check-ins, so every key result states its own `start`.
"""

from __future__ import annotations

import contextlib
import json
import re
import string
import textwrap
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

from cxokr.edit import ci_workflow, fileio, schema
from cxokr.edit import retail_template as retail
from cxokr.errors import CxokrError, EnvironmentFailure, LinkRefused, UsageError, WriteRefused
from cxokr.load import kinds
from cxokr.load.kinds import Kind
from cxokr.load.layout import CONFIG_FILE, metric_path, okr_path, team_path
from cxokr.model import DEFAULT_LEVELS, PERIOD_PATTERN, Config, Thresholds
from cxokr.yamlio import idscalar, scalar

TemplateName = Literal["retail-cx", "blank"]
TEMPLATES: tuple[TemplateName, ...] = ("retail-cx", "blank")

PeriodSpec = tuple[str, date, date]


def default_periods(today: date) -> list[PeriodSpec]:
    """The calendar year and the calendar quarter containing `today`."""
    year = today.year
    quarter = (today.month - 1) // 3 + 1
    first = date(year, 3 * quarter - 2, 1)
    last = date(year, 12, 31) if quarter == 4 else date(year, 3 * quarter + 1, 1) - timedelta(1)
    return [(str(year), date(year, 1, 1), date(year, 12, 31)), (f"{year}-Q{quarter}", first, last)]


def base(target: Path) -> Path:
    """The folder the paths of `plan` are relative to, for `write`: the top of the git
    repository holding `target` (GitHub reads workflows only there), else `target`."""
    return ci_workflow.repository_top(target) or target


def plan(
    target: Path, org: str, template: TemplateName, periods: list[PeriodSpec]
) -> dict[str, bytes]:
    """Every file of a new workspace: path relative to `base(target)` -> content, sorted.

    Outside a repository, or at the top of one, the paths are relative to
    `target`. In a subfolder of a repository they start with the subfolder,
    except the CI workflow, which goes to the top's `.github/workflows/` and
    checks the subfolder with `--workspace`. Raises UsageError for an empty or
    unprintable organization name, an unknown template, or unusable periods.
    """
    _validate(org, template, periods)
    files = {
        CONFIG_FILE: _config(org, periods),
        ".gitattributes": _GITATTRIBUTES,
        ".gitignore": _GITIGNORE,
        "README.md": _readme(org, periods),
    }
    for kind in kinds.BY_NAME:
        # The same bytes as `schema.write_all`, so `cxokr schema` later rewrites nothing.
        text = json.dumps(schema.build(kind), indent=2, ensure_ascii=False) + "\n"
        files[f"schemas/{schema.schema_name(kind)}"] = text
    if template == "blank":
        files.update(_blank(org, periods))
    else:
        files.update(_retail_cx(periods))
    top = ci_workflow.repository_top(target)
    inside = target.resolve().relative_to(top).as_posix() if top else "."
    inside = "" if inside == "." else inside
    placed = {f"{inside}/{rel}" if inside else rel: text for rel, text in files.items()}
    url, rev = ci_workflow.source()
    placed[ci_workflow.path(inside)] = ci_workflow.text(inside, url, rev)
    return {rel: placed[rel].encode("utf-8") for rel in sorted(placed)}


def write(target: Path, files: dict[str, bytes]) -> list[Path]:
    """Write `files` under `target`, creating folders; never overwrites anything.

    Raises, having written nothing: LinkRefused when a file or a folder on the
    way to it is a symbolic link; CxokrError when any of the files (or a
    cxokr.yaml) already exists; EnvironmentFailure when the machine refuses
    part-way (what was written by then is removed again). Returns the paths
    written, sorted.
    """
    if target.exists() and not target.is_dir():
        raise CxokrError(f"{target} is a file, not a folder; nothing was written")
    paths = {target / rel: files[rel] for rel in sorted(files)}
    for path in (*paths, target / CONFIG_FILE):
        try:
            fileio.contained(target, path)
        except LinkRefused:
            raise
        except WriteRefused:  # a file where a folder must be: listed with the others below
            continue
    in_the_way = sorted(rel for rel in {*files, CONFIG_FILE} if _blocked(target, rel))
    if in_the_way:
        listed = "".join(f"\n  {rel}" for rel in in_the_way)
        raise CxokrError(
            f"{target} already holds files a new workspace would overwrite:{listed}\n"
            "nothing was written; move them aside or choose another folder"
        )
    created = [folder for folder in (target, *target.parents) if not folder.exists()]
    try:
        target.mkdir(parents=True, exist_ok=True)
        fileio.write_files(target, paths, new=True)
    except BaseException as exc:
        for folder in created:
            with contextlib.suppress(OSError):
                folder.rmdir()
        if isinstance(exc, OSError):
            raise EnvironmentFailure.from_os_error(
                exc, f"create {target}", "nothing was written"
            ) from exc
        raise
    return list(paths)


def _blocked(target: Path, rel: str) -> bool:
    """True when `rel` exists, or a folder it needs is something other than a folder."""
    path = target / rel
    if path.exists() or path.is_symlink():
        return True
    return any(
        folder.is_symlink() or (folder.exists() and not folder.is_dir())
        for folder in path.parents
        if folder != target and target in folder.parents
    )


def _validate(org: str, template: str, periods: list[PeriodSpec]) -> None:
    if not org.strip():
        raise UsageError("the organization name must not be empty")
    if not org.isprintable():
        raise UsageError("the organization name must be one line of printable text")
    if template not in TEMPLATES:
        raise UsageError(f"unknown template {template!r}; choose one of {', '.join(TEMPLATES)}")
    if not periods:
        raise UsageError("a workspace needs at least one period")
    seen = set()
    for ident, start, end in periods:
        if not re.fullmatch(PERIOD_PATTERN, ident):
            raise UsageError(
                f"period {ident!r} is not a valid ID (letters, digits and '-', e.g. 2026-Q4)"
            )
        if ident in seen:
            raise UsageError(f"period {ident!r} is given twice")
        if end < start:
            raise UsageError(f"period {ident!r} ends ({end}) before it starts ({start})")
        seen.add(ident)


# --- YAML text --------------------------------------------------------------------


def _modeline(rel: str, kind: Kind[Any]) -> str:
    up = "../" * rel.count("/")
    return f"# yaml-language-server: $schema={up}schemas/{schema.schema_name(kind.name)}\n"


def _config(org: str, periods: list[PeriodSpec]) -> str:
    thresholds = Thresholds()
    stale = Config.model_fields["stale_after_days"].default
    levels = ", ".join(f"{n}: {scalar(name)}" for n, name in DEFAULT_LEVELS.items())
    lines = [
        _modeline(CONFIG_FILE, kinds.CONFIG),
        "# cxokr settings. `cxokr check` validates every file of this workspace.\n",
        "\n",
        "# The name shown on reports.\n",
        f"organization: {scalar(org)}\n",
        "\n",
        "# Periods that OKRs and check-ins belong to, with explicit dates. The current\n",
        "# period is the narrowest one containing today; `--period` picks another.\n",
        "periods:\n",
        *(f"  - {{id: {idscalar(i)}, start: {s}, end: {e}}}\n" for i, s, e in periods),
        "\n",
        "# Names of the team levels (`level:` in teams/*.yaml): executives own outcomes,\n",
        "# CX leaders cross-functional levers, CX managers journey touchpoints, and\n",
        "# operational leaders efficiency.\n",
        f"levels: {{{levels}}}\n",
        "\n",
        "# Pace is progress divided by the share of the period elapsed: at least on_track\n",
        "# is on track, at least at_risk is at risk, below that off track.\n",
        f"status: {{on_track: {thresholds.on_track:g}, at_risk: {thresholds.at_risk:g}}}\n",
        "\n",
        "# A key result with no check-in and no reading for this many days is stale.\n",
        f"stale_after_days: {stale}\n",
    ]
    return "".join(lines)


def _team(
    ident: str, name: str, level: int, parent: str | None, function: str | None, role: str
) -> str:
    lines = [
        _modeline(team_path(ident), kinds.TEAM),
        f"# {role}\n",
        f"name: {scalar(name)}\n",
        f"level: {level}\n",
        *([f"parent: {parent}\n"] if parent else []),
        "# Who leads the team and who may check in, e.g.:\n",
        "# lead: alex@example.com\n",
        "# members: [alex@example.com, sam@example.com]\n",
        *([f"function: {function}\n"] if function else []),
    ]
    return "".join(lines)


def _metric(ident: str, spec: tuple[str, str, str, str, str, str, str]) -> str:
    name, unit, direction, owner, source, segments, description = spec
    wrapped = textwrap.fill(description, width=76, initial_indent="  ", subsequent_indent="  ")
    lines = [
        _modeline(metric_path(ident), kinds.METRIC),
        f"name: {scalar(name)}\n",
        f"unit: {scalar(unit)}\n",
        f"direction: {direction}\n",
        f"description: >-\n{wrapped}\n",
        f"owner: {owner}\n",
        f"source: {source}\n",
        *([f"segments: [{segments}]\n"] if segments else []),
    ]
    return "".join(lines)


def _readme(org: str, periods: list[PeriodSpec]) -> str:
    year, quarter = _year_and_quarter(periods)
    return _README.substitute(org=org, year=year, quarter=quarter)


def _year_and_quarter(periods: list[PeriodSpec]) -> tuple[str, str]:
    """The period for team OKRs (the narrowest; the latest of equals) and the widest enclosing it."""
    quarter = min(periods, key=lambda p: (p[2] - p[1], -p[1].toordinal()))
    enclosing = [p for p in periods if p[1] <= quarter[1] and quarter[2] <= p[2]]
    year = max(enclosing, key=lambda p: p[2] - p[1])
    return year[0], quarter[0]


# --- The blank template -------------------------------------------------------------


def starter_path(periods: list[PeriodSpec]) -> str:
    """The blank template's OKR file with the commented starter objective, relative to the
    workspace: the company's file of the narrowest period."""
    return okr_path(_year_and_quarter(periods)[1], "company")


def _blank(org: str, periods: list[PeriodSpec]) -> dict[str, str]:
    """The executive team, and every folder a user writes to, each showing how to start: a
    commented starter objective in this quarter's company file (checking clean as it is and
    with one `# ` taken off each line), a commented metric in metrics/, a hint in the rest."""
    okrs = starter_path(periods)
    quarter = _year_and_quarter(periods)[1]
    return {
        team_path("company"): _team("company", org, 1, None, None, retail.COMPANY_ROLE)
        + _ANOTHER_TEAM,
        okrs: _modeline(okrs, kinds.OKRS) + _STARTER.substitute(period=quarter),
        "metrics/.gitkeep": _METRIC_EXAMPLE,
        "checkins/.gitkeep": _KEEP.format(
            what="`cxokr checkin` appends check-ins", files="<period>/<team>.yaml"
        ),
        "readings/.gitkeep": _KEEP.format(
            what="`cxokr record` appends readings", files="<metric>.yaml"
        ),
    }


_ANOTHER_TEAM = """\
# Every other team has a file of its own, teams/<team>.yaml, that `cxokr new team`
# writes; e.g. teams/ecommerce.yaml holds `name: E-commerce`, `level: 2`, `parent: company`.
"""

_STARTER = string.Template("""\
# The company's objectives and key results for $period; another team's go in
# okrs/$period/<team>.yaml. Write them with `cxokr new objective` and `cxokr new kr`,
# or start from the example below: take one "# " off the start of each of its lines.
# Once other teams exist, `cxokr check` warns (CX334) until one of their objectives
# supports it (`aligns_to: company/delight-shoppers`).
#
# objectives:
#   - id: delight-shoppers
#     title: Shoppers love buying from us
#     owner: alex@example.com
#     key_results:
#       - id: reviews-answered
#         title: Answer 95% of product reviews within two days
#         unit: "%"
#         start: 40
#         target: 95
#       # - id: raise-nps  # on a metric of the shared catalog: see metrics/.gitkeep
#       #   title: Raise NPS from 31 to 40
#       #   metric: nps
#       #   start: 31
#       #   target: 40
""")

_METRIC_EXAMPLE = """\
# The shared metric catalog: one file a metric, metrics/<metric>.yaml, that
# `cxokr new metric` writes. For example, metrics/nps.yaml, without the "# ":
#
# name: Net Promoter Score
# unit: points
# direction: higher
# description: Share of promoters less share of detractors, post-purchase survey.
# owner: company
# source: Survey tool export, weekly
"""

_KEEP = "# Kept so that git keeps this folder, where {what} to {files}.\n"


# --- The retail-cx template ---------------------------------------------------------


def _retail_cx(periods: list[PeriodSpec]) -> dict[str, str]:
    year, quarter = _year_and_quarter(periods)
    up = "" if year == quarter else f"{year}:"
    files: dict[str, str] = {}
    for ident, (name, level, parent, function, role) in retail.TEAMS.items():
        files[team_path(ident)] = _team(ident, name, level, parent, function, role)
    for ident, spec in retail.METRICS.items():
        files[metric_path(ident)] = _metric(ident, spec)
    for team, text in retail.OKRS.items():
        rel = okr_path(year if team == "company" else quarter, team)
        body = string.Template(textwrap.dedent(text).lstrip("\n"))
        shown = f"{up}company/<objective>"
        files[rel] = _modeline(rel, kinds.OKRS) + body.substitute(up=up, up_shown=shown)
    return files


# --- Other files --------------------------------------------------------------------

_GITATTRIBUTES = """\
# The check-in and reading logs only ever grow by whole lines, so a merge keeps
# the lines of both sides instead of stopping at a conflict. (GitHub's own merge
# button ignores this; cxokr tolerates the reordered or repeated lines it leaves.)
checkins/**/*.yaml merge=union
readings/*.yaml merge=union
"""

_GITIGNORE = """\
# Earlier releases of cxokr kept a cache here. cxokr now keeps its cache in
# .git/cxokr/ and never reads this folder; ignored so nobody commits an old one.
.cxokr/
"""

_README = string.Template("""\
# $org: OKRs as code

This repository holds $org's objectives and key results as plain YAML files.
The `cxokr` command checks them and reports progress; git history records who
changed which number or target, and when.

| path | what it holds |
| --- | --- |
| `cxokr.yaml` | settings: organization, periods, level names, status thresholds |
| `teams/<team>.yaml` | one file per team: name, level (1-4), parent, lead, members |
| `metrics/<metric>.yaml` | the shared metric catalog: unit, direction, segments, source |
| `okrs/<period>/<team>.yaml` | a team's objectives and key results for a period, e.g. `okrs/$quarter/` |
| `checkins/<period>/<team>.yaml` | check-ins, appended by `cxokr checkin` (one per line) |
| `readings/<metric>.yaml` | metric readings, appended by `cxokr record` and `cxokr import` |
| `schemas/` | JSON Schemas, so editors complete and validate the files as you type |

Yearly company objectives live in `okrs/$year/`; team objectives align to them
with `aligns_to: $year:company/<objective>` (or to another team's objective of
the same period with `aligns_to: <team>/<objective>`).

## Check in

```sh
cxokr checkin team/objective/kr --value 61.2 --confidence 0.7
```

The value is the key result's current number, the confidence (0 to 1) how
sure its owner is of reaching the target. Readings of shared metrics are
recorded with `cxokr record METRIC VALUE`.

## Check and report

```sh
cxokr check                           # validate every file (CI runs it on pull requests)
cxokr report                          # the weekly view of the current period
cxokr report --team TEAM --format md  # one team, as Markdown for a chat or a pull request
cxokr explain team/objective/kr       # the arithmetic behind a number
```
""")
