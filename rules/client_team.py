"""CT: the client team (doctrine D14-D15).

The client team must be on our side: their goals become our goals, so that
their success and ours are the same thing (D14). Client management means the
senior client who brought us in, the sponsor: keep them involved and
supportive, and make sure the solution is implemented, not shelved (D15).
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
    RuleOptions,
    Severity,
    Stage,
    Stakeholder,
    no_value,
    rule,
)


def _sponsor_of(deal: DealFile) -> Stakeholder | None:
    """The stakeholder named as sponsor, ignoring case and surrounding spaces."""
    team = deal.client_team
    if team is None or not team.sponsor:
        return None
    wanted = team.sponsor.strip().casefold()
    return next((p for p in deal.stakeholders if p.name.strip().casefold() == wanted), None)


_SPONSOR_MISSING_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: C-1, name: Quality system, account: Acme, stage: discovery, close_date: 2027-01-31}
stakeholders:
  - {name: Zhang Wei, title: General manager, roles: [EB], met: 2026-11-10}
client_team:
  shared_goals: [Cut scrap rate by 15%]
"""

_SPONSOR_MISSING_PASSES = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: C-1, name: Quality system, account: Acme, stage: discovery, close_date: 2027-01-31}
stakeholders:
  - {name: Zhang Wei, title: General manager, roles: [EB], met: 2026-11-10}
client_team:
  sponsor: Zhang Wei
  shared_goals: [Cut scrap rate by 15%]
"""


@rule(
    "CT001",
    "sponsor-missing",
    severity=Severity.MEDIUM,
    applies_from=Stage.DISCOVERY,
    doctrine=("D15",),
    example=Example(_SPONSOR_MISSING_FAILS, _SPONSOR_MISSING_PASSES),
)
def sponsor_missing(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    if deal.client_team is None or no_value(deal.client_team.sponsor):
        yield ctx.finding("client_team.sponsor", account=deal.deal.account)


_NO_GOALS_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: C-2, name: Quality system, account: Acme, stage: proposal, close_date: 2026-12-31}
client_team: {sponsor: Zhang Wei, shared_goals: []}
"""

_NO_GOALS_PASSES = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: C-2, name: Quality system, account: Acme, stage: proposal, close_date: 2026-12-31}
client_team: {sponsor: Zhang Wei, shared_goals: [Cut scrap rate by 15%, Pass the IATF audit]}
"""


@rule(
    "CT002",
    "no-shared-goals",
    severity=Severity.MEDIUM,
    applies_from=Stage.PROPOSAL,
    doctrine=("D14",),
    example=Example(_NO_GOALS_FAILS, _NO_GOALS_PASSES),
)
def no_shared_goals(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    if deal.client_team is None or no_value(deal.client_team.shared_goals):
        yield ctx.finding("client_team.shared_goals", account=deal.deal.account)


_NO_OWNER_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: C-3, name: Quality system, account: Acme, stage: negotiation, close_date: 2026-12-31}
client_team: {sponsor: Zhang Wei, shared_goals: [Cut scrap rate by 15%]}
"""

_NO_OWNER_PASSES = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: C-3, name: Quality system, account: Acme, stage: negotiation, close_date: 2026-12-31}
client_team:
  sponsor: Zhang Wei
  shared_goals: [Cut scrap rate by 15%]
  implementation_owner: Sun Li
"""


@rule(
    "CT003",
    "no-implementation-owner",
    severity=Severity.MEDIUM,
    applies_from=Stage.NEGOTIATION,
    doctrine=("D15",),
    example=Example(_NO_OWNER_FAILS, _NO_OWNER_PASSES),
)
def no_implementation_owner(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    if deal.client_team is None or no_value(deal.client_team.implementation_owner):
        yield ctx.finding("client_team.implementation_owner", account=deal.deal.account)


_NOT_STAKEHOLDER_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: C-4, name: Quality system, account: Acme, stage: discovery, close_date: 2027-01-31}
stakeholders:
  - {name: Zhang Wei, title: General manager, roles: [EB], met: 2026-11-10}
client_team: {sponsor: Wang Fang}
"""

_NOT_STAKEHOLDER_PASSES = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: C-4, name: Quality system, account: Acme, stage: discovery, close_date: 2027-01-31}
stakeholders:
  - {name: Zhang Wei, title: General manager, roles: [EB], met: 2026-11-10}
  - {name: Wang Fang, title: Quality director, roles: [coach], last_contact: 2026-11-15}
client_team: {sponsor: Wang Fang}
"""


@rule(
    "CT004",
    "sponsor-not-a-stakeholder",
    severity=Severity.LOW,
    doctrine=("D15",),
    example=Example(_NOT_STAKEHOLDER_FAILS, _NOT_STAKEHOLDER_PASSES),
)
def sponsor_not_a_stakeholder(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    team = deal.client_team
    if team is None or not team.sponsor:
        return
    if _sponsor_of(deal) is None:
        yield ctx.finding("client_team.sponsor", subject=team.sponsor, sponsor=team.sponsor)


class NeglectOptions(RuleOptions):
    max_days: int = Field(default=30, ge=0)


_NEGLECTED_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: C-5, name: Quality system, account: Acme, stage: discovery, close_date: 2027-01-31}
stakeholders:
  - {name: Wang Fang, title: Quality director, roles: [coach], met: 2026-08-02}
client_team: {sponsor: Wang Fang}
"""

_NEGLECTED_PASSES = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: C-5, name: Quality system, account: Acme, stage: discovery, close_date: 2027-01-31}
stakeholders:
  - {name: Wang Fang, title: Quality director, roles: [coach], met: 2026-08-02,
     last_contact: 2026-11-12}
client_team: {sponsor: Wang Fang}
"""


@rule(
    "CT005",
    "sponsor-neglected",
    severity=Severity.MEDIUM,
    options=NeglectOptions,
    doctrine=("D15",),
    example=Example(_NEGLECTED_FAILS, _NEGLECTED_PASSES),
)
def sponsor_neglected(deal: DealFile, ctx: Context[NeglectOptions]) -> Iterator[Finding]:
    sponsor = _sponsor_of(deal)
    if sponsor is None:
        return
    touched = ctx.last_touch(sponsor)
    if touched is None:
        yield ctx.finding(
            ctx.path_of(sponsor), subject=sponsor.name, variant="never", account=deal.deal.account
        )
    elif ctx.days_before(touched) > ctx.options.max_days:
        field = "met" if touched == ctx.met_on(sponsor) else "last_contact"
        yield ctx.finding(
            ctx.path_of(sponsor, field),
            subject=sponsor.name,
            date=touched.isoformat(),
            days=ctx.days_before(touched),
            max_days=ctx.options.max_days,
        )


RULES = [
    sponsor_missing,
    no_shared_goals,
    no_implementation_owner,
    sponsor_not_a_stakeholder,
    sponsor_neglected,
]
