"""EB: the economic buyer (doctrine D1-D9).

The economic buyer is the person who finally decides. Without their yes,
everyone else's yes is worthless (D4); meeting them makes the project a
company matter (D5), lifts the value of what we solve (D6), shows the other
roles we have access at the top (D7), and is where the truth about budget,
leaning and competitors lives (D8). A deal whose EB we never met is more
likely lost than won (D3). The way in is preparation, a referral and a
follow-up plan, never phoning again and again (D9).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ebcheck.ruleapi import (
    Area,
    Authority,
    Channel,
    Context,
    DealFile,
    Example,
    Field,
    Finding,
    NoOptions,
    Outcome,
    Role,
    RuleOptions,
    Severity,
    Stage,
    Stakeholder,
    no_value,
    rule,
)

AREA = Area(
    "EB",
    "Economic buyer",
    doctrine={
        "D1": "Four buying roles: EB, TB, UB and coach",
        "D2": "Reasons for avoiding the EB are excuses",
        "D3": "Never meeting the EB means the deal is more likely lost than won",
        "D4": "Without the EB's yes, every other yes is worthless",
        "D5": "Meeting the EB makes the project a company matter",
        "D6": "You are worth what the problem you solve is worth",
        "D7": "Meeting the EB shows every role we have access at the top",
        "D8": "The EB is where the truth is",
        "D9": "Prepare, get a referral, follow up: don't keep calling",
    },
    texts={
        "channel.phone": "phone call",
        "channel.email": "email",
        "channel.visit": "visit",
        "channel.referral": "referral",
        "channel.event": "event",
        "channel.message": "message",
        "outcome.no_answer": "no answer",
        "outcome.declined": "declined",
        "outcome.deferred": "deferred",
        "outcome.accepted": "accepted",
        "outcome.met": "met",
    },
)


def _ebs_met(deal: DealFile, ctx: Context[Any]) -> list[Stakeholder]:
    """The EBs met by the audit date (a planned meeting is not a meeting)."""
    return [person for person in deal.with_role(Role.EB) if ctx.met_on(person)]


_EB_MISSING_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: D-1, name: MES upgrade, account: Acme, stage: discovery, close_date: 2026-12-31}
stakeholders:
  - {name: Li Lei, roles: [TB], met: 2026-11-01}
"""


@rule(
    "EB001",
    "eb-missing",
    summary="No stakeholder holds the economic buyer (EB) role.",
    severity=Severity.HIGH,
    escalation={Stage.DISCOVERY: Severity.CRITICAL},
    doctrine=("D1", "D2", "D3"),
    example=Example.patched(
        _EB_MISSING_FAILS,
        {
            "met: 2026-11-01}\n": (
                "met: 2026-11-01}\n  - {name: Zhang Wei, roles: [EB], met: 2026-11-10}\n"
            ),
        },
    ),
    message=(
        "No economic buyer (EB) is named (stakeholders listed: {count}); the deal is at "
        "{stage}, and nobody on our side knows who makes the final decision."
    ),
    fix=(
        "Find out who signs off on this purchase (ask your coach, or ask the TB who approves "
        "the budget) and add them with `roles: [EB]`."
    ),
)
def eb_missing(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """Fires when no stakeholder is marked as the economic buyer (`roles: [EB]`).

    Why: The economic buyer is the one person who finally says yes or no. Without knowing
    who that is, every other yes can be overruled. The reasons reps give ("nobody knows who
    decides", "engineering says they decide") may be true, and they are still excuses:
    finding the decider is our job. Deals whose decider we never reach are more likely lost
    than won.
    """
    if deal.with_role(Role.EB):
        return
    yield ctx.finding(("stakeholders",), count=len(deal.stakeholders))


_EB_NOT_MET_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: D-2, name: MES upgrade, account: Acme, stage: proposal, close_date: 2026-12-31}
stakeholders:
  - {name: Zhang Wei, roles: [EB]}
"""


@rule(
    "EB002",
    "eb-not-met",
    summary="An economic buyer is named but nobody on our side has met them.",
    severity=Severity.MEDIUM,
    escalation={Stage.DISCOVERY: Severity.HIGH, Stage.PROPOSAL: Severity.CRITICAL},
    doctrine=("D3", "D4", "D5", "D7", "D8"),
    example=Example.patched(
        _EB_NOT_MET_FAILS,
        {
            "roles: [EB]}": "roles: [EB], met: 2026-11-10}",
        },
    ),
    message={
        "one": (
            "{names} (EB) has never been met; the deal is at {stage}. Without meeting the "
            "economic buyer, this deal is more likely lost than won."
        ),
        "several": (
            "None of the economic buyers ({names}) has been met; the deal is at {stage}. "
            "Without meeting the economic buyer, this deal is more likely lost than won."
        ),
        "default": "The economic buyer ({names}) has never been met; the deal is at {stage}.",
    },
    fix=(
        "Get the first EB meeting through preparation and a referral, not repeated calls: "
        "analyse {names}'s situation and influencers, ask someone who knows them to introduce "
        "you, and record the meeting date in `met` once it happens."
    ),
)
def eb_not_met(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """Fires when at least one stakeholder holds the EB role but none of them has a `met` date
    on or before the audit date.

    Why: If you never meet the economic buyer, the chance of losing the deal is over 50%,
    worse than a coin toss, however many other people you have won over. Without the EB's
    yes everyone else's yes is worthless; meeting the EB makes the project a company matter,
    shows every other role that we have access at the top, and is where the truth about the
    budget, the leaning and the competitors is.
    """
    ebs = deal.with_role(Role.EB)
    if not ebs or any(ctx.met_on(person) for person in ebs):
        return
    names = ctx.join(person.name for person in ebs)
    subject = ebs[0].name if len(ebs) == 1 else None
    variant = "one" if len(ebs) == 1 else "several"
    yield ctx.finding(ctx.path_of(ebs[0]), subject=subject, variant=variant, names=names)


_EB_AUTHORITY_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: D-3, name: MES upgrade, account: Acme, stage: proposal, close_date: 2026-12-31}
stakeholders:
  - {name: Zhang Wei, title: Plant director, roles: [EB], met: 2026-11-10, authority: claimed}
"""


@rule(
    "EB003",
    "eb-authority-unconfirmed",
    summary=("An economic buyer's authority is only claimed, or still unknown at proposal."),
    # The ladder is that of a claimed authority; an unknown one stays medium.
    severity=Severity.MEDIUM,
    escalation={Stage.PROPOSAL: Severity.HIGH},
    conditions={"unknown": Severity.MEDIUM},
    doctrine=("D1", "D2", "D4"),
    example=Example.patched(
        _EB_AUTHORITY_FAILS,
        {
            "authority: claimed": "authority: confirmed",
        },
    ),
    message={
        "claimed": (
            "{subject} is treated as the economic buyer only because someone says so "
            "(authority: claimed); nobody has confirmed that {subject} makes the final "
            "decision. The deal is at {stage}."
        ),
        "unknown": (
            "Nobody has established whether {subject} really makes the final decision "
            "(authority: unknown), and the deal is already at {stage}."
        ),
    },
    fix=(
        "Confirm {subject}'s authority: ask your coach who signed off the last purchase of "
        "this size, or ask {subject} how the decision will be made and who else must agree. "
        "Then set `authority: confirmed`, or add the real decider with `roles: [EB]`."
    ),
    texts={
        "severity_when.unknown": "{severity} at every stage when `authority` is `unknown`",
    },
)
def eb_authority_unconfirmed(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """For each stakeholder with the EB role (one finding each): fires when their `authority`
    is `claimed` (at any stage), or when it is `unknown` (also when not written at all) from
    proposal on.

    Why: "He decides" is something people say, not a fact. Reps are told "engineering
    decides" or "procurement decides" and take it at face value; often it is what keeps us
    away from the real decider. If the person we treat as the economic buyer cannot actually
    sign, every yes we collect can still be overruled by someone we have never met. By the
    time we write a proposal, we must know who decides.
    """
    late = ctx.stage.reached(Stage.PROPOSAL)
    for person in deal.with_role(Role.EB):
        at = ctx.path_of(person, "authority")
        if person.authority is Authority.CLAIMED:
            yield ctx.finding(at, subject=person.name, variant="claimed")
        elif person.authority is Authority.UNKNOWN and late:
            # Not knowing yet is milder than being told something unverified.
            yield ctx.finding(at, subject=person.name, variant="unknown", condition="unknown")


_EB_NO_ACCESS_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: D-4, name: MES upgrade, account: Acme, stage: qualification, close_date: 2027-03-31}
stakeholders:
  - {name: Zhang Wei, title: General manager, roles: [EB]}
eb_access:
  attempts:
    - {date: 2026-11-03, channel: phone, outcome: no_answer}
"""


@rule(
    "EB004",
    "eb-no-access-plan",
    summary=(
        "From qualification, the EB has not been met and there is no preparation or no way in."
    ),
    severity=Severity.HIGH,
    applies_from=Stage.QUALIFICATION,
    doctrine=("D2", "D9"),
    example=Example.patched(
        _EB_NO_ACCESS_FAILS,
        {
            "eb_access:\n": (
                "eb_access:\n"
                "  analysis: Cares about delivery time and inventory turns;\n"
                "    his assistant Wang keeps his diary.\n"
                "  referral: {via: Liu Yang, relation: former classmate, status: asked}\n"
            ),
        },
    ),
    message={
        "both": (
            "Nobody has met the economic buyer ({names}), and there is no plan to change "
            "that: no preparation (`eb_access.analysis`) and no way in (no referral who could "
            "introduce us, no next step with a due date). The deal is at {stage}."
        ),
        "preparation": (
            "Nobody has met the economic buyer ({names}), and nobody has prepared the "
            "approach: `eb_access.analysis` is empty (their work situation, personal "
            "situation, and who sways them). The deal is at {stage}."
        ),
        "way_in": (
            "Nobody has met the economic buyer ({names}), and there is no way in: no referral "
            "who could introduce us and no `eb_access.next_step` with a due date. The deal is "
            "at {stage}."
        ),
    },
    fix={
        "default": (
            "Plan the approach to {names}: write down what you know of their situation and "
            "who influences them (`eb_access.analysis`), find someone who knows them to "
            "introduce you (`eb_access.referral.via`), and set the next step with a due date "
            "(`eb_access.next_step`)."
        ),
        "preparation": (
            "Prepare before the next contact: write down the work priorities, personal "
            "situation and the people who sway {names} (assistant, deputies, trusted "
            "engineers) in `eb_access.analysis`; your coach can help."
        ),
        "way_in": (
            "Find a way in to {names}: ask who knows them (a former colleague, a partner, "
            "your coach) and record the referral in `eb_access.referral.via`, or agree a "
            "dated next step such as an introduction email (`eb_access.next_step` with "
            "`due`)."
        ),
    },
)
def eb_no_access_plan(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """From qualification, when an EB is named and none has been met: fires when there is no
    preparation (`eb_access.analysis` is missing or empty), or no way in: neither a referral
    naming who can introduce us (`eb_access.referral.via`) nor an `eb_access.next_step` with
    a `due` date. A referral without a `via` does not count: a way in needs a person. The
    message says what is missing: preparation, a way in, or both.

    Why: The first meeting with the economic buyer rarely comes from asking harder. It comes
    from a plan: know the EB's work situation, personal situation and the people who
    influence them; find someone who knows the EB to introduce us (the easiest way in, and
    it helps the relationship afterwards); and turn every contact into a next step with a
    date. Without that plan the deal waits for luck.
    """
    ebs = deal.with_role(Role.EB)
    if not ebs or _ebs_met(deal, ctx):
        return
    access = deal.eb_access
    prepared = access is not None and not no_value(access.analysis)
    has_way_in = access is not None and (
        # A referral needs someone to introduce us; a follow-up needs a date.
        (access.referral is not None and not no_value(access.referral.via))
        or (access.next_step is not None and access.next_step.due is not None)
    )
    if prepared and has_way_in:
        return
    if not prepared and not has_way_in:
        variant, at = "both", "eb_access"
    elif not prepared:
        variant, at = "preparation", "eb_access.analysis"
    else:
        variant, at = "way_in", "eb_access.referral"
    yield ctx.finding(at, variant=variant, names=ctx.join(p.name for p in ebs))


class ChasingOptions(RuleOptions):
    max_attempts: int = Field(default=3, ge=1)


_FAILED = frozenset({Outcome.NO_ANSWER, Outcome.DECLINED, Outcome.DEFERRED})
# Attempts through these channels are the doctrine's way in, not chasing.
_WAYS_IN = frozenset({Channel.REFERRAL, Channel.EMAIL})

_EB_CHASING_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: D-5, name: MES upgrade, account: Acme, stage: discovery, close_date: 2027-01-31}
stakeholders:
  - {name: Zhang Wei, title: General manager, roles: [EB]}
eb_access:
  attempts:
    - {date: 2026-10-28, channel: phone, outcome: no_answer}
    - {date: 2026-11-04, channel: phone, outcome: deferred}
    - {date: 2026-11-12, channel: phone, outcome: declined}
"""


@rule(
    "EB005",
    "eb-chasing",
    summary=("Repeated failed calls to an EB not yet met, with no referral or introduction email."),
    severity=Severity.MEDIUM,
    options=ChasingOptions,
    doctrine=("D2", "D9"),
    example=Example.patched(
        _EB_CHASING_FAILS,
        {
            "channel: phone, outcome: declined": "channel: email, outcome: deferred",
        },
    ),
    message=(
        "The last {count} attempts to reach {names} all failed: {attempts}. Calling again and "
        "again makes a meeting less likely, not more."
    ),
    fix=(
        "Stop calling {names}. Ask someone who knows them to introduce you "
        "(`eb_access.referral`), or offer to send a short email introducing us and ask again "
        "once they know us; record it as `eb_access.next_step` with a due date."
    ),
    texts={
        "attempt": "{date} {channel} ({outcome})",
        "the_eb": "the economic buyer",
    },
)
def eb_chasing(deal: DealFile, ctx: Context[ChasingOptions]) -> Iterator[Finding]:
    """While no EB has been met: takes the `max_attempts` (3) most recent `eb_access.attempts`
    dated on or before the audit date (by date; attempts of the same day keep file order,
    the later line counting as later), and fires when every one ended `no_answer`,
    `declined` or `deferred` and none went through `referral` or `email`. With fewer
    attempts than `max_attempts`, it does not fire.

    Why: Calling the economic buyer again and again to beg for a meeting turns into
    harassment and makes the meeting less likely; better phone scripts do not fix it. What
    works is a different approach: someone who knows the EB introduces us, or we offer to
    send a short email introducing ourselves when the EB is busy, and ask again once they
    know who we are.
    """
    wanted = ctx.options.max_attempts
    if deal.eb_access is None or wanted < 1 or _ebs_met(deal, ctx):
        return
    # Future attempts are plans (HY007 reports them); a stable sort keeps
    # file order among attempts of the same day, the later line being later.
    done = [(i, a) for i, a in enumerate(deal.eb_access.attempts) if a.date <= ctx.as_of]
    latest = sorted(done, key=lambda item: item[1].date)[-wanted:]
    if len(latest) < wanted:
        return  # too few attempts yet to call it chasing
    if any(a.outcome not in _FAILED or a.channel in _WAYS_IN for _, a in latest):
        return
    attempts = ctx.join(
        ctx.text(
            "attempt",
            date=a.date.isoformat(),
            channel=ctx.catalogue.text(f"channel.{a.channel.value}"),
            outcome=ctx.catalogue.text(f"outcome.{a.outcome.value}"),
        )
        for _, a in latest
    )
    ebs = deal.with_role(Role.EB)
    names = ctx.join(p.name for p in ebs) if ebs else ctx.text("the_eb")
    last_index = latest[-1][0]
    yield ctx.finding(
        ("eb_access", "attempts", last_index),
        names=names,
        count=len(latest),
        attempts=attempts,
    )


class StaleOptions(RuleOptions):
    max_days: int = Field(default=90, ge=0)


_EB_STALE_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: D-6, name: MES upgrade, account: Acme, stage: proposal, close_date: 2026-12-31}
stakeholders:
  - {name: Zhang Wei, title: General manager, roles: [EB], met: 2026-07-15}
"""


@rule(
    "EB006",
    "eb-meeting-stale",
    summary="From proposal, the last meeting with the EB is more than 90 days old.",
    severity=Severity.MEDIUM,
    applies_from=Stage.PROPOSAL,
    options=StaleOptions,
    doctrine=("D5", "D8"),
    example=Example.patched(
        _EB_STALE_FAILS,
        {
            "met: 2026-07-15": "met: 2026-10-30",
        },
    ),
    message=(
        "The last meeting with {subject} (EB) was on {date}, {days} days ago (more than "
        "{max_days}); the deal is at {stage}, and what the EB wanted then may have changed."
    ),
    fix=(
        "Book a meeting with {subject} now, before the decision is taken without us: confirm "
        "the project, budget, decision date and competitors in person, then update `met` and "
        "`insights`."
    ),
)
def eb_meeting_stale(deal: DealFile, ctx: Context[StaleOptions]) -> Iterator[Finding]:
    """From proposal, when an EB has been met: fires when the latest meeting with any EB
    (`met`, on or before the audit date) is more than `max_days` (90) days before the audit
    date. Exactly 90 days is not stale; 91 is.

    Why: A meeting with the economic buyer makes the project a company matter and is where
    we learn the truth about budget, timing and the competition. That truth moves: three
    months later priorities, budgets and rivals may have changed, and the urgency the
    meeting created has faded. A late-stage deal needs a recent word from the person who
    decides.
    """
    meetings = [(day, p) for p in deal.with_role(Role.EB) if (day := ctx.met_on(p)) is not None]
    if not meetings:
        return  # never met at all is EB002's finding
    day, latest = max(meetings, key=lambda meeting: meeting[0])
    if ctx.days_before(day) <= ctx.options.max_days:
        return
    yield ctx.finding(
        ctx.path_of(latest, "met"),
        subject=latest.name,
        date=day.isoformat(),
        days=ctx.days_before(day),
        max_days=ctx.options.max_days,
    )


_EB_INSIGHTS_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: D-7, name: MES upgrade, account: Acme, stage: discovery, close_date: 2027-01-31}
stakeholders:
  - {name: Zhang Wei, title: General manager, roles: [EB], met: 2026-11-10}
insights:
  project_confirmed: true
  budget_confirmed: false
"""


@rule(
    "EB007",
    "eb-insights-missing",
    summary=(
        "From discovery, the EB has been met but project, budget, decision date or "
        "competitors are unconfirmed."
    ),
    severity=Severity.MEDIUM,
    applies_from=Stage.DISCOVERY,
    doctrine=("D8",),
    example=Example.patched(
        _EB_INSIGHTS_FAILS,
        {
            "budget_confirmed: false\n": (
                "budget_confirmed: true\n"
                "  decision_date: 2026-12-15\n"
                "  competitors: []\n"
                "  source: Zhang Wei\n"
            ),
        },
    ),
    message=(
        "{names} (EB) has been met, but still unconfirmed: {missing}. The deal is at {stage}."
    ),
    fix=(
        "At the next meeting with {names}, or through your coach, find out {topics}, and "
        "record the answers under `insights`."
    ),
    texts={
        "item.project": "whether the project is approved and funded (`project_confirmed: true`)",
        "item.budget": "the budget (`budget_confirmed: true`)",
        "item.decision_date": "the decision date (`decision_date`)",
        "item.competitors": "the competitors (`competitors`; an empty list if there are none)",
        "topic.project": "whether the project is approved and funded",
        "topic.budget": "how much budget there is",
        "topic.decision_date": "when they will decide",
        "topic.competitors": "who else is competing for the deal",
    },
)
def eb_insights_missing(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """From discovery, when an EB has been met: fires when `insights` lacks any of
    `project_confirmed: true`, `budget_confirmed: true`, a `decision_date`, or `competitors`
    (an explicit empty list counts as known: there are none). The message lists what is
    still unconfirmed.

    Why: The economic buyer is where the truth is: whether the project is real and funded,
    how big the budget is, when they will decide, and who else is in the race. Having met
    the EB without learning these means the meeting has not yet paid off, and the forecast
    rests on guesses.
    """
    met = _ebs_met(deal, ctx)
    if not met:
        return
    known = deal.insights
    missing = [
        key
        for key, confirmed in (
            ("project", known is not None and known.project_confirmed is True),
            ("budget", known is not None and known.budget_confirmed is True),
            ("decision_date", known is not None and known.decision_date is not None),
            # An explicit empty list is an answer: there are no competitors.
            ("competitors", known is not None and known.competitors is not None),
        )
        if not confirmed
    ]
    if not missing:
        return
    yield ctx.finding(
        ("insights",),
        names=ctx.join(p.name for p in met),
        missing=ctx.join(ctx.text(f"item.{key}") for key in missing),
        topics=ctx.join(ctx.text(f"topic.{key}") for key in missing),
    )


RULES = [
    eb_missing,
    eb_not_met,
    eb_authority_unconfirmed,
    eb_no_access_plan,
    eb_chasing,
    eb_meeting_stale,
    eb_insights_missing,
]
