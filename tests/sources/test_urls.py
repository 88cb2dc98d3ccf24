"""Connection URLs: env: names, DuckDB files kept inside the workspace, passwords masked."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from cxokr.errors import SourceError
from cxokr.sources.urls import (
    duckdb_database,
    install_hint,
    mask,
    resolve_url,
    scrub,
    sqlalchemy_url,
)


def test_an_env_url_is_the_variables_value() -> None:
    env = {"CXOKR_WAREHOUSE_URL": "postgresql://etl:s3cret@db.example/shop"}
    assert resolve_url("env:CXOKR_WAREHOUSE_URL", env) == "postgresql://etl:s3cret@db.example/shop"


def test_other_urls_are_kept_as_written() -> None:
    assert resolve_url("duckdb:", {}) == "duckdb:"
    assert resolve_url("sqlite:///data.db", {}) == "sqlite:///data.db"


def test_a_missing_variable_is_named_with_how_to_set_it() -> None:
    with pytest.raises(SourceError) as caught:
        resolve_url("env:CXOKR_WAREHOUSE_URL", {})
    assert str(caught.value) == (
        "the environment variable CXOKR_WAREHOUSE_URL is not set: it holds the connection "
        "URL; set it (export CXOKR_WAREHOUSE_URL='dialect+driver://user:password@host/database', "
        "or a repository secret in CI) and run the command again"
    )


def test_an_empty_variable_is_named_as_empty() -> None:
    with pytest.raises(SourceError, match=r"^the environment variable WH is empty: "):
        resolve_url("env:WH", {"WH": "  "})


def test_an_env_url_must_name_a_variable() -> None:
    with pytest.raises(SourceError, match="does not name an environment variable"):
        resolve_url("env:not a name", {})


def test_a_variable_naming_another_variable_is_refused() -> None:
    with pytest.raises(SourceError, match="another env: name"):
        resolve_url("env:A", {"A": "env:B", "B": "duckdb:"})


def test_mask_hides_the_password_and_keeps_user_and_host() -> None:
    assert mask("postgresql://etl:s3cr@t@db.example:5432/shop") == (
        "postgresql://etl:***@db.example:5432/shop"
    )
    assert mask("postgresql://etl@db.example/shop") == "postgresql://etl@db.example/shop"
    assert mask("duckdb:exports/a.duckdb") == "duckdb:exports/a.duckdb"


def test_mask_hides_a_password_given_as_a_query_parameter() -> None:
    assert mask("postgresql://etl@db/shop?sslmode=require&password=s3c&x=1") == (
        "postgresql://etl@db/shop?sslmode=require&password=***&x=1"
    )


def test_scrub_removes_the_password_written_or_decoded() -> None:
    url = "postgresql://etl:p%40ss@db.example/shop"
    assert scrub("failed for p@ss and p%40ss", url) == "failed for *** and ***"
    assert scrub("no s3c here", "postgresql://etl@db/shop?password=s3c") == "no *** here"


def test_duckdb_in_memory_has_no_file(tmp_path: Path) -> None:
    assert duckdb_database(tmp_path, "duckdb:") is None
    assert duckdb_database(tmp_path, "duckdb::memory:") is None


def test_a_duckdb_file_is_found_relative_to_the_workspace(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "shop.duckdb").write_bytes(b"")
    assert duckdb_database(tmp_path, "duckdb:data/shop.duckdb") == tmp_path / "data" / "shop.duckdb"


def test_a_duckdb_path_leaving_the_workspace_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    (tmp_path / "outside.duckdb").write_bytes(b"")
    with pytest.raises(SourceError, match=r"must be inside the workspace .* leads out of it$"):
        duckdb_database(root, "duckdb:../outside.duckdb")


def test_a_duckdb_path_through_a_link_out_of_the_workspace_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "shop.duckdb").write_bytes(b"")
    (root / "data").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(SourceError, match="leads out of it"):
        duckdb_database(root, "duckdb:data/shop.duckdb")


def test_an_absolute_duckdb_path_is_refused(tmp_path: Path) -> None:
    (tmp_path / "shop.duckdb").write_bytes(b"")
    with pytest.raises(SourceError, match="relative to the workspace, not by an absolute path"):
        duckdb_database(tmp_path, f"duckdb:{tmp_path / 'shop.duckdb'}")


def test_a_missing_duckdb_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"there is no DuckDB file at data/shop\.duckdb"):
        duckdb_database(tmp_path, "duckdb:data/shop.duckdb")


def test_plain_postgresql_urls_mean_psycopg_3_without_psycopg2() -> None:
    has_psycopg2 = importlib.util.find_spec("psycopg2") is not None
    expected = "postgresql://u@h/db" if has_psycopg2 else "postgresql+psycopg://u@h/db"
    assert sqlalchemy_url("postgresql://u@h/db") == expected
    assert sqlalchemy_url("postgres://u@h/db") == expected
    assert sqlalchemy_url("postgresql+psycopg2://u@h/db") == "postgresql+psycopg2://u@h/db"
    assert sqlalchemy_url("mysql+pymysql://u@h/db") == "mysql+pymysql://u@h/db"


def test_install_hints_name_the_extra_or_the_driver() -> None:
    assert install_hint("duckdb") == "pip install 'cxokr[duckdb]'"
    assert install_hint("sqlalchemy") == "pip install 'cxokr[sql]'"
    assert install_hint("psycopg", "postgresql") == "pip install 'cxokr[postgres]'"
    assert install_hint("MySQLdb", "mysql") == (
        "pip install mysqlclient (the driver the URL's dialect needs)"
    )
    assert install_hint("psycopg2", "postgresql") == (
        "pip install psycopg2-binary, or write postgresql+psycopg:// and "
        "pip install 'cxokr[postgres]'"
    )
