"""Small helpers shared by the human-readable formats."""

from __future__ import annotations

from ebcheck.audit.results import AuditReport, DealReport
from ebcheck.deal.enums import Role
from ebcheck.deal.models import Stakeholder
from ebcheck.i18n import Catalogue

ROLE_ORDER = (Role.EB, Role.TB, Role.UB, Role.COACH)


def money(amount: float | None, currency: str | None) -> str:
    if amount is None:
        return "—"
    number = f"{amount:,.0f}" if amount == int(amount) else f"{amount:,.2f}"
    return f"{currency} {number}" if currency else number


def verdict_counts(report: AuditReport, words: Catalogue) -> str:
    """How many deals got each verdict, worst first: "1 not ready, 2 ready"."""
    return words.text("list.separator").join(
        f"{count} {words.text(f'verdict.{name}')}"
        for name, count in report.summary().by_verdict.items()
    )


def stance_word(person: Stakeholder, words: Catalogue) -> str | None:
    """The person's stance in the report's language (None when not recorded)."""
    if person.stance is None:
        return None
    return words.get(f"stance.{person.stance.value}") or person.stance.value


def worst_first(report: AuditReport) -> list[DealReport]:
    """Deals that need attention first: by verdict, then score, then path."""
    return sorted(
        report.deals,
        key=lambda d: (d.verdict.rank, d.score if d.score is not None else 101, d.path),
    )
