"""The benchmarks measure cxokr, not the machine: bytecode compiled first, runs pinned."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.paths import REPO


def test_the_package_is_compiled_even_where_bytecode_is_never_written(tmp_path: Path) -> None:
    package = tmp_path / "cxokr"
    shutil.copytree(REPO / "cxokr", package, ignore=shutil.ignore_patterns("__pycache__"))
    code = (
        f"import sys; sys.path.insert(0, {str(REPO / 'benchmarks')!r}); import steady; "
        f"from pathlib import Path; print(steady.compile_package(Path({str(package)!r})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONDONTWRITEBYTECODE": "1", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout == "True\n"
    modules = {p.stem for p in package.rglob("*.py")}
    compiled = {p.name.split(".")[0] for p in package.rglob("__pycache__/*.pyc")}
    assert modules <= compiled


def test_every_timed_process_runs_with_one_hash_seed() -> None:
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import steady
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    assert steady.environment(COLUMNS="100")["PYTHONHASHSEED"] == "0"
    assert steady.environment(COLUMNS="100")["COLUMNS"] == "100"
