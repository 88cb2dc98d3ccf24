"""docs/format.md is checked like code: every YAML block and every key result snippet of
"Writing real OKRs" loads with the strict reader and validates with the models."""

from __future__ import annotations

import json
import re
import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from cxokr import yamlio
from cxokr.compute import report
from cxokr.compute.report import Filters
from cxokr.load.workspace import load as load_workspace
from cxokr.model import Checkin, Config, KeyResult, Metric, OkrFile, Reading
from cxokr.render import report_json
from cxokr.rules import checks
from tests.conftest import write_files

FORMAT = Path(__file__).parent.parent / "docs" / "format.md"
TEXT = FORMAT.read_text(encoding="utf-8")
REAL = TEXT[TEXT.index("## Writing real OKRs") :]


def load(snippet: str) -> Any:
    doc = yamlio.load_document(textwrap.dedent(snippet).encode("utf-8"))
    assert doc.issues == [], snippet
    return doc.data


def blocks() -> list[str]:
    return re.findall(r"^```yaml\n(.*?)^```", TEXT, re.MULTILINE | re.DOTALL)


def model_of(data: Any) -> type[BaseModel]:
    """Which model a block of the docs shows: a whole file, or entries of one."""
    if isinstance(data, dict):
        if "direction" in data:
            return Metric
        return Config if "organization" in data else OkrFile
    first = data[0]
    if "kr" in first:
        return Checkin
    return KeyResult if "id" in first else Reading


def table(heading: str, column: int) -> list[tuple[str, str]]:
    """Each row of the first table after `heading`: the code in `column`, and the row."""
    lines = REAL[REAL.index(heading) :].splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = []
    for line in lines[first + 2 :]:
        if not line.startswith("|"):
            break
        cell = line.strip("|").split("|")[column].strip()
        found = re.fullmatch(r"`([^`]+)`.*", cell)
        assert found is not None, line
        rows.append((found[1], line))
    return rows


PHRASINGS = [code for code, _ in table("## Writing real OKRs", 1)]
YEARLY = [code for code, row in table("## Writing real OKRs", 1) if "year's file" in row]
NEAREST = [code for code, _ in table("### What cxokr cannot say yet", 2)]


def test_every_yaml_block_is_found() -> None:
    assert len(blocks()) == TEXT.count("```yaml")


@pytest.mark.parametrize("block", blocks())
def test_every_yaml_block_validates(block: str) -> None:
    data = load(block)
    if data is None:  # a modeline alone
        assert block.startswith("# yaml-language-server:")
        return
    model = model_of(data)
    for entry in data if isinstance(data, list) else [data]:
        model.model_validate(entry)


def test_real_okrs_show_at_least_thirty_phrasings() -> None:
    assert len(PHRASINGS) >= 30
    assert len(NEAREST) >= 5


@pytest.mark.parametrize("snippet", PHRASINGS + NEAREST)
def test_every_real_okr_snippet_is_a_key_result(snippet: str) -> None:
    data = load(snippet)
    for entry in data if isinstance(data, list) else [data]:
        assert isinstance(entry, dict), snippet
        KeyResult.model_validate(entry)


def test_the_snippets_use_the_new_forms() -> None:
    found = [load(s) for s in PHRASINGS]
    entries = [e for d in found for e in (d if isinstance(d, list) else [d])]
    written = {key: {str(e.get(key)) for e in entries} for key in ("type", "target", "start")}
    assert {"checklist", "score", "done", "stay_above", "stay_below"} <= written["type"]
    assert {"+200%", "-50%"} <= written["target"]
    assert "first" in written["start"]
    for key in ("change", "schedule", "due", "shares", "state", "reason"):
        assert any(key in e for e in entries), key
    assert any(isinstance(e.get("owner"), list) for e in entries)


# --- The snippets compute as the docs say -------------------------------------------------

AS_OF = date(2026, 11, 20)
SEGMENTS = ["online", "in-store", "north", "south"]


def entries(snippets: list[str]) -> list[dict[str, Any]]:
    found = [load(s) for s in snippets]
    return [e for d in found for e in (d if isinstance(d, list) else [d])]


def workspace(root: Path) -> Path:
    """One team holding every snippet (the phrasings, then the nearest forms; in the year's
    file those the docs put there), the key results they share, and each metric they name read on 2025-12-31 (40), 2026-09-30 (50)
    and 2026-11-01 (60), for the whole and each segment."""
    real = entries([s for s in PHRASINGS if s not in YEARLY])
    yearly = entries(YEARLY)
    nearest = entries(NEAREST)
    quarter = [
        {"id": "real", "title": "Real OKRs", "key_results": real},
        {"id": "nearest", "title": "Nearest forms", "key_results": nearest},
    ]
    year = [{"id": "real", "title": "Real OKRs, for the year", "key_results": yearly}]
    named = {e["metric"] for e in real + yearly + nearest if "metric" in e}
    metrics = sorted(named | {"mau", "aov"})
    files: dict[str, str | bytes | None] = {
        "cxokr.yaml": """
            organization: Acme Retail
            periods:
              - {id: 2026, start: 2026-01-01, end: 2026-12-31}
              - {id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}
        """,
        "teams/company.yaml": "name: Company\nlevel: 1\n",
        "teams/ecommerce.yaml": "name: E-commerce\nlevel: 3\nparent: company\n",
        "teams/stores.yaml": "name: Stores\nlevel: 3\nparent: company\n",
        "okrs/2026/company.yaml": """
            objectives:
              - id: adoption
                title: Adoption
                key_results: [{id: mau, title: MAU to 100, metric: mau, start: 50, target: 100}]
        """,
        "okrs/2026-Q4/ecommerce.yaml": """
            objectives:
              - id: grow-basket
                title: Bigger baskets
                key_results:
                  - {id: aov-online, title: AOV to 64, metric: aov, segment: online, start: 58, target: 64}
        """,
        "okrs/2026-Q4/stores.yaml": json.dumps({"objectives": quarter}),
        "okrs/2026/stores.yaml": json.dumps({"objectives": year}),
    }
    for name in metrics:
        files[f"metrics/{name}.yaml"] = (
            f"name: {name}\nunit: units\ndirection: higher\nsegments: {json.dumps(SEGMENTS)}\n"
        )
        files[f"readings/{name}.yaml"] = "".join(
            f"- {json.dumps({'date': day, 'value': value, 'segment': segment})}\n"
            for day, value in (("2025-12-31", 40), ("2026-09-30", 50), ("2026-11-01", 60))
            for segment in [None, *SEGMENTS]
        )
    return write_files(root, files)


# What one objective holding every snippet, aligned nowhere, is bound to be told.
LAYOUT = {"CX333", "CX334", "CX402"}


def test_every_snippet_checks_clean(tmp_path: Path) -> None:
    found = checks.check(load_workspace(workspace(tmp_path)))
    assert [f"{p.code} {p.message}" for p in found if p.code not in LAYOUT] == []


@pytest.fixture(scope="module")
def rows(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    ws = load_workspace(workspace(tmp_path_factory.mktemp("real")))
    doc = report_json.document(report.build(ws, AS_OF, Filters(period="2026-Q4")))
    return {kr["ref"]: kr for o in doc["objectives"] for kr in o["key_results"]}


def real(rows: dict[str, dict[str, Any]], kr: str) -> dict[str, Any]:
    return rows[f"2026-Q4:stores/real/{kr}"]


def test_every_snippet_is_a_row_of_the_report(rows: dict[str, dict[str, Any]]) -> None:
    mine = [ref for ref in rows if ":stores/" in ref]
    assert len(mine) == len(entries(PHRASINGS)) + len(entries(NEAREST))


def test_relative_targets_resolve_from_the_start(rows: dict[str, dict[str, Any]]) -> None:
    assert real(rows, "mau-3x")["target"] == pytest.approx(150)  # 50 × 3
    assert real(rows, "mau-3x")["relative"] == "+200%"
    assert real(rows, "frt-half")["target"] == pytest.approx(25)
    assert real(rows, "aht-30")["target"] == pytest.approx(20)
    assert real(rows, "conversion-pts")["target"] == pytest.approx(52)
    aov_year = rows["2026:stores/real/aov-year"]
    assert aov_year["start"] == pytest.approx(40)  # last December's reading
    assert aov_year["target"] == pytest.approx(44)
    assert real(rows, "nps-first")["start"] == pytest.approx(60)  # the first in the period
    assert real(rows, "nps-first")["target"] == pytest.approx(65)


def test_milestones_and_checklists_expect_what_is_due(rows: dict[str, dict[str, Any]]) -> None:
    assert real(rows, "ship-x")["expected"] == 1.0
    assert real(rows, "ship-x")["status"] == "off track"
    assert real(rows, "loyalty")["expected"] == 0.0
    assert real(rows, "countries")["expected"] == pytest.approx(1 / 3)  # Germany is due
    assert real(rows, "handbook")["progress"] == 0.0
    assert real(rows, "handbook")["target"] == 6.0
    assert real(rows, "endless-aisle")["expected"] == pytest.approx(0.25)


def test_shares_and_states_read_as_the_docs_say(rows: dict[str, dict[str, Any]]) -> None:
    shared = rows["2026-Q4:ecommerce/grow-basket/aov-online"]
    share = real(rows, "aov-online")
    assert share["shares"] == shared["ref"]
    assert (share["value"], share["progress"]) == (shared["value"], shared["progress"])
    assert real(rows, "mau-sales")["shares"] == "2026:company/adoption/mau"
    assert real(rows, "tiktok")["state"] == "dropped"
    assert real(rows, "tiktok")["reason"] == "Holiday campaign first"
    assert real(rows, "loyalty-app")["state"] == "postponed"
