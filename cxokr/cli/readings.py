"""Commands that append metric readings: `record` (one) and `import` (a CSV).

Each validates everything, appends under the workspace lock, then commits
only the logs it wrote (see `write.commit_written`).
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cxokr.cli import complete
from cxokr.cli.app import (
    EXIT_OK,
    EXIT_PROBLEMS,
    WorkspaceOption,
    app,
    decimal,
    err,
    guarded,
    load,
    parse_date,
    root_of,
)
from cxokr.cli.write import NoCommitOption, _prepare, commit_written
from cxokr.errors import UsageError

if TYPE_CHECKING:
    from cxokr.edit.readings import ImportResult


@app.command()
@guarded
def record(
    metric: Annotated[
        str,
        typer.Argument(
            help="Metric ID, as in metrics/<metric>.yaml.", autocompletion=complete.metrics
        ),
    ],
    value: Annotated[float, typer.Argument(help="The reading.", parser=decimal, metavar="VALUE")],
    segment: Annotated[
        str | None, typer.Option("--segment", "-s", help="One of the metric's segments.")
    ] = None,
    day: Annotated[
        str | None, typer.Option("--date", "-d", help="Date of the reading (default today).")
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", help="Where the reading came from.")
    ] = None,
    workspace: WorkspaceOption = None,
    no_commit: NoCommitOption = False,
) -> int:
    """Append one metric reading and commit it.

    Example: cxokr record aov 61.2 --segment online --source shopify-export
    """
    from cxokr.edit import readings
    from cxokr.load import localstate

    root = root_of(workspace)
    by = _prepare(root, no_commit)
    ws = load(root)
    when = parse_date(day) if day else date.today()
    reading = readings.build(
        ws, metric, value, segment=segment, day=when, source=source, by=by, today=date.today()
    )
    for warning in readings.unsegmented(ws, [reading]):
        err(warning)
    where = f" {segment}" if segment else ""
    message = f"record({metric}): {value:g}{where} on {when}"
    with localstate.locked(root):
        appended = readings.append(root, [reading])
        return commit_written(root, list(appended), message, no_commit, appended)


FileArgument = Annotated[
    Path,
    typer.Argument(
        help="CSV with a header: metric,date,value[,segment,source] (- is stdin).",
        show_default=False,
    ),
]
MetricOption = Annotated[
    str | None,
    typer.Option(
        "--metric",
        "-m",
        help="The metric of a single-metric file. Example: -m nps",
        autocompletion=complete.metrics,
    ),
]
SkipInvalidOption = Annotated[
    bool, typer.Option("--skip-invalid", help="Import the good rows even if some are bad.")
]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Read and check every row, say what would be added.")
]
DelimiterOption = Annotated[
    str | None,
    typer.Option(
        "--delimiter",
        metavar="CHAR",
        help="The column separator: , ; tab or | (default: sniffed from the first lines). "
        "Example: --delimiter ';'",
    ),
]
DecimalOption = Annotated[
    str | None,
    typer.Option(
        "--decimal",
        metavar="MARK",
        help="The decimal mark, . or , (the other one, and with , also a space or ', may "
        "separate thousands). Without it, 61,2 and 1,500 are refused as unclear. "
        "Example: --decimal ,",
    ),
]
DateFormatOption = Annotated[
    str | None,
    typer.Option(
        "--date-format",
        metavar="FORMAT",
        help="The dates' form as strptime writes it (default YYYY-MM-DD; a midnight time "
        "as Excel adds is fine). Example: --date-format %d/%m/%Y",
    ),
]
ColumnsOption = Annotated[
    str | None,
    typer.Option(
        "--columns",
        metavar="COLUMN=HEADER,...",
        help="Which header holds each column (metric, date, value, segment, source); "
        "headers match ignoring case. Example: --columns "
        "'date=Day,value=\"Avg order value\",segment=Channel'",
    ),
]
EncodingOption = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        metavar="NAME",
        help="The file's encoding (default UTF-8; a byte order mark decides for itself). "
        "Example: --encoding cp1252",
    ),
]


@app.command("import")
@guarded
def import_readings(
    file: FileArgument,
    metric: MetricOption = None,
    skip_invalid: SkipInvalidOption = False,
    dry_run: DryRunOption = False,
    delimiter: DelimiterOption = None,
    decimal: DecimalOption = None,
    date_format: DateFormatOption = None,
    columns: ColumnsOption = None,
    encoding: EncodingOption = None,
    workspace: WorkspaceOption = None,
    no_commit: NoCommitOption = False,
) -> int:
    """Append metric readings from a CSV file; re-importing the same file adds nothing.

    Every row is checked first: bad rows are named by line and nothing is written
    (unless --skip-invalid). Spreadsheet and BI exports are read with --delimiter,
    --decimal, --date-format, --columns and --encoding.

    Example: cxokr import weekly-export.csv --metric nps

    Example: cxokr import export.csv --metric aov --decimal , --date-format %d/%m/%Y
    --columns date=Tag,value=Umsatz,segment=Kanal --encoding cp1252
    """
    from cxokr.edit import import_format, readings
    from cxokr.load import localstate

    fmt = import_format.read_options(
        delimiter=delimiter,
        decimal=decimal,
        date_format=date_format,
        columns=columns,
        encoding=encoding,
    )
    root = root_of(workspace)
    by = None if dry_run else _prepare(root, no_commit)
    text = import_format.decode(_read_bytes(str(file)), fmt.encoding, str(file))
    # The lock covers reading the logs too: two imports of one file at once add it once.
    with localstate.locked(root):
        ws = load(root)
        result = readings.plan_import(ws, text, fmt, metric=metric, by=by, today=date.today())
        return _import(root, file, result, skip_invalid, no_commit, dry_run)


def _import(
    root: Path,
    file: Path,
    result: ImportResult,
    skip_invalid: bool,
    no_commit: bool,
    dry_run: bool,
) -> int:
    """Report what an import found, then append and commit the new readings."""
    from cxokr.edit import readings

    for message in result.rejected:
        err(f"{file}: {message}")
    for warning in result.warnings:
        err(warning)
    failed = EXIT_PROBLEMS if result.rejected else EXIT_OK
    if dry_run or not result.added or (result.rejected and not skip_invalid):
        err(readings.summary(result, skip_invalid=skip_invalid, dry_run=dry_run))
        return failed
    appended = readings.append(root, result.added)
    err(readings.summary(result, skip_invalid=skip_invalid))
    message = f"import: {len(result.added)} readings from {file.name}"
    return commit_written(root, list(appended), message, no_commit, appended) or failed


def _read_bytes(name: str) -> bytes:
    """An import file's bytes: standard input for `-`; a usage error if it cannot be read."""
    try:
        return sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc}") from None
