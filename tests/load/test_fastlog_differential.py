"""The per-log msgspec path against the line-by-line path that words problems, log by log.

Every log is read both ways: as `parsing.log` reads it (msgspec first), and with
msgspec turned off, so that the Pydantic and YAML readers read every line. The
entries (their values, types and representation), their lines, their order and
every problem with its place must be the same, for the example's logs, the
invalid corpus, generated workspaces, and seeded random logs holding every way a
line can be wrong.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from benchmarks.generate import generate
from cxokr import yamlio
from cxokr.load import fastlog, parsing
from cxokr.model import CHECKINS, READINGS, CheckinEntry, ReadingEntry
from tests.paths import DATA, EXAMPLE

Entry = type[CheckinEntry] | type[ReadingEntry]


def both_ways(
    raw: bytes, entry: Entry, monkeypatch: pytest.MonkeyPatch
) -> tuple[parsing.LogOutcome[Any], parsing.LogOutcome[Any], bool]:
    """The usual outcome, the outcome without msgspec, and whether msgspec took the log."""
    adapter = CHECKINS if entry is CheckinEntry else READINGS
    took = fastlog.read(raw, entry) is not None
    usual = parsing.log(raw, adapter, entry)
    with monkeypatch.context() as m:
        m.setattr(fastlog, "read", lambda raw, entry: None)
        slow = parsing.log(raw, adapter, entry)
    return usual, slow, took


def assert_identical(a: parsing.LogOutcome[Any], b: parsing.LogOutcome[Any], raw: bytes) -> None:
    """Equal, and alike to the last detail equality overlooks: a float against an int,
    -0.0 against 0.0, a moment's zone (the representation shows all three)."""
    assert a.entries.rows == b.entries.rows, raw
    assert [repr(row) for row in a.entries.rows] == [repr(row) for row in b.entries.rows], raw
    assert [type(row) for row in a.entries.rows] == [type(row) for row in b.entries.rows]
    assert list(a.lines) == list(b.lines), raw
    assert a.issues == b.issues, raw


def log_files(root: Path) -> list[tuple[Path, Entry]]:
    found = [(p, CheckinEntry) for p in sorted(root.glob("**/checkins/**/*.yaml"))]
    return found + [(p, ReadingEntry) for p in sorted(root.glob("**/readings/*.yaml"))]


def test_the_examples_and_the_invalid_corpus_are_read_alike(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    files = log_files(EXAMPLE) + log_files(DATA / "invalid")
    taken = []
    for path, entry in files:
        raw = path.read_bytes()
        usual, slow, took = both_ways(raw, entry, monkeypatch)
        assert_identical(usual, slow, raw)
        taken.append(took)
    assert len(files) > 40 and any(taken) and not all(taken)


def test_generated_logs_take_the_per_log_path_and_are_read_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    generate(tmp_path, 4, 11)
    files = log_files(tmp_path)
    assert len(files) > 4
    for path, entry in files:
        raw = path.read_bytes()
        assert yamlio.json_lines(raw) is not None  # the whole log at once, not line by line
        usual, slow, took = both_ways(raw, entry, monkeypatch)
        assert took
        assert_identical(usual, slow, raw)
        assert len(usual.entries.rows) > 0 and not usual.issues


# --- Seeded random logs ------------------------------------------------------------------

# Texts the models keep (the first ten, with quotes and backslashes that JSON escapes), then
# texts they refuse or that only look odd.
TEXTS = [
    "ok",
    "Bundles live",
    'say "hi"',
    "back\\slash",
    "é ü 日本",
    "emoji 😀",
    "x}",
    '": null',
    '"kr": "a"',
    "tab\there",
    "",
    "a/b",
    " lead",
    "null",
    "\u2028",
    "\u202e",
    "\x85",
    "\x1b[2J",
    "\ud800",
    "\ufffe",
]
NUMBERS: list[Any] = [
    0,
    1,
    -1,
    0.5,
    61.5,
    -0.0,
    1e-320,
    1e17,
    10**18 - 1,
    10**18,
    -(10**18) + 1,
    10**19,
    1.5e18,
    123456789012345678,
    True,
    None,
    "1",
    [1],
]
DAYS: list[Any] = ["2026-10-01", "2026-10-02", "2026-09-30", "2026-12-31"]
ODD_DAYS: list[Any] = ["2026-1-02", "2026-10-01T00:00:00", "", 20261001, "2026-02-30", None]
MOMENTS: list[Any] = [
    "2026-10-01T08:00:00Z",
    "2026-10-01T09:00:00Z",
    "2026-10-01T08:00:00+02:00",
    "2026-10-01T08:00:00",
    "2026-10-01t08:00:00z",
    "2026-10-01T08:00:00.1234567Z",
    "2026-10-01T08:00Z",
    "2026-10-01 08:00:00Z",
    "2026-10-01T24:00:00Z",
    "2026-10-01",
    1790000000,
    None,
]
KRS = ["grow/aov", "fix-returns/kr2", "Grow/AOV", "grow/aov\n", "x" * 70, "a"]
SEGMENTS = ["online", "in-store", "Online", "", None]


def pick(rng: random.Random, good: list[Any], odd: list[Any], rate: float) -> Any:
    return rng.choice(odd) if rng.random() < rate else rng.choice(good)


def random_entry(rng: random.Random, entry: Entry, rate: float) -> dict[str, Any]:
    """An entry, valid but for a value drawn from the odd ones now and then."""
    day = pick(rng, DAYS, ODD_DAYS, rate)
    data: dict[str, Any]
    if entry is CheckinEntry:
        data = {"kr": pick(rng, KRS[:2], KRS, rate), "date": day}
        optional: dict[str, list[Any]] = {
            "value": NUMBERS[:9],
            "confidence": [0, 0.3, 1, 1.0, 1.5, -0.1, None],
            "note": TEXTS,
            "score": [0.5, 1, None, 2],
            "done": [["a"], [], ["b", "c"], "a", None, ["A"]],
            "undone": [["x"], None],
        }
    else:
        data = {"date": day, "value": pick(rng, NUMBERS[:9], NUMBERS, rate)}
        optional = {"segment": SEGMENTS, "source": TEXTS}
    optional |= {"by": TEXTS[:3], "at": MOMENTS[:2]}
    for key, values in optional.items():
        if rng.random() < 0.6:
            data[key] = pick(rng, values[: 10 if key == "note" else 2], values, rate)
    if rng.random() < rate:
        data["at"] = rng.choice(MOMENTS)
    if rng.random() < rate:
        data[rng.choice(["colour", "Value", "kr", "date"])] = "red"
    return data


SEPARATORS = [(", ", ": "), (", ", ": "), (",", ":"), (" , ", " : "), (",\t", ":\t")]


def entry_line(rng: random.Random, data: dict[str, Any], separators: tuple[str, str]) -> str:
    if rng.random() < 0.05:
        separators = rng.choice(SEPARATORS)
    return "- " + json.dumps(data, ensure_ascii=rng.random() < 0.3, separators=separators)


def broken(rng: random.Random, line: str, entry: Entry) -> list[str]:
    """One way a line can be wrong, or written otherwise than cxokr writes it."""
    body = line[2:]
    ways = [
        lambda: [line[: rng.randrange(1, len(line))]],  # bad JSON: torn
        lambda: [line.rstrip("}") + ",}"],  # bad JSON: a trailing comma
        lambda: [line[:-1] + ', "value": 2}'],  # a repeated key
        lambda: [line[:-1] + ', "note": null, "note": null}'],  # repeated, null both times
        lambda: [line[:-1] + ', "by": "b", "by": "b"}'],
        lambda: [line[:-1] + ', "extra": 1}'],  # an unknown key
        lambda: [line[:-1] + ', "note": {"a": [1, {"b": 2}]}}'],  # nested
        lambda: [line[:-1] + ', "value": NaN}'],
        lambda: [line[:-1] + ', "value": Infinity}'],
        lambda: [line[:-1] + ', "value": -Infinity}'],
        lambda: [line[:-1] + ', "value": 1e400}'],
        lambda: [line[:-1] + ', "value": 123456789012345678901234567890}'],
        lambda: [line[:-1] + ', "note": "\\u00e9\\u2028\\ud83d\\ude00"}'],
        lambda: [line[:-1] + ', "note": "\\ud800"}'],  # an escaped lone surrogate
        lambda: [line[:-1] + ', "note": "\\u001b[2J"}'],
        lambda: [line[:-1] + ', "note": "a\\"b\\\\"}'],
        lambda: [line[:-1] + ', "note": "a\x01b"}'],  # a raw control character
        lambda: [line[:-1] + ', "note": "a\x7fb"}'],
        lambda: [line + "\r"],  # CRLF
        lambda: [line + "  "],  # trailing blanks
        lambda: [line + "\t# a comment"],
        lambda: [body],  # not starting with `- {`
        lambda: ["-" + body],
        lambda: ["  " + line],
        lambda: ["-  " + body],
        lambda: [line + ", " + body],  # two objects on one line
        lambda: [line + " " + body],
        lambda: [line[:-1] + ', "note": "x}', '- {", "by": "b"}'],  # a text across two lines
        lambda: (
            ["- kr: grow/aov", "  date: 2026-10-01"]
            if entry is CheckinEntry
            else [
                "- date: 2026-10-01",
                "  value: 3",
            ]
        ),
        lambda: ['- {"date": "2026-10-01",', '   "value": 3}'],
        lambda: ["[]"],
        lambda: ["---"],
        lambda: ["..."],
        lambda: ["- "],
        lambda: ["- {}"],
        lambda: ["- []"],
        lambda: ["- null"],
        lambda: ["- {kr: grow/aov, date: 2026-10-01}"],
    ]
    return rng.choice(ways)()


def random_log(rng: random.Random) -> tuple[bytes, Entry]:
    entry: Entry = rng.choice([CheckinEntry, ReadingEntry])
    rate = rng.choice([0.0, 0.0, 0.02, 0.1, 0.3])
    separators = rng.choice(SEPARATORS)
    lines: list[str] = []
    if rng.random() < 0.5:
        lines.append("# yaml-language-server: $schema=../../schemas/checkins.schema.json")
    for _ in range(rng.randrange(0, 9)):
        line = entry_line(rng, random_entry(rng, entry, rate), separators)
        lines.extend(broken(rng, line, entry) if rng.random() < rate else [line])
        if rng.random() < rate:
            lines.insert(rng.randrange(len(lines) + 1), rng.choice(["", "  ", "# note", "  # x"]))
        if lines and rng.random() < 0.05:
            lines.append(rng.choice(lines))  # an exact copy, as a union merge leaves
    if rng.random() < 0.2:
        rng.shuffle(lines)  # out of order, and comments anywhere
    text = "\n".join(lines) + rng.choice(["\n", "\n", "", "\n\n", "\n# end\n"])
    if rng.random() < 0.05:
        text = text.replace("\n", "\r\n")
    raw = text.encode("utf-8", "surrogatepass")
    if rng.random() < 0.03:
        raw = b"\xef\xbb\xbf" + raw
    return raw, entry


@pytest.mark.parametrize("seed", range(6))
def test_seeded_random_logs_are_read_alike(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    taken = []
    for _ in range(400):
        raw, entry = random_log(rng)
        usual, slow, took = both_ways(raw, entry, monkeypatch)
        assert_identical(usual, slow, raw)
        taken.append((took, len(usual.entries.rows)))
    assert sum(took and n > 2 for took, n in taken) > 40  # logs of several entries went fast
    assert sum(not took for took, _ in taken) > 40  # and many the slow way
