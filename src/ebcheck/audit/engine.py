"""The engine: audit files and folders, never print, never exit.

An audit runs in two passes. First each file is loaded and its deal checked
by the file rules (in parallel when there are many). Then what needs every
deal is applied: the repository rules (duplicate ids, HY005), suppressions
(S001/S002), the baseline, score and verdict, and the `--fail-on` decision.
The result is an `AuditReport` that carries everything formatters need.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import os
import re
import shlex
from collections import defaultdict, deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ebcheck.audit.baseline import Baseline, baselinable, finding_key, load_baseline
from ebcheck.audit.cache import FileCache, code_digest, history_digest, settings_salt
from ebcheck.audit.caps import cap_findings
from ebcheck.audit.core_rules import BOOKKEEPING_AREAS, CORE_RULES, SELECTABLE
from ebcheck.audit.findings import Finding, RuleCrash, Settled, sort_findings
from ebcheck.audit.gate import decide
from ebcheck.audit.gitchanges import changed_files
from ebcheck.audit.history import VersionFacts, supply
from ebcheck.audit.pack import Pack, builtin_pack
from ebcheck.audit.results import AuditReport, DealReport
from ebcheck.audit.scoring import score, verdict
from ebcheck.audit.select import (
    ActiveRule,
    active_rules,
    closest_rule,
    configured_options,
    find_rule,
)
from ebcheck.audit.settings import Settings
from ebcheck.audit.suppress import EntryNote, RuleState, apply_suppressions
from ebcheck.audit.walk import FileSet, collect
from ebcheck.deal.enums import Severity, Verdict
from ebcheck.deal.load import Loaded, load_bytes, load_file
from ebcheck.deal.models import DealFile
from ebcheck.deal.parsertext import parser_words
from ebcheck.deal.problems import Found, Problem
from ebcheck.deal.source import FileSourceMap, read_limited
from ebcheck.deal.sourcemap import START, SourceMap, format_path
from ebcheck.i18n import Catalogue
from ebcheck.pools import stop_pool, worker_signals
from ebcheck.ruleapi import (
    Context,
    Example,
    LoadedDeal,
    RepoContext,
    Rule,
    RuleOptions,
    Scope,
)

if TYPE_CHECKING:
    # Imported where a pool is started: an audit of one file or a few never starts one.
    from concurrent.futures import Future, ProcessPoolExecutor


def _kept(audit: FileAudit, path: Path, outline: bool) -> FileAudit:
    """A first pass as kept until the second: its source map as the file's path, to
    build it again from (most are never consulted again, and as dictionaries they are
    most of a deal's memory), and with `outline` only the deal's outline (what the
    machine-readable reports read)."""
    deal = audit.loaded.deal
    if outline and deal is not None:
        deal = deal.outline()
    loaded = replace(audit.loaded, deal=deal, source=FileSourceMap(path))
    return replace(audit, loaded=loaded, origin=path)


def run_rules(
    deal: DealFile,
    source: SourceMap,
    rules: Sequence[ActiveRule],
    as_of: dt.date,
    catalogue: Catalogue,
    *,
    small: bool = False,
    findings: tuple[Finding, ...] = (),
    peers: Mapping[str, RuleOptions] | None = None,
) -> tuple[list[Finding], list[RuleCrash]]:
    """All findings of the rules that apply at the deal's stage.

    `small` caps the rules declared `small_cap` (D26); `findings` is what review
    rules see. A rule that raises is recorded as a crash; the other rules still run.
    """
    found: list[Finding] = []
    crashes: list[RuleCrash] = []
    stage = deal.deal.stage
    ctx: Context[Any] | None = None
    for active in rules:
        rule = active.rule
        if stage not in rule.stages:
            continue
        if ctx is None:
            # Every rule of the deal shares its memo: what they all ask of it (role
            # holders) is asked once.
            ctx = Context(
                rule,
                deal,
                as_of,
                active.options,
                catalogue,
                source,
                active.severity,
                small=small,
                findings=findings,
                peers=peers or {},
                _memo={},
            )
        else:
            # One context a deal, turned to each rule in turn: a check has given all it
            # gives (`list`) before the next begins. A copy for each of some fifty rules
            # a deal cost about 30 µs of the rules' 250.
            ctx.rule, ctx.options, ctx.severity_override = rule, active.options, active.severity
        try:
            given = list(rule.check(deal, ctx))
            if not given:  # most rules of most deals
                continue
            own, crash = own_findings(rule.id, given)
        except Exception as exc:  # a broken rule must not hide the others
            crashes.append(RuleCrash(rule.id, f"{type(exc).__name__}: {exc}"))
            continue
        found.extend(own)
        if crash is not None:
            crashes.append(crash)
    return found, crashes


def own_findings(rule_id: str, findings: list[Finding]) -> tuple[list[Finding], RuleCrash | None]:
    """A rule's findings of its own id, and a crash naming any other id it gave: a
    finding under another rule's id would escape that rule's `ignore`, suppressions
    and report entry (SARIF numbers the rules the audit runs)."""
    if all(f.rule == rule_id for f in findings):  # nearly always
        return findings, None
    others = sorted({f.rule for f in findings if f.rule != rule_id})
    error = f"ValueError: findings under other rule ids: {', '.join(others)}"
    return [f for f in findings if f.rule == rule_id], RuleCrash(rule_id, error)


# Below this many files a process pool costs more than it saves.
PARALLEL_THRESHOLD = 24
# At most this many files go to a worker at once, and so many chunks per worker are
# sent ahead.
CHUNK_FILES = 64
CHUNKS_IN_FLIGHT = 4

Task = tuple[Path, bool]
"""A file to audit, and whether it is reported (False: loaded only so that the
repository rules see it, with `--changed-since`)."""


@dataclass(frozen=True)
class FileAudit:
    """One file after the first pass: loaded, and checked by the file rules."""

    shown: str
    loaded: Loaded
    as_of: dt.date
    findings: tuple[Finding, ...] = ()
    crashes: tuple[RuleCrash, ...] = ()
    reported: bool = True
    """False for files loaded only so repository rules see them (`--changed-since`)."""
    repo_path: str = ""
    """The file relative to the repository root, for SARIF and GitHub annotations."""
    settled: Settled | None = None
    """The deal's findings after review rules and suppressions, as they stand when no
    repository rule finds anything in it (the second pass then only adds the baseline)."""
    origin: Path | None = None
    """The file, kept after the first pass: the deal can be loaded again from it."""


@dataclass(frozen=True)
class Engine:
    """Everything one audit needs, prepared once and reused for every file."""

    settings: Settings
    pack: Pack
    rules: tuple[ActiveRule, ...]
    """The file rules: the first pass."""
    repo_rules: tuple[ActiveRule, ...]
    """The repository rules: the second pass, before suppressions."""
    review_rules: tuple[ActiveRule, ...]
    """Rules that review a deal's other findings once they are suppressed (HY010)."""
    core: dict[str, ActiveRule]
    """The suppression rules (S001/S002) this audit runs, by id."""
    catalogue: Catalogue
    peers: Mapping[str, RuleOptions]
    """Every pack rule's configured options, run or not (rules may read each other's)."""
    history: Mapping[str, tuple[VersionFacts, ...]] = field(default_factory=dict)
    """`--history`: by deal id, its versions' facts, for what its file does not record."""
    cache: FileCache | None = None
    """Each file's first pass kept from earlier runs (`--no-cache` turns it off)."""
    outline: bool = False
    """Keep only each deal's outline after the first pass (the report needs no more)."""

    @functools.cached_property
    def judged_with(self) -> str:
        """The settings a deal's verdict and score read besides its first pass (what a
        report's text kept in the cache depends on), as text: worked out once."""
        weights = sorted(
            (severity.value, weight) for severity, weight in self.settings.weights.items()
        )
        return repr((self.settings.fail_on, weights))

    @classmethod
    def create(
        cls,
        settings: Settings,
        history: Mapping[str, tuple[VersionFacts, ...]] | None = None,
        outline: bool = False,
    ) -> Engine:
        pack = builtin_pack()
        selected = active_rules([*pack.rules, *SELECTABLE], settings)
        rules = tuple(a for a in selected if a.rule.scope is Scope.FILE)
        repo = tuple(a for a in selected if a.rule.scope is Scope.REPO)
        review = tuple(a for a in selected if a.rule.scope is Scope.REVIEW)
        core = {a.rule.id: a for a in selected if a.rule.scope is Scope.SUPPRESSION}
        catalogue = pack.words(settings.lang)
        peers = configured_options([*pack.rules, *SELECTABLE], settings)
        cache = None
        if settings.cache_dir is not None:
            salt = settings_salt(settings, code_digest(pack.folder), history_digest(history or {}))
            cache = FileCache(settings.cache_dir, salt)
        return cls(
            settings,
            pack,
            rules,
            repo,
            review,
            core,
            catalogue,
            peers,
            history or {},
            cache,
            outline,
        )

    @property
    def all_rules(self) -> tuple[Rule, ...]:
        return (*self.pack.rules, *CORE_RULES)

    @property
    def active_rules(self) -> tuple[Rule, ...]:
        """The rules this audit runs, in the order reports list them."""
        selected = (*self.rules, *self.repo_rules, *self.review_rules, *self.core.values())
        return tuple(active.rule for active in selected)

    def is_small(self, deal: DealFile) -> bool:
        """Below `small_deal_below` for its currency (D26)."""
        return self.settings.is_small(deal.deal.amount, deal.deal.currency)

    def as_of(self, deal: DealFile | None) -> dt.date:
        """`--as-of`, else the file's own `as_of`, else today."""
        if self.settings.as_of is not None:
            return self.settings.as_of
        if deal is not None and deal.as_of is not None:
            return deal.as_of
        return self.settings.today

    # --- first pass: one file ---------------------------------------------

    def check_file(self, path: Path, reported: bool = True) -> FileAudit:
        try:
            data = read_limited(path)
        except OSError:  # the loader says why, located
            shown = display_path(path, self.settings.root)
            loaded = load_file(path, self.settings.stages)
            return self.check_loaded(loaded, shown, reported, self.repo_path(path))
        return self.check_bytes(path, data, reported)

    def check_bytes(self, path: Path, data: bytes, reported: bool = True) -> FileAudit:
        """The first pass of the file at `path`, whose bytes are `data`."""
        shown = display_path(path, self.settings.root)
        repo_path = self.repo_path(path)
        try:
            if self.cache is not None:
                return self._check_cached(path, data, shown, reported, repo_path)
            loaded = load_bytes(data, self.settings.stages)
        except Exception as exc:  # a loader bug must cost one file, never the run
            problem = Problem("E001", "E001.unreadable", START, (), {"reason": "internal error"})
            crash = RuleCrash("loader", f"{type(exc).__name__}: {exc}")
            return FileAudit(
                shown,
                Loaded(None, problems=[problem]),
                self.as_of(None),
                (problem_finding(problem, self.catalogue),),
                (crash,),
                reported,
                repo_path,
            )
        return _kept(self.check_loaded(loaded, shown, reported, repo_path), path, self.outline)

    def _check_cached(
        self, path: Path, data: bytes, shown: str, reported: bool, repo_path: str
    ) -> FileAudit:
        assert self.cache is not None  # noqa: S101 - called only with a cache
        key = self.cache.key(data, shown, reported)
        hit = self._hit(key, path, shown, reported, repo_path)
        if hit is not None:
            return hit
        checked = self.check_loaded(
            load_bytes(data, self.settings.stages), shown, reported, repo_path
        )
        full = checked.loaded.deal
        audit = _kept(checked, path, self.outline)
        if not audit.crashes and not (audit.settled and audit.settled.crashes):
            self.cache.put(key, replace(audit.loaded, deal=full), audit.findings, audit.settled)
        return audit

    def _hit(
        self, key: str, path: Path, shown: str, reported: bool, repo_path: str
    ) -> FileAudit | None:
        assert self.cache is not None  # noqa: S101 - called only with a cache
        hit = self.cache.get(key, self.outline)
        if hit is None:
            return None
        as_of = self.as_of(hit.loaded.deal)
        audit = FileAudit(
            shown, hit.loaded, as_of, hit.findings, (), reported, repo_path, hit.settled
        )
        return _kept(audit, path, self.outline)

    def cached(self, path: Path, reported: bool = True) -> FileAudit | None:
        """The file's first pass from the cache, or None (no cache, a miss, unreadable)."""
        if self.cache is None:
            return None
        shown = display_path(path, self.settings.root)
        try:
            data = read_limited(path)
        except OSError:
            return None
        key = self.cache.key(data, shown, reported)
        return self._hit(key, path, shown, reported, self.repo_path(path))

    def repo_path(self, path: Path) -> str:
        return display_path(path, self.settings.repo_root or self.settings.root)

    def check_loaded(
        self, loaded: Loaded, shown: str, reported: bool = True, repo_path: str = ""
    ) -> FileAudit:
        loaded = self._supplied(loaded)
        deal = loaded.deal
        as_of = self.as_of(deal)
        if deal is None:
            problems = [problem_finding(_named(p, shown), self.catalogue) for p in loaded.problems]
            found = cap_findings(problems, self.catalogue)
            return FileAudit(
                shown, loaded, as_of, tuple(found), reported=reported, repo_path=repo_path
            )
        if not reported:
            return FileAudit(shown, loaded, as_of, reported=reported, repo_path=repo_path)
        found, crashes = run_rules(
            deal,
            loaded.source,
            self.rules,
            as_of,
            self.catalogue,
            small=self.is_small(deal),
            peers=self.peers,
        )
        found = cap_findings(found, self.catalogue)
        audit = FileAudit(shown, loaded, as_of, tuple(found), tuple(crashes), reported, repo_path)
        # Settled now, while the source map is at hand: most deals get nothing from the
        # repository rules, and their second pass then needs neither the map nor the rules.
        return replace(audit, settled=self.settle(audit, found))

    def _supplied(self, loaded: Loaded) -> Loaded:
        """The deal with what `--history` knows of it and its file does not record."""
        deal = loaded.deal
        if deal is None or deal.deal.id not in self.history:
            return loaded
        return replace(loaded, deal=supply(deal, self.history[deal.deal.id]))

    def whole(self, audit: FileAudit) -> FileAudit:
        """An outlined first pass with its whole deal and source map, loaded again."""
        deal = audit.loaded.deal
        if deal is None or not deal.is_outline or audit.origin is None:
            return audit
        loaded = self._supplied(load_file(audit.origin, self.settings.stages))
        if loaded.deal is None:  # gone or broken since: the outline is all there is
            return audit
        return replace(audit, loaded=loaded)

    # --- second pass: every file --------------------------------------------

    def finish(self, audits: Sequence[FileAudit], baseline: Baseline | None = None) -> AuditReport:
        loaded = [
            LoadedDeal(audit.shown, audit.loaded.deal, audit.loaded.source, audit.as_of)
            for audit in audits
            if audit.loaded.deal is not None
        ]
        first = next((a.shown for a in audits if a.reported), None)
        repo, crashed = self.repository_findings(loaded, first)
        reports = tuple(
            self.judge(
                replace(audit, crashes=(*audit.crashes, *crashed.get(audit.shown, ()))),
                repo.get(audit.shown, []),
                baseline,
            )
            for audit in audits
            if audit.reported
        )
        shown_ids = {r.deal_id for r in reports if r.deal_id is not None}
        stale = tuple(baseline.unmatched(shown_ids)) if baseline is not None else ()
        report = AuditReport(
            self.settings.as_of or self.settings.today,
            reports,
            stale_baseline=stale,
            rules=self.active_rules,
            default_currency=self.settings.default_currency,
            read=tuple(audit.shown for audit in audits),
        )
        return decide(report, self.settings.fail_on)

    def repository_findings(
        self, deals: Sequence[LoadedDeal], first_shown: str | None
    ) -> tuple[dict[str, list[Finding]], dict[str, list[RuleCrash]]]:
        """What the repository rules find across every loaded deal, by file; a rule that
        crashes is reported once, with `first_shown` (the first file the report shows)."""
        found: dict[str, list[Finding]] = defaultdict(list)
        crashes: dict[str, list[RuleCrash]] = defaultdict(list)
        for active in self.repo_rules:
            check = active.rule.repo_check
            ctx = RepoContext(active.rule, active.options, self.catalogue, active.severity)
            try:
                results = list(check(deals, ctx)) if check is not None else []
            except Exception as exc:  # a broken rule must not hide the others
                if first_shown is not None:
                    crash = RuleCrash(active.rule.id, f"{type(exc).__name__}: {exc}")
                    crashes[first_shown].append(crash)
                continue
            for deal, finding in results:
                own, stray = own_findings(active.rule.id, [finding])
                found[deal.path].extend(own)
                if stray is not None:
                    crashes[deal.path].append(stray)
        return found, crashes

    def context(self, rule_id: str, audit: FileAudit) -> Context[Any]:
        active = self.core[rule_id]
        assert audit.loaded.deal is not None  # noqa: S101 - only loaded deals get here
        return Context(
            active.rule,
            audit.loaded.deal,
            audit.as_of,
            active.options,
            self.catalogue,
            audit.loaded.source,
            active.severity,
        )

    def judge(
        self, audit: FileAudit, found: Sequence[Finding], baseline: Baseline | None
    ) -> DealReport:
        """Suppressions, baseline, score and verdict of one file, with what the
        repository rules `found` in it besides its first pass's findings.

        Suppressed and baselined findings weigh nothing: both were accepted,
        with a reason or by recording them, and the verdict is what `--fail-on`
        judges.
        """
        deal = audit.loaded.deal
        findings = [*audit.findings, *found]
        if deal is None:
            return DealReport(
                audit.shown,
                audit.as_of,
                Verdict.INVALID,
                None,
                sort_findings(findings),
                crashes=audit.crashes,
                deal_id=audit.loaded.deal_id,
                repo_path=audit.repo_path,
                new_verdict=Verdict.INVALID if baseline is not None else None,
            )
        settled = audit.settled
        if settled is None or found:  # settled again with what the repository rules found
            settled = self.settle(self.whole(audit), findings)
        findings, suppressed = list(settled.findings), settled.suppressed
        crashes = (*audit.crashes, *settled.crashes)
        new, known = self._split_baselined(findings, deal, baseline)
        points: int | None = None
        judged = Verdict.CLOSED
        if not deal.deal.is_closed:
            points, judged = self._judged(deal, [*new, *known])
        new_verdict: Verdict | None = None
        if baseline is not None:
            new_verdict = self._judged(deal, new)[1] if points is not None else judged
        return DealReport(
            audit.shown,
            audit.as_of,
            judged,
            points,
            sort_findings(new),
            suppressed,
            sort_findings(known),
            crashes,
            deal,
            deal.deal.id,
            audit.repo_path,
            new_verdict=new_verdict,
        )

    def settle(self, audit: FileAudit, findings: Sequence[Finding]) -> Settled:
        """Review rules, then suppressions and the notes on `suppress` entries."""
        deal = audit.loaded.deal
        assert deal is not None  # noqa: S101 - only loaded deals are settled
        crashes: list[RuleCrash] = []
        if not deal.deal.is_closed:
            reviewed, crashes = self._review(audit, findings)
            findings = [*findings, *reviewed]
        outcome = apply_suppressions(deal, findings, audit.as_of, self.rule_state)
        kept = outcome.kept
        if not deal.deal.is_closed:
            # A closed deal is checked by HY005 and HY012 only: its other entries are not unused.
            kept += [
                *self._entry_notes("S002", outcome.expired, audit),
                *self._entry_notes("S001", outcome.unused, audit),
            ]
        return Settled(tuple(kept), tuple(outcome.suppressed), tuple(crashes))

    def _judged(self, deal: DealFile, findings: Sequence[Finding]) -> tuple[int, Verdict]:
        """Score and verdict from the findings that weigh: S findings are bookkeeping."""
        weights = self.settings.weights
        severities = [
            severity
            for f in findings
            if f.area not in BOOKKEEPING_AREAS
            for severity in f.weights()
        ]
        points = score(severities, weights)
        return points, verdict(severities, points, deal.deal.stage, weights)

    def _review(
        self, audit: FileAudit, findings: Sequence[Finding]
    ) -> tuple[list[Finding], list[RuleCrash]]:
        """What the review rules say of a deal's standing findings (HY010)."""
        deal = audit.loaded.deal
        if not self.review_rules or deal is None:
            return [], []
        standing = apply_suppressions(deal, findings, audit.as_of, self.rule_state).kept
        return run_rules(
            deal,
            audit.loaded.source,
            self.review_rules,
            audit.as_of,
            self.catalogue,
            small=self.is_small(deal),
            findings=tuple(f for f in standing if f.area not in BOOKKEEPING_AREAS),
            peers=self.peers,
        )

    def _split_baselined(
        self, findings: list[Finding], deal: DealFile, baseline: Baseline | None
    ) -> tuple[list[Finding], list[Finding]]:
        if baseline is None:
            return findings, []
        new: list[Finding] = []
        known: list[Finding] = []
        for finding in sort_findings(findings):
            recorded = baselinable(finding) and baseline.take(
                finding_key(finding, deal.deal.id, deal)
            )
            (known if recorded else new).append(finding)
        return new, known

    def rule_state(self, key: str) -> RuleState:
        """Whether a rule named in a suppression runs in this audit."""
        found = find_rule(self.all_rules, key)
        if found is None:
            return "unknown"
        running = {a.rule.id for a in (*self.rules, *self.repo_rules, *self.review_rules)}
        running |= set(self.core)
        return "active" if found.id in running or found.scope is Scope.FILE_ERROR else "inactive"

    def _entry_notes(
        self, rule_id: str, notes: Sequence[EntryNote], audit: FileAudit
    ) -> list[Finding]:
        """S001/S002 findings about `suppress` entries, unless that rule is off."""
        if rule_id not in self.core:
            return []
        ctx = self.context(rule_id, audit)
        found = []
        for note in notes:
            entry = note.entry
            target = ctx.text("target", target=entry.target) if entry.target else ""
            facts: dict[str, Any] = {"rule": entry.rule, "reason": entry.reason, "target": target}
            variant = "unknown" if note.unknown else "inactive" if note.inactive else None
            if rule_id == "S002":
                facts.update(until=entry.until, count=note.count, covered=note.covered)
                if not note.count:
                    variant = "covered" if note.covered else "none"
            near = closest_rule(self.all_rules, entry.rule) if note.unknown else None
            if near is not None:
                variant, facts["suggestion"] = "unknown_hint", near.id
            found.append(ctx.finding(("suppress", note.index), variant=variant, **facts))
        return found

    # --- convenience --------------------------------------------------------

    def audit_text(self, text: str, shown: str = "<text>") -> DealReport:
        """Audit deal YAML given as text (tests, editors, the rule examples)."""
        return self.audit_texts({shown: text}).deals[0]

    def audit_texts(self, texts: Mapping[str, str]) -> AuditReport:
        """Audit several deals given as YAML text, by the name each is shown under."""
        audits = [
            self.check_loaded(load_bytes(text.encode("utf-8"), self.settings.stages), shown)
            for shown, text in texts.items()
        ]
        return self.finish(audits)

    def audit_example(self, example: Example) -> DealReport:
        """The failing side of a rule's example, as `example.files` files with its text."""
        names = [f"deal-{n + 1}.yaml" for n in range(example.files)]
        return self.audit_texts(dict.fromkeys(names, example.fails)).deals[0]


def words_for(lang: str) -> Catalogue:
    """The messages of an audit in `lang`: the engine's and the built-in pack's."""
    return builtin_pack().words(lang)


# Messages that already name the key they are about.
_NAMES_ITS_KEY = ("E002.unknown_key", "E002.unknown_top_key", "E002.duplicate_key")


def _in_language(params: dict[str, Any], catalogue: Catalogue) -> dict[str, Any]:
    """Kinds of values ("a list") in the catalogue's language."""
    return {
        key: catalogue.get(f"found.{value.kind}", value=value.value) or value
        if isinstance(value, Found)
        else value
        for key, value in params.items()
    }


def _named(problem: Problem, shown: str) -> Problem:
    """An encoding problem whose hint's `iconv` command names the file as shown."""
    if problem.key != "E001.encoding" or shown == STDIN:
        return problem
    names = {"file": _shell_word(shown), "converted": _shell_word(shown + ".utf8")}
    return replace(problem, params={**problem.params, **names})


_SHELL_SAFE = re.compile(r"[^\s'\"`$\\!*?\[\]{}()<>|&;#~]+")


def _shell_word(text: str) -> str:
    """`text` as one shell word: as it is when nothing in it is special (`东华.yaml`)."""
    return text if _SHELL_SAFE.fullmatch(text) else shlex.quote(text)


def problem_finding(problem: Problem, catalogue: Catalogue) -> Finding:
    params = _in_language(problem.params, catalogue)
    if problem.code == "E001" and isinstance(params.get("detail"), str):
        params["detail"] = parser_words(params["detail"], catalogue.get)  # PyYAML's words
    message = catalogue.text(problem.key, **params)
    # Concise and GitHub lines show no field path: say which field it is (for a
    # missing field, the mapping that lacks it).
    where = problem.path[:-1] if problem.key == "E002.missing" else problem.path
    if problem.code == "E002" and where and problem.key not in _NAMES_ITS_KEY:
        message = f"{format_path(where)}: {message}"
    if problem.hint:
        message += catalogue.text("list.clause_separator") + catalogue.text(problem.hint, **params)
    return Finding(
        rule=problem.code,
        name=catalogue.text(f"{problem.code}.name"),
        severity=Severity.CRITICAL,
        message=message,
        # A problem whose key has its own fix (`E001.encoding_fix`) says that one.
        fix=catalogue.get(f"{problem.key}_fix") or catalogue.text(f"{problem.code}.fix"),
        line=problem.position.line,
        column=problem.position.column,
        path=format_path(problem.path),
    )


def display_path(path: Path, root: Path) -> str:
    """`path` relative to `root` when it lies below it, always with '/'."""
    shown = _relative_text(path, root) if os.sep == "/" else _relative_parts(path, root)
    # A name that is not UTF-8 is shown with its bytes escaped (`a\xff.yaml`):
    # every format can print it, none crashes on it.
    return shown.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _relative_parts(path: Path, root: Path) -> str:
    try:
        return path.absolute().relative_to(root.absolute()).as_posix()
    except ValueError:
        return path.as_posix()


def _relative_text(path: Path, root: Path) -> str:
    """`_relative_parts` on text: a path's text is already in normal form (no `.`
    parts, no doubled '/'), so lying below is a prefix (measured: 40 of a cache hit's
    140 µs went to two `relative_to`s)."""
    text, cwd = str(path), os.getcwd()  # noqa: PTH109 - text wanted, not a Path
    if text.startswith("//") or str(root).startswith("//") or cwd.startswith("//"):
        return _relative_parts(path, root)  # `//x` may name another root than `/x`
    if not path.is_absolute():
        text = cwd if text == "." else _joined(cwd, text)
    top = str(root) if root.is_absolute() else _joined(cwd, str(root)) if str(root) != "." else cwd
    if text == top:
        return "."
    prefix = _joined(top, "")
    return text[len(prefix) :] if text.startswith(prefix) else path.as_posix()


def _joined(folder: str, name: str) -> str:
    return folder + name if folder.endswith("/") else f"{folder}/{name}"


# --- parallel first pass ------------------------------------------------------

# A worker process builds its Engine once, in the pool initializer; there is
# no other way to hand a process-pool task state that is costly to rebuild.
_worker: dict[str, Any] = {}

T = TypeVar("T")
TaskT = TypeVar("TaskT")
Work = Callable[["Engine", TaskT], T]
"""What a first pass makes of one file where it runs, and sends back (`check_task`;
a streamed audit renders it there): a picklable function."""


def check_task(engine: Engine, task: Task) -> FileAudit:
    return engine.check_file(*task)


def _init_worker(
    settings: Settings,
    history: Mapping[str, tuple[VersionFacts, ...]],
    outline: bool,
    work: Work[Any, Any],
) -> None:
    worker_signals()
    _worker["engine"] = Engine.create(settings, history, outline)
    _worker["work"] = work
    _collect_rarely()


def _work_in_worker(task: Any) -> Any:
    return _worker["work"](_worker["engine"], task)


def worker_count(jobs: int, files: int) -> int:
    if jobs < 0:
        raise ValueError("--jobs must be 0 or more")
    wanted = jobs or (os.cpu_count() or 1)
    if jobs == 0 and files < PARALLEL_THRESHOLD:
        return 1
    return max(1, min(wanted, files))


Progress = Callable[[int, int], None]
"""Called with (files done, files in all) as the first pass advances."""


def check_files(
    engine: Engine,
    tasks: Sequence[Task],
    jobs: int,
    progress: Progress | None = None,
) -> list[FileAudit]:
    """The first pass over every file, in the order given, whatever the job count.

    Cache hits are taken in this process first (decoding one costs less than sending
    the whole first pass back from a worker); only the misses go to the pool. A
    cache with no entries yet for these settings has no hit to give: nothing is
    read for it.
    """
    warm = engine.cache is not None and engine.cache.folder.is_dir()
    audits: list[FileAudit | None] = [None] * len(tasks)
    here = (lambda task: engine.cached(*task)) if warm else None
    for index, audit in first_pass(engine, tasks, jobs, check_task, progress, here):
        audits[index] = audit
    return [audit for audit in audits if audit is not None]


def first_pass(
    engine: Engine,
    tasks: Sequence[TaskT],
    jobs: int,
    work: Work[TaskT, T],
    progress: Progress | None = None,
    here: Callable[[TaskT], T | None] | None = None,
) -> Iterator[tuple[int, T]]:
    """`work` done on each file, with its index in `tasks`, as it is done; what `here`
    gives (a cache hit) is taken in this process first, the rest goes to the pool."""
    missed: Sequence[int] = range(len(tasks))
    done = 0
    if here is not None:
        missed = []
        for index, task in enumerate(tasks):
            result = here(task)
            if result is None:
                missed.append(index)
                continue
            done += 1
            yield index, result
    # Without hits taken here the tasks go as they are (a view making each as it is
    # read stays one).
    fresh = tasks if len(missed) == len(tasks) else [tasks[i] for i in missed]
    results = _fresh(engine, fresh, jobs, work)
    for index, result in zip(missed, results, strict=True):
        done += 1
        if progress is not None:
            progress(done, len(tasks))
        yield index, result


def _fresh(engine: Engine, tasks: Sequence[TaskT], jobs: int, work: Work[TaskT, T]) -> Iterator[T]:
    workers = worker_count(jobs, len(tasks))
    if workers == 1:
        yield from (work(engine, task) for task in tasks)
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(
        workers,
        initializer=_init_worker,
        initargs=(engine.settings, engine.history, engine.outline, work),
    ) as pool:
        try:
            yield from _in_order(pool, tasks, workers)
        except BaseException:  # Ctrl-C, SIGTERM: no worker may outlive the run
            stop_pool(pool)
            raise


def _in_order(pool: ProcessPoolExecutor, tasks: Sequence[Any], workers: int) -> Iterator[Any]:
    """Each task's result in order, a few small chunks in flight at a time.

    `Executor.map` would send every chunk at once: each one's tasks and results
    are then held until it is done, and memory grows with the folder. Small
    chunks, because a chunk's results are held whole until the chunk is done.
    """
    size = max(1, min(CHUNK_FILES, len(tasks) // (workers * 4)))
    pending: deque[Future[list[Any]]] = deque()
    for start in range(0, len(tasks), size):
        chunk = [tasks[i] for i in range(start, min(start + size, len(tasks)))]
        pending.append(pool.submit(_work_chunk, chunk))
        if len(pending) > workers * CHUNKS_IN_FLIGHT:
            yield from pending.popleft().result()
    while pending:
        yield from pending.popleft().result()


def _work_chunk(tasks: list[Any]) -> list[Any]:
    return [_work_in_worker(task) for task in tasks]


def _collect_rarely() -> None:
    gc.freeze()
    gc.set_threshold(50_000, 50, 1_000)


_rare: list[bool] = []
"""One entry per `fewer_collections` open: only the outermost sets and restores."""


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the cycle collector rarely while deals are audited (and their report written).

    A deal is thousands of small objects kept until the report is written; the
    default thresholds scan them again and again for cycles they do not have
    (measured: a sixth of a large audit, and 5.5 s of a 10,000-deal terminal
    report drawn after it). What was imported before is frozen out of every scan.
    Nested, it leaves the outer one in force.
    """
    if _rare:
        yield
        return
    before = gc.get_threshold()
    _collect_rarely()
    _rare.append(True)
    try:
        yield
    finally:
        _rare.pop()
        gc.set_threshold(*before)
        gc.unfreeze()


def audit_paths(
    paths: Sequence[Path],
    settings: Settings,
    *,
    changed_since: str | None = None,
    skip_non_deals: bool = False,
    jobs: int = 0,
    progress: Progress | None = None,
    history: Mapping[str, tuple[VersionFacts, ...]] | None = None,
    outline: bool = False,
) -> AuditReport:
    """Find the deal files under `paths` and audit them.

    `changed_since` audits only the files changed since that git ref (the
    others are still loaded, so repository rules see every deal);
    `skip_non_deals` judges named files like walked ones (for pre-commit);
    `history` (`--history`, from `ebcheck.audit.history.facts`) supplies the
    close-date history and stage entry that files do not record; `outline` keeps
    only each deal's outline for the report (enough for the machine-readable formats).
    """
    baseline = load_baseline(settings.baseline) if settings.baseline is not None else None
    engine = Engine.create(settings, history, outline)
    files, reported = collected(paths, settings, changed_since, skip_non_deals)
    tasks = list(zip(files.deals, reported, strict=True))
    with fewer_collections():
        audits = check_files(engine, tasks, jobs, progress)
        report = engine.finish(audits, baseline)
    return replace(
        report,
        skipped=tuple(display_path(p, settings.root) for p in files.skipped),
        excluded=len(files.excluded),
        changed_since=changed_since,
    )


def collected(
    paths: Sequence[Path],
    settings: Settings,
    changed_since: str | None = None,
    skip_non_deals: bool = False,
    read_later: bool = False,
) -> tuple[FileSet, list[bool]]:
    """The files an audit of `paths` reads (`FileSet.names`), and whether each is
    reported (`--changed-since` reports only the changed ones)."""
    files = collect(
        paths,
        settings.config_root or settings.root,
        settings.include,
        settings.exclude,
        classify_named=skip_non_deals,
        read_later=read_later,
    )
    changed = changed_files(changed_since, settings.root) if changed_since else None
    if changed is None:
        return files, [True] * len(files.names)
    return files, [Path(name).resolve() in changed for name in files.names]


STDIN = "<stdin>"
"""How a deal read from standard input is named in reports."""


def audit_data(data: bytes, settings: Settings, shown: str = STDIN) -> AuditReport:
    """Audit one deal given as the bytes of a file (`ebcheck audit -`: an editor's buffer)."""
    baseline = load_baseline(settings.baseline) if settings.baseline is not None else None
    engine = Engine.create(settings)
    return engine.finish([engine.check_loaded(load_bytes(data, settings.stages), shown)], baseline)


def audit_files(paths: Sequence[Path], settings: Settings) -> AuditReport:
    """Audit each file as a deal, in the order given."""
    engine = Engine.create(settings)
    return engine.finish([engine.check_file(path) for path in paths])


def audit_text(text: str, settings: Settings | None = None) -> DealReport:
    """Audit one deal given as YAML text with the built-in rules."""
    return Engine.create(settings or Settings()).audit_text(text)
