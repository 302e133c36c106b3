"""Small helpers shared by the human-readable formats."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from ebcheck.audit.findings import Suppressed
from ebcheck.audit.results import AnyReport, AuditReport, DealReport
from ebcheck.deal.enums import Role, Verdict
from ebcheck.deal.models import DealFile, Stakeholder
from ebcheck.deal.money import grouped
from ebcheck.i18n import Catalogue

ROLE_ORDER = (Role.EB, Role.TB, Role.UB, Role.COACH)


@dataclass(frozen=True)
class CentreRow:
    """One line of the buying centre: who holds a role, or who else is on the map."""

    role: Role | None
    """The role this line is about; None for people without one, and people who left."""
    person: Stakeholder | None
    """None: nobody holds `role`."""
    gone: bool = False


def buying_centre_rows(deal: DealFile, as_of: dt.date) -> list[CentreRow]:
    """Every role with who holds it now, then everyone else: people without a
    role, and people who left (shown as such, so that nobody silently vanishes)."""
    rows: list[CentreRow] = []
    for role in ROLE_ORDER:
        holders = [p for p in deal.stakeholders if p.has_role(role) and not p.gone_by(as_of)]
        rows += [CentreRow(role, p) for p in holders] or [CentreRow(role, None)]
    for person in deal.stakeholders:
        if person.gone_by(as_of):
            rows.append(CentreRow(None, person, gone=True))
        elif not person.all_roles:
            rows.append(CentreRow(None, person))
    return rows


def who_words(person: Stakeholder, words: Catalogue) -> list[str]:
    """A person's name, title and, outside the customer, their side: plain text parts."""
    name = person.name
    if not person.customer_side:
        side = words.get(f"affiliation.{person.affiliation.value}") or person.affiliation.value
        name += words.text("report.outside", affiliation=side)
    return [name, person.title] if person.title else [name]


def header_facts(deal: DealReport, words: Catalogue) -> list[tuple[str, str]]:
    """Forecast call, close-date pushes and days in stage, where the file records them."""
    info = deal.deal.deal if deal.deal is not None else None
    if info is None:
        return []
    facts: list[tuple[str, str]] = []
    if info.forecast is not None:
        facts.append((words.text("report.forecast"), forecast_word(info.forecast.value, words)))
    if info.pushes is not None:
        count = info.pushes
        facts.append((words.text("report.pushes"), words.text("report.pushes_value", count=count)))
    days = info.days_in_stage(deal.as_of)
    if days is not None and info.stage_entered is not None:
        since = info.stage_entered.isoformat()
        value = words.text("report.days_in_stage_value", days=days, since=since)
        facts.append((words.text("report.days_in_stage"), value))
    return facts


def money(amount: Decimal | int | None, currency: str | None) -> str:
    """An amount as people read it: `CNY 1,200,000`, `0.30`; exact, never rounded
    (`999,999,999,999,999.99`, and `0.125` keeps its third digit)."""
    if amount is None:
        return "—"
    number = grouped(Decimal(amount), least=2)
    return f"{currency} {number}" if currency else number


def no_deals(report: AnyReport, words: Catalogue) -> str:
    """The sentence for a run that judged no deal: none found, or none changed
    since `--changed-since REF` (a pull request that touched no deal)."""
    if report.changed_since:
        return words.text("report.no_deals_changed", ref=report.changed_since)
    return words.text("report.no_deals")


def verdict_counts(report: AnyReport, words: Catalogue) -> str:
    """How many deals got each verdict, worst first: "1 not ready, 2 ready"."""
    return words.text("list.separator").join(
        f"{count} {words.text(f'verdict.{name}')}"
        for name, count in report.summary().by_verdict.items()
    )


def bold_label(words: Catalogue, key: str) -> str:
    """A run-in markdown heading, `**As of:**`, with the language's colon."""
    return f"**{words.text('list.label', label=words.text(key))}**"


def stage_word(deal: DealReport, words: Catalogue) -> str:
    """The deal's stage in the report's language (a dash for a file that did not load)."""
    if deal.deal is None:
        return "—"
    stage = deal.deal.deal.stage.value
    return words.get(f"stage.{stage}") or stage


def forecast_word(category: str, words: Catalogue) -> str:
    """A forecast category (`commit`, or `none` for deals without one) in the report's language."""
    return words.get(f"forecast.{category}") or category


def stance_word(person: Stakeholder, words: Catalogue) -> str | None:
    """The person's stance in the report's language (None when not recorded)."""
    if person.stance is None:
        return None
    return words.get(f"stance.{person.stance.value}") or person.stance.value


class Ranked(Protocol):
    """A deal as `attention` ranks it: a report, or a row the pipeline table keeps."""

    @property
    def verdict(self) -> Verdict: ...
    @property
    def score(self) -> int | None: ...
    @property
    def path(self) -> str: ...


def attention(deal: Ranked) -> tuple[int, int, str]:
    """Where a deal comes among those needing attention: by verdict, then score, then path."""
    return deal.verdict.rank, deal.score if deal.score is not None else 101, deal.path


def worst_first(report: AuditReport) -> list[DealReport]:
    """Deals that need attention first: by verdict, then score, then path."""
    return sorted(report.deals, key=attention)


def suppressed_line(
    entry: Suppressed, words: Catalogue, show: Callable[[str, str], str] | None = None
) -> str:
    """One suppressed finding as a line: its rule, message, the reason and until when.

    `show(part, text)` formats the rule, message and reason for a format that
    marks them up (markdown); by default they are left as they are.
    """
    shown = show or (lambda _part, value: value)
    until = words.text("report.until", date=entry.until.isoformat()) if entry.until else ""
    return words.text(
        "report.suppressed_line",
        rule=shown("rule", entry.finding.rule),
        message=shown("message", entry.finding.message),
        reason=shown("reason", entry.reason),
        until=until,
    )


def not_ready_title(
    words: Catalogue, not_ready: int, deals: int, at_risk: Mapping[str, Decimal]
) -> str:
    """What a sales manager asks first: how many deals are not ready, how much is at risk
    (per currency; `unknown` is the deals without one)."""
    key = "not_ready_of" if not_ready else "none_not_ready"
    title = words.text(f"reports.markdown.{key}", not_ready=not_ready, deals=deals)
    amounts = [
        money(amount, words.text("reports.markdown.no_currency") if code == "unknown" else code)
        for code, amount in at_risk.items()
        if amount
    ]
    if amounts:
        title += words.text("reports.markdown.amount_at_risk", amount=words.join(amounts))
    return title
