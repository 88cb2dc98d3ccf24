"""Picking the key result of a check-in from a list: the user's first, then the rest."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cxokr.cli import pick
from cxokr.errors import UsageError
from cxokr.load import workspace
from tests.conftest import WriteFiles

DAY = date(2026, 11, 20)

OWNED = {
    "okrs/2026-Q4/ecommerce.yaml": """
        objectives:
          - id: grow-basket
            title: Shoppers find more to love in every basket
            owner: lee@acme.example
            aligns_to: 2026:company/raise-aov
            key_results:
              - {id: aov-online, title: Raise online AOV, metric: aov, segment: online,
                 start: 58, target: 64}
              - {id: bundles, title: Bundles live on 3 pages, owner: [lee@acme.example, Sam],
                 unit: count, start: 0, target: 3}
              - {id: old, title: Dropped, unit: count, start: 0, target: 1, state: dropped,
                 reason: Not now}
              - {id: aov-share, title: Our part of AOV, shares: 2026:company/raise-aov/aov}
    """,
}


def refs(root: Path, email: str | None) -> list[tuple[str, bool]]:
    return [(c.ref, c.mine) for c in pick.choices(workspace.load(root), DAY, email)]


def test_the_users_key_results_come_first(make_ws: WriteFiles) -> None:
    root = make_ws(OWNED)
    assert refs(root, "sam@acme.example") == [
        ("ecommerce/grow-basket/bundles", True),
        ("company/raise-aov/aov", False),
        ("ecommerce/grow-basket/aov-online", False),
    ]


def test_an_objectives_owner_owns_its_key_results_without_one(make_ws: WriteFiles) -> None:
    root = make_ws(OWNED)
    assert refs(root, "LEE@acme.example") == [
        ("ecommerce/grow-basket/aov-online", True),
        ("ecommerce/grow-basket/bundles", True),
        ("company/raise-aov/aov", False),
    ]


def test_no_identity_owns_nothing_and_a_dropped_or_shared_key_result_is_not_offered(
    make_ws: WriteFiles,
) -> None:
    root = make_ws(OWNED)
    assert refs(root, None) == [
        ("company/raise-aov/aov", False),
        ("ecommerce/grow-basket/aov-online", False),
        ("ecommerce/grow-basket/bundles", False),
    ]


def test_a_key_result_another_period_hides_keeps_its_period(make_ws: WriteFiles) -> None:
    root = make_ws(
        {
            "okrs/2026-Q4/company.yaml": """
                objectives:
                  - id: raise-aov
                    title: The quarter's part
                    key_results:
                      - {id: aov, title: Quarter AOV, unit: USD, start: 1, target: 2}
            """
        }
    )
    assert [r for r, _ in refs(root, None) if "raise-aov" in r] == [
        "2026:company/raise-aov/aov",
        "company/raise-aov/aov",
    ]


def test_the_listing_heads_the_users_and_the_others(make_ws: WriteFiles) -> None:
    root = make_ws(OWNED)
    found = pick.choices(workspace.load(root), DAY, "sam@acme.example")
    assert pick.listing(found, "sam@acme.example") == [
        "yours (sam@acme.example):",
        "   1  ecommerce/grow-basket/bundles  Bundles live on 3 pages  (no value yet, no data)",
        "the others:",
        "   2  company/raise-aov/aov  AOV from 60 to 64 USD  (now 61.2 USD, off track)",
        "   3  ecommerce/grow-basket/aov-online  Raise online AOV  (now 61.2 USD, on track)",
    ]
    assert pick.listing(found[1:], "nobody@acme.example")[0] == (
        "none of the key results names nobody@acme.example as an owner; all of them:"
    )


def test_nothing_to_pick_is_a_usage_error_that_says_how_to_write_one(make_ws: WriteFiles) -> None:
    root = make_ws({"okrs/2026/company.yaml": None, "okrs/2026-Q4/ecommerce.yaml": None})
    with pytest.raises(UsageError) as caught:
        pick.pick(workspace.load(root), DAY, None)
    assert (
        str(caught.value)
        == "no key result to check in on 2026-11-20; write one with 'cxokr new kr'"
    )
