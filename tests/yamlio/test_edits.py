"""Located edits: the node tree finds where new text goes, and every other byte is kept."""

from __future__ import annotations

from textwrap import dedent

import pytest

from cxokr import yamlio
from cxokr.yamlio import edits
from cxokr.yamlio.edits import ScalarNode, SequenceNode

TEXT = dedent(
    """\
    # the organization
    organization: Acme   # trailing comment
    periods:
      - id: "2026"
        start: 2026-01-01
        end: 2026-12-31

      # a comment that belongs to what follows
    levels: {1: executive}
    """
)


def test_a_mapping_is_editable_and_anything_else_is_not() -> None:
    assert edits.editable(TEXT) is not None
    assert edits.editable("- a\n- b\n") is None
    assert edits.editable("just text\n") is None


def test_value_finds_a_key_s_node() -> None:
    doc = edits.editable(TEXT)
    assert doc is not None
    organization = doc.value("organization")
    assert isinstance(organization, ScalarNode) and organization.value == "Acme"
    assert isinstance(doc.value("periods"), SequenceNode)
    assert doc.value("missing") is None


def test_last_line_ends_before_the_comments_that_follow() -> None:
    doc = edits.editable(TEXT)
    assert doc is not None
    periods = doc.value("periods")
    assert periods is not None
    assert edits.last_line(periods) == 5  # `end: 2026-12-31`, 0-based
    changed = doc.insert_lines(edits.last_line(periods), ['  - {id: "2027", start: x, end: y}'])
    lines = changed.splitlines()
    assert lines[6] == '  - {id: "2027", start: x, end: y}'
    assert lines[7:] == TEXT.splitlines()[6:]  # the blank line and the comment stay below
    assert changed.replace(lines[6] + "\n", "", 1) == TEXT


def test_an_insert_at_a_mark_keeps_every_other_byte() -> None:
    doc = edits.editable(TEXT)
    assert doc is not None
    levels = doc.value("levels")
    assert levels is not None
    at = doc.offset(levels.value[-1][1].end_mark)
    changed = doc.insert_at(at, ", 2: lead")
    assert "levels: {1: executive, 2: lead}\n" in changed
    assert changed.replace(", 2: lead", "", 1) == TEXT
    assert yamlio.load_document(changed.encode()).issues == []


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_new_lines_take_the_file_s_line_ending_and_follow_a_last_line_without_one(
    newline: str,
) -> None:
    text = f"organization: Acme{newline}periods: []"  # no final line break
    doc = edits.editable(text)
    assert doc is not None and doc.newline == newline
    changed = doc.insert_lines(len(doc.starts), ["levels: {1: executive}"])
    assert changed == f"{text}{newline}levels: {{1: executive}}{newline}"
