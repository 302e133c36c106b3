"""CT: the client team (doctrine D14-D15).

The client team must be on our side: their goals become our goals, so that
their success and ours are the same thing (D14). Client management means the
senior client who brought us in, the sponsor: keep them involved and
supportive, and make sure the solution is implemented, not shelved (D15).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ebcheck.ruleapi import (
    Area,
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
    written_name,
)

AREA = Area(
    "CT",
    "Client team",
    doctrine={
        "D14": "The client team's goals become our goals",
        "D15": "Keep the sponsor involved, and the solution implemented",
    },
)


def _sponsor_of(deal: DealFile, ctx: Context[Any]) -> Stakeholder | None:
    """The stakeholder (gone ones included) named as sponsor, by the names rule."""
    team = deal.client_team
    if team is None or no_value(team.sponsor):
        return None
    return ctx.person(team.sponsor)


# BI009's `max_days` by default: a sponsor who left longer ago than this is no sponsor
# any more (until then BI009 reports the departure). The configured value is BI009's.
ROLE_LEFT_MAX_DAYS = 90


_SPONSOR_MISSING_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: C-1, name: Quality system, account: Acme, stage: discovery, close_date: 2027-01-31}
stakeholders:
  - {name: Zhang Wei, title: General manager, roles: [EB], met: 2026-11-10}
client_team:
  shared_goals: [Cut scrap rate by 15%]
"""


@rule(
    "CT001",
    "sponsor-missing",
    contact=True,
    summary="From discovery, no client sponsor is named, or the sponsor left long ago.",
    severity=Severity.MEDIUM,
    applies_from=Stage.DISCOVERY,
    small_cap=True,
    doctrine=("D15", "D24"),
    example=Example.patched(
        _SPONSOR_MISSING_FAILS,
        {
            "client_team:\n": "client_team:\n  sponsor: Zhang Wei\n",
        },
    ),
    message={
        "default": (
            "No sponsor is named: nobody senior at {account} is recorded as the one who brought "
            "us in and backs the project. The deal is at {stage}."
        ),
        "left": (
            "The sponsor {subject} left on {left}, {days} days ago: nobody senior at {account} "
            "backs the project now. The deal is at {stage}."
        ),
    },
    fix={
        "default": (
            "Name the senior client who backs this project in `client_team.sponsor` (and as a "
            "stakeholder); if there is none, ask {coach} who would gain most from the "
            "project and win them over."
        ),
        "left": (
            "Find who took over from {subject} and win them over as the new sponsor, or another "
            "senior client who gains from the project; record them in `client_team.sponsor`."
        ),
    },
)
def sponsor_missing(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """From discovery, fires when `client_team.sponsor` is missing or empty, or names a
    stakeholder who left more than 90 days before the audit date (BI009's `max_days`; a more
    recent departure is BI009's to report).

    Why: The sponsor is the senior client who brought us in. Keeping them involved and
    supportive carries the deal through the customer's organisation and makes sure the
    solution is implemented, not shelved. A deal without a sponsor has nobody inside pushing
    it forward, and a sponsor who left months ago is nobody's sponsor: people change, and
    whoever holds the role now must be won again.
    """
    if deal.client_team is None or no_value(deal.client_team.sponsor):
        yield ctx.finding("client_team.sponsor", account=deal.deal.account)
        return
    sponsor = _sponsor_of(deal, ctx)
    if sponsor is None or sponsor.left is None or not ctx.gone(sponsor):
        return
    days = ctx.days_before(sponsor.left)
    if days > ctx.option_of("BI009", "max_days", ROLE_LEFT_MAX_DAYS):
        yield ctx.finding(
            ctx.path_of(sponsor, "left"),
            subject=sponsor.name,
            variant="left",
            account=deal.deal.account,
            left=sponsor.left.isoformat(),
            days=days,
        )


_NO_GOALS_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: C-2, name: Quality system, account: Acme, stage: proposal, close_date: 2026-12-31}
client_team: {sponsor: Zhang Wei, shared_goals: []}
"""


@rule(
    "CT002",
    "no-shared-goals",
    contact=True,
    summary="From proposal, no shared goals with the client are recorded.",
    severity=Severity.MEDIUM,
    applies_from=Stage.PROPOSAL,
    small_cap=True,
    doctrine=("D14",),
    example=Example.patched(
        _NO_GOALS_FAILS,
        {
            "shared_goals: []": "shared_goals: [Cut scrap rate by 15%, Pass the IATF audit]",
        },
    ),
    message=(
        "No shared goals with {account} are recorded; the deal is at {stage}, and nothing "
        "ties the client team's success to ours."
    ),
    fix=(
        "Write down the client's goals for this project in their words (for example "
        '"inventory turns up 20%") in `client_team.shared_goals`, and agree them with the '
        "sponsor."
    ),
)
def no_shared_goals(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """From proposal, fires when `client_team.shared_goals` is missing or empty.

    Why: The client team must be on our side. That happens when their goals become our
    goals, so that their success and ours are the same thing. Without goals written down and
    agreed, the proposal sells features instead of the client's success.
    """
    if deal.client_team is None or no_value(deal.client_team.shared_goals):
        yield ctx.finding("client_team.shared_goals", account=deal.deal.account)


_NO_OWNER_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: C-3, name: Quality system, account: Acme, stage: negotiation, close_date: 2026-12-31}
client_team: {sponsor: Zhang Wei, shared_goals: [Cut scrap rate by 15%]}
"""


@rule(
    "CT003",
    "no-implementation-owner",
    contact=True,
    summary="From negotiation, nobody on the client side owns the implementation.",
    severity=Severity.MEDIUM,
    applies_from=Stage.NEGOTIATION,
    small_cap=True,
    doctrine=("D15",),
    example=Example.patched(
        _NO_OWNER_FAILS,
        {
            "15%]}": "15%],\n  implementation_owner: Sun Li}",
        },
    ),
    message=("Nobody at {account} is named to own the implementation; the deal is at {stage}."),
    fix={
        "default": (
            "Agree with the sponsor who will own the implementation at {account}, and record "
            "them in `client_team.implementation_owner`."
        ),
        "sponsor": (
            "Agree with {sponsor}, the sponsor, who will own the implementation at {account}, "
            "and record them in `client_team.implementation_owner`."
        ),
    },
)
def no_implementation_owner(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """From negotiation, fires when `client_team.implementation_owner` is missing or empty.

    Why: A solution that is signed but not implemented fails the client and us. Before the
    contract is signed, someone on the client side must own making it happen, or it will be
    shelved.
    """
    if deal.client_team is None or no_value(deal.client_team.implementation_owner):
        sponsor = written_name(deal.client_team.sponsor if deal.client_team else None)
        yield ctx.finding(
            "client_team.implementation_owner",
            variant="sponsor" if sponsor else None,
            sponsor=sponsor or "",
            account=deal.deal.account,
        )


_NOT_STAKEHOLDER_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: C-4, name: Quality system, account: Acme, stage: discovery, close_date: 2027-01-31}
stakeholders:
  - {name: Zhang Wei, title: General manager, roles: [EB], met: 2026-11-10}
client_team: {sponsor: Wang Fang}
"""


@rule(
    "CT004",
    "sponsor-not-a-stakeholder",
    summary="The client sponsor is not among the stakeholders.",
    severity=Severity.LOW,
    doctrine=("D15",),
    example=Example.patched(
        _NOT_STAKEHOLDER_FAILS,
        {
            "met: 2026-11-10}\n": (
                "met: 2026-11-10}\n"
                "  - {name: Wang Fang, title: Quality director, roles: [coach],\n"
                "     last_contact: 2026-11-15}\n"
            ),
        },
    ),
    message={
        "default": (
            "The sponsor {sponsor} is not among the stakeholders, so nothing about them is "
            "tracked: role, stance, meetings."
        ),
        "outside": (
            "The sponsor {sponsor} is recorded as {affiliation}, not as someone at {account}: "
            "the sponsor is the senior client who brought us in and backs the project inside."
        ),
    },
    fix={
        "default": (
            "Add {sponsor} to `stakeholders` under the same name, with role, stance and the "
            "dates you last met and contacted them, or correct `client_team.sponsor`."
        ),
        "outside": (
            "Name as sponsor the senior person at {account} who backs the project (a partner "
            "or a colleague can open doors, but cannot sponsor it inside), or correct "
            "{sponsor}'s `affiliation` if they work for {account}."
        ),
    },
    texts={
        "affiliation.partner": "a partner",
        "affiliation.ours": "one of ours",
    },
)
def sponsor_not_a_stakeholder(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """Fires when `client_team.sponsor` names nobody in `stakeholders` (gone people
    included), or names someone whose `affiliation` is not `customer` (the message says so).
    Names are compared by the names rule: trimmed, ignoring case and a trailing note in
    brackets.

    Why: The sponsor is the client we most need to keep involved. If they are not among the
    stakeholders, we track nothing about them: their role, their stance, when we last met
    them. And a sponsor works inside the customer: a partner or one of our own people can
    help, but cannot carry the project through the customer's organisation.
    """
    team = deal.client_team
    if team is None or team.sponsor is None or no_value(team.sponsor):
        return
    sponsor = _sponsor_of(deal, ctx)
    if sponsor is None:
        yield ctx.finding("client_team.sponsor", subject=team.sponsor, sponsor=team.sponsor)
    elif not sponsor.customer_side:
        yield ctx.finding(
            ctx.path_of(sponsor, "affiliation"),
            subject=sponsor.name,
            variant="outside",
            sponsor=sponsor.name,
            account=deal.deal.account,
            affiliation=ctx.text(f"affiliation.{sponsor.affiliation.value}"),
        )


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


@rule(
    "CT005",
    "sponsor-neglected",
    contact=True,
    summary="The client sponsor has not been met or contacted in more than 30 days.",
    severity=Severity.MEDIUM,
    options=NeglectOptions,
    doctrine=("D15",),
    example=Example.patched(
        _NEGLECTED_FAILS,
        {
            "met: 2026-08-02}": "met: 2026-08-02,\n     last_contact: 2026-11-12}",
        },
    ),
    message={
        "default": (
            "The sponsor {subject} was last in touch on {date}, {days} days ago (more than "
            "{max_days})."
        ),
        "never": "The sponsor {subject} has no recorded meeting or contact.",
    },
    fix=(
        "Get back in touch with {subject} this week: report progress, ask for their support "
        "on the next step, and record it in `last_contact` (or `met`)."
    ),
)
def sponsor_neglected(deal: DealFile, ctx: Context[NeglectOptions]) -> Iterator[Finding]:
    """When the sponsor is a customer-side stakeholder who has not left: fires when their
    latest `met` or `last_contact` (on or before the audit date) is more than `max_days` (30)
    days before the audit date, or when they have neither. Exactly 30 days is not neglect;
    31 is. A sponsor who is gone, or not customer-side, is left to CT001, BI009 and CT004.

    Why: Client management means keeping the senior client who brought us in involved and
    supportive. A sponsor who hears nothing from us for a month stops defending the project
    inside, and may be won over by whoever does keep in touch.
    """
    sponsor = _sponsor_of(deal, ctx)
    if sponsor is None or not ctx.counts(sponsor):
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
