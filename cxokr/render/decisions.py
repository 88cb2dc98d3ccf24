"""The words of the report's "Needs a decision" section, which every format shares.

Open conflicts and trade-offs come first, each with its key results and their
owners; settled ones follow as information: the decision, who made it and when,
or the guardrail that holds the metric that would give way. A report without
any shows no section at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cxokr.compute.report import Report
from cxokr.compute.report_data import DecisionItem
from cxokr.render import notes

TITLE = "Needs a decision"


@dataclass(frozen=True)
class Said:
    """One item as the formats show it, in plain text (each format escapes it)."""

    label: str  # the code of an open item; `decided` or `held` for a settled one
    refs: tuple[str, ...]  # its key results, as `cxokr checkin` names them
    message: str
    outcome: str  # its owners, or how it was settled

    @property
    def settled(self) -> bool:
        return not self.label.startswith("CX")


def said(report: Report) -> list[Said]:
    """The report's items, open ones first (as `compute.decisions` orders them)."""
    return [_said(item, report) for item in report.decisions]


def _said(item: DecisionItem, report: Report) -> Said:
    refs = tuple(notes.checkin_ref(kr.ref, report) for kr in item.key_results)
    if item.decision is not None:
        d = item.decision
        return Said("decided", refs, item.message, f"decided by {d.by} on {d.on}: {d.text}")
    if item.held_by is not None:
        guard = notes.checkin_ref(item.held_by, report)
        return Said("held", refs, item.message, f"held by the guardrail {guard}")
    owners = ", ".join(item.owners)
    return Said(item.code, refs, item.message, f"owners: {owners}" if owners else "no owner")


def markdown(report: Report, escape: Callable[[str], str], limit: int = 0) -> list[str]:
    """The section as Markdown list items (the message names the key results); the first
    `limit` items and how many are left when `limit` is set; nothing when there is none."""
    items = said(report)
    if not items:
        return []
    shown = items[:limit] if limit else items
    lines = [_md_item(item, escape) for item in shown]
    left = len(items) - len(shown)
    return lines + ([f"- … and {left} more: cxokr report lists every one"] if left else [])


def _md_item(item: Said, escape: Callable[[str], str]) -> str:
    label = f"*{item.label}*" if item.settled else f"**{item.label}**"
    return f"- {label} {escape(item.message)} ({escape(item.outcome)})"
