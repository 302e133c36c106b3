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
from decimal import Decimal
from itertools import pairwise
from typing import Any

from ebcheck.ruleapi import (
    Area,
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

AREA = Area(
    "RS",
    "Relationship stage",
    doctrine={
        "D10": "Four relationship stages, by share of wallet",
        "D11": "Relationship stages cannot be skipped",
        "D12": "A relationship that slides back needs a repair plan",
        "D13": "Each stage needs its own strategy",
    },
)


_ORDER = list(RelationshipStage)


_HALF, _FOUR_FIFTHS = Decimal("0.5"), Decimal("0.8")


def band(share: float | Decimal) -> RelationshipStage:
    """The stage a share of wallet stands for (D10); the bounds are exact decimals."""
    if share <= 0:
        return RelationshipStage.DEVELOPMENT
    if share < _HALF:
        return RelationshipStage.INITIAL
    if share < _FOUR_FIFTHS:
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


@rule(
    "RS001",
    "stage-share-mismatch",
    summary="The share of wallet does not match the declared relationship stage.",
    severity=Severity.MEDIUM,
    doctrine=("D10", "D13"),
    example=Example.patched(
        _MISMATCH_FAILS,
        {
            "stage: stable": "stage: initial",
        },
    ),
    message=(
        "Our share of wallet at {account} is {share}, which is the {band} stage, not "
        "{declared} as recorded."
    ),
    fix=(
        "Set `relationship.stage` to the stage the share shows ({band}), or correct "
        "`share_of_wallet`; then plan for the stage you are really at."
    ),
)
def stage_share_mismatch(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """Fires when `relationship.share_of_wallet` lies outside the band of the declared
    `relationship.stage`. Bands: development 0; initial more than 0 and under 50%; stable
    50% to under 80%; strategic 80% to 100%.

    Why: Where a relationship stands is measured, not felt: by our share of what the
    customer buys in our category. Development means we are not a supplier yet; initial, a
    secondary supplier; stable, the main supplier; strategic, 80% or more. Each stage needs
    its own strategy, so a stage that does not match the numbers leads to the wrong
    strategy.
    """
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


@rule(
    "RS002",
    "stage-skipped",
    summary="The relationship history climbs more than one stage in one step.",
    severity=Severity.MEDIUM,
    doctrine=("D11",),
    example=Example.patched(
        _SKIPPED_FAILS,
        {
            "stage: development}\n": (
                "stage: development}\n    - {date: 2025-08-15, stage: initial}\n"
            ),
        },
    ),
    message={
        "history": (
            "The relationship went from {from_stage} ({from_date}) to {to_stage} ({to_date}), "
            "skipping {skipped}; stages cannot be skipped."
        ),
        "current": (
            "The relationship went from {from_stage} ({from_date}) to {to_stage} now, "
            "skipping {skipped}; stages cannot be skipped."
        ),
    },
    fix=(
        "Check the history: if the relationship passed through {skipped}, add that stage to "
        "`relationship.history` with its date; otherwise the stage is overstated and should "
        "be corrected."
    ),
)
def stage_skipped(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """Sorts `relationship.history` by date (entries after the audit date are plans and are
    left out; entries of the same day keep file order), appends the current
    `relationship.stage`, and fires once for each step that climbs more than one stage,
    naming the stages skipped.

    Why: A relationship moves one stage at a time: from development to initial cooperation,
    to stable, to strategic partnership. Trust and share are earned step by step. A record
    that jumps a stage is either missing a step or overstating where we are.
    """
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


@rule(
    "RS003",
    "stage-regressed",
    summary="The relationship has slid back below its latest recorded stage.",
    # High without a repair plan; the rule lowers it to info when there is one.
    severity=Severity.HIGH,
    conditions={"repair_plan": Severity.INFO},
    doctrine=("D12", "D13"),
    example=Example.patched(
        _REGRESSED_FAILS,
        {
            "stage: initial\n  share_of_wallet: 0.4": "stage: stable\n  share_of_wallet: 0.6",
        },
    ),
    message={
        "default": (
            "The relationship has slid back from {previous} ({date}) to {current}, and there "
            "is no repair plan."
        ),
        "repair": (
            "The relationship has slid back from {previous} ({date}) to {current}; a repair "
            "plan is recorded."
        ),
    },
    fix={
        "default": (
            "Write a repair plan in `relationship.repair_plan`: why the relationship slid, "
            "what you will do about it and by when, and who on the customer side must be won "
            "back."
        ),
        "repair": (
            "Carry out the repair plan and review it at the next account meeting; update "
            "`relationship.stage` and `history` once the relationship is back at {previous}."
        ),
    },
    texts={
        "severity_when.repair_plan": "{severity} when a `repair_plan` is recorded",
    },
)
def stage_regressed(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """Fires when the current `relationship.stage` is below the stage of the latest
    `relationship.history` entry (by date; entries after the audit date are left out).

    Why: A relationship can stall, slide back or break at any stage. Sliding back takes
    time, so it can be caught and repaired, but only with a plan: why it happened, what we
    will do, and who must be won back. "We kept the customer" is not a strategy.
    """
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


def whole_percent(share: float | Decimal) -> str:
    """A share as a whole percentage, rounded half up: `0.355` is `36%`."""
    return f"{int(float(share) * 100 + 0.5 + 1e-9)}%"


@rule(
    "RS004",
    "deal-outpaces-relationship",
    contact=True,
    summary=("Winning this deal would lift our share more than one stage above the relationship."),
    severity=Severity.MEDIUM,
    conditions={"exceeds_spend": Severity.HIGH},
    doctrine=("D10", "D11", "D13"),
    example=Example.patched(
        _OUTPACES_FAILS,
        {
            "Full MES rollout": "MES pilot line",
            "2400000": "600000",
        },
    ),
    message={
        "default": (
            "Winning this deal ({amount} against a yearly spend of {annual_spend}) would take "
            "our share from {share} to {projected}, the {band} stage, but the relationship is "
            "only {declared}."
        ),
        "annual": (
            "Winning this deal ({yearly} a year against a yearly spend of {annual_spend}) would "
            "take our share from {share} to {projected}, the {band} stage, but the relationship "
            "is only {declared}."
        ),
        "exceeds": (
            "This deal ({amount}) is more than {account}'s whole yearly spend in our category "
            "({annual_spend}), and the relationship is only {declared}. If the deal runs over "
            "several years, give its yearly value in `deal.annual_value`."
        ),
        "exceeds_annual": (
            "This deal's yearly value ({yearly}) is more than {account}'s whole yearly spend in "
            "our category ({annual_spend}), and the relationship is only {declared}."
        ),
    },
    fix=(
        "Size the deal for the relationship (a first phase that fits the {next_stage} stage), "
        "or build the relationship first; check with {eb} that they are ready to commit "
        "that much to us."
    ),
    texts={
        "severity_when.exceeds_spend": (
            "{severity} when the yearly value alone is more than `annual_spend`"
        ),
    },
)
def deal_outpaces_relationship(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """With `relationship.stage`, `relationship.annual_spend`, `deal.amount` and
    `relationship.share_of_wallet` all known: fires when share + yearly value / annual_spend
    (capped at 100%) falls in a band more than one stage above the declared stage. The yearly
    value is `deal.annual_value` when given, else `deal.amount`. The message says so when the
    yearly value alone is more than `annual_spend`. Percentages in the message are rounded to
    whole numbers.

    Why: Stages cannot be skipped. A customer rarely hands a supplier it barely knows a
    large part of its spend in one go: a deal that would take us from development straight
    to main supplier asks for trust the relationship has not earned yet, and is likely to be
    cut down, split or given to someone else. A deal worth more than the customer spends in
    a whole year is either a multi-year deal recorded without its yearly value, or a deal
    the customer cannot place with us at all.
    """
    relation = deal.relationship
    amount = deal.deal.amount
    yearly = deal.deal.yearly_value
    if (
        relation is None
        or relation.stage is None
        or relation.annual_spend is None
        or relation.share_of_wallet is None
        or amount is None
        or yearly is None
    ):
        return
    # Summed as decimals, the share as written: 0.1 + 0.7 is 0.8 (the strategic band),
    # where as floats it is 0.7999999999999999.
    written = Decimal(repr(relation.share_of_wallet))
    projected = min(Decimal(1), written + yearly / relation.annual_spend)
    reached = band(projected)
    if reached.rank - relation.stage.rank <= 1:
        return
    annual = deal.deal.annual_value is not None
    exceeds = yearly > relation.annual_spend
    variant: str | None
    if exceeds:
        variant = "exceeds_annual" if annual else "exceeds"
    else:
        variant = "annual" if annual else None
    currency = f"{deal.deal.currency} " if deal.deal.currency else ""
    yield ctx.finding(
        "deal.annual_value" if annual else "deal.amount",
        variant=variant,
        condition="exceeds_spend" if exceeds else None,
        amount=currency + number(amount),
        yearly=currency + number(yearly),
        annual_spend=currency + number(relation.annual_spend),
        share=whole_percent(relation.share_of_wallet),
        projected=whole_percent(projected),
        band=_named(ctx, reached),
        declared=_named(ctx, relation.stage),
        next_stage=_named(ctx, _ORDER[relation.stage.rank + 1]),
        account=deal.deal.account,
    )


_MISSING_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: R-5, name: Spare parts 2027, account: Acme, stage: qualification, close_date: 2027-03-31}
"""


@rule(
    "RS005",
    "relationship-missing",
    summary="From qualification, no relationship stage is recorded.",
    severity=Severity.LOW,
    applies_from=Stage.QUALIFICATION,
    small_cap=True,
    doctrine=("D10", "D13"),
    example=Example.patched(
        _MISSING_FAILS,
        {
            "close_date: 2027-03-31}\n": (
                "close_date: 2027-03-31}\nrelationship: {stage: initial, share_of_wallet: 0.2}\n"
            ),
        },
    ),
    message="No relationship stage is recorded for {account}; the deal is at {stage}.",
    fix=(
        "Record `relationship.stage` (development, initial, stable or strategic) from our "
        "share of {account}'s spend in our category, with the `share_of_wallet`."
    ),
)
def relationship_missing(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """From qualification, fires when `relationship.stage` is missing or empty.

    Why: Each relationship stage needs its own strategy: winning a first order is a
    different job from defending a main-supplier position. Without knowing the stage, we
    cannot tell which job this deal is.
    """
    if deal.relationship is None or deal.relationship.stage is None:
        yield ctx.finding("relationship.stage", account=deal.deal.account)


RULES = [
    stage_share_mismatch,
    stage_skipped,
    stage_regressed,
    deal_outpaces_relationship,
    relationship_missing,
]
