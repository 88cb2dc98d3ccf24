"""The JSON report's bytes: stored copies of the output, compared byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cxokr.cli import app
from tests.compute.test_kr_rows import FORMS
from tests.compute.test_report import AS_OF
from tests.conftest import write_files
from tests.paths import EXAMPLE, REPO

STORED = REPO / "tests" / "data" / "report-json"


def _report_json(workspace: Path, *options: str) -> bytes:
    args = ["report", "--format", "json", "--workspace", str(workspace), "--as-of", str(AS_OF)]
    result = CliRunner().invoke(app, [*args, *options])
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("retail-cx", ()),
        ("retail-cx-ecommerce", ("--team", "ecommerce")),
        ("retail-cx-in-store", ("--segment", "in-store")),
    ],
)
def test_the_example_report_keeps_its_bytes(name: str, options: tuple[str, ...]) -> None:
    assert _report_json(EXAMPLE, *options) == (STORED / f"{name}.json").read_bytes()


def test_every_form_of_key_result_keeps_its_bytes(tmp_path: Path) -> None:
    workspace = write_files(tmp_path / "ws", FORMS)
    assert _report_json(workspace) == (STORED / "forms.json").read_bytes()
