"""`ebcheck history` as terminal text (a table and a sparkline), markdown or JSON."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich import box
from rich.table import Table
from rich.text import Text

from ebcheck.audit.timeline import DealTimeline, VersionRow
from ebcheck.reports import RenderOptions, jsontext
from ebcheck.reports.common import money
from ebcheck.reports.markdown_format import cell, table, verdict_label
from ebcheck.reports.styles import VERDICT_STYLE, text_console
from ebcheck.reports.textsafe import clean

HISTORY_VERSION = 1
SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(scores: Sequence[int]) -> str:
    """One block per score, from ▁ (0) to █ (100)."""
    return "".join(SPARKS[min(len(SPARKS) - 1, max(0, s) * len(SPARKS) // 101)] for s in scores)


def version_dict(row: VersionRow) -> dict[str, Any]:
    return {
        "date": row.date.isoformat(),
        "commit": row.commit,
        "stage": row.stage,
        "close_date": row.close_date.isoformat() if row.close_date else None,
        "amount": row.amount,
        "currency": row.currency,
        "score": row.score,
        "verdict": row.verdict.value,
    }


def render_json(deals: Sequence[DealTimeline]) -> str:
    data = {
        "ebcheck_history": HISTORY_VERSION,
        "deals": [
            {
                "id": deal.id,
                "path": deal.path,
                "versions": [version_dict(v) for v in deal.versions],
                "skipped": deal.skipped,
            }
            for deal in deals
        ],
    }
    return jsontext.dumps(data) + "\n"


def _columns(options: RenderOptions) -> list[str]:
    words = options.catalogue
    keys = ("date", "commit", "stage", "close_date", "amount", "score", "verdict")
    return [words.text(f"history.{key}") for key in keys]


def _stage(row: VersionRow, options: RenderOptions) -> str:
    return options.catalogue.get(f"stage.{row.stage}") or row.stage


def _score(row: VersionRow) -> str:
    return str(row.score) if row.score is not None else "—"


def render_markdown(deals: Sequence[DealTimeline], options: RenderOptions) -> str:
    words = options.catalogue
    parts: list[str] = []
    for deal in deals:
        parts.append(f"### {cell(words.text('history.title', id=deal.id))}")
        # Only the path is the file's: the label is ours ("File:" is no link to make inert).
        parts.append(words.text("history.path", path=cell(deal.path)))
        rows = [
            [
                v.date.isoformat(),
                f"`{v.commit}`",
                cell(_stage(v, options)),
                v.close_date.isoformat() if v.close_date else "—",
                cell(money(v.amount, v.currency)),
                _score(v),
                verdict_label(v.verdict, words),
            ]
            for v in deal.versions
        ]
        parts.append(table(_columns(options), rows, align="llllrrl"))
        if deal.scores:
            trend = " → ".join(str(s) for s in deal.scores)
            parts.append(f"{words.text('history.trend')}: {trend}")
        if deal.skipped:
            parts.append(f"_{words.text('history.skipped', count=deal.skipped)}_")
    return "\n\n".join(parts) + "\n"


def render_terminal(deals: Sequence[DealTimeline], options: RenderOptions) -> str:
    words = options.catalogue
    console, buffer = text_console(options.width, options.color)
    for deal in deals:
        console.print(Text(clean(words.text("history.title", id=deal.id)), style="bold"))
        console.print(Text(clean(words.text("history.path", path=deal.path))))
        grid = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        for index, header in enumerate(_columns(options)):
            grid.add_column(header, justify="right" if index in (4, 5) else "left")
        for v in deal.versions:
            grid.add_row(
                v.date.isoformat(),
                v.commit,
                Text(clean(_stage(v, options))),
                v.close_date.isoformat() if v.close_date else "—",
                Text(clean(money(v.amount, v.currency))),
                _score(v),
                Text(words.text(f"verdict.{v.verdict.value}"), style=VERDICT_STYLE[v.verdict]),
            )
        console.print(grid)
        if deal.scores:
            trend = Text(f"{words.text('history.trend')}: ")
            trend.append(sparkline(deal.scores), style="bold")
            trend.append(f"  {deal.scores[0]} → {deal.scores[-1]}")
            console.print(trend)
        if deal.skipped:
            console.print(Text(words.text("history.skipped", count=deal.skipped), style="dim"))
        console.print()
    return buffer.getvalue()
