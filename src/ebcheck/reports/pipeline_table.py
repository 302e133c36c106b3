"""The pipeline table that opens a report of several deals."""

from __future__ import annotations

from rich import box
from rich.table import Table
from rich.text import Text

from ebcheck.catalogue import Catalogue
from ebcheck.report import AuditReport
from ebcheck.reports.common import money, worst_first
from ebcheck.textsafe import clean


def pipeline_table(report: AuditReport, words: Catalogue) -> Table:
    from ebcheck.reports.terminal_format import SEVERITY_STYLE, verdict_text

    table = Table(title=words.text("report.pipeline"), title_justify="left",
                  box=box.SIMPLE_HEAD, padding=(0, 1))
    for key in ("deal", "account", "owner", "stage", "amount", "close_date", "score",
                "verdict", "top_finding"):
        table.add_column(words.text(f"report.{key}"), overflow="fold")
    for deal in worst_first(report):
        info = deal.deal.deal if deal.deal else None
        top = deal.top_finding
        top_text = Text(top.rule, style=SEVERITY_STYLE[top.severity]) if top else Text("—")
        table.add_row(
            Text(clean(deal.deal_id or deal.path)),
            Text(clean(info.account)) if info else Text("—"),
            Text(clean(info.owner or "—")) if info else Text("—"),
            info.stage.value if info else "—",
            money(info.amount, info.currency) if info else "—",
            info.close_date.isoformat() if info and info.close_date else "—",
            str(deal.score) if deal.score is not None else "—",
            verdict_text(deal.verdict, words),
            top_text,
        )
    _totals(table, report, words)
    return table


def _totals(table: Table, report: AuditReport, words: Catalogue) -> None:
    summary = report.summary()
    for currency, amount in summary.amount.items():
        at_risk = summary.amount_at_risk.get(currency, 0)
        shown = None if currency == "unknown" else currency
        table.add_row(
            Text(words.text("report.total"), style="bold"), "", "", "",
            Text(money(amount, shown), style="bold"), "", "",
            Text(f"{words.text('report.at_risk_amount')} {money(at_risk, shown)}", style="bold"),
            "",
        )
