"""SQLAlchemy URLs for real: a PostgreSQL server the tests start, and SQLite files."""

from __future__ import annotations

import sqlite3
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from cxokr import sources
from cxokr.errors import SourceError
from cxokr.sources import fetch, probe
from tests.postgres import Postgres

SINCE = date(2026, 11, 20)
PER_DAY_AND_CHANNEL = """
    select day as date, channel as segment, avg(order_value)::numeric(10, 2) as value,
           count(*) as orders
    from orders where day > :since group by 1, 2 order by 1, 2
"""

Orders = list[tuple[date, str, Decimal]]


def expected_per_day_and_channel(orders: Orders, since: date) -> list[tuple[object, ...]]:
    """What the aggregate must return, computed here from the rows the table holds."""
    groups: dict[tuple[date, str], list[Decimal]] = {}
    for day, channel, value in orders:
        if day > since:
            groups.setdefault((day, channel), []).append(value)
    return [
        (day, channel, (sum(values) / len(values)).quantize(Decimal("0.01")), len(values))
        for (day, channel), values in sorted(groups.items())
    ]


def test_postgresql_aggregates_orders_per_day_and_channel(
    tmp_path: Path, postgres: Postgres, orders: Orders
) -> None:
    fetched = fetch(tmp_path, postgres.url, PER_DAY_AND_CHANNEL, SINCE, timeout=30)
    assert fetched.columns == ("date", "segment", "value", "orders")
    assert fetched.rows == expected_per_day_and_channel(orders, SINCE)
    assert len(fetched.rows) == 2 * 10  # days 21 to 30 of November, two channels


def test_one_connection_is_kept_between_queries_until_close(
    tmp_path: Path, postgres: Postgres, orders: Orders
) -> None:
    others = (
        "select count(*) from pg_stat_activity "
        "where usename = 'cxokr' and backend_type = 'client backend' and pid <> pg_backend_pid()"
    )
    sources.close()
    for _ in range(3):
        fetch(tmp_path, postgres.url, "select 1 as value", SINCE, timeout=30)
    assert postgres.execute(others) == [(1,)]
    sources.close()
    assert postgres.execute(others) == [(0,)]
    assert fetch(tmp_path, postgres.url, "select 2 as value", SINCE, timeout=30).rows == [(2,)]


def test_postgresql_binds_since_and_leaves_a_literal_alone(
    tmp_path: Path, postgres: Postgres, orders: Orders
) -> None:
    query = """
        select max(day) as date, count(*) as value, ':since' as note, min(day)::text as source
        from orders where day > :since and day > :since::date
    """
    fetched = fetch(tmp_path, postgres.url, query, date(2026, 11, 29), timeout=30)
    assert fetched.rows == [(date(2026, 11, 30), 100, ":since", "2026-11-30")]


def test_postgresql_probe_returns_the_columns(
    tmp_path: Path, postgres: Postgres, orders: Orders
) -> None:
    columns = probe(tmp_path, postgres.url, PER_DAY_AND_CHANNEL, timeout=30)
    assert columns == ("date", "segment", "value", "orders")


def test_a_plain_postgresql_url_uses_psycopg_3(
    tmp_path: Path, postgres: Postgres, orders: Orders
) -> None:
    url = postgres.url.replace("postgresql+psycopg://", "postgresql://")
    assert fetch(tmp_path, url, "select count(*) as value from orders", SINCE, timeout=30).rows == [
        (len(orders),)
    ]


def test_postgresql_query_error_gives_the_servers_first_line(
    tmp_path: Path, postgres: Postgres, orders: Orders
) -> None:
    query = "select day as date, nope as value from orders where day > :since"
    with pytest.raises(SourceError) as caught:
        fetch(tmp_path, postgres.url, query, SINCE, timeout=30, metric="aov")
    assert str(caught.value) == 'the query of metric aov failed: column "nope" does not exist'


def test_postgresql_runs_the_query_read_only(tmp_path: Path, postgres: Postgres) -> None:
    postgres.execute("CREATE SEQUENCE IF NOT EXISTS counter")
    with pytest.raises(SourceError) as caught:
        fetch(tmp_path, postgres.url, "select nextval('counter') as value", SINCE, timeout=30)
    assert str(caught.value) == (
        "the query failed: cannot execute nextval() in a read-only transaction"
    )
    assert postgres.execute("select last_value, is_called from counter") == [(1, False)]


def test_postgresql_stops_a_query_at_its_timeout(tmp_path: Path, postgres: Postgres) -> None:
    with pytest.raises(SourceError) as caught:
        fetch(
            tmp_path, postgres.url, "select pg_sleep(30) as value", SINCE, timeout=0.5, metric="nps"
        )
    assert str(caught.value) == (
        "the query of metric nps took longer than 0.5 s and was stopped; make it faster, "
        "or raise `timeout:` under the metric's `sync:`"
    )


def test_postgresql_takes_a_timeout_longer_than_its_own_largest(
    tmp_path: Path, postgres: Postgres
) -> None:
    fetched = fetch(tmp_path, postgres.url, "select 1 as value", SINCE, timeout=1e10)
    assert fetched.rows == [(1,)]


def test_postgresql_rows_past_the_limit_are_refused(
    tmp_path: Path, postgres: Postgres, orders: Orders
) -> None:
    with pytest.raises(SourceError, match=r"^the query returned more than 2,999 rows"):
        fetch(tmp_path, postgres.url, "select * from orders", SINCE, timeout=30, limit=2999)
    rows = fetch(tmp_path, postgres.url, "select * from orders", SINCE, timeout=30, limit=3000)
    assert len(rows.rows) == len(orders)


def test_a_wrong_password_is_refused_with_the_password_masked(
    tmp_path: Path, postgres: Postgres
) -> None:
    postgres.role_with_password("etl", "right-horse-battery")
    url = postgres.url_for("etl", "Tr0ub4dor&3")
    with pytest.raises(SourceError) as caught:
        fetch(tmp_path, url, "select 1 as value", SINCE, timeout=30)
    message = str(caught.value)
    assert message.startswith(f"cannot connect to {url.replace('Tr0ub4dor%263', '***')}: ")
    assert 'password authentication failed for user "etl"' in message
    assert "Tr0ub4dor" not in message
    assert "right-horse" not in message
    good = postgres.url_for("etl", "right-horse-battery")
    assert fetch(tmp_path, good, "select 1 as value", SINCE, timeout=30).rows == [(1,)]


def test_a_server_stopped_before_the_query_is_a_clear_error(
    tmp_path: Path, postgres: Postgres
) -> None:
    postgres.stop()
    try:
        with pytest.raises(SourceError) as caught:
            fetch(tmp_path, postgres.url, "select 1 as value", SINCE, timeout=30, metric="aov")
    finally:
        postgres.start()
    assert str(caught.value) == (
        f"cannot connect to {postgres.url}: connection is bad: connection to server on socket "
        f'"{postgres.socket_dir}/.s.PGSQL.5432" failed: No such file or directory'
    )


def test_a_server_gone_during_the_query_is_a_lost_connection(
    tmp_path: Path, postgres: Postgres
) -> None:
    query = "select pg_terminate_backend(pg_backend_pid()) as value"
    with pytest.raises(SourceError) as caught:
        fetch(tmp_path, postgres.url, query, SINCE, timeout=30, metric="aov")
    assert str(caught.value).startswith(
        f"the query of metric aov lost its connection to {postgres.url}: "
    )


def test_sqlite_reads_a_file_relative_to_the_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "exports").mkdir()
    with sqlite3.connect(tmp_path / "exports" / "shop.db") as conn:
        conn.execute("create table kpi (day text, value real)")
        conn.executemany(
            "insert into kpi values (?, ?)", [("2026-11-20", 1.5), ("2026-11-21", 2.5)]
        )
    monkeypatch.chdir(tmp_path.parent)
    query = "select day as date, value, ':since' as note from kpi where day > :since"
    fetched = fetch(tmp_path, "sqlite:///exports/shop.db", query, SINCE, timeout=30)
    assert fetched.rows == [("2026-11-21", 2.5, ":since")]


def test_sqlite_refuses_a_statement_that_writes(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "shop.db") as conn:
        conn.execute("create table kpi (value real)")
    query = "insert into kpi values (1) returning value"
    with pytest.raises(SourceError, match=r'^the query failed: near "insert": syntax error$'):
        fetch(tmp_path, "sqlite:///shop.db", query, SINCE, timeout=30)
    with sqlite3.connect(tmp_path / "shop.db") as conn:
        assert conn.execute("select count(*) from kpi").fetchall() == [(0,)]


def test_sqlite_stops_a_query_at_its_timeout_through_the_driver(tmp_path: Path) -> None:
    endless = """
        with recursive n(i) as (select 1 union all select i + 1 from n)
        select count(*) as value from n
    """
    with pytest.raises(SourceError, match=r"^the query took longer than 0\.5 s and was stopped"):
        fetch(tmp_path, "sqlite://", endless, SINCE, timeout=0.5)


def test_a_missing_driver_names_what_to_install(tmp_path: Path) -> None:
    pytest.importorskip("sqlalchemy")
    if _installed("MySQLdb"):
        pytest.skip("mysqlclient is installed here")
    with pytest.raises(SourceError) as caught:
        fetch(tmp_path, "mysql://etl:s3cret@db.example/shop", "select 1", SINCE, timeout=30)
    assert str(caught.value) == (
        "the mysql driver is not installed (no module 'MySQLdb'): "
        "pip install mysqlclient (the driver the URL's dialect needs)"
    )


def test_without_psycopg_the_postgres_extra_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(SourceError) as caught:
        fetch(tmp_path, "postgresql://etl:s3cret@db.example/shop", "select 1", SINCE, timeout=30)
    assert str(caught.value) == (
        "the postgresql driver is not installed (no module 'psycopg'): "
        "pip install 'cxokr[postgres]'"
    )


def test_without_sqlalchemy_the_extra_to_install_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "sqlalchemy", None)
    with pytest.raises(SourceError) as caught:
        fetch(tmp_path, "sqlite://", "select 1", SINCE, timeout=30)
    assert str(caught.value) == (
        "the engine is not installed (no module 'sqlalchemy'): pip install 'cxokr[sql]'"
    )


def test_an_unknown_dialect_is_named_without_the_password(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as caught:
        fetch(tmp_path, "nosuchdb://etl:s3cret@host/db", "select 1", SINCE, timeout=30)
    assert str(caught.value) == (
        "SQLAlchemy has no dialect 'nosuchdb' for nosuchdb://etl:***@host/db: install the "
        "package that provides it (snowflake-sqlalchemy, sqlalchemy-bigquery, ...)"
    )


def test_text_that_is_no_url_is_refused_without_echoing_a_secret(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as caught:
        fetch(tmp_path, "not a url, password s3cret", "select 1", SINCE, timeout=30)
    assert str(caught.value) == (
        "the connection URL is not a URL cxokr can read: write dialect+driver://user@host/database "
        "(a SQLAlchemy URL), duckdb: or duckdb:PATH"
    )


def _installed(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None
