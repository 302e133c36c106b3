"""HY: pipeline hygiene.

A deal file is only as good as its dates. A close date already behind us, a
deal with no next step or an overdue one, a deal nobody has touched for a
month, a close planned before the customer even decides: each one means the
forecast says something the deal does not. And a meeting dated in the future
is a plan written down as a fact: it must not count as having met anyone.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence

from ebcheck.ruleapi import (
    Area,
    Context,
    DealFile,
    Example,
    Field,
    Finding,
    LoadedDeal,
    NoOptions,
    RepoContext,
    RuleOptions,
    Severity,
    Stage,
    repo_rule,
    rule,
)

AREA = Area(
    "HY",
    "Pipeline hygiene",
)


_CLOSE_PASSED_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: H-1, name: Line 3 retrofit, account: Acme, stage: negotiation, close_date: 2026-10-31}
"""


@rule(
    "HY001",
    "close-date-passed",
    summary="The close date has passed and the deal is still open.",
    severity=Severity.HIGH,
    example=Example.patched(
        _CLOSE_PASSED_FAILS,
        {
            "close_date: 2026-10-31": "close_date: 2026-12-18",
        },
    ),
    message=(
        "The close date {date} passed {days} {days|day|days} ago, "
        "and the deal is still open at {stage}."
    ),
    fix=(
        "Agree a realistic close date with the customer and update `deal.close_date`, or "
        "close the deal as lost."
    ),
)
def close_date_passed(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """Fires when an open deal's `deal.close_date` is before the audit date.

    Why: A close date in the past means the forecast is wrong: either the deal slipped and
    nobody updated it, or it is lost and nobody said so. Either way the pipeline counts
    money that will not come in when it says.
    """
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


@rule(
    "HY002",
    "next-step-missing",
    summary="The deal has no next step, or one without a due date.",
    severity=Severity.MEDIUM,
    example=Example.patched(
        _NEXT_STEP_FAILS,
        {
            "owner: Chen Mo}": "owner: Chen Mo, due: 2026-11-25}",
        },
    ),
    message={
        "default": "The deal has no next step.",
        "no_due": 'The next step "{action}" has no due date.',
    },
    fix=(
        "Agree the next step with the customer and write it in `deal.next_step` with an "
        "`action`, an `owner` and a `due` date."
    ),
)
def next_step_missing(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """Fires when an open deal has no `deal.next_step`, or one without `due`.

    Why: A deal moves only when someone does something by a date. Without a next step, or
    with one that has no date, the deal drifts until the customer decides without us.
    """
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


@rule(
    "HY003",
    "next-step-overdue",
    summary="The deal's next step is overdue.",
    severity=Severity.MEDIUM,
    example=Example.patched(
        _OVERDUE_FAILS,
        {
            "due: 2026-11-06": "due: 2026-11-27",
        },
    ),
    message='The next step "{action}" was due on {date}, {days} {days|day|days} ago.',
    fix=(
        "Do it or re-plan it: record what happened, and update `deal.next_step` with what "
        "happens next and a new due date."
    ),
)
def next_step_overdue(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """Fires when `deal.next_step.due` is before the audit date.

    Why: An overdue next step means the plan on file is no longer the plan. Either it
    happened and was not recorded, or it slipped, and the deal with it.
    """
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


@rule(
    "HY004",
    "deal-gone-quiet",
    summary="From discovery, nobody has been met or contacted in more than 30 days.",
    severity=Severity.MEDIUM,
    applies_from=Stage.DISCOVERY,
    options=QuietOptions,
    example=Example.patched(
        _QUIET_FAILS,
        {
            "last_contact: 2026-10-08": "last_contact: 2026-11-16",
        },
    ),
    message={
        "default": (
            "Nobody at {account} has been met or contacted since {date} ({name}), {days} days "
            "ago (more than {max_days}); the deal is at {stage}."
        ),
        "never": (
            "No meeting or contact with anyone at {account} is recorded; the deal is at {stage}."
        ),
    },
    fix=(
        "Get back in touch this week, ideally with the sponsor or coach, to confirm the deal "
        "is still alive and agree a next step; then record `met` or `last_contact`."
    ),
)
def deal_gone_quiet(deal: DealFile, ctx: Context[QuietOptions]) -> Iterator[Finding]:
    """From discovery: fires when the latest `met` or `last_contact` of any stakeholder (on or
    before the audit date) is more than `max_days` (30) days before the audit date, or when
    there is none. Exactly 30 days is not quiet; 31 is.

    Why: A deal nobody has touched for a month is not progressing; it is waiting for the
    customer to decide without us, or it has quietly died. Silence is a risk to act on
    before the forecast call, not after.
    """
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


@rule(
    "HY006",
    "close-before-decision",
    summary="The close date is before the customer's decision date.",
    severity=Severity.MEDIUM,
    example=Example.patched(
        _CLOSE_EARLY_FAILS,
        {
            "close_date: 2026-12-10": "close_date: 2027-01-29",
        },
    ),
    message=(
        "The close date {close_date} is {days} {days|day|days} before the customer's decision date "
        "{decision_date}."
    ),
    fix=(
        "Move `deal.close_date` to on or after {decision_date}, or confirm with the EB that "
        "the decision can come earlier and update `insights.decision_date`."
    ),
)
def close_before_decision(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """Fires when `deal.close_date` is earlier than `insights.decision_date`.

    Why: A deal cannot close before the customer decides. A close date earlier than the
    decision date means the forecast is hoping, not counting.
    """
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


@rule(
    "HY007",
    "date-in-future",
    summary="A meeting, contact or attempt date is after the audit date.",
    severity=Severity.MEDIUM,
    example=Example.patched(
        _FUTURE_FAILS,
        {
            "close_date: 2027-01-31}": (
                "close_date: 2027-01-31,\n"
                "  next_step: {action: First meeting with Zhang Wei, due: 2026-11-28}}"
            ),
            "met: 2026-11-28": "last_contact: 2026-11-18",
        },
    ),
    message={
        "met": (
            "{subject}'s `met` date {date} is after the audit date {as_of}; a planned meeting "
            "is not a meeting, so {subject} does not count as met."
        ),
        "last_contact": "{subject}'s `last_contact` date {date} is after the audit date {as_of}.",
        "attempt": (
            "An EB contact attempt ({channel}) is dated {date}, after the audit date {as_of}."
        ),
    },
    fix=(
        "Record only what has happened: keep planned meetings and calls in a next step "
        "(`deal.next_step` or `eb_access.next_step`) and fill in the date once it has taken "
        "place."
    ),
)
def date_in_future(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """Fires once for each `met`, `last_contact` or `eb_access.attempts[].date` after the audit
    date. Such a date is a plan: every other rule ignores it, so a future `met` does not
    count as met.

    Why: A meeting that has not happened yet is a plan, not a fact. Written as a fact, it
    makes the deal look further along than it is, for example an economic buyer who counts
    as met before anyone has seen them.
    """
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


_DUPLICATE_ID_FAILS = """\
# two files in one audit, both with:
ebcheck: 1
deal: {id: HD-2026-031, name: MES, account: Acme, stage: proposal, close_date: 2026-12-31}
"""


@repo_rule(
    "HY005",
    "duplicate-deal-id",
    summary="Two deal files in one audit share a deal id.",
    severity=Severity.HIGH,
    applies="Every loaded deal file, closed deals included.",
    example=Example.patched(
        _DUPLICATE_ID_FAILS,
        {"both with:": "each with its own id:", "HD-2026-031": "HD-2026-032"},
        files=2,
    ),
    message="Deal id '{deal_id}' is also used by {others}.",
    fix="Give each deal file its own `deal.id`, or delete the stale copy.",
)
def duplicate_deal_id(
    deals: Sequence[LoadedDeal], ctx: RepoContext[NoOptions]
) -> Iterator[tuple[LoadedDeal, Finding]]:
    """Compares `deal.id` exactly across every file loaded in one audit, closed deals included
    (and, with --changed-since, the unchanged files too). Every file sharing the id is
    reported.

    Why: The deal id is how the pipeline review, the CRM and the baseline recognise a deal. Two
    files with one id double-count the pipeline or hide one deal behind another.
    """
    by_id: dict[str, list[LoadedDeal]] = defaultdict(list)
    for loaded in deals:
        by_id[loaded.deal.deal.id].append(loaded)
    for deal_id, sharing in by_id.items():
        if len(sharing) < 2:
            continue
        for loaded in sharing:
            others = ctx.join(other.path for other in sharing if other is not loaded)
            yield ctx.finding(loaded, ("deal", "id"), deal_id=deal_id, others=others)


RULES = [
    close_date_passed,
    next_step_missing,
    next_step_overdue,
    deal_gone_quiet,
    duplicate_deal_id,
    close_before_decision,
    date_in_future,
]
