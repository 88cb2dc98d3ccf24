"""The write path through the real CLI and real git: checkin (record and import: test_readings)."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cxokr.cli import app
from tests.conftest import WriteFiles, git, refuse_commits

LOG = "checkins/2026-Q4/ecommerce.yaml"
KR = "ecommerce/grow-basket/aov-online"


def run(root: Path, *args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(app, [*args, "--workspace", str(root)], input=stdin)
    return result.exit_code, result.stderr


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_checkin_appends_one_line_and_commits_it(git_ws: Path) -> None:
    code, errors = run(
        git_ws, "checkin", KR, "--value", "61.5", "--confidence", "0.8", "--date", "2026-11-20"
    )
    assert code == 0, errors
    last = lines(git_ws / LOG)[-1]
    assert last.startswith(
        '- {"kr": "grow-basket/aov-online", "date": "2026-11-20", "value": 61.5, "confidence": 0.8, "by": "dana@acme.example", "at": '
    )
    assert git(git_ws, "log", "-1", "--format=%an <%ae>|%s") == (
        "Dana Cho <dana@acme.example>|checkin(ecommerce): grow-basket/aov-online = 61.5, confidence 0.8\n"
    )
    assert git(git_ws, "show", "--name-only", "--format=", "HEAD") == f"{LOG}\n"


def test_checkin_leaves_other_staged_changes_staged(git_ws: Path) -> None:
    (git_ws / "teams" / "company.yaml").write_text("name: Exec team\nlevel: 1\n", encoding="utf-8")
    git(git_ws, "add", "teams/company.yaml")
    assert run(git_ws, "checkin", KR, "--value", "62", "--date", "2026-11-20")[0] == 0
    assert git(git_ws, "diff", "--cached", "--name-only") == "teams/company.yaml\n"
    assert git(git_ws, "show", "--name-only", "--format=", "HEAD") == f"{LOG}\n"


def test_checkin_during_a_merge_is_refused_and_writes_nothing(git_ws: Path) -> None:
    before = (git_ws / LOG).read_bytes()
    git_dir = git_ws / ".git"
    (git_dir / "MERGE_HEAD").write_text(git(git_ws, "rev-parse", "HEAD"), encoding="utf-8")
    code, errors = run(git_ws, "checkin", KR, "--value", "62", "--date", "2026-11-20")
    assert code == 2
    assert "a merge is in progress" in errors
    assert "nothing was written" in errors
    assert (git_ws / LOG).read_bytes() == before


def test_checkin_outside_git_writes_and_says_it_did_not_commit(
    make_ws: WriteFiles, git_env: None
) -> None:
    root = make_ws()
    code, errors = run(root, "checkin", KR, "--value", "62", "--date", "2026-11-20")
    assert code == 0
    assert "did not commit: not a git repository" in errors
    assert '"value": 62.0' in lines(root / LOG)[-1]


def test_checkin_without_identity_writes_says_how_to_set_one_and_exits_2(
    git_ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(key)
    git(git_ws, "config", "user.useConfigOnly", "true")
    code, errors = run(git_ws, "checkin", KR, "--value", "62", "--date", "2026-11-20")
    assert code == 2
    assert "did not commit: no git identity is set" in errors
    assert f"error: {LOG} is written but not committed" in errors
    assert '"value": 62.0' in lines(git_ws / LOG)[-1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("ecommerce/grow-basket/nothing", "--value", "1"), "no key result"),
        ((KR, "--value", "1", "--date", "2099-01-01"), "in the future"),
        ((KR, "--value", "1", "--date", "2026-09-30"), "no key result"),
        ((KR, "--confidence", "7", "--date", "2026-11-20"), "between 0 and 1"),
        ((f"2026-Q4:{KR}", "-v", "1", "-d", "2026-09-30"), "is outside 2026-Q4 (2026-10-01 to"),
        ((KR, "--date", "2026-11-20"), "a check-in needs a value, a confidence or a note"),
    ],
)
def test_bad_checkins_are_refused_and_write_nothing(
    git_ws: Path, args: tuple[str, ...], message: str
) -> None:
    before = (git_ws / LOG).read_bytes()
    code, errors = run(git_ws, "checkin", *args)
    assert code == 2
    assert message in errors
    assert (git_ws / LOG).read_bytes() == before


def test_bulk_checkins_from_stdin_are_one_commit(git_ws: Path) -> None:
    csv_text = f"kr,value,confidence,date\n{KR},62,0.7,2026-11-19\n{KR},63,0.8,2026-11-20\n"
    code, errors = run(git_ws, "checkin", "--from", "-", stdin=csv_text)
    assert code == 0, errors
    assert len(lines(git_ws / LOG)) == 3
    assert git(git_ws, "log", "-1", "--format=%s") == "checkin(ecommerce): 2 check-ins\n"


def test_bulk_checkins_with_a_bad_row_write_nothing(git_ws: Path) -> None:
    csv_text = f"kr,value,date\n{KR},62,2026-11-19\n{KR},lots,2026-11-20\n"
    before = (git_ws / LOG).read_bytes()
    code, errors = run(git_ws, "checkin", "--from", "-", stdin=csv_text)
    assert code == 1
    assert "-: line 3: value 'lots' is not a number" in errors
    assert (git_ws / LOG).read_bytes() == before


@pytest.mark.parametrize(
    "ref", [KR, f"2026-Q4:{KR}"], ids=["the period containing the day", "a named period"]
)
def test_find_names_the_key_result_and_its_period(make_ws: WriteFiles, ref: str) -> None:
    from cxokr.edit import checkin
    from cxokr.load import workspace

    target = checkin.find(workspace.load(make_ws()), ref, date(2026, 11, 20))
    assert (target.period.id, target.team, target.name) == (
        "2026-Q4",
        "ecommerce",
        "grow-basket/aov-online",
    )


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("ecommerce/grow-basket", "'ecommerce/grow-basket' is not a key result"),
        (f"2026-Q4:{KR}/more", f"'{KR}/more' is not a key result"),
        ("2026-Q4:ecommerce/Grow-Basket/aov-online", "'ecommerce/Grow-Basket/aov-online' is not"),
        ("2026-Q4:ecommerce//aov-online", "'ecommerce//aov-online' is not a key result"),
        (f"2027-Q1:{KR}", f"no key result {KR} in period 2027-Q1; see 'cxokr report --team ecom"),
        ("ecommerce/grow-basket/nps", "no key result ecommerce/grow-basket/nps in any period "),
        (f":{KR}", f"no key result {KR} in any period containing 2026-11-20; see"),
    ],
)
def test_find_refuses_what_names_no_key_result(make_ws: WriteFiles, ref: str, message: str) -> None:
    from cxokr.edit import checkin
    from cxokr.errors import UsageError
    from cxokr.load import workspace

    with pytest.raises(UsageError) as refused:
        checkin.find(workspace.load(make_ws()), ref, date(2026, 11, 20))
    assert str(refused.value).startswith(message)


def test_standing_is_the_key_result_s_report_row_on_the_day(make_ws: WriteFiles) -> None:
    from cxokr.edit import checkin
    from cxokr.load import workspace

    ws = workspace.load(make_ws())
    day = date(2026, 11, 20)
    row = checkin.standing(ws, checkin.find(ws, KR, day), day)
    assert (row.team, row.objective, row.id) == ("ecommerce", "grow-basket", "aov-online")
    assert (row.value, row.target, row.unit) == (61.2, 64, "USD")
    assert checkin.standing(ws, checkin.find(ws, KR, day), date(2026, 11, 19)).value is None


def test_append_entries_adds_each_log_s_lines_at_once_and_returns_them(
    make_ws: WriteFiles,
) -> None:
    from cxokr.edit import logs

    open_line = b'- {"date": "2026-11-20", "value": 61.2}'  # no line break at its end
    root = make_ws({"readings/aov.yaml": open_line})
    one = {"kr": "grow-basket/aov-online", "date": "2026-11-21", "value": 62.0}
    two = {"date": "2026-11-21", "value": 62.0}
    appended = logs.append_entries(
        root, [(LOG, one), ("readings/aov.yaml", two), (LOG, {**one, "value": 63.0})]
    )
    checkins = (
        b'- {"kr": "grow-basket/aov-online", "date": "2026-11-21", "value": 62.0}\n'
        b'- {"kr": "grow-basket/aov-online", "date": "2026-11-21", "value": 63.0}\n'
    )
    reading = b'\n- {"date": "2026-11-21", "value": 62.0}\n'  # after the line left open
    assert appended == {root / LOG: checkins, root / "readings/aov.yaml": reading}
    assert list(appended) == [root / LOG, root / "readings/aov.yaml"]
    assert (root / LOG).read_bytes().endswith(checkins)
    assert (root / "readings/aov.yaml").read_bytes() == open_line + reading


APPENDER = textwrap.dedent(
    """
    import sys
    from datetime import date
    from pathlib import Path
    from cxokr.edit import checkin
    from cxokr.load import workspace
    root = Path(sys.argv[1])
    ws = workspace.load(root)
    for i in range(200):
        value = float(i) + (1000 if sys.argv[2] == "b" else 0)
        item = checkin.build(ws, "ecommerce/grow-basket/aov-online", value=value,
            confidence=None, note=sys.argv[2] * (i % 50), day=date(2026, 11, 20),
            by=None, today=date(2026, 11, 20))
        checkin.append(root, [item])
    """
)


def test_two_processes_appending_at_once_tear_no_line(make_ws: WriteFiles) -> None:
    root = make_ws()
    procs = [
        subprocess.Popen([sys.executable, "-c", APPENDER, str(root), tag]) for tag in ("a", "b")
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    from cxokr.load import workspace
    from cxokr.rules import checks

    ws = workspace.load(root)
    assert checks.check(ws) == ()
    assert len(lines(root / LOG)) == 401
    assert len(ws.checkins[("2026-Q4", "ecommerce")].entries) == 401


def test_branches_adding_checkins_merge_without_conflict(git_ws: Path) -> None:
    git(git_ws, "checkout", "-q", "-b", "support")
    assert run(git_ws, "checkin", KR, "--value", "62", "--date", "2026-11-19")[0] == 0
    git(git_ws, "checkout", "-q", "main")
    assert run(git_ws, "checkin", KR, "--value", "63", "--date", "2026-11-20")[0] == 0
    git(git_ws, "merge", "-q", "--no-edit", "support")
    values = [line for line in lines(git_ws / LOG) if '"value": 6' in line]
    assert len(values) == 3
    result = CliRunner().invoke(
        app, ["report", "-w", str(git_ws), "--as-of", "2026-11-20", "--format", "json"]
    )
    import json

    krs = [k for o in json.loads(result.stdout)["objectives"] for k in o["key_results"]]
    series = next(k["series"] for k in krs if k["id"] == "aov-online")
    values = [p["value"] for p in series]
    assert 62.0 in values
    assert 63.0 in values


def checkin_on_a_terminal(git_ws: Path, ref: str = KR) -> tuple[int, subprocess.Popen[bytes]]:
    """`cxokr checkin REF` run on a real terminal: the terminal's other end and the process."""
    import os
    import pty

    main, child = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "cxokr", "checkin", ref, "--date", "2026-11-20", "-w", str(git_ws)],
        stdin=child,
        stdout=child,
        stderr=child,
    )
    os.close(child)
    return main, proc


def test_checkin_on_a_terminal_shows_the_kr_and_asks_for_what_is_missing(git_ws: Path) -> None:
    import os

    main, proc = checkin_on_a_terminal(git_ws)
    seen = b""
    for answer in (b"62.5\n", b"0.6\n", b"Bundles live\n"):
        while not seen.rstrip().endswith(b":"):
            seen += os.read(main, 1024)
        os.write(main, answer)
        seen += b"|"
    assert proc.wait(timeout=60) == 0
    os.close(main)
    text = seen.decode()
    assert "now 61.2 USD, target 64 USD, on track" in text
    assert '"value": 62.5, "confidence": 0.6, "note": "Bundles live"' in lines(git_ws / LOG)[-1]


@pytest.mark.parametrize(
    ("marker", "what"),
    [
        ("rebase-merge", "a rebase"),
        ("CHERRY_PICK_HEAD", "a cherry-pick"),
        ("REVERT_HEAD", "a revert"),
    ],
)
def test_other_half_done_operations_are_refused_too(git_ws: Path, marker: str, what: str) -> None:
    readings = git_ws / "readings" / "aov.yaml"
    before = readings.read_bytes()
    target = git_ws / ".git" / marker
    if marker.endswith("HEAD"):
        target.write_text(git(git_ws, "rev-parse", "HEAD"), encoding="utf-8")
    else:
        target.mkdir()
    code, errors = run(git_ws, "record", "aov", "62", "--segment", "online", "--date", "2026-11-20")
    assert code == 2
    assert f"{what} is in progress" in errors
    assert readings.read_bytes() == before


def test_no_commit_writes_and_leaves_git_alone(git_ws: Path) -> None:
    head = git(git_ws, "rev-parse", "HEAD")
    code, errors = run(
        git_ws, "checkin", KR, "--value", "62", "--date", "2026-11-20", "--no-commit"
    )
    assert code == 0
    assert "not committed: --no-commit" in errors
    assert git(git_ws, "rev-parse", "HEAD") == head
    assert git(git_ws, "status", "--porcelain") == f" M {LOG}\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("checkin",), "name a key result, or pass --from FILE"),
        (("checkin", "--from", "missing.csv"), "cannot read missing.csv"),
        (("import", "missing.csv"), "cannot read missing.csv"),
    ],
)
def test_a_mistake_on_the_command_line_is_a_usage_error_not_a_bug(
    git_ws: Path, args: tuple[str, ...], message: str
) -> None:
    before = (git_ws / LOG).read_bytes()
    code, errors = run(git_ws, *args)
    assert (code, "internal error" in errors) == (2, False)
    assert message in errors
    assert (git_ws / LOG).read_bytes() == before


def test_a_value_typed_at_the_prompt_that_is_no_number_is_a_usage_error(git_ws: Path) -> None:
    import os

    before = (git_ws / LOG).read_bytes()
    main, proc = checkin_on_a_terminal(git_ws)
    seen = b""
    while not seen.rstrip().endswith(b":"):
        seen += os.read(main, 1024)
    os.write(main, b"sixty\n")
    assert proc.wait(timeout=60) == 2
    try:
        while chunk := os.read(main, 1024):
            seen += chunk
    except OSError:  # the terminal closes with the process
        pass
    os.close(main)
    assert "value 'sixty' is not a number" in seen.decode()
    assert (git_ws / LOG).read_bytes() == before


def test_a_commit_git_refuses_leaves_the_line_written_says_so_and_exits_2(git_ws: Path) -> None:
    refuse_commits(git_ws, "goals are frozen this week")
    head = git(git_ws, "rev-parse", "HEAD")
    code, errors = run(git_ws, "checkin", KR, "--value", "62", "--date", "2026-11-20")
    assert code == 2
    assert f"wrote {LOG}, but did not commit: " in errors
    assert f"error: {LOG} is written but not committed; fix the cause above" in errors
    assert '"value": 62.0' in lines(git_ws / LOG)[-1]
    assert git(git_ws, "rev-parse", "HEAD") == head


def test_an_append_ends_an_unterminated_last_line_and_returns_exactly_what_it_added(
    make_ws: WriteFiles,
) -> None:
    from datetime import date

    from cxokr.edit import checkin
    from cxokr.load import workspace

    root = make_ws()
    log = root / LOG
    before = log.read_bytes().rstrip(b"\n")
    log.write_bytes(before)
    item = checkin.build(
        workspace.load(root), KR, value=62.0, confidence=None, note=None,
        day=date(2026, 11, 20), by=None, today=date(2026, 11, 20),
    )  # fmt: skip
    appended = checkin.append(root, [item])
    assert list(appended) == [log]
    assert appended[log].startswith(b'\n- {"kr": "grow-basket/aov-online", "date": "2026-11-20"')
    assert log.read_bytes() == before + appended[log]


# --- Checklists, scores and shares ------------------------------------------------------------

MARKETING_LOG = "checkins/2026-Q4/marketing.yaml"
HANDBOOK = "marketing/launch-season/handbook"


@pytest.fixture
def forms_ws(make_ws: WriteFiles, git_env: None) -> Path:
    """The workspace with every form of key result, as the first commit of a repository."""
    from tests.compute.test_kr_rows import FORMS

    root = make_ws(FORMS, base=False)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Start")
    return root


def last_entry(root: Path) -> dict[str, object]:
    import json

    line = lines(root / MARKETING_LOG)[-1]
    assert line.startswith("- {")
    entry: dict[str, object] = json.loads(line[2:])
    return entry


def test_a_checklist_check_in_names_the_items_done_and_commits(forms_ws: Path) -> None:
    code, errors = run(
        forms_ws,
        "checkin",
        HANDBOOK,
        "--done",
        "migrate",
        "--confidence",
        "0.9",
        "-d",
        "2026-11-20",
    )
    assert code == 0, errors
    entry = last_entry(forms_ws)
    assert {k: v for k, v in entry.items() if k not in ("by", "at")} == {
        "kr": "launch-season/handbook",
        "date": "2026-11-20",
        "done": ["migrate"],
        "confidence": 0.9,
    }
    assert git(forms_ws, "log", "-1", "--format=%s") == (
        "checkin(marketing): launch-season/handbook done migrate, confidence 0.9\n"
    )


def test_a_checklist_check_in_reopens_items_with_undone(forms_ws: Path) -> None:
    args = ("--undone", "publish", "--undone", "outline", "--done", "migrate", "-d", "2026-11-20")
    code, errors = run(forms_ws, "checkin", HANDBOOK, *args)
    assert code == 0, errors
    assert last_entry(forms_ws)["undone"] == ["publish", "outline"]
    assert git(forms_ws, "log", "-1", "--format=%s") == (
        "checkin(marketing): launch-season/handbook done migrate, reopened publish, outline\n"
    )


def test_a_score_check_in_carries_the_score(forms_ws: Path) -> None:
    code, errors = run(
        forms_ws, "checkin", "marketing/launch-season/heard", "--score", "0.7", "-d", "2026-11-20"
    )
    assert code == 0, errors
    assert last_entry(forms_ws)["score"] == 0.7
    assert git(forms_ws, "log", "-1", "--format=%s") == (
        "checkin(marketing): launch-season/heard score 0.7\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            (HANDBOOK, "--value", "2"),
            "okrs/2026-Q4/marketing.yaml:19:9: launch-season/handbook is a checklist: name the "
            "items done with --done ITEM (items: outline, migrate, publish), not a value",
        ),
        ((HANDBOOK, "--score", "0.5"), "is a checklist: name the items done with --done ITEM"),
        (
            (HANDBOOK, "--done", "preface", "--done", "migrate"),
            "launch-season/handbook has no item preface (items: outline, migrate, publish)",
        ),
        (
            (HANDBOOK, "--done", "migrate", "--undone", "migrate"),
            "migrate cannot be both done and undone in one check-in",
        ),
        (
            (HANDBOOK, "--done", "outline"),
            "launch-season/handbook: already done on 2026-11-20: outline (done 2026-10-14)",
        ),
        ((HANDBOOK, "--undone", "migrate"), "not done on 2026-11-20, nothing to reopen: migrate"),
        (
            ("marketing/launch-season/heard", "--value", "0.5"),
            "launch-season/heard is a score: give the owner's score with --score (0 to 1)",
        ),
        (
            ("marketing/launch-season/heard", "--score", "1.5"),
            "the score is between 0 and 1",
        ),
        (
            ("marketing/launch-season/subscribers", "--done", "outline"),
            "launch-season/subscribers is not a checklist (its type is target); "
            "--done and --undone name a checklist's items",
        ),
        (
            ("marketing/launch-season/subscribers", "--score", "0.5"),
            "launch-season/subscribers is not a score key result (its type is target)",
        ),
        (
            ("marketing/launch-season/bundles-share", "--note", "Two pages"),
            "launch-season/bundles-share is a share of ecommerce/grow-basket/bundles-live, whose "
            "figures it shows; check in on the shared key result: "
            "cxokr checkin 2026-Q4:ecommerce/grow-basket/bundles-live",
        ),
    ],
)
def test_a_check_in_that_does_not_fit_the_form_is_refused_where_it_is_defined(
    forms_ws: Path, args: tuple[str, ...], message: str
) -> None:
    before = (forms_ws / MARKETING_LOG).read_bytes()
    code, errors = run(forms_ws, "checkin", *args, "--date", "2026-11-20")
    assert (code, "internal error" in errors) == (2, False)
    assert message in errors, errors
    assert (forms_ws / MARKETING_LOG).read_bytes() == before


def test_a_checklist_on_a_terminal_lists_its_open_items_and_asks_which_are_done(
    forms_ws: Path,
) -> None:
    import os

    main, proc = checkin_on_a_terminal(forms_ws, HANDBOOK)
    seen = b""
    for answer in (b"migrate\n", b"\n", b"Pages moved\n"):
        while not seen.rstrip().endswith(b":"):
            seen += os.read(main, 1024)
        os.write(main, answer)
        seen += b"|"
    assert proc.wait(timeout=60) == 0
    os.close(main)
    text = seen.decode().replace("\r", "")
    assert "now 2 items, target 4 items, on track\n  open items:\n" in text
    assert "    migrate  Move 40 pages (due 2026-11-30)\n" in text
    assert "items done (IDs separated by spaces; empty to skip):" in text
    assert "value (empty to skip)" not in text
    entry = last_entry(forms_ws)
    assert (entry["done"], entry["note"], "confidence" in entry) == (
        ["migrate"],
        "Pages moved",
        False,
    )


def test_a_score_on_a_terminal_asks_for_the_score(forms_ws: Path) -> None:
    import os

    main, proc = checkin_on_a_terminal(forms_ws, "marketing/launch-season/heard")
    seen = b""
    for answer in (b"0.8\n", b"0.6\n", b"\n"):
        while not seen.rstrip().endswith(b":"):
            seen += os.read(main, 1024)
        os.write(main, answer)
        seen += b"|"
    assert proc.wait(timeout=60) == 0
    os.close(main)
    assert "score 0-1 (empty to skip):" in seen.decode()
    entry = last_entry(forms_ws)
    assert (entry["score"], entry["confidence"]) == (0.8, 0.6)


def test_bulk_check_ins_take_scores_and_items_done(forms_ws: Path) -> None:
    import json

    csv_text = (
        "kr,score,done,undone,date\n"
        "marketing/launch-season/heard,0.7,,,2026-11-20\n"
        f"{HANDBOOK},,migrate,publish outline,2026-11-20\n"
    )
    code, errors = run(forms_ws, "checkin", "--from", "-", stdin=csv_text)
    assert code == 0, errors
    written = [json.loads(line[2:]) for line in lines(forms_ws / MARKETING_LOG)[-2:]]
    assert [(e["kr"], e.get("score"), e.get("done"), e.get("undone")) for e in written] == [
        ("launch-season/heard", 0.7, None, None),
        ("launch-season/handbook", None, ["migrate"], ["publish", "outline"]),
    ]


def test_bulk_check_ins_name_the_row_of_an_item_a_checklist_lacks(forms_ws: Path) -> None:
    csv_text = f"kr,done,date\n{HANDBOOK},migrate preface,2026-11-20\n"
    code, errors = run(forms_ws, "checkin", "--from", "-", stdin=csv_text)
    assert code == 1
    assert "-: line 2: okrs/2026-Q4/marketing.yaml:19:9: launch-season/handbook has no item " in (
        errors
    )


def test_a_share_on_a_terminal_is_refused_before_anything_is_asked(forms_ws: Path) -> None:
    import os

    before = (forms_ws / MARKETING_LOG).read_bytes()
    main, proc = checkin_on_a_terminal(forms_ws, "marketing/launch-season/bundles-share")
    assert proc.wait(timeout=60) == 2
    seen = b""
    try:
        while chunk := os.read(main, 1024):
            seen += chunk
    except OSError:  # the terminal closes with the process
        pass
    os.close(main)
    text = seen.decode().replace("\r", "").replace("\n", " ")
    assert "check in on the shared key result" in text
    assert "(empty to skip)" not in text
    assert (forms_ws / MARKETING_LOG).read_bytes() == before


def test_checkin_without_a_key_result_off_a_terminal_is_a_usage_error(git_ws: Path) -> None:
    code, errors = run(git_ws, "checkin", "--value", "62")
    assert (code, errors) == (2, "error: name a key result, or pass --from FILE\n")


def test_checkin_without_a_key_result_on_a_terminal_offers_the_users_first(
    make_ws: WriteFiles, git_env: None
) -> None:
    """Through a real terminal, committed as the repository's user.email, which owns one key
    result; a number off the list asks again."""
    import os
    import pty

    from tests.cli.test_pick import OWNED

    root = make_ws(OWNED)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "sam@acme.example")
    git(root, "config", "user.name", "Sam Ortiz")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Start")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_AUTHOR", "GIT_COMMITTER"))}
    main, child = pty.openpty()
    command = [sys.executable, "-m", "cxokr", "checkin", "--date", "2026-11-20", "-w", str(root)]
    proc = subprocess.Popen(command, stdin=child, stdout=child, stderr=child, env=env)
    os.close(child)
    seen = b""
    for answer in (b"9\n", b"1\n", b"2\n", b"0.5\n", b"\n"):
        while not seen.rstrip().endswith(b":"):
            seen += os.read(main, 1024)
        os.write(main, answer)
        seen += b"|"
    assert proc.wait(timeout=60) == 0
    os.close(main)
    text = seen.decode().replace("\r\n", "\n")
    assert (
        "yours (sam@acme.example):\n"
        "   1  ecommerce/grow-basket/bundles  Bundles live on 3 pages  (no value yet, no data)\n"
        "the others:\n"
        "   2  company/raise-aov/aov  AOV from 60 to 64 USD  (now 61.2 USD, off track)\n"
    ) in text
    assert (
        "'9' is not on the list: type a number from 1 to 3, or a reference\n"
        "key result (number or reference):"
    ) in text
    entry = json.loads(lines(root / LOG)[-1].removeprefix("- "))
    assert (entry["kr"], entry["value"], entry["confidence"], entry["by"]) == (
        "grow-basket/bundles",
        2,
        0.5,
        "sam@acme.example",
    )
    assert git(root, "log", "-1", "--format=%ae %s") == (
        "sam@acme.example checkin(ecommerce): grow-basket/bundles = 2, confidence 0.5\n"
    )


def test_the_end_of_input_at_the_pick_prompt_writes_nothing_and_exits_130(git_ws: Path) -> None:
    import os
    import pty

    main, child = pty.openpty()
    command = [sys.executable, "-m", "cxokr", "checkin", "--date", "2026-11-20", "-w", str(git_ws)]
    proc = subprocess.Popen(command, stdin=child, stdout=child, stderr=child)
    os.close(child)
    seen = b""
    while not seen.rstrip().endswith(b"key result (number or reference):"):
        seen += os.read(main, 1024)
    os.write(main, b"\x04")  # Ctrl-D
    assert proc.wait(timeout=60) == 130
    with contextlib.suppress(OSError):  # the terminal closes with the process
        seen += os.read(main, 1024)
    os.close(main)
    assert seen.decode().replace("\r\n", "\n").endswith("interrupted\n")
    assert len(lines(git_ws / LOG)) == 1
