"""The strict YAML reader and the one-entry-per-line logs."""

from __future__ import annotations

import math
import random
import textwrap

import pytest

from cxokr import yamlio
from cxokr.yamlio import documents, load_document, load_log, log_line, resolve_scalar


def doc(text: str) -> yamlio.Document:
    return load_document(textwrap.dedent(text).lstrip("\n").encode("utf-8"))


def codes(document: yamlio.Document) -> list[tuple[str, int, int]]:
    return [(i.code, i.line, i.col) for i in document.issues]


def log(text: str) -> tuple[list[yamlio.LogItem], list[yamlio.Issue]]:
    return load_log(textwrap.dedent(text).lstrip("\n").encode("utf-8"))


# --- resolve_scalar ----------------------------------------------------------------


@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "y", "n", "True", "FALSE"])
def test_yaml11_booleans_stay_text(word: str) -> None:
    assert resolve_scalar(word, plain=True) == word


def test_only_lowercase_true_and_false_are_booleans() -> None:
    assert resolve_scalar("true", plain=True) is True
    assert resolve_scalar("false", plain=True) is False


@pytest.mark.parametrize("word", ["", "~", "null", "Null", "NULL"])
def test_null_forms_are_none(word: str) -> None:
    assert resolve_scalar(word, plain=True) is None


def test_quoted_scalars_are_always_text() -> None:
    assert resolve_scalar("012", plain=False) == "012"
    assert resolve_scalar("true", plain=False) == "true"


def test_dates_stay_text() -> None:
    assert resolve_scalar("2026-13-01", plain=True) == "2026-13-01"


@pytest.mark.parametrize(("text", "number"), [("58", 58), ("-3", -3), ("0", 0), ("+7", 7)])
def test_decimal_integers_are_ints(text: str, number: int) -> None:
    assert resolve_scalar(text, plain=True) == number


@pytest.mark.parametrize(
    ("text", "number"), [("61.2", 61.2), ("0.5", 0.5), (".5", 0.5), ("1e3", 1e3)]
)
def test_decimal_floats_are_floats(text: str, number: float) -> None:
    assert resolve_scalar(text, plain=True) == number


@pytest.mark.parametrize("text", ["012", "-07", "00", "0_1"])
def test_leading_zero_is_ambiguous(text: str) -> None:
    with pytest.raises(ValueError, match="ambiguous"):
        resolve_scalar(text, plain=True)


@pytest.mark.parametrize("text", ["1:30", "190:20:30", "0x1F", "0o17", "0b101"])
def test_yaml11_number_forms_are_ambiguous(text: str) -> None:
    with pytest.raises(ValueError, match="ambiguous"):
        resolve_scalar(text, plain=True)


def test_integer_of_18_digits_is_a_number() -> None:
    assert resolve_scalar("9" * 18, plain=True) == 10**18 - 1


def test_integer_of_19_digits_is_too_large() -> None:
    with pytest.raises(ValueError, match="too large"):
        resolve_scalar("1" * 19, plain=True)


def test_float_overflow_is_too_large() -> None:
    with pytest.raises(ValueError, match="too large"):
        resolve_scalar("1e400", plain=True)


def test_special_floats_resolve() -> None:
    assert resolve_scalar(".inf", plain=True) == math.inf
    assert resolve_scalar("-.inf", plain=True) == -math.inf
    assert math.isnan(resolve_scalar(".NaN", plain=True))


def test_a_usual_decimal_is_read_as_the_number_rules_read_it() -> None:
    """The shortcut for `61.2` or `58` takes no form an ambiguous or too large number has."""
    rng = random.Random(18)
    for _ in range(20_000):
        text = rng.choice(["", "-", "+"]) + "".join(
            rng.choices("0123456789._", k=rng.randint(1, 22))
        )
        if not documents._DECIMAL.fullmatch(text):
            continue
        assert not documents._LEADING_ZERO_INT.fullmatch(text)
        assert not documents._YAML11_NUMBER.fullmatch(text)
        if documents._INT.fullmatch(text):
            assert len(text.lstrip("+-")) <= yamlio.MAX_INT_DIGITS
            expected: float = int(text)
        else:
            assert documents._FLOAT.fullmatch(text) and not math.isinf(float(text))
            expected = float(text)
        found = resolve_scalar(text, plain=True)
        assert (type(found), found) == (type(expected), expected)


# --- load_document: data and positions -------------------------------------------------


def test_document_keeps_positions_of_keys_and_items() -> None:
    found = doc("""
        name: Support
        members:
          - ana
          - {id: bo}
    """)
    assert found.data == {"name": "Support", "members": ["ana", {"id": "bo"}]}
    assert found.marks.positions[("members", 1)] == (4, 5)
    assert found.marks.positions[("members", 1, "id")] == (4, 6)


def test_marks_find_falls_back_to_the_nearest_ancestor() -> None:
    found = doc("team:\n  name: x\n")
    assert found.marks.find(("team", "level")) == (1, 1)


def test_line_offset_shifts_every_position() -> None:
    found = load_document(b"a: 1\nb: [\n", line_offset=10)
    assert codes(found) == [("CX102", 12, 5)]


def test_non_string_keys_keep_their_text_except_integers() -> None:
    assert doc("{1: a, null: b, 1.5: c, true: d}").data == {
        1: "a",
        "null": "b",
        "1.5": "c",
        "true": "d",
    }


def test_str_tag_is_allowed_and_keeps_text() -> None:
    assert doc("code: !!str 012\n").data == {"code": "012"}


def test_empty_document_is_none_without_issues() -> None:
    found = doc("# only a comment\n")
    assert (found.data, found.issues) == (None, [])


def test_tab_inside_a_block_scalar_is_content() -> None:
    found = doc("description: |\n  SELECT\n  \tsum(total)\n")
    assert found.data == {"description": "SELECT\n\tsum(total)\n"}


def test_tab_inside_a_flow_sequence_is_whitespace() -> None:
    assert doc("segments: [online,\n\tin-store]\n").data == {"segments": ["online", "in-store"]}


# --- load_document: problems ------------------------------------------------------------


def test_syntax_error_is_located() -> None:
    assert codes(doc("name: [Support\nlevel: 3\n")) == [("CX102", 2, 6)]


def test_syntax_error_at_end_of_stream_points_past_the_last_character() -> None:
    assert codes(doc('name: "Support\n\n\n')) == [("CX102", 1, 15)]


def test_duplicate_key_is_reported_at_its_second_occurrence() -> None:
    found = doc("name: a\nlevel: 3\nname: b\n")
    assert codes(found) == [("CX103", 3, 1)]
    assert found.data is None


def test_tab_indentation_is_reported_at_the_tab() -> None:
    assert codes(doc("members:\n  - ana\n  \t- bo\n")) == [("CX107", 3, 3)]


def test_anchor_is_rejected() -> None:
    assert codes(doc("a: &x 1\nb: 2\n")) == [("CX104", 1, 4)]


def test_alias_is_rejected() -> None:
    assert codes(doc("a: [*x]\n")) == [("CX104", 1, 5)]


def test_merge_key_is_rejected() -> None:
    assert codes(doc("<<: {a: 1}\n")) == [("CX104", 1, 1)]


def test_quoted_merge_key_is_an_ordinary_key() -> None:
    assert doc('"<<": 1\n').data == {"<<": 1}


def test_explicit_tag_is_rejected() -> None:
    assert codes(doc("a: !!python/object/apply:os.system [ls]\n")) == [("CX113", 1, 4)]


def test_nesting_at_the_limit_loads() -> None:
    depth = yamlio.MAX_DEPTH
    found = load_document(("[" * depth + "]" * depth).encode())
    assert found.issues == []


def test_nesting_past_the_limit_is_rejected() -> None:
    depth = yamlio.MAX_DEPTH + 1
    found = load_document(("[" * depth + "]" * depth).encode())
    assert codes(found) == [("CX105", 1, depth)]


def test_second_document_is_rejected() -> None:
    assert codes(doc("a: 1\n---\na: 2\n")) == [("CX112", 2, 1)]


def test_complex_key_is_rejected() -> None:
    assert codes(doc("? [a]\n: b\n")) == [("CX102", 1, 3)]


def test_ambiguous_number_is_located() -> None:
    assert codes(doc("start: 58\ntarget: 012\n")) == [("CX110", 2, 9)]


def test_bom_is_a_warning_and_the_file_still_loads() -> None:
    found = load_document(b"\xef\xbb\xbfname: Support\n")
    assert found.data == {"name": "Support"}
    assert codes(found) == [("CX109", 1, 1)]


def test_invalid_utf8_is_located_by_byte() -> None:
    assert codes(load_document(b"name: ok\nlead: Jos\xe9\n")) == [("CX101", 2, 10)]


def test_control_character_is_located() -> None:
    assert codes(load_document(b"name: a\x1bb\n")) == [("CX108", 1, 8)]


def test_next_line_character_is_a_control_character() -> None:
    assert codes(load_document("name: a\x85b\n".encode())) == [("CX108", 1, 8)]


# --- load_log -----------------------------------------------------------------------------


def test_json_lines_are_read_with_their_line_numbers() -> None:
    items, issues = log("""
        - {"date": "2026-11-20", "value": 61.2}
        - {"date": "2026-11-21", "value": 62}
    """)
    assert [(i.line, i.data) for i in items] == [
        (1, {"date": "2026-11-20", "value": 61.2}),
        (2, {"date": "2026-11-21", "value": 62}),
    ]
    assert issues == []


def test_modeline_comments_and_blank_lines_are_skipped() -> None:
    items, issues = log("""
        # yaml-language-server: $schema=../schemas/readings.schema.json

        # imported from Shopify
        - {"date": "2026-11-20", "value": 61.2}
    """)
    assert [i.line for i in items] == [4]
    assert issues == []


def test_hand_written_flow_entry_falls_back_to_yaml() -> None:
    items, issues = log("- {date: 2026-11-20, value: 61.2}\n")
    assert [item[:2] for item in items] == [(1, {"date": "2026-11-20", "value": 61.2})]
    assert issues == []


def test_multi_line_entry_is_one_item_at_its_first_line() -> None:
    items, issues = log("""
        - {"date": "2026-11-20", "value": 1}
        - date: 2026-11-21
          # a comment inside the entry
          value: 2

        - {"date": "2026-11-22", "value": 3}
    """)
    assert [(i.line, i.data["value"]) for i in items] == [(1, 1), (2, 2), (6, 3)]
    assert issues == []


def test_problem_inside_a_multi_line_entry_has_its_file_line() -> None:
    _, issues = log("""
        - {"date": "2026-11-20", "value": 1}
        - date: 2026-11-21
          value: 012
    """)
    assert [(i.code, i.line, i.col) for i in issues] == [("CX110", 3, 10)]


def test_torn_line_is_a_syntax_error_at_its_end() -> None:
    _, issues = log('- {"date": "2026-11-20", "value": 1}\n- {"date": "2026-1\n')
    assert [(i.code, i.line, i.col) for i in issues] == [("CX102", 2, 19)]


def test_line_not_starting_with_a_dash_is_not_an_entry() -> None:
    items, issues = log('<<<<<<< HEAD\n- {"date": "2026-11-20", "value": 1}\n')
    assert [i.line for i in items] == [2]
    assert [(i.code, i.line) for i in issues] == [("CX116", 1)]


def test_empty_list_is_an_empty_log() -> None:
    assert log("[]\n") == ([], [])


def test_empty_entry_is_reported() -> None:
    items, issues = log("-\n")
    assert [item[:2] for item in items] == [(1, None)]
    assert [i.code for i in issues] == ["CX116"]


def test_repeated_key_in_a_json_line_is_reported() -> None:
    items, issues = log('- {"value": 1, "date": "2026-11-20", "value": 2}\n')
    assert [item[:2] for item in items] == [(1, None)]
    assert [(i.code, i.line, i.col) for i in issues] == [("CX103", 1, 38)]


def test_repeated_key_with_spaced_colons_is_reported() -> None:
    _, issues = log('- {"value" : 1, "value": 2}\n')
    assert [i.code for i in issues] == ["CX103"]


def test_colon_inside_a_json_string_is_not_a_key() -> None:
    items, issues = log('- {"note": "ratio \\": 2", "value": 1}\n')
    assert [item[:2] for item in items] == [(1, {"note": 'ratio ": 2', "value": 1})]
    assert issues == []


def test_json_nan_is_not_a_number() -> None:
    items, _ = log('- {"value": NaN}\n')
    assert [item[:2] for item in items] == [(1, {"value": "NaN"})]


def test_json_number_too_large_is_reported() -> None:
    _, issues = log('- {"value": 1e400}\n')
    assert [(i.code, i.line, i.col) for i in issues] == [("CX111", 1, 13)]


GOOD = '- {"date": "2026-11-%02d", "value": %d, "note": "order 12345678901234567890 \\": ok"}\n'


@pytest.mark.parametrize(
    ("bad", "code", "col"),
    [
        ('- {"value": 1, "date": "2026-11-20", "value": 2}\n', "CX103", 38),
        ('- {"date": "2026-11-20", "value": 1234567890123456789}\n', "CX111", 35),
        ('- {"date": "2026-11-20", "value": -2.5E+999}\n', "CX111", 35),
    ],
)
def test_a_bad_line_among_good_ones_is_found_where_it_is(bad: str, code: str, col: int) -> None:
    """The fast path checks keys and numbers for the whole log at once; one bad line must
    still be found, at its own line, and the good lines around it kept."""
    text = GOOD % (1, 1) + GOOD % (2, 2) + bad + GOOD % (4, 4)
    items, issues = log(text)
    assert [(i.code, i.line, i.col) for i in issues] == [(code, 3, col)]
    assert [item.line for item in items if item.data is not None] == [1, 2, 4]


def test_long_digit_runs_and_escaped_colons_in_notes_are_only_text() -> None:
    items, issues = log(GOOD % (1, 1) + GOOD % (2, 2))
    assert issues == []
    assert [item.data["value"] for item in items] == [1, 2]


def test_deeply_nested_json_line_is_reported() -> None:
    depth = 100_000
    line = '- {"value": ' + "[" * depth + "]" * depth + "}\n"
    _, issues = load_log(line.encode())
    assert [i.code for i in issues] == ["CX105"]


# --- log_line --------------------------------------------------------------------------------


def test_log_line_is_one_json_list_item() -> None:
    line = log_line({"date": "2026-11-20", "value": 61.2, "note": "café"})
    assert line == '- {"date": "2026-11-20", "value": 61.2, "note": "café"}\n'


def test_log_line_escapes_a_line_separator_and_reads_it_back() -> None:
    line = log_line({"note": "a\u2028b"})
    assert "\u2028" not in line
    items, issues = load_log(line.encode())
    assert ([item[:2] for item in items], issues) == ([(1, {"note": "a\u2028b"})], [])


@pytest.mark.parametrize("char", ["\x7f", "\x85", "\ufffe"])
def test_log_line_escapes_a_control_that_the_reader_then_refuses_in_text(char: str) -> None:
    line = log_line({"note": f"a{char}b"})
    assert char not in line  # the file itself stays readable
    items, issues = load_log(line.encode())
    assert [item[:2] for item in items] == [(1, None)]
    assert [(i.code, i.line) for i in issues] == [("CX117", 1)]


def test_a_line_with_two_objects_is_not_taken_for_two_entries() -> None:
    text = '- {"date": "2026-11-20", "value": 1}, {"date": "2026-11-21", "value": 2}\n'
    items, issues = load_log(text.encode())
    assert [item.data for item in items] == [None]
    assert [(i.code, i.line) for i in issues] == [("CX102", 1)]


def test_the_whole_log_fast_path_keeps_line_numbers() -> None:
    text = '# modeline\n- {"value": 1}\n\n- {"value": 2}\n'
    items, issues = load_log(text.encode())
    assert [(item.line, item.data) for item in items] == [(2, {"value": 1}), (4, {"value": 2})]
    assert issues == []


def test_marks_survive_the_cache_and_unpack_only_when_asked() -> None:
    import pickle

    found = yamlio.load_document(b"name: Stores\nmembers:\n  - id: ana\n  - id: bo\n")
    copy = pickle.loads(pickle.dumps(found.marks))
    assert copy._positions is None  # still one packed block
    assert copy.find(("members", 1, "id")) == found.marks.find(("members", 1, "id")) == (4, 5)
    assert copy == found.marks
    again = pickle.loads(pickle.dumps(copy))  # packed again after use: the same positions
    assert again.positions == found.marks.positions


@pytest.mark.parametrize(
    "value",
    ["Acme, Inc.", "Northwind", "a\u2028b", "x: y", "2026", "012", "yes", "[x]", "{x}", "end "],
)
def test_a_written_scalar_reads_back_in_a_block_and_in_a_flow_mapping(value: str) -> None:
    for text in (f"k: {yamlio.scalar(value)}\n", f"{{k: {yamlio.scalar(value)}}}\n"):
        found = yamlio.load_document(text.encode())
        assert (found.data, found.issues) == ({"k": value}, []), text
