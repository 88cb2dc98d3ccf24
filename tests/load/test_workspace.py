"""Loading a workspace from its sources (the folder, or files held in memory as read from a
git revision), and the table of file kinds the loader reads."""

from __future__ import annotations

from pathlib import Path

from cxokr.load import kinds, workspace
from cxokr.load.cache import Cache
from cxokr.load.source import Files, Folder
from cxokr.problems import Problem
from tests.conftest import WriteFiles, write_files
from tests.paths import REPO

EXAMPLE = REPO / "examples" / "retail-cx"


def files_of(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and ".cxokr" not in p.parts
    }


def test_files_load_exactly_as_the_folder_does() -> None:
    from_folder = workspace.load(EXAMPLE)
    from_files = workspace.load_files(EXAMPLE, files_of(EXAMPLE))
    assert from_files == from_folder


def test_files_yield_the_same_problems_as_the_folder(make_ws: WriteFiles) -> None:
    root = make_ws(
        {
            "teams/Bad Name.yaml": "name: x\nlevel: 1\n",
            "teams/ops.yml": "name: Ops\nlevel: 2\n",
            "okrs/stray.yaml": "objectives: []\n",
            "metrics/nested/x.yaml": "name: x\n",
            "teams/support.yaml": "name: Support\nlevel: [\n",
        }
    )
    expected = workspace.load(root).problems
    assert {p.code for p in expected} == {"CX102", "CX115", "CX305"}
    assert workspace.load_files(root, files_of(root)).problems == expected


def test_an_oversized_file_is_a_problem_not_a_read(make_ws: WriteFiles) -> None:
    root = make_ws()
    files = files_of(root)
    files["readings/aov.yaml"] = b"#" * (workspace.yamlio.MAX_LOG_BYTES + 1)
    ws = workspace.load_files(root, files)
    assert [p.code for p in ws.problems] == ["CX106"]
    assert ws.readings["aov"].entries == ()


def test_no_files_is_an_empty_workspace(tmp_path: Path) -> None:
    ws = workspace.load_files(tmp_path, {})
    assert ws.config is None
    assert not ws.okrs
    assert not ws.problems


def test_each_kind_is_read_from_the_path_the_table_gives(tmp_path: Path) -> None:
    files = {
        kinds.CONFIG.path(): "organization: Acme\nperiods:\n"
        "  - {id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}\n",
        kinds.TEAM.path("ops"): "name: Ops\nlevel: 1\n",
        kinds.METRIC.path("nps"): "name: NPS\nunit: points\ndirection: higher\n",
        kinds.OKRS.path("2026-Q4", "ops"): "objectives: []\n",
        kinds.CHECKINS.path("2026-Q4", "ops"): '- {"kr": "grow/nps", "date": "2026-10-02"}\n',
        kinds.READINGS.path("nps"): '- {"date": "2026-10-02", "value": 3}\n',
    }
    assert set(files) == {
        "cxokr.yaml",
        "teams/ops.yaml",
        "metrics/nps.yaml",
        "okrs/2026-Q4/ops.yaml",
        "checkins/2026-Q4/ops.yaml",
        "readings/nps.yaml",
    }
    root = write_files(tmp_path, dict(files))
    ws = workspace.load(root)
    assert ws.problems == ()
    assert ws.config is not None and ws.config.organization == "Acme"
    assert ws.teams["ops"].name == "Ops" and ws.metrics["nps"].unit == "points"
    assert ws.okrs[("2026-Q4", "ops")].objectives == []
    assert len(ws.checkins[("2026-Q4", "ops")].entries) == 1
    assert ws.readings["nps"].entries[0].value == 3
    assert workspace.load_files(root, files_of(root)) == ws


def test_a_kind_accepts_only_outcomes_of_its_own_kind() -> None:
    team = kinds.TEAM.parse(b"name: Ops\nlevel: 1\n")
    metric = kinds.METRIC.parse(b"name: NPS\nunit: points\ndirection: higher\n")
    readings = kinds.READINGS.parse(b'- {"date": "2026-10-02", "value": 3}\n')
    assert kinds.TEAM.accept(team) is team
    assert kinds.TEAM.accept(metric) is None
    assert kinds.TEAM.accept(readings) is None
    assert kinds.READINGS.accept(readings) is readings
    assert kinds.CHECKINS.accept(readings) is None
    assert kinds.TEAM.accept(None) is None
    broken = kinds.TEAM.parse(b"name: [\n")
    assert broken.failed and kinds.METRIC.accept(broken) is broken  # no model to tell by


def test_both_sources_list_and_admit_files_alike(make_ws: WriteFiles) -> None:
    root = make_ws(
        {"teams/ops.yml": "name: Ops\nlevel: 2\n", "okrs/stray.yaml": "objectives: []\n"}
    ).resolve()
    folder, files = Folder(root), Files(root, files_of(root))
    said: tuple[list[Problem], list[Problem]] = ([], [])
    for rel_dir in ("teams", "metrics", "okrs", "okrs/2026-Q4", "checkins", "readings"):
        listed = list(folder.listing(rel_dir, said[0]))
        assert listed == list(files.listing(rel_dir, said[1]))
        for _, rel, is_folder in listed:
            assert is_folder or folder.admit(rel, said[0]) == files.admit(rel, said[1])
    assert said == ([], [])
    assert ("ops.yml", "teams/ops.yml", False) in list(files.listing("teams", []))
    assert ("2026-Q4", "okrs/2026-Q4", True) in list(files.listing("okrs", []))
    assert folder.signed and not files.signed


def test_files_of_a_revision_are_found_by_content_never_by_signature(make_ws: WriteFiles) -> None:
    root = make_ws()
    cache = Cache(None)
    first = workspace.load_files(root, files_of(root), cache)
    parsed = cache.added
    again = workspace.load_files(root, files_of(root), cache)
    assert again == first and parsed == 8
    assert cache.added == parsed  # the same bytes: nothing parsed twice
    assert cache.recalled == 0 and cache.files == {}  # nothing vouched for by signature


def test_a_start_or_target_in_no_form_it_takes_is_told_once_with_the_forms(
    make_ws: WriteFiles,
) -> None:
    okrs = """
        objectives:
          - id: raise-aov
            title: Raise AOV
            key_results:
              - {id: a, title: A, unit: USD, start: last, target: 5}
              - {id: b, title: B, unit: USD, start: 1, target: "+10"}
              - {id: c, title: C, unit: USD, start: {reading: 2026-13-01}, target: 5}
              - {id: d, title: D, unit: USD, start: true, target: 5}
    """
    ws = workspace.load(make_ws({"okrs/2026/company.yaml": okrs}))
    found = [(p.line, p.code, p.message) for p in ws.problems]
    where = "objectives[0].key_results"
    assert found == [
        (
            5,
            "CX203",
            f"{where}[0].start: write a number, 'first', or {{reading: YYYY-MM-DD}} (got 'last')",
        ),
        (
            6,
            "CX203",
            f"{where}[1].target: '+10': write a number, or a change from the start such as '+10%'",
        ),
        (
            7,
            "CX205",
            f"{where}[2].start.reading: '2026-13-01' is not a valid date (Input should be a valid "
            "date or datetime, month value is outside expected range of 1-12)",
        ),
        (
            8,
            "CX203",
            f"{where}[3].start: write a number, 'first', or {{reading: YYYY-MM-DD}} (got True)",
        ),
    ]


# --- Unknown keys and values name the closest ones, through `cxokr check` -------------------


def _check(root: Path) -> tuple[int, list[str]]:
    from typer.testing import CliRunner

    from cxokr.cli import app

    result = CliRunner().invoke(app, ["check", "-w", str(root)])
    return result.exit_code, result.stdout.splitlines()


def test_an_unknown_key_names_the_closest_keys_it_takes_there(make_ws: WriteFiles) -> None:
    company = """
        objectives:
          - id: raise-aov
            titel: Raise AOV 10% this year
            key_results:
              - {id: aov, title: AOV up, metric: aov, segment: online, start: 60, target: 64,
                 wieght: 2}
    """
    root = make_ws(
        {
            "okrs/2026/company.yaml": company,
            "teams/company.yaml": "name: Executive team\nlevel: 1\nmembres: [dana]\n",
            "cxokr.yaml": """
                organization: Acme Retail
                periods:
                  - {id: 2026, start: 2026-01-01, end: 2026-12-31, closd: 2026-12-31}
                  - {id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}
                status: {on_trak: 0.9}
            """,
        }
    )
    assert _check(root) == (
        1,
        [
            "cxokr.yaml:3:52: CX202 error: unknown key 'closd' in periods[0] (did you mean "
            "'closed'?)",
            "cxokr.yaml:5:10: CX202 error: unknown key 'on_trak' in status (did you mean "
            "'on_track'?)",
            "okrs/2026/company.yaml:2:5: CX201 error: objectives[0].title: required key missing",
            "okrs/2026/company.yaml:3:5: CX202 error: unknown key 'titel' in objectives[0] "
            "(did you mean 'title'?)",
            "okrs/2026/company.yaml:6:10: CX202 error: unknown key 'wieght' in "
            "objectives[0].key_results[0] (did you mean 'weight'?)",
            "teams/company.yaml:3:1: CX202 error: unknown key 'membres' in the file "
            "(did you mean 'members'?)",
        ],
    )


def test_an_unknown_key_with_nothing_close_gives_no_guess(make_ws: WriteFiles) -> None:
    root = make_ws({"teams/company.yaml": "name: Executive team\nlevel: 1\ncolour: red\n"})
    assert _check(root) == (
        1,
        ["teams/company.yaml:3:1: CX202 error: unknown key 'colour' in the file"],
    )


def test_a_value_not_among_the_choices_names_the_closest(make_ws: WriteFiles) -> None:
    root = make_ws(
        {
            "metrics/aov.yaml": "name: AOV\nunit: USD\ndirection: hihger\n",
            "okrs/2026/company.yaml": """
                objectives:
                  - id: raise-aov
                    title: Raise AOV 10% this year
                    key_results:
                      - {id: aov, title: AOV up, type: stay_abov, metric: aov, target: 64}
            """,
        }
    )
    assert _check(root) == (
        1,
        [
            "metrics/aov.yaml:3:1: CX203 error: direction: 'hihger' is not one of 'higher' or "
            "'lower' (did you mean 'higher'?)",
            "okrs/2026/company.yaml:5:34: CX203 error: objectives[0].key_results[0].type: "
            "'stay_abov' is not one of 'target', 'stay_above', 'stay_below', 'done', 'checklist' "
            "or 'score' (did you mean 'stay_above' or 'stay_below'?)",
        ],
    )


def test_a_file_name_that_is_not_an_id_says_what_to_rename_it_to(make_ws: WriteFiles) -> None:
    root = make_ws(
        {
            "teams/Support_Team.yaml": "name: Support\nlevel: 3\nparent: company\n",
            "okrs/2026-Q4/Web Shop.yaml": "objectives: []\n",
            "metrics/ü.yaml": "name: U\nunit: count\ndirection: higher\n",
        }
    )
    assert _check(root) == (
        1,
        [
            "metrics/ü.yaml: CX305 error: file name 'ü' is not a valid ID (lowercase letters, "
            "digits and '-', at most 64)",
            "okrs/2026-Q4/Web Shop.yaml: CX305 error: file name 'Web Shop' is not a valid ID "
            "(lowercase letters, digits and '-', at most 64); rename it to web-shop.yaml",
            "teams/Support_Team.yaml: CX305 error: file name 'Support_Team' is not a valid ID "
            "(lowercase letters, digits and '-', at most 64); rename it to support-team.yaml",
        ],
    )
