"""The writers' lock: one workspace's writers on this machine go one at a time.

Each test runs real processes: another writer holding the lock, or several
`cxokr checkin` commands at once, each appending and committing under the lock.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.conftest import git
from tests.edit.test_fileio import CXOKR, KR, LOG, run, snapshot, write_args

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
