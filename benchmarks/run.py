"""Time whole cxokr processes on generated workspaces, against floors measured in the same run.

    python benchmarks/run.py                # medium: 200 teams, median of 5 runs
    python benchmarks/run.py --large        # also large: 2,000 teams, median of 3 runs
    python benchmarks/run.py --runs 9       # another number of runs (for every size)

Workspaces are generated into benchmarks/work/ (git-ignored) and reused while the
generator's parameters and version are unchanged. Floors: start-up is
`python -c "import yaml"`; read is reading every workspace byte; yaml is PyYAML's
C loader over the files people write (cxokr.yaml, teams, metrics, okrs); json is
`json.loads` over the body of every log line. A command that loads the workspace
is compared with the parse floor (C loader plus json); the ratio uses the median,
and the fastest run is shown beside it because other work on a shared machine
only ever adds time; CPU seconds (user + system of the process and the children it
waits for, such as cxokr's forked parser) are the median over the same runs.

Peer: when `ledger` is on PATH, each size is also written as a ledger journal with one
transaction per log entry (benchmarks/peers.py; benchmarks/work/<size>.ledger, rewritten
only when the workspace changed), ledger's own count of its transactions is checked
against the workspace's entries, and cxokr check (cold and warm) and report (warm) are
timed against `ledger bal` and `ledger reg` of one key result's account, in rounds that
run each command once, so that the machine's load falls on all of them alike. Without
ledger one line says the comparison was skipped (`apt-get install ledger` adds it).
No thresholds: this always exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import generate
import peers
import steady
import yaml

HERE = Path(__file__).resolve().parent
WORK = HERE / "work"
SIZES = {"medium": (200, 5), "large": (2000, 3)}
SEED = 1
AS_OF = "2026-11-20"
HUMAN_DIRS = ("teams", "metrics", "okrs")
LOG_DIRS = ("checkins", "readings")


def workspace(name: str, teams: int) -> tuple[Path, dict[str, int]]:
    """The generated workspace and its size, regenerated only when parameters changed."""
    root = WORK / name
    stamp = WORK / f"{name}.json"
    params = {"teams": teams, "seed": SEED, "version": generate.VERSION}
    if stamp.exists() and (root / "cxokr.yaml").exists():
        saved = json.loads(stamp.read_text())
        if saved.get("params") == params:
            return root, saved["stats"]
    print(f"generating {name} workspace ({teams} teams) in {root} ...", flush=True)
    stats = generate.generate(root, teams, SEED)
    stamp.write_text(json.dumps({"params": params, "stats": stats}))
    return root, stats


def files(root: Path, dirs: tuple[str, ...]) -> list[Path]:
    return sorted(p for d in dirs for p in (root / d).rglob("*.yaml"))


def times(fn: Callable[[], object], runs: int) -> list[float]:
    found = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        found.append(time.perf_counter() - start)
    return found


@dataclass
class Timing:
    """Wall and CPU seconds of each run of one command (CPU: its process and waited children)."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def add(self, fn: Callable[[], object]) -> None:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        fn()
        self.wall.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        used = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        self.cpu.append(used)


def timed(fn: Callable[[], object], runs: int) -> Timing:
    found = Timing()
    for _ in range(runs):
        found.add(fn)
    return found


def median_time(fn: Callable[[], object], runs: int) -> float:
    return statistics.median(times(fn, runs))


def run_cli(args: list[str], cwd: Path, timeout: float) -> Callable[[], object]:
    env = steady.environment(NO_COLOR="1", COLUMNS="100")
    env.pop("FORCE_COLOR", None)
    env.pop("GITHUB_ACTIONS", None)

    def run() -> None:
        proc = subprocess.run(
            [sys.executable, "-m", "cxokr", *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            check=False,
            timeout=timeout,
        )
        if proc.returncode not in (0, 1):  # 1 is "problems found", still a full run
            err = proc.stderr.decode(errors="replace").strip().splitlines()[-1:]
            print(f"  warning: cxokr {' '.join(args)} exited {proc.returncode}: {err}")

    return run


def floors(root: Path, runs: int) -> dict[str, float]:
    all_files = [p for p in root.rglob("*") if p.is_file() and ".cxokr" not in p.parts]
    human = [root / "cxokr.yaml", *files(root, HUMAN_DIRS)]
    logs = files(root, LOG_DIRS)

    def read_all() -> None:
        for p in all_files:
            p.read_bytes()

    def yaml_c() -> None:
        for p in human:
            yaml.load(p.read_bytes(), Loader=yaml.CSafeLoader)

    def json_lines() -> None:
        loads = json.loads
        for p in logs:
            for line in p.read_bytes().splitlines():
                if line.startswith(b"- {"):
                    loads(line[2:])

    def import_yaml() -> None:
        subprocess.run([sys.executable, "-c", "import yaml"], check=True)

    result = {
        "start-up (python -c 'import yaml')": median_time(import_yaml, runs),
        "read all bytes": median_time(read_all, runs),
        "yaml C loader, human files": median_time(yaml_c, runs),
        "json.loads, log lines": median_time(json_lines, runs),
    }
    result["load floor (sum of the four)"] = sum(result.values())
    result["parse floor (yaml C + json)"] = (
        result["yaml C loader, human files"] + result["json.loads, log lines"]
    )
    return result


def bench(name: str, teams: int, runs: int, timeout: float) -> None:
    root, stats = workspace(name, teams)
    size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and ".cxokr" not in p.parts)
    entries = stats["checkins"] + stats["readings"]
    print()
    print(
        f"{name}: {stats['teams']} teams, {stats['key_results']} KRs, {entries} entries "
        f"({stats['checkins']} check-ins, {stats['readings']} readings), "
        f"{size / 1e6:.1f} MB; median of {runs} runs",
        flush=True,
    )
    fl = floors(root, runs)
    startup = "start-up (python -c 'import yaml')"
    parse = "parse floor (yaml C + json)"
    w = ["--workspace", str(root)]
    cold = ["--no-cache"]
    commands = [
        ("--version", ["--version"], startup),
        ("--help", ["--help"], startup),
        ("check, cold", [*cold, "check", *w], parse),
        ("check, warm", ["check", *w], parse),
        ("report, cold", [*cold, "report", *w, "--as-of", AS_OF], parse),
        ("report, warm", ["report", *w, "--as-of", AS_OF], parse),
        ("report --format json, warm", ["report", "--format", "json", *w, "--as-of", AS_OF], parse),
        ("align, warm", ["align", *w, "--as-of", AS_OF], parse),
    ]
    # Prime the cache, as any earlier run would have.
    run_cli(["check", *w], HERE.parent, timeout)()
    fwidth = max(len(k) for k in fl)
    print()
    print(f"{'floor':<{fwidth}}  {'median s':>8}")
    for k, v in fl.items():
        print(f"{k:<{fwidth}}  {v:8.3f}")
    width = max(len(c[0]) for c in commands) + len("cxokr ")
    print()
    print(
        f"{'command':<{width}}  {'median s':>8}  {'min s':>6}  {'cpu s':>6}  {'floor':<{fwidth}}"
        f"  {'floor s':>7}  {'ratio':>6}"
    )
    for label, args, floor in commands:
        command = f"cxokr {label}"
        try:
            found = timed(run_cli(args, HERE.parent, timeout), runs)
        except subprocess.TimeoutExpired:
            shown = f"> {timeout:g} s (timed out, killed)"
            print(f"{command:<{width}}  {shown}", flush=True)
            continue
        seconds = statistics.median(found.wall)
        ratio = seconds / fl[floor]
        print(
            f"{command:<{width}}  {seconds:8.3f}  {min(found.wall):6.3f}"
            f"  {statistics.median(found.cpu):6.2f}  {floor:<{fwidth}}"
            f"  {fl[floor]:7.3f}  {ratio:6.1f}",
            flush=True,
        )
    peak = peak_memory(["report", *w, "--as-of", AS_OF], timeout)
    print(f"\npeak memory of cxokr report, warm: {peak / 1024:.0f} MiB", flush=True)
    peer_comparison(name, root, stats, runs, timeout)


def run_ledger(command: list[str], timeout: float) -> Callable[[], object]:
    def run() -> None:
        proc = subprocess.run(command, capture_output=True, check=False, timeout=timeout)
        if proc.returncode != 0:
            err = proc.stderr.decode(errors="replace").strip().splitlines()[-1:]
            print(f"  warning: {' '.join(command)} exited {proc.returncode}: {err}")

    return run


def peer_comparison(
    name: str, root: Path, stats: dict[str, int], runs: int, timeout: float, work: Path = WORK
) -> None:
    """cxokr against ledger on the same entries (the journal written into `work`), or one
    line saying why not."""
    ledger = peers.find_ledger()
    if ledger is None:
        print(f"\npeer comparison skipped: ledger is not on PATH (install: {peers.INSTALL})")
        return
    dest = work / f"{name}.ledger"
    print(f"\npeer: {peers.ledger_version(ledger)}, journal {dest} ...", end=" ", flush=True)
    journal, written = peers.journal(root, dest)
    print("written" if written else "unchanged, reused", flush=True)
    try:
        read = peers.ledger_counts(ledger, dest, timeout)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as err:
        said = str(getattr(err, "stderr", "") or err).strip().splitlines()[-1:]
        print(f"peer comparison skipped: ledger could not read the journal: {said}")
        return
    print(journal_check(stats, journal, read), flush=True)
    w = ["--workspace", str(root)]
    contenders = {
        "cxokr check, cold": run_cli(["--no-cache", "check", *w], HERE.parent, timeout),
        "cxokr check, warm": run_cli(["check", *w], HERE.parent, timeout),
        "cxokr report, warm": run_cli(["report", *w, "--as-of", AS_OF], HERE.parent, timeout),
        "ledger bal": run_ledger(peers.ledger_command(ledger, dest, "bal"), timeout),
        "ledger reg <one KR>": run_ledger(
            peers.ledger_command(ledger, dest, "reg", journal.account), timeout
        ),
    }
    found = {label: Timing() for label in contenders}
    try:
        for _ in range(runs):  # one round runs each once: the load falls on all alike
            for label, fn in contenders.items():
                found[label].add(fn)
    except subprocess.TimeoutExpired as err:
        print(f"peer comparison stopped: {err}")
        return
    peer_table(found, runs, "ledger bal")
    print(
        f"ledger reg reads the whole journal too but shows one account: about ledger's parse;"
        f" bal adds a report over all {read.accounts} accounts",
        flush=True,
    )


def journal_check(stats: dict[str, int], journal: peers.Journal, read: peers.LedgerCount) -> str:
    """One line: the workspace's entries, the journal's transactions, what ledger read."""
    entries = stats["checkins"] + stats["readings"]
    same = (
        (stats["checkins"], stats["readings"])
        == (journal.checkins, journal.readings)
        == (read.checkins, read.readings)
    ) and read.postings == 2 * read.transactions
    left_out = f", {journal.skipped} entries left out" if journal.skipped else ""
    return (
        f"{entries} log entries ({stats['checkins']} check-ins, {stats['readings']} readings)"
        f" -> {journal.transactions} transactions written{left_out}; ledger read"
        f" {read.transactions} ({read.checkins} + {read.readings}), {read.postings} postings"
        f" in {read.accounts} accounts:"
        f" {'match' if same else 'MISMATCH'}"
    )


def peer_table(found: dict[str, Timing], runs: int, base: str) -> None:
    wall = {k: statistics.median(t.wall) for k, t in found.items()}
    cpu = {k: statistics.median(t.cpu) for k, t in found.items()}
    width = max(len(k) for k in found)
    print(f"median of {runs} rounds, each running every command once; x = this / {base}")
    print(
        f"{'command':<{width}}  {'median s':>8}  {'min s':>6}  {'cpu s':>6}"
        f"  {'x wall':>6}  {'x cpu':>6}"
    )
    for label, t in found.items():
        print(
            f"{label:<{width}}  {wall[label]:8.3f}  {min(t.wall):6.3f}  {cpu[label]:6.2f}"
            f"  {wall[label] / wall[base]:6.2f}  {cpu[label] / max(cpu[base], 1e-9):6.2f}",
            flush=True,
        )


def peak_memory(args: list[str], timeout: float) -> int:
    """Peak resident memory (KiB) of one whole cxokr process, measured from a fresh parent."""
    probe = (
        "import resource, subprocess, sys; "
        "subprocess.run(sys.argv[1:], capture_output=True, check=False); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, sys.executable, "-m", "cxokr", *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=timeout,
        cwd=HERE.parent,
    )
    return int(done.stdout.strip())


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--large", action="store_true", help="also run the 2,000-team workspace")
    parser.add_argument("--runs", type=int, help="runs per measurement (default 5 medium, 3 large)")
    parser.add_argument(
        "--timeout",
        type=float,
        default=600,
        help="seconds after which one run of a command is killed (default 600)",
    )
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    print(f"python {sys.version.split()[0]} ({sys.executable}), {os.cpu_count()} CPUs")
    compiled = steady.compile_package()  # never timed: see benchmarks/steady.py
    print(f"cxokr compiled to bytecode before timing: {'yes' if compiled else 'NO'}")
    for name in ("medium", "large") if args.large else ("medium",):
        teams, default_runs = SIZES[name]
        bench(name, teams, max(1, args.runs or default_runs), args.timeout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
