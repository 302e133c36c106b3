"""BI: the buying influences (doctrine D1).

A large deal has four buying roles: the economic buyer, who finally decides;
the technical buyer, who screens the solution and can say no on
specifications; the user buyer, who lives with the result; and the coach, who
guides us inside the account. One person may hold more than one role. A deal
that knows only some of them, or that hangs on one person we have met, is
decided by people we do not know. Opponents and influential skeptics do not
go away on their own: each needs a plan.
"""

from __future__ import annotations

from collections.abc import Iterator

from ebcheck.ruleapi import (
    Context,
    DealFile,
    Example,
    Field,
    Finding,
    Influence,
    NoOptions,
    Role,
    RuleOptions,
    Severity,
    Stage,
    Stance,
    no_value,
    rule,
)

_COACH_MISSING_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: B-1, name: WMS rollout, account: Acme, stage: qualification, close_date: 2027-03-31}
stakeholders:
  - {name: Zhang Wei, roles: [EB]}
  - {name: Li Lei, roles: [TB], met: 2026-11-02}
"""

_COACH_MISSING_PASSES = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: B-1, name: WMS rollout, account: Acme, stage: qualification, close_date: 2027-03-31}
stakeholders:
  - {name: Zhang Wei, roles: [EB]}
  - {name: Li Lei, roles: [TB, coach], met: 2026-11-02}
"""


@rule(
    "BI001",
    "coach-missing",
    severity=Severity.MEDIUM,
    escalation={Stage.QUALIFICATION: Severity.HIGH},
    doctrine=("D1",),
    example=Example(_COACH_MISSING_FAILS, _COACH_MISSING_PASSES),
)
def coach_missing(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    if deal.with_role(Role.COACH):
        return
    yield ctx.finding("stakeholders", count=len(deal.stakeholders), account=deal.deal.account)


_COACH_UNVALIDATED_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: B-2, name: WMS rollout, account: Acme, stage: discovery, close_date: 2027-01-31}
stakeholders:
  - {name: Li Lei, title: IT manager, roles: [coach], met: 2026-11-02}
"""

_COACH_UNVALIDATED_PASSES = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: B-2, name: WMS rollout, account: Acme, stage: discovery, close_date: 2027-01-31}
stakeholders:
  - {name: Li Lei, title: IT manager, roles: [coach], met: 2026-11-02, validated: true}
"""


@rule(
    "BI002",
    "coach-unvalidated",
    severity=Severity.MEDIUM,
    applies_from=Stage.DISCOVERY,
    doctrine=("D1",),
    example=Example(_COACH_UNVALIDATED_FAILS, _COACH_UNVALIDATED_PASSES),
)
def coach_unvalidated(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    coaches = deal.with_role(Role.COACH)
    if not coaches or any(person.validated for person in coaches):
        return
    one = len(coaches) == 1
    yield ctx.finding(
        ctx.path_of(coaches[0], "validated"),
        subject=coaches[0].name if one else None,
        variant="one" if one else "several",
        names=ctx.join(person.name for person in coaches),
    )


_TB_MISSING_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: B-3, name: WMS rollout, account: Acme, stage: proposal, close_date: 2026-12-31}
stakeholders:
  - {name: Zhang Wei, roles: [EB], met: 2026-11-10}
"""

_TB_MISSING_PASSES = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: B-3, name: WMS rollout, account: Acme, stage: proposal, close_date: 2026-12-31}
stakeholders:
  - {name: Zhang Wei, roles: [EB], met: 2026-11-10}
  - {name: Li Lei, title: IT manager, roles: [TB], met: 2026-11-02}
"""


@rule(
    "BI003",
    "tb-missing",
    severity=Severity.MEDIUM,
    escalation={Stage.PROPOSAL: Severity.HIGH},
    applies_from=Stage.QUALIFICATION,
    doctrine=("D1",),
    example=Example(_TB_MISSING_FAILS, _TB_MISSING_PASSES),
)
def tb_missing(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    if not deal.with_role(Role.TB):
        yield ctx.finding("stakeholders")


_UB_MISSING_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: B-4, name: WMS rollout, account: Acme, stage: qualification, close_date: 2027-03-31}
stakeholders:
  - {name: Zhang Wei, roles: [EB]}
"""

_UB_MISSING_PASSES = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: B-4, name: WMS rollout, account: Acme, stage: qualification, close_date: 2027-03-31}
stakeholders:
  - {name: Zhang Wei, roles: [EB]}
  - {name: Zhao Min, title: Warehouse manager, roles: [UB]}
"""


@rule(
    "BI004",
    "ub-missing",
    severity=Severity.MEDIUM,
    applies_from=Stage.QUALIFICATION,
    doctrine=("D1",),
    example=Example(_UB_MISSING_FAILS, _UB_MISSING_PASSES),
)
def ub_missing(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    if not deal.with_role(Role.UB):
        yield ctx.finding("stakeholders")


class ThreadOptions(RuleOptions):
    min_met: int = Field(default=2, ge=1)


_SINGLE_THREADED_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: B-5, name: WMS rollout, account: Acme, stage: discovery, close_date: 2027-01-31}
stakeholders:
  - {name: Li Lei, title: IT manager, roles: [TB, coach], met: 2026-11-02}
  - {name: Zhang Wei, title: General manager, roles: [EB]}
"""

_SINGLE_THREADED_PASSES = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: B-5, name: WMS rollout, account: Acme, stage: discovery, close_date: 2027-01-31}
stakeholders:
  - {name: Li Lei, title: IT manager, roles: [TB, coach], met: 2026-11-02}
  - {name: Zhang Wei, title: General manager, roles: [EB], met: 2026-11-12}
"""


@rule(
    "BI005",
    "single-threaded",
    severity=Severity.HIGH,
    applies_from=Stage.DISCOVERY,
    options=ThreadOptions,
    doctrine=("D1", "D3"),
    example=Example(_SINGLE_THREADED_FAILS, _SINGLE_THREADED_PASSES),
)
def single_threaded(deal: DealFile, ctx: Context[ThreadOptions]) -> Iterator[Finding]:
    met = [person for person in deal.stakeholders if ctx.met_on(person)]
    if len(met) >= ctx.options.min_met:
        return
    if not deal.stakeholders:
        variant = "empty"
    elif not met:
        variant = "none"
    else:
        variant = "some"
    yield ctx.finding(
        "stakeholders",
        variant=variant,
        names=ctx.join(person.name for person in met),
        met_count=len(met),
        count=len(deal.stakeholders),
        min_met=ctx.options.min_met,
    )


_OPPONENT_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: B-6, name: WMS rollout, account: Acme, stage: discovery, close_date: 2027-01-31}
stakeholders:
  - {name: Qian Jun, title: Head of IT, roles: [TB], stance: opponent, met: 2026-10-20}
"""

_OPPONENT_PASSES = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: B-6, name: WMS rollout, account: Acme, stage: discovery, close_date: 2027-01-31}
stakeholders:
  - name: Qian Jun
    title: Head of IT
    roles: [TB]
    stance: opponent
    met: 2026-10-20
    plan: Ask Li Lei to arrange a joint session on data migration, his main worry.
"""


@rule(
    "BI006",
    "opponent-without-plan",
    severity=Severity.HIGH,
    doctrine=("D1", "D4"),
    example=Example(_OPPONENT_FAILS, _OPPONENT_PASSES),
)
def opponent_without_plan(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    for person in deal.stakeholders:
        if not no_value(person.plan):
            continue
        if person.stance is Stance.OPPONENT:
            variant = "opponent"
        elif person.stance is Stance.SKEPTIC and person.influence is Influence.HIGH:
            variant = "skeptic"
        else:
            continue
        yield ctx.finding(ctx.path_of(person, "plan"), subject=person.name, variant=variant)


# The roles BI007 looks at; an EB never met is EB002's finding.
_INFLUENCES = (Role.TB, Role.UB, Role.COACH)

_NEVER_MET_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: B-7, name: WMS rollout, account: Acme, stage: proposal, close_date: 2026-12-31}
stakeholders:
  - {name: Zhang Wei, roles: [EB], met: 2026-11-10}
  - {name: Zhao Min, title: Warehouse manager, roles: [UB]}
"""

_NEVER_MET_PASSES = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: B-7, name: WMS rollout, account: Acme, stage: proposal, close_date: 2026-12-31}
stakeholders:
  - {name: Zhang Wei, roles: [EB], met: 2026-11-10}
  - {name: Zhao Min, title: Warehouse manager, roles: [UB], met: 2026-11-05}
"""


@rule(
    "BI007",
    "influence-never-met",
    severity=Severity.LOW,
    applies_from=Stage.PROPOSAL,
    doctrine=("D1",),
    example=Example(_NEVER_MET_FAILS, _NEVER_MET_PASSES),
)
def influence_never_met(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    for person in deal.stakeholders:
        roles = [r for r in _INFLUENCES if person.has_role(r)]
        if not roles or ctx.met_on(person):
            continue
        yield ctx.finding(
            ctx.path_of(person),
            subject=person.name,
            roles=ctx.join(ctx.catalogue.text(f"role.{r.value}") for r in roles),
        )


RULES = [
    coach_missing,
    coach_unvalidated,
    tb_missing,
    ub_missing,
    single_threaded,
    opponent_without_plan,
    influence_never_met,
]
