"""Nothing a repository holds, and nothing another user writes, runs code through the parse
cache or changes what `check` says (DESIGN.md §1)."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import msgspec
import pydantic
import pytest
from typer.testing import CliRunner

from cxokr import __version__
from cxokr.cli import app
from cxokr.git import goalposts_memo
from cxokr.load import cache, cache_format, kinds, parsing
from cxokr.load.cache import STAMP, Cache
from cxokr.model import OkrFile
from tests.conftest import WriteFiles, git

OKRS = "okrs/2026-Q4/ecommerce.yaml"
BROKEN = b"objectives:\n  - id: grow-basket\n    title: [unclosed\n"
# The stamp of the pickled cache of the release before this format.
OLD_STAMP = (7, __version__, pydantic.VERSION, sys.version_info[:2])


class Payload:
    """Unpickled, creates `marker`: what a committed pickle could do on a CI runner."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[Path]]:
        return (Path.touch, (self.marker,))


def run(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, [*args, "--workspace", str(root)])
    return result.exit_code, result.stdout


def valid_outcome_for_broken_bytes(root: Path) -> tuple[bytes, parsing.DocumentOutcome[OkrFile]]:
    """The content key of `BROKEN` and a clean outcome (of the good file) to claim for it."""
    good = parsing.document((root / OKRS).read_bytes(), OkrFile)
    assert not good.failed and not good.issues
    return Cache.key(kinds.OKRS.name, BROKEN), good


def forged_body(root: Path, where: Path) -> bytes:
    """A well-formed cache body for `where` (right stamp, valid msgpack) saying `BROKEN`
    parses cleanly."""
    key, outcome = valid_outcome_for_broken_bytes(root)
    entry = cache_format.encode(outcome)
    assert entry is not None
    entries = {key: msgspec.Raw(entry)}
    return msgspec.msgpack.encode([STAMP, str(where.resolve()), {}, entries])


def test_a_committed_cache_runs_no_code_and_changes_no_result(
    make_ws: WriteFiles, git_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CXOKR_NO_CACHE", raising=False)
    marker = tmp_path / "code-ran"
    payload = pickle.dumps(Payload(marker))
    root = make_ws({".gitignore": ".cxokr/\n"})
    clone = tmp_path / "clone"  # where CI will check the pull request out: known in advance
    forged = cache.seal(forged_body(root, clone), os.urandom(32), cache.PARSED)
    (root / OKRS).write_bytes(BROKEN)
    planted = {
        ".cxokr/parsed.pickle": payload,
        ".cxokr/goalposts.pickle": payload,
        f".cxokr/{cache.state_file(clone, 'parsed').name}": forged,
        f".cxokr/{cache.state_file(clone, goalposts_memo.MEMO).name}": payload,
        f".cxokr/cxokr/{cache.state_file(clone, 'parsed').name}": payload,
    }
    for rel, data in planted.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "add", "-f", ".cxokr")
    git(root, "commit", "-q", "-m", "A pull request")
    assert ".cxokr/parsed.pickle" in git(root, "ls-files")
    subprocess.run(["git", "clone", "-q", str(root), str(clone)], check=True)

    for args in (["check"], ["report", "--as-of", "2026-11-20"], ["check", "--strict"]):
        code, out = run(clone, *args)
        assert not marker.exists(), args
        if args[0] == "check":
            assert code == 1 and f"{OKRS}:3:21: CX102 error" in out, (args, out)
    assert run(clone, "check")[0] == 1  # again, now with the cache cxokr wrote itself
    assert not marker.exists()
    assert cache.state_file(clone, "parsed").is_file()  # in .git/cxokr/, not in .cxokr/


@pytest.mark.parametrize(
    "seal",
    [
        lambda body: body,  # not signed at all
        lambda body: cache.MAGIC + bytes(cache.MAC_BYTES) + body,  # a MAC of zeros
        lambda body: cache.seal(body, os.urandom(cache.KEY_BYTES), cache.PARSED),  # another key
        lambda body: cache.seal(body, cache.secret() or b"", b"goalposts"),  # another purpose
        lambda body: pickle.dumps(Payload(Path(os.environ["MARKER"]))),  # code, at the real path
    ],
)
def test_a_forged_cache_does_not_make_a_broken_file_pass_strict(
    git_ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seal: Callable[[bytes], bytes]
) -> None:
    monkeypatch.delenv("CXOKR_NO_CACHE", raising=False)
    marker = tmp_path / "code-ran"
    monkeypatch.setenv("MARKER", str(marker))
    body = forged_body(git_ws, git_ws)
    key, outcome = valid_outcome_for_broken_bytes(git_ws)
    (git_ws / OKRS).write_bytes(BROKEN)
    # The same forgery as an older release kept it, where it is no longer read.
    (git_ws / ".cxokr").mkdir()
    (git_ws / ".cxokr" / "parsed.pickle").write_bytes(pickle.dumps((OLD_STAMP, {key: outcome}, {})))
    where = cache.state_file(git_ws, "parsed")
    where.parent.mkdir(parents=True, exist_ok=True)
    where.write_bytes(seal(body))

    code, out = run(git_ws, "check", "--strict")
    assert code == 1 and f"{OKRS}:3:21: CX102 error" in out
    assert not marker.exists()

    # Proof that the forgery is otherwise well formed: signed with this user's own key, as
    # only this user's cxokr can, it would be believed. The key is what keeps it out.
    user_key = cache.secret()
    assert user_key is not None
    where.write_bytes(cache.seal(body, user_key, cache.PARSED))
    assert run(git_ws, "check", "--strict")[0] == 0
