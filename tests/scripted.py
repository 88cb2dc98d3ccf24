"""A repository with a scripted history, for the audit trail, `report --since` and goalposts.

The workspace lives in `goals/` inside the repository. Two people make six
commits around the 2026-Q4 period (2026-10-01 to 2026-12-31):

1. 2026-09-20 Dana creates the workspace: grow-basket with aov-online (58 -> 64 USD)
   and bundles-live (0 -> 3 pages).
2. 2026-10-15 Dana checks in aov-online: 59.5, confidence 0.8.
3. 2026-10-20 Raj records an online AOV reading of 60.1.
4. 2026-11-02 Raj moves aov-online's target from 64 to 66, with no note.
5. 2026-11-09 Dana rebaselines bundles-live from 3 to 2 pages, with a note.
6. 2026-11-16 Raj checks in aov-online: 62, confidence 0.6.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.conftest import write_files

DANA = ("Dana Cho", "dana@acme.example")
RAJ = ("Raj Patel", "raj@acme.example")
KR = "2026-Q4:ecommerce/grow-basket/aov-online"
OKRS = "okrs/2026-Q4/ecommerce.yaml"
CHECKINS = "checkins/2026-Q4/ecommerce.yaml"
READINGS = "readings/aov.yaml"

START = {
    "cxokr.yaml": """
        organization: Acme Retail
        periods:
          - {id: 2026, start: 2026-01-01, end: 2026-12-31}
          - {id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}
    """,
    "teams/company.yaml": "name: Executive team\nlevel: 1\n",
    "teams/ecommerce.yaml": "name: E-commerce\nlevel: 3\nparent: company\n",
    "metrics/aov.yaml": """
        name: Average order value
        unit: USD
        direction: higher
        segments: [online, in-store]
    """,
    "okrs/2026/company.yaml": """
        objectives:
          - id: raise-aov
            title: Raise AOV 10% this year
            key_results:
              - id: aov
                title: AOV from 55 to 66 USD
                metric: aov
                segment: online
                start: 55
                target: 66
    """,
    OKRS: """
        objectives:
          - id: grow-basket
            title: Shoppers find more to love in every basket
            owner: dana@acme.example
            aligns_to: 2026:company/raise-aov
            key_results:
              - id: aov-online
                title: Raise online AOV
                metric: aov
                segment: online
                start: 58
                target: 64
              - id: bundles-live
                title: Bundles live on category pages
                unit: count
                start: 0
                target: 3
    """,
    CHECKINS: "",
    READINGS: '- {"date": "2026-09-28", "value": 58.2, "segment": "online"}\n',
}

CHECKIN_1 = (
    '- {"kr": "grow-basket/aov-online", "date": "2026-10-15", "value": 59.5, '
    '"confidence": 0.8, "note": "Bundles pilot", "by": "dana@acme.example"}\n'
)
READING_1 = '- {"date": "2026-10-20", "value": 60.1, "segment": "online", "source": "shop"}\n'
CHECKIN_2 = (
    '- {"kr": "grow-basket/aov-online", "date": "2026-11-16", "value": 62, '
    '"confidence": 0.6, "by": "raj@acme.example"}\n'
)


def commit(repo: Path, who: tuple[str, str], when: str, message: str) -> None:
    """Commit everything as `who` at `when` (both author and committer)."""
    name, email = who
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email,
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
    }
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True, env=env)
    subprocess.run(
        ["git", "commit", "-q", "-m", message], cwd=repo, check=True, env=env, capture_output=True
    )


def append(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as out:
        out.write(line)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def build(repo: Path) -> Path:
    """Create the scripted repository at `repo`; return the workspace folder in it."""
    ws = repo / "goals"
    ws.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repo, check=True)
    write_files(ws, START)
    commit(repo, DANA, "2026-09-20T10:00:00+00:00", "Set the 2026-Q4 goals")
    append(ws / CHECKINS, CHECKIN_1)
    commit(repo, DANA, "2026-10-15T12:00:00+00:00", "checkin(ecommerce): aov-online = 59.5")
    append(ws / READINGS, READING_1)
    commit(repo, RAJ, "2026-10-20T12:00:00+00:00", "record(aov): 60.1 online")
    edit(ws / OKRS, "target: 64", "target: 66")
    commit(repo, RAJ, "2026-11-02T12:00:00+00:00", "Aim higher on online AOV")
    edit(
        ws / OKRS,
        "target: 3\n",
        "target: 2\n        rebaseline: Kids category moved to 2027 (2026-11-09)\n",
    )
    commit(repo, DANA, "2026-11-09T12:00:00+00:00", "Rebaseline bundles: kids moved to 2027")
    append(ws / CHECKINS, CHECKIN_2)
    commit(repo, RAJ, "2026-11-16T12:00:00+00:00", "checkin(ecommerce): aov-online = 62")
    return ws


def shallow_clone(repo: Path, clone: Path, depth: int) -> Path:
    """A clone of `repo` holding only its last `depth` commits (the workspace is in goals/)."""
    subprocess.run(
        ["git", "clone", "-q", "--depth", str(depth), f"file://{repo}", str(clone)],
        check=True,
        capture_output=True,
    )
    return clone
