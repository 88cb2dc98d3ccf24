"""DuckDB, in this process: `duckdb:` in memory or `duckdb:PATH` (a file, opened read-only).

Relative paths in a query (`read_csv('exports/orders-*.csv')`) are read from the
workspace root through DuckDB's `file_search_path` setting, so the process's working
folder never changes. A query reads files inside the workspace only (CSV, Parquet,
JSON: what DuckDB has built in): an absolute path outside it and any `..` are refused;
it reaches no network and installs no extension (a SQLite file is read through
SQLAlchemy instead: `sqlite:///exports/shop.db`). DuckDB also looks for a relative path
the workspace lacks in the working folder: `cxokr sync` makes the workspace its working
folder before any query runs. The query runs wrapped in a `select`, so it cannot
be a `COPY` or an `ATTACH`. `:since` becomes the named parameter `$since`, its value
bound. A timer thread interrupts a query that outlives its timeout.
"""

from __future__ import annotations

import atexit
import threading
from pathlib import Path
from typing import Any

from cxokr.errors import SourceError
from cxokr.sources import sqltext
from cxokr.sources.query import Deadline, Fetched, Query
from cxokr.sources.urls import duckdb_database, missing_driver

# Opening a DuckDB database takes tens of milliseconds, running a small query a few: one
# in-memory database is kept per workspace for the process, and each query runs on a
# cursor of its own. A query cannot change it: it runs inside a select, settings locked.
_DATABASES: dict[str, Any] = {}
_LOCK = threading.Lock()


def run(query: Query, *, rows: bool = True) -> Fetched:
    """Run the query (all its rows up to the limit, or none when `rows` is false)."""
    try:
        import duckdb
    except ModuleNotFoundError as exc:
        raise missing_driver(exc, "DuckDB") from None
    database = duckdb_database(query.root, query.url)
    pieces = sqltext.split(query.text)
    limit = query.limit + 1 if rows else 0
    sql = sqltext.wrapped(sqltext.for_duckdb(pieces), limit)
    params = {sqltext.PARAMETER: query.since} if sqltext.uses_since(pieces) else None
    conn = _cursor(duckdb, query, database)
    try:
        with Deadline(query.timeout, conn.interrupt) as deadline:
            try:
                result = conn.execute(sql, params)
                columns = tuple(str(column[0]) for column in result.description or ())
                fetched = result.fetchall()
            except duckdb.Error as exc:
                if deadline.expired or isinstance(exc, duckdb.InterruptException):
                    raise query.timed_out() from None
                raise query.failed(exc, _hint(duckdb, exc)) from exc
    finally:
        conn.close()
    return query.checked(columns, fetched)


def _hint(duckdb: Any, exc: BaseException) -> str:
    if isinstance(exc, duckdb.PermissionException):
        return " (a query reads files inside the workspace only, by paths relative to it)"
    return ""


def close() -> None:
    """Close the databases kept for the next query (sync calls it at its end)."""
    with _LOCK:
        kept = list(_DATABASES.values())
        _DATABASES.clear()
    for conn in kept:
        conn.close()


def _cursor(duckdb: Any, query: Query, database: Path | None) -> Any:
    """A connection for one query: for `duckdb:`, a cursor of its own on the in-memory
    database kept for the workspace; a DuckDB file is opened for the query alone, so
    its lock never outlasts the query (another process may be writing it next)."""
    if database is not None:
        return _connect(duckdb, query, database)
    root = str(query.root.resolve())
    with _LOCK:
        kept = _DATABASES.get(root)
        if kept is None:
            kept = _DATABASES[root] = _connect(duckdb, query, None)
            if len(_DATABASES) == 1:
                atexit.register(close)
        return kept.cursor()


def _connect(duckdb: Any, query: Query, database: Path | None) -> Any:
    """A connection whose relative paths start at the workspace root, and that reads
    files in the workspace only."""
    root = str(query.root.resolve())
    if "," in root:  # file_search_path is a comma-separated list
        raise SourceError(
            f"DuckDB cannot read relative paths in a workspace whose path holds a comma "
            f"({root}): move or rename it"
        )
    try:
        if database is None:
            conn = duckdb.connect(":memory:", config={"file_search_path": root})
        else:
            conn = duckdb.connect(str(database), read_only=True, config={"file_search_path": root})
        _confine(conn, root)
    except duckdb.Error as exc:
        raise query.cannot_connect(exc) from exc
    except OSError as exc:
        raise SourceError(f"cannot open {query.url}: {exc.strerror or exc}") from exc
    return conn


def _confine(conn: Any, root: str) -> None:
    """Let the query read the workspace's files and nothing else: no path out of it (nor
    `..`), no network, no extension to install; then lock the settings, so the query
    cannot change them back. (DuckDB checks paths as written, without following links.)"""
    conn.execute("SET allowed_directories = $allowed", {"allowed": [root + "/", "./"]})
    conn.execute("SET enable_external_access = false")
    conn.execute("SET lock_configuration = true")
