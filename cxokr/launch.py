"""The console entry point: answers `--version` before the command line framework loads.

`cxokr --version` is what scripts and bug reports call most; it needs none of
Typer, Pydantic or Rich, so it starts about as fast as Python itself.

Before anything else it refuses platforms other than POSIX (Linux and macOS
are supported): the writers' lock is `fcntl.flock`, and a command must not get
halfway before finding that out.

This module alone holds the rules about memory and the end of the process;
the rest of cxokr neither sees nor repeats them:

- The cyclic garbage collector is off for the whole process: everything a
  command builds lives until it ends, and nothing it builds is cyclic
  garbage, so collections only scanned live objects (a quarter of a large
  report's time; the last one, when a command returned, 0.17 s).
- What a command's shared steps build (the workspace, the parse cache, the
  report) is handed to `outlive`, so it is not freed one object at a time
  when the command returns (0.2 s for a large organization's workspace).
- At the end, the process exits without tearing down the interpreter: the
  operating system reclaims the memory at once. Output is flushed first;
  writes are already complete (appends are fsynced, other files replaced
  atomically) before a command returns.

In a process that did not start here (a test calling several commands), the
collector stays as it was and `outlive` holds only the latest objects of each
kind, so nothing accumulates.

Two ways a command can end early are not failures of cxokr, and end quietly:

- Ctrl-C at any moment, the imports of the first tenth of a second included:
  "interrupted" on stderr and exit 130, never a traceback.
- The reader of the output going away (`cxokr report | head`): exit 141
  (128 + SIGPIPE, what a program killed by the closed pipe returns, as git
  does), never 0, since not everything was written, and never 1, which means
  "problems found". A command that had already failed keeps its own code.
"""

# No `from __future__ import annotations`: importing `__future__` alone widens the moment
# before `main` starts, in which Ctrl-C can only print Python's traceback.
import errno
import gc
import io
import os
import sys

TYPE_CHECKING = False  # as `typing.TYPE_CHECKING`, without importing `typing` (17 ms)
if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_CLOSED_PIPE = 128 + 13  # SIGPIPE is 13 on Linux and macOS alike


_outliving: dict[str, object] = {}


def outlive(**objects: object) -> None:
    """Hold what a command built, by kind, until the process ends (see the module's rules)."""
    _outliving.update(objects)


def main() -> None:
    try:
        _refuse_unsupported_platform()
        if sys.argv[1:] == ["--version"]:
            _version()
            return  # nothing was built, so the interpreter's teardown costs nothing
        try:
            code = _run()
        except BrokenPipeError:
            code = EXIT_CLOSED_PIPE
        _exit_now(code)
    except KeyboardInterrupt:
        _interrupted()


def _refuse_unsupported_platform() -> None:
    if os.name == "posix":
        return
    sys.stderr.write(
        f"error: cxokr runs on Linux and macOS only, not on {sys.platform}; "
        "on Windows, run it inside WSL (Windows Subsystem for Linux)\n"
    )
    _exit_now(EXIT_USAGE)


def _version() -> None:
    from cxokr import __version__

    try:
        sys.stdout.write(f"cxokr {__version__}\n")
        sys.stdout.flush()
    except BrokenPipeError:
        _exit_now(EXIT_CLOSED_PIPE)


def _run() -> int:
    """Run the command line; its exit code."""
    gc.disable()  # for the whole process: see the module's rules
    _whole_writes_to_stdout()
    from cxokr.cli import main as run

    try:
        run()
    except SystemExit as done:
        if _caused_by(done, KeyboardInterrupt):
            raise KeyboardInterrupt from None
        code = EXIT_CLOSED_PIPE if _caused_by(done, BrokenPipeError) else done.code
    else:
        code = 0
    if code is not None and not isinstance(code, int):
        sys.stderr.write(f"{code}\n")
        code = 1
    return code or 0


class _WholeWrites(io.BufferedWriter):
    """A buffered stdout that raises when a write is cut short.

    When the reader of a pipe goes away in the middle of a large write, the
    kernel reports the part written; `io.BufferedWriter` returns that count and
    `io.TextIOWrapper` ignores it, so the rest vanished with no error and exit 0.
    """

    def write(self, data: "ReadableBuffer") -> int:
        written = super().write(data)
        if written < memoryview(data).nbytes:
            raise BrokenPipeError(errno.EPIPE, "the reader of the output went away")
        return written


def _whole_writes_to_stdout() -> None:
    """Give stdout a `_WholeWrites` buffer, keeping its encoding, errors and buffering."""
    stdout = sys.stdout
    try:
        stdout.flush()
        fileno = stdout.fileno()
    except (AttributeError, OSError, ValueError):  # no real stdout: nothing to guard
        return
    raw = io.FileIO(fileno, "w", closefd=False)
    sys.stdout = io.TextIOWrapper(
        _WholeWrites(raw),
        encoding=stdout.encoding,
        errors=stdout.errors,
        line_buffering=bool(stdout.line_buffering),
        write_through=bool(getattr(stdout, "write_through", False)),  # python -u
    )


def _caused_by(done: SystemExit, kind: type[BaseException]) -> bool:
    """True when the framework turned a `kind` into this exit: Ctrl-C into 130 without a
    word while it parses the command line, a closed stdout into 1 ("problems found")."""
    seen: BaseException | None = done
    while seen is not None:
        if isinstance(seen, kind):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _interrupted() -> None:
    # A second Ctrl-C is not worth a traceback (nor an import of contextlib).
    try:  # noqa: SIM105
        sys.stderr.write("interrupted\n")
    except KeyboardInterrupt:
        pass
    _exit_now(EXIT_INTERRUPTED)


def _exit_now(code: int) -> None:
    """Flush the standard streams and end the process, skipping the interpreter's teardown."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away: what could be written was
        if code == 0:
            code = EXIT_CLOSED_PIPE
    except OSError as exc:  # e.g. a full disk under `cxokr report > file`
        _say(f"error: cannot write the output: {exc.strerror or exc}\n")
        if code == 0:
            code = EXIT_USAGE
    except ValueError:  # stdout closed by the command: nothing is pending
        pass
    _say("")
    os._exit(code)


def _say(message: str) -> None:
    try:
        if message:
            sys.stderr.write(message)
        sys.stderr.flush()
    except (OSError, ValueError):  # nowhere left to say anything
        pass
