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

_EB_MISSING_PASSES = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: D-1, name: MES upgrade, account: Acme, stage: discovery, close_date: 2026-12-31}
stakeholders:
  - {name: Li Lei, roles: [TB], met: 2026-11-01}
  - {name: Zhang Wei, roles: [EB], met: 2026-11-10}
"""


@rule(
    "EB001",
    "eb-missing",
    severity=Severity.HIGH,
    escalation={Stage.DISCOVERY: Severity.CRITICAL},
    doctrine=("D1", "D2", "D3"),
    example=Example(_EB_MISSING_FAILS, _EB_MISSING_PASSES),
)
def eb_missing(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
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

_EB_NOT_MET_PASSES = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: D-2, name: MES upgrade, account: Acme, stage: proposal, close_date: 2026-12-31}
stakeholders:
  - {name: Zhang Wei, roles: [EB], met: 2026-11-10}
"""


@rule(
    "EB002",
    "eb-not-met",
    severity=Severity.MEDIUM,
    escalation={Stage.DISCOVERY: Severity.HIGH, Stage.PROPOSAL: Severity.CRITICAL},
    doctrine=("D3", "D4", "D5", "D7", "D8"),
    example=Example(_EB_NOT_MET_FAILS, _EB_NOT_MET_PASSES),
)
def eb_not_met(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
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

_EB_AUTHORITY_PASSES = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: D-3, name: MES upgrade, account: Acme, stage: proposal, close_date: 2026-12-31}
stakeholders:
  - {name: Zhang Wei, title: Plant director, roles: [EB], met: 2026-11-10, authority: confirmed}
"""


@rule(
    "EB003",
    "eb-authority-unconfirmed",
    # The ladder is that of a claimed authority; an unknown one stays medium.
    severity=Severity.MEDIUM,
    escalation={Stage.PROPOSAL: Severity.HIGH},
    conditions={"unknown": Severity.MEDIUM},
    doctrine=("D1", "D2", "D4"),
    example=Example(_EB_AUTHORITY_FAILS, _EB_AUTHORITY_PASSES),
)
def eb_authority_unconfirmed(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
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

_EB_NO_ACCESS_PASSES = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: D-4, name: MES upgrade, account: Acme, stage: qualification, close_date: 2027-03-31}
stakeholders:
  - {name: Zhang Wei, title: General manager, roles: [EB]}
eb_access:
  analysis: Cares about delivery time and inventory turns; his assistant Wang keeps his diary.
  referral: {via: Liu Yang, relation: former classmate, status: asked}
"""


@rule(
    "EB004",
    "eb-no-access-plan",
    severity=Severity.HIGH,
    applies_from=Stage.QUALIFICATION,
    doctrine=("D2", "D9"),
    example=Example(_EB_NO_ACCESS_FAILS, _EB_NO_ACCESS_PASSES),
)
def eb_no_access_plan(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
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

_EB_CHASING_PASSES = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: D-5, name: MES upgrade, account: Acme, stage: discovery, close_date: 2027-01-31}
stakeholders:
  - {name: Zhang Wei, title: General manager, roles: [EB]}
eb_access:
  attempts:
    - {date: 2026-10-28, channel: phone, outcome: no_answer}
    - {date: 2026-11-04, channel: phone, outcome: deferred}
    - {date: 2026-11-12, channel: email, outcome: deferred}
"""


@rule(
    "EB005",
    "eb-chasing",
    severity=Severity.MEDIUM,
    options=ChasingOptions,
    doctrine=("D2", "D9"),
    example=Example(_EB_CHASING_FAILS, _EB_CHASING_PASSES),
)
def eb_chasing(deal: DealFile, ctx: Context[ChasingOptions]) -> Iterator[Finding]:
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

_EB_STALE_PASSES = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: D-6, name: MES upgrade, account: Acme, stage: proposal, close_date: 2026-12-31}
stakeholders:
  - {name: Zhang Wei, title: General manager, roles: [EB], met: 2026-10-30}
"""


@rule(
    "EB006",
    "eb-meeting-stale",
    severity=Severity.MEDIUM,
    applies_from=Stage.PROPOSAL,
    options=StaleOptions,
    doctrine=("D5", "D8"),
    example=Example(_EB_STALE_FAILS, _EB_STALE_PASSES),
)
def eb_meeting_stale(deal: DealFile, ctx: Context[StaleOptions]) -> Iterator[Finding]:
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

_EB_INSIGHTS_PASSES = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: D-7, name: MES upgrade, account: Acme, stage: discovery, close_date: 2027-01-31}
stakeholders:
  - {name: Zhang Wei, title: General manager, roles: [EB], met: 2026-11-10}
insights:
  project_confirmed: true
  budget_confirmed: true
  decision_date: 2026-12-15
  competitors: []
  source: Zhang Wei
"""


@rule(
    "EB007",
    "eb-insights-missing",
    severity=Severity.MEDIUM,
    applies_from=Stage.DISCOVERY,
    doctrine=("D8",),
    example=Example(_EB_INSIGHTS_FAILS, _EB_INSIGHTS_PASSES),
)
def eb_insights_missing(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
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
