"""The process around a command, run for real: a closed output pipe, Ctrl-C at start-up,
and the refusal of platforms cxokr does not support."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "retail-cx"
CXOKR = Path(sys.executable).parent / "cxokr"  # the console script of this environment
REPORT = ["report", "--workspace", str(EXAMPLE), "--as-of", "2026-11-20"]
F_SETPIPE_SZ = 1031  # Linux; the report is bigger than one page, so it cannot all fit


def test_report_piped_to_head_ends_quietly() -> None:
    """The shell pipeline itself: head may leave before or after everything was written."""
    done = subprocess.run(
        ["bash", "-c", f'"$0" {" ".join(REPORT)} | head -1; exit "${{PIPESTATUS[0]}}"', CXOKR],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.stdout.startswith("Northwind Outfitters")
    assert done.stderr == ""
    assert done.returncode in (0, 141)  # never 1, which means "problems found"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pipe size is set on Linux")
@pytest.mark.parametrize("fmt", ["text", "md", "json", "csv"])
def test_a_pipe_closed_after_the_first_line_exits_141_without_a_word(fmt: str) -> None:
    read_end, write_end = os.pipe()
    fcntl.fcntl(write_end, F_SETPIPE_SZ, 4096)
    child = subprocess.Popen(
        [str(CXOKR), *REPORT, "--format", fmt], stdout=write_end, stderr=subprocess.PIPE
    )
    os.close(write_end)
    with os.fdopen(read_end, "rb") as reader:
        assert reader.readline()  # like `head -1`: one line, then the pipe is closed
    _, err = child.communicate(timeout=60)
    assert err == b""
    assert child.returncode == 141


def test_output_closed_before_anything_was_written_exits_141() -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)
    done = subprocess.run(
        [sys.executable, "-m", "cxokr", "--version"],
        stdout=write_end,
        capture_output=False,
        stderr=subprocess.PIPE,
        check=False,
    )
    os.close(write_end)
    assert (done.returncode, done.stderr) == (141, b"")


def _interrupt(command: list[str], delay: float) -> tuple[int, str]:
    """Start `command`, send SIGINT `delay` seconds after cxokr's entry point began importing
    the command line, and return (exit code, stderr) without the import timings that tell
    when that is. Before that moment the interpreter starts and the console script that pip
    wrote runs: Python's code, not cxokr's."""
    env = {**os.environ, "PYTHONPROFILEIMPORTTIME": "1"}
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    assert child.stderr is not None
    lines: list[bytes] = []
    launched = False
    for line in child.stderr:
        lines.append(line)
        if launched and line.startswith(b"import time:"):  # an import made by `main`
            break
        launched = launched or line.rstrip().endswith(b"| cxokr.launch")
    time.sleep(delay)
    child.send_signal(signal.SIGINT)
    _, rest = child.communicate(timeout=60)
    said = b"".join(lines) + rest
    text = "".join(
        line + "\n" for line in said.decode().splitlines() if not line.startswith("import time:")
    )
    return child.returncode, text


@pytest.mark.parametrize("delay", [0.0, 0.002, 0.01, 0.03, 0.06])
def test_ctrl_c_while_starting_exits_130_without_a_traceback(delay: float) -> None:
    code, err = _interrupt([str(CXOKR), *REPORT], delay)
    assert (code, err) == (130, "interrupted\n")


def test_ctrl_c_while_python_m_cxokr_starts_exits_130() -> None:
    code, err = _interrupt([sys.executable, "-m", "cxokr", *REPORT], 0.01)
    assert (code, err) == (130, "interrupted\n")


@pytest.mark.parametrize("how", ["script", "module"])
def test_a_platform_other_than_posix_is_refused_before_any_command_runs(how: str) -> None:
    start = (
        "from cxokr.launch import main; main()"
        if how == "script"
        else "import runpy; runpy.run_module('cxokr', run_name='__main__')"
    )
    code = f"import os, sys; os.name = 'nt'; sys.argv[1:] = ['--version']; {start}"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert done.stdout == ""
    assert "cxokr runs on Linux and macOS only" in done.stderr
    assert "WSL" in done.stderr
    assert "Traceback" not in done.stderr
