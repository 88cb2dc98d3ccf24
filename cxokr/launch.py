"""The console entry point: answers `--version` before the command line framework loads.

`cxokr --version` is what scripts and bug reports call most; it needs none of
Typer, Pydantic or Rich, so it starts about as fast as Python itself.
"""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from cxokr import __version__

        sys.stdout.write(f"cxokr {__version__}\n")
        return
    from cxokr.cli import main as run

    run()
