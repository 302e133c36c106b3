"""The finished audit: what formatters render and the CLI turns into an exit code."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ebcheck.audit.findings import Finding, RuleCrash, Suppressed
from ebcheck.deal import money
from ebcheck.deal.enums import Forecast, Severity, Verdict
from ebcheck.deal.models import DealFile

if TYPE_CHECKING:
    from ebcheck.i18n import Catalogue
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
        """What a pipeline row names as the deal's top issue: its most severe finding that
        is not paperwork capped on a small deal (D26) nor the file's bookkeeping (S rules),
        which are shown with the deal but never lead it; None when nothing else is found."""
        return next((f for f in self.findings if not f.capped and f.area != "S"), None)

    def tally(self, kept: Any = None) -> Tally:
        info = self.deal.deal if self.deal is not None else None
        return Tally(
            self.path,
            self.deal_id,
            self.verdict,
            self.fails,
            self.is_open,
            info.amount if info is not None else None,
            info.currency if info is not None else None,
            info.forecast if info is not None else None,
            Counts(len(self.findings), len(self.suppressed), len(self.baselined)),
            len(self.failing),
            self.crashes,
            kept,
        )


@dataclass(frozen=True, slots=True)
class Counts:
    """How many findings a report shows, and how many it leaves out."""

    findings: int = 0
    suppressed: int = 0
    baselined: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.findings + other.findings,
            self.suppressed + other.suppressed,
            self.baselined + other.baselined,
        )

    def __reduce__(self) -> tuple[type[Counts], tuple[int, int, int]]:
        return Counts, (self.findings, self.suppressed, self.baselined)  # see Rendered's


@dataclass(frozen=True, slots=True)
class Tally:
    """What the summary, the exit code and `-o` need of one audited deal: what a
    streamed report keeps of it once its text is written."""

    path: str
    deal_id: str | None
    verdict: Verdict
    fails: bool
    is_open: bool
    amount: Decimal | None
    currency: str | None
    """The deal's own currency (the summary stands the config's default in for none)."""
    forecast: Forecast | None
    counts: Counts
    failing: int
    """How many of its findings fail under `--fail-on`."""
    crashes: tuple[RuleCrash, ...]
    kept: Any = None
    """What the report's format keeps of the deal besides (`DealWriter.keeps`)."""

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Sent back from a worker for every deal of a streamed audit, as values pickle
        # writes in C: the enums and `Counts` reduced themselves, each a Python call
        # (2-3 µs a file to write, as much to read).
        counts, forecast = self.counts, self.forecast
        return _tally, (
            *(self.path, self.deal_id, self.verdict.value, self.fails, self.is_open),
            *(self.amount, self.currency, forecast.value if forecast is not None else None),
            *(counts.findings, counts.suppressed, counts.baselined, self.failing),
            *(self.crashes, self.kept),
        )


def _tally(*values: Any) -> Tally:
    """A `Tally` as its `__reduce__` sent it."""
    path, deal_id, verdict, fails, is_open, amount, currency, forecast, *rest = values
    findings, suppressed, baselined, failing, crashes, kept = rest
    return Tally(
        *(path, deal_id, VERDICTS[verdict], fails, is_open, amount, currency),
        FORECASTS[forecast] if forecast is not None else None,
        *(Counts(findings, suppressed, baselined), failing, crashes, kept),
    )


# By value: `Verdict(value)` goes through the enum's metaclass, four times as long
# (and a KeyError refuses a value that is none of them).
VERDICTS = {verdict.value: verdict for verdict in Verdict}
FORECASTS = {forecast.value: forecast for forecast in Forecast}


DealText = Callable[[DealReport, "Catalogue"], str]
"""A streaming format's text of one deal, in the audit's language (`json_format.deal_text`)."""


@dataclass(frozen=True)
class DealWriter:
    """How a streaming format writes a deal (`json_format.WRITER`)."""

    name: str
    text: DealText
    sound: Callable[[str, Tally, Sequence[Severity], str], bool] | None = None
    """Whether a text read back from the result cache is one this format could have
    written for that tally, those findings' severities and the file as the
    repository names it (None: its texts are not kept there)."""
    for_rules: Callable[[tuple[Rule, ...]], DealWriter] | None = None
    """For a format whose text of a deal depends on the rules the audit runs (SARIF
    numbers them): its writer, text and check, for those rules."""
    for_count: Callable[[int], DealWriter] | None = None
    """For a format whose text of a deal depends on how many deals the report holds
    (a big terminal report gives a panel only to the deals that need attention): its
    writer for that many."""
    keeps: Callable[[DealReport], Any] | None = None
    """What the format keeps of each deal besides its tally (the terminal report's
    pipeline row): `Tally.kept`."""
    outline: bool = True
    """Whether the format's text of a deal reads only its outline (`DealFile.outline`),
    not its people and relationship."""

    def bound(self, rules: tuple[Rule, ...], count: int) -> DealWriter:
        """The writer for an audit running `rules` over at most `count` deals."""
        writer = self if self.for_rules is None else self.for_rules(rules)
        return writer.counted(count)

    def counted(self, count: int) -> DealWriter:
        """The writer for a report of `count` deals."""
        return self if self.for_count is None else self.for_count(count)


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


def summarise(
    tallies: Iterable[Tally], deals: int, skipped: int, default_currency: str | None
) -> Summary:
    """The totals of a run's deals, exact (`ebcheck.deal.money` writes them)."""
    with money.exact():
        return _summarise(tallies, deals, skipped, default_currency)


def _summarise(
    tallies: Iterable[Tally], deals: int, skipped: int, default_currency: str | None
) -> Summary:
    verdicts: Counter[str] = Counter()
    # Amounts are exact decimals: 0.1 + 0.2 is 0.3, and big sums stay whole.
    amount: dict[str, Decimal] = defaultdict(Decimal)
    at_risk: dict[str, Decimal] = defaultdict(Decimal)
    by_forecast: dict[str, dict[str, dict[str, Decimal]]] = defaultdict(
        lambda: {"amount": defaultdict(Decimal), "at_risk": defaultdict(Decimal)}
    )
    for tally in tallies:
        verdicts[tally.verdict.value] += 1
        if not tally.is_open or tally.amount is None:
            continue
        currency = tally.currency or default_currency or "unknown"
        value = tally.amount
        category = by_forecast[tally.forecast.value if tally.forecast is not None else "none"]
        amount[currency] += value
        category["amount"][currency] += value
        if tally.verdict in AT_RISK:
            at_risk[currency] += value
            category["at_risk"][currency] += value
    ordered = sorted(verdicts, key=lambda v: Verdict(v).rank)
    return Summary(
        deals=deals,
        invalid=verdicts.get(Verdict.INVALID.value, 0),
        skipped=skipped,
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
    read: tuple[str, ...] = ()
    """Every file the audit read, as shown, reported or not (`--changed-since` reads
    them all): `-o` must be none of them."""

    @property
    def fails(self) -> bool:
        """Whether the run fails (exit 1), before internal errors are counted."""
        return any(deal.fails for deal in self.deals)

    def currency_of(self, deal: DealReport) -> str:
        """A deal's currency for totals: its own, else the config's default, else "unknown"."""
        own = deal.deal.deal.currency if deal.deal is not None else None
        return own or self.default_currency or "unknown"

    @property
    def tallies(self) -> Iterator[Tally]:
        """Each deal's tally, as a streamed report keeps them."""
        return (deal.tally() for deal in self.deals)

    def summary(self) -> Summary:
        return summarise(self.tallies, len(self.deals), len(self.skipped), self.default_currency)

    def counts(self) -> Counts:
        return Counts(
            sum(len(deal.findings) for deal in self.deals),
            sum(len(deal.suppressed) for deal in self.deals),
            sum(len(deal.baselined) for deal in self.deals),
        )

    @property
    def crashes(self) -> list[tuple[str, RuleCrash]]:
        return [(report.path, crash) for report in self.deals for crash in report.crashes]

    def deal_texts(
        self, deal_text: DealText, words: Catalogue, order: Sequence[int] | None = None
    ) -> Iterator[str]:
        """Each deal's text as `deal_text` writes it, in report order or that of the
        indexes in `order`."""
        chosen = self.deals if order is None else (self.deals[i] for i in order)
        return (deal_text(deal, words) for deal in chosen)


@dataclass(frozen=True)
class StreamedReport:
    """A finished audit whose deals were rendered as each was judged (JSON, concise,
    JUnit, SARIF, terminal): of each deal only its `Tally` is kept, and its text waits in `texts`,
    in order.

    It answers what formatters ask of a whole report besides the deals themselves
    (`summary`, `counts`, `crashes`, `fails`), so a big pipeline is never held whole.
    """

    as_of: dt.date
    tallies: tuple[Tally, ...]
    texts: Callable[[Sequence[int] | None], Iterator[str]]
    """Each deal's text as `written_by` wrote it, read back in report order or that of
    the indexes given."""
    written_by: DealText
    skipped: tuple[str, ...] = ()
    excluded: int = 0
    fail_on: str = "not_ready"
    default_currency: str | None = None
    changed_since: str | None = None
    stale_baseline: tuple[tuple[str, str, str, str], ...] = ()
    """Always empty: a run with a baseline is not streamed."""
    read: tuple[str, ...] = ()
    """Every file the audit read, as shown, reported or not."""
    rules: tuple[Rule, ...] = ()
    """The rules the audit ran, as `AuditReport.rules`."""

    @property
    def deals(self) -> tuple[Tally, ...]:
        return self.tallies

    @property
    def fails(self) -> bool:
        return any(tally.fails for tally in self.tallies)

    @property
    def crashes(self) -> list[tuple[str, RuleCrash]]:
        return [(tally.path, crash) for tally in self.tallies for crash in tally.crashes]

    def summary(self) -> Summary:
        return summarise(self.tallies, len(self.tallies), len(self.skipped), self.default_currency)

    def counts(self) -> Counts:
        return sum((tally.counts for tally in self.tallies), Counts())

    def deal_texts(
        self, deal_text: DealText, words: Catalogue, order: Sequence[int] | None = None
    ) -> Iterator[str]:
        """Each deal's text, in report order or that of the indexes in `order`:
        written already, by this same function (in the audit's language, which is the
        report's)."""
        if deal_text != self.written_by:  # a function, or a text bound to the rules
            raise ValueError("a streamed report is rendered only in the format it was written in")
        return self.texts(order)


AnyReport = AuditReport | StreamedReport
"""What the streaming formats render: a report held whole, or one streamed."""
