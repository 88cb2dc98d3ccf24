"""Asking on a terminal for what `cxokr new` was not given.

Each question shows the choices the workspace holds (teams, metrics with their
unit and direction, periods, objectives to align to, written as the file must
hold them) and reads the answer with the same check the writer runs: an
answer that cannot be used is asked again, with the reason, never a crash.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

import typer

from cxokr.cli.app import err
from cxokr.errors import CxokrError, UsageError

if TYPE_CHECKING:
    from cxokr.edit.new_okr import Place
    from cxokr.load.workspace import Workspace

T = TypeVar("T")


def asking(*missing: object) -> bool:
    """True when a terminal can be asked for what is missing (anything None)."""
    return sys.stdin.isatty() and any(value is None for value in missing)


def form_missing(data: dict[str, Any]) -> bool:
    """True when a key result lacks what its type needs: a target (or a change), a metric or
    a unit, a checklist's items."""
    from cxokr.model import KrType

    if data["shares"] is not None:
        return False
    kind = data["type"] or KrType.TARGET
    if kind is KrType.CHECKLIST:
        return not data["items"]
    measured = kind in (KrType.TARGET, KrType.STAY_ABOVE, KrType.STAY_BELOW)
    unmeasured = data["metric"] is None and data["unit"] is None
    return measured and (unmeasured or (data["target"] is None and data["change"] is None))


def ask(question: str, read: Callable[[str], T], default: str = "") -> T:
    """An answer to `question` as `read` takes it; asked again, with the reason, until it is."""
    while True:
        try:
            answer = typer.prompt(question, default=default, show_default=bool(default))
        except typer.Abort:  # Ctrl-C or the end of input: nothing is written
            raise KeyboardInterrupt from None
        try:
            return read(answer.strip())
        except CxokrError as exc:
            err(f"  {exc}; try again")


def optional(read: Callable[[str], T]) -> Callable[[str], T | None]:
    """`read`, with an empty answer taken as nothing."""
    return lambda text: read(text) if text else None


def required(what: str) -> Callable[[str], str]:
    def read(text: str) -> str:
        if not text:
            raise UsageError(f"{what} is required")
        return text

    return read


def show(heading: str, rows: Sequence[tuple[str, str]]) -> None:
    """The choices a question offers, one a line, each as it must be written."""
    if rows:
        width = max(len(name) for name, _ in rows)
        err(heading + "\n" + "\n".join(f"  {name:<{width}}  {what}" for name, what in rows))


def need(value: T | None, flag: str) -> T:
    """A value a script must give: a usage error naming the flag when it did not."""
    if value is None:
        raise UsageError(f"give {flag} (or run on a terminal to be asked)")
    return value


def current_period(ws: Workspace) -> str:
    from cxokr.compute.report import current_period as narrowest

    found = narrowest(ws.periods.values(), date.today())
    if found is None:
        raise UsageError("no period contains today; pass --period")
    return found.id


def teams(ws: Workspace) -> list[tuple[str, str]]:
    return [(ident, f"{team.name} (level {team.level})") for ident, team in ws.teams.items()]


def metrics(ws: Workspace) -> list[tuple[str, str]]:
    return [
        (ident, f"{m.name} ({m.unit}, {m.direction.value} is better)")
        for ident, m in ws.metrics.items()
    ]


def team_choice(ws: Workspace, question: str) -> str | None:
    from cxokr.edit.new_entry import known_team

    show("teams:", teams(ws))
    return ask(question, optional(lambda t: known_team(ws, t)))


# --- team and metric ------------------------------------------------------------------------


def ask_team(ws: Workspace, ident: str | None, fields: dict[str, Any]) -> str:
    """The team's ID, and each of its main fields in `fields` not given."""
    from cxokr.edit import new_entry as core
    from cxokr.load import kinds

    ident = ident or ask("team ID", lambda t: core.free_file(ws, kinds.TEAM, t, "team").stem)
    fields["name"] = fields["name"] or ask("name", required("a name"))
    if fields["level"] is None:
        levels = ws.config.levels if ws.config else {}
        show("levels:", [(str(n), levels.get(n, "")) for n in range(1, 5)])
        fields["level"] = ask("level", core.level)
    if fields["parent"] is None:
        fields["parent"] = team_choice(ws, "parent team (empty: none)")
    fields["lead"] = fields["lead"] or ask("lead (empty: none)", optional(str))
    return ident


def ask_metric(ws: Workspace, ident: str | None, fields: dict[str, Any], segments: bool) -> str:
    """The metric's ID, and each of its main fields in `fields` not given."""
    from cxokr.edit import new_entry as core
    from cxokr.load import kinds

    ident = ident or ask("metric ID", lambda t: core.free_file(ws, kinds.METRIC, t, "metric").stem)
    fields["name"] = fields["name"] or ask("name", required("a name"))
    fields["unit"] = fields["unit"] or ask(
        "unit (%, USD, s, points, count, ...)", required("a unit")
    )
    if fields["direction"] is None:
        fields["direction"] = ask("better when (higher/lower)", core.direction)
    if segments:
        fields["segments"] = ask(
            "segments, separated by spaces (empty: none)",
            lambda t: [core.valid_id(s, "segment") for s in t.replace(",", " ").split()],
        )
    if fields["owner"] is None:
        fields["owner"] = team_choice(ws, "owner team (empty: none)")
    return ident


# --- objective ------------------------------------------------------------------------------


def ask_place(ws: Workspace, period: str | None, team: str | None) -> Place:
    """The period and team, asked for with their choices where not given (the period only
    with the team: a team given on the command line takes the current period)."""
    from cxokr.edit import new_entry, new_okr

    if period is None and team is None:
        show("periods:", [(p.id, f"{p.start} to {p.end}") for p in ws.periods.values()])
        here = current_period(ws)
        period = ask("period", lambda t: new_entry.known_period(ws, t), default=here)
    period = period or current_period(ws)
    if team is None:
        show("teams:", teams(ws))
        team = ask("team", lambda t: new_entry.known_team(ws, t))
    return new_okr.place(ws, period, team, date.today())


def ask_objective(where: Place, data: dict[str, Any], align: bool) -> None:
    """The objective's title, ID, alignment and owner in `data`, where not given."""
    from cxokr.edit import new_entry, new_okr

    title = data["title"] or ask("title", required("a title"))
    data["title"] = title
    if not data["id"]:
        free = lambda t: new_okr.free_objective(where, t, title)  # noqa: E731
        data["id"] = ask("objective ID", free, default=new_entry.suggest_id(title))
    if align:
        ask_alignment(where, data)
    if data["owner"] is None:
        data["owner"] = ask("owner (empty: none)", optional(str))


def ask_alignment(where: Place, data: dict[str, Any]) -> None:
    from cxokr.edit import new_okr

    show("objectives to align to:", new_okr.align_choices(where.ws, where.period))
    target = lambda t: new_okr.align_target(where.ws, where.period, t)  # noqa: E731
    data["aligns_to"] = ask("aligns to (empty: none)", optional(target))


# --- key result -----------------------------------------------------------------------------


def ask_key_result(where: Place, objective: str | None, data: dict[str, Any]) -> str:
    """The key result's objective, title, ID and type, then what its type needs and its
    owner, in `data` where not given. Returns the objective."""
    from cxokr.edit import new_entry, new_kr, new_okr

    if objective is None:
        found = where.okrs.objectives if where.okrs else []
        if not found:
            raise UsageError(
                f"{where.team} has no objective in {where.period}; add one first with: "
                f"cxokr new objective {where.team}/ID --period {where.period}"
            )
        show("objectives:", [(o.id, o.title) for o in found])
        objective = ask("objective", lambda t: new_okr.objective_of(where, t).id)
    title = data["title"] or ask("title", required("a title"))
    data["title"] = title
    if not data["id"]:
        free = lambda t: new_okr.free_key_result(where, objective, t, title)  # noqa: E731
        data["id"] = ask("key result ID", free, default=new_entry.suggest_id(title))
    if data["type"] is None and data["shares"] is None:
        show("types:", list(new_kr.KR_TYPES.items()))
        data["type"] = ask("type", new_kr.kr_type, default="target")
    ask_form(where, data)
    if data["owner"] is None:
        data["owner"] = ask("owner (empty: none)", optional(str))
    return objective


def ask_form(where: Place, data: dict[str, Any]) -> None:
    """What the key result's type needs: a metric (or unit) and numbers, a due date, items."""
    from cxokr.edit import new_kr
    from cxokr.model import KrType

    kind = data["type"]
    if kind in (KrType.TARGET, KrType.STAY_ABOVE, KrType.STAY_BELOW):
        ask_measure(where.ws, data)
    if kind is KrType.TARGET and data["start"] is None:
        data["start"] = ask_start(where, data)
    if kind is KrType.TARGET and data["target"] is None and data["change"] is None:
        data["target"] = ask("target (a number, or +10% / -15% of the start)", new_kr.target)
    if kind in (KrType.STAY_ABOVE, KrType.STAY_BELOW) and data["target"] is None:
        data["target"] = ask("the line to hold", lambda t: new_kr.number(t, "line"))
    if kind is KrType.DONE and data["due"] is None:
        data["due"] = ask(
            "due (YYYY-MM-DD; empty: the period's end)", optional(lambda t: new_kr.day(t, "due"))
        )
    if kind is KrType.CHECKLIST and not data["items"]:
        data["items"] = ask_items()


def ask_start(where: Place, data: dict[str, Any]) -> Any:
    """A target's start; empty, with a metric, takes its reading before the period, when
    it has one."""
    from cxokr.edit import new_kr, new_okr

    def read(text: str) -> Any:
        if text:
            return new_kr.start(text)
        if data["metric"] is None:
            raise UsageError("a key result without a metric needs a start")
        new_okr.reading_before(where, data["metric"], data["segment"])
        return None

    return ask(
        "start (a number, 'first', or a date for the reading on it; "
        "empty: the reading before the period)",
        read,
    )


def ask_measure(ws: Workspace, data: dict[str, Any]) -> None:
    """The metric (and segment) a key result reads, or the unit of its own numbers."""
    from cxokr.edit import new_entry

    if data["metric"] is None and data["unit"] is None:
        show("metrics:", metrics(ws))
        data["metric"] = ask(
            "metric (empty: numbers of its own, checked in)",
            optional(lambda t: (new_entry.known_metric(ws, t), t)[1]),
        )
    metric = ws.metrics.get(data["metric"] or "")
    if metric is not None and metric.segments and data["segment"] is None:
        show("segments:", [(s, "") for s in metric.segments])

        def segment(text: str) -> str:
            if text not in metric.segments:
                hint = new_entry.did_you_mean(text, metric.segments)
                raise UsageError(f"{data['metric']} has no segment {text!r}{hint}")
            return text

        data["segment"] = ask("segment (empty: the whole business)", optional(segment))
    if metric is None and data["unit"] is None:
        data["unit"] = ask("unit of its numbers (count, USD, %, ...)", required("a unit"))


def ask_items() -> list[dict[str, Any]]:
    """A checklist's items, one an answer, until an empty one (at least one item)."""
    from cxokr.edit import new_kr

    found: list[dict[str, Any]] = []
    while True:
        got = ask(
            "item as ID=Title, |due=DATE and |weight=N if wanted (empty: no more)",
            optional(new_kr.item),
        )
        if got is not None:
            found.append(got)
        elif found:
            return found
        else:
            err("  a checklist needs at least one item; try again")
