"""Lines broken between words and never inside a figure (cxokr/render/wrap.py)."""

from __future__ import annotations

from cxokr.render import wrap
from cxokr.render.wrap import Piece


def texts(lines: list[list[Piece]]) -> list[list[str]]:
    return [[piece.text for piece in line] for line in lines]


def test_phrases_keep_a_number_with_the_word_after_it() -> None:
    found = [p.text for p in wrap.phrases("Keep p95 under 380 s for 3 days, +4 pts or 1.9% more")]
    assert found == [
        "Keep",
        "p95",
        "under",
        "380 s",
        "for",
        "3 days,",
        "+4 pts",
        "or",
        "1.9%",
        "more",
    ]


def test_phrases_join_a_number_to_one_word_that_starts_with_a_letter() -> None:
    found = [p.text for p in wrap.phrases("from 2025 2026 budget, 3 (three) items")]
    assert found == ["from", "2025", "2026 budget,", "3", "(three)", "items"]


def test_phrases_keep_an_arrow_between_its_sides_and_a_status_whole() -> None:
    found = [p.text for p in wrap.phrases("64.1 → 66 USD; 35% on track -> 50% at risk now")]
    assert found == ["64.1 → 66 USD;", "35%", "on track -> 50%", "at risk", "now"]


def test_fill_breaks_between_pieces_within_the_width() -> None:
    pieces = wrap.phrases("one two three four five six")
    assert texts(wrap.fill(pieces, 13)) == [["one", "two", "three"], ["four", "five", "six"]]


def test_fill_counts_the_gap_and_the_hang() -> None:
    a, b = "a" * 10, "b" * 10
    pieces = [Piece(a, gap=""), Piece(b, gap="  "), Piece("cc", gap="  ")]
    # a and b take 22 columns; "cc" after two more would take 26, past 24.
    assert texts(wrap.fill(pieces, 24, hang=4)) == [[a, b], ["cc"]]
    assert wrap.plain(pieces, 24, hang=4) == [f"{a}  {b}", "    cc"]


def test_a_piece_wider_than_the_line_has_a_line_to_itself() -> None:
    pieces = [Piece("a"), Piece("x" * 30), Piece("b")]
    assert texts(wrap.fill(pieces, 10)) == [["a"], ["x" * 30], ["b"]]


def test_a_hang_leaves_room_for_the_text() -> None:
    assert wrap.hang_for(80, 30) == 30
    assert wrap.hang_for(40, 30) == 20  # 20 columns of text at least
    assert wrap.hang_for(15, 30) == 0


def test_fields_break_a_line_of_columns_at_words_under_its_indent() -> None:
    line = '  2026-11-16  ecommerce/grow-basket/aov-online  62, confidence 0.6, "maintainers agree"'
    assert wrap.fields(line, 50) == [
        "  2026-11-16  ecommerce/grow-basket/aov-online",
        '    62, confidence 0.6, "maintainers agree"',
    ]


def test_wide_characters_count_as_two_columns() -> None:
    pieces = wrap.phrases("目標 目標 目標")
    assert texts(wrap.fill(pieces, 9)) == [["目標", "目標"], ["目標"]]
