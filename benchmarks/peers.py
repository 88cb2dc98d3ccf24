"""The same entries as a ledger journal, so that `make bench` can time cxokr against ledger.

Every log entry of a workspace (each check-in and each reading) becomes one dated
transaction in ledger's plain syntax, read from the workspace's own files:

    2026-10-04 * May move next week store pilots went well in three
        Goals:2026-Q4:brand-mgmt-0017:raise-loyalty:kr4-reviews    49084.47 USD
        Equity:Checkins

    2025-12-31 * medallia-export
        Metrics:nps:online    39.88 points
        Equity:Readings

A check-in posts to `Goals:<period>:<team>:<objective>:<kr>`, a reading to
`Metrics:<metric>[:<segment>]`. The amount is the entry's value in the unit of its
key result or metric, quoted unless it is a plain word (a key result without a unit
of its own takes its metric's; a milestone's is `done`). A check-in without a value
posts its confidence, in `confidence`. The payee is the entry's note, else a
check-in's author or a reading's source (the first with a character to show). Nothing in a note can break the journal:
control characters become spaces, runs of spaces become one (two would start a
comment), and a leading `(` (a transaction code) is put behind an empty code `()`.
The other posting is left without an amount, so ledger balances each transaction.
An entry whose date is not YYYY-MM-DD is left out and counted, so that the check
of transactions against entries shows it.

`journal()` writes it next to the workspace and rewrites it only when a file of the
workspace (its path, size or modification time) or this format changed.
`ledger_counts()` asks ledger itself how many transactions, postings and accounts it read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

VERSION = 1  # bump when the journal's text changes, so cached journals are rewritten
INSTALL = "apt-get install ledger"
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
NOT_IN_ACCOUNT = re.compile("[\\s:;\x00-\x1f\x7f-\x9f\u2028\u2029]+")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
WORD = re.compile(r"[A-Za-z]+\Z")


@dataclass(frozen=True)
class Journal:
    """What a written journal holds: transactions per kind, entries left out, one KR's account."""

    checkins: int
    readings: int
    skipped: int
    account: str  # a check-in account, for `ledger reg`

    @property
    def transactions(self) -> int:
        return self.checkins + self.readings


@dataclass(frozen=True)
class LedgerCount:
    """What ledger read: transactions of each kind (by their balancing posting), postings
    and accounts (with a posting of their own)."""

    checkins: int
    readings: int
    postings: int
    accounts: int

    @property
    def transactions(self) -> int:
        return self.checkins + self.readings


def payee(*texts: object) -> str:
    """The first of `texts` with something to show, as one safe payee: no control
    characters, no runs of spaces, a leading `(` behind an empty code."""
    for text in texts:
        clean = " ".join(CONTROL.sub(" ", str(text or "")).split())
        if clean:
            return f"() {clean}" if clean.startswith("(") else clean
    return "-"


def segment(name: str) -> str:
    """One level of an account name: no separators, spaces or control characters."""
    return NOT_IN_ACCOUNT.sub("_", name).strip("_") or "_"


def commodity(unit: str) -> str:
    if WORD.match(unit):
        return unit
    inner = CONTROL.sub("", unit).replace('"', "").strip()
    return f'"{inner}"' if inner else "unit"


def amount(value: object) -> str | None:
    """A JSON or YAML number in ledger's notation (no exponent); None for anything else."""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        text = repr(value)
        return format(Decimal(text), "f") if "e" in text else text
    return None


def log_entries(path: Path) -> list[dict[str, Any]]:
    """The entries of one log file: a JSON decoder per line, YAML for lines a person wrote."""
    found = []
    for line in path.read_bytes().splitlines():
        if not line.strip() or line.startswith(b"#"):
            continue
        try:
            entry = json.loads(line[2:]) if line.startswith(b"- {") else None
        except ValueError:
            entry = None
        if not isinstance(entry, dict):
            loaded = yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader) or []
            return [e for e in loaded if isinstance(e, dict)]
        found.append(entry)
    return found


def units(root: Path) -> tuple[dict[tuple[str, ...], str], dict[str, str]]:
    """Each key result's unit, by (period, team, objective, kr), and each metric's."""
    metrics: dict[str, str] = {}
    for path in sorted((root / "metrics").glob("*.yaml")):
        doc = yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader) or {}
        metrics[path.stem] = str(doc.get("unit", ""))
    krs: dict[tuple[str, ...], str] = {}
    for path in sorted((root / "okrs").glob("*/*.yaml")):
        doc = yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader) or {}
        for objective in doc.get("objectives") or []:
            for kr in objective.get("key_results") or []:
                unit = kr.get("unit") or metrics.get(str(kr.get("metric")), "")
                if not unit and kr.get("type") == "done":
                    unit = "done"
                key = (path.parent.name, path.stem, str(objective.get("id")), str(kr.get("id")))
                krs[key] = str(unit)
    return krs, metrics


def transaction(date: str, who: str, account: str, posted: str, other: str) -> str:
    return f"{date} * {who}\n    {account}    {posted}\n    {other}\n\n"


def date_of(entry: dict[str, Any]) -> str | None:
    date = entry.get("date")
    text = date.isoformat() if isinstance(date, dt.date) else str(date)
    return text if DATE.match(text) else None


def checkin_lines(root: Path, kr_units: dict[tuple[str, ...], str]) -> Iterator[str | None]:
    """One transaction per check-in (None for one left out), file by file."""
    for path in sorted((root / "checkins").glob("*/*.yaml")):
        period, team = path.parent.name, path.stem
        for entry in log_entries(path):
            date = date_of(entry)
            if date is None:
                yield None
                continue
            ref = str(entry.get("kr", "")).split("/")
            unit = kr_units.get((period, team, *ref), "")
            posted = amount(entry.get("value"))
            if posted is None:
                posted, unit = amount(entry.get("confidence")) or "0", "confidence"
            account = ":".join(segment(s) for s in ("Goals", period, team, *ref))
            who = payee(entry.get("note"), entry.get("by"), "check-in")
            yield transaction(date, who, account, f"{posted} {commodity(unit)}", "Equity:Checkins")


def reading_lines(root: Path, metric_units: dict[str, str]) -> Iterator[str | None]:
    """One transaction per reading (None for one left out), metric by metric."""
    for path in sorted((root / "readings").glob("*.yaml")):
        unit = commodity(metric_units.get(path.stem, ""))
        for entry in log_entries(path):
            date = date_of(entry)
            if date is None:
                yield None
                continue
            names = ["Metrics", path.stem]
            if entry.get("segment") is not None:
                names.append(str(entry["segment"]))
            account = ":".join(segment(s) for s in names)
            who = payee(entry.get("note"), entry.get("source"), entry.get("by"), "reading")
            posted = amount(entry.get("value")) or "0"
            yield transaction(date, who, account, f"{posted} {unit}", "Equity:Readings")


def write_journal(root: Path, dest: Path) -> Journal:
    """Write the journal of the workspace at `root` to `dest` and say what it holds."""
    kr_units, metric_units = units(root)
    counts = {"checkins": 0, "readings": 0, "skipped": 0}
    first = ""
    tmp = dest.with_name(dest.name + ".tmp")
    with tmp.open("w", encoding="utf-8", errors="replace") as out:
        for kind, lines in (
            ("checkins", checkin_lines(root, kr_units)),
            ("readings", reading_lines(root, metric_units)),
        ):
            for text in lines:
                if text is None:
                    counts["skipped"] += 1
                    continue
                out.write(text)
                counts[kind] += 1
                first = first or text
    tmp.replace(dest)
    account = first.split("\n")[1].strip().split("    ")[0] if first else ""
    return Journal(**counts, account=account)


def fingerprint(root: Path) -> str:
    """Every workspace file's path, size and modification time, hashed (the state folder aside)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if ".cxokr" not in p.relative_to(root).parts):
        if path.is_file():
            st = path.stat()
            digest.update(f"{path.relative_to(root)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def journal(root: Path, dest: Path) -> tuple[Journal, bool]:
    """The journal of `root` at `dest` (with a stamp beside it), rewritten only when the
    workspace or the format changed; True when it was written now."""
    stamp = dest.with_name(dest.name + ".json")
    key = {"version": VERSION, "workspace": fingerprint(root)}
    if stamp.exists() and dest.exists():
        saved = json.loads(stamp.read_text())
        if saved.get("key") == key:
            return Journal(**saved["journal"]), False
    found = write_journal(root, dest)
    stamp.write_text(json.dumps({"key": key, "journal": asdict(found)}))
    return found, True


def find_ledger() -> str | None:
    return shutil.which("ledger")


def ledger_command(ledger: str, journal_path: Path, *args: str) -> list[str]:
    """A ledger command line that reads nothing but the journal (no ~/.ledgerrc, no LEDGER_FILE)."""
    return [ledger, "--args-only", "-f", str(journal_path), *args]


def ledger_version(ledger: str) -> str:
    done = subprocess.run([ledger, "--version"], capture_output=True, text=True, check=False)
    first = done.stdout.splitlines()[:1]
    return first[0].split(",")[0] if first else "ledger"


def ledger_counts(ledger: str, journal_path: Path, timeout: float) -> LedgerCount:
    """How many transactions and postings ledger read from the journal: `accounts --count`
    gives each account's postings (`--empty`: zero amounts too), and every transaction has
    one balancing posting, under Equity:Checkins or Equity:Readings. Raises
    CalledProcessError (with ledger's message) when ledger cannot read the journal."""
    done = subprocess.run(
        ledger_command(ledger, journal_path, "--count", "--empty", "accounts"),
        capture_output=True,
        text=True,
        check=True,
        timeout=timeout,
    )
    counts = {"Equity:Checkins": 0, "Equity:Readings": 0}
    postings = 0
    lines = done.stdout.splitlines()
    for line in lines:
        count, _, name = line.strip().partition(" ")
        postings += int(count)
        if name in counts:
            counts[name] += int(count)
    return LedgerCount(counts["Equity:Checkins"], counts["Equity:Readings"], postings, len(lines))
