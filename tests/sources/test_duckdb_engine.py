"""DuckDB in this process, over real CSV and Parquet files a test writes in the workspace."""

from __future__ import annotations

import sys
import textwrap
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from cxokr import sources
from cxokr.errors import SourceError
from cxokr.sources import ROW_LIMIT, fetch, probe

SINCE = date(2026, 11, 1)
ORDERS = """\
    day,channel,order_value
    2026-11-01,online,40.00
    2026-11-01,online,60.00
    2026-11-01,in-store,30.00
    2026-11-02,online,70.00
    2026-11-02,in-store,50.50
    2026-11-03,online,80.00
    """
PER_DAY = """
    select day as date, channel as segment, avg(order_value) as value
    from read_csv('exports/orders-*.csv') where day > :since group by 1, 2 order by 1, 2
"""


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A workspace whose exports/ folder holds two days of orders as CSV."""
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "orders-2026-11.csv").write_text(textwrap.dedent(ORDERS))
    return tmp_path


def test_a_query_reads_csv_exports_relative_to_the_workspace(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(workspace.parent)
    fetched = fetch(workspace, "duckdb:", PER_DAY, SINCE, timeout=30)
    assert fetched.columns == ("date", "segment", "value")
    assert fetched.rows == [
        (date(2026, 11, 2), "in-store", 50.5),
        (date(2026, 11, 2), "online", 70.0),
        (date(2026, 11, 3), "online", 80.0),
    ]
    assert Path.cwd() == workspace.parent


def test_a_query_reads_parquet_written_by_duckdb(workspace: Path) -> None:
    target = workspace / "exports" / "orders.parquet"
    duckdb.execute(
        f"COPY (select * from read_csv('{workspace}/exports/orders-2026-11.csv')) "
        f"TO '{target}' (FORMAT parquet)"
    )
    query = """
        select day as date, sum(order_value)::decimal(10, 2) as value
        from 'exports/orders.parquet' where day > :since group by 1 order by 1
    """
    fetched = fetch(workspace, "duckdb:", query, date(2026, 11, 2), timeout=30)
    assert fetched.rows == [(date(2026, 11, 3), Decimal("80.00"))]


def test_since_is_bound_and_a_since_inside_a_literal_is_left_alone(workspace: Path) -> None:
    query = """
        select day as date, count(*) as value, ':since' as note, 'it''s :since' as source
        from read_csv('exports/orders-*.csv') where day > :since and day >= :since::date
        group by 1 order by 1
    """
    fetched = fetch(workspace, "duckdb:", query, date(2026, 11, 2), timeout=30)
    assert fetched.rows == [(date(2026, 11, 3), 1, ":since", "it's :since")]


def test_a_query_without_since_runs_without_it(workspace: Path) -> None:
    fetched = fetch(workspace, "duckdb:", "select 1 as value;", SINCE, timeout=30)
    assert fetched.rows == [(1,)]


def test_probe_returns_the_columns_and_runs_no_rows(workspace: Path) -> None:
    assert probe(workspace, "duckdb:", PER_DAY, timeout=30) == ("date", "segment", "value")


def test_a_duckdb_file_in_the_workspace_is_read(workspace: Path) -> None:
    with duckdb.connect(str(workspace / "shop.duckdb")) as conn:
        conn.execute("create table kpi as select date '2026-11-05' as date, 4.5 as value")
    fetched = fetch(workspace, "duckdb:shop.duckdb", "select * from kpi", SINCE, timeout=30)
    assert fetched.rows == [(date(2026, 11, 5), Decimal("4.5"))]


def test_a_slow_query_is_interrupted_at_its_timeout(workspace: Path) -> None:
    endless = "select sum(a.range * b.range) from range(100000000) a, range(100000000) b"
    with pytest.raises(SourceError) as caught:
        fetch(workspace, "duckdb:", endless, SINCE, timeout=0.5, metric="aov")
    assert str(caught.value) == (
        "the query of metric aov took longer than 0.5 s and was stopped; make it faster, "
        "or raise `timeout:` under the metric's `sync:`"
    )


def test_a_timeout_longer_than_a_timer_takes_is_no_error(workspace: Path) -> None:
    assert fetch(workspace, "duckdb:", "select 1 as v", SINCE, timeout=1e12).rows == [(1,)]


def test_more_rows_than_the_limit_are_refused(workspace: Path) -> None:
    query = "select range as value from range(11)"
    assert len(fetch(workspace, "duckdb:", query, SINCE, timeout=30, limit=11).rows) == 11
    with pytest.raises(SourceError) as caught:
        fetch(workspace, "duckdb:", query, SINCE, timeout=30, limit=10, metric="aov")
    assert str(caught.value) == (
        "the query of metric aov returned more than 10 rows, the most one query may return; "
        "aggregate it to one row per day (and segment)"
    )


def test_the_default_limit_is_a_million_rows(workspace: Path) -> None:
    assert ROW_LIMIT == 1_000_000
    query = f"select 1 as value from range({ROW_LIMIT + 1})"
    with pytest.raises(SourceError, match=r"returned more than 1,000,000 rows"):
        fetch(workspace, "duckdb:", query, SINCE, timeout=60)


def test_a_query_error_gives_the_databases_first_line(workspace: Path) -> None:
    with pytest.raises(SourceError) as caught:
        fetch(workspace, "duckdb:", "select nope from range(1)", SINCE, timeout=30, metric="aov")
    message = str(caught.value)
    assert message.startswith("the query of metric aov failed: Binder Error: ")
    assert '"nope"' in message
    assert "\n" not in message


def test_a_missing_export_is_named(workspace: Path) -> None:
    query = "select * from read_csv('exports/missing.csv')"
    with pytest.raises(SourceError, match=r"^the query failed: IO Error: .*exports/missing\.csv"):
        fetch(workspace, "duckdb:", query, SINCE, timeout=30)


def test_a_file_outside_the_workspace_is_refused(workspace: Path) -> None:
    outside = workspace.parent / "secret.csv"
    outside.write_text("value\n42\n")
    for path in (str(outside), "../secret.csv", "exports/../../secret.csv"):
        with pytest.raises(SourceError) as caught:
            fetch(workspace, "duckdb:", f"select * from read_csv('{path}')", SINCE, timeout=30)
        assert str(caught.value).endswith(
            "(a query reads files inside the workspace only, by paths relative to it)"
        )


def test_a_query_cannot_write_a_file(workspace: Path) -> None:
    query = "select 1; copy (select 1) to 'exports/written.csv'"
    with pytest.raises(SourceError, match=r"^the query failed: Parser Error: "):
        fetch(workspace, "duckdb:", query, SINCE, timeout=30)
    assert not (workspace / "exports" / "written.csv").exists()


def test_a_duckdb_file_outside_the_workspace_is_refused(workspace: Path) -> None:
    with duckdb.connect(str(workspace.parent / "other.duckdb")) as conn:
        conn.execute("create table kpi as select 1 as value")
    with pytest.raises(SourceError, match="leads out of it"):
        fetch(workspace, "duckdb:../other.duckdb", "select * from kpi", SINCE, timeout=30)


def test_an_env_url_is_read_from_the_environment(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CXOKR_TEST_URL", "duckdb:")
    assert fetch(workspace, "env:CXOKR_TEST_URL", "select 2 as v", SINCE, timeout=30).rows == [(2,)]
    monkeypatch.delenv("CXOKR_TEST_URL")
    with pytest.raises(SourceError, match=r"^the environment variable CXOKR_TEST_URL is not set"):
        fetch(workspace, "env:CXOKR_TEST_URL", "select 2 as v", SINCE, timeout=30)


def test_without_duckdb_the_extra_to_install_is_named(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "duckdb", None)
    with pytest.raises(SourceError) as caught:
        fetch(workspace, "duckdb:", "select 1", SINCE, timeout=30)
    assert str(caught.value) == (
        "the DuckDB driver is not installed (no module 'duckdb'): pip install 'cxokr[duckdb]'"
    )


def test_a_changed_export_is_read_again(workspace: Path) -> None:
    query = "select count(*) as value from read_csv('exports/orders-*.csv')"
    assert fetch(workspace, "duckdb:", query, SINCE, timeout=30).rows == [(6,)]
    with (workspace / "exports" / "orders-2026-11.csv").open("a") as export:
        export.write("2026-11-04,online,90.00\n")
    assert fetch(workspace, "duckdb:", query, SINCE, timeout=30).rows == [(7,)]
    sources.close()
    assert fetch(workspace, "duckdb:", query, SINCE, timeout=30).rows == [(7,)]


def test_a_duckdb_file_is_not_held_open_between_queries(workspace: Path) -> None:
    with duckdb.connect(str(workspace / "shop.duckdb")) as conn:
        conn.execute("create table kpi as select 1 as value")
    url, query = "duckdb:shop.duckdb", "select count(*) as n from kpi"
    assert fetch(workspace, url, query, SINCE, timeout=30).rows == [(1,)]
    with duckdb.connect(str(workspace / "shop.duckdb")) as conn:
        conn.execute("insert into kpi select range from range(100)")
    assert fetch(workspace, url, query, SINCE, timeout=30).rows == [(101,)]


def test_a_workspace_path_with_a_comma_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "a,b"
    root.mkdir()
    with pytest.raises(SourceError, match=r"^DuckDB cannot read relative paths in a workspace"):
        fetch(root, "duckdb:", "select 1 as v", SINCE, timeout=30)
