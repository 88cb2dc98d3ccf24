"""Cross-file rules: a broken file never makes other files report false problems."""

from __future__ import annotations

from pathlib import Path

from cxokr.load import workspace
from cxokr.problems import Severity
from cxokr.rules import checks
from tests.compute.test_report import FILES
from tests.conftest import WriteFiles, write_files


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


# --- Where a target's progress runs from ----------------------------------------------------


def _aov_online(target: str, readings: str) -> dict[str, str]:
    """The hand-computed workspace with aov-online's target and its metric's readings changed."""
    okrs = FILES["okrs/2026-Q4/ecommerce.yaml"].replace(
        "target: 64, weight: 2", f"target: {target}, weight: 2"
    )
    return {**FILES, "okrs/2026-Q4/ecommerce.yaml": okrs, "readings/aov.yaml": readings}


def test_a_start_read_before_the_period_that_equals_the_target_is_an_error(tmp_path: Path) -> None:
    # aov-online has no start: it runs from the newest online reading before 10-01, 58 on 09-30
    root = write_files(tmp_path / "ws", _aov_online("58", FILES["readings/aov.yaml"]))
    [problem] = checks.check(workspace.load(root))
    assert (problem.path, problem.line, problem.code) == (
        "okrs/2026-Q4/ecommerce.yaml",
        8,
        "CX321",
    )
    assert problem.severity is Severity.ERROR
    assert problem.message == (
        "aov-online has no start and aov's newest reading before 2026-10-01 (2026-09-30) is 58,"
        " its target; nothing to move"
    )


def test_a_target_without_a_start_is_an_error(tmp_path: Path) -> None:
    in_period = "\n".join(
        line
        for line in FILES["readings/aov.yaml"].splitlines()
        if "2026-09" not in line and "06-30" not in line
    )
    root = write_files(tmp_path / "ws", _aov_online("64", in_period))
    [problem] = checks.check(workspace.load(root))
    assert (problem.path, problem.line, problem.code) == (
        "okrs/2026-Q4/ecommerce.yaml",
        8,
        "CX319",
    )
    assert problem.severity is Severity.ERROR
    assert problem.message == "aov-online has no start and aov has no reading before 2026-10-01"
