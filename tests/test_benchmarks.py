"""The benchmarks measure cxokr, not the machine: bytecode compiled first, runs pinned."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.paths import REPO


def test_the_package_is_compiled_even_where_bytecode_is_never_written(tmp_path: Path) -> None:
    package = tmp_path / "cxokr"
    shutil.copytree(REPO / "cxokr", package, ignore=shutil.ignore_patterns("__pycache__"))
    code = (
        f"import sys; sys.path.insert(0, {str(REPO / 'benchmarks')!r}); import steady; "
        f"from pathlib import Path; print(steady.compile_package(Path({str(package)!r})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONDONTWRITEBYTECODE": "1", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout == "True\n"
    modules = {p.stem for p in package.rglob("*.py")}
    compiled = {p.name.split(".")[0] for p in package.rglob("__pycache__/*.pyc")}
    assert modules <= compiled


def test_every_timed_process_runs_with_one_hash_seed() -> None:
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import steady
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    assert steady.environment(COLUMNS="100")["PYTHONHASHSEED"] == "0"
    assert steady.environment(COLUMNS="100")["COLUMNS"] == "100"


# The peer comparison: a ledger journal with one transaction per log entry of a workspace.

BENCHMARKS = REPO / "benchmarks"
LEDGER = shutil.which("ledger")
needs_ledger = pytest.mark.skipif(LEDGER is None, reason="ledger is not installed")
HOSTILE_NOTES = [
    "one\n2026-01-01 * injected\n    Assets:Cash  1 USD\n    Equity",
    "(code) looks like a transaction code",
    "tab\there  ; and a comment after two spaces",
    "\x00nul \x1b[31mescape\x7f and \x85next line\u2028separator",
    "lone surrogate \ud800 here",
    '"quoted" * ! ; @ = | [2026-01-01] {1 USD}',
    "   ",
]


def bench_module(name: str) -> Any:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(BENCHMARKS))


peers = bench_module("peers")
generate = bench_module("generate")


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    root = tmp_path_factory.mktemp("small") / "ws"
    return root, generate.generate(root, 4, 7)


def blocks(journal: Path) -> list[list[str]]:
    text = journal.read_text(encoding="utf-8")
    assert text.endswith("\n\n")
    return [block.split("\n") for block in text[:-2].split("\n\n")]


def logged(root: Path) -> list[tuple[Path, dict[str, Any]]]:
    """Every log entry, in the journal's order: check-in files, then readings, line by line."""
    found = []
    for path in [*sorted(root.glob("checkins/*/*.yaml")), *sorted(root.glob("readings/*.yaml"))]:
        for line in path.read_text().splitlines():
            if line.startswith("- {"):
                found.append((path, json.loads(line[2:])))
    return found


def test_the_journal_has_one_transaction_per_log_entry(
    small: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    root, stats = small
    written = peers.write_journal(root, tmp_path / "j.ledger")
    assert (written.checkins, written.readings, written.skipped) == (
        stats["checkins"],
        stats["readings"],
        0,
    )
    found = blocks(tmp_path / "j.ledger")
    assert len(found) == stats["checkins"] + stats["readings"] == len(logged(root))
    assert all(len(block) == 3 for block in found)
    assert written.account == found[0][1].strip().split("    ")[0]


def test_the_journal_mirrors_each_entry_s_account_amount_date_and_note(
    small: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    root, _ = small
    peers.write_journal(root, tmp_path / "j.ledger")
    found = blocks(tmp_path / "j.ledger")
    entries = logged(root)
    valueless = next(i for i, (_, e) in enumerate(entries) if "kr" in e and "value" not in e)
    segmented = next(i for i, (_, e) in enumerate(entries) if "segment" in e)
    plain = next(
        i for i, (p, e) in enumerate(entries) if p.parent.name == "readings" and "segment" not in e
    )
    for i in (0, 1, valueless, segmented, plain, len(entries) - 1):
        path, entry = entries[i]
        head, posting, other = found[i]
        if "kr" in entry:
            account = ":".join(["Goals", path.parent.name, path.stem, *entry["kr"].split("/")])
            payee = entry.get("note") or entry["by"]
            assert other == "    Equity:Checkins"
        else:
            account = ":".join(
                ["Metrics", path.stem, *([entry["segment"]] if "segment" in entry else [])]
            )
            payee = entry["source"]
            assert other == "    Equity:Readings"
        assert head == f"{entry['date']} * {payee}"
        name, number, unit = posting.strip().split("    ")[0], *posting.split()[1:]
        assert name == account
        if "value" in entry:
            assert float(number) == entry["value"]
        else:
            assert (float(number), unit) == (entry["confidence"], "confidence")
    metric = yaml.safe_load((root / "metrics" / f"{entries[plain][0].stem}.yaml").read_text())
    assert found[plain][1].split()[-1] == peers.commodity(metric["unit"])


def test_units_become_commodities_and_numbers_plain_amounts() -> None:
    assert [peers.commodity(u) for u in ("USD", "%", "min", 'a"b\n', "", "points")] == [
        "USD",
        '"%"',
        "min",
        '"ab"',
        "unit",
        "points",
    ]
    assert [peers.amount(v) for v in (3, 61.2, 1e-05, 2.5e16, True, float("nan"), "7")] == [
        "3",
        "61.2",
        "0.00001",
        "25000000000000000",
        "1",
        None,
        None,
    ]


def hostile_workspace(root: Path) -> int:
    """Add check-ins whose notes and ids try to break a journal; return how many were added."""
    generate.generate(root, 3, 5)
    log = sorted(root.glob("checkins/*/*.yaml"))[0]
    kr = json.loads(log.read_text().splitlines()[1][2:])["kr"]
    lines = [
        json.dumps(
            {"kr": kr, "date": "2026-10-05", "value": 1, "confidence": 0.5, "note": n, "by": "x@y"}
        )
        for n in HOSTILE_NOTES
    ]
    with log.open("a") as out:
        out.writelines(f"- {line}\n" for line in lines)
    (root / "checkins" / "2026-Q4" / "by-hand.yaml").write_text(
        "- kr: odd:id  with spaces/kr1\n  date: 2026-10-06\n  confidence: 0.4\n  by: a@b\n"
    )
    reading = {"date": "2026-10-07", "value": 2, "segment": "a:b  c\td", "note": "(x)\ty"}
    with (root / "readings" / "nps.yaml").open("a") as out:
        out.write(f"- {json.dumps(reading)}\n")
    return len(lines) + 2


def test_notes_and_ids_cannot_break_the_journal(tmp_path: Path) -> None:
    stats = generate.generate(tmp_path / "plain", 3, 5)
    added = hostile_workspace(tmp_path / "ws")
    written = peers.write_journal(tmp_path / "ws", tmp_path / "j.ledger")
    assert written.transactions == stats["checkins"] + stats["readings"] + added
    found = blocks(tmp_path / "j.ledger")
    assert len(found) == written.transactions and all(len(b) == 3 for b in found)
    for head, posting, _ in found:
        assert head[10:13] == " * " and "  " not in head and head == head.strip()
        assert not any(c < " " or "\x7f" <= c <= "\x9f" for c in head + posting)
        assert not head[13:].startswith("(") or head[13:].startswith("() ")
        account, amount = posting.strip().split("    ")
        assert " " not in account and ";" not in account and account.count(":") >= 1
        assert len(amount.split(" ")) == 2
    heads = [b[0][13:] for b in found]
    odd = next(b for b in found if b[1].startswith("    Metrics:nps:a_b_c_d    2 "))
    assert odd[0] == "2026-10-07 * () (x) y"
    for note in HOSTILE_NOTES:
        assert peers.payee(note, "x@y").replace("\ud800", "?") in heads
    assert "x@y" in heads  # the note of spaces only: its author instead
    postings = [b[1].strip() for b in found]
    assert "Goals:2026-Q4:by-hand:odd_id_with_spaces:kr1    0.4 confidence" in postings


def test_the_journal_is_rewritten_only_when_the_workspace_changed(tmp_path: Path) -> None:
    stats = generate.generate(tmp_path / "ws", 2, 3)
    dest = tmp_path / "j.ledger"
    first, written = peers.journal(tmp_path / "ws", dest)
    assert written and first.transactions == stats["checkins"] + stats["readings"]
    assert peers.journal(tmp_path / "ws", dest) == (first, False)
    log = sorted((tmp_path / "ws").glob("readings/*.yaml"))[0]
    with log.open("a") as out:
        out.write('- {"date": "2026-11-21", "value": 3, "by": "a@b"}\n')
    again, written = peers.journal(tmp_path / "ws", dest)
    assert written and again.readings == first.readings + 1
    assert len(blocks(dest)) == first.transactions + 1


@needs_ledger
def test_ledger_reads_every_transaction_and_every_note_as_written(tmp_path: Path) -> None:
    added = hostile_workspace(tmp_path / "ws")
    written = peers.write_journal(tmp_path / "ws", tmp_path / "j.ledger")
    read = peers.ledger_counts(LEDGER, tmp_path / "j.ledger", 120)
    assert (read.checkins, read.readings) == (written.checkins, written.readings)
    assert read.postings == 2 * written.transactions and added
    done = subprocess.run(
        peers.ledger_command(
            LEDGER, tmp_path / "j.ledger", "--empty", "--format", "%P\\n", "reg", "^Equity"
        ),
        capture_output=True,
        text=True,
        check=True,
    )
    found = blocks(tmp_path / "j.ledger")
    assert read.accounts == len({b[1].strip().split("    ")[0] for b in found}) + 2
    heads = [b[0][13:].removeprefix("() ") for b in found]
    assert done.stdout.splitlines() == heads


@needs_ledger
def test_the_peer_comparison_times_cxokr_and_ledger_on_matching_entries(
    small: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    root, stats = small
    ws = tmp_path / "ws"
    shutil.copytree(root, ws)
    out = run_bench(
        f"run.peer_comparison('small', Path({str(ws)!r}), {stats!r}, 1, 120, Path({str(tmp_path)!r}))",
        os.environ["PATH"],
    )
    assert f"{stats['checkins'] + stats['readings']} transactions written" in out
    assert out.count(": match\n") == 1
    rows = [line.split()[0:2] for line in out.splitlines()[-6:-1]]
    assert rows == [
        ["cxokr", "check,"],
        ["cxokr", "check,"],
        ["cxokr", "report,"],
        ["ledger", "bal"],
        ["ledger", "reg"],
    ]
    assert out.splitlines()[-1].startswith("ledger reg reads the whole journal too")


def run_bench(call: str, path: str) -> str:
    code = f"import sys; sys.path.insert(0, {str(BENCHMARKS)!r}); from pathlib import Path; import run; {call}"
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PATH": path},
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_the_peer_comparison_is_skipped_with_a_note_when_ledger_is_not_installed(
    small: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    root, stats = small
    (tmp_path / "bin").mkdir()
    out = run_bench(
        f"run.peer_comparison('small', Path({str(root)!r}), {stats!r}, 1, 60, Path({str(tmp_path)!r}))",
        str(tmp_path / "bin"),
    )
    assert (
        out
        == "\npeer comparison skipped: ledger is not on PATH (install: apt-get install ledger)\n"
    )
    assert list(tmp_path.iterdir()) == [tmp_path / "bin"]


# The history benchmark: its generated repository, and the commits it makes and takes back.


def test_the_history_benchmark_commits_check_ins_and_takes_them_back(tmp_path: Path) -> None:
    bench = bench_module("history")
    repo = tmp_path / "history"
    stats = bench.build(repo, 12)
    assert stats["commits"] == 12
    head = bench.NewCheckins(repo).head
    log = repo / "checkins/2026-Q4/team-01.yaml"
    before = log.read_bytes()
    checkins = bench.NewCheckins(repo)
    checkins.commit()
    checkins.commit()
    shown = subprocess.run(
        ["git", "log", "-3", "--format=%H %an %s", "--", "checkins/2026-Q4/team-01.yaml"],
        cwd=repo,
        env=bench.ENV,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert [line.split(" ", 1)[1] for line in shown[:2]] == [
        "Dana Cho checkin(team-01): objective-0/kr-0 = 110 (2)",
        "Dana Cho checkin(team-01): objective-0/kr-0 = 110 (1)",
    ]
    assert log.read_bytes().startswith(before) and log.read_bytes().count(b"\n") == (
        before.count(b"\n") + 2
    )
    checkins.restore()
    assert bench.NewCheckins(repo).head == head
    assert log.read_bytes() == before
