"""Problems as text lines, JSON, or GitHub workflow annotations.

A message can quote the files (a value, a name, a git author), so every form
shows control characters escaped (`escape_controls`); JSON keeps the exact
value, written so that a terminal shows it inert (`json_text`).
"""

from __future__ import annotations

from collections import Counter

from cxokr.problems import Problem, Severity
from cxokr.render.controls import escape_controls, json_text
from cxokr.rules.checks import CheckResult

JSON_VERSION = 1
GITHUB_ANNOTATION_LIMIT = 10


def text(problems: tuple[Problem, ...]) -> str:
    """One `path:line:col: CODE severity: message` line per problem, never wrapped."""
    return "".join(
        escape_controls(f"{p.location()}: {p.code} {p.severity.value}: {p.message}") + "\n"
        for p in problems
    )


def counts(problems: tuple[Problem, ...]) -> Counter[Severity]:
    return Counter(p.severity for p in problems)


def summary(result: CheckResult, strict: bool) -> str:
    found = counts(result.problems)
    looked_at = (
        f"{_plural(result.teams, 'team')}, {_plural(result.metrics, 'metric')}, "
        f"{_plural(result.objectives, 'objective')}, {_plural(result.key_results, 'key result')}, "
        f"{_plural(result.entries, 'log entry', 'log entries')}"
    )
    if not result.problems:
        return f"checked {looked_at}: no problems"
    errors, warnings = found[Severity.ERROR], found[Severity.WARNING]
    verdict = "failed" if result.failed(strict) else "passed with warnings"
    return f"{verdict}: {_plural(errors, 'error')}, {_plural(warnings, 'warning')} in {looked_at}"


def _plural(count: int, noun: str, nouns: str = "") -> str:
    return f"{count} {noun if count == 1 else (nouns or noun + 's')}"


def as_json(result: CheckResult, strict: bool) -> str:
    """The documented, versioned JSON structure (docs/problems.md)."""
    found = counts(result.problems)
    document = {
        "version": JSON_VERSION,
        "ok": not result.failed(strict),
        "strict": strict,
        "counts": {
            "errors": found[Severity.ERROR],
            "warnings": found[Severity.WARNING],
            "teams": result.teams,
            "metrics": result.metrics,
            "objectives": result.objectives,
            "key_results": result.key_results,
            "entries": result.entries,
        },
        "problems": [p.as_dict() for p in result.problems],
    }
    return json_text(document) + "\n"


def escape_data(value: str) -> str:
    """Escaping for an annotation's message: line breaks as GitHub reads them, other controls shown."""
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return escape_controls(value)


def escape_property(value: str) -> str:
    """Escaping for an annotation's properties (file, title)."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github(problems: tuple[Problem, ...], prefix: str = "") -> str:
    """`::error file=...,line=...,col=...,title=CODE::message` workflow commands."""
    lines = []
    for p in problems:
        props = [f"file={escape_property(prefix + p.path)}"]
        if p.line > 0:
            props += [f"line={p.line}", f"col={max(p.col, 1)}"]
        props.append(f"title={escape_property(p.code)}")
        lines.append(f"::{p.severity.value} {','.join(props)}::{escape_data(p.message)}\n")
    return "".join(lines)


def step_summary(result: CheckResult, strict: bool, prefix: str = "") -> str:
    """A Markdown table of every problem: GitHub shows only 10 annotations of each kind."""
    out = [f"### cxokr check: {summary(result, strict)}\n\n"]
    if result.problems:
        out.append("| location | code | severity | message |\n|---|---|---|---|\n")
        for p in result.problems:
            message = escape_controls(p.message.replace("|", "\\|"))
            location = escape_controls(f"{prefix}{p.location()}").replace("`", "'")
            out.append(f"| `{location}` | {p.code} | {p.severity.value} | {message} |\n")
    return "".join(out)
