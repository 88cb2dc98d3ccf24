"""What a reference that does not resolve suggests: close IDs, a period's dates, a command."""

from __future__ import annotations

from datetime import date

import pytest

from cxokr.load import workspace
from cxokr.problems import did_you_mean
from cxokr.rules.lookups import declare_period, kr_hint, period_dates
from tests.conftest import WriteFiles


def test_did_you_mean_names_the_closest_id() -> None:
    assert did_you_mean("ecomerce", ["company", "ecommerce", "stores"]) == (
        " (did you mean 'ecommerce'?)"
    )


def test_did_you_mean_names_at_most_three_best_first() -> None:
    known = ["aov-web", "aov-app", "aov-shop", "aov-mail", "nps"]
    assert did_you_mean("aov-wep", known) == (" (did you mean 'aov-web', 'aov-app' or 'aov-shop'?)")


def test_did_you_mean_is_empty_when_nothing_is_close() -> None:
    assert did_you_mean("happy", ["raise-aov", "grow-basket"]) == ""
    assert did_you_mean("happy", []) == ""


def test_did_you_mean_prefers_the_same_id_in_another_case() -> None:
    assert did_you_mean("2026-q4", ["2026-Q3", "2026-Q4", "2026"]) == " (did you mean '2026-Q4'?)"


def test_did_you_mean_shows_each_name_within_its_parent() -> None:
    assert did_you_mean("aov-onlin", ["aov-online"], "grow-basket/") == (
        " (did you mean 'grow-basket/aov-online'?)"
    )


def test_a_checkin_ref_is_matched_among_its_objective_key_results() -> None:
    krs = ["grow-basket/aov-online", "grow-basket/x", "grow-basket/y"]
    assert kr_hint("grow-basket/aov-onlin", krs) == " (did you mean 'grow-basket/aov-online'?)"
    assert kr_hint("grow-baskt/aov-online", krs) == " (did you mean 'grow-basket/aov-online'?)"


@pytest.mark.parametrize(
    ("period", "first", "last"),
    [
        ("2027", date(2027, 1, 1), date(2027, 12, 31)),
        ("2027-Q1", date(2027, 1, 1), date(2027, 3, 31)),
        ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
        ("2027-H2", date(2027, 7, 1), date(2027, 12, 31)),
        ("2028-02", date(2028, 2, 1), date(2028, 2, 29)),
    ],
)
def test_period_dates_from_the_forms_of_an_id(period: str, first: date, last: date) -> None:
    assert period_dates(period) == (first, last)


@pytest.mark.parametrize("period", ["sprint-1", "2027-Q5", "2027-13", "0000", "2027q1"])
def test_period_dates_of_other_ids_are_unknown(period: str) -> None:
    assert period_dates(period) is None


def test_declare_period_gives_the_command_with_dates_or_placeholders(make_ws: WriteFiles) -> None:
    ws = workspace.load(make_ws())
    assert declare_period(ws, "2027-Q1") == (
        "; declare it: cxokr period add 2027-Q1 --start 2027-01-01 --end 2027-03-31"
    )
    assert declare_period(ws, "2026-Q5") == (
        " (did you mean '2026-Q4' or '2026'?); declare it: cxokr period add 2026-Q5 "
        "--start YYYY-MM-DD --end YYYY-MM-DD"
    )
    assert declare_period(ws, "2026-q4") == " (did you mean '2026-Q4'?)"
    assert declare_period(ws, "my period") == ""
