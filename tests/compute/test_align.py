"""The alignment graph and its rules, on workspaces with known figures."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cxokr.compute import align
from cxokr.compute.align_view import AlignView, build_view
from cxokr.compute.report import Filters, build
from cxokr.load import workspace
from cxokr.problems import Problem, Severity
from cxokr.rules import alignment, checks
from tests.compute.test_kr_rows import FORMS
from tests.compute.test_report import AS_OF
from tests.conftest import WriteFiles, write_files

CONFIG = """
    organization: Acme
    periods:
      - {id: 2026, start: 2026-01-01, end: 2026-12-31}
      - {id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}
      - {id: 2027-Q1, start: 2027-01-01, end: 2027-03-31}
"""
TEAMS = {
    "teams/company.yaml": "name: Exec\nlevel: 1\n",
    "teams/cx.yaml": "name: CX\nlevel: 2\nparent: company\n",
    "teams/shop.yaml": "name: Shop\nlevel: 3\nparent: cx\n",
    "teams/care.yaml": "name: Care\nlevel: 3\nparent: cx\n",
    "teams/ops.yaml": "name: Ops\nlevel: 4\nparent: shop\n",
}
METRICS = {
    "metrics/aov.yaml": "name: AOV\nunit: USD\ndirection: higher\nsegments: [online]\n",
    "metrics/aht.yaml": "name: AHT\nunit: s\ndirection: lower\n",
}


def objective(oid: str, aligns: str | None = None, krs: str = "") -> str:
    line = f"    aligns_to: {aligns}\n" if aligns else ""
    body = krs or "      - {id: k, title: K, unit: count, start: 0, target: 1}\n"
    return f"  - id: {oid}\n    title: {oid}\n{line}    key_results:\n{body}"


def okrs(*objectives: str) -> str:
    return "objectives:\n" + "".join(objectives)


KNOWN = {
    "cxokr.yaml": CONFIG,
    **TEAMS,
    **METRICS,
    "okrs/2026/company.yaml": okrs(
        objective(
            "grow",
            krs="      - {id: aov, title: AOV, metric: aov, segment: online, start: 50, target: 60}\n",
        ),
        objective("nps"),
        objective("stores"),  # nothing supports it
    ),
    "okrs/2026-Q4/cx.yaml": okrs(
        objective("basket", "2026:company/grow"), objective("care", "2026:company/nps")
    ),
    "okrs/2026-Q4/shop.yaml": okrs(
        objective(
            "bundles",
            "cx/basket",
            "      - {id: aov, title: AOV, metric: aov, segment: online, start: 50, target: 55}\n",
        ),
        objective("loose"),  # aligned to nothing
    ),
    "okrs/2026-Q4/care.yaml": okrs(
        objective(
            "faster",
            "cx/care",
            "      - {id: aht, title: AHT, metric: aht, start: 400, target: 360}\n",
        ),
        objective(
            "thorough",
            "cx/care",
            "      - {id: aht, title: AHT, metric: aht, start: 400, target: 460}\n",
        ),
    ),
    "okrs/2026-Q4/ops.yaml": okrs(objective("picks", "shop/bundles")),
}


def problems(root: Path) -> list[str]:
    return [f"{p.location()}: {p.code} {p.message}" for p in checks.check(workspace.load(root))]


def test_known_coverage_support_and_matrix(make_ws: WriteFiles) -> None:
    view = build_view(workspace.load(make_ws(KNOWN, base=False)), (), date(2026, 11, 20))
    # Below level 1: cx/basket, cx/care, shop/bundles, shop/loose, care/faster,
    # care/thorough, ops/picks = 7; only shop/loose reaches no level-1 objective.
    assert (view.below_level_one, view.covered) == (7, 6)
    assert view.coverage == pytest.approx(6 / 7, abs=1e-12)
    assert view.uncovered == ("2026-Q4:shop/loose",)
    assert view.unsupported == ("2026:company/stores",)
    assert view.matrix_objectives == (
        "2026:company/grow",
        "2026:company/nps",
        "2026:company/stores",
    )
    cells = {(c.objective.split("/")[-1], c.team): c.contribution for c in view.matrix}
    assert cells == {
        ("grow", "cx"): "direct",
        ("grow", "shop"): "indirect",
        ("grow", "ops"): "indirect",
        ("nps", "cx"): "direct",
        ("nps", "care"): "indirect",
    }


def test_the_view_shows_the_alignment_problems_of_its_files_sorted(make_ws: WriteFiles) -> None:
    ws = workspace.load(make_ws(KNOWN, base=False))
    found = alignment.check_alignment(ws)
    elsewhere = Problem("okrs/2025-Q1/shop.yaml", 3, 5, "CX333", Severity.WARNING, "old")
    view = build_view(ws, [elsewhere, *reversed(found)], date(2026, 11, 20))
    assert view.conflicts == tuple(sorted(found))
    assert [p.code for p in view.conflicts] == ["CX335", "CX333", "CX334"]


def test_known_conflicts(make_ws: WriteFiles) -> None:
    found = problems(make_ws(KNOWN, base=False))
    assert found == [
        "okrs/2026-Q4/care.yaml:11:56: CX335 care/faster/aht and care/thorough/aht pull aht "
        "in opposite directions in 2026-Q4",
        "okrs/2026-Q4/shop.yaml:7:5: CX333 shop/loose does not ladder up to any level-1 "
        "objective; add aligns_to",
        "okrs/2026/company.yaml:10:5: CX334 no team's objective aligns to company/stores",
    ]


def test_child_period_outside_parent_is_an_error(make_ws: WriteFiles) -> None:
    files = {**KNOWN, "okrs/2027-Q1/ops.yaml": okrs(objective("later", "2026-Q4:shop/bundles"))}
    found = [p for p in problems(make_ws(files, base=False)) if "CX331" in p]
    assert found == [
        "okrs/2027-Q1/ops.yaml:4:5: CX331 2027-Q1 (2027-01-01 to 2027-03-31) is not inside "
        "2026-Q4 (2026-10-01 to 2026-12-31) of shop/bundles"
    ]


def test_aligning_to_a_deeper_level_is_a_warning(make_ws: WriteFiles) -> None:
    files = {
        **KNOWN,
        "okrs/2026-Q4/cx.yaml": okrs(
            objective("basket", "ops/picks"), objective("care", "2026:company/nps")
        ),
    }
    found = [p for p in problems(make_ws(files, base=False)) if "CX332" in p]
    assert found == [
        "okrs/2026-Q4/cx.yaml:4:5: CX332 cx (level 2) aligns to ops, a deeper level (4); alignment runs upward"
    ]


def test_a_child_target_short_of_the_parent_by_the_same_date(make_ws: WriteFiles) -> None:
    files = {
        **KNOWN,
        "okrs/2026-Q4/cx.yaml": okrs(
            objective(
                "basket",
                "2026:company/grow",
                "      - {id: aov, title: AOV, metric: aov, segment: online, start: 50, target: 58}\n",
            ),
            objective("care", "2026:company/nps"),
        ),
    }
    found = [p for p in problems(make_ws(files, base=False)) if "CX336" in p]
    assert found == [
        "okrs/2026-Q4/cx.yaml:6:72: CX336 target 58 falls short of company/grow/aov's 60 on aov "
        "(online) by the same date",
        "okrs/2026-Q4/shop.yaml:6:72: CX336 target 55 falls short of cx/basket/aov's 58 on aov "
        "(online) by the same date",
    ]


def test_an_earlier_sub_period_may_hold_an_intermediate_target(make_ws: WriteFiles) -> None:
    files = {
        **KNOWN,
        "cxokr.yaml": CONFIG.replace(
            "2026-Q4, start: 2026-10-01", "2026-Q4, start: 2026-09-01"
        ).replace("end: 2026-12-31}\n      - {id: 2027", "end: 2026-11-30}\n      - {id: 2027"),
        "okrs/2026-Q4/cx.yaml": okrs(
            objective(
                "basket",
                "2026:company/grow",
                "      - {id: aov, title: AOV, metric: aov, segment: online, start: 50, target: 58}\n",
            ),
            objective("care", "2026:company/nps"),
        ),
    }
    found = problems(make_ws(files, base=False))
    assert not [p for p in found if "CX336" in p and p.startswith("okrs/2026-Q4/cx.yaml")]


def cycle_files(length: int) -> dict[str, str | bytes | None]:
    """`length` objectives of the cx team, each aligned to the next, the last to the first."""
    ids = [f"o{i}" for i in range(length)]
    chain = [objective(oid, f"cx/{ids[(i + 1) % length]}") for i, oid in enumerate(ids)]
    return {**KNOWN, "okrs/2026-Q4/cx.yaml": okrs(*chain)}


@pytest.mark.parametrize("length", [1, 2, 5])
def test_a_cycle_is_reported_once_with_every_member(make_ws: WriteFiles, length: int) -> None:
    found = [p for p in problems(make_ws(cycle_files(length), base=False)) if "CX330" in p]
    assert len(found) == 1
    members = " → ".join([f"2026-Q4:cx/o{i}" for i in range(length)] + ["2026-Q4:cx/o0"])
    assert found[0].endswith(f"alignment cycle of {length}: {members}; nothing in it can roll up")


@pytest.mark.parametrize("length", [1, 2, 5])
def test_reports_of_a_cycle_finish(make_ws: WriteFiles, length: int) -> None:
    ws = workspace.load(make_ws(cycle_files(length), base=False))
    report = build(ws, date(2026, 11, 20), Filters())
    assert len(report.objectives) == len(ws.okrs[("2026", "company")].objectives) + length + 5


def test_a_long_cycle_does_not_recurse(make_ws: WriteFiles) -> None:
    ws = workspace.load(make_ws(cycle_files(3000), base=False))
    assert [len(c) for c in align.cycles(align.build(ws))] == [3000]


def test_aligned_progress_counts_a_child_reachable_twice_once(make_ws: WriteFiles) -> None:
    files = {
        **KNOWN,
        # cx/care rolls up care/faster directly and through cx/relay, which aligns it too.
        "okrs/2026-Q4/cx.yaml": okrs(
            objective("basket", "2026:company/grow"),
            "  - id: care\n    title: care\n    aligns_to: 2026:company/nps\n    progress: aligned\n",
            "  - id: relay\n    title: relay\n    aligns_to: cx/care\n    progress: aligned\n",
        ),
        "okrs/2026-Q4/care.yaml": okrs(
            objective(
                "faster",
                "[cx/care, cx/relay]",
                "      - {id: aht, title: AHT, metric: aht, start: 400, target: 300}\n",
            ),
        ),
        "checkins/2026-Q4/care.yaml": '- {"kr": "faster/aht", "date": "2026-11-20", "value": 350}\n',
    }
    report = build(workspace.load(make_ws(files, base=False)), date(2026, 11, 20), Filters())
    care = report.objective("2026-Q4:cx/care")
    # faster is 0.5 ((350-400)/(300-400)); relay is 0.5 from faster alone.
    # care's terms: relay only (faster is below relay), so 0.5, not (0.5+0.5)/2 by luck:
    assert [t.ref for t in care.terms] == ["2026-Q4:cx/relay"]
    assert care.progress == pytest.approx(0.5, abs=1e-12)


def test_the_year_view_takes_in_the_quarters_work(make_ws: WriteFiles) -> None:
    # `align --period 2026` lists the begun quarter inside the year: the same coverage and
    # support as the quarter's view, not "0 of 0" with every company goal unsupported.
    ws = workspace.load(make_ws(KNOWN, base=False))
    year = build_view(ws, (), date(2026, 11, 20), "2026")
    quarter = build_view(ws, (), date(2026, 11, 20), "2026-Q4")
    assert (year.below_level_one, year.covered) == (7, 6)
    assert year.uncovered == ("2026-Q4:shop/loose",)
    assert year.unsupported == quarter.unsupported == ("2026:company/stores",)
    assert year.report.periods == ("2026", "2026-Q4")  # 2027-Q1 is not inside 2026


def test_support_from_an_earlier_quarter_counts_in_every_view(make_ws: WriteFiles) -> None:
    files = {
        **KNOWN,
        "cxokr.yaml": CONFIG + "      - {id: 2026-Q3, start: 2026-07-01, end: 2026-09-30}\n",
        "okrs/2026-Q3/cx.yaml": okrs(objective("new-stores", "2026:company/stores")),
    }
    ws = workspace.load(make_ws(files, base=False))
    # In the Q4 view, company/stores is supported by Q3 work the view does not list.
    quarter = build_view(ws, (), date(2026, 11, 20), "2026-Q4")
    assert quarter.unsupported == ()
    assert "2026-Q3:cx/new-stores" not in {o.ref for o in quarter.report.objectives}
    assert build_view(ws, (), date(2026, 11, 20), "2026").unsupported == ()


# --- Shares and key results deprioritised alone: the hand-computed workspace FORMS ----------

TIKTOK = "            state: dropped\n            reason: Holiday campaign first\n"


def forms_view(tmp_path: Path, tiktok: str = TIKTOK) -> AlignView:
    """The view of FORMS (`test_kr_rows`) as of 2026-11-20, with the state and reason of the
    marketing key result dropped alone replaced by `tiktok`."""
    okrs = FORMS["okrs/2026-Q4/marketing.yaml"]
    assert isinstance(okrs, str) and TIKTOK in okrs
    files = {**FORMS, "okrs/2026-Q4/marketing.yaml": okrs.replace(TIKTOK, tiktok)}
    return build_view(workspace.load(write_files(tmp_path / "ws", files)), (), AS_OF)


def _cells(view: AlignView) -> dict[tuple[str, str], str]:
    return {(c.objective.split("/")[-1], c.team): c.contribution for c in view.matrix}


def test_shares_change_nothing_in_coverage_or_the_matrix(tmp_path: Path) -> None:
    view = forms_view(tmp_path)
    # Below level 1 and active: cx/better-journeys, ecommerce/grow-basket and fast-checkout,
    # marketing/launch-season, support/faster-answers and happy-customers (legacy-coupons
    # and old-site are dropped); each ladders up.
    assert (view.below_level_one, view.covered, view.unsupported) == (6, 6, ())
    # marketing shares e-commerce's bundles-live: it contributes through its own alignment
    # (launch-season to cx/better-journeys), and e-commerce through its own, as before.
    assert _cells(view) == {
        ("raise-aov", "cx"): "direct",
        ("raise-aov", "ecommerce"): "indirect",
        ("raise-aov", "marketing"): "indirect",
        ("raise-aov", "support"): "indirect",
        ("delight", "support"): "direct",
    }


def test_a_key_result_dropped_alone_contributes_to_nothing(tmp_path: Path) -> None:
    aligned = "            aligns_to: 2026:company/delight\n"
    dropped = forms_view(tmp_path / "dropped", TIKTOK + aligned)
    assert ("delight", "marketing") not in _cells(dropped)
    assert (dropped.below_level_one, dropped.covered) == (6, 6)  # as `cxokr check` counts
    active = forms_view(tmp_path / "active", aligned)  # the same key result, not dropped
    assert _cells(active)[("delight", "marketing")] == "direct"


def test_an_alignment_made_only_by_a_key_result_dropped_alone_covers_nothing(
    tmp_path: Path,
) -> None:
    # launch-season loses its own alignment; its only link up is tiktok's, dropped alone
    okrs = FORMS["okrs/2026-Q4/marketing.yaml"]
    assert isinstance(okrs, str)
    okrs = okrs.replace("        aligns_to: cx/better-journeys\n", "", 1)
    aligned = okrs.replace(TIKTOK, TIKTOK + "            aligns_to: 2026:company/delight\n")
    view = build_view(
        workspace.load(
            write_files(tmp_path / "ws", {**FORMS, "okrs/2026-Q4/marketing.yaml": aligned})
        ),
        (),
        AS_OF,
    )
    assert (view.below_level_one, view.covered) == (6, 5)
    assert any(u.endswith("marketing/launch-season") for u in view.uncovered)
