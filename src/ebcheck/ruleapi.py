"""The public API for rule modules: everything a rule pack may import.

A rule is one function, declared with `@rule(...)`::

    @rule("EB002", "eb-not-met", severity=Severity.MEDIUM,
          escalation={Stage.DISCOVERY: Severity.HIGH, Stage.PROPOSAL: Severity.CRITICAL},
          doctrine=("D3", "D4"))
    def eb_not_met(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
        ...
        yield ctx.finding(("stakeholders", 0), subject=person.name, name=person.name)

and listed in its module's ``RULES``. The message and fix come from the
pack's catalogue under ``<ID>.message`` and ``<ID>.fix`` (or
``<ID>.message_<variant>``), filled with the facts the rule passes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from ebcheck.audit.findings import Finding
from ebcheck.deal.enums import (
    Authority,
    Channel,
    Influence,
    Outcome,
    Preference,
    ReferralStatus,
    RelationshipStage,
    RiskSeverity,
    Role,
    Severity,
    Stage,
    Stance,
)
from ebcheck.deal.models import DealFile, Risk, Stakeholder
from ebcheck.deal.sourcemap import Path, SourceMap, format_path, parse_path
from ebcheck.i18n import Catalogue

__all__ = [
    "Authority",
    "Channel",
    "Context",
    "DealFile",
    "Example",
    "Field",
    "Finding",
    "Influence",
    "NoOptions",
    "Outcome",
    "Path",
    "Preference",
    "ReferralStatus",
    "RelationshipStage",
    "Risk",
    "RiskSeverity",
    "Role",
    "Rule",
    "RuleOptions",
    "Severity",
    "Stage",
    "Stakeholder",
    "Stance",
    "rule",
]


class RuleOptions(BaseModel):
    """Base of every rule's options: defaults from the catalog, set in the config."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class NoOptions(RuleOptions):
    pass


OptionsT = TypeVar("OptionsT", bound=RuleOptions)

CheckFunction = Callable[[DealFile, "Context[Any]"], Iterable[Finding]]


@dataclass(frozen=True)
class Example:
    """A deal that shows the rule: `fails` must fire it, `passes` must not."""

    fails: str
    passes: str
    as_of: dt.date | None = None
    files: int = 1
    """How many files the example stands for (a repository rule may need several)."""


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    severity: Severity
    check: CheckFunction
    escalation: tuple[tuple[Stage, Severity], ...] = ()
    applies_from: Stage | None = None
    options: type[RuleOptions] = NoOptions
    doctrine: tuple[str, ...] = ()
    example: Example | None = None
    scope: str = "file"
    conditions: tuple[tuple[str, Severity], ...] = ()
    """Severities the check chooses on facts other than the stage, documented by key
    (words under `<ID>.severity_when.<key>`), such as RS003's info with a repair plan."""
    """`file`: checks one deal; `repo`: sees every deal of the audit; `file-error`: E001/E002."""

    @property
    def area(self) -> str:
        return self.id.rstrip("0123456789")

    def severity_at(self, stage: Stage) -> Severity:
        """The default severity, raised by the escalation of the stage reached."""
        current = self.severity
        for threshold, severity in self.escalation:
            if stage.reached(threshold):
                current = severity
        return current

    def applies_to(self, stage: Stage) -> bool:
        if self.scope != "file" or stage.is_closed:
            return False
        return self.applies_from is None or stage.reached(self.applies_from)


def rule(
    id: str,  # shadows the builtin: the catalog calls it id
    name: str,
    *,
    severity: Severity,
    escalation: Mapping[Stage, Severity] | None = None,
    applies_from: Stage | None = None,
    options: type[RuleOptions] = NoOptions,
    doctrine: Iterable[str] = (),
    example: Example | None = None,
    conditions: Mapping[str, Severity] | None = None,
) -> Callable[[Callable[[DealFile, Context[Any]], Iterable[Finding]]], Rule]:
    """Declare a rule; the decorated function is its check."""
    ladder = tuple(sorted((escalation or {}).items(), key=lambda item: item[0].rank))

    def declare(check: Callable[[DealFile, Context[Any]], Iterable[Finding]]) -> Rule:
        return Rule(
            id,
            name,
            severity,
            check,
            ladder,
            applies_from,
            options,
            tuple(doctrine),
            example,
            conditions=tuple((conditions or {}).items()),
        )

    return declare


@dataclass
class Context(Generic[OptionsT]):
    """What a rule's check sees besides the deal, and how it makes findings."""

    rule: Rule
    deal: DealFile
    as_of: dt.date
    options: OptionsT
    catalogue: Catalogue
    source: SourceMap = field(default_factory=SourceMap)
    severity_override: Severity | None = None

    @property
    def stage(self) -> Stage:
        return self.deal.deal.stage

    # --- facts ------------------------------------------------------------

    def met_on(self, person: Stakeholder) -> dt.date | None:
        """The date `person` was last met, if that is a fact by `as_of`."""
        return person.met if person.met is not None and person.met <= self.as_of else None

    def last_touch(self, person: Stakeholder) -> dt.date | None:
        """The latest of `met` and `last_contact` that is not in the future."""
        dates = [d for d in (person.met, person.last_contact) if d and d <= self.as_of]
        return max(dates, default=None)

    def days_before(self, day: dt.date) -> int:
        return (self.as_of - day).days

    def path_of(self, person: Stakeholder, *keys: str | int) -> Path:
        """The path of `person` (or one of their fields) in the deal file."""
        for index, candidate in enumerate(self.deal.stakeholders):
            if candidate is person:
                return ("stakeholders", index, *keys)
        return ("stakeholders",)

    # --- words ------------------------------------------------------------

    def text(self, key: str, /, **facts: Any) -> str:
        """A fragment of this rule's catalogue entry, such as `<ID>.item.budget`."""
        return self.catalogue.text(f"{self.rule.id}.{key}", **facts)

    def join(self, items: Iterable[str]) -> str:
        return self.catalogue.join(items)

    # --- findings -----------------------------------------------------------

    def finding(
        self,
        at: Path | str,
        *,
        subject: str | None = None,
        severity: Severity | None = None,
        variant: str | None = None,
        **facts: Any,
    ) -> Finding:
        """A finding of this rule about the field `at`, in the user's language.

        `severity` is for rules whose severity depends on more than the stage;
        a severity set in the configuration still wins.
        """
        path = parse_path(at) if isinstance(at, str) else at
        position = self.source.locate(path)
        effective = self.severity_override or severity or self.rule.severity_at(self.stage)
        facts.setdefault(
            "stage", self.catalogue.get(f"stage.{self.stage.value}") or self.stage.value
        )
        facts.setdefault("as_of", self.as_of.isoformat())
        if subject is not None:
            facts.setdefault("subject", subject)
        return Finding(
            rule=self.rule.id,
            name=self.rule.name,
            severity=effective,
            message=self._words("message", variant, facts),
            fix=self._words("fix", variant, facts),
            line=position.line,
            column=position.column,
            path=format_path(path),
            subject=subject,
        )

    def _words(self, part: str, variant: str | None, facts: dict[str, Any]) -> str:
        base = f"{self.rule.id}.{part}"
        key = f"{base}_{variant}" if variant and f"{base}_{variant}" in self.catalogue else base
        return self.catalogue.text(key, **facts)


# Helpers for rule modules, so every rule reads the same way.


def no_value(value: Any) -> bool:
    """Missing or empty: what the catalog means by "no X"."""
    if isinstance(value, str):
        return not value.strip()
    return value is None or (isinstance(value, list | tuple | dict) and len(value) == 0)


def number(value: float) -> str:
    """A count or an amount as a fact in a message: `1,200,000`, `45`, `45.5`."""
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def percent(share: float) -> str:
    """A share (0.35) as a percentage for a message: `35%`, `33.3%`."""
    # Two decimals, so that a cut just over a 25% threshold never reads "25%".
    return f"{round(share * 100, 2):g}%"


__all__ += ["no_value", "number", "percent"]
