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
    lines = trace.read_text().splitlines()
    # GitPython asks `git version` once per process: whether this test runs first or not.
    started = [line for line in lines if "trace: built-in: git" in line and " version" not in line]
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


# --- Only the subject's files, and the lines of a log without diffing each version -----------

STORES_OKRS = """
    objectives:
      - id: fill-shelves
        title: Shelves are full
        key_results:
          - id: nps-stores
            title: In-store NPS from 30 to 40
            metric: nps
            segment: in-store
            start: 30
            target: 40
"""


@pytest.fixture
def neighbours(ws: Path) -> tuple[Path, list[str]]:
    """The scripted workspace with another team and a metric no ecommerce key result uses,
    and the commits that touched only those (their files, then a check-in and a reading),
    followed by one more ecommerce check-in."""
    write = {
        "teams/stores.yaml": "name: Stores\nlevel: 3\nparent: company\n",
        "metrics/nps.yaml": "name: NPS\nunit: points\ndirection: higher\n"
        "segments: [online, in-store]\n",
        "okrs/2026-Q4/stores.yaml": STORES_OKRS,
    }
    for rel, text in write.items():
        (ws / rel).parent.mkdir(parents=True, exist_ok=True)
        (ws / rel).write_text(text.lstrip("\n").replace("\n    ", "\n"), encoding="utf-8")
    scripted.commit(ws.parent, scripted.RAJ, "2026-11-20T12:00:00+00:00", "Stores' goals")
    (ws / "checkins/2026-Q4").mkdir(parents=True, exist_ok=True)
    scripted.append(
        ws / "checkins/2026-Q4/stores.yaml",
        '- {"kr": "fill-shelves/nps-stores", "date": "2026-11-21", "value": 33}\n',
    )
    scripted.commit(ws.parent, scripted.RAJ, "2026-11-21T12:00:00+00:00", "checkin(stores)")
    scripted.append(
        ws / "readings/nps.yaml", '- {"date": "2026-11-22", "value": 31, "segment": "online"}\n'
    )
    scripted.commit(ws.parent, scripted.RAJ, "2026-11-22T12:00:00+00:00", "record(nps): 31")
    theirs = git(ws, "log", "-3", "--format=%H").split()
    scripted.append(ws / scripted.CHECKINS, scripted.CHECKIN_1.replace("59.5", "63"))
    scripted.commit(ws.parent, scripted.DANA, "2026-11-23T12:00:00+00:00", "checkin(ecommerce)")
    return ws, theirs


class Reads:
    """What the audit trail asks git and what git answers: every process started through
    the runner, and every blob read through the `git cat-file` process."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from cxokr.git import history, runner

        self.seen: list[str] = []
        self.logs: list[list[str]] = []
        real_run, real_blobs = runner.run, history.History.blobs

        def run(cwd: Path, *args: str, **kwargs: Any) -> runner.Done:
            done = real_run(cwd, *args, **kwargs)
            if args[0] == "log":
                self.logs.append(list(args))
            stdin = kwargs.get("stdin") or b""
            self.seen += [" ".join(args), stdin.decode(), done.out.decode(errors="replace")]
            return done

        def blobs(h: history.History, shas: Any) -> dict[str, bytes]:
            found: dict[str, bytes] = real_blobs(h, list(shas))
            self.seen += [*found, *(b.decode(errors="replace") for b in found.values())]
            return found

        monkeypatch.setattr(runner, "run", run)
        monkeypatch.setattr(history.History, "blobs", blobs)

    def mention(self, text: str) -> bool:
        return any(text in part for part in self.seen)


@pytest.mark.parametrize("ref", ["2026-Q4:ecommerce", scripted.KR])
def test_another_team_s_commits_and_unrelated_readings_are_neither_shown_nor_read(
    neighbours: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch, ref: str
) -> None:
    ws, theirs = neighbours
    reads = Reads(monkeypatch)
    trail = audit.trail(ws, ref)
    assert not {e.commit.sha for e in trail.events} & set(theirs)
    assert trail.events[-1].commit.subject == "checkin(ecommerce)"
    for sha in theirs:
        assert not reads.mention(sha), sha
    for rel in ("okrs/2026-Q4/stores.yaml", "checkins/2026-Q4/stores.yaml", "readings/nps.yaml"):
        blob = git(ws, "rev-parse", f"HEAD:goals/{rel}").strip()
        assert not reads.mention(blob), rel
    assert not reads.mention("nps-stores") and not reads.mention("Shelves are full")
    # Every history read is a git log limited to the subject's own files.
    limited = [args[args.index("--") + 1 :] for args in reads.logs if "-1" not in args]
    assert limited and all(
        set(paths) <= {scripted.OKRS, scripted.CHECKINS, scripted.READINGS} for paths in limited
    )


LOG = "readings/aov.yaml"


def _line(n: int) -> str:
    return f'- {{"date": "2026-10-{n % 28 + 1:02d}", "value": {n}, "segment": "online"}}\n'


def _random_history(repo: Path, seed: int, commits: int) -> None:
    """Commits that append to two logs, mostly, and now and then remove or rewrite a line,
    append a copy of the last line, drop the final line break, hold a NUL byte, or delete the
    log and start it again."""
    import random

    rng = random.Random(seed)
    paths = [repo / LOG, repo / "readings/other.yaml"]
    for n in range(commits):
        path = rng.choice(paths)
        text = path.read_bytes() if path.exists() else b""
        lines = text.splitlines(keepends=True)
        roll = rng.random()
        if roll < 0.55 or not lines:
            text += "".join(_line(rng.randrange(60)) for _ in range(rng.choice([1, 1, 2]))).encode()
        elif roll < 0.65:
            del lines[rng.randrange(len(lines))]
            text = b"".join(lines)
        elif roll < 0.72:
            text += lines[-1] if lines[-1].endswith(b"\n") else b"\n" + lines[-1]
        elif roll < 0.78:
            lines[rng.randrange(len(lines))] = _line(rng.randrange(60)).encode()
            text = b"".join(lines)
        elif roll < 0.84:
            text = text.rstrip(b"\n") + b"\n" + _line(rng.randrange(60)).encode().rstrip(b"\n")
        elif roll < 0.86:  # git's diff shows no lines of it from then on
            text += b'- {"date": "2026-10-02", "value": 1, "note": "a\x00b"}\n'
        elif roll < 0.92:
            path.unlink(missing_ok=True)
            scripted.commit(repo, scripted.RAJ, f"2026-10-{n % 28 + 1:02d}T12:00:00Z", "drop")
            continue
        else:
            text += (_line(n) + _line(n)).encode()
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(text)
        when = f"2026-10-{n % 28 + 1:02d}T{n % 24:02d}:00:00+00:00"
        scripted.commit(repo, scripted.RAJ, when, f"change {n}")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_lines_of_each_log_are_those_of_git_s_patch(
    tmp_path: Path, git_env: None, seed: int
) -> None:
    from cxokr.git.audit_logs import with_lines
    from cxokr.git.history import history

    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    _random_history(repo, seed, 60)
    logs = [LOG, "readings/other.yaml"]
    with history(repo) as h:
        assert h is not None
        for since in (None, git(repo, "rev-parse", "HEAD~25").strip()):
            patched = h.steps(logs, since=since, patch=True)
            assert with_lines(h, repo, h.steps(logs, since=since), logs) == patched
        assert sum(len(c.added) for s in h.steps(logs, patch=True) for c in s.changes) > 30


def test_a_log_only_appended_to_is_read_in_a_few_git_processes(
    tmp_path: Path, git_env: None
) -> None:
    from cxokr.git.audit_logs import with_lines
    from cxokr.git.history import history

    repo = tmp_path / "repo"
    (repo / "readings").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    for n in range(40):
        scripted.append(repo / LOG, _line(n))
        if n == 20:  # one reading taken back: git's patch says what that commit did
            kept = [_line(k) for k in range(21) if k != 10]
            (repo / LOG).write_text("".join(kept), encoding="utf-8")
        scripted.commit(repo, scripted.RAJ, f"2026-10-{n % 28 + 1:02d}T12:00:00Z", f"r{n}")
    trace = tmp_path / "trace"
    with history(repo) as h, pytest.MonkeyPatch.context() as mp:
        assert h is not None
        plain = h.steps([LOG])
        mp.setenv("GIT_TRACE", str(trace))
        found = with_lines(h, repo, plain, [LOG])
        h.close()
    assert found == h.steps([LOG], patch=True)
    assert found[20].changes[0].removed == (_line(10).rstrip("\n"),)
    lines = trace.read_text().splitlines()
    started = [line for line in lines if "trace: built-in: git" in line and " version" not in line]
    assert len(started) == 3, started  # sizes, the blobs read, the patch of one commit
    assert [line for line in started if " log " in line] == [
        line for line in started if " log --no-walk=unsorted --stdin " in line
    ]


@pytest.mark.parametrize(
    "chunks",
    [
        [(), ('- {"date": "2026-10-01", "value": 1}',), ('- {"date": "2026-10-02", "value": 2}',)],
        [('- {"date": "2026-10-01", "value": "many"}', '- {"date": "2026-10-02", "value": 2}')],
        [
            ('- {"date": "2026-10-01", "value": 1, "note": "\udcff"}',),
            ('- {"date": "2026-10-02"}',),
        ],
        [('- {"date": "2026-10-01", "value": 1, "note": "\x07"}',), ('- {"date": "2026-10-03"}',)],
        [('- {"date": "2026-10-01", "value": 1}', "- date: 2026-10-02", "  value: 2")],
        [('- {"date": "2026-10-01", "value": 1} # note',), ("",), ("- {broken",)],
    ],
)
def test_log_lines_read_at_once_are_the_entries_read_one_change_at_a_time(
    chunks: list[tuple[str, ...]],
) -> None:
    from cxokr.git.audit_logs import entries, entries_of
    from cxokr.git.history import FileChange
    from cxokr.model import READINGS

    changes = [FileChange("r.yaml", None, "x", added=chunk, removed=chunk[:1]) for chunk in chunks]
    expected = [(entries(c.removed, READINGS), entries(c.added, READINGS)) for c in changes]
    assert entries_of(changes, READINGS) == expected
