"""Loading a workspace from files held in memory, as read from a git revision."""

from __future__ import annotations

from pathlib import Path

from cxokr.load import workspace
from tests.conftest import WriteFiles

EXAMPLE = Path(__file__).parent.parent / "examples" / "retail-cx"


def files_of(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and ".cxokr" not in p.parts
    }


def test_files_load_exactly_as_the_folder_does() -> None:
    from_folder = workspace.load(EXAMPLE)
    from_files = workspace.load_files(EXAMPLE, files_of(EXAMPLE))
    assert from_files == from_folder


def test_files_yield_the_same_problems_as_the_folder(make_ws: WriteFiles) -> None:
    root = make_ws(
        {
            "teams/Bad Name.yaml": "name: x\nlevel: 1\n",
            "teams/ops.yml": "name: Ops\nlevel: 2\n",
            "okrs/stray.yaml": "objectives: []\n",
            "metrics/nested/x.yaml": "name: x\n",
            "teams/support.yaml": "name: Support\nlevel: [\n",
        }
    )
    expected = workspace.load(root).problems
    assert {p.code for p in expected} == {"CX102", "CX115", "CX305"}
    assert workspace.load_files(root, files_of(root)).problems == expected


def test_an_oversized_file_is_a_problem_not_a_read(make_ws: WriteFiles) -> None:
    root = make_ws()
    files = files_of(root)
    files["readings/aov.yaml"] = b"#" * (workspace.yamlio.MAX_LOG_BYTES + 1)
    ws = workspace.load_files(root, files)
    assert [p.code for p in ws.problems] == ["CX106"]
    assert ws.readings["aov"].entries == ()


def test_no_files_is_an_empty_workspace(tmp_path: Path) -> None:
    ws = workspace.load_files(tmp_path, {})
    assert ws.config is None
    assert not ws.okrs
    assert not ws.problems
