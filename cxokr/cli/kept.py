"""The answers `check` and `report` keep between runs (`load.answers`): under which key, and
how each is written and read back.

An answer is kept under the workspace's fingerprint (every file the loader
would look at, by content) and everything else it depends on: the command and
every option as given, the day (today, and `--as-of`), the local time zone
(a past day ends at local midnight), the environment variables set (a
connection's `env:` variable must be set, and GITHUB_ACTIONS chooses check's
format), and the state of git: the commit checked out, where a shallow clone is
cut, the grafts and replaced objects `git log` honours, and the GIT_ variables
that say which repository git reads. Uncommitted edits are the files' content,
which the fingerprint covers. Inside a repository whose `HEAD` cannot be read
directly (GIT_DIR set, no commit yet) nothing is kept, nor a check that looked
at a DuckDB file a connection names (`looks_beyond`).

A run that computed its answer keeps it only when nothing moved while it ran:
the workspace, git and the day are looked at again afterwards and must be as
they were before it began.

What is kept is data, rendered again by each run: the problems of `check`; the
report's rows (`compute.report_data`), with each key result's series as the
readings and check-ins it is laid out from, and what the run said on stderr.
It is read with typed schemas, never pickled.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import msgspec

from cxokr.load.answers import Answers, Survey, look

if TYPE_CHECKING:
    from cxokr.load.cache import Cache
    from cxokr.load.workspace import Workspace
    from cxokr.rules.checks import CheckResult


T = TypeVar("T")
# Anything that changes how an answer is written (here or in `kept_report`) changes this.
FORMAT = 4

# How many answers this process took as kept, and how many it computed where one could have
# been kept: what tells a test that a run was answered without loading or computing.
TALLY: Counter[str] = Counter()


@dataclass
class Slot:
    """Where one run's answer is found, or kept once computed."""

    root: Path
    command: tuple[object, ...]  # its name and every option, as given
    store: Answers
    before: Survey
    context: bytes | None
    key: bytes | None

    def recall(self, read: Callable[[bytes], T | None]) -> T | None:
        """The answer kept for the workspace as it is, the day and the options, as `read`
        reads it; None when there is none (or none this version reads)."""
        body = None if self.key is None else self.store.recall(self.key)
        found = None if body is None else read(body)
        if found is not None:
            TALLY["reused"] += 1
        return found

    def keep(self, body: Callable[[], bytes], cache: Cache | None) -> None:
        """Keep the answer a normal run computed (`body`, made only when it can be kept),
        when the workspace, git and the day are still as they were before it ran."""
        TALLY["computed"] += 1
        if cache is None or self.context is None or not self.before.clean:
            return
        after = look(self.root)
        if _context(self.root, self.command) != self.context or not after.same(self.before):
            return
        fingerprint = self.before.fingerprint(cache.files)
        if fingerprint is not None:
            self.store.keep(_key(fingerprint, self.context), body(), cache.files)


def slot(root: Path, *command: object) -> Slot:
    """The slot of `command` (its name, then every option) for the workspace at `root`."""
    store = Answers(root)
    survey = look(root)
    context = _context(root, command)
    fingerprint = survey.fingerprint(store.files)
    key = None if context is None or fingerprint is None else _key(fingerprint, context)
    return Slot(root, command, store, survey, context, key)


def _key(fingerprint: bytes, context: bytes) -> bytes:
    return hashlib.blake2b(fingerprint + context, digest_size=32).digest()


def _context(root: Path, command: tuple[object, ...]) -> bytes | None:
    """Everything but the files that the answer of `command` depends on; None when the state
    of git cannot be told without asking git."""
    git = _git_state(root)
    if git is None:
        return None
    environment = sorted(os.environ)  # names only: which are set (GITHUB_ACTIONS: its value)
    zone = (time.timezone, time.altzone, time.daylight, *time.tzname)
    today = date.today().isoformat()
    actions = os.environ.get("GITHUB_ACTIONS")
    return msgspec.msgpack.encode((FORMAT, repr(command), today, zone, environment, actions, git))


def _git_state(root: Path) -> tuple[object, ...] | None:
    """What of git a check or report reads, as files tell it; None when they cannot."""
    from cxokr.load.localstate import git_dir

    variables = sorted((k, v) for k, v in os.environ.items() if k.startswith("GIT_"))
    found = git_dir(root)
    if found is None:
        if any(k in ("GIT_DIR", "GIT_WORK_TREE") for k, _ in variables):
            return None
        return ("none", variables)
    from cxokr.git.history import head_sha

    head = head_sha(root)
    if head is None:
        return None
    from cxokr.git.goalposts_memo import shallow_list

    common = _common_dir(found)
    return (str(found), head, shallow_list(root), _grafts(common), variables)


def _common_dir(git: Path) -> Path:
    try:
        return (git / (git / "commondir").read_text(encoding="utf-8").strip()).resolve()
    except OSError:
        return git


def _grafts(common: Path) -> tuple[bytes, list[tuple[str, bytes]], bytes]:
    """The grafts file, the replace refs and the packed refs among them: each changes what
    `git log` shows of the same commits."""
    try:
        grafts = (common / "info" / "grafts").read_bytes()
    except OSError:
        grafts = b""
    replaced = common / "refs" / "replace"
    loose = []
    if replaced.is_dir():
        for path in sorted(replaced.rglob("*")):
            with contextlib.suppress(OSError):
                loose.append((str(path.relative_to(replaced)), path.read_bytes()))
    try:
        packed = (common / "packed-refs").read_bytes()
    except OSError:
        packed = b""
    lines = b"\n".join(line for line in packed.splitlines() if b"refs/replace/" in line)
    return grafts, loose, lines


# --- check ------------------------------------------------------------------------------------


def looks_beyond(ws: Workspace) -> bool:
    """Whether `check` of `ws` looks at a file the fingerprint does not cover: the DuckDB
    file a connection names, which must not lead out of the workspace through a link made
    since. Such an answer is not kept."""
    from cxokr.rules.sources import DUCKDB

    connections = ws.config.connections if ws.config else {}
    urls = (connection.url.strip() for connection in connections.values())
    return any(
        url.startswith(DUCKDB) and url[len(DUCKDB) :].strip() not in ("", ":memory:")
        for url in urls
    )


def check_body(result: CheckResult) -> bytes:
    """What `check` keeps: its problems and counts (`rules.checks.CheckResult`)."""
    return msgspec.msgpack.encode(result)


def read_check(body: bytes) -> CheckResult | None:
    """The kept `check` answer; None when it is not one this version reads."""
    from cxokr.rules.checks import CheckResult

    try:
        return msgspec.msgpack.decode(body, type=CheckResult)
    except msgspec.DecodeError:
        return None
