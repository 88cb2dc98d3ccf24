"""Moved goalposts read incrementally: the ledgers kept as of the last commit read, extended by
the commits since, answer exactly as reading the whole history does."""

from __future__ import annotations

import os
import random
import subprocess
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from cxokr.git import goalposts, goalposts_memo
from cxokr.git.goalposts import Answer
from cxokr.git.goalposts_state import PATHS, Ledgers, extend
from cxokr.git.history import history
from cxokr.load import cache, workspace
from tests import scripted
from tests.conftest import git, write_files

TODAY = date(2026, 12, 15)
FIRST_DAY = datetime(2026, 9, 24, 9, 0)

CONFIG = """
    organization: Acme Retail
    periods:
      - {{id: 2026, start: 2026-01-01, end: 2026-12-31}}
      - {{id: 2026-Q4, start: {start}, end: 2026-12-31}}
"""
STARTS = (58, 60, "first", {"reading": "2026-09-01"}, {"reading": "2026-09-15"})
TARGETS = (64, 66, 70, "+10%")


@dataclass
class Kr:
    start: object = 58
    target: object = 64
    title: str = "Raise online AOV"
    note: str | None = None


@dataclass
class Okrs:
    """The model of one team's OKR file, written out whole after every edit."""

    krs: dict[str, Kr] = field(default_factory=lambda: {"kr-a": Kr(), "kr-b": Kr(10, 20)})
    broken: bool = False

    def text(self) -> str:
        if self.broken:
            return "objectives:\n  - id: grow\n\ttitle: [a tab and no end\n"
        lines = ["objectives:", "  - id: grow", "    title: Grow the basket", "    key_results:"]
        for name, kr in self.krs.items():
            lines += [f"      - id: {name}", f"        title: {kr.title}", "        metric: aov"]
            lines += ["        segment: online", f"        start: {_yaml(kr.start)}"]
            lines.append(f"        target: {_yaml(kr.target)}")
            if kr.note is not None:
                lines.append(f"        rebaseline: {kr.note}")
        return "\n".join(lines) + "\n"


def _yaml(value: object) -> str:
    if isinstance(value, dict):
        return "{reading: " + value["reading"] + "}"
    return str(value)


class Repo:
    """A real repository whose OKR files follow a random walk of edits and commits."""

    def __init__(self, root: Path, rng: random.Random) -> None:
        self.root, self.rng, self.n = root, rng, 0
        self.teams: dict[str, Okrs] = {"ecommerce": Okrs(), "support": Okrs()}
        self.start = "2026-10-01"
        root.mkdir(parents=True)
        git(root, "init", "-q", "-b", "main")
        files = {
            "teams/company.yaml": "name: Executive team\nlevel: 1\n",
            "metrics/aov.yaml": "name: AOV\nunit: USD\ndirection: higher\nsegments: [online]\n",
            "checkins/2026-Q4/ecommerce.yaml": "",
        }
        write_files(root, files)
        self.write()
        self.commit("Set the goals")

    def write(self) -> None:
        files: dict[str, str | bytes | None] = {"cxokr.yaml": CONFIG.format(start=self.start)}
        for team, okrs in self.teams.items():
            files[f"teams/{team}.yaml"] = f"name: {team}\nlevel: 3\nparent: company\n"
            files[f"okrs/2026-Q4/{team}.yaml"] = okrs.text()
        write_files(self.root, files)

    def commit(self, message: str, backdated: bool = False, amend: bool = False) -> None:
        self.n += 1
        when = datetime(2026, 9, 20, 9) if backdated else FIRST_DAY + timedelta(days=2 * self.n)
        stamp = when.isoformat() + "+00:00"
        env = {**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
        subprocess.run(["git", "add", "-A"], cwd=self.root, check=True, env=env)
        args = ["git", "commit", "-q", "--allow-empty", "-m", message]
        subprocess.run(args + (["--amend"] if amend else []), cwd=self.root, check=True, env=env)

    def edit(self) -> str:
        """One random edit of the working tree; what it was."""
        team = self.rng.choice(sorted(self.teams))
        okrs = self.teams[team]
        kr = okrs.krs[self.rng.choice(sorted(okrs.krs))]
        what = self.rng.choice(
            ["target", "target", "target", "start", "start", "both", "note", "drop-note", "title",
             "log", "broken", "new-file", "delete", "period"]
        )  # fmt: skip
        okrs.broken = False
        if what == "target":
            kr.target = self.rng.choice(TARGETS)
        elif what == "start":
            kr.start = self.rng.choice(STARTS)
        elif what == "both":  # several lines at once: read from the file, not the patch
            kr.target, kr.title = self.rng.choice(TARGETS), f"Title {self.n}"
        elif what == "note":
            kr.note = f"Why number {self.n}"
        elif what == "drop-note":
            kr.note = None
        elif what == "title":
            kr.title = f"Another title {self.n}"
        elif what == "log":
            scripted.append(self.root / "checkins/2026-Q4/ecommerce.yaml", f"# {self.n}\n")
        elif what == "broken":
            okrs.broken = True
        elif what == "new-file":
            self.teams[f"team-{self.n}"] = Okrs()
        elif what == "delete" and len(self.teams) > 1:
            del self.teams[team]
            (self.root / f"okrs/2026-Q4/{team}.yaml").unlink()
        elif what == "period":  # the period now begins on another day: judged anew
            self.start = "2026-10-12" if self.start == "2026-10-01" else "2026-10-01"
        self.write()
        return what

    def fork(self) -> str:
        """A side branch writes a key result's note; then the main line, a day later, moves
        its start. Merged, git lists the two by date: the note first, so the move is not
        explained; read in the order they were made, it would be."""
        self.commit("Before the fork")  # what is left in the working tree, too
        team = sorted(self.teams)[0]
        kr, side = self.teams[team].krs["kr-a"], f"side-{self.n}"
        said = f"Why, from the side {self.n}"
        note, kr.note = kr.note, said
        git(self.root, "checkout", "-q", "-b", side)
        self.write()
        self.commit(f"Side: say why on {team}")
        git(self.root, "checkout", "-q", "main")
        kr.note, kr.start = note, 80 + self.n
        self.write()
        self.commit(f"Main: move {team}")
        kr.note = said  # as the merge will have it
        return side

    def join(self, side: str) -> None:
        self.n += 1
        stamp = (FIRST_DAY + timedelta(days=2 * self.n)).isoformat() + "+00:00"
        env = {**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
        merge = ["git", "merge", "-q", "--no-ff", "-m", "Merge", side]
        subprocess.run(merge, cwd=self.root, check=True, env=env, capture_output=True)
        assert not git(self.root, "status", "--porcelain")
        self.write()
        assert not git(self.root, "status", "--porcelain"), "the model follows the merge"


def shape(found: Answer) -> tuple[object, ...]:
    """Everything an answer says, as plain values: the messages byte for byte included."""
    moves = tuple(
        (goalposts.message(m), m.path, m.loc, m.ref, m.commit and m.commit.sha) for m in found.moves
    )
    return moves, found.shallow, found.cut


def asked(root: Path) -> tuple[tuple[object, ...], tuple[object, ...]]:
    """The answer from the kept ledgers (the kept answer set aside) and read whole."""
    ws = workspace.load(root)
    cache.state_file(root, goalposts_memo.MEMO).unlink(missing_ok=True)
    kept = shape(goalposts.answer(root, ws, TODAY, keep=True))
    return kept, shape(goalposts.answer(root, ws, TODAY, keep=False))


def history_reads(trace: Path) -> list[str]:
    """The revisions of each `git log` of the OKR files git was asked for, in order."""
    reads = []
    for line in trace.read_text(encoding="utf-8").splitlines():
        if " log " in line and line.endswith(" -- okrs"):
            reads.append(line.removesuffix(" -- okrs").rsplit(" ", 1)[1])
    trace.write_text("", encoding="utf-8")
    return reads


@pytest.fixture
def trace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where git writes each command it runs (GIT_TRACE), read by `history_reads`."""
    path = tmp_path / "git-trace.log"
    path.write_text("", encoding="utf-8")
    monkeypatch.setenv("GIT_TRACE", str(path))
    return path


@pytest.mark.parametrize("seed", range(5))
def test_kept_ledgers_answer_as_the_whole_history_after_random_commits(
    tmp_path: Path, git_env: None, trace: Path, seed: int
) -> None:
    rng = random.Random(seed)
    repo = Repo(tmp_path / "repo", rng)
    merged = False
    for step in range(16):
        if not merged and step >= 6 and rng.random() < 0.25:
            side = repo.fork()
            assert asked(repo.root)[0] == asked(repo.root)[1]
            repo.join(side)
            merged = True
        else:
            what = repo.edit()
            if rng.random() < 0.8:  # else left in the working tree, committed with the next
                repo.commit(f"Step {step}: {what}", backdated=rng.random() < 0.1)
        if rng.random() < 0.5:
            kept, whole = asked(repo.root)
            assert kept == whole, f"seed {seed}, step {step}"
    asked(repo.root)  # the ledgers as of the last commit
    history_reads(trace)
    repo.teams[sorted(repo.teams)[0]].krs["kr-a"].target = 99
    repo.write()
    repo.commit("One more move")
    kept, whole = asked(repo.root)
    assert kept == whole
    head = git(repo.root, "rev-parse", "HEAD").strip()
    reads = history_reads(trace)
    assert reads[0].endswith(f"..{head}")  # kept: only the commit since; whole: all of it
    assert reads[1:] == [head]


def test_a_new_commit_reads_only_the_commits_since_the_last_one_read(
    tmp_path: Path, git_env: None, trace: Path
) -> None:
    ws = scripted.build(tmp_path / "repo")
    first = git(ws, "rev-parse", "HEAD").strip()
    found = goalposts.answer(ws, workspace.load(ws), TODAY)
    assert history_reads(trace) == [first]  # nothing kept yet: the whole history
    scripted.append(ws / scripted.CHECKINS, scripted.CHECKIN_2)
    scripted.commit(ws.parent, scripted.RAJ, "2026-11-18T12:00:00+00:00", "checkin")
    second = git(ws, "rev-parse", "HEAD").strip()
    assert shape(goalposts.answer(ws, workspace.load(ws), TODAY)) == shape(found)
    assert history_reads(trace) == [f"{first}..{second}"]
    scripted.edit(ws / scripted.OKRS, "target: 2\n", "target: 4\n")
    scripted.commit(ws.parent, scripted.DANA, "2026-11-19T12:00:00+00:00", "More bundles")
    third = git(ws, "rev-parse", "HEAD").strip()
    kept, whole = asked(ws)
    assert history_reads(trace) == [f"{second}..{third}", third]
    moves = kept[0]
    assert kept == whole and len(moves) == 2  # the new move is seen
    assert isinstance(moves[1], tuple)
    assert moves[1][0].startswith("bundles-live: target moved from 2 to 4 on 2026-11-19")


@pytest.mark.parametrize("rewrite", ["reset", "amend", "rebase"])
def test_history_that_dropped_the_commit_read_is_read_whole(
    tmp_path: Path, git_env: None, trace: Path, rewrite: str
) -> None:
    ws = scripted.build(tmp_path / "repo")
    repo = ws.parent
    before, _ = asked(ws)
    dropped = git(repo, "rev-parse", "HEAD").strip()
    okrs = ws / scripted.OKRS
    if rewrite == "reset":  # back before the note on bundles-live, then another way
        git(repo, "reset", "-q", "--hard", "HEAD~2")
        scripted.edit(okrs, "target: 3\n", "target: 5\n")
        scripted.commit(repo, scripted.DANA, "2026-11-10T12:00:00+00:00", "Five bundles")
    elif rewrite == "amend":
        scripted.edit(okrs, "start: 0\n", "start: 1\n")
        git(repo, "commit", "-q", "--amend", "-a", "--no-edit")
    else:  # the last commit replayed on top of a move made beside it
        git(repo, "checkout", "-q", "-b", "beside", "HEAD~1")
        scripted.edit(okrs, "start: 58\n", "start: 57\n")
        scripted.commit(repo, scripted.RAJ, "2026-11-12T12:00:00+00:00", "Start lower")
        git(repo, "rebase", "-q", "beside", "main")
    head = git(repo, "rev-parse", "HEAD").strip()
    history_reads(trace)
    kept, whole = asked(ws)
    ancestor = ["git", "merge-base", "--is-ancestor", dropped, head]
    assert subprocess.run(ancestor, cwd=repo, check=False).returncode == 1
    assert history_reads(trace) == [head, head]  # read whole, kept and not
    assert kept == whole
    assert kept != before  # the rewritten history says something else


def test_a_merge_among_the_new_commits_reads_the_whole_history(
    tmp_path: Path, git_env: None, trace: Path
) -> None:
    repo = Repo(tmp_path / "repo", random.Random(1))
    for _ in range(3):
        repo.commit("A day goes by")  # into the period
    side = repo.fork()
    asked(repo.root)  # kept as of the main line's move
    repo.join(side)
    head = git(repo.root, "rev-parse", "HEAD").strip()
    extended = merely_extended(repo.root)
    history_reads(trace)
    kept, whole = asked(repo.root)
    assert history_reads(trace) == [head, head]
    assert kept == whole
    assert [m[0].split(" on ")[0] for m in whole[0]] == ["kr-a: start moved from 58 to 86"]
    assert extended != whole  # why: git lists the older side's note first, then the move
    repo.teams["ecommerce"].krs["kr-a"].note = "Merged plans"
    repo.write()
    repo.commit("Say why")  # after the merge, one plain commit: read alone again
    kept, whole = asked(repo.root)
    assert history_reads(trace)[0].endswith(f"..{git(repo.root, 'rev-parse', 'HEAD').strip()}")
    assert kept == whole


def merely_extended(root: Path) -> tuple[object, ...]:
    """The answer from the kept ledgers extended by the commits since, as if merges were no
    different (they are: this is what reading the whole history must not be replaced by)."""
    kept = goalposts_memo.recall_ledgers(root)
    assert kept is not None
    with history(root) as h:
        assert h is not None
        head = h.head_sha()
        assert head is not None
        extend(kept.files, h.steps(PATHS, patch=True, since=kept.head))
        found = goalposts.moves(h, root, workspace.load(root), TODAY, Ledgers(head, kept.files))
    return shape(Answer(tuple(found)))
