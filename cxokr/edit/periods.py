"""Periods: their dates from an ID, adding one, and carrying unfinished objectives into it.

Adding a period declares it in cxokr.yaml and, when asked, carries the
unfinished objectives of another period into it, all or nothing. A
carried-over OKR file is new, so it is generated whole, and read back before
it is written. Editing cxokr.yaml lives in `config_edit`, grading in `grades`.

A carried key result keeps its form (a relative target, `start: first` or
`{reading: DATE}`, a score) with what still applies in the new period: a
checklist only the items not done by the old period's end, a schedule only
its steps inside the new period, a `due` day (of a milestone or an item) only
when it falls inside the new period (else it is dropped: the item or
milestone is due at the new period's end). A `shares` that names a key result
carried along names its copy; any other keeps naming its period. A key result
dropped or postponed alone stays behind, as such objectives do, and so does a
checklist with every item done; no `reason` is carried.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from cxokr import yamlio
from cxokr.compute.report import Filters, build
from cxokr.compute.report_data import ObjectiveRow
from cxokr.edit import config_edit, fileio
from cxokr.errors import CxokrError, UsageError
from cxokr.load.layout import CONFIG_FILE, okr_path
from cxokr.load.workspace import Workspace
from cxokr.model import (
    Config,
    KeyResult,
    KrType,
    Objective,
    ObjectiveStatus,
    OkrFile,
    Period,
    RefParts,
    as_list,
    parse_ref,
)
from cxokr.rules import lookups
from cxokr.yamlio import scalar

OKR_MODELINE = "# yaml-language-server: $schema=../../schemas/okrs.schema.json"

# --- Dates from an ID -----------------------------------------------------------------------


def period_dates(period_id: str) -> tuple[date, date]:
    """First and last day of a year (`2027`), quarter (`2027-Q1`), half (`2027-H2`) or month."""
    found = lookups.period_dates(period_id)
    if found is None:
        raise UsageError(
            f"cannot tell the dates of period {period_id!r} from its ID "
            "(known forms: 2027, 2027-Q1, 2027-H1, 2027-03); pass --start and --end"
        )
    return found


# --- Adding a period ------------------------------------------------------------------------


def add(
    root: Path,
    period_id: str,
    first: date,
    last: date,
    *,
    carry_from: str | None,
    reload: Callable[[], tuple[Workspace, date]],
) -> tuple[list[Path], str]:
    """Declare `period_id` (`first` to `last`) in cxokr.yaml and, with `carry_from`, carry
    that period's unfinished objectives into it: all or nothing. Call under the workspace
    lock. Returns the paths written and the commit message.

    `reload` gives the workspace, read once the new period is declared, and the day its
    progress is measured on. If carrying over fails, cxokr.yaml is put back as it was.
    """
    message = f"period: add {period_id} ({first} to {last})"
    before = (root / CONFIG_FILE).read_bytes() if carry_from else b""
    config = config_edit.add_period(root, period_id, first, last)
    if not carry_from:
        return [config], message
    try:
        ws, as_of = reload()
        carried = carry_over(ws, carry_from, period_id, as_of)
    except BaseException as exc:  # all or nothing: the period goes again too
        fileio.write_file(root, config, before)
        if isinstance(exc, CxokrError):
            raise type(exc)(f"{exc}; {CONFIG_FILE} is as it was") from exc
        raise
    message += f", carrying over unfinished objectives of {carry_from} for {len(carried)} team(s)"
    return [config, *carried], message


# --- Carrying unfinished objectives over ----------------------------------------------------


def carry_over(ws: Workspace, from_period: str, to_period: str, as_of: date) -> list[Path]:
    """Copy each team's unfinished objectives of `from_period` into new `to_period` files.

    Unfinished: active, and progress on `as_of` below 1 or not measured yet.
    Each copy names its source in `carried_from`. Writes all the files or none:
    nothing if any target file already exists or a link is on the way to one;
    a team with nothing unfinished gets no file.
    """
    config = _declared(ws, from_period, to_period)
    if from_period == to_period:
        raise UsageError(f"cannot carry {from_period} over into itself; name the next period")
    _refuse_unread(ws, from_period)
    unfinished = _unfinished(ws, from_period, as_of)
    chosen = _by_team(ws, unfinished)
    targets = _free_targets(ws.root, to_period, chosen)
    new = next(p for p in config.periods if p.id == to_period)
    kept, done = _key_results(ws, ws.periods[from_period], chosen)
    carry = _Carry(from_period, unfinished, _enclosing(config, to_period), new, kept, done)
    texts = {team: carry.file_text(team, objectives) for team, objectives in chosen.items()}
    fileio.write_files(
        ws.root, {targets[team]: text.encode("utf-8") for team, text in texts.items()}, new=True
    )
    return list(targets.values())


def _declared(ws: Workspace, *period_ids: str) -> Config:
    """The workspace's settings, once they were read and declare each of `period_ids`."""
    if ws.config is None:
        raise CxokrError(f"{CONFIG_FILE} could not be read; run 'cxokr check'")
    declared = {p.id for p in ws.config.periods}
    for period_id in period_ids:
        if period_id not in declared:
            raise UsageError(
                f"no period {period_id!r} in {CONFIG_FILE}; run 'cxokr period add {period_id}' first"
            )
    return ws.config


def _refuse_unread(ws: Workspace, period_id: str) -> None:
    """Refuse when an OKR file of the period could not be read: its objectives are unknown."""
    broken = sorted(rel for rel in ws.failed if rel.startswith(f"okrs/{period_id}/"))
    if broken:
        raise CxokrError(
            f"{', '.join(broken)} could not be read, so its objectives cannot be carried over; "
            "run 'cxokr check' and fix it first"
        )


def _unfinished(ws: Workspace, period_id: str, as_of: date) -> frozenset[str]:
    """The refs (`period:team/objective`) of the period's unfinished objectives on `as_of`."""
    rows = build(ws, as_of, Filters(period=period_id)).objectives
    return frozenset(row.ref for row in rows if row.period == period_id and _is_unfinished(row))


def _is_unfinished(row: ObjectiveRow) -> bool:
    """Active, and its progress below 1 or not measured yet."""
    return row.state == ObjectiveStatus.ACTIVE and (row.progress is None or row.progress < 1)


def _by_team(ws: Workspace, refs: frozenset[str]) -> dict[str, list[Objective]]:
    """The objectives `refs` name, by team; a team with none is left out."""
    chosen: dict[str, list[Objective]] = {}
    for (period_id, team), okr in sorted(ws.okrs.items()):
        mine = [o for o in okr.objectives if str(RefParts(period_id, team, o.id)) in refs]
        if mine:  # refs name their period, so only the carried period's files have any
            chosen[team] = mine
    return chosen


def _key_results(
    ws: Workspace, period: Period, chosen: Mapping[str, list[Objective]]
) -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    """The refs (`period:team/objective/kr`) of the key results carried along with `chosen`,
    and of each checklist among them the items done by the end of `period`."""
    from cxokr.compute.steps import items_done

    kept: set[str] = set()
    done: dict[str, frozenset[str]] = {}
    for team, objectives in chosen.items():
        log = ws.checkins.get((period.id, team))
        entries = [e for e in (log.entries if log else ()) if e.date <= period.end]
        for objective in objectives:
            for kr in objective.key_results:
                ref = str(RefParts(period.id, team, objective.id, kr.id))
                if kr.type is KrType.CHECKLIST:
                    mine = [e for e in entries if e.kr == f"{objective.id}/{kr.id}"]
                    done[ref] = frozenset(items_done(kr, mine))
                if _carries(kr, done.get(ref, frozenset())):
                    kept.add(ref)
    return frozenset(kept), done


def _carries(kr: KeyResult, done: frozenset[str]) -> bool:
    """Active, and not a checklist with every item done."""
    left = [item for item in kr.items or () if item.id not in done]
    return kr.state is ObjectiveStatus.ACTIVE and (kr.type is not KrType.CHECKLIST or bool(left))


def _free_targets(root: Path, period_id: str, teams: Iterable[str]) -> dict[str, Path]:
    """Where each team's file of the period goes; refused when a link is on the way to one,
    or when any is already there."""
    targets = {team: root / okr_path(period_id, team) for team in teams}
    for path in targets.values():
        fileio.contained(root, path)  # a link on the way is refused, not "in the way"
    in_the_way = [
        okr_path(period_id, t) for t, p in targets.items() if p.exists() or p.is_symlink()
    ]
    if in_the_way:
        one = len(in_the_way) == 1
        raise CxokrError(
            f"{', '.join(in_the_way)} already {'exists' if one else 'exist'}; "
            f"nothing was carried over. Move {'it' if one else 'them'} aside and carry over "
            "again, or copy the objectives by hand"
        )
    return targets


def _enclosing(config: Config, period_id: str) -> frozenset[str]:
    """The period and every declared period around it (its year, its half)."""
    new = next(p for p in config.periods if p.id == period_id)
    return frozenset(p.id for p in config.periods if p.start <= new.start and new.end <= p.end)


@dataclass(frozen=True)
class _Carry:
    """Turns objectives of `source` into the data and text of their carried copies."""

    source: str
    carried: frozenset[str]  # refs (`period:team/objective`) of every objective being carried
    around: frozenset[str]  # the new period and the periods enclosing it
    period: Period  # the new period
    kept: frozenset[str] = frozenset()  # refs (`period:team/objective/kr`) of those carried
    done: Mapping[str, frozenset[str]] = field(default_factory=dict)  # a checklist's done items

    def file_text(self, team: str, objectives: list[Objective]) -> str:
        datas = [self.objective(team, o) for o in objectives]
        blocks = ["\n".join(_items([data], "")) for data in datas]
        text = f"{OKR_MODELINE}\nobjectives:\n" + "\n\n".join(blocks) + "\n"
        doc = yamlio.load_document(text.encode("utf-8"))
        try:
            same = not doc.issues and OkrFile.model_validate(doc.data) == OkrFile.model_validate(
                {"objectives": datas}
            )
        except ValidationError:
            same = False
        if not same:  # a bug in the writer below, never the user's data
            raise CxokrError(
                f"the carried-over objectives of {team} did not read back as written; "
                "please report this"
            )
        return text

    def objective(self, team: str, objective: Objective) -> dict[str, Any]:
        data = objective.model_dump(
            mode="json",
            exclude_unset=True,
            # The old period's verdict and state stay there; the copy starts active.
            exclude={"id", "status", "reason", "grade", "retro", "carried_from", "key_results"},
        )
        out: dict[str, Any] = {
            "id": objective.id,
            "carried_from": f"{self.source}:{team}/{objective.id}",
            **data,
        }
        refs = self.refs(objective.aligns_to)
        if refs:
            out["aligns_to"] = refs
        else:
            out.pop("aligns_to", None)
        if objective.key_results or "key_results" in objective.model_fields_set:
            krs = (
                (RefParts(self.source, team, objective.id, k.id), k) for k in objective.key_results
            )
            out["key_results"] = [
                self.key_result(ref, kr) for ref, kr in krs if str(ref) in self.kept
            ]
        return out

    def key_result(self, ref: RefParts, kr: KeyResult) -> dict[str, Any]:
        """The copy of `kr` (at `ref`), with what still applies in the new period."""
        data = kr.model_dump(mode="json", exclude_unset=True, exclude={"state", "reason"})
        refs = self.refs(kr.aligns_to)
        if refs:
            data["aligns_to"] = refs
        else:
            data.pop("aligns_to", None)
        if kr.carried_from is not None and ":" not in kr.carried_from:
            data["carried_from"] = f"{self.source}:{kr.carried_from}"
        if kr.shares is not None:
            data["shares"] = self.shared(kr.shares)
        if kr.items is not None:
            done = self.done.get(str(ref), frozenset())
            data["items"] = [self.inside(i) for i in data["items"] if i["id"] not in done]
        if kr.schedule is not None:
            data["schedule"] = {day: v for day, v in data["schedule"].items() if self.holds(day)}
            if not data["schedule"]:
                del data["schedule"]
        return self.inside(data)

    def holds(self, day: str) -> bool:
        """True when `day` (ISO text) falls inside the new period."""
        return self.period.start.isoformat() <= day <= self.period.end.isoformat()

    def inside(self, data: dict[str, Any]) -> dict[str, Any]:
        """`data` without its `due` when that day is outside the new period."""
        due = data.get("due")
        if due is None or self.holds(due):
            return data
        return {k: v for k, v in data.items() if k != "due"}

    def shared(self, text: str) -> str:
        """A `shares` reference from the new period: the copy of a key result carried along
        (unprefixed, as it sits in the new period), else the same key result in its period."""
        ref = parse_ref(text, self.source)
        if str(ref) in self.kept:
            return f"{ref.team}/{ref.objective}/{ref.kr}"
        return text if ":" in text else str(ref)

    def refs(self, refs: str | list[str] | None) -> str | list[str] | None:
        """Each reference as it resolves from the new period, or None if none still can.

        An unprefixed reference meant the old period. If the objective it names
        is carried along, it names the copy, which sits in the new period under
        the same team and ID. A reference to a period that does not enclose the
        new one (the old quarter, last year) is dropped: the copy must be
        aligned anew, and `cxokr check` says so (CX333).
        """
        moved = []
        for text in as_list(refs):
            ref = parse_ref(text, self.source)
            objective = str(RefParts(ref.period, ref.team, ref.objective))
            if (":" not in text and objective in self.carried) or ref.period in self.around:
                moved.append(text)
        if not moved:
            return None
        return moved if isinstance(refs, list) else moved[0]


def _items(items: list[Any], indent: str) -> list[str]:
    """Block-sequence lines for `items` (mappings or scalars), dashes at `indent` + 2."""
    lines = []
    for item in items:
        if isinstance(item, dict):
            inner = _mapping(item, indent + "    ")
            lines.append(f"{indent}  - {inner[0].lstrip()}")
            lines += inner[1:]
        else:
            lines.append(f"{indent}  - {scalar(item)}")
    return lines


def _mapping(data: Mapping[str, Any], indent: str) -> list[str]:
    lines = []
    for key, value in data.items():
        if isinstance(value, list) and value:
            lines.append(f"{indent}{key}:")
            lines += _items(value, indent)
        elif isinstance(value, list):
            lines.append(f"{indent}{key}: []")
        elif isinstance(value, dict):  # `start: {reading: DATE}`, a schedule
            lines.append(f"{indent}{key}:" if value else f"{indent}{key}: {{}}")
            lines += _mapping(value, indent + "  ")
        else:
            lines.append(f"{indent}{key}: {scalar(value)}")
    return lines
