"""Nothing from the files reaches the terminal as a control sequence (DESIGN.md §4).

A repository whose titles, notes, owners, team, level and metric names, retro
and git author names hold every C0 and C1 control, DEL, every bidi control,
NUL and a lone surrogate; every text and Markdown command runs on it through
the CLI, and no such character may appear raw in what it prints: the only
control character allowed is the line feed the command writes itself. (The
test runner's output is strict UTF-8, so a lone surrogate printed raw fails
the command too.) The values are YAML and JSON escapes, so the files are plain
text; the git author names reach the output whatever `check` makes of the files.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cxokr.cli import app
from cxokr.load import workspace
from cxokr.render.controls import BIDI_CONTROLS, escape_controls, json_text
from tests.conftest import write_files

CXOKR = str(Path(sys.executable).parent / "cxokr")
UNSAFE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
CONTROLS = [chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))] + list(BIDI_CONTROLS)

# Everything, as the escapes a YAML double-quoted scalar and a JSON string read.
YAML_ALL = "".join(f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}" for c in CONTROLS)
JSON_ALL = "".join(f"\\u{ord(c):04x}" for c in CONTROLS) + "\\ud800"
# A tab and a line break: text a file may well hold, still shown escaped.
TAME = "tab\\there\\nnewline"
SHOWN_TAME = TAME  # shown as the same escapes, never as the characters they stand for
# What a commit's name can hold: no NUL or line feed; 0xff (not UTF-8) is read as a lone surrogate.
AUTHOR = "Eve\t\x1b[2J\x1b]0;pwned\x07\x1b[32mOK\x9b\x7f\u202eevil\u2066\udcff"

CONFIG = """
    organization: "Acme {text}"
    periods:
      - {{id: 2026, start: 2026-01-01, end: 2026-12-31}}
      - {{id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}}
    levels: {{1: "Exec {text}", 2: CX leadership, 3: "Mgmt {text}", 4: Operations}}
"""

# Files with every control in them, which `check` may refuse (CX117), beside files with
# only a tab and a line break, which load whatever it decides: the tree company ->
# ecommerce is always there, brand hangs from it when its files load.
FILES = {
    "teams/company.yaml": f"""
        name: "Executive {TAME}"
        level: 1
    """,
    "teams/brand.yaml": f"""
        name: "Brand {YAML_ALL}"
        level: 2
        parent: company
    """,
    "teams/ecommerce.yaml": f"""
        name: "E-commerce {TAME}"
        level: 3
        parent: company
    """,
    "metrics/aov.yaml": f"""
        name: "Average order value {TAME}"
        unit: USD
        direction: higher
        description: "Mean basket {TAME}"
        segments: [online, in-store]
    """,
    "metrics/nps.yaml": f"""
        name: "NPS {YAML_ALL}"
        unit: points
        direction: higher
        description: "Survey {YAML_ALL}"
        source: "Panel {YAML_ALL}"
    """,
    "okrs/2026/company.yaml": f"""
        objectives:
          - id: raise-aov
            title: "Raise AOV {TAME}"
            owner: "boss {TAME}"
            key_results:
              - id: aov
                title: "AOV from 60 to 64 {TAME}"
                metric: aov
                segment: online
                start: 60
                target: 64
    """,
    "okrs/2026-Q4/brand.yaml": f"""
        objectives:
          - id: loved-brand
            title: "Loved brand {YAML_ALL}"
            owner: "bo {YAML_ALL}"
            retro: "Retro {YAML_ALL}"
            aligns_to: 2026:company/raise-aov
            key_results:
              - id: nps
                title: "NPS from 30 to 40 {YAML_ALL}"
                owner: "kr owner {YAML_ALL}"
                metric: nps
                start: 30
                target: 40
    """,
    "okrs/2026-Q4/ecommerce.yaml": f"""
        objectives:
          - id: grow-basket
            title: "Shoppers {TAME}"
            owner: "dana {TAME}"
            retro: "Retro {TAME}"
            aligns_to: 2026:company/raise-aov
            key_results:
              - id: aov-online
                title: "Raise online AOV {TAME}"
                owner: "kr owner {TAME}"
                metric: aov
                segment: online
                start: 58
                target: 64
    """,
    "checkins/2026-Q4/brand.yaml": (
        '- {"kr": "loved-brand/nps", "date": "2026-10-19", "value": 33,'
        f' "note": "note {JSON_ALL}", "by": "by {JSON_ALL}"}}\n'
    ),
    "checkins/2026-Q4/ecommerce.yaml": (
        '- {"kr": "grow-basket/aov-online", "date": "2026-10-19", "value": 60.5,'
        f' "note": "note {JSON_ALL}", "by": "by {JSON_ALL}"}}\n'
    ),
    "readings/aov.yaml": """
        - {"date": "2026-11-20", "value": 61.2, "segment": "online"}
    """,
    "readings/nps.yaml": """
        - {"date": "2026-11-20", "value": 34}
    """,
}


def run(root: Path, *args: str) -> tuple[int, bytes, bytes]:
    """Exit code, stdout and stderr of `cxokr ARGS --workspace ROOT`."""
    done = CliRunner().invoke(app, [*args, "--workspace", str(root)])
    return done.exit_code, done.stdout_bytes, done.stderr_bytes


GIT_ENV = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(root: Path, *args: str, data: bytes | None = None, check: bool = True) -> str:
    done = subprocess.run(
        ["git", *args], cwd=root, input=data, capture_output=True, check=check, env=GIT_ENV
    )
    return done.stdout.decode().strip()


def commit(root: Path, when: str, message: str) -> None:
    """Commit everything as AUTHOR, written byte for byte as a hostile repository can
    (`git commit` itself would re-encode the name's 0xff byte as UTF-8)."""
    git(root, "add", "-A")
    stamp = f"{int(datetime.fromisoformat(when).timestamp())} +0000"
    ident = AUTHOR.encode("utf-8", "surrogateescape") + b" <eve@evil.example> " + stamp.encode()
    parent = git(root, "rev-parse", "-q", "--verify", "HEAD", check=False)
    lines = [b"tree " + git(root, "write-tree").encode()]
    if parent:
        lines.append(b"parent " + parent.encode())
    lines += [b"author " + ident, b"committer " + ident, b"", message.encode()]
    sha = git(root, "hash-object", "-t", "commit", "-w", "--stdin", data=b"\n".join(lines) + b"\n")
    git(root, "update-ref", "HEAD", sha)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The workspace in git: created before 2026-Q4; after it began, a target moved
    (CX501 names the author) and a check-in came."""
    root = write_files(tmp_path_factory.mktemp("safety") / "repo", FILES)
    write_files(root, {"cxokr.yaml": CONFIG.format(text=YAML_ALL)})
    if workspace.load(root).config is None:  # `check` refuses such text (CX117): the
        write_files(root, {"cxokr.yaml": CONFIG.format(text=TAME)})  # commands need a config
    git(root, "init", "-q", "-b", "main")
    commit(root, "2026-09-20T10:00:00+00:00", "Plan Q4 \x1b[31mred\x1b[0m \u202e")
    okrs = root / "okrs/2026-Q4/ecommerce.yaml"
    okrs.write_text(okrs.read_text().replace("target: 64", "target: 66"))
    with (root / "checkins/2026-Q4/ecommerce.yaml").open("a") as log:
        log.write(
            '- {"kr": "grow-basket/aov-online", "date": "2026-11-20", "value": 61.2,'
            f' "confidence": 0.7, "note": "note {TAME}"}}\n'
        )
    commit(root, "2026-11-02T10:00:00+00:00", "Move the target \x1b]0;title\x07")
    return root


COMMANDS = [
    ["report", "--as-of", "2026-11-21"],
    ["report", "--as-of", "2026-11-21", "--format", "md"],
    ["report", "--as-of", "2026-11-21", "--since", "2026-10-01"],
    ["report", "--as-of", "2026-11-21", "--since", "2026-10-01", "--format", "md"],
    ["report", "--as-of", "2026-11-21", "--owner", "dana \x1b[2J\u202e"],
    ["align", "--as-of", "2026-11-21"],
    ["align", "--as-of", "2026-11-21", "--format", "md"],
    ["explain", "ecommerce/grow-basket/aov-online", "--as-of", "2026-11-21"],
    ["explain", "brand/loved-brand/nps", "--as-of", "2026-11-21"],
    ["explain", "brand", "--as-of", "2026-11-21"],
    ["log", "ecommerce/grow-basket/aov-online"],
    ["log", "ecommerce"],
    ["metrics", "--as-of", "2026-11-21"],
    ["check"],
    ["check", "--format", "github"],
    ["period", "close", "2026-Q4", "--as-of", "2026-12-31", "--no-commit"],
    ["notify", "--dry-run", "--as-of", "2026-11-21"],
    ["notify", "--dry-run", "--as-of", "2026-11-21", "--format", "slack"],
]


def raw_controls(data: bytes) -> list[str]:
    text = data.decode("utf-8")  # strict: a lone surrogate cannot have been written raw
    return sorted({f"U+{ord(c):04X}" for c in UNSAFE.findall(text)})


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_no_command_prints_a_control_character_raw(
    repo: Path, tmp_path: Path, git_env: None, args: list[str]
) -> None:
    if args[0] == "period":  # it writes: on a copy, so every other test sees the same files
        repo = Path(shutil.copytree(repo, tmp_path / "copy", symlinks=True))
    code, out, errors = run(repo, *args)
    assert code in (0, 1, 2), errors  # 2: brand/ is refused by check and cannot be explained
    assert raw_controls(out) == []
    assert raw_controls(errors) == []


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (["report", "--as-of", "2026-11-21"], f"Shoppers {SHOWN_TAME}"),
        (["report", "--as-of", "2026-11-21", "--format", "md"], f"Shoppers {SHOWN_TAME}"),
        (["report", "--as-of", "2026-11-21", "--since", "2026-10-01"], SHOWN_TAME),
        (["align", "--as-of", "2026-11-21"], f"Shoppers {SHOWN_TAME}"),
        (["align", "--as-of", "2026-11-21", "--format", "md"], f"Shoppers {SHOWN_TAME}"),
        (["explain", "ecommerce/grow-basket", "--as-of", "2026-11-21"], SHOWN_TAME),
        (["metrics", "aov", "--as-of", "2026-11-21"], f"Average order value {SHOWN_TAME}"),
        (["log", "ecommerce"], "Eve\\t\\x1b[2J\\x1b]0;pwned\\x07\\x1b[32mOK\\x9b\\x7f\\u202eevil"),
        (["check"], "by Eve\\t\\x1b[2J"),
    ],
)
def test_user_text_is_shown_with_its_controls_escaped(
    repo: Path, git_env: None, args: list[str], shown: str
) -> None:
    code, out, errors = run(repo, *args)
    assert code in (0, 1), errors
    assert shown in out.decode("utf-8")


@pytest.mark.parametrize(
    "args",
    [
        ["report", "--as-of", "2026-11-21", "--format", "md"],
        ["report", "--as-of", "2026-11-21"],
        ["explain", "ecommerce/grow-basket/aov-online", "--as-of", "2026-11-21"],
    ],
)
def test_a_tab_or_line_break_in_a_title_is_shown_escaped(
    repo: Path, git_env: None, args: list[str]
) -> None:
    """Tab and line feed are the controls `check` lets a value hold (CX117 refuses the rest):
    every text and Markdown view shows them escaped, so a title stays on its line."""
    assert "okrs/2026-Q4/brand.yaml" in workspace.load(repo).failed  # the rest: refused
    code, out, _ = run(repo, *args)
    assert code in (0, 1)
    assert "tab\\there\\nnewline" in out.decode("utf-8")


def test_the_installed_command_prints_an_author_name_escaped(repo: Path, git_env: None) -> None:
    """The real entry point: the lone surrogate (0xff in the name) and the rest, escaped."""
    done = subprocess.run([CXOKR, "log", "ecommerce"], cwd=repo, capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert raw_controls(done.stdout) == []
    assert "\\u202eevil\\u2066\\udcff  " in done.stdout.decode("utf-8")


def test_json_keeps_the_true_value_and_shows_no_control(repo: Path, git_env: None) -> None:
    _, log, _ = run(repo, "log", "ecommerce", "--format", "json")
    assert raw_controls(log) == []
    assert {e["author"] for e in json.loads(log)["events"]} == {AUTHOR}
    _, report, _ = run(repo, "report", "--as-of", "2026-11-21", "--format", "json")
    assert raw_controls(report) == []
    titles = {o["title"] for o in json.loads(report)["objectives"]}
    assert "Shoppers tab\there\nnewline" in titles


def test_csv_keeps_tabs_and_line_breaks_but_no_escape_sequence(repo: Path, git_env: None) -> None:
    code, out, _ = run(repo, "report", "--as-of", "2026-11-21", "--format", "csv")
    assert code in (0, 1)
    text = out.decode("utf-8")
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", text)
    rows = {row["ref"]: row for row in csv.DictReader(io.StringIO(text))}
    assert rows["2026-Q4:ecommerce/grow-basket/aov-online"]["title"] == (
        "Raise online AOV tab\there\nnewline"
    )


def test_html_shows_no_control_character(repo: Path, git_env: None) -> None:
    code, out, _ = run(repo, "report", "--as-of", "2026-11-21", "--format", "html")
    assert code in (0, 1)
    assert raw_controls(out) == []


# --- the functions -----------------------------------------------------------------------


def test_every_control_is_escaped_and_nothing_else() -> None:
    for char in [*CONTROLS, "\ud800", "\udfff"]:
        shown = escape_controls(f"a{char}b")
        assert re.fullmatch(r"a\\(x[0-9a-f]{2}|u[0-9a-f]{4}|[tnr])b", shown), repr(char)
    plain = "Café · 50% → 64 USD ✓ مرحبا שלום 日本 😀 \\x1b"
    assert escape_controls(plain) == plain


def test_escapes_read_like_python_literals() -> None:
    assert escape_controls("\x1b[2J\t\n\r\x00\x9b\u202e\ud800") == (
        "\\x1b[2J\\t\\n\\r\\x00\\x9b\\u202e\\ud800"
    )
    assert escape_controls("one\ntwo\x1b", keep="\n") == "one\ntwo\\x1b"


def test_json_text_round_trips_and_prints_nothing_raw() -> None:
    value = {"title": "".join(CONTROLS) + "\ud800 ok ✓"}
    text = json_text(value)
    assert UNSAFE.search(text) is None
    assert not re.search(r"[\ud800-\udfff]", text)
    assert json.loads(text) == value
