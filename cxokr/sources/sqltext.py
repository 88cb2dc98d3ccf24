"""Reading a query's text just enough to bind `:since` safely and to wrap the query.

A query is split into code, string literals ('it''s', E'\\n', $$...$$), quoted
identifiers ("a"":b", `a:b`) and comments (-- and nested /* */), so a `:since` inside a
literal, an identifier or a comment is left alone, and a `::date` cast is not read
as a parameter. The parameter is then written in the engine's own syntax; its value
is always bound by the driver, never pasted into the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

PARAMETER = "since"

Kind = Literal["code", "quoted", "comment", "param"]

_DOLLAR_TAG = re.compile(r"\$([A-Za-z_][A-Za-z_0-9]*)?\$")
_WORD = re.compile(r"\w")


@dataclass(frozen=True)
class Piece:
    """A run of the query's text and what it is."""

    kind: Kind
    text: str


def _string_end(sql: str, start: int, quote: str, backslashes: bool) -> int:
    """The index after the literal or identifier opening at `start` (doubled quotes escape)."""
    i = start + 1
    while i < len(sql):
        char = sql[i]
        if backslashes and char == "\\":
            i += 2
            continue
        if char == quote:
            if i + 1 < len(sql) and sql[i + 1] == quote:
                i += 2
                continue
            return i + 1
        i += 1
    return len(sql)


def _block_comment_end(sql: str, start: int) -> int:
    """The index after the /* */ comment opening at `start` (nested ones included)."""
    depth, i = 0, start
    while i < len(sql):
        pair = sql[i : i + 2]
        if pair == "/*":
            depth, i = depth + 1, i + 2
        elif pair == "*/":
            depth, i = depth - 1, i + 2
            if depth == 0:
                return i
        else:
            i += 1
    return len(sql)


def _escape_string(sql: str, i: int) -> bool:
    """True when the quote at `i` opens an E'...' string, where backslashes escape."""
    return i > 0 and sql[i - 1] in "eE" and (i == 1 or not _WORD.match(sql[i - 2]))


def _quoted_end(sql: str, i: int, backslashes: bool) -> tuple[Kind, int] | None:
    """The kind and end of a literal, identifier or comment starting at `i`, if one does."""
    char, pair = sql[i], sql[i : i + 2]
    if char == "'":
        return "quoted", _string_end(sql, i, "'", backslashes or _escape_string(sql, i))
    if char in '"`':
        return "quoted", _string_end(sql, i, char, False)
    if pair == "--":
        newline = sql.find("\n", i)
        return "comment", len(sql) if newline < 0 else newline
    if pair == "/*":
        return "comment", _block_comment_end(sql, i)
    if char == "$":
        tag = _DOLLAR_TAG.match(sql, i)
        if tag and not (i > 0 and _WORD.match(sql[i - 1])):
            close = sql.find(tag.group(0), tag.end())
            return "quoted", len(sql) if close < 0 else close + len(tag.group(0))
    return None


def _is_parameter(sql: str, i: int) -> bool:
    """True when the colon at `i` starts `:since` as a parameter (not `::`, not `a:since`)."""
    end = i + 1 + len(PARAMETER)
    if sql[i + 1 : end] != PARAMETER:
        return False
    before_ok = i == 0 or not (_WORD.match(sql[i - 1]) or sql[i - 1] == ":")
    after_ok = end == len(sql) or not _WORD.match(sql[end])
    return before_ok and after_ok


def split(sql: str, *, backslashes: bool = False) -> list[Piece]:
    """The query as code, quoted text, comments and `:since` parameters, in order.
    `backslashes`: a backslash escapes the next character in every '...' literal, as
    in MySQL and BigQuery (elsewhere only in PostgreSQL's E'...')."""
    pieces: list[Piece] = []
    code_start = i = 0

    def flush(upto: int) -> None:
        if upto > code_start:
            pieces.append(Piece("code", sql[code_start:upto]))

    while i < len(sql):
        found = _quoted_end(sql, i, backslashes)
        if found:
            flush(i)
            kind, end = found
            pieces.append(Piece(kind, sql[i:end]))
            code_start = i = end
        elif sql[i : i + 2] == "::":
            i += 2
        elif sql[i] == ":" and _is_parameter(sql, i):
            flush(i)
            pieces.append(Piece("param", sql[i : i + 1 + len(PARAMETER)]))
            code_start = i = i + 1 + len(PARAMETER)
        else:
            i += 1
    flush(len(sql))
    return _without_final_semicolon(pieces)


def _without_final_semicolon(pieces: list[Piece]) -> list[Piece]:
    """Drop one `;` ending the last code (comments and blanks after it may stay)."""
    for index in range(len(pieces) - 1, -1, -1):
        piece = pieces[index]
        if piece.kind == "comment" or not piece.text.strip():
            continue
        stripped = piece.text.rstrip()
        if piece.kind == "code" and stripped.endswith(";"):
            rest = stripped[:-1] + piece.text[len(stripped) :]
            return [*pieces[:index], Piece("code", rest), *pieces[index + 1 :]]
        return pieces
    return pieces


def uses_since(pieces: list[Piece]) -> bool:
    return any(piece.kind == "param" for piece in pieces)


def for_duckdb(pieces: list[Piece]) -> str:
    """The query with `:since` written as DuckDB's named parameter `$since`."""
    return "".join(f"${PARAMETER}" if p.kind == "param" else p.text for p in pieces)


def for_sqlalchemy(pieces: list[Piece]) -> str:
    """The query for SQLAlchemy's `text()`: `:since` its one bind parameter, every other
    colon escaped (`\\:`) so text() passes it to the database as written."""
    return "".join(p.text if p.kind == "param" else p.text.replace(":", "\\:") for p in pieces)


def wrapped(query: str, limit: int) -> str:
    """The query as a subquery with a row limit (on lines of their own, so a trailing
    `--` comment in the query cannot swallow the closing parenthesis)."""
    return f"select * from (\n{query}\n) as q limit {int(limit)}"
