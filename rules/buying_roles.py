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
    Area,
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

AREA = Area(
    "BI",
    "Buying influences",
)


_COACH_MISSING_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: B-1, name: WMS rollout, account: Acme, stage: qualification, close_date: 2027-03-31}
stakeholders:
  - {name: Zhang Wei, roles: [EB]}
  - {name: Li Lei, roles: [TB], met: 2026-11-02}
"""


@rule(
    "BI001",
    "coach-missing",
    summary="No stakeholder is a coach.",
    severity=Severity.MEDIUM,
    escalation={Stage.QUALIFICATION: Severity.HIGH},
    doctrine=("D1",),
    example=Example.patched(
        _COACH_MISSING_FAILS,
        {
            "roles: [TB]": "roles: [TB, coach]",
        },
    ),
    message=(
        "No coach is named among the {count} {count|stakeholder|stakeholders}: "
        "nobody inside {account} is guiding us. The deal is at {stage}."
    ),
    fix=(
        "Find someone inside {account} who wants us to win and will tell you how decisions "
        "are really made (often a user or an engineer you already get on with), and add them "
        "with `roles: [coach]`."
    ),
)
def coach_missing(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """Fires when no stakeholder holds the coach role.

    Why: A large deal has four buying roles, and the coach is the one who guides us inside
    the account: who really decides, what each person cares about, what the competition is
    doing. Without a coach we sell blind, and find out why we lost only afterwards.
    """
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


@rule(
    "BI002",
    "coach-unvalidated",
    summary="From discovery, no coach has been validated.",
    severity=Severity.MEDIUM,
    applies_from=Stage.DISCOVERY,
    doctrine=("D1",),
    example=Example.patched(
        _COACH_UNVALIDATED_FAILS,
        {
            "met: 2026-11-02}": "met: 2026-11-02, validated: true}",
        },
    ),
    message={
        "one": (
            "{names} (coach) has not been validated: nothing yet shows that their guidance is "
            "right and that they want us to win. The deal is at {stage}."
        ),
        "several": (
            "None of the coaches ({names}) has been validated: nothing yet shows that their "
            "guidance is right and that they want us to win. The deal is at {stage}."
        ),
    },
    fix=(
        "Test {names}: check one piece of their guidance against what actually happens (a "
        "date, a name, a requirement) and set `validated: true` once it proves right. Until "
        "then, don't bet the deal on their word alone."
    ),
)
def coach_unvalidated(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """From discovery, when there are coaches: fires when none of them is marked `validated:
    true` (their guidance has proved right and they want us to win).

    Why: Not everyone friendly is a coach. A coach's guidance has to prove right (a date, a
    name, a requirement that turned out as they said), and they must want us to win. Relying
    on an untested coach means building the strategy on what may be one person's guess, or a
    competitor's friend.
    """
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


@rule(
    "BI003",
    "tb-missing",
    summary="From qualification, no stakeholder is a technical buyer.",
    severity=Severity.MEDIUM,
    escalation={Stage.PROPOSAL: Severity.HIGH},
    applies_from=Stage.QUALIFICATION,
    doctrine=("D1",),
    example=Example.patched(
        _TB_MISSING_FAILS,
        {
            "met: 2026-11-10}\n": (
                "met: 2026-11-10}\n"
                "  - {name: Li Lei, title: IT manager, roles: [TB], met: 2026-11-02}\n"
            ),
        },
    ),
    message=(
        "No technical buyer (TB) is named: nobody on our map screens the solution and can say "
        "no on specifications. The deal is at {stage}."
    ),
    fix=(
        "Ask your coach or the EB who will evaluate the solution technically (IT, "
        "engineering, quality, procurement specs), meet them, and add them with `roles: "
        "[TB]`."
    ),
)
def tb_missing(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """From qualification, fires when no stakeholder holds the TB role.

    Why: The technical buyer screens the solution and can say no on specifications, even
    when everyone else wants it. If we do not know who that is, a requirement we never heard
    of can knock us out at the last step.
    """
    if not deal.with_role(Role.TB):
        yield ctx.finding("stakeholders")


_UB_MISSING_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: B-4, name: WMS rollout, account: Acme, stage: qualification, close_date: 2027-03-31}
stakeholders:
  - {name: Zhang Wei, roles: [EB]}
"""


@rule(
    "BI004",
    "ub-missing",
    summary="From qualification, no stakeholder is a user buyer.",
    severity=Severity.MEDIUM,
    applies_from=Stage.QUALIFICATION,
    doctrine=("D1",),
    example=Example.patched(
        _UB_MISSING_FAILS,
        {
            "roles: [EB]}\n": (
                "roles: [EB]}\n  - {name: Zhao Min, title: Warehouse manager, roles: [UB]}\n"
            ),
        },
    ),
    message=(
        "No user buyer (UB) is named: nobody who will live with the result every day is on "
        "our map. The deal is at {stage}."
    ),
    fix=(
        "Find the department head or key user who will work with the solution day to day, "
        "learn what they need, and add them with `roles: [UB]`."
    ),
)
def ub_missing(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """From qualification, fires when no stakeholder holds the UB role.

    Why: The user buyer lives with the result every day. Their support makes the solution
    succeed after the sale; their resistance turns into objections during it. A deal that
    knows no user is sold to people who will not use it.
    """
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


@rule(
    "BI005",
    "single-threaded",
    summary="From discovery, fewer than two stakeholders have been met.",
    severity=Severity.HIGH,
    applies_from=Stage.DISCOVERY,
    options=ThreadOptions,
    doctrine=("D1", "D3"),
    example=Example.patched(
        _SINGLE_THREADED_FAILS,
        {
            "roles: [EB]": "roles: [EB], met: 2026-11-12",
        },
    ),
    message={
        "some": (
            "Stakeholders met so far: {met_count} of {count} ({names}); the deal is at "
            "{stage} and hangs on too few people (at least {min_met} needed)."
        ),
        "none": (
            "None of the {count} {count|stakeholder|stakeholders} has been met; "
            "the deal is at {stage} and at least {min_met} people should know us in person."
        ),
        "empty": (
            "No stakeholders are recorded, so nobody at the customer has been met; the deal "
            "is at {stage} and at least {min_met} people should know us in person."
        ),
    },
    fix=(
        "Meet more of the buying influences in person (the EB, the TB, the UB, the coach), "
        "ideally through introductions from the people you already know, and record each "
        "meeting in `met`."
    ),
)
def single_threaded(deal: DealFile, ctx: Context[ThreadOptions]) -> Iterator[Finding]:
    """From discovery, fires when fewer than `min_met` (2) stakeholders have a `met` date on or
    before the audit date. A planned meeting does not count. A person holding several roles
    counts once.

    Why: A large deal is decided by several people in different roles. A deal that hangs on
    the one person we know is lost the day that person changes jobs, loses the argument, or
    turns out not to decide; winning over one person is not winning the account.
    """
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


@rule(
    "BI006",
    "opponent-without-plan",
    summary="An opponent, or an influential skeptic, has no plan.",
    severity=Severity.HIGH,
    doctrine=("D1", "D4"),
    example=Example.patched(
        _OPPONENT_FAILS,
        {
            "met: 2026-10-20}": (
                "met: 2026-10-20,\n     plan: Ask Li Lei for a joint session on data migration}"
            ),
        },
    ),
    message={
        "opponent": "{subject} opposes us (stance: opponent) and there is no plan for them.",
        "skeptic": "{subject} is a skeptic with high influence and there is no plan for them.",
    },
    fix=(
        "Write down how you will handle {subject} in `plan`: what worries them, who they "
        "listen to, and who could address it (your coach, a peer, a reference customer)."
    ),
)
def opponent_without_plan(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """For each stakeholder (one finding each): fires when their `stance` is `opponent`, or
    `skeptic` with `influence: high`, and they have no `plan`.

    Why: One person with a reason to say no can stop a deal everyone else wants: the
    technical buyer can veto on specifications, and a respected skeptic sways the others.
    Opposition does not go away on its own; it needs a plan: what worries them, who they
    listen to, and who can address it.
    """
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


@rule(
    "BI007",
    "influence-never-met",
    summary="From proposal, a TB, UB or coach has never been met.",
    severity=Severity.LOW,
    applies_from=Stage.PROPOSAL,
    doctrine=("D1",),
    example=Example.patched(
        _NEVER_MET_FAILS,
        {
            "roles: [UB]}": "roles: [UB], met: 2026-11-05}",
        },
    ),
    message="{subject} ({roles}) has never been met; the deal is at {stage}.",
    fix=(
        "Meet {subject} before the deal is decided: learn what they need from the solution "
        "and what could make them say no, and record the date in `met`."
    ),
)
def influence_never_met(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """From proposal, for each stakeholder holding the TB, UB or coach role (one finding each,
    listing their roles other than EB): fires when they have no `met` date on or before the
    audit date.

    Why: Every buying role can stop or slow a deal: the technical buyer screens, the user
    buyer lives with the result, the coach guides us. By proposal, people we have never met
    are people whose objections we will hear about last.
    """
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
