"""Rules for metric sources (DESIGN §1 "Metric sources"): the `connections` of cxokr.yaml
and each metric's `sync`, judged from the files alone.

`check` never connects and never imports an engine: a connection's URL is read as
text (a literal password, a DuckDB file outside the workspace, a form no engine
takes, an environment variable this run cannot see), and a query as tokens, so
that the columns its final `select` returns are known only when they are certain
(`select *`, a cast, a query in another form: nothing is claimed). `cxokr sync
--check` is the one that runs the queries.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from itertools import pairwise
from pathlib import Path
from typing import NamedTuple

from cxokr.load.layout import CONFIG_FILE, metric_path
from cxokr.load.workspace import Workspace
from cxokr.model import Connection, Metric, Sync
from cxokr.problems import Problem, did_you_mean

ENV = "env:"
DUCKDB = "duckdb:"
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# `dialect[+driver]://rest`, as SQLAlchemy reads a URL.
_SQLALCHEMY = re.compile(
    r"(?P<scheme>[A-Za-z][A-Za-z0-9_]*(?:\+[A-Za-z0-9_]+)?)://(?P<rest>.*)", re.S
)
# Schemes of URLs that name no database, however like one they look.
_NOT_DATABASES = frozenset({"http", "https", "ftp", "sftp", "file", "s3", "gs", "az", "ssh"})
_PASSWORD_KEYS = frozenset({"password", "passwd", "pwd"})
FORMS = (
    "env:VARNAME (the URL read from that variable), duckdb: (in memory), "
    "duckdb:PATH.duckdb (a file in the workspace) or a SQLAlchemy URL such as "
    "postgresql+psycopg://user@host/db"
)
REQUIRED = ("date", "value")


def check_sources(ws: Workspace) -> list[Problem]:
    """Problems of the connections in cxokr.yaml and of every metric's `sync`."""
    connections = ws.config.connections if ws.config else {}
    found = [
        problem
        for name, connection in sorted(connections.items())
        for problem in _connection(ws, name, connection)
    ]
    for name, metric in sorted(ws.metrics.items()):
        if metric.sync is not None:
            found += _sync(ws, name, metric, metric.sync)
    return found


# --- Connections -------------------------------------------------------------------------


def env_name(connection: str) -> str:
    """The variable a connection's URL belongs in: `CXOKR_WAREHOUSE_URL` for `warehouse`."""
    return f"CXOKR_{connection.upper().replace('-', '_')}_URL"


def _connection(ws: Workspace, name: str, connection: Connection) -> list[Problem]:
    url = connection.url.strip()  # as sync reads it
    at = ("connections", name, "url")
    if url.startswith(ENV):
        variable = url[len(ENV) :].strip()
        if not _ENV_NAME.fullmatch(variable):
            message = (
                f"connection {name!r}: url {url!r} names no environment variable: write "
                f"env: and the variable's name, e.g. url: env:{env_name(name)}"
            )
            return [ws.problem_at("CX354", CONFIG_FILE, at, message)]
        if variable not in os.environ:
            message = (
                f"connection {name!r}: environment variable {variable} is not set; cxokr sync "
                f"reads the connection's URL from it (set it where sync runs, e.g. as a CI secret)"
            )
            return [ws.problem_at("CX352", CONFIG_FILE, at, message)]
        return []
    if url.startswith(DUCKDB):
        return _duckdb_file(ws, name, url[len(DUCKDB) :].strip())
    matched = _SQLALCHEMY.fullmatch(url)
    scheme = matched["scheme"].split("+")[0].lower() if matched else ""
    if matched is None or scheme in _NOT_DATABASES:
        shown = mask(url) if matched else f"{url.split(':', 1)[0]}:..." if ":" in url else url
        message = f"connection {name!r}: url {shown!r} is in no form cxokr reads: write {FORMS}"
        return [ws.problem_at("CX354", CONFIG_FILE, at, message)]
    if has_password(matched["rest"]):
        variable = env_name(name)
        message = (
            f"connection {name!r}: url {mask(url)!r} holds a password, which a file in git must "
            f"never hold: set {variable} to the URL where sync runs (a CI secret) and write "
            f"url: env:{variable}"
        )
        return [ws.problem_at("CX351", CONFIG_FILE, at, message)]
    return []


def _duckdb_file(ws: Workspace, name: str, path: str) -> list[Problem]:
    """A DuckDB file stays in the workspace: relative, no `..` out, no link leading out."""
    if path in ("", ":memory:"):
        return []
    root = ws.root.resolve()
    lexical = Path(os.path.normpath(root / path))
    if Path(path).is_absolute() or not lexical.is_relative_to(root):
        why = "is outside the workspace"
    elif not lexical.resolve().is_relative_to(root):
        why = "leads outside the workspace through a link"
    else:
        return []
    message = (
        f"connection {name!r}: DuckDB file {path!r} {why}: keep the file in the workspace and "
        f"give its path relative to the workspace root, e.g. duckdb:data/cx.duckdb"
    )
    return [ws.problem_at("CX353", CONFIG_FILE, ("connections", name, "url"), message)]


def _authority(rest: str) -> tuple[str, str]:
    """The user information (before the last `@` of the part before the path) and the query
    string of a SQLAlchemy URL's `rest`."""
    before_query, _, query = rest.partition("?")
    user = before_query.rpartition("@")[0] if "@" in before_query else ""
    return user, query


def has_password(rest: str) -> bool:
    """Whether a URL (after `scheme://`) holds a password: `user:secret@` or `?password=`."""
    user, query = _authority(rest)
    if user.partition(":")[2]:
        return True
    keys = (pair.partition("=") for pair in query.split("&"))
    return any(key.lower() in _PASSWORD_KEYS and value for key, _, value in keys)


def mask(url: str) -> str:
    """`url` with any password replaced by `***`, to show in a message."""
    matched = _SQLALCHEMY.fullmatch(url)
    if matched is None:
        return url
    rest = matched["rest"]
    user, query = _authority(rest)
    if user.partition(":")[2]:
        rest = f"{user.partition(':')[0]}:***@{rest[len(user) + 1 :]}"
    if query:
        pairs = (pair.partition("=") for pair in query.split("&"))
        hidden = "&".join(
            f"{key}={'***' if key.lower() in _PASSWORD_KEYS and value else value}" if sep else key
            for key, sep, value in pairs
        )
        rest = f"{rest.partition('?')[0]}?{hidden}"
    return f"{matched['scheme']}://{rest}"


# --- A metric's sync ---------------------------------------------------------------------


def _sync(ws: Workspace, name: str, metric: Metric, sync: Sync) -> list[Problem]:
    rel = metric_path(name)
    found = []
    connections: Mapping[str, Connection] = ws.config.connections if ws.config else {}
    if ws.config is not None and sync.connection not in connections:
        hint = did_you_mean(sync.connection, connections) or (
            f"; declare it in cxokr.yaml: connections: {{{sync.connection}: {{url: ...}}}}"
            if not connections
            else f" (cxokr.yaml declares {', '.join(map(repr, sorted(connections)))})"
        )
        message = (
            f"sync.connection {sync.connection!r} is not declared in cxokr.yaml connections{hint}"
        )
        found.append(ws.problem_at("CX346", rel, ("sync", "connection"), message))
    tokens = list(_tokens(sync.query))
    if not tokens:
        message = (
            "sync.query is empty: write the SQL that returns a reading a row, as columns "
            "date and value (and segment or source)"
        )
        return [*found, ws.problem_at("CX347", rel, ("sync", "query"), message)]
    return found + _columns(ws, rel, metric, tokens)


def _columns(ws: Workspace, rel: str, metric: Metric, tokens: list[Token]) -> list[Problem]:
    found = []
    at = ("sync", "query")
    names = returned(tokens)
    if names is not None:
        missing = [column for column in REQUIRED if column not in names]
        if missing:
            shown = " and ".join(missing)
            message = (
                f"sync.query returns no {shown} column (its select gives "
                f"{', '.join(names) or 'nothing'}): name {'them' if len(missing) > 1 else 'it'} "
                f"in the select, e.g. {_EXAMPLES[missing[0]]}"
            )
            found.append(ws.problem_at("CX348", rel, at, message))
    if names is not None and "segment" in names and not metric.segments:
        message = (
            "sync.query returns a segment column, but the metric declares no segments: "
            "declare them (segments: [online, stores]) or drop the column"
        )
        found.append(ws.problem_at("CX349", rel, at, message))
    if not any(token.kind == "param" and token.text.lower() == ":since" for token in tokens):
        message = (
            "sync.query does not use :since, so every sync reads all its rows again: "
            "filter on it, e.g. where day >= :since (the day after the newest reading held)"
        )
        found.append(ws.problem_at("CX350", rel, at, message))
    return found


_EXAMPLES = {"date": "day as date", "value": "avg(total) as value"}


# --- Reading a query ---------------------------------------------------------------------


class Token(NamedTuple):
    kind: str  # word, quoted, string, param, number, cast, punct
    text: str


_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
    |(?P<comment>--[^\n]*|/\*.*?(?:\*/|\Z))
    |(?P<string>'(?:[^']|'')*'?|\$(?P<tag>[A-Za-z_]*)\$.*?(?:\$(?P=tag)\$|\Z))
    |(?P<quoted>"(?:[^"]|"")*"?|`[^`]*`?)
    |(?P<param>:[A-Za-z_][A-Za-z0-9_]*)
    |(?P<word>[A-Za-z_][A-Za-z0-9_$]*)
    |(?P<number>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+)
    |(?P<cast>::)
    |(?P<punct>.)
    """,
    re.X | re.S,
)


def _tokens(query: str) -> Iterator[Token]:
    """The query's tokens, without spaces and comments; a string literal is one token, so
    nothing inside it (`':since'`) counts."""
    for matched in _TOKEN.finditer(query):
        kind = matched.lastgroup  # the outer group: a dollar-quoted string's is `string`
        if kind not in ("space", "comment") and kind is not None:
            yield Token(kind, matched[0])


# Words that end a select list at the top level.
_AFTER_SELECT = frozenset(
    [
        "from",
        "where",
        "group",
        "having",
        "order",
        "limit",
        "union",
        "intersect",
        "except",
        "window",
        "qualify",
        "into",
        "offset",
        "fetch",
    ]
)
# Words after which a last word is not a column's alias (`x is null`, `case ... end`).
_NOT_ALIASES = frozenset(
    [
        "null",
        "true",
        "false",
        "end",
        "and",
        "or",
        "not",
        "is",
        "in",
        "like",
        "ilike",
        "between",
        "then",
        "else",
        "when",
        "case",
        "distinct",
        "all",
        "any",
        "some",
        "array",
        "interval",
    ]
)


def returned(tokens: list[Token]) -> list[str] | None:
    """The names (lower case) of the columns the query's final select returns, in order; None
    when any of them cannot be known without running it."""
    position = _select_start(tokens)
    if position is None:
        return None
    names = []
    for item in _items(tokens, position):
        name = _name(item)
        if name is None:
            return None
        names.append(name.lower())
    return names


def _select_start(tokens: list[Token]) -> int | None:
    """The index after the first top-level `select` (and its `distinct [on (...)]`), past any
    `with` clause; None for a query of another form (`from t select`, `values`, a `(`)."""
    words = [token.text.lower() if token.kind == "word" else "" for token in tokens]
    index = 0
    if words[0] == "with":
        index = next((i for i, _ in _top_level(tokens) if words[i] == "select"), len(tokens))
    if index >= len(tokens) or words[index] != "select":
        return None
    index += 1
    if index < len(words) and words[index] in ("all", "distinct"):
        index += 1
        if words[index - 1] == "distinct" and index < len(words) and words[index] == "on":
            # past the parenthesised expressions of `distinct on (...)`
            index = next((i for i, _ in _top_level(tokens, index + 1)), len(tokens))
    if index < len(words) and words[index] == "top":
        return None
    return index


def _top_level(tokens: list[Token], start: int = 0) -> Iterator[tuple[int, Token]]:
    """The tokens from `start` outside any parentheses, with their index."""
    depth = 0
    for index in range(start, len(tokens)):
        token = tokens[index]
        if token.kind == "punct" and token.text in "([":
            depth += 1
        elif token.kind == "punct" and token.text in ")]":
            depth -= 1
        elif depth == 0:
            yield index, token


def _items(tokens: list[Token], start: int) -> list[list[Token]]:
    """The select list from `start`, split at its top-level commas."""
    end = len(tokens)
    commas = []
    for index, token in _top_level(tokens, start):
        if (token.kind == "word" and token.text.lower() in _AFTER_SELECT) or token.text == ";":
            end = index
            break
        if token.text == ",":
            commas.append(index)
    bounds = [start - 1, *[c for c in commas if c < end], end]
    return [tokens[a + 1 : b] for a, b in pairwise(bounds)]


def _name(item: list[Token]) -> str | None:
    """The name of one select item's column when it is certain: an alias (`x as name`,
    `x name`, DuckDB's `name: x`), a column (`t.name`), or a call other than a cast
    (`avg(x)`: PostgreSQL names it avg, DuckDB avg(x); neither is date or value)."""
    if not item:
        return None
    last = item[-1]
    if len(item) >= 2 and item[-2].kind == "word" and item[-2].text.lower() == "as":
        return _identifier(last)
    if len(item) >= 2 and item[1].text == ":" and item[0].kind in ("word", "quoted"):
        return _identifier(item[0])
    if all(t.text == "." for t in item[1::2]) and all(
        t.kind in ("word", "quoted") for t in item[::2]
    ):
        return _identifier(last)  # a column, maybe qualified: t.day
    if _is_call(item):
        return item[0].text
    before = item[-2] if len(item) >= 2 else None
    if (
        before is not None
        and last.kind in ("word", "quoted")
        and last.text.lower() not in _NOT_ALIASES
        and (before.text == ")" or before.kind in ("word", "quoted", "number", "string"))
        and not (before.kind == "word" and before.text.lower() in _NOT_ALIASES)
    ):
        return _identifier(last)  # an alias without `as`: day date
    return None


def _is_call(item: list[Token]) -> bool:
    """`name(...)` and nothing after it, `name` not a cast (PostgreSQL names a cast after
    what it casts)."""
    if len(item) < 3 or item[0].kind != "word" or item[1].text != "(" or item[-1].text != ")":
        return False
    if item[0].text.lower() in ("cast", "try_cast", "convert"):
        return False
    closing = next((i for i, _ in _top_level(item, 1)), None)  # first token back at depth 0
    return closing is None


def _identifier(token: Token) -> str | None:
    if token.kind == "word":
        return token.text
    if token.kind == "quoted":
        return token.text[1:-1].replace('""', '"')
    return None
