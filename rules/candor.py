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
    Area,
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

AREA = Area(
    "CD",
    "Saying it straight",
    doctrine={
        "D16": "Say gaps and risks openly, to the person who decides",
        "D17": "Most management problems are communication problems",
    },
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


@rule(
    "CD001",
    "unvoiced-compression",
    summary=(
        "The promised time is cut more than 25% below the team's estimate, and nobody said so."
    ),
    severity=Severity.CRITICAL,
    options=CompressionOptions,
    doctrine=("D16", "D17"),
    example=Example.patched(
        _COMPRESSION_FAILS,
        {
            "owner: Chen Mo}": (
                "owner: Chen Mo,\n"
                "       raised_with: Bao Li, raised_on: 2026-10-01,\n"
                "       ask: Two more implementation consultants from week 2}"
            ),
        },
    ),
    message=(
        "The delivery team estimated {estimate} days; {committed} days were promised, a cut "
        "of {cut}, and no risk shows it was said to the person who decides, with what is "
        "needed."
    ),
    fix=(
        "Say it now, to the person who decides: record the gap as a risk with `raised_with` "
        "(who was told) and `ask` (the people, budget or scope needed to deliver in "
        "{committed} days), or renegotiate the date with the client."
    ),
)
def unvoiced_compression(deal: DealFile, ctx: Context[CompressionOptions]) -> Iterator[Finding]:
    """Fires when `commitments.committed_days` is more than `max_compression` (25%) below
    `commitments.team_estimate_days` (cut = 1 - committed / estimate; exactly 25% does not
    fire), and no risk has both `raised_with` and `ask`: said openly to someone, with what
    it takes.

    Why: The delivery team estimated at least three months; the boss promised the client 45
    days. Nobody said it could not be done, nobody stated the gap, the risk or the extra
    resources needed; everyone said "we'll do our best". The project failed, the client was
    lost, and the blame went upward. A gap between the estimate and the promise must be said
    openly and specifically, to the person who decides, with the resources or support it
    requires.
    """
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


@rule(
    "CD002",
    "risk-without-ask",
    summary="A high risk lacks who it was raised with, what was asked for, or an owner.",
    severity=Severity.MEDIUM,
    doctrine=("D16", "D17"),
    example=Example.patched(
        _NO_ASK_FAILS,
        {
            "owner: Chen Mo}": (
                "owner: Chen Mo,\n"
                "       raised_with: Zhang Wei,\n"
                "       ask: Release the four key users full time for weeks 3 to 8}"
            ),
        },
    ),
    message='The high risk "{subject}" has no {missing}.',
    fix=(
        'Raise "{subject}" openly with the person who decides, say exactly what is needed to '
        "handle it (people, budget, time or scope), and name who follows it up; record each "
        "in the risk."
    ),
    texts={
        "item.raised_with": "`raised_with` (who it was said to)",
        "item.ask": "`ask` (what is needed)",
        "item.owner": "`owner` (who follows it up)",
    },
)
def risk_without_ask(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """For each risk of `severity: high` (one finding each): fires when any of `raised_with`,
    `ask` or `owner` is missing or empty. The message names what is missing.

    Why: A risk that was never said to the person who decides, with what it takes to handle
    it, is a risk nobody can act on. "We'll do our best" is not a plan. About 80% of
    management problems are communication problems: a high risk needs a listener, a request
    and an owner.
    """
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
commitments:
  team_estimate_days: 90
  committed_days: 80
"""


@rule(
    "CD003",
    "no-risks-recorded",
    summary="From proposal, no risks are recorded.",
    severity=Severity.LOW,
    applies_from=Stage.PROPOSAL,
    doctrine=("D16",),
    example=Example.patched(
        _NO_RISKS_FAILS,
        {
            "committed_days: 80\n": (
                "committed_days: 80\n"
                "  risks:\n"
                "    - {risk: Legacy data migration, severity: medium, owner: Chen Mo}\n"
            ),
        },
    ),
    message="No risks are recorded, and the deal is at {stage}.",
    fix=(
        "List the risks under `commitments.risks` with their severity; for each high one, "
        "record who it was raised with, what was asked for, and the owner."
    ),
)
def no_risks_recorded(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """From proposal, fires when `commitments.risks` is missing or empty.

    Why: Every deal at proposal has risks: delivery time, scope, resources, competition. A
    deal with none written down has not been looked at honestly, and risks nobody states
    cannot be raised with the person who decides.
    """
    if deal.commitments is None or not deal.commitments.risks:
        yield ctx.finding("commitments.risks")


RULES = [unvoiced_compression, risk_without_ask, no_risks_recorded]
