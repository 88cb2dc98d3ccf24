"""How an import file is laid out: its encoding, delimiter, decimal mark, date form and
column names, read from the options of `cxokr import` and from the file itself.

Every option is checked before the file is read, each refusal a UsageError
that names the option and what it takes. A file that does not decode is named
with the byte, its line and offset, and the encoding tried; a byte order mark
names the encoding itself (Excel's "Unicode text" is UTF-16 with one).
"""

from __future__ import annotations

import codecs
import csv
import re
from dataclasses import dataclass, field

from cxokr.edit.import_cells import check_date_format
from cxokr.errors import UsageError

COLUMNS = ("metric", "date", "value", "segment", "source")
DELIMITERS = {",": ",", ";": ";", "|": "|", "\t": "\t", "tab": "\t", "\\t": "\t"}
SNIFFED = ",;\t|"
SNIFF_LINES = 50
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE, whose mark begins it
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_PAIR = re.compile(r'\s*([^=,"]+?)\s*=\s*(?:"([^"]*)"|([^,"]*?))\s*(?:,|$)')
_ENCODING_HINT = "as in --encoding cp1252 (Excel on Windows), latin-1 or utf-16"


@dataclass(frozen=True)
class ImportFormat:
    """The layout of an import file; None where the file or the default decides."""

    delimiter: str | None = None
    decimal: str | None = None
    date_format: str | None = None
    columns: dict[str, str] = field(default_factory=dict)  # target -> header, lower case
    encoding: str | None = None


def read_options(
    *,
    delimiter: str | None = None,
    decimal: str | None = None,
    date_format: str | None = None,
    columns: str | None = None,
    encoding: str | None = None,
) -> ImportFormat:
    """The options of `cxokr import`, each checked; a UsageError names the one that is wrong."""
    if delimiter is not None and delimiter not in DELIMITERS:
        raise UsageError(f"--delimiter {delimiter!r} is not one of , ; tab |")
    if decimal not in (None, ".", ","):
        raise UsageError(f"--decimal {decimal!r} is not . or ,")
    if encoding is not None:
        check_encoding(encoding)
    return ImportFormat(
        delimiter=None if delimiter is None else DELIMITERS[delimiter],
        decimal=decimal,
        date_format=None if date_format is None else check_date_format(date_format),
        columns=parse_columns(columns) if columns else {},
        encoding=encoding,
    )


def check_encoding(name: str) -> None:
    """Refuse a name Python knows no text encoding by."""
    try:
        b"a".decode(name)  # empty bytes decode without looking the name up
    except UnicodeError:  # a known encoding that reads no lone "a" (UTF-16)
        pass
    except LookupError:  # unknown, or not a text encoding (base64)
        raise UsageError(
            f"unknown encoding {name!r}; pass one Python knows, {_ENCODING_HINT}"
        ) from None


def parse_columns(spec: str) -> dict[str, str]:
    """`--columns date=Day,value="Avg order value"` as {target: header}, lower case."""
    found: dict[str, str] = {}
    position = 0
    while position < len(spec):
        pair = _PAIR.match(spec, position)
        if pair is None or pair.end() == position:
            raise UsageError(
                f"--columns {spec!r}: write COLUMN=HEADER pairs separated by commas, "
                'as in --columns date=Day,value="Avg order value",segment=Channel'
            )
        position = pair.end()
        target = pair.group(1).strip().lower()
        header = (pair.group(2) if pair.group(2) is not None else pair.group(3)).strip()
        if target not in COLUMNS:
            raise UsageError(
                f"--columns: {pair.group(1).strip()!r} is not a column of a reading; "
                f"map one of {', '.join(COLUMNS)}"
            )
        if target in found:
            raise UsageError(f"--columns names {target} twice")
        if not header:
            raise UsageError(f"--columns: {target} needs a header name after '='")
        found[target] = header.lower()
    if len(set(found.values())) < len(found):
        raise UsageError("--columns maps one header to two columns; each takes its own")
    return found


def decode(data: bytes, encoding: str | None, name: str) -> str:
    """The text of an import file: by its byte order mark, else `encoding` (UTF-8 by
    default). A UsageError names a byte that does not decode, where, and what to pass."""
    used, start = encoding or "utf-8", 0
    for mark, family in _BOMS:
        if data.startswith(mark):
            if encoding is not None and not codecs.lookup(encoding).name.startswith(family):
                raise UsageError(
                    f"{name} starts with a {family.upper()} byte order mark, so it is not "
                    f"{encoding}; pass --encoding {family}, or leave --encoding out"
                )
            used, start = family, len(mark) if family == "utf-8" else 0  # UTF-16/32 read it
            break
    try:
        return data[start:].decode(used)
    except UnicodeDecodeError as exc:
        offset = start + exc.start
        line = data[start:offset].decode(used, "replace").count("\n") + 1
        bad = data[offset : start + exc.end]
        shown = " ".join(f"0x{byte:02X}" for byte in bad)
        one = len(bad) == 1
        raise UsageError(
            f"cannot read {name} as {used}: {'byte' if one else 'bytes'} {shown} on line "
            f"{line} (byte offset {offset}) {'is' if one else 'are'} not {used}; "
            f"pass --encoding with the file's encoding, {_ENCODING_HINT}"
        ) from None


def sniff_delimiter(text: str) -> str:
    """The delimiter of a CSV, one of , ; tab |, sniffed from its first lines; the header's
    most frequent one where the sniffer cannot tell (a comma if it has none)."""
    lines = text[:65536].splitlines()
    header = lines[0] if lines else ""
    try:
        found = csv.Sniffer().sniff("\n".join(lines[:SNIFF_LINES]), delimiters=SNIFFED)
    except csv.Error:
        pass
    else:
        if found.delimiter in header:
            return found.delimiter
    counts = {delimiter: header.count(delimiter) for delimiter in SNIFFED}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","
