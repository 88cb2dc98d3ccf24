"""New objectives and key results: located inserts that keep every other byte, and refusals."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cxokr.edit import new_kr, new_okr
from cxokr.errors import CxokrError, UsageError
from cxokr.load import workspace
from cxokr.rules import checks
from tests.conftest import WriteFiles

TODAY = date(2026, 11, 20)
SHOP = "okrs/2026-Q4/ecommerce.yaml"

COMMENTED = """\
# yaml-language-server: $schema=../../schemas/okrs.schema.json
# E-commerce, Q4: reviewed every Monday.
objectives:
  - id: grow-basket   # the big one
    title: Shoppers find more to love in every basket
    aligns_to: 2026:company/raise-aov
    key_results:
      # Online first
      - id: aov-online
        title: Raise online AOV from 58 to 64 USD
        metric: aov
        segment: online
        start: 58
        target: 64   # agreed with finance

  # Second objective, no key results yet
  - id: smooth-checkout
    title: Checkout that does not lose people
    aligns_to: 2026:company/raise-aov

# end of file
"""


def place(root: Path, team: str = "ecommerce", period: str = "2026-Q4") -> new_okr.Place:
    return new_okr.place(workspace.load(root), period, team, TODAY)


def inserted(old: str, new: str) -> str:
    """The text inserted into `old` to make `new`, asserting nothing else changed."""
    same = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), len(old))
    middle = new[same : same + len(new) - len(old)]
    assert new == old[:same] + middle + old[same:]
    return middle


def clean(root: Path) -> bool:
    return not checks.check_workspace(workspace.load(root)).failed()


def kr(**fields: Any) -> dict[str, Any]:
    return new_kr.key_result({"id": "new-kr", "title": "A new key result", **fields})


# --- objectives --------------------------------------------------------------------------------


def test_an_objective_goes_after_the_last_one_keeping_every_comment(make_ws: WriteFiles) -> None:
    root = make_ws({SHOP: COMMENTED})
    added = new_okr.new_objective(
        place(root), {"id": "loyal", "title": "Shoppers come back", "owner": "dana"}
    )
    new = (root / SHOP).read_text(encoding="utf-8")
    assert inserted(COMMENTED, new) == (
        "  - id: loyal\n    title: Shoppers come back\n    owner: dana\n"
    )
    assert new.splitlines()[added.line - 1] == "  - id: loyal"
    assert (added.ref, added.line) == ("ecommerce/loyal", 20)
    assert added.message == "new: objective ecommerce/loyal in 2026-Q4: Shoppers come back"
    assert clean(root)


def test_a_first_objective_makes_the_file(make_ws: WriteFiles) -> None:
    root = make_ws()
    added = new_okr.new_objective(
        place(root, "ecommerce", "2026"),
        {"id": "grow", "title": "Grow", "aligns_to": "company/raise-aov"},
    )
    assert (root / "okrs/2026/ecommerce.yaml").read_text(encoding="utf-8") == (
        "# yaml-language-server: $schema=../../schemas/okrs.schema.json\n"
        "objectives:\n  - id: grow\n    title: Grow\n    aligns_to: company/raise-aov\n"
    )
    assert (added.ref, added.line) == ("2026:ecommerce/grow", 3)
    assert clean(root)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("# nothing yet\n", "# nothing yet\nobjectives:\n  - id: grow\n    title: Grow\n"),
        ("# no line end", "# no line end\nobjectives:\n  - id: grow\n    title: Grow\n"),
        ("", "objectives:\n  - id: grow\n    title: Grow\n"),
        ("objectives: []  # none\n", "objectives:  # none\n  - id: grow\n    title: Grow\n"),
        (
            "objectives:\n- id: old\n  title: Old\n",
            "objectives:\n- id: old\n  title: Old\n- id: grow\n  title: Grow\n",
        ),
        (
            "objectives: [{id: old, title: Old}]\n",
            "objectives: [{id: old, title: Old}, {id: grow, title: Grow}]\n",
        ),
        ("objectives:\r\n  - id: old\r\n    title: Old\r\n", None),
    ],
)
def test_an_objective_joins_its_list_in_the_list_s_style(
    make_ws: WriteFiles, before: str, after: str | None
) -> None:
    root = make_ws({SHOP: before.encode()})
    new_okr.new_objective(place(root), {"id": "grow", "title": "Grow"})
    text = (root / SHOP).read_bytes().decode()
    expected = after or before + "  - id: grow\r\n    title: Grow\r\n"
    assert text == expected


# --- key results -------------------------------------------------------------------------------


def test_a_key_result_goes_after_the_last_one_of_its_objective(make_ws: WriteFiles) -> None:
    root = make_ws({SHOP: COMMENTED})
    data = kr(metric="aov", segment="in-store", start=50.0, target="+10%", owner=["dana", "raj"])
    added = new_okr.new_key_result(place(root), "grow-basket", data)
    new = (root / SHOP).read_text(encoding="utf-8")
    assert inserted(COMMENTED, new) == (
        "      - id: new-kr\n"
        "        title: A new key result\n"
        "        metric: aov\n"
        "        segment: in-store\n"
        "        start: 50\n"
        '        target: "+10%"\n'
        "        owner: [dana, raj]\n"
    )
    assert (added.ref, added.line) == ("ecommerce/grow-basket/new-kr", 15)
    assert clean(root)


def test_a_first_key_result_adds_the_list_after_the_objective(make_ws: WriteFiles) -> None:
    root = make_ws({SHOP: COMMENTED})
    new_okr.new_key_result(place(root), "smooth-checkout", kr(type="done", due=date(2026, 12, 1)))
    new = (root / SHOP).read_text(encoding="utf-8")
    assert inserted(COMMENTED, new) == (
        "    key_results:\n"
        "      - id: new-kr\n"
        "        title: A new key result\n"
        "        type: done\n"
        "        due: 2026-12-01\n"
    )
    assert clean(root)


FORMS = {
    "target": {"metric": "aov", "segment": "online", "start": 58.0, "target": 64.0},
    "first": {"metric": "aov", "segment": "online", "start": "first", "target": "+10%"},
    "reading": {
        "metric": "aov",
        "segment": "online",
        "start": {"reading": date(2026, 9, 30)},
        "target": "+10%",
    },
    "change": {"metric": "aov", "segment": "online", "start": 58.0, "change": 2.5},
    "own-unit": {"unit": "count", "start": 0.0, "target": 3.0, "weight": 2.0},
    "guardrail": {"metric": "aov", "segment": "online", "type": "stay_above", "target": 50.0},
    "below": {"unit": "s", "type": "stay_below", "target": 2.5},
    "milestone": {"type": "done", "due": date(2026, 11, 30)},
    "checklist": {"type": "checklist", "items": [new_kr.item("a=Part A|due=2026-11-01|weight=2")]},
    "score": {"type": "score", "owner": "dana"},
    "schedule": {
        "unit": "count",
        "start": 1000.0,
        "target": 4000.0,
        "schedule": {date(2026, 10, 31): 1500.0, date(2026, 11, 30): 2500.0},
    },
    "shares": {"shares": "2026:company/raise-aov/aov"},
    "aligned": {
        "unit": "count",
        "start": 0.0,
        "target": 5.0,
        "aligns_to": "2026:company/raise-aov",
    },
}


@pytest.mark.parametrize("form", list(FORMS))
def test_every_form_of_key_result_is_written_and_checks_clean(
    make_ws: WriteFiles, form: str
) -> None:
    root = make_ws(
        {"readings/aov.yaml": '- {"date": "2026-09-30", "value": 57, "segment": "online"}\n'}
    )
    before = (root / SHOP).read_text(encoding="utf-8")
    new_okr.new_key_result(place(root), "grow-basket", kr(**FORMS[form]))
    middle = inserted(before, (root / SHOP).read_text(encoding="utf-8"))
    assert middle.startswith("      - id: new-kr\n        title: A new key result\n")
    got = workspace.load(root).okrs[("2026-Q4", "ecommerce")].objectives[0].key_results[-1]
    assert got.id == "new-kr"
    assert clean(root)


# --- refusals ----------------------------------------------------------------------------------


def refused(root: Path, write: Any) -> str:
    before = {p: p.read_bytes() for p in root.rglob("*.yaml")}
    with pytest.raises(UsageError) as caught:
        write()
    assert {p: p.read_bytes() for p in root.rglob("*.yaml")} == before
    return str(caught.value)


@pytest.mark.parametrize(
    ("period", "team", "message"),
    [
        (
            "2026-Q4",
            "ecomerce",
            "no team 'ecomerce'; did you mean ecommerce? (add one with: cxokr new team ecomerce)",
        ),
        (
            "2026-q4",
            "ecommerce",
            "no period '2026-q4'; did you mean 2026-Q4? (declared: 2026, 2026-Q4; "
            "add one with: cxokr period add 2026-q4)",
        ),
    ],
)
def test_an_unknown_team_or_period_is_refused(
    make_ws: WriteFiles, period: str, team: str, message: str
) -> None:
    root = make_ws()
    assert refused(root, lambda: place(root, team, period)) == message


def test_a_duplicate_or_bad_objective_id_is_refused(make_ws: WriteFiles) -> None:
    root = make_ws()
    where = place(root)
    assert refused(
        root, lambda: new_okr.new_objective(where, {"id": "grow-basket", "title": "X"})
    ) == (
        "ecommerce already has an objective 'grow-basket' in 2026-Q4 (okrs/2026-Q4/ecommerce.yaml)"
    )
    assert refused(
        root,
        lambda: new_okr.new_objective(where, {"id": "Grow Basket", "title": "Grow the basket!"}),
    ) == (
        "objective ID 'Grow Basket' is not a valid ID (lowercase letters, digits and '-', "
        "at most 64); for example grow-the-basket"
    )


def test_a_duplicate_key_result_or_unknown_objective_is_refused(make_ws: WriteFiles) -> None:
    root = make_ws()
    where = place(root)
    dup = kr(id="aov-online", unit="count", start=0.0, target=1.0)
    assert refused(root, lambda: new_okr.new_key_result(where, "grow-basket", dup)) == (
        "ecommerce/grow-basket already has a key result 'aov-online' in 2026-Q4"
    )
    assert refused(root, lambda: new_okr.new_key_result(where, "grow-baskt", kr(type="score"))) == (
        "ecommerce has no objective 'grow-baskt' in 2026-Q4; did you mean grow-basket? "
        "(add one with: cxokr new objective ecommerce/grow-baskt --period 2026-Q4)"
    )


def test_an_unknown_metric_or_segment_is_refused(make_ws: WriteFiles) -> None:
    root = make_ws()
    where = place(root)
    assert (
        refused(
            root, lambda: new_okr.new_key_result(where, "grow-basket", kr(metric="aow", target=5.0))
        )
        == "no metric 'aow'; did you mean aov? (add one with: cxokr new metric aow)"
    )
    assert (
        refused(
            root,
            lambda: new_okr.new_key_result(
                where, "grow-basket", kr(metric="aov", segment="onlin", target=5.0)
            ),
        )
        == "metric aov has no segment 'onlin'; did you mean online? (its segments: online, in-store)"
    )


def test_an_align_target_of_the_year_says_how_to_write_it(make_ws: WriteFiles) -> None:
    root = make_ws()
    where = place(root)
    message = refused(
        root,
        lambda: new_okr.new_objective(
            where, {"id": "x", "title": "X", "aligns_to": "company/raise-aov"}
        ),
    )
    assert message == (
        "cannot align to company/raise-aov: company has no objective 'raise-aov' in 2026-Q4; "
        "it is in 2026: write 2026:company/raise-aov"
    )
    assert refused(root, lambda: new_okr.align_target(where.ws, "2026-Q4", "company")) == (
        "'company' is not a reference: write team/objective, or PERIOD:team/objective for an "
        "objective of another period (e.g. 2026:company/raise-aov)"
    )


def test_what_would_not_check_clean_is_refused_located(make_ws: WriteFiles) -> None:
    root = make_ws()
    where = place(root)
    same = kr(unit="count", start=3.0, target=3.0)
    assert refused(root, lambda: new_okr.new_key_result(where, "grow-basket", same)) == (
        "it would not check clean: okrs/2026-Q4/ecommerce.yaml:15:9: CX313 start and target "
        "are both 3; nothing to move; nothing was written"
    )


def test_a_field_the_model_refuses_is_named(make_ws: WriteFiles) -> None:
    root = make_ws()
    where = place(root)
    bad = kr(unit="count", start=0.0, target=5.0, weight=float("nan"))
    message = refused(root, lambda: new_okr.new_key_result(where, "grow-basket", bad))
    assert message.startswith("the new key result is not valid: weight: ")


def test_a_file_with_problems_is_refused_first(make_ws: WriteFiles) -> None:
    root = make_ws({SHOP: "objectives:\n  - id: x\n"})
    assert refused(root, lambda: place(root)) == (
        "okrs/2026-Q4/ecommerce.yaml has problems; fix them first ('cxokr check' lists them)"
    )


def test_a_link_is_never_written_through(make_ws: WriteFiles, tmp_path: Path) -> None:
    root = make_ws()
    outside = tmp_path / "outside.yaml"
    outside.write_text("objectives: []\n", encoding="utf-8")
    (root / "okrs/2026").mkdir(exist_ok=True)
    (root / "okrs/2026/ecommerce.yaml").symlink_to(outside)
    with pytest.raises(CxokrError, match="link"):
        new_okr.new_objective(place(root, "ecommerce", "2026"), {"id": "x", "title": "X"})
    assert outside.read_text(encoding="utf-8") == "objectives: []\n"


def test_align_choices_name_the_year_s_objectives_as_they_must_be_written(
    make_ws: WriteFiles,
) -> None:
    root = make_ws()
    assert new_okr.align_choices(workspace.load(root), "2026-Q4") == [
        ("ecommerce/grow-basket", "Shoppers find more to love in every basket"),
        ("2026:company/raise-aov", "Raise AOV 10% this year"),
    ]


def test_a_team_s_first_objective_of_a_period_makes_its_folder_too(make_ws: WriteFiles) -> None:
    root = make_ws({"okrs/2026/company.yaml": None})
    assert not (root / "okrs/2026").exists()
    added = new_okr.new_objective(place(root, "company", "2026"), {"id": "grow", "title": "Grow"})
    assert (root / "okrs/2026/company.yaml").is_file()
    assert added.remaining == 1  # ecommerce's objective aligns to one no longer there
    assert (added.ref, added.line) == ("2026:company/grow", 3)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "objectives:\n  - id: o\n    title: O\n    key_results: []   # soon\n",
            "objectives:\n  - id: o\n    title: O\n    key_results:   # soon\n"
            "      - id: k\n        title: K\n        type: score\n",
        ),
        (
            "objectives:\n  - id: o\n    title: O\n    key_results: [{id: a, title: A, type: score}]\n",
            "objectives:\n  - id: o\n    title: O\n    key_results: [{id: a, title: A, type: score}, "
            "{id: k, title: K, type: score}]\n",
        ),
        (
            "objectives:\n- id: o\n  title: O\n  key_results:\n  - id: a\n    title: A\n"
            "    type: score\n# the end\n",
            "objectives:\n- id: o\n  title: O\n  key_results:\n  - id: a\n    title: A\n"
            "    type: score\n  - id: k\n    title: K\n    type: score\n# the end\n",
        ),
        (
            "objectives:\r\n  - id: o\r\n    title: O\r\n",
            "objectives:\r\n  - id: o\r\n    title: O\r\n    key_results:\r\n"
            "      - id: k\r\n        title: K\r\n        type: score\r\n",
        ),
    ],
)
def test_a_key_result_joins_its_list_in_the_list_s_style(
    make_ws: WriteFiles, before: str, after: str
) -> None:
    root = make_ws({SHOP: before.encode(), "checkins/2026-Q4/ecommerce.yaml": None})
    new_okr.new_key_result(place(root), "o", {"id": "k", "title": "K", "type": "score"})
    assert (root / SHOP).read_bytes().decode() == after
    assert clean(root)


def test_a_start_left_out_needs_a_reading_before_the_period(make_ws: WriteFiles) -> None:
    root = make_ws(
        {"readings/aov.yaml": '- {"date": "2026-09-30", "value": 57, "segment": "online"}\n'}
    )
    where = place(root)
    assert new_okr.reading_before(where, "aov", "online") == "aov"
    assert refused(root, lambda: new_okr.reading_before(where, "aov", "in-store")) == (
        "aov (in-store) has no reading before 2026-10-01 to start from; give a start "
        "(a number, 'first', or a date with a reading)"
    )
