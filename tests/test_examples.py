"""Examples are tests: every workspace in examples/ checks without errors, and warns of
exactly what its story means to show."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cxokr.cli import app

EXAMPLES = Path(__file__).parent.parent / "examples"
WORKSPACES = sorted(p.parent for p in EXAMPLES.glob("*/cxokr.yaml"))

# The warnings an example's story shows on purpose, as `location: CODE` and what each names.
# retail-cx: fulfilment and the executive team push next-day shipping, which trades off
# against order accuracy, and nobody holds order accuracy yet: the open item under "Needs a
# decision" in its report (the gift guide's trade-off with checkout speed is decided).
STORY_WARNINGS: dict[str, list[tuple[str, str]]] = {
    "retail-cx": [
        ("okrs/2026-Q4/fulfilment.yaml:10:9: CX365", "order-accuracy"),
        ("okrs/2026/company.yaml:22:9: CX365", "order-accuracy"),
    ],
}


@pytest.mark.parametrize("root", WORKSPACES, ids=lambda p: p.name)
def test_example_checks_with_only_the_warnings_its_story_shows(root: Path) -> None:
    result = CliRunner().invoke(app, ["check", "--workspace", str(root)])
    assert result.exit_code == 0, result.stdout
    expected = STORY_WARNINGS.get(root.name, [])
    lines = result.stdout.splitlines()
    assert [line.split(" warning: ")[0] for line in lines] == [where for where, _ in expected]
    assert all(names in line for line, (_, names) in zip(lines, expected, strict=True))
    assert result.stderr.count("\n") == 1
    if expected:
        assert result.stderr.startswith(f"passed with warnings: 0 errors, {len(expected)} ")
    else:
        assert result.stderr.endswith("no problems\n")


@pytest.mark.parametrize("root", WORKSPACES, ids=lambda p: p.name)
def test_example_fails_strict_only_for_its_story(root: Path) -> None:
    result = CliRunner().invoke(app, ["check", "--workspace", str(root), "--strict"])
    assert result.exit_code == (1 if STORY_WARNINGS.get(root.name) else 0), result.stdout


def test_retail_example_is_the_size_the_docs_promise() -> None:
    result = CliRunner().invoke(app, ["check", "--workspace", str(EXAMPLES / "retail-cx")])
    assert "9 teams, 18 metrics, 17 objectives, 32 key results" in result.stderr
