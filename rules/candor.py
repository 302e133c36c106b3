"""CD: saying it straight (doctrine D16-D17).

The delivery team estimated at least three months; the boss promised the
client 45 days; nobody said it could not be done, nobody stated the gap, the
risk or the extra resources needed, and everyone said "we'll do our best".
The project failed and the client was lost (D16). Gaps and risks must be said
openly and specifically, to the person who decides, together with what it
takes to handle them. Most management problems are communication problems
(D17): a risk that was never said out loud is a risk nobody can act on.

A risk is *voiced* when it is high or medium, was raised with someone other
than its own owner (with the person who made the promise, when that is
someone else), asks for something other than effort, and, if that ask was
declined, has a mitigation. An ask is *effort-only* when nothing is left of
it once the effort phrases ("do our best", 尽力) and the filler words ("we",
大家) are taken out.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ebcheck.ruleapi import (
    Area,
    AskStatus,
    Context,
    DealFile,
    Example,
    Field,
    Finding,
    NoOptions,
    Risk,
    RiskSeverity,
    RuleOptions,
    Severity,
    Stage,
    no_value,
    number,
    percent,
    rule,
    written_name,
)

AREA = Area(
    "CD",
    "Saying it straight",
    doctrine={
        "D16": "Say gaps and risks openly, to the person who decides",
        "D17": "Most management problems are communication problems",
    },
)


# --- effort-only asks ---------------------------------------------------------------

EFFORT_PHRASES = [
    "尽力",
    "尽量",
    "努力",
    "加班",
    "全力以赴",
    "全力",
    "拼一拼",
    "想办法",
    "do our best",
    "best effort",
    "best efforts",
    "work harder",
    "try harder",
    "push harder",
    "overtime",
    "work late",
    "extra hours",
]
FILLER_WORDS = [
    "大家",
    "我们",
    "团队",
    "一起",
    "一定",
    "会",
    "都",
    "而为",
    "保证",
    "争取",
    "we",
    "we'll",
    "will",
    "the",
    "team",
    "all",
    "everyone",
    "our",
    "us",
    "to",
    "try",
    "and",
    "just",
    "i",
    "i'll",
]

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Word characters of an English whole word: Latin letters, digits and the apostrophe.
_WORD = r"A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f0-9'"


def _normalise(text: str) -> str:
    return text.replace("\u2019", "'").replace("-", " ")


@functools.lru_cache(maxsize=1024)  # the same few phrases, for every deal
def _pattern(phrase: str) -> re.Pattern[str]:
    """A phrase as the catalog removes it: Chinese as a substring, English as whole words,
    case-insensitively, white space inside it matching any run of white space."""
    words = _normalise(phrase).split()
    body = r"\s+".join(re.escape(word) for word in words)
    if _CJK.search(phrase):
        return re.compile(body, re.IGNORECASE)
    return re.compile(rf"(?<![{_WORD}]){body}(?![{_WORD}])", re.IGNORECASE)


def _remove(text: str, phrases: Iterable[str]) -> str:
    for phrase in sorted((p for p in phrases if p.strip()), key=len, reverse=True):
        text = _pattern(phrase).sub("", text)
    return text


def effort_only(ask: str | None, phrases: Sequence[str], fillers: Sequence[str]) -> bool:
    """Whether an ask is only a promise of effort: nothing is left of it once the effort
    phrases, then the filler words (longest first), are removed and every character that is
    not a letter or a digit is dropped. An empty ask is not effort-only (it is no ask)."""
    if ask is None or not ask.strip():
        return False
    left = _remove(_remove(_normalise(ask), phrases), fillers)
    return not any(char.isalnum() for char in left)


# --- voiced risks ---------------------------------------------------------------------


def _unvoiced_because(risk: Risk, deal: DealFile, ctx: Context[Any]) -> str | None:
    """Why a risk does not count as said straight (a `because.*` key), or None when it does."""
    if risk.severity not in (RiskSeverity.HIGH, RiskSeverity.MEDIUM):
        return "because.severity"
    if no_value(risk.raised_with):
        return "because.not_raised"
    if not no_value(risk.owner) and ctx.same(risk.raised_with, risk.owner):
        return "because.owner_only"
    promised_by = deal.commitments.committed_by if deal.commitments else None
    if (
        not no_value(promised_by)
        and not ctx.same(promised_by, risk.owner)
        and not ctx.same(risk.raised_with, promised_by)
    ):
        return "because.not_promiser"
    if no_value(risk.ask):
        return "because.no_ask"
    # CD004's lists as configured, even when CD004 itself is off: the two rules must
    # agree on what an effort-only ask is.
    phrases = ctx.option_of("CD004", "effort_phrases", EFFORT_PHRASES)
    fillers = ctx.option_of("CD004", "filler_words", FILLER_WORDS)
    if effort_only(risk.ask, phrases, fillers):
        return "because.effort"
    if risk.ask_status is AskStatus.DECLINED and no_value(risk.mitigation):
        return "because.declined"
    return None


class CompressionOptions(RuleOptions):
    max_compression: float = Field(default=0.25, ge=0, lt=1)


_COMPRESSION_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: K-1, name: ERP go-live, account: Acme, stage: negotiation, close_date: 2026-12-15}
commitments:
  team_estimate_days: 90
  committed_days: 45
  committed_by: Bao Li
  risks:
    - {risk: Go-live in half the estimated time, severity: high, owner: Chen Mo,
       raised_with: Chen Mo, ask: We will do our best}
"""


@rule(
    "CD001",
    "unvoiced-compression",
    summary=(
        "The promised time is cut more than 25% below the team's estimate, and nobody said so."
    ),
    severity=Severity.CRITICAL,
    options=CompressionOptions,
    doctrine=("D16", "D17"),
    example=Example.patched(
        _COMPRESSION_FAILS,
        {
            "raised_with: Chen Mo, ask: We will do our best}": (
                "raised_with: Bao Li, raised_on: 2026-10-01,\n"
                "       ask: Two more implementation consultants from week 2}"
            ),
        },
    ),
    message={
        "default": (
            "The delivery team estimated {estimate} days; {committed} days were promised, a cut "
            "of {cut}, and no risk shows it was said to the person who decides, with what is "
            "needed: {reasons}."
        ),
        "none": (
            "The delivery team estimated {estimate} days; {committed} days were promised, a cut "
            "of {cut}, and no risk is recorded: nobody has said it can't be done in time."
        ),
    },
    fix={
        "default": (
            "Say it now, to {decider}: record the gap as a risk with `raised_with` (who was "
            "told) and `ask` (the people, budget or scope needed to deliver in {committed} "
            "days, not effort), or renegotiate the date with the client."
        ),
        "declined": (
            "The ask was said and declined: write in `mitigation` how {committed} days can "
            "still be kept without it (a smaller scope, a later phase, another resource), or "
            "take it back to {decider}, and renegotiate the date with the client."
        ),
    },
    texts={
        "decider": "the person who decides",
        "decider_promised": "{name}, who made the promise",
        "reason": '"{risk}" {why}',
        "because.severity": "is neither high nor medium",
        "because.not_raised": "was said to nobody (no `raised_with`)",
        "because.owner_only": "was told only to its owner, {owner}",
        "because.not_promiser": (
            "was told to {raised_with}, not to {promised_by}, who made the promise"
        ),
        "because.no_ask": "asks for nothing (no `ask`)",
        "because.effort": 'asks only for effort ("{ask}")',
        "because.declined": "had its ask declined, and has no mitigation",
    },
)
def unvoiced_compression(deal: DealFile, ctx: Context[CompressionOptions]) -> Iterator[Finding]:
    """Fires when `commitments.committed_days` is more than `max_compression` (25%) below
    `commitments.team_estimate_days` (cut = 1 - committed / estimate; exactly 25% does not
    fire), and no risk is voiced. A risk is voiced when its `severity` is `high` or `medium`;
    `raised_with` is given and is not the risk's own `owner`; when
    `commitments.committed_by` is given and is not the risk's owner, `raised_with` is that
    person (the one who made the promise decides); `ask` is given and is not effort-only
    (CD004's lists as configured, also when CD004 is off); and, when `ask_status` is
    `declined`, the risk has a `mitigation`. The message says why each recorded risk does
    not count; when each was said straight but declined, the fix asks for the mitigation.

    Why: The delivery team estimated at least three months; the boss promised the client 45
    days. Nobody said it could not be done, nobody stated the gap, the risk or the extra
    resources needed; everyone said "we'll do our best". The project failed, the client was
    lost, and the blame went upward. A gap between the estimate and the promise must be said
    openly and specifically, to the person who decides (the one who made the promise), with
    the resources or support it requires. Telling the risk's own owner, or asking for
    effort, is not saying it.
    """
    promises = deal.commitments
    if promises is None or promises.team_estimate_days is None or promises.committed_days is None:
        return
    estimate, committed = promises.team_estimate_days, promises.committed_days
    cut = 1 - committed / estimate
    # Rounded so that a cut of exactly the threshold (75 of 100 days) is not "more than" it.
    if round(cut, 9) <= ctx.options.max_compression:
        return
    reasons: list[str] = []
    causes: set[str] = set()
    for risk in promises.risks:
        because = _unvoiced_because(risk, deal, ctx)
        if because is None:
            return
        causes.add(because)
        why = ctx.text(
            because,
            owner=risk.owner or "",
            raised_with=risk.raised_with or "",
            promised_by=promises.committed_by or "",
            ask=(risk.ask or "").strip(),
        )
        reasons.append(ctx.text("reason", risk=risk.risk, why=why))
    promised_by = promises.committed_by
    decider = (
        ctx.text("decider_promised", name=promised_by)
        if promised_by and not no_value(promised_by)
        else ctx.text("decider")
    )
    # Said straight but declined, every one: what is missing is the mitigation.
    variant = "declined" if causes == {"because.declined"} else None if reasons else "none"
    yield ctx.finding(
        "commitments.committed_days",
        variant=variant,
        estimate=number(estimate),
        committed=number(committed),
        cut=percent(cut),
        reasons=ctx.join_clauses(reasons),
        decider=decider,
    )


_MISSING_PARTS = ("raised_with", "ask", "owner")

_NO_ASK_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: K-2, name: ERP go-live, account: Acme, stage: proposal, close_date: 2026-12-31}
commitments:
  risks:
    - {risk: Key user team only available two days a week, severity: high, owner: Chen Mo}
"""


@rule(
    "CD002",
    "risk-without-ask",
    summary="A high risk lacks who it was raised with, what was asked for, or an owner.",
    severity=Severity.MEDIUM,
    doctrine=("D16", "D17"),
    example=Example.patched(
        _NO_ASK_FAILS,
        {
            "owner: Chen Mo}": (
                "owner: Chen Mo,\n"
                "       raised_with: Zhang Wei,\n"
                "       ask: Release the four key users full time for weeks 3 to 8}"
            ),
        },
    ),
    message='The high risk "{subject}" has no {missing}.',
    fix=(
        'Raise "{subject}" openly with the person who decides, say exactly what is needed to '
        "handle it (people, budget, time or scope), and name who follows it up; record each "
        "in the risk."
    ),
    texts={
        "item.raised_with": "`raised_with` (who it was said to)",
        "item.ask": "`ask` (what is needed)",
        "item.owner": "`owner` (who follows it up)",
    },
)
def risk_without_ask(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """For each risk of `severity: high` (one finding each): fires when any of `raised_with`,
    `ask` or `owner` is missing or empty. The message names what is missing.

    Why: A risk that was never said to the person who decides, with what it takes to handle
    it, is a risk nobody can act on. "We'll do our best" is not a plan. About 80% of
    management problems are communication problems: a high risk needs a listener, a request
    and an owner.
    """
    if deal.commitments is None:
        return
    for index, risk in enumerate(deal.commitments.risks):
        if risk.severity is not RiskSeverity.HIGH:
            continue
        missing = [part for part in _MISSING_PARTS if no_value(getattr(risk, part))]
        if not missing:
            continue
        yield ctx.finding(
            ("commitments", "risks", index),
            subject=risk.risk,
            missing=ctx.join(ctx.text(f"item.{part}") for part in missing),
        )


_NO_RISKS_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: K-3, name: ERP go-live, account: Acme, stage: proposal, close_date: 2026-12-31}
commitments:
  team_estimate_days: 90
  committed_days: 80
"""


@rule(
    "CD003",
    "no-risks-recorded",
    summary="From proposal, no risks are recorded.",
    severity=Severity.LOW,
    applies_from=Stage.PROPOSAL,
    small_cap=True,
    doctrine=("D16",),
    example=Example.patched(
        _NO_RISKS_FAILS,
        {
            "committed_days: 80\n": (
                "committed_days: 80\n"
                "  risks:\n"
                "    - {risk: Legacy data migration, severity: medium, owner: Chen Mo}\n"
            ),
        },
    ),
    message="No risks are recorded, and the deal is at {stage}.",
    fix=(
        "List the risks under `commitments.risks` with their severity; for each high one, "
        "record who it was raised with, what was asked for, and the owner."
    ),
)
def no_risks_recorded(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
    """From proposal, fires when `commitments.risks` is missing or empty.

    Why: Every deal at proposal has risks: delivery time, scope, resources, competition. A
    deal with none written down has not been looked at honestly, and risks nobody states
    cannot be raised with the person who decides.
    """
    if deal.commitments is None or not deal.commitments.risks:
        yield ctx.finding("commitments.risks")


class EffortOptions(RuleOptions):
    effort_phrases: list[str] = Field(default=EFFORT_PHRASES)
    filler_words: list[str] = Field(default=FILLER_WORDS)


_EFFORT_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: K-4, name: ERP go-live, account: Acme, stage: proposal, close_date: 2026-12-31}
commitments:
  risks:
    - {risk: Go-live in half the estimated time, severity: high, owner: Chen Mo,
       raised_with: Bao Li, ask: "We'll do our best"}
"""


@rule(
    "CD004",
    "effort-not-resources",
    summary="A risk asks only for effort, not for resources.",
    severity=Severity.MEDIUM,
    options=EffortOptions,
    doctrine=("D16",),
    example=Example.patched(
        _EFFORT_FAILS,
        {'"We\'ll do our best"': "Two more implementation consultants from week 2"},
    ),
    message=(
        'The ask for the risk "{subject}" is "{ask}": a promise of effort, not a resource '
        "anyone can grant."
    ),
    fix={
        "default": (
            'Replace the ask for "{subject}" with what it takes: how many people and from '
            "when, what budget, how much time, or which part of the scope to drop; then raise "
            "it with the person who decides."
        ),
        "owned": (
            '{owner}, who owns "{subject}": replace the ask with what it takes (how many '
            "people and from when, what budget, how much time, or which part of the scope to "
            "drop), and raise it with the person who decides."
        ),
    },
)
def effort_not_resources(deal: DealFile, ctx: Context[EffortOptions]) -> Iterator[Finding]:
    """For each risk (one finding each): fires when its `ask` is effort-only. An ask is
    effort-only when it is not empty and nothing is left after replacing ’ with ' and - with
    a space, removing the `effort_phrases` and then the `filler_words`, longest first
    (Chinese ones as substrings, English ones as whole words, case-insensitively; white
    space inside a phrase matches any run of white space), and dropping every character
    that is not a letter or a digit. "We'll do our best" and 大家一起努力 are effort-only; "two
    consultants" is not. A configured list replaces the default one.

    Why: When the team estimated three months and the boss promised 45 days, everyone said
    "we'll do our best", and the project failed. Effort is not a resource: nobody can grant
    it, plan with it or be held to it. An ask must name what is needed (people, budget, time
    or scope), so that the person who decides can say yes or no.
    """
    if deal.commitments is None:
        return
    options = ctx.options
    for index, risk in enumerate(deal.commitments.risks):
        if not effort_only(risk.ask, options.effort_phrases, options.filler_words):
            continue
        owned = not no_value(risk.owner)
        yield ctx.finding(
            ("commitments", "risks", index, "ask"),
            subject=risk.risk,
            variant="owned" if owned else None,
            ask=(risk.ask or "").strip(),
            owner=risk.owner or "",
        )


class UnansweredOptions(RuleOptions):
    max_days: int = Field(default=14, ge=0)


_UNANSWERED_FAILS = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: K-5, name: ERP go-live, account: Acme, stage: proposal, close_date: 2026-12-31}
commitments:
  risks:
    - {risk: Key users only two days a week, severity: high, owner: Chen Mo,
       raised_with: Zhang Wei, raised_on: 2026-10-28,
       ask: Release four key users full time for weeks 3 to 8, ask_status: pending}
"""


@rule(
    "CD005",
    "ask-unanswered",
    summary=(
        "A high risk's ask has waited more than 14 days for an answer, or was declined with "
        "no mitigation."
    ),
    severity=Severity.MEDIUM,
    escalation={Stage.NEGOTIATION: Severity.HIGH},
    conditions={"declined": Severity.HIGH},
    options=UnansweredOptions,
    doctrine=("D16", "D17"),
    example=Example.patched(
        _UNANSWERED_FAILS,
        {"ask_status: pending": "ask_status: granted, answered_on: 2026-11-04"},
    ),
    message={
        "default": (
            'The ask for the high risk "{subject}" ({ask}) was raised on {date} and has waited '
            "{days} {days|day|days} for an answer (more than {max_days})."
        ),
        "declined": (
            'The ask for the high risk "{subject}" ({ask}) was declined{answered}, and the risk '
            "has no mitigation: nothing now stands between the risk and the client."
        ),
    },
    fix={
        "default": (
            "Go back to {decider} this week for a yes or a no, and say what happens to the "
            "promise without it; record the answer in `ask_status` and `answered_on`."
        ),
        "declined": (
            "{owner}: write in `mitigation` how the risk will be handled without it (a smaller "
            "scope, a later date, another resource), or take it back to {decider} with what "
            "happens if nothing changes; if the promise cannot be kept, tell the client now."
        ),
    },
    texts={
        "severity_when.declined": "{severity} at any stage for a declined ask without mitigation",
        "answered": " on {date}",
        "decider": "the person who decides",
        "owner": "The risk's owner",
    },
)
def ask_unanswered(deal: DealFile, ctx: Context[UnansweredOptions]) -> Iterator[Finding]:
    """For each risk of `severity: high` (one finding each): fires when its `ask_status` is
    `pending` and its `raised_on` is more than `max_days` (14) days before the audit date
    (exactly 14 days does not fire; a risk without `raised_on` is not checked), or when its
    `ask_status` is `declined` and it has no `mitigation` (at any stage). The fix sends the
    rep back to `raised_with`, unless that is the risk's own `owner`; then to
    `commitments.committed_by`.

    Why: Saying a risk to the person who decides is half the job; the other half is an
    answer. An ask that waits weeks is a no nobody has said, and a declined ask with no
    mitigation leaves the risk standing where the client will meet it. Either way the team
    is back to "we'll do our best".
    """
    if deal.commitments is None:
        return
    for index, risk in enumerate(deal.commitments.risks):
        if risk.severity is not RiskSeverity.HIGH:
            continue
        where = ("commitments", "risks", index, "ask_status")
        named = _decider(risk, deal, ctx)
        decider = named or ctx.text("decider")
        # Going back to one of the customer's people is private contact in a tender (D19);
        # "the person who decides", when the file names no one, holds our resources.
        customer = named is not None and not ctx.on_our_side(named)
        ask = (risk.ask or "").strip() or "-"
        if risk.ask_status is AskStatus.DECLINED and no_value(risk.mitigation):
            answered = risk.answered_on
            yield ctx.finding(
                where,
                subject=risk.risk,
                variant="declined",
                condition="declined",
                private_contact=customer,
                ask=ask,
                answered=ctx.text("answered", date=answered.isoformat()) if answered else "",
                owner=risk.owner if not no_value(risk.owner) else ctx.text("owner"),
                decider=decider,
            )
        elif risk.ask_status is AskStatus.PENDING and risk.raised_on is not None:
            days = ctx.days_before(risk.raised_on)
            if days > ctx.options.max_days:
                yield ctx.finding(
                    where,
                    subject=risk.risk,
                    private_contact=customer,
                    ask=ask,
                    date=risk.raised_on.isoformat(),
                    days=days,
                    max_days=ctx.options.max_days,
                    decider=decider,
                )


def _decider(risk: Risk, deal: DealFile, ctx: Context[Any]) -> str | None:
    """Who to go back to for an answer: the person the risk was raised with, unless that
    is its own owner (the rep would go back to themself), else the one who made the
    promise (`committed_by`, who decides, as for CD001); None when the file names no one."""
    owner = written_name(risk.owner)
    promised_by = deal.commitments.committed_by if deal.commitments else None
    for written in (risk.raised_with, promised_by):
        name = written_name(written)
        if name is not None and not ctx.same(name, owner):
            return name
    return None


RULES = [
    unvoiced_compression,
    risk_without_ask,
    no_risks_recorded,
    effort_not_resources,
    ask_unanswered,
]
