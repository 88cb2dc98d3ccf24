"""No silent coercion: dates, moments, level keys, CSV cells and text are read one way only.

Each case goes through the real CLI (`check`, `import`, `checkin --from`) and
asserts the located problem or the usage error, never a silent acceptance and
never an internal error.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cxokr.cli import app
from tests.conftest import WriteFiles, git

KR = "ecommerce/grow-basket/aov-online"
CHECKINS = "checkins/2026-Q4/ecommerce.yaml"
READINGS = "readings/aov.yaml"
CONFIG = """
    organization: Acme Retail
    periods:
      - {id: 2026, start: 2026-01-01, end: 2026-12-31}
      - {id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}
"""
# 2026-11-20T00:00:00Z as a Unix timestamp: midnight, so Pydantic alone read it as that day.
MIDNIGHT = 1795046400


def run(root: Path, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*args, "--workspace", str(root)], input=stdin)
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


def check(root: Path) -> tuple[int, list[str]]:
    """Exit code of `cxokr check` and its `path:line:col: CODE` lines."""
    code, out, _ = run(root, "check")
    found = [" ".join(line.split()[:2]).removesuffix(":") for line in out.splitlines()]
    return code, [line for line in found if " CX" in line]


# --- dates and moments -------------------------------------------------------------------


@pytest.mark.parametrize(
    "entry",
    [
        f'"date": {MIDNIGHT}, "value": 1',
        '"date": "1763510400", "value": 1',
        '"date": "2026-11-20T00:00:00", "value": 1',
        '"date": "2026-11-20", "value": 1, "at": 0',
        '"date": "2026-11-20", "value": 1, "at": "1795046400"',
        '"date": "2026-11-20", "value": 1, "at": "2026-11-20"',
    ],
)
def test_a_log_entry_takes_dates_and_moments_as_text_of_one_form(
    make_ws: WriteFiles, entry: str
) -> None:
    good = (
        '- {"date": "2026-11-19", "value": 60, "at": "2026-11-19T08:00:00+02:00"}\n'
        '- {"date": "2026-11-19", "value": 61, "at": "2026-11-19T09:30"}\n'
    )
    root = make_ws({READINGS: f"{good}- {{{entry}}}\n"})
    assert check(root) == (1, [f"{READINGS}:3:1: CX205"])  # only the coerced one


def test_a_hand_written_log_entry_takes_no_timestamp_for_a_date(make_ws: WriteFiles) -> None:
    root = make_ws(
        {READINGS: f"- date: {MIDNIGHT}\n  value: 1\n- {{date: 2026-11-20, value: 2, at: 0}}\n"}
    )
    assert check(root) == (1, [f"{READINGS}:1:1: CX205", f"{READINGS}:3:1: CX205"])


@pytest.mark.parametrize("start", [str(MIDNIGHT), "2026-10-01T00:00:00", "2026-10-01 00:00"])
def test_a_period_takes_no_timestamp_or_moment_for_a_date(make_ws: WriteFiles, start: str) -> None:
    root = make_ws({"cxokr.yaml": CONFIG.replace("start: 2026-10-01,", f"start: {start},")})
    assert check(root) == (1, ["cxokr.yaml:4:19: CX205"])  # a flow mapping's value: at its key


# --- level keys ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("levels", "where"),
    [
        ('{1: Executive, "1": Board}', "5:24: CX103"),
        ('{"1": Executive, 1: Board}', "5:26: CX103"),
        ('{"1": Executive, "01": Board}', "5:26: CX203"),
        ('{" 1": Executive}', "5:10: CX203"),
    ],
)
def test_a_level_is_keyed_one_way_only(make_ws: WriteFiles, levels: str, where: str) -> None:
    root = make_ws({"cxokr.yaml": CONFIG + f"    levels: {levels}\n"})
    assert check(root) == (1, [f"cxokr.yaml:{where}"])


# --- CSV import and checkin --from ----------------------------------------------------------


def import_csv(root: Path, tmp_path: Path, text: str) -> tuple[int, str]:
    source = tmp_path / "export.csv"
    source.write_text(text, encoding="utf-8")
    before = (root / READINGS).read_bytes()
    code, _, errors = run(root, "import", str(source), "--metric", "aov", "--no-commit")
    assert (root / READINGS).read_bytes() == before  # nothing written
    return code, errors


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("5_000", "line 5: value '5_000' is not a number"),
        ("\u0665\u0660", "line 5: value '\u0665\u0660' is not a number"),
        ("\uff15", "line 5: value '\uff15' is not a number"),
        ("nan", "line 5: value 'nan' is not a number"),
    ],
)
def test_import_takes_plain_decimals_only(
    make_ws: WriteFiles, tmp_path: Path, cell: str, message: str
) -> None:
    root = make_ws()
    good = "2026-11-15,-1.5,online\n2026-11-16,+.5,online\n2026-11-17,6.1E1,online\n"
    text = f"date,value,segment\n{good}2026-11-18,{cell},online\n"
    code, errors = import_csv(root, tmp_path, text)
    assert code == 1
    assert message in errors
    assert (
        "nothing written: 1 bad row; fix it, or pass --skip-invalid to import the other 3 rows"
        in errors
    )


@pytest.mark.parametrize("cell", ["20261119", "2026-W47-4"])
def test_import_takes_dates_as_yyyy_mm_dd_only(
    make_ws: WriteFiles, tmp_path: Path, cell: str
) -> None:
    root = make_ws()
    code, errors = import_csv(root, tmp_path, f"date,value\n2026-11-18,60\n{cell},61\n")
    assert code == 1
    assert f"line 3: date {cell!r} is not YYYY-MM-DD" in errors


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "date,value,Value\n2026-11-18,60,61\n",
            "line 1: column 'value' appears twice in the header (columns 2 and 3)",
        ),
        ("date,value\n2026-11-18,5,000\n", "line 2: 3 cells for 2 columns"),
        (f"date,value,source\n2026-11-18,60,{'x' * 131_073}\n", "line 2: cannot read the CSV"),
    ],
)
def test_import_refuses_a_csv_it_cannot_read_one_way(
    make_ws: WriteFiles, tmp_path: Path, text: str, message: str
) -> None:
    root = make_ws()
    source = tmp_path / "export.csv"
    source.write_text(text, encoding="utf-8")
    code, _, errors = run(root, "import", str(source), "--metric", "aov", "--no-commit")
    assert code == 2
    assert message in errors


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (f"{KR},5_000,,2026-11-20", "line 2: value '5_000' is not a number"),
        (f"{KR},61,0\u0667,2026-11-20", "line 2: confidence '0\u0667' is not a number"),
        (f"{KR},61,,20261120", "line 2: date '20261120' is not YYYY-MM-DD"),
        (f"{KR},61,,2026-W47-5", "line 2: date '2026-W47-5' is not YYYY-MM-DD"),
    ],
)
def test_checkin_from_csv_takes_plain_numbers_and_dates(
    make_ws: WriteFiles, row: str, message: str
) -> None:
    root = make_ws()
    before = (root / CHECKINS).read_bytes()
    stdin = f"kr,value,confidence,date\n{row}\n"
    code, _, errors = run(root, "checkin", "--from", "-", "--no-commit", stdin=stdin)
    assert code == 1
    assert message in errors
    assert (root / CHECKINS).read_bytes() == before


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f"kr,value,value\n{KR},61,62\n", "column 'value' appears twice in the header"),
        (f"kr,value\n{KR},61,5\n", "line 2: 3 cells for 2 columns"),
        (f"kr,note\n{KR},{'x' * 131_073}\n", "line 2: cannot read the CSV"),
    ],
)
def test_checkin_from_csv_refuses_a_csv_it_cannot_read_one_way(
    make_ws: WriteFiles, text: str, message: str
) -> None:
    root = make_ws()
    code, _, errors = run(root, "checkin", "--from", "-", "--no-commit", stdin=text)
    assert code == 2
    assert message in errors


# --- control characters in text ----------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ['"Support\\e[2J"', '"Sup\\0port"', '"Sup\\u202eport"', '"Sup\\rport"', "Sup\u202eport"],
)
def test_an_escaped_control_or_bidi_character_in_a_document_is_located(
    make_ws: WriteFiles, name: str
) -> None:
    team = f'level: 3\nname: {name}\nlead: "Ana\\tB. \\\\e"\n'  # a tab and a backslash are text
    root = make_ws({"teams/support.yaml": team})
    assert check(root) == (1, ["teams/support.yaml:2:7: CX117"])


@pytest.mark.parametrize(
    "note", ["\\u001b[2J", "\\u0000", "\\u202E", "\\ud800", "\\r", "a\\u0085b", "\u2066x"]
)
def test_an_escaped_control_or_bidi_character_in_a_log_line_is_located(
    make_ws: WriteFiles, note: str
) -> None:
    # A tab, a line break and an escaped backslash before `u001b` are text.
    good = r'- {"kr": "grow-basket/aov-online", "date": "2026-11-19", "note": "C:\\u001b\t\n"}'
    bad = f'- {{"kr": "grow-basket/aov-online", "date": "2026-11-20", "note": "{note}"}}'
    root = make_ws({CHECKINS: f"{good}\n{bad}\n"})
    assert check(root) == (1, [f"{CHECKINS}:2:1: CX117"])


def test_log_of_a_lone_surrogate_note_ends_cleanly(git_ws: Path) -> None:
    line = r'- {"kr": "grow-basket/aov-online", "date": "2026-11-21", "note": "\ud800"}'
    with (git_ws / CHECKINS).open("a", encoding="utf-8") as log:
        log.write(line + "\n")
    git(git_ws, "commit", "-qam", "A bad note")
    assert check(git_ws) == (1, [f"{CHECKINS}:2:1: CX117"])
    code, _, errors = run(git_ws, "log", KR)
    assert code in (0, 1), errors


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("checkin", KR, "--value", "61", "--note", "\x1b[2J"), "note: control character U+001B"),
        (("checkin", KR, "--note", "ok \u202e kay"), "note: bidi control U+202E"),
        (("record", "aov", "61", "--source", "etl\x07"), "source: control character U+0007"),
    ],
)
def test_a_write_refuses_text_the_reader_would_refuse(
    make_ws: WriteFiles, args: tuple[str, ...], message: str
) -> None:
    root = make_ws()
    before = {rel: (root / rel).read_bytes() for rel in (CHECKINS, READINGS)}
    code, _, errors = run(root, *args, "--date", "2026-11-20", "--no-commit")
    assert code == 2
    assert message in errors
    assert {rel: (root / rel).read_bytes() for rel in before} == before


def test_import_refuses_a_control_character_in_a_source(
    make_ws: WriteFiles, tmp_path: Path
) -> None:
    root = make_ws()
    code, errors = import_csv(root, tmp_path, "date,value,source\n2026-11-19,61,\x1b]0;x\x07\n")
    assert code == 1
    assert "line 2: source: control character U+001B" in errors


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("record", "aov", "5_000", "--date", "2026-11-20"), "'5_000' is not a number"),
        (("checkin", KR, "--value", "\u0666\u0661", "--date", "2026-11-20"), "is not a number"),
        (("checkin", KR, "--confidence", "0_5", "--date", "2026-11-20"), "is not a number"),
        (("record", "aov", "61", "--date", "20261120"), "'20261120' is not a date"),
        (("checkin", KR, "--value", "61", "--date", "2026-W47-5"), "'2026-W47-5' is not a date"),
    ],
)
def test_a_number_or_date_on_the_command_line_is_read_one_way(
    make_ws: WriteFiles, args: tuple[str, ...], message: str
) -> None:
    root = make_ws()
    before = {rel: (root / rel).read_bytes() for rel in (CHECKINS, READINGS)}
    code, _, errors = run(root, *args, "--no-commit")
    assert code == 2
    assert message in " ".join(errors.split())  # the usage box may wrap the message
    assert {rel: (root / rel).read_bytes() for rel in before} == before
