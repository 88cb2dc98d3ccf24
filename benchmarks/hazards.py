"""Time `workspace.load` + `checks.check` on hostile files (the tests only check the codes).

Run from the repository root: `python benchmarks/hazards.py`. Each hazard is written
into a small valid workspace in a temporary folder; the table shows the file size,
the problem codes found in it and the best of three runs.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from cxokr.load import workspace
from cxokr.rules import checks

BASE = {
    "cxokr.yaml": "organization: Acme Retail\n"
    "periods:\n  - {id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}\n",
    "teams/company.yaml": "name: Executive team\nlevel: 1\n",
    "metrics/aov.yaml": "name: Average order value\nunit: USD\ndirection: higher\n",
    "readings/aov.yaml": '- {"date": "2026-11-20", "value": 61.2}\n',
}
RUNS = 3
MIB = 1024 * 1024


def alias_bomb(path: Path) -> None:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 12):  # 9**12 strings once expanded
        lines.append(f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * 9)}]")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def deep_nesting(path: Path) -> None:
    path.write_text("members: " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")


def fifty_mb(path: Path) -> None:
    with path.open("wb") as out:
        out.truncate(50 * MIB)


def random_bytes(path: Path) -> None:
    path.write_bytes(random.Random(20261120).randbytes(MIB))


def nested_log_line(path: Path) -> None:
    body = "[" * 100_000 + "]" * 100_000
    path.write_text('- {"date": "2026-11-20", "value": ' + body + "}\n", encoding="utf-8")


def big_valid_log(path: Path) -> None:
    line = '- {"date": "2026-11-20", "value": 61.2, "source": "shopify-export", "by": "etl"}\n'
    path.write_text(line * (30 * MIB // len(line)), encoding="utf-8")


HAZARDS: tuple[tuple[str, str, Callable[[Path], None]], ...] = (
    ("alias bomb (9**12)", "teams/bomb.yaml", alias_bomb),
    ("100k nested [", "teams/deep.yaml", deep_nesting),
    ("50 MB file", "teams/huge.yaml", fifty_mb),
    ("1 MB random bytes", "teams/noise.yaml", random_bytes),
    ("100k nested [ in a log line", "readings/aov.yaml", nested_log_line),
    ("30 MB valid log (limit 32)", "readings/aov.yaml", big_valid_log),
)


def write_base(root: Path) -> None:
    for rel, text in BASE.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


def measure(root: Path, rel: str) -> tuple[float, str]:
    best = float("inf")
    codes = ""
    for _ in range(RUNS):
        start = time.perf_counter()
        found = checks.check(workspace.load(root))
        best = min(best, time.perf_counter() - start)
        codes = " ".join(sorted({p.code for p in found if p.path == rel})) or "-"
    return best, codes


def main() -> int:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        baseline = Path(tmp) / "baseline"
        write_base(baseline)
        seconds, _ = measure(baseline, "")
        rows.append(("clean base workspace", "", "-", seconds))
        for index, (name, rel, build) in enumerate(HAZARDS):
            root = Path(tmp) / f"hazard-{index}"
            write_base(root)
            build(root / rel)
            seconds, codes = measure(root, rel)
            size = (root / rel).stat().st_size
            rows.append((name, f"{size / MIB:.2f} MiB", codes, seconds))
    width = max(len(row[0]) for row in rows)
    print(f"{'hazard':<{width}}  {'size':>10}  {'codes':<6}  load+check")
    for name, size, codes, seconds in rows:
        print(f"{name:<{width}}  {size:>10}  {codes:<6}  {seconds * 1000:8.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
