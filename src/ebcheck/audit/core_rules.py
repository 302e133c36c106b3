"""Rules the engine applies itself: files that cannot be audited (E), the
repository-wide duplicate id check (HY005) and suppressions (S).

They are declared like pack rules so that `ebcheck rules`, `explain`,
selection and severity overrides treat every rule alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from ebcheck.audit.findings import Finding
from ebcheck.deal.enums import Severity
from ebcheck.deal.models import DealFile
from ebcheck.ruleapi import Context, Example, Rule


def _engine_applied(deal: DealFile, ctx: Context[Any]) -> Iterator[Finding]:
    """Found by the engine, not by a per-deal check."""
    return iter(())


_HY005_FAILS = """\
# two files in one audit, both with:
ebcheck: 1
deal: {id: HD-2026-031, name: MES, account: Acme, stage: proposal, close_date: 2026-12-31}
"""
_HY005_PASSES = """\
# each file has its own id:
ebcheck: 1
deal: {id: HD-2026-032, name: MES, account: Acme, stage: proposal, close_date: 2026-12-31}
"""
_S001_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: D-1, name: MES, account: Acme, stage: prospecting, close_date: 2026-12-31}
suppress:
  - {rule: CD001, reason: no delivery estimate yet}
"""
_S001_PASSES = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: D-1, name: MES, account: Acme, stage: prospecting, close_date: 2026-12-31}
"""
_S002_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: D-1, name: MES, account: Acme, stage: prospecting, close_date: 2026-12-31}
suppress:
  - {rule: HY002, reason: next step agreed by phone, until: 2026-11-01}
"""
_S002_PASSES = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: D-1, name: MES, account: Acme, stage: prospecting, close_date: 2026-12-31}
suppress:
  - {rule: HY002, reason: next step agreed by phone, until: 2026-12-01}
"""

E001 = Rule("E001", "invalid-yaml", Severity.CRITICAL, _engine_applied, scope="file-error")
E002 = Rule("E002", "invalid-deal", Severity.CRITICAL, _engine_applied, scope="file-error")
HY005 = Rule(
    "HY005",
    "duplicate-deal-id",
    Severity.HIGH,
    _engine_applied,
    scope="repo",
    example=Example(_HY005_FAILS, _HY005_PASSES, files=2),
)
S001 = Rule(
    "S001",
    "suppression-unused",
    Severity.LOW,
    _engine_applied,
    scope="repo",
    example=Example(_S001_FAILS, _S001_PASSES),
)
S002 = Rule(
    "S002",
    "suppression-expired",
    Severity.INFO,
    _engine_applied,
    scope="repo",
    example=Example(_S002_FAILS, _S002_PASSES),
)

FILE_ERRORS = (E001, E002)
SELECTABLE = (HY005, S001, S002)
CORE_RULES = (*FILE_ERRORS, *SELECTABLE)
UNSUPPRESSIBLE_AREAS = ("E", "S")

# The catalog's order of areas: how rules are listed and documented.
AREA_ORDER = ("EB", "BI", "RS", "CT", "CD", "HY", "E", "S")


def catalogue_rules(pack_rules: Iterable[Rule]) -> tuple[Rule, ...]:
    """Every rule of an audit, the pack's and the engine's, in catalog order."""
    rules = [*pack_rules, *CORE_RULES]

    def position(rule: Rule) -> tuple[int, str]:
        area = AREA_ORDER.index(rule.area) if rule.area in AREA_ORDER else len(AREA_ORDER)
        return (area, rule.id)

    return tuple(sorted(rules, key=position))
