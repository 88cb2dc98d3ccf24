"""The `cxokr` command line: thin commands over the core modules.

Each command reads its options, calls one core function, renders the result
and returns an exit code. Importing the command modules registers them on
the one Typer app.

May import anything. The only package that imports Typer.
"""

from cxokr.cli import align, check, history, new, readings, report, setup, share, sync, write
from cxokr.cli.app import app, main

__all__ = [
    "align",
    "app",
    "check",
    "history",
    "main",
    "new",
    "readings",
    "report",
    "setup",
    "share",
    "sync",
    "write",
]
