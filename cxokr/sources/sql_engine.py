"""Any database SQLAlchemy reaches: PostgreSQL, MySQL, SQLite, Snowflake, BigQuery, ...

The query runs as `text(query)` with `since` bound, in a transaction that is read-only
where the dialect allows it (PostgreSQL: `SET TRANSACTION READ ONLY`; SQLite:
`PRAGMA query_only`) and always rolled back at the end. A SQLite file named by a
relative path (`sqlite:///exports/shop.db`) is read from the workspace root. Rows stream from the server
(`stream_results`), so no more than the row limit is ever held. Timeouts: PostgreSQL
gets `statement_timeout` and `connect_timeout`; every dialect also gets a timer that
cancels the running statement through the driver (`cancel()` or `interrupt()`).
"""

from __future__ import annotations

import contextlib
import math
from pathlib import Path
from typing import Any

from cxokr.errors import SourceError
from cxokr.sources import sqltext
from cxokr.sources.query import Deadline, Fetched, Query, first_line
from cxokr.sources.urls import missing_driver, sqlalchemy_url

# SQLSTATE 57014: PostgreSQL cancelled the statement (statement_timeout or a cancel).
QUERY_CANCELED = "57014"


def run(query: Query, *, rows: bool = True) -> Fetched:
    """Run the query (all its rows up to the limit, or none when `rows` is false)."""
    try:
        import sqlalchemy
    except ModuleNotFoundError as exc:
        raise missing_driver(exc) from None
    engine = _engine(sqlalchemy, query)
    try:
        try:
            conn = engine.connect()
        except sqlalchemy.exc.DBAPIError as exc:
            raise query.cannot_connect(exc.orig or exc) from None
        try:
            return _execute(sqlalchemy, conn, query, rows)
        finally:
            conn.close()
    finally:
        engine.dispose()


def _engine(sqlalchemy: Any, query: Query) -> Any:
    """The engine for the query's URL (no pool: one connection, closed at the end)."""
    try:
        url = sqlalchemy.engine.make_url(sqlalchemy_url(query.url))
    except sqlalchemy.exc.ArgumentError:
        raise SourceError(  # not echoed: text that is no URL may hold anything
            "the connection URL is not a URL cxokr can read: write dialect+driver://user@host/database "
            "(a SQLAlchemy URL), duckdb: or duckdb:PATH"
        ) from None
    dialect = url.get_backend_name()
    if dialect == "sqlite":
        url = _sqlite_in_workspace(url, query.root)
    connect_args = {}
    if dialect == "postgresql":
        connect_args["connect_timeout"] = max(2, math.ceil(query.timeout))
    try:
        return sqlalchemy.create_engine(
            url, poolclass=sqlalchemy.pool.NullPool, connect_args=connect_args
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
    pieces = sqltext.split(query.text)
    text = sqltext.for_sqlalchemy(pieces)
    if not rows:
        text = sqltext.wrapped(text, 0)
    params = {sqltext.PARAMETER: query.since} if sqltext.uses_since(pieces) else {}
    transaction = conn.begin()
    try:
        with Deadline(query.timeout, lambda: _cancel(conn)) as deadline:
            try:
                _read_only(sqlalchemy, conn, query)
                result = conn.execution_options(stream_results=True).execute(
                    sqlalchemy.text(text), params
                )
                columns = tuple(str(key) for key in result.keys())  # noqa: SIM118
                fetched = [tuple(row) for row in result.fetchmany(query.limit + 1)]
                result.close()
            except sqlalchemy.exc.DBAPIError as exc:
                raise _query_error(query, exc, deadline.expired) from None
            except sqlalchemy.exc.StatementError as exc:
                raise query.failed(exc.orig or exc) from None
    finally:
        _roll_back(sqlalchemy, transaction)
    return query.checked(columns, fetched)


def _read_only(sqlalchemy: Any, conn: Any, query: Query) -> None:
    """Make the transaction read-only and bound in time, where the dialect can."""
    dialect = conn.dialect.name
    if dialect == "postgresql":
        conn.execute(sqlalchemy.text("SET TRANSACTION READ ONLY"))
        milliseconds = max(1, math.ceil(query.timeout * 1000))
        conn.execute(sqlalchemy.text(f"SET LOCAL statement_timeout = {milliseconds}"))
    elif dialect == "sqlite":
        conn.execute(sqlalchemy.text("PRAGMA query_only = ON"))


def _cancel(conn: Any) -> None:
    """Cancel the running statement through the driver, from the timer's thread."""
    driver = conn.connection.driver_connection
    for method in ("cancel", "interrupt"):
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
        return query.connection_lost(exc.orig)
    return query.failed(exc.orig)


def _roll_back(sqlalchemy: Any, transaction: Any) -> None:
    """Roll back what the query did; a connection already gone has nothing to roll back."""
    with contextlib.suppress(sqlalchemy.exc.DBAPIError):
        transaction.rollback()
