"""Run the rules of a pack over one deal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from ebcheck.audit.findings import Finding, RuleCrash
from ebcheck.deal.enums import Severity
from ebcheck.deal.models import DealFile
from ebcheck.deal.sourcemap import SourceMap
from ebcheck.i18n import Catalogue
from ebcheck.ruleapi import Context, Rule, RuleOptions


@dataclass(frozen=True)
class ActiveRule:
    """A rule as configured for this audit: its options and any severity override."""

    rule: Rule
    options: RuleOptions
    severity: Severity | None = None


def activate(rules: Sequence[Rule]) -> list[ActiveRule]:
    """Every rule with its default options."""
    return [ActiveRule(r, r.options()) for r in rules]


def run_rules(
    deal: DealFile,
    source: SourceMap,
    rules: Sequence[ActiveRule],
    as_of: dt.date,
    catalogue: Catalogue,
) -> tuple[list[Finding], list[RuleCrash]]:
    """All findings of the rules that apply at the deal's stage.

    A rule that raises is recorded as a crash; the other rules still run.
    """
    findings: list[Finding] = []
    crashes: list[RuleCrash] = []
    for active in rules:
        if not active.rule.applies_to(deal.deal.stage):
            continue
        ctx = Context(active.rule, deal, as_of, active.options, catalogue, source, active.severity)
        try:
            found = list(active.rule.check(deal, ctx))
        except Exception as exc:  # a broken rule must not hide the others
            crashes.append(RuleCrash(active.rule.id, f"{type(exc).__name__}: {exc}"))
        else:
            findings.extend(found)
    return findings, crashes
