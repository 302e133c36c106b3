"""BI: the buying influences (doctrine D1, D22-D24).

A large deal has four buying roles: the economic buyer, who finally decides;
the technical buyer, who screens the solution and can say no on
specifications; the user buyer, who lives with the result; and the coach, who
guides us inside the account. One person may hold more than one role. A deal
that knows only some of them, or that hangs on one person we have met, is
decided by people we do not know. Opponents and influential skeptics do not
go away on their own: each needs a plan; and a map with nobody against us is
not a map (D23). Only people inside the account, still in their role, count:
a partner's or our own colleague guides us from outside, and when someone in
a buying role leaves, what they told us must be confirmed again with whoever
holds the role now (D24).
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
    Stakeholder,
    Stance,
    no_value,
    rule,
)

AREA = Area(
    "BI",
    "Buying influences",
    doctrine={
        "D23": "A map with nobody against us is not a map",
    },
    texts={
        "influence.high": "high",
        "influence.medium": "medium",
        "influence.low": "low",
    },
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
    contact=True,
    summary="No stakeholder is a coach.",
    severity=Severity.MEDIUM,
    escalation={Stage.QUALIFICATION: Severity.HIGH},
    small_cap=True,
    doctrine=("D1",),
    example=Example.patched(
        _COACH_MISSING_FAILS,
        {
            "roles: [TB]": "roles: [TB, coach]",
        },
    ),
    message={
        "default": (
            "No coach is named ({count} {count|stakeholder is|stakeholders are} listed): "
            "nobody inside {account} is guiding us. The deal is at {stage}."
        ),
        "outside": (
            "{count|The only coach|The only coaches}, {names}, {count|is|are} not {account}'s "
            "people (partner-side or ours): a coach guides us from inside the account, and "
            "nobody inside {account} does. The deal is at {stage}."
        ),
        "gone": (
            "Our coach {names} has left (on {left}), and nobody else inside {account} guides "
            "us now. The deal is at {stage}."
        ),
    },
    fix=(
        "Find someone inside {account} who wants us to win and will tell you how decisions "
        "are really made (often a user or an engineer you already get on with), and add them "
        "with `roles: [coach]`."
    ),
)
def coach_missing(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """Fires when no customer-side stakeholder still in their role holds the coach role.
    When the only coaches are partner-side or ours (`affiliation`), or have left, the
    message says so.

    Why: A large deal has four buying roles, and the coach is the one who guides us inside
    the account: who really decides, what each person cares about, what the competition is
    doing. A partner or a colleague of ours can help, but sees the account from outside.
    Without a coach inside, we sell blind, and find out why we lost only afterwards.
    """
    if ctx.holders(Role.COACH):
        return
    account = deal.deal.account
    outside = [
        p
        for p in deal.stakeholders
        if p.has_role(Role.COACH) and not p.customer_side and not ctx.gone(p)
    ]
    if outside:
        names = ctx.names(p.name for p in outside)
        yield ctx.finding(
            ctx.path_of(outside[0], "affiliation"),
            variant="outside",
            names=names,
            account=account,
            count=len(outside),
        )
        return
    gone = [p for p in deal.stakeholders if p.has_role(Role.COACH) and ctx.gone(p)]
    if gone and gone[-1].left is not None:
        names = ctx.names(p.name for p in gone)
        left = gone[-1].left.isoformat()
        yield ctx.finding(
            ctx.path_of(gone[-1], "left"), variant="gone", names=names, left=left, account=account
        )
        return
    yield ctx.finding("stakeholders", count=len(deal.stakeholders), account=account)


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
    contact=True,
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
    """From discovery, when there are coaches (customer-side, not gone): fires when none of
    them is marked `validated: true` (their guidance has proved right and they want us to
    win).

    Why: Not everyone friendly is a coach. A coach's guidance has to prove right (a date, a
    name, a requirement that turned out as they said), and they must want us to win. Relying
    on an untested coach means building the strategy on what may be one person's guess, or a
    competitor's friend.
    """
    coaches = ctx.holders(Role.COACH)
    if not coaches or any(person.validated for person in coaches):
        return
    one = len(coaches) == 1
    yield ctx.finding(
        ctx.path_of(coaches[0], "validated"),
        subject=coaches[0].name if one else None,
        variant="one" if one else "several",
        names=ctx.names(person.name for person in coaches),
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
    contact=True,
    summary="From qualification, no stakeholder is a technical buyer.",
    severity=Severity.MEDIUM,
    escalation={Stage.PROPOSAL: Severity.HIGH},
    applies_from=Stage.QUALIFICATION,
    small_cap=True,
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
    fix={
        "default": (
            "Ask {coach} or the EB who will evaluate the solution technically (IT, "
            "engineering, quality, procurement specs), meet them, and add them with `roles: "
            "[TB]`."
        ),
        "named": (
            "Ask {who} who will evaluate the solution technically (IT, engineering, "
            "quality, procurement specs), meet them, and add them with `roles: [TB]`."
        ),
    },
)
def tb_missing(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """From qualification, fires when no stakeholder (customer-side, not gone) holds the TB
    role.

    Why: The technical buyer screens the solution and can say no on specifications, even
    when everyone else wants it. If we do not know who that is, a requirement we never heard
    of can knock us out at the last step.
    """
    if not ctx.holders(Role.TB):
        # Who can tell: the coaches, then the EB, by name when the file names them.
        who = [p.name for p in ctx.holders(Role.COACH)] + [p.name for p in ctx.holders(Role.EB)]
        named = list(dict.fromkeys(who))
        variant = "named" if named else None
        yield ctx.finding("stakeholders", variant=variant, who=ctx.catalogue.join_or(named))


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
    contact=True,
    summary="From qualification, no stakeholder is a user buyer.",
    severity=Severity.MEDIUM,
    applies_from=Stage.QUALIFICATION,
    small_cap=True,
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
    """From qualification, fires when no stakeholder (customer-side, not gone) holds the UB
    role.

    Why: The user buyer lives with the result every day. Their support makes the solution
    succeed after the sale; their resistance turns into objections during it. A deal that
    knows no user is sold to people who will not use it.
    """
    if not ctx.holders(Role.UB):
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
    contact=True,
    summary="From discovery, fewer than two stakeholders have been met.",
    severity=Severity.HIGH,
    applies_from=Stage.DISCOVERY,
    options=ThreadOptions,
    small_cap=True,
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
        "outside": (
            "None of the {listed} {listed|stakeholder|stakeholders} listed is a customer-side "
            "person still in their role (partner-side, ours or gone), so nobody at the "
            "customer has been met; the deal is at {stage} and at least {min_met} people "
            "should know us in person."
        ),
    },
    fix=(
        "Meet more of the buying influences in person (the EB, the TB, the UB, the coach), "
        "ideally through introductions from the people you already know, and record each "
        "meeting in `met`."
    ),
)
def single_threaded(deal: DealFile, ctx: Context[ThreadOptions]) -> Iterator[Finding]:
    """From discovery, fires when fewer than `min_met` (2) stakeholders (customer-side, not
    gone) have a `met` date on or before the audit date. A planned meeting does not count. A
    person holding several roles counts once; a partner's or our own colleague met does not
    count.

    Why: A large deal is decided by several people in different roles. A deal that hangs on
    the one person we know is lost the day that person changes jobs, loses the argument, or
    turns out not to decide; winning over one person is not winning the account.
    """
    people = ctx.people()
    met = [person for person in people if ctx.met_on(person)]
    if len(met) >= ctx.options.min_met:
        return
    if not deal.stakeholders:
        variant = "empty"
    elif not people:
        variant = "outside"
    elif not met:
        variant = "none"
    else:
        variant = "some"
    yield ctx.finding(
        "stakeholders",
        variant=variant,
        names=ctx.names(person.name for person in met),
        met_count=len(met),
        count=len(people),
        listed=len(deal.stakeholders),
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
    conditions={"veto": Severity.CRITICAL},
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
        "veto": (
            "{subject} opposes us (stance: opponent), {power}, and there is no plan for them; "
            "the deal is at {stage}."
        ),
    },
    fix=(
        "Write down how you will handle {subject} in `plan`: what worries them, who they "
        "listen to, and who could address it ({coach}, a peer, a reference customer)."
    ),
    texts={
        "severity_when.veto": (
            "{severity} from proposal for an opponent who holds the EB or TB role or has high "
            "influence"
        ),
        "power.EB": "holds the EB role and can veto the deal",
        "power.TB": "holds the TB role and can veto the deal on specifications",
        "power.influence": "has high influence and can stop the deal",
    },
)
def opponent_without_plan(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """For each stakeholder (customer-side, not gone; one finding each): fires when their
    `stance` is `opponent`, or `skeptic` with `influence: high`, and they have no `plan`.
    From proposal, an opponent who holds the EB or TB role or has `influence: high` weighs
    more (they can veto).

    Why: One person with a reason to say no can stop a deal everyone else wants: the
    economic buyer can veto it, the technical buyer can veto on specifications, and a
    respected skeptic sways the others. Opposition does not go away on its own; it needs a
    plan: what worries them, who they listen to, and who can address it. Late in the deal,
    an opponent who can veto and has no plan is the deal's biggest risk.
    """
    late = ctx.stage.reached(Stage.PROPOSAL)
    for person in ctx.people():
        if not no_value(person.plan):
            continue
        at = ctx.path_of(person, "plan")
        if person.stance is Stance.OPPONENT:
            power = _veto_power(person)
            if late and power is not None:
                yield ctx.finding(
                    at,
                    subject=person.name,
                    condition="veto",
                    variant="veto",
                    power=ctx.text(f"power.{power}"),
                )
            else:
                yield ctx.finding(at, subject=person.name, variant="opponent")
        elif person.stance is Stance.SKEPTIC and person.influence is Influence.HIGH:
            yield ctx.finding(at, subject=person.name, variant="skeptic")


def _veto_power(person: Stakeholder) -> str | None:
    """What lets an opponent stop the deal: the EB role, the TB role, or high influence."""
    if person.has_role(Role.EB):
        return "EB"
    if person.has_role(Role.TB):
        return "TB"
    if person.influence is Influence.HIGH:
        return "influence"
    return None


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
    contact=True,
    summary="From proposal, a TB, UB or coach has never been met.",
    severity=Severity.LOW,
    applies_from=Stage.PROPOSAL,
    small_cap=True,
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
    """From proposal, for each stakeholder (customer-side, not gone) holding the TB, UB or
    coach role (one finding each, listing their roles other than EB): fires when they have
    no `met` date on or before the audit date. A partner's or our own colleague is no coach
    for this rule.

    Why: Every buying role can stop or slow a deal: the technical buyer screens, the user
    buyer lives with the result, the coach guides us. By proposal, people we have never met
    are people whose objections we will hear about last.
    """
    for person in ctx.people():
        roles = [r for r in _INFLUENCES if person.has_role(r)]
        if not roles or ctx.met_on(person):
            continue
        yield ctx.finding(
            ctx.path_of(person),
            subject=person.name,
            roles=ctx.join(ctx.catalogue.text(f"role.{r.value}") for r in roles),
        )


class MapOptions(RuleOptions):
    min_people: int = Field(default=4, ge=1)


# Stances that are on our side: a map of nothing else has not found the opposition.
_ON_OUR_SIDE = frozenset({Stance.SUPPORTER, Stance.CHAMPION})

_NO_OPPOSITION_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: B-8, name: WMS rollout, account: Acme, stage: proposal, close_date: 2026-12-31}
stakeholders:
  - {name: Zhang Wei, roles: [EB], stance: supporter, met: 2026-11-10}
  - {name: Li Lei, roles: [TB, coach], stance: champion, met: 2026-11-02}
  - {name: Zhao Min, roles: [UB], stance: supporter, met: 2026-10-30}
  - {name: Qian Jun, title: Head of finance, stance: supporter, met: 2026-11-05}
insights:
  competitors: [Yonyou]
"""


@rule(
    "BI008",
    "no-opposition-mapped",
    contact=True,
    summary="From proposal, every stakeholder with a stance is on our side.",
    severity=Severity.MEDIUM,
    applies_from=Stage.PROPOSAL,
    options=MapOptions,
    doctrine=("D23",),
    example=Example.patched(
        _NO_OPPOSITION_FAILS,
        {
            "title: Head of finance, stance: supporter": "title: Head of finance, stance: skeptic",
        },
    ),
    message=(
        "All {count} stakeholders with a recorded stance ({names}) are supporters or "
        "champions: nobody against us is on the map. The deal is at {stage}."
    ),
    fix=(
        "Find who is against us: ask {coach} who would rather buy from {rivals} or keep "
        "things as they are, and who loses budget, people or power if we win; add them and "
        "record their `stance`."
    ),
    texts={
        "a_competitor": "a competitor",
    },
)
def no_opposition_mapped(deal: DealFile, ctx: Context[MapOptions]) -> Iterator[Finding]:
    """From proposal, fires when at least `min_people` (4) stakeholders (customer-side, not
    gone) have a `stance`, and every one of those stances is `supporter` or `champion`.
    Stakeholders without a stance are not counted.

    Why: A map with nobody against us is not a map. In a large deal someone always loses
    something if we win (budget, people, power, a favourite supplier), and the competitor
    has supporters of its own. When every stakeholder we have placed is on our side, we have
    not yet found them, and they will make themselves known at the worst moment.
    """
    placed = [p for p in ctx.people() if p.stance is not None]
    if len(placed) < ctx.options.min_people:
        return
    if any(p.stance not in _ON_OUR_SIDE for p in placed):
        return
    rivals = deal.insights.competitors if deal.insights else None
    yield ctx.finding(
        "stakeholders",
        count=len(placed),
        names=ctx.names(p.name for p in placed),
        rivals=ctx.join(rivals) if rivals else ctx.text("a_competitor"),
    )


class LeftOptions(RuleOptions):
    max_days: int = Field(default=90, ge=0)


_LEFT_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: B-9, name: WMS rollout, account: Acme, stage: discovery, close_date: 2027-01-31}
stakeholders:
  - {name: Zhang Wei, title: General manager, roles: [EB], met: 2026-11-10}
  - {name: Qian Jun, title: Head of IT, roles: [TB], met: 2026-09-20, left: 2026-10-31}
"""


@rule(
    "BI009",
    "role-holder-left",
    contact=True,
    summary="Someone in a buying role, the sponsor or the signer, has recently left.",
    severity=Severity.MEDIUM,
    options=LeftOptions,
    conditions={"decider": Severity.HIGH},
    doctrine=("D24",),
    example=Example.patched(
        _LEFT_FAILS,
        {
            "left: 2026-10-31": "left: 2026-07-31",
        },
    ),
    message=(
        "{subject} ({what}) left on {left}, {days} {days|day|days} ago: everything they told "
        "us must be confirmed again with whoever holds the role now. The deal is at {stage}."
    ),
    fix={
        "default": (
            "Find out who has taken over from {subject} ({what}), add them to `stakeholders`, "
            "meet them, and confirm again what {subject} told us: a newcomer who has never "
            "met us starts from nothing."
        ),
        "successor": (
            "{successors} holds the role now: meet them and confirm again what {subject} told "
            "us (needs, budget, timing, support); a newcomer who has never met us starts from "
            "nothing."
        ),
        "successor_met": (
            "{successors} holds the role now and has been met: at the next meeting, confirm "
            "again what {subject} told us (needs, budget, timing, support), and record what "
            "changed."
        ),
    },
    texts={
        "severity_when.decider": "{severity} for an EB, the sponsor or the signer",
        "what.sponsor": "sponsor",
        "what.signer": "signer",
    },
)
def role_holder_left(deal: DealFile, ctx: Context[LeftOptions]) -> Iterator[Finding]:
    """For each customer-side stakeholder who held a role (`roles`), or is the sponsor
    (`client_team.sponsor`) or the signer (`decision_process.signer`), one finding each:
    fires when they left within the last `max_days` (90) days (0 <= as_of - `left` <=
    `max_days`); an EB, the sponsor or the signer weighs more. When someone else holds one of
    their roles now, the fix names them: to meet, or, when all of them have been met, to
    confirm again at the next meeting.

    Why: People change. When a person in a buying role leaves or is replaced, everything
    they told us (needs, budget, timing, their support) must be confirmed again with whoever
    holds the role now. A new economic buyer who has never met us is an unmet economic
    buyer, and a new sponsor owes us nothing yet.
    """
    sponsor = deal.client_team.sponsor if deal.client_team else None
    signer = deal.decision_process.signer if deal.decision_process else None
    for person in deal.stakeholders:
        if not person.customer_side or person.left is None:
            continue
        days = ctx.days_before(person.left)
        if not 0 <= days <= ctx.options.max_days:
            continue
        roles = sorted(person.all_roles, key=lambda r: r.rank)
        what = [ctx.catalogue.text(f"role.{r.value}") for r in roles]
        is_sponsor = ctx.same(sponsor, person.name)
        is_signer = ctx.same(signer, person.name)
        what += [ctx.text("what.sponsor")] if is_sponsor else []
        what += [ctx.text("what.signer")] if is_signer else []
        if not what:
            continue
        decider = Role.EB in person.all_roles or is_sponsor or is_signer
        successors = list({p.name: p for r in roles for p in ctx.holders(r)}.values())
        # Whoever holds the role now and has not met us is the one to meet; when all of
        # them have, what is left is to confirm again what the one who left told us.
        unmet = [p.name for p in successors if ctx.met_on(p) is None]
        named = unmet or [p.name for p in successors]
        variant = ("successor" if unmet else "successor_met") if successors else None
        yield ctx.finding(
            ctx.path_of(person, "left"),
            subject=person.name,
            condition="decider" if decider else None,
            variant=variant,
            what=ctx.join(what),
            left=person.left.isoformat(),
            days=days,
            successors=ctx.names(named),
        )


# Influence that makes a coach more than a friendly informant.
_POWER = frozenset({Influence.HIGH, Influence.MEDIUM})

_POWERLESS_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: B-10, name: WMS rollout, account: Acme, stage: proposal, close_date: 2026-12-31}
stakeholders:
  - {name: Zhang Wei, roles: [EB], met: 2026-11-10}
  - {name: Li Lei, title: IT engineer, roles: [coach], influence: low, met: 2026-11-02}
"""


@rule(
    "BI010",
    "coach-without-power",
    contact=True,
    summary="From proposal, no coach has high or medium influence.",
    severity=Severity.MEDIUM,
    applies_from=Stage.PROPOSAL,
    doctrine=("D1",),
    example=Example.patched(
        _POWERLESS_FAILS,
        {
            "influence: low": "influence: medium",
        },
    ),
    message=(
        "No coach has influence: {coaches}. A coach without power is not a champion; the "
        "deal is at {stage}."
    ),
    fix=(
        "Find a coach whose word counts inside {account} (a senior manager, a trusted "
        "adviser of the EB), or ask {names} to introduce you to one; record `influence` for "
        "every coach."
    ),
    texts={
        "coach": "{name} (influence {influence})",
        "coach_unset": "{name} (influence not recorded: counted as unknown)",
    },
)
def coach_without_power(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """From proposal, when there are coaches (customer-side, not gone): fires once per deal
    when none of them has `influence` `high` or `medium`. An unset influence counts as
    unknown, and the message says so.

    Why: A coach guides us inside the account, but guidance is not power. A coach whose
    word carries no weight can tell us what is happening and cannot change it; in a late
    deal we need someone inside who can sell for us when we are not in the room.
    """
    coaches = ctx.holders(Role.COACH)
    if not coaches or any(p.influence in _POWER for p in coaches):
        return
    described = [
        ctx.text(
            "coach",
            name=p.name,
            influence=ctx.catalogue.text(f"influence.{p.influence.value}"),
        )
        if p.influence is not None
        else ctx.text("coach_unset", name=p.name)
        for p in coaches
    ]
    one = len(coaches) == 1
    yield ctx.finding(
        ctx.path_of(coaches[0], "influence"),
        subject=coaches[0].name if one else None,
        coaches=ctx.join(described),
        names=ctx.names(p.name for p in coaches),
        account=deal.deal.account,
    )


RULES = [
    coach_missing,
    coach_unvalidated,
    tb_missing,
    ub_missing,
    single_threaded,
    opponent_without_plan,
    influence_never_met,
    no_opposition_mapped,
    role_holder_left,
    coach_without_power,
]
