"""Filters on the command line: one that names nothing is a usage error in every command and
format; one that names something with nothing in the period is said, not refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cxokr.cli import app
from tests.compute.test_wholes import CHANNELS
from tests.conftest import WriteFiles
from tests.paths import REPO

EXAMPLE = str(REPO / "examples" / "retail-cx")
NO_TEAM = "error: no team 'ecomerce' in the workspace; did you mean 'ecommerce'?\n"
NO_OWNER = "error: no owner 'dan' in the OKR files; did you mean 'dana.cho@northwind.example'?\n"
NO_PERIOD = (
    "error: no period '2026-q4'; declared: 2026, 2026-Q3, 2026-Q4; did you mean '2026-Q4'?\n"
)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*args, "--workspace", EXAMPLE, "--as-of", "2026-11-20"])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("fmt", ["text", "json", "md", "csv", "html"])
def test_an_unknown_team_is_a_usage_error_in_every_format(fmt: str) -> None:
    assert run("report", "--team", "ecomerce", "--format", fmt) == (2, "", NO_TEAM)


@pytest.mark.parametrize("fmt", ["text", "json", "md", "csv", "html"])
def test_an_unknown_owner_is_a_usage_error_in_every_format(fmt: str) -> None:
    assert run("report", "--owner", "dan", "--format", fmt) == (2, "", NO_OWNER)


def test_report_since_refuses_an_unknown_team_before_reading_history() -> None:
    assert run("report", "--since", "7d", "--team", "ecomerce") == (2, "", NO_TEAM)


@pytest.mark.parametrize(
    "args",
    [
        ["report", "--period", "2026-q4"],
        ["align", "--period", "2026-q4"],
        ["metrics", "--period", "2026-q4"],
        ["explain", "organization", "--period", "2026-q4"],
        ["notify", "--dry-run", "--period", "2026-q4"],
    ],
)
def test_an_unknown_period_suggests_the_closest(args: list[str]) -> None:
    assert run(*args) == (2, "", NO_PERIOD)


def test_a_team_given_as_an_owner_points_to_team() -> None:
    code, out, errors = run("report", "--owner", "ecommerce")
    assert (code, out) == (2, "")
    assert (
        errors == "error: no owner 'ecommerce' in the OKR files; did you mean --team ecommerce?\n"
    )


@pytest.mark.parametrize("typed", ["dana", "Dana Cho", "dana.cho", "DANA.CHO@northwind.example"])
def test_owner_matches_as_people_type_it(typed: str) -> None:
    code, out, errors = run("report", "--owner", typed, "--format", "json")
    assert (code, errors) == (0, "")
    document = json.loads(out)
    assert document["filters"]["owner"] == typed
    assert document["filters"]["owners"] == ["dana.cho@northwind.example"]
    chosen = [o["ref"] for o in document["objectives"] if not o["context"]]
    assert chosen == ["2026-Q4:ecommerce/grow-basket"]


def test_owner_header_names_the_owner_matched() -> None:
    code, out, _ = run("report", "--owner", "dana")
    assert code == 0
    assert out.splitlines()[0] == (
        "Northwind Outfitters · 2026-Q4 · as of 2026-11-20 · owner dana.cho@northwind.example"
    )


def test_a_team_by_its_name_in_any_case() -> None:
    code, out, _ = run("report", "--team", "E-COMMERCE", "--format", "json")
    assert code == 0
    assert json.loads(out)["filters"]["team"] == "ecommerce"


@pytest.mark.parametrize("fmt", ["text", "md", "json", "csv"])
def test_a_real_team_with_nothing_in_the_period_is_said_on_stderr(fmt: str) -> None:
    code, out, errors = run("report", "--team", "ecommerce", "--period", "2026-Q3", "-f", fmt)
    assert code == 0
    assert errors == "note: no objectives in 2026-Q3 match team ecommerce\n"
    if fmt == "json":
        assert json.loads(out)["filters"]["empty"] == "no objectives in 2026-Q3"
    elif fmt != "csv":
        assert "No objectives" in out  # the text and Markdown views say it in place of the tree


def test_the_since_view_says_a_filter_chose_nothing() -> None:
    code, _, errors = run("report", "--since", "7d", "--team", "ecommerce", "--period", "2026-Q3")
    assert code == 0
    assert "note: no objectives in 2026-Q3 match team ecommerce" in errors.splitlines()


# --- --segment: one channel's view ----------------------------------------------------------

STORES: dict[str, str | bytes | None] = {
    "teams/stores.yaml": "name: Stores\nlevel: 3\nparent: company\n",
    "okrs/2026-Q4/stores.yaml": """
        objectives:
          - id: store-basket
            title: Store shoppers leave with more
            aligns_to: 2026:company/raise-aov
            key_results:
              - {id: aov-stores, title: In-store AOV 45 to 50, metric: aov, segment: in-store,
                 start: 45, target: 50}
              - {id: fitting-rooms, title: Fitting rooms in 20 stores, unit: count, start: 0,
                 target: 20}
    """,
}


def report_on(root: Path, *args: str) -> tuple[int, str, str]:
    """`cxokr report` on `root` as of 2026-11-20: the exit code, stdout, and the last line of
    stderr (before it, a workspace outside git is told its files are read as they stand)."""
    result = CliRunner().invoke(
        app, ["report", "--workspace", str(root), "--as-of", "2026-11-20", *args]
    )
    said = result.stderr.splitlines()
    return result.exit_code, result.stdout, said[-1] if said else ""


@pytest.mark.parametrize("fmt", ["text", "json", "md", "csv", "html"])
def test_an_unknown_segment_is_a_usage_error_in_every_format(make_ws: WriteFiles, fmt: str) -> None:
    root = make_ws({**CHANNELS, **STORES})
    assert report_on(root, "--segment", "instore", "--format", fmt) == (
        2,
        "",
        "error: no segment 'instore' in the metrics or key results; did you mean 'in-store'?",
    )


def test_a_segment_nothing_resembles_lists_those_there_are(make_ws: WriteFiles) -> None:
    assert report_on(make_ws({**CHANNELS, **STORES}), "--segment", "kiosk") == (
        2,
        "",
        "error: no segment 'kiosk' in the metrics or key results (segments: in-store, online)",
    )


def test_a_segment_shows_its_key_results_and_their_objectives(make_ws: WriteFiles) -> None:
    root = make_ws({**CHANNELS, **STORES})
    code, out, errors = report_on(root, "--segment", "IN-STORE", "--format", "json")
    assert (code, errors.startswith("warning: the workspace is not in a git")) == (0, True)
    document = json.loads(out)
    assert document["filters"]["segment"] == "in-store"
    shown = {o["ref"]: [kr["id"] for kr in o["key_results"]] for o in document["objectives"]}
    assert shown == {
        "2026:company/raise-aov": ["aov"],  # what it ladders up to, as context
        "2026-Q4:stores/store-basket": ["aov-stores"],
    }
    assert [o["context"] for o in document["objectives"]] == [True, False]
    # The objective keeps its own figure, the mean of both its key results: in-store AOV at
    # 48 on 2026-11-20 is (48 - 45) / (50 - 45) = 0.6; the fitting rooms have no data yet.
    objective = document["objectives"][1]
    assert objective["progress"] == pytest.approx((0.6 + 0.0) / 2)
    assert sum(document["counts"].values()) == 1


def test_a_segment_s_objectives_stand_under_what_they_ladder_up_to(make_ws: WriteFiles) -> None:
    """One channel's view draws its objectives under their parents, never as unaligned."""
    code, out, _ = report_on(make_ws({**CHANNELS, **STORES}), "--segment", "in-store")
    assert code == 0
    assert "Not aligned" not in out
    tree = [line for line in out.splitlines() if "company" in line or "stores" in line]
    assert tree[0].endswith("Raise AOV this year  company (2026)")
    assert tree[1].startswith("└── ")  # the store's objective, drawn under it


def test_a_segment_header_in_text_and_markdown(make_ws: WriteFiles) -> None:
    root = make_ws({**CHANNELS, **STORES})
    code, out, _ = report_on(root, "--segment", "online")
    assert code == 0
    assert out.splitlines()[0] == "Acme Retail · 2026-Q4 · as of 2026-11-20 · segment online"
    code, out, _ = report_on(root, "--segment", "online", "--format", "md")
    assert "Filtered by segment online; figures are for the whole organization." in out
    code, out, _ = report_on(root, "--segment", "online", "--format", "csv")
    rows = out.splitlines()[1:]
    assert [row.split(",")[4] for row in rows] == ["2026-Q4:ecommerce/grow-basket/aov-online"]


def test_a_segment_named_but_on_no_key_result_in_the_period_is_said(make_ws: WriteFiles) -> None:
    files = {**CHANNELS, **STORES, "okrs/2026-Q4/stores.yaml": None}
    code, _, errors = report_on(make_ws(files), "--segment", "in-store")
    assert (code, errors) == (0, "note: no objectives in 2026-Q4 match segment in-store")
