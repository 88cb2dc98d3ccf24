"""Docs are checked like code: every command and problem code is documented."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from cxokr.cli import app
from cxokr.problems import CODES

ROOT = Path(__file__).parent.parent
COMMANDS = sorted(get_command(app).commands)  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_in_the_readme(name: str) -> None:
    assert f"`cxokr {name}" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_an_example(name: str) -> None:
    result = CliRunner().invoke(app, [name, "--help"])
    assert result.exit_code == 0
    assert "Example: cxokr" in result.stdout


def test_every_problem_code_is_documented_once() -> None:
    text = (ROOT / "docs" / "problems.md").read_text(encoding="utf-8")
    documented = re.findall(r"^\| (CX\d{3}) \| (error|warning) \|", text, re.MULTILINE)
    assert documented == [(code, sev.value) for code, (sev, _) in CODES.items()]


def test_readme_quick_start_is_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in text
    assert "make test" in text


def console_blocks(command: str) -> list[tuple[list[str], str]]:
    """(arguments, shown output) of each README console block running `cxokr COMMAND`."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(
        r"```console\n\$ cxokr (" + command + r" [^\n]*)\n(.*?)```", text, re.DOTALL
    )
    return [(shlex.split(args), output) for args, output in blocks]


@pytest.mark.parametrize("command", ["report", "explain", "align", "metrics"])
def test_readme_outputs_are_current(command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.chdir(ROOT)
    blocks = console_blocks(command)
    assert blocks
    for args, shown in blocks:
        result = CliRunner().invoke(app, args)
        assert result.stdout.rstrip() == shown.rstrip(), args
