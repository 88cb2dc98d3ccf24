"""Failures of the environment, as opposed to mistakes in the user's files.

Mistakes in files are `Problem` values (see `problems`); these exceptions are
for things that stop a command outright: no workspace, bad usage, git refusing
or failing (a repository it distrusts, a lock held, history it cannot read), a
write cxokr will not make, a machine that will not let it write.
The CLI maps each class to an exit code in one place.
"""

from __future__ import annotations

import errno
from pathlib import Path
from typing import TypeGuard

# The errors of a machine rather than of cxokr: exit 2 with the cause and the fix, never 3.
ENVIRONMENT_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM})

_CAUSES = {
    errno.ENOSPC: (
        "the disk is full",
        "free some space on it and run the command again",
    ),
    errno.EDQUOT: (
        "your disk quota is used up",
        "free some space (or ask for a larger quota) and run the command again",
    ),
    errno.EROFS: (
        "the file system is read-only",
        "run the command in a writable checkout, or remount the file system read-write",
    ),
    errno.EACCES: (
        "permission denied",
        "check the owner and mode of the file and its folder (ls -l), or run the command "
        "as the user who owns the workspace",
    ),
    errno.EPERM: (
        "the operation is not permitted",
        "check the owner and mode of the file and its folder (ls -l) and whether it is "
        "marked immutable or append-only (lsattr), then run the command again",
    ),
}


class CxokrError(Exception):
    """A failure with a message that tells the user what to do next."""

    exit_code = 1


class UsageError(CxokrError):
    """The command line itself is wrong (bad option value, unknown format)."""

    exit_code = 2


class WorkspaceNotFound(CxokrError):
    """No cxokr.yaml in the given folder or any folder above it."""

    exit_code = 2


class WriteRefused(CxokrError):
    """A write cxokr will not make; refused before anything was written."""

    exit_code = 2


class LinkRefused(WriteRefused):
    """The target of a write, or a folder on the way to it, is a symbolic link (or leads
    outside the workspace): cxokr never writes through a link."""


class TooLarge(WriteRefused):
    """The write would make a file larger than cxokr reads."""


class EnvironmentFailure(CxokrError):
    """The machine stopped the command: a full disk, a read-only file or folder, a
    permission, another writer's lock. The message names the cause and what to do."""

    exit_code = 2

    @classmethod
    def from_os_error(cls, exc: OSError, doing: str, outcome: str = "") -> EnvironmentFailure:
        """`cannot <doing>: <cause> (<file>); <outcome>. <Fix>.` for an OSError."""
        cause, fix = _CAUSES.get(
            exc.errno or 0, (exc.strerror or str(exc), "fix the cause and run the command again")
        )
        where = f" ({exc.filename})" if exc.filename else ""
        said = f"; {outcome}" if outcome else ""
        return cls(f"cannot {doing}: {cause}{where}{said}. {fix[0].upper()}{fix[1:]}")


class GitError(CxokrError):
    """Git failed or refused; the message says where and what to do."""

    exit_code = 2


class GitLocked(GitError):
    """Another git process holds a lock this command needs."""

    def __init__(self, lock: Path) -> None:
        self.lock = lock
        super().__init__(
            f"git is busy: {lock} exists, so another git command is running in this "
            "repository. If none is (a git that crashed leaves the file behind), "
            f"remove {lock}, then commit what was written with git."
        )


class GitRefused(CxokrError):
    """Git cannot or must not commit now; the message says why and what to do.

    A state of the repository, not a mistake in the files: exit 2, like every
    failure of the environment.
    """

    exit_code = 2


class HistoryError(GitError):
    """Git could not answer a question about history (an unknown revision, say)."""


class SourceError(CxokrError):
    """A metric source failed: a missing variable or driver, a connection refused, a query
    that failed, ran too long or returned too much. The message never holds a password."""

    exit_code = 1


def is_environmental(exc: BaseException) -> TypeGuard[OSError]:
    """True for an OSError the machine raised (disk full, read-only, permission)."""
    return isinstance(exc, OSError) and exc.errno in ENVIRONMENT_ERRNOS
