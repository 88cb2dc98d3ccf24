"""Property tests: whatever bytes the loader is given, it returns data or Problems, never raises."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from cxokr.load import workspace
from cxokr.problems import CODES
from cxokr.rules import checks
from cxokr.yamlio import MAX_INT_DIGITS, Issue, load_document, load_log, log_line
from tests.conftest import BASE, write_files

TOKENS = [
    *("name", "level", "id", "objectives", "key_results", "kr", "date", "value", "no", "yes"),
    *(":", ": ", "-", "- ", "[", "]", "{", "}", ",", "?", "|", ">", "#", "'", '"', "\\"),
    *("&a", "*a", "<<", "!!", "!!str", "!!python/object", "---", "..."),
    *(" ", "\t", "\n", "\n  ", "\n    ", "\x00", "\x85", "\ufeff", "\u2028", "é"),
    *("0", "012", "1:30", "58", "61.2", "1e400", ".nan", "-.inf", "2026-13-01", "9" * 40),
    *('{"date": "2026-11-20"}', '"value": 1'),
]

yaml_like = st.lists(st.sampled_from(TOKENS), max_size=60).map("".join)
any_bytes = st.one_of(
    st.binary(max_size=2000),
    yaml_like.map(lambda text: text.encode("utf-8")),
    st.text(max_size=500).map(lambda text: text.encode("utf-8", "surrogatepass")),
)
log_bytes = st.lists(
    st.one_of(yaml_like, st.just('- {"date": "2026-11-20", "value": 1}')), max_size=12
).map(lambda lines: "\n".join(lines).encode("utf-8"))

PROPERTY = settings(max_examples=200, deadline=None)


def well_formed(issues: list[Issue]) -> bool:
    return all(i.code in CODES and i.line >= 1 and i.col >= 1 and i.message for i in issues)


def is_null_stream(raw: bytes) -> bool:
    node = yaml.compose(raw.decode("utf-8-sig"), Loader=yaml.CSafeLoader)
    return node is None or node.tag == "tag:yaml.org,2002:null"


@PROPERTY
@given(any_bytes)
def test_load_document_returns_data_or_issues(raw: bytes) -> None:
    found = load_document(raw)
    assert well_formed(found.issues)
    if found.data is None and not found.issues:
        assert is_null_stream(raw)


@PROPERTY
@given(st.one_of(any_bytes, log_bytes))
def test_load_log_returns_entries_or_issues(raw: bytes) -> None:
    items, issues = load_log(raw)
    assert well_formed(issues)
    lines = [item.line for item in items]
    assert lines == sorted(set(lines))
    assert all(1 <= line <= raw.count(b"\n") + 1 for line in lines)


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**MAX_INT_DIGITS) + 1, max_value=10**MAX_INT_DIGITS - 1),
    st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: not math.isinf(x)),
    # Controls, bidi controls and noncharacters are refused in text (CX117).
    st.text(
        st.characters(
            blacklist_categories=["Cs", "Cc"],
            blacklist_characters="\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
            "\u2066\u2067\u2068\u2069\ufffe\uffff",
        ),
        max_size=40,
    ),
)


@PROPERTY
@given(st.dictionaries(st.from_regex(r"[a-z][a-z_]{0,9}", fullmatch=True), scalars, max_size=8))
def test_written_log_line_reads_back_unchanged(entry: dict[str, object]) -> None:
    items, issues = load_log(log_line(entry).encode("utf-8"))
    assert issues == []
    assert [(item.line, item.data) for item in items] == [(1, entry)]


@PROPERTY
@given(st.sampled_from(sorted(BASE)), any_bytes)
def test_workspace_with_one_garbled_file_loads_and_checks(rel: str, raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = write_files(Path(tmp), {**BASE, rel: raw})
        found = checks.check(workspace.load(root))
    assert all(p.code in CODES and p.line >= 0 and not p.path.startswith("/") for p in found)
