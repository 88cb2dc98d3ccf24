"""Periods: dates from IDs, carry-over, declaring with `periods.add`, and grades.

The grade figures are hand-checked on the base workspace as of 2026-12-31, the
last day of 2026-Q4: online AOV went from 58 towards 64 and reached 61.2, so
grow-basket's progress is (61.2 - 58) / (64 - 58) = 3.2 / 6.
"""

from __future__ import annotations

import json
import textwrap
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cxokr import yamlio
from cxokr.compute import grades
from cxokr.edit import periods
from cxokr.errors import CxokrError, UsageError
from cxokr.load import workspace
from cxokr.model import StartReading
from cxokr.render import grades as render_grades
from cxokr.rules import checks
from tests.conftest import WriteFiles

Q1 = (date(2027, 1, 1), date(2027, 3, 31))
END = date(2026, 12, 31)
Q1_LINE = "  - {id: 2027-Q1, start: 2027-01-01, end: 2027-03-31}\n"


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def config_text(root: Path) -> str:
    return (root / "cxokr.yaml").read_text(encoding="utf-8")


# --- period_dates ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period_id", "start", "end"),
    [
        ("2027", date(2027, 1, 1), date(2027, 12, 31)),
        ("2027-Q1", date(2027, 1, 1), date(2027, 3, 31)),
        ("2027-Q2", date(2027, 4, 1), date(2027, 6, 30)),
        ("2027-Q3", date(2027, 7, 1), date(2027, 9, 30)),
        ("2027-Q4", date(2027, 10, 1), date(2027, 12, 31)),
        ("2027-H1", date(2027, 1, 1), date(2027, 6, 30)),
        ("2027-H2", date(2027, 7, 1), date(2027, 12, 31)),
        ("2027-03", date(2027, 3, 1), date(2027, 3, 31)),
        ("2027-04", date(2027, 4, 1), date(2027, 4, 30)),
        ("2027-02", date(2027, 2, 1), date(2027, 2, 28)),
        ("2028-02", date(2028, 2, 1), date(2028, 2, 29)),
        ("2100-02", date(2100, 2, 1), date(2100, 2, 28)),
        ("2000-02", date(2000, 2, 1), date(2000, 2, 29)),
    ],
)
def test_period_dates_from_the_id(period_id: str, start: date, end: date) -> None:
    assert periods.period_dates(period_id) == (start, end)


@pytest.mark.parametrize("period_id", ["2027-Q5", "2027-q1", "2027-13", "2027-H3", "fy27", "0000"])
def test_period_dates_of_an_unknown_form_ask_for_start_and_end(period_id: str) -> None:
    with pytest.raises(UsageError, match="pass --start and --end"):
        periods.period_dates(period_id)


# --- carry_over -------------------------------------------------------------------------

Q4_ECOMMERCE = """
    objectives:
      - id: grow-basket
        title: "Bundles: more to love"
        aligns_to: 2026:company/raise-aov
        grade: 0.6
        retro: Peak season came late
        key_results:
          - id: aov-online
            title: Raise online AOV from 58 to 64 USD
            metric: aov
            segment: online
            start: 58
            target: 64
      - id: ship-bundles
        title: Bundles are live
        key_results:
          - id: live
            title: Bundles live on 3 pages
            type: done
      - id: new-pages
        title: New category pages
        aligns_to:
          - ecommerce/grow-basket
          - ecommerce/ship-bundles
        key_results:
          - id: pages
            title: 3 new category pages
            unit: count
            start: 0
            target: 3
      - id: old-idea
        title: An idea we dropped
        status: dropped
        key_results:
          - id: never
            title: Never started
            type: done
"""

CARRY_FILES: dict[str, str | bytes | None] = {
    "cxokr.yaml": """
        organization: Acme Retail
        periods:
          - {id: 2026, start: 2026-01-01, end: 2026-12-31}
          - {id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}
          - {id: 2027-Q1, start: 2027-01-01, end: 2027-03-31}
    """,
    "okrs/2026-Q4/ecommerce.yaml": Q4_ECOMMERCE,
    "checkins/2026-Q4/ecommerce.yaml": """
        - {"kr": "grow-basket/aov-online", "date": "2026-11-20", "value": 61.2}
        - {"kr": "ship-bundles/live", "date": "2026-12-01", "value": 1}
    """,
}

CARRIED_ECOMMERCE = """
    # yaml-language-server: $schema=../../schemas/okrs.schema.json
    objectives:
      - id: grow-basket
        carried_from: 2026-Q4:ecommerce/grow-basket
        title: "Bundles: more to love"
        key_results:
          - id: aov-online
            title: Raise online AOV from 58 to 64 USD
            metric: aov
            segment: online
            start: 58
            target: 64

      - id: new-pages
        carried_from: 2026-Q4:ecommerce/new-pages
        title: New category pages
        aligns_to:
          - ecommerce/grow-basket
        key_results:
          - id: pages
            title: 3 new category pages
            unit: count
            start: 0
            target: 3
"""


def test_carry_over_copies_exactly_the_unfinished_objectives(make_ws: WriteFiles) -> None:
    root = make_ws(CARRY_FILES)
    written = periods.carry_over(workspace.load(root), "2026-Q4", "2027-Q1", END)
    assert written == [root / "okrs/2027-Q1/ecommerce.yaml"]
    assert written[0].read_text(encoding="utf-8") == dedent(CARRIED_ECOMMERCE)


def test_carried_file_loads_and_checks_clean(make_ws: WriteFiles) -> None:
    root = make_ws(CARRY_FILES)
    periods.carry_over(workspace.load(root), "2026-Q4", "2027-Q1", END)
    ws = workspace.load(root)
    # References into 2026 cannot reach 2027-Q1: the copies must be aligned anew.
    found = checks.check(ws)
    assert all(p.severity.value == "warning" for p in found)
    assert {p.code for p in found if p.path == "okrs/2027-Q1/ecommerce.yaml"} == {"CX333"}
    carried = ws.okrs[("2027-Q1", "ecommerce")].objectives
    assert [o.carried_from for o in carried] == [
        "2026-Q4:ecommerce/grow-basket",
        "2026-Q4:ecommerce/new-pages",
    ]


def test_carry_over_refuses_when_a_target_exists_and_writes_nothing(make_ws: WriteFiles) -> None:
    root = make_ws(
        {
            **CARRY_FILES,
            "okrs/2026-Q4/company.yaml": """
                objectives:
                  - id: lift-nps
                    title: Customers recommend us
                    key_results:
                      - id: launch
                        title: Launch the survey
                        type: done
            """,
            "okrs/2027-Q1/ecommerce.yaml": "objectives: []\n",
        }
    )
    with pytest.raises(CxokrError, match=r"okrs/2027-Q1/ecommerce\.yaml already exists"):
        periods.carry_over(workspace.load(root), "2026-Q4", "2027-Q1", END)
    assert not (root / "okrs/2027-Q1/company.yaml").exists()
    assert (root / "okrs/2027-Q1/ecommerce.yaml").read_text() == "objectives: []\n"


def test_carry_over_needs_the_new_period_declared(make_ws: WriteFiles) -> None:
    root = make_ws()
    with pytest.raises(UsageError, match="cxokr period add 2027-Q1"):
        periods.carry_over(workspace.load(root), "2026-Q4", "2027-Q1", END)


def test_carry_over_quotes_text_that_needs_it(make_ws: WriteFiles) -> None:
    title = 'Q1: "fix" checkout # now, café ☃\nsecond line'
    source = Q4_ECOMMERCE.replace('"Bundles: more to love"', json.dumps(title, ensure_ascii=False))
    root = make_ws({**CARRY_FILES, "okrs/2026-Q4/ecommerce.yaml": source})
    periods.carry_over(workspace.load(root), "2026-Q4", "2027-Q1", END)
    assert workspace.load(root).okrs[("2027-Q1", "ecommerce")].objectives[0].title == title


FORMS_2026 = """
    objectives:
      - id: rebuild
        title: Rebuild the store
        reason: Started late
        key_results:
          - id: handbook
            title: Rebuild the handbook
            type: checklist
            items:
              - {id: outline, title: Outline, due: 2026-03-31}
              - {id: migrate, title: Migrate, due: 2026-05-31, weight: 2}
              - {id: launch, title: Launch, due: 2026-10-15}
              - {id: train, title: Train staff, due: 2026-10-31}
          - id: signage
            title: New signage
            type: checklist
            items: [{id: order, title: Order it}]
          - id: members
            title: Members 0 to 40
            unit: count
            start: 0
            target: 40
            schedule: {2026-03-31: 10, 2026-09-30: 30, 2026-12-31: 40}
          - id: aov-up
            title: AOV up 10% on last December
            metric: aov
            segment: online
            start: {reading: 2025-12-31}
            target: +10%
          - {id: heard, title: Stores feel heard, type: score}
          - {id: go-live, title: Go live, type: done, due: 2026-11-15}
          - {id: early, title: Early pilot, type: done, due: 2026-04-30}
          - {id: tiktok, title: TikTok shop, type: done, state: postponed, reason: Next year}
          - {id: again, title: Members (shared), shares: company/rebuild/members}
          - {id: shipped-share, title: Shipped (shared), shares: company/finished/shipped}
          - {id: tiktok-share, title: TikTok (shared), shares: company/rebuild/tiktok}
      - id: finished
        title: Already done
        key_results:
          - {id: shipped, title: Shipped, type: done}
"""

CARRIED_2026_H2 = """
    # yaml-language-server: $schema=../../schemas/okrs.schema.json
    objectives:
      - id: rebuild
        carried_from: 2026:company/rebuild
        title: Rebuild the store
        key_results:
          - id: handbook
            title: Rebuild the handbook
            type: checklist
            items:
              - id: migrate
                title: Migrate
                weight: 2
              - id: train
                title: Train staff
                due: 2026-10-31
          - id: members
            title: Members 0 to 40
            unit: count
            start: 0
            target: 40
            schedule:
              2026-09-30: 30
              2026-12-31: 40
          - id: aov-up
            title: AOV up 10% on last December
            metric: aov
            segment: online
            start:
              reading: 2025-12-31
            target: "+10%"
          - id: heard
            title: Stores feel heard
            type: score
          - id: go-live
            title: Go live
            type: done
            due: 2026-11-15
          - id: early
            title: Early pilot
            type: done
          - id: again
            title: Members (shared)
            shares: company/rebuild/members
          - id: shipped-share
            title: Shipped (shared)
            shares: 2026:company/finished/shipped
          - id: tiktok-share
            title: TikTok (shared)
            shares: 2026:company/rebuild/tiktok
"""

FORMS_FILES: dict[str, str | bytes | None] = {
    "cxokr.yaml": """
        organization: Acme Retail
        periods:
          - {id: 2026, start: 2026-01-01, end: 2026-12-31}
          - {id: 2026-H2, start: 2026-07-01, end: 2026-12-31}
    """,
    "okrs/2026/company.yaml": FORMS_2026,
    "checkins/2026/company.yaml": """
        - {"kr": "rebuild/handbook", "date": "2026-03-20", "done": ["outline"]}
        - {"kr": "rebuild/signage", "date": "2026-04-01", "done": ["order"]}
        - {"kr": "finished/shipped", "date": "2026-05-01", "value": 1}
        - {"kr": "rebuild/heard", "date": "2026-06-01", "score": 0.5}
        - {"kr": "rebuild/handbook", "date": "2026-08-01", "done": ["launch"]}
    """,
    "readings/aov.yaml": """
        - {"date": "2025-12-31", "value": 60, "segment": "online"}
    """,
}


def test_carry_over_keeps_of_each_form_what_applies_in_the_new_period(
    make_ws: WriteFiles,
) -> None:
    # Measured on 06-30, so `finished` is done and stays; `launch`, done on 08-01 before
    # the year ends, stays too; `signage` has every item done and `tiktok` is postponed
    root = make_ws(FORMS_FILES)
    written = periods.carry_over(workspace.load(root), "2026", "2026-H2", date(2026, 6, 30))
    assert written == [root / "okrs/2026-H2/company.yaml"]
    assert written[0].read_text(encoding="utf-8") == dedent(CARRIED_2026_H2)
    found = checks.check(workspace.load(root))
    assert {p.code for p in found if p.path.startswith("okrs/2026-H2/")} == {"CX402"}  # 9 KRs


def test_carry_over_of_every_form_reads_back_and_checks_without_errors(
    make_ws: WriteFiles,
) -> None:
    from tests.compute.test_kr_rows import FORMS

    q1 = "  - {id: 2027-Q1, start: 2027-01-01, end: 2027-03-31}\n"
    config = dedent(str(FORMS["cxokr.yaml"])).replace("stale", q1 + "stale")
    root = make_ws({**FORMS, "cxokr.yaml": config}, base=False)
    periods.carry_over(workspace.load(root), "2026-Q4", "2027-Q1", END)
    ws = workspace.load(root)
    found = checks.check(ws)
    assert not [p for p in found if p.severity.value == "error" and "2027-Q1" in p.path]
    carried = {o.id: o for o in ws.okrs[("2027-Q1", "marketing")].objectives}
    assert list(carried) == ["launch-season"]  # old-site is dropped
    krs = {kr.id: kr for kr in carried["launch-season"].key_results}
    assert "tiktok" not in krs  # dropped alone, with its reason
    assert [i.id for i in krs["handbook"].items or ()] == ["migrate"]  # outline, publish done
    assert (krs["aov-plus"].start, krs["aov-plus"].target) == (
        StartReading(reading=date(2026, 9, 20)),
        "+10%",
    )
    assert (krs["nps-up"].start, krs["aov-first"].change) == ("first", 5)
    assert (krs["subscribers"].schedule, krs["last-day"].schedule) == (None, None)
    assert (krs["go-live"].due, krs["launch-ad"].due) == (None, None)  # 2026 days
    assert krs["bundles-share"].shares == "ecommerce/grow-basket/bundles-live"  # carried too
    assert ws.okrs[("2027-Q1", "ecommerce")].objectives[0].id == "grow-basket"


# --- add ------------------------------------------------------------------------------

WITHOUT_Q1: dict[str, str | bytes | None] = {
    **CARRY_FILES,
    "cxokr.yaml": str(CARRY_FILES["cxokr.yaml"]).replace(
        "  - {id: 2027-Q1, start: 2027-01-01, end: 2027-03-31}\n", ""
    ),
}
ADD_Q1 = "period: add 2027-Q1 (2027-01-01 to 2027-03-31)"


def _never_read() -> tuple[workspace.Workspace, date]:
    raise AssertionError("the workspace was read without a carry-over")


def test_add_declares_the_period_and_carries_unfinished_objectives(make_ws: WriteFiles) -> None:
    root = make_ws(WITHOUT_Q1)
    paths, message = periods.add(
        root, "2027-Q1", *Q1, carry_from="2026-Q4", reload=lambda: (workspace.load(root), END)
    )
    assert paths == [root / "cxokr.yaml", root / "okrs/2027-Q1/ecommerce.yaml"]
    assert message == f"{ADD_Q1}, carrying over unfinished objectives of 2026-Q4 for 1 team(s)"
    assert Q1_LINE.strip() in config_text(root)
    assert paths[1].read_text(encoding="utf-8") == dedent(CARRIED_ECOMMERCE)


def test_add_without_carry_over_declares_the_period_only(make_ws: WriteFiles) -> None:
    root = make_ws(WITHOUT_Q1)
    paths, message = periods.add(root, "2027-Q1", *Q1, carry_from=None, reload=_never_read)
    assert (paths, message) == ([root / "cxokr.yaml"], ADD_Q1)
    assert Q1_LINE.strip() in config_text(root)
    assert not (root / "okrs/2027-Q1").exists()


def test_add_puts_cxokr_yaml_back_when_the_carry_over_is_refused(make_ws: WriteFiles) -> None:
    root = make_ws(WITHOUT_Q1)
    before = config_text(root)
    with pytest.raises(UsageError, match=r"no period '2026-Q3' .*; cxokr\.yaml is as it was$"):
        periods.add(
            root, "2027-Q1", *Q1, carry_from="2026-Q3", reload=lambda: (workspace.load(root), END)
        )
    assert config_text(root) == before


def test_add_puts_cxokr_yaml_back_when_interrupted_while_carrying_over(
    make_ws: WriteFiles,
) -> None:
    def interrupted() -> tuple[workspace.Workspace, date]:
        raise KeyboardInterrupt

    root = make_ws(WITHOUT_Q1)
    before = config_text(root)
    with pytest.raises(KeyboardInterrupt):
        periods.add(root, "2027-Q1", *Q1, carry_from="2026-Q4", reload=interrupted)
    assert config_text(root) == before


# Text the reader keeps: no control but tab and line feed, no bidi control, U+FFFE or U+FFFF
# (CX117).
KEPT = st.characters(
    blacklist_categories=["Cs", "Cc"],
    blacklist_characters="\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2066\u2067\u2068\u2069\ufffe\uffff",
)


@given(
    st.one_of(
        st.text(KEPT | st.sampled_from("\t\n")), st.floats(allow_nan=False, allow_infinity=False)
    )
)
def test_generated_scalars_read_back_as_written(value: str | float) -> None:
    doc = yamlio.load_document(f"k: {yamlio.scalar(value)}\n".encode())
    assert (doc.issues, doc.data) == ([], {"k": value})


# --- grade_sheet ------------------------------------------------------------------------


def test_grade_sheet_grades_the_period_s_own_objectives(make_ws: WriteFiles) -> None:
    root = make_ws(CARRY_FILES)
    sheet = grades.grade_sheet(workspace.load(root), "2026-Q4", END)
    assert sheet.final
    assert [(o.id, o.state) for o in sheet.objectives] == [
        ("grow-basket", "active"),
        ("ship-bundles", "active"),
        ("new-pages", "active"),
        ("old-idea", "dropped"),
    ]


def test_grade_sheet_figures_by_hand(make_ws: WriteFiles) -> None:
    root = make_ws(CARRY_FILES)
    sheet = grades.grade_sheet(workspace.load(root), "2026-Q4", END)
    grow, bundles, pages, _ = sheet.objectives
    assert (grow.grade, grow.band, grow.team_grade) == (pytest.approx(3.2 / 6), "yellow", 0.6)
    assert (grow.key_results[0].grade, grow.key_results[0].band) == (
        pytest.approx(3.2 / 6),
        "yellow",
    )
    assert (bundles.grade, bundles.band) == (1.0, "green")
    assert (pages.grade, pages.band) == (None, None)  # no data


def test_grade_sheet_team_average_counts_no_data_as_zero_and_skips_dropped(
    make_ws: WriteFiles,
) -> None:
    root = make_ws(CARRY_FILES)
    (team,) = grades.grade_sheet(workspace.load(root), "2026-Q4", END).teams
    assert (team.id, team.name, team.objectives) == ("ecommerce", "E-commerce", 3)
    assert team.grade == pytest.approx((3.2 / 6 + 1 + 0) / 3)
    assert (team.band, team.team_grade) == ("yellow", 0.6)


def test_grade_sheet_bands_a_grade_as_it_is_shown(make_ws: WriteFiles) -> None:
    """(60.4 - 58) / (64 - 58) computes 0.39999999999999974: shown "0.40", so yellow."""
    checkins = '- {"kr": "grow-basket/aov-online", "date": "2026-11-20", "value": 60.4}\n'
    root = make_ws({**CARRY_FILES, "checkins/2026-Q4/ecommerce.yaml": checkins})
    sheet = grades.grade_sheet(workspace.load(root), "2026-Q4", END)
    grow = sheet.objectives[0]
    assert grow.key_results[0].grade == pytest.approx(0.4, abs=1e-9)
    assert grow.key_results[0].grade != 0.4  # the float the arithmetic gives
    assert (grow.key_results[0].band, grow.band) == ("yellow", "yellow")
    shown = render_grades.render(sheet)
    assert "    aov-online           0.40 yellow\n" in shown
    assert (
        "  grow-basket            0.40 yellow  (own grade 0.60; retro: Peak season came late)\n"
        in shown
    )
