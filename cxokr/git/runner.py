"""Running git: how every git process cxokr starts is started, and what its failures mean.

A repository's own configuration can name programs git runs (`core.fsmonitor`
on any command that looks at the working tree, a pager, `diff.external`,
textconv and filter drivers, `gpg.program` behind `log.showSignature`). Reads
must run none of them: a checkout can come from anyone. So every read passes
`READ_CONFIG` and the read flags of its command, never starts a pager, takes
no optional lock, and reads git's messages in English to tell its refusals
apart. Only a commit runs the user's hooks (and signs, when configured).

A failure is never an empty answer: git refusing a repository (dubious
ownership), a damaged repository, or git missing is a `GitError`, exit 2,
with a message that says where and what to do. Where git itself finds no
repository, cxokr finds none either.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from cxokr.errors import GitError, GitLocked

T = TypeVar("T")

# Settings every read passes on its command line (`-c` beats every configuration file).
# The first group keeps programs from running; the second keeps the user's taste in output
# from changing what cxokr parses.
READ_SETTINGS = (
    "core.fsmonitor=false",
    "core.pager=cat",
    "log.showSignature=false",
    "core.quotePath=false",
    "color.ui=false",
    "log.showRoot=true",
    "log.follow=false",
    "diff.noprefix=false",
    "diff.mnemonicPrefix=false",
    "diff.relative=false",
    "diff.interHunkContext=0",
    "i18n.logOutputEncoding=UTF-8",
)
READ_CONFIG = tuple(arg for setting in READ_SETTINGS for arg in ("-c", setting))
# A commit runs the user's hooks and signing; the file-system monitor only saves time.
COMMIT_CONFIG = ("-c", "core.fsmonitor=false")
# git's messages in English (its refusals are told apart by them), no pager, no prompt.
_ENV = {
    "LC_ALL": "C",
    "LANGUAGE": "C",
    "GIT_PAGER": "cat",
    "PAGER": "cat",
    "GIT_TERMINAL_PROMPT": "0",
}
# A read takes no lock it can do without (`git status` refreshing the index, say).
READ_ENV = {**_ENV, "GIT_OPTIONAL_LOCKS": "0"}

_DUBIOUS = re.compile(r"detected dubious ownership in repository at '(.*)'")
_LOCKED = re.compile(r"Unable to create '(.+?\.lock)': File exists")
_NOT_A_REPOSITORY = ("not a git repository", "must be run in a work tree")

# How long a command waits for a lock another git process holds, and its first pause.
LOCK_WAIT_SECONDS = 10.0
_FIRST_PAUSE = 0.05


@dataclass(frozen=True)
class Done:
    """A git process that ended: its exit status and output."""

    code: int
    out: bytes
    err: str


def environment(extra: Mapping[str, str] | None = None, *, read: bool = True) -> dict[str, str]:
    """The environment a git process runs in: the user's, plus `_ENV` (and `extra`)."""
    return {**os.environ, **(READ_ENV if read else _ENV), **(extra or {})}


def run(
    cwd: Path,
    *args: str,
    read: bool = True,
    stdin: bytes | None = None,
    env: Mapping[str, str] | None = None,
    check: bool = True,
) -> Done:
    """Run `git ARGS` in `cwd`: a read unless `read=False` (a commit's own steps).

    With `check`, a non-zero exit raises `GitError`; without it the caller reads `code`.
    """
    config = READ_CONFIG if read else COMMIT_CONFIG
    command = ["git", "--no-pager", *config, *args]
    try:
        done = subprocess.run(
            command,
            cwd=cwd,
            input=stdin if stdin is not None else b"",
            capture_output=True,
            env=environment(env, read=read),
            check=False,
        )
    except FileNotFoundError:
        raise GitError(
            f"git is not installed (or not on PATH); cxokr needs it to read the repository "
            f"holding {cwd}. Install git, or run outside the repository."
        ) from None
    except OSError as exc:
        raise GitError(f"could not start git in {cwd}: {exc.strerror or exc}") from None
    result = Done(done.returncode, done.stdout, done.stderr.decode("utf-8", "replace"))
    if check and result.code != 0:
        raise failure(cwd, args[0], result.err)
    return result


def failure(cwd: Path, command: str, stderr: str) -> GitError:
    """The error for git's complaint `stderr` about `git COMMAND` run in `cwd`."""
    refused = refusal(stderr)
    if refused is not None:
        return refused
    locked = _LOCKED.search(stderr)
    if locked:
        return GitLocked(Path(locked.group(1)))
    return GitError(f"git {command} failed in {cwd}: {reason(stderr)}")


def refusal(stderr: str) -> GitError | None:
    """The error that says how to trust a repository git refuses to read, if it refused."""
    found = _DUBIOUS.search(stderr)
    if found is None:
        return None
    where = found.group(1)
    return GitError(
        f"git refuses to read the repository at {where}: it belongs to another user "
        "(git calls this 'dubious ownership'). If you trust it, run: "
        f"git config --global --add safe.directory {where}"
    )


def reason(stderr: str) -> str:
    """git's complaint in a line or a few: its `fatal:`/`error:` lines, else all of it."""
    lines = [line.strip() for line in stderr.strip().splitlines() if line.strip()]
    key = [line for line in lines if line.startswith(("fatal:", "error:"))]
    shown = key or lines or ["(no message)"]
    return "; ".join(shown[:8])


def not_a_repository(stderr: str) -> bool:
    """True when git says the folder is not in a repository (or not in a work tree)."""
    return any(phrase in stderr for phrase in _NOT_A_REPOSITORY)


def retry_locked(action: Callable[[], T], wait: float | None = None) -> T:
    """`action()`, again after a growing pause while it fails on a lock, for at most `wait`
    seconds (`LOCK_WAIT_SECONDS`); then the last `GitLocked` is raised."""
    deadline = time.monotonic() + (LOCK_WAIT_SECONDS if wait is None else wait)
    pause = _FIRST_PAUSE
    while True:
        try:
            return action()
        except GitLocked:
            if time.monotonic() + pause > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.5)


@dataclass(frozen=True)
class Repository:
    """Where git finds the repository holding a folder: its work tree and git folders."""

    top: Path  # the top of the work tree
    git_dir: Path  # this work tree's git folder (HEAD, the index, MERGE_HEAD, …)
    common_dir: Path  # what all work trees share (objects, refs, `shallow`)
    index: Path  # the index file (GIT_INDEX_FILE when that is set)


def may_be_repository(folder: Path) -> bool:
    """False when no `.git` is in sight (and GIT_DIR is unset): git need not be asked."""
    if os.environ.get("GIT_DIR"):
        return True
    here = folder.resolve()
    return any((p / ".git").exists() for p in (here, *here.parents))


def locate(folder: Path) -> Repository | None:
    """The repository holding `folder` as git sees it, or None where git finds none.

    Raises `GitError` when git refuses the repository or cannot read it.
    """
    if not may_be_repository(folder):
        return None
    asked = ("--show-toplevel", "--absolute-git-dir", "--git-common-dir", "--git-path", "index")
    done = run(folder, "rev-parse", *asked, check=False)
    if done.code != 0:
        if refusal(done.err) is None and not_a_repository(done.err):
            return None
        raise failure(folder, "rev-parse", done.err)
    lines = done.out.decode("utf-8", "surrogateescape").splitlines()
    if len(lines) != len(asked) - 1:
        raise GitError(f"git rev-parse gave an unexpected answer in {folder}: {lines!r}")
    top, git_dir, common, index = (folder / line for line in lines)
    return Repository(top.resolve(), git_dir.resolve(), common.resolve(), index.resolve())


def revision(cwd: Path, rev: str, *, peel: bool = True) -> str | None:
    """The commit `rev` names, or None when there is no such commit (not an error).

    `peel=False` takes what a ref holds as is: a damaged repository whose `HEAD`
    names a missing commit then fails at the next read, not as "no commits yet".
    """
    name = f"{rev}^{{commit}}" if peel else rev
    done = run(cwd, "rev-parse", "-q", "--verify", "--end-of-options", name, check=False)
    if done.code == 0:
        return done.out.decode("ascii").strip()
    if done.code == 1:
        return None  # no such revision, or not a commit (`HEAD^{tree}`)
    raise failure(cwd, "rev-parse", done.err)


def head(cwd: Path) -> str | None:
    """The commit checked out, or None in a repository without commits yet."""
    return revision(cwd, "HEAD", peel=False)


def sequence(values: Sequence[str]) -> bytes:
    """NUL-terminated values, as git's `-z` options read them."""
    return b"".join(v.encode("utf-8", "surrogateescape") + b"\0" for v in values)
