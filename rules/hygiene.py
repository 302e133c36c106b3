"""HY: pipeline hygiene.

A deal file is only as good as its dates. A close date already behind us, a
deal with no next step or an overdue one, a deal nobody has touched for a
month, a close planned before the customer even decides: each one means the
forecast says something the deal does not. And a meeting dated in the future
is a plan written down as a fact: it must not count as having met anyone.
"""

from __future__ import annotations

import datetime as dt
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
    rule,
)

_CLOSE_PASSED_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: H-1, name: Line 3 retrofit, account: Acme, stage: negotiation, close_date: 2026-10-31}
"""

_CLOSE_PASSED_PASSES = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: H-1, name: Line 3 retrofit, account: Acme, stage: negotiation, close_date: 2026-12-18}
"""


@rule(
    "HY001",
    "close-date-passed",
    severity=Severity.HIGH,
    example=Example(_CLOSE_PASSED_FAILS, _CLOSE_PASSED_PASSES),
)
def close_date_passed(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    close = deal.deal.close_date
    if close is not None and close < ctx.as_of:
        yield ctx.finding("deal.close_date", date=close.isoformat(), days=ctx.days_before(close))


_NEXT_STEP_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal:
  id: H-2
  name: Line 3 retrofit
  account: Acme
  stage: discovery
  close_date: 2027-01-31
  next_step: {action: Send the revised layout, owner: Chen Mo}
"""

_NEXT_STEP_PASSES = """\
ebcheck: 1
as_of: 2026-11-20
deal:
  id: H-2
  name: Line 3 retrofit
  account: Acme
  stage: discovery
  close_date: 2027-01-31
  next_step: {action: Send the revised layout, owner: Chen Mo, due: 2026-11-25}
"""


@rule(
    "HY002",
    "next-step-missing",
    severity=Severity.MEDIUM,
    example=Example(_NEXT_STEP_FAILS, _NEXT_STEP_PASSES),
)
def next_step_missing(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    step = deal.deal.next_step
    if step is None:
        yield ctx.finding("deal.next_step", account=deal.deal.account)
    elif step.due is None:
        yield ctx.finding("deal.next_step.due", variant="no_due", action=step.action)


_OVERDUE_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal:
  id: H-3
  name: Line 3 retrofit
  account: Acme
  stage: proposal
  close_date: 2026-12-31
  next_step: {action: Workshop with the plant team, due: 2026-11-06}
"""

_OVERDUE_PASSES = """\
ebcheck: 1
as_of: 2026-11-20
deal:
  id: H-3
  name: Line 3 retrofit
  account: Acme
  stage: proposal
  close_date: 2026-12-31
  next_step: {action: Workshop with the plant team, due: 2026-11-27}
"""


@rule(
    "HY003",
    "next-step-overdue",
    severity=Severity.MEDIUM,
    example=Example(_OVERDUE_FAILS, _OVERDUE_PASSES),
)
def next_step_overdue(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    step = deal.deal.next_step
    if step is not None and step.due is not None and step.due < ctx.as_of:
        yield ctx.finding(
            "deal.next_step.due",
            action=step.action,
            date=step.due.isoformat(),
            days=ctx.days_before(step.due),
        )


class QuietOptions(RuleOptions):
    max_days: int = Field(default=30, ge=0)


_QUIET_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: H-4, name: Line 3 retrofit, account: Acme, stage: discovery, close_date: 2027-01-31}
stakeholders:
  - {name: Zhang Wei, roles: [EB], met: 2026-09-02}
  - {name: Li Lei, roles: [TB, coach], last_contact: 2026-10-08}
"""

_QUIET_PASSES = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: H-4, name: Line 3 retrofit, account: Acme, stage: discovery, close_date: 2027-01-31}
stakeholders:
  - {name: Zhang Wei, roles: [EB], met: 2026-09-02}
  - {name: Li Lei, roles: [TB, coach], last_contact: 2026-11-16}
"""


@rule(
    "HY004",
    "deal-gone-quiet",
    severity=Severity.MEDIUM,
    applies_from=Stage.DISCOVERY,
    options=QuietOptions,
    example=Example(_QUIET_FAILS, _QUIET_PASSES),
)
def deal_gone_quiet(deal: DealFile, ctx: Context[QuietOptions]) -> Iterator[Finding]:
    touches = [(day, person) for person in deal.stakeholders if (day := ctx.last_touch(person))]
    if not touches:
        yield ctx.finding("stakeholders", variant="never", account=deal.deal.account)
        return
    day, person = max(touches, key=lambda touch: touch[0])
    if ctx.days_before(day) <= ctx.options.max_days:
        return
    field = "met" if day == ctx.met_on(person) else "last_contact"
    yield ctx.finding(
        ctx.path_of(person, field),
        account=deal.deal.account,
        name=person.name,
        date=day.isoformat(),
        days=ctx.days_before(day),
        max_days=ctx.options.max_days,
    )


_CLOSE_EARLY_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: H-6, name: Line 3 retrofit, account: Acme, stage: proposal, close_date: 2026-12-10}
insights: {decision_date: 2027-01-15}
"""

_CLOSE_EARLY_PASSES = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: H-6, name: Line 3 retrofit, account: Acme, stage: proposal, close_date: 2027-01-29}
insights: {decision_date: 2027-01-15}
"""


@rule(
    "HY006",
    "close-before-decision",
    severity=Severity.MEDIUM,
    example=Example(_CLOSE_EARLY_FAILS, _CLOSE_EARLY_PASSES),
)
def close_before_decision(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    close = deal.deal.close_date
    decision = deal.insights.decision_date if deal.insights else None
    if close is not None and decision is not None and close < decision:
        yield ctx.finding(
            "deal.close_date",
            close_date=close.isoformat(),
            decision_date=decision.isoformat(),
            days=(decision - close).days,
        )


_FUTURE_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: H-7, name: Line 3 retrofit, account: Acme, stage: discovery, close_date: 2027-01-31}
stakeholders:
  - {name: Zhang Wei, roles: [EB], met: 2026-11-28}
"""

_FUTURE_PASSES = """\
ebcheck: 1
as_of: 2026-11-20
deal:
  id: H-7
  name: Line 3 retrofit
  account: Acme
  stage: discovery
  close_date: 2027-01-31
  next_step: {action: First meeting with Zhang Wei, due: 2026-11-28}
stakeholders:
  - {name: Zhang Wei, roles: [EB], last_contact: 2026-11-18}
"""


@rule(
    "HY007",
    "date-in-future",
    severity=Severity.MEDIUM,
    example=Example(_FUTURE_FAILS, _FUTURE_PASSES),
)
def date_in_future(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    for index, person in enumerate(deal.stakeholders):
        dates: tuple[tuple[str, dt.date | None], ...] = (
            ("met", person.met),
            ("last_contact", person.last_contact),
        )
        for field, day in dates:
            if day is not None and day > ctx.as_of:
                yield ctx.finding(
                    ("stakeholders", index, field),
                    subject=person.name,
                    variant=field,
                    date=day.isoformat(),
                )
    attempts = deal.eb_access.attempts if deal.eb_access else []
    for index, attempt in enumerate(attempts):
        if attempt.date > ctx.as_of:
            yield ctx.finding(
                ("eb_access", "attempts", index, "date"),
                variant="attempt",
                date=attempt.date.isoformat(),
                channel=ctx.catalogue.text(f"channel.{attempt.channel.value}"),
            )


RULES = [
    close_date_passed,
    next_step_missing,
    next_step_overdue,
    deal_gone_quiet,
    close_before_decision,
    date_in_future,
]
