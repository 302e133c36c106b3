"""What an audit finds: immutable, complete when created."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ebcheck.deal.enums import Severity


def rule_area(rule_id: str) -> str:
    """The area a rule id belongs to: `EB` for `EB002`, `E` for `E001`."""
    return rule_id.rstrip("0123456789")


@dataclass(frozen=True, slots=True)
class Finding:
    """One gap in one deal, located in its file."""

    rule: str
    """Rule id, such as ``EB002``."""
    name: str
    """Rule name, such as ``eb-not-met``."""
    severity: Severity
    message: str
    fix: str
    line: int
    column: int
    path: str = ""
    """Field path the finding is about (``stakeholders[1].met``); empty for the file."""
    subject: str | None = None
    """The stakeholder or risk the finding is about, matched by suppression targets."""
    capped: bool = False
    """Capped at info on a small deal (D26): shown, never weighed, whatever info weighs."""
    weighs_as: tuple[Severity, ...] = ()
    """For the summary of findings past the caps: the severities of those it stands
    for, which weigh in the score as they would have if shown."""

    def weights(self) -> tuple[Severity, ...]:
        """The severities this finding puts into the score (before the weights)."""
        own = () if self.capped else (self.severity,)
        return own + self.weighs_as if self.weighs_as else own

    @property
    def area(self) -> str:
        return rule_area(self.rule)

    def sort_key(self) -> tuple[int, int, str, int, str]:
        return (self.severity.rank, self.line, self.rule, self.column, self.message)


@dataclass(frozen=True, slots=True)
class Suppressed:
    """A finding hidden by a `suppress:` entry of its deal."""

    finding: Finding
    reason: str
    until: dt.date | None


@dataclass(frozen=True, slots=True)
class RuleCrash:
    """A rule that raised instead of returning findings."""

    rule: str
    error: str


@dataclass(frozen=True, slots=True)
class Settled:
    """A deal's findings once reviewed and suppressed (what its score is made of)."""

    findings: tuple[Finding, ...]
    suppressed: tuple[Suppressed, ...]
    crashes: tuple[RuleCrash, ...] = ()
    """Review rules that raised."""


def sort_findings(findings: list[Finding]) -> tuple[Finding, ...]:
    return tuple(sorted(findings, key=Finding.sort_key))
