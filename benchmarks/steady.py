"""What every benchmark does first, so that it measures cxokr and not the machine.

The environment may set PYTHONDONTWRITEBYTECODE=1 (containers and CI images often
do): no command then leaves its bytecode behind, and every timed run recompiles
the package (+17% on the medium report). So the package is compiled once, before
anything is timed, and each timed process gets a fixed hash seed, so that set and
dict orders (and with them the work done) are the same from run to run.
"""

from __future__ import annotations

import compileall
import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "cxokr"
PINNED = {"PYTHONHASHSEED": "0"}


def compile_package(package: Path = PACKAGE) -> bool:
    """Write the bytecode of every module of `package` that lacks a current one; True when
    all compiled (compileall writes it whatever PYTHONDONTWRITEBYTECODE says)."""
    return bool(compileall.compile_dir(package, quiet=1))


def environment(**extra: str) -> dict[str, str]:
    """The environment of a timed cxokr process: the caller's, pinned, with `extra`."""
    return {**os.environ, **PINNED, **extra}
