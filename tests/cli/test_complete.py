"""Shell completion: the callbacks on a real workspace, and the shell's protocol end to end."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import typer
from typer.main import get_command

from cxokr.cli import app, complete
from cxokr.edit.scaffold import default_periods
from cxokr.model import SLUG_PATTERN
from tests.conftest import write_files

(YEAR, Y_START, Y_END), (QUARTER, Q_START, Q_END) = default_periods(date.today())


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A workspace whose periods contain today: a year and its quarter."""
    return write_files(
        tmp_path / "ws",
        {
            "cxokr.yaml": f"""
                organization: Acme
                periods:
                  - {{id: {YEAR}, start: {Y_START}, end: {Y_END}}}
                  - {{id: {QUARTER}, start: {Q_START}, end: {Q_END}}}
                  - {{id: 1999, start: 1999-01-01, end: 1999-12-31}}
            """,
            "teams/company.yaml": "name: Company\nlevel: 1\n",
            "teams/ecommerce.yaml": "name: E-commerce\nlevel: 2\nparent: company\n",
            "teams/eco-team.yaml": "name: Eco\nlevel: 2\nparent: company\n",
            "teams/Not An ID.yaml": "name: x\nlevel: 2\n",
            "metrics/aov.yaml": "name: AOV\nunit: USD\ndirection: higher\n",
            "metrics/nps.yaml": "name: NPS\nunit: points\ndirection: higher\n",
            f"okrs/{QUARTER}/ecommerce.yaml": """
                objectives:
                  - id: grow-basket
                    title: Shoppers find more to love
                    key_results:
                      - {id: aov-online, title: Raise AOV, unit: USD, start: 58, target: 64}
                      - {id: bundles, title: Bundles live, unit: count, start: 0, target: 3}
            """,
            f"okrs/{YEAR}/ecommerce.yaml": """
                objectives:
                  - id: year-goal
                    title: A year's goal
                    key_results:
                      - {id: reach, title: Reach, unit: count, start: 0, target: 9}
            """,
            "okrs/1999/ecommerce.yaml": """
                objectives:
                  - id: old
                    title: Long ago
                    key_results:
                      - {id: gone, title: Gone, unit: count, start: 0, target: 1}
            """,
        },
    )


def context(**params: object) -> typer.Context:
    ctx = typer.Context(get_command(app))
    ctx.params = dict(params)
    return ctx


def words(found: list[tuple[str, str]]) -> list[str]:
    return [word for word, _ in found]


def test_teams_are_the_team_files_that_name_an_id(root: Path) -> None:
    assert complete.teams(context(workspace=root), "") == [
        ("company", "team"),
        ("eco-team", "team"),
        ("ecommerce", "team"),
    ]
    assert words(complete.teams(context(workspace=root), "ecom")) == ["ecommerce"]


def test_the_workspace_is_found_upward_from_the_current_folder(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(root / "teams")
    assert words(complete.metrics(context(), "")) == ["aov", "nps"]


def test_periods_come_with_their_dates(root: Path) -> None:
    assert complete.periods(context(workspace=root), "19") == [("1999", "1999-01-01 to 1999-12-31")]


def test_key_results_of_the_periods_containing_today_once_a_team_is_told_apart(
    root: Path,
) -> None:
    ctx = context(workspace=root)
    assert words(complete.key_results(ctx, "ec")) == ["eco-team/", "ecommerce/"]
    assert words(complete.key_results(ctx, "ecomm")) == [
        "ecommerce/year-goal/reach",
        "ecommerce/grow-basket/aov-online",
        "ecommerce/grow-basket/bundles",
    ]
    assert words(complete.key_results(ctx, "ecommerce/grow-basket/b")) == [
        "ecommerce/grow-basket/bundles"
    ]


def test_a_period_prefix_or_option_reaches_another_period(root: Path) -> None:
    assert words(complete.key_results(context(workspace=root), "1999:ecommerce/")) == [
        "1999:ecommerce/old/gone"
    ]
    assert words(complete.refs(context(workspace=root, period="1999"), "ecommerce/")) == [
        "ecommerce/old",
        "ecommerce/old/gone",
    ]


def test_refs_take_teams_objectives_and_key_results_with_titles(root: Path) -> None:
    found = dict(complete.refs(context(workspace=root, period=QUARTER), "ecommerce"))
    assert list(found) == [
        "ecommerce",
        "ecommerce/grow-basket",
        "ecommerce/grow-basket/aov-online",
        "ecommerce/grow-basket/bundles",
    ]
    assert found["ecommerce/grow-basket"] == "Shoppers find more to love"
    assert words(complete.explained(context(workspace=root), "org")) == ["organization"]


@pytest.mark.parametrize(
    "params",
    [{"workspace": Path("/nonexistent")}, {"workspace": Path("/")}, {}],
)
def test_no_workspace_gives_no_suggestions(
    params: dict[str, object], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for callback in (complete.teams, complete.periods, complete.key_results, complete.refs):
        assert callback(context(**params), "") == []


def test_a_broken_file_gives_no_suggestions_and_no_message(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (root / "cxokr.yaml").write_bytes(b"periods: [\x00\n")
    assert complete.periods(context(workspace=root), "") == []
    assert complete.key_results(context(workspace=root), "ecommerce/") == []
    assert capsys.readouterr() == ("", "")


def test_the_slug_is_the_models(root: Path) -> None:
    assert complete.SLUG.pattern == SLUG_PATTERN.strip("^$")


def shell(root: Path, line: str) -> subprocess.CompletedProcess[str]:
    """What `cxokr` answers the shell's completion script for `line`, typed in `root`."""
    typed = line.split(" ")
    env = {
        **os.environ,
        "_CXOKR_COMPLETE": "complete_bash",
        "COMP_WORDS": line,
        "COMP_CWORD": str(len(typed) - 1),
    }
    command = [sys.executable, "-m", "cxokr"]
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=False)


def test_bash_completes_through_the_real_command(root: Path) -> None:
    done = shell(root / "okrs", "cxokr report --team eco")
    assert (done.returncode, done.stdout.split(), done.stderr) == (
        0,
        ["eco-team", "ecommerce"],
        "",
    )
    assert shell(root, "cxokr metrics ").stdout.split() == ["aov", "nps"]
    assert shell(root, "cxokr record n").stdout.split() == ["nps"]
    assert shell(root, "cxokr import x.csv --metric a").stdout.split() == ["aov"]
    assert shell(root, f"cxokr checkin -w {root} ecommerce/grow-basket/a").stdout.split() == [
        "ecommerce/grow-basket/aov-online"
    ]


def test_new_completes_what_an_entry_refers_to(root: Path) -> None:
    assert shell(root, "cxokr new kr --metric n").stdout.split() == ["nps"]
    assert shell(root, "cxokr new team x --parent eco").stdout.split() == ["eco-team", "ecommerce"]
    assert shell(root, "cxokr new objective eco").stdout.split() == ["eco-team", "ecommerce"]
    assert (
        "ecommerce/grow-basket/aov-online"
        in shell(root, "cxokr new kr x --shares ecommerce/grow-basket/a").stdout.split()
    )


def test_completion_scripts_are_offered() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cxokr", "--show-completion", "bash"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert "_CXOKR_COMPLETE=complete_bash" in done.stdout


def test_the_command_line_loads_no_workspace_module_for_completion() -> None:
    """The callbacks import what they read when a shell asks, not when any command starts."""
    code = "import sys, cxokr.cli; print(*sorted(m for m in sys.modules if m.startswith('cxokr')))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = done.stdout.split()
    assert "cxokr.cli.complete" in loaded
    assert not [m for m in loaded if m.startswith(("cxokr.load", "cxokr.model", "cxokr.render"))]
