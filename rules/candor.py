"""CD: saying it straight (doctrine D16-D17).

The delivery team estimated at least three months; the boss promised the
client 45 days; nobody said it could not be done, nobody stated the gap, the
risk or the extra resources needed, and everyone said "we'll do our best".
The project failed and the client was lost (D16). Gaps and risks must be said
openly and specifically, to the person who decides, together with what it
takes to handle them. Most management problems are communication problems
(D17): a risk that was never said out loud is a risk nobody can act on.
"""

from __future__ import annotations

from collections.abc import Iterator

from ebcheck.ruleapi import (
    Context,
    DealFile,
    Example,
    Field,
    Finding,
    NoOptions,
    Risk,
    RiskSeverity,
    RuleOptions,
    Severity,
    Stage,
    no_value,
    number,
    percent,
    rule,
)


def _voiced(risk: Risk) -> bool:
    """Said to someone, with what is needed: the two halves of saying it straight."""
    return not no_value(risk.raised_with) and not no_value(risk.ask)


class CompressionOptions(RuleOptions):
    max_compression: float = Field(default=0.25, ge=0, lt=1)


_COMPRESSION_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: K-1, name: ERP go-live, account: Acme, stage: negotiation, close_date: 2026-12-15}
commitments:
  team_estimate_days: 90
  committed_days: 45
  risks:
    - {risk: Go-live in half the estimated time, severity: high, owner: Chen Mo}
"""

_COMPRESSION_PASSES = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: K-1, name: ERP go-live, account: Acme, stage: negotiation, close_date: 2026-12-15}
commitments:
  team_estimate_days: 90
  committed_days: 45
  risks:
    - risk: Go-live in half the estimated time
      severity: high
      raised_with: Bao Li
      raised_on: 2026-10-01
      ask: Two more implementation consultants from week 2
      owner: Chen Mo
"""


@rule(
    "CD001",
    "unvoiced-compression",
    severity=Severity.CRITICAL,
    options=CompressionOptions,
    doctrine=("D16", "D17"),
    example=Example(_COMPRESSION_FAILS, _COMPRESSION_PASSES),
)
def unvoiced_compression(deal: DealFile, ctx: Context[CompressionOptions]) -> Iterator[Finding]:
    promises = deal.commitments
    if promises is None or promises.team_estimate_days is None or promises.committed_days is None:
        return
    estimate, committed = promises.team_estimate_days, promises.committed_days
    cut = 1 - committed / estimate
    # Rounded so that a cut of exactly the threshold (75 of 100 days) is not "more than" it.
    if round(cut, 9) <= ctx.options.max_compression:
        return
    if any(_voiced(risk) for risk in promises.risks):
        return
    yield ctx.finding(
        "commitments.committed_days",
        estimate=number(estimate),
        committed=number(committed),
        cut=percent(cut),
    )


_MISSING_PARTS = ("raised_with", "ask", "owner")

_NO_ASK_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: K-2, name: ERP go-live, account: Acme, stage: proposal, close_date: 2026-12-31}
commitments:
  risks:
    - {risk: Key user team only available two days a week, severity: high, owner: Chen Mo}
"""

_NO_ASK_PASSES = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: K-2, name: ERP go-live, account: Acme, stage: proposal, close_date: 2026-12-31}
commitments:
  risks:
    - risk: Key user team only available two days a week
      severity: high
      raised_with: Zhang Wei
      ask: Release the four key users full time for weeks 3 to 8
      owner: Chen Mo
"""


@rule(
    "CD002",
    "risk-without-ask",
    severity=Severity.MEDIUM,
    doctrine=("D16", "D17"),
    example=Example(_NO_ASK_FAILS, _NO_ASK_PASSES),
)
def risk_without_ask(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    if deal.commitments is None:
        return
    for index, risk in enumerate(deal.commitments.risks):
        if risk.severity is not RiskSeverity.HIGH:
            continue
        missing = [part for part in _MISSING_PARTS if no_value(getattr(risk, part))]
        if not missing:
            continue
        yield ctx.finding(
            ("commitments", "risks", index),
            subject=risk.risk,
            missing=ctx.join(ctx.text(f"item.{part}") for part in missing),
        )


_NO_RISKS_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: K-3, name: ERP go-live, account: Acme, stage: proposal, close_date: 2026-12-31}
commitments: {team_estimate_days: 90, committed_days: 80}
"""

_NO_RISKS_PASSES = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: K-3, name: ERP go-live, account: Acme, stage: proposal, close_date: 2026-12-31}
commitments:
  team_estimate_days: 90
  committed_days: 80
  risks:
    - {risk: Data migration from the legacy system, severity: medium, owner: Chen Mo}
"""


@rule(
    "CD003",
    "no-risks-recorded",
    severity=Severity.LOW,
    applies_from=Stage.PROPOSAL,
    doctrine=("D16",),
    example=Example(_NO_RISKS_FAILS, _NO_RISKS_PASSES),
)
def no_risks_recorded(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    if deal.commitments is None or not deal.commitments.risks:
        yield ctx.finding("commitments.risks")


RULES = [unvoiced_compression, risk_without_ask, no_risks_recorded]
