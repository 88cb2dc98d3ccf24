"""Time the history commands on a generated 10,000-commit repository.

    python benchmarks/history.py              # median of 3 runs per command
    python benchmarks/history.py --runs 5
    python benchmarks/history.py --commits 50000

The repository is built with `git fast-import` into benchmarks/work/ (git-ignored)
and reused while its parameters are unchanged. Its workspace has 50 teams with
3 objectives of 3 key results each in 2026-Q4, and 20 metrics. After the first
commit, each commit, one a day-slice apart through the quarter, is a check-in to
a random team's log (70%), a reading of a random metric (25%) or a change to a
random key result's target (5%), by one of five authors. Timed: whole `cxokr`
processes (start-up included) of `log` of one key result, `log` of one team,
`check` warm (nothing changed since the run before), `check` right after one new
check-in commit (what the first check after each check-in costs: before each run,
untimed, a check-in line is appended to a team's log and committed with
`git commit`; those commits are taken back with `git reset --hard` at the end) and
`report --since`, first without and then with a commit-graph (`git commit-graph
write --reachable --changed-paths`, what `git gc` writes with
`gc.writeCommitGraph`); against floors of `python -c "import cxokr.cli"` and the
`git log` that `cxokr log` of the key result runs. Each row shows the median wall
time and the median CPU time (user+system of the process and the git processes
it waits for), which other work on a shared machine disturbs less. A warm-up run
precedes each measurement. Always exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import steady

HERE = Path(__file__).resolve().parent
WORK = HERE / "work"
VERSION = 1
SEED = 7
TEAMS, OBJECTIVES, KRS, METRICS = 50, 3, 3, 20
KR = "2026-Q4:team-00/objective-0/kr-0"
AUTHORS = [("Dana Cho", "dana"), ("Raj Patel", "raj"), ("Ines Okafor", "ines")]
AUTHORS += [("Tom Reyes", "tom"), ("Maya Lindqvist", "maya")]
START = datetime(2026, 9, 25, 9, 0, tzinfo=UTC)
QUARTER = datetime(2026, 10, 1, tzinfo=UTC)
# No user or system configuration: an empty file of our own (not os.devnull, which a
# broken container can turn into a regular file that holds text).
GLOBAL_CONFIG = WORK / "empty.gitconfig"
ENV = {
    **{k: v for k, v in steady.environment().items() if k != "CXOKR_NO_CACHE"},
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": str(GLOBAL_CONFIG),
    "NO_COLOR": "1",
    "COLUMNS": "100",
}


def okr_file(team: int, targets: dict[tuple[int, int, int], float]) -> str:
    lines = ["objectives:"]
    for o in range(OBJECTIVES):
        lines += [f"  - id: objective-{o}", f"    title: Objective {o} of team {team}"]
        lines.append("    key_results:")
        for k in range(KRS):
            metric = (team * OBJECTIVES * KRS + o * KRS + k) % METRICS
            lines += [
                f"      - id: kr-{k}",
                f"        title: Key result {k}",
                f"        metric: metric-{metric:02d}",
                "        segment: online",
                "        start: 100",
                f"        target: {targets[(team, o, k)]:g}",
            ]
    return "\n".join(lines) + "\n"


def base_files() -> dict[str, str]:
    files = {
        "cxokr.yaml": (
            "organization: Benchmark Retail\nperiods:\n"
            "  - {id: 2026, start: 2026-01-01, end: 2026-12-31}\n"
            "  - {id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}\n"
        ),
        "teams/company.yaml": "name: Executive team\nlevel: 1\n",
    }
    for t in range(TEAMS):
        files[f"teams/team-{t:02d}.yaml"] = f"name: Team {t}\nlevel: 3\nparent: company\n"
        files[f"checkins/2026-Q4/team-{t:02d}.yaml"] = ""
    for m in range(METRICS):
        files[f"metrics/metric-{m:02d}.yaml"] = (
            f"name: Metric {m}\nunit: points\ndirection: higher\nsegments: [online, in-store]\n"
        )
        files[f"readings/metric-{m:02d}.yaml"] = ""
    return files


def build(repo: Path, commits: int) -> dict[str, int]:
    """A repository of `commits` commits, written with one `git fast-import`."""
    rng = random.Random(SEED)
    shutil.rmtree(repo, ignore_errors=True)
    repo.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repo, check=True, env=ENV)
    files = base_files()
    targets = {
        (t, o, k): 120.0 for t in range(TEAMS) for o in range(OBJECTIVES) for k in range(KRS)
    }
    for t in range(TEAMS):
        files[f"okrs/2026-Q4/team-{t:02d}.yaml"] = okr_file(t, targets)
    step = (datetime(2026, 12, 20, tzinfo=UTC) - QUARTER) / commits
    out: list[bytes] = []
    kinds = {"checkin": 0, "reading": 0, "target": 0}

    def commit(n: int, when: datetime, message: str, changed: list[str]) -> None:
        name, user = AUTHORS[n % len(AUTHORS)]
        stamp = f"{name} <{user}@bench.example> {int(when.timestamp())} +0000"
        body = message.encode()
        out.append(f"commit refs/heads/main\nmark :{n + 1}\n".encode())
        out.append(f"author {stamp}\ncommitter {stamp}\ndata {len(body)}\n".encode() + body + b"\n")
        for path in changed:
            data = files[path].encode()
            out.append(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")

    commit(0, START, "Set the 2026-Q4 goals", sorted(files))
    for n in range(1, commits):
        when = QUARTER + step * n
        day = (QUARTER + step * n).date().isoformat()
        roll = rng.random()
        if roll < 0.70:
            t, o, k = rng.randrange(TEAMS), rng.randrange(OBJECTIVES), rng.randrange(KRS)
            path = f"checkins/2026-Q4/team-{t:02d}.yaml"
            value = round(100 + rng.random() * 20, 1)
            files[path] += (
                f'- {{"kr": "objective-{o}/kr-{k}", "date": "{day}", "value": {value}, '
                f'"confidence": {rng.choice([0.5, 0.7, 0.9])}, "note": "Week {n}"}}\n'
            )
            kinds["checkin"] += 1
            commit(n, when, f"checkin(team-{t:02d}): objective-{o}/kr-{k} = {value}", [path])
        elif roll < 0.95:
            m = rng.randrange(METRICS)
            path = f"readings/metric-{m:02d}.yaml"
            value = round(100 + rng.random() * 20, 2)
            files[path] += f'- {{"date": "{day}", "value": {value}, "segment": "online"}}\n'
            kinds["reading"] += 1
            commit(n, when, f"record(metric-{m:02d}): {value}", [path])
        else:
            t, o, k = rng.randrange(TEAMS), rng.randrange(OBJECTIVES), rng.randrange(KRS)
            targets[(t, o, k)] += 1
            path = f"okrs/2026-Q4/team-{t:02d}.yaml"
            files[path] = okr_file(t, targets)
            kinds["target"] += 1
            commit(n, when, f"Raise team-{t:02d} objective-{o}/kr-{k}", [path])
    stream = b"".join(out) + b"done\n"
    subprocess.run(
        ["git", "fast-import", "--quiet", "--done"],
        cwd=repo,
        input=stream,
        check=True,
        env=ENV,
    )
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=repo, check=True, env=ENV)
    return {"commits": commits, "bytes": len(stream), **kinds}


def repository(commits: int) -> tuple[Path, dict[str, int]]:
    repo = WORK / f"history-{commits}"
    stamp = WORK / f"history-{commits}.json"
    params = {"commits": commits, "seed": SEED, "version": VERSION}
    if stamp.exists() and (repo / ".git").exists():
        saved = json.loads(stamp.read_text())
        if saved.get("params") == params:
            return repo, saved["stats"]
    print(f"building a {commits}-commit repository in {repo} ...", flush=True)
    started = time.perf_counter()
    stats = build(repo, commits)
    print(f"  built in {time.perf_counter() - started:.1f} s", flush=True)
    stamp.write_text(json.dumps({"params": params, "stats": stats}))
    return repo, stats


class NewCheckins:
    """Check-in commits made with `git commit` on top of the generated history, one per
    call, as `cxokr checkin` makes them; `restore` takes them all back."""

    def __init__(self, repo: Path) -> None:
        self.repo = repo
        self.path = "checkins/2026-Q4/team-01.yaml"
        self.head = self._git("rev-parse", "HEAD").strip()
        self.made = 0

    def _git(self, *args: str, env: dict[str, str] | None = None) -> str:
        done = subprocess.run(
            ["git", *args], cwd=self.repo, env=env or ENV, capture_output=True, check=True
        )
        return done.stdout.decode()

    def commit(self) -> None:
        self.made += 1
        when = f"2026-12-20T12:{self.made // 60 % 60:02d}:{self.made % 60:02d}+00:00"
        line = (
            f'- {{"kr": "objective-0/kr-0", "date": "2026-12-20", "value": 110, '
            f'"confidence": 0.7, "note": "After {self.made}"}}\n'
        )
        with (self.repo / self.path).open("a", encoding="utf-8") as log:
            log.write(line)
        name, user = AUTHORS[0]
        env = {**ENV, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
        env |= {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": f"{user}@bench.example"}
        env |= {"GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": f"{user}@bench.example"}
        message = f"checkin(team-01): objective-0/kr-0 = 110 ({self.made})"
        self._git("commit", "-q", "--no-verify", "-m", message, "--", self.path, env=env)

    def restore(self) -> None:
        """Back to the generated history: the branch, the index and the working tree."""
        self._git("reset", "-q", "--hard", self.head)


def median_time(
    command: list[str], cwd: Path, runs: int, before: Callable[[], None] | None = None
) -> tuple[float, float]:
    """The median wall and CPU seconds of `runs` runs of `command` (after a warm-up run);
    `before` runs, untimed, ahead of each."""

    def once() -> tuple[float, float]:
        if before is not None:
            before()
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(command, cwd=cwd, env=ENV, capture_output=True, check=False)
        elapsed = time.perf_counter() - started
        now = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = now.ru_utime - used.ru_utime + now.ru_stime - used.ru_stime
        if done.returncode not in (0, 1):
            reason = done.stderr.decode(errors="replace").strip().splitlines()[-1:]
            print(f"  warning: {' '.join(command[2:])} exited {done.returncode}: {reason}")
        return elapsed, cpu

    once()  # warm-up: file system cache, and the parse cache for commands that load
    timed = [once() for _ in range(runs)]
    return statistics.median(w for w, _ in timed), statistics.median(c for _, c in timed)


def measure(repo: Path, runs: int, label: str) -> None:
    cxokr = [sys.executable, "-m", "cxokr"]
    kr_files = ["okrs/2026-Q4/team-00.yaml", "checkins/2026-Q4/team-00.yaml"]
    kr_files.append("readings/metric-00.yaml")
    rows: list[tuple[str, list[str]]] = [
        ('python -c "import cxokr.cli"', [sys.executable, "-c", "import cxokr.cli"]),
        (
            "git log --raw (the KR's files)",
            ["git", "log", "--raw", "--no-renames", "--no-merges", "--", *kr_files],
        ),
        (f"cxokr log {KR}", [*cxokr, "log", KR]),
        ("cxokr log 2026-Q4:team-00", [*cxokr, "log", "2026-Q4:team-00"]),
        ("cxokr check (warm)", [*cxokr, "check"]),
        ("cxokr check (after one new commit)", [*cxokr, "check"]),
        ("cxokr report --since 7d", [*cxokr, "report", "--since", "7d", "--as-of", "2026-12-20"]),
    ]
    width = max(len(name) for name, _ in rows)
    print(f"\n{label}: median of {runs} runs")
    print(f"  {'command':<{width}}  {'wall s':>7}  {'cpu s':>6}")
    checkins = NewCheckins(repo)
    try:
        for name, command in rows:
            before = checkins.commit if "new commit" in name else None
            try:
                wall, cpu = median_time(command, repo, runs, before)
            except subprocess.CalledProcessError as exc:  # a check-in git would not commit
                print(f"  {name:<{width}}  skipped: {' '.join(exc.cmd)} exited {exc.returncode}")
                continue
            finally:
                if checkins.made:
                    checkins.restore()
                    checkins.made = 0
            print(f"  {name:<{width}}  {wall:7.3f}  {cpu:6.2f}", flush=True)
    finally:
        checkins.restore()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3, help="timed runs per command (default 3)")
    parser.add_argument("--commits", type=int, default=10_000, help="commits (default 10,000)")
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    GLOBAL_CONFIG.touch()
    print(f"python {sys.version.split()[0]} ({sys.executable}), {os.cpu_count()} CPUs")
    compiled = steady.compile_package()  # never timed: see benchmarks/steady.py
    print(f"cxokr compiled to bytecode before timing: {'yes' if compiled else 'NO'}")
    repo, stats = repository(args.commits)
    print(
        f"{stats['commits']} commits: {stats['checkin']} check-ins, {stats['reading']} readings, "
        f"{stats['target']} target changes; {TEAMS} teams, {TEAMS * OBJECTIVES * KRS} KRs"
    )
    graph = Path(repo / ".git" / "objects" / "info" / "commit-graph")
    graph.unlink(missing_ok=True)
    shutil.rmtree(graph.parent / "commit-graphs", ignore_errors=True)
    measure(repo, args.runs, "without a commit-graph")
    subprocess.run(
        ["git", "commit-graph", "write", "--reachable", "--changed-paths"],
        cwd=repo,
        check=True,
        env=ENV,
        capture_output=True,
    )
    measure(
        repo, args.runs, "with a commit-graph (git commit-graph write --reachable --changed-paths)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
