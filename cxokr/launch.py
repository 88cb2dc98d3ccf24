"""The console entry point: answers `--version` before the command line framework loads.

`cxokr --version` is what scripts and bug reports call most; it needs none of
Typer, Pydantic or Rich, so it starts about as fast as Python itself.

The cyclic garbage collector is off for the whole process: everything a
command builds lives until it ends, so collections only scanned live objects
(the last one, when a command returned, took 0.17 s of a large report).

At the end, the process exits without tearing down the interpreter: freeing
one by one the million objects a large organization's report holds took
longer than the text report itself, and the operating system reclaims the
memory at once. Output is flushed first; writes are already complete
(appends are fsynced, other files replaced atomically) before a command
returns.
"""

from __future__ import annotations

import gc
import os
import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from cxokr import __version__

        sys.stdout.write(f"cxokr {__version__}\n")
        return
    # The process ends when the command returns, so the cyclic garbage collector
    # only ever scans objects that live to the end: it stays off (the error
    # boundary turns it back on only where it was on, as in a test process).
    gc.disable()
    from cxokr.cli import main as run

    try:
        run()
    except SystemExit as done:
        code = done.code
    else:
        code = 0
    if code is not None and not isinstance(code, int):
        sys.stderr.write(f"{code}\n")
        code = 1
    _exit_now(code or 0)


def _exit_now(code: int) -> None:
    """Flush the standard streams and end the process, skipping the interpreter's teardown."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: what could be written was
            if code == 0:
                code = 1
    os._exit(code)
