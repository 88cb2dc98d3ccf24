"""Each case under tests/data/invalid/ yields exactly the problems listed in its expected.txt.

A case folder is an overlay: its files, at their workspace paths, are written on
top of the valid base workspace `BASE`; `expected.txt` lists one
`path:line:col: CODE` (or `path: CODE` for a whole file) per line.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cxokr.cli import app
from cxokr.load import workspace
from cxokr.problems import CODES, Severity
from cxokr.rules import checks
from tests.conftest import BASE, WriteFiles, write_files

CORPUS = Path(__file__).parent / "data" / "invalid"
CASES = sorted(case.name for case in CORPUS.iterdir() if case.is_dir())
EXPECTED = "expected.txt"

runner = CliRunner()


def build(case: str, root: Path) -> Path:
    """The base workspace with the case's files written over it."""
    write_files(root, dict(BASE))
    overlay = CORPUS / case
    for source in sorted(overlay.rglob("*")):
        if source.is_file() and source.name != EXPECTED:
            target = root / source.relative_to(overlay)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    return root


def expected(case: str) -> set[str]:
    text = (CORPUS / case / EXPECTED).read_text(encoding="utf-8")
    return {line for line in text.splitlines() if line.strip()}


def found(root: Path) -> set[str]:
    return {f"{p.location()}: {p.code}" for p in checks.check(workspace.load(root))}


def test_base_workspace_is_clean(tmp_path: Path) -> None:
    assert found(write_files(tmp_path, dict(BASE))) == set()


@pytest.mark.parametrize("case", CASES)
def test_case_lists_known_codes(case: str) -> None:
    codes = [line.rsplit(" ", 1)[-1] for line in expected(case)]
    assert codes
    assert set(codes) <= set(CODES)


@pytest.mark.parametrize("case", CASES)
def test_case_yields_exactly_its_expected_problems(case: str, tmp_path: Path) -> None:
    assert found(build(case, tmp_path)) == expected(case)


@pytest.mark.parametrize("case", CASES)
def test_cli_check_exits_1_on_errors_and_0_on_warnings_only(case: str, tmp_path: Path) -> None:
    root = build(case, tmp_path)
    result = runner.invoke(app, ["check", "--workspace", str(root)])
    codes = {line.rsplit(" ", 1)[-1] for line in expected(case)}
    warnings_only = all(CODES[code][0] is Severity.WARNING for code in codes)
    assert result.exit_code == (0 if warnings_only else 1)
    assert "Traceback" not in result.stdout + result.stderr


def test_hand_written_log_entries_check_clean(make_ws: WriteFiles) -> None:
    root = make_ws(
        {
            "checkins/2026-Q4/ecommerce.yaml": """
                # yaml-language-server: $schema=../../schemas/checkins.schema.json
                - {"kr": "grow-basket/aov-online", "date": "2026-11-20", "value": 61.2}
                - kr: grow-basket/aov-online
                  date: 2026-11-27
                  # typed by hand after the weekly meeting
                  value: 62.0
                  note: >-
                    Bundles on a third page,
                    conversion holding
                - {kr: grow-basket/aov-online, date: 2026-12-04, confidence: 0.8}
            """
        }
    )
    ws = workspace.load(root)
    assert checks.check(ws) == ()
    log = ws.checkins[("2026-Q4", "ecommerce")]
    assert list(log.lines) == [2, 3, 10]
    assert log.entries[1].note == "Bundles on a third page, conversion holding"
