"""Readings through the real CLI and real git: `record` and `import`, spreadsheet exports too."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cxokr.cli import app
from tests.conftest import git

READINGS = "readings/aov.yaml"
BY = '"by": "dana@acme.example", "at": '


def run(root: Path, *args: str, stdin: str | bytes | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(app, [*args, "--workspace", str(root)], input=stdin)
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stderr


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def export(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "export.csv") -> Path:
    source = tmp_path / name
    source.write_bytes(text.encode(encoding))
    return source


def test_record_appends_a_reading_and_commits(git_ws: Path) -> None:
    code, errors = run(
        git_ws, "record", "aov", "62.3", "--segment", "online", "--date", "2026-11-20"
    )
    assert code == 0, errors
    assert '"value": 62.3, "segment": "online"' in lines(git_ws / "readings" / "aov.yaml")[-1]
    assert git(git_ws, "log", "-1", "--format=%s") == "record(aov): 62.3 online on 2026-11-20\n"


def test_record_refuses_an_undeclared_segment(git_ws: Path) -> None:
    code, errors = run(git_ws, "record", "aov", "62.3", "--segment", "kiosk")
    assert code == 2
    assert "aov has no segment 'kiosk' (declared: online, in-store)" in errors


def test_import_with_one_bad_row_writes_nothing_and_names_it(git_ws: Path, tmp_path: Path) -> None:
    source = tmp_path / "export.csv"
    source.write_text(
        "metric,date,value,segment\naov,2026-11-18,60.1,online\naov,2026-11-19,n/a,online\n"
    )
    before = (git_ws / "readings" / "aov.yaml").read_bytes()
    code, errors = run(git_ws, "import", str(source))
    assert code == 1
    assert "line 3: value 'n/a' is not a number" in errors
    assert errors.splitlines()[-1] == (
        "nothing written: 1 bad row; fix it, or pass --skip-invalid to import the other row"
    )
    assert (git_ws / "readings" / "aov.yaml").read_bytes() == before


def test_import_twice_adds_rows_once(git_ws: Path, tmp_path: Path) -> None:
    source = tmp_path / "export.csv"
    source.write_text("date,value,segment\n2026-11-18,60.1,online\n2026-11-19,60.4,in-store\n")
    assert run(git_ws, "import", str(source), "--metric", "aov")[0] == 0
    code, errors = run(git_ws, "import", str(source), "--metric", "aov")
    assert code == 0
    assert errors == "nothing new: 2 readings already held\n"
    assert len(lines(git_ws / "readings" / "aov.yaml")) == 3
    assert git(git_ws, "log", "--format=%s").splitlines()[0] == "import: 2 readings from export.csv"


def test_import_skip_invalid_imports_the_good_rows(git_ws: Path, tmp_path: Path) -> None:
    source = tmp_path / "export.csv"
    source.write_text("metric,date,value\nnps,2026-11-18,41\naov,2026-11-19,61\n")
    code, errors = run(git_ws, "import", str(source), "--skip-invalid")
    assert code == 1
    assert "line 2: no metric 'nps'" in errors
    assert len(lines(git_ws / "readings" / "aov.yaml")) == 2


# --- spreadsheet and BI exports ------------------------------------------------------------


@pytest.fixture
def eur_ws(git_ws: Path) -> Path:
    """The base workspace with a metric in euros, committed."""
    (git_ws / "metrics" / "basket.yaml").write_text(
        "name: Basket value\nunit: EUR\ndirection: higher\nsegments: [online, in-store]\n",
        encoding="utf-8",
    )
    git(git_ws, "add", "metrics/basket.yaml")
    git(git_ws, "commit", "-q", "-m", "Add basket")
    return git_ws


EXPORT = (
    "Tag;Kanal;Warenkorb (€);Système;Notiz\r\n"
    "18/11/2026;Online;61,20 €;Shopify;Café promo\r\n"
    "19/11/2026;In-Store;1.061,5;Caisse;\r\n"
    "20/11/2026 00:00:00;online;62;Shopify;\r\n"
)
EXPORT_OPTIONS = (
    "--metric",
    "basket",
    "--decimal",
    ",",
    "--date-format",
    "%d/%m/%Y",
    "--columns",
    'date=Tag,segment=Kanal,value="Warenkorb (€)",source=Système',
    "--encoding",
    "cp1252",
)


def test_a_windows_spreadsheet_export_imports_with_its_options(
    eur_ws: Path, tmp_path: Path
) -> None:
    source = export(tmp_path, EXPORT, "cp1252")
    assert "é".encode("cp1252") in source.read_bytes()  # not UTF-8: é is one byte
    code, errors = run(eur_ws, "import", str(source), *EXPORT_OPTIONS)
    assert code == 0, errors
    sha = git(eur_ws, "rev-parse", "--short", "HEAD").strip()
    assert errors == (
        f"3 readings added to basket\ncommitted {sha}: import: 3 readings from export.csv\n"
    )
    written = lines(eur_ws / "readings" / "basket.yaml")
    expected = [
        '- {"date": "2026-11-18", "value": 61.2, "segment": "online", "source": "Shopify", ',
        '- {"date": "2026-11-19", "value": 1061.5, "segment": "in-store", "source": "Caisse", ',
        '- {"date": "2026-11-20", "value": 62.0, "segment": "online", "source": "Shopify", ',
    ]
    assert [line[: len(start)] for line, start in zip(written, expected, strict=True)] == expected
    assert all(BY in line for line in written)
    assert git(eur_ws, "show", "--name-only", "--format=%s", "HEAD") == (
        "import: 3 readings from export.csv\n\nreadings/basket.yaml\n"
    )
    assert git(eur_ws, "status", "--porcelain") == ""
    assert run(eur_ws, "import", str(source), *EXPORT_OPTIONS) == (
        0,
        "nothing new: 3 readings already held\n",
    )


def test_excel_unicode_text_is_utf16_with_tabs_and_needs_no_options(
    git_ws: Path, tmp_path: Path
) -> None:
    text = "\ufeffDate\tValue\tSegment\r\n2026-11-18 00:00:00\t60.1\tONLINE\r\n"
    source = export(tmp_path, text, "utf-16-le")
    code, errors = run(git_ws, "import", str(source), "--metric", "aov")
    assert code == 0, errors
    assert lines(git_ws / READINGS)[-1].startswith(
        '- {"date": "2026-11-18", "value": 60.1, "segment": "online", ' + BY
    )


def test_a_utf8_file_with_a_bom_imports(git_ws: Path, tmp_path: Path) -> None:
    source = export(tmp_path, "\ufeffdate,value,segment\n2026-11-18,60.1,online\n")
    assert run(git_ws, "import", str(source), "--metric", "aov")[0] == 0
    assert '"value": 60.1' in lines(git_ws / READINGS)[-1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--columns", "date=Day,note=Comment"),
            "error: --columns: 'note' is not a column of a reading; "
            "map one of metric, date, value, segment, source",
        ),
        (
            ("--columns", "date Day"),
            "error: --columns 'date Day': write COLUMN=HEADER pairs separated by commas, "
            'as in --columns date=Day,value="Avg order value",segment=Channel',
        ),
        (
            ("--columns", "date=Day,date=Tag"),
            "error: --columns names date twice",
        ),
        (
            ("--columns", "date=Tag"),
            "error: --columns names 'tag', which the header lacks (its columns: date, value)",
        ),
        (
            ("--encoding", "klingon"),
            "error: unknown encoding 'klingon'; pass one Python knows, "
            "as in --encoding cp1252 (Excel on Windows), latin-1 or utf-16",
        ),
        (("--delimiter", ":"), "error: --delimiter ':' is not one of , ; tab |"),
        (("--decimal", "'"), 'error: --decimal "\'" is not . or ,'),
        (
            ("--date-format", "dd/mm/yyyy"),
            "error: --date-format 'dd/mm/yyyy' needs a year, a month and a day as strptime "
            "writes them, as in %d/%m/%Y (21/11/2026) or %m/%d/%Y (11/21/2026)",
        ),
        (
            ("--date-format", "%d/%m/%Y %Q"),
            "error: --date-format '%d/%m/%Y %Q' cannot be used: "
            "'Q' is a bad directive in format '%d/%m/%Y %Q'",
        ),
    ],
)
def test_a_wrong_option_is_a_usage_error_that_names_it(
    git_ws: Path, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    source = export(tmp_path, "date,value\n2026-11-18,60.1\n")
    before = (git_ws / READINGS).read_bytes()
    assert run(git_ws, "import", str(source), "--metric", "aov", *args) == (2, message + "\n")
    assert (git_ws / READINGS).read_bytes() == before


def test_a_file_in_another_encoding_is_named_with_the_byte_line_and_what_to_pass(
    git_ws: Path, tmp_path: Path
) -> None:
    source = export(tmp_path, "date,value,source\n2026-11-18,60.1,Caf\u00e9\n", "cp1252")
    assert run(git_ws, "import", str(source), "--metric", "aov") == (
        2,
        f"error: cannot read {source} as utf-8: byte 0xE9 on line 2 (byte offset 37) is not "
        "utf-8; pass --encoding with the file's encoding, as in --encoding cp1252 "
        "(Excel on Windows), latin-1 or utf-16\n",
    )


def test_a_byte_order_mark_that_contradicts_encoding_is_refused(
    git_ws: Path, tmp_path: Path
) -> None:
    source = export(tmp_path, "\ufeffdate,value\n2026-11-18,60.1\n")
    assert run(git_ws, "import", str(source), "--metric", "aov", "--encoding", "cp1252") == (
        2,
        f"error: {source} starts with a UTF-8 byte order mark, so it is not cp1252; "
        "pass --encoding utf-8, or leave --encoding out\n",
    )


def test_a_header_without_the_columns_says_how_to_map_them(git_ws: Path, tmp_path: Path) -> None:
    source = export(tmp_path, "Day;Amount\n2026-11-18;60.1\n")
    assert run(git_ws, "import", str(source), "--metric", "aov") == (
        2,
        "error: the CSV header lacks date, value; columns are metric, date, value, segment, "
        "source; or name this file's columns (day, amount) with --columns "
        "date=HEADER,value=HEADER\n",
    )


@pytest.mark.parametrize(
    ("row", "args", "message"),
    [
        (
            '2026-11-18,"1,500",online',
            (),
            "value '1,500' is ambiguous: 1500 with a thousands comma, or 1.500 with a decimal "
            "comma; pass --decimal . or --decimal ,",
        ),
        (
            '2026-11-18,"61,2",online',
            (),
            "value '61,2' has a decimal comma; pass --decimal , (or write 61.2)",
        ),
        (
            '2026-11-18,"61,2",online',
            ("--decimal", "."),
            "value '61,2' has a decimal comma, but with --decimal . a comma only separates "
            "thousands (1,250.5); pass --decimal ,",
        ),
        (
            "2026-11-18,61.2,online",
            ("--decimal", ","),
            "value '61.2' has a decimal point, but with --decimal , a point only separates "
            "thousands (1.250,5); write 61,2",
        ),
        (
            "2026-11-18,61.2 €,online",
            (),
            "value '61.2 €' carries '€', but aov is measured in USD; write the number alone",
        ),
        (
            "2026-11-18,12%,online",
            (),
            "value '12%' carries '%', but aov is measured in USD; write the number alone",
        ),
        (
            "2026-11-18 14:30:00,61.2,online",
            (),
            "date '2026-11-18 14:30:00' has a time of day (14:30:00); a reading is for a "
            "whole day: give midnight or none",
        ),
        (
            "18/11/2026,61.2,online",
            (),
            "date '18/11/2026' is not YYYY-MM-DD; pass --date-format for another form, "
            "as in --date-format %d/%m/%Y",
        ),
        (
            "2026/11/18,61.2,online",
            ("--date-format", "%Y-%m-%d"),
            "date '2026/11/18' does not match --date-format %Y-%m-%d",
        ),
        (
            "2026-11-18,61.2,kiosk",
            (),
            "aov has no segment 'kiosk' (declared: online, in-store)",
        ),
    ],
)
def test_a_bad_cell_is_named_by_line_and_nothing_is_written(
    git_ws: Path, tmp_path: Path, row: str, args: tuple[str, ...], message: str
) -> None:
    source = export(tmp_path, f"date,value,segment\n2026-11-17,60,online\n{row}\n")
    before = (git_ws / READINGS).read_bytes()
    head = git(git_ws, "rev-parse", "HEAD")
    assert run(git_ws, "import", str(source), "--metric", "aov", *args) == (
        1,
        f"{source}: line 3: {message}\n"
        "nothing written: 1 bad row; fix it, or pass --skip-invalid to import the other row\n",
    )
    assert (git_ws / READINGS).read_bytes() == before
    assert git(git_ws, "rev-parse", "HEAD") == head


@pytest.mark.parametrize(
    ("value", "unit", "read"),
    [("12,5 %", "%", 12.5), ("€ 1.250,50", "EUR", 1250.5), ("-61,20 EUR", "€", -61.2)],
)
def test_a_unit_the_metric_declares_is_stripped(
    git_ws: Path, tmp_path: Path, value: str, unit: str, read: float
) -> None:
    text = (git_ws / "metrics" / "aov.yaml").read_text(encoding="utf-8")
    (git_ws / "metrics" / "aov.yaml").write_text(
        text.replace("unit: USD", f"unit: {unit!r}"), encoding="utf-8"
    )
    source = export(tmp_path, f"date;value;segment\n2026-11-18;{value};online\n")
    args = ("--metric", "aov", "--decimal", ",", "--no-commit")
    assert run(git_ws, "import", str(source), *args)[0] == 0
    assert f'"value": {read}, ' in lines(git_ws / READINGS)[-1]


def test_rows_without_a_segment_of_a_segmented_metric_warn_and_import(
    git_ws: Path, tmp_path: Path
) -> None:
    source = export(tmp_path, "date,value\n2026-11-17,60\n2026-11-18,61\n")
    code, errors = run(git_ws, "import", str(source), "--metric", "aov")
    assert code == 0
    assert errors.splitlines()[:2] == [
        "warning: 2 rows have no segment, but aov declares segments (online, in-store): "
        "no key result on one segment reads them",
        "2 readings added to aov",
    ]
    assert len(lines(git_ws / READINGS)) == 3


def test_a_reading_without_a_segment_of_a_segmented_metric_warns(git_ws: Path) -> None:
    code, errors = run(git_ws, "record", "aov", "61", "--date", "2026-11-19")
    assert code == 0
    assert errors.splitlines()[0] == (
        "warning: 1 row has no segment, but aov declares segments (online, in-store): "
        "no key result on one segment reads it"
    )


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("61,2", "'61,2' is not a number: write 61.2 (a decimal point, not a comma)"),
        ("61,200", "'61,200' is not a number: write 61200, or 61.200 for a decimal"),
        ("1,234.5", "'1,234.5' is not a number: write 1234.5"),
    ],
)
def test_record_hints_at_the_decimal_point(git_ws: Path, value: str, hint: str) -> None:
    before = (git_ws / READINGS).read_bytes()
    code, errors = run(git_ws, "record", "aov", value, "--segment", "online")
    assert code == 2
    assert hint in " ".join(errors.split())  # the usage box may wrap the message
    assert (git_ws / READINGS).read_bytes() == before


def test_every_number_option_hints_at_the_decimal_point(git_ws: Path) -> None:
    """checkin's --value and --confidence read numbers as record does, hint and all."""
    head = git(git_ws, "rev-parse", "HEAD")
    for option in ("--value", "--confidence"):
        args = ["checkin", "ecommerce/grow-basket/aov-online", option, "0,7"]
        code, errors = run(git_ws, *args)
        assert code == 2
        assert "'0,7' is not a number: write 0.7 (a decimal point, not a comma)" in " ".join(
            errors.split()
        )
    assert git(git_ws, "rev-parse", "HEAD") == head


def test_summary_of_readings_added_to_two_metrics(git_ws: Path, tmp_path: Path) -> None:
    (git_ws / "metrics" / "nps.yaml").write_text(
        "name: NPS\nunit: points\ndirection: higher\n", encoding="utf-8"
    )
    git(git_ws, "add", "metrics/nps.yaml")
    git(git_ws, "commit", "-q", "-m", "Add nps")
    text = "metric,date,value,segment\naov,2026-11-18,60,online\nnps,2026-11-18,41,\n"
    code, errors = run(git_ws, "import", str(export(tmp_path, text)))
    assert code == 0
    assert errors.splitlines()[0] == "2 readings added to 2 metrics (aov, nps)"


def test_skip_invalid_says_what_it_added_held_and_skipped(git_ws: Path, tmp_path: Path) -> None:
    text = "date,value,segment\n2026-11-20,61.2,online\n2026-11-18,60,online\n2026-11-19,x,online\n"
    code, errors = run(git_ws, "import", str(export(tmp_path, text)), "-m", "aov", "--skip-invalid")
    assert code == 1
    assert (
        errors.splitlines()[1]
        == "1 reading added to aov; 1 reading already held; 1 bad row skipped"
    )


def test_a_dry_run_says_what_it_would_add_and_writes_nothing(git_ws: Path, tmp_path: Path) -> None:
    source = export(tmp_path, "date,value,segment\n2026-11-18,60,online\n")
    before = (git_ws / READINGS).read_bytes()
    assert run(git_ws, "import", str(source), "-m", "aov", "--dry-run") == (
        0,
        "1 reading would be added to aov; nothing written (--dry-run)\n",
    )
    assert (git_ws / READINGS).read_bytes() == before


def test_a_header_alone_is_nothing_to_import(git_ws: Path, tmp_path: Path) -> None:
    source = export(tmp_path, "date,value\n")
    assert run(git_ws, "import", str(source), "-m", "aov") == (
        0,
        "nothing to import: the file has a header but no rows\n",
    )


GOOD_ROW = st.builds(
    "2026-11-{:02d};{};{}".format,
    st.integers(1, 20),
    st.sampled_from(["60", "61,5", "1.061,25", "€ 62"]),
    st.sampled_from(["online", "In-Store", "ONLINE"]),
)
BAD_ROW = st.sampled_from(
    [
        "2026-11-18;sixty;online",
        "2026-11-18;61.5;online",
        "2026-11-18;61,5;kiosk",
        "18/11/2026;61,5;online",
        "2026-11-18 09:00;61,5;online",
        "2099-01-01;61,5;online",
        "2026-11-18;61 $;online",
        "2026-11-18;;online",
    ]
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(GOOD_ROW, max_size=6), BAD_ROW, st.data())
def test_a_file_with_any_bad_row_writes_nothing(
    eur_ws: Path, tmp_path: Path, good: list[str], bad: str, data: st.DataObject
) -> None:
    rows = list(good)
    where = data.draw(st.integers(0, len(rows)))
    rows.insert(where, bad)
    source = export(tmp_path, "date;value;segment\n" + "\n".join(rows) + "\n", "cp1252")
    head = git(eur_ws, "rev-parse", "HEAD")
    args = ("-m", "basket", "--decimal", ",", "--encoding", "cp1252")
    code, errors = run(eur_ws, "import", str(source), *args)
    assert code == 1
    assert f": line {where + 2}: " in errors
    assert errors.splitlines()[-1].startswith("nothing written: 1 bad row; fix it")
    assert not (eur_ws / "readings" / "basket.yaml").exists()
    assert git(eur_ws, "rev-parse", "HEAD") == head


def test_an_export_on_standard_input_is_decoded_as_a_file_is(git_ws: Path) -> None:
    data = "Datum;Wert;Kanal;Quelle\n18.11.2026;60,5;Online;Café\n".encode("cp1252")
    args = ("-m", "aov", "--decimal", ",", "--date-format", "%d.%m.%Y", "--encoding", "cp1252")
    columns = ("--columns", "date=Datum,value=Wert,segment=Kanal,source=Quelle", "--no-commit")
    code, errors = run(git_ws, "import", "-", *args, *columns, stdin=data)
    assert code == 0, errors
    assert lines(git_ws / READINGS)[-1].startswith(
        '- {"date": "2026-11-18", "value": 60.5, "segment": "online", "source": "Café", '
    )


def test_an_unknown_metric_option_is_a_usage_error(git_ws: Path, tmp_path: Path) -> None:
    source = export(tmp_path, "date,value\n2026-11-18,60.1\n")
    assert run(git_ws, "import", str(source), "--metric", "nps") == (
        2,
        "error: no metric 'nps' in metrics/ (known: aov)\n",
    )


def test_a_row_longer_than_the_header_names_its_delimiter(git_ws: Path, tmp_path: Path) -> None:
    source = export(tmp_path, "date;value\n2026-11-18;61;2\n")
    assert run(git_ws, "import", str(source), "--metric", "aov") == (
        2,
        "error: line 2: 3 cells for 2 columns; quote a cell that holds ';'\n",
    )
