"""What every engine shares: the query to run, the rows it fetched, its deadline, and the
wording of its failures (each naming the metric, never a password)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import Any

from cxokr.errors import SourceError
from cxokr.sources.urls import mask, scrub

# The most rows one query may return: a metric's query returns daily aggregates (a year
# of 3 segments is about 1,100 rows), so a million means a query that forgot to
# aggregate, and is refused before it can exhaust memory.
ROW_LIMIT = 1_000_000


@dataclass(frozen=True)
class Fetched:
    """A query's column names and rows, values as the engine returned them (date,
    datetime, str, Decimal, float, int, None): the caller converts and validates."""

    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]


@dataclass(frozen=True)
class Query:
    """One query to run: where, what, with which `since`, for how long, how many rows."""

    root: Path
    url: str
    text: str
    since: date
    timeout: float
    limit: int = ROW_LIMIT
    metric: str = ""

    @property
    def what(self) -> str:
        return f"the query of metric {self.metric}" if self.metric else "the query"

    @property
    def where(self) -> str:
        """The connection as a message shows it: the URL with its password masked."""
        return mask(self.url)

    def error(self, message: str) -> SourceError:
        """A SourceError whose message holds no password of this query's URL."""
        return SourceError(scrub(message, self.url))

    def timed_out(self) -> SourceError:
        return self.error(
            f"{self.what} took longer than {self.timeout:g} s and was stopped; make it "
            "faster, or raise `timeout:` under the metric's `sync:`"
        )

    def failed(self, exc: BaseException, hint: str = "") -> SourceError:
        return self.error(f"{self.what} failed: {first_line(exc)}{hint}")

    def cannot_connect(self, exc: BaseException) -> SourceError:
        return self.error(f"cannot connect to {self.where}: {first_line(exc)}")

    def connection_lost(self, exc: BaseException) -> SourceError:
        return self.error(
            f"{self.what} lost its connection to {self.where}: {first_line(exc)}; "
            "nothing was read, run it again once the server is back"
        )

    def checked(self, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> Fetched:
        """The result, or a SourceError when it holds more rows than the limit."""
        if len(rows) > self.limit:
            raise self.error(
                f"{self.what} returned more than {self.limit:,} rows, the most one query "
                "may return; aggregate it to one row per day (and segment)"
            )
        return Fetched(columns, rows)


def first_line(exc: BaseException) -> str:
    """The first non-blank line of an exception's message (the database's own words)."""
    for line in str(exc).splitlines():
        if line.strip():
            return line.strip()
    return type(exc).__name__


class Deadline:
    """Calls `cancel` from a timer thread if the block still runs after `seconds`;
    `expired` then tells the block's error handling that the cancel was ours. With no
    `cancel` (the database keeps the time itself), no timer runs."""

    def __init__(self, seconds: float, cancel: Callable[[], object] | None) -> None:
        self.expired = False
        self._cancel = cancel
        self._timer: threading.Timer | None = None
        if cancel is not None:
            self._timer = threading.Timer(min(seconds, threading.TIMEOUT_MAX), self._fire)
            self._timer.daemon = True

    def _fire(self) -> None:
        self.expired = True
        with contextlib.suppress(Exception):  # the query ended meanwhile: nothing to cancel
            if self._cancel is not None:
                self._cancel()

    def __enter__(self) -> Deadline:
        if self._timer is not None:
            self._timer.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._timer is not None:
            self._timer.cancel()
