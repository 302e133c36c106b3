"""The markdown report: GitHub-flavoured markdown for a pipeline review or a job summary.

Layout: a headline (passes or fails `--fail-on`, with verdict and finding
counts); for several deals (or `--summary`) a pipeline table, worst deal
first, and the totals per currency; then, unless `summary_only`, one section
per deal (worst first): its facts, the buying centre as a table and as a
Mermaid diagram, its findings, and what was suppressed or baselined.

Every text a user wrote goes through `reports.escape`, so a deal name cannot
end a table cell, open a code block, inject HTML or break the diagram.

GitHub accepts at most 1 MiB of step summary per step. The headline and the
totals are always kept; pipeline rows and then whole deal sections (the best
deals, which come last, first) are left out to stay within `limit` bytes, and a
footer says what was left out and where to find it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from pydantic import BaseModel

from ebcheck.audit.findings import Finding
from ebcheck.audit.results import AuditReport, DealReport
from ebcheck.deal.enums import Severity, Verdict
from ebcheck.deal.models import DealFile, Stakeholder, type_in
from ebcheck.i18n import Catalogue
from ebcheck.reports import RenderOptions
from ebcheck.reports.common import (
    ROLE_ORDER,
    bold_label,
    buying_centre_rows,
    forecast_word,
    header_facts,
    money,
    not_ready_title,
    stage_word,
    stance_word,
    suppressed_line,
    verdict_counts,
    who_words,
    worst_first,
)
from ebcheck.reports.escape import markdown_message, markdown_text, mermaid_label
from ebcheck.reports.textsafe import clean

STEP_SUMMARY_LIMIT = 1024 * 1024
"""GitHub's limit for the step summary of one step, in bytes."""
FOOTER_RESERVE = 4096
"""Bytes kept free for the footer that says what was left out."""
LISTED_LEFT_OUT = 10
"""Deals named in the footer; the rest are counted."""

NAME_LIMIT = 80
TEXT_LIMIT = 1000

VERDICT_ICON = {
    Verdict.INVALID: "⛔",
    Verdict.NOT_READY: "🔴",
    Verdict.AT_RISK: "🟡",
    Verdict.READY: "🟢",
    Verdict.EARLY: "🔵",
    Verdict.CLOSED: "⚪",
}
STATUS_ICON = {"passed": "✅", "failed": "❌", "crashed": "⚠️"}
DASH = "—"


def cell(text: object, *, limit: int = TEXT_LIMIT) -> str:
    """A table cell: escaped, shortened, inert in a PR comment, never empty."""
    escaped = markdown_text(text, limit=limit) if text is not None else ""
    return inert(escaped) or DASH


_BACKTICK_RUN = re.compile(r"`+")


def code_cell(text: str) -> str:
    """Text as a code span in a table cell, shown exactly: nothing is escaped inside a
    code span (`my_deal.yaml`'s `_` would show its backslash), so its fence is longer
    than any run of backticks it holds, and only `|` is escaped, which the table reads
    before the span. Nothing in a code span notifies or links."""
    shown = clean(text).replace("|", "\\|")
    if not shown:
        return DASH
    fence = "`" * (max((len(run) for run in _BACKTICK_RUN.findall(shown)), default=0) + 1)
    pad = " " if shown[0] in "` " or shown[-1] in "` " else ""
    return f"{fence}{pad}{shown}{pad}{fence}"


# In a pull-request comment GitHub turns `@name` into a notification and a bare
# `https://…` or `www.…` into a link. Deal text must do neither: a zero-width
# space (as an entity, so it survives as written) after the `@` and inside the
# scheme or `www.` keeps the text readable and dead.
_ZWSP = "&#8203;"
_MENTION = re.compile(r"@(?=[\w-])")
_URL_START = re.compile(r"(?i)\b(https?|ftp|mailto|file)(:)|\b(www)(\.)")


def inert(escaped: str) -> str:
    """Escaped markdown in which no `@mention` notifies and no bare URL links."""
    text = _MENTION.sub("@" + _ZWSP, escaped)
    return _URL_START.sub(
        lambda m: (m.group(1) or m.group(3)) + _ZWSP + (m.group(2) or m.group(4)), text
    )


@cache
def field_names() -> frozenset[str]:
    """Every key of the deal format, at any depth (`met`, `insights`, `source`)."""
    names: set[str] = set()
    seen: set[type[BaseModel]] = set()
    models: list[type[BaseModel]] = [DealFile]
    while models:
        model = models.pop()
        seen.add(model)
        for name, info in model.model_fields.items():
            names.add(name)
            inner = type_in(info.annotation, BaseModel)
            if inner is not None and inner not in seen:
                models.append(inner)
    return frozenset(names)


_INDEX = re.compile(r"\[\d*\]")


def is_field(text: str) -> bool:
    """`stakeholders[0].met`: a path of format keys, as ebcheck's messages write fields."""
    parts = _INDEX.sub("", text).split(".")
    return all(part in field_names() for part in parts)


_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


@cache
def template_spans(words: Catalogue) -> re.Pattern[str]:
    """Every code span the message templates of `words` write (`ebcheck init`,
    `roles: [coach]`, `--fail-on {fail_on}`), as one pattern in which a placeholder
    stands for any text. Marked in the templates, before any deal value is filled
    in: a span is ebcheck's because a template has it."""
    spans: set[str] = set()
    for key in words.all_keys():
        template = (words.template(key) or "").replace("{{", "{").replace("}}", "}")
        spans.update(re.findall(r"`([^`\n]+)`", template))
    patterns = sorted(
        (".+?".join(map(re.escape, _PLACEHOLDER.split(span))) for span in spans),
        key=len,
        reverse=True,
    )
    return re.compile("|".join(patterns) or "(?!)")


def message_cell(text: str, words: Catalogue) -> str:
    """A message or fix: escaped like any cell, ebcheck's own code spans kept as code
    (those `words`' templates write, and field paths), and its second line (a YAML
    parser's detail) on a line of its own."""
    spans = template_spans(words)

    def is_own(span: str) -> bool:
        return is_field(span) or spans.fullmatch(span) is not None

    lines = [markdown_message(line, is_own, limit=TEXT_LIMIT) for line in text.split("\n")]
    return "<br>".join(inert_outside_code(line) for line in lines if line) or DASH


# A code span of ebcheck's own (a user's backticks arrive escaped, `\``).
_CODE_SPAN = re.compile(r"(?<!\\)`[^`]*(?<!\\)`")


def inert_outside_code(escaped: str) -> str:
    """`inert` on the text around code spans: inside one nothing notifies or links,
    and an entity would show as written."""
    parts, end = [], 0
    for match in _CODE_SPAN.finditer(escaped):
        parts += [inert(escaped[end : match.start()]), match.group()]
        end = match.end()
    return "".join([*parts, inert(escaped[end:])])


def table(header: Sequence[str], rows: Iterable[Sequence[str]], align: str = "") -> str:
    """A GFM table; `align` has one letter per column: `l` (default) or `r`."""
    marks = ["--:" if align[i : i + 1] == "r" else "---" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(marks) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def verdict_label(verdict: Verdict, words: Catalogue) -> str:
    return f"{VERDICT_ICON[verdict]} {words.text(f'verdict.{verdict.value}')}"


def size(text: str) -> int:
    return len(text.encode("utf-8"))


# --- headline --------------------------------------------------------------------


def aside(words: Catalogue, text: object) -> str:
    """` (3)` in English, `（3）` in Chinese."""
    return words.text("list.aside", text=text)


def severity_counts(findings: Iterable[Finding], words: Catalogue) -> str:
    counts = Counter(f.severity for f in findings)
    return words.text("list.separator").join(
        f"{counts[s]} {words.text(f'severity.{s.value}')}" for s in Severity if counts[s]
    )


def manager_title(report: AuditReport, words: Catalogue) -> str:
    """What a sales manager asks first: how many deals are not ready, how much is at risk."""
    if not report.deals and report.changed_since:
        return words.text("report.no_deals_changed", ref=markdown_text(report.changed_since))
    summary = report.summary()
    not_ready = summary.by_verdict.get(Verdict.NOT_READY.value, 0)
    return not_ready_title(words, not_ready, len(report.deals), summary.amount_at_risk)


def headline(report: AuditReport, options: RenderOptions) -> str:
    words = options.catalogue
    key = "crashed" if report.crashes else "failed" if report.fails else "passed"
    title = manager_title(report, words)
    gate = words.text(f"reports.markdown.ci_{key}", fail_on=report.fail_on)
    verdicts = verdict_counts(report, words)
    findings = [f for deal in report.deals for f in deal.findings]
    found = str(len(findings))
    if findings:
        found += words.text("list.aside", text=severity_counts(findings, words))
    facts = [
        f"{bold_label(words, 'reports.markdown.ci')} {gate}",
        f"{bold_label(words, 'report.as_of')} {report.as_of.isoformat()}",
        f"{bold_label(words, 'reports.markdown.verdicts')} {verdicts or DASH}",
        f"{bold_label(words, 'report.findings')} {found}",
    ]
    suppressed = sum(len(deal.suppressed) for deal in report.deals)
    baselined = sum(len(deal.baselined) for deal in report.deals)
    if suppressed:
        facts.append(words.text("reports.count_suppressed", count=suppressed))
    if baselined:
        facts.append(words.text("reports.count_baselined", count=baselined))
    return f"## {STATUS_ICON[key]} {title}\n\n" + " · ".join(facts)


# --- pipeline ----------------------------------------------------------------------


PIPELINE_COLUMNS = (
    "deal",
    "account",
    "owner",
    "forecast",
    "stage",
    "amount",
    "close_date",
    "score",
    "verdict",
    "top_finding",
)


def pipeline_header(words: Catalogue) -> str:
    header = [words.text(f"report.{key}") for key in PIPELINE_COLUMNS]
    return table(header, [], align="lllllrlrll")


def deal_title(deal: DealReport, *, limit: int = NAME_LIMIT) -> str:
    """`**id** name` (or the path of a file without an id), escaped."""
    title = f"**{cell(deal.deal_id or deal.path, limit=limit)}**"
    if deal.name:
        title += " " + cell(deal.name, limit=limit)
    return title


def pipeline_row(deal: DealReport, words: Catalogue) -> str:
    info = deal.deal.deal if deal.deal else None
    top = deal.top_finding
    row = [
        deal_title(deal),
        cell(info.account, limit=NAME_LIMIT) if info else DASH,
        cell(info.owner, limit=NAME_LIMIT) if info else DASH,
        forecast_word(info.forecast.value, words) if info and info.forecast else DASH,
        stage_word(deal, words),
        money(info.amount, info.currency) if info else DASH,
        info.close_date.isoformat() if info and info.close_date else DASH,
        str(deal.score) if deal.score is not None else DASH,
        verdict_label(deal.verdict, words),
        top_cell(top, words) if top else DASH,
    ]
    return "| " + " | ".join(row) + " |"


def top_cell(top: Finding, words: Catalogue) -> str:
    """`EB002 EB never met · critical`: the rule, its short title, the severity."""
    title = words.get(f"pipeline_title.{top.rule}") or top.name
    severity = words.text(f"severity.{top.severity.value}")
    return f"{cell(top.rule)} {cell(title)} · {severity}"


def totals(report: AuditReport, words: Catalogue) -> str:
    summary = report.summary()
    if not summary.amount:
        return ""
    rows = []
    for currency, amount in summary.amount.items():
        shown = words.text("reports.markdown.no_currency") if currency == "unknown" else currency
        at_risk = summary.amount_at_risk.get(currency, 0)
        rows.append([cell(shown), money(amount, None), money(at_risk, None)])
    header = [
        words.text("reports.markdown.currency"),
        words.text("reports.markdown.pipeline_amount"),
        words.text("report.at_risk_amount"),
    ]
    text = table(header, rows, align="lrr")
    if any(d.deal is not None and d.deal.deal.forecast is not None for d in report.deals):
        text += "\n\n" + forecast_totals(summary.by_forecast, words)
    return text


def forecast_totals(by_forecast: dict[str, dict[str, dict[str, Decimal]]], words: Catalogue) -> str:
    """The open amount of each forecast category, and the part at risk, per currency."""
    rows = [
        [
            cell(forecast_word(category, words)),
            cell(words.text("reports.markdown.no_currency") if code == "unknown" else code),
            money(amount, None),
            money(parts["at_risk"].get(code, 0), None),
        ]
        for category, parts in by_forecast.items()
        for code, amount in parts["amount"].items()
    ]
    header = [
        words.text("report.forecast"),
        words.text("reports.markdown.currency"),
        words.text("reports.markdown.pipeline_amount"),
        words.text("report.at_risk_amount"),
    ]
    return table(header, rows, align="llrr")


# --- one deal ----------------------------------------------------------------------


def facts_table(deal: DealReport, words: Catalogue) -> str:
    info = deal.deal.deal if deal.deal else None
    score = f"{deal.score}/100" if deal.score is not None else DASH
    verdict = f"**{verdict_label(deal.verdict, words)}**"
    if info is None:
        header = ["as_of", "score", "verdict"]
        row = [deal.as_of.isoformat(), score, verdict]
    else:
        header = ["account", "owner", "stage", "amount", "close_date", "as_of", "score", "verdict"]
        row = [
            cell(info.account, limit=NAME_LIMIT),
            cell(info.owner, limit=NAME_LIMIT),
            stage_word(deal, words),
            money(info.amount, info.currency),
            info.close_date.isoformat() if info.close_date else DASH,
            deal.as_of.isoformat(),
            score,
            verdict,
        ]
    labels = [words.text(f"report.{key}") for key in header]
    for label, value in header_facts(deal, words):
        labels.append(label)
        row.append(cell(value))
    return table(labels, [row])


def met_text(person: Stakeholder, deal: DealReport, words: Catalogue, *, diagram: bool) -> str:
    if person.met is None:
        return words.text("reports.markdown.never_met" if diagram else "report.never")
    if person.met > deal.as_of:
        return words.text("report.planned", date=person.met.isoformat())
    if diagram:
        return words.text("reports.markdown.met_on", date=person.met.isoformat())
    return person.met.isoformat()


def buying_centre_table(deal_file: DealFile, deal: DealReport, words: Catalogue) -> str:
    rows = []
    for row in buying_centre_rows(deal_file, deal.as_of):
        label = words.text(f"role.{row.role.value}") if row.role else words.text("report.no_role")
        person = row.person
        if person is None:
            rows.append([label, cell(words.text("report.nobody")), "", ""])
            continue
        who = " · ".join(cell(part, limit=NAME_LIMIT) for part in who_words(person, words))
        stance = stance_word(person, words) or DASH
        if row.gone and person.left is not None:
            held = words.join(words.text(f"role.{r.value}") for r in sorted(person.all_roles))
            gone = cell(words.text("report.left", date=person.left.isoformat()))
            rows.append([held or label, who, gone, stance])
            continue
        rows.append([label, who, met_text(person, deal, words, diagram=False), stance])
    header = [words.text(f"report.{key}") for key in ("role", "who", "met", "stance")]
    return table(header, rows)


MERMAID_CLASSES = (
    "  classDef deal fill:#eef3fb,stroke:#5b7bb4,color:#000",
    "  classDef role fill:#f4f4f4,stroke:#888,color:#000",
    "  classDef met fill:#e6f4ea,stroke:#1e8e3e,color:#000",
    "  classDef notmet fill:#fce8e6,stroke:#d93025,color:#000",
    "  classDef planned fill:#fef7e0,stroke:#e37400,color:#000",
    "  classDef missing fill:#fff,stroke:#999,stroke-dasharray:4 3,color:#555",
)


def buying_centre_diagram(deal_file: DealFile, deal: DealReport, words: Catalogue) -> str:
    """A Mermaid flowchart: deal → roles → people, coloured by met / planned / not met.

    Node ids are generated; every label is quoted and built from escaped text,
    so a name cannot end the label, the statement or the code block.
    """
    title = mermaid_label(deal.deal_id or deal.path, limit=NAME_LIMIT)
    if deal.name:
        title += "<br>" + mermaid_label(deal.name, limit=NAME_LIMIT)
    lines = ["```mermaid", "flowchart LR", f'  deal["{title}"]:::deal']
    people: dict[int, str] = {}
    for index, role in enumerate(ROLE_ORDER):
        role_id = f"role{index}"
        label = mermaid_label(words.text(f"role.{role.value}"))
        lines.append(f'  {role_id}["{label}"]:::role')
        lines.append(f"  deal --- {role_id}")
        holders = [p for p in deal_file.with_role(role) if not p.gone_by(deal.as_of)]
        if not holders:
            nobody = mermaid_label(words.text("report.nobody"))
            lines.append(f'  {role_id} -.- nobody{index}["{nobody}"]:::missing')
        for person in holders:
            key = id(person)
            if key not in people:
                people[key] = f"person{len(people)}"
                lines.append(f"  {people[key]}{person_node(person, deal, words)}")
            lines.append(f"  {role_id} --> {people[key]}")
    lines += [*MERMAID_CLASSES, "```"]
    return "\n".join(lines)


def person_node(person: Stakeholder, deal: DealReport, words: Catalogue) -> str:
    name = mermaid_label(person.name, limit=NAME_LIMIT)
    if person.title:
        name += " · " + mermaid_label(person.title, limit=NAME_LIMIT)
    status = mermaid_label(met_text(person, deal, words, diagram=True))
    if person.stance:
        status += " · " + mermaid_label(stance_word(person, words) or "")
    if person.met is None:
        style = "notmet"
    elif person.met > deal.as_of:
        style = "planned"
    else:
        style = "met"
    return f'["{name}<br>{status}"]:::{style}'


def findings_table(deal: DealReport, words: Catalogue) -> str:
    rows = [
        [
            words.text(f"severity.{f.severity.value}"),
            f"{cell(f.rule)} {cell(f.name)}",
            f"{cell(deal.path)}:{f.line}",
            message_cell(f.message, words),
            message_cell(f.fix, words),
        ]
        for f in deal.findings
    ]
    header = [
        words.text(f"reports.markdown.{key}")
        for key in ("severity", "rule", "location", "message", "fix")
    ]
    return table(header, rows)


def _marked_up(words: Catalogue) -> Callable[[str, str], str]:
    def marked_up(part: str, value: str) -> str:
        if part == "rule":
            return f"**{cell(value)}**"
        return message_cell(value, words) if part == "message" else cell(value)

    return marked_up


def extras(deal: DealReport, words: Catalogue) -> list[str]:
    """Suppressed and baselined findings, and rules that crashed."""
    parts = []
    if deal.suppressed:
        items = [
            f"- {suppressed_line(entry, words, _marked_up(words))}" for entry in deal.suppressed
        ]
        title = f"#### {words.text('report.suppressed')}" + aside(words, len(deal.suppressed))
        parts.append(title + "\n\n" + "\n".join(items))
    if deal.baselined:
        items = [
            f"- **{cell(f.rule)}** {message_cell(f.message, words)} ({cell(deal.path)}:{f.line})"
            for f in deal.baselined
        ]
        title = f"#### {words.text('report.baselined')}" + aside(words, len(deal.baselined))
        parts.append(title + "\n\n" + "\n".join(items))
    if deal.crashes:
        items = [
            "- ⚠️ " + words.text("report.crashed", rule=cell(c.rule), error=cell(c.error))
            for c in deal.crashes
        ]
        parts.append("\n".join(items))
    return parts


def deal_section(deal: DealReport, words: Catalogue) -> str:
    title = cell(deal.deal_id or deal.path, limit=NAME_LIMIT)
    if deal.name:
        title += " · " + cell(deal.name, limit=NAME_LIMIT)
    parts = [
        f"### {VERDICT_ICON[deal.verdict]} {title}",
        f"{bold_label(words, 'reports.markdown.file')} {cell(deal.path)}",
        facts_table(deal, words),
    ]
    if deal.deal is None:
        parts.append(words.text("report.invalid_file"))
    elif deal.verdict is Verdict.CLOSED:
        parts.append(words.text("report.closed_deal"))
    else:
        parts += [
            f"#### {words.text('report.buying_centre')}",
            buying_centre_table(deal.deal, deal, words),
            buying_centre_diagram(deal.deal, deal, words),
        ]
    if deal.findings:
        parts += [
            f"#### {words.text('report.findings')}" + aside(words, len(deal.findings)),
            findings_table(deal, words),
        ]
    elif deal.verdict is not Verdict.CLOSED:
        parts.append(words.text("report.no_findings"))
    parts += extras(deal, words)
    return "\n\n".join(parts)


# --- the whole report, within a size budget ---------------------------------------------


@dataclass
class _LeftOut:
    rows: int = 0
    deals: list[DealReport] = field(default_factory=list)


def notes(report: AuditReport, words: Catalogue) -> str:
    lines = []
    summary = report.summary()
    if summary.skipped:
        lines.append(words.text("report.summary_skipped", count=summary.skipped))
    if report.stale_baseline:
        lines.append(words.text("report.baseline_unmatched", count=len(report.stale_baseline)))
    return "\n\n".join(lines)


def footer(left_out: _LeftOut, words: Catalogue) -> str:
    parts = []
    if left_out.rows:
        parts.append(words.text("reports.markdown.rows_left_out", count=left_out.rows))
    if left_out.deals:
        named = [cell(d.deal_id or d.path, limit=40) for d in left_out.deals[:LISTED_LEFT_OUT]]
        rest = len(left_out.deals) - len(named)
        if rest:
            named.append(words.text("reports.markdown.and_more", count=rest))
        parts.append(
            words.text(
                "reports.markdown.deals_left_out",
                count=len(left_out.deals),
                deals=", ".join(named),
            )
        )
    if not parts:
        return ""
    why = words.text("reports.markdown.truncated", limit="1 MiB")
    return "---\n\n> ✂️ " + why + " " + " ".join(parts)


def render_markdown(
    report: AuditReport, options: RenderOptions, *, limit: int = STEP_SUMMARY_LIMIT
) -> str:
    """The markdown report, at most about `limit` bytes (the headline and totals always)."""
    words = options.catalogue
    fixed = [headline(report, options)]
    show_pipeline = len(report.deals) > 1 or (options.summary_only and bool(report.deals))
    total_block = totals(report, words) if show_pipeline else ""
    note_block = notes(report, words)
    budget = limit - FOOTER_RESERVE - sum(size(b) + 2 for b in (*fixed, total_block, note_block))
    left_out = _LeftOut()
    blocks = list(fixed)
    if show_pipeline:
        rows = [pipeline_header(words)]
        budget -= size(rows[0]) + size(words.text("report.pipeline")) + 8
        ordered = worst_first(report)
        for index, deal in enumerate(ordered):
            row = pipeline_row(deal, words)
            if size(row) + 1 > budget:
                left_out.rows = len(ordered) - index
                break
            budget -= size(row) + 1
            rows.append(row)
        blocks.append(f"### {words.text('report.pipeline')}\n\n" + "\n".join(rows))
        if total_block:
            blocks.append(total_block)
    if not options.summary_only:
        for deal in worst_first(report):
            section = deal_section(deal, words)
            if size(section) + 2 > budget:
                left_out.deals.append(deal)
                continue
            budget -= size(section) + 2
            blocks.append(section)
    if note_block:
        blocks.append(note_block)
    end = footer(left_out, words)
    if end:
        blocks.append(end)
    return "\n\n".join(blocks) + "\n"


def render(report: AuditReport, options: RenderOptions) -> str:
    return render_markdown(report, options)
