"""The report as a versioned JSON document: every computed number, the single source of truth.

The structure is documented in docs/report-json.md; the other formats show a
subset of the same figures.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from enum import Enum
from typing import Any

from pydantic import BaseModel

from cxokr.compute.report import REPORT_VERSION, Report
from cxokr.render.controls import json_text

_SCALARS = frozenset({str, int, float, bool, type(None)})
_FIELDS: dict[type, tuple[str, ...]] = {}


def plain(value: Any) -> Any:
    """Dataclasses, models, enums and dates as JSON-ready values."""
    kind = type(value)
    if kind in _SCALARS:  # by far the most common: answer before any isinstance
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _FIELDS.get(kind)
        if names is None:  # a row may name computed properties among its fields
            names = getattr(kind, "JSON_FIELDS", None) or tuple(
                f.name for f in dataclasses.fields(value)
            )
            _FIELDS[kind] = names
        return {name: plain(getattr(value, name)) for name in names}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value  # a Series: `document` writes it out


def document(report: Report) -> dict[str, Any]:
    body = plain(report)
    for objective in body["objectives"]:
        for kr in objective["key_results"]:
            kr["series"] = [{"date": d.isoformat(), "value": v} for d, v in kr["series"]]
    return {"version": REPORT_VERSION, **body}


def render(report: Report) -> str:
    return json_text(document(report)) + "\n"
