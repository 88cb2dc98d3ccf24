"""A throwaway PostgreSQL server for tests: a cluster in a temporary folder, on a Unix socket.

`postgres` (module-scoped) runs Debian's `initdb` into a fresh folder under /tmp (short,
so the socket path fits the 107-byte limit), starts it with `pg_ctl` listening on no TCP
port at all, creates a database and yields a `Postgres`: `url` (SQLAlchemy), `dsn`
(libpq), `execute(sql)` and `copy_rows(...)`, `stop()` and `start()`. The cluster is
stopped and its folder removed at teardown, even when a test fails.

PostgreSQL refuses to run as root, so under root the server runs as `nobody` (the
folder is handed to that user); otherwise it runs as the current user.

The user `cxokr` connects without a password (`trust` on the socket); every other role
must give a password (scram-sha-256), so `role_with_password` makes one for the tests
of authentication.

Without initdb and pg_ctl (on PATH or under /usr/lib/postgresql/*/bin) the tests that
use the fixture skip and say why, unless CXOKR_REQUIRE_POSTGRES is set (as CI does),
when they fail instead. CXOKR_PG_BIN names another folder holding the binaries.

Use it from a test module with `from tests.postgres import postgres` (and
`# noqa: F401` on that import) or through a conftest.py that does the same.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import quote

import pytest

USER = "cxokr"
DATABASE = "cxokr_test"
RUN_AS_ROOT = "nobody"  # the account the server runs as when the tests run as root

HBA = """\
local all cxokr trust
local all all scram-sha-256
"""


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get("CXOKR_REQUIRE_POSTGRES"):
        pytest.fail(f"CXOKR_REQUIRE_POSTGRES is set but {reason}", pytrace=False)
    pytest.skip(reason)


def find_bin_dir() -> Path | None:
    """The folder holding initdb and pg_ctl: CXOKR_PG_BIN, PATH, then the newest Debian one."""
    named = os.environ.get("CXOKR_PG_BIN")
    if named:
        folder = Path(named)
        return folder if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file() else None
    candidates = []
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    debian = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    candidates += debian
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    return None


@dataclass
class Postgres:
    """A running throwaway cluster, and what a test needs to reach it."""

    bin_dir: Path
    base: Path
    user: str = USER
    database: str = DATABASE
    _run_as: dict[str, Any] = field(default_factory=dict)

    @property
    def data_dir(self) -> Path:
        return self.base / "data"

    @property
    def socket_dir(self) -> Path:
        return self.base / "socket"

    @property
    def log_file(self) -> Path:
        return self.base / "server.log"

    @property
    def url(self) -> str:
        """The SQLAlchemy URL of the test database (psycopg 3, over the socket)."""
        return self.url_for(self.user)

    @property
    def dsn(self) -> str:
        """The libpq connection string of the test database."""
        return f"host={self.socket_dir} dbname={self.database} user={self.user}"

    def url_for(self, user: str, password: str | None = None, database: str | None = None) -> str:
        """A SQLAlchemy URL for another role (and password) or database on this server."""
        auth = quote(user, safe="")
        if password is not None:
            auth += ":" + quote(password, safe="")
        return f"postgresql+psycopg://{auth}@/{database or self.database}?host={self.socket_dir}"

    def _pg(self, *args: str | os.PathLike[str], check: bool = True) -> str:
        """Run a PostgreSQL binary as the server's account; its output."""
        done = subprocess.run(
            [str(self.bin_dir / str(args[0])), *map(str, args[1:])],
            capture_output=True,
            text=True,
            cwd=self.base,
            check=False,
            **self._run_as,
        )
        if check and done.returncode != 0:
            log = self.log_file.read_text() if self.log_file.exists() else ""
            raise RuntimeError(f"{args[0]} failed: {done.stdout}{done.stderr}\n{log}")
        return done.stdout

    def init(self) -> None:
        """initdb, with `trust` for the test user and passwords for every other role."""
        self._pg(
            "initdb",
            "-D",
            self.data_dir,
            "-U",
            self.user,
            "--auth=trust",
            "--encoding=UTF8",
            "--no-locale",
            "--no-sync",
        )
        (self.data_dir / "pg_hba.conf").write_text(HBA)

    def start(self) -> None:
        """Start the server (again) on the socket only, and wait until it accepts."""
        options = f"-k {self.socket_dir} -c listen_addresses='' -c fsync=off"
        self._pg("pg_ctl", "-D", self.data_dir, "-l", self.log_file, "-o", options, "start", "-w")

    def stop(self) -> None:
        """Stop the server now (a test may start it again); no error when it is down."""
        self._pg("pg_ctl", "-D", self.data_dir, "-m", "immediate", "stop", "-w", check=False)

    @property
    def running(self) -> bool:
        done = subprocess.run(
            [str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "status"],
            capture_output=True,
            cwd=self.base,
            check=False,
            **self._run_as,
        )
        return done.returncode == 0

    def connect(self, database: str | None = None) -> Any:
        """A psycopg connection (autocommit) as the test user."""
        import psycopg

        return psycopg.connect(
            host=str(self.socket_dir),
            dbname=database or self.database,
            user=self.user,
            autocommit=True,
        )

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        """Run one statement in the test database; the rows it returns (none for DDL)."""
        with self.connect() as conn, conn.cursor() as cur:
            cur.execute(sql, params)
            return list(cur.fetchall()) if cur.description else []

    def copy_rows(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        """COPY rows into an existing table (fast, for thousands); how many were written."""
        count = 0
        names = ", ".join(columns)
        with (
            self.connect() as conn,
            conn.cursor() as cur,
            cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
                count += 1
        return count

    def role_with_password(self, name: str, password: str) -> str:
        """Create a login role that must give `password`; its name."""
        from psycopg import sql

        statement = sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
            sql.Identifier(name), sql.Literal(password)
        )
        with self.connect() as conn:
            conn.execute(statement)
            conn.execute(
                sql.SQL("GRANT ALL ON DATABASE {} TO {}").format(
                    sql.Identifier(self.database), sql.Identifier(name)
                )
            )
        return name

    def create_database(self) -> None:
        with self.connect("postgres") as conn:
            conn.execute(f"CREATE DATABASE {self.database}")


def _run_as() -> dict[str, Any]:
    """subprocess arguments that drop root for the server (it refuses to run as root)."""
    if os.geteuid() != 0:
        return {}
    account = pwd.getpwnam(RUN_AS_ROOT)
    return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}


def _base_dir(run_as: dict[str, Any]) -> Path:
    base = Path(tempfile.mkdtemp(prefix="cxokr-pg-", dir="/tmp" if Path("/tmp").is_dir() else None))
    (base / "socket").mkdir()
    if run_as:
        for path in (base, base / "socket"):
            os.chown(path, run_as["user"], run_as["group"])
    return base


@pytest.fixture(scope="module")
def postgres() -> Iterator[Postgres]:
    """A running PostgreSQL cluster with an empty database, stopped at the module's end."""
    bin_dir = find_bin_dir()
    if bin_dir is None and os.environ.get("CXOKR_PG_BIN"):
        _unavailable(f"CXOKR_PG_BIN={os.environ['CXOKR_PG_BIN']} holds no initdb and pg_ctl")
    if bin_dir is None:
        _unavailable(
            "no PostgreSQL server binaries (initdb, pg_ctl) on PATH or under "
            "/usr/lib/postgresql/*/bin: apt-get install postgresql (or set CXOKR_PG_BIN)"
        )
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _unavailable("psycopg is not installed: pip install -e '.[test]'")
    run_as = _run_as()
    server = Postgres(bin_dir=bin_dir, base=_base_dir(run_as), _run_as=run_as)
    try:
        server.init()
        server.start()
        server.create_database()
        yield server
    finally:
        from cxokr import sources

        sources.close()  # the connections kept between queries, before the server goes
        server.stop()
        shutil.rmtree(server.base, ignore_errors=True)
