"""Connection URLs: reading `env:NAME`, finding a DuckDB file inside the workspace, masking
passwords, and naming the package that provides a missing driver.

The forms (DESIGN §1, "Metric sources"):
- `env:NAME`: the whole URL is the value of the environment variable NAME, read when the
  query runs, so a secret never sits in a file;
- `duckdb:` (DuckDB in memory) or `duckdb:PATH` (a DuckDB file, relative to the workspace
  root, never leaving it, not even through a symbolic link);
- anything else is a SQLAlchemy URL (`dialect+driver://user@host/db`). A plain
  `postgresql://` (or `postgres://`) means psycopg 3, the driver `cxokr[postgres]`
  installs, unless psycopg2 (SQLAlchemy's default) is installed.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Mapping
from pathlib import Path

from cxokr.errors import SourceError

ENV_PREFIX = "env:"
DUCKDB_PREFIX = "duckdb:"

_PASSWORD_PARAMETER = re.compile(r"([?&]password=)([^&#]*)", re.IGNORECASE)
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

# The extra of cxokr that installs a missing module, for the modules it covers.
EXTRAS = {"duckdb": "duckdb", "sqlalchemy": "sql", "psycopg": "postgres"}
# The package to install for a driver module whose name is not its package's.
PACKAGES = {"MySQLdb": "mysqlclient", "psycopg2": "psycopg2-binary", "pymysql": "PyMySQL"}


def resolve_url(url: str, env: Mapping[str, str]) -> str:
    """The URL to connect with: an `env:NAME` URL replaced by the variable's value."""
    url = url.strip()
    if not url.startswith(ENV_PREFIX):
        return url
    name = url[len(ENV_PREFIX) :].strip()
    if not _ENV_NAME.match(name):
        raise SourceError(
            f"{url!r} does not name an environment variable: write env:NAME, "
            "NAME made of letters, digits and underscores"
        )
    value = env.get(name, "").strip()
    if not value:
        state = "is empty" if name in env else "is not set"
        raise SourceError(
            f"the environment variable {name} {state}: it holds the connection URL; "
            f"set it (export {name}='dialect+driver://user:password@host/database', "
            "or a repository secret in CI) and run the command again"
        )
    if value.startswith(ENV_PREFIX):
        raise SourceError(f"the environment variable {name} holds {value!r}, another env: name")
    return value


def _password_span(url: str) -> tuple[int, int] | None:
    """Where the password sits in `scheme://user:password@host...`, if it has one.

    The password runs from the first `:` after `user` to the LAST `@`, so a password
    someone forgot to percent-encode (`p@ss`) is still hidden whole.
    """
    start = url.find("://")
    if start < 0:
        return None
    start += 3
    at = url.rfind("@", start)
    colon = url.find(":", start, at)
    if at < 0 or colon < 0 or "/" in url[start:colon]:
        return None
    return colon + 1, at


def mask(url: str) -> str:
    """The URL with its password (if any, in the user part or a query parameter) as `***`."""
    span = _password_span(url)
    masked = url if span is None else f"{url[: span[0]]}***{url[span[1] :]}"
    return _PASSWORD_PARAMETER.sub(r"\1***", masked)


def passwords_of(url: str) -> list[str]:
    """The URL's passwords as written in it (none when it has none)."""
    span = _password_span(url)
    found = [] if span is None else [url[span[0] : span[1]]]
    return found + [m.group(2) for m in _PASSWORD_PARAMETER.finditer(url)]


def scrub(message: str, url: str) -> str:
    """`message` with the URL's password (written or decoded) replaced by `***`."""
    from urllib.parse import unquote

    written = passwords_of(url)
    for secret in sorted({*written, *map(unquote, written)}, key=len, reverse=True):
        if secret:
            message = message.replace(secret, "***")
    return message


def is_duckdb(url: str) -> bool:
    return url.startswith(DUCKDB_PREFIX)


def duckdb_database(root: Path, url: str) -> Path | None:
    """The DuckDB file a `duckdb:PATH` URL names (None for `duckdb:`, in memory).

    The path is relative to the workspace root and must stay inside it once every
    symbolic link on the way is followed.
    """
    written = url[len(DUCKDB_PREFIX) :].strip()
    if written in ("", ":memory:"):
        return None
    relative = Path(written)
    if relative.is_absolute():
        raise SourceError(
            f"{url}: a DuckDB file is named relative to the workspace, not by an absolute path"
        )
    base = root.resolve()
    target = (base / relative).resolve()
    if not target.is_relative_to(base):
        raise SourceError(
            f"{url}: the DuckDB file must be inside the workspace ({base}), and {written} "
            "leads out of it"
        )
    if not target.is_file():
        raise SourceError(f"{url}: there is no DuckDB file at {written} in the workspace")
    return target


def sqlalchemy_url(url: str) -> str:
    """The SQLAlchemy URL to use: plain PostgreSQL URLs mean psycopg 3 unless psycopg2 is here."""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme not in ("postgresql", "postgres"):
        return url
    if importlib.util.find_spec("psycopg2") is not None:
        return f"postgresql://{rest}"
    return f"postgresql+psycopg://{rest}"


def install_hint(module: str, dialect: str = "") -> str:
    """What to install for a module that is missing."""
    top = module.split(".")[0]
    if top in EXTRAS:
        return f"pip install 'cxokr[{EXTRAS[top]}]'"
    package = PACKAGES.get(top, top)
    if dialect == "postgresql":
        return (
            f"pip install {package}, or write postgresql+psycopg:// and "
            "pip install 'cxokr[postgres]'"
        )
    return f"pip install {package} (the driver the URL's dialect needs)"


def missing_driver(exc: ModuleNotFoundError, dialect: str = "") -> SourceError:
    """The SourceError for a driver (or engine) that is not installed."""
    module = exc.name or str(exc)
    hint = install_hint(module, dialect)
    what = f"the {dialect} driver" if dialect else "the engine"
    return SourceError(f"{what} is not installed (no module {module!r}): {hint}")
