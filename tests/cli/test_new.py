"""`cxokr new`: from an empty folder to a checked-in key result with flags alone, the
output, the commits, and every refusal with its exit code."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cxokr.cli import app
from tests.conftest import GIT_ENV, git


def run(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*args, "-w", str(root)])
    return result.exit_code, result.stdout, result.stderr


def ok(root: Path, *args: str) -> str:
    """The stdout of a command that must succeed."""
    code, out, errors = run(root, *args)
    assert code == 0, errors
    return out


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace `cxokr init` made in an empty folder (whatever its starter holds), with
    two teams, a metric and an objective added by `cxokr new`: made once, copied per test."""
    root = tmp_path_factory.mktemp("template") / "okrs"
    root.mkdir()
    home = root.parent / "home"
    home.mkdir()
    with pytest.MonkeyPatch.context() as env:
        for key, value in {**GIT_ENV, "HOME": str(home), "CXOKR_NO_CACHE": "1"}.items():
            env.setenv(key, value)
        env.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
        result = CliRunner().invoke(app, ["init", str(root), "--org", "Acme"])
        assert result.exit_code == 0, result.stderr
        ok(root, "new", "team", "leadership", "--name", "Leadership", "--level", "1")
        ok(root, "new", "team", "shop", "--name", "Shop", "--level", "3", "--parent", "leadership")
        ok(
            root,
            "new",
            "metric",
            "basket",
            "--name",
            "Basket value",
            "--unit",
            "USD",
            "--direction",
            "higher",
        )
        ok(root, "new", "objective", "leadership/raise-basket", "--title", "Raise basket value")
    return root


@pytest.fixture
def fresh(template: Path, tmp_path: Path, git_env: None) -> Path:
    return Path(shutil.copytree(template, tmp_path / "okrs", symlinks=True))


def test_from_an_empty_folder_to_a_checked_in_key_result_with_flags(fresh: Path) -> None:
    root = fresh
    objective = ok(
        root,
        "new",
        "objective",
        "shop",
        "--title",
        "Bigger baskets",
        "--aligns-to",
        "leadership/raise-basket",
    ).strip()
    assert objective == "shop/bigger-baskets"
    ref = ok(
        root,
        "new",
        "kr",
        f"{objective}/basket-online",
        "--title",
        "Basket from 58 to 64 USD",
        "--metric",
        "basket",
        "--start",
        "58",
        "--target",
        "64",
    ).strip()
    assert ref == "shop/bigger-baskets/basket-online"
    ok(root, "checkin", ref, "--value", "61", "--confidence", "0.7", "--note", "Bundles live")
    assert run(root, "check")[0] == 0
    report = json.loads(ok(root, "report", "--format", "json"))
    rows = {k["id"]: k for o in report["objectives"] for k in o["key_results"]}
    assert (rows["basket-online"]["value"], rows["basket-online"]["start"]) == (61.0, 58.0)
    assert rows["basket-online"]["progress"] == pytest.approx(0.5)
    log = git(root, "log", "--format=%s").splitlines()
    assert log[:3] == [
        "checkin(shop): bigger-baskets/basket-online = 61, confidence 0.7",
        "new: key result shop/bigger-baskets/basket-online in "
        + report["period"]["id"]
        + ": Basket from 58 to 64 USD",
        f"new: objective shop/bigger-baskets in {report['period']['id']}: Bigger baskets",
    ]
    assert git(root, "status", "--porcelain") == ""


def test_new_says_what_it_added_where_and_what_comes_next(fresh: Path) -> None:
    code, out, errors = run(
        fresh, "new", "kr", "leadership/raise-basket/launch", "--title", "Launch", "--type", "done"
    )
    period = next(p.name for p in (fresh / "okrs").iterdir())
    assert (code, out) == (0, "leadership/raise-basket/launch\n")
    lines = errors.splitlines()
    assert lines[0].startswith(
        f"added key result leadership/raise-basket/launch at okrs/{period}/leadership.yaml:"
    )
    assert lines[1] == "next: cxokr checkin leadership/raise-basket/launch (where it stands)"
    assert lines[2].startswith("committed ")


def test_no_commit_writes_but_does_not_commit(fresh: Path) -> None:
    code, _, errors = run(
        fresh, "new", "team", "stores", "--name", "Stores", "--level", "4", "--no-commit"
    )
    assert code == 0
    assert errors.splitlines()[-1] == "wrote teams/stores.yaml (not committed: --no-commit)"
    assert git(fresh, "status", "--porcelain") == "?? teams/stores.yaml\n"


def test_every_key_result_form_has_its_flags(fresh: Path) -> None:
    obj = "leadership/raise-basket"
    forms = [
        ["--metric", "basket", "--start", "first", "--target", "+10%"],
        ["--metric", "basket", "--start", "58", "--change", "2.5"],
        ["--metric", "basket", "--type", "stay_above", "--target", "50"],
        ["--unit", "s", "--type", "stay_below", "--target", "2.5", "--weight", "2"],
        ["--type", "done", "--due", _in_period(fresh)],
        ["--type", "checklist", "--item", "a=Part A", "--item", "b=Part B|weight=2"],
        ["--type", "score", "--owner", "dana", "--owner", "raj"],
        [
            "--unit",
            "count",
            "--start",
            "0",
            "--target",
            "9",
            "--schedule",
            f"{_in_period(fresh)}=3",
        ],
        ["--shares", f"{obj}/form-0"],
    ]
    for n, flags in enumerate(forms):
        ok(fresh, "new", "kr", f"{obj}/form-{n}", "--title", f"Form {n}", *flags)
    assert run(fresh, "check")[0] == 0
    assert len(git(fresh, "log", "--format=%s", "--grep", "new: key result").splitlines()) == 9


def _in_period(root: Path) -> str:
    """A day inside the quarter `cxokr init` declared: its last."""
    report = json.loads(ok(root, "report", "--format", "json"))
    return str(report["period"]["end"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["team", "shop", "--name", "Shop", "--level", "3"],
            "error: team 'shop' already exists (teams/shop.yaml)",
        ),
        (
            ["team", "Web Shop", "--name", "Web Shop", "--level", "3"],
            "error: team ID 'Web Shop' is not a valid ID (lowercase letters, digits and '-', "
            "at most 64); for example web-shop",
        ),
        (["team", "web", "--level", "3"], "error: give --name (or run on a terminal to be asked)"),
        (["objective", "shop"], "error: give --title (or run on a terminal to be asked)"),
        (
            ["objective", "shp", "--title", "X"],
            "error: no team 'shp'; did you mean shop? (add one with: cxokr new team shp)",
        ),
        (
            ["objective", "leadership/raise-basket", "--title", "X"],
            "error: leadership already has an objective 'raise-basket' in {period} "
            "(okrs/{period}/leadership.yaml)",
        ),
        (
            ["objective", "shop/x", "--title", "X", "--period", "2030"],
            "error: no period '2030' (declared: {declared}; add one with: cxokr period add 2030)",
        ),
        (
            [
                "kr",
                "leadership/raise-basket/x",
                "--title",
                "X",
                "--metric",
                "baskt",
                "--target",
                "5",
            ],
            "error: no metric 'baskt'; did you mean basket? (add one with: cxokr new metric baskt)",
        ),
        (
            ["kr", "leadership/raise-basket/x", "--title", "X", "--target", "10%"],
            "error: target '10%' is not a number, or a change from the start such as +10%",
        ),
        (
            ["kr", "leadership/raise-basket/x", "--title", "X", "--type", "milestone"],
            "error: type 'milestone' is not one of target, stay_above, stay_below, done, "
            "checklist, score",
        ),
        (
            [
                "kr",
                "leadership/raise-basket/x",
                "--title",
                "X",
                "--item",
                "Part A",
                "--type",
                "checklist",
            ],
            "error: item 'Part A' is not ID=Title (an ID of lowercase letters, digits and '-'), "
            "e.g. outline=Outline agreed|due=2026-10-15|weight=2",
        ),
        (
            ["kr", "leadership", "--title", "X"],
            "error: give TEAM/OBJECTIVE/ID (or run on a terminal to be asked)",
        ),
        (
            ["kr", "leadership/raise-basket/x", "--title", "X", "--unit", "count"],
            "error: it would not check clean: okrs/{period}/leadership.yaml:{line}:{col}: CX318 "
            "x (target) needs a target; nothing was written",
        ),
    ],
)
def test_what_cannot_be_added_is_refused_with_exit_2(
    fresh: Path, args: list[str], message: str
) -> None:
    head = git(fresh, "rev-parse", "HEAD")
    period = next(p.name for p in (fresh / "okrs").iterdir())
    declared = ", ".join(json.loads(ok(fresh, "report", "--format", "json"))["periods"][::-1])
    code, out, errors = run(fresh, "new", *args)
    assert (code, out) == (2, "")
    expected = message.format(period=period, declared=declared, line="{line}", col="{col}")
    if "{line}" in expected:
        before, after = expected.split("{line}:{col}")
        assert errors.startswith(before) and errors.rstrip().endswith(after), errors
    else:
        assert errors.rstrip() == expected
    assert git(fresh, "rev-parse", "HEAD") == head
    assert git(fresh, "status", "--porcelain") == ""


@pytest.mark.parametrize("kind", ["team", "metric", "objective", "kr"])
def test_each_new_command_has_help_with_an_example(kind: str) -> None:
    result = CliRunner().invoke(app, ["new", kind, "--help"])
    assert result.exit_code == 0
    assert f"Example: cxokr new {kind} " in result.stdout
