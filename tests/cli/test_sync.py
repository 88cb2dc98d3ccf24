"""`cxokr sync` through the real CLI, real git and real databases: DuckDB over CSV and
Parquet files the tests write, a PostgreSQL server the tests start, and the example's
exports."""

from __future__ import annotations

import itertools
import json
import os
import pty
import random
import re
import shutil
import subprocess
import textwrap
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cxokr.cli import app
from cxokr.cli.sync import _Progress
from tests.conftest import WriteFiles, git, refuse_commits, write_files
from tests.postgres import Postgres, postgres  # noqa: F401 (the server's fixture)

EXAMPLE = Path(__file__).parent.parent.parent / "examples" / "retail-cx"
CONFIG = """
    organization: Acme Retail
    periods:
      - {id: 2026, start: 2026-01-01, end: 2026-12-31}
      - {id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}
    connections:
      exports: {url: "duckdb:"}
      warehouse: {url: "env:CXOKR_TEST_WAREHOUSE_URL"}
"""
AOV = """
    name: Average order value
    unit: USD
    direction: higher
    segments: [online, in-store]
    sync:
      connection: exports
      query: |
        select day as date, channel as segment, round(avg(amount), 2) as value
        from read_csv('exports/orders.csv') where day >= :since group by all order by all
"""
NPS = """
    name: Net Promoter Score
    unit: points
    direction: higher
    sync:
      connection: exports
      query: select day as date, score as value from read_csv('exports/nps.csv')
        where day >= :since
"""
ORDERS = """\
day,channel,amount
2026-11-20,online,61.20
2026-11-21,online,60.00
2026-11-21,online,62.00
2026-11-21,in-store,75.50
2026-11-22,online,63.00
"""
SCORES = "day,score\n2026-11-21,41\n2026-11-22,42.5\n"


def run(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["sync", *args, "--workspace", str(root)])
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stderr


def log(root: Path, metric: str) -> list[str]:
    path = root / "readings" / f"{metric}.yaml"
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


@pytest.fixture
def synced_ws(make_ws: WriteFiles, git_env: None) -> Path:
    """The base workspace with aov and nps synced from CSV exports, committed in git."""
    root = make_ws(
        {
            "cxokr.yaml": CONFIG,
            "metrics/aov.yaml": AOV,
            "metrics/nps.yaml": NPS,
            "exports/orders.csv": ORDERS,
            "exports/nps.csv": SCORES,
            ".gitignore": ".cxokr/\n",
        }
    )
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Start")
    return root


def test_sync_appends_what_is_new_and_commits_once(synced_ws: Path) -> None:
    code, errors = run(synced_ws)
    assert code == 0, errors
    assert errors.splitlines() == [
        "aov: 3 readings added, 2026-11-21 to 2026-11-22",
        "nps: 2 readings added, 2026-11-21 to 2026-11-22",
        "5 readings added from 2 metrics",
        f"committed {git(synced_ws, 'rev-parse', '--short', 'HEAD').strip()}: sync: aov +3, nps +2",
    ]
    assert [line.split(', "at": ')[0] for line in log(synced_ws, "aov")[1:]] == [
        '- {"date": "2026-11-21", "value": 75.5, "segment": "in-store", "by": "dana@acme.example"',
        '- {"date": "2026-11-21", "value": 61.0, "segment": "online", "by": "dana@acme.example"',
        '- {"date": "2026-11-22", "value": 63.0, "segment": "online", "by": "dana@acme.example"',
    ]
    assert git(synced_ws, "log", "--format=%s") == "sync: aov +3, nps +2\nStart\n"
    assert git(synced_ws, "status", "--porcelain") == ""


def test_sync_twice_adds_and_commits_nothing_the_second_time(synced_ws: Path) -> None:
    assert run(synced_ws)[0] == 0
    head = git(synced_ws, "rev-parse", "HEAD")
    code, errors = run(synced_ws)
    assert code == 0
    assert errors.splitlines() == [
        "aov: nothing new since 2026-11-23",
        "nps: nothing new since 2026-11-23",
        "nothing new from 2 metrics",
    ]
    assert git(synced_ws, "rev-parse", "HEAD") == head


def test_since_fetches_from_that_day_and_skips_what_is_held(synced_ws: Path) -> None:
    assert run(synced_ws, "aov")[0] == 0
    code, errors = run(synced_ws, "aov", "--since", "2026-11-01")
    assert code == 0
    assert errors.splitlines() == [
        "aov: nothing new since 2026-11-01 (4 already held)",
        "nothing new from 1 metric",
    ]


def test_a_bad_row_writes_nothing_for_its_metric_and_the_other_still_syncs(
    synced_ws: Path,
) -> None:
    (synced_ws / "exports" / "orders.csv").write_text(ORDERS + "2026-11-22,kiosk,12\n")
    code, errors = run(synced_ws)
    assert code == 1
    assert errors.splitlines() == [
        "error: aov: row 3: aov has no segment 'kiosk' (declared: online, in-store)",
        "error: aov: nothing written: 1 bad row; fix the query or its data",
        "nps: 2 readings added, 2026-11-21 to 2026-11-22",
        "2 readings added from 2 metrics; 1 failed (aov)",
        f"committed {git(synced_ws, 'rev-parse', '--short', 'HEAD').strip()}: sync: nps +2",
    ]
    assert len(log(synced_ws, "aov")) == 1
    assert git(synced_ws, "show", "--name-only", "--format=", "HEAD") == "readings/nps.yaml\n"


def test_a_query_error_is_named_and_the_others_go_on(synced_ws: Path) -> None:
    (synced_ws / "exports" / "nps.csv").unlink()
    code, errors = run(synced_ws)
    assert code == 1
    lines = errors.splitlines()
    assert lines[0] == "aov: 3 readings added, 2026-11-21 to 2026-11-22"
    assert lines[1] == (
        "error: nps: the query failed: IO Error: No files found that match the pattern "
        '"exports/nps.csv"'
    )
    assert lines[2] == "3 readings added from 2 metrics; 1 failed (nps)"
    assert log(synced_ws, "nps") == []


def test_dry_run_says_what_would_be_added_and_writes_nothing(synced_ws: Path) -> None:
    code, errors = run(synced_ws, "--dry-run")
    assert code == 0
    assert errors.splitlines() == [
        "aov: 3 readings would be added, 2026-11-21 to 2026-11-22",
        "nps: 2 readings would be added, 2026-11-21 to 2026-11-22",
        "5 readings would be added from 2 metrics; nothing written (--dry-run)",
    ]
    assert git(synced_ws, "status", "--porcelain") == ""
    assert git(synced_ws, "log", "--format=%s") == "Start\n"


def test_rows_without_a_segment_for_a_metric_with_segments_are_warned_of(
    synced_ws: Path,
) -> None:
    unsegmented = AOV.replace("channel as segment, ", "").replace("order by all", "order by 1")
    write_files(synced_ws, {"metrics/aov.yaml": unsegmented})
    code, errors = run(synced_ws, "aov", "--dry-run")
    assert code == 0
    assert errors.splitlines()[:2] == [
        "warning: 2 rows have no segment, but aov declares segments (online, in-store): "
        "no key result on one segment reads them",
        "aov: 2 readings would be added, 2026-11-21 to 2026-11-22",
    ]


def test_no_commit_writes_the_logs_and_leaves_them_uncommitted(synced_ws: Path) -> None:
    code, errors = run(synced_ws, "nps", "--no-commit")
    assert code == 0
    assert errors.splitlines()[-1] == "wrote readings/nps.yaml (not committed: --no-commit)"
    assert git(synced_ws, "status", "--porcelain") == "?? readings/nps.yaml\n"


def test_a_refused_commit_leaves_the_logs_written_and_nothing_staged(synced_ws: Path) -> None:
    refuse_commits(synced_ws, "no commits today")
    code, errors = run(synced_ws, "aov")
    assert code == 2
    assert "error: readings/aov.yaml is written but not committed" in errors
    assert git(synced_ws, "diff", "--cached", "--name-only") == ""
    assert len(log(synced_ws, "aov")) == 4


def test_an_unknown_metric_is_a_usage_error_with_the_closest_name(synced_ws: Path) -> None:
    code, errors = run(synced_ws, "aovv")
    assert code == 2
    assert errors == "error: no metric 'aovv' in metrics/ (did you mean 'aov'?)\n"


def test_a_named_metric_without_sync_is_a_usage_error(synced_ws: Path) -> None:
    write_files(synced_ws, {"metrics/csat.yaml": "name: CSAT\nunit: '%'\ndirection: higher\n"})
    code, errors = run(synced_ws, "csat")
    assert code == 2
    assert errors == (
        "error: csat has no sync: block in metrics/csat.yaml (metrics with one: aov, nps)\n"
    )


def test_check_runs_each_query_for_no_rows_and_names_a_missing_column(synced_ws: Path) -> None:
    write_files(synced_ws, {"metrics/nps.yaml": NPS.replace("score as value", "score")})
    code, errors = run(synced_ws, "--check")
    assert code == 1
    assert errors.splitlines() == [
        "aov: ok (columns: date, segment, value)",
        "error: nps: the query returns no value column (its columns: date, score); name "
        "them with AS, as in select day as date, avg(amount) as value",
    ]
    assert git(synced_ws, "status", "--porcelain") == " M metrics/nps.yaml\n"


def test_a_missing_environment_variable_fails_its_metric_alone(
    synced_ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CXOKR_TEST_WAREHOUSE_URL", raising=False)
    write_files(
        synced_ws, {"metrics/nps.yaml": NPS.replace("connection: exports", "connection: warehouse")}
    )
    code, errors = run(synced_ws)
    assert code == 1
    assert errors.splitlines()[1] == (
        "error: nps: the environment variable CXOKR_TEST_WAREHOUSE_URL is not set: it holds "
        "the connection URL; set it (export CXOKR_TEST_WAREHOUSE_URL='dialect+driver://user:"
        "password@host/database', or a repository secret in CI) and run the command again"
    )
    assert len(log(synced_ws, "aov")) == 4


def test_parquet_exports_sync_through_duckdb(synced_ws: Path) -> None:
    import duckdb

    target = synced_ws / "exports" / "nps.parquet"
    duckdb.sql(
        f"copy (select * from read_csv('{synced_ws / 'exports' / 'nps.csv'}')) "
        f"to '{target}' (format parquet)"
    )
    write_files(
        synced_ws,
        {"metrics/nps.yaml": NPS.replace("read_csv('exports/nps.csv')", "'exports/nps.parquet'")},
    )
    code, errors = run(synced_ws, "nps")
    assert code == 0, errors
    assert [line.split(', "by"')[0] for line in log(synced_ws, "nps")] == [
        '- {"date": "2026-11-21", "value": 41.0',
        '- {"date": "2026-11-22", "value": 42.5',
    ]


def test_the_example_syncs_its_exports_once(tmp_path: Path, git_env: None) -> None:
    root = tmp_path / "retail-cx"
    shutil.copytree(EXAMPLE, root)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Start")
    code, errors = run(root)
    assert code == 0, errors
    assert errors.splitlines()[:4] == [
        "aht: 1 reading added, 2026-11-27",
        "aov: 2 readings added, 2026-11-27",
        "queue-time: 1 reading added, 2026-11-27",
        "4 readings added from 3 metrics",
    ]
    assert [line.split(', "by"')[0] for line in log(root, "aov")[-2:]] == [
        '- {"date": "2026-11-27", "value": 79.1, "segment": "in-store", "source": "shopify-export"',
        '- {"date": "2026-11-27", "value": 65.3, "segment": "online", "source": "shopify-export"',
    ]
    assert log(root, "aht")[-1].startswith('- {"date": "2026-11-27", "value": 402.0')
    assert git(root, "log", "-1", "--format=%s") == "sync: aht +1, aov +2, queue-time +1\n"
    assert run(root)[1].splitlines()[-1] == "nothing new from 3 metrics"


def test_help_shows_examples() -> None:
    result = CliRunner().invoke(app, ["sync", "--help"])
    assert result.exit_code == 0
    assert "Example: cxokr sync aov nps --dry-run" in result.stdout
    assert "--since DATE" in result.stdout


# --- PostgreSQL, for real -----------------------------------------------------------------

CHANNELS = ("web", "app", "store")
FIRST_DAY = date(2026, 10, 1)
DAYS = 58  # to 2026-11-27
PER_DAY_AND_CHANNEL = """
    select day as date, channel as segment, count(*) as value, 'warehouse' as source
    from {table} where day >= :since group by 1, 2 order by 1, 2
"""
PER_DAY = """
    select day as date, avg(amount)::numeric(10, 2) as value
    from {table} where day >= :since group by 1 order by 1
"""


def _orders(count: int = 3000) -> list[tuple[date, str, Decimal]]:
    pick = random.Random(17)
    return [
        (
            FIRST_DAY + timedelta(days=n % DAYS),
            CHANNELS[(n // DAYS) % 3],
            Decimal(pick.randint(1000, 20000)) / 100,
        )
        for n in range(count)
    ]


def _metric(query: str, segments: str = "") -> str:
    body = textwrap.indent(textwrap.dedent(query).strip(), "        ")
    return (
        f"name: A metric\nunit: count\ndirection: higher\n{segments}"
        f"sync:\n  connection: warehouse\n  query: |\n{body}\n"
    )


_TABLES = itertools.count()


@pytest.fixture(scope="module")
def server(postgres: Postgres) -> Postgres:  # noqa: F811
    """The module's one PostgreSQL server (tests.postgres), started once for these tests."""
    return postgres


@pytest.fixture
def table(server: Postgres) -> str:
    """A fresh table of 3,000 orders (day, channel, amount) on the server; its name."""
    name = f"orders_{next(_TABLES)}"
    server.execute(f"CREATE TABLE {name} (day date, channel text, amount numeric(10, 2))")
    server.copy_rows(name, ("day", "channel", "amount"), _orders())
    return name


@pytest.fixture
def pg_ws(
    make_ws: WriteFiles,
    git_env: None,
    server: Postgres,
    table: str,
    monkeypatch: pytest.MonkeyPatch,
) -> Callable[[dict[str, str]], Path]:
    """Makes a git workspace whose `warehouse` is the test server, holding the metrics given
    (`{table}` in their queries: the test's table)."""
    monkeypatch.setenv("CXOKR_TEST_WAREHOUSE_URL", server.url)

    def make(metrics: dict[str, str]) -> Path:
        files = {
            f"metrics/{name}.yaml": text.replace("{table}", table) for name, text in metrics.items()
        }
        root = make_ws({"cxokr.yaml": CONFIG, ".gitignore": ".cxokr/\n", **files})
        git(root, "init", "-q", "-b", "main")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "Start")
        return root

    return make


ORDERS_METRIC = _metric(PER_DAY_AND_CHANNEL, "segments: [web, app, store]\n")
BASKET_METRIC = _metric(PER_DAY)


def test_postgres_orders_per_day_and_channel_sync_once(
    pg_ws: Callable[[dict[str, str]], Path],
) -> None:
    root = pg_ws({"orders": ORDERS_METRIC, "basket": BASKET_METRIC})
    code, errors = run(root)
    assert code == 0, errors
    assert errors.splitlines()[:3] == [
        "basket: 58 readings added, 2026-10-01 to 2026-11-27",
        "orders: 174 readings added, 2026-10-01 to 2026-11-27",
        "232 readings added from 2 metrics",
    ]
    counts = Counter((day.isoformat(), channel) for day, channel, _ in _orders())
    held = [json.loads(line[2:]) for line in log(root, "orders")]
    assert {(r["date"], r["segment"]): r["value"] for r in held} == counts
    head = git(root, "rev-parse", "HEAD")
    assert run(root)[1].splitlines() == [
        "basket: nothing new since 2026-11-28",
        "orders: nothing new since 2026-11-28",
        "nothing new from 2 metrics",
    ]
    code, errors = run(root, "--since", "2026-10-01")
    assert errors.splitlines()[:2] == [
        "basket: nothing new since 2026-10-01 (58 already held)",
        "orders: nothing new since 2026-10-01 (174 already held)",
    ]
    assert git(root, "rev-parse", "HEAD") == head


def test_postgres_bad_row_writes_nothing_for_its_metric(
    pg_ws: Callable[[dict[str, str]], Path], server: Postgres, table: str
) -> None:
    root = pg_ws({"orders": ORDERS_METRIC, "basket": BASKET_METRIC})
    server.execute(f"INSERT INTO {table} VALUES ('2026-11-02', 'kiosk', 12)")
    code, errors = run(root)
    assert code == 1
    assert errors.splitlines() == [
        "basket: 58 readings added, 2026-10-01 to 2026-11-27",
        "error: orders: row 98: orders has no segment 'kiosk' (declared: web, app, store)",
        "error: orders: nothing written: 1 bad row; fix the query or its data",
        "58 readings added from 2 metrics; 1 failed (orders)",
        f"committed {git(root, 'rev-parse', '--short', 'HEAD').strip()}: sync: basket +58",
    ]
    assert log(root, "orders") == []


def test_postgres_query_error_is_the_servers_first_line(
    pg_ws: Callable[[dict[str, str]], Path],
) -> None:
    broken = _metric("select day as date, price as value from {table} where day >= :since")
    root = pg_ws({"broken": broken, "basket": BASKET_METRIC})
    code, errors = run(root)
    assert code == 1
    assert errors.splitlines()[:3] == [
        "basket: 58 readings added, 2026-10-01 to 2026-11-27",
        'error: broken: the query failed: column "price" does not exist',
        "58 readings added from 2 metrics; 1 failed (broken)",
    ]


def test_postgres_query_past_the_timeout_is_stopped(
    pg_ws: Callable[[dict[str, str]], Path],
) -> None:
    slow = _metric("select day as date, 1 as value, pg_sleep(30) from {table} limit 1")
    root = pg_ws({"slow": slow})
    code, errors = run(root, "--timeout", "0.5")
    assert code == 1
    assert errors.splitlines()[0] == (
        "error: slow: the query took longer than 0.5 s and was stopped; make it faster, "
        "or raise `timeout:` under the metric's `sync:`"
    )


def test_postgres_stopped_mid_run_fails_what_was_left_and_keeps_what_was_read(
    pg_ws: Callable[[dict[str, str]], Path], server: Postgres
) -> None:
    slow = _metric(
        "select day as date, count(*) as value from {table}, pg_sleep(30) "
        "where day >= :since group by 1"
    )
    root = pg_ws({"a-basket": BASKET_METRIC, "b-slow": slow, "c-orders": ORDERS_METRIC})
    stopper = threading.Thread(target=_stop_when_sleeping, args=(server,))
    stopper.start()
    try:
        code, errors = run(root)
    finally:
        stopper.join()
        server.start()
    assert code == 1
    lines = errors.splitlines()
    assert lines[0] == "a-basket: 58 readings added, 2026-10-01 to 2026-11-27"
    assert lines[1].startswith(f"error: b-slow: the query lost its connection to {server.url}: ")
    assert lines[1].endswith("; nothing was read, run it again once the server is back")
    assert lines[2].startswith(f"error: c-orders: cannot connect to {server.url}: ")
    assert lines[3] == "58 readings added from 3 metrics; 2 failed (b-slow, c-orders)"
    assert log(root, "b-slow") == [] and log(root, "c-orders") == []
    assert git(root, "log", "-1", "--format=%s") == "sync: a-basket +58\n"
    assert git(root, "status", "--porcelain") == ""


def _stop_when_sleeping(server: Postgres) -> None:
    """Stop the server once a query sleeps in it (at most 20 s of looking)."""
    for _ in range(200):
        if server.execute(
            "select count(*) from pg_stat_activity where query like '%pg_sleep(30)%' "
            "and pid <> pg_backend_pid()"
        )[0][0]:
            break
        time.sleep(0.1)
    server.stop()


# --- The nightly workflow -----------------------------------------------------------------


def test_the_nightly_workflow_syncs_with_the_secret_and_opens_a_pull_request() -> None:
    import yaml

    path = EXAMPLE.parent / "ci" / "cxokr-sync.yml"
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["schedule"] == [{"cron": "17 3 * * *"}]
    assert "workflow_dispatch" in triggers
    assert workflow["permissions"] == {"contents": "write", "pull-requests": "write"}
    steps = workflow["jobs"]["sync"]["steps"]
    sync = next(step for step in steps if step.get("id") == "sync")
    assert "cxokr sync" in sync["run"]
    assert sync["env"]["CXOKR_WAREHOUSE_URL"] == "${{ secrets.CXOKR_WAREHOUSE_URL }}"
    action, _, version = next(
        s["uses"] for s in steps if "create-pull-request" in s.get("uses", "")
    ).partition("@")
    assert action == "peter-evans/create-pull-request"
    assert re.fullmatch(r"[0-9a-f]{40}", version)  # pinned to a commit, its tag in a comment
    assert "create-pull-request@" + version + " # v7.0.11" in path.read_text(encoding="utf-8")
    for step in steps:
        if "run" in step:  # every script parses as bash
            done = subprocess.run(["bash", "-n"], input=step["run"], text=True, capture_output=True)
            assert done.returncode == 0, done.stderr


# --- Options and the progress line ------------------------------------------------------


def test_a_timeout_of_zero_is_a_usage_error(synced_ws: Path) -> None:
    code, errors = run(synced_ws, "--timeout", "0")
    assert code == 2
    assert errors == "error: --timeout must be a number of seconds above 0\n"


def test_progress_names_each_query_on_a_terminal_and_clears_its_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:

    leader, follower = pty.openpty()
    with os.fdopen(follower, "w") as terminal:
        monkeypatch.setattr("sys.stderr", terminal)
        with pytest.raises(KeyboardInterrupt), _Progress(3) as progress:
            progress.step(0, "aov")
            progress.step(1, "nps")
            raise KeyboardInterrupt  # Ctrl-C during the second query: the line is cleared
        _Progress(1).step(0, "aov")  # one metric: no progress line
    shown = _read_all(leader).decode()
    assert shown == "\r\x1b[Kfetching 1/3: aov\r\x1b[Kfetching 2/3: nps\r\x1b[K"


def _read_all(leader: int) -> bytes:
    """All a closed terminal's other end wrote: the kernel hands it over in pieces."""
    data = b""
    while True:
        try:
            chunk = os.read(leader, 1000)
        except OSError:  # EIO: the other end is closed and everything has been read
            break
        if not chunk:
            break
        data += chunk
    os.close(leader)
    return data


def test_progress_is_silent_off_a_terminal(synced_ws: Path) -> None:
    code, errors = run(synced_ws, "--dry-run")  # CliRunner's stderr is no terminal
    assert code == 0
    assert "fetching" not in errors


def test_a_query_reads_nothing_from_the_working_folder_outside_the_workspace(
    synced_ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB looks for a relative path the workspace lacks in the working folder too: sync
    runs in the workspace, so a file of the same name where it was started is never read."""
    git(synced_ws, "rm", "-q", "exports/nps.csv")
    git(synced_ws, "commit", "-q", "-m", "No NPS export")
    outside = tmp_path / "elsewhere"
    (outside / "exports").mkdir(parents=True)
    (outside / "exports" / "nps.csv").write_text("day,score\n2026-11-21,99\n", encoding="utf-8")
    monkeypatch.chdir(outside)
    code, errors = run(synced_ws, "nps")
    assert code == 1
    assert errors.splitlines()[0] == (
        "error: nps: the query failed: IO Error: No files found that match the pattern "
        '"exports/nps.csv"'
    )
    assert log(synced_ws, "nps") == []
