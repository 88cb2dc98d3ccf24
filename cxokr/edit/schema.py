"""JSON Schema (draft-07) for every file kind, for editors and CI.

Pydantic emits the 2020-12 dialect; yaml-language-server and most validators
in editors understand draft-07 and below, so the output is rewritten: `$defs`
becomes `definitions`, a `$ref` with sibling keywords is wrapped in `allOf`
(draft-07 ignores the siblings of a `$ref`), and period IDs also accept
integers, since an unquoted `2026` is an integer to an editor. Every property
gets its `description` from `field_help`, so editors show help on hover.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cxokr.edit import field_help, fileio
from cxokr.load import kinds, localstate
from cxokr.model import PERIOD_PATTERN

DRAFT_07 = "http://json-schema.org/draft-07/schema#"


def schema_name(kind: str) -> str:
    return f"{kind}.schema.json"


def build(kind: str) -> dict[str, Any]:
    """The draft-07 schema of one file kind, by its name in `kinds` (`config`, `team`, ...)."""
    found = kinds.BY_NAME[kind]
    model = found.model
    body = model.model_json_schema(ref_template="#/definitions/{model}")
    definitions = body.pop("$defs", {})
    _describe(model.__name__, body)
    for name, definition in definitions.items():
        _describe(name, definition)
    if found.is_log:
        definitions[model.__name__] = body
        body = {
            "type": "array",
            "description": f"A log: one {model.__name__.lower()} per line, each a JSON object.",
            "items": {"$ref": f"#/definitions/{model.__name__}"},
        }
    schema: dict[str, Any] = {"$schema": DRAFT_07, "title": f"cxokr {kind} file", **body}
    if definitions:
        schema["definitions"] = definitions
    result: dict[str, Any] = _draft7(schema)
    return result


def _describe(model: str, definition: dict[str, Any]) -> None:
    """Give each property of the definition of `model` its help text from `field_help`."""
    for field, prop in definition.get("properties", {}).items():
        text = field_help.describe(model, field)
        if text is not None:
            prop["description"] = text


def _draft7(node: Any) -> Any:
    if isinstance(node, list):
        return [_draft7(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _draft7(value) for key, value in node.items()}
    if "$ref" in node and len(node) > 1:
        ref = node.pop("$ref")
        node["allOf"] = [{"$ref": ref}]
    if node.get("pattern") == PERIOD_PATTERN and node.get("type") == "string":
        string = {k: node.pop(k) for k in ("type", "pattern")}
        node["anyOf"] = [string, {"type": "integer", "minimum": 0}]
    if node.get("title") == "Levels" and node.get("type") == "object":
        node["propertyNames"] = {"pattern": "^[1-4]$"}
    return node


def write_all(folder: Path, root: Path | None = None) -> list[Path]:
    """Write one schema file per kind into `folder`; returns the paths written.

    `root`: the workspace holding `folder`, whose writes never follow a link
    (`fileio.write_files`); None for a folder the user named.
    """
    texts = {
        folder / schema_name(kind): (
            json.dumps(build(kind), indent=2, ensure_ascii=False) + "\n"
        ).encode("utf-8")
        for kind in kinds.BY_NAME
    }
    if root is not None:
        fileio.write_files(root, texts)
        return list(texts)
    folder.mkdir(parents=True, exist_ok=True)
    for path, data in texts.items():
        localstate.write_atomic(path, data)
    return list(texts)
