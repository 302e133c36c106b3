"""GitHub Actions workflow commands: annotations grouped per deal file, and the job summary.

    ::group::deals/hd-2026-031.yaml
    ::error file=deals/hd-2026-031.yaml,line=5,col=5,title=EB002 eb-not-met::张伟 (EB) has …
    ::endgroup::
    ::notice title=ebcheck::12 more findings not annotated (GitHub shows about 10 per …

`critical`/`high` findings are `::error`, `medium` `::warning`, `low`/`info`
`::notice`. GitHub shows only about 10 annotations of each level per step, so
at most `ANNOTATION_CAP` of each level are emitted, the most severe first (a
critical before a high, whichever file it is in); the others are still printed
inside their file's group as plain `path:line:col: ID [severity] message`
lines, and one closing notice says how many were not annotated, and points to
the job summary when one is written (when findings overflow, one notice slot
is kept for it).

Suppressed and baselined findings are never annotated: suppressed ones are
listed as plain lines, marked, inside their file's group; baselined ones all
in one folded group of their own at the end (known, not to act on now). A
rule that crashed is always an `::error` (outside the cap: it means findings
are missing). Files with nothing to show
get no group.
Message data is escaped (`%`, CR, LF) and property values also (`:`, `,`);
control characters are replaced, and no plain line can start with `::` (or the
older `##[`), so no user text can become a workflow command.

`append_step_summary` appends the markdown report to `$GITHUB_STEP_SUMMARY`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ebcheck.audit.findings import Finding
from ebcheck.audit.results import AuditReport, DealReport
from ebcheck.deal.enums import Severity
from ebcheck.i18n import Catalogue
from ebcheck.reports import RenderOptions
from ebcheck.reports.concise_format import finding_line, summary_line
from ebcheck.reports.escape import normal_path, workflow_data, workflow_property
from ebcheck.reports.markdown_format import STEP_SUMMARY_LIMIT, render_markdown, size
from ebcheck.reports.textsafe import clean

__all__ = ["STEP_SUMMARY_LIMIT", "render", "step_summary"]

ANNOTATION_CAP = 10
"""Annotations of one level GitHub shows per step (errors, warnings, notices apart)."""

LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "notice",
    Severity.INFO: "notice",
}
LEVELS = ("error", "warning", "notice")


def command(name: str, data: str, **properties: object) -> str:
    """One workflow command line: `::name k=v,k=v::data`, everything escaped."""
    props = ",".join(f"{key}={workflow_property(value)}" for key, value in properties.items())
    return f"::{name}{' ' + props if props else ''}::{workflow_data(data)}"


def plain(line: str) -> str:
    """A log line that the runner cannot read as a command."""
    text = clean(line)
    if text.lstrip().startswith(("::", "##[")):
        return "./" + text  # still names the same file: `./::odd name.yaml:1:1: …`
    return text


def annotation(path: str, finding: Finding) -> str:
    return command(
        LEVEL[finding.severity],
        finding.message,
        file=path,
        line=finding.line,
        col=finding.column,
        title=f"{finding.rule} {finding.name}",
    )


@dataclass(frozen=True)
class _Slot:
    deal: int
    index: int
    finding: Finding


def annotated(report: AuditReport) -> set[tuple[int, int]]:
    """(deal, finding) positions to annotate: up to the cap per level, most severe first."""
    by_level: dict[str, list[_Slot]] = {level: [] for level in LEVELS}
    for d, deal in enumerate(report.deals):
        for i, finding in enumerate(deal.findings):
            by_level[LEVEL[finding.severity]].append(_Slot(d, i, finding))
    caps = dict.fromkeys(LEVELS, ANNOTATION_CAP)
    overflows = any(len(slots) > ANNOTATION_CAP for slots in by_level.values())
    if overflows:
        caps["notice"] -= 1  # the closing notice needs a slot of its own to be seen
    chosen: set[tuple[int, int]] = set()
    for level, slots in by_level.items():
        ranked = sorted(slots, key=lambda s: (s.finding.severity.rank, s.deal, s.index))
        chosen.update((s.deal, s.index) for s in ranked[: caps[level]])
    return chosen


def deal_lines(
    number: int, deal: DealReport, chosen: set[tuple[int, int]], words: Catalogue
) -> list[str]:
    """The group of one deal file, or nothing when it has nothing to show."""
    lines = []
    where = normal_path(deal.repo_location)
    for index, finding in enumerate(deal.findings):
        if (number, index) in chosen:
            lines.append(annotation(where, finding))
        else:
            lines.append(plain(finding_line(where, finding, encode_path=False)))
    for entry in deal.suppressed:
        mark = words.text("reports.suppressed_mark", reason=entry.reason)
        lines.append(plain(f"{finding_line(where, entry.finding, encode_path=False)} ({mark})"))
    for crash in deal.crashes:
        text = words.text("report.crashed", rule=crash.rule, error=crash.error)
        lines.append(command("error", text, file=where, title=f"ebcheck {crash.rule}"))
    if not lines:
        return []
    return [f"::group::{workflow_data(where)}", *lines, "::endgroup::"]


def render(report: AuditReport, options: RenderOptions) -> str:
    words = options.catalogue
    chosen = annotated(report)
    lines: list[str] = []
    for number, deal in enumerate(report.deals):
        lines += deal_lines(number, deal, chosen, words)
    lines += baselined_group(report, words)
    total = sum(len(deal.findings) for deal in report.deals)
    more = total - len(chosen)
    lines.append(plain(summary_line(report, words)))
    if more:
        # Point to the job summary only when one is written.
        key = "reports.github.more" if options.step_summary else "reports.github.more_no_summary"
        text = words.text(key, count=more, cap=ANNOTATION_CAP)
        lines.append(command("notice", text, title="ebcheck"))
    return "\n".join(lines) + "\n"


def baselined_group(report: AuditReport, words: Catalogue) -> list[str]:
    """Every baselined finding of the run in one folded group: known, not to act on now."""
    lines = [
        plain(
            f"{finding_line(deal.repo_location, finding)} ({words.text('reports.baselined_mark')})"
        )
        for deal in report.deals
        for finding in deal.baselined
    ]
    if not lines:
        return []
    title = words.text("reports.github.baselined_group", count=len(lines))
    return [f"::group::{workflow_data(title)}", *lines, "::endgroup::"]


def step_summary(report: AuditReport, options: RenderOptions, room: int) -> str | None:
    """The markdown report for GitHub's step summary, in at most `room` bytes.

    The report is shortened to fit what is left of GitHub's 1 MiB per step;
    when not even the headline fits, a one-line note instead, or None.
    """
    text = render_markdown(report, options, limit=room)
    if size(text) > room:
        text = options.catalogue.text("reports.markdown.summary_full") + "\n"
        if size(text) > room:
            return None
    return text
