"""Cross-file rules: a broken file never makes other files report false problems."""

from __future__ import annotations

from cxokr.load import workspace
from cxokr.rules import checks
from tests.conftest import WriteFiles


def codes(root: object) -> list[str]:
    ws = workspace.load(root)  # type: ignore[arg-type]
    return [f"{p.path}: {p.code}" for p in checks.check(ws)]


def test_broken_team_file_reports_only_itself(make_ws: WriteFiles) -> None:
    root = make_ws({"teams/ecommerce.yaml": "name: [unclosed\n"})
    assert codes(root) == ["teams/ecommerce.yaml: CX102"]


def test_broken_parent_team_does_not_orphan_its_children(make_ws: WriteFiles) -> None:
    root = make_ws({"teams/company.yaml": "name: Executive team\nlevel: one\n"})
    assert codes(root) == ["teams/company.yaml: CX203"]


def test_broken_metric_file_reports_only_itself(make_ws: WriteFiles) -> None:
    root = make_ws({"metrics/aov.yaml": "name: AOV\nunit: USD\ndirection: up\n"})
    assert codes(root) == ["metrics/aov.yaml: CX203"]


def test_broken_config_reports_only_itself(make_ws: WriteFiles) -> None:
    root = make_ws(
        {
            "cxokr.yaml": "organization: Acme\nperiods:\n  - {id: 2026, start: 2026-13-01, end: 2026-12-31}\n"
        }
    )
    assert codes(root) == ["cxokr.yaml: CX205"]


def test_missing_team_is_still_reported(make_ws: WriteFiles) -> None:
    root = make_ws({"teams/ecommerce.yaml": None, "checkins/2026-Q4/ecommerce.yaml": None})
    assert "okrs/2026-Q4/ecommerce.yaml: CX301" in codes(root)
