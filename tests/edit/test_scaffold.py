"""A new workspace: the files `cxokr init` writes, and how it refuses to overwrite."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from cxokr.cli import app
from cxokr.edit import ci_workflow, scaffold, schema
from cxokr.errors import CxokrError, UsageError
from cxokr.load import workspace
from cxokr.load.kinds import BY_NAME
from cxokr.rules import checks
from tests.conftest import git
from tests.paths import REPO

PERIODS = scaffold.default_periods(date(2026, 11, 23))


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def made(root: Path, template: scaffold.TemplateName, org: str = "Acme Retail") -> Path:
    scaffold.write(root, scaffold.plan(root, org, template, PERIODS))
    return root


@pytest.mark.parametrize("template", scaffold.TEMPLATES)
def test_new_workspace_checks_clean(tmp_path: Path, template: scaffold.TemplateName) -> None:
    ws = workspace.load(made(tmp_path / "ws", template))
    assert checks.check(ws) == ()


def test_retail_cx_holds_the_teams_metrics_and_aligned_okrs(tmp_path: Path) -> None:
    ws = workspace.load(made(tmp_path / "ws", "retail-cx"))
    assert {"company", "cx-leadership", "ecommerce", "support", "stores", "platform"} <= set(
        ws.teams
    )
    assert len(ws.metrics) >= 8
    assert ("2026", "company") in ws.okrs
    ecommerce = ws.okrs[("2026-Q4", "ecommerce")]
    assert ecommerce.objectives[0].aligns_to == "2026:company/raise-aov"
    assert not ws.checkins and not ws.readings


def test_retail_cx_in_a_single_period_checks_clean(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    q1 = [("2027-Q1", date(2027, 1, 1), date(2027, 3, 31))]
    scaffold.write(root, scaffold.plan(root, "Acme", "retail-cx", q1))
    ws = workspace.load(root)
    assert checks.check(ws) == ()
    assert ws.okrs[("2027-Q1", "ecommerce")].objectives[0].aligns_to == "company/raise-aov"


def test_organization_name_reads_back_exactly(tmp_path: Path) -> None:
    org = "Acme: Retail #1 — 'ünïcode'"
    ws = workspace.load(made(tmp_path / "ws", "blank", org))
    assert checks.check(ws) == ()
    assert ws.config is not None and ws.config.organization == org
    assert ws.teams["company"].name == org


@pytest.mark.parametrize("org", ["", "  ", "two\nlines"])
def test_unusable_organization_name_is_a_usage_error(org: str) -> None:
    with pytest.raises(UsageError):
        scaffold.plan(Path("ws"), org, "blank", PERIODS)


@pytest.mark.parametrize("template", scaffold.TEMPLATES)
def test_modeline_is_the_first_line_of_every_yaml_file(
    tmp_path: Path, template: scaffold.TemplateName
) -> None:
    root = made(tmp_path / "ws", template)
    for path in root.rglob("*.yaml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        assert (path.parent / first.split("=", 1)[1]).resolve().is_file(), path


def test_schemas_written_are_the_built_schemas(tmp_path: Path) -> None:
    root = made(tmp_path / "ws", "blank")
    for kind in BY_NAME:
        text = (root / "schemas" / schema.schema_name(kind)).read_text(encoding="utf-8")
        assert json.loads(text) == schema.build(kind)
    for path in schema.write_all(tmp_path / "written"):
        assert (root / "schemas" / path.name).read_bytes() == path.read_bytes()


def test_gitattributes_marks_both_logs_merge_union(tmp_path: Path) -> None:
    lines = (made(tmp_path / "ws", "blank") / ".gitattributes").read_text().splitlines()
    assert "checkins/**/*.yaml merge=union" in lines
    assert "readings/*.yaml merge=union" in lines


def test_gitignore_ignores_the_cache(tmp_path: Path) -> None:
    assert ".cxokr/" in (made(tmp_path / "ws", "blank") / ".gitignore").read_text().splitlines()


ROOT = REPO
REPOSITORY = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
    "urls"
]["Repository"]
PINNED = re.compile(
    rf"pip install 'cxokr @ git\+(?P<url>\S+)@(?P<rev>[0-9a-f]{{40}}|{ci_workflow.REV_PLACEHOLDER})'"
)


def steps(path: Path, job: str = "check") -> list[dict[str, Any]]:
    """The steps of one of the workflow's jobs, read as GitHub reads the file."""
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert set(workflow["jobs"]) == {"check", "report"}
    return list(workflow["jobs"][job]["steps"])


def runs(path: Path, job: str = "check") -> list[str]:
    return [step["run"] for step in steps(path, job) if "run" in step]


def pull_request_paths(path: Path) -> list[str]:
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    triggers = workflow[True]  # `on`, a boolean to YAML 1.1, a key to GitHub
    return list(triggers["pull_request"]["paths"])


def test_workflow_installs_cxokr_at_a_pinned_commit_with_full_history(tmp_path: Path) -> None:
    workflow = made(tmp_path / "ws", "blank") / ".github/workflows/cxokr-check.yml"
    checkout = next(s for s in steps(workflow) if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0
    install, check = runs(workflow)
    assert not re.search(r"pip install\s+['\"]?cxokr(?!\s*@)", install)  # not PyPI's
    pinned = PINNED.fullmatch(install)
    assert pinned, install
    assert pinned["url"] == REPOSITORY  # the one place the URL is written
    assert check == "cxokr check --format github --strict"


def init_in_a_repository(tmp_path: Path, folder: str, workflow: str) -> tuple[Path, Path]:
    """`cxokr init` into `folder` of a new repository: the repository and the workflow path."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    assert run("init", str(repo / folder), "--org", "Acme")[0] == 0
    return repo, repo / ".github" / "workflows" / workflow


def test_init_in_a_subfolder_writes_the_workflow_at_the_top_of_the_repository(
    tmp_path: Path, git_env: None
) -> None:
    repo, workflow = init_in_a_repository(tmp_path, "goals", "cxokr-check-goals.yml")
    assert not (repo / "goals" / ".github").exists()  # GitHub would never run it there
    assert runs(workflow)[-1] == "cxokr check --workspace goals --format github --strict"
    paths = pull_request_paths(workflow)
    assert paths and all(path.startswith("goals/") for path in paths)
    assert "goals/okrs/**" in paths
    assert ".github/workflows/cxokr-check-goals.yml" in git(repo, "ls-files").split()


def test_init_never_overwrites_a_workflow_at_the_top_of_the_repository(
    tmp_path: Path, git_env: None
) -> None:
    repo = tmp_path / "repo"
    workflows = repo / ".github" / "workflows"
    workflows.mkdir(parents=True)
    git(repo, "init", "-q")
    mine = workflows / "cxokr-check-goals.yml"
    mine.write_bytes(b"name: mine\n")
    code, _, errors = run("init", str(repo / "goals"))
    assert code != 0
    assert ".github/workflows/cxokr-check-goals.yml" in errors
    assert mine.read_bytes() == b"name: mine\n"
    assert not (repo / "goals").exists()


def test_a_workspace_folder_with_glob_and_shell_characters_is_quoted(
    tmp_path: Path, git_env: None
) -> None:
    _, workflow = init_in_a_repository(tmp_path, "our goals*", "cxokr-check-our-goals.yml")
    assert runs(workflow)[-1] == "cxokr check --workspace 'our goals*' --format github --strict"
    paths = pull_request_paths(workflow)
    assert "our goals\\*/cxokr.yaml" in paths  # a literal *, not a glob


def test_the_example_workflow_is_the_one_init_writes() -> None:
    example = (ROOT / "examples" / "ci" / "cxokr-check.yml").read_text(encoding="utf-8")
    assert example.endswith(ci_workflow.text("", REPOSITORY, None))
    install = runs(ROOT / "examples" / "ci" / "cxokr-check.yml")[0]
    assert PINNED.fullmatch(install)


def test_no_document_names_a_revision_that_does_not_resolve() -> None:
    """The pre-commit usage names a full commit sha (or says to put one), never a made-up tag."""
    for path in (ROOT / ".pre-commit-hooks.yaml", ROOT / "README.md"):
        for rev in re.findall(r"\brev: (\S+)", path.read_text(encoding="utf-8")):
            assert re.fullmatch(r"[0-9a-f]{40}|FULL_COMMIT_SHA", rev), (path.name, rev)


def test_write_returns_every_written_path_in_sorted_order(tmp_path: Path) -> None:
    files = scaffold.plan(tmp_path, "Acme", "blank", PERIODS)
    written = scaffold.write(tmp_path / "ws", files)
    assert written == [tmp_path / "ws" / rel for rel in sorted(files)]
    assert [path.read_bytes() for path in written] == [files[rel] for rel in sorted(files)]


def test_refuses_to_overwrite_and_lists_every_file_in_the_way(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    (root / "teams").mkdir(parents=True)
    (root / "README.md").write_bytes(b"mine\n")
    (root / "teams" / "company.yaml").write_bytes(b"name: Mine\nlevel: 1\n")
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    files = scaffold.plan(root, "Acme", "blank", PERIODS)
    with pytest.raises(CxokrError) as caught:
        scaffold.write(root, files)
    message = str(caught.value)
    assert "\n  README.md\n  teams/company.yaml\n" in message
    assert "nothing was written" in message
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before


def test_refuses_a_folder_that_already_has_a_cxokr_yaml(tmp_path: Path) -> None:
    (tmp_path / "cxokr.yaml").write_text("organization: Mine\n")
    with pytest.raises(CxokrError, match=r"\n  cxokr\.yaml\n"):
        scaffold.write(tmp_path, {"README.md": b"new\n"})
    assert not (tmp_path / "README.md").exists()


def test_default_periods_in_the_fourth_quarter() -> None:
    assert scaffold.default_periods(date(2026, 11, 23)) == [
        ("2026", date(2026, 1, 1), date(2026, 12, 31)),
        ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
    ]


def test_default_periods_in_the_first_quarter() -> None:
    assert scaffold.default_periods(date(2027, 2, 10)) == [
        ("2027", date(2027, 1, 1), date(2027, 12, 31)),
        ("2027-Q1", date(2027, 1, 1), date(2027, 3, 31)),
    ]


def test_a_file_where_a_folder_is_needed_is_in_the_way(tmp_path: Path) -> None:
    (tmp_path / "teams").write_text("not a folder\n")
    with pytest.raises(CxokrError, match=r"\n  teams/company\.yaml\n"):
        scaffold.write(tmp_path, scaffold.plan(tmp_path, "Acme", "blank", PERIODS))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["teams"]


def uncommented(text: str, start: str) -> str:
    """`text` with one "# " taken off each line from the one that is `start` (commented)."""
    lines = text.splitlines(keepends=True)
    first = lines.index(f"# {start}\n")
    return "".join(lines[:first] + [line.removeprefix("# ") for line in lines[first:]])


def test_a_blank_workspace_has_every_folder_git_keeps(tmp_path: Path) -> None:
    root = made(tmp_path / "ws", "blank")
    kept = ["checkins/.gitkeep", "metrics/.gitkeep", "okrs/2026-Q4/company.yaml"]
    assert all((root / rel).is_file() for rel in [*kept, "readings/.gitkeep"])
    assert (root / "readings/.gitkeep").read_text() == (
        "# Kept so that git keeps this folder, where `cxokr record` appends readings to "
        "<metric>.yaml.\n"
    )


def test_the_blank_starter_objective_checks_clean_once_uncommented(tmp_path: Path) -> None:
    root = made(tmp_path / "ws", "blank")
    starter = root / scaffold.starter_path(PERIODS)
    assert starter == root / "okrs/2026-Q4/company.yaml"
    starter.write_text(uncommented(starter.read_text(), "objectives:"))
    ws = workspace.load(root)
    assert list(checks.check(ws)) == []  # no team below level 1 yet: nobody to support it
    write_team = root / "teams/ecommerce.yaml"
    write_team.write_text("name: E-commerce\nlevel: 3\nparent: company\n")
    (unsupported,) = checks.check(workspace.load(root))  # as the starter says, once teams exist
    assert (unsupported.code, unsupported.severity.value) == ("CX334", "warning")
    assert unsupported.message == "no team's objective aligns to company/delight-shoppers"
    (objective,) = ws.okrs[("2026-Q4", "company")].objectives
    assert (objective.id, [kr.id for kr in objective.key_results]) == (
        "delight-shoppers",
        ["reviews-answered"],
    )


def test_the_blank_metric_example_and_its_key_result_check_clean(tmp_path: Path) -> None:
    root = made(tmp_path / "ws", "blank")
    example = (root / "metrics/.gitkeep").read_text()
    (root / "metrics/nps.yaml").write_text(uncommented(example, "name: Net Promoter Score"))
    starter = root / scaffold.starter_path(PERIODS)
    once = uncommented(starter.read_text(), "objectives:")
    starter.write_text(once.replace("      # ", "      "))  # the nested example too
    ws = workspace.load(root)
    assert list(checks.check(ws)) == []
    assert ws.metrics["nps"].name == "Net Promoter Score"
    (objective,) = ws.okrs[("2026-Q4", "company")].objectives
    assert [kr.metric for kr in objective.key_results] == [None, "nps"]


def test_the_report_job_runs_on_pull_requests_only_and_may_comment(tmp_path: Path) -> None:
    workflow = made(tmp_path / "ws", "blank") / ".github/workflows/cxokr-check.yml"
    job = yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"]["report"]
    assert job["if"] == "github.event_name == 'pull_request'"
    assert job["permissions"] == {"contents": "read", "pull-requests": "write"}
    checkout = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0  # the base revision is in the clone
    assert PINNED.fullmatch(runs(workflow, "report")[0])
    report, comment = job["steps"][-2:]
    assert report["env"] == {"BASE": "${{ github.event.pull_request.base.sha }}"}
    assert comment["if"] == "github.event.pull_request.head.repo.full_name == github.repository"
    assert comment["env"]["MARKER"] == "<!-- cxokr-check.yml -->"


def run_step(step: dict[str, Any], cwd: Path, tmp_path: Path, **env: str) -> str:
    """Run a workflow step's script as GitHub's runner does (`bash -e`); its summary."""
    summary = tmp_path / "summary.md"
    summary.touch()
    variables = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_STEP_SUMMARY": str(summary),
        **env,
    }
    script = step["run"]
    subprocess.run(["bash", "-e", "-c", script], cwd=cwd, env=variables, check=True)
    return summary.read_text(encoding="utf-8")


def test_the_report_step_writes_what_a_pull_request_changes_to_the_summary(
    tmp_path: Path, git_env: None
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    assert run("init", str(repo / "goals"), "--org", "Acme")[0] == 0
    base = git(repo, "rev-parse", "HEAD").strip()
    starter = next((repo / "goals" / "okrs").glob("*/company.yaml"))
    starter.write_text(uncommented(starter.read_text(), "objectives:"))
    git(repo, "commit", "-q", "-am", "Add the first objective")
    workflow = repo / ".github/workflows/cxokr-check-goals.yml"
    report = steps(workflow, "report")[-2]
    summary = run_step(report, repo, tmp_path, BASE=base)
    assert summary.startswith(f"## Acme: what moved in {starter.parent.name} since {base}\n")
    assert "(company/delight-shoppers/reviews-answered) | new | no data |" in summary


def fake_gh(folder: Path, listed: str, status: int = 0) -> Path:
    """A stand-in for GitHub's `gh` (the runner's, which no test can reach): it logs each call
    with the body it would send, lists `listed` as the ids of earlier comments, and exits
    with `status`, as a token that may not write makes the real one do."""
    folder.mkdir()
    script = folder / "gh"
    script.write_text(
        "#!/bin/sh\n"
        'echo "gh $*" >> "$RUNNER_TEMP/calls"\n'
        'for a in "$@"; do case "$a" in body=@*) cat "${a#body=@}" >> "$RUNNER_TEMP/calls";;'
        " esac; done\n"
        f'case "$*" in *--jq*) printf "{listed}";; esac\n'
        f"exit {status}\n"
    )
    script.chmod(0o755)
    return folder


def comment(tmp_path: Path, listed: str, status: int = 0) -> str:
    """Run the workflow's comment step with a report written; what `gh` was asked."""
    workflow = made(tmp_path / "ws", "blank") / ".github/workflows/cxokr-check.yml"
    (tmp_path / "report.md").write_text("## Acme: what moved\n\n| a | b |\n")
    path = f"{fake_gh(tmp_path / 'bin', listed, status)}{os.pathsep}{os.environ['PATH']}"
    step = steps(workflow, "report")[-1]
    env = {**step["env"], "PATH": path, "GITHUB_REPOSITORY": "acme/goals", "PR": "7"}
    env.pop("GH_TOKEN")
    run_step(step, tmp_path, tmp_path, **env)
    return (tmp_path / "calls").read_text()


def test_the_comment_step_posts_one_comment_that_starts_with_its_marker(tmp_path: Path) -> None:
    calls = comment(tmp_path, listed="")
    assert calls.splitlines() == [
        "gh api repos/acme/goals/issues/7/comments --paginate --jq .[] | select(.user.login =="
        ' "github-actions[bot]" and (.body | startswith(env.MARKER))) | .id',
        f"gh api repos/acme/goals/issues/7/comments -F body=@{tmp_path}/comment.md",
        "<!-- cxokr-check.yml -->",
        "## Acme: what moved",
        "",
        "| a | b |",
    ]


def test_the_comment_step_updates_the_comment_it_posted_before(tmp_path: Path) -> None:
    calls = comment(tmp_path, listed="1\\n42\\n").splitlines()
    assert calls[1] == (
        f"gh api --method PATCH repos/acme/goals/issues/comments/42 -F body=@{tmp_path}/comment.md"
    )


def test_a_token_that_may_not_comment_leaves_a_notice_not_a_failed_job(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    comment(tmp_path, listed="", status=1)  # run_step raises if the step fails
    assert "::notice::no comment posted (this token may not write one)" in capfd.readouterr().out


def test_a_report_too_long_for_a_comment_is_cut_at_a_line_and_says_so(tmp_path: Path) -> None:
    workflow = made(tmp_path / "ws", "blank") / ".github/workflows/cxokr-check.yml"
    (tmp_path / "report.md").write_text("| a row of the report |\n" * 4000)  # 96,000 characters
    step = steps(workflow, "report")[-1]
    path = f"{fake_gh(tmp_path / 'bin', '')}{os.pathsep}{os.environ['PATH']}"
    env = {**step["env"], "PATH": path, "GITHUB_REPOSITORY": "acme/goals", "PR": "7"}
    run_step(step, tmp_path, tmp_path, **env)
    body = (tmp_path / "comment.md").read_text()
    assert len(body) < 60_100
    assert body.endswith("| a row of the report |\n\n(cut short: the job summary has all of it)\n")
