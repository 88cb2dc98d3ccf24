"""The report's filters checked against a workspace: the owner rule, and "did you mean"."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cxokr.compute import filters, report
from cxokr.compute.report import Filters
from cxokr.errors import UsageError
from cxokr.load.workspace import load
from tests.conftest import WriteFiles

AS_OF = date(2026, 11, 20)

OWNERS = [
    "dana.cho@northwind.example",
    "dana.kim@northwind.example",
    "raj.patel@northwind.example",
    "Lee Wong",
    "sam",
]


@pytest.mark.parametrize(
    ("typed", "names"),
    [
        # 1. the owner as written, any case
        ("dana.cho@northwind.example", ["dana.cho@northwind.example"]),
        ("Raj.Patel@Northwind.Example", ["raj.patel@northwind.example"]),
        ("lee wong", ["Lee Wong"]),
        ("SAM", ["sam"]),
        # 2. the same words as a name or an address's local part
        ("dana.cho", ["dana.cho@northwind.example"]),
        ("Dana Cho", ["dana.cho@northwind.example"]),
        ("dana_cho", ["dana.cho@northwind.example"]),
        ("lee.wong", ["Lee Wong"]),
        # 3. the first word, unique or not: two people are the caller's to refuse
        ("raj", ["raj.patel@northwind.example"]),
        ("Lee", ["Lee Wong"]),
        ("dana", ["dana.cho@northwind.example", "dana.kim@northwind.example"]),
        # never a prefix, a last word, or another domain's address
        ("dan", []),
        ("patel", []),
        ("raj.patel@elsewhere.example", []),
        ("raj.p", []),
        ("", []),
        ("  .  ", []),
    ],
)
def test_owner_matching_table(typed: str, names: list[str]) -> None:
    assert list(filters.match_owner(typed, OWNERS)) == names


def test_an_exact_owner_wins_over_a_first_word() -> None:
    # `sam` is an owner as written; sam.ng@… is only found by its first word
    assert filters.match_owner("sam", ["sam.ng@acme.example", "sam"]) == ("sam",)


def test_words_split_names_and_local_parts() -> None:
    assert filters.words("Dana.Cho+okr@Northwind.example") == ("dana", "cho", "okr")
    assert filters.words("  Lee   Wong ") == ("lee", "wong")


OWNED = {
    "okrs/2026-Q4/ecommerce.yaml": """
        objectives:
          - id: grow-basket
            title: Shoppers find more to love in every basket
            owner: dana.cho@acme.example
            aligns_to: 2026:company/raise-aov
            key_results:
              - id: aov-online
                title: Raise online AOV from 58 to 64 USD
                owner: [Raj.Patel@acme.example, dana.kim@acme.example]
                metric: aov
                segment: online
                start: 58
                target: 64
    """,
}


def resolved(root: Path, **given: object) -> Filters:
    return filters.resolve(load(root), Filters(**given))  # type: ignore[arg-type]


def test_resolve_names_the_owners_as_written(make_ws: WriteFiles) -> None:
    root = make_ws(OWNED)
    assert resolved(root, owner="raj").owners == ("Raj.Patel@acme.example",)
    assert resolved(root, owner="DANA.CHO").owners == ("dana.cho@acme.example",)


def test_an_ambiguous_owner_lists_the_candidates(make_ws: WriteFiles) -> None:
    with pytest.raises(UsageError) as caught:
        resolved(make_ws(OWNED), owner="dana")
    assert str(caught.value) == (
        "--owner 'dana' names 2 owners: dana.cho@acme.example, dana.kim@acme.example; "
        "pass the whole address or name of one"
    )


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (
            {"team": "ecomerce"},
            "no team 'ecomerce' in the workspace; did you mean 'ecommerce'?",
        ),
        (
            {"team": "marketing"},
            "no team 'marketing' in the workspace (teams: company, ecommerce)",
        ),
        ({"team": "raj"}, "no team 'raj' in the workspace; did you mean --owner raj?"),
        (
            {"owner": "dan"},
            "no owner 'dan' in the OKR files; did you mean 'dana.cho@acme.example'?",
        ),
        (
            {"owner": "zed"},
            "no owner 'zed' in the OKR files; --owner takes an owner's address or name, the "
            "local part of an address, or its first word (dana for dana.cho@acme.example)",
        ),
        (
            {"owner": "ecommerce"},
            "no owner 'ecommerce' in the OKR files; did you mean --team ecommerce?",
        ),
    ],
)
def test_a_filter_that_names_nothing_is_a_usage_error(
    make_ws: WriteFiles, given: dict[str, object], message: str
) -> None:
    with pytest.raises(UsageError) as caught:
        resolved(make_ws(OWNED), **given)
    assert str(caught.value) == message


def test_a_team_is_named_by_its_id_or_name_in_any_case(make_ws: WriteFiles) -> None:
    root = make_ws(OWNED)
    assert resolved(root, team="ECOMMERCE").team == "ecommerce"
    assert resolved(root, team="e-commerce").team == "ecommerce"
    with pytest.raises(UsageError, match=r"did you mean 'ecommerce'\?$"):
        resolved(root, team="E-comerce")


def test_a_level_no_team_reaches_is_a_usage_error(make_ws: WriteFiles) -> None:
    root = make_ws({"teams/company.yaml": "name: Executive team\nlevel: 2\n"})
    assert resolved(root, level=2).level == 2
    with pytest.raises(UsageError) as caught:
        resolved(root, level=1)
    assert str(caught.value) == (
        "no team at level 1 or above (levels present: 2, 3); did you mean --level 2?"
    )


def test_the_report_chooses_by_the_resolved_owners(make_ws: WriteFiles) -> None:
    root = make_ws(OWNED)
    ws = load(root)
    chosen = report.build(ws, AS_OF, filters.resolve(ws, Filters(owner="raj")))
    assert [o.ref for o in chosen.objectives if not o.context] == ["2026-Q4:ecommerce/grow-basket"]
    assert chosen.filters.applied() == [("owner", "Raj.Patel@acme.example")]
    assert chosen.filters.empty is None
    # Unresolved (a caller of the core that skipped `resolve`): the same rule.
    plain = report.build(ws, AS_OF, Filters(owner="Raj Patel"))
    assert [o.ref for o in plain.objectives if not o.context] == ["2026-Q4:ecommerce/grow-basket"]


def test_a_real_team_with_nothing_in_the_period_is_said_not_refused(make_ws: WriteFiles) -> None:
    root = make_ws(
        {
            "cxokr.yaml": """
                organization: Acme Retail
                periods:
                  - {id: 2026, start: 2026-01-01, end: 2026-12-31}
                  - {id: 2026-Q3, start: 2026-07-01, end: 2026-09-30}
                  - {id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}
            """
        }
    )
    ws = load(root)
    empty = report.build(
        ws, AS_OF, filters.resolve(ws, Filters(period="2026-Q3", team="ecommerce"))
    )
    assert empty.objectives == ()
    assert empty.filters.empty == "no objectives in 2026-Q3"
    assert empty.filters.said_empty() == "no objectives in 2026-Q3 match team ecommerce"
    # Without filters an empty period is no filter's doing.
    assert report.build(ws, AS_OF, Filters(period="2026-Q3")).filters.empty is None
