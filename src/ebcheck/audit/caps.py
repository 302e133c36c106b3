"""How many findings one file may have: bounded per rule and per file.

A hostile or generated file can make thousands of findings (one 583 KB file
made 24,000, and took half a minute to render). Past the caps the worst
findings are kept and each rule that lost some gets one summary finding
saying how many more there are. A summary is shown at `info`, and weighs as the
findings it stands for would have: the score is the catalog's product over every
finding, shown or not.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from ebcheck.audit.findings import Finding
from ebcheck.deal.enums import Severity
from ebcheck.i18n import Catalogue

PER_RULE = 50
PER_FILE = 500


def cap_findings(findings: Sequence[Finding], catalogue: Catalogue) -> list[Finding]:
    """`findings` within the caps, worst first kept, plus one summary per rule cut."""
    if len(findings) <= PER_RULE and len(findings) <= PER_FILE:
        return list(findings)
    ranked = sorted(findings, key=Finding.sort_key)
    per_rule: Counter[str] = Counter()
    kept: list[Finding] = []
    dropped: dict[str, list[Finding]] = {}
    for finding in ranked:
        per_rule[finding.rule] += 1
        if per_rule[finding.rule] > PER_RULE or len(kept) >= PER_FILE:
            dropped.setdefault(finding.rule, []).append(finding)
        else:
            kept.append(finding)
    return kept + [_summary(cut, catalogue) for cut in dropped.values()]


def _summary(cut: list[Finding], catalogue: Catalogue) -> Finding:
    first = cut[0]
    return Finding(
        rule=first.rule,
        name=first.name,
        severity=Severity.INFO,
        message=catalogue.text(
            "audit.more_findings",
            count=len(cut),
            rule=first.rule,
            per_rule=PER_RULE,
            per_file=PER_FILE,
        ),
        fix=catalogue.text("audit.more_findings_fix"),
        line=first.line,
        column=first.column,
        capped=True,
        weighs_as=tuple(finding.severity for finding in cut if not finding.capped),
    )
