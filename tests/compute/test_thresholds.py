"""Thresholds compare figures as reports show them: pace and grades to two decimals.

A report that prints "pace 0.90" beside "at risk", or "0.40 red" under its own
legend "0.4–0.7 yellow", loses the reader's trust; the figures here are where the
digits beyond the second decide (hand-computed in the comments).
"""

from __future__ import annotations

from datetime import date

import pytest

from cxokr.compute import explain, report
from cxokr.compute.progress import Status
from cxokr.load import workspace
from tests.conftest import WriteFiles

DAY_21 = date(2026, 10, 21)  # day 21 of 92 of 2026-Q4: expected 21 / 92

PAGES = {
    "okrs/2026-Q4/ecommerce.yaml": """
        objectives:
          - id: grow-basket
            title: Shoppers find more to love in every basket
            key_results:
              - id: pages
                title: 92 new category pages
                unit: count
                start: 0
                target: 92
    """,
    # progress 18.82 / 92; pace (18.82 / 92) / (21 / 92) = 18.82 / 21 = 0.89619..., shown 0.90
    "checkins/2026-Q4/ecommerce.yaml": """
        - {"kr": "grow-basket/pages", "date": "2026-10-21", "value": 18.82}
    """,
}


def test_a_pace_shown_as_0_90_is_on_track(make_ws: WriteFiles) -> None:
    ws = workspace.load(make_ws(PAGES))
    (kr,) = report.build(ws, DAY_21).objective("2026-Q4:ecommerce/grow-basket").key_results
    assert kr.pace == pytest.approx(18.82 / 21, abs=1e-9)
    assert kr.pace < 0.9
    assert f"{kr.pace:.2f}" == "0.90"
    assert kr.status is Status.ON_TRACK


def test_explain_says_the_pace_as_shown_decided(make_ws: WriteFiles) -> None:
    ws = workspace.load(make_ws(PAGES))
    lines = list(explain.explain(ws, "ecommerce/grow-basket/pages", DAY_21))
    assert "  status    on track: pace 0.8962 (0.90 as shown) ≥ on_track 0.9" in lines
