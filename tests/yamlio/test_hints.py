"""What to write instead, for values YAML reads as something else than text."""

from __future__ import annotations

import pytest

from cxokr.yamlio import load_document
from cxokr.yamlio.hints import quote_hint, refused_hint

TOKEN = "found character that cannot start any token"


@pytest.mark.parametrize(
    ("line", "col", "reason", "hint"),
    [
        ("unit: %", 7, TOKEN, "a value starting with '%' must be quoted: write unit: \"%\""),
        (
            "  lead: @dana  # the owner",
            9,
            TOKEN,
            "a value starting with '@' must be quoted: write lead: \"@dana\"",
        ),
        ("  - %", 5, TOKEN, "a value starting with '%' must be quoted: write - \"%\""),
        (
            "segments: [web, @app]",
            17,
            TOKEN,
            "a value starting with '@' must be quoted: write \"@app\"",
        ),
        (
            "    title: Win: big",
            15,
            "mapping values are not allowed in this context",
            "a value containing ': ' must be quoted: write title: \"Win: big\"",
        ),
        (
            "  - title: a: b",
            13,
            "mapping values are not allowed here",
            "a value containing ': ' must be quoted: write - title: \"a: b\"",
        ),
        (
            "title: [Q3] launch",
            13,
            "did not find expected key",
            "a value starting with '[' must be quoted: write title: \"[Q3] launch\"",
        ),
        (
            "title: > 5 items",
            10,
            "did not find expected comment or line break",
            "a value starting with '>' must be quoted: write title: \"> 5 items\"",
        ),
    ],
)
def test_quote_hint_names_the_line_to_write(line: str, col: int, reason: str, hint: str) -> None:
    assert quote_hint(line, col, reason) == hint


@pytest.mark.parametrize(
    ("line", "col", "reason"),
    [
        ("  c: d", 4, "mapping values are not allowed in this context"),  # a key, not a value
        ("a: [b", 6, "did not find expected ',' or ']'"),  # an unclosed list wants its end
        ("title: [a, b]]", 14, "did not find expected key"),  # nothing but a bracket after
        ("%", 2, "could not find expected directive name"),  # a directive, not a value
        ("title: fine", 3, TOKEN),  # the error is before the value
    ],
)
def test_quote_hint_is_silent_where_quoting_is_not_the_fix(
    line: str, col: int, reason: str
) -> None:
    assert quote_hint(line, col, reason) is None


def test_refused_hint_for_text_read_as_an_alias_anchor_or_tag() -> None:
    assert (
        refused_hint("name: *exec", 7)
        == "text starting with '*' must be quoted: write name: \"*exec\""
    )
    assert refused_hint("name: &co shop", 7) == (
        "text starting with '&' must be quoted: write name: \"&co shop\""
    )
    assert refused_hint("- !web", 3) == "text starting with '!' must be quoted: write - \"!web\""


def test_refused_hint_is_silent_for_an_anchor_on_a_block() -> None:
    assert refused_hint("base: &base", 7) is None
    assert refused_hint("<<: *base", 1) is None


def test_the_hint_keeps_the_reason_and_the_position() -> None:
    [issue] = load_document(b"name: Conversion\nunit: %\n").issues
    assert (issue.code, issue.line, issue.col) == ("CX102", 2, 7)
    assert issue.message == (
        f"YAML syntax error: {TOKEN}; a value starting with '%' must be quoted: write unit: \"%\""
    )


def test_a_log_entry_gets_the_hint_on_its_own_line() -> None:
    [issue] = load_document(b"- {kr: a/b, date: 2026-11-20}\n- note: `x`\n", line_offset=4).issues
    assert (issue.code, issue.line, issue.col) == ("CX102", 6, 9)
    assert issue.message.endswith("a value starting with '`' must be quoted: write - note: \"`x`\"")


def test_a_refused_alias_in_a_log_entry_gets_the_hint() -> None:
    [issue] = load_document(b"- {kr: a/b}\n- note: *x\n", line_offset=2).issues
    assert (issue.code, issue.line, issue.col) == ("CX104", 4, 9)
    assert issue.message == (
        "alias *x is not allowed; text starting with '*' must be quoted: write - note: \"*x\""
    )


def test_a_crlf_line_gets_the_hint_and_a_lone_cr_line_none() -> None:
    [issue] = load_document(b"name: Conversion\r\nunit: %\r\n").issues
    assert issue.message.endswith('write unit: "%"')
    [issue] = load_document(b"a: 1\r\rb: c: d\n").issues
    assert issue.message == "YAML syntax error: mapping values are not allowed in this context"
    [issue] = load_document(b"a: 1\rb: 2\rname: *x\n").issues
    assert issue.message == "alias *x is not allowed"
    [issue] = load_document("a: 1\u2028title: *x\n".encode()).issues
    assert issue.message == "alias *x is not allowed"
