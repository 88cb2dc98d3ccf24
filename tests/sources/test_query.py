"""What every engine shares: the row limit, the first line of an error, no password shown."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cxokr.errors import SourceError
from cxokr.sources.query import Fetched, Query, first_line

URL = "postgresql+psycopg://etl:hunter2@db.example/shop"


def query(**changes: object) -> Query:
    fields: dict[str, object] = {
        "root": Path(),
        "url": URL,
        "text": "select 1",
        "since": date(2026, 11, 1),
        "timeout": 60.0,
    }
    fields.update(changes)
    return Query(**fields)  # type: ignore[arg-type]


def test_rows_up_to_the_limit_are_kept() -> None:
    rows: list[tuple[object, ...]] = [(1,), (2,)]
    assert query(limit=2).checked(("value",), rows) == Fetched(("value",), rows)


def test_rows_past_the_limit_are_refused() -> None:
    with pytest.raises(SourceError, match=r"^the query returned more than 1 rows"):
        query(limit=1).checked(("value",), [(1,), (2,)])


def test_the_first_line_of_an_error_skips_blank_lines() -> None:
    assert first_line(ValueError("\n  relation does not exist\nLINE 1: x")) == (
        "relation does not exist"
    )
    assert first_line(ValueError("")) == "ValueError"


def test_a_connection_error_masks_the_url_and_scrubs_the_password() -> None:
    error = query().cannot_connect(OSError("login hunter2 refused"))
    assert str(error) == (
        "cannot connect to postgresql+psycopg://etl:***@db.example/shop: login *** refused"
    )


def test_messages_name_the_metric_when_given() -> None:
    assert str(query(metric="aov").failed(ValueError("boom"))) == (
        "the query of metric aov failed: boom"
    )
    assert str(query(timeout=2.5).timed_out()).startswith("the query took longer than 2.5 s ")
