"""Located edits of cxokr.yaml: adding a period and closing one, every other byte kept."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cxokr.edit import config_edit
from cxokr.errors import CxokrError, UsageError
from cxokr.load import workspace
from cxokr.rules import checks
from tests.conftest import WriteFiles, write_files
from tests.edit.test_periods import END, Q1, Q1_LINE, config_text, dedent


def config_at(tmp_path: Path, text: str | bytes) -> Path:
    write_files(tmp_path, {"cxokr.yaml": text})
    return tmp_path


# --- add_period -------------------------------------------------------------------------

COMMENTED = """
    # yaml-language-server: $schema=schemas/config.schema.json
    organization: Acme Retail   # the legal name
    periods:                # explicit dates
      # The year
      - {id: 2026, start: 2026-01-01, end: 2026-12-31}
      - {id: "2026-Q4", start: 2026-10-01, end: 2026-12-31}  # the quarter

    # Pace thresholds
    status: {on_track: 0.9, at_risk: 0.6}
"""


def test_add_period_inserts_one_line_and_keeps_every_other_byte(tmp_path: Path) -> None:
    root = config_at(tmp_path, COMMENTED)
    old = config_text(root).splitlines(keepends=True)
    assert config_edit.add_period(root, "2027-Q1", *Q1) == root / "cxokr.yaml"
    assert config_text(root).splitlines(keepends=True) == [*old[:6], Q1_LINE, *old[6:]]


def test_add_period_matches_the_indent_of_an_indentless_list(tmp_path: Path) -> None:
    root = config_at(
        tmp_path, "organization: Acme\nperiods:\n- {id: 2026, start: 2026-01-01, end: 2026-12-31}\n"
    )
    config_edit.add_period(root, "2027-Q1", *Q1)
    assert config_text(root).endswith(
        "- {id: 2026, start: 2026-01-01, end: 2026-12-31}\n"
        "- {id: 2027-Q1, start: 2027-01-01, end: 2027-03-31}\n"
    )


def test_add_period_writes_block_entries_like_the_existing_ones(tmp_path: Path) -> None:
    before = """
        organization: Acme Retail
        periods:
          - id: 2026
            start: 2026-01-01
            end: 2026-12-31  # the year

        stale_after_days: 14
    """
    root = config_at(tmp_path, before)
    config_edit.add_period(root, "2027-Q1", *Q1)
    assert config_text(root) == dedent("""
        organization: Acme Retail
        periods:
          - id: 2026
            start: 2026-01-01
            end: 2026-12-31  # the year
          - id: 2027-Q1
            start: 2027-01-01
            end: 2027-03-31

        stale_after_days: 14
    """)


def test_add_period_extends_a_flow_list(tmp_path: Path) -> None:
    root = config_at(
        tmp_path,
        "organization: Acme\nperiods: [{id: 2026, start: 2026-01-01, end: 2026-12-31}]  # all\n",
    )
    config_edit.add_period(root, "2027-Q1", *Q1)
    assert config_text(root) == (
        "organization: Acme\nperiods: [{id: 2026, start: 2026-01-01, end: 2026-12-31}, "
        "{id: 2027-Q1, start: 2027-01-01, end: 2027-03-31}]  # all\n"
    )


def test_add_period_extends_a_multiline_flow_list_with_a_trailing_comma(tmp_path: Path) -> None:
    before = """
        organization: Acme
        periods: [
          {id: 2026, start: 2026-01-01, end: 2026-12-31},
        ]
    """
    root = config_at(tmp_path, before)
    config_edit.add_period(root, "2027-Q1", *Q1)
    assert "2026-12-31}, {id: 2027-Q1, start: 2027-01-01, end: 2027-03-31},\n]" in config_text(root)


def test_add_period_fills_an_empty_flow_list(tmp_path: Path) -> None:
    root = config_at(tmp_path, "organization: Acme\nperiods: []\n")
    config_edit.add_period(root, "2027-Q1", *Q1)
    assert config_text(root) == (
        "organization: Acme\nperiods: [{id: 2027-Q1, start: 2027-01-01, end: 2027-03-31}]\n"
    )


def test_add_period_adds_the_periods_key_when_missing(tmp_path: Path) -> None:
    root = config_at(tmp_path, b"organization: Acme")  # no final line break either
    config_edit.add_period(root, "2027-Q1", *Q1)
    assert config_text(root) == f"organization: Acme\nperiods:\n{Q1_LINE}"


def test_add_period_fills_an_empty_periods_key(tmp_path: Path) -> None:
    root = config_at(tmp_path, "organization: Acme\nperiods:  # none yet\nstale_after_days: 7\n")
    config_edit.add_period(root, "2027-Q1", *Q1)
    assert config_text(root) == (
        f"organization: Acme\nperiods:  # none yet\n{Q1_LINE}stale_after_days: 7\n"
    )


def test_add_period_keeps_crlf_line_endings(tmp_path: Path) -> None:
    raw = (
        b"organization: Acme\r\nperiods:\r\n  - {id: 2026, start: 2026-01-01, end: 2026-12-31}\r\n"
    )
    root = config_at(tmp_path, raw)
    config_edit.add_period(root, "2027-Q1", *Q1)
    assert (root / "cxokr.yaml").read_bytes() == raw + Q1_LINE.replace("\n", "\r\n").encode()


def test_add_period_locates_by_characters_not_bytes(tmp_path: Path) -> None:
    root = config_at(
        tmp_path,
        "organization: Café ☃\nperiods: [{id: 2026, start: 2026-01-01, end: 2026-12-31}]  # é\n",
    )
    config_edit.add_period(root, "2027-Q1", *Q1)
    assert config_text(root).endswith("end: 2027-03-31}]  # é\n")


def test_add_period_writes_a_year_id_plain_like_the_others(tmp_path: Path) -> None:
    root = config_at(tmp_path, COMMENTED)
    config_edit.add_period(root, "2027", date(2027, 1, 1), date(2027, 12, 31))
    assert "  - {id: 2027, start: 2027-01-01, end: 2027-12-31}\n" in config_text(root)


def test_add_period_quotes_an_id_that_would_read_as_a_number(tmp_path: Path) -> None:
    root = config_at(tmp_path, COMMENTED)
    config_edit.add_period(root, "1e5", *Q1)
    assert '  - {id: "1e5", start: 2027-01-01' in config_text(root)
    config = workspace.load(root).config
    assert config is not None and config.periods[-1].id == "1e5"


def test_add_period_keeps_the_file_mode(tmp_path: Path) -> None:
    root = config_at(tmp_path, COMMENTED)
    (root / "cxokr.yaml").chmod(0o640)
    config_edit.add_period(root, "2027-Q1", *Q1)
    assert (root / "cxokr.yaml").stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize(
    ("period_id", "start", "end", "message"),
    [
        ("2026", date(2026, 1, 1), date(2026, 12, 31), "already declared"),
        ("2026-Q4", *Q1, "already declared"),
        ("2027 Q1", *Q1, "not a valid period ID"),
        ("../2027", *Q1, "not a valid period ID"),
        ("2027-Q1", Q1[1], Q1[0], "before it starts"),
    ],
)
def test_add_period_refuses_without_touching_the_file(
    tmp_path: Path, period_id: str, start: date, end: date, message: str
) -> None:
    root = config_at(tmp_path, COMMENTED)
    before = (root / "cxokr.yaml").read_bytes()
    with pytest.raises(UsageError, match=message):
        config_edit.add_period(root, period_id, start, end)
    assert (root / "cxokr.yaml").read_bytes() == before


def test_add_period_refuses_when_the_result_would_not_validate(tmp_path: Path) -> None:
    root = config_at(tmp_path, "organization: Acme\nperiods: []\nstale_after_days: 0\n")
    before = (root / "cxokr.yaml").read_bytes()
    with pytest.raises(CxokrError, match=r"would not be valid .*stale_after_days"):
        config_edit.add_period(root, "2027-Q1", *Q1)
    assert (root / "cxokr.yaml").read_bytes() == before


def test_add_period_refuses_a_file_that_does_not_parse(tmp_path: Path) -> None:
    root = config_at(tmp_path, "organization: Acme\nperiods: [\n")
    with pytest.raises(CxokrError, match=r"cxokr.yaml:\d+:\d+: YAML syntax error"):
        config_edit.add_period(root, "2027-Q1", *Q1)


def test_workspace_loads_clean_after_add_period(make_ws: WriteFiles) -> None:
    root = make_ws()
    config_edit.add_period(root, "2027-Q1", *Q1)
    ws = workspace.load(root)
    assert checks.check(ws) == ()
    assert ws.config is not None and ws.config.periods[-1].id == "2027-Q1"


# --- close_period -----------------------------------------------------------------------


def test_close_period_inserts_closed_into_a_flow_entry(tmp_path: Path) -> None:
    root = config_at(tmp_path, COMMENTED)
    before = config_text(root)
    config_edit.close_period(root, "2026-Q4", END)
    assert config_text(root) == before.replace(
        "end: 2026-12-31}  # the quarter", "end: 2026-12-31, closed: 2026-12-31}  # the quarter"
    )


def test_close_period_adds_a_line_to_a_block_entry(tmp_path: Path) -> None:
    root = config_at(
        tmp_path,
        """
        organization: Acme Retail
        periods:
          - id: 2026
            start: 2026-01-01
            end: 2026-12-31
          - id: 2027
            start: 2027-01-01
            end: 2027-12-31
        """,
    )
    config_edit.close_period(root, "2026", date(2027, 1, 4))
    assert "    end: 2026-12-31\n    closed: 2027-01-04\n  - id: 2027\n" in config_text(root)


def test_closed_date_loads_into_the_period(make_ws: WriteFiles) -> None:
    root = make_ws()
    config_edit.close_period(root, "2026-Q4", END)
    ws = workspace.load(root)
    assert checks.check(ws) == ()
    assert ws.config is not None and [p.closed for p in ws.config.periods] == [None, END]


def test_close_period_refuses_a_second_close(tmp_path: Path) -> None:
    root = config_at(tmp_path, COMMENTED)
    config_edit.close_period(root, "2026-Q4", END)
    after_first = config_text(root)
    with pytest.raises(UsageError, match="already closed on 2026-12-31"):
        config_edit.close_period(root, "2026-Q4", date(2027, 1, 2))
    assert config_text(root) == after_first


def test_close_period_refuses_an_undeclared_period(tmp_path: Path) -> None:
    root = config_at(tmp_path, COMMENTED)
    with pytest.raises(UsageError, match="declared: 2026, 2026-Q4"):
        config_edit.close_period(root, "2027-Q1", END)


def test_close_period_refuses_a_date_before_the_start(tmp_path: Path) -> None:
    root = config_at(tmp_path, COMMENTED)
    before = config_text(root)
    with pytest.raises(UsageError, match="cannot close on 2026-09-30"):
        config_edit.close_period(root, "2026-Q4", date(2026, 9, 30))
    assert config_text(root) == before
