"""The terminal report: what a sales manager wants on screen in a review."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rich import box
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ebcheck.audit.findings import Finding
from ebcheck.audit.results import AnyReport, AuditReport, DealReport, DealWriter
from ebcheck.deal.enums import RelationshipStage, Verdict
from ebcheck.deal.models import DealFile, Stakeholder
from ebcheck.i18n import Catalogue
from ebcheck.reports import RenderOptions, plainlayout
from ebcheck.reports.cjkwrap import cjk_line_breaks
from ebcheck.reports.common import (
    buying_centre_rows,
    header_facts,
    money,
    no_deals,
    stance_word,
    suppressed_line,
    verdict_counts,
    who_words,
)
from ebcheck.reports.pipeline_table import (
    PipelineRow,
    attention_order,
    pipeline_rows,
    pipeline_table,
)
from ebcheck.reports.styles import SEVERITY_STYLE, VERDICT_STYLE, text_console, verdict_text
from ebcheck.reports.textsafe import clean


def _t(text: object, style: str = "") -> Text:
    """User text as a literal: never read as markup, no control characters."""
    return Text(clean(str(text)), style=style)


def header(report: DealReport, words: Catalogue) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    info = report.deal.deal if report.deal else None
    if info is not None:
        grid.add_row(words.text("report.account"), _t(info.account))
        if info.owner:
            grid.add_row(words.text("report.owner"), _t(info.owner))
        stage = words.get(f"stage.{info.stage.value}") or info.stage.value
        grid.add_row(words.text("report.stage"), _t(stage))
        grid.add_row(words.text("report.amount"), _t(money(info.amount, info.currency)))
        close = info.close_date.isoformat() if info.close_date else "—"
        grid.add_row(words.text("report.close_date"), _t(close))
    for label, value in header_facts(report, words):
        grid.add_row(label, _t(value))
    grid.add_row(words.text("report.as_of"), _t(report.as_of.isoformat()))
    result = Text()
    if report.score is not None:
        result.append(f"{report.score}/100  ", style=VERDICT_STYLE[report.verdict])
    result.append_text(verdict_text(report.verdict, words))
    grid.add_row(words.text("report.score"), result)
    return grid


def _met_cell(person: Stakeholder, report: DealReport, words: Catalogue) -> Text:
    if person.met is None:
        return Text(words.text("report.never"), style="red")
    if person.met > report.as_of:
        return Text(words.text("report.planned", date=person.met.isoformat()), style="yellow")
    return Text(person.met.isoformat(), style="green")


def buying_centre(deal: DealFile, report: DealReport, words: Catalogue) -> Table:
    table = Table(
        title=words.text("report.buying_centre"),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        expand=False,
        padding=(0, 1),
    )
    for key in ("role", "who", "met", "stance"):
        table.add_column(words.text(f"report.{key}"), overflow="fold")
    for row in buying_centre_rows(deal, report.as_of):
        label = words.text(f"role.{row.role.value}") if row.role else words.text("report.no_role")
        person = row.person
        if person is None:
            table.add_row(label, Text(words.text("report.nobody"), style="red"), "", "")
            continue
        name, *more = who_words(person, words)
        who = _t(name)
        for part in more:
            who.append(f" · {clean(part)}", style="dim")
        stance = stance_word(person, words) or "—"
        if row.gone and person.left is not None:
            held = words.join(words.text(f"role.{r.value}") for r in sorted(person.all_roles))
            gone = Text(words.text("report.left", date=person.left.isoformat()), style="dim")
            table.add_row(Text(held or label, style="dim"), who.copy(), gone, stance)
            continue
        table.add_row(label, who, _met_cell(person, report, words), stance)
    return table


def ladder(deal: DealFile, words: Catalogue) -> Text:
    """The four relationship stages, the current one marked with its share."""
    line = Text(words.text("report.relationship") + "  ", style="bold")
    relation = deal.relationship
    if relation is None or relation.stage is None:
        line.append(words.text("report.no_relationship"), style="dim")
        return line
    for index, stage in enumerate(RelationshipStage):
        if index:
            line.append(" → ", style="dim")
        name = words.text(f"relationship_stage.{stage.value}")
        if stage == relation.stage:
            share = relation.share_of_wallet
            mark = f" {share:.0%}" if share is not None else ""
            line.append(f"[{name}{mark}]", style="bold reverse")
        else:
            line.append(name, style="dim")
    return line


def findings_table(findings: Iterable[Finding], report: DealReport, words: Catalogue) -> Table:
    table = Table(box=None, show_header=False, padding=(0, 1), expand=True)
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(ratio=1, overflow="fold")
    previous_fix = None
    for finding in findings:
        # A message's second line (a YAML parser's detail) stays a line of its own.
        body = Text("\n").join(_t(line) for line in finding.message.split("\n"))
        if finding.fix != previous_fix:  # a fix said once for a run of findings (E002s)
            # No space after the arrow before CJK text: it would be the only place to
            # break, leaving the arrow alone on its line.
            body.append("\n→ " if finding.fix[:1].isascii() else "\n→", style="dim")
            body.append(clean(finding.fix), style="dim")
        previous_fix = finding.fix
        body.append(f"\n{clean(report.path)}:{finding.line}:{finding.column}", style="dim")
        table.add_row(
            Text(
                words.text(f"severity.{finding.severity.value}"),
                style=SEVERITY_STYLE[finding.severity],
            ),
            Text(finding.rule, style="bold"),
            body,
        )
    return table


def _indented(text: Text) -> Padding:
    """An entry under its heading: every wrapped line keeps the indent, not only the first."""
    return Padding(text, (0, 0, 0, 2))


def _suppressed(report: DealReport, words: Catalogue) -> list[RenderableType]:
    if not report.suppressed:
        return []
    title = f"{words.text('report.suppressed')} ({len(report.suppressed)})"
    parts: list[RenderableType] = [Text(title, style="bold")]
    for entry in report.suppressed:
        parts.append(_indented(_t(suppressed_line(entry, words), "dim")))
    return parts


def _baselined(report: DealReport, words: Catalogue) -> list[RenderableType]:
    if not report.baselined:
        return []
    title = f"{words.text('report.baselined')} ({len(report.baselined)})"
    parts: list[RenderableType] = [
        Text(title, style="bold"),
        Text(words.text("report.baselined_count"), style="dim"),
    ]
    for finding in report.baselined:
        parts.append(_indented(_t(f"{finding.rule} {finding.message}", "dim")))
    return parts


def _extras(report: DealReport, words: Catalogue) -> list[RenderableType]:
    parts = [*_suppressed(report, words), *_baselined(report, words)]
    for crash in report.crashes:
        parts.append(
            _t(words.text("report.crashed", rule=crash.rule, error=crash.error), "bold magenta")
        )
    return parts


def _findings_part(report: DealReport, words: Catalogue) -> RenderableType:
    """The findings, or what their absence means (a closed deal says it is closed)."""
    if report.findings:
        title = Text(f"{words.text('report.findings')} ({len(report.findings)})", style="bold")
        table = findings_table(report.findings, report, words)
        if report.verdict is Verdict.CLOSED:
            return Group(Text(words.text("report.closed_deal"), style="dim"), Text(), title, table)
        return Group(title, table)
    if report.verdict is Verdict.CLOSED:
        return Text(words.text("report.closed_deal"), style="dim")
    if report.baselined:
        return Text(words.text("report.no_new_findings"), style="green")
    return Text(words.text("report.no_findings"), style="green")


def deal_panel(report: DealReport, words: Catalogue) -> Panel:
    parts: list[RenderableType] = [header(report, words)]
    if report.deal is not None and report.verdict is not Verdict.CLOSED:
        parts += [Text(), buying_centre(report.deal, report, words), ladder(report.deal, words)]
    parts += [Text(), _findings_part(report, words)]
    extras = _extras(report, words)
    if extras:
        parts += [Text(), *extras]
    heading = _t(report.deal_id or report.path, "bold")
    if report.name:
        heading.append("  ")
        heading.append_text(_t(report.name))
    heading.overflow = "ellipsis"  # a name too long for the border says it is cut
    return Panel(
        Group(*parts),
        title=heading,
        title_align="left",
        subtitle=_t(report.path, "dim"),
        subtitle_align="right",
        border_style=VERDICT_STYLE[report.verdict].replace("bold ", ""),
    )


def summary_line(report: AnyReport, words: Catalogue) -> Text:
    summary = report.summary()
    if not summary.deals:
        return Text(no_deals(report, words), style="bold")
    verdicts = verdict_counts(report, words)
    line = Text(words.text("report.summary", deals=summary.deals, verdicts=verdicts), "bold")
    if summary.skipped:
        line.append(
            words.text("list.clause_separator")
            + words.text("report.summary_skipped", count=summary.skipped),
            "dim",
        )
    if report.stale_baseline:
        line.append(
            "\n" + words.text("report.baseline_unmatched", count=len(report.stale_baseline)),
            "yellow",
        )
    return line


PANEL_LIMIT = 50
"""Above this many deals only those that need attention get a panel (unless `--all`)."""
URGENT = (Verdict.INVALID, Verdict.NOT_READY)
"""The deals a big report gives a panel."""


@dataclass(frozen=True)
class PanelText:
    """A deal's panel as the report prints it, or nothing for a deal the report gives
    none: the terminal format's text of a deal (`DealWriter.text`)."""

    width: int
    color: bool
    shown: tuple[Verdict, ...]
    """The verdicts of the deals that get a panel."""

    def __call__(self, report: DealReport, words: Catalogue) -> str:
        if report.verdict not in self.shown:
            return ""
        panel = deal_panel(report, words)
        if not self.color:  # only the text counts: laid out without Rich's renderer
            try:
                return plainlayout.panel_text(panel, self.width)
            except plainlayout.Unsure:
                pass
        console, buffer = text_console(self.width, self.color)
        with cjk_line_breaks():
            console.print(panel)
        return buffer.getvalue()


@dataclass(frozen=True)
class _Panels:
    """Which deals get a panel and how it is printed, for a report of any size."""

    width: int
    color: bool
    show_all: bool
    summary_only: bool

    def text(self, deals: int) -> PanelText:
        if self.summary_only:
            return PanelText(self.width, self.color, ())
        if self.show_all or deals <= PANEL_LIMIT:
            return PanelText(self.width, self.color, tuple(Verdict))
        return PanelText(self.width, self.color, URGENT)

    def writer(self, deals: int) -> DealWriter:
        return DealWriter(
            "terminal",
            self.text(deals),
            for_count=self.writer,
            keeps=PipelineRow.of,
            outline=False,
        )


def _panels_of(options: RenderOptions) -> _Panels:
    return _Panels(options.width, options.color, options.show_all, options.summary_only)


def writer_for(options: RenderOptions) -> DealWriter:
    """How a streamed audit writes each deal's panel where it is judged (a worker, for a
    big folder) and keeps its pipeline row: the deal itself is then not kept."""
    return _panels_of(options).writer(0)


def chunks(report: AnyReport, options: RenderOptions) -> Iterator[str]:
    """The report in parts: the pipeline table, the panels of the deals that get one
    (worst first), then the summary."""
    words = options.catalogue
    rows = pipeline_rows(report)
    if len(rows) > 1 or (options.summary_only and rows):
        # Printed a slice at a time: Rich holds what it prints until it is written.
        yield _printed(options, *pipeline_table(report, words, rows).parts(options.width))
    text = _panels_of(options).text(len(rows))
    order = [i for i in attention_order(rows) if rows[i].verdict in text.shown]
    yield from _panel_texts(report, text, order, options)  # none with --summary
    last: list[RenderableType] = []
    if not options.summary_only and len(order) < len(rows):
        hidden = len(rows) - len(order)
        last.append(Text(words.text("report.panels_hidden", count=hidden), "dim"))
    yield _printed(options, *last, summary_line(report, words))


def _printed(options: RenderOptions, *parts: RenderableType) -> str:
    console, buffer = text_console(options.width, options.color)
    with cjk_line_breaks():
        for part in parts:
            console.print(part)
    return buffer.getvalue()


def _panel_texts(
    report: AnyReport, text: PanelText, order: list[int], options: RenderOptions
) -> Iterator[str]:
    """The panels of the deals at `order`: written already (a streamed report), or
    printed now, by worker processes for many."""
    if not isinstance(report, AuditReport):
        return report.deal_texts(text, options.catalogue, order)
    from ebcheck.reports.parallel import panel_texts

    deals = [report.deals[i] for i in order]
    return iter(panel_texts(deals, text, options.catalogue, options.jobs))


def render(report: AuditReport, options: RenderOptions) -> str:
    return "".join(chunks(report, options))
