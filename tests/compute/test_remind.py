"""The check-ins each owner owes, from the report's stale key results."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cxokr.compute import filters, remind, report
from cxokr.compute.report import Filters
from cxokr.load.workspace import load
from tests.conftest import WriteFiles

AS_OF = date(2026, 11, 20)

# aov-online: checked in 2026-11-01 (19 days: stale); basket: never updated (stale);
# lcp: fresh; tiktok: stale, but its objective is dropped (owes nothing).
OWING = {
    "cxokr.yaml": """
        organization: Acme Retail
        periods:
          - {id: 2026, start: 2026-01-01, end: 2026-12-31}
          - {id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}
        chat:
          handles:
            Dana.Cho@acme.example: "@dana"
            raj@acme.example: "<@U024BE7LH>"
    """,
    "metrics/lcp.yaml": "name: Checkout LCP\nunit: s\ndirection: lower\n",
    "okrs/2026-Q4/ecommerce.yaml": """
        objectives:
          - id: grow-basket
            title: Shoppers find more to love in every basket
            owner: dana.cho@acme.example
            aligns_to: 2026:company/raise-aov
            key_results:
              - id: aov-online
                title: Raise online AOV from 58 to 64 USD
                owner: [dana.cho@acme.example, raj@acme.example]
                unit: USD
                start: 58
                target: 64
              - id: basket
                title: Three items a basket
                unit: count
                start: 2
                target: 3
              - id: lcp
                title: Keep checkout LCP under 2.5 s
                owner: lee@acme.example
                metric: lcp
                type: stay_below
                target: 2.5
          - id: tiktok
            title: Sell on TikTok Shop
            owner: raj@acme.example
            status: dropped
            reason: Holiday campaign first
            key_results:
              - {id: live, title: Shop live, type: done}
    """,
    "checkins/2026-Q4/ecommerce.yaml": """
        - {"kr": "grow-basket/aov-online", "date": "2026-11-01", "value": 60}
    """,
    "readings/lcp.yaml": """
        - {"date": "2026-11-19", "value": 2.3}
    """,
}
Q4 = "2026-Q4:ecommerce/grow-basket"


def owed(root: Path, **given: object) -> remind.Digest:
    ws = load(root)
    chosen = filters.resolve(ws, Filters(**given))  # type: ignore[arg-type]
    result = report.build(ws, AS_OF, chosen)
    assert ws.config is not None
    return remind.digest(result, ws.config)


def test_each_owner_owes_their_stale_key_results(make_ws: WriteFiles) -> None:
    found = owed(make_ws(OWING))
    assert found.stale_after_days == 14
    assert found.key_results == 2
    assert [(r.owner, r.handle, [o.ref for o in r.owed]) for r in found.reminders] == [
        ("dana.cho@acme.example", "@dana", [f"{Q4}/aov-online", f"{Q4}/basket"]),
        ("raj@acme.example", "<@U024BE7LH>", [f"{Q4}/aov-online"]),
    ]
    first = found.reminders[0].owed
    assert (first[0].detail, first[0].last_update) == ("no update for 19 days", "2026-11-01")
    assert (first[1].detail, first[1].last_update) == ("never updated", None)


def test_the_owner_filter_reminds_only_whom_it_names(make_ws: WriteFiles) -> None:
    found = owed(make_ws(OWING), owner="raj")
    assert [(r.owner, len(r.owed)) for r in found.reminders] == [("raj@acme.example", 1)]


def test_a_key_result_nobody_owns_is_listed_last_under_no_one(make_ws: WriteFiles) -> None:
    files = dict(OWING)
    files["okrs/2026-Q4/ecommerce.yaml"] = OWING["okrs/2026-Q4/ecommerce.yaml"].replace(
        "            owner: dana.cho@acme.example\n", ""
    )
    found = owed(make_ws(files))
    assert [(r.owner, [o.ref for o in r.owed]) for r in found.reminders] == [
        ("dana.cho@acme.example", [f"{Q4}/aov-online"]),
        ("raj@acme.example", [f"{Q4}/aov-online"]),
        (None, [f"{Q4}/basket"]),
    ]


def test_nothing_owed_when_every_key_result_is_fresh(make_ws: WriteFiles) -> None:
    files = {
        **OWING,
        "checkins/2026-Q4/ecommerce.yaml": """
            - {"kr": "grow-basket/aov-online", "date": "2026-11-18", "value": 60}
            - {"kr": "grow-basket/basket", "date": "2026-11-18", "value": 2.5}
        """,
    }
    found = owed(make_ws(files))
    assert found.reminders == ()
    assert found.key_results == 0


@pytest.mark.parametrize(
    ("handle", "message"),
    [
        ('"<!channel>"', "a chat handle is @name"),
        ('"@here"', "@here mentions everyone, not one person"),
        ('"@Channel"', "@Channel mentions everyone, not one person"),
        ('"<@U123|x> <!everyone>"', "a chat handle is @name"),
        ('"@dana\\u200bx"', "a chat handle is @name"),
        ('"[dana](https://evil.example)"', "a chat handle is @name"),
        ("42", "a chat handle is @name"),
    ],
)
def test_a_handle_that_is_not_one_person_is_refused(
    make_ws: WriteFiles, handle: str, message: str
) -> None:
    config = OWING["cxokr.yaml"].replace('"<@U024BE7LH>"', handle)
    ws = load(make_ws({**OWING, "cxokr.yaml": config}))
    assert ws.config is None
    found = [p.message for p in ws.problems if p.path == "cxokr.yaml"]
    assert any(f"chat.handles.raj@acme.example: {message}" in m for m in found), found
