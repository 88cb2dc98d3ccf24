"""The line reader of block YAML gives exactly what the parser's events give, or gives up.

Each test reads the same bytes twice, through `load_document` (the line reader
first) and through `load_document(fast=False)` (the parser's events only), and
holds the two to the same data (types, key order), the same positions and the
same problems: over every YAML file of the repository, a generated workspace,
seeded random block documents with the values YAML reads otherwise than they
look, their mutations, and texts Hypothesis builds from YAML's pieces.
"""

from __future__ import annotations

import json
import math
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.generate import generate
from cxokr import yamlio
from cxokr.yamlio.documents import load_document
from cxokr.yamlio.fastblock import read_block
from tests.paths import REPO


def same_data(left: Any, right: Any) -> bool:
    """Equal, of the same types all the way down, keys in the same order (NaN equals NaN)."""
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        return [(type(k), k) for k in left] == [(type(k), k) for k in right] and all(
            same_data(left[k], right[k]) for k in left
        )
    if isinstance(left, list):
        return len(left) == len(right) and all(map(same_data, left, right))
    if isinstance(left, float) and math.isnan(left):
        return math.isnan(right)
    return bool(left == right)


def assert_same(raw: bytes, line_offset: int = 0) -> bool:
    """The two readers agree on `raw`; True when the line reader read it."""
    fast = load_document(raw, line_offset)
    strict = load_document(raw, line_offset, fast=False)
    assert same_data(fast.data, strict.data), raw
    assert list(fast.marks.positions.items()) == list(strict.marks.positions.items()), raw
    assert fast.issues == strict.issues, raw
    text, _ = yamlio.decode(raw)
    return text is not None and read_block(text) is not None


def read(text: str) -> Any:
    found = read_block(text)
    assert found is not None, text
    return found


# --- what it reads, and what it leaves to the parser ----------------------------------------


def test_a_key_result_file_is_read_with_every_position() -> None:
    text = (
        "# yaml-language-server: $schema=../../schemas/okrs.schema.json\n"
        "objectives:\n"
        "  - id: fix-onboarding\n"
        '    title: "Fix: onboarding"  # quoted for the colon\n'
        "    key_results:\n"
        "      - id: kr1\n"
        "        target: 94.48\n"
        "        owner: 'eli.silva@acme.example'\n"
    )
    data, positions = read(text)
    krs = [{"id": "kr1", "target": 94.48, "owner": "eli.silva@acme.example"}]
    assert data == {
        "objectives": [{"id": "fix-onboarding", "title": "Fix: onboarding", "key_results": krs}]
    }
    assert positions[("objectives", 0)] == (3, 5)
    assert positions[("objectives", 0, "key_results", 0, "target")] == (7, 9)
    assert assert_same(text.encode())


def test_a_sequence_at_its_keys_indentation_and_compact_sequences() -> None:
    data, positions = read("members:\n- ana\n- - bo\n  - cy\nlevel: 3\n")
    assert data == {"members": ["ana", ["bo", "cy"]], "level": 3}
    assert positions[("members", 1, 1)] == (4, 5)


def test_crlf_lines_read_as_lf_lines() -> None:
    assert read("name: Support\r\nlevel: 3\r\n") == read("name: Support\nlevel: 3\n")


def test_a_key_without_a_value_is_null() -> None:
    assert read("owner:\nlevel: 3\n")[0] == {"owner": None, "level": 3}


@pytest.mark.parametrize(
    "text",
    [
        "segments: [online, mobile]\n",  # a flow collection
        "a: &x 1\n",  # an anchor
        "a: *x\n",  # an alias
        "a: !!str 012\n",  # a tag
        "description: >-\n  text\n",  # a block scalar
        "title: Fix the\n  thing\n",  # a multi-line plain scalar
        'title: "two\n  lines"\n',  # a multi-line quoted scalar
        'title: "tab\\t"\n',  # an escape
        "a:\n\t- b\n",  # a tab
        "a: 1\rb: 2\n",  # a lone CR, a line break to YAML
        "a: 1\u2028b: 2\n",  # a line separator
        "---\na: 1\n",  # a document marker
        "a: 1\na: 2\n",  # a duplicate key
        "<<: 1\n",  # a merge key
        "start: 012\n",  # an ambiguous number
        "a: b: c\n",  # a mapping where a value must be
        "-\n  a: 1\n",  # an item whose node starts on the next line
        "a:\n  text\n",  # a scalar on a line of its own
        "a: 1\n b: 2\n",  # an indentation no container has
        "? a\n: b\n",  # an explicit key
        "k" * 1001 + ": v\n",  # a key longer than the parser takes for one
        "- '" + "k" * 1030 + "': v\n",  # quoted too
        "[" * 65,
    ],
)
def test_anything_outside_the_block_subset_is_left_to_the_parser(text: str) -> None:
    assert read_block(text) is None
    assert_same(text.encode())


@pytest.mark.parametrize(
    "text",
    [
        "a\xa0: b\n",  # a no-break space is text to YAML, not a space
        "a: b\xa0\n",
        "-\xa0a\n",
        "a: b\u3000#c\n",
        "k: 'a'''\n",
        "k: 'a''\n",
        "'': 1\n",
        "k:\n- \n",
        "- -1: x\n",
        "a:\n- b: 1\n  c: 2\n- d\n",
        "- a:\n  - x\n  b: 1\n",
        "a:\n  - x\n  -   y\n",
        "a:   # c\n  b: 1\n",
        "a: b  #c\n  # d\nc: e\n",
        "1 : a\n",
        "-0: a\n0: b\n",
        'a: 1\n"a": 2\n',
        "- a:b\n",
        "- a:#b\n",
        "k: a#b\n",
        "k: a]\n",
        "- ]\n",
    ],
)
def test_edges_of_the_subset_read_the_same(text: str) -> None:
    assert_same(text.encode())


def test_nesting_past_the_limit_is_left_to_the_parser() -> None:
    deep = "".join(f"{' ' * level}k:\n" for level in range(yamlio.MAX_DEPTH + 1)) + "x: 1\n"
    assert read_block(deep) is None
    assert [i.code for i in load_document(deep.encode()).issues] == ["CX105"]


def test_text_that_may_hold_an_escaped_control_is_left_to_the_parser() -> None:
    found = load_document(b'a: "\\e"\n')
    assert [i.code for i in found.issues] == ["CX117"]


# --- the same answers over real and generated files ---------------------------------------


def test_every_yaml_file_of_the_repository_reads_the_same() -> None:
    files = sorted(
        p
        for folder in ("examples", "tests/data")
        for p in (REPO / folder).rglob("*")
        if p.suffix in (".yaml", ".yml")
    )
    assert len(files) > 100
    read_fast = [assert_same(p.read_bytes()) for p in files]
    assert sum(read_fast) >= 30  # the logs, of JSON lines, are not block YAML


def test_a_generated_workspace_reads_the_same_and_all_its_teams_and_okrs_fast(
    tmp_path: Path,
) -> None:
    generate(tmp_path, 200, 1)
    for folder in ("teams", "okrs", "metrics"):
        files = sorted((tmp_path / folder).rglob("*.yaml"))
        read_fast = [assert_same(p.read_bytes()) for p in files]
        assert all(read_fast) or folder == "metrics", folder
    assert_same((tmp_path / "cxokr.yaml").read_bytes())


# --- seeded random block documents ----------------------------------------------------------

# Values YAML reads otherwise than they look, or that end or break a plain scalar.
NASTY = [
    *("on", "off", "yes", "no", "y", "True", "TRUE", "true", "false", "null", "Null", "~", ""),
    *("0x1", "0o17", "0b101", "1e3", "1E3", "-1e3", "1e400", ".inf", "-.inf", ".NaN", "1:30"),
    *("012", "-07", "00", "0_1", "0", "-0", "+7", "58", "61.2", ".5", "-.5", "1.", "00.5"),
    *("9" * 18, "1" * 19, "123456789012345678.25", "2026-11-20", "2026-11-20T10:00:00Z"),
    *("-", "?", ":", "- a", "? a", ": a", "a: b", "a:b", "a :b", "a:", "a #b", "a#b", "#x"),
    *("<<", "a - b", "a, b", "[a]", "{a}", "a[0]", "*x", "&x", "!x", "|", ">", "%", "@x"),
    *("`x`", "'q'", '"q"', "it's", 'say "hi"', "a\\b", "café", "日本語", "🎉 party", "\u00a0x"),
    *("x\u00a0", "a\u3000b", "a'''", "''", '""', "a]", "a}"),
    *("---", "...", "a  b", " lead", "trail ", "-1", "-x", "--x", "a\tb", "é: f"),
    *("x" * 300, "y " * 3000, "k" * 1030),  # long lines; a key longer than the parser takes
]
WORDS = ["id", "title", "owner", "key results", "target", "Stores mgmt 380", "eli.silva@acme"]


def scalar_text(rng: random.Random, value: str) -> str:
    """`value` written plain, single- or double-quoted, perhaps with a comment or spaces."""
    style = rng.random()
    if style < 0.55:
        text = value
    elif style < 0.8:
        text = "'" + value.replace("'", "''") + "'"
    else:
        text = json.dumps(value, ensure_ascii=rng.random() < 0.2)
    tail = rng.choice(["", "", "", " # note", "  ", "   #", "#x"])
    return text + tail


def pick(rng: random.Random) -> str:
    return rng.choice(NASTY) if rng.random() < 0.4 else rng.choice(WORDS)


def node(rng: random.Random, depth: int) -> Any:
    """A random value: a mapping, a sequence or a scalar (as the text to write)."""
    kind = rng.random()
    if depth <= 0 or kind < 0.45:
        return scalar_text(rng, pick(rng))
    if kind < 0.75:
        return {
            scalar_text(rng, pick(rng)).split(" #")[0]: node(rng, depth - 1)
            for _ in range(rng.randint(1, 4))
        }
    return [node(rng, depth - 1) for _ in range(rng.randint(1, 4))]


def block(rng: random.Random, value: Any, indent: int) -> list[str]:
    """Lines writing `value` in block style at `indent` (a scalar as one line)."""
    pad = " " * indent
    if isinstance(value, str):
        return [pad + value]
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            colon = rng.choice([":", ":", ":", " :"])
            if isinstance(item, str):
                lines.append(f"{pad}{key}{colon} {item}")
                continue
            lines.append(f"{pad}{key}{colon}{rng.choice(['', '', ' # c', '  '])}")
            step = 0 if isinstance(item, list) and rng.random() < 0.3 else rng.randint(1, 4)
            lines += block(rng, item, indent + step)
        return lines
    for item in value:
        dash = "-" + " " * rng.choice([1, 1, 1, 2, 3])
        inner = block(rng, item, indent + len(dash))
        if isinstance(item, str) or rng.random() < 0.8:  # compact: `- key: value`, `- - a`
            inner[0] = pad + dash + inner[0][indent + len(dash) :]
        else:
            inner.insert(0, pad + "-")
        lines += inner
    return lines


def document(rng: random.Random) -> str:
    depth = rng.choice([1, 2, 3, 4, 5, 6]) if rng.random() < 0.98 else 70
    root = node(rng, depth) if depth < 70 else _deep(depth)
    if isinstance(root, str) and rng.random() < 0.9:  # a root scalar is rare, and not block YAML
        root = {rng.choice(WORDS): root}
    lines = block(rng, root, rng.choice([0, 0, 0, 1]))
    for _ in range(rng.randint(0, 3)):  # comment and blank lines anywhere
        at = rng.randint(0, len(lines))
        lines.insert(at, rng.choice(["", "  ", "# c", "    # deeper", "#", " # x: y"]))
    text = "\n".join(lines) + rng.choice(["\n", "\n", "", "\n\n"])
    if rng.random() < 0.1:
        text = text.replace("\n", "\r\n")
    return text


def _deep(depth: int) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = {"k": value}
    return value


def mutate(rng: random.Random, text: str) -> str:
    """`text` with one to three small edits: a piece inserted, a span cut, an indent moved."""
    pieces = [": ", ":", "#", " #", "- ", "-", "'", '"', "\t", "\r", "[", "&a ", "*a", "!", "|"]
    pieces += ["?", " ", "  ", "\n", "\n  ", "---", "%", "@", "`", "\ufeff", "\\", "é", "~", ","]
    for _ in range(rng.randint(1, 3)):
        at = rng.randint(0, len(text))
        edit = rng.random()
        if edit < 0.5:
            text = text[:at] + rng.choice(pieces) + text[at:]
        elif edit < 0.8:
            text = text[:at] + text[at + rng.randint(1, 3) :]
        else:
            lines = text.split("\n")
            row = rng.randrange(len(lines))
            lines[row] = (
                lines[row][rng.randint(0, 2) :] if rng.random() < 0.5 else "  " + lines[row]
            )
            text = "\n".join(lines)
    return text


@pytest.mark.parametrize("seed", range(8))
def test_random_block_documents_read_the_same(seed: int) -> None:
    rng = random.Random(seed)
    read_fast = 0
    for _ in range(250):
        text = document(rng)
        raw = text.encode("utf-8", "surrogatepass")
        if rng.random() < 0.05:
            raw = b"\xef\xbb\xbf" + raw
        read_fast += assert_same(raw, rng.choice([0, 0, 7]))
    assert read_fast > 25  # the line reader is put to the test, not merely skipped


@pytest.mark.parametrize("seed", range(8))
def test_mutated_block_documents_read_the_same(seed: int) -> None:
    rng = random.Random(1000 + seed)
    read_fast = 0
    for _ in range(400):
        read_fast += assert_same(mutate(rng, document(rng)).encode("utf-8", "surrogatepass"))
    assert read_fast > 25


PIECES = ["\n", " ", "  ", "- ", "-", "key", "a b", ":", ": ", "#", " #c", "'", '"', "x", "1"]
PIECES += ["0x1", "on", "null", "\r\n", "\t", "[", "]", "{", "}", ",", "&a", "*a", "!", "|"]
PIECES += [">", "?", "---", "...", "é", "<<", "~", "1.5", "012", "1:30", "\\", "%", "'a''b'"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_any_text_of_yaml_pieces_reads_the_same(pieces: list[str]) -> None:
    assert_same("".join(pieces).encode())
