"""The GitHub Actions workflow that `cxokr init` writes: its text, and where it goes.

GitHub runs only the workflows in `.github/workflows/` at the top of a
repository. A workspace made there gets `cxokr-check.yml`; one made in a
subfolder of an existing repository gets its workflow at the top all the same,
named after the subfolder (`cxokr-check-goals.yml`, so two workspaces never
share one) and checking it with `--workspace goals`.

The workflow installs cxokr from its repository at a full commit sha, never
`pip install cxokr`: that name is not published on PyPI, so anyone could
publish it. The commit is the one the running cxokr was installed from, as pip
recorded it (`pip install "cxokr @ git+URL@SHA"`), or the one checked out in
the folder of an editable install; failing both, a placeholder that stops the
job with a clear message until it is replaced. The URL is the one pip
installed from, when it can be reached from CI, else `Repository` in the
package's metadata: `[project.urls]` of pyproject.toml, the one place it is
written.

It fetches the whole history (`fetch-depth: 0`): the moved-goalposts check
(CX501) compares targets with what they were when the period started, and the
default shallow clone holds a single commit.

On a pull request a second job, the only one allowed to write (`pull-requests:
write`), runs `cxokr report --since` the pull request's base commit in Markdown
into its job summary, and keeps one comment on the pull request up to date with
it (the comment starting with a marker named after the workflow's file). A pull
request from a fork gets a read-only token: it keeps the summary, and no comment
is tried; any other refusal to comment leaves a notice, not a failed job.
"""

from __future__ import annotations

import json
import re
import shlex
import textwrap
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlparse

from cxokr.yamlio import scalar

FOLDER = ".github/workflows"
REV_PLACEHOLDER = "REPLACE-WITH-A-FULL-COMMIT-SHA"
# Only when cxokr runs without its package metadata (not installed): pyproject.toml has the URL.
URL_PLACEHOLDER = "https://REPLACE-WITH-THE-CXOKR-REPOSITORY.invalid/cxokr.git"
_SHA = re.compile(r"[0-9a-f]{40}")
_REMOTE = re.compile(r"(https|ssh|git)://")
_GLOB = re.compile(r"([*?\[\]!+\\])")
# The files `cxokr check` reads, relative to the workspace.
_WATCHED = ("cxokr.yaml", "teams/**", "metrics/**", "okrs/**", "checkins/**", "readings/**")


def repository_top(target: Path) -> Path | None:
    """The top of the git work tree that holds (or will hold) `target`, or None outside one."""
    here = target.resolve()
    existing = next(p for p in (here, *here.parents) if p.exists())
    return next((p for p in (existing, *existing.parents) if (p / ".git").exists()), None)


def path(workspace: str) -> str:
    """Where the workflow of the workspace at `workspace` (relative to the top, "" for the
    top itself) goes, relative to the top of the repository."""
    if not workspace:
        return f"{FOLDER}/cxokr-check.yml"
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", workspace).strip("-.") or "workspace"
    return f"{FOLDER}/cxokr-check-{slug}.yml"


def text(workspace: str, url: str, rev: str | None) -> str:
    """The workflow checking the workspace at `workspace` ("" for the top of the repository),
    installing cxokr from `url` at commit `rev` (a placeholder when None)."""
    where = f"{workspace}/" if workspace else ""
    folder = _GLOB.sub(r"\\\1", where)  # GitHub's path filters are globs
    watched = "".join(f"      - {json.dumps(folder + pattern)}\n" for pattern in _WATCHED)
    option = f" --workspace {shlex.quote(workspace)}" if workspace else ""
    name = f"cxokr check ({workspace})" if workspace else "cxokr check"
    about = (
        f"Checks the cxokr workspace{f' in {workspace}/' if workspace else ''} on every pull "
        "request that touches its goal files and on every push to main. Problems appear as "
        "annotations on the changed lines and as a table in the job summary. On a pull "
        "request, a second job shows what it changes (`cxokr report --since` its base) in "
        "its job summary and in one comment on the pull request, updated on every push."
    )
    lines = [
        textwrap.fill(about, 80, initial_indent="# ", subsequent_indent="# ") + "\n",
        f"name: {scalar(name)}\n",
        "on:\n  pull_request:\n    paths:\n",
        watched,
        "  push:\n    branches: [main]\n\npermissions:\n  contents: read\n\n",
        "jobs:\n  check:\n    runs-on: ubuntu-latest\n    steps:\n",
        *_setup(url, rev),
        "      # --strict makes warnings (such as an unfocused team) fail the check too.\n",
        f"      - run: {scalar(f'cxokr check{option} --format github --strict')}\n",
        "\n",
        *_report_job(option, path(workspace).rsplit("/", 1)[1], url, rev),
    ]
    return "".join(lines)


def _setup(url: str, rev: str | None) -> list[str]:
    """The steps a job starts with: the whole history, Python, and cxokr at a pinned commit."""
    install = f"pip install {shlex.quote(f'cxokr @ git+{url}@{rev or REV_PLACEHOLDER}')}"
    return [
        "      - uses: actions/checkout@v4\n",
        "        with:\n",
        "          # The whole history: the moved-goalposts check (CX501) compares targets\n",
        "          # with the start of the period, and `report --since` reads the base\n",
        "          # revision of a pull request; a shallow clone holds a single commit.\n",
        "          fetch-depth: 0\n",
        "      - uses: actions/setup-python@v5\n",
        "        with:\n",
        '          python-version: "3.11"\n',
        "      # cxokr from its repository at a full commit sha (the name is not on PyPI).\n",
        *_placeholder_notes(url, rev),
        f"      - run: {scalar(install)}\n",
    ]


def _report_job(option: str, marker: str, url: str, rev: str | None) -> list[str]:
    """The pull-request job: `report --since` the base revision, as Markdown, in the job
    summary and in the one comment (found by `marker`) it keeps up to date. The token may
    write comments only for a pull request from a branch of the repository itself; one
    from a fork (or Dependabot's) gets a read-only token, and the summary alone."""
    report = f'cxokr report{option} --since "$BASE" --format md > "$RUNNER_TEMP/report.md"'
    return [
        "  report:\n",
        "    # What a pull request changes: progress, status and targets, then and now.\n",
        "    if: github.event_name == 'pull_request'\n",
        "    runs-on: ubuntu-latest\n",
        "    permissions:\n      contents: read\n      pull-requests: write\n",
        "    steps:\n",
        *_setup(url, rev),
        "      - name: Report what the pull request changes\n",
        "        env:\n          BASE: ${{ github.event.pull_request.base.sha }}\n",
        "        run: |\n",
        f"          if ! {report}; then\n",
        '            echo "::warning::cxokr report failed; the check job says why"\n',
        "          fi\n",
        '          cat "$RUNNER_TEMP/report.md" >> "$GITHUB_STEP_SUMMARY"\n',
        "      - name: Comment on the pull request\n",
        "        if: github.event.pull_request.head.repo.full_name == github.repository\n",
        "        env:\n",
        "          GH_TOKEN: ${{ github.token }}\n",
        "          PR: ${{ github.event.pull_request.number }}\n",
        f"          MARKER: {scalar(f'<!-- {marker} -->')}\n",
        "        run: |\n",
        *(f"          {line}\n" if line else "\n" for line in _COMMENT),
    ]


# Posts the report as a comment, or updates the one posted before (it starts with
# $MARKER); a token that may not write one leaves a notice, not a failed job.
_COMMENT = r"""
[ -s "$RUNNER_TEMP/report.md" ] || exit 0
# A comment holds at most 65,536 characters: whole lines up to 60,000 of them.
{
  echo "$MARKER"
  awk '{ n += length($0) + 1 } n > 60000 { print "\n(cut short: the job summary has all of it)"; exit } { print }' "$RUNNER_TEMP/report.md"
} > "$RUNNER_TEMP/comment.md"
post() {
  comments="repos/$GITHUB_REPOSITORY/issues/$PR/comments"
  mine='.[] | select(.user.login == "github-actions[bot]" and (.body | startswith(env.MARKER))) | .id'
  id=$(gh api "$comments" --paginate --jq "$mine" | tail -n 1)
  if [ -n "$id" ]; then
    gh api --method PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$id" -F body=@"$RUNNER_TEMP/comment.md" > /dev/null
  else
    gh api "$comments" -F body=@"$RUNNER_TEMP/comment.md" > /dev/null
  fi
}
post || echo "::notice::no comment posted (this token may not write one); the job summary holds the report"
""".strip("\n").split("\n")


def _placeholder_notes(url: str, rev: str | None) -> list[str]:
    notes = []
    if ".invalid/" in url:  # the placeholder until the project is published
        notes.append(
            "      # REPLACE the URL, a placeholder (.invalid never resolves), with the\n"
            "      # repository cxokr is published at.\n"
        )
    if rev is None:
        notes.append(
            f"      # REPLACE {REV_PLACEHOLDER} with a full commit sha of cxokr;\n"
            f"      # the newest: git ls-remote {url} HEAD\n"
        )
    return notes


def source() -> tuple[str, str | None]:
    """(repository URL, full commit sha or None) of the cxokr that is running."""
    try:
        dist = metadata.distribution("cxokr")
    except metadata.PackageNotFoundError:
        return URL_PLACEHOLDER, None
    try:
        direct = json.loads(dist.read_text("direct_url.json") or "{}")
    except ValueError:
        direct = {}
    url = str(direct.get("url", ""))
    vcs = direct.get("vcs_info") or {}
    commit = str(vcs.get("commit_id", ""))
    if vcs.get("vcs") == "git" and _SHA.fullmatch(commit):
        return (url if _REMOTE.match(url) else _repository_url(dist)), commit
    if (direct.get("dir_info") or {}).get("editable") and url.startswith("file://"):
        from cxokr.git import history

        checkout = Path(unquote(urlparse(url).path))
        return _repository_url(dist), history.head_sha(checkout)
    return _repository_url(dist), None


def _repository_url(dist: metadata.Distribution) -> str:
    for entry in dist.metadata.get_all("Project-URL") or []:
        label, _, value = str(entry).partition(",")
        if label.strip().lower() == "repository":
            return value.strip()
    return URL_PLACEHOLDER
