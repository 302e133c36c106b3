"""The public API for rule modules: everything a rule pack may import.

A rule is one page: one function, declared with `@rule(...)`, that holds the
check, its documentation and its English words::

    @rule(
        "EB002",
        "eb-not-met",
        summary="An economic buyer is named but nobody on our side has met them.",
        severity=Severity.MEDIUM,
        escalation={Stage.DISCOVERY: Severity.HIGH, Stage.PROPOSAL: Severity.CRITICAL},
        doctrine=("D3", "D4"),
        example=Example.patched(FAILING_DEAL, {"roles: [EB]}": "roles: [EB], met: 2026-11-10}"}),
        message={"one": "{names} (EB) has never been met.", "several": "..."},
        fix="Get the first EB meeting through a referral; record it in `met`.",
    )
    def eb_not_met(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
        '''Fires when an EB is named but none has a `met` date by the audit date.

        Why: Without the EB's yes, everyone else's yes is worthless.
        '''
        ...
        yield ctx.finding(("stakeholders", 0), subject=person.name, variant="one", names=...)

and listed in its module's ``RULES``.

- The check's docstring says what the rule checks and why (see `doc_sections`):
  the paragraphs before the one that starts with ``Why:`` are ``checks``, the
  rest is ``why``.
- ``message`` and ``fix`` are `str.format` templates filled with the facts the
  check passes to `Context.finding` (every template may also use ``{stage}``,
  ``{as_of}`` and ``{subject}``). A mapping gives one template per variant
  (``message_<variant>``; the key ``default`` is the plain ``message``, used
  when the finding names no variant or a variant without its own template).
- ``texts`` are fragments the check looks up with `Context.text` (``item.budget``),
  and the words of each condition's severity (``severity_when.<condition>``).
- The declaration alone owns the severities: the default, the stage
  ``escalation`` and the ``conditions`` a check may name
  (``ctx.finding(..., condition="unknown")``); a severity set in the
  configuration still wins over all of them.

The English lives in the declaration (`Rule.english`); a pack's
``locale/<lang>.yaml`` only translates it, keyed by rule id (``EB002.fix``).
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from ebcheck.audit.findings import Finding
from ebcheck.deal.enums import (
    Affiliation,
    AskStatus,
    Authority,
    Channel,
    DealType,
    Fit,
    Forecast,
    Influence,
    Mode,
    Outcome,
    Preference,
    ProcurementMethod,
    ReferralStatus,
    RelationshipStage,
    RiskSeverity,
    Role,
    Severity,
    Stage,
    Stance,
)
from ebcheck.deal.models import (
    Criterion,
    DealFile,
    DecisionStep,
    ProcurementStep,
    Risk,
    Stakeholder,
)
from ebcheck.deal.money import grouped
from ebcheck.deal.names import same_person, visible
from ebcheck.deal.sourcemap import Path, SourceMap, format_path, parse_path
from ebcheck.i18n import Catalogue

__all__ = [
    "Affiliation",
    "Area",
    "AskStatus",
    "Authority",
    "Channel",
    "Context",
    "Criterion",
    "DealFile",
    "DealType",
    "DecisionStep",
    "Example",
    "Field",
    "Finding",
    "Fit",
    "Forecast",
    "Influence",
    "Mode",
    "NoOptions",
    "Outcome",
    "Path",
    "Preference",
    "ProcurementMethod",
    "ProcurementStep",
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
    "visible",
]


class RuleOptions(BaseModel):
    """Base of every rule's options: defaults from the catalog, set in the config."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class NoOptions(RuleOptions):
    pass


OptionsT = TypeVar("OptionsT", bound=RuleOptions)

CheckFunction = Callable[[DealFile, "Context[Any]"], Iterable[Finding]]


class Scope(StrEnum):
    """What a rule sees."""

    FILE = "file"
    """One deal at a time: `check(deal, ctx)`, in the first pass."""
    REPO = "repo"
    """Every deal loaded in the audit: `check(deals, ctx)`, in the second pass."""
    FILE_ERROR = "file-error"
    """A file that cannot be audited (E001/E002): found by the loader."""
    SUPPRESSION = "suppression"
    """A `suppress` entry (S001/S002): found by the engine while suppressing."""
    REVIEW = "review"
    """One deal and its other findings (`ctx.findings`), after suppressions: HY010."""


@dataclass(frozen=True)
class LoadedDeal:
    """One loaded deal as a repository rule sees it.

    For the machine-readable formats the deal is its outline (`DealFile.outline`):
    the deal section (id, account, stage, amounts, dates) and the names of list
    items, which is what a repository rule compares across files; its people,
    relationship and other sections are empty there. For the JSON, concise and
    JUnit reports without a baseline, which are streamed (`ebcheck.audit.stream`), it
    is the deal's id and stage alone (`DealFile.identified`), and `deals` makes each item as
    it is read: a rule should not keep every one of them.
    """

    path: str
    """The file as reports name it."""
    deal: DealFile
    source: SourceMap
    as_of: dt.date


RepoCheckFunction = Callable[
    [Sequence[LoadedDeal], "RepoContext[Any]"], Iterable[tuple[LoadedDeal, Finding]]
]


def patch(text: str, changes: Mapping[str, str]) -> str:
    """`text` with each `old` of `changes` replaced by its `new`, in order.

    Every `old` must occur exactly once in the text it is applied to (the
    text as changed so far): a patch that no longer matches its example fails
    loudly, at import, instead of silently changing nothing.
    """
    for old, new in changes.items():
        count = text.count(old) if old else 0
        if count != 1:
            raise ValueError(f"patch: {old!r} occurs {count} times, not exactly once, in {text!r}")
        text = text.replace(old, new)
    return text


@dataclass(frozen=True)
class Example:
    """A deal that shows the rule: `fails` must fire it, `passes` must not.

    Write `passes` as a small patch of `fails` (`Example.patched`), so that the
    example shows exactly the change that makes the rule stay silent.
    """

    fails: str
    passes: str
    as_of: dt.date | None = None
    files: int = 1
    """How many files the example stands for (a repository rule may need several)."""

    @classmethod
    def patched(
        cls,
        fails: str,
        changes: Mapping[str, str],
        *,
        as_of: dt.date | None = None,
        files: int = 1,
    ) -> Example:
        """The failing deal, and as the passing one the same text with `changes`
        applied: `{old: new, ...}`, each `old` occurring exactly once (see `patch`)."""
        return cls(fails, patch(fails, changes), as_of=as_of, files=files)


@dataclass(frozen=True)
class Area:
    """What a rule module declares about its area, beside its rules: the area's
    title, the titles of the doctrine points it encodes, and words its rules share.

    A module declares it as ``AREA = Area("EB", "Economic buyer", doctrine={...})``.
    """

    code: str
    title: str
    doctrine: Mapping[str, str] = field(default_factory=dict)
    """Doctrine point -> title: `{"D1": "Four buying roles: EB, TB, UB and coach"}`."""
    texts: Mapping[str, str] = field(default_factory=dict)
    """Words shared by the pack's rules, by catalogue key: `{"channel.phone": "phone call"}`."""

    def english(self) -> dict[str, str]:
        """The area's words as catalogue entries: `area.<code>`, `doctrine.<point>`, texts."""
        words = {f"area.{self.code}": self.title}
        words.update({f"doctrine.{point}": title for point, title in self.doctrine.items()})
        words.update(self.texts)
        return words


def _unfold(paragraphs: Iterable[str]) -> str:
    """Paragraphs as a YAML folded scalar (`>-`) reads them: lines joined by a
    space, paragraphs by a line break."""
    return "\n".join(" ".join(line.strip() for line in p.splitlines()) for p in paragraphs)


def doc_sections(doc: str | None) -> tuple[str, str]:
    """`(checks, why)` from a check's docstring.

    The docstring is read as paragraphs separated by blank lines. The
    paragraphs before the first one that starts with ``Why:`` say what the rule
    checks; that paragraph (without the label) and every later one say why it
    matters. Within a paragraph, lines are joined by one space; paragraphs are
    joined by a line break: the text reads as if written as a YAML ``>-`` scalar.
    """
    text = inspect.cleandoc(doc or "")
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    for index, paragraph in enumerate(paragraphs):
        if paragraph.startswith("Why:"):
            why = [paragraph.removeprefix("Why:").lstrip(), *paragraphs[index + 1 :]]
            return _unfold(paragraphs[:index]), _unfold(why)
    return _unfold(paragraphs), ""


Templates = str | Mapping[str, str]
"""One template, or one per variant (`default` is the template without a variant)."""


def _templates(part: str, templates: Templates | None) -> list[tuple[str, str]]:
    if templates is None:
        return []
    if isinstance(templates, str):
        return [(part, templates)]
    return [
        (part if variant == "default" else f"{part}_{variant}", template)
        for variant, template in templates.items()
    ]


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
    scope: Scope = Scope.FILE
    small_cap: bool = False
    """Marked (s) in the catalog: capped at info on a small deal (D26)."""
    on_closed: bool = False
    """Also checks closed deals (the catalog: HY012)."""
    contact: bool = False
    """Its fix sends the rep to the customer's people: in an announced tender the fix
    becomes the tender's (official channel, compliance, the bid), D19."""
    repo_check: RepoCheckFunction | None = None
    """The check of a `Scope.REPO` rule: every loaded deal in, findings out."""
    conditions: tuple[tuple[str, Severity], ...] = ()
    """Severities the check chooses on facts other than the stage, named by key
    (`ctx.finding(..., condition=key)`, words under `<ID>.severity_when.<key>`),
    such as RS003's info with a repair plan."""
    words: tuple[tuple[str, str], ...] = ()
    """The rule's English, by key below its id: `summary`, `checks`, `why`,
    `applies`, `message[_<variant>]`, `fix[_<variant>]` and its texts."""

    @property
    def area(self) -> str:
        return self.id.rstrip("0123456789")

    @functools.cached_property
    def names_coach(self) -> bool:
        """Whether any of its texts says `{coach}` (the Chinese ones say what the English
        ones do: `tests/test_i18n.py`); asked for every finding, worked out once."""
        return any("{coach}" in text for _, text in self.words)

    def severity_at(self, stage: Stage) -> Severity:
        """The default severity, raised by the escalation of the stage reached."""
        current = self.severity
        for threshold, severity in self.escalation:
            if stage.reached(threshold):
                current = severity
        return current

    def severity_when(self, condition: str) -> Severity:
        """The severity the declaration gives `condition` (one of its `conditions`)."""
        for key, severity in self.conditions:
            if key == condition:
                return severity
        known = ", ".join(key for key, _ in self.conditions) or "none"
        raise ValueError(f"{self.id} declares no condition {condition!r} (declared: {known})")

    def english(self) -> dict[str, str]:
        """The rule's English as catalogue entries: `<ID>.<key>`."""
        return {f"{self.id}.{key}": text for key, text in self.words}

    def applies_to(self, stage: Stage) -> bool:
        return stage in self.stages

    @functools.cached_property
    def stages(self) -> frozenset[Stage]:
        """The stages the rule checks deals at: asked for every rule of every deal."""
        if self.applies_from is None:
            return frozenset(s for s in Stage if not s.is_closed or self.on_closed)
        return frozenset(
            s for s in Stage if s.reached(self.applies_from) or (s.is_closed and self.on_closed)
        )


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
    summary: str | None = None,
    message: Templates | None = None,
    fix: Templates | None = None,
    texts: Mapping[str, str] | None = None,
    applies: str | None = None,
    scope: Scope = Scope.FILE,
    small_cap: bool = False,
    on_closed: bool = False,
    contact: bool = False,
) -> Callable[[Callable[[DealFile, Context[Any]], Iterable[Finding]]], Rule]:
    """Declare a rule; the decorated function is its check, its docstring says
    what the rule checks and why (`doc_sections`).

    `summary` is one line for `ebcheck rules`; `message` and `fix` are the
    finding's templates, one or one per variant; `texts` the fragments the
    check asks `ctx.text` for, and `severity_when.<condition>` for each of the
    `conditions`; `applies` replaces "applies from <stage>" in the docs of a
    rule the engine applies itself (`scope` other than `file`).
    """
    ladder = tuple(sorted((escalation or {}).items(), key=lambda item: item[0].rank))
    cases = tuple((conditions or {}).items())
    extra = dict(texts or {})
    unworded = [key for key, _ in cases if f"severity_when.{key}" not in extra]
    if (summary is not None or message is not None) and unworded:
        # A pack whose English is in YAML documents its conditions there.
        raise ValueError(f"{id}: texts lack severity_when.{unworded[0]} for its condition")

    def declare(check: Callable[[DealFile, Context[Any]], Iterable[Finding]]) -> Rule:
        checks, why = doc_sections(check.__doc__)
        words = [
            ("summary", summary),
            ("checks", checks or None),
            ("why", why or None),
            ("applies", applies),
        ]
        words += _templates("message", message) + _templates("fix", fix)
        words += extra.items()
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
            scope=scope,
            small_cap=small_cap,
            on_closed=on_closed,
            contact=contact,
            conditions=cases,
            words=tuple((key, text) for key, text in words if text is not None),
        )

    return declare


class _RuleWords:
    """A rule's own words, for the contexts of file and repository rules alike."""

    __slots__ = ()

    rule: Rule
    catalogue: Catalogue

    def text(self, key: str, /, **facts: Any) -> str:
        """A fragment of this rule's catalogue entry, such as `<ID>.item.budget`."""
        return self.catalogue.text(f"{self.rule.id}.{key}", **facts)

    def join(self, items: Iterable[str]) -> str:
        return self.catalogue.join(items)

    def names(self, items: Iterable[str]) -> str:
        """People (or what stands for them) in running text, at most a few named."""
        return name_list(self.catalogue, items)


@dataclass(slots=True)
class Context(_RuleWords, Generic[OptionsT]):
    """What a rule's check sees besides the deal, and how it makes findings.

    The engine turns one context a deal to each of its rules in turn (`rule`,
    `options`, `severity_override`); its slots keep a check from leaving anything
    else on it for the next rule to find (an attribute set is an error, reported as
    the rule's crash)."""

    rule: Rule
    deal: DealFile
    as_of: dt.date
    options: OptionsT
    catalogue: Catalogue
    source: SourceMap = field(default_factory=SourceMap)
    severity_override: Severity | None = None
    small: bool = False
    """The deal is small (D26): rules declared `small_cap` are capped at info."""
    findings: tuple[Finding, ...] = ()
    """For `Scope.REVIEW` rules: the deal's other findings that stand (unsuppressed,
    baselined ones included, S rules not), after the small-deal cap."""
    peers: Mapping[str, RuleOptions] = field(default_factory=dict)
    """Every rule's options as configured, by id, whether it runs or not."""
    _memo: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)
    """What the rules ask again and again of one deal (role holders, positions): with
    thousands of stakeholders, asking it per finding made a check quadratic. The
    engine gives every rule of one deal the same memo; what is kept in it depends
    only on the deal and `as_of`."""

    def option_of(self, rule_id: str, name: str, default: Any) -> Any:
        """One option of another rule, as configured (`default` when it has none)."""
        return getattr(self.peers.get(rule_id), name, default)

    @property
    def stage(self) -> Stage:
        return self.deal.deal.stage

    # --- facts ------------------------------------------------------------

    def met_on(self, person: Stakeholder) -> dt.date | None:
        """The date `person` was last met, if that is a fact by `as_of`.

        A gone person counts as never met: whoever holds the role now is who matters.
        """
        if self.gone(person):
            return None
        return person.met if person.met is not None and person.met <= self.as_of else None

    def gone(self, person: Stakeholder) -> bool:
        """`left` on or before as_of: no longer in the role."""
        return person.gone_by(self.as_of)

    def counts(self, person: Stakeholder) -> bool:
        """Customer-side and not gone: what the catalog means by "a stakeholder"."""
        return person.customer_side and not self.gone(person)

    def people(self) -> list[Stakeholder]:
        """Every stakeholder who counts (customer-side, not gone), in file order."""
        return [p for p in self.deal.stakeholders if self.counts(p)]

    def holders(self, role: Role) -> list[Stakeholder]:
        """The stakeholders who hold `role` now: customer-side and not gone."""
        key = ("holders", role)
        if key not in self._memo:
            self._memo[key] = [
                p for p in self.deal.stakeholders if p.has_role(role) and self.counts(p)
            ]
        return list(self._memo[key])

    def guides(self) -> list[str]:
        """Who inside the account can guide us, by name: the client's sponsor (when named,
        not gone and not a partner's or ours) and our coaches; for fixes that would
        otherwise say "the sponsor or coach" to a file that names them."""
        names: list[str] = []
        team = self.deal.client_team
        sponsor = written_name(team.sponsor if team is not None else None)
        person = self.person(sponsor)
        if sponsor and (person is None or self.counts(person)):
            names.append(sponsor)
        for coach in self.holders(Role.COACH):
            if not any(self.same(coach.name, name) for name in names):
                names.append(coach.name)
        return names

    def person(self, name: str | None) -> Stakeholder | None:
        """The stakeholder (gone ones included) a name in the file refers to."""
        if name is None:
            return None
        return next((p for p in self.deal.stakeholders if same_person(name, p.name)), None)

    def on_our_side(self, name: str | None) -> bool:
        """Whether `name` is known to be on our side: the deal's owner, or a stakeholder
        who is not the customer's (ours, a partner's). Anyone else, listed at the
        customer or not listed at all, may be the customer's: in an announced tender a
        fix must not send the rep to them privately (D19)."""
        if name is None or no_value(name):
            return False
        if self.same(name, self.deal.deal.owner):
            return True
        person = self.person(name)
        return person is not None and not person.customer_side

    def same(self, a: str | None, b: str | None) -> bool:
        """Whether two names in the file name the same person (the catalog's names rule)."""
        return same_person(a, b)

    @property
    def in_announced_tender(self) -> bool:
        """A public or invited tender published (or invitations sent) by as_of (D19)."""
        buying = self.deal.procurement
        return (
            buying is not None
            and buying.method is not None
            and buying.method.is_tender
            and buying.announced is not None
            and buying.announced <= self.as_of
        )

    @property
    def announced(self) -> str:
        """The day the tender was announced, as text (empty when none is recorded)."""
        buying = self.deal.procurement
        return buying.announced.isoformat() if buying and buying.announced else ""

    def tender_fix(self) -> dict[str, Any]:
        """In an announced tender, what makes a finding's fix the rule's own `tender` one
        (its announced date included), for a rule whose usual fix sends the rep to the
        customer's people but whose work goes on through the tender (D19); else nothing."""
        if not self.in_announced_tender:
            return {}
        return {"fix_variant": "tender", "announced": self.announced}

    def last_touch(self, person: Stakeholder) -> dt.date | None:
        """The latest of `met` and `last_contact` that is not in the future."""
        dates = [d for d in (person.met, person.last_contact) if d and d <= self.as_of]
        return max(dates, default=None)

    def days_before(self, day: dt.date) -> int:
        return (self.as_of - day).days

    def path_of(self, person: Stakeholder, *keys: str | int) -> Path:
        """The path of `person` (or one of their fields) in the deal file."""
        if "index" not in self._memo:
            self._memo["index"] = {id(p): i for i, p in enumerate(self.deal.stakeholders)}
        index = self._memo["index"].get(id(person))
        return ("stakeholders", index, *keys) if index is not None else ("stakeholders",)

    # --- words ------------------------------------------------------------

    def join_clauses(self, items: Iterable[str]) -> str:
        """Clauses that may hold an "and" of their own: joined by "; " / "；"."""
        return self.catalogue.join_clauses(items)

    # --- findings -----------------------------------------------------------

    def finding(
        self,
        at: Path | str,
        *,
        subject: str | None = None,
        condition: str | None = None,
        variant: str | None = None,
        fix_variant: str | None = None,
        private_contact: bool | None = None,
        **facts: Any,
    ) -> Finding:
        """A finding of this rule about the field `at`, in the user's language.

        `condition` names one of the declaration's `conditions`, for rules whose
        severity depends on more than the stage: the declaration says which
        severity it carries. A severity set in the configuration still wins.
        `variant` picks the `message_<variant>` and `fix_<variant>` templates
        where the rule has them; `fix_variant`, when given, picks the fix's alone (a
        message that names the competitors, a fix for the tender). `private_contact`
        says whether this fix sends the rep to the customer's people (the rule's
        `contact` when not given): in an announced tender such a fix becomes the
        tender's (D19).
        """
        path = parse_path(at) if isinstance(at, str) else at
        position = self.source.locate(path)
        if self.severity_override is not None:
            effective = self.severity_override
        elif condition is not None:
            effective = self.rule.severity_when(condition)
        else:
            effective = self.rule.severity_at(self.stage)
        capped = self.small and self.rule.small_cap
        if capped:
            # D26: paperwork on a small deal is shown, never weighed; last of all.
            effective = Severity.INFO
        for key, value in self._common_facts().items():
            facts.setdefault(key, value)
        if subject is not None:
            facts.setdefault("subject", subject)
        return Finding(
            rule=self.rule.id,
            name=self.rule.name,
            severity=effective,
            message=self._words("message", variant, facts),
            fix=self._words("fix", fix_variant or variant, facts, private_contact),
            line=position.line,
            column=position.column,
            path=format_path(path),
            subject=subject,
            capped=capped,
        )

    def _common_facts(self) -> dict[str, str]:
        """What every finding of the deal may say: its stage, the audit date, and the
        economic buyer and the coaches the file records (fixes name them, not "the EB" or
        "your coach"); worked out once a deal."""
        common: dict[str, str] | None = self._memo.get("facts")
        if common is None:
            stage = self.stage.value
            ebs = [p.name for p in self.holders(Role.EB)]
            words = self.catalogue
            common = self._memo["facts"] = {
                "stage": words.get(f"stage.{stage}") or stage,
                "as_of": self.as_of.isoformat(),
                "eb": self.join(ebs) if ebs else words.text("words.the_eb"),
            }
        if "coach" not in common and self.rule.names_coach:
            # Only for a rule that says it: a repository rule's deal may be a stub that
            # knows its id and stage alone (`DealFile.identified`).
            coaches = [p.name for p in self.holders(Role.COACH)]
            words = self.catalogue
            common["coach"] = (
                words.text("words.your_coach", names=words.join_or(coaches))
                if coaches
                else words.text("words.no_coach", account=self.deal.deal.account)
            )
        return common

    def _words(
        self,
        part: str,
        variant: str | None,
        facts: dict[str, Any],
        private_contact: bool | None = None,
    ) -> str:
        contact = self.rule.contact if private_contact is None else private_contact
        if part == "fix" and contact and variant != "tender" and self.in_announced_tender:
            # D19: once a tender is announced, no fix may send the rep to the customer's
            # people privately; the tender's official channel and the bid are the way.
            return self.catalogue.text(
                "tender.fix", announced=self.announced, account=self.deal.deal.account
            )
        base = f"{self.rule.id}.{part}"
        key = f"{base}_{variant}" if variant and f"{base}_{variant}" in self.catalogue else base
        return self.catalogue.text(key, **facts)


def repo_rule(
    id: str,  # shadows the builtin: the catalog calls it id
    name: str,
    **declaration: Any,
) -> Callable[[RepoCheckFunction], Rule]:
    """Declare a repository rule: like `rule`, but its check sees every loaded
    deal of the audit (`check(deals, ctx)`) and yields `(deal, finding)` pairs,
    each finding made with `ctx.finding(deal, ...)` so that it is located in
    that deal's file. It runs in the second pass, closed deals included, before
    suppressions."""

    def declare(check: RepoCheckFunction) -> Rule:
        def no_file_check(deal: DealFile, ctx: Context[Any]) -> Iterable[Finding]:
            return ()

        # The repository check's docstring documents the rule, as a file check's does.
        no_file_check.__doc__ = check.__doc__
        declared = rule(id, name, scope=Scope.REPO, **declaration)(no_file_check)
        return replace(declared, repo_check=check)

    return declare


@dataclass
class RepoContext(_RuleWords, Generic[OptionsT]):
    """What a repository rule's check sees besides the deals, and how it makes findings."""

    rule: Rule
    options: OptionsT
    catalogue: Catalogue
    severity_override: Severity | None = None

    def finding(self, deal: LoadedDeal, at: Path | str, **facts: Any) -> tuple[LoadedDeal, Finding]:
        """A finding of this rule about the field `at` of `deal`'s file."""
        ctx = Context(
            self.rule,
            deal.deal,
            deal.as_of,
            self.options,
            self.catalogue,
            deal.source,
            self.severity_override,
        )
        return deal, ctx.finding(at, **facts)


# Helpers for rule modules, so every rule reads the same way.

NAMES_SHOWN = 5
"""How many names a message lists before it counts the rest."""


def name_list(catalogue: Catalogue, items: Iterable[str], shown: int = NAMES_SHOWN) -> str:
    """ "P0, P1, P2, P3, P4 and 2996 more": a deal of thousands of people must not
    make one message that names them all."""
    words = list(items)
    if len(words) <= shown + 1:  # "and 1 more" would be no shorter than the name
        return catalogue.join(words)
    more = catalogue.text("list.more_names", count=len(words) - shown)
    return catalogue.join([*words[:shown], more])


def no_value(value: Any) -> bool:
    """Missing or empty: what the catalog means by "no X"."""
    if isinstance(value, str):
        return not value.strip()
    return value is None or (isinstance(value, list | tuple | dict) and len(value) == 0)


def written_name(value: str | None) -> str | None:
    """A name as the file gives it, trimmed; None when it gives none (`no_value`)."""
    return None if value is None or no_value(value) else value.strip()


def number(value: float | Decimal) -> str:
    """A count or an amount as a fact in a message: `1,200,000`, `45`, `45.5`.

    An amount (a `Decimal`) is shown exactly: `999,999,999,999,999.99`, `0.125`."""
    if isinstance(value, Decimal):
        return grouped(value)
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def percent(share: float) -> str:
    """A share (0.35) as a percentage for a message: `35%`, `33.3%`."""
    # Two decimals, so that a cut just over a 25% threshold never reads "25%".
    return f"{round(share * 100, 2):g}%"


__all__ += [
    "LoadedDeal",
    "RepoContext",
    "Scope",
    "doc_sections",
    "no_value",
    "number",
    "patch",
    "percent",
    "repo_rule",
    "written_name",
]
