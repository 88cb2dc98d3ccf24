"""The JSON report's bytes (stored copies, compared byte for byte) and `json_text`'s exact text."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cxokr.cli import app
from cxokr.render.controls import json_text
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


def _dumps_indented(value: Any) -> str:
    """What `json_text` wrote with Python's own indenting encoder."""
    text = json.dumps(value, indent=2, ensure_ascii=False)
    return re.sub(
        "[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]",
        lambda m: f"\\u{ord(m.group()):04x}",
        text,
    )


AWKWARD = [
    [1e-07, 1e16, 1e22, 2.5e-05, 0.1 + 0.2, -0.0, 5e-324, 1.7976931348623157e308, 10**30],
    {"nan": float("nan"), "inf": [float("inf"), float("-inf")]},  # not strict JSON
    {"lone": "a\ud800b", "é": '\x00\x1f\x7f\x9f\u202e\u2066\t\n"\\/𝄞'},
    {"empty": [], "nothing": {}, "nested": [[], {}, [{"a": None, "b": True}]], "1": False},
]


@pytest.mark.parametrize("value", AWKWARD)
def test_json_text_writes_awkward_values_as_the_python_encoder_did(value: Any) -> None:
    assert json_text(value) == _dumps_indented(value)


_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(_values)
@settings(max_examples=300, deadline=None)
def test_json_text_is_the_python_encoders_text_for_any_value(value: Any) -> None:
    assert json_text(value) == _dumps_indented(value)
