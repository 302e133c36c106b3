"""EB: the economic buyer (doctrine D1-D9, D18, D22, D24).

The economic buyer is the person who finally decides. Without their yes,
everyone else's yes is worthless (D4); meeting them makes the project a
company matter (D5), lifts the value of what we solve (D6), shows the other
roles we have access at the top (D7), and is where the truth about budget,
leaning and competitors lives (D8). A deal whose EB we never met is more
likely lost than won (D3). The way in is preparation, a referral and a
follow-up plan, never phoning again and again (D9). Knowing an EB is not
knowing the decision: meet the person who signs (D18). An EB who sees no
reason to change will not decide (D22). People change: a gone EB holds no
role, and what they told us must be confirmed again with whoever holds it now
(D24). In an announced tender, the EB work had to be done before the
announcement, and the evaluation committee is never contacted privately (D19).
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
    Mode,
    NoOptions,
    Outcome,
    Preference,
    ReferralStatus,
    Role,
    RuleOptions,
    Severity,
    Stage,
    Stakeholder,
    no_value,
    rule,
    written_name,
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
        "D22": "A buyer acts only when they see a gap",
        "D24": "People change: confirm again with whoever holds the role now",
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
        "referral.due": " (next step due {due}: {action})",
        "referral.status.planned": "planned",
        "referral.status.asked": "asked for",
        "referral.status.agreed": "agreed",
        "referral.status.introduced": "done: you have been introduced",
    },
)


def _ebs_met(ctx: Context[Any]) -> list[Stakeholder]:
    """The EBs who count (customer-side, not gone) met by the audit date (a
    planned meeting is not a meeting)."""
    return [person for person in ctx.holders(Role.EB) if ctx.met_on(person)]


def _eb_names(ctx: Context[Any]) -> str:
    """The EBs who hold the role now, or words for the economic buyer when none does."""
    ebs = ctx.holders(Role.EB)
    return ctx.names(p.name for p in ebs) if ebs else ctx.catalogue.text("words.the_eb")


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
    contact=True,
    summary="No stakeholder holds the economic buyer (EB) role.",
    severity=Severity.LOW,
    escalation={Stage.QUALIFICATION: Severity.HIGH, Stage.DISCOVERY: Severity.CRITICAL},
    doctrine=("D1", "D2", "D3", "D24"),
    example=Example.patched(
        _EB_MISSING_FAILS,
        {
            "met: 2026-11-01}\n": (
                "met: 2026-11-01}\n  - {name: Zhang Wei, roles: [EB], met: 2026-11-10}\n"
            ),
        },
    ),
    message={
        "default": (
            "No economic buyer (EB) is named (stakeholders listed: {count}); the deal is at "
            "{stage}, and nobody on our side knows who makes the final decision."
        ),
        "gone": (
            "Nobody holds the economic buyer (EB) role now: it was held by {names}. The "
            "deal is at {stage}, and nobody on our side knows who makes the final decision."
        ),
    },
    fix={
        "default": (
            "Find out who signs off on this purchase (ask {coach}, or ask the TB who "
            "approves the budget) and add them with `roles: [EB]`."
        ),
        "gone": (
            "Find out who decides now that {names} has left (ask {coach}, or the TB who "
            "approves the budget), add them with `roles: [EB]`, and meet them: a new EB who "
            "has never met us is an unmet EB."
        ),
    },
    texts={
        "gone_person": "{name} (left {date})",
    },
)
def eb_missing(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """Fires when no stakeholder who counts holds the economic buyer role (`roles: [EB]`):
    customer-side and not gone. Someone who held the role and has `left` on or before the
    audit date holds it no more; the message then names them.

    Why: The economic buyer is the one person who finally says yes or no. Without knowing
    who that is, every other yes can be overruled. The reasons reps give ("nobody knows who
    decides", "engineering says they decide") may be true, and they are still excuses:
    finding the decider is our job. Deals whose decider we never reach are more likely lost
    than won. When the EB leaves, the role does not leave with them: someone else decides
    now, and they have never met us.
    """
    if ctx.holders(Role.EB):
        return
    gone = [p for p in deal.stakeholders if p.has_role(Role.EB) and ctx.gone(p)]
    if gone:
        names = ctx.names(
            ctx.text("gone_person", name=p.name, date=p.left.isoformat() if p.left else "")
            for p in gone
        )
        yield ctx.finding(ctx.path_of(gone[0], "left"), variant="gone", names=names)
        return
    yield ctx.finding(("stakeholders",), count=len(deal.stakeholders))


_EB_NOT_MET_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: D-2, name: MES upgrade, account: Acme, stage: proposal, close_date: 2026-12-31}
stakeholders:
  - {name: Zhang Wei, roles: [EB]}
"""

# A referral that has moved this far is the way in the fix should name.
# A referral asked for (or only planned) is still the way in the fix should name.
_REFERRAL_NAMED = {
    ReferralStatus.AGREED: "agreed",
    ReferralStatus.INTRODUCED: "introduced",
    ReferralStatus.ASKED: "asked",
    # Not asked yet, or not said: the fix must not tell the rep they have asked.
    ReferralStatus.PLANNED: "planned",
    None: "planned",
}

_MORE_LIKELY_LOST = "Without meeting the economic buyer, this deal is more likely lost than won."


@rule(
    "EB002",
    "eb-not-met",
    summary="An economic buyer is named but nobody on our side has met them.",
    severity=Severity.MEDIUM,
    escalation={Stage.DISCOVERY: Severity.HIGH, Stage.PROPOSAL: Severity.CRITICAL},
    doctrine=("D3", "D4", "D5", "D7", "D8", "D19"),
    example=Example.patched(
        _EB_NOT_MET_FAILS,
        {
            "roles: [EB]}": "roles: [EB], met: 2026-11-10}",
        },
    ),
    message={
        "default": "{lead}; the deal is at {stage}. " + _MORE_LIKELY_LOST,
        "tender": (
            "{lead}, and the tender was announced on {announced}: the EB work had to be done "
            "before the announcement, and the evaluation committee must not be contacted "
            "privately now. The deal is at {stage}. " + _MORE_LIKELY_LOST
        ),
    },
    fix={
        "default": (
            "Get the first EB meeting through preparation and a referral, not repeated calls: "
            "analyse {names}'s situation and influencers, ask someone who knows them to "
            "introduce you, and record the meeting date in `met` once it happens."
        ),
        "agreed": (
            "{via} has agreed to introduce you to {names}: fix the date of the introduction "
            "with {via} now, prepare what {names} cares about, and record the meeting in "
            "`met` once it happens."
        ),
        "agreed_due": (
            "{via} has agreed to introduce you to {names}, and the next step is due on {due} "
            "({action}): keep that date, prepare what {names} cares about, and record the "
            "meeting in `met` once it happens."
        ),
        "introduced": (
            "{via} has introduced you to {names}: follow up now with a concrete request for "
            "a meeting (offer a short email introducing us if a date is hard to find), and record "
            "the meeting in `met` once it happens."
        ),
        "introduced_due": (
            "{via} has introduced you to {names}, and the next step is due on {due} "
            "({action}): turn it into a meeting, and record the date in `met` once it "
            "happens."
        ),
        "asked": (
            "You have asked {via} to introduce you to {names}: follow up with {via} until "
            "the introduction has a date (not with calls to {names}), prepare what {names} "
            "cares about, and record the meeting in `met` once it happens."
        ),
        "asked_due": (
            "You have asked {via} to introduce you to {names}, and the next step is due on "
            "{due} ({action}): keep that date, prepare what {names} cares about, and record "
            "the meeting in `met` once it happens."
        ),
        "planned": (
            "Ask {via} to introduce you to {names}: say what {names} gains from the "
            "meeting, follow up with {via} until the introduction has a date (not with calls "
            "to {names}), and record the meeting in `met` once it happens."
        ),
        "planned_due": (
            "Ask {via} to introduce you to {names}; the next step is due on {due} "
            "({action}): keep that date, prepare what {names} cares about, and record the "
            "meeting in `met` once it happens."
        ),
        "tender": (
            "Do not try to meet {names} or anyone on the evaluation committee privately "
            "while the tender runs. Win it on compliance: check the bid against every "
            "requirement of the tender documents with your compliance or legal team, send "
            "questions only as clarification requests through the official channel, and make "
            "the bid itself answer what the customer needs."
        ),
    },
    texts={
        "lead.one": "{names} (EB) has never been met",
        "lead.several": "None of the economic buyers ({names}) has been met",
    },
)
def eb_not_met(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """Fires when at least one stakeholder holds the EB role (customer-side, not gone) but none
    of them has a `met` date on or before the audit date.

    In an announced tender (`procurement.method` `public_tender` or `invited_tender`,
    `procurement.announced` on or before the audit date), the message and fix say that the
    EB work had to be done before the announcement and that the evaluation committee must not
    be contacted privately. Otherwise, when `eb_access.referral` names who can introduce us
    (`via`), the fix names them, what the referral's `status` says (agreed, introduced,
    asked, or only planned or not said: then the fix says to ask), and the due date of
    `eb_access.next_step`, if any.

    Why: If you never meet the economic buyer, the chance of losing the deal is over 50%,
    worse than a coin toss, however many other people you have won over. Without the EB's
    yes everyone else's yes is worthless; meeting the EB makes the project a company matter,
    shows every other role that we have access at the top, and is where the truth about the
    budget, the leaning and the competitors is. In a public tender, private contact with the
    evaluation committee is forbidden: that work must be done before the announcement, and
    afterwards the deal is won on compliance.
    """
    ebs = ctx.holders(Role.EB)
    if not ebs or _ebs_met(ctx):
        return
    names = ctx.names(person.name for person in ebs)
    lead = ctx.text("lead.one" if len(ebs) == 1 else "lead.several", names=names)
    at = ctx.path_of(ebs[0])
    subject = ebs[0].name if len(ebs) == 1 else None
    if ctx.in_announced_tender:
        yield ctx.finding(
            at,
            subject=subject,
            variant="tender",
            names=names,
            lead=lead,
            announced=ctx.announced,
        )
        return
    access = deal.eb_access
    referral = access.referral if access else None
    if referral is not None and referral.via is not None and not no_value(referral.via):
        step = access.next_step if access else None
        variant = _REFERRAL_NAMED[referral.status]
        facts: dict[str, Any] = {"via": referral.via.strip()}
        if step is not None and step.due is not None:
            variant += "_due"
            facts.update(due=step.due.isoformat(), action=step.action)
        yield ctx.finding(at, subject=subject, variant=variant, names=names, lead=lead, **facts)
        return
    yield ctx.finding(at, subject=subject, names=names, lead=lead)


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
    contact=True,
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
        "Confirm {subject}'s authority: ask {coach} who signed off the last purchase of "
        "this size, or ask {subject} how the decision will be made and who else must agree. "
        "Then set `authority: confirmed`, or {decider}."
    ),
    texts={
        "decider": "add the real decider with `roles: [EB]`",
        "decider_signer": (
            "if {signer}, who signs, is the one who decides, give {signer} `roles: [EB]`"
        ),
        "decider_signer_eb": (
            "if {signer}, who signs and holds the EB role too, decides alone, take `EB` off "
            "{subject}'s `roles`"
        ),
        "severity_when.unknown": "{severity} at every stage when `authority` is `unknown`",
    },
)
def eb_authority_unconfirmed(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """For each stakeholder with the EB role (customer-side, not gone; one finding each):
    fires when their `authority`
    is `claimed` (at any stage), or when it is `unknown` (also when not written at all) from
    proposal on.

    Why: "He decides" is something people say, not a fact. Reps are told "engineering
    decides" or "procurement decides" and take it at face value; often it is what keeps us
    away from the real decider. If the person we treat as the economic buyer cannot actually
    sign, every yes we collect can still be overruled by someone we have never met. By the
    time we write a proposal, we must know who decides.
    """
    late = ctx.stage.reached(Stage.PROPOSAL)
    signer = written_name(deal.decision_process.signer if deal.decision_process else None)
    for person in ctx.holders(Role.EB):
        at = ctx.path_of(person, "authority")
        decider = _decider(ctx, signer, person)
        if person.authority is Authority.CLAIMED:
            yield ctx.finding(at, subject=person.name, variant="claimed", decider=decider)
        elif person.authority is Authority.UNKNOWN and late:
            # Not knowing yet is milder than being told something unverified.
            yield ctx.finding(
                at, subject=person.name, variant="unknown", condition="unknown", decider=decider
            )


def _decider(ctx: Context[Any], signer: str | None, person: Stakeholder) -> str:
    """What to record if `person` turns out not to decide: the signer the file records is
    the first candidate for the real decider (already an EB: then `person` is not one; gone:
    not a candidate at all)."""
    named = ctx.person(signer)
    if signer is None or ctx.same(signer, person.name) or (named and ctx.gone(named)):
        return ctx.text("decider")  # a signer who has left decides nothing now (EB008)
    if named is not None and named.has_role(Role.EB) and ctx.counts(named):
        return ctx.text("decider_signer_eb", signer=signer, subject=person.name)
    return ctx.text("decider_signer", signer=signer)


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
    doctrine=("D2", "D9", "D19"),
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
            "engineers) in `eb_access.analysis`; {coach} can help."
        ),
        "way_in": (
            "Find a way in to {names}: ask who knows them (a former colleague, a partner, "
            "{coach}) and record the referral in `eb_access.referral.via`, or agree a "
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
    message says what is missing: preparation, a way in, or both. Never in an announced
    tender (`procurement.method` `public_tender` or `invited_tender`, announced on or
    before the audit date): then a way in to the EB is what must not be sought (EB002 says
    so).

    Why: The first meeting with the economic buyer rarely comes from asking harder. It comes
    from a plan: know the EB's work situation, personal situation and the people who
    influence them; find someone who knows the EB to introduce us (the easiest way in, and
    it helps the relationship afterwards); and turn every contact into a next step with a
    date. Without that plan the deal waits for luck. Once a tender is announced, that work is
    over: private contact with the evaluation committee is forbidden.
    """
    ebs = ctx.holders(Role.EB)
    if not ebs or _ebs_met(ctx) or ctx.in_announced_tender:
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
    yield ctx.finding(at, variant=variant, names=ctx.names(p.name for p in ebs))


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
    fix={
        "default": (
            "Stop calling {names}. Ask someone who knows them to introduce you "
            "(`eb_access.referral`), or offer to send a short email introducing us and ask "
            "again once they know us; record it as `eb_access.next_step` with a due date."
        ),
        "referral": (
            "Stop calling {names}. The referral through {via} is {status}: use that way "
            "in{due}, and record the introduction in `eb_access.attempts` with "
            "`channel: referral`."
        ),
        "tender": (
            "Stop trying to reach {names}: the tender was announced on {announced}, and "
            "private contact now puts the bid at risk. Send questions only as clarification "
            "requests through the official channel, and win on the bid itself."
        ),
    },
    texts={
        "attempt": "{date} {channel} ({outcome})",
    },
)
def eb_chasing(deal: DealFile, ctx: Context[ChasingOptions]) -> Iterator[Finding]:
    """While no EB (customer-side, not gone) has been met: takes the `max_attempts` (3) most
    recent `eb_access.attempts` dated on or before the audit date (by date; attempts of the
    same day keep file order, the later line counting as later), and fires when every one
    ended `no_answer`,
    `declined` or `deferred` and none went through `referral` or `email`. With fewer
    attempts than `max_attempts`, it does not fire.

    Why: Calling the economic buyer again and again to beg for a meeting turns into
    harassment and makes the meeting less likely; better phone scripts do not fix it. What
    works is a different approach: someone who knows the EB introduces us, or we offer to
    send a short email introducing ourselves when the EB is busy, and ask again once they
    know who we are. Once a tender is announced, even that stops: private contact can cost
    the bid.
    """
    wanted = ctx.options.max_attempts
    if deal.eb_access is None or wanted < 1 or _ebs_met(ctx):
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
    last_index = latest[-1][0]
    way_in = _referral_facts(deal, ctx)  # the file's own way in, when it records one
    variant = "tender" if ctx.in_announced_tender else ("referral" if way_in else None)
    yield ctx.finding(
        ("eb_access", "attempts", last_index),
        variant=variant,
        names=_eb_names(ctx),
        count=len(latest),
        attempts=attempts,
        announced=ctx.announced,
        **way_in,
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
    conditions={"twice": Severity.HIGH},
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
    fix={
        "default": (
            "Book a meeting with {subject} now, before the decision is taken without us: "
            "confirm the project, budget, decision date and competitors in person, then "
            "update `met` and `insights`."
        ),
        "tender": (
            "The tender was announced on {announced}: do not seek a private meeting with "
            "{subject} now. Make the bid answer what {subject} said on {date}, and send any "
            "question only as a clarification request through the official channel."
        ),
    },
    texts={
        "severity_when.twice": "{severity} beyond twice `max_days`",
    },
)
def eb_meeting_stale(deal: DealFile, ctx: Context[StaleOptions]) -> Iterator[Finding]:
    """From proposal, when an EB (customer-side, not gone) has been met: fires when the latest
    meeting with any EB (`met`, on or before the audit date) is more than `max_days` (90)
    days before the audit date; beyond twice `max_days` (180) it weighs more. Exactly 90
    days is not stale; 91 is.

    Why: A meeting with the economic buyer makes the project a company matter and is where
    we learn the truth about budget, timing and the competition. That truth moves: three
    months later priorities, budgets and rivals may have changed, and the urgency the
    meeting created has faded. Six months later it is as if we had never met. A late-stage
    deal needs a recent word from the person who decides.
    """
    meetings = [(day, p) for p in ctx.holders(Role.EB) if (day := ctx.met_on(p)) is not None]
    if not meetings:
        return  # never met at all is EB002's finding
    day, latest = max(meetings, key=lambda meeting: meeting[0])
    days = ctx.days_before(day)
    if days <= ctx.options.max_days:
        return
    yield ctx.finding(
        ctx.path_of(latest, "met"),
        subject=latest.name,
        condition="twice" if days > 2 * ctx.options.max_days else None,
        variant="tender" if ctx.in_announced_tender else None,
        date=day.isoformat(),
        days=days,
        max_days=ctx.options.max_days,
        announced=ctx.announced,
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
    contact=True,
    summary=("From discovery, the project, budget, decision date or competitors are unconfirmed."),
    severity=Severity.MEDIUM,
    applies_from=Stage.DISCOVERY,
    conditions={"late": Severity.HIGH},
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
    message={
        "default": "Still unconfirmed: {missing}. The deal is at {stage}.",
        "met": (
            "{names} (EB) has been met, but still unconfirmed: {missing}. The deal is at {stage}."
        ),
    },
    fix={
        "default": (
            "Find out {topics} from {names}, or through {coach}, and record the answers "
            "under `insights`."
        ),
        "met": (
            "At the next meeting with {names}, or through {coach}, find out {topics}, and "
            "record the answers under `insights`."
        ),
        "tender": (
            "The tender was announced on {announced}: read the tender documents to find out "
            "{topics} (a published tender states its budget ceiling and its timetable to the "
            "award; the bid opening names the other bidders). Ask what they leave unclear only "
            "as a clarification through the official channel, and record the answers under "
            "`insights`."
        ),
    },
    texts={
        "severity_when.late": (
            "{severity} at negotiation when the project or the budget is not confirmed"
        ),
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
    """From discovery, whether or not an EB has been met: fires when `insights` lacks any of
    `project_confirmed: true`, `budget_confirmed: true`, a `decision_date`, or `competitors`
    (an explicit empty list counts as known: there are none). The message lists what is
    still unconfirmed. At negotiation, an unconfirmed project or budget weighs more. In an
    announced tender the fix takes the answers from the tender documents and the official
    clarification channel.

    Why: The economic buyer is where the truth is: whether the project is real and funded,
    how big the budget is, when they will decide, and who else is in the race. A deal that
    has not learnt these rests its forecast on guesses, whether or not we have met the EB;
    and a deal in negotiation whose project or budget is still unconfirmed may be
    negotiating something that will never be bought.
    """
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
    late = ctx.stage.reached(Stage.NEGOTIATION) and ("project" in missing or "budget" in missing)
    met = _ebs_met(ctx)
    yield ctx.finding(
        ("insights",),
        condition="late" if late else None,
        variant="met" if met else None,
        names=ctx.names(p.name for p in met) if met else _eb_names(ctx),
        missing=ctx.join(ctx.text(f"item.{key}") for key in missing),
        topics=ctx.join(ctx.text(f"topic.{key}") for key in missing),
        **ctx.tender_fix(),
    )


_SIGNER_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: D-8, name: MES upgrade, account: Acme, stage: proposal, close_date: 2026-12-31}
stakeholders:
  - {name: Zhang Wei, title: General manager, roles: [EB], met: 2026-11-10}
  - {name: Sun Guoping, title: Chairman, roles: [EB], authority: confirmed}
decision_process:
  signer: Sun Guoping
"""


@rule(
    "EB008",
    "signer-not-met",
    summary="From discovery, an EB has been met but the person who signs has not.",
    severity=Severity.MEDIUM,
    escalation={Stage.PROPOSAL: Severity.CRITICAL},
    applies_from=Stage.DISCOVERY,
    doctrine=("D3", "D4", "D18"),
    example=Example.patched(
        _SIGNER_FAILS,
        {
            "authority: confirmed}": "authority: confirmed, met: 2026-11-15}",
        },
    ),
    message={
        "default": (
            "{subject} {signs} and has never been met; we have met only {met} (EB). The deal "
            "is at {stage}: the signer is the EB whose yes counts."
        ),
        "gone": (
            "{subject}, who signs (`decision_process.signer`), left on {left}; whoever signs "
            "now has not been met. The deal is at {stage}: the signer is the EB whose yes "
            "counts."
        ),
    },
    fix={
        "default": (
            "Ask {met} to take you to {subject}: prepare what {subject} must hear to sign "
            "(the problem solved, its value, the risk), and record the meeting in `met`."
        ),
        "referral": (
            "The referral through {via} to {subject} is {status}: use that way in{due}, "
            "prepare what {subject} must hear to sign (the problem solved, its value, the "
            "risk), and record the meeting in `met`."
        ),
        "gone": (
            "Find out who signs now that {subject} has left (ask {met}), set "
            "`decision_process.signer` to them, and meet them before the decision."
        ),
        "tender": (
            "The tender was announced on {announced}: do not seek a private meeting with "
            "{subject} now. Make sure the bid answers what {subject} needs to sign, and send "
            "any question only as a clarification request through the official channel."
        ),
    },
    texts={
        "signs.named": "signs (`decision_process.signer`)",
        "signs.confirmed": "(an EB whose authority is confirmed) signs",
    },
)
def signer_not_met(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """From discovery, when an EB (customer-side, not gone) has been met: fires for each
    signer who has not been met (one finding each). The signers are
    `decision_process.signer` if given (any stakeholder, whatever their affiliation), else
    every EB whose `authority` is `confirmed`. A gone signer (`left` on or before the audit
    date) counts as not met; a signer's own `met` counts whatever their affiliation.

    Why: Knowing an EB is not knowing the decision. Committees decide collectively, a board
    or a chairman signs, and the yes that counts is the last one. If we have met a general
    manager but never the chairman who signs, the deal still hangs on someone who has never
    heard us; a deal whose decider we never meet is more likely lost than won.
    """
    met = _ebs_met(ctx)
    if not met:
        return  # no EB met at all is EB002's finding
    process = deal.decision_process
    named = process.signer if process is not None else None
    if named is not None and not no_value(named):
        signer = ctx.person(named)
        signers = [(signer, "named")] if signer is not None else []
    else:
        signers = [
            (p, "confirmed") for p in ctx.holders(Role.EB) if p.authority is Authority.CONFIRMED
        ]
    met_names = ctx.names(p.name for p in met)
    way_in = _referral_facts(deal, ctx)
    for person, how in signers:
        if ctx.met_on(person):
            continue
        gone = ctx.gone(person)
        variant: str | None
        if gone:
            variant = "gone"
        elif ctx.in_announced_tender:
            variant = "tender"
        else:
            # The file's own way in to the EBs we have not met, when it records one.
            variant = "referral" if way_in else None
        at = ("decision_process", "signer") if how == "named" else ctx.path_of(person, "met")
        yield ctx.finding(
            at,
            subject=person.name,
            variant=variant,
            signs=ctx.text(f"signs.{how}"),
            met=met_names,
            left=person.left.isoformat() if gone and person.left else "",
            announced=ctx.announced,
            **way_in,
        )


def _referral_facts(deal: DealFile, ctx: Context[Any]) -> dict[str, Any]:
    """Who can introduce us (`eb_access.referral.via`), its status and the next step."""
    access = deal.eb_access
    referral = access.referral if access else None
    if referral is None or referral.via is None or no_value(referral.via):
        return {}
    status = referral.status.value if referral.status else "planned"
    step = access.next_step if access else None
    due = ""
    if step is not None and step.due is not None:
        due = ctx.catalogue.text("referral.due", due=step.due.isoformat(), action=step.action)
    status_text = ctx.catalogue.text(f"referral.status.{status}")
    return {"via": referral.via.strip(), "status": status_text, "due": due}


_PREFERENCE_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: D-9, name: MES upgrade, account: Acme, stage: proposal, close_date: 2026-12-31}
stakeholders:
  - {name: Zhang Wei, title: General manager, roles: [EB], met: 2026-11-10}
insights:
  preference: competitor
  competitors: [Yonyou]
"""


@rule(
    "EB009",
    "competitor-preferred",
    contact=True,
    summary="From discovery, the customer prefers a competitor.",
    severity=Severity.MEDIUM,
    escalation={Stage.PROPOSAL: Severity.HIGH},
    applies_from=Stage.DISCOVERY,
    doctrine=("D8",),
    example=Example.patched(
        _PREFERENCE_FAILS,
        {
            "preference: competitor": "preference: undecided",
        },
    ),
    message={
        "default": (
            "The customer leans towards a competitor (`insights.preference: competitor`); "
            "the deal is at {stage}."
        ),
        "named": (
            "The customer leans towards a competitor (`insights.preference: competitor`; "
            "competitors: {competitors}); the deal is at {stage}."
        ),
    },
    fix={
        "default": (
            "Find out from {names} why the competitor is preferred: on which decision criteria "
            "it wins, and who supports it. Then change the criteria or win over the people (a "
            "reference visit, a pilot, a stronger sponsor), or decide openly whether this deal "
            "is still worth the effort."
        ),
        "tender": (
            "The tender was announced on {announced}: private meetings can no longer change "
            "the leaning. Find in the tender documents the evaluation criteria that favour the "
            "competitor, question one written for a single bidder as a clarification "
            "through the official channel, and make the bid win on the criteria that score; "
            "or decide openly not to bid."
        ),
    },
)
def competitor_preferred(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """From discovery, fires when `insights.preference` is `competitor`. The message names
    the competitors when `insights.competitors` lists them. In an announced tender the fix
    works through the tender's criteria and its official channel.

    Why: The economic buyer is where the truth is, and the leaning is part of it. A
    customer that prefers a competitor will, by default, buy from them; by proposal, a deal
    whose customer leans the other way needs a plan to change that, or an honest decision
    to spend our effort elsewhere.
    """
    known = deal.insights
    if known is None or known.preference is not Preference.COMPETITOR:
        return
    rivals = known.competitors or []
    yield ctx.finding(
        ("insights", "preference"),
        variant="named" if rivals else None,
        competitors=ctx.join(rivals),
        names=_eb_names(ctx),
        **ctx.tender_fix(),
    )


# Blue Sheet response modes in which a buyer sees no gap, so no reason to act.
_NO_GAP = frozenset({Mode.EVEN_KEEL, Mode.OVERCONFIDENT})

_MODE_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: D-10, name: MES upgrade, account: Acme, stage: discovery, close_date: 2027-01-31}
stakeholders:
  - {name: Zhang Wei, title: General manager, roles: [EB], met: 2026-11-10, mode: even_keel}
"""


@rule(
    "EB010",
    "eb-no-reason-to-change",
    contact=True,
    summary="From discovery, an EB sees no reason to change (even keel or overconfident).",
    severity=Severity.HIGH,
    applies_from=Stage.DISCOVERY,
    doctrine=("D22",),
    example=Example.patched(
        _MODE_FAILS,
        {
            "mode: even_keel": "mode: trouble",
        },
    ),
    message={
        "even_keel": (
            "{subject} (EB) sees no reason to change (mode: even_keel): nothing they want is "
            "missing from what they have. The deal is at {stage}."
        ),
        "overconfident": (
            "{subject} (EB) thinks things are fine as they are (mode: overconfident). The "
            "deal is at {stage}."
        ),
    },
    fix={
        "default": (
            "Find the gap {subject} cares about: a result they want and do not get today, or a "
            "problem they must fix, in their own numbers. Until {subject} sees a gap, expect no "
            "decision; update `mode` when they do."
        ),
        "tender": (
            "The tender was announced on {announced}: do not seek {subject} out privately about "
            "it. Make the bid show the gap {subject} cares about, a result they do not get "
            "today or a problem they must fix, in the tender's own terms and numbers."
        ),
    },
)
def eb_no_reason_to_change(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """From discovery, for each EB (customer-side, not gone; one finding each): fires when
    their `mode` is `even_keel` or `overconfident`. In an announced tender the fix puts the
    gap in the bid.

    Why: A buyer acts only when they see a gap between what they want and what they have:
    a result to grow (growth) or a problem to fix (trouble). An economic buyer who sees no
    reason to change (even keel), or who thinks things are fine (overconfident), will not
    decide, however good our proposal is.
    """
    for person in ctx.holders(Role.EB):
        if person.mode in _NO_GAP and person.mode is not None:
            yield ctx.finding(
                ctx.path_of(person, "mode"),
                subject=person.name,
                variant=person.mode.value,
                **ctx.tender_fix(),
            )


_SOURCE_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: D-11, name: MES upgrade, account: Acme, stage: proposal, close_date: 2026-12-31}
stakeholders:
  - {name: Zhang Wei, title: General manager, roles: [EB], met: 2026-11-10}
  - {name: Li Lei, title: IT manager, roles: [TB, coach], met: 2026-11-02}
insights:
  budget_confirmed: true
  source: Li Lei
"""


_GONE_SOURCE = (
    "What we know of the project, budget and competitors (`insights.source`) comes "
    "from {subject}, who left on {left}; it may no longer hold. The deal is at {stage}."
)


@rule(
    "EB011",
    "insights-second-hand",
    contact=True,
    summary="From proposal, what we know of project and budget comes from someone not an EB.",
    severity=Severity.LOW,
    applies_from=Stage.PROPOSAL,
    conditions={"gone": Severity.MEDIUM},
    doctrine=("D8", "D24"),
    example=Example.patched(
        _SOURCE_FAILS,
        {
            "source: Li Lei": "source: Zhang Wei",
        },
    ),
    message={
        "default": (
            "What we know of the project, budget and competitors (`insights.source`) comes "
            "from {subject}, who is not an economic buyer. The deal is at {stage}."
        ),
        "gone": _GONE_SOURCE,
        "vacant": _GONE_SOURCE,
    },
    fix={
        "default": (
            "Confirm the insights with {names} directly (project, budget, decision date, "
            "competitors), and set `insights.source` to whoever confirmed them."
        ),
        "gone": (
            "Confirm everything {subject} told us again with {names}, who holds the role now, "
            "and set `insights.source` to whoever confirmed it."
        ),
        "vacant": (
            "Find out who holds {subject}'s role now, confirm everything {subject} told us "
            "again with them, and set `insights.source` to whoever confirmed it."
        ),
        "tender": (
            "The tender was announced on {announced}: do not confirm it privately with anyone "
            "at the customer. Check what {subject} told us (project, budget, decision date, "
            "competitors) against the tender documents, ask what they leave unclear only as a "
            "clarification through the official channel, and set `insights.source` to the "
            "document that confirms it."
        ),
    },
    texts={
        "severity_when.gone": "{severity} when the source is gone",
    },
)
def insights_second_hand(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """From proposal, when `insights.source` names a stakeholder (names compared as the
    catalog says): fires when that person is not an EB, or is gone (then it weighs more:
    confirm again with whoever holds the role now). A source that names no stakeholder (a
    document, a tender notice) is not checked. In an announced tender the fix checks the
    insights against the tender documents.

    Why: The economic buyer is where the truth is. What a coach or an engineer tells us
    about the budget is their reading of it, not the decision maker's word. And people
    change: when the person who told us leaves, what they said must be confirmed again with
    whoever holds the role now.
    """
    known = deal.insights
    person = ctx.person(known.source if known else None)
    if person is None:
        return
    if ctx.gone(person):
        # Whoever holds the roles they held now; else the economic buyer.
        now = [
            p for role in sorted(person.all_roles, key=lambda r: r.rank) for p in ctx.holders(role)
        ]
        now = now or ctx.holders(Role.EB)
        yield ctx.finding(
            ("insights", "source"),
            subject=person.name,
            condition="gone",
            # Nobody holds the role now: there is nobody to name yet.
            variant="gone" if now else "vacant",
            names=ctx.names(dict.fromkeys(p.name for p in now)),
            left=person.left.isoformat() if person.left else "",
            **ctx.tender_fix(),
        )
    elif not (person.has_role(Role.EB) and ctx.counts(person)):
        yield ctx.finding(
            ("insights", "source"),
            subject=person.name,
            names=_eb_names(ctx),
            **ctx.tender_fix(),
        )


RULES = [
    eb_missing,
    eb_not_met,
    eb_authority_unconfirmed,
    eb_no_access_plan,
    eb_chasing,
    eb_meeting_stale,
    eb_insights_missing,
    signer_not_met,
    competitor_preferred,
    eb_no_reason_to_change,
    insights_second_hand,
]
