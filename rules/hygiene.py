"""HY: pipeline hygiene.

A deal file is only as good as its dates. A close date already behind us, a
deal with no next step or an overdue one, a deal nobody has touched for a
month, a close planned before the customer even decides: each one means the
forecast says something the deal does not. And a meeting dated in the future
is a plan written down as a fact: it must not count as having met anyone.

The forecast is a promise (D25): a close date pushed again and again, a deal
sitting in one stage far longer than usual, or a "commit" on a deal with
serious open gaps is the first thing a pipeline review must challenge.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from itertools import pairwise
from typing import Any

from pydantic import field_validator

from ebcheck.ruleapi import (
    Area,
    Context,
    DealFile,
    Example,
    Field,
    Finding,
    Forecast,
    LoadedDeal,
    NoOptions,
    RepoContext,
    RuleOptions,
    Scope,
    Severity,
    Stage,
    no_value,
    repo_rule,
    rule,
    visible,
    written_name,
)

AREA = Area(
    "HY",
    "Pipeline hygiene",
    doctrine={
        "D25": "The forecast is a promise",
    },
)


_CLOSE_PASSED_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: H-1, name: Line 3 retrofit, account: Acme, stage: negotiation, close_date: 2026-10-31}
"""


def _tender(deal: DealFile, ctx: Context[Any]) -> dict[str, Any]:
    """The tender's own fix and its facts, in an announced tender (D19): the date comes
    from its timetable and what moves the deal is the bid, never a private word."""
    if not ctx.in_announced_tender:
        return {}
    return {"variant": "tender", "announced": ctx.announced, "account": deal.deal.account}


@rule(
    "HY001",
    "close-date-passed",
    contact=True,
    summary="The close date has passed and the deal is still open.",
    severity=Severity.HIGH,
    doctrine=("D25",),
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
    fix={
        "default": (
            "Agree a realistic close date with the customer and update `deal.close_date`, "
            "or close the deal as lost."
        ),
        "tender": (
            "The tender was announced on {announced}: take the close date from its "
            "timetable (the bid opening, then the award) and update `deal.close_date`, or "
            "close the deal as lost; put any question to {account} only as a clarification "
            "through the official channel."
        ),
    },
)
def close_date_passed(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """Fires when an open deal's `deal.close_date` is before the audit date.

    Why: A close date in the past means the forecast is wrong: either the deal slipped and
    nobody updated it, or it is lost and nobody said so. Either way the pipeline counts
    money that will not come in when it says.
    """
    close = deal.deal.close_date
    if close is not None and close < ctx.as_of:
        yield ctx.finding(
            "deal.close_date",
            date=close.isoformat(),
            days=ctx.days_before(close),
            **_tender(deal, ctx),
        )


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
    contact=True,
    summary="The deal has no next step, or one without a due date.",
    severity=Severity.MEDIUM,
    doctrine=("D25",),
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
    fix={
        "default": (
            "Agree the next step with the customer and write it in `deal.next_step` with an "
            "`action`, an `owner` and a `due` date."
        ),
        "tender": (
            "The tender was announced on {announced}: the next step is the tender's own (the "
            "clarification deadline, the bid's submission, the opening). Write it in "
            "`deal.next_step` with an `action`, an `owner` on our side and its `due` date."
        ),
    },
)
def next_step_missing(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """Fires when an open deal has no `deal.next_step`, or one without `due`. In an
    announced tender the fix names the tender's own steps.

    Why: A deal moves only when someone does something by a date. Without a next step, or
    with one that has no date, the deal drifts until the customer decides without us.
    """
    step = deal.deal.next_step
    if step is None:
        yield ctx.finding("deal.next_step", account=deal.deal.account, **ctx.tender_fix())
    elif step.due is None:
        yield ctx.finding(
            "deal.next_step.due", variant="no_due", action=step.action, **ctx.tender_fix()
        )


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
    doctrine=("D25",),
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
    contact=True,
    summary="From discovery, nobody at the customer has been met or contacted in over 30 days.",
    severity=Severity.MEDIUM,
    applies_from=Stage.DISCOVERY,
    options=QuietOptions,
    doctrine=("D25",),
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
    fix={
        "default": (
            "Get back in touch this week, ideally with the sponsor or coach, to confirm the "
            "deal is still alive and agree a next step; then record `met` or `last_contact`."
        ),
        "guides": (
            "Get back in touch this week, ideally with {guides}, to confirm the deal is "
            "still alive and agree a next step; then record `met` or `last_contact`."
        ),
    },
)
def deal_gone_quiet(deal: DealFile, ctx: Context[QuietOptions]) -> Iterator[Finding]:
    """From discovery: fires when the latest `met` or `last_contact` (on or before the audit
    date) of any customer-side stakeholder who has not left is more than `max_days` (30) days
    before the audit date, or when there is none. Exactly 30 days is not quiet; 31 is.
    Partners, our own people and people who have left do not count: talking to them is not
    talking to the customer.

    Why: A deal nobody has touched for a month is not progressing; it is waiting for the
    customer to decide without us, or it has quietly died. Silence is a risk to act on
    before the forecast call, not after.
    """
    touches = [(day, person) for person in ctx.people() if (day := ctx.last_touch(person))]
    if not touches:
        yield ctx.finding("stakeholders", variant="never", account=deal.deal.account)
        return
    day, person = max(touches, key=lambda touch: touch[0])
    if ctx.days_before(day) <= ctx.options.max_days:
        return
    field = "met" if day == ctx.met_on(person) else "last_contact"
    guides = ctx.guides()
    yield ctx.finding(
        ctx.path_of(person, field),
        variant="guides" if guides else None,
        guides=ctx.catalogue.join_or(guides),
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
    contact=True,
    summary="The close date is before the customer's decision date.",
    severity=Severity.MEDIUM,
    doctrine=("D25",),
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
        "Move `deal.close_date` to on or after {decision_date}, or confirm with {eb} that "
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
    summary="A meeting, contact, attempt, stage-entry or joining date is after the audit date.",
    severity=Severity.MEDIUM,
    doctrine=("D25",),
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
        "stage_entered": (
            "The deal's `stage_entered` date {date} is after the audit date {as_of}; the days "
            "in {stage} cannot be counted from a day still to come."
        ),
        "joined": "{subject}'s `joined` date {date} is after the audit date {as_of}.",
    },
    fix={
        "default": (
            "Record only what has happened: keep planned meetings and calls in a next step "
            "(`deal.next_step` or `eb_access.next_step`) and fill in the date once it has "
            "taken place."
        ),
        "stage_entered": (
            "Set `deal.stage_entered` to the day the deal actually entered {stage}; a stage "
            "the deal has not reached yet belongs in `deal.next_step`."
        ),
        "joined": (
            "Set {subject}'s `joined` to the day they actually started in the role, or leave "
            "it out until they have."
        ),
    },
)
def date_in_future(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """Fires once for each `met`, `last_contact`, `joined`, `eb_access.attempts[].date` or
    `deal.stage_entered` after the audit date. Such a date is a plan: every other rule
    ignores it, so a future `met` does not count as met, and a future `stage_entered` gives
    no days in stage.

    Why: A meeting that has not happened yet is a plan, not a fact. Written as a fact, it
    makes the deal look further along than it is, for example an economic buyer who counts
    as met before anyone has seen them.
    """
    for index, person in enumerate(deal.stakeholders):
        dates: tuple[tuple[str, dt.date | None], ...] = (
            ("met", person.met),
            ("last_contact", person.last_contact),
            ("joined", person.joined),
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
    entered = deal.deal.stage_entered
    if entered is not None and entered > ctx.as_of:
        yield ctx.finding("deal.stage_entered", variant="stage_entered", date=entered.isoformat())


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
    doctrine=("D25",),
    example=Example.patched(
        _DUPLICATE_ID_FAILS,
        {"both with:": "each with its own id:", "HD-2026-031": "HD-2026-032"},
        files=2,
    ),
    message="Deal id '{deal_id}' is also used by {others}.",
    fix="Give each deal file its own `deal.id`, or delete the stale copy.",
    texts={"more": "{count} more {count|file|files}"},
)
def duplicate_deal_id(
    deals: Sequence[LoadedDeal], ctx: RepoContext[NoOptions]
) -> Iterator[tuple[LoadedDeal, Finding]]:
    """Compares `deal.id` across every file loaded in one audit, closed deals included (and,
    with --changed-since, the unchanged files too), exactly but for invisible characters
    (zero-width spaces, soft hyphens, U+061C and the other default-ignorable characters): two
    ids that look the same are the same. Every file sharing the id is reported; each finding
    names up to five of the others and counts the rest.

    Why: The deal id is how the pipeline review, the CRM and the baseline recognise a deal. Two
    files with one id double-count the pipeline or hide one deal behind another.
    """
    # The ids are read once and counted, and only the deals sharing one are read
    # again and held (a streamed audit makes each of `deals` as it is read).
    ids = [visible(loaded.deal.deal.id) for loaded in deals]
    uses = Counter(ids)
    by_id: dict[str, list[LoadedDeal]] = defaultdict(list)
    for index, key in enumerate(ids):
        if uses[key] > 1:
            by_id[key].append(deals[index])
    for sharing in by_id.values():
        if len(sharing) < 2:
            continue
        head = sharing[: _OTHERS_SHOWN + 1]
        for loaded in sharing:
            # 4,000 files with one id must not make 4,000 x 4,000 names.
            shown = [other.path for other in head if other is not loaded][:_OTHERS_SHOWN]
            more = len(sharing) - 1 - len(shown)
            if more:
                shown.append(ctx.text("more", count=more))
            deal_id = loaded.deal.deal.id
            yield ctx.finding(loaded, ("deal", "id"), deal_id=deal_id, others=ctx.join(shown))


_OTHERS_SHOWN = 5


class PushOptions(RuleOptions):
    min_pushes: int = Field(default=2, ge=1)
    high_pushes: int = Field(default=3, ge=1)


def close_date_pushes(deal: DealFile) -> int | None:
    """How many times the close date moved later: each step of `close_date_history`
    followed by `close_date` whose next date is later. None when the history is not
    recorded; `[]` is 0 pushes."""
    history = deal.deal.close_date_history
    if history is None:
        return None
    dates = [*history, *([deal.deal.close_date] if deal.deal.close_date else [])]
    return sum(1 for before, after in pairwise(dates) if after > before)


_PUSHED_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal:
  id: H-8
  name: Line 3 retrofit
  account: Acme
  stage: proposal
  close_date: 2026-12-31
  close_date_history: [2026-06-30, 2026-09-30]
"""


@rule(
    "HY008",
    "close-date-pushed",
    contact=True,
    summary="The close date has been pushed later at least twice.",
    severity=Severity.MEDIUM,
    conditions={"high_pushes": Severity.HIGH},
    options=PushOptions,
    doctrine=("D25",),
    example=Example.patched(
        _PUSHED_FAILS,
        {"[2026-06-30, 2026-09-30]": "[2026-12-31]"},
    ),
    message=(
        "The close date has been pushed later {pushes} times ({dates}); a deal whose date "
        "keeps moving is not moving."
    ),
    fix={
        "default": (
            "Find out with {coach}, or with {eb}, what really decides the date (the decision "
            "steps, the paper process, the compelling event) and set a close date you can "
            "defend; if nothing has changed since {first}, take the deal out of the forecast."
        ),
        "tender": (
            "The tender was announced on {announced}: its timetable decides the date, not a "
            "conversation with {account}. Set the close date from the bid opening and the "
            "award; if nothing has changed since {first}, take the deal out of the forecast."
        ),
    },
    texts={
        "severity_when.high_pushes": "{severity} from 3 (`high_pushes`) pushes",
        "arrow": " → ",
    },
)
def close_date_pushed(deal: DealFile, ctx: Context[PushOptions]) -> Iterator[Finding]:
    """Fires when the close date has moved later at least `min_pushes` (2) times: counts the
    steps of `deal.close_date_history` (oldest first) followed by `deal.close_date` where the
    next date is later than the one before; `high_pushes` (3) pushes weigh more. A file
    without `close_date_history` is not checked (with `--history`, the git history can supply
    the dates); an empty list is 0 pushes.

    Why: The forecast is a promise. A close date pushed once can be bad luck; pushed again
    and again, it means nobody knows what really decides the date, and the deal is not
    moving, whatever the forecast says.
    """
    pushes = close_date_pushes(deal)
    if pushes is None or pushes < ctx.options.min_pushes:
        return
    history = deal.deal.close_date_history or []
    dates = [*history, *([deal.deal.close_date] if deal.deal.close_date else [])]
    yield ctx.finding(
        "deal.close_date_history",
        condition="high_pushes" if pushes >= ctx.options.high_pushes else None,
        pushes=pushes,
        dates=ctx.text("arrow").join(day.isoformat() for day in dates),
        first=dates[0].isoformat(),
        **_tender(deal, ctx),
    )


STAGE_LIMITS: dict[str, int] = {
    Stage.PROSPECTING.value: 60,
    Stage.QUALIFICATION.value: 45,
    Stage.DISCOVERY.value: 60,
    Stage.PROPOSAL.value: 45,
    Stage.NEGOTIATION.value: 30,
}


class StallOptions(RuleOptions):
    max_days: dict[str, int] = Field(default=STAGE_LIMITS)
    """Days a deal may stay in each open stage; a configured mapping merges with these."""

    @field_validator("max_days", mode="before")
    @classmethod
    def _merge(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        unknown = sorted(str(key) for key in value if str(key) not in STAGE_LIMITS)
        if unknown:
            raise ValueError(
                f"unknown stage {unknown[0]!r}; the stages are {', '.join(STAGE_LIMITS)}"
            )
        return {**STAGE_LIMITS, **{str(key): days for key, days in value.items()}}

    @field_validator("max_days")
    @classmethod
    def _positive(cls, value: dict[str, int]) -> dict[str, int]:
        if any(days < 1 for days in value.values()):
            raise ValueError("every limit must be at least 1 day")
        return value


_STALLED_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal:
  id: H-9
  name: Line 3 retrofit
  account: Acme
  stage: proposal
  close_date: 2026-12-31
  stage_entered: 2026-08-14
"""


@rule(
    "HY009",
    "stalled-in-stage",
    contact=True,
    summary="The deal has been in its stage longer than the stage's limit.",
    severity=Severity.MEDIUM,
    conditions={"twice": Severity.HIGH},
    options=StallOptions,
    doctrine=("D25",),
    example=Example.patched(
        _STALLED_FAILS,
        {"stage_entered: 2026-08-14": "stage_entered: 2026-10-26"},
    ),
    message=(
        "The deal entered {stage} on {date}, {days} {days|day|days} ago: longer than the "
        "{max_days} days a deal should take there."
    ),
    fix={
        "default": (
            "Find out what holds the deal at {stage}: agree with {coach}, or with {eb}, "
            "the step that moves it on, with a date, in `deal.next_step`; if nothing can move "
            "it, lower the forecast, or close it as lost."
        ),
        "tender": (
            "The tender was announced on {announced}: what moves the deal on from {stage} "
            "now is the bid. Put the tender's next step (the clarification deadline, the bid "
            "opening) with its date in `deal.next_step`; if the tender has stalled, lower the "
            "forecast, or close the deal as lost."
        ),
    },
    texts={
        "severity_when.twice": "{severity} beyond twice the stage's limit",
    },
)
def stalled_in_stage(deal: DealFile, ctx: Context[StallOptions]) -> Iterator[Finding]:
    """Fires when the days from `deal.stage_entered` to the audit date are more than the
    limit of the deal's stage (`max_days`: prospecting 60, qualification 45, discovery 60,
    proposal 45, negotiation 30; a configured mapping changes only the stages it names); more
    than twice the limit weighs more. A `stage_entered` after the audit date gives no days in
    stage (HY007 reports it); with `--history`, the commit that set the current stage can
    stand for a missing `stage_entered`.

    Why: The forecast is a promise. A deal that sits in one stage far longer than usual is a
    deal that is not moving: the customer has lost interest, someone is blocking it, or the
    next step was never agreed. The longer it sits, the less likely it closes.
    """
    entered = deal.deal.stage_entered
    limit = ctx.options.max_days.get(ctx.stage.value)
    if entered is None or limit is None or entered > ctx.as_of:
        return
    days = ctx.days_before(entered)
    if days <= limit:
        return
    yield ctx.finding(
        "deal.stage_entered",
        condition="twice" if days > 2 * limit else None,
        date=entered.isoformat(),
        days=days,
        max_days=limit,
        **_tender(deal, ctx),
    )


_COMMIT_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal:
  id: H-10
  name: Line 3 retrofit
  account: Acme
  stage: negotiation
  close_date: 2026-10-31
  forecast: commit
"""

_SERIOUS = (Severity.HIGH, Severity.CRITICAL)


@rule(
    "HY010",
    "commit-not-ready",
    summary="The deal is forecast as commit, but it has high or critical findings.",
    severity=Severity.HIGH,
    scope=Scope.REVIEW,
    applies=(
        "Every open deal forecast as `commit`, once the other rules have run, suppressions "
        "and the small-deal cap applied."
    ),
    doctrine=("D25",),
    example=Example.patched(
        _COMMIT_FAILS,
        {"forecast: commit": "forecast: best_case"},
    ),
    message=(
        "The deal is forecast as commit, but {count} {count|finding|findings} of high or "
        "critical severity still {count|stands|stand}: {rules}."
    ),
    fix=(
        "Close {rules} before the forecast call, or change `deal.forecast` to `best_case` until "
        "{count|it is|they are} closed: a commit is a promise the review will hold you to."
    ),
    texts={
        "item": "{rule} ({name})",
    },
)
def commit_not_ready(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """Fires when `deal.forecast` is `commit` and the deal has another finding of severity
    `high` or `critical` that stands: not suppressed (baselined findings and HY005 count; the
    S rules do not), after the small-deal cap. It can itself be suppressed like any rule.

    Why: The forecast is a promise. A rep's "commit" on a deal with serious open gaps (an
    EB nobody has met, a close date already passed, a mandatory criterion we fail) is the
    first thing a pipeline review must challenge: either the gaps are closed, or the deal is
    not a commit.
    """
    if deal.deal.forecast is not Forecast.COMMIT:
        return
    serious = [
        f
        for f in ctx.findings
        if f.rule != ctx.rule.id and not f.rule.startswith("S") and f.severity in _SERIOUS
    ]
    if not serious:
        return
    rules = dict.fromkeys(ctx.text("item", rule=f.rule, name=f.name) for f in serious)
    yield ctx.finding("deal.forecast", count=len(serious), rules=ctx.join(rules))


_AMOUNT_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: H-11, name: Line 3 retrofit, account: Acme, stage: proposal, close_date: 2026-12-31}
"""


@rule(
    "HY011",
    "amount-missing",
    summary="From proposal, the deal has no amount.",
    severity=Severity.MEDIUM,
    applies_from=Stage.PROPOSAL,
    doctrine=("D25",),
    example=Example.patched(
        _AMOUNT_FAILS,
        {"close_date: 2026-12-31}": "close_date: 2026-12-31,\n  amount: 850000, currency: CNY}"},
    ),
    message="The deal has no amount, and it is at {stage}: the pipeline cannot count it.",
    fix=(
        "Record `deal.amount` (and `deal.currency`): the value of the proposal you made to "
        "{account}; for a multi-year deal, add its yearly value in `deal.annual_value`."
    ),
)
def amount_missing(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """From proposal, fires when `deal.amount` is not given.

    Why: A deal at proposal has a price on the table. Without an amount, the pipeline and
    the forecast cannot count it, and nobody can judge whether the effort fits the deal.
    """
    if deal.deal.amount is None:
        yield ctx.finding("deal", account=deal.deal.account)


_LOST_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: H-12, name: Line 3 retrofit, account: Acme, stage: closed_lost, lost_to: Rival}
"""


@rule(
    "HY012",
    "loss-reason-missing",
    summary="A lost deal records no reason for the loss.",
    severity=Severity.INFO,
    on_closed=True,
    doctrine=("D25",),
    example=Example.patched(
        _LOST_FAILS,
        {"lost_to: Rival}": "lost_to: Rival,\n  lost_reason: Price 20% above Rival's}"},
    ),
    message="The deal was lost, and no reason is recorded.",
    fix={
        "default": (
            "Record in `deal.lost_reason` why {account} chose otherwise (price, a requirement, "
            "a relationship, the timing), and who won in `deal.lost_to`: the next deal there "
            "starts from it."
        ),
        "winner": (
            "Record in `deal.lost_reason` why {account} chose {winner} (price, a requirement, "
            "a relationship, the timing): the next deal there starts from it."
        ),
    },
)
def loss_reason_missing(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """Fires when a `closed_lost` deal has no `deal.lost_reason`. It is the one rule besides
    HY005 that checks closed deals; it never weighs. When `deal.lost_to` names the winner,
    the fix asks only why they won.

    Why: A lost deal still teaches: why the customer chose someone else is what the next
    forecast, the next proposal and the next deal at that account must take into account.
    Unrecorded, the lesson is lost with the deal.
    """
    if deal.deal.stage is Stage.CLOSED_LOST and no_value(deal.deal.lost_reason):
        winner = written_name(deal.deal.lost_to)
        yield ctx.finding(
            "deal",
            variant="winner" if winner else None,
            account=deal.deal.account,
            winner=winner or "",
        )


RULES = [
    close_date_passed,
    next_step_missing,
    next_step_overdue,
    deal_gone_quiet,
    duplicate_deal_id,
    close_before_decision,
    date_in_future,
    close_date_pushed,
    stalled_in_stage,
    commit_not_ready,
    amount_missing,
    loss_reason_missing,
]
