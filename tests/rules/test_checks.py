"""Cross-file rules: a broken file never makes other files report false problems."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cxokr.cli import app
from cxokr.load import workspace
from cxokr.problems import Severity
from cxokr.rules import checks
from tests.compute.test_report import FILES
from tests.conftest import BASE, WriteFiles, write_files


def codes(root: object) -> list[str]:
    ws = workspace.load(root)  # type: ignore[arg-type]
    return [f"{p.path}: {p.code}" for p in checks.check(ws)]


def test_broken_team_file_reports_only_itself(make_ws: WriteFiles) -> None:
    root = make_ws({"teams/ecommerce.yaml": "name: [unclosed\n"})
    assert codes(root) == ["teams/ecommerce.yaml: CX102"]


def test_broken_parent_team_does_not_orphan_its_children(make_ws: WriteFiles) -> None:
    root = make_ws({"teams/company.yaml": "name: Executive team\nlevel: one\n"})
    assert codes(root) == ["teams/company.yaml: CX203"]


def test_broken_metric_file_reports_only_itself(make_ws: WriteFiles) -> None:
    root = make_ws({"metrics/aov.yaml": "name: AOV\nunit: USD\ndirection: up\n"})
    assert codes(root) == ["metrics/aov.yaml: CX203"]


def test_broken_config_reports_only_itself(make_ws: WriteFiles) -> None:
    root = make_ws(
        {
            "cxokr.yaml": "organization: Acme\nperiods:\n  - {id: 2026, start: 2026-13-01, end: 2026-12-31}\n"
        }
    )
    assert codes(root) == ["cxokr.yaml: CX205"]


def test_missing_team_is_still_reported(make_ws: WriteFiles) -> None:
    root = make_ws({"teams/ecommerce.yaml": None, "checkins/2026-Q4/ecommerce.yaml": None})
    assert "okrs/2026-Q4/ecommerce.yaml: CX301" in codes(root)


# --- Where a target's progress runs from ----------------------------------------------------


def _aov_online(target: str, readings: str) -> dict[str, str]:
    """The hand-computed workspace with aov-online's target and its metric's readings changed."""
    okrs = FILES["okrs/2026-Q4/ecommerce.yaml"].replace(
        "target: 64, weight: 2", f"target: {target}, weight: 2"
    )
    return {**FILES, "okrs/2026-Q4/ecommerce.yaml": okrs, "readings/aov.yaml": readings}


def test_a_start_read_before_the_period_that_equals_the_target_is_an_error(tmp_path: Path) -> None:
    # aov-online has no start: it runs from the newest online reading before 10-01, 58 on 09-30
    root = write_files(tmp_path / "ws", _aov_online("58", FILES["readings/aov.yaml"]))
    [problem] = checks.check(workspace.load(root))
    assert (problem.path, problem.line, problem.code) == (
        "okrs/2026-Q4/ecommerce.yaml",
        8,
        "CX321",
    )
    assert problem.severity is Severity.ERROR
    assert problem.message == (
        "aov-online has no start and aov's newest reading before 2026-10-01 (2026-09-30) is 58,"
        " its target; nothing to move"
    )


def test_a_target_without_a_start_is_an_error(tmp_path: Path) -> None:
    in_period = "\n".join(
        line
        for line in FILES["readings/aov.yaml"].splitlines()
        if "2026-09" not in line and "06-30" not in line
    )
    root = write_files(tmp_path / "ws", _aov_online("64", in_period))
    [problem] = checks.check(workspace.load(root))
    assert (problem.path, problem.line, problem.code) == (
        "okrs/2026-Q4/ecommerce.yaml",
        8,
        "CX319",
    )
    assert problem.severity is Severity.ERROR
    assert problem.message == "aov-online has no start and aov has no reading before 2026-10-01"


# --- Messages that lead to the fix, through `cxokr check` ---------------------------------

runner = CliRunner()

OKRS = "okrs/2026-Q4/ecommerce.yaml"


def check_lines(root: Path, *args: str) -> tuple[int, list[str]]:
    """Exit code and output lines of `cxokr check` on the workspace at root."""
    result = runner.invoke(app, ["check", "-w", str(root), *args])
    return result.exit_code, result.stdout.splitlines()


def _aligned_to(ref: str) -> dict[str, str]:
    """The base workspace with grow-basket aligned to `ref`."""
    okrs = BASE[OKRS].replace("aligns_to: 2026:company/raise-aov", f"aligns_to: {ref}")
    return {OKRS: okrs}


def test_a_ref_to_an_objective_of_the_enclosing_period_says_the_ref_to_write(
    make_ws: WriteFiles,
) -> None:
    root = make_ws(_aligned_to("company/raise-aov"))
    assert check_lines(root) == (
        1,
        [
            f"{OKRS}:4:5: CX303 error: aligns_to company/raise-aov: company has no objective "
            "'raise-aov' in 2026-Q4; it is in 2026: write 2026:company/raise-aov"
        ],
    )


def test_a_ref_to_a_key_result_of_the_enclosing_period_says_the_ref_to_write(
    make_ws: WriteFiles,
) -> None:
    root = make_ws(_aligned_to("company/raise-aov/aov"))
    assert check_lines(root) == (
        1,
        [
            f"{OKRS}:4:5: CX303 error: aligns_to company/raise-aov/aov: company has no objective "
            "'raise-aov' in 2026-Q4; it is in 2026: write 2026:company/raise-aov/aov"
        ],
    )


def test_a_share_of_a_key_result_of_the_enclosing_period_says_the_ref_to_write(
    make_ws: WriteFiles,
) -> None:
    okrs = BASE[OKRS] + "          - {id: mine, title: Our part, shares: company/raise-aov/aov}\n"
    root = make_ws({OKRS: okrs})
    assert check_lines(root) == (
        1,
        [
            f"{OKRS}:12:37: CX303 error: shares company/raise-aov/aov: company has no objective "
            "'raise-aov' in 2026-Q4; it is in 2026: write 2026:company/raise-aov/aov"
        ],
    )


def test_a_misspelt_team_in_a_ref_names_the_closest_team(make_ws: WriteFiles) -> None:
    root = make_ws(_aligned_to("2026:compnay/raise-aov"))
    assert check_lines(root) == (
        1,
        [
            f"{OKRS}:4:5: CX301 error: aligns_to 2026:compnay/raise-aov: team 'compnay' does "
            "not exist (did you mean 'company'?)"
        ],
    )


def test_a_misspelt_objective_in_a_ref_names_the_closest_objective(make_ws: WriteFiles) -> None:
    root = make_ws(_aligned_to("2026:company/raise-aob"))
    assert check_lines(root) == (
        1,
        [
            f"{OKRS}:4:5: CX303 error: aligns_to 2026:company/raise-aob: company has no objective "
            "'raise-aob' in 2026 (did you mean 'raise-aov'?)"
        ],
    )


def test_a_misspelt_key_result_in_a_ref_names_the_closest_key_result(make_ws: WriteFiles) -> None:
    root = make_ws(_aligned_to("2026:company/raise-aov/aob"))
    assert check_lines(root) == (
        1,
        [
            f"{OKRS}:4:5: CX303 error: aligns_to 2026:company/raise-aov/aob: company/raise-aov "
            "has no key result 'aob' (did you mean 'aov'?)"
        ],
    )


def test_a_ref_with_nothing_close_gives_no_guess(make_ws: WriteFiles) -> None:
    root = make_ws(_aligned_to("2026:company/happy"))
    assert check_lines(root) == (
        1,
        [
            f"{OKRS}:4:5: CX303 error: aligns_to 2026:company/happy: company has no objective "
            "'happy' in 2026"
        ],
    )


def test_a_ref_to_an_undeclared_period_gives_the_command_that_declares_it(
    make_ws: WriteFiles,
) -> None:
    root = make_ws(_aligned_to("2027:company/raise-aov"))
    assert check_lines(root) == (
        1,
        [
            f"{OKRS}:4:5: CX306 error: aligns_to 2027:company/raise-aov: period '2027' is not "
            "declared in cxokr.yaml; declare it: cxokr period add 2027 --start 2027-01-01 "
            "--end 2027-12-31"
        ],
    )


def test_a_ref_to_a_period_in_the_wrong_case_names_the_declared_one(make_ws: WriteFiles) -> None:
    root = make_ws(_aligned_to("2026-q4:company/raise-aov"))
    assert check_lines(root) == (
        1,
        [
            f"{OKRS}:4:5: CX306 error: aligns_to 2026-q4:company/raise-aov: period '2026-q4' is "
            "not declared in cxokr.yaml (did you mean '2026-Q4'?)"
        ],
    )


def test_an_undeclared_period_folder_gives_the_command_with_its_dates(make_ws: WriteFiles) -> None:
    root = make_ws(
        {
            "okrs/2027-Q1/ecommerce.yaml": "objectives: []\n",
            "checkins/2026-H1/ecommerce.yaml": "[]\n",
            "okrs/2026-11/company.yaml": "objectives: []\n",
        }
    )
    assert check_lines(root) == (
        1,
        [
            "checkins/2026-H1/ecommerce.yaml:1:1: CX306 error: period '2026-H1' is not declared in "
            "cxokr.yaml; declare it: cxokr period add 2026-H1 --start 2026-01-01 --end 2026-06-30",
            "okrs/2026-11/company.yaml:1:1: CX306 error: period '2026-11' is not declared in "
            "cxokr.yaml; declare it: cxokr period add 2026-11 --start 2026-11-01 --end 2026-11-30",
            "okrs/2027-Q1/ecommerce.yaml:1:1: CX306 error: period '2027-Q1' is not declared in "
            "cxokr.yaml; declare it: cxokr period add 2027-Q1 --start 2027-01-01 --end 2027-03-31",
        ],
    )


def test_an_undeclared_period_of_another_form_gives_the_command_to_fill_in(
    make_ws: WriteFiles,
) -> None:
    root = make_ws({"okrs/sprint-1/ecommerce.yaml": "objectives: []\n"})
    assert check_lines(root) == (
        1,
        [
            "okrs/sprint-1/ecommerce.yaml:1:1: CX306 error: period 'sprint-1' is not declared in "
            "cxokr.yaml; declare it: cxokr period add sprint-1 --start YYYY-MM-DD --end YYYY-MM-DD"
        ],
    )


def test_a_misspelt_team_file_names_the_closest_team(make_ws: WriteFiles) -> None:
    root = make_ws({"okrs/2026-Q4/ecomerce.yaml": "objectives: []\n"})
    assert check_lines(root) == (
        1,
        [
            "okrs/2026-Q4/ecomerce.yaml:1:1: CX301 error: team 'ecomerce' has no "
            "teams/ecomerce.yaml (did you mean 'ecommerce'?)"
        ],
    )


def test_a_misspelt_parent_and_metric_owner_name_the_closest_team(make_ws: WriteFiles) -> None:
    root = make_ws(
        {
            "teams/ecommerce.yaml": "name: E-commerce\nlevel: 3\nparent: compnay\n",
            "metrics/aov.yaml": BASE["metrics/aov.yaml"].replace(
                "direction: higher", "direction: higher\n        owner: ecommerc"
            ),
        }
    )
    assert check_lines(root) == (
        1,
        [
            "metrics/aov.yaml:4:1: CX301 error: owner team 'ecommerc' not found "
            "(did you mean 'ecommerce'?)",
            "teams/ecommerce.yaml:3:1: CX315 error: parent team 'compnay' not found "
            "(did you mean 'company'?)",
        ],
    )


def test_a_misspelt_metric_and_segment_name_the_closest_ones(make_ws: WriteFiles) -> None:
    okrs = (
        BASE[OKRS]
        .replace("metric: aov", "metric: aov-")
        .replace("segment: online", "segment: onlin")
    )
    company = BASE["okrs/2026/company.yaml"].replace("segment: online", "segment: in-stor")
    root = make_ws({OKRS: okrs, "okrs/2026/company.yaml": company})
    assert check_lines(root) == (
        1,
        [
            f"{OKRS}:8:9: CX302 error: metric 'aov-' is not in metrics/ (did you mean 'aov'?)",
            "okrs/2026/company.yaml:8:9: CX310 error: segment 'in-stor' is not declared by aov "
            "(declared: online, in-store) (did you mean 'in-store'?)",
        ],
    )


def test_logs_name_the_closest_key_result_metric_and_segment(make_ws: WriteFiles) -> None:
    root = make_ws(
        {
            "checkins/2026-Q4/ecommerce.yaml": (
                '- {"kr": "grow-basket/aov-onlin", "date": "2026-11-20", "value": 61.2}\n'
                '- {"kr": "grow-baskt/aov-online", "date": "2026-11-21", "value": 61.3}\n'
            ),
            "readings/aov.yaml": '- {"date": "2026-11-20", "value": 61.2, "segment": "onlin"}\n',
            "readings/aovs.yaml": '- {"date": "2026-11-20", "value": 61.2}\n',
        }
    )
    assert check_lines(root) == (
        1,
        [
            "checkins/2026-Q4/ecommerce.yaml:1:1: CX307 error: grow-basket/aov-onlin is not a key "
            "result of ecommerce in 2026-Q4 (did you mean 'grow-basket/aov-online'?)",
            "checkins/2026-Q4/ecommerce.yaml:2:1: CX307 error: grow-baskt/aov-online is not a key "
            "result of ecommerce in 2026-Q4 (did you mean 'grow-basket/aov-online'?)",
            "readings/aov.yaml:1:1: CX310 error: segment 'onlin' is not declared by aov "
            "(did you mean 'online'?)",
            "readings/aovs.yaml:1:1: CX309 error: no metric 'aovs' in metrics/aovs.yaml "
            "(did you mean 'aov'?)",
        ],
    )


def test_hints_read_the_same_in_json_and_github_formats(make_ws: WriteFiles) -> None:
    root = make_ws(_aligned_to("company/raise-aov"))
    hint = (
        "aligns_to company/raise-aov: company has no objective 'raise-aov' in 2026-Q4; "
        "it is in 2026: write 2026:company/raise-aov"
    )
    code, out = check_lines(root, "--format", "json")
    [found] = json.loads("\n".join(out))["problems"]
    assert (code, found["code"], found["message"]) == (1, "CX303", hint)
    code, out = check_lines(root, "--format", "github")
    assert code == 1
    assert out[0].startswith("::error file=")
    assert out[0].endswith(f"/ws/{OKRS},line=4,col=5,title=CX303::{hint}")


# --- Values YAML reads as something else ----------------------------------------------


def test_an_unquoted_percent_unit_says_to_quote_it(make_ws: WriteFiles) -> None:
    root = make_ws({"metrics/conversion.yaml": "name: Conversion\nunit: %\ndirection: higher\n"})
    assert check_lines(root) == (
        1,
        [
            "metrics/conversion.yaml:2:7: CX102 error: YAML syntax error: found character that "
            "cannot start any token; a value starting with '%' must be quoted: write unit: \"%\""
        ],
    )


def test_an_unquoted_handle_or_backtick_says_to_quote_it(make_ws: WriteFiles) -> None:
    company = "name: Executive team\nlevel: 1\nlead: @dana\n"
    okrs = BASE[OKRS].replace(
        "title: Raise online AOV from 58 to 64 USD", "title: `aov` from 58 to 64"
    )
    root = make_ws({"teams/company.yaml": company, OKRS: okrs})
    code, lines = check_lines(root)
    assert code == 1
    assert lines == [
        f"{OKRS}:7:16: CX102 error: YAML syntax error: found character that cannot start any "
        "token; a value starting with '`' must be quoted: write title: \"`aov` from 58 to 64\"",
        "teams/company.yaml:3:7: CX102 error: YAML syntax error: found character that cannot "
        "start any token; a value starting with '@' must be quoted: write lead: \"@dana\"",
    ]


def test_a_title_holding_colon_space_says_to_quote_it(make_ws: WriteFiles) -> None:
    okrs = BASE[OKRS].replace(
        "title: Shoppers find more to love in every basket", "title: Basket: find more # why"
    )
    root = make_ws({OKRS: okrs})
    assert check_lines(root) == (
        1,
        [
            f"{OKRS}:3:18: CX102 error: YAML syntax error: mapping values are not allowed in "
            "this context; a value containing ': ' must be quoted: write title: "
            '"Basket: find more"'
        ],
    )


def test_a_title_starting_with_an_alias_or_a_bracket_says_to_quote_it(
    make_ws: WriteFiles,
) -> None:
    okrs = BASE[OKRS].replace(
        "title: Shoppers find more to love in every basket", "title: *Bigger* baskets"
    )
    company = BASE["okrs/2026/company.yaml"].replace(
        "title: Raise AOV 10% this year", "title: [Y1] AOV up"
    )
    root = make_ws({OKRS: okrs, "okrs/2026/company.yaml": company})
    assert check_lines(root) == (
        1,
        [
            f"{OKRS}:3:19: CX102 error: YAML syntax error: did not find expected alphabetic or "
            "numeric character; a value starting with '*' must be quoted: write title: "
            '"*Bigger* baskets"',
            "okrs/2026/company.yaml:3:17: CX102 error: YAML syntax error: did not find expected "
            "key; a value starting with '[' must be quoted: write title: \"[Y1] AOV up\"",
        ],
    )


def test_a_refused_alias_or_tag_says_how_to_write_it_as_text(make_ws: WriteFiles) -> None:
    root = make_ws(
        {
            "teams/company.yaml": "name: *exec\nlevel: 1\n",
            "teams/ecommerce.yaml": "name: !web shop\nlevel: 3\nparent: company\n",
        }
    )
    assert check_lines(root) == (
        1,
        [
            "teams/company.yaml:1:7: CX104 error: alias *exec is not allowed; text starting "
            "with '*' must be quoted: write name: \"*exec\"",
            "teams/ecommerce.yaml:1:7: CX113 error: tag !web is not allowed; text starting "
            "with '!' must be quoted: write name: \"!web shop\"",
        ],
    )


def test_an_anchor_or_block_sign_starting_text_and_a_log_note_say_to_quote_it(
    make_ws: WriteFiles,
) -> None:
    root = make_ws(
        {
            "teams/company.yaml": "name: & Co\nlevel: 1\n",
            "teams/ecommerce.yaml": "name: > web\nlevel: 3\nparent: company\n",
            "checkins/2026-Q4/ecommerce.yaml": (
                '- {"kr": "grow-basket/aov-online", "date": "2026-11-20", "value": 61.2}\n'
                "- {kr: grow-basket/aov-online, date: 2026-11-21, note: @dana says hi}\n"
            ),
        }
    )
    assert check_lines(root) == (
        1,
        [
            "checkins/2026-Q4/ecommerce.yaml:2:56: CX102 error: YAML syntax error: found "
            "character that cannot start any token; a value starting with '@' must be quoted: "
            'write "@dana says hi"',
            "teams/company.yaml:1:8: CX102 error: YAML syntax error: did not find expected "
            "alphabetic or numeric character; a value starting with '&' must be quoted: "
            'write name: "& Co"',
            "teams/ecommerce.yaml:1:9: CX102 error: YAML syntax error: did not find expected "
            "comment or line break; a value starting with '>' must be quoted: "
            'write name: "> web"',
        ],
    )
