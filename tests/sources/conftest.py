"""Fixtures for the metric sources: a real PostgreSQL server holding a few thousand orders."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.postgres import Postgres, postgres

__all__ = ["ORDERS", "orders", "postgres"]

CHANNELS = ("online", "in-store")
FIRST_DAY = date(2026, 11, 1)
DAYS = 30
ORDERS = 3000


def _orders() -> list[tuple[date, str, Decimal]]:
    """ORDERS orders over DAYS days and two channels, the same every run."""
    pick = random.Random(17)
    return [
        (
            FIRST_DAY + timedelta(days=n % DAYS),
            CHANNELS[(n // DAYS) % 2],
            Decimal(pick.randint(1000, 20000)) / 100,
        )
        for n in range(ORDERS)
    ]


@pytest.fixture(scope="module")
def orders(postgres: Postgres) -> Iterator[list[tuple[date, str, Decimal]]]:
    """The `orders (day, channel, order_value)` table, filled; its rows."""
    rows = _orders()
    postgres.execute("CREATE TABLE orders (day date, channel text, order_value numeric(10, 2))")
    postgres.copy_rows("orders", ("day", "channel", "order_value"), rows)
    yield rows
    if postgres.running:
        postgres.execute("DROP TABLE orders")
