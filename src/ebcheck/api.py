"""The library API: audit files and folders, never print, never exit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ebcheck.catalogue import Catalogue
from ebcheck.engine import ActiveRule, run_rules
from ebcheck.enums import Severity, Verdict
from ebcheck.findings import Finding, RuleCrash, sort_findings
from ebcheck.loader import Loaded, load_bytes, load_file
from ebcheck.models import DealFile
from ebcheck.pack import Pack, builtin_pack
from ebcheck.problems import Problem
from ebcheck.report import AuditReport, DealReport
from ebcheck.rulesel import active_rules
from ebcheck.scoring import score, verdict
from ebcheck.settings import Settings
from ebcheck.sourcemap import format_path
from ebcheck.walk import collect

if TYPE_CHECKING:
    from ebcheck.run import AuditRequest


@dataclass(frozen=True)
class Auditor:
    """Everything one audit needs, prepared once and reused for every file."""

    settings: Settings
    pack: Pack
    rules: tuple[ActiveRule, ...]
    catalogue: Catalogue

    @classmethod
    def create(cls, settings: Settings) -> Auditor:
        pack = builtin_pack()
        rules = tuple(active_rules(pack.rules, settings))
        catalogue = Catalogue(settings.lang, [pack.locale])
        return cls(settings, pack, rules, catalogue)

    def as_of(self, deal: DealFile | None) -> dt.date:
        """`--as-of`, else the file's own `as_of`, else today."""
        if self.settings.as_of is not None:
            return self.settings.as_of
        if deal is not None and deal.as_of is not None:
            return deal.as_of
        return self.settings.today

    def audit_file(self, path: Path) -> DealReport:
        loaded = load_file(path, self.settings.stages)
        return self.audit_loaded(loaded, display_path(path, self.settings.root))

    def audit_text(self, text: str, shown: str = "<text>") -> DealReport:
        """Audit deal YAML given as text (tests, editors, the rule examples)."""
        return self.audit_loaded(load_bytes(text.encode("utf-8"), self.settings.stages), shown)

    def audit_loaded(self, loaded: Loaded, shown: str) -> DealReport:
        deal = loaded.deal
        as_of = self.as_of(deal)
        if deal is None:
            findings = sort_findings([problem_finding(p, self.catalogue) for p in loaded.problems])
            return DealReport(shown, as_of, Verdict.INVALID, None, findings, deal_id=loaded.deal_id)
        if deal.deal.is_closed:
            return DealReport(shown, as_of, Verdict.CLOSED, None, deal=deal, deal_id=deal.deal.id)
        found, crashes = run_rules(deal, loaded.source, self.rules, as_of, self.catalogue)
        return self.judge(shown, as_of, deal, found, crashes)

    def judge(
        self,
        shown: str,
        as_of: dt.date,
        deal: DealFile,
        findings: Sequence[Finding],
        crashes: Sequence[RuleCrash] = (),
    ) -> DealReport:
        ordered = sort_findings(list(findings))
        severities = [f.severity for f in ordered]
        points = score(severities, self.settings.weights)
        return DealReport(
            shown, as_of, verdict(severities, points), points, ordered,
            crashes=tuple(crashes), deal=deal, deal_id=deal.deal.id,
        )


def problem_finding(problem: Problem, catalogue: Catalogue) -> Finding:
    message = catalogue.text(problem.key, **problem.params)
    if problem.hint:
        message += "; " + catalogue.text(problem.hint, **problem.params)
    return Finding(
        rule=problem.code,
        name=catalogue.text(f"{problem.code}.name"),
        severity=Severity.CRITICAL,
        message=message,
        fix=catalogue.text(f"{problem.code}.fix"),
        line=problem.position.line,
        column=problem.position.column,
        path=format_path(problem.path),
    )


def display_path(path: Path, root: Path) -> str:
    """`path` relative to `root` when it lies below it, always with '/'."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


@dataclass(frozen=True)
class AuditResult:
    report: AuditReport
    auditor: Auditor


def audit_request(request: AuditRequest, settings: Settings) -> AuditResult:
    """Find the deal files a request names and audit them."""
    root = settings.config_root or settings.root
    files = collect(request.paths, root, settings.include, settings.exclude)
    auditor = Auditor.create(settings)
    reports = tuple(auditor.audit_file(path) for path in files.deals)
    skipped = tuple(display_path(p, settings.root) for p in files.skipped)
    report = AuditReport(settings.as_of or settings.today, reports, skipped)
    return AuditResult(report, auditor)


def audit_files(paths: Sequence[Path], settings: Settings) -> AuditReport:
    """Audit each file as a deal, in the order given."""
    auditor = Auditor.create(settings)
    reports = tuple(auditor.audit_file(path) for path in paths)
    return AuditReport(settings.as_of or settings.today, reports)


def audit_text(text: str, settings: Settings | None = None) -> DealReport:
    """Audit one deal given as YAML text with the built-in rules."""
    return Auditor.create(settings or Settings()).audit_text(text)
