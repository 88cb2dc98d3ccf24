"""The rows of the report: every objective's and key result's figures as of one date.

A key result's row is computed by `kr_rows`, in the named steps of `steps`.

An objective's row rolls up its key results, the objectives aligned to it, or
both (`Rows._terms`). Each row is computed once, however many objectives count
it. `report.build` assembles the rows into the report.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from cxokr.compute import align, steps
from cxokr.compute import progress as calc
from cxokr.compute.kr_rows import KeyResults, Place
from cxokr.compute.report_data import KrRow, ObjectiveRow, Term, terms_grade
from cxokr.load.workspace import Workspace
from cxokr.model import (
    KeyResult,
    Objective,
    ObjectiveStatus,
    Period,
    ProgressFrom,
    as_list,
    owners_text,
)


class Rows:
    """The rows of the objectives of `periods` as of a date, each computed when first asked."""

    def __init__(self, ws: Workspace, periods: list[Period], as_of: date) -> None:
        assert ws.config is not None
        self.ws = ws
        self.config = ws.config
        self.as_of = as_of
        self.periods = {p.id: p for p in periods}
        self.expected = {pid: calc.expected(p, as_of) for pid, p in self.periods.items()}
        self.graph = align.build(ws, self.periods)
        self.objectives = {
            ref: Place(node.period, node.team, node.objective)
            for ref, node in self.graph.nodes.items()
        }
        self.children, self.parents = _tree(self.graph)
        self.kr_children = _aligned_key_results(self.graph)
        self.krs = KeyResults(ws, self.periods, as_of, self.objectives)
        # Whether any key result is a share: without one, no roll-up has a share to count once.
        self.shares = any(
            kr.shares for place in self.objectives.values() for kr in place.objective.key_results
        )
        self._rows: dict[str, ObjectiveRow] = {}
        self._reached: dict[str, set[str]] = {}
        self._kr_reached: dict[str, frozenset[str]] = {}

    def _counted_children(self, ref: str) -> list[str]:
        """Direct children, less those another child's roll-up reaches: each objective counts
        once, through the path that rolls it up."""
        children = self.children[ref]
        # How many children's roll-ups reach each objective: one pass over their reaches, not
        # a pair of children at a time (a company goal can have hundreds of children).
        reached = Counter(below for child in children for below in self._rolled_up(child))
        return [c for c in children if reached[c] == (c in self._rolled_up(c))]

    def _rolled_up(self, ref: str) -> set[str]:
        """The objectives below `ref` its aligned roll-up reaches, whatever their state: an
        objective passes on what aligns to it only while active and rolling up aligned ones
        (one whose progress comes from its key results, or a dropped one, carries nothing)."""
        found = self._reached.get(ref)
        if found is None:
            found = self._reached[ref] = align.reach(self._carried(ref), self._carried)
        return found

    def _kr_reach(self, ref: str) -> frozenset[str]:
        """The key results the roll-up of `ref` counts: its own and those of the active
        objectives it reaches that roll up their key results, and the key results aligned to
        any of them that rolls up what aligns to it."""
        found = self._kr_reached.get(ref)
        if found is None:
            refs: set[str] = set()
            for place_ref in (ref, *self._rolled_up(ref)):
                objective = self.objectives[place_ref].objective
                if objective.status is not ObjectiveStatus.ACTIVE:
                    continue
                if _rolls_up_key_results(objective):
                    refs.update(f"{place_ref}/{kr.id}" for kr in objective.key_results)
                if _rolls_up_aligned(objective):
                    refs.update(f"{owner}/{kr.id}" for owner, kr in self.kr_children[place_ref])
            found = self._kr_reached[ref] = frozenset(refs)
        return found

    def _carried(self, ref: str) -> list[str]:
        objective = self.objectives[ref].objective
        if objective.status is not ObjectiveStatus.ACTIVE or not _rolls_up_aligned(objective):
            return []
        return self.children[ref]

    def level(self, team: str) -> int:
        found = self.ws.teams.get(team)
        return found.level if found else 4

    def kr_row(self, at: Place, kr: KeyResult) -> KrRow:
        """A key result's row, computed once however many objectives count it."""
        return self.krs.row(at, kr)

    # --- Objectives ----------------------------------------------------------------------

    def row(self, ref: str, visiting: frozenset[str] = frozenset()) -> ObjectiveRow:
        """An objective's row, computed once; `visiting`: the objectives above it on this path."""
        found = self._rows.get(ref)
        if found is None:
            found = self._rows[ref] = self._objective_row(ref, visiting)
        return found

    def _objective_row(self, ref: str, visiting: frozenset[str]) -> ObjectiveRow:
        at = self.objectives[ref]
        objective = at.objective
        krs = tuple(self.kr_row(at, kr) for kr in objective.key_results)
        mode = _progress_from(objective)
        terms = self._terms(ref, mode, krs, visiting)
        value = _roll_up(terms)
        expected = _expected(terms, self.expected[at.period])
        ended = self.as_of >= self.periods[at.period].end
        grade, band = steps.graded(self._grade(terms) if ended else None, ended)
        return ObjectiveRow(
            ref=ref,
            period=at.period,
            team=at.team,
            level=self.level(at.team),
            id=objective.id,
            title=objective.title,
            owner=owners_text(objective.owner),
            state=objective.status,
            weight=objective.weight,
            progress_from=mode,
            progress=value,
            expected=expected,
            pace=calc.pace(value, expected),
            status=calc.status(value, expected, self.config.status),
            grade=grade,
            band=band,
            team_grade=objective.grade,
            terms=tuple(terms),
            parents=tuple(self.parents[ref]),
            children=tuple(self.children[ref]),
            key_results=krs,
            owners=tuple(as_list(objective.owner)),
            reason=objective.reason,
            retro=objective.retro,
        )

    def _grade(self, terms: list[Term]) -> float | None:
        """An objective's grade: the weighted mean of the grades of the key results and
        objectives it rolls up (a guardrail's is the share of days it held, DESIGN §2.3)."""

        def grade_of(ref: str) -> float | None:
            row = self.krs.rows.get(ref) or self._rows.get(ref)
            return row.grade if row else None

        return terms_grade(terms, grade_of)

    def _terms(
        self,
        ref: str,
        mode: ProgressFrom,
        krs: tuple[KrRow, ...],
        visiting: frozenset[str],
        excluded: frozenset[str] = frozenset(),
    ) -> list[Term]:
        """What an objective's progress rolls up: its own key results, what aligns to it, or
        both; less the objectives in `excluded`, which another path of the roll-up counts."""
        own: list[KrRow] = []
        if mode in (ProgressFrom.KEY_RESULTS, ProgressFrom.BOTH):
            models = self.objectives[ref].objective.key_results
            own = [
                kr
                for kr, model in zip(krs, models, strict=True)
                if _active_kr(model) and kr.ref not in excluded
            ]
        aligned: list[Term] = []
        if mode in (ProgressFrom.ALIGNED, ProgressFrom.BOTH):
            aligned = self._aligned_terms(ref, visiting, excluded)
            if self.shares:  # a share of a key result counted within its objective
                reached = excluded.union(*self._reach(ref, excluded))
                own = [kr for kr in own if not (kr.shares and self._within(kr.shares, reached))]
        terms = [_kr_term(kr) for kr in own] + aligned
        return self._once(terms) if self.shares else terms

    def _reach(self, ref: str, excluded: frozenset[str]) -> list[set[str]]:
        """The objectives the aligned roll-up of `ref` reaches, child by child."""
        counted = [c for c in self._counted_children(ref) if c not in excluded]
        return [{child} | self._rolled_up(child) for child in counted]

    def _once(self, terms: list[Term]) -> list[Term]:
        """`terms` with each key result once: a share of a key result (`shares`) and the key
        result itself, or two shares of one, are one term, the first."""
        seen: set[str] = set()
        kept = []
        for term in terms:
            kr = self.krs.rows.get(term.ref)
            key = kr.counted_as if kr else term.ref
            if key not in seen:
                seen.add(key)
                kept.append(term)
        return kept

    def _aligned_terms(
        self, ref: str, visiting: frozenset[str], excluded: frozenset[str]
    ) -> list[Term]:
        """The active objectives aligned to `ref`, then key results aligned to it, so that each
        objective the roll-up reaches counts once: a child that another child rolls up counts
        through it (`_counted_children`), and where two children's roll-ups reach the same
        objective (paths that meet again), the first counts it and the later ones count less
        it (`_less`). Key results count within their objective when the roll-up reaches it."""
        terms: list[Term] = []
        counted = [c for c in self._counted_children(ref) if c not in excluded]
        seen = set(excluded)  # the objectives and key results the terms so far count
        for child in counted:
            if child in visiting:
                continue  # an alignment cycle; `cxokr check` reports it
            below = self._rolled_up(child)
            overlap = frozenset(o for o in below & seen if self._active(o))
            krs = self._kr_reach(child)
            # a key result counted again, outside an objective already left out for it
            overlap |= {k for k in krs & seen if k.rsplit("/", 1)[0] not in overlap}
            seen |= below | {child} | krs
            row = self.row(child, visiting | {ref})
            if row.state is not ObjectiveStatus.ACTIVE:
                continue
            if overlap:
                less = self._less(row, overlap, visiting | {ref})
                if less.terms:  # with nothing left, all it rolls up counts through another
                    terms.append(less)
            else:
                terms.append(Term(child, calc.clamped(row.progress), row.weight, row.expected))
        reached = set(counted).union(*(self._rolled_up(child) for child in counted))
        for owner, kr in self.kr_children[ref]:
            if not _active_kr(kr) or f"{owner}/{kr.id}" in seen:
                continue  # deprioritised on its own, or counted through a child's roll-up
            if (owner in reached or owner in excluded) and _rolls_up_key_results(
                self.objectives[owner].objective
            ):
                continue  # counted within its objective, which a roll-up path reaches
            kr_row = self.kr_row(self.objectives[owner], kr)
            if kr_row.shares and self._within(kr_row.shares, reached | excluded):
                continue  # a share of a key result counted within its own objective
            terms.append(_kr_term(kr_row))
        return terms

    def _within(self, kr: str, reached: set[str] | frozenset[str]) -> bool:
        """Whether key result `kr` counts within its objective, which a roll-up reaches."""
        objective = kr.rsplit("/", 1)[0]
        place = self.objectives.get(objective)
        return (
            objective in reached
            and place is not None
            and place.objective.status is ObjectiveStatus.ACTIVE
            and _rolls_up_key_results(place.objective)
        )

    def _less(self, row: ObjectiveRow, excluded: frozenset[str], visiting: frozenset[str]) -> Term:
        """`row` as a term, its roll-up less the objectives in `excluded` (and what it reaches
        through them only): figures not shown on its own row, which `explain` spells out."""
        terms = self._terms(row.ref, row.progress_from, row.key_results, visiting, excluded)
        progress = _roll_up(terms)
        return Term(
            row.ref,
            calc.clamped(progress),
            row.weight,
            _expected(terms, self.expected[row.period]),
            less=tuple(sorted(excluded)),
            terms=tuple(terms),
        )

    def _active(self, ref: str) -> bool:
        return self.objectives[ref].objective.status is ObjectiveStatus.ACTIVE


def _tree(graph: align.Graph) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Children and parents of each objective, following objectives that align as a whole.

    The tree and the aligned roll-up follow these; a key result that aligns counts as a
    term of its own (`_aligned_key_results`).
    """
    children: dict[str, list[str]] = {ref: [] for ref in graph.nodes}
    parents: dict[str, list[str]] = {ref: [] for ref in graph.nodes}
    for edge in graph.edges:
        if edge.kr is None and edge.child not in children[edge.parent]:
            children[edge.parent].append(edge.child)
            parents[edge.child].append(edge.parent)
    return children, parents


def _aligned_key_results(graph: align.Graph) -> dict[str, list[tuple[str, KeyResult]]]:
    """Key results aligned to an objective of another, with the objective that holds each:
    they count in the roll-up of the objective they align to."""
    found: dict[str, list[tuple[str, KeyResult]]] = {ref: [] for ref in graph.nodes}
    for edge in graph.edges:
        node = graph.nodes[edge.child]
        if edge.kr is None or edge.parent == edge.child or not node.active:
            continue  # dropped and postponed objectives leave every roll-up
        kr = next(k for k in node.objective.key_results if k.id == edge.kr)
        if (edge.child, kr) not in found[edge.parent]:
            found[edge.parent].append((edge.child, kr))
    return found


def _progress_from(objective: Objective) -> ProgressFrom:
    """What an objective's progress rolls up: as its file says, else its key results, or
    what aligns to it when it has none."""
    return objective.progress or (
        ProgressFrom.KEY_RESULTS if objective.key_results else ProgressFrom.ALIGNED
    )


def _rolls_up_aligned(objective: Objective) -> bool:
    return _progress_from(objective) in (ProgressFrom.ALIGNED, ProgressFrom.BOTH)


def _rolls_up_key_results(objective: Objective) -> bool:
    return _progress_from(objective) in (ProgressFrom.KEY_RESULTS, ProgressFrom.BOTH)


def _roll_up(terms: list[Term]) -> float | None:
    return calc.roll_up((t.progress, t.weight) for t in terms)


def _active_kr(kr: KeyResult) -> bool:
    """Whether a key result counts in roll-ups: not dropped or postponed on its own."""
    return kr.state is ObjectiveStatus.ACTIVE


def _kr_term(kr: KrRow) -> Term:
    """A key result as a term of a roll-up. A guardrail is expected to hold its line every day:
    its expected progress is 1, which its progress (1 while it holds) keeps pace with."""
    expected = 1.0 if kr.type in calc.GUARDRAILS else kr.expected
    return Term(kr.ref, calc.clamped(kr.progress), kr.weight, expected)


def _expected(terms: list[Term], elapsed: float) -> float:
    """An objective's expected progress (DESIGN §2.3): the weighted mean of its terms'
    (so an objective whose every term keeps pace has pace 1, and one whose only milestone is
    not due yet expects nothing); with nothing to roll up, its period's elapsed share."""
    found = calc.weighted_mean([(t.expected, t.weight) for t in terms if t.expected is not None])
    return elapsed if found is None else found
