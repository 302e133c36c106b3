"""SARIF 2.1.0 for GitHub code scanning (and any other SARIF viewer), as plain dicts.

One run, `tool.driver` named `ebcheck` with one rule descriptor for every
active rule, E001/E002 and any other rule id that appears in the report
(`ruleIndex` points into that list). Every finding is a result, invalid files'
E001/E002 included: active findings with `baselineState: "new"`, suppressed
ones with an `inSource` suppression carrying the reason (and also `"new"`),
baselined ones `"unchanged"`.

Locations are the report's paths (relative, '/'-separated, percent-encoded as
a URI) under `%SRCROOT%` (`originalUriBaseIds`: `$GITHUB_WORKSPACE` in
GitHub Actions, else the repository root or the folder the paths are relative
to), with 1-based line and column (`columnKind`
`unicodeCodePoints`: YAML columns count code points); findings point at one
position, so a region spans one column.

`partialFingerprints["ebcheckFingerprint/v1"]` is the sha256 of
`rule | path | field path | subject`: never a line number, so an alert
survives edits above it. The field path is the baseline's stable one
(`stakeholders[张伟].met`, not `stakeholders[0].met`), so inserting or
reordering people or risks does not renew alerts either. When a file has
several findings with the same key, the second and later get `|2`, `|3`…
appended, in report order, so each stays distinct. ebcheck never writes
`primaryLocationLineHash`: GitHub's upload action computes it only when it
is missing.

The log is written a deal at a time (`chunks`), as `json.dumps(sarif_log(...),
indent=2)` lays it out: the rule descriptors first, from the rules the audit
ran, then each deal's results, which a streamed audit writes where the deal was
judged (`WRITER`, bound to those rules so that `ruleIndex` is known there). A
rule's findings always carry its own id (the engine makes it so:
`engine.own_findings`), so no other id is left to number after the deals.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ebcheck.audit.baseline import stable_path
from ebcheck.audit.findings import Finding, rule_area
from ebcheck.audit.results import AnyReport, AuditReport, DealReport, DealWriter, Tally
from ebcheck.deal.enums import Severity
from ebcheck.i18n import Catalogue
from ebcheck.reports import RenderOptions, jsontext
from ebcheck.reports.escape import normal_path

if TYPE_CHECKING:
    from ebcheck.ruleapi import Rule

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
INFORMATION_URI = "https://pypi.org/project/ebcheck/"
FINGERPRINT_KEY = "ebcheckFingerprint/v1"
SOURCE_ROOT = "%SRCROOT%"
LOAD_RULES = ("E001", "E002")
"""The rules of the loader: a file that is not valid YAML, or not a valid deal."""

LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}

_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:/")


def fingerprint(path: str, finding: Finding, occurrence: int = 1, field: str | None = None) -> str:
    """sha256 hex of `rule | path | field path | subject` (`| n` from the 2nd occurrence).

    `field` is the stable field path (`baseline.stable_path`); default `finding.path`.
    """
    parts = [finding.rule, path, finding.path if field is None else field, finding.subject or ""]
    if occurrence > 1:
        parts.append(str(occurrence))
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()


def artifact_location(path: str) -> dict[str, str]:
    """A relative path under %SRCROOT%; an absolute one (outside the root) as a file URI."""
    path = normal_path(path)
    if path.startswith("/") or _WINDOWS_DRIVE.match(path):
        return {"uri": "file://" + ("" if path.startswith("/") else "/") + quote(path, safe="/:")}
    return {"uri": quote(path, safe="/"), "uriBaseId": SOURCE_ROOT}


# --- rule descriptors ---------------------------------------------------------------------


def _text(words: Catalogue, key: str) -> str | None:
    text = words.get(key)
    return text.strip() if text and text.strip() else None


def help_texts(rule_id: str, words: Catalogue) -> tuple[str, str]:
    """Plain text and markdown help: what the rule checks, why it matters, the fix."""
    sections = [
        (words.text(f"reports.sarif.{part}"), _text(words, f"{rule_id}.{part}"))
        # The fix is per finding (it names this deal's people), so it goes with each
        # result; the rule's help says what is checked and why.
        for part in ("checks", "why")
    ]
    present = [(title, body) for title, body in sections if body]
    if not present:
        summary = _text(words, f"{rule_id}.summary") or rule_id
        return summary, summary
    text = "\n\n".join(f"{title}: {body}" for title, body in present)
    markdown = "\n\n".join(f"## {title}\n\n{body}" for title, body in present)
    return text, markdown


def descriptor(rule_id: str, name: str, severity: Severity, words: Catalogue) -> dict[str, Any]:
    summary = _text(words, f"{rule_id}.summary") or name or rule_id
    text, markdown = help_texts(rule_id, words)
    return {
        "id": rule_id,
        "name": name or rule_id,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": _text(words, f"{rule_id}.why") or summary},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": LEVEL[severity]},
        "properties": {"tags": [rule_area(rule_id) or rule_id]},
    }


def all_findings(deal: DealReport) -> list[Finding]:
    return [*deal.findings, *(s.finding for s in deal.suppressed), *deal.baselined]


def descriptors(
    report: AnyReport, rules: tuple[Rule, ...], words: Catalogue
) -> list[dict[str, Any]]:
    """Active rules in their order, then E001/E002, then other ids seen in a report held
    whole (a finding of ebcheck's own is always of one of the first two)."""
    found: dict[str, dict[str, Any]] = {}
    for rule in rules:
        found.setdefault(rule.id, descriptor(rule.id, rule.name, rule.severity, words))
    for rule_id in LOAD_RULES:
        name = _text(words, f"{rule_id}.name") or rule_id
        found.setdefault(rule_id, descriptor(rule_id, name, Severity.CRITICAL, words))
    deals = report.deals if isinstance(report, AuditReport) else ()
    seen = sorted(
        {f.rule: f for deal in deals for f in all_findings(deal)}.values(),
        key=lambda f: f.rule,
    )
    for finding in seen:
        if finding.rule not in found:
            found[finding.rule] = descriptor(finding.rule, finding.name, finding.severity, words)
    return list(found.values())


def rule_numbers(rules: tuple[Rule, ...]) -> tuple[str, ...]:
    """The ids `descriptors` lists first, in order: what `ruleIndex` numbers."""
    return tuple(dict.fromkeys([*(rule.id for rule in rules), *LOAD_RULES]))


# --- results --------------------------------------------------------------------------------


def result(
    deal: DealReport, finding: Finding, rule_index: int, occurrence: int, field: str
) -> dict[str, Any]:
    line = max(1, finding.line)
    column = max(1, finding.column)
    return {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": LEVEL[finding.severity],
        "message": {"text": finding.message or finding.rule},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact_location(deal.repo_location),
                    "region": {
                        "startLine": line,
                        "startColumn": column,
                        "endLine": line,
                        "endColumn": column + 1,
                    },
                }
            }
        ],
        "partialFingerprints": {
            FINGERPRINT_KEY: fingerprint(
                normal_path(deal.repo_location), finding, occurrence, field
            )
        },
        "properties": {"severity": finding.severity.value, "fix": finding.fix},
    }


def deal_results(deal: DealReport, index: dict[str, int]) -> list[dict[str, Any]]:
    seen: Counter[tuple[str, str, str]] = Counter()

    def make(finding: Finding) -> dict[str, Any]:
        field = stable_path(finding, deal.deal)
        key = (finding.rule, field, finding.subject or "")
        seen[key] += 1
        return result(deal, finding, index[finding.rule], seen[key], field)

    results = []
    for finding in deal.findings:
        results.append({**make(finding), "baselineState": "new"})
    for entry in deal.suppressed:
        suppression: dict[str, Any] = {"kind": "inSource", "justification": entry.reason}
        if entry.until:
            suppression["properties"] = {"until": entry.until.isoformat()}
        results.append(
            {**make(entry.finding), "suppressions": [suppression], "baselineState": "new"}
        )
    for finding in deal.baselined:
        results.append({**make(finding), "baselineState": "unchanged"})
    return results


def invocation(report: AnyReport, words: Catalogue) -> dict[str, Any]:
    notifications = [
        {
            "level": "error",
            "message": {"text": words.text("report.crashed", rule=crash.rule, error=crash.error)},
            "descriptor": {"id": crash.rule},
            "locations": [{"physicalLocation": {"artifactLocation": artifact_location(path)}}],
        }
        for path, crash in report.crashes
    ]
    run: dict[str, Any] = {"executionSuccessful": not notifications}
    if notifications:
        run["toolExecutionNotifications"] = notifications
    return run


def sarif_log(report: AnyReport, options: RenderOptions) -> dict[str, Any]:
    """The log without its results (`chunks` writes them, a deal at a time)."""
    words = options.catalogue
    rules = descriptors(report, report.rules, words)
    driver: dict[str, Any] = {"name": "ebcheck", "informationUri": INFORMATION_URI}
    if options.version:
        driver["semanticVersion"] = options.version
        driver["version"] = options.version
    driver["rules"] = rules
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "automationDetails": {"id": "ebcheck/"},
        "invocations": [invocation(report, words)],
    }
    if options.source_root:  # what makes the relative URIs valid SARIF
        run["originalUriBaseIds"] = {SOURCE_ROOT: {"uri": options.source_root}}
    run["columnKind"] = "unicodeCodePoints"
    run["results"] = []
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


_RESULT_MARGIN = " " * 8  # a result is an item of runs[0].results
_NO_RESULTS = '"results": []'


@dataclass(frozen=True)
class DealResults:
    """One deal's results as `chunks` writes them, numbered for the rules an audit runs
    (equal for equal rules: a streamed report checks it is rendered with its own)."""

    numbers: tuple[str, ...]

    @functools.cached_property
    def index(self) -> dict[str, int]:
        return {rule_id: number for number, rule_id in enumerate(self.numbers)}

    def __call__(self, deal: DealReport, words: Catalogue) -> str:
        items = deal_results(deal, self.index)
        return ",\n".join(_RESULT_MARGIN + jsontext.dumps(item, _RESULT_MARGIN) for item in items)

    def sound(
        self, text: str, tally: Tally, severities: Sequence[Severity], repo_path: str = ""
    ) -> bool:
        """Whether `text`, read back from the result cache, is the results this writes
        for the deal of `tally`: one per finding (these severities), then one per
        suppressed finding, then one per baselined one, all about the file at
        `repo_path`, each numbered as these rules number its rule."""
        counts = tally.counts
        expected = len(severities) + counts.suppressed + counts.baselined
        if len(severities) != counts.findings:
            return False
        if not text:
            return expected == 0
        lines = text.split("\n")
        if jsontext.holds_unsafe(text) or not all(
            line.startswith(_RESULT_MARGIN) for line in lines
        ):
            return False
        try:
            items = json.loads("[" + text + "]")
            uri = artifact_location(repo_path or tally.path)["uri"]
            return len(items) == expected and self._agree(items, severities, counts.suppressed, uri)
        except (ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError):
            return False

    def _agree(
        self, items: list[Any], severities: Sequence[Severity], suppressed: int, uri: str
    ) -> bool:
        findings = len(severities)
        for number, item in enumerate(items):
            where = item["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            rule = item["ruleId"]
            if where != uri or rule not in self.index or self.index[rule] != item["ruleIndex"]:
                return False
            held = findings <= number < findings + suppressed
            state = "unchanged" if number >= findings + suppressed else "new"
            if item["baselineState"] != state or ("suppressions" in item) != held:
                return False
            if number < findings and item["level"] != LEVEL[severities[number]]:
                return False
        return True


def chunks(report: AnyReport, options: RenderOptions) -> Iterator[str]:
    """The log's text a deal at a time: what `json.dumps(log, indent=2)` writes for
    the whole log (`jsontext.dumps`), its results never held all at once."""
    log = sarif_log(report, options)
    numbers = tuple(rule["id"] for rule in log["runs"][0]["tool"]["driver"]["rules"])
    head, tail = _frame(log)
    texts = (t for t in report.deal_texts(DealResults(numbers), options.catalogue) if t)
    first = next(texts, None)
    if first is None:
        yield head + "[]" + tail
        return
    yield head + "[\n" + first
    for text in texts:
        yield ",\n" + text
    yield "\n      ]" + tail


def _frame(log: dict[str, Any]) -> tuple[str, str]:
    """The log's text before its results and after them."""
    log["runs"][0]["results"] = []
    text = jsontext.dumps(log) + "\n"
    head, found, tail = text.rpartition(_NO_RESULTS)
    if not found:
        raise ValueError("the SARIF log has no results list")
    return head + '"results": ', tail


def render(report: AnyReport, options: RenderOptions) -> str:
    return "".join(chunks(report, options))


def results_writer(rules: tuple[Rule, ...]) -> DealWriter:
    """The writer of a deal's results for an audit running `rules` (numbered as
    `descriptors` numbers a streamed report's rules)."""
    results = DealResults(rule_numbers(rules))
    return DealWriter("sarif", results, results.sound, results_writer)


WRITER = results_writer(())
"""A deal's results; bound to the audit's rules (`DealWriter.bound`) before use."""
