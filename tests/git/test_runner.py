"""Git, read safely and committed exactly: no program from the repository's configuration
runs on a read, git's refusals are errors, a commit records exactly the lines written, and
odd `--since` values are usage errors."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cxokr.cli import app
from cxokr.git import runner
from cxokr.git.commit import commit
from tests import scripted
from tests.conftest import git, refuse_commits

KR = scripted.KR
LOG = "checkins/2026-Q4/ecommerce.yaml"
HEAD_LOG_LINE = (
    '- {"kr": "grow-basket/aov-online", "date": "2026-11-20", "value": 61.2, "confidence": 0.7}\n'
)


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def repo(tmp_path: Path, git_env: None) -> Path:
    """The scripted repository; its workspace is `goals/` inside it."""
    scripted.build(tmp_path / "repo")
    return tmp_path / "repo"


# --- Reads run no program the repository's configuration names ---------------------------


def booby_trap(repo: Path, marker: Path) -> None:
    """Name a program that leaves `marker` behind in every setting git could run one from."""
    script = repo.parent / "trap.sh"
    script.write_text(f"#!/bin/sh\necho ran >> '{marker}'\ncat\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    for key in (
        "core.fsmonitor",
        "core.pager",
        "pager.log",
        "pager.diff",
        "diff.external",
        "diff.trap.command",
        "diff.trap.textconv",
        "filter.trap.clean",
        "filter.trap.smudge",
        "filter.trap.process",
        "gpg.program",
    ):
        git(repo, "config", key, str(script))
    git(repo, "config", "log.showSignature", "true")
    git(repo, "config", "filter.trap.required", "true")
    (repo / ".git" / "info" / "attributes").write_text("* diff=trap filter=trap\n", "utf-8")


def test_reads_run_no_program_named_by_the_repository_config(repo: Path) -> None:
    marker = repo.parent / "ran"
    ws = str(repo / "goals")
    # An uncommitted edit and a touched file: git would look at the working tree.
    scripted.edit(repo / "goals" / scripted.OKRS, "target: 66", "target: 67")
    os.utime(repo / "goals" / scripted.CHECKINS)
    booby_trap(repo, marker)
    runs = [
        ("check", "-w", ws),
        ("report", "-w", ws, "--as-of", "2026-11-20"),
        ("report", "-w", ws, "--as-of", "2026-11-20", "--since", "HEAD~1"),
        ("report", "-w", ws, "--as-of", "2026-11-20", "--since", "2026-11-01"),
        ("log", "-w", ws, KR),
        ("align", "-w", ws),
        ("explain", "-w", ws, KR, "--as-of", "2026-11-20"),
    ]
    for args in runs:
        code, out, errors = cli(*args)
        assert code in (0, 1), (args, errors)
        assert not marker.exists(), args
        if args[0] == "log":
            assert "target 64 → 66" in out


# --- Git's refusals and failures are errors ------------------------------------------------


@pytest.fixture
def not_owned(repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The scripted repository, as git sees one that belongs to another user."""
    monkeypatch.setenv("GIT_TEST_ASSUME_DIFFERENT_OWNER", "1")
    return repo


@pytest.mark.parametrize(
    "args",
    [
        ("log", KR),
        ("log", KR, "--since", "HEAD~1"),
        ("report", "--as-of", "2026-11-20", "--since", "HEAD~1"),
        ("report", "--as-of", "2026-11-20"),
        ("check",),
    ],
)
def test_a_repository_git_refuses_is_an_error_naming_the_fix(
    not_owned: Path, args: tuple[str, ...]
) -> None:
    code, _, errors = cli(*args, "-w", str(not_owned / "goals"))
    assert code == 2
    assert f"git config --global --add safe.directory {not_owned}" in errors


def test_checkin_in_a_repository_git_refuses_writes_nothing(not_owned: Path) -> None:
    log = not_owned / "goals" / scripted.CHECKINS
    before = log.read_bytes()
    ws = str(not_owned / "goals")
    for extra in ((), ("--no-commit",)):
        code, _, errors = cli(
            "checkin", KR, "-w", ws, "--value", "63", "--date", "2026-11-20", *extra
        )
        assert code == 2
        assert "safe.directory" in errors
    assert log.read_bytes() == before


def test_the_fix_named_makes_the_repository_readable(not_owned: Path) -> None:
    ws = str(not_owned / "goals")
    code, _, errors = cli("log", KR, "-w", ws)
    assert code == 2
    fix = errors.split("run: ")[-1].split()
    assert fix[:5] == ["git", "config", "--global", "--add", "safe.directory"]
    git(not_owned, *fix[1:])
    code, out, errors = cli("log", KR, "-w", ws)
    assert code == 0, errors
    assert "target 64 → 66" in out


def test_a_damaged_repository_is_an_error_not_empty_history(repo: Path) -> None:
    head = git(repo, "rev-parse", "HEAD").strip()
    (repo / ".git" / "objects" / head[:2] / head[2:]).unlink()
    ws = str(repo / "goals")
    for args in (("log", KR), ("report", "--since", "HEAD~1"), ("check",)):
        code, _, errors = cli(*args, "-w", ws)
        assert code == 2, args
        assert f"in {repo / 'goals'}" in errors
        assert "bad object" in errors


def test_a_broken_configuration_is_an_error(repo: Path) -> None:
    (repo / ".git" / "config").write_text("[core\nbroken", encoding="utf-8")
    code, _, errors = cli("log", KR, "-w", str(repo / "goals"))
    assert code == 2
    assert "bad config" in errors


def test_git_missing_is_an_error_inside_a_repository(repo: Path, tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    env = {**os.environ, "PATH": str(empty)}
    cxokr = str(Path(sys.executable).with_name("cxokr"))
    for args in (["log", KR], ["check"]):
        done = subprocess.run(
            [cxokr, *args, "-w", str(repo / "goals")], env=env, capture_output=True, text=True
        )
        assert done.returncode == 2, done.stderr
        assert "git is not installed" in done.stderr


# --- Commits record exactly what was written -------------------------------------------------


def append(path: Path, data: bytes) -> None:
    with path.open("ab") as f:
        f.write(data)


MINE = b'- {"kr": "grow-basket/aov-online", "date": "2026-11-21", "value": 62.0}\n'
EXTRA = b'- {"kr": "grow-basket/aov-online", "date": "2026-11-19", "value": 1.0}\n'


def test_a_commit_records_head_plus_exactly_the_lines_appended(git_ws: Path) -> None:
    log, team = git_ws / LOG, git_ws / "teams" / "company.yaml"
    append(log, EXTRA)  # an earlier --no-commit write, or a person's edit
    append(log, MINE)
    team.write_text("name: Exec team\nlevel: 1\n", encoding="utf-8")  # committed whole
    result = commit(git_ws, [log, team], "checkin: mine", appended={log: MINE})
    assert result.sha is not None and not result.failed, result.skipped
    assert git(git_ws, "show", f"HEAD:{LOG}").encode() == HEAD_LOG_LINE.encode() + MINE
    assert git(git_ws, "show", "HEAD:teams/company.yaml") == "name: Exec team\nlevel: 1\n"
    changed = git(git_ws, "show", "--name-only", "--format=", "HEAD").splitlines()
    assert sorted(changed) == sorted([LOG, "teams/company.yaml"])
    assert log.read_bytes() == HEAD_LOG_LINE.encode() + EXTRA + MINE
    # The extra line stays as it was: in the working file, not staged, not committed.
    assert git(git_ws, "diff", "--cached", "--name-only") == ""
    assert git(git_ws, "diff", "-U0", "--", LOG).count("\n+- ") == 1


def test_a_new_log_is_committed_as_exactly_the_bytes_appended(git_ws: Path) -> None:
    log = git_ws / "checkins" / "2026-Q4" / "company.yaml"
    log.write_bytes(EXTRA + MINE)
    result = commit(git_ws, [log], "checkin: new", appended={log: MINE})
    assert result.sha is not None, result.skipped
    assert git(git_ws, "show", "HEAD:checkins/2026-Q4/company.yaml").encode() == MINE
    assert git(git_ws, "ls-files", "-s", "checkins/2026-Q4/company.yaml") != ""


def test_the_users_staged_changes_stay_staged(git_ws: Path) -> None:
    team = git_ws / "teams" / "company.yaml"
    team.write_text("name: Exec team\nlevel: 1\n", encoding="utf-8")
    git(git_ws, "add", "teams/company.yaml")
    log = git_ws / LOG
    append(log, MINE)
    result = commit(git_ws, [log], "checkin: mine", appended={log: MINE})
    assert result.sha is not None, result.skipped
    assert git(git_ws, "diff", "--cached", "--name-only") == "teams/company.yaml\n"
    assert git(git_ws, "status", "--porcelain", "--", LOG) == ""


def test_a_version_of_the_log_the_user_staged_stays_staged(git_ws: Path) -> None:
    log = git_ws / LOG
    append(log, EXTRA)
    git(git_ws, "add", LOG)
    staged = git(git_ws, "rev-parse", f":{LOG}")
    append(log, MINE)
    result = commit(git_ws, [log], "checkin: mine", appended={log: MINE})
    assert result.sha is not None, result.skipped
    assert git(git_ws, "rev-parse", f":{LOG}") == staged
    assert git(git_ws, "show", f"HEAD:{LOG}").encode() == HEAD_LOG_LINE.encode() + MINE


@pytest.mark.parametrize("held", ["index.lock", "refs/heads/main.lock"])
def test_a_held_git_lock_is_waited_for(git_ws: Path, held: str) -> None:
    lock = git_ws / ".git" / held
    lock.touch()
    release = threading.Timer(1.0, lock.unlink)
    release.start()
    log = git_ws / LOG
    append(log, MINE)
    try:
        result = commit(git_ws, [log], "checkin: mine", appended={log: MINE})
    finally:
        release.join()
    assert result.sha is not None and not result.failed, result.skipped
    assert git(git_ws, "show", f"HEAD:{LOG}").encode() == HEAD_LOG_LINE.encode() + MINE


def test_a_lock_held_for_good_fails_naming_the_lock_and_the_fix(
    git_ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner, "LOCK_WAIT_SECONDS", 0.3)
    lock = git_ws / ".git" / "index.lock"
    lock.touch()
    head = git(git_ws, "rev-parse", "HEAD")
    log = git_ws / LOG
    append(log, MINE)
    result = commit(git_ws, [log], "checkin: mine", appended={log: MINE})
    assert result.failed
    assert result.sha is None
    assert str(lock) in (result.skipped or "")
    assert f"remove {lock}" in (result.skipped or "")
    assert lock.exists()
    assert git(git_ws, "rev-parse", "HEAD") == head


def test_a_hook_that_refuses_fails_and_leaves_the_index_alone(git_ws: Path) -> None:
    refuse_commits(git_ws, "no commits on Fridays")
    index = (git_ws / ".git" / "index").read_bytes()
    log = git_ws / LOG
    append(log, MINE)
    result = commit(git_ws, [log], "checkin: mine", appended={log: MINE})
    assert result.failed
    assert "no commits on Fridays" in (result.skipped or "")
    assert (git_ws / ".git" / "index").read_bytes() == index
    assert not (git_ws / ".git" / "index.lock").exists()


def test_outside_a_repository_a_commit_is_skipped_not_failed(make_ws: object) -> None:
    root = make_ws()  # type: ignore[operator]
    result = commit(root, [root / LOG], "checkin", appended={root / LOG: MINE})
    assert (result.sha, result.skipped, result.failed) == (None, "not a git repository", False)


def test_a_repository_git_refuses_fails_the_commit(
    git_ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_TEST_ASSUME_DIFFERENT_OWNER", "1")
    log = git_ws / LOG
    result = commit(git_ws, [log], "checkin", appended={log: MINE})
    assert result.failed
    assert "safe.directory" in (result.skipped or "")


# --- Odd --since values ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("report", "--as-of", "0001-01-01", "--since", "1d"), "before the year 1"),
        (("log", KR, "--since", ""), "is not a date"),
    ],
)
def test_odd_since_values_are_usage_errors(repo: Path, args: tuple[str, ...], message: str) -> None:
    code, _, errors = cli(*args, "-w", str(repo / "goals"))
    assert code == 2, errors
    assert message in errors


def test_since_the_year_1_finds_nothing_committed_before(repo: Path) -> None:
    ws = str(repo / "goals")
    code, out, errors = cli("report", "-w", ws, "--as-of", "2026-11-20", "--since", "0001-01-01")
    assert code == 0, errors
    assert "then: nothing committed before 0001-01-01" in out
    code, out, errors = cli("log", KR, "-w", ws, "--since", "0001-01-01")
    assert code == 0, errors
    assert "target 64 → 66" in out


def test_a_time_zone_python_cannot_use_is_a_usage_error(repo: Path) -> None:
    env = {**os.environ, "TZ": "XYZ+25"}
    cxokr = str(Path(sys.executable).with_name("cxokr"))
    ws = str(repo / "goals")
    done = subprocess.run(
        [cxokr, "report", "-w", ws, "--as-of", "2026-11-20", "--since", "7d"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2, done.stderr
    assert "TZ='XYZ+25'" in done.stderr
    done = subprocess.run(
        [cxokr, "log", KR, "-w", ws, "--since", "7d"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
