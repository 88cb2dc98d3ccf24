"""An import file's layout: options checked, bytes decoded with a located message, delimiter sniffed."""

from __future__ import annotations

import codecs

import pytest

from cxokr.edit.import_format import decode, parse_columns, read_options, sniff_delimiter
from cxokr.errors import UsageError


@pytest.mark.parametrize(
    ("spec", "columns"),
    [
        ("date=Day,value=Amount", {"date": "day", "value": "amount"}),
        ('date = Day , value="Avg order value"', {"date": "day", "value": "avg order value"}),
        ('VALUE="Sales, EUR",segment=Channel', {"value": "sales, eur", "segment": "channel"}),
        ("source=Système", {"source": "système"}),
        ("date=Day,value=Avg order value", {"date": "day", "value": "avg order value"}),
    ],
)
def test_columns_map_each_column_to_a_header(spec: str, columns: dict[str, str]) -> None:
    assert parse_columns(spec) == columns


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            "note=Comment",
            "--columns: 'note' is not a column of a reading; map one of metric, date, value, segment, source",
        ),
        (
            "date",
            "--columns 'date': write COLUMN=HEADER pairs separated by commas, as in --columns date=Day,value=\"Avg order value\",segment=Channel",
        ),
        ("date=", "--columns: date needs a header name after '='"),
        ("date=Day,source=day", "--columns maps one header to two columns; each takes its own"),
    ],
)
def test_columns_that_cannot_be_mapped_are_refused(spec: str, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_columns(spec)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("given", "delimiter"), [(";", ";"), ("tab", "\t"), ("\\t", "\t"), ("\t", "\t"), ("|", "|")]
)
def test_a_delimiter_is_one_of_four(given: str, delimiter: str) -> None:
    assert read_options(delimiter=given).delimiter == delimiter


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("date,value\n2026-11-18,60.1\n", ","),
        ("Day;Value;Note\n18/11/2026;61,2;a, b\n19/11/2026;62,5;c\n", ";"),
        ("Day\tValue\n18/11/2026\t61,2\n", "\t"),
        ("date|value\n2026-11-18|1,5\n", "|"),
        ("date,value\n2026-11-18,5,000\n", ","),  # the sniffer cannot tell: the header can
        ("date;value\n", ";"),
    ],
)
def test_the_delimiter_is_sniffed(text: str, delimiter: str) -> None:
    assert sniff_delimiter(text) == delimiter


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (codecs.BOM_UTF8 + "é".encode(), None),
        (codecs.BOM_UTF8 + "é".encode(), "utf-8"),
        ("\ufeffé".encode("utf-16-le"), None),
        ("\ufeffé".encode("utf-16-be"), "utf-16"),
        ("\ufeffé".encode("utf-32-le"), None),
        ("é".encode("cp1252"), "cp1252"),
        ("é".encode("utf-16-le"), "utf-16-le"),
    ],
)
def test_a_byte_order_mark_or_the_encoding_decodes(data: bytes, encoding: str | None) -> None:
    assert decode(data, encoding, "x.csv") == "é"


def test_a_byte_that_does_not_decode_is_located() -> None:
    with pytest.raises(UsageError) as caught:
        decode("a\nb\nCafé promo".encode("cp1252"), None, "x.csv")
    assert str(caught.value) == (
        "cannot read x.csv as utf-8: byte 0xE9 on line 3 (byte offset 7) is not utf-8; "
        "pass --encoding with the file's encoding, as in --encoding cp1252 (Excel on "
        "Windows), latin-1 or utf-16"
    )


def test_a_mark_that_contradicts_the_encoding_is_refused() -> None:
    with pytest.raises(UsageError) as caught:
        decode("\ufeffa".encode("utf-16-le"), "utf-8", "x.csv")
    assert str(caught.value) == (
        "x.csv starts with a UTF-16 byte order mark, so it is not utf-8; "
        "pass --encoding utf-16, or leave --encoding out"
    )


def test_a_truncated_utf16_file_is_a_located_message_not_a_crash() -> None:
    with pytest.raises(UsageError, match=r"^cannot read x.csv as utf-16: byte 0x61 on line 1"):
        decode(codecs.BOM_UTF16_LE + b"a\x00a", None, "x.csv")
