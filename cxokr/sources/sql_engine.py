"""Any database SQLAlchemy reaches: PostgreSQL, MySQL, SQLite, Snowflake, BigQuery, ...

The query runs as `text(query)` with `since` bound, in a transaction that is read-only
where the dialect allows it (PostgreSQL: `SET TRANSACTION READ ONLY`; SQLite:
`PRAGMA query_only`) and always rolled back at the end. A SQLite file named by a
relative path (`sqlite:///exports/shop.db`) is read from the workspace root.

No more than the row limit is ever held: where SQL has `LIMIT` the query is wrapped
in one (`select * from (QUERY) as q limit N`, also how `probe` asks for no rows),
elsewhere rows stream from a server-side cursor. Timeouts: PostgreSQL keeps the time
itself (`statement_timeout`, and `connect_timeout`); on every other dialect a timer
cancels the running statement through the driver (`cancel()` or `interrupt()`).
Engines are kept per URL for the process, each with one idle connection checked
before reuse; `close()` (or the process's exit) closes them.
"""

from __future__ import annotations

import atexit
import contextlib
import math
import threading
from pathlib import Path
from typing import Any

from cxokr.errors import SourceError
from cxokr.sources import sqltext
from cxokr.sources.query import Deadline, Fetched, Query, first_line
from cxokr.sources.urls import missing_driver, sqlalchemy_url

# SQLSTATE 57014: PostgreSQL cancelled the statement (statement_timeout or a cancel).
QUERY_CANCELED = "57014"
LONGEST_MS = 2_147_483_647  # the largest statement_timeout PostgreSQL takes (about 24 days)
# Dialects whose SQL has `LIMIT`: the query is wrapped in one, so the database itself
# stops at the row limit; on the others rows stream from a server-side cursor instead.
LIMIT_DIALECTS = frozenset(
    {
        "postgresql",
        "sqlite",
        "mysql",
        "mariadb",
        "duckdb",
        "snowflake",
        "bigquery",
        "databricks",
        "redshift",
        "trino",
        "clickhouse",
    }
)

# Dialects whose '...' literals take backslash escapes (a `:since` after \' is quoted).
BACKSLASH_DIALECTS = frozenset({"mysql", "mariadb", "bigquery", "databricks"})

# One engine per URL, kept for the process: a sync of 200 metrics from one database
# pays for the connection and the dialect's first questions once, not 200 times.
_ENGINES: dict[tuple[str, tuple[tuple[str, int], ...]], Any] = {}
_LOCK = threading.Lock()


def run(query: Query, *, rows: bool = True) -> Fetched:
    """Run the query (all its rows up to the limit, or none when `rows` is false)."""
    try:
        import sqlalchemy
    except ModuleNotFoundError as exc:
        raise missing_driver(exc) from None
    engine = _engine(sqlalchemy, query)
    try:
        conn = engine.connect()
    except sqlalchemy.exc.DBAPIError as exc:
        raise query.cannot_connect(exc.orig or exc) from None
    try:
        return _execute(sqlalchemy, conn, query, rows)
    finally:
        conn.close()


def close() -> None:
    """Close the connections kept for the next query (sync calls it at its end)."""
    with _LOCK:
        engines = list(_ENGINES.values())
        _ENGINES.clear()
    for engine in engines:
        engine.dispose()


def _engine(sqlalchemy: Any, query: Query) -> Any:
    """The kept engine for the query's URL, made on first use."""
    url = _url(sqlalchemy, query)
    connect_args = {}
    if url.get_backend_name() == "postgresql":
        connect_args["connect_timeout"] = min(max(2, math.ceil(query.timeout)), LONGEST_MS // 1000)
    key = (url.render_as_string(hide_password=False), tuple(sorted(connect_args.items())))
    with _LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            engine = _ENGINES[key] = _create(sqlalchemy, query, url, connect_args)
            if len(_ENGINES) == 1:
                atexit.register(close)
    return engine


def _url(sqlalchemy: Any, query: Query) -> Any:
    try:
        url = sqlalchemy.engine.make_url(sqlalchemy_url(query.url))
    except sqlalchemy.exc.ArgumentError:
        raise SourceError(  # not echoed: text that is no URL may hold anything
            "the connection URL is not a URL cxokr can read: write "
            "dialect+driver://user@host/database (a SQLAlchemy URL), duckdb: or duckdb:PATH"
        ) from None
    return _sqlite_in_workspace(url, query.root) if url.get_backend_name() == "sqlite" else url


def _create(sqlalchemy: Any, query: Query, url: Any, connect_args: dict[str, int]) -> Any:
    """An engine keeping one idle connection, checked (pre-ping) before each reuse."""
    dialect = url.get_backend_name()
    try:
        return sqlalchemy.create_engine(
            url,
            poolclass=sqlalchemy.pool.QueuePool,
            pool_size=1,
            max_overflow=8,
            pool_pre_ping=True,
            connect_args=connect_args,
        )
    except ModuleNotFoundError as exc:
        raise missing_driver(exc, dialect) from None
    except ImportError as exc:
        raise SourceError(f"the {dialect} driver cannot be loaded: {first_line(exc)}") from None
    except sqlalchemy.exc.NoSuchModuleError:
        raise SourceError(
            f"SQLAlchemy has no dialect {url.drivername!r} for {query.where}: install the "
            "package that provides it (snowflake-sqlalchemy, sqlalchemy-bigquery, ...)"
        ) from None


def _sqlite_in_workspace(url: Any, root: Path) -> Any:
    """A SQLite URL whose relative file path (`sqlite:///exports/shop.db`) is read from the
    workspace root rather than the working folder."""
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return url
    if Path(database).is_absolute():
        return url
    return url.set(database=str(root.resolve() / database))


def _execute(sqlalchemy: Any, conn: Any, query: Query, rows: bool) -> Fetched:
    """Run the statement in a read-only transaction, rolled back at the end."""
    dialect = conn.dialect.name
    text, params = _statement(query, dialect, rows)
    # PostgreSQL's own statement_timeout bounds the query there; elsewhere a timer does.
    cancel = None if dialect == "postgresql" else lambda: _cancel(conn)
    transaction = conn.begin()
    try:
        with Deadline(query.timeout, cancel) as deadline:
            try:
                _read_only(conn, query)
                result = conn.execution_options(
                    stream_results=dialect not in LIMIT_DIALECTS
                ).execute(sqlalchemy.text(text), params)
                columns, fetched = _read(query, result)
            except sqlalchemy.exc.DBAPIError as exc:
                raise _query_error(query, exc, deadline.expired) from None
            except sqlalchemy.exc.StatementError as exc:
                raise query.failed(exc.orig or exc) from None
    finally:
        _roll_back(sqlalchemy, transaction)
    return query.checked(columns, fetched)


def _statement(query: Query, dialect: str, rows: bool) -> tuple[str, dict[str, Any]]:
    """The text for `text()` (wrapped in a LIMIT where it can be) and its parameters."""
    pieces = sqltext.split(query.text, backslashes=dialect in BACKSLASH_DIALECTS)
    text = sqltext.for_sqlalchemy(pieces)
    if dialect in LIMIT_DIALECTS or not rows:
        text = sqltext.wrapped(text, query.limit + 1 if rows else 0)
    return text, ({sqltext.PARAMETER: query.since} if sqltext.uses_since(pieces) else {})


def _read(query: Query, result: Any) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
    """The columns and up to limit + 1 rows, as the driver returned them."""
    if not result.returns_rows:
        raise query.error(f"{query.what} returned no rows at all: it must be a select")
    columns = tuple(str(key) for key in result.keys())  # noqa: SIM118
    raw = result.cursor.fetchmany(query.limit + 1)
    result.close()
    return columns, [row if type(row) is tuple else tuple(row) for row in raw]


def _read_only(conn: Any, query: Query) -> None:
    """Make the transaction read-only and bound in time, where the dialect can."""
    dialect = conn.dialect.name
    if dialect == "postgresql":
        milliseconds = min(max(1, math.ceil(query.timeout * 1000)), LONGEST_MS)
        conn.exec_driver_sql(
            f"SET TRANSACTION READ ONLY; SET LOCAL statement_timeout = {milliseconds}"
        )
    elif dialect == "sqlite":
        conn.exec_driver_sql("PRAGMA query_only = ON")


def _cancel(conn: Any) -> None:
    """Cancel the running statement through the driver, from the timer's thread."""
    driver = conn.connection.driver_connection
    for method in ("cancel_safe", "cancel", "interrupt"):
        stop = getattr(driver, method, None)
        if callable(stop):
            stop()
            return


def _query_error(query: Query, exc: Any, expired: bool) -> SourceError:
    """A query's failure: a timeout, a lost connection, or the database's own message."""
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if expired or sqlstate == QUERY_CANCELED:
        return query.timed_out()
    if exc.connection_invalidated:
        return query.connection_lost(exc.orig or exc)
    return query.failed(exc.orig or exc)


def _roll_back(sqlalchemy: Any, transaction: Any) -> None:
    """Roll back what the query did; a connection already gone has nothing to roll back."""
    with contextlib.suppress(sqlalchemy.exc.DBAPIError):
        transaction.rollback()
