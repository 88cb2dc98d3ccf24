"""Generate a deterministic, realistic cxokr workspace of a given size.

    python benchmarks/generate.py DIR --teams 200     # medium: ~3k KRs, ~40k log entries
    python benchmarks/generate.py DIR --teams 2000    # large: ~30k KRs, ~400k log entries

The same seed and team count always give byte-identical files. The folder is
emptied of cxokr files first (cxokr.yaml, teams/, metrics/, okrs/, checkins/,
readings/, .cxokr/); nothing else in it is touched.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

VERSION = 1  # bump when the output changes, so run.py regenerates cached workspaces

ENTRIES_PER_TEAM = 200  # check-ins + readings per team (the sizes in DESIGN.md §5)
QUARTER_START = dt.date(2026, 10, 1)
AS_OF = dt.date(2026, 11, 20)
READINGS_START = dt.date(2025, 12, 31)

FUNCTIONS = [
    "marketing",
    "ecommerce",
    "support",
    "stores",
    "it",
    "fulfilment",
    "data",
    "brand",
    "loyalty",
    "merchandising",
]

# id, name, unit, direction, typical value, segments
METRICS: list[tuple[str, str, str, str, float, list[str]]] = [
    ("nps", "Net Promoter Score", "points", "higher", 40, ["online", "in-store"]),
    ("csat", "Customer satisfaction (care)", "%", "higher", 85, []),
    ("ces", "Customer effort score", "points", "lower", 4.2, []),
    ("aov", "Average order value", "USD", "higher", 62, ["online", "in-store"]),
    ("conversion-rate", "Conversion rate", "%", "higher", 2.4, ["online", "mobile"]),
    ("cart-abandonment", "Cart abandonment rate", "%", "lower", 72, []),
    ("aht", "Average handle time", "s", "lower", 420, ["phone", "chat", "email"]),
    ("fcr", "First contact resolution", "%", "higher", 71, []),
    ("queue-time", "Time in queue", "s", "lower", 180, ["phone", "chat"]),
    ("lcp-checkout", "Checkout largest contentful paint", "s", "lower", 2.3, []),
    ("ltv", "Customer lifetime value (24 months)", "USD", "higher", 405, []),
    ("next-day-shipping", "Next-day shipping rate", "%", "higher", 86, []),
    ("repeat-purchase-rate", "Repeat purchase rate (90 days)", "%", "higher", 32, []),
    ("bopis-wait-time", "Click and collect wait time", "min", "lower", 12, []),
    ("return-rate", "Return rate", "%", "lower", 18, ["online", "in-store"]),
    ("on-time-delivery", "On-time delivery rate", "%", "higher", 91, []),
    ("email-open-rate", "Email open rate", "%", "higher", 24, []),
    ("email-ctr", "Email click-through rate", "%", "higher", 3.1, []),
    ("app-rating", "App store rating", "points", "higher", 4.3, ["ios", "android"]),
    ("app-crash-rate", "App crash-free sessions", "%", "higher", 99.2, ["ios", "android"]),
    ("site-uptime", "Storefront availability", "%", "higher", 99.8, []),
    ("search-success", "Search success rate", "%", "higher", 64, ["online", "mobile"]),
    ("stockout-rate", "Online stock-out rate", "%", "lower", 6.5, []),
    ("store-traffic", "Store visits per week", "count", "higher", 182000, []),
    ("loyalty-members", "Active loyalty members", "count", "higher", 410000, []),
    ("loyalty-redemption", "Loyalty redemption rate", "%", "higher", 37, []),
    ("ticket-backlog", "Open ticket backlog", "count", "lower", 2400, []),
    ("chat-deflection", "Self-service deflection rate", "%", "higher", 28, []),
    ("refund-time", "Time to refund", "h", "lower", 52, []),
    ("review-rating", "Average product review rating", "points", "higher", 4.1, []),
    ("social-sentiment", "Net social sentiment", "points", "higher", 22, []),
    ("brand-awareness", "Aided brand awareness", "%", "higher", 41, []),
    ("cac", "Customer acquisition cost", "USD", "lower", 38, ["paid-search", "social"]),
    ("roas", "Return on ad spend", "ratio", "higher", 4.2, ["paid-search", "social"]),
    ("pick-accuracy", "Pick accuracy", "%", "higher", 99.1, []),
    ("dock-to-stock", "Dock-to-stock time", "h", "lower", 30, []),
    ("employee-nps", "Store employee NPS", "points", "higher", 18, []),
    ("training-completion", "Training completion", "%", "higher", 78, []),
    ("price-match-requests", "Price-match requests", "count", "lower", 950, []),
    ("gift-card-sales", "Gift card sales", "USD", "higher", 310000, ["online", "in-store"]),
]

SOURCES = ["zendesk", "shopify-export", "ga4-export", "medallia-export", "data-warehouse", "wms"]
FIRST = ["ana", "ben", "chen", "dana", "eli", "fatima", "grace", "hugo", "ines", "jon", "kofi"]
LAST = ["obi", "silva", "kim", "reyes", "grant", "walsh", "haddad", "lindqvist", "okafor", "park"]
VERBS = ["raise", "grow", "cut", "speed-up", "simplify", "fix", "launch", "delight", "win", "own"]
NOUNS = [
    "basket",
    "checkout",
    "returns",
    "pickup",
    "answers",
    "loyalty",
    "search",
    "delivery",
    "onboarding",
    "reviews",
    "stock",
    "pages",
    "campaigns",
    "app",
    "care",
]
NOTE_TEXT = (
    "the team shipped a fix for the checkout flow and saw a small lift while the "
    "holiday campaign ramped up faster than planned but the data pipeline lagged "
    "two days so numbers may move next week store pilots went well in three regions "
    "and we will widen the rollout after the freeze agents report fewer repeat "
    "contacts since the new macros went live confidence is lower because of vendor delays"
)
WORDS = NOTE_TEXT.split()


@dataclass
class Team:
    id: str
    name: str
    level: int
    parent: str | None
    function: str
    lead: str
    members: list[str]
    objectives: list[str] = field(default_factory=list)


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)}.{rng.choice(LAST)}@acme.example"


def num(x: float) -> int | float:
    """A finite number with at most 2 decimals; whole numbers as int."""
    x = round(x, 2)
    return int(x) if x == int(x) and abs(x) < 1e15 else x


def note(rng: random.Random) -> str | None:
    r = rng.random()
    if r < 0.3:
        return None
    n = rng.randint(2, 12) if r < 0.85 else rng.randint(20, 80)
    start = rng.randrange(len(WORDS))
    words = [WORDS[(start + i) % len(WORDS)] for i in range(n)]
    return " ".join(words).capitalize()


def make_teams(rng: random.Random, n: int) -> list[Team]:
    n2 = max(1, round(n * 0.02))
    n3 = max(1, round(n * 0.30))
    n4 = max(0, n - 1 - n2 - n3)
    teams = [Team("company", "Executive team", 1, None, "executive", person(rng), [])]
    by_level: dict[int, list[Team]] = {1: teams[:]}
    for level, count, prefix in ((2, n2, "cx"), (3, n3, "mgmt"), (4, n4, "ops")):
        by_level[level] = []
        for i in range(count):
            function = rng.choice(FUNCTIONS)
            parent = rng.choice(by_level[level - 1])
            team = Team(
                id=f"{function}-{prefix}-{i + 1:04d}",
                name=f"{function.capitalize()} {prefix} {i + 1}",
                level=level,
                parent=parent.id,
                function=function,
                lead=person(rng),
                members=[person(rng) for _ in range(rng.randint(2, 8))],
            )
            teams.append(team)
            by_level[level].append(team)
    return teams


def write(path: Path, text: str) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    path.write_bytes(data)
    return len(data)


def team_yaml(t: Team) -> str:
    lines = [f"name: {t.name}", f"level: {t.level}"]
    if t.parent:
        lines.append(f"parent: {t.parent}")
    lines.append(f"lead: {t.lead}")
    if t.members:
        lines.append("members:")
        lines += [f"  - {m}" for m in t.members]
    lines.append(f"function: {t.function}")
    return "\n".join(lines) + "\n"


def metric_yaml(m: tuple[str, str, str, str, float, list[str]], owner: str) -> str:
    mid, name, unit, direction, _base, segments = m
    lines = [
        "# yaml-language-server: $schema=../schemas/metric.schema.json",
        f"name: {name}",
        f"unit: {json.dumps(unit)}",
        f"direction: {direction}",
        "description: >-",
        f"  {name}, computed weekly from {SOURCES[len(mid) % len(SOURCES)]} data",
        "  and reviewed by the owning team every Monday.",
        f"owner: {owner}",
        f"source: {SOURCES[len(mid) % len(SOURCES)]}",
    ]
    if segments:
        lines.append(f"segments: [{', '.join(segments)}]")
    return "\n".join(lines) + "\n"


def metric_value(base: float, trend: float, day: int, noise: float, unit: str) -> float:
    """A metric's value `day` days after 2025-12-31: base, a yearly trend, noise."""
    value = base * (1 + trend * day / 365 + noise)
    return min(value, 99.9) if unit == "%" else value


class Generator:
    def __init__(self, root: Path, teams: int, seed: int) -> None:
        self.root = root
        self.rng = random.Random(seed)
        self.n_teams = teams
        self.trend = {
            m[0]: self.rng.uniform(0.02, 0.08) * (1 if m[3] == "higher" else -1) for m in METRICS
        }
        self.stats = {
            "teams": 0,
            "metrics": 0,
            "objectives": 0,
            "key_results": 0,
            "checkins": 0,
            "readings": 0,
            "bytes": 0,
        }

    def out(self, rel: str, text: str) -> None:
        self.stats["bytes"] += write(self.root / rel, text)

    def key_result(self, kid: str, lead: str) -> tuple[list[str], dict[str, object]]:
        """YAML lines of one KR and a spec for its check-ins."""
        rng = self.rng
        r = rng.random()
        lines = [f"      - id: {kid}"]
        spec: dict[str, object] = {}
        if r < 0.55:  # metric KR, start to target
            mid, name, unit, direction, base, segments = rng.choice(METRICS)
            start = num(metric_value(base, self.trend[mid], 273, 0, unit))
            change = rng.uniform(0.03, 0.2) * (1 if direction == "higher" else -1)
            target = num(start * (1 + change))
            if unit == "%" and target > 100:  # a share cannot pass 100%
                target = num(start + (100 - start) / 2)
            if target == start:
                target = num(start + (1 if direction == "higher" else -1))
            lines[0] = f"      - id: {kid}"
            lines.append(f"        title: Move {name.lower()} from {start} to {target} {unit}")
            lines.append(f"        metric: {mid}")
            if segments:
                lines.append(f"        segment: {rng.choice(segments)}")
            lines += [f"        start: {start}", f"        target: {target}"]
            spec = {"kind": "range", "start": start, "target": target}
        elif r < 0.7:  # guardrail on a metric
            mid, name, unit, direction, base, segments = rng.choice(METRICS)
            now = metric_value(base, self.trend[mid], 273, 0, unit)
            kind = "stay_above" if direction == "higher" else "stay_below"
            target = num(now * (0.95 if kind == "stay_above" else 1.05))
            lines.append(f"        title: Keep {name.lower()} {kind.split('_')[1]} {target} {unit}")
            lines.append(f"        metric: {mid}")
            if segments:
                lines.append(f"        segment: {rng.choice(segments)}")
            lines += [f"        type: {kind}", f"        target: {target}"]
            spec = {"kind": "guard", "now": now, "target": target}
        elif r < 0.85:  # own unit
            unit = rng.choice(["count", "%", "USD"])
            if unit == "count":
                start, target = 0, rng.randint(3, 60)
            elif unit == "%":
                start = rng.randint(5, 50)
                target = start + rng.randint(5, 40)
            else:
                start = rng.randint(1000, 50000)
                target = start * rng.choice([2, 3])
            lines.append(f"        title: Take {rng.choice(NOUNS)} from {start} to {target} {unit}")
            lines += [
                f"        unit: {json.dumps(unit)}",
                f"        start: {start}",
                f"        target: {target}",
            ]
            spec = {"kind": "range", "start": start, "target": target, "int": unit == "count"}
        else:  # milestone
            lines.append(f"        title: Launch the new {rng.choice(NOUNS)} experience")
            lines.append("        type: done")
            spec = {"kind": "done", "day": rng.randint(10, 80)}
        if rng.random() < 0.15:
            lines.append("        weight: 2")
        if rng.random() < 0.4:
            lines.append(f"        owner: {lead}")
        return lines, spec

    def checkins(self, team: Team, krs: list[tuple[str, dict[str, object]]]) -> list[str]:
        rng = self.rng
        entries: list[tuple[str, str, str]] = []
        weekday = rng.randint(0, 6)
        days = (AS_OF - QUARTER_START).days
        for ref, spec in krs:
            pace = rng.uniform(0.3, 1.3)
            for d in range(weekday, days + 1, 7):
                if rng.random() < 0.1:
                    continue
                date = QUARTER_START + dt.timedelta(days=d)
                t = d / 91
                entry: dict[str, object] = {"kr": ref, "date": date.isoformat()}
                if rng.random() > 0.08:
                    kind = spec["kind"]
                    if kind == "range":
                        s, g = float(spec["start"]), float(spec["target"])  # type: ignore[arg-type]
                        v = s + (g - s) * min(1.2, t * pace) + (g - s) * rng.uniform(-0.05, 0.05)
                        entry["value"] = round(v) if spec.get("int") else num(v)
                    elif kind == "guard":
                        entry["value"] = num(float(spec["now"]) * (1 + rng.uniform(-0.04, 0.04)))  # type: ignore[arg-type]
                    else:
                        entry["value"] = 1 if d >= int(spec["day"]) else 0  # type: ignore[call-overload]
                entry["confidence"] = round(rng.uniform(0.3, 1.0), 2)
                text = note(rng)
                if text:
                    entry["note"] = text
                who = team.lead if rng.random() < 0.6 else rng.choice(team.members or [team.lead])
                entry["by"] = who
                at = f"{date.isoformat()}T{rng.randint(7, 18):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}Z"
                entry["at"] = at
                entries.append((date.isoformat(), at, "- " + json.dumps(entry)))
        entries.sort()
        return [e[2] for e in entries]

    def objectives(
        self, team: Team, parent: Team | None, count: int, period: str
    ) -> tuple[str, list[tuple[str, dict[str, object]]]]:
        rng = self.rng
        lines = [
            "# yaml-language-server: $schema=../../schemas/okrs.schema.json",
            "objectives:",
        ]
        krs: list[tuple[str, dict[str, object]]] = []
        used: set[str] = set()
        for i in range(count):
            oid = f"{rng.choice(VERBS)}-{rng.choice(NOUNS)}"
            if oid in used:
                oid = f"{oid}-{i + 1}"
            used.add(oid)
            team.objectives.append(oid)
            if i:
                lines.append("")
            lines += [
                f"  - id: {oid}",
                f"    title: {oid.replace('-', ' ').capitalize()} for every customer this quarter",
                f"    owner: {team.lead}",
            ]
            if parent is not None and parent.objectives:
                ref = f"{parent.id}/{rng.choice(parent.objectives)}"
                if parent.level == 1:
                    ref = f"2026:{ref}"
                lines.append(f"    aligns_to: {ref}")
            if rng.random() < 0.1:
                lines.append("    weight: 2")
            lines.append("    key_results:")
            n_krs = rng.randint(3, 5) if period != "2026" else rng.randint(2, 3)
            for j in range(n_krs):
                kid = f"kr{j + 1}-{rng.choice(NOUNS)}"
                kr_lines, spec = self.key_result(kid, rng.choice(team.members or [team.lead]))
                lines += kr_lines
                krs.append((f"{oid}/{kid}", spec))
        self.stats["objectives"] += count
        self.stats["key_results"] += len(krs)
        return "\n".join(lines) + "\n", krs

    def readings(self, budget: int) -> None:
        rng = self.rng
        per_metric = max(10, budget // len(METRICS))
        span = (AS_OF - READINGS_START).days
        for mid, _name, unit, _direction, base, segments in METRICS:
            series = segments or [None]
            per_series = max(2, per_metric // len(series))
            entries: list[tuple[str, str, str]] = []
            source = SOURCES[len(mid) % len(SOURCES)]
            for seg_i, seg in enumerate(series):
                seg_base = base * (1 + 0.08 * seg_i)
                for k in range(per_series):
                    day = k * span // (per_series - 1)
                    date = READINGS_START + dt.timedelta(days=day)
                    at_date = date + dt.timedelta(days=1)
                    minute = k % 1440
                    at = f"{at_date.isoformat()}T{minute // 60:02d}:{minute % 60:02d}:{seg_i:02d}Z"
                    value = num(
                        metric_value(seg_base, self.trend[mid], day, rng.uniform(-0.01, 0.01), unit)
                    )
                    entry: dict[str, object] = {"date": date.isoformat(), "value": value}
                    if seg is not None:
                        entry["segment"] = seg
                    entry.update(source=source, by="etl@acme.example", at=at)
                    entries.append((date.isoformat(), at, "- " + json.dumps(entry)))
            entries.sort()
            header = "# yaml-language-server: $schema=../schemas/readings.schema.json\n"
            self.out(f"readings/{mid}.yaml", header + "\n".join(e[2] for e in entries) + "\n")
            self.stats["readings"] += len(entries)

    def run(self) -> dict[str, int]:
        rng = self.rng
        for name in ("cxokr.yaml",):
            (self.root / name).unlink(missing_ok=True)
        for name in ("teams", "metrics", "okrs", "checkins", "readings", ".cxokr"):
            shutil.rmtree(self.root / name, ignore_errors=True)
        self.root.mkdir(parents=True, exist_ok=True)
        self.out(
            "cxokr.yaml",
            "# Generated by benchmarks/generate.py\n"
            f"organization: Acme Retail ({self.n_teams} teams)\n"
            "periods:\n"
            "  - {id: 2026, start: 2026-01-01, end: 2026-12-31}\n"
            "  - {id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}\n"
            "levels: {1: Executive, 2: CX leadership, 3: CX management, 4: Operations}\n"
            "status: {on_track: 0.9, at_risk: 0.6}\n"
            "stale_after_days: 14\n",
        )
        teams = make_teams(rng, self.n_teams)
        by_id = {t.id: t for t in teams}
        for t in teams:
            self.out(
                f"teams/{t.id}.yaml",
                "# yaml-language-server: $schema=../schemas/team.schema.json\n" + team_yaml(t),
            )
        self.stats["teams"] = len(teams)
        owners = [t.id for t in teams if t.level in (2, 3)] or ["company"]
        for m in METRICS:
            self.out(f"metrics/{m[0]}.yaml", metric_yaml(m, rng.choice(owners)))
        self.stats["metrics"] = len(METRICS)

        text, _ = self.objectives(teams[0], None, 5, "2026")
        self.out("okrs/2026/company.yaml", text)
        for t in teams[1:]:  # teams are in level order, so a parent's objectives exist
            text, krs = self.objectives(
                t, by_id[t.parent or "company"], rng.randint(3, 5), "2026-Q4"
            )
            self.out(f"okrs/2026-Q4/{t.id}.yaml", text)
            lines = self.checkins(t, krs)
            header = "# yaml-language-server: $schema=../../schemas/checkins.schema.json\n"
            self.out(f"checkins/2026-Q4/{t.id}.yaml", header + "\n".join(lines) + "\n")
            self.stats["checkins"] += len(lines)
        self.readings(ENTRIES_PER_TEAM * self.n_teams - self.stats["checkins"])
        return self.stats


def generate(root: Path, teams: int, seed: int = 1) -> dict[str, int]:
    """Write the workspace into root and return its size (teams, KRs, entries, bytes)."""
    return Generator(root, teams, seed).run()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("dir", type=Path, help="workspace folder to (re)write")
    parser.add_argument("--teams", type=int, default=200, help="number of teams (default 200)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args()
    if args.teams < 2:
        parser.error("--teams must be at least 2")
    stats = generate(args.dir, args.teams, args.seed)
    print(" ".join(f"{k}={v}" for k, v in stats.items()))


if __name__ == "__main__":
    main()
