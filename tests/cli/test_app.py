"""The command line end to end, through Typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cxokr.cli import app
from tests.conftest import WriteFiles
from tests.paths import REPO

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_check_clean_workspace_prints_only_a_summary(make_ws: WriteFiles) -> None:
    root = make_ws()
    code, out, errors = run("check", "--workspace", str(root))
    assert code == 0
    assert out == ""
    assert errors.strip().startswith("checked 2 teams, 1 metric, 2 objectives, 2 key results")
    assert errors.strip().endswith("no problems")


def test_check_reports_located_problems_and_exits_1(make_ws: WriteFiles) -> None:
    root = make_ws({"teams/ecommerce.yaml": "name: E-commerce\nlevel: 3\nparent: nobody\n"})
    code, out, _ = run("check", "-w", str(root))
    assert code == 1
    assert out == "teams/ecommerce.yaml:3:1: CX315 error: parent team 'nobody' not found\n"


def test_warnings_pass_unless_strict(make_ws: WriteFiles) -> None:
    root = make_ws({"teams/ecommerce.yaml": "name: E-commerce\nlevel: 1\nparent: company\n"})
    assert run("check", "-w", str(root))[0] == 0
    assert run("check", "-w", str(root), "--strict")[0] == 1


def test_check_json_is_versioned(make_ws: WriteFiles) -> None:
    root = make_ws({"metrics/aov.yaml": "name: AOV\nunit: USD\ndirection: up\n"})
    code, out, _ = run("check", "-w", str(root), "--format", "json")
    document = json.loads(out)
    assert code == 1
    assert document["version"] == 1
    assert document["ok"] is False
    assert document["problems"][0]["code"] == "CX203"
    assert document["problems"][0]["line"] == 3


def test_missing_workspace_is_a_usage_error(tmp_path: Path) -> None:
    code, out, errors = run("check", "--workspace", str(tmp_path))
    assert code == 2
    assert "no cxokr.yaml" in errors
    assert "Traceback" not in errors + out


def test_unknown_format_is_a_usage_error(make_ws: WriteFiles) -> None:
    assert run("check", "-w", str(make_ws()), "--format", "xml")[0] == 2


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0
    assert out.startswith("cxokr ")


def test_version_answers_without_loading_the_framework() -> None:
    import subprocess
    import sys

    code = "import sys, runpy; sys.argv=['cxokr','--version']; runpy.run_module('cxokr', run_name='__main__'); print(sorted(m for m in sys.modules if m in ('typer', 'pydantic', 'rich')))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    from cxokr import __version__

    assert done.stdout.splitlines() == [f"cxokr {__version__}", "[]"]


def boundary(exc: BaseException, debug: bool = False) -> tuple[int, str]:
    """Run the error boundary around a command that raises `exc`."""
    import contextlib
    import importlib
    import io

    import typer

    cli_app = importlib.import_module("cxokr.cli.app")  # the module; `cxokr.cli.app` is the app

    def command() -> int:
        raise exc

    errors = io.StringIO()
    cli_app._state["debug"] = debug
    try:
        with contextlib.redirect_stderr(errors), pytest.raises(typer.Exit) as ended:
            cli_app.guarded(command)()
    finally:
        cli_app._state["debug"] = False
    return ended.value.exit_code, errors.getvalue()


def test_an_internal_error_exits_3_and_asks_for_a_report_without_a_traceback() -> None:
    code, errors = boundary(RuntimeError("boom"))
    assert code == 3
    assert "please report it" in errors
    assert "Traceback" not in errors


def test_debug_shows_the_traceback_of_an_internal_error() -> None:
    code, errors = boundary(RuntimeError("boom"), debug=True)
    assert code == 3
    assert "Traceback" in errors
    assert "RuntimeError: boom" in errors


def test_ctrl_c_exits_130() -> None:
    assert boundary(KeyboardInterrupt())[0] == 130


def test_the_process_ends_with_every_byte_written_and_the_commands_exit_code(
    make_ws: WriteFiles,
) -> None:
    """The entry point skips the interpreter's teardown; output and exit codes must survive."""
    import subprocess
    import sys

    example = REPO / "examples" / "retail-cx"
    cli = [sys.executable, "-m", "cxokr"]
    done = subprocess.run(
        [*cli, "report", "-w", str(example), "--as-of", "2026-11-20", "--format", "json"],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0
    assert len(json.loads(done.stdout)["objectives"]) == 17  # all of it, flushed through a pipe
    broken = make_ws({"teams/ecommerce.yaml": "name: [unclosed\n"})
    failed = subprocess.run([*cli, "check", "-w", str(broken)], capture_output=True, check=False)
    assert failed.returncode == 1
    assert b"teams/ecommerce.yaml:1:" in failed.stdout
    usage = subprocess.run([*cli, "report", "--format", "xml"], capture_output=True, check=False)
    assert usage.returncode == 2
    assert b"xml" in usage.stderr


# --- --as-of: every command computes from the workspace as it stood that day --------------


@pytest.fixture
def retargeted(make_ws: WriteFiles, git_env: None) -> Path:
    """Goals committed on 2026-11-20; on 2026-11-28 the online AOV target went from 64 to 66,
    with a check-in of 62.5 dated 2026-11-25 (see tests/git/test_as_of.py)."""
    from tests.git.test_as_of import retarget

    return retarget(make_ws())


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (["report", "--team", "ecommerce"], "grow-basket/aov-online  62.5 → 64 USD"),
        (["explain", "ecommerce/grow-basket/aov-online"], "(62.5 - 58) / (64 - 58) = 0.75"),
        (["align"], "75% on track  Shoppers find more to love in every basket"),
        (["metrics", "aov"], "ecommerce/grow-basket/aov-online [online]  58 → 64  75% on track"),
        (
            ["notify", "--dry-run", "--team", "ecommerce"],
            "| Shoppers find more to love in every basket | ecommerce | 75% | on track |",
        ),
        (["period", "close", "2026-Q4", "--no-commit"], "aov-online           0.75 green"),
    ],
    ids=lambda value: value[0] if isinstance(value, list) else "",
)
def test_as_of_a_past_day_every_command_uses_the_targets_of_that_day(
    retargeted: Path, args: list[str], shown: str
) -> None:
    """(62.5 - 58) / (64 - 58) = 0.75 with the target of the 27th; the target set on the
    28th would give (62.5 - 58) / (66 - 58) = 0.5625."""
    code, out, errors = run(*args, "-w", str(retargeted), "--as-of", "2026-11-27")
    said = [line for line in errors.splitlines() if not line.startswith("wrote cxokr.yaml")]
    assert (code, said) == (0, [])
    assert shown in out
    assert "66" not in out


def test_as_of_the_day_of_a_change_sees_it(retargeted: Path) -> None:
    code, out, errors = run(
        "report", "-w", str(retargeted), "--as-of", "2026-11-28", "--format", "json"
    )
    assert (code, errors) == (0, "")
    objectives = json.loads(out)["objectives"]
    kr = next(k for o in objectives for k in o["key_results"] if k["id"] == "aov-online")
    assert (kr["target"], kr["progress"]) == (66, 0.5625)


def test_as_of_today_reads_the_working_tree_and_starts_no_git(
    retargeted: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Today sees the uncommitted target 70: (62.5 - 58) / (70 - 58) = 0.375; a past day
    needs git, which cannot be started here."""
    from datetime import date

    okrs = retargeted / "okrs" / "2026-Q4" / "ecommerce.yaml"
    okrs.write_text(okrs.read_text(encoding="utf-8").replace("target: 66", "target: 70"))
    monkeypatch.setenv("PATH", str(retargeted / "no-programs-here"))
    explain = ["explain", "ecommerce/grow-basket/aov-online", "-w", str(retargeted)]
    code, out, errors = run(*explain, "--as-of", date.today().isoformat())
    assert (code, errors) == (0, "")
    assert "(62.5 - 58) / (70 - 58) = 0.375" in out
    code, _, errors = run(*explain, "--as-of", "2026-11-27")
    assert code == 2
    assert "git is not installed" in errors


def test_as_of_a_past_day_names_uncommitted_edits_it_leaves_out(retargeted: Path) -> None:
    okrs = retargeted / "okrs" / "2026-Q4" / "ecommerce.yaml"
    okrs.write_text(okrs.read_text(encoding="utf-8").replace("target: 66", "target: 70"))
    explain = ["explain", "ecommerce/grow-basket/aov-online", "-w", str(retargeted)]
    code, out, errors = run(*explain, "--as-of", "2026-11-27")
    assert code == 0
    assert "(62.5 - 58) / (64 - 58) = 0.75" in out
    assert errors.startswith(
        "warning: uncommitted changes to okrs/2026-Q4/ecommerce.yaml are left out: the "
        "figures as of 2026-11-27 read the files as committed at "
    )
    code, out, errors = run(*explain, "--as-of", "2026-11-28")  # after the last commit
    assert (code, errors) == (0, "")
    assert "(62.5 - 58) / (70 - 58) = 0.375" in out


def test_as_of_before_a_shallow_clone_begins_warns_and_keeps_the_exit_code(
    retargeted: Path, tmp_path: Path
) -> None:
    from tests.conftest import git

    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{retargeted}", str(clone))
    code, out, errors = run("report", "-w", str(clone), "--as-of", "2026-11-27", "-t", "ecommerce")
    assert code == 0
    assert "grow-basket/aov-online  62.5 → 66 USD" in out  # the files as they stand
    assert errors.startswith("warning: history is incomplete: this is a shallow clone")
    assert "git fetch --unshallow" in errors


def test_as_of_a_workspace_git_ignores_reads_it_as_it_stands_without_a_warning(
    tmp_path: Path, make_ws: WriteFiles, git_env: None
) -> None:
    """A generated workspace in an ignored folder (the benchmark's) has no history of its own."""
    from tests import scripted
    from tests.conftest import git

    (tmp_path / ".gitignore").write_text("ws/\n", encoding="utf-8")
    git(tmp_path, "init", "-q", "-b", "main")
    scripted.commit(tmp_path, scripted.DANA, "2026-11-01T12:00:00+00:00", "Start")
    code, out, errors = run("report", "-w", str(make_ws()), "--as-of", "2026-11-20")
    assert (code, errors) == (0, "")
    assert "grow-basket/aov-online  61.2 → 64 USD" in out


def test_as_of_a_past_day_marks_only_the_goalposts_moved_by_then(retargeted: Path) -> None:
    def moved(day: str) -> bool:
        code, out, _ = run("report", "-w", str(retargeted), "--as-of", day, "--format", "json")
        assert code == 0
        objectives = json.loads(out)["objectives"]
        kr = next(k for o in objectives for k in o["key_results"] if k["id"] == "aov-online")
        return bool(kr["moved_goalposts"])

    assert (moved("2026-11-27"), moved("2026-11-28")) == (False, True)


def test_as_of_a_past_day_what_moved_marks_only_the_goalposts_moved_by_then(
    retargeted: Path,
) -> None:
    """`report --since` on a past day shares the report's rule: the 28th's new target is no
    moved goalpost as of the 27th."""

    def marked(day: str) -> bool:
        args = ("report", "-w", str(retargeted), "--since", "2026-11-21", "--as-of", day)
        code, out, _ = run(*args, "--format", "json")
        assert code == 0
        return '"moved_goalposts": true' in out

    assert (marked("2026-11-27"), marked("2026-11-28")) == (False, True)
