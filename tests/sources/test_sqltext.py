"""Reading a query's text: `:since` found only in code, written for each engine."""

from __future__ import annotations

import pytest

from cxokr.sources.sqltext import for_duckdb, for_sqlalchemy, split, uses_since, wrapped


def duck(sql: str) -> str:
    return for_duckdb(split(sql))


def test_since_in_code_becomes_duckdbs_named_parameter() -> None:
    assert duck("select * from t where day > :since") == "select * from t where day > $since"


@pytest.mark.parametrize(
    "sql",
    [
        "select ':since' as a",
        "select 'it''s :since' as a",
        "select E'it\\' :since' as a",
        'select 1 as ":since"',
        "select $$ :since $$ as a",
        "select $tag$ :since $tag$ as a",
        "select 1 -- :since",
        "select 1 /* :since /* nested */ :since */",
    ],
)
def test_since_inside_a_literal_identifier_or_comment_is_left_alone(sql: str) -> None:
    assert not uses_since(split(sql))
    assert duck(sql) == sql


def test_a_cast_is_not_a_parameter_and_a_cast_of_since_is() -> None:
    assert duck("select x::date, :since::date") == "select x::date, $since::date"


def test_longer_names_and_words_ending_in_since_are_not_the_parameter() -> None:
    sql = "select :sincere, a:since, :since_x"
    assert not uses_since(split(sql))
    assert duck(sql) == sql


def test_since_after_a_literal_is_found() -> None:
    sql = "select ':since' as a from t where d > :since and n = 'x'"
    assert duck(sql) == "select ':since' as a from t where d > $since and n = 'x'"


def test_sqlalchemy_text_sees_only_since_and_every_other_colon_is_escaped() -> None:
    sql = "select ':since', x::date, :other from t where d > :since"
    expected = "select '\\:since', x\\:\\:date, \\:other from t where d > :since"
    assert for_sqlalchemy(split(sql)) == expected


def test_one_final_semicolon_is_dropped_and_trailing_comments_kept() -> None:
    assert duck("select 1;  -- done\n") == "select 1  -- done\n"
    assert duck("select ';'") == "select ';'"


def test_an_unclosed_literal_runs_to_the_end() -> None:
    sql = "select ':since"
    assert duck(sql) == sql


def test_wrapping_puts_the_query_on_its_own_lines() -> None:
    assert wrapped("select 1 -- note", 0) == "select * from (\nselect 1 -- note\n) as q limit 0"


def test_backtick_identifiers_are_quoted() -> None:
    assert not uses_since(split("select 1 as `a:since`"))


def test_backslash_escapes_count_where_the_dialect_has_them() -> None:
    sql = "select 'it\\' :since' as a"
    assert uses_since(split(sql))
    assert not uses_since(split(sql, backslashes=True))
