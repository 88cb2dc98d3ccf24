"""Problems: mistakes in the user's files, reported as values.

Every rule that finds a mistake returns `Problem`s; nothing raises for bad
input. Codes are stable and documented in docs/problems.md; `CODES` is the
single list of them (a test keeps the two in step). A message about a name
that does not exist names the closest ones that do (`did_you_mean`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One located mistake. `line` and `col` are 1-based; 0 means the whole file."""

    path: str
    line: int
    col: int
    code: str
    severity: Severity
    message: str

    def as_dict(self) -> dict[str, str | int]:
        """The JSON form used by every machine-readable output."""
        return {
            "code": self.code,
            "severity": self.severity.value,
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "message": self.message,
        }

    def location(self) -> str:
        if self.line <= 0:
            return self.path
        return f"{self.path}:{self.line}:{max(self.col, 1)}"


E, W = Severity.ERROR, Severity.WARNING

# code -> (severity, one-line meaning). Kept sorted by code.
CODES: dict[str, tuple[Severity, str]] = {
    # Reading a file.
    "CX101": (E, "the file is not valid UTF-8"),
    "CX102": (E, "YAML syntax error"),
    "CX103": (E, "a key appears twice in one mapping"),
    "CX104": (E, "anchors, aliases and merge keys are not allowed"),
    "CX105": (E, "nesting deeper than the format allows"),
    "CX106": (E, "file larger than the size limit"),
    "CX107": (E, "tab character used for indentation"),
    "CX108": (E, "control character in the file"),
    "CX109": (W, "byte order mark at the start of the file"),
    "CX110": (E, "ambiguous number: leading zero or YAML 1.1 form"),
    "CX111": (E, "number too large, or not finite (.nan, .inf)"),
    "CX112": (E, "more than one YAML document in a file"),
    "CX113": (E, "explicit YAML tags are not allowed"),
    "CX114": (E, "link that leads outside the workspace"),
    "CX115": (W, "file that cxokr does not read"),
    "CX116": (E, "log entry that is not a list item"),
    "CX117": (E, "control or bidi character in a value"),
    # Shape of a file (model validation).
    "CX201": (E, "required key missing"),
    "CX202": (E, "unknown key"),
    "CX203": (E, "value of the wrong type or out of range"),
    "CX204": (E, "not a valid ID (slug)"),
    "CX205": (E, "not a valid date (YYYY-MM-DD)"),
    # Cross-file rules.
    "CX301": (E, "unknown team"),
    "CX302": (E, "unknown metric"),
    "CX303": (E, "unknown objective or key result"),
    "CX304": (E, "duplicate ID"),
    "CX305": (E, "file name is not a valid ID or does not match the ID inside"),
    "CX306": (E, "period not declared in cxokr.yaml"),
    "CX307": (E, "check-in names an unknown key result"),
    "CX308": (E, "check-in dated outside its period"),
    "CX309": (E, "readings for a metric not in the catalog"),
    "CX310": (E, "segment not declared by the metric"),
    "CX311": (E, "unit conflicts with the metric's unit"),
    "CX312": (E, "key result has neither a metric nor a unit"),
    "CX313": (E, "key result start equals its target"),
    "CX314": (E, "weight is zero or negative"),
    "CX315": (E, "team hierarchy: unknown parent or a cycle"),
    "CX316": (W, "team's level is not below its parent's"),
    "CX317": (E, "period dates are inconsistent"),
    "CX318": (E, "key result is missing what its type needs"),
    "CX319": (E, "no start value: none given and no reading before the period"),
    "CX320": (E, "check-in value does not fit the key result"),
    "CX321": (E, "key result start, read before the period, equals its target"),
    "CX322": (E, "key result has a field its type does not read"),
    "CX323": (E, "check-in names an item its checklist does not have"),
    "CX324": (E, "check-in carries what its key result's type does not read"),
    "CX325": (W, "check-in value of a checklist or score key result, which is not read"),
    "CX326": (W, "checklist item checked in twice"),
    "CX327": (E, "schedule step outside its period"),
    "CX328": (W, "schedule step on the period's last day differs from the target"),
    "CX329": (W, "schedule steps do not move one way, from the start to the target"),
    "CX330": (E, "alignment cycle"),
    "CX331": (E, "aligned to an objective of a period that does not contain the child's"),
    "CX332": (W, "aligned upward to a team of a deeper level"),
    "CX333": (W, "objective below level 1 that ladders up to no level-1 objective"),
    "CX334": (W, "level-1 objective no team supports"),
    "CX335": (W, "two key results pull one metric and segment in opposite directions"),
    "CX336": (W, "key result's target falls short of its parent's on the same metric"),
    "CX337": (E, "due date outside the key result's period"),
    "CX338": (E, "start read from a reading that does not exist"),
    "CX339": (E, "key result has both a target and a change"),
    "CX340": (E, "shares cycle"),
    "CX341": (E, "share of a key result of a later period"),
    "CX342": (E, "share with figures of its own"),
    "CX343": (E, "check-in on a share"),
    "CX344": (W, "key result dropped or postponed without a reason"),
    "CX345": (W, "reason on an active key result or objective"),
    "CX346": (E, "sync names a connection not declared in cxokr.yaml"),
    "CX347": (E, "sync query is empty"),
    "CX348": (E, "sync query returns no date or no value column"),
    "CX349": (W, "sync query returns segments for a metric that declares none"),
    "CX350": (W, "sync query does not use :since"),
    "CX351": (E, "connection URL holds a password"),
    "CX352": (W, "connection URL's environment variable is not set"),
    "CX353": (E, "DuckDB file outside the workspace"),
    "CX354": (E, "connection URL in no form cxokr reads"),
    "CX360": (E, "drives names a metric not in the catalog"),
    "CX361": (E, "trades_off names a metric not in the catalog"),
    "CX362": (E, "cycle in drives"),
    "CX363": (W, "driver pursued at a higher level than the outcome it drives"),
    "CX364": (W, "level-1 key result on an outcome whose drivers no deeper level works on"),
    "CX365": (W, "key result pushes a metric that trades off against one nobody holds"),
    "CX366": (W, "key results push two metrics that trade off against each other"),
    "CX367": (W, "decision on a key result that no conflict or trade-off involves"),
    "CX370": (W, "recorded whole reading disagrees with the one derived from its segments"),
    "CX371": (E, "whole weighted by a metric that does not exist"),
    "CX372": (E, "whole weighted by a metric without the same segments"),
    "CX373": (E, "whole on a metric without segments"),
    "CX374": (E, "whole weighted by the metric itself"),
    # Focus.
    "CX401": (W, "more than 5 objectives for one team in one period"),
    "CX402": (W, "more than 5 key results on one objective"),
    "CX403": (W, "objective with no key results and nothing aligned to it"),
    # History.
    "CX501": (W, "key result's start or target moved after its period began, unexplained"),
    "CX502": (W, "shallow clone: history cut after an open period began, CX501 not checked"),
}


def problem(code: str, path: str, line: int, col: int, message: str) -> Problem:
    """Build a Problem whose severity comes from the code table."""
    return Problem(path, line, col, code, CODES[code][0], message)


def did_you_mean(word: str, known: Iterable[str], within: str = "") -> str:
    """` (did you mean 'a', 'b' or 'c'?)`: up to three of `known` closest to `word`, or ''.
    Each is shown after `within` (`grow-basket/` before the key results of grow-basket)."""
    close = _close(word, tuple(known))
    if not close:
        return ""
    names = [repr(within + name) for name in close]
    shown = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
    return f" (did you mean {shown}?)"


@lru_cache(maxsize=256)
def _close(word: str, known: tuple[str, ...]) -> list[str]:
    import difflib  # only once a problem is found

    # The same typo is often made many times over: each is matched once.
    same_case = [name for name in known if name.lower() == word.lower() and name != word]
    return same_case[:1] or difflib.get_close_matches(word, known, n=3, cutoff=0.6)
