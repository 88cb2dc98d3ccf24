"""Examples are tests: every workspace in examples/ checks clean."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cxokr.cli import app

EXAMPLES = Path(__file__).parent.parent / "examples"
WORKSPACES = sorted(p.parent for p in EXAMPLES.glob("*/cxokr.yaml"))


@pytest.mark.parametrize("root", WORKSPACES, ids=lambda p: p.name)
def test_example_checks_clean_with_a_one_line_summary(root: Path) -> None:
    result = CliRunner().invoke(app, ["check", "--workspace", str(root), "--strict"])
    assert result.exit_code == 0, result.stdout
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.endswith("no problems\n")


def test_retail_example_is_the_size_the_docs_promise() -> None:
    result = CliRunner().invoke(app, ["check", "--workspace", str(EXAMPLES / "retail-cx")])
    assert "checked 9 teams, 14 metrics" in result.stderr
