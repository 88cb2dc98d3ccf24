"""`cxokr init` and a new user's first steps, through the real CLI and real git."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cxokr.cli import app
from tests.conftest import git, refuse_commits


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_new_user_init_check_checkin_report(tmp_path: Path, git_env: None) -> None:
    root = tmp_path / "okrs"
    code, _, errors = run(
        "init", str(root), "--org", "Acme Retail", "--template", "retail-cx", "--period", "2026-Q4"
    )
    assert code == 0, errors
    assert run("check", "-w", str(root), "--strict")[0] == 0
    kr = "ecommerce/grow-basket/aov-online"
    code, _, errors = run(
        "checkin",
        kr,
        "-w",
        str(root),
        "--value",
        "64",
        "--confidence",
        "0.8",
        "--date",
        "2026-11-20",
    )
    assert code == 0, errors
    code, out, _ = run("report", "-w", str(root), "--as-of", "2026-11-20", "--format", "json")
    krs = {k["ref"]: k for o in json.loads(out)["objectives"] for k in o["key_results"]}
    row = krs["2026-Q4:ecommerce/grow-basket/aov-online"]
    assert (row["value"], row["progress"], row["confidence"]) == (64.0, 0.5, 0.8)
    assert git(root, "log", "--format=%an <%ae>|%s").splitlines() == [
        "Dana Cho <dana@acme.example>|checkin(ecommerce): grow-basket/aov-online = 64, confidence 0.8",
        "Dana Cho <dana@acme.example>|init: cxokr workspace for Acme Retail",
    ]
    assert git(root, "status", "--porcelain") == ""


def test_init_defaults_to_this_quarter_and_year(tmp_path: Path, git_env: None) -> None:
    root = tmp_path / "blank"
    assert run("init", str(root))[0] == 0
    text = (root / "cxokr.yaml").read_text(encoding="utf-8")
    today = date.today()
    assert f"id: {today.year}," in text
    assert f"id: {today.year}-Q{(today.month - 1) // 3 + 1}," in text
    assert "organization: Blank" in text


def test_init_never_overwrites_and_lists_what_is_in_the_way(tmp_path: Path, git_env: None) -> None:
    root = tmp_path / "taken"
    root.mkdir()
    (root / "cxokr.yaml").write_text("mine\n", encoding="utf-8")
    (root / ".gitignore").write_text("mine\n", encoding="utf-8")
    code, _, errors = run("init", str(root))
    assert code == 1
    assert "  .gitignore\n" in errors
    assert "  cxokr.yaml\n" in errors
    assert "nothing was written" in errors
    assert sorted(p.name for p in root.iterdir()) == [".gitignore", "cxokr.yaml"]
    assert (root / "cxokr.yaml").read_text(encoding="utf-8") == "mine\n"


def test_init_inside_a_repository_commits_only_its_files(tmp_path: Path, git_env: None) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / "notes.txt").write_text("staged\n", encoding="utf-8")
    git(repo, "add", "notes.txt")
    assert run("init", str(repo / "goals"), "--org", "Acme")[0] == 0
    assert not (repo / "goals" / ".git").exists()
    assert git(repo, "diff", "--cached", "--name-only") == "notes.txt\n"
    committed = git(repo, "show", "--name-only", "--format=", "HEAD").split()
    assert "goals/cxokr.yaml" in committed
    assert "notes.txt" not in committed


def test_init_of_a_blank_workspace_says_how_to_start_and_checks_clean(
    tmp_path: Path, git_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, errors = run("init", "my goals", "--org", "Acme", "--period", "2027-Q1")
    assert code == 0, errors
    assert errors.splitlines()[1:] == [
        f"created a blank workspace for Acme in {tmp_path / 'my goals'}",
        "next steps:",
        "  cd 'my goals'",
        "  cxokr new objective  an objective of a team",
        "  cxokr new kr         a key result of an objective",
        "  cxokr new team       a team (teams/<team>.yaml)",
        "  cxokr new metric     a metric of the shared catalog (metrics/<metric>.yaml)",
        "  cxokr checkin        record where a key result stands",
        "  cxokr report         the weekly view",
        "or take one '# ' off each line of the example in okrs/2027-Q1/company.yaml",
    ]
    tracked = git(tmp_path / "my goals", "ls-files").split()
    for kept in ("checkins/.gitkeep", "metrics/.gitkeep", "readings/.gitkeep"):
        assert kept in tracked
    assert "okrs/2027-Q1/company.yaml" in tracked
    assert run("check", "-w", "my goals", "--strict")[0] == 0


def test_init_of_the_retail_template_names_its_report_first(
    tmp_path: Path, git_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, errors = run("init", ".", "--template", "retail-cx")
    assert code == 0, errors
    assert errors.splitlines()[2:4] == [
        "next steps:",
        "  cxokr report         the weekly view",
    ]
    assert "take one '# ' off" not in errors


def test_init_rejects_an_unknown_template(tmp_path: Path) -> None:
    code, _, errors = run("init", str(tmp_path / "x"), "--template", "bank")
    assert code == 2
    assert "unknown template 'bank'" in errors
    assert not (tmp_path / "x").exists()


def test_period_add_inserts_one_line_and_commits(git_ws: Path) -> None:
    before = (git_ws / "cxokr.yaml").read_text(encoding="utf-8")
    code, _, errors = run("period", "add", "2027-Q1", "-w", str(git_ws))
    assert code == 0, errors
    after = (git_ws / "cxokr.yaml").read_text(encoding="utf-8")
    assert after == before + "  - {id: 2027-Q1, start: 2027-01-01, end: 2027-03-31}\n"
    assert (
        git(git_ws, "log", "-1", "--format=%s")
        == "period: add 2027-Q1 (2027-01-01 to 2027-03-31)\n"
    )


def test_period_add_with_carry_over_copies_unfinished_objectives(git_ws: Path) -> None:
    code, _, errors = run(
        "period",
        "add",
        "2027-Q1",
        "--carry-over",
        "2026-Q4",
        "--as-of",
        "2026-11-20",
        "-w",
        str(git_ws),
    )
    assert code == 0, errors
    carried = (git_ws / "okrs" / "2027-Q1" / "ecommerce.yaml").read_text(encoding="utf-8")
    assert "carried_from: 2026-Q4:ecommerce/grow-basket" in carried
    assert run("check", "-w", str(git_ws))[0] == 0
    assert "okrs/2027-Q1/ecommerce.yaml" in git(git_ws, "show", "--name-only", "--format=", "HEAD")


def test_period_add_refuses_a_duplicate_and_changes_nothing(git_ws: Path) -> None:
    before = (git_ws / "cxokr.yaml").read_bytes()
    code, _, errors = run("period", "add", "2026-Q4", "-w", str(git_ws))
    assert code == 2
    assert "2026-Q4" in errors
    assert (git_ws / "cxokr.yaml").read_bytes() == before


def test_period_close_prints_grades_and_records_the_close(git_ws: Path) -> None:
    code, out, errors = run(
        "period", "close", "2026-Q4", "--as-of", "2026-12-31", "-w", str(git_ws)
    )
    assert code == 0, errors
    assert out.startswith("2026-Q4 final grades")
    assert "grow-basket" in out
    config = (git_ws / "cxokr.yaml").read_text(encoding="utf-8")
    assert "closed: 2026-12-31" in config
    assert git(git_ws, "log", "-1", "--format=%s") == "period: close 2026-Q4 on 2026-12-31\n"
    assert run("period", "close", "2026-Q4", "--as-of", "2026-12-31", "-w", str(git_ws))[0] == 2


def test_a_period_change_git_refuses_to_commit_stays_written_and_exits_2(git_ws: Path) -> None:
    refuse_commits(git_ws)
    head = git(git_ws, "rev-parse", "HEAD")
    for args in (["period", "add", "2027-Q1"], ["period", "close", "2026-Q4"]):
        code, _, errors = run(*args, "--as-of", "2026-12-31", "-w", str(git_ws))
        assert code == 2, errors
        assert "error: cxokr.yaml is written but not committed" in errors
    text = (git_ws / "cxokr.yaml").read_text(encoding="utf-8")
    assert "id: 2027-Q1" in text
    assert "closed: 2026-12-31" in text
    assert git(git_ws, "rev-parse", "HEAD") == head


def test_a_failed_carry_over_puts_cxokr_yaml_back(git_ws: Path) -> None:
    before = (git_ws / "cxokr.yaml").read_bytes()
    (git_ws / "okrs" / "2027-Q1").mkdir()
    (git_ws / "okrs" / "2027-Q1" / "ecommerce.yaml").write_text("objectives: []\n")
    code, _, errors = run(
        "period", "add", "2027-Q1", "--carry-over", "2026-Q4", "--as-of", "2026-11-20",
        "-w", str(git_ws),
    )  # fmt: skip
    assert code == 1, errors
    assert "okrs/2027-Q1/ecommerce.yaml already exists; nothing was carried over" in errors
    assert errors.rstrip().endswith("cxokr.yaml is as it was")
    assert (git_ws / "cxokr.yaml").read_bytes() == before
