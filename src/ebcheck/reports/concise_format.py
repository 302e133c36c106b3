"""The concise report: one line per finding, for editors, grep and problem matchers.

    deals/hd-2026-031.yaml:5:5: EB002 [critical] 张伟 (EB) has never been met; …
    Found 3 finding(s) in 4 deal(s) (1 invalid, 2 not ready, 1 ready); 1 suppressed …

Deals come in report order and findings in their order (severity, then line).
Suppressed and baselined findings are left out, as ruff leaves out `noqa`'d
diagnostics: every line of this format is something to act on, so a problem
matcher or `grep -c` counts exactly what fails the build; the summary line says
how many were hidden, and `--format json` or `markdown` lists them. The summary
line never has the `path:line:col:` shape, so no matcher mistakes it for a
finding. No colour; control characters in user text are replaced.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from ebcheck.audit.findings import Finding
from ebcheck.audit.results import AnyReport, DealReport, DealWriter, Tally
from ebcheck.deal.enums import Severity
from ebcheck.i18n import Catalogue
from ebcheck.reports import RenderOptions
from ebcheck.reports.common import no_deals, verdict_counts
from ebcheck.reports.textsafe import clean


def shown_path(path: str) -> str:
    """The path of a line, its `:` and `%` percent-encoded: a file named
    `x:1:1: EB002 [critical] …` cannot pass for a finding of its own."""
    return clean(path).replace("%", "%25").replace(":", "%3A")


def finding_line(path: str, finding: Finding, *, encode_path: bool = True) -> str:
    """`path:line:col: EB002 [critical] message`, user text made safe.

    `encode_path=False` leaves `:` in the path as it is (the github format's
    plain lines, which name the file as the annotations do).
    """
    where = shown_path(path) if encode_path else clean(path)
    return (
        f"{where}:{finding.line}:{finding.column}: "
        f"{clean(finding.rule)} [{finding.severity.value}] {clean(finding.message)}"
    )


def summary_line(report: AnyReport, words: Catalogue) -> str:
    """One closing sentence: findings, deals, verdicts, and what was not shown."""
    counts = report.counts()
    if not report.deals:
        return no_deals(report, words)
    key = "reports.concise.summary" if counts.findings else "reports.concise.summary_clean"
    line = words.text(
        key,
        findings=counts.findings,
        deals=len(report.deals),
        verdicts=verdict_counts(report, words),
    )
    hidden = []
    if counts.suppressed:
        hidden.append(words.text("reports.count_suppressed", count=counts.suppressed))
    if counts.baselined:
        hidden.append(words.text("reports.count_baselined", count=counts.baselined))
    if hidden:
        line += words.text("reports.concise.not_shown", what=words.join(hidden))
    crashes = len(report.crashes)
    if crashes:
        line += words.text("reports.concise.crashed", count=crashes)
    return line


def deal_text(deal: DealReport, words: Catalogue) -> str:
    """One deal's lines: a line per finding (none for a deal without findings)."""
    return "".join(finding_line(deal.path, f) + "\n" for f in deal.findings)


# A finding line: the path (its `:` encoded), line and column, then rule and severity.
_LINE = re.compile(r"[^:\n]*:-?[0-9]+:-?[0-9]+: \S+ \[([a-z]+)\] .*")


def sound_text(
    text: str, tally: Tally, severities: Sequence[Severity], repo_path: str = ""
) -> bool:
    """Whether `text`, read back from the result cache, is the lines this format
    writes for the deal of `tally` with findings of those `severities`: a line per
    finding, naming this deal's file, every one already made safe."""
    lines = text.split("\n")
    if lines[-1] != "" or len(lines) - 1 != len(severities):
        return False
    prefix = shown_path(tally.path) + ":"
    for line, severity in zip(lines, severities, strict=False):
        found = _LINE.fullmatch(line)
        if not found or found.group(1) != severity.value or not line.startswith(prefix):
            return False
        if clean(line) != line:
            return False
    return True


WRITER = DealWriter("concise", deal_text, sound_text)


def chunks(report: AnyReport, options: RenderOptions) -> Iterator[str]:
    """The report's lines a deal at a time."""
    for text in report.deal_texts(deal_text, options.catalogue):
        if text:
            yield text
    yield summary_line(report, options.catalogue) + "\n"


def render(report: AnyReport, options: RenderOptions) -> str:
    return "".join(chunks(report, options))
