"""Kept answers of `check` and `report` through the real CLI: reused when nothing changed,
never after a file, the day, an option or git changed; always what `--no-cache` prints.

A file's signature vouches for its content only once it has settled (`cache.SETTLED_NS`),
so each workspace here is written, then left to settle before the first run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cxokr.cli import app, kept
from cxokr.load import answers, cache
from tests.conftest import WriteFiles, git, write_files
from tests.paths import REPO

Outcome = tuple[int, str, str]


@pytest.fixture(autouse=True)
def _caching(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CXOKR_NO_CACHE", raising=False)


def settle() -> None:
    time.sleep(cache.SETTLED_NS / 1e9 + 0.2)


def run(root: Path, *args: str, cache: bool = True) -> tuple[Outcome, bool]:
    """The outcome of a command on `root`, and whether its answer was a kept one."""
    before = kept.TALLY["reused"]
    result = CliRunner().invoke(app, [*([] if cache else ["--no-cache"]), *args, "-w", str(root)])
    return (result.exit_code, result.stdout, result.stderr), kept.TALLY["reused"] > before


def warm(root: Path, *args: str) -> Outcome:
    """Run twice: the second run is answered from what the first kept, and prints the same."""
    first, reused = run(root, *args)
    assert not reused
    second, reused = run(root, *args)
    assert reused
    assert second == first == run(root, *args, cache=False)[0]
    return second


def fresh(root: Path, *args: str) -> Outcome:
    """A run that must compute its answer, and prints what `--no-cache` prints."""
    found, reused = run(root, *args)
    assert not reused
    assert found == run(root, *args, cache=False)[0]
    return found


REPORT = ("report", "--as-of", "2026-11-20")


def test_a_warm_check_is_answered_without_running_a_rule(make_ws: WriteFiles) -> None:
    root = make_ws()
    settle()
    code, _, err = warm(root, "check")
    assert code == 0
    assert err.startswith("checked 2 teams, 1 metric, 2 objectives, 2 key results")
    assert kept.TALLY["computed"] >= 1


def test_a_warm_report_is_answered_in_a_repository(git_ws: Path) -> None:
    settle()
    code, out, _ = warm(git_ws, *REPORT)
    assert code == 0
    assert "Acme Retail · 2026-Q4 · as of 2026-11-20" in out


def test_a_warm_report_says_its_warnings_again_and_exits_as_it_did(make_ws: WriteFiles) -> None:
    root = make_ws({"readings/aov.yaml": '- {"date": "2026-11-20", "value": "x"}\n'})
    settle()
    code, _, err = warm(root, *REPORT)
    assert code == 1
    assert err.startswith("warning: the workspace is not in a git repository")
    assert "warning: readings/aov.yaml: 1 entry left out of the figures (line 1" in err


CHANGES = {
    "config": ("cxokr.yaml", "organization: Acme Retail\n", "organization: Acme Stores\n"),
    "team": ("teams/ecommerce.yaml", "E-commerce", "Online shop"),
    "metric": ("metrics/aov.yaml", "Average order value", "Order value"),
    "okr": ("okrs/2026-Q4/ecommerce.yaml", "target: 64", "target: 66"),
    "check-in log": ("checkins/2026-Q4/ecommerce.yaml", '"value": 61.2', '"value": 62.5'),
    "readings log": ("readings/aov.yaml", '"value": 61.2', '"value": 59.0'),
}


@pytest.mark.parametrize("kind", CHANGES)
@pytest.mark.parametrize("command", [("check",), REPORT])
def test_a_changed_file_is_never_answered_from_before(
    make_ws: WriteFiles, kind: str, command: tuple[str, ...]
) -> None:
    root = make_ws()
    settle()
    before = warm(root, *command)
    rel, old, new = CHANGES[kind]
    path = root / rel
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    after = fresh(root, *command)
    assert after != before or kind in ("team", "metric") or command == ("check",)


@pytest.mark.parametrize("change", ["added", "removed", "renamed", "a folder", "not yaml"])
def test_a_file_added_removed_or_renamed_is_never_answered_from_before(
    make_ws: WriteFiles, change: str
) -> None:
    root = make_ws()
    settle()
    before = warm(root, "check")
    team = root / "teams" / "ecommerce.yaml"
    if change == "added":
        write_files(root, {"teams/support.yaml": "name: Support\nlevel: 3\nparent: company\n"})
    elif change == "removed":
        team.unlink()
    elif change == "renamed":
        team.rename(root / "teams" / "online.yaml")
    elif change == "a folder":
        (root / "teams" / "old").mkdir()
    else:
        write_files(root, {"teams/notes.yml": "name: Notes\n"})
    assert fresh(root, "check") != before


def test_a_removed_file_is_never_answered_from_before_once_all_else_settled(
    make_ws: WriteFiles,
) -> None:
    root = make_ws({"teams/support.yaml": "name: Support\nlevel: 3\nparent: company\n"})
    settle()
    before = warm(root, "check")
    (root / "teams" / "support.yaml").unlink()  # every other file is known: a fingerprint
    assert answers.look(root).fingerprint(answers.Answers(root).files) is not None
    assert fresh(root, "check") != before


@pytest.mark.parametrize(
    "option",
    [
        ("--format", "md"),
        ("--format", "json"),
        ("--format", "csv"),
        ("--team", "ecommerce"),
        ("--level", "1"),
        ("--owner", "nobody@acme.example"),
        ("--period", "2026"),
        ("--segment", "online"),
        ("--full",),
        ("--as-of", "2026-11-19"),
        ("--since", "2026-11-01"),
    ],
)
def test_a_report_with_another_option_is_never_answered_from_before(
    make_ws: WriteFiles, option: tuple[str, ...]
) -> None:
    root = make_ws()
    settle()
    warm(root, *REPORT)
    fresh(root, *REPORT, *option)


@pytest.mark.parametrize("option", [("--strict",), ("--format", "json"), ("--format", "github")])
def test_a_check_with_another_option_is_never_answered_from_before(
    make_ws: WriteFiles, option: tuple[str, ...]
) -> None:
    root = make_ws({"teams/ecommerce.yaml": "name: E-commerce\nlevel: 3\nparent: nobody\n"})
    settle()
    warm(root, "check")
    fresh(root, "check", *option)


def test_a_check_in_github_actions_is_never_answered_from_before(
    make_ws: WriteFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_ws({"teams/ecommerce.yaml": "name: E-commerce\nlevel: 3\nparent: nobody\n"})
    settle()
    warm(root, "check")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out, _ = fresh(root, "check")
    assert code == 1
    assert out.startswith("::error file=") and "title=CX315" in out


def test_a_new_commit_is_never_answered_from_before(git_ws: Path) -> None:
    settle()
    warm(git_ws, "check")
    git(git_ws, "commit", "-q", "--allow-empty", "-m", "Nothing")
    fresh(git_ws, "check")
    warm(git_ws, *REPORT)
    git(git_ws, "commit", "-q", "--allow-empty", "-m", "Nothing again")
    fresh(git_ws, *REPORT)


def test_a_shallow_cut_is_never_answered_from_before(git_ws: Path) -> None:
    settle()
    warm(git_ws, "check")
    (git_ws / ".git" / "shallow").write_text(git(git_ws, "rev-parse", "HEAD"), encoding="utf-8")
    fresh(git_ws, "check")


def test_an_uncommitted_okr_edit_is_never_answered_from_before(git_ws: Path) -> None:
    settle()
    warm(git_ws, "check")
    okr = git_ws / "okrs" / "2026-Q4" / "ecommerce.yaml"
    okr.write_text(okr.read_text(encoding="utf-8").replace("target: 64", "target: 70"))
    _, _, err = fresh(git_ws, "check")
    assert "1 warning" in err


def test_another_day_is_never_answered_from_before(make_ws: WriteFiles) -> None:
    """Today differs between the ends of the earth: a day after, the answer is computed."""
    root = make_ws()
    settle()

    def check(zone: str, *options: str) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k != "CXOKR_NO_CACHE"}
        command = [sys.executable, "-m", "cxokr", *options, "report", "-w", str(root)]
        done = subprocess.run(
            command, env={**env, "TZ": zone}, cwd=REPO, capture_output=True, text=True
        )
        return done

    east, west = check("Etc/GMT-14"), check("Etc/GMT+12")
    assert east.stdout.splitlines()[0] != west.stdout.splitlines()[0]  # another day, as of it
    assert west.stdout == check("Etc/GMT+12", "--no-cache").stdout
    assert check("Etc/GMT-14").stdout == east.stdout


def test_no_cache_reads_and_writes_no_answer(make_ws: WriteFiles) -> None:
    root = make_ws()
    settle()
    run(root, "check", cache=False)
    assert not list(cache.state_file(root, "x").parent.glob("answer*"))
    warm(root, "check")
    assert not run(root, "check", cache=False)[1]


def test_a_damaged_forged_or_misplaced_answer_is_never_believed(make_ws: WriteFiles) -> None:
    root = make_ws({"teams/ecommerce.yaml": "name: E-commerce\nlevel: 3\nparent: nobody\n"})
    settle()
    warm(root, "check")
    warm(root, *REPORT)
    folder = cache.state_file(root, "x").parent
    kept_files = sorted(folder.glob("answer-*"), key=lambda p: p.stat().st_size)
    assert len(kept_files) == 2
    small, large = kept_files
    small.write_bytes(large.read_bytes())  # the report's answer where the check's belongs
    fresh(root, "check")
    raw = bytearray(small.read_bytes())
    raw[-1] ^= 1  # damaged
    small.write_bytes(bytes(raw))
    fresh(root, "check")
    body = cache.unseal(large.read_bytes(), cache.secret() or b"", b"kept answer")
    assert body is not None
    small.write_bytes(cache.seal(bytes(body), b"k" * 32, b"kept answer"))  # someone else's key
    fresh(root, "check")


def test_a_check_that_looks_at_a_duckdb_file_is_not_kept(make_ws: WriteFiles) -> None:
    """Whether a DuckDB file leads out of the workspace is no file the loader reads."""
    config = (
        "organization: Acme Retail\n"
        "periods:\n"
        "  - {id: 2026, start: 2026-01-01, end: 2026-12-31}\n"
        "  - {id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}\n"
        "connections:\n"
        "  warehouse: {url: 'duckdb:data/cx.duckdb'}\n"
    )
    root = make_ws({"cxokr.yaml": config})
    (root / "data").mkdir()
    settle()
    fresh(root, "check")
    outside = root.parent / "elsewhere"
    outside.mkdir()
    (root / "data").rmdir()
    (root / "data").symlink_to(outside)
    _, _, err = fresh(root, "check")
    assert "1 error" in err
