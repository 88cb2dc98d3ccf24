"""Failures of the environment, as opposed to mistakes in the user's files.

Mistakes in files are `Problem` values (see `problems`); these exceptions are
for things that stop a command outright: no workspace, bad usage, git refusing.
The CLI maps each class to an exit code in one place.
"""

from __future__ import annotations


class CxokrError(Exception):
    """A failure with a message that tells the user what to do next."""

    exit_code = 1


class UsageError(CxokrError):
    """The command line itself is wrong (bad option value, unknown format)."""

    exit_code = 2


class WorkspaceNotFound(CxokrError):
    """No cxokr.yaml in the given folder or any folder above it."""

    exit_code = 2
