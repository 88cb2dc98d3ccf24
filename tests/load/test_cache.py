"""The parse cache: content-keyed, kept out of the workspace, rebuilt when damaged or foreign,
bypassed on request."""

from __future__ import annotations

import os
import pickle
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import msgspec
import pytest
from typer.testing import CliRunner

from cxokr import yamlio
from cxokr.cli import app
from cxokr.load import cache as cache_module
from cxokr.load import localstate, workspace
from cxokr.load.cache import STAMP, Cache
from cxokr.rules import checks
from tests.conftest import WriteFiles


def cache_file(root: Path) -> Path:
    return cache_module.state_file(root, "parsed")


def body(root: Path) -> bytes:
    """The body of the workspace's cache file, its MAC checked with the user's key."""
    found = cache_module.unseal(cache_file(root).read_bytes(), user_key(), cache_module.PARSED)
    assert found is not None
    return bytes(found)


def user_key() -> bytes:
    key = cache_module.secret()
    assert key is not None
    return key


def write_signed(root: Path, data: bytes) -> None:
    """`data` as the workspace's cache, signed with the user's own key (as cxokr would)."""
    cache_file(root).parent.mkdir(parents=True, exist_ok=True)
    cache_file(root).write_bytes(cache_module.seal(data, user_key(), cache_module.PARSED))


def load_twice(root: Path) -> tuple[Cache, Cache]:
    first = Cache.for_workspace(root)
    workspace.load(root, first)
    first.save()
    second = Cache.for_workspace(root)
    workspace.load(root, second)
    return first, second


def test_an_unchanged_workspace_is_not_parsed_again(make_ws: WriteFiles) -> None:
    first, second = load_twice(make_ws())
    assert first.added == 8  # cxokr.yaml, 2 teams, 1 metric, 2 OKR files, 2 logs
    assert second.added == 0
    assert set(second.used) == set(first.used)


def test_a_changed_file_alone_is_parsed_again(make_ws: WriteFiles) -> None:
    root = make_ws()
    load_twice(root)
    (root / "teams" / "company.yaml").write_text("name: Exec\nlevel: 1\n", encoding="utf-8")
    cache = Cache.for_workspace(root)
    ws = workspace.load(root, cache)
    assert cache.added == 1
    assert ws.teams["company"].name == "Exec"


def test_cached_and_fresh_loads_give_the_same_problems(make_ws: WriteFiles) -> None:
    root = make_ws({"teams/ecommerce.yaml": "name: E\nlevel: 3\nparent: nobody\nname: twice\n"})
    load_twice(root)
    cached = checks.check(workspace.load(root, Cache.for_workspace(root)))
    fresh = checks.check(workspace.load(root))
    assert cached == fresh
    assert [p.code for p in cached] == ["CX103"]


def foreign_stamp(root: Path) -> bytes:
    return msgspec.msgpack.encode([[7, "0.0.1", "2.0", 3, 10], str(root.resolve()), {}, {}])


def truncated(root: Path) -> bytes:
    raw = cache_file(root).read_bytes()
    return raw[: len(raw) // 2]


def one_bit_flipped(root: Path) -> bytes:
    raw = bytearray(cache_file(root).read_bytes())
    raw[-100] ^= 1
    return bytes(raw)


def signed(make: Callable[[Path], bytes]) -> Callable[[Path], bytes]:
    return lambda root: cache_module.seal(make(root), user_key(), cache_module.PARSED)


@pytest.mark.parametrize(
    "damage",
    [
        lambda root: b"",
        lambda root: b"not msgpack, not signed",
        lambda root: pickle.dumps((STAMP, {}, {})),  # an old release's cache, moved here
        truncated,
        one_bit_flipped,
        signed(lambda root: b"\xc1 not msgpack"),
        signed(lambda root: msgspec.msgpack.encode(["other", {}])),
        signed(foreign_stamp),  # the right shape, signed, from another version
        signed(lambda root: body(root)[:-1]),  # signed, but cut short
    ],
)
def test_a_damaged_or_foreign_cache_is_ignored_and_rebuilt(
    make_ws: WriteFiles, damage: Callable[[Path], bytes]
) -> None:
    root = make_ws()
    load_twice(root)[0].save()
    bad = damage(root)
    cache_file(root).write_bytes(bad)
    cache = Cache.for_workspace(root)
    ws = workspace.load(root, cache)
    cache.save()
    assert cache.old == {} and cache.added == 8  # every file parsed again
    assert ws.teams["company"].level == 1
    assert msgspec.msgpack.decode(body(root))[0] == list(STAMP)


def test_a_cache_entry_of_the_wrong_shape_is_not_trusted(make_ws: WriteFiles) -> None:
    root = make_ws()
    first, _ = load_twice(root)
    junk = {
        key: msgspec.Raw(msgspec.msgpack.encode(value))
        for key, value in zip(
            first.used,
            ["junk", ["document", "Team", 1, None, [], False], ["log", "Nothing", 0, b"", [], 0]]
            * 3,
            strict=False,
        )
    }
    write_signed(root, msgspec.msgpack.encode([STAMP, str(root.resolve()), {}, junk]))
    cache = Cache.for_workspace(root)
    ws = workspace.load(root, cache)
    assert cache.added == len(first.used)
    assert ws.teams["company"].level == 1


def test_a_cache_of_another_workspace_is_not_taken(make_ws: WriteFiles) -> None:
    root = make_ws()
    load_twice(root)[0].save()
    other = root.parent / "copy"
    shutil.copytree(root, other)
    cache_file(other).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(cache_file(root), cache_file(other))  # the same bytes, the same user's key
    cache = Cache.for_workspace(other)
    assert cache.old == {} and cache.old_files == {}


def test_outcomes_of_old_content_take_at_most_as_much_room_again(
    make_ws: WriteFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache_module, "OLD_BYTES", 0)
    root = make_ws()
    log = root / "readings" / "aov.yaml"
    line = '- {"date": "2026-11-%02d", "value": %d.5, "segment": "online"}\n'
    for day in range(1, 21):  # a log that grows every day, read every day
        log.write_text("".join(line % (d, d) for d in range(1, day + 1)), encoding="utf-8")
        cache = Cache.for_workspace(root)
        workspace.load(root, cache)
        cache.save()
    kept = Cache.for_workspace(root).old
    used = len(cache.used)
    assert used < len(kept) < used + 10  # not one copy of the log for each day
    assert sum(map(len, kept.values())) <= 2 * sum(map(len, list(kept.values())[:used]))


def settle(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the files just written count as settled: a shorter wait, then the wait."""
    monkeypatch.setattr(cache_module, "SETTLED_NS", 50_000_000)
    time.sleep(0.06)


def test_a_settled_unchanged_file_is_not_read_again(
    make_ws: WriteFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_ws()
    settle(monkeypatch)
    first, second = load_twice(root)
    assert first.recalled == 0 and len(first.files) == 8
    assert second.recalled == 8 and second.added == 0


def test_the_cache_says_what_it_holds_and_whether_it_remembers_files(
    make_ws: WriteFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_ws()
    team = (root / "teams" / "company.yaml").read_bytes()
    empty = Cache(None)
    assert not empty.remembers_files and not empty.holds("team", team)
    settle(monkeypatch)
    load_twice(root)[0].save()
    cache = Cache.for_workspace(root)
    assert cache.remembers_files
    assert cache.holds("team", team)
    assert not cache.holds("metric", team)  # the same bytes as another kind: not known
    assert not cache.holds("team", team + b"# changed\n")


def test_a_file_edited_just_now_is_read_again_next_time(make_ws: WriteFiles) -> None:
    root = make_ws()
    first, second = load_twice(root)  # every file was written within the last two seconds
    assert first.files == {} and second.recalled == 0
    assert second.added == 0  # still served by content, only read and hashed again


def test_a_file_copied_with_an_old_mtime_is_not_remembered_at_once(
    make_ws: WriteFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_ws()
    settle(monkeypatch)
    for path in root.rglob("*.yaml"):  # as `cp -p` or `tar x` leave them: old mtime, new ctime
        info = path.stat()
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns - 60 * 10**9))
    monkeypatch.setattr(cache_module, "SETTLED_NS", 2_000_000_000)  # a slow machine's margin
    cache = Cache.for_workspace(root)
    workspace.load(root, cache)
    assert cache.files == {}


def test_a_rewrite_that_keeps_size_and_mtime_is_still_seen(
    make_ws: WriteFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_ws({"teams/company.yaml": "name: Exec\nlevel: 1\n"})
    settle(monkeypatch)
    load_twice(root)
    path = root / "teams" / "company.yaml"
    before = path.stat()
    path.write_text("name: Boss\nlevel: 1\n", encoding="utf-8")  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # the change time still moves
    cache = Cache.for_workspace(root)
    ws = workspace.load(root, cache)
    assert ws.teams["company"].name == "Boss"
    assert cache.recalled == 7 and cache.added == 1


def test_remembered_files_of_the_wrong_shape_cost_a_parse(
    make_ws: WriteFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_ws()
    settle(monkeypatch)
    first, _ = load_twice(root)
    first.save()
    stamp, where, files, entries = msgspec.msgpack.decode(body(root))
    files["teams/company.yaml"] = "junk"
    write_signed(root, msgspec.msgpack.encode([stamp, where, files, entries]))
    cache = Cache.for_workspace(root)
    ws = workspace.load(root, cache)
    assert cache.recalled == 0 and cache.added == 8  # the whole file is refused
    assert ws.teams["company"].level == 1


def test_the_cli_keeps_the_cache_outside_the_workspace_and_no_cache_bypasses_it(
    make_ws: WriteFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_ws()
    monkeypatch.delenv("CXOKR_NO_CACHE", raising=False)
    assert CliRunner().invoke(app, ["--no-cache", "check", "-w", str(root)]).exit_code == 0
    assert not cache_file(root).exists()
    assert CliRunner().invoke(app, ["check", "-w", str(root)]).exit_code == 0
    assert cache_file(root).parent == localstate.folder(root)  # the user's cache folder
    assert cache_file(root).is_file()
    assert sorted(p.name for p in root.iterdir()) == [
        "checkins",
        "cxokr.yaml",
        "metrics",
        "okrs",
        "readings",
        "teams",
    ]


def test_in_a_repository_the_cache_is_in_the_git_directory(
    git_ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CXOKR_NO_CACHE", raising=False)
    assert CliRunner().invoke(app, ["check", "-w", str(git_ws)]).exit_code == 0
    assert cache_file(git_ws).parent == git_ws / ".git" / "cxokr"
    assert cache_file(git_ws).is_file()
    assert not (git_ws / ".cxokr").exists()


def test_the_signing_key_is_made_once_and_private_to_the_user(make_ws: WriteFiles) -> None:
    root = make_ws()
    Cache.for_workspace(root)
    key = localstate.user_cache_home() / "cxokr" / "key"
    assert key.stat().st_mode & 0o777 == 0o600
    assert len(key.read_bytes()) == cache_module.KEY_BYTES
    made = key.read_bytes()
    Cache.for_workspace(root)
    assert key.read_bytes() == made


@pytest.mark.parametrize(
    "spoil",
    [
        lambda key: key.chmod(0o644),  # others could read it: no secret
        lambda key: key.write_bytes(b"short"),
        lambda key: (key.unlink(), key.symlink_to(key.parent / "elsewhere")),
        lambda key: (shutil.rmtree(key.parent), key.parent.write_bytes(b"")),  # cannot be made
    ],
)
def test_without_a_usable_key_nothing_is_cached(
    make_ws: WriteFiles, spoil: Callable[[Path], object]
) -> None:
    root = make_ws()
    load_twice(root)[0].save()
    key = localstate.user_cache_home() / "cxokr" / "key"
    (key.parent / "elsewhere").write_bytes(os.urandom(cache_module.KEY_BYTES))
    spoil(key)
    cache = Cache.for_workspace(root)
    ws = workspace.load(root, cache)
    cache.save()
    assert cache.path is None and cache.old == {} and cache.added == 8
    assert ws.teams["company"].level == 1


def test_marks_that_cannot_be_unpacked_cost_the_positions_not_the_command() -> None:
    marks = yamlio.Marks.packed(b"\x93junk")
    assert marks.find(("objectives", 0)) == (1, 1)


def test_only_files_settled_for_two_seconds_are_remembered(make_ws: WriteFiles) -> None:
    root = make_ws()
    time.sleep(2.1)  # every file is settled now
    for path in root.rglob("*.yaml"):
        if path.name != "cxokr.yaml":
            path.write_bytes(path.read_bytes())  # rewritten just now: too fresh to vouch for
    cache = Cache.for_workspace(root)
    workspace.load(root, cache)
    assert set(cache.files) == {"cxokr.yaml"}
