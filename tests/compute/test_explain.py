"""`cxokr explain` of a key result: enough to redo its arithmetic by hand, through the CLI.

The workspaces are the base one of conftest (a Q4 key result on `aov`, online, from 58
to 64 USD) with its readings and check-ins replaced.
"""

from __future__ import annotations

from typer.testing import CliRunner

from cxokr.cli import app
from tests.conftest import WriteFiles

KR = "ecommerce/grow-basket/aov-online"


def explain(make_ws: WriteFiles, files: dict[str, str | bytes | None], ref: str = KR) -> list[str]:
    root = str(make_ws(files))
    result = CliRunner().invoke(app, ["explain", ref, "-w", root, "--as-of", "2026-11-20"])
    assert result.exit_code == 0, result.stderr
    return result.stdout.splitlines()


ORDER = (
    "ordered by `at`, the moment (an entry without `at` first, one without a time zone "
    "read as UTC), a check-in after a reading at the same moment, else in log order; "
    "the last wins:"
)


def test_a_check_in_earlier_the_same_day_loses_to_a_reading(make_ws: WriteFiles) -> None:
    lines = explain(
        make_ws,
        {
            "readings/aov.yaml": """
                - {"date": "2026-11-20", "value": 60, "segment": "online"}
                - {"date": "2026-11-20", "value": 62, "segment": "online", "at": "2026-11-20T09:00:00+00:00"}
            """,
            "checkins/2026-Q4/ecommerce.yaml": """
                - {"kr": "grow-basket/aov-online", "date": "2026-11-20", "value": 61, "at": "2026-11-20T08:30:00+00:00", "by": "raj"}
            """,
        },
    )
    assert "  value     62 USD  newest reading at or before 2026-11-20: 2026-11-20" in lines
    at = lines.index(f"  same day  3 observations on 2026-11-20, {ORDER}")
    assert lines[at + 1 : at + 4] == [
        "    reading 60, no `at`",
        "    checkin 61, at 2026-11-20T08:30:00+00:00 by raj",
        "    reading 62, at 2026-11-20T09:00:00+00:00  <- the value",
    ]
    assert (
        "  progress  (value - start) / (target - start) = (62 - 58) / (64 - 58) = 0.6667" in lines
    )


def test_a_check_in_at_the_readings_moment_wins(make_ws: WriteFiles) -> None:
    # 10:00 in Berlin is 09:00 UTC, and a reading without a zone is read as UTC: a tie.
    lines = explain(
        make_ws,
        {
            "readings/aov.yaml": """
                - {"date": "2026-11-20", "value": 62, "segment": "online", "at": "2026-11-20T09:00:00"}
            """,
            "checkins/2026-Q4/ecommerce.yaml": """
                - {"kr": "grow-basket/aov-online", "date": "2026-11-20", "value": 61, "at": "2026-11-20T10:00:00+01:00"}
            """,
        },
    )
    assert "  value     61 USD  newest checkin at or before 2026-11-20: 2026-11-20" in lines
    at = lines.index(f"  same day  2 observations on 2026-11-20, {ORDER}")
    assert lines[at + 1 : at + 3] == [
        "    reading 62, at 2026-11-20T09:00:00",
        "    checkin 61, at 2026-11-20T10:00:00+01:00  <- the value",
    ]


def test_a_value_alone_on_its_day_needs_no_order(make_ws: WriteFiles) -> None:
    lines = explain(make_ws, {"checkins/2026-Q4/ecommerce.yaml": None})
    assert "  value     61.2 USD  newest reading at or before 2026-11-20: 2026-11-20" in lines
    assert not [line for line in lines if line.startswith("  same day")]
