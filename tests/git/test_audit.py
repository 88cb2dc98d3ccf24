"""`cxokr log`: the audit trail from a scripted git history, through the real CLI and git."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cxokr.cli import app
from cxokr.errors import UsageError
from cxokr.git import audit, audit_data
from tests import scripted
from tests.conftest import WriteFiles, git
from tests.paths import REPO


@pytest.fixture
def ws(tmp_path: Path, git_env: None) -> Path:
    return scripted.build(tmp_path / "repo")


def run(ws: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*args, "--workspace", str(ws)])
    return result.exit_code, result.stdout, result.stderr


def shas(ws: Path) -> list[str]:
    """Short hashes of the scripted commits, oldest first."""
    return git(ws, "log", "--reverse", "--format=%h").split()


def test_log_of_a_key_result_lists_exactly_its_events_in_order(ws: Path) -> None:
    code, out, errors = run(ws, "log", scripted.KR)
    assert code == 0, errors
    create, checkin, reading, target, _, checkin_2 = shas(ws)
    assert out.splitlines() == [
        "2026-Q4:ecommerce/grow-basket/aov-online  Raise online AOV",
        f'2026-09-20  {create}  Dana Cho   created with title "Raise online AOV", metric aov, '
        "segment online, start 58, target 64",
        f"2026-10-15  {checkin}  Dana Cho   check-in 59.5 on 2026-10-15, confidence 0.8, "
        'note "Bundles pilot"',
        f"2026-10-20  {reading}  Raj Patel  aov: reading 60.1 online on 2026-10-20",
        f"2026-11-02  {target}  Raj Patel  changed target 64 → 66",
        f"2026-11-16  {checkin_2}  Raj Patel  check-in 62 on 2026-11-16, confidence 0.6",
    ]
    assert errors == ""


def test_log_as_json_names_authors_commits_and_old_and_new_values(ws: Path) -> None:
    code, out, _ = run(ws, "log", scripted.KR, "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["ref"] == scripted.KR
    assert doc["complete"] is True
    events = doc["events"]
    assert [(e["kind"], e["author"], e["email"]) for e in events] == [
        ("created", "Dana Cho", "dana@acme.example"),
        ("check-in", "Dana Cho", "dana@acme.example"),
        ("reading", "Raj Patel", "raj@acme.example"),
        ("changed", "Raj Patel", "raj@acme.example"),
        ("check-in", "Raj Patel", "raj@acme.example"),
    ]
    assert events[3]["changes"] == [{"field": "target", "old": 64.0, "new": 66.0}]
    assert events[3]["date"] == "2026-11-02T12:00:00+00:00"
    assert events[3]["message"] == "Aim higher on online AOV"
    assert events[3]["commit"] == git(ws, "rev-parse", "HEAD~2").strip()
    assert events[4]["entry"] == {
        "kr": "grow-basket/aov-online",
        "date": "2026-11-16",
        "value": 62.0,
        "confidence": 0.6,
        "by": "raj@acme.example",
    }


def test_log_of_an_objective_covers_each_of_its_key_results(ws: Path) -> None:
    code, out, _ = run(ws, "log", "2026-Q4:ecommerce/grow-basket")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == ("2026-Q4:ecommerce/grow-basket  Shoppers find more to love in every basket")
    assert [line.split("  ", 3)[3].strip() for line in lines[1:]] == [
        'created with title "Shoppers find more to love in every basket", '
        "owner dana@acme.example, aligns_to 2026:company/raise-aov",
        'aov-online: created with title "Raise online AOV", metric aov, segment online, '
        "start 58, target 64",
        'bundles-live: created with title "Bundles live on category pages", unit count, '
        "start 0, target 3",
        'aov-online: check-in 59.5 on 2026-10-15, confidence 0.8, note "Bundles pilot"',
        "aov: reading 60.1 online on 2026-10-20",
        "aov-online: changed target 64 → 66",
        'bundles-live: changed target 3 → 2, rebaseline "Kids category moved to 2027 (2026-11-09)"',
        "aov-online: check-in 62 on 2026-11-16, confidence 0.6",
    ]


def test_log_since_a_date_keeps_what_happened_from_that_day(ws: Path) -> None:
    code, out, _ = run(ws, "log", "2026-Q4:ecommerce", "--since", "2026-11-09")
    assert code == 0
    assert [line.split("  ", 3)[3].strip() for line in out.splitlines()[1:]] == [
        "grow-basket/bundles-live: changed target 3 → 2, "
        'rebaseline "Kids category moved to 2027 (2026-11-09)"',
        "grow-basket/aov-online: check-in 62 on 2026-11-16, confidence 0.6",
    ]


def test_log_since_a_revision_keeps_what_came_after_it(ws: Path) -> None:
    code, out, _ = run(ws, "log", scripted.KR, "--since", "HEAD~2", "--format", "json")
    assert code == 0
    assert [e["message"] for e in json.loads(out)["events"]] == [
        "checkin(ecommerce): aov-online = 62"
    ]


def test_log_in_a_shallow_clone_says_history_is_incomplete(ws: Path, tmp_path: Path) -> None:
    clone = scripted.shallow_clone(ws.parent, tmp_path / "clone", 1)
    code, out, errors = run(clone / "goals", "log", scripted.KR)
    assert code == 0
    assert out == "2026-Q4:ecommerce/grow-basket/aov-online  Raise online AOV\n"
    assert "warning: history is incomplete: this is a shallow clone" in errors
    assert "git fetch --unshallow" in errors
    code, out, _ = run(clone / "goals", "log", scripted.KR, "--format", "json")
    assert json.loads(out)["complete"] is False


def test_log_outside_git_says_it_needs_history(make_ws: WriteFiles) -> None:
    code, _, errors = run(make_ws(), "log", "2026-Q4:ecommerce/grow-basket/aov-online")
    assert code == 2
    assert "is not in a git repository; cxokr log reads git history" in errors


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("2026-Q4:ecommerce/a/b/c", "is not a reference"),
        ("Ecommerce", "is not a reference"),
        ("2027:ecommerce", "no period '2027'"),
    ],
)
def test_log_refuses_a_bad_reference(ws: Path, ref: str, message: str) -> None:
    code, _, errors = run(ws, "log", ref)
    assert code == 2
    assert message in errors


def test_log_refuses_an_unknown_revision(ws: Path) -> None:
    code, _, errors = run(ws, "log", scripted.KR, "--since", "no-such-tag")
    assert code == 2
    assert "no commit 'no-such-tag'" in errors


def test_without_a_period_the_narrowest_one_holding_the_reference_is_used(ws: Path) -> None:
    found = audit.resolve(ws, "ecommerce/grow-basket/aov-online", date(2026, 11, 20))
    assert str(found) == scripted.KR
    yearly = audit.resolve(ws, "company/raise-aov", date(2026, 11, 20))
    assert str(yearly) == "2026:company/raise-aov"
    with pytest.raises(UsageError, match="name the period as PERIOD:ecommerce/nothing"):
        audit.resolve(ws, "ecommerce/nothing", date(2026, 11, 20))


@pytest.mark.parametrize(
    ("ref", "names"),
    [
        ("ecommerce", ("", "ecommerce", None, None)),
        ("/ecommerce/grow-basket/", ("", "ecommerce", "grow-basket", None)),
        (
            "2026-Q4:ecommerce/grow-basket/aov-online",
            ("2026-Q4", "ecommerce", "grow-basket", "aov-online"),
        ),
        (":ecommerce", ("", "ecommerce", None, None)),
    ],
)
def test_a_subject_names_a_team_an_objective_or_a_key_result(
    ref: str, names: tuple[str, ...]
) -> None:
    assert audit._names(ref) == names


@pytest.mark.parametrize(
    "ref", ["", "/", "a/b/c/d", "a//b", "Ecommerce/x", "a:b:ecommerce", "2026_Q4:ecommerce"]
)
def test_anything_else_is_not_a_subject(ref: str) -> None:
    with pytest.raises(UsageError, match="is not a reference; write team, team/objective"):
        audit._names(ref)


def test_a_version_that_does_not_load_is_skipped(ws: Path) -> None:
    okrs = ws / scripted.OKRS
    good = okrs.read_text(encoding="utf-8")
    okrs.write_text("objectives: [\n", encoding="utf-8")
    scripted.commit(ws.parent, scripted.RAJ, "2026-11-17T12:00:00+00:00", "Break the file")
    okrs.write_text(good.replace("target: 66", "target: 67"), encoding="utf-8")
    scripted.commit(ws.parent, scripted.RAJ, "2026-11-18T12:00:00+00:00", "Mend it")
    trail = audit.trail(ws, scripted.KR)
    assert [(e.kind.value, e.changes) for e in trail.events[-2:]] == [
        ("check-in", ()),
        ("changed", (audit_data.FieldChange("target", 66.0, 67.0),)),
    ]


def test_a_line_a_union_merge_duplicated_is_one_check_in(ws: Path) -> None:
    scripted.append(ws / scripted.CHECKINS, scripted.CHECKIN_2)
    scripted.commit(ws.parent, scripted.DANA, "2026-11-17T12:00:00+00:00", "Merge leftovers")
    trail = audit.trail(ws, scripted.KR)
    assert [e.kind.value for e in trail.events].count("check-in") == 2


def test_a_removed_key_result_and_check_in_are_events(ws: Path) -> None:
    okrs, log = ws / scripted.OKRS, ws / scripted.CHECKINS
    text = okrs.read_text(encoding="utf-8")
    okrs.write_text(text[: text.index("      - id: bundles-live")], encoding="utf-8")
    log.write_text(scripted.CHECKIN_1, encoding="utf-8")
    scripted.commit(ws.parent, scripted.DANA, "2026-11-18T12:00:00+00:00", "Drop bundles")
    trail = audit.trail(ws, "2026-Q4:ecommerce/grow-basket")
    assert [(e.kind.value, e.subject) for e in trail.events[-2:]] == [
        ("removed", "2026-Q4:ecommerce/grow-basket/bundles-live"),
        ("check-in removed", scripted.KR),
    ]


def test_the_log_reads_history_in_a_few_git_processes(ws: Path, tmp_path: Path) -> None:
    for day in range(1, 30):
        scripted.append(
            ws / scripted.CHECKINS,
            f'- {{"kr": "grow-basket/aov-online", "date": "2026-12-{day:02d}", "value": 63}}\n',
        )
        scripted.commit(ws.parent, scripted.RAJ, f"2026-12-{day:02d}T12:00:00+00:00", "checkin")
    trace = tmp_path / "trace"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GIT_TRACE", str(trace))
        trail = audit.trail(ws, scripted.KR)
    assert len(trail.events) == 5 + 29
    started = [line for line in trace.read_text().splitlines() if "trace: built-in: git" in line]
    assert len(started) <= 6, started


def documented(section: str) -> dict[str, set[str]]:
    """Keys of each `| key | type | meaning |` table of docs/history.md under `section`."""
    text = (REPO / "docs" / "history.md").read_text(encoding="utf-8")
    found: dict[str, set[str]] = {}
    path = ""
    for line in text.splitlines():
        if line.startswith("#"):
            named = re.search(r"`([^`]+)`", line)
            path = named.group(1) if named else ""
        elif line.startswith("| `") and (path == section or path.startswith(section + ".")):
            found.setdefault(path, set()).add(line.split("|")[1].strip().strip("`"))
    return found


def json_keys(value: Any, path: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    if isinstance(value, dict):
        found[path] = set(value)
        for key, item in value.items():
            if key != "entry":  # an entry's keys are those of the log files (docs/format.md)
                for sub, keys in json_keys(item, f"{path}.{key}").items():
                    found.setdefault(sub, set()).update(keys)
    elif isinstance(value, list):
        for item in value:
            for sub, keys in json_keys(item, f"{path}[]").items():
                found.setdefault(sub, set()).update(keys)
    return found


def test_docs_list_exactly_the_keys_of_the_log_document(ws: Path) -> None:
    _, out, _ = run(ws, "log", "2026-Q4:ecommerce/grow-basket", "--format", "json")
    assert documented("log") == json_keys(json.loads(out), "log")


def test_readings_of_a_metric_used_only_in_the_past_stay_in_the_log(ws: Path) -> None:
    scripted.edit(
        ws / scripted.OKRS,
        "        metric: aov\n        segment: online\n        start: 58",
        "        unit: USD\n        start: 58",
    )
    scripted.commit(ws.parent, scripted.DANA, "2026-11-18T12:00:00+00:00", "Track it by hand")
    trail = audit.trail(ws, scripted.KR)
    assert [(e.kind.value, e.commit.subject) for e in trail.events[2:]] == [
        ("reading", "record(aov): 60.1 online"),
        ("changed", "Aim higher on online AOV"),
        ("check-in", "checkin(ecommerce): aov-online = 62"),
        ("changed", "Track it by hand"),
    ]
    assert [c.field for c in trail.events[-1].changes] == ["metric", "segment", "unit"]


def test_a_shallow_clone_reaching_back_far_enough_is_complete(ws: Path, tmp_path: Path) -> None:
    clone = scripted.shallow_clone(ws.parent, tmp_path / "clone", 3)
    assert audit.trail(clone / "goals", scripted.KR).incomplete is not None
    recent = audit.trail(clone / "goals", scripted.KR, since="2026-11-10")
    assert recent.incomplete is None
    assert [e.commit.subject for e in recent.events] == ["checkin(ecommerce): aov-online = 62"]


# --- Checklists, scores and the other key result forms ---------------------------------------

MARKETING = "okrs/2026-Q4/marketing.yaml"


@pytest.fixture
def forms(tmp_path: Path, git_env: None) -> Path:
    """The workspace with every form of key result, committed once on 2026-09-20."""
    from tests.compute.test_kr_rows import FORMS
    from tests.conftest import write_files

    root = write_files(tmp_path / "forms", FORMS)
    git(root, "init", "-q", "-b", "main")
    scripted.commit(root, scripted.DANA, "2026-09-20T12:00:00+00:00", "Start")
    return root


def described(trail: audit_data.Trail) -> list[str]:
    from cxokr.render import audit as render_audit

    return [render_audit.describe(e, str(trail.subject)) for e in trail.events]


def test_check_ins_of_a_checklist_and_a_score_read_as_such(forms: Path) -> None:
    handbook = described(audit.trail(forms, "2026-Q4:marketing/launch-season/handbook"))
    assert handbook[1:] == [
        "check-in done outline on 2026-10-14",
        "check-in done migrate on 2026-11-02",
        'check-in reopened migrate on 2026-11-10, note "Migration reopened"',
        "check-in done publish on 2026-11-12",
    ]
    heard = described(audit.trail(forms, "2026-Q4:marketing/launch-season/heard"))
    assert heard[1:] == [
        "check-in score 0.4 on 2026-10-20, confidence 0.5",
        "check-in score 0.6 on 2026-11-18",
    ]


def test_a_checklist_is_created_with_its_items(forms: Path) -> None:
    handbook = described(audit.trail(forms, "2026-Q4:marketing/launch-season/handbook"))
    assert handbook[0] == (
        'created with title "Rebuild the brand handbook", type checklist, items '
        '{id: outline, title: "Outline agreed", due: 2026-10-15}, '
        '{id: migrate, title: "Move 40 pages", due: 2026-11-30, weight: 2}, '
        '{id: publish, title: "Publish it"}'
    )


def test_a_check_in_through_the_cli_is_in_the_log(forms: Path) -> None:
    kr = "2026-Q4:marketing/launch-season/handbook"
    code, _, errors = run(forms, "checkin", kr, "--done", "migrate", "-d", "2026-11-20")
    assert code == 0, errors
    code, out, errors = run(forms, "log", kr)
    assert code == 0, errors
    assert out.splitlines()[-1].endswith("  check-in done migrate on 2026-11-20")


EDITS = (
    ("due: 2026-11-30, weight: 2}", "due: 2026-12-15, weight: 2}"),
    ("- {id: publish, title: Publish it}", "- {id: index, title: Index, weight: 0.5}"),
    ("{2026-10-31: 1500, 2026-11-30: 2500}", "{2026-11-30: 2500}"),
    ("type: done, due: 2026-11-15}", "type: done, due: 2026-11-22}"),
    ("Bundles on 3 pages, shares: ecommerce", "Bundles on 3 pages, shares: 2026-Q4:ecommerce"),
    ("state: dropped\n", "state: postponed\n"),
    ("reason: Holiday campaign first", "reason: After the holidays"),
    (
        "start: {reading: 2026-09-20}\n        target: +10%",
        "start: 57\n        target: +12%",
    ),
    ("change: 5", "change: 6"),
    ("reason: Replatforming first", "reason: Replatforming in 2027"),
)


def test_changes_to_every_form_are_field_changes(forms: Path) -> None:
    okrs = forms / MARKETING
    text = okrs.read_text(encoding="utf-8")
    for old, new in EDITS:
        assert old in text
        text = text.replace(old, new)
    okrs.write_text(text, encoding="utf-8")
    scripted.commit(forms, scripted.RAJ, "2026-11-21T12:00:00+00:00", "Replan")
    trail = audit.trail(forms, "2026-Q4:marketing", today=date(2026, 11, 21))
    changed = [
        line
        for e, line in zip(trail.events, described(trail), strict=True)
        if e.kind is audit_data.Kind.CHANGED
    ]
    assert changed == [
        "launch-season/aov-plus: changed start {reading: 2026-09-20} → 57, target +10% → +12%",
        "launch-season/aov-first: changed change 5 → 6",
        "launch-season/handbook: changed item migrate due 2026-11-30 → 2026-12-15, "
        'item index {title: Index, weight: 0.5}, item publish {title: "Publish it", weight: 1} '
        "→ none",
        "launch-season/subscribers: changed schedule {2026-10-31: 1500, 2026-11-30: 2500} → "
        "{2026-11-30: 2500}",
        "launch-season/go-live: changed due 2026-11-15 → 2026-11-22",
        "launch-season/bundles-share: changed shares ecommerce/grow-basket/bundles-live → "
        "2026-Q4:ecommerce/grow-basket/bundles-live",
        'launch-season/tiktok: changed state dropped → postponed, reason "Holiday campaign '
        'first" → "After the holidays"',
        'old-site: changed reason "Replatforming first" → "Replatforming in 2027"',
    ]
    doc = json.loads(run(forms, "log", "2026-Q4:marketing/launch-season/aov-plus", "-f", "json")[1])
    assert doc["events"][-1]["changes"][0] == {
        "field": "start",
        "old": {"reading": "2026-09-20"},
        "new": 57.0,
    }


def test_the_log_shows_when_a_decision_was_recorded_and_changed(ws: Path) -> None:
    okrs = ws / scripted.OKRS
    text = okrs.read_text(encoding="utf-8")
    line = next(line for line in text.splitlines(keepends=True) if "target: 66" in line)
    decided = line.replace("target: 66", "decision: {text: Bundles first, by: ana, on: 2026-11-18}")
    okrs.write_text(text.replace(line, line + decided, 1), encoding="utf-8")
    scripted.commit(ws.parent, scripted.DANA, "2026-11-18T12:00:00+00:00", "Record the decision")
    okrs.write_text(okrs.read_text(encoding="utf-8").replace("on: 2026-11-18", "on: 2026-11-19"))
    scripted.commit(ws.parent, scripted.RAJ, "2026-11-19T12:00:00+00:00", "Correct its day")
    code, out, errors = run(ws, "log", scripted.KR)
    assert code == 0, errors
    recorded, corrected = shas(ws)[-2:]
    assert out.splitlines()[-2:] == [
        f"2026-11-18  {recorded}  Dana Cho   changed decision "
        '{text: "Bundles first", by: ana, on: 2026-11-18}',
        f"2026-11-19  {corrected}  Raj Patel  changed decision "
        '{text: "Bundles first", by: ana, on: 2026-11-18} → '
        '{text: "Bundles first", by: ana, on: 2026-11-19}',
    ]
