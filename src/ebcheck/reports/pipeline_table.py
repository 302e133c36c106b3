"""The pipeline table that opens a terminal report of several deals.

The table fits the width it is printed at, one line per deal: short columns
(stage, amount, close date, score, verdict) never wrap; long ones (deal,
account, owner, top finding) share what is left and end in an ellipsis. When
even that does not fit, the least useful columns go first: owner, then close
date, stage, account (the customer tells a deal apart better than its stage),
score and top finding; deal, amount and verdict always stay. At 80 columns that
usually leaves deal, account, stage, amount, score, verdict and the top
issue's short title in the report's language. Rather than cut that title, the
owner, forecast and close date columns are left out first; from 120 every column shows,
and from 150 the title follows the rule's id. Headers never wrap. The totals close the
table under the amount column, grouped per currency: the pipeline amount,
the amount at risk, then each forecast category's part.

The widths are all worked out here, so the table is written line by line as
Rich's `Table` would write it (`_lines`): Rich's table lays out every cell of
every row anew, and took five times as long (half a millisecond a deal, 10 s
of a 10,000-deal report). It is written as Rich 14.3 and later write it (Rich
13.7-14.2 gave the last column one more space and cut trailing spaces from a
cell); pyproject asks for 14.3. Rich's own table is kept for a layout wider
than the width it gets (a terminal too narrow for even the columns that always
stay).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from rich import box
from rich.cells import cell_len, set_cell_size
from rich.console import Console, ConsoleOptions, OverflowMethod, RenderableType, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text

from ebcheck.audit.results import AnyReport, AuditReport, DealReport
from ebcheck.deal.enums import Forecast, Severity, Stage, Verdict
from ebcheck.i18n import Catalogue
from ebcheck.reports.common import attention, forecast_word, money
from ebcheck.reports.textsafe import clean

WIDE = 150
"""From this width on, the top issue shows the rule's id before its title."""
DROP_ORDER = ("owner", "forecast", "close_date", "stage", "account", "score", "top_finding")
"""Columns left out, in this order, while the table does not fit."""
FLEX_MINIMUM = {"deal": 12, "account": 8, "owner": 8, "top_finding": 9}
"""Columns that shrink (with an ellipsis), and how far."""
GAP = 2
"""Spaces between two columns (a divider and one space of padding)."""


class _Cell(NamedTuple):
    """A one-line cell as plain values: a Rich `Text` a cell came to 300 bytes, ten
    cells a deal, held until the table is written."""

    plain: str
    style: str | Style = ""
    ellipsis: bool = True
    """Cut with "…" when too wide (every cell but the verdict)."""

    def text(self) -> Text:
        """The cell as Rich's own table takes it (`_rich_table`)."""
        overflow: OverflowMethod | None = "ellipsis" if self.ellipsis else None
        return Text(self.plain, style=self.style, no_wrap=True, overflow=overflow)


@dataclass(frozen=True)
class _Column:
    key: str
    header: str
    cells: list[_Cell]
    justify: str = "left"

    @property
    def flexible(self) -> bool:
        return self.key in FLEX_MINIMUM

    @functools.cached_property
    def natural(self) -> int:
        """Width that shows every cell and the header whole, on one line (asked for
        again and again while the columns are placed: worked out once)."""
        return max([cell_len(self.header), *(cell_len(c.plain) for c in self.cells)])

    @property
    def minimum(self) -> int:
        # A flexible column shrinks down to its header, which never wraps.
        floor = max(FLEX_MINIMUM.get(self.key, self.natural), cell_len(self.header))
        return min(self.natural, floor)


@dataclass(frozen=True, slots=True)
class PipelineRow:
    """What the pipeline table shows of one deal: all a streamed terminal report keeps
    of it (`Tally.kept`) besides its panel."""

    path: str
    deal_id: str | None
    verdict: Verdict
    score: int | None
    stage: Stage | None
    """None: the file did not load (its account, owner and dates show a dash)."""
    account: str = ""
    owner: str | None = None
    amount: Decimal | None = None
    currency: str | None = None
    close_date: dt.date | None = None
    forecast: Forecast | None = None
    top: tuple[str, Severity, str] | None = None
    """The top finding's rule, severity and name."""

    @classmethod
    def of(cls, report: DealReport) -> PipelineRow:
        head = (report.path, report.deal_id, report.verdict, report.score)
        finding = report.top_finding
        top = (finding.rule, finding.severity, finding.name) if finding is not None else None
        if report.deal is None:
            return cls(*head, None, top=top)
        info = report.deal.deal
        return cls(
            *head,
            stage=info.stage,
            account=info.account,
            owner=info.owner,
            amount=info.amount,
            currency=info.currency,
            close_date=info.close_date,
            forecast=info.forecast,
            top=top,
        )

    def __reduce__(self) -> tuple[type[PipelineRow], tuple[Any, ...]]:
        # Sent back from a worker for every deal: see `Tally.__reduce__`.
        return PipelineRow, (
            *(self.path, self.deal_id, self.verdict, self.score, self.stage, self.account),
            *(self.owner, self.amount, self.currency, self.close_date, self.forecast, self.top),
        )


def pipeline_rows(report: AnyReport) -> list[PipelineRow]:
    """Each deal's row, in report order: kept by a streamed report, made from a whole one."""
    if isinstance(report, AuditReport):
        return [PipelineRow.of(deal) for deal in report.deals]
    rows = [tally.kept for tally in report.tallies]
    if not all(isinstance(row, PipelineRow) for row in rows):
        raise TypeError("a streamed report keeps no pipeline rows unless written as a terminal one")
    return rows


def attention_order(rows: Sequence[PipelineRow]) -> list[int]:
    """The rows' indexes, the deals that need attention first (`common.worst_first`)."""
    return sorted(range(len(rows)), key=lambda i: attention(rows[i]))


def _text(value: object, style: str = "") -> _Cell:
    """A one-line cell: user text made safe, cut with an ellipsis, never wrapped."""
    return _Cell(clean(str(value)), style)


def _columns(
    report: AnyReport, rows: Sequence[PipelineRow], words: Catalogue, wide: bool
) -> list[_Column]:
    from ebcheck.reports.styles import SEVERITY_STYLE, verdict_text

    deals = [rows[i] for i in attention_order(rows)]
    summary = report.summary()
    totals: list[tuple[str, str]] = []  # (label, amount) rows under the deals
    forecasts = any(d.forecast is not None for d in deals)
    # Grouped per currency: its total and the part at risk, then its forecast categories.
    for currency, amount in summary.amount.items():
        shown = None if currency == "unknown" else currency
        totals.append((words.text("report.total"), money(amount, shown)))
        at_risk = summary.amount_at_risk.get(currency, 0)
        totals.append((words.text("report.at_risk_amount"), money(at_risk, shown)))
        for category, parts in summary.by_forecast.items() if forecasts else ():
            if currency not in parts["amount"]:
                continue
            word = forecast_word(category, words)
            label = word[:1].upper() + word[1:]
            totals.append((label, money(parts["amount"][currency], shown)))
            at_risk_label = words.text("report.forecast_at_risk", forecast=label)
            totals.append((at_risk_label, money(parts["at_risk"][currency], shown)))

    def info_cells(get: Callable[[PipelineRow], str]) -> list[_Cell]:
        return [_text(get(d) if d.stage is not None else "—") for d in deals] + [
            _text("") for _ in totals
        ]

    def top(deal: PipelineRow) -> _Cell:
        if deal.top is None:
            return _text("—")
        rule, severity, name = deal.top
        title = words.get(f"pipeline_title.{rule}") or name
        label = f"{rule} {title}" if wide else title
        return _text(label, SEVERITY_STYLE[severity])

    def verdict(deal: PipelineRow) -> _Cell:
        cell = verdict_text(deal.verdict, words)
        return _Cell(cell.plain, cell.style, ellipsis=False)

    def stage(deal: PipelineRow) -> str:
        value = deal.stage.value if deal.stage is not None else ""
        return words.get(f"stage.{value}") or value

    def forecast(deal: PipelineRow) -> str:
        return forecast_word(deal.forecast.value, words) if deal.forecast is not None else "—"

    blank = [_text("") for _ in totals]
    head = {key: words.text(f"report.{key}") for key in ("deal", *DROP_ORDER)}
    return [
        _Column(
            "deal",
            head["deal"],
            [_text(d.deal_id or d.path) for d in deals]
            + [_text(label, "bold") for label, _ in totals],
        ),
        _Column("account", head["account"], info_cells(lambda d: d.account)),
        _Column("owner", head["owner"], info_cells(lambda d: d.owner or "—")),
        *([_Column("forecast", head["forecast"], info_cells(forecast))] if forecasts else []),
        _Column("stage", head["stage"], info_cells(stage)),
        _Column(
            "amount",
            words.text("report.amount"),
            [_text(money(d.amount, d.currency)) for d in deals]
            + [_text(amount, "bold") for _, amount in totals],
            justify="right",
        ),
        _Column(
            "close_date",
            head["close_date"],
            info_cells(lambda d: d.close_date.isoformat() if d.close_date else "—"),
        ),
        _Column(
            "score",
            head["score"],
            [_text(d.score if d.score is not None else "—") for d in deals] + blank,
            justify="right",
        ),
        _Column("verdict", words.text("report.verdict"), [verdict(d) for d in deals] + blank),
        _Column("top_finding", head["top_finding"], [top(d) for d in deals] + blank),
    ]


def _share(available: int, columns: list[_Column]) -> list[int]:
    """Widths of the flexible columns.

    Each gets its minimum; the deal column (what people look for), then the top
    issue (what a manager asks about), grow to their natural width if they can,
    and what is left goes in equal shares.
    """
    widths = [c.minimum for c in columns]
    remaining = available - sum(widths)
    for key in ("deal", "top_finding"):
        for i, column in enumerate(columns):
            if column.key == key and remaining > 0:
                give = min(column.natural - widths[i], remaining)
                widths[i] += give
                remaining -= give
    growing = [i for i, c in enumerate(columns) if widths[i] < c.natural]
    while remaining > 0 and growing:
        step = max(1, remaining // len(growing))
        for i in list(growing):
            give = min(step, columns[i].natural - widths[i], remaining)
            widths[i] += give
            remaining -= give
            if widths[i] >= columns[i].natural:
                growing.remove(i)
            if not remaining:
                break
    return widths


def layout(columns: list[_Column], width: int) -> list[tuple[_Column, int]]:
    """The columns that fit in `width`, each with its width."""
    kept = list(columns)
    for key in DROP_ORDER:
        needed = sum(c.minimum for c in kept) + GAP * (len(kept) - 1)
        if needed <= width:
            break
        kept = [c for c in kept if c.key != key]
    placed = _placed(kept, width)
    # The top issue is what a manager reads the table for: rather than cut its
    # title, give up the owner, forecast and close date columns.
    for key in BEFORE_TOP_ISSUE:
        if not _cut(placed, "top_finding"):
            break
        fewer = [c for c in kept if c.key != key]
        if len(fewer) < len(kept):
            kept, placed = fewer, _placed(fewer, width)
    return placed


BEFORE_TOP_ISSUE = ("owner", "forecast", "close_date")
"""Columns left out, in this order, rather than cutting the top issue's title."""


def _placed(kept: list[_Column], width: int) -> list[tuple[_Column, int]]:
    fixed = sum(c.natural for c in kept if not c.flexible)
    flexible = [c for c in kept if c.flexible]
    available = width - fixed - GAP * (len(kept) - 1)
    shares = iter(_share(available, flexible))
    return [(c, next(shares) if c.flexible else c.natural) for c in kept]


def _cut(placed: list[tuple[_Column, int]], key: str) -> bool:
    return any(c.key == key and width < c.natural for c, width in placed)


def build_table(report: AnyReport, words: Catalogue, width: int) -> Table:
    """The pipeline table laid out for `width` terminal columns, as a Rich table."""
    columns = _columns(report, pipeline_rows(report), words, wide=width >= WIDE)
    return _rich_table(layout(columns, width), words.text("report.pipeline"), len(report.deals))


def _rich_table(placed: list[tuple[_Column, int]], title: str, deals: int) -> Table:
    table = Table(
        title=title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        padding=(0, 1, 0, 0),
        pad_edge=False,
        show_edge=False,
    )
    for column, column_width in placed:
        table.add_column(
            column.header,
            justify="right" if column.justify == "right" else "left",
            width=column_width,
            overflow="fold",
        )
    rows = len(placed[0][0].cells)
    for index in range(rows):
        table.add_row(*(c.cells[index].text() for c, _ in placed), end_section=index == deals - 1)
    return table


def _lines(
    console: Console,
    options: ConsoleOptions,
    placed: list[tuple[_Column, int]],
    title: str,
    deals: int,
    rows: range,
) -> RenderResult:
    """The lines of `rows` in the table `_rich_table` makes of `placed`, written line by
    line: from the first row on, the title, the header and its rule; a line per row;
    after the last deal, when totals follow, a blank line.

    Every cell is one line of plain text (`_text`), so each is its text fitted to the
    column's width, in the cell's style; a column is followed by one space of
    padding (the last one by none) and the divider.
    """
    widths = [w + 1 for _, w in placed[:-1]] + [placed[-1][1]]
    frame = box.SIMPLE_HEAD.substitute(options, safe=console.safe_box)
    if rows.start == 0:
        total = sum(widths) + len(widths) - 1
        shown = options.update(width=total, highlight=False, justify="left")
        yield from console.render(
            console.render_str(title, style="table.title", highlight=False), shown
        )
        heading = console.get_style("table.header")
        yield from _row([(c.header, c.justify, w, heading) for c, w in placed], heading)
        yield Segment(frame.get_row(widths, "head", edge=False), Style())
        yield Segment.line()
    styles: dict[str, Style] = {}
    last = len(placed[0][0].cells) - 1
    for index in rows:
        cells = []
        for column, width in placed:
            cell = column.cells[index]
            style = styles.get(str(cell.style))
            if style is None:
                style = styles[str(cell.style)] = console.get_style(cell.style)
            cells.append((cell.plain, column.justify, width, style))
        yield from _row(cells, None)
        if index == deals - 1 and index < last:
            yield Segment(frame.get_row(widths, "row", edge=False), Style())
            yield Segment.line()


def _row(cells: list[tuple[str, str, int, Style]], padding: Style | None) -> RenderResult:
    """One line: each cell fitted to its width, then its padding (in `padding`'s
    style, as Rich pads a header cell) and the divider."""
    for number, (text, justify, width, style) in enumerate(cells):
        yield Segment(_fitted(text, width, justify), style or None)
        if number < len(cells) - 1:
            if padding is not None:
                yield Segment(" ", padding)
                yield Segment(" ")
            else:
                yield Segment("  ")
    yield Segment.line()


def _fitted(text: str, width: int, justify: str) -> str:
    """`text` in exactly `width` cells, as Rich writes a no-wrap ellipsis cell: cut
    with "…" when too wide, padded on the right (or, right-justified, on the left
    once trailing spaces are gone)."""
    if justify == "right":
        text = text.rstrip()
    length = cell_len(text)
    if length > width:
        text = set_cell_size(text, width - 1) + "…"
        length = cell_len(text)
    if length >= width:
        return text
    pad = " " * (width - length)
    return pad + text if justify == "right" else text + pad


def _fits(placed: list[tuple[_Column, int]], width: int) -> bool:
    """Whether `_lines` can write the table: it fits `width` (every cell is one line)."""
    return sum(w for _, w in placed) + GAP * (len(placed) - 1) <= width


SLICE_ROWS = 500
"""Rows printed at a time: Rich holds every segment of what it prints until it is
written, twenty a row (at 20,000 deals, most of a terminal report's memory)."""


@dataclass(frozen=True)
class _Slice:
    """Some rows of the table written line by line (`_lines`), printed on their own."""

    placed: list[tuple[_Column, int]]
    title: str
    deals: int
    rows: range

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from _lines(console, options, self.placed, self.title, self.deals, self.rows)


class PipelineTable:
    """The pipeline table, laid out when it is printed, for the width it gets."""

    def __init__(
        self, report: AnyReport, words: Catalogue, rows: Sequence[PipelineRow] | None = None
    ) -> None:
        self.report = report
        self.words = words
        self.rows = pipeline_rows(report) if rows is None else rows

    def parts(self, width: int) -> list[RenderableType]:
        """The table at `width`, as parts to print one after the other: slices of
        `SLICE_ROWS` rows, or Rich's own table when the layout is wider than `width`."""
        columns = _columns(self.report, self.rows, self.words, wide=width >= WIDE)
        placed = layout(columns, width)
        title, deals = self.words.text("report.pipeline"), len(self.rows)
        if not _fits(placed, width):
            return [_rich_table(placed, title, deals)]
        count = len(placed[0][0].cells)
        return [
            _Slice(placed, title, deals, range(start, min(start + SLICE_ROWS, count)))
            for start in range(0, max(count, 1), SLICE_ROWS)
        ]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from self.parts(options.max_width)


def pipeline_table(
    report: AnyReport, words: Catalogue, rows: Sequence[PipelineRow] | None = None
) -> PipelineTable:
    """The table of `report`'s deals (`rows`: their rows, when already made)."""
    return PipelineTable(report, words, rows)
