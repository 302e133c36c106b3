"""Effective settings of one audit: command line over config file over defaults."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ebcheck.audit.scoring import DEFAULT_WEIGHTS
from ebcheck.deal.enums import Severity, Stage

if TYPE_CHECKING:
    from ebcheck.ruleapi import RuleOptions


DEFAULT_SMALL_DEAL_BELOW: Mapping[str, Decimal | int] = {
    "CNY": 300000,
    "USD": 50000,
    "EUR": 50000,
    "GBP": 40000,
}
"""Below these amounts a deal is small (catalog 2, D26): paperwork rules are capped at info."""


@dataclass(frozen=True)
class RuleSetting:
    """What the configuration says of one rule."""

    off: bool = False
    severity: Severity | None = None
    options: Mapping[str, Any] | RuleOptions = field(default_factory=dict)
    """The rule's options: validated when read from a config file, or a mapping to validate."""


@dataclass(frozen=True)
class Settings:
    as_of: dt.date | None = None
    """`--as-of`: overrides every file's own `as_of`."""
    today: dt.date = field(default_factory=dt.date.today)
    lang: str = "en"
    fail_on: str = "not_ready"
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    rules: Mapping[str, RuleSetting] = field(default_factory=dict)
    weights: Mapping[Severity, int] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    stages: Mapping[str, Stage] = field(default_factory=dict)
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    baseline: Path | None = None
    root: Path = field(default_factory=Path.cwd)
    """The folder paths in reports are relative to."""
    repo_root: Path | None = None
    """The repository root (holding `.git`): SARIF and GitHub paths are relative to it."""
    config_root: Path | None = None
    """The folder of the config file: `include`/`exclude` globs are relative to it."""
    small_deal_below: Mapping[str, Decimal | int] = field(
        default_factory=lambda: dict(DEFAULT_SMALL_DEAL_BELOW)
    )
    default_currency: str | None = None
    """Stands for a missing `currency`: the small-deal rule, the summary, the totals."""
    history: bool = False
    """`--history` (config `history: true`): read close-date and stage changes from git."""
    cache_dir: Path | None = None
    """Where each file's first pass is kept between runs; None: no cache."""

    def currency_of(self, currency: str | None) -> str | None:
        return currency or self.default_currency

    def is_small(self, amount: Decimal | float | None, currency: str | None) -> bool:
        """A deal below its currency's threshold; no amount or another currency: never."""
        limit = self.small_deal_below.get(self.currency_of(currency) or "")
        return amount is not None and limit is not None and amount < limit
