"""Metric sources as `cxokr check` reads them: connections in cxokr.yaml and each metric's
`sync`, judged from the files alone, through the real command line; never connecting,
never loading a database engine, never showing a password."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cxokr.cli import app
from tests.conftest import BASE, WriteFiles
from tests.paths import REPO

CONFIG = BASE["cxokr.yaml"].rstrip(" ") + "        connections:\n"
SYNCED = """
    name: Average order value
    unit: USD
    direction: higher
    segments: [online, in-store]
    sync:
      connection: exports
      query: |
        select day as date, channel as segment, avg(total) as value
        from read_csv('exports/orders.csv') where day >= :since group by 1, 2
"""


def connections(**urls: str) -> str:
    return CONFIG + "".join(f"          {name}: {{url: '{url}'}}\n" for name, url in urls.items())


def metric(query: str, connection: str = "exports", segments: str = "") -> str:
    """A metric file whose sync runs `query` (one line) on `connection`."""
    return (
        f"name: NPS\nunit: points\ndirection: higher\n{segments}"
        f"sync:\n  connection: {connection}\n  query: {json.dumps(query)}\n"
    )


def check(root: Path) -> tuple[int, list[str], str]:
    """`cxokr check` on `root`: its exit code, each problem as `where CODE severity: message`
    (JSON), and the text output, which must not show a password either."""
    runner = CliRunner()
    found = runner.invoke(app, ["check", "--workspace", str(root), "--format", "json"])
    text = runner.invoke(app, ["check", "--workspace", str(root), "--format", "text"])
    lines = [
        f"{p['path']}:{p['line']}:{p['col']} {p['code']} {p['severity']}: {p['message']}"
        for p in json.loads(found.stdout)["problems"]
    ]
    return found.exit_code, lines, text.output


def test_sources_written_right_check_clean(
    make_ws: WriteFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CXOKR_WAREHOUSE_URL", "postgresql://dana:s3cret@db.example/cx")
    config = connections(
        exports="duckdb:",
        local="duckdb:data/cx.duckdb",
        warehouse="env:CXOKR_WAREHOUSE_URL",
        spaced=" env: CXOKR_WAREHOUSE_URL ",  # read trimmed, as sync reads it
        plain="postgresql+psycopg://dana@db.example:5432/cx?sslmode=require",
        snow="snowflake://dana@acme/cx/public?warehouse=wh",
    )
    star = metric("select * from read_parquet('exports/nps.parquet') where day >= :since")
    root = make_ws({"cxokr.yaml": config, "metrics/aov.yaml": SYNCED, "metrics/nps.yaml": star})
    assert check(root)[:2] == (0, [])


def test_a_connection_not_declared_is_named_with_the_closest(make_ws: WriteFiles) -> None:
    root = make_ws(
        {
            "cxokr.yaml": connections(exports="duckdb:", warehouse="duckdb:"),
            "metrics/nps.yaml": metric("select 1 as date, 2 as value where 1 > :since", "warehous"),
        }
    )
    assert check(root)[:2] == (
        1,
        [
            "metrics/nps.yaml:5:3 CX346 error: sync.connection 'warehous' is not declared in "
            "cxokr.yaml connections (did you mean 'warehouse'?)"
        ],
    )


def test_a_connection_with_none_declared_says_how_to_declare_it(make_ws: WriteFiles) -> None:
    root = make_ws({"metrics/nps.yaml": metric("select 1 as date, 2 as value where 1 > :since")})
    assert check(root)[1] == [
        "metrics/nps.yaml:5:3 CX346 error: sync.connection 'exports' is not declared in "
        "cxokr.yaml connections; declare it in cxokr.yaml: connections: {exports: {url: ...}}"
    ]


@pytest.mark.parametrize("query", ["", "   \n", "-- fill in later\n/* and this */"])
def test_an_empty_query_is_an_error(make_ws: WriteFiles, query: str) -> None:
    root = make_ws(
        {"cxokr.yaml": connections(exports="duckdb:"), "metrics/nps.yaml": metric(query)}
    )
    assert check(root)[:2] == (
        1,
        [
            "metrics/nps.yaml:6:3 CX347 error: sync.query is empty: write the SQL that returns a "
            "reading a row, as columns date and value (and segment or source)"
        ],
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "select day as date, avg(total) from t where day >= :since group by 1",
            "returns no value column (its select gives date, avg): name it in the select, "
            "e.g. avg(total) as value",
        ),
        (
            "with d as (select 1 as date) select day, total as amount from t where day >= :since",
            "returns no date and value column (its select gives day, amount): name them in the "
            "select, e.g. day as date",
        ),
        (
            'select t.day "Day", sum(total) value from t where day >= :since union select 1, 2',
            "returns no date column (its select gives day, value): name it in the select, "
            "e.g. day as date",
        ),
    ],
)
def test_a_query_whose_select_names_no_date_or_value_is_an_error(
    make_ws: WriteFiles, query: str, message: str
) -> None:
    root = make_ws(
        {"cxokr.yaml": connections(exports="duckdb:"), "metrics/nps.yaml": metric(query)}
    )
    assert check(root)[:2] == (1, [f"metrics/nps.yaml:6:3 CX348 error: sync.query {message}"])


@pytest.mark.parametrize(
    "query",
    [
        "select * from t where day >= :since",
        "select t.* from t where day >= :since",
        "select day::date, total::float from t where day >= :since",
        "select cast(day as date), value from t where day >= :since",
        "from t select day as date where day >= :since",
        "select d as date, avg(v) over (partition by c) from t where day >= :since",
        "(select d as date, v as value from t where day >= :since)",
    ],
)
def test_columns_that_cannot_be_read_from_the_text_are_not_judged(
    make_ws: WriteFiles, query: str
) -> None:
    root = make_ws(
        {"cxokr.yaml": connections(exports="duckdb:"), "metrics/nps.yaml": metric(query)}
    )
    assert check(root)[:2] == (0, [])


def test_a_segment_column_for_a_metric_without_segments_is_a_warning(make_ws: WriteFiles) -> None:
    query = "select day as date, channel as segment, 1 as value from t where day >= :since"
    root = make_ws(
        {"cxokr.yaml": connections(exports="duckdb:"), "metrics/nps.yaml": metric(query)}
    )
    assert check(root)[:2] == (
        0,
        [
            "metrics/nps.yaml:6:3 CX349 warning: sync.query returns a segment column, but the "
            "metric declares no segments: declare them (segments: [online, stores]) or drop "
            "the column"
        ],
    )
    with_segments = metric(query, segments="segments: [online]\n")
    root = make_ws(
        {"cxokr.yaml": connections(exports="duckdb:"), "metrics/nps.yaml": with_segments}
    )
    assert check(root)[:2] == (0, [])


@pytest.mark.parametrize(
    "query",
    [
        "select day as date, 1 as value from t",
        "select day as date, 1 as value from t where note = ':since' -- :since",
    ],
)
def test_a_query_without_since_is_a_warning(make_ws: WriteFiles, query: str) -> None:
    root = make_ws(
        {"cxokr.yaml": connections(exports="duckdb:"), "metrics/nps.yaml": metric(query)}
    )
    assert check(root)[:2] == (
        0,
        [
            "metrics/nps.yaml:6:3 CX350 warning: sync.query does not use :since, so every sync "
            "reads all its rows again: filter on it, e.g. where day >= :since (the day after the "
            "newest reading held)"
        ],
    )


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "postgresql://dana:s3cret@db.example/cx",
            "postgresql://dana:***@db.example/cx",
        ),
        (
            "postgresql+psycopg://dana:s3cret@with@db.example:5432/cx?sslmode=require",
            "postgresql+psycopg://dana:***@db.example:5432/cx?sslmode=require",
        ),
        (
            "snowflake://dana@acme/cx?warehouse=wh&password=s3cret",
            "snowflake://dana@acme/cx?warehouse=wh&password=***",
        ),
    ],
)
def test_a_literal_password_is_an_error_that_never_shows_it(
    make_ws: WriteFiles, url: str, shown: str
) -> None:
    root = make_ws({"cxokr.yaml": connections(**{"big-warehouse": url})})
    code, lines, text = check(root)
    assert (code, lines) == (
        1,
        [
            f"cxokr.yaml:6:19 CX351 error: connection 'big-warehouse': url '{shown}' holds a "
            "password, which a file in git must never hold: set CXOKR_BIG_WAREHOUSE_URL to the "
            "URL where sync runs (a CI secret) and write url: env:CXOKR_BIG_WAREHOUSE_URL"
        ],
    )
    assert "s3cret" not in text and "CX351" in text


def test_an_environment_variable_not_set_is_a_warning_naming_it(
    make_ws: WriteFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CXOKR_WAREHOUSE_URL", raising=False)
    root = make_ws({"cxokr.yaml": connections(warehouse="env:CXOKR_WAREHOUSE_URL")})
    assert check(root)[:2] == (
        0,
        [
            "cxokr.yaml:6:15 CX352 warning: connection 'warehouse': environment variable "
            "CXOKR_WAREHOUSE_URL is not set; cxokr sync reads the connection's URL from it (set "
            "it where sync runs, e.g. as a CI secret)"
        ],
    )
    monkeypatch.setenv("CXOKR_WAREHOUSE_URL", "duckdb:")
    assert check(root)[:2] == (0, [])


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("/srv/cx.duckdb", "is outside the workspace"),
        ("data/../../cx.duckdb", "is outside the workspace"),
        ("linked/cx.duckdb", "leads outside the workspace through a link"),
    ],
)
def test_a_duckdb_file_outside_the_workspace_is_an_error(
    make_ws: WriteFiles, tmp_path: Path, path: str, why: str
) -> None:
    root = make_ws({"cxokr.yaml": connections(lake=f"duckdb:{path}")})
    (tmp_path / "elsewhere").mkdir()
    (root / "linked").symlink_to(tmp_path / "elsewhere")
    assert check(root)[:2] == (
        1,
        [
            f"cxokr.yaml:6:10 CX353 error: connection 'lake': DuckDB file '{path}' {why}: keep "
            "the file in the workspace and give its path relative to the workspace root, e.g. "
            "duckdb:data/cx.duckdb"
        ],
    )


FORMS = (
    "write env:VARNAME (the URL read from that variable), duckdb: (in memory), "
    "duckdb:PATH.duckdb (a file in the workspace) or a SQLAlchemy URL such as "
    "postgresql+psycopg://user@host/db"
)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("jdbc:postgresql://dana:s3cret@db/cx", "url 'jdbc:...'"),
        ("https://dana:s3cret@warehouse.example/cx", "url 'https://dana:***@warehouse.example/cx'"),
        ("db.example.com", "url 'db.example.com'"),
        ("env:", "url 'env:' names no environment variable"),
    ],
)
def test_a_url_in_no_form_cxokr_reads_is_an_error(
    make_ws: WriteFiles, url: str, shown: str
) -> None:
    root = make_ws({"cxokr.yaml": connections(odd=url)})
    code, lines, text = check(root)
    fix = ": write env: and the variable's name, e.g. url: env:CXOKR_ODD_URL"
    rest = fix if url == "env:" else f" is in no form cxokr reads: {FORMS}"
    assert (code, lines) == (1, [f"cxokr.yaml:6:9 CX354 error: connection 'odd': {shown}{rest}"])
    assert "s3cret" not in text


def test_check_never_loads_a_database_engine(tmp_path: Path) -> None:
    """The whole check, with connections and syncs of every kind, in a fresh interpreter:
    neither DuckDB nor SQLAlchemy (nor cxokr.sources) is imported."""
    from tests.conftest import write_files

    config = connections(exports="duckdb:", warehouse="postgresql://dana@db/cx")
    root = write_files(tmp_path / "ws", {**BASE, "cxokr.yaml": config, "metrics/aov.yaml": SYNCED})
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from cxokr.cli import app\n"
        f"result = CliRunner().invoke(app, ['check', '--workspace', {str(root)!r}])\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('duckdb', 'sqlalchemy', "
        "'psycopg') or m.startswith('cxokr.sources')]\n"
        "print(result.exit_code, loaded)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120
    )
    assert (run.stdout, run.returncode) == ("0 []\n", 0), run.stderr
