"""Shared fixtures: workspaces written inline to tmp_path, a fixed terminal, real git."""

from __future__ import annotations

import subprocess
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

WriteFiles = Callable[..., Path]

BASE = {
    "cxokr.yaml": """
        organization: Acme Retail
        periods:
          - {id: 2026, start: 2026-01-01, end: 2026-12-31}
          - {id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}
    """,
    "teams/company.yaml": """
        name: Executive team
        level: 1
    """,
    "teams/ecommerce.yaml": """
        name: E-commerce
        level: 3
        parent: company
    """,
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
                title: AOV from 60 to 64 USD
                metric: aov
                segment: online
                start: 60
                target: 64
    """,
    "okrs/2026-Q4/ecommerce.yaml": """
        objectives:
          - id: grow-basket
            title: Shoppers find more to love in every basket
            aligns_to: 2026:company/raise-aov
            key_results:
              - id: aov-online
                title: Raise online AOV from 58 to 64 USD
                metric: aov
                segment: online
                start: 58
                target: 64
    """,
    "checkins/2026-Q4/ecommerce.yaml": """
        - {"kr": "grow-basket/aov-online", "date": "2026-11-20", "value": 61.2, "confidence": 0.7}
    """,
    "readings/aov.yaml": """
        - {"date": "2026-11-20", "value": 61.2, "segment": "online"}
    """,
}


def write_files(root: Path, files: dict[str, str | bytes | None]) -> Path:
    """Write dedented text (or raw bytes) files under root; None deletes a file."""
    for rel, content in files.items():
        path = root / rel
        if content is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def make_ws(tmp_path: Path) -> WriteFiles:
    """A valid base workspace, with `files` added, replaced or (as None) removed."""

    def make(files: dict[str, str | bytes | None] | None = None, base: bool = True) -> Path:
        root = tmp_path / "ws"
        root.mkdir(exist_ok=True)
        write_files(root, {**(BASE if base else {}), **(files or {})})
        return root

    return make


@pytest.fixture(autouse=True)
def _own_user_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A user cache folder of each test's own: the signing key and any state kept outside
    a repository never touch the real one, nor another test's."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("user-cache")))


@pytest.fixture(autouse=True)
def _plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    # Commands run on examples/ must not leave a cache there; tests/test_cache.py
    # turns it back on in its own workspaces.
    monkeypatch.setenv("CXOKR_NO_CACHE", "1")


GIT_ENV = {
    "GIT_AUTHOR_NAME": "Dana Cho",
    "GIT_AUTHOR_EMAIL": "dana@acme.example",
    "GIT_COMMITTER_NAME": "Dana Cho",
    "GIT_COMMITTER_EMAIL": "dana@acme.example",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def refuse_commits(repo: Path, why: str = "") -> None:
    """Install a pre-commit hook in `repo` that refuses every commit, saying `why` on stderr."""
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.parent.mkdir(exist_ok=True)
    say = f"echo '{why}' >&2\n" if why else ""
    hook.write_text(f"#!/bin/sh\n{say}exit 1\n", encoding="utf-8")
    hook.chmod(0o755)


def git(root: Path, *args: str) -> str:
    """Run real git in `root` and return its stdout."""
    done = subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True)
    return done.stdout


@pytest.fixture
def git_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A known git identity and no user or system configuration."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)


@pytest.fixture
def git_ws(make_ws: WriteFiles, git_env: None) -> Path:
    """The base workspace as the first commit of a real git repository."""
    root = make_ws(
        {
            ".gitattributes": "checkins/**/*.yaml merge=union\nreadings/*.yaml merge=union\n",
            ".gitignore": ".cxokr/\n",
        }
    )
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Start")
    return root
