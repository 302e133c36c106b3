"""The finished audit: what formatters render and the CLI turns into an exit code."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from ebcheck.audit.findings import Finding, RuleCrash, Suppressed
from ebcheck.deal import money
from ebcheck.deal.enums import Forecast, Verdict
from ebcheck.deal.models import DealFile

if TYPE_CHECKING:
    from ebcheck.ruleapi import Rule


@dataclass(frozen=True)
class DealReport:
    """One deal file, audited."""

    path: str
    """The file as the user would name it: relative to the working folder, '/'-separated."""
    as_of: dt.date
    verdict: Verdict
    score: int | None
    findings: tuple[Finding, ...] = ()
    suppressed: tuple[Suppressed, ...] = ()
    baselined: tuple[Finding, ...] = ()
    crashes: tuple[RuleCrash, ...] = ()
    deal: DealFile | None = None
    deal_id: str | None = None
    repo_path: str = ""
    """The file relative to the repository root (empty: same as `path`)."""
    failing: tuple[Finding, ...] = ()
    """The findings that fail under `--fail-on` (see `ebcheck.audit.gate`)."""
    fails: bool = False
    """Whether this deal fails the run under `--fail-on`."""
    new_verdict: Verdict | None = None
    """With a baseline: the verdict of the findings not in it (what `--fail-on` judges)."""

    @property
    def repo_location(self) -> str:
        """Where CI tools (SARIF, GitHub annotations) expect the file: repo-relative."""
        return self.repo_path or self.path

    @property
    def gate(self) -> Verdict:
        """The verdict `--fail-on` judges: with a baseline, that of the new findings."""
        return self.new_verdict or self.verdict

    def finding_fails(self, finding: Finding) -> bool:
        return any(finding is failed for failed in self.failing)

    @property
    def name(self) -> str | None:
        return self.deal.deal.name if self.deal else None

    @property
    def is_open(self) -> bool:
        return self.deal is not None and not self.deal.deal.is_closed

    @property
    def top_finding(self) -> Finding | None:
        return self.findings[0] if self.findings else None


@dataclass(frozen=True)
class Summary:
    deals: int
    invalid: int
    skipped: int
    by_verdict: dict[str, int]
    amount: dict[str, Decimal]
    """The open amount by currency, exact (`ebcheck.deal.money` writes it)."""
    amount_at_risk: dict[str, Decimal]
    by_forecast: dict[str, dict[str, dict[str, Decimal]]] = field(default_factory=dict)
    """Per forecast category (`none` without one): the open `amount` and the part `at_risk`,
    by currency."""


AT_RISK = (Verdict.AT_RISK, Verdict.NOT_READY)
"""What counts as amount at risk: not `early` (readiness is not yet the question)."""
_FORECAST_ORDER = (*(f.value for f in Forecast), "none")


def _forecast_order(item: tuple[str, object]) -> int:
    return _FORECAST_ORDER.index(item[0])


@dataclass(frozen=True)
class AuditReport:
    """Every deal audited in one run, in a deterministic order."""

    as_of: dt.date
    deals: tuple[DealReport, ...]
    skipped: tuple[str, ...] = ()
    excluded: int = 0
    """YAML files a folder walk left out because of `exclude`."""
    stale_baseline: tuple[tuple[str, str, str, str], ...] = field(default=())
    """Baseline entries that matched no finding of this run."""
    fail_on: str = "not_ready"
    """The `--fail-on` level the deals' `failing` and `fails` were decided at."""
    rules: tuple[Rule, ...] = ()
    """The rules that ran (SARIF describes them)."""
    default_currency: str | None = None
    """The config's `default_currency`: stands for a deal's missing one in totals."""
    changed_since: str | None = None
    """`--changed-since REF`: only deals changed since REF were judged (reports say
    so when there were none)."""

    @property
    def fails(self) -> bool:
        """Whether the run fails (exit 1), before internal errors are counted."""
        return any(deal.fails for deal in self.deals)

    def currency_of(self, deal: DealReport) -> str:
        """A deal's currency for totals: its own, else the config's default, else "unknown"."""
        own = deal.deal.deal.currency if deal.deal is not None else None
        return own or self.default_currency or "unknown"

    def summary(self) -> Summary:
        with money.exact():
            return self._summary()

    def _summary(self) -> Summary:
        verdicts = Counter(report.verdict.value for report in self.deals)
        # Amounts are exact decimals: 0.1 + 0.2 is 0.3, and big sums stay whole.
        amount: dict[str, Decimal] = defaultdict(Decimal)
        at_risk: dict[str, Decimal] = defaultdict(Decimal)
        by_forecast: dict[str, dict[str, dict[str, Decimal]]] = defaultdict(
            lambda: {"amount": defaultdict(Decimal), "at_risk": defaultdict(Decimal)}
        )
        for report in self.deals:
            if not report.is_open or report.deal is None or report.deal.deal.amount is None:
                continue
            currency = self.currency_of(report)
            value = report.deal.deal.amount
            forecast = report.deal.deal.forecast
            category = by_forecast[forecast.value if forecast is not None else "none"]
            amount[currency] += value
            category["amount"][currency] += value
            if report.verdict in AT_RISK:
                at_risk[currency] += value
                category["at_risk"][currency] += value
        ordered = sorted(verdicts, key=lambda v: Verdict(v).rank)
        return Summary(
            deals=len(self.deals),
            invalid=verdicts.get(Verdict.INVALID.value, 0),
            skipped=len(self.skipped),
            by_verdict={verdict: verdicts[verdict] for verdict in ordered},
            amount={c: amount[c] for c in sorted(amount)},
            amount_at_risk={c: at_risk.get(c, Decimal(0)) for c in sorted(amount)},
            by_forecast={
                name: {
                    part: {c: sums.get(c, Decimal(0)) for c in sorted(category["amount"])}
                    for part, sums in category.items()
                }
                for name, category in sorted(by_forecast.items(), key=_forecast_order)
            },
        )

    @property
    def crashes(self) -> list[tuple[str, RuleCrash]]:
        return [(report.path, crash) for report in self.deals for crash in report.crashes]
