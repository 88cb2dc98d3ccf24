"""Hostile files built at test time: each yields its problem through `workspace.load`, never an
exception. Timings of the big ones are in benchmarks/hazards.py, not here."""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cxokr.cli import app
from cxokr.load import workspace
from cxokr.rules import checks
from tests.conftest import WriteFiles

TEAM = "teams/support.yaml"
LOG = "readings/aov.yaml"


def problems_of(root: Path, rel: str) -> list[tuple[str, int]]:
    """(code, line) of the problems in one file, after loading and checking everything."""
    return [(p.code, p.line) for p in checks.check(workspace.load(root)) if p.path == rel]


def alias_bomb(levels: int = 12) -> str:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * 9)}]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_rejected_at_its_first_anchor(make_ws: WriteFiles) -> None:
    root = make_ws({TEAM: alias_bomb()})
    assert problems_of(root, TEAM) == [("CX104", 1)]


def test_100000_nested_sequences_are_rejected(make_ws: WriteFiles) -> None:
    root = make_ws({TEAM: "members: " + "[" * 100_000 + "]" * 100_000 + "\n"})
    assert problems_of(root, TEAM) == [("CX105", 1)]


def test_100000_nested_sequences_in_a_log_line_are_rejected(make_ws: WriteFiles) -> None:
    line = '- {"date": "2026-11-20", "value": ' + "[" * 100_000 + "]" * 100_000 + "}\n"
    root = make_ws({LOG: line})
    assert problems_of(root, LOG) == [("CX105", 1)]


def test_deep_nesting_is_located_on_its_own_line_of_a_log(make_ws: WriteFiles) -> None:
    # Past libyaml's own limit (1000 levels in 0.2.6), which then stops before cxokr's 64.
    good = '- {"date": "2026-11-1%d", "value": 1}\n'
    deep = '- {"date": "2026-11-20", "value": ' + "[" * 5000 + "]" * 5000 + "}\n"
    root = make_ws({LOG: good % 1 + good % 2 + deep + good % 3})
    assert problems_of(root, LOG) == [("CX105", 3)]


@pytest.mark.parametrize("levels", [63, 100, 500])
@pytest.mark.parametrize("whole", [True, False], ids=["all-json", "line-by-line"])
def test_a_json_log_line_nests_no_deeper_than_a_yaml_one(
    make_ws: WriteFiles, levels: int, whole: bool
) -> None:
    """`json` reads hundreds of levels (more on newer Pythons); the YAML reader stops past 64,
    counting the log's list and the entry: the same line gets the same answer either way."""

    def log(depth: int) -> str:
        other = "" if whole else "- date: 2026-11-03\n  value: 3\n"  # not JSON: line by line
        nested = "[" * depth + "]" * depth
        return f'- {{"date": "2026-11-01", "value": 1}}\n- {{"value": {nested}}}\n{other}'

    root = make_ws({LOG: log(levels)})
    assert ("CX105", 2) in problems_of(root, LOG)
    make_ws({LOG: log(62)})  # the same file, 62 levels deep: within the limit
    assert "CX105" not in [code for code, _ in problems_of(root, LOG)]


@pytest.mark.parametrize("rel", [TEAM, LOG])
def test_50_mb_file_is_rejected_from_its_size_without_reading(
    make_ws: WriteFiles, monkeypatch: pytest.MonkeyPatch, rel: str
) -> None:
    root = make_ws()
    big = root / rel
    with big.open("wb") as out:
        out.truncate(50 * 1024 * 1024)  # sparse: no 50 MB written to disk
    read_bytes = Path.read_bytes

    def refuse_big(path: Path) -> bytes:
        assert path.parts[-2:] != big.parts[-2:], "the big file was read"
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", refuse_big)
    assert problems_of(root, rel) == [("CX106", 0)]


def test_random_bytes_are_not_utf8(make_ws: WriteFiles) -> None:
    noise = random.Random(20261120).randbytes(1024 * 1024)
    root = make_ws({TEAM: noise})
    assert [code for code, _ in problems_of(root, TEAM)] == ["CX101"]


def test_random_bytes_in_a_log_are_not_utf8(make_ws: WriteFiles) -> None:
    noise = random.Random(7).randbytes(64 * 1024)
    root = make_ws({LOG: noise})
    assert [code for code, _ in problems_of(root, LOG)] == ["CX101"]


def test_symlink_to_a_file_outside_the_workspace_is_not_read(
    make_ws: WriteFiles, tmp_path: Path
) -> None:
    secret = tmp_path / "outside.yaml"
    secret.write_text("name: Outside\nlevel: 3\n", encoding="utf-8")
    root = make_ws()
    (root / TEAM).symlink_to(secret)
    ws = workspace.load(root)
    assert "support" not in ws.teams
    assert problems_of(root, TEAM) == [("CX114", 0)]


def test_symlinked_folder_outside_the_workspace_is_not_read(
    make_ws: WriteFiles, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "nps.yaml").write_text("name: NPS\nunit: points\ndirection: higher\n")
    root = make_ws()
    (root / "okrs" / "2026-Q3").symlink_to(elsewhere, target_is_directory=True)
    assert problems_of(root, "okrs/2026-Q3") == [("CX114", 0)]


def test_symlink_inside_the_workspace_is_read(make_ws: WriteFiles) -> None:
    root = make_ws({"shared/support.yaml": "name: Support\nlevel: 3\nparent: company\n"})
    (root / TEAM).symlink_to(root / "shared" / "support.yaml")
    assert "support" in workspace.load(root).teams


def test_dangling_symlink_is_reported(make_ws: WriteFiles) -> None:
    root = make_ws()
    (root / TEAM).symlink_to(root / "teams" / "gone.yaml")
    assert problems_of(root, TEAM) == [("CX114", 0)]


def test_symlink_loop_is_reported(make_ws: WriteFiles) -> None:
    root = make_ws()
    (root / TEAM).symlink_to(root / TEAM)
    assert problems_of(root, TEAM) == [("CX114", 0)]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_named_pipe_is_not_opened(make_ws: WriteFiles) -> None:
    root = make_ws()
    os.mkfifo(root / TEAM)
    assert problems_of(root, TEAM) == [("CX101", 0)]


@pytest.mark.skipif(sys.platform == "darwin", reason="APFS refuses non-UTF-8 names")
def test_non_utf8_file_name_is_reported_printably(make_ws: WriteFiles) -> None:
    root = make_ws()
    (root / os.fsdecode(b"teams/caf\xe9.yaml")).write_text("name: Cafe\nlevel: 3\n")
    result = CliRunner().invoke(app, ["check", "--workspace", str(root)])
    assert result.exit_code == 1
    assert result.stdout.startswith("teams/caf\\xe9.yaml: CX305 error:")


def test_control_characters_in_a_file_name_are_escaped(make_ws: WriteFiles) -> None:
    root = make_ws({"teams/a\x1b[2Jb.yaml": "name: A\nlevel: 3\n"})
    found = checks.check(workspace.load(root))
    assert [(p.path, p.code) for p in found] == [("teams/a\\x1b[2Jb.yaml", "CX305")]
