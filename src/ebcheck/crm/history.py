"""The change history of a deal (Salesforce OpportunityHistory): its earlier close
dates, oldest first, and the day it entered its current stage."""

from __future__ import annotations

import datetime as dt

from ebcheck.crm.cells import Context, Reader
from ebcheck.crm.records import DealRecord

Change = tuple[dt.date, int, dt.date | None, str | None]
"""When (the order column's day, then the row), the close date and the stage."""


def attach_history(reader: Reader, deals: dict[str, DealRecord]) -> None:
    """Set `close_date_history` and `stage_entered` of the deals the history has rows of
    (a deal without rows keeps what its file says: unknown is not "never moved")."""
    history = reader.map.history
    assert history is not None  # noqa: S101 - called only when the map has one
    table = reader.tables.get(history.table)
    if table is None:
        return
    if table.rows and history.deal not in table.header:
        reader.missing_column(table, history.deal)
        return
    changes: dict[str, list[Change]] = {}
    for row in table.rows:
        deal_id = reader.norm_id(row.cells[history.deal])
        if deal_id not in deals:
            continue
        ctx: Context = {"": row}
        order = reader.get("order", history.order, ctx)
        if order is None:
            continue
        close = reader.get("close_date", history.close_date, ctx) if history.close_date else None
        stage = reader.get("stage", history.stage, ctx) if history.stage else None
        changes.setdefault(deal_id, []).append((order, row.number, close, stage))
    for deal_id, found in changes.items():
        record, ordered = deals[deal_id], sorted(found)
        if history.close_date is not None:
            current = record.fields.get("close_date")
            record.fields["close_date_history"] = earlier_close_dates(ordered, current)
        if history.stage is not None and "stage_entered" not in reader.map.deals.fields:
            entered = stage_entered(ordered, record.fields.get("stage"))
            if entered is not None:
                record.fields["stage_entered"] = entered


def earlier_close_dates(changes: list[Change], current: dt.date | None) -> list[dt.date]:
    """The close dates before the current one, oldest first, repeats merged ([]: never moved)."""
    dates: list[dt.date] = []
    for _, _, close, _ in changes:
        if close is not None and (not dates or dates[-1] != close):
            dates.append(close)
    if dates and dates[-1] == current:
        dates.pop()
    return dates


def stage_entered(changes: list[Change], current: str | None) -> dt.date | None:
    """The first day of the last run of changes in the current stage."""
    entered = None
    for order, _, _, stage in reversed(changes):
        if stage is None:
            continue
        if stage != current:
            break
        entered = order
    return entered
