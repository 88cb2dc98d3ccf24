"""Writes that are refused, and writes the machine stops: nothing changes, and the exit is 2.

Each test runs the real CLI on real files. Full disks are small tmpfs mounts,
read-only files and folders are `chattr +i` and read-only bind mounts (as
root, where the mode bits stop nothing) or modes (elsewhere); a test skips,
saying why, where the machine allows neither. Kills are real processes of
`cxokr`.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cxokr import yamlio
from cxokr.cli import app
from tests.conftest import WriteFiles, git, write_files

LOG = "checkins/2026-Q4/ecommerce.yaml"
READINGS = "readings/aov.yaml"
KR = "ecommerce/grow-basket/aov-online"
CXOKR = str(Path(sys.executable).with_name("cxokr"))


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, result.stderr


def snapshot(*roots: Path) -> dict[str, object]:
    """Every file, folder and link under `roots` (git's own folder aside), with its bytes or
    target: to show that nothing at all changed."""
    seen: dict[str, object] = {}
    for root in roots:
        for folder, folders, files in os.walk(root):
            if ".git" in folders:
                folders.remove(".git")
            for name in folders + files:
                path = Path(folder, name)
                if path.is_symlink():
                    seen[str(path)] = ("link", str(path.readlink()))
                elif path.is_file():
                    seen[str(path)] = path.read_bytes()
                else:
                    seen[str(path)] = "folder"
    return seen


def csv_file(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "export.csv"
    path.write_text("metric,date,value,segment\n" + rows, encoding="utf-8")
    return path


# --- Links out of the workspace ----------------------------------------------------------


def link(path: Path, to: Path) -> None:
    """Move what is at `path` to `to` (if anything) and leave a link in its place."""
    to.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        shutil.move(path, to)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(to)


def write_args(tmp_path: Path, command: str) -> list[str]:
    if command == "checkin":
        return ["checkin", KR, "--value", "62", "--date", "2026-11-20"]
    if command == "record":
        return ["record", "aov", "62", "--segment", "online", "--date", "2026-11-20"]
    return ["import", str(csv_file(tmp_path, "aov,2026-11-20,62,online\n"))]


@pytest.mark.parametrize("command", ["checkin", "record", "import"])
@pytest.mark.parametrize("linked", ["file", "folder"])
def test_a_log_written_through_a_link_out_is_refused(
    git_ws: Path, tmp_path: Path, command: str, linked: str
) -> None:
    rel = LOG if command == "checkin" else READINGS
    at = rel if linked == "file" else rel.rpartition("/")[0]
    outside = tmp_path / "outside"
    link(git_ws / at, outside / at)
    head = git(git_ws, "rev-parse", "HEAD")
    before = snapshot(git_ws, outside)
    code, errors = run(*write_args(tmp_path, command), "-w", str(git_ws))
    assert code == 2, errors
    assert f"{at} is a symbolic link (to {outside / at})" in errors
    assert "nothing was written" in errors
    assert snapshot(git_ws, outside) == before
    assert git(git_ws, "rev-parse", "HEAD") == head


def test_a_link_to_a_file_inside_the_workspace_is_refused_too(git_ws: Path, tmp_path: Path) -> None:
    inside = git_ws / "readings" / "copy.yaml"
    (git_ws / READINGS).rename(inside)
    (git_ws / READINGS).symlink_to("copy.yaml")
    before = snapshot(git_ws)
    code, errors = run(*write_args(tmp_path, "record"), "-w", str(git_ws))
    assert code == 2
    assert f"{READINGS} is a symbolic link (to copy.yaml)" in errors
    assert snapshot(git_ws) == before


def test_period_add_and_close_refuse_a_linked_cxokr_yaml(git_ws: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    link(git_ws / "cxokr.yaml", outside / "cxokr.yaml")
    before = snapshot(git_ws, outside)
    for args in (["period", "add", "2027-Q1"], ["period", "close", "2026-Q4"]):
        code, errors = run(*args, "--as-of", "2026-12-31", "-w", str(git_ws))
        assert code == 2, errors
        assert f"cxokr.yaml is a symbolic link (to {outside / 'cxokr.yaml'})" in errors
        assert snapshot(git_ws, outside) == before


@pytest.mark.parametrize("linked", ["okrs/2027-Q1", "okrs/2027-Q1/ecommerce.yaml"])
def test_carry_over_through_a_link_out_writes_nothing_not_even_the_period(
    git_ws: Path, tmp_path: Path, linked: str
) -> None:
    outside = tmp_path / "outside"
    target = outside / linked
    target.parent.mkdir(parents=True)
    if not linked.endswith(".yaml"):
        target.mkdir()
    (git_ws / linked).parent.mkdir(parents=True, exist_ok=True)
    (git_ws / linked).symlink_to(target)  # a link to nothing yet, or to an empty folder
    before = snapshot(git_ws, outside)
    code, errors = run(
        "period", "add", "2027-Q1", "--carry-over", "2026-Q4", "--as-of", "2026-11-20",
        "-w", str(git_ws),
    )  # fmt: skip
    assert code == 2, errors
    assert f"{linked} is a symbolic link (to {target})" in errors
    assert "cxokr.yaml is as it was" in errors
    assert snapshot(git_ws, outside) == before


@pytest.mark.parametrize("linked", ["cxokr.yaml", "teams", ".github/workflows"])
def test_init_refuses_to_write_through_a_link(tmp_path: Path, git_env: None, linked: str) -> None:
    root, outside = tmp_path / "okrs", tmp_path / "outside"
    (outside / linked).parent.mkdir(parents=True)
    if linked != "cxokr.yaml":
        (outside / linked).mkdir()
    (root / linked).parent.mkdir(parents=True)
    (root / linked).symlink_to(outside / linked)
    before = snapshot(root, outside)
    code, errors = run("init", str(root))
    assert code == 2, errors
    assert f"{linked} is a symbolic link (to {outside / linked})" in errors
    assert snapshot(root, outside) == before


def test_schema_refuses_a_linked_schemas_folder(make_ws: WriteFiles, tmp_path: Path) -> None:
    root, outside = make_ws(), tmp_path / "outside"
    link(root / "schemas", outside / "schemas")
    before = snapshot(root, outside)
    code, errors = run("schema", "-w", str(root))
    assert code == 2, errors
    assert f"schemas is a symbolic link (to {outside / 'schemas'})" in errors
    assert snapshot(root, outside) == before


# --- The size a log may reach ------------------------------------------------------------


@pytest.mark.slow
def test_an_import_that_would_push_a_log_past_the_read_limit_is_refused(
    git_ws: Path, tmp_path: Path
) -> None:
    line = b'- {"date": "2026-11-19", "value": 60.0, "segment": "online"}\n'
    room = 100  # bytes left below the limit: less than the two new lines need
    body = line * ((yamlio.MAX_LOG_BYTES - room) // len(line))
    pad = yamlio.MAX_LOG_BYTES - room - len(body)
    (git_ws / READINGS).write_bytes(body + b"#" * (pad - 1) + b"\n")
    before = snapshot(git_ws)
    source = csv_file(tmp_path, "aov,2026-11-20,62,online\naov,2026-11-21,63,online\n")
    code, errors = run("import", str(source), "-w", str(git_ws), "--no-commit")
    assert code == 2, errors
    assert f"to {READINGS}: it would grow to 33,554," in errors
    assert "bytes, past the 32 MiB (33,554,432 bytes) cxokr reads in one log" in errors
    assert snapshot(git_ws) == before


# --- Full disks --------------------------------------------------------------------------


@contextlib.contextmanager
def mounted(folder: Path, *options: str) -> Iterator[None]:
    """A small tmpfs at `folder` (skips where mounting is not permitted)."""
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", ",".join(options), "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip() or 'not permitted'}")
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(folder: Path) -> None:
    """Fill the file system of `folder` to the last byte, with a file the loader skips."""
    with (folder / ".filler").open("wb", buffering=0) as out:
        for size in (4096, 512, 1):
            with contextlib.suppress(OSError):
                while True:
                    out.write(b"x" * size)


@contextlib.contextmanager
def full_folder(folder: Path) -> Iterator[None]:
    """`folder`, with its files, on a 64 KiB tmpfs filled to the last byte."""
    kept = {path.name: path.read_bytes() for path in folder.glob("*.yaml")}
    for name in kept:
        (folder / name).unlink()
    with mounted(folder, "size=64k"):
        for name, raw in kept.items():
            (folder / name).write_bytes(raw)
        fill(folder)
        yield


NPS = {
    "metrics/nps.yaml": "name: NPS\nunit: points\ndirection: higher\n",
    "readings/nps.yaml": '- {"date": "2026-11-20", "value": 41.0}\n',
}


@pytest.mark.parametrize("command", ["checkin", "record", "import"])
def test_a_full_disk_leaves_every_log_as_it_was_and_exits_2(
    git_ws: Path, tmp_path: Path, command: str
) -> None:
    write_files(git_ws, NPS)
    rel = LOG if command == "checkin" else READINGS
    args = write_args(tmp_path, command)
    if command == "import":  # two logs: neither may keep its new lines
        args = ["import", str(csv_file(tmp_path, "aov,2026-11-20,62,online\nnps,2026-11-20,44,\n"))]
    folder = git_ws / rel.rpartition("/")[0]
    with full_folder(folder):
        before = snapshot(git_ws)
        code, errors = run(*args, "-w", str(git_ws))
        assert code == 2, errors
        assert f"cannot append to {rel}: the disk is full" in errors
        assert "nothing was written" in errors
        assert "Free some space on it and run the command again" in errors
        assert snapshot(git_ws) == before


def test_init_on_a_full_disk_removes_what_it_wrote(tmp_path: Path, git_env: None) -> None:
    disk = tmp_path / "disk"
    with mounted(disk, "size=64k"):
        code, errors = run("init", str(disk / "okrs"), "--template", "retail-cx")
        assert code == 2, errors
        assert "the disk is full" in errors
        assert "nothing was written" in errors
        assert list(disk.iterdir()) == []


# --- Read-only files and folders ---------------------------------------------------------


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """`path` made read-only in a way that stops even root: `chattr +i` for a file, a
    read-only bind mount for a folder; for anyone else, its mode."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    if path.is_dir():
        steps = [["mount", "--bind", str(path), str(path)]]
        steps.append(["mount", "-o", "remount,bind,ro", str(path)])
        undo = ["umount", "-l", str(path)]
    else:
        steps, undo = [["chattr", "+i", str(path)]], ["chattr", "-i", str(path)]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            subprocess.run(undo, capture_output=True, check=False)
            pytest.skip(f"cannot make {path.name} read-only here: {done.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(undo, check=True)


@pytest.mark.parametrize("command", ["checkin", "record", "import"])
@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_read_only_log_or_folder_is_left_as_it_was_and_exits_2(
    git_ws: Path, tmp_path: Path, command: str, what: str
) -> None:
    rel = LOG if command == "checkin" else READINGS
    path = git_ws / rel if what == "file" else (git_ws / rel).parent
    head = git(git_ws, "rev-parse", "HEAD")
    with read_only(path):
        before = snapshot(git_ws)
        code, errors = run(*write_args(tmp_path, command), "-w", str(git_ws))
        assert code == 2, errors
        assert f"cannot append to {rel}: " in errors
        assert "nothing was written" in errors
        assert snapshot(git_ws) == before
    assert git(git_ws, "rev-parse", "HEAD") == head


def test_a_read_only_cxokr_yaml_stops_period_add_with_exit_2(git_ws: Path) -> None:
    with read_only(git_ws / "cxokr.yaml"):
        before = snapshot(git_ws)
        code, errors = run("period", "add", "2027-Q1", "-w", str(git_ws))
        assert code == 2, errors
        assert "cannot write cxokr.yaml: " in errors
        assert snapshot(git_ws) == before


def test_any_os_error_of_the_machine_exits_2_with_its_cause(
    make_ws: WriteFiles, tmp_path: Path
) -> None:
    folder = tmp_path / "schemas"
    folder.mkdir()
    with read_only(folder):
        code, errors = run("schema", "--output", str(folder), "-w", str(make_ws()))
    assert code == 2, errors
    assert "internal error" not in errors
    assert "error: cannot finish the command: " in errors


# --- kill -9 during a large import -------------------------------------------------------

ROWS = 20_000


def import_process(root: Path, source: Path) -> subprocess.Popen[bytes]:
    command = [CXOKR, "import", str(source), "--metric", "aov", "-w", str(root), "--no-commit"]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def kill_when(proc: subprocess.Popen[bytes], log: Path, moment: str, old: int) -> None:
    """SIGKILL `proc` at `moment`: after a while, as soon as writing begins (a temp file beside
    the log, or the log itself growing), half-way through it, or once the log has changed."""
    start, first = time.monotonic(), log.stat()
    half = old + ROWS * 45  # a new line is over 90 bytes
    while proc.poll() is None:
        info = log.stat()
        changed = (info.st_ino, info.st_size) != (first.st_ino, first.st_size)
        temps = [_size(p) for p in log.parent.glob(f".{log.name}.*")]
        grown = max([info.st_size, *temps])
        if (
            (moment == "while loading" and time.monotonic() - start > 0.3)
            or (moment == "as writing begins" and (changed or temps))
            or (moment == "half-way" and grown > half)
            or (moment == "once written" and changed)
        ):
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.0002)
    proc.wait()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:  # a temp file renamed since it was listed
        return 0


def check_whole(raw: bytes, old: bytes) -> int:
    """The number of new lines after `old` (0 or all of them); fails on anything torn."""
    assert raw.startswith(old)
    new = raw[len(old) :].split(b"\n")
    assert new.pop() == b"", "the log ends in a torn line"
    values = [json.loads(line[2:])["value"] for line in new]
    assert values in ([], [float(i) for i in range(ROWS)])
    return len(values)


@pytest.mark.slow
def test_kill_9_during_a_large_import_leaves_the_old_log_or_all_of_the_new_one(
    make_ws: WriteFiles, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = make_ws()
    log = root / READINGS
    old = log.read_bytes() + b"".join(
        b'- {"date": "2026-11-%02d", "value": %d.0, "segment": "in-store"}\n' % (1 + i % 19, i)
        for i in range(30_000)
    )  # a log of some size, so that copying it takes a while too
    source = tmp_path / "big.csv"
    source.write_text(
        "date,value,segment\n" + "".join(f"2026-11-20,{i},online\n" for i in range(ROWS)),
        encoding="utf-8",
    )
    for moment in ("while loading", "as writing begins", "half-way", "once written"):
        log.write_bytes(old)
        proc = import_process(root, source)
        kill_when(proc, log, moment, len(old))
        check_whole(log.read_bytes(), old)
    assert import_process(root, source).wait() == 0  # after the kills, the import completes
    assert check_whole(log.read_bytes(), old) == ROWS
    assert list(log.parent.glob(f".{log.name}.*")) == []  # a killed writer's temp file is gone
