"""The JSON report's bytes (stored copies, compared byte for byte) and `json_text`'s exact text."""

from __future__ import annotations

import json
import math
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from benchmarks.generate import generate
from cxokr.cli import app
from cxokr.compute import report
from cxokr.compute.report import Filters, Report
from cxokr.load.workspace import load
from cxokr.render import report_json
from cxokr.render.controls import (
    NotStrict,
    json_text,
    python_number,
    strict_json,
    written_alike,
)
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


# --- The document written by msgspec: the same text as the slow path ------------------------

AWKWARD_FILES = {
    **FORMS,
    "metrics/drift.yaml": "name: Drift\nunit: ppm\ndirection: lower\n",
    "okrs/2026-Q4/support.yaml": FORMS["okrs/2026-Q4/support.yaml"]
    + """
          - id: odd-numbers
            title: "Odd numbers, é 😀 </script> & – “quoted” … ©"
            owner: "zoë"
            aligns_to: 2026:company/delight
            key_results:
              - {id: tiny, title: Tiny, unit: ratio, start: 0.0, target: 1.0e-6}
              - {id: huge, title: Huge, unit: USD, start: 0, target: 1.0e+20}
              - {id: drift, title: Drift stays low, metric: drift, type: stay_below, target: 2.5e-05}
              - {id: empty, title: Nothing yet, unit: count, start: 0, target: 7}
    """,
    "checkins/2026-Q4/support.yaml": FORMS["checkins/2026-Q4/support.yaml"]
    + """
        - {"kr": "odd-numbers/tiny", "date": "2026-10-09", "value": 1.0e-9}
        - {"kr": "odd-numbers/tiny", "date": "2026-11-09", "value": 2.5e-07, "note": "✓ — \\u00e0 la \\\"carte\\\""}
        - {"kr": "odd-numbers/huge", "date": "2026-10-09", "value": 3.0e+17, "confidence": 0.1}
        - {"kr": "odd-numbers/huge", "date": "2026-11-09", "value": 9.999999999999998e+15}
    """,
    "readings/drift.yaml": """
        - {"date": "2026-10-02", "value": -3.0e-05}
        - {"date": "2026-10-03", "value": 0.0}
        - {"date": "2026-10-04", "value": 1.0e+16}
        - {"date": "2026-10-05", "value": 0.0001}
        - {"date": "2026-10-06", "value": 9.99e-05}
    """,
}


def _built(root: Path, **filters: Any) -> Report:
    return report.build(load(root), AS_OF, Filters(**filters))


def _slow(built: Report) -> tuple[str, str]:
    """The report's text and the HTML page's embed as the plain document gives them."""
    doc = report_json.document(built)
    indented = json_text(doc) + "\n"
    return indented, json_text(doc, indent=None, separators=(",", ":"), allow_nan=False)


def _generated(root: Path) -> Path:
    generate(root, 12, 3)
    return root


@pytest.mark.parametrize(
    ("workspace", "filters"),
    [
        (lambda tmp: EXAMPLE, {}),
        (lambda tmp: EXAMPLE, {"team": "ecommerce"}),
        (lambda tmp: write_files(tmp / "ws", FORMS), {}),
        (lambda tmp: write_files(tmp / "ws", AWKWARD_FILES), {}),
        (lambda tmp: _generated(tmp / "ws"), {}),
    ],
    ids=["example", "example-team", "forms", "awkward", "generated"],
)
def test_the_report_is_written_as_the_plain_document_is(
    tmp_path: Path, workspace: Any, filters: dict[str, str]
) -> None:
    built = _built(workspace(tmp_path), **filters)
    assert (report_json.render(built), report_json.compact(built)) == _slow(built)


def test_the_awkward_workspace_holds_what_msgspec_writes_otherwise(tmp_path: Path) -> None:
    text = report_json.render(_built(write_files(tmp_path / "ws", AWKWARD_FILES)))
    for written in ("1e-06", "1e+20", "2.5e-05", "1e-09", "3e+17", "9999999999999998.0"):
        assert f": {written}" in text, written
    assert "é 😀 </script> & – “quoted” … ©" in text
    assert '"value": -3e-05' in text


def test_control_characters_in_the_rows_are_written_as_the_slow_path_writes_them(
    tmp_path: Path,
) -> None:
    """`check` refuses them in the files (CX117); were one to reach a row, both paths escape it."""
    built = _built(write_files(tmp_path / "ws", AWKWARD_FILES))
    shown = "Ctrl \x1b[2J\x7f\x85\u202e\u2066\u061c\u200e end\t\r\n\x00 é 😀"
    first, *rest = built.objectives
    kr = replace(first.key_results[0], title=shown, note=shown + " note", owner="\x9f")
    odd = replace(
        built,
        organization=shown,
        objectives=(replace(first, title=shown, key_results=(kr,)), *rest),
    )
    assert (report_json.render(odd), report_json.compact(odd)) == _slow(odd)
    for escaped in ("\\u001b[2J", "\\u007f", "\\u0085", "\\u202e", "\\u2066", "\\u061c"):
        assert escaped in report_json.render(odd), escaped


def test_what_msgspec_cannot_write_takes_the_slow_path(tmp_path: Path) -> None:
    built = _built(write_files(tmp_path / "ws", FORMS))
    for odd in (
        replace(built, progress=float("nan")),
        replace(built, expected=float("-inf")),
        replace(built, organization="lone \ud800 surrogate"),
    ):
        doc = report_json.document(odd)
        assert report_json.render(odd) == json_text(doc) + "\n"
    assert '"progress": NaN' in report_json.render(replace(built, progress=float("nan")))
    with pytest.raises(ValueError, match="JSON compliant"):
        report_json.compact(replace(built, progress=float("nan")))
    lone = replace(built, organization="lone \ud800 surrogate")
    assert report_json.compact(lone) == _slow(lone)[1]


def _prepared(value: Any) -> Any:
    """`value` with its floats passed through `python_number`, as `strict_json` takes it."""
    if isinstance(value, float):
        return python_number(value)
    if isinstance(value, dict):
        return {k: _prepared(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_prepared(v) for v in value]
    return value


def _strict(value: Any) -> bool:
    """Whether strict JSON holds `value`: no NaN, no infinity, no lone surrogate."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, str):
        return not any("\ud800" <= c <= "\udfff" for c in value)
    if isinstance(value, dict):
        return all(_strict(k) and _strict(v) for k, v in value.items())
    if isinstance(value, list):
        return all(map(_strict, value))
    return True


@given(_values)
@settings(max_examples=300, deadline=None)
def test_strict_json_is_json_texts_text_for_any_strict_value(value: Any) -> None:
    if not _strict(value):
        with pytest.raises(NotStrict):
            strict_json(_prepared(value))
        return
    assert strict_json(_prepared(value)) == json_text(value)
    compact = json_text(value, indent=None, separators=(",", ":"))
    assert strict_json(_prepared(value), compact=True) == compact


STRICT_AWKWARD = [
    AWKWARD[0],
    AWKWARD[3],
    {"é": AWKWARD[2]["é"], "c1": "\x80 \x9f \u200f \u2069 © \u00a0 – \u2028"},
]


@pytest.mark.parametrize("value", STRICT_AWKWARD)
def test_strict_json_writes_awkward_values_as_the_python_encoder_did(value: Any) -> None:
    assert strict_json(_prepared(value)) == _dumps_indented(value)


_numbers = st.lists(st.none() | st.integers() | st.floats(), max_size=8)


@given(_numbers)
@settings(max_examples=500, deadline=None)
def test_numbers_written_alike_are_so(numbers: list[Any]) -> None:
    import msgspec

    if written_alike(numbers):
        assert msgspec.json.encode(numbers) == json.dumps(numbers, separators=(",", ":")).encode()
    finite = [n for n in numbers if not isinstance(n, float) or math.isfinite(n)]
    assert msgspec.json.encode([python_number(n) for n in finite]) == (
        json.dumps(finite, separators=(",", ":")).encode()
    )
