"""`suppress:` entries: accepted findings, with a reason and an optional expiry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from ebcheck.audit.core_rules import UNSUPPRESSIBLE_AREAS
from ebcheck.audit.findings import Finding, Suppressed
from ebcheck.deal.models import DealFile, Suppression
from ebcheck.deal.names import same_person

RuleState = Literal["active", "inactive", "unknown"]


@dataclass(frozen=True)
class EntryNote:
    """A `suppress` entry that expired (S002) or matches no finding (S001)."""

    index: int
    entry: Suppression
    count: int = 0
    """Expired: how many of the findings it names are back (no other entry hides them)."""
    covered: int = 0
    """Expired: how many of the findings it names another entry still hides."""
    unknown: bool = False
    """Unused: the entry names no rule at all."""
    inactive: bool = False
    """Unused: its rule does not run in this audit (`--select`, `--ignore`, the config)."""


@dataclass
class SuppressionOutcome:
    kept: list[Finding] = field(default_factory=list)
    suppressed: list[Suppressed] = field(default_factory=list)
    expired: list[EntryNote] = field(default_factory=list)
    unused: list[EntryNote] = field(default_factory=list)


def covers(entry: Suppression, finding: Finding) -> bool:
    """Whether `entry` names this finding's rule (id or name) and, if set, its subject."""
    if finding.area in UNSUPPRESSIBLE_AREAS:
        return False
    wanted = entry.rule.strip()
    if wanted.upper() != finding.rule and wanted.lower() != finding.name:
        return False
    if entry.target is None:
        return True
    if finding.subject is None:
        return False
    if finding.path.startswith(RISK_PATH):
        # A risk is named by its whole text (trimmed, any case), brackets included.
        return _same(entry.target, finding.subject)
    return same_person(entry.target, finding.subject)


RISK_PATH = "commitments.risks"
"""Findings about a risk: their subject is the risk's text, not a person's name."""


def _same(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def expired(entry: Suppression, as_of: dt.date) -> bool:
    return entry.until is not None and entry.until < as_of


def apply_suppressions(
    deal: DealFile,
    findings: Sequence[Finding],
    as_of: dt.date,
    rule_state: Callable[[str], RuleState],
) -> SuppressionOutcome:
    """Hide what unexpired entries cover; say which entries expired or match nothing."""
    outcome = SuppressionOutcome()
    hidden: dict[int, Suppressed] = {}
    lapsed: list[tuple[int, Suppression, list[int]]] = []
    for index, entry in enumerate(deal.suppress):
        matching = [i for i, f in enumerate(findings) if covers(entry, f)]
        if expired(entry, as_of):
            lapsed.append((index, entry, matching))
        elif not matching:
            # The catalog: an entry that matches no finding is unused, whatever the
            # reason; one whose rule is off says so, as ruff's unused-noqa does.
            state = rule_state(entry.rule)
            note = EntryNote(index, entry, unknown=state == "unknown", inactive=state == "inactive")
            outcome.unused.append(note)
        else:
            for i in matching:
                hidden.setdefault(i, Suppressed(findings[i], entry.reason, entry.until))
    for index, entry, matching in lapsed:
        # Only what no entry still in force hides is back.
        covered = sum(1 for i in matching if i in hidden)
        note = EntryNote(index, entry, count=len(matching) - covered, covered=covered)
        outcome.expired.append(note)
    outcome.expired.sort(key=lambda note: note.index)
    outcome.kept = [f for i, f in enumerate(findings) if i not in hidden]
    outcome.suppressed = [hidden[i] for i in sorted(hidden)]
    return outcome
