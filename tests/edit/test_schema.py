"""The JSON Schemas validate the example files with an independent validator."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator

from cxokr import yamlio
from cxokr.edit import schema
from cxokr.load import kinds
from tests.paths import REPO

EXAMPLE = REPO / "examples" / "retail-cx"


def kind_of(rel: str) -> str:
    if rel == "cxokr.yaml":
        return "config"
    return {"teams": "team", "metrics": "metric"}.get(rel.split("/")[0], rel.split("/")[0])


def as_editor_sees(path: Path, kind: str) -> Any:
    """The file's data as a JSON-minded editor would see it (string keys, dates as text)."""
    raw = path.read_bytes()
    if kinds.BY_NAME[kind].is_log:
        items, issues = yamlio.load_log(raw)
        data: Any = [item.data for item in items]
    else:
        doc = yamlio.load_document(raw)
        issues, data = doc.issues, doc.data
    assert issues == []
    return json.loads(json.dumps(data))


def example_files() -> list[str]:
    return sorted(
        str(p.relative_to(EXAMPLE))
        for p in EXAMPLE.rglob("*.yaml")
        if p.relative_to(EXAMPLE).parts[0] != "schemas"
    )


@pytest.mark.parametrize("kind", list(kinds.BY_NAME))
def test_schema_is_valid_draft_07(kind: str) -> None:
    built = schema.build(kind)
    Draft7Validator.check_schema(built)
    assert built["$schema"] == schema.DRAFT_07
    assert "$defs" not in json.dumps(built)


def properties(node: Any, where: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Every property of every object in a schema, with where it sits."""
    found: list[tuple[str, dict[str, Any]]] = []
    if isinstance(node, list):
        for index, item in enumerate(node):
            found += properties(item, f"{where}[{index}]")
    elif isinstance(node, dict):
        for name, prop in node.get("properties", {}).items():
            found.append((f"{where}.{name}", prop))
        for key, value in node.items():
            found += properties(value, f"{where}/{key}")
    return found


@pytest.mark.parametrize("kind", list(kinds.BY_NAME))
def test_every_property_has_a_description(kind: str) -> None:
    found = properties(schema.build(kind))
    assert found
    assert [where for where, prop in found if not str(prop.get("description", "")).strip()] == []


def test_a_description_sits_beside_a_reference_only_inside_all_of() -> None:
    status = schema.build("config")["properties"]["status"]
    assert status["description"].startswith("Pace thresholds")
    assert status["allOf"] == [{"$ref": "#/definitions/Thresholds"}]


@pytest.mark.parametrize("rel", example_files())
def test_schema_accepts_every_example_file(rel: str) -> None:
    kind = kind_of(rel)
    validator = Draft7Validator(schema.build(kind))
    errors = [e.message for e in validator.iter_errors(as_editor_sees(EXAMPLE / rel, kind))]
    assert errors == []


def test_schema_rejects_an_unknown_key() -> None:
    data = as_editor_sees(EXAMPLE / "teams" / "ecommerce.yaml", "team")
    data["colour"] = "blue"
    validator = Draft7Validator(schema.build("team"))
    assert any("colour" in e.message for e in validator.iter_errors(data))


def test_schema_rejects_an_unknown_key_in_a_key_result() -> None:
    data = as_editor_sees(EXAMPLE / "okrs" / "2026-Q4" / "ecommerce.yaml", "okrs")
    data["objectives"][0]["key_results"][0]["wieght"] = 2
    validator = Draft7Validator(schema.build("okrs"))
    assert any("wieght" in e.message for e in validator.iter_errors(data))


def test_every_example_file_names_its_schema() -> None:
    for rel in example_files():
        first = (EXAMPLE / rel).read_text(encoding="utf-8").splitlines()[0]
        depth = rel.count("/")
        expected = (
            f"# yaml-language-server: $schema={'../' * depth}schemas/{kind_of(rel)}.schema.json"
        )
        assert first == expected, rel


@pytest.mark.parametrize("kind", list(kinds.BY_NAME))
def test_example_schemas_are_current(kind: str) -> None:
    written = json.loads((EXAMPLE / "schemas" / schema.schema_name(kind)).read_text())
    assert written == schema.build(kind)


def test_schema_command_writes_every_kind(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from cxokr.cli import app

    result = CliRunner().invoke(app, ["schema", "--output", str(tmp_path / "out")])
    assert result.exit_code == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        schema.schema_name(k) for k in kinds.BY_NAME
    )
