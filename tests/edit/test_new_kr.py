"""Reading the fields of a new key result from what a script or a person types."""

from __future__ import annotations

from datetime import date

import pytest

from cxokr.edit import new_kr
from cxokr.errors import UsageError
from cxokr.model import KrType


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("58", 58.0),
        ("58.5", 58.5),
        ("first", "first"),
        ("2025-12-31", {"reading": date(2025, 12, 31)}),
        ("reading:2025-12-31", {"reading": date(2025, 12, 31)}),
    ],
)
def test_a_start_is_a_number_first_or_a_reading_s_date(text: str, value: object) -> None:
    assert new_kr.start(text) == value


@pytest.mark.parametrize(("text", "value"), [("64", 64.0), ("+10%", "+10%"), ("-15.5%", "-15.5%")])
def test_a_target_is_a_number_or_a_change_in_percent(text: str, value: object) -> None:
    assert new_kr.target(text) == value


@pytest.mark.parametrize(
    ("read", "text", "message"),
    [
        (
            new_kr.start,
            "soon",
            "start 'soon' is not a number, 'first' or a date (the metric's reading on it)",
        ),
        (
            new_kr.target,
            "10%",
            "target '10%' is not a number, or a change from the start such as +10%",
        ),
        (
            new_kr.kr_type,
            "milestone",
            "type 'milestone' is not one of target, stay_above, stay_below, done, checklist, score",
        ),
        (new_kr.progress_from, "all", "progress 'all' is not one of key_results, aligned, both"),
        (
            lambda t: new_kr.day(t, "due"),
            "31/12/2026",
            "due '31/12/2026' is not a date; write YYYY-MM-DD",
        ),
        (lambda t: new_kr.number(t, "weight"), "heavy", "weight 'heavy' is not a number"),
    ],
)
def test_a_bad_answer_says_what_to_write(read: object, text: str, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        read(text)  # type: ignore[operator]
    assert str(caught.value) == message


def test_a_schedule_is_date_value_steps() -> None:
    assert new_kr.schedule(["2026-10-31=1500", "2026-11-30=2500"]) == {
        date(2026, 10, 31): 1500.0,
        date(2026, 11, 30): 2500.0,
    }
    assert new_kr.schedule([]) is None
    with pytest.raises(UsageError, match="schedule step '2026-10-31' is not DATE=VALUE"):
        new_kr.schedule(["2026-10-31"])


def test_an_item_is_id_equals_title_with_due_and_weight_if_wanted() -> None:
    assert new_kr.item("migrate=Move 40 pages|due=2026-11-30|weight=2") == {
        "id": "migrate",
        "title": "Move 40 pages",
        "due": date(2026, 11, 30),
        "weight": 2.0,
    }
    assert new_kr.item("outline = Outline: agreed") == {"id": "outline", "title": "Outline: agreed"}
    with pytest.raises(UsageError, match="item 'Outline' is not ID=Title"):
        new_kr.item("Outline")
    with pytest.raises(UsageError, match="item option 'owner=dana' is not due=DATE or weight=N"):
        new_kr.item("a=A|owner=dana")


def test_one_owner_is_written_as_one_several_as_a_list() -> None:
    assert new_kr.one_or_list(["dana"]) == "dana"
    assert new_kr.one_or_list(["dana", "raj"]) == ["dana", "raj"]
    assert new_kr.one_or_list([]) is None


def test_a_key_result_s_fields_come_in_the_order_people_write_them() -> None:
    data = new_kr.key_result(
        {
            "owner": "dana",
            "target": 64.0,
            "title": "T",
            "id": "k",
            "type": KrType.TARGET,
            "weight": 1.0,
            "metric": "aov",
            "items": [],
        }
    )
    assert list(data.items()) == [
        ("id", "k"),
        ("title", "T"),
        ("metric", "aov"),
        ("target", 64.0),
        ("owner", "dana"),
    ]
