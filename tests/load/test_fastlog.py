"""The msgspec path for machine-written logs gives what the Pydantic path gives, or steps aside."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxokr import yamlio
from cxokr.load import fastlog, parsing
from cxokr.model import CHECKINS, READINGS, CheckinEntry, ReadingEntry


def both_ways(
    raw: bytes, entry: type[CheckinEntry] | type[ReadingEntry], monkeypatch: pytest.MonkeyPatch
) -> tuple[parsing.LogOutcome[Any], parsing.LogOutcome[Any], bool]:
    """The outcome of the usual parse, the Pydantic way only, and whether msgspec took it."""
    adapter = CHECKINS if entry is CheckinEntry else READINGS
    took = fastlog.read(raw, entry) is not None
    usual = parsing.log(raw, adapter, entry)
    with monkeypatch.context() as m:
        m.setattr(fastlog, "read", lambda text, entry: None)
        slow = parsing.log(raw, adapter, entry)
    return usual, slow, took


def same(a: parsing.LogOutcome[Any], b: parsing.LogOutcome[Any]) -> None:
    assert a.entries.rows == b.entries.rows
    assert list(a.lines) == list(b.lines)
    assert a.issues == b.issues


# Values near every edge either reader might draw differently.
texts = st.one_of(
    st.none(),
    st.sampled_from(
        ["", "ok", "a/b", "grow/aov", "grow/aov\n", "Grow/AOV", "x" * 70, "é", "\u2028"]
    ),
    # What text may not hold (CX117), and what only looks like it.
    st.sampled_from(["\x1b[2J", "\x00", "a\rb", "\x85", "\u202e", "\u2066x", "\ud800"]),
    st.sampled_from(["\\u001b", "\t\n", "C:\\", '"q"']),
    st.text(max_size=8),
)
numbers = st.one_of(
    st.none(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0, 1, 0.5, -0.0, 1e18, 1e-320, True, "1"]),
)
# A Unix timestamp at midnight (1790812800 is 2026-10-01) was read as that day.
days = st.sampled_from(
    ["2026-10-01", "2026-10-02", "2026-1-02", "2026-10-01T00:00:00", "", 20261001]
) | st.sampled_from([1790812800, "1790812800", "20261001", "2026-W40-4", "٢٠٢٦-10-01"])
moments = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "2026-10-01T08:00:00Z",
            "2026-10-01T08:00:00",
            "2026-10-01t08:00:00z",
            "2026-10-01T08:00:00+02:00",
            "2026-10-01T08:00:00+0200",
            "2026-10-01T08:00:00.1234567Z",
            "2026-10-01T08:00Z",
            "2026-10-01 08:00:00Z",
            "2026-10-01T24:00:00Z",
            1790000000,
            0,
            "1790000000",
            "2026-10-01",
        ]
    ),
)


def entries(keys: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    value = {"kr": texts, "date": days, "value": numbers, "confidence": numbers, "at": moments}
    return st.fixed_dictionaries(
        {},
        optional={k: value.get(k, texts) for k in keys} | {"extra": texts},
    )


CHECKIN_KEYS = ["kr", "date", "value", "confidence", "note", "by", "at"]
READING_KEYS = ["date", "value", "segment", "source", "by", "at"]


@pytest.mark.parametrize(
    ("entry", "keys"), [(CheckinEntry, CHECKIN_KEYS), (ReadingEntry, READING_KEYS)]
)
def test_msgspec_and_pydantic_read_a_log_alike(
    entry: type[CheckinEntry] | type[ReadingEntry],
    keys: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    taken = []

    @settings(max_examples=400, deadline=None)
    @given(st.lists(entries(keys), max_size=4), st.booleans(), st.booleans())
    def alike(datas: list[dict[str, Any]], twice: bool, escaped: bool) -> None:
        lines = [f"- {json.dumps(d, ensure_ascii=escaped)}" for d in datas]
        if twice and lines:
            lines.append(lines[0])  # an exact copy, as a union merge leaves
        raw = ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")
        usual, slow, took = both_ways(raw, entry, monkeypatch)
        same(usual, slow)
        taken.append(took)

    alike()
    assert any(taken) and not all(taken)  # both ways were exercised


def likely(good: st.SearchStrategy[Any], edge: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly a valid value, now and then (one in 12) one from the edge."""
    return st.integers(0, 11).flatmap(lambda pick: edge if pick == 0 else good)


def valid_entries(entry: type[CheckinEntry] | type[ReadingEntry]) -> st.SearchStrategy[Any]:
    day = likely(st.sampled_from(["2026-10-01", "2026-10-02", "2026-12-31"]), days)
    value = likely(st.floats(-1e6, 1e6, allow_nan=False) | st.integers(-1000, 1000), numbers)
    text = likely(st.sampled_from(["ok", "Bundles live", "ana@acme.example"]), texts)
    moment = likely(st.sampled_from(["2026-10-01T08:00:00Z", "2026-10-01T09:30:00+02:00"]), moments)
    if entry is CheckinEntry:
        required = {
            "kr": likely(st.sampled_from(["grow/aov", "fix-returns/kr2"]), texts),
            "date": day,
        }
        optional = {"value": value, "confidence": likely(st.floats(0, 1), numbers), "note": text}
    else:
        required = {"date": day, "value": value}
        optional = {
            "segment": likely(st.sampled_from(["online", "in-store"]), texts),
            "source": text,
        }
    return st.fixed_dictionaries(required, optional={**optional, "by": text, "at": moment})


@pytest.mark.parametrize("entry", [CheckinEntry, ReadingEntry])
def test_logs_msgspec_takes_are_read_as_pydantic_reads_them(
    entry: type[CheckinEntry] | type[ReadingEntry], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Mostly valid entries, so that the fast path takes many logs of several lines."""
    taken = []

    @settings(max_examples=300, deadline=None)
    @given(st.lists(valid_entries(entry), min_size=1, max_size=5), st.booleans())
    def alike(datas: list[dict[str, Any]], twice: bool) -> None:
        lines = [f"- {json.dumps(d, ensure_ascii=False)}" for d in datas]
        if twice:
            lines.append(lines[0])
        raw = ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")
        usual, slow, took = both_ways(raw, entry, monkeypatch)
        same(usual, slow)
        taken.append(took)

    alike()
    assert sum(taken) >= 30  # the fast path was compared on many logs of several lines


def test_the_generated_logs_take_the_fast_path() -> None:
    line = (
        '- {"kr": "grow/aov", "date": "2026-10-01", "value": 61.5, "confidence": 0.7, '
        '"note": "holiday lift", "by": "ana@acme.example", "at": "2026-10-01T08:00:00Z"}'
    )
    found = fastlog.read(f"# a comment\n{line}\n\n".encode(), CheckinEntry)
    assert found is not None
    rows, numbers = found
    assert numbers == [2] and rows[0].value == 61.5 and rows[0].at is not None


@pytest.mark.parametrize(
    "line",
    [
        '- {"kr": "grow/aov", "date": "2026-10-01", "value": 1, "value": 2}',
        '- {"kr": "grow/aov", "date": "2026-10-01", "value": 1234567890123456789}',
        '- {"kr": "grow/aov", "date": "2026-10-01", "value": 1e400}',
        '- {"kr": "grow/aov", "date": "2026-10-01", "note": 5}',
        "- kr: grow/aov\n  date: 2026-10-01",
    ],
)
def test_what_msgspec_might_read_otherwise_goes_the_usual_way(line: str) -> None:
    assert fastlog.read((line + "\n").encode(), CheckinEntry) is None


EDGES = [
    ({"kr": "grow/aov\n", "date": "2026-10-01"}, CheckinEntry),
    ({"date": "2026-10-01", "value": 1, "segment": "online\n"}, ReadingEntry),
    ({"kr": "grow/aov", "date": "2026-10-01", "value": 10**19}, CheckinEntry),
    ({"kr": "grow/aov", "date": "2026-10-01", "value": 10**18 - 1}, CheckinEntry),
    ({"kr": "grow/aov", "date": "2026-10-01", "value": 1.5e18}, CheckinEntry),
    ({"kr": "grow/aov", "date": "2026-10-01", "value": True}, CheckinEntry),
    ({"kr": "grow/aov", "date": "2026-10-01", "confidence": 1.5}, CheckinEntry),
    ({"kr": "grow/aov", "date": "2026-10-01", "confidence": 1}, CheckinEntry),
    ({"kr": "grow/aov", "date": "2026-10-01T00:00:00"}, CheckinEntry),
    ({"kr": "grow/aov", "date": "2026-10-01", "at": "2026-10-01T08:00:00.1234567Z"}, CheckinEntry),
    ({"kr": "grow/aov", "date": "2026-10-01", "at": "2026-10-01T08:00Z"}, CheckinEntry),
    ({"kr": "grow/aov", "date": "2026-10-01", "at": 1790000000}, CheckinEntry),
    ({"kr": "grow/aov", "date": "2026-10-01", "note": 5}, CheckinEntry),
    ({"kr": "grow/aov", "date": "2026-10-01", "colour": "red"}, CheckinEntry),
    ({"date": "2026-10-01", "value": None}, ReadingEntry),
]


@pytest.mark.parametrize(("data", "entry"), EDGES)
def test_edge_values_are_read_alike(
    data: dict[str, Any],
    entry: type[CheckinEntry] | type[ReadingEntry],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    good = (
        {"kr": "grow/aov", "date": "2026-10-02"}
        if entry is CheckinEntry
        else {"date": "2026-10-02", "value": 2}
    )
    raw = f"- {json.dumps(good)}\n- {json.dumps(data)}\n".encode()
    usual, slow, _ = both_ways(raw, entry, monkeypatch)
    same(usual, slow)


@pytest.mark.parametrize(
    "note", [r"\u001b[2J", r"\u0000", r"a\rb", r"\u009b", r"\u202E", "a\u2067b", r"\uffff"]
)
def test_text_that_may_not_hold_a_character_goes_the_usual_way(note: str) -> None:
    """The usual way says which line and key (CX117); escapes of ordinary text stay fast."""
    line = '- {"kr": "grow/aov", "date": "2026-10-01", "note": "%s"}\n'
    assert fastlog.read((line % note).encode(), CheckinEntry) is None
    ordinary = fastlog.read((line % r"C:\\u001b\t\"q\"\n\u00e9").encode(), CheckinEntry)
    assert ordinary is not None
    assert ordinary[0][0].note == 'C:\\u001b\t"q"\né'


REFUSED = [
    ({"kr": "grow/aov", "date": 1790812800}, CheckinEntry, "CX205"),
    ({"kr": "grow/aov", "date": "1790812800"}, CheckinEntry, "CX205"),
    ({"date": "2026-10-01T00:00:00", "value": 1}, ReadingEntry, "CX205"),
    ({"kr": "grow/aov", "date": "2026-10-01", "at": 0}, CheckinEntry, "CX205"),
    ({"kr": "grow/aov", "date": "2026-10-01", "at": "2026-10-01"}, CheckinEntry, "CX205"),
    ({"kr": "grow/aov", "date": "2026-10-01", "note": "\x1b[2J"}, CheckinEntry, "CX117"),
    ({"kr": "grow/aov", "date": "2026-10-01", "note": "\ud800"}, CheckinEntry, "CX117"),
    ({"date": "2026-10-01", "value": 1, "source": "\u202e"}, ReadingEntry, "CX117"),
    ({"date": "2026-10-01", "value": 1, "by": "a\rb"}, ReadingEntry, "CX117"),
]


@pytest.mark.parametrize(("data", "entry", "code"), REFUSED)
def test_coerced_or_unsafe_values_are_refused_alike(
    data: dict[str, Any],
    entry: type[CheckinEntry] | type[ReadingEntry],
    code: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    good = {"kr": "grow/aov", "date": "2026-10-02"} if entry is CheckinEntry else None
    good = good or {"date": "2026-10-02", "value": 2}
    raw = f"- {json.dumps(good)}\n- {json.dumps(data)}\n".encode()
    usual, slow, _ = both_ways(raw, entry, monkeypatch)
    same(usual, slow)
    assert [(i.code, i.line) for i in usual.issues] == [(code, 2)]
    assert len(usual.entries.rows) == 1


def test_an_exact_copy_of_a_line_is_one_entry() -> None:
    """A union merge of two branches can leave a line twice; it is one check-in."""
    line = '- {"kr": "grow/aov", "date": "2026-10-01", "value": 61.5}'
    other = '- {"kr": "grow/aov", "date": "2026-10-02", "value": 62}'
    found = fastlog.read(f"{line}\n{other}\n{line}\n".encode(), CheckinEntry)
    assert found is not None
    rows, numbers = found
    assert [row.value for row in rows] == [61.5, 62.0]
    assert numbers == [1, 2]


@pytest.mark.parametrize(
    "text",
    [
        "- {}\n",
        "- {}",
        '# a comment\n\n#\n- {"a": 1}\n- {"b": "x}"}\n',
        '- {"a": 1}, {"b": 2}\n- {"c": "- {"}\n',
    ],
)
def test_a_log_as_cxokr_writes_it_is_joined_at_once_as_line_by_line(text: str) -> None:
    lines = text.split("\n")
    loose = yamlio.json_body(lines)
    found = yamlio.json_lines(text.encode())
    assert loose is not None and found is not None
    first, count, body, joined = found
    assert list(range(first, first + count)) == loose[0]
    assert joined.decode() == loose[1]
    assert body.decode().split("\n") == [lines[i] for i in loose[0]]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "# only a comment\n",
        "- {}\n\n",
        "- {}\n# between\n- {}\n",
        "- {}\n\n- {}\n",
        "- {} \n- {}\n",
        "- {}\r\n- {}\r\n",
        "  # indented\n- {}\n",
        "x\n- {}\n",
        "{}\n- {}\n",
        "- {}\n{}\n",
        "- {}\n-  {}\n",
        '- {"a": [\n- {}]}\n',
        "\ufeff- {}\n",
    ],
)
def test_any_other_log_is_left_to_the_line_by_line_reading(text: str) -> None:
    assert yamlio.json_lines(text.encode()) is None


@pytest.mark.parametrize(
    "lines",
    [
        ['{"kr": "grow/aov", "date": "2026-10-01", "done": ["a", "b"], "undone": []}'],
        ['{"kr": "grow/aov", "date": "2026-10-01", "note": "say \\"hi\\", \\\\ \\u00e9"}'],
        ['{"kr": "grow/aov", "date": "2026-10-01", "note": null, "value": null}'],
        ['{"kr": "grow/aov", "date": "2026-10-01", "note": "日本 😀"}'],
    ],
)
def test_lists_escapes_nulls_and_other_scripts_stay_on_the_fast_path(
    lines: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = "".join(f"- {line}\n" for line in lines).encode()
    usual, slow, took = both_ways(raw, CheckinEntry, monkeypatch)
    assert took
    same(usual, slow)


@pytest.mark.parametrize(
    "line",
    [
        '- {"kr": "grow/aov", "date": "2026-10-01", "note": null, "note": null}',
        '- {"kr": "grow/aov", "date": "2026-10-01", "note": "a\\"b", "note": "c"}',
        '- {"kr": "grow/aov", "date": "2026-10-01", "done": ["a"], "done": ["a"]}',
        '- {"kr": "grow/aov", "date": "2026-10-01"}, {"kr": "grow/aov", "date": "2026-10-02"}',
        '- {"kr": "grow/aov", "date": "2026-10-01", "value": -1e18}',
    ],
)
def test_repeated_keys_and_two_entries_on_a_line_go_the_usual_way(
    line: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = f"{line}\n".encode()
    assert fastlog.read(raw, CheckinEntry) is None
    usual, slow, _ = both_ways(raw, CheckinEntry, monkeypatch)
    same(usual, slow)
