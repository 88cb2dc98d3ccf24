"""The writers' lock: one workspace's writers on this machine go one at a time.

Each test runs real processes: another writer holding the lock, or several
`cxokr checkin` commands at once, each appending and committing under the lock.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cxokr.cli import app
from cxokr.load import localstate
from tests.conftest import git
from tests.edit.test_fileio import CXOKR, KR, LOG, run, snapshot, write_args
from tests.paths import REPO

# --- Another writer's lock ---------------------------------------------------------------

HOLDER = """
import sys, time
from pathlib import Path
from cxokr.load import localstate
with localstate.locked(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(60)
"""


def test_a_writer_waits_a_bounded_time_for_another_writers_lock(git_ws: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(git_ws)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "held\n"
        before = snapshot(git_ws)
        code, errors = run(
            *write_args(git_ws, "checkin"), "-w", str(git_ws), env={"CXOKR_LOCK_WAIT": "0.5"}
        )
    finally:
        holder.kill()
        holder.wait()
    assert code == 2, errors
    assert f"another cxokr command (process {holder.pid}) has been writing" in errors
    assert snapshot(git_ws) == before


# --- Writers checking in at once ---------------------------------------------------------

WRITERS, EACH = 4, 8


def checkins_of_writer(root: Path, writer: int, codes: dict[float, tuple[int, str]]) -> None:
    """One person checking in EACH times in a row, each a `cxokr checkin` that commits."""
    env = {**os.environ, "GIT_AUTHOR_NAME": f"Writer {writer}"}
    env["GIT_AUTHOR_EMAIL"] = f"w{writer}@acme.example"
    for i in range(EACH):
        value = float(100 * writer + i)
        done = subprocess.run(
            [
                CXOKR,
                "checkin",
                KR,
                "--value",
                f"{value:g}",
                "--date",
                "2026-11-20",
                "-w",
                str(root),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        codes[value] = (done.returncode, done.stderr)


def committed_lines(root: Path) -> list[tuple[str, str, list[dict[str, object]]]]:
    """(author email, subject, check-ins added) of each commit that changed the log."""
    out = git(root, "log", "-p", "--format=%x1e%ae%x1f%s", "--", LOG)
    found = []
    for record in out.split("\x1e")[1:]:
        header, _, patch = record.partition("\n")
        email, subject = header.split("\x1f")
        added = [json.loads(line[3:]) for line in patch.splitlines() if line.startswith("+- {")]
        found.append((email, subject, added))
    return found


@pytest.mark.slow
def test_four_people_checking_in_at_once_each_commit_exactly_their_own_line(
    git_ws: Path,
) -> None:
    codes: dict[float, tuple[int, str]] = {}
    threads = [
        threading.Thread(target=checkins_of_writer, args=(git_ws, writer, codes))
        for writer in range(1, WRITERS + 1)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(codes) == WRITERS * EACH
    written = [line for line in (git_ws / LOG).read_text().splitlines() if '"by": "w' in line]
    assert len(written) == WRITERS * EACH  # every line is written, whatever became of its commit
    by_commit: dict[float, int] = {}
    for email, subject, added in committed_lines(git_ws)[:-1]:  # the last is the first commit
        assert len(added) == 1, f"{subject!r} committed {len(added)} lines"
        value = added[0]["value"]
        assert isinstance(value, float)
        assert subject.endswith(f"= {value:g}")  # the line of this very command
        assert email == added[0]["by"] == f"w{int(value) // 100}@acme.example"
        by_commit[value] = by_commit.get(value, 0) + 1
    for value, (code, errors) in codes.items():
        if code == 0:
            assert by_commit.get(value) == 1, errors
        else:  # a command that did not commit says so, and exits 2
            assert (code, value in by_commit) == (2, False), errors
            assert "written but not committed" in errors


# --- Writing a file outside the workspace --------------------------------------------------


def _drain(fifo: Path, into: list[bytes]) -> threading.Thread:
    def read() -> None:
        with fifo.open("rb") as pipe:
            into.append(pipe.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return reader


def test_a_pipe_is_written_to_not_replaced_by_a_file(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = _drain(fifo, got)
    localstate.write_output(fifo, b"the report\n")
    reader.join(timeout=10)
    assert got == [b"the report\n"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # a rename would have left a plain file here


def test_report_output_to_a_device_like_path_keeps_it(tmp_path: Path) -> None:
    """`--output /dev/null` must never put a file where the device was: the same path
    through a pipe, which is what a device and a pipe share (neither is a file)."""
    fifo = tmp_path / "out"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = _drain(fifo, got)
    example = str(REPO / "examples" / "retail-cx")
    args = ["report", "-w", example, "--as-of", "2026-11-20", "-f", "md", "-o", str(fifo)]
    result = CliRunner().invoke(app, args)
    reader.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert got and got[0].startswith(b"#")
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_link_is_followed_to_its_file_which_is_replaced(tmp_path: Path) -> None:
    target = tmp_path / "reports" / "weekly.md"
    target.parent.mkdir()
    target.write_bytes(b"old")
    target.chmod(0o640)
    link = tmp_path / "latest.md"
    link.symlink_to(target)
    localstate.write_output(link, b"new")
    assert link.is_symlink()
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in target.parent.iterdir()) == ["weekly.md"]  # no temp left


def test_a_state_file_is_never_written_through_a_link(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.txt"
    outside.write_bytes(b"theirs")
    state = tmp_path / "state" / "parsed.msgpack"
    state.parent.mkdir()
    state.symlink_to(outside)
    localstate.write_atomic(state, b"ours")
    assert not state.is_symlink()
    assert state.read_bytes() == b"ours"
    assert outside.read_bytes() == b"theirs"
