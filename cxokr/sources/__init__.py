"""Metric sources: running a metric's `sync` query where the data lives (DESIGN §1).

Owns the engines `cxokr sync` and `sync --check` run queries on: DuckDB in this
process (`duckdb:`, `duckdb:PATH`) and any database SQLAlchemy reaches (every other
URL), reached through `fetch` (the rows), `probe` (the columns, with no rows) and
`resolve_url` (an `env:NAME` URL read from the environment). Values come back as the
engine returned them; turning them into readings is the caller's work.

Failures raise `SourceError` with the database's first line and never a password.
DuckDB and SQLAlchemy (and the drivers) are imported here only, when a query runs, so
no other command pays for them.

May import: the top modules (errors) and its own modules; never load, compute, rules,
git, edit, render or cli.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from cxokr.sources.query import ROW_LIMIT, Fetched, Query
from cxokr.sources.urls import ENV_PREFIX, is_duckdb, mask, resolve_url

__all__ = ["ROW_LIMIT", "Fetched", "close", "fetch", "mask", "probe", "resolve_url"]


def fetch(
    root: Path,
    url: str,
    query: str,
    since: date,
    *,
    timeout: float,
    metric: str = "",
    limit: int = ROW_LIMIT,
) -> Fetched:
    """Run `query` with `:since` bound to `since`; its columns and rows (at most `limit`).

    `root` is the workspace root (where `duckdb:` reads relative paths); `url` is a
    connection URL, an `env:NAME` one read from the environment; `metric` names the
    metric in messages. Raises SourceError when the query cannot run, fails, takes
    longer than `timeout` seconds or returns more than `limit` rows.
    """
    return _run(Query(root, _resolved(url), query, since, timeout, limit, metric), rows=True)


def probe(root: Path, url: str, query: str, *, timeout: float, metric: str = "") -> tuple[str, ...]:
    """The column names `query` returns, found by running it with a zero-row limit."""
    request = Query(root, _resolved(url), query, date.today(), timeout, ROW_LIMIT, metric)
    return _run(request, rows=False).columns


def close() -> None:
    """Close the connections kept between queries (also done when the process exits)."""
    from cxokr.sources import duckdb_engine, sql_engine

    duckdb_engine.close()
    sql_engine.close()


def _resolved(url: str) -> str:
    return resolve_url(url, os.environ) if url.strip().startswith(ENV_PREFIX) else url.strip()


def _run(query: Query, *, rows: bool) -> Fetched:
    if is_duckdb(query.url):
        from cxokr.sources import duckdb_engine

        return duckdb_engine.run(query, rows=rows)
    from cxokr.sources import sql_engine

    return sql_engine.run(query, rows=rows)
