"""Problem output: text lines, and GitHub workflow annotations with their escaping."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cxokr.cli import app
from cxokr.problems import Problem, Severity
from cxokr.render.problems import escape_data, escape_property, github, text
from tests.conftest import WriteFiles

# GitHub's documented form: ::error file={name},line={line},col={col},title={title}::{message}
ANNOTATION = re.compile(
    r"^::(error|warning) (file=[^,:]*)(,line=\d+,col=\d+)?,title=[^,:]*::[^\r\n]*$"
)


def test_message_escaping_of_percent_and_newlines() -> None:
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"


def test_property_escaping_adds_colon_and_comma() -> None:
    assert escape_property("a:b,c%d\n") == "a%3Ab%2Cc%25d%0A"


def test_annotation_lines_follow_the_documented_syntax() -> None:
    found = (
        Problem("okrs/q:1,x.yaml", 3, 5, "CX203", Severity.ERROR, "bad: 100%, really\nyes"),
        Problem("teams/a.yaml", 0, 0, "CX115", Severity.WARNING, "not read"),
    )
    lines = github(found, prefix="ws/").splitlines()
    assert lines[0] == (
        "::error file=ws/okrs/q%3A1%2Cx.yaml,line=3,col=5,title=CX203::bad: 100%25, really%0Ayes"
    )
    assert lines[1] == "::warning file=ws/teams/a.yaml,title=CX115::not read"
    assert all(ANNOTATION.match(line) for line in lines)


def test_text_lines_never_wrap_a_message() -> None:
    found = (Problem("a.yaml", 1, 2, "CX102", Severity.ERROR, "two\nlines"),)
    assert text(found) == "a.yaml:1:2: CX102 error: two\\nlines\n"


def test_github_format_is_the_default_under_actions_and_fills_the_summary(
    make_ws: WriteFiles, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_ws({"teams/ecommerce.yaml": "name: E-commerce\nlevel: 3\nparent: nobody\n"})
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.chdir(root)
    result = CliRunner().invoke(app, ["check"])
    assert result.exit_code == 1
    assert result.stdout == (
        "::error file=teams/ecommerce.yaml,line=3,col=1,title=CX315::parent team 'nobody' not found\n"
    )
    assert "| `teams/ecommerce.yaml:3:1` | CX315 | error |" in summary.read_text(encoding="utf-8")


def test_annotation_paths_are_relative_to_the_current_folder(
    make_ws: WriteFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_ws({"teams/ecommerce.yaml": "name: E-commerce\nlevel: 3\nparent: nobody\n"})
    monkeypatch.chdir(root.parent)
    result = CliRunner().invoke(app, ["check", "-w", "ws", "--format", "github"])
    assert result.stdout.startswith("::error file=ws/teams/ecommerce.yaml,line=3")
