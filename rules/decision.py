"""DP: the decision and the paper process (doctrine D18-D21).

Knowing the economic buyer is not knowing the decision: committees decide
together, a board or a 董事长 signs, and every step from evaluation to
signature takes time (D18). Between "yes" and a signed contract stand
procurement, legal review, approvals and seals (会签、用印), sometimes a
formal tender with its own rules; an unknown paper process is the commonest
reason a "won" deal slips (D19). A mandatory criterion we cannot meet
disqualifies us whatever the relationship (D20). And without a compelling
event, interest does not become a decision (D21).
"""

from __future__ import annotations

from collections.abc import Iterator

from ebcheck.ruleapi import (
    Area,
    Context,
    DealFile,
    DealType,
    DecisionStep,
    Example,
    Finding,
    Fit,
    NoOptions,
    Path,
    ProcurementStep,
    Severity,
    Stage,
    no_value,
    rule,
)

AREA = Area(
    "DP",
    "Decision and paper process",
    doctrine={
        "D18": "Know who signs and how the decision is made; meet the signer",
        "D19": "Know the paper process; after a tender is announced, win on compliance",
        "D20": "A mandatory criterion we cannot meet disqualifies us",
        "D21": "Without pain and a compelling event there is no decision",
    },
)


_DECISION_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: P-1, name: WMS rollout, account: Acme, stage: proposal, close_date: 2026-12-31}
decision_process:
  signer: Zhang Wei
stakeholders:
  - {name: Zhang Wei, roles: [EB], met: 2026-11-10}
"""


@rule(
    "DP001",
    "decision-process-unknown",
    contact=True,
    summary="From proposal, the steps of the customer's decision are not recorded.",
    severity=Severity.MEDIUM,
    escalation={Stage.NEGOTIATION: Severity.HIGH},
    applies_from=Stage.PROPOSAL,
    small_cap=True,
    doctrine=("D18",),
    example=Example.patched(
        _DECISION_FAILS,
        {
            "decision_process:\n": (
                "decision_process:\n"
                "  steps:\n"
                "    - {step: IT evaluation, by: Li Lei, date: 2026-12-05}\n"
                "    - {step: Board approval, date: 2026-12-18}\n"
            ),
        },
    ),
    message=(
        "How {account} will decide is not recorded: no `decision_process.steps`, from "
        "evaluation to signature. The deal is at {stage}."
    ),
    fix=(
        "Ask {coach}, or {eb}, how the decision is made, step by step from evaluation to "
        "signature, and who signs last; record each step with `by` and `date` in "
        "`decision_process.steps`, and the signer in `decision_process.signer`."
    ),
)
def decision_process_unknown(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """From proposal, fires when `decision_process.steps` is missing or empty.

    Why: Knowing an EB is not knowing the decision. Committees decide together, a board or a
    董事长 signs, a new executive reviews every programme. A deal at proposal without the
    steps from evaluation to signature cannot say when it closes, nor who still has to say
    yes.
    """
    process = deal.decision_process
    if process is None or not process.steps:
        yield ctx.finding(
            "decision_process.steps" if process else "decision_process",
            account=deal.deal.account,
        )


_PAPER_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: P-2, name: WMS rollout, account: Acme, stage: negotiation, close_date: 2026-12-31}
procurement: {}
"""


@rule(
    "DP002",
    "paper-process-unknown",
    summary="From proposal, neither the buying method nor the paper steps are recorded.",
    severity=Severity.MEDIUM,
    escalation={Stage.NEGOTIATION: Severity.HIGH},
    applies_from=Stage.PROPOSAL,
    small_cap=True,
    doctrine=("D19",),
    example=Example.patched(
        _PAPER_FAILS,
        {
            "procurement: {}": (
                "procurement:\n"
                "  method: quotation\n"
                "  steps:\n"
                "    - {step: Legal review, owner: Chen Mo, date: 2026-12-10}\n"
                "    - {step: Company seal, date: 2026-12-20}"
            ),
        },
    ),
    message=(
        "How {account} buys is not recorded: neither `procurement.method` nor "
        "`procurement.steps` (legal review, approvals, seals, purchase order). The deal is at "
        "{stage}."
    ),
    fix=(
        "Ask procurement or {coach} how this purchase is made (direct, quotation, tender "
        "...) and what stands between the yes and a signed contract: legal review, 会签, 用印, "
        "the purchase order; record them under `procurement`, each step with its `date`."
    ),
)
def paper_process_unknown(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """From proposal, fires when `procurement.method` is not given and `procurement.steps`
    is missing or empty.

    Why: Between "yes" and a signed contract stand procurement, legal, approvals and seals,
    and sometimes a formal tender with its own rules. An unknown paper process is the
    commonest reason a "won" deal slips a quarter.
    """
    buying = deal.procurement
    if buying is None or (buying.method is None and not buying.steps):
        yield ctx.finding("procurement", account=deal.deal.account)


_CRITERION_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: P-3, name: HIS upgrade, account: City Hospital, stage: proposal, close_date: 2026-12-31}
decision_process:
  criteria:
    - {criterion: Three grade-A hospital references, mandatory: true, fit: gap}
"""


@rule(
    "DP003",
    "criterion-gap",
    contact=True,
    summary="A mandatory decision criterion is a gap, or from proposal still unchecked.",
    severity=Severity.HIGH,
    escalation={Stage.PROPOSAL: Severity.CRITICAL},
    conditions={"unknown": Severity.MEDIUM},
    doctrine=("D20",),
    example=Example.patched(
        _CRITERION_FAILS,
        {"fit: gap": "fit: strong"},
    ),
    message={
        "default": (
            'We do not meet the mandatory criterion "{subject}" (fit: gap): it can disqualify '
            "us whatever the relationship. The deal is at {stage}."
        ),
        "unknown": (
            'Nobody has checked whether we meet the mandatory criterion "{subject}" (fit: '
            "{fit}), and the deal is at {stage}."
        ),
    },
    fix={
        "default": (
            'Close the gap on "{subject}" before the decision (a partner\'s reference, a '
            "certification, a product change), or get the criterion changed with {eb} while "
            "the requirements are still open; if neither can be done, qualify the deal out."
        ),
        "unknown": (
            'Check "{subject}" against our offer with the presales team, and record the '
            "result in `fit` (strong, partial or gap)."
        ),
        "tender": (
            'Close the gap on "{subject}" before the bid is due (a partner\'s reference, a '
            "certification, a product change). While the tender runs, question the "
            "criterion only as a clarification request through the official channel; if the "
            "gap cannot be closed, do not bid."
        ),
    },
    texts={
        "severity_when.unknown": "{severity} from proposal when the fit is unknown or unset",
    },
)
def criterion_gap(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """For each criterion of `decision_process.criteria` marked `mandatory: true` (one
    finding each): fires when its `fit` is `gap`, or, from proposal, `unknown` or unset.
    Criteria that are not mandatory are never checked. In an announced tender the fix for
    a gap is still to close it, before the bid is due, and to question the criterion only
    through the official channel.

    Why: A mandatory criterion we cannot meet (a ★ clause in a tender, a required reference,
    a certification) disqualifies us whatever the relationship, however many people want us
    to win. Found late, it loses the deal at the last step; found early, it can be closed,
    changed or used to qualify out.
    """
    process = deal.decision_process
    if process is None:
        return
    for index, criterion in enumerate(process.criteria):
        if not criterion.is_mandatory:
            continue
        at: Path = ("decision_process", "criteria", index)
        if criterion.fit is Fit.GAP:
            # In a tender the gap is still ours to close; only the criterion is not
            # to be argued with the customer's people privately (D19).
            variant = "tender" if ctx.in_announced_tender else None
            yield ctx.finding(at, subject=criterion.criterion, variant=variant)
        elif criterion.fit is Fit.UNKNOWN and ctx.stage.reached(Stage.PROPOSAL):
            yield ctx.finding(
                at,
                subject=criterion.criterion,
                variant="unknown",
                condition="unknown",
                private_contact=False,  # checked with our presales team
                fit=criterion.fit.value,
            )


_WHY_NOW_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: P-4, name: WMS rollout, account: Acme, stage: proposal, close_date: 2026-12-31}
insights:
  pain: Late shipments in peak season
  compelling_event: {event: Peak season 2026, date: 2026-10-01}
"""


@rule(
    "DP004",
    "no-compelling-event",
    contact=True,
    summary="From proposal, nothing records why the customer must decide now.",
    severity=Severity.MEDIUM,
    applies_from=Stage.PROPOSAL,
    small_cap=True,
    doctrine=("D21",),
    example=Example.patched(
        _WHY_NOW_FAILS,
        {"{event: Peak season 2026, date: 2026-10-01}": "{event: Peak season, date: 2027-01-20}"},
    ),
    message={
        "default": (
            "Nothing records why {account} must decide now: no `insights.compelling_event`. "
            "The deal is at {stage}."
        ),
        "passed": (
            'The compelling event "{event}" was on {date}, {days} {days|day|days} ago: nothing '
            "now says why {account} must decide now."
        ),
    },
    fix={
        "default": (
            "Find out with {eb} why {account} must act now, what it costs them to wait, and by "
            "when (a peak season, a regulation, an audit, the end of a contract); record it in "
            "`insights.compelling_event` with its `date`."
        ),
        "tender": (
            "The tender was announced on {announced}: its timetable is why {account} decides "
            "now. Record the award date (or the bid deadline) from the tender documents in "
            "`insights.compelling_event` with its `date`, and the reason for the tender if the "
            "documents give one."
        ),
    },
)
def no_compelling_event(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """From proposal, fires when `insights.compelling_event` is missing, or its `date` is
    before the audit date. Never for `deal.type: renewal`: the end of the current contract is
    the event. In an announced tender the fix takes the event from the tender's timetable.

    Why: Without pain and a compelling event, "interest" does not become a decision. A
    customer who loses nothing by waiting will wait, and the deal slips quarter after
    quarter. An event that has passed no longer pushes anyone.
    """
    if deal.deal.type is DealType.RENEWAL:
        return
    event = deal.insights.compelling_event if deal.insights else None
    if event is None or no_value(event.event):
        yield ctx.finding(
            "insights.compelling_event" if deal.insights else "insights",
            account=deal.deal.account,
            **ctx.tender_fix(),
        )
    elif event.date is not None and event.date < ctx.as_of:
        yield ctx.finding(
            "insights.compelling_event.date",
            variant="passed",
            account=deal.deal.account,
            event=event.event,
            date=event.date.isoformat(),
            days=ctx.days_before(event.date),
            **ctx.tender_fix(),
        )


_CLOSE_EARLY_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: P-5, name: WMS rollout, account: Acme, stage: negotiation, close_date: 2026-12-15}
decision_process:
  steps:
    - {step: Board approval, by: Zhang Wei, date: 2026-12-22}
"""


@rule(
    "DP005",
    "close-before-process",
    contact=True,
    summary="The close date is before a step of the decision or paper process still to come.",
    severity=Severity.MEDIUM,
    doctrine=("D18", "D19"),
    example=Example.patched(
        _CLOSE_EARLY_FAILS,
        {"close_date: 2026-12-15": "close_date: 2026-12-28"},
    ),
    message=(
        "The close date {close_date} is {days} {days|day|days} before the {kind} "
        '"{subject}" ({date}), which is not done yet.'
    ),
    fix=(
        'Move `deal.close_date` to after {date}, or agree with {who} how "{subject}" can be '
        "done by {close_date} and update the step's `date`."
    ),
    texts={
        "kind.decision": "decision step",
        "kind.paper": "paper-process step",
        "customer": "the customer",
    },
)
def close_before_process(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """For each step of `decision_process.steps` and `procurement.steps` that is not `done`
    and has a `date` (one finding each): fires when `deal.close_date` is earlier than that
    date.

    Why: A deal closes when the last signature and the last seal are on the contract, not
    before. A close date earlier than a step still to come (a board meeting, a legal review,
    a 用印) is a forecast the customer's own process will break.
    """
    close = deal.deal.close_date
    if close is None:
        return
    steps: list[tuple[str, Path, DecisionStep | ProcurementStep, str | None]] = []
    if deal.decision_process is not None:
        for index, step in enumerate(deal.decision_process.steps):
            steps.append(("decision", ("decision_process", "steps", index, "date"), step, step.by))
    if deal.procurement is not None:
        for index, paper in enumerate(deal.procurement.steps):
            steps.append(("paper", ("procurement", "steps", index, "date"), paper, paper.owner))
    for kind, at, item, who in steps:
        if item.date is None or item.is_done or not close < item.date:
            continue
        yield ctx.finding(
            at,
            subject=item.step,
            kind=ctx.text(f"kind.{kind}"),
            close_date=close.isoformat(),
            date=item.date.isoformat(),
            days=(item.date - close).days,
            who=who if who is not None and not no_value(who) else ctx.text("customer"),
            private_contact=not ctx.on_our_side(who),
        )


RULES = [
    decision_process_unknown,
    paper_process_unknown,
    criterion_gap,
    no_compelling_event,
    close_before_process,
]
