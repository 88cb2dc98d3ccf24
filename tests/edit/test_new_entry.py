"""New team and metric files, the checks every new entry shares, and refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxokr.edit import new_entry
from cxokr.errors import UsageError
from cxokr.load import workspace
from cxokr.model import Direction
from cxokr.rules import checks
from tests.conftest import WriteFiles


def clean(root: Path) -> bool:
    return not checks.check_workspace(workspace.load(root)).failed()


def refused(root: Path, write: object) -> str:
    before = sorted(p for p in root.rglob("*") if p.is_file())
    with pytest.raises(UsageError) as caught:
        write()  # type: ignore[operator]
    assert sorted(p for p in root.rglob("*") if p.is_file()) == before
    return str(caught.value)


def test_a_new_team_is_a_file_of_its_own_that_checks_clean(make_ws: WriteFiles) -> None:
    root = make_ws()
    fields = {"name": "Loyalty: the app", "level": 3, "parent": "company", "members": ["a", "b"]}
    added = new_entry.new_team(workspace.load(root), "loyalty", fields)
    assert (root / "teams/loyalty.yaml").read_text(encoding="utf-8") == (
        "# yaml-language-server: $schema=../schemas/team.schema.json\n"
        'name: "Loyalty: the app"\nlevel: 3\nparent: company\nmembers: [a, b]\n'
    )
    assert (added.ref, added.line, added.message) == (
        "loyalty",
        2,
        "new: team loyalty (Loyalty: the app)",
    )
    assert clean(root)


def test_a_new_metric_is_a_file_of_its_own_that_checks_clean(make_ws: WriteFiles) -> None:
    root = make_ws()
    fields = {
        "name": "Repeat rate",
        "unit": "%",
        "direction": Direction.HIGHER,
        "owner": "ecommerce",
        "segments": ["online", "in-store"],
    }
    added = new_entry.new_metric(workspace.load(root), "repeat-rate", fields)
    assert (root / "metrics/repeat-rate.yaml").read_text(encoding="utf-8") == (
        "# yaml-language-server: $schema=../schemas/metric.schema.json\n"
        'name: Repeat rate\nunit: "%"\ndirection: higher\nowner: ecommerce\n'
        "segments: [online, in-store]\n"
    )
    assert added.message == "new: metric repeat-rate (Repeat rate, %)"
    assert clean(root)


@pytest.mark.parametrize(
    ("ident", "fields", "message"),
    [
        (
            "ecommerce",
            {"name": "E", "level": 3},
            "team 'ecommerce' already exists (teams/ecommerce.yaml)",
        ),
        (
            "Loyalty Team",
            {"name": "E", "level": 3},
            "team ID 'Loyalty Team' is not a valid ID (lowercase letters, digits and '-', "
            "at most 64); for example loyalty-team",
        ),
        (
            "loyalty",
            {"name": "E", "level": 3, "parent": "compnay"},
            "no team 'compnay'; did you mean company? (add one with: cxokr new team compnay)",
        ),
        (
            "loyalty",
            {"name": "", "level": 3},
            "the new team is not valid: name: String should have at least 1 character (got '')",
        ),
    ],
)
def test_a_team_that_cannot_be_added_is_refused(
    make_ws: WriteFiles, ident: str, fields: dict[str, object], message: str
) -> None:
    root = make_ws()
    assert refused(root, lambda: new_entry.new_team(workspace.load(root), ident, fields)) == message


def test_a_metric_with_a_bad_segment_or_owner_is_refused(make_ws: WriteFiles) -> None:
    root = make_ws()
    ws = workspace.load(root)
    base = {"name": "N", "unit": "count", "direction": Direction.LOWER}
    assert refused(
        root, lambda: new_entry.new_metric(ws, "m", {**base, "segments": ["In Store"]})
    ) == (
        "segment ID 'In Store' is not a valid ID (lowercase letters, digits and '-', at most 64); "
        "for example in-store"
    )
    assert refused(root, lambda: new_entry.new_metric(ws, "m", {**base, "owner": "shop"})) == (
        "no team 'shop' (add one with: cxokr new team shop)"
    )
    assert refused(root, lambda: new_entry.new_metric(ws, "aov", base)) == (
        "metric 'aov' already exists (metrics/aov.yaml)"
    )


def test_a_team_whose_parent_would_make_a_cycle_is_refused_located(make_ws: WriteFiles) -> None:
    root = make_ws({"teams/company.yaml": "name: Executive team\nlevel: 1\nparent: loyalty\n"})
    ws = workspace.load(root)
    message = refused(
        root,
        lambda: new_entry.new_team(ws, "loyalty", {"name": "L", "level": 2, "parent": "company"}),
    )
    assert message.startswith("it would not check clean: teams/")
    assert message.endswith("; nothing was written")


def test_errors_the_workspace_had_before_are_counted_not_refused(make_ws: WriteFiles) -> None:
    root = make_ws({"teams/stores.yaml": "name: Stores\nlevel: 3\nparent: retail\n"})
    added = new_entry.new_team(workspace.load(root), "loyalty", {"name": "L", "level": 3})
    assert added.remaining == 1


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Grow the basket!", "grow-the-basket"),
        ("  Über  NPS 2026 ", "ber-nps-2026"),
        ("x" * 70, "x" * 64),
        ("word " * 20, "-".join(["word"] * 13)),
        ("!!!", ""),
    ],
)
def test_an_id_is_suggested_from_a_title(title: str, slug: str) -> None:
    assert new_entry.suggest_id(title) == slug


@pytest.mark.parametrize("text", ["0", "5", "two"])
def test_a_level_is_one_to_four(text: str) -> None:
    with pytest.raises(UsageError, match=f"level '{text}' is not 1, 2, 3 or 4"):
        new_entry.level(text)


def test_a_direction_is_higher_or_lower() -> None:
    assert new_entry.direction("Lower") is Direction.LOWER
    with pytest.raises(UsageError, match="direction 'up' is not higher or lower"):
        new_entry.direction("up")
