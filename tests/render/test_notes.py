"""The words beside the numbers: notes, reasons, retros and the key result forms' figures,
on the hand-computed workspace of every form (`FORMS`, as of 2026-11-20)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cxokr.compute import report
from cxokr.compute.report_data import ItemRow, KrRow
from cxokr.load.workspace import load
from cxokr.render import markdown, notes, text
from tests.compute.test_kr_rows import FORMS, MARKETING
from tests.compute.test_report import AS_OF, Q4
from tests.conftest import write_files

SEASON = f"{Q4}marketing/launch-season"


@pytest.fixture
def forms(tmp_path: Path) -> report.Report:
    return report.build(load(write_files(tmp_path / "ws", FORMS)), AS_OF)


def kr(built: report.Report, ref: str) -> KrRow:
    return next(k for k in built.objective(ref.rsplit("/", 1)[0]).key_results if k.ref == ref)


def shown(found: list[notes.Note]) -> list[str]:
    return [str(note) for note in found]


def test_a_key_result_dropped_alone_gives_its_reason(forms: report.Report) -> None:
    tiktok = kr(forms, f"{SEASON}/tiktok")
    assert shown(notes.kr_notes(tiktok, forms.objective(SEASON))) == [
        "dropped: Holiday campaign first"
    ]
    assert notes.kr_notes(tiktok)[0].kind == "reason"


def test_a_key_result_gives_its_latest_check_in_note_with_its_date(
    forms: report.Report,
) -> None:
    handbook = kr(forms, f"{SEASON}/handbook")
    found = notes.kr_notes(handbook, forms.objective(SEASON))
    assert shown(found) == ["note 2026-11-10: Migration reopened"]
    assert found[0].kind == "note"


def test_a_dropped_objectives_reason_is_said_once_by_the_objective(
    forms: report.Report,
) -> None:
    old = forms.objective(f"{Q4}marketing/old-site")
    assert shown(notes.objective_notes(old)) == ["dropped: Replatforming first"]
    # its key result carries the same reason: not repeated under it
    assert notes.kr_notes(old.key_results[0], old) == []
    assert shown(notes.kr_notes(old.key_results[0])) == ["dropped: Replatforming first"]


def test_an_objective_gives_its_retro_beside_its_own_grade(tmp_path: Path) -> None:
    graded = MARKETING.replace(
        "        reason: Replatforming first\n",
        "        reason: Replatforming first\n"
        "        grade: 0.3\n"
        "        retro: |\n"
        "          Two teams wanted the same engineers.\n"
        "          We chose the season.\n",
    )
    files = {**FORMS, "okrs/2026-Q4/marketing.yaml": graded}
    built = report.build(load(write_files(tmp_path / "ws", files)), AS_OF)
    old = built.objective(f"{Q4}marketing/old-site")
    assert shown(notes.objective_notes(old)) == [
        "dropped: Replatforming first",
        "retro (grade 0.30): Two teams wanted the same engineers. We chose the season.",
    ]


def test_one_line_puts_a_note_on_one_line() -> None:
    assert notes.one_line("Two lines\r\nand  a\ttab ") == "Two lines and a tab"
    # what is not white space stays, for the renderer to escape
    assert notes.one_line("\x1b[2J\u202eevil") == "\x1b[2J\u202eevil"


def test_a_checklist_and_a_score_are_counted_not_moved(forms: report.Report) -> None:
    assert notes.counted(kr(forms, f"{SEASON}/handbook"), markdown.number) == "2 of 4 items"
    assert notes.counted(kr(forms, f"{SEASON}/heard"), markdown.number) == "score 0.60"
    assert notes.counted(kr(forms, f"{SEASON}/subscribers"), markdown.number) is None
    assert notes.score(None) == "score –"


def test_a_relative_target_is_shown_both_ways(forms: report.Report) -> None:
    assert notes.target(kr(forms, f"{SEASON}/aov-plus"), markdown.number) == "+10% → 61.6"
    assert notes.target(kr(forms, f"{SEASON}/aov-first"), text.number, "->") == "+5 -> 63.5"
    # an absolute target is only its value
    assert notes.target(kr(forms, f"{SEASON}/subscribers"), text.number) == "4,000"


def test_a_relative_target_says_it_waits_for_its_start(tmp_path: Path) -> None:
    early = report.build(load(write_files(tmp_path / "ws", FORMS)), date(2026, 10, 20))
    assert notes.target(kr(early, f"{SEASON}/nps-up"), markdown.number) == "+10% → –"


def test_a_share_names_the_key_result_and_team_it_shows(forms: report.Report) -> None:
    share = kr(forms, f"{SEASON}/bundles-share")
    assert notes.shares(share) == "shares ecommerce/grow-basket/bundles-live"
    assert notes.shares(kr(forms, f"{SEASON}/handbook")) is None


def test_a_schedule_lists_its_steps(forms: report.Report) -> None:
    subscribers = kr(forms, f"{SEASON}/subscribers")
    assert notes.steps(subscribers, text.number) == "steps 1,500 by 2026-10-31, 2,500 by 2026-11-30"
    assert notes.steps(kr(forms, f"{SEASON}/handbook"), text.number) is None


@pytest.mark.parametrize(
    ("item", "facts", "mark"),
    [
        (ItemRow("a", "A", 1, date(2026, 10, 15), date(2026, 10, 14)), "done 2026-10-14", "[x]"),
        (ItemRow("b", "B", 2, date(2026, 11, 30), None), "due 2026-11-30, weight 2", "[ ]"),
        (ItemRow("c", "C", 1, date(2026, 11, 20), None), "due 2026-11-20", "[ ]"),
        (
            ItemRow("d", "D", 0.5, date(2026, 11, 19), None),
            "overdue, due 2026-11-19, weight 0.5",
            "[ ]",
        ),
    ],
)
def test_an_item_says_when_it_was_done_or_is_due(item: ItemRow, facts: str, mark: str) -> None:
    assert notes.item_facts(item, AS_OF) == facts
    assert notes.item_mark(item) == mark
