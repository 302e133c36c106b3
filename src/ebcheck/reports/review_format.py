"""`ebcheck review` as terminal text, markdown (to paste in the review doc) or JSON."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rich import box
from rich.table import Table
from rich.text import Text

from ebcheck.audit.findings import Finding
from ebcheck.audit.review import (
    BUCKETS,
    UNKNOWN_CURRENCY,
    Bucket,
    Change,
    FindingChanges,
    Review,
    Value,
)
from ebcheck.deal.enums import Verdict
from ebcheck.i18n import Catalogue
from ebcheck.reports import RenderOptions, jsontext
from ebcheck.reports.common import money, not_ready_title
from ebcheck.reports.markdown_format import cell, code_cell, table, verdict_label
from ebcheck.reports.styles import VERDICT_STYLE, text_console
from ebcheck.reports.textsafe import clean


def bucket_dict(bucket: Bucket) -> dict[str, Decimal]:
    return {name: getattr(bucket, name) for name in BUCKETS}


def finding_brief(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "name": finding.name,
        "severity": finding.severity.value,
        "message": finding.message,
        "path": finding.path,
        "subject": finding.subject,
    }


def review_dict(review: Review) -> dict[str, Any]:
    return {
        "since": review.since,
        "until": review.until,
        "waterfall": {c: bucket_dict(b) for c, b in review.waterfall.items()},
        "changes": [
            {"id": c.id, "path": c.path, "kind": c.kind, "before": c.before, "after": c.after}
            for c in review.changes
        ],
        "verdicts": [
            {"id": v.id, "before": v.before.value, "after": v.after.value} for v in review.verdicts
        ],
        "findings": [
            {
                "id": f.id,
                "path": f.path,
                "new": [finding_brief(x) for x in f.new],
                "resolved": [finding_brief(x) for x in f.resolved],
            }
            for f in review.findings
        ],
    }


def render_json(review: Review) -> str:
    return jsontext.dumps(review_dict(review)) + "\n"


# --- shared words ------------------------------------------------------------------


def _until(review: Review, words: Catalogue) -> str:
    return review.until or words.text("review.working_tree")


def _amount(value: Decimal, currency: str) -> str:
    return money(value, currency)


def _value(change: Change, words: Catalogue, value: Value) -> str:
    if value is None:
        return "—"
    if change.kind in ("amount_up", "amount_down") and isinstance(value, Decimal):
        currency = change.currency if change.currency != UNKNOWN_CURRENCY else None
        return money(value, currency)
    if isinstance(value, str) and change.kind not in ("pushed", "pulled_in"):
        return words.get(f"stage.{value}") or value
    return str(value)


def _kind(change: Change, words: Catalogue) -> str:
    return words.text(f"review.kinds.{change.kind}")


def _verdict(verdict: Verdict, words: Catalogue) -> str:
    return words.text(f"verdict.{verdict.value}")


def _rules(findings: tuple[Finding, ...]) -> str:
    return ", ".join(f"{f.rule} {f.name}" for f in findings)


# --- markdown --------------------------------------------------------------------


def headline(review: Review, words: Catalogue) -> str:
    """What the manager asks first: how many open deals are not ready now, and the
    amount at risk; the review's span follows on the next line."""
    title = _standing(review, words)
    icon = "❌" if review.now.not_ready else "✅"
    span = words.text("review.title", since=review.since, until=_until(review, words))
    return f"## {icon} {cell(title)}\n\n{cell(span)}"


def _standing(review: Review, words: Catalogue) -> str:
    """How many open deals are not ready now, and the amount at risk."""
    now = review.now
    return not_ready_title(words, now.not_ready, now.open, now.at_risk)


def render_markdown(review: Review, options: RenderOptions) -> str:
    words = options.catalogue
    parts = [headline(review, words)]
    parts.append(f"### {words.text('review.waterfall_title')}")
    header = [words.text("review.currency"), *(words.text(f"review.{b}") for b in BUCKETS)]
    rows = [
        [cell(currency), *(_amount(getattr(bucket, b), "") for b in BUCKETS)]
        for currency, bucket in review.waterfall.items()
    ]
    parts.append(table(header, rows, align="l" + "r" * len(BUCKETS)))
    parts.append(f"### {words.text('review.changes')}")
    if review.changes:
        header = [
            words.text("review.deal"),
            words.text("review.kind"),
            words.text("review.before"),
            words.text("review.after"),
        ]
        rows = [
            [
                f"{cell(c.id)} ({code_cell(c.path)})",
                cell(_kind(c, words)),
                cell(_value(c, words, c.before)),
                cell(_value(c, words, c.after)),
            ]
            for c in review.changes
        ]
        parts.append(table(header, rows))
    else:
        parts.append(words.text("review.no_changes"))
    if review.verdicts:
        parts.append(f"### {words.text('review.verdicts')}")
        lines = [
            f"- {cell(v.id)}: "
            + words.text(
                "review.verdict_change",
                before=verdict_label(v.before, words),
                after=verdict_label(v.after, words),
            )
            for v in review.verdicts
        ]
        parts.append("\n".join(lines))
    if review.findings:
        parts.append(f"### {words.text('review.findings')}")
        lines = []
        for f in review.findings:
            lines.append(f"- {cell(f.id)}: {cell(_findings_said(f, words), limit=2000)}")
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def _findings_said(change: FindingChanges, words: Catalogue) -> str:
    """One deal's new and resolved findings, as a sentence."""
    said = []
    if change.new:
        said.append(words.text("review.new_findings", rules=_rules(change.new)))
    if change.resolved:
        said.append(words.text("review.resolved_findings", rules=_rules(change.resolved)))
    return "; ".join(said)


# --- terminal --------------------------------------------------------------------


def render_terminal(review: Review, options: RenderOptions) -> str:
    words = options.catalogue
    console, buffer = text_console(options.width, options.color)
    # What the manager asks first, as the markdown's headline: not ready now, at risk.
    style = "bold red" if review.now.not_ready else "bold green"
    console.print(Text(clean(_standing(review, words)), style=style))
    title = words.text("review.title", since=review.since, until=_until(review, words))
    console.print(Text(clean(title), style="bold"))
    console.print()
    for currency, bucket in review.waterfall.items():
        console.print(Text(clean(words.text("review.waterfall", currency=currency)), style="bold"))
        grid = Table.grid(padding=(0, 2))
        grid.add_column()
        grid.add_column(justify="right")
        for name in BUCKETS:
            sign = {"new": "+", "increased": "+", "start": "", "end": "="}.get(name, "−")
            style = "bold" if name in ("start", "end") else ""
            grid.add_row(
                Text(words.text(f"review.{name}"), style=style),
                Text(f"{sign} {_amount(getattr(bucket, name), '')}".strip(), style=style),
            )
        console.print(grid)
        console.print()
    console.print(Text(words.text("review.changes"), style="bold"))
    if review.changes:
        grid = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        for key in ("deal", "kind", "before", "after"):
            grid.add_column(words.text(f"review.{key}"))
        for c in review.changes:
            grid.add_row(
                Text(clean(f"{c.id}  {c.path}")),
                Text(clean(_kind(c, words))),
                Text(clean(_value(c, words, c.before))),
                Text(clean(_value(c, words, c.after))),
            )
        console.print(grid)
    else:
        console.print(words.text("review.no_changes"))
    if review.verdicts:
        console.print()
        console.print(Text(words.text("review.verdicts"), style="bold"))
        for v in review.verdicts:
            line = Text(clean(f"{v.id}: "))
            line.append(_verdict(v.before, words), style=VERDICT_STYLE[v.before])
            line.append(" → ")
            line.append(_verdict(v.after, words), style=VERDICT_STYLE[v.after])
            console.print(line)
    if review.findings:
        console.print()
        console.print(Text(words.text("review.findings"), style="bold"))
        for f in review.findings:
            console.print(Text(clean(f"{f.id}: {_findings_said(f, words)}")))
    return buffer.getvalue()
