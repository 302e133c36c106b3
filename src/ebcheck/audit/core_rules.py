"""Rules the engine applies itself: files that cannot be audited (E) and
suppressions (S).

They are declared like pack rules so that `ebcheck rules`, `explain`,
selection and severity overrides treat every rule alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from ebcheck.audit.findings import Finding
from ebcheck.deal.enums import Severity
from ebcheck.deal.models import DealFile
from ebcheck.ruleapi import Context, Example, Rule, Scope, rule

# The header of every example deal below.
_DEAL = "deal: {id: D-1, name: MES, account: Acme, stage: prospecting, close_date: 2026-12-31}\n"


def _engine_applied(deal: DealFile, ctx: Context[Any]) -> Iterator[Finding]:
    """Found by the engine, not by a per-deal check."""
    return iter(())


# E001 and E002 are the loader's: their words (summary, checks, why, fix and one
# message per problem) are the engine catalogue's `E001.*` and `E002.*`, which
# every report can use, even one rendered without a rule pack.
_E001_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: D-1, name: MES, account: Acme, stage: prospecting, close_date: 2026-12-31
"""
_E002_FAILS = f"""\
ebcheck: 1
as_of: 2026-11-20
{_DEAL}stakeholdres:
  - {{name: Zhang Wei, roles: [EB], met: 2026-11-02}}
"""


def _file_error(rule_id: str, name: str, example: Example) -> Rule:
    return Rule(
        rule_id, name, Severity.CRITICAL, _engine_applied, scope=Scope.FILE_ERROR, example=example
    )


E001 = _file_error(
    "E001",
    "invalid-yaml",
    Example.patched(_E001_FAILS, {"close_date: 2026-12-31\n": "close_date: 2026-12-31}\n"}),
)
E002 = _file_error(
    "E002", "invalid-deal", Example.patched(_E002_FAILS, {"stakeholdres:": "stakeholders:"})
)


_S001_FAILS = f"""\
ebcheck: 1
as_of: 2026-11-20
{_DEAL}suppress:
  - {{rule: CD001, reason: no delivery estimate yet}}
"""


@rule(
    "S001",
    "suppression-unused",
    summary="A suppression matches no finding.",
    severity=Severity.LOW,
    scope=Scope.SUPPRESSION,
    applies="Every open deal with `suppress` entries.",
    example=Example.patched(
        _S001_FAILS, {"suppress:\n  - {rule: CD001, reason: no delivery estimate yet}\n": ""}
    ),
    message={
        "default": "The suppression of {rule}{target} matches no finding.",
        "unknown": "The suppression names '{rule}', which is no rule.",
        "unknown_hint": (
            "The suppression names '{rule}', which is no rule; did you mean {suggestion}?"
        ),
        "inactive": (
            "The suppression of {rule}{target} matches no finding: {rule} does not run in "
            "this audit (`--select`, `--ignore` or the config)."
        ),
    },
    fix={
        "default": "Remove this `suppress` entry (or correct its rule or target).",
        "inactive": (
            "Nothing to do while {rule} is off; remove the entry if {rule} stays off for "
            "this deal's audits."
        ),
    },
    texts={"target": " for {target}"},
)
def suppression_unused(deal: DealFile, ctx: Context[Any]) -> Iterator[Finding]:
    """Fires for each unexpired `suppress` entry that hides no finding of its deal, including
    one that names an unknown rule, or a rule this audit does not run (the message says so).

    Why: An accepted gap that has been closed should leave the file; a suppression that matches
    nothing hides the next real finding of that rule without anyone deciding it again.
    """
    return _engine_applied(deal, ctx)


_S002_FAILS = f"""\
ebcheck: 1
as_of: 2026-11-20
{_DEAL}suppress:
  - {{rule: HY002, reason: next step agreed by phone, until: 2026-11-01}}
"""


@rule(
    "S002",
    "suppression-expired",
    summary="A suppression has expired; its findings are back.",
    severity=Severity.INFO,
    scope=Scope.SUPPRESSION,
    applies="Every open deal with `suppress` entries.",
    example=Example.patched(_S002_FAILS, {"until: 2026-11-01": "until: 2026-12-01"}),
    message={
        "default": (
            "The suppression of {rule}{target} expired on {until} ({reason}); "
            "{count} {count|finding is|findings are} back."
        ),
        "covered": (
            "The suppression of {rule}{target} expired on {until} ({reason}); another "
            "`suppress` entry still hides the {covered|finding|findings} it named."
        ),
        "none": (
            "The suppression of {rule}{target} expired on {until} ({reason}); it names no "
            "finding now."
        ),
    },
    fix="Close the gap, or, if it is still accepted, extend `until` with a new reason.",
    texts={"target": " for {target}"},
)
def suppression_expired(deal: DealFile, ctx: Context[Any]) -> Iterator[Finding]:
    """Fires for each `suppress` entry whose `until` is before the audit date. The message
    counts the findings it named that are back: those no entry still in force hides.

    Why: A suppression with an end date is a promise to revisit the gap. Once it has passed, the
    findings count again, and the report says why they came back.
    """
    return _engine_applied(deal, ctx)


S001, S002 = suppression_unused, suppression_expired

FILE_ERRORS = (E001, E002)
SELECTABLE = (S001, S002)
CORE_RULES = (*FILE_ERRORS, *SELECTABLE)
UNSUPPRESSIBLE_AREAS = ("E", "S")
BOOKKEEPING_AREAS = ("S",)
"""Findings about the file's own bookkeeping: shown, never weighed, never reviewed."""

# The catalog's order of areas: how rules are listed and documented.
AREA_ORDER = ("EB", "BI", "RS", "CT", "CD", "DP", "HY", "E", "S")


def in_catalog_order(pack_rules: Iterable[Rule]) -> tuple[Rule, ...]:
    """Every rule of an audit, the pack's and the engine's, in catalog order."""
    rules = [*pack_rules, *CORE_RULES]

    def position(rule: Rule) -> tuple[int, str]:
        area = AREA_ORDER.index(rule.area) if rule.area in AREA_ORDER else len(AREA_ORDER)
        return (area, rule.id)

    return tuple(sorted(rules, key=position))
