"""RS: the account relationship, staged by share of wallet (doctrine D10-D13).

Our share of the customer's spend in our category says where the
relationship stands: development (not a supplier yet, 0%), initial
cooperation (a secondary supplier, under 50%), stable cooperation (the main
supplier, 50-80%) and strategic partnership (80-100%) (D10). Stages cannot be
skipped (D11). A relationship can slide back at any stage; because sliding
takes time, it can be caught and repaired, with a plan (D12). Each stage
needs its own strategy, so the stage we record must be the real one (D13).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise
from typing import Any

from ebcheck.ruleapi import (
    Context,
    DealFile,
    Example,
    Finding,
    NoOptions,
    Path,
    RelationshipStage,
    Severity,
    Stage,
    no_value,
    number,
    percent,
    rule,
)

_ORDER = list(RelationshipStage)


def band(share: float) -> RelationshipStage:
    """The stage a share of wallet stands for (D10)."""
    if share <= 0:
        return RelationshipStage.DEVELOPMENT
    if share < 0.5:
        return RelationshipStage.INITIAL
    if share < 0.8:
        return RelationshipStage.STABLE
    return RelationshipStage.STRATEGIC


def _named(ctx: Context[Any], stage: RelationshipStage) -> str:
    return ctx.catalogue.text(f"relationship_stage.{stage.value}")


_MISMATCH_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: R-1, name: Spare parts 2027, account: Acme, stage: discovery, close_date: 2027-01-31}
relationship: {stage: stable, share_of_wallet: 0.3}
"""

_MISMATCH_PASSES = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: R-1, name: Spare parts 2027, account: Acme, stage: discovery, close_date: 2027-01-31}
relationship: {stage: initial, share_of_wallet: 0.3}
"""


@rule(
    "RS001",
    "stage-share-mismatch",
    severity=Severity.MEDIUM,
    doctrine=("D10", "D13"),
    example=Example(_MISMATCH_FAILS, _MISMATCH_PASSES),
)
def stage_share_mismatch(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    relation = deal.relationship
    if relation is None or relation.stage is None or relation.share_of_wallet is None:
        return
    shown = band(relation.share_of_wallet)
    if shown is relation.stage:
        return
    yield ctx.finding(
        "relationship.share_of_wallet",
        share=percent(relation.share_of_wallet),
        band=_named(ctx, shown),
        declared=_named(ctx, relation.stage),
        account=deal.deal.account,
    )


def _timeline(deal: DealFile, ctx: Context[Any]) -> list[tuple[RelationshipStage, str, Path]]:
    """The relationship's stages so far, oldest first: (stage, date, where).

    History dated after the audit date is a plan, not a fact, and is left
    out; a stable sort keeps entries of the same day in file order. The
    current stage comes last, with an empty date.
    """
    relation = deal.relationship
    if relation is None:
        return []
    known = [(i, e) for i, e in enumerate(relation.history) if e.date <= ctx.as_of]
    steps: list[tuple[RelationshipStage, str, Path]] = [
        (entry.stage, entry.date.isoformat(), ("relationship", "history", i))
        for i, entry in sorted(known, key=lambda item: item[1].date)
    ]
    if relation.stage is not None:
        steps.append((relation.stage, "", ("relationship", "stage")))
    return steps


_SKIPPED_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: R-2, name: Spare parts 2027, account: Acme, stage: discovery, close_date: 2027-01-31}
relationship:
  stage: stable
  share_of_wallet: 0.6
  history:
    - {date: 2025-03-01, stage: development}
    - {date: 2026-02-01, stage: stable}
"""

_SKIPPED_PASSES = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: R-2, name: Spare parts 2027, account: Acme, stage: discovery, close_date: 2027-01-31}
relationship:
  stage: stable
  share_of_wallet: 0.6
  history:
    - {date: 2025-03-01, stage: development}
    - {date: 2025-08-15, stage: initial}
    - {date: 2026-02-01, stage: stable}
"""


@rule(
    "RS002",
    "stage-skipped",
    severity=Severity.MEDIUM,
    doctrine=("D11",),
    example=Example(_SKIPPED_FAILS, _SKIPPED_PASSES),
)
def stage_skipped(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    steps = _timeline(deal, ctx)
    for (before, since, _), (after, on, at) in pairwise(steps):
        if after.rank - before.rank <= 1:
            continue
        skipped = _ORDER[before.rank + 1 : after.rank]
        yield ctx.finding(
            at,
            # The last step, into the current stage, has no date of its own.
            variant="history" if on else "current",
            from_stage=_named(ctx, before),
            from_date=since,
            to_stage=_named(ctx, after),
            to_date=on,
            skipped=ctx.join(_named(ctx, stage) for stage in skipped),
        )


_REGRESSED_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: R-3, name: Spare parts 2027, account: Acme, stage: discovery, close_date: 2027-01-31}
relationship:
  stage: initial
  share_of_wallet: 0.4
  history:
    - {date: 2025-09-15, stage: initial}
    - {date: 2026-03-01, stage: stable}
"""

_REGRESSED_PASSES = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: R-3, name: Spare parts 2027, account: Acme, stage: discovery, close_date: 2027-01-31}
relationship:
  stage: stable
  share_of_wallet: 0.6
  history:
    - {date: 2025-09-15, stage: initial}
    - {date: 2026-03-01, stage: stable}
"""


@rule(
    "RS003",
    "stage-regressed",
    # High without a repair plan; the rule lowers it to info when there is one.
    severity=Severity.HIGH,
    conditions={"repair_plan": Severity.INFO},
    doctrine=("D12", "D13"),
    example=Example(_REGRESSED_FAILS, _REGRESSED_PASSES),
)
def stage_regressed(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    relation = deal.relationship
    steps = _timeline(deal, ctx)
    if relation is None or relation.stage is None or len(steps) < 2:
        return
    previous, since, _ = steps[-2]
    if relation.stage.rank >= previous.rank:
        return
    # A slide with a repair plan is known and handled: reported, but weighs nothing.
    repairing = not no_value(relation.repair_plan)
    yield ctx.finding(
        "relationship.repair_plan" if repairing else "relationship.stage",
        variant="repair" if repairing else None,
        condition="repair_plan" if repairing else None,
        previous=_named(ctx, previous),
        date=since,
        current=_named(ctx, relation.stage),
    )


_OUTPACES_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal:
  id: R-4
  name: Full MES rollout
  account: Acme
  stage: discovery
  close_date: 2027-01-31
  amount: 2400000
  currency: CNY
relationship: {stage: development, share_of_wallet: 0, annual_spend: 3000000}
"""

_OUTPACES_PASSES = """\
ebcheck: 1
as_of: 2026-11-20
deal:
  id: R-4
  name: MES pilot line
  account: Acme
  stage: discovery
  close_date: 2027-01-31
  amount: 600000
  currency: CNY
relationship: {stage: development, share_of_wallet: 0, annual_spend: 3000000}
"""


@rule(
    "RS004",
    "deal-outpaces-relationship",
    severity=Severity.MEDIUM,
    doctrine=("D11", "D13"),
    example=Example(_OUTPACES_FAILS, _OUTPACES_PASSES),
)
def deal_outpaces_relationship(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    relation = deal.relationship
    amount = deal.deal.amount
    if (
        relation is None
        or relation.stage is None
        or relation.annual_spend is None
        or relation.share_of_wallet is None
        or amount is None
    ):
        return
    projected = min(1.0, relation.share_of_wallet + amount / relation.annual_spend)
    reached = band(projected)
    if reached.rank - relation.stage.rank <= 1:
        return
    currency = f"{deal.deal.currency} " if deal.deal.currency else ""
    yield ctx.finding(
        "deal.amount",
        amount=currency + number(amount),
        annual_spend=currency + number(relation.annual_spend),
        share=percent(relation.share_of_wallet),
        projected=percent(projected),
        band=_named(ctx, reached),
        declared=_named(ctx, relation.stage),
        next_stage=_named(ctx, _ORDER[relation.stage.rank + 1]),
    )


_MISSING_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: R-5, name: Spare parts 2027, account: Acme, stage: qualification, close_date: 2027-03-31}
"""

_MISSING_PASSES = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: R-5, name: Spare parts 2027, account: Acme, stage: qualification, close_date: 2027-03-31}
relationship: {stage: initial, share_of_wallet: 0.2}
"""


@rule(
    "RS005",
    "relationship-missing",
    severity=Severity.LOW,
    applies_from=Stage.QUALIFICATION,
    doctrine=("D10", "D13"),
    example=Example(_MISSING_FAILS, _MISSING_PASSES),
)
def relationship_missing(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    if deal.relationship is None or deal.relationship.stage is None:
        yield ctx.finding("relationship.stage", account=deal.deal.account)


RULES = [
    stage_share_mismatch,
    stage_skipped,
    stage_regressed,
    deal_outpaces_relationship,
    relationship_missing,
]
