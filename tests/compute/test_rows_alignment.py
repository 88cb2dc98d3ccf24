"""The aligned roll-up on random alignment graphs: each objective it reaches counts once.

An objective passes on what aligns to it only while it is active and rolls up aligned
objectives (`progress: aligned` or `both`); one rolling up its own key results, or a dropped
or postponed one, carries nothing. So an objective aligned to a parent both directly and
through another child counts through that child when the child rolls it up, and directly
when it does not; one that two children roll up (paths that meet again) counts through the
first, and the later ones count less it (`Term.less`). Key results likewise: each one a
roll-up reaches, within its objective or aligned on its own, counts exactly once.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from cxokr.compute import align
from cxokr.compute.report_data import Term
from cxokr.compute.rows import Rows
from cxokr.load.workspace import load
from tests.conftest import write_files

AS_OF = date(2026, 11, 20)
MODES = ("key_results", "aligned", "both")
STATES = ("active", "active", "active", "dropped", "postponed")


@dataclass(frozen=True)
class Spec:
    """One objective of the random graph: its state, what it rolls up, what it aligns to."""

    state: str
    mode: str
    parents: frozenset[int]
    value: int
    kr_parents: frozenset[int]  # what its key result aligns to, on its own


@st.composite
def graphs(draw: st.DrawFn) -> list[Spec]:
    """Up to 9 objectives, each aligned to any of those before it (so no cycle)."""
    specs: list[Spec] = []
    for index in range(draw(st.integers(2, 9))):
        parents = draw(st.frozensets(st.integers(0, index - 1), max_size=3)) if index else None
        specs.append(
            Spec(
                draw(st.sampled_from(STATES)),
                draw(st.sampled_from(MODES)),
                parents or frozenset(),
                draw(st.integers(0, 10)),
                draw(st.frozensets(st.integers(0, index - 1), max_size=2))
                if index
                else frozenset(),
            )
        )
    return specs


def _files(specs: list[Spec]) -> dict[str, str]:
    objectives, checkins = [], []
    for index, spec in enumerate(specs):
        lines = [f"  - id: o{index}", f"    title: o{index}", f"    status: {spec.state}"]
        lines.append(f"    progress: {spec.mode}")
        if spec.parents:
            lines.append(f"    aligns_to: [{', '.join(f't/o{p}' for p in sorted(spec.parents))}]")
        if spec.mode != "aligned":
            lines.append("    key_results:")
            aligns = ", ".join(f"t/o{p}" for p in sorted(spec.kr_parents))
            lines.append(
                "      - {id: k, title: k, unit: count, start: 0, target: 10"
                + (f", aligns_to: [{aligns}]}}" if aligns else "}")
            )
            checkins.append(
                f'- {{"kr": "o{index}/k", "date": "2026-11-10", "value": {spec.value}}}'
            )
        objectives.append("\n".join(lines))
    return {
        "cxokr.yaml": "organization: Acme\nperiods:\n"
        "  - {id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}\n",
        "teams/t.yaml": "name: T\nlevel: 1\n",
        "okrs/2026-Q4/t.yaml": "objectives:\n" + "\n".join(objectives) + "\n",
        "checkins/2026-Q4/t.yaml": "\n".join(checkins) + "\n",
    }


def _ref(index: int) -> str:
    return f"2026-Q4:t/o{index}"


def _index(ref: str) -> int:
    return int(ref.rsplit("/o", 1)[1])


def _absorbed(specs: list[Spec], child: int, under: set[int], covered: set[int]) -> bool:
    """An objective with nothing of its own to add (it rolls up only what aligns to it) whose
    whole roll-up the terms count: it is no term, as nothing of it is left to count."""
    active = {o for o in under if specs[o].state == "active"}
    return specs[child].mode == "aligned" and bool(active) and active <= covered


def _carries(specs: list[Spec], index: int) -> bool:
    spec = specs[index]
    return spec.state == "active" and spec.mode != "key_results"


@settings(max_examples=300, deadline=None)
@given(graphs())
def test_every_reachable_active_objective_counts_once_in_an_aligned_roll_up(
    specs: list[Spec],
) -> None:
    children = {i: [c for c, s in enumerate(specs) if i in s.parents] for i in range(len(specs))}

    def carried(index: int) -> list[int]:
        return children[index] if _carries(specs, index) else []

    def below(index: int) -> set[int]:  # what the roll-up of `index` reaches below it
        return align.reach(carried(index), carried)

    def counts(index: int) -> set[int]:  # the key results (by owner) its own row counts
        rolls = specs[index].mode != "key_results"  # whatever its state: its own figure
        found = set()
        for node in {index} | align.reach(children[index] if rolls else [], carried):
            if node != index and specs[node].state != "active":
                continue
            if specs[node].mode != "aligned":
                found.add(node)  # its own key result
            if _carries(specs, node) or (node == index and rolls):  # and those aligned to it
                found |= {o for o, s in enumerate(specs) if node in s.kr_parents and _has_kr(s)}
        return found

    def contributions(term: Term) -> list[int]:
        if term.ref.count("/") == 2:
            return [_index(term.ref.rsplit("/", 1)[0])]
        if term.less:  # counted less what earlier terms count: what is left
            return [k for t in term.terms for k in contributions(t)]
        return sorted(counts(_index(term.ref)))

    with tempfile.TemporaryDirectory() as tmp:
        ws = load(write_files(Path(tmp), _files(specs)))
        period = ws.periods["2026-Q4"]
        rows = Rows(ws, [period], AS_OF)
        for parent, spec in enumerate(specs):
            if spec.mode == "key_results":
                continue
            row = rows.row(_ref(parent))
            objectives = [t for t in row.terms if t.ref.count("/") == 1]
            terms = [t.ref for t in objectives]
            assert len(terms) == len(set(terms))  # no objective is a term twice
            # every key result the roll-up reaches counts exactly once, none is lost
            counted = [k for t in row.terms for k in contributions(t)]
            assert sorted(counted) == sorted(counts(parent)), (parent, counted)
            _objectives_count_once(specs, parent, objectives, set(counted), counts, below)


def _objectives_count_once(
    specs: list[Spec],
    parent: int,
    objectives: list[Term],
    counted: set[int],
    counts: Callable[[int], set[int]],
    below: Callable[[int], set[int]],
) -> None:
    """Each active objective the roll-up of `parent` reaches is a term, or counted through
    exactly one term, or has nothing of its own left that the terms do not count."""
    indexes = [_index(t.ref) for t in objectives]
    less = {_index(t.ref): {_index(r) for r in t.less if r.count("/") == 1} for t in objectives}
    children = [c for c, s in enumerate(specs) if parent in s.parents]
    reached = align.reach(
        children,
        lambda i: [c for c, s in enumerate(specs) if i in s.parents] if _carries(specs, i) else [],
    )
    covered = set(indexes).union(*(below(t) - less[t] for t in indexes))
    for child in reached:
        routes = [t for t in indexes if t == child or (child in below(t) and child not in less[t])]
        own = counts(child)
        absorbed = _absorbed(specs, child, below(child), covered) or (
            bool(own) and own <= counted and child not in indexes
        )
        if specs[child].state != "active":
            assert child not in indexes  # dropped and postponed count nowhere
        elif routes or not absorbed:
            assert len(routes) == 1, (child, routes)  # exactly once, never lost


def _has_kr(spec: Spec) -> bool:
    """Whether the objective has an active key result of its own (one that can align)."""
    return spec.state == "active" and spec.mode != "aligned"
