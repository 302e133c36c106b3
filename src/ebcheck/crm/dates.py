"""Dates from a CRM cell: strictly, in the format the map declares, never guessed.

Declared `iso`, year-first dates and ISO timestamps are read. Without a
declared format, year-first dates are read (`2026-12-31`,
`2026/12/31`, `2026年12月31日`, ISO timestamps), and day and month in either
order when only one order makes a date (`31.12.2026`, `12/31/2026`);
`04/05/2026` could be April or May, so it is an error that asks for the
format (and a column that writes both orders is one too, see `cells`). A
timestamp keeps the calendar day it was written in
(`2026-12-31T00:00:00.000+0800` is 31 December): a CRM date is a day, and
shifting it to UTC would move it back a day in China. The map can name a
`timezone` to read instants (`…Z`) as that zone's day.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from ebcheck.crm.problems import problem

NAMED_FORMATS = ("iso", "excel", "epoch_ms", "epoch_s")

_YEAR_FIRST = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_TIMESTAMP = re.compile(
    r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+-]\d{2}:?\d{2})?"
)
_DAY_MONTH = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?:[ T].*)?")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_zone(text: str) -> dt.tzinfo | None:
    """`+08:00`, `+0800`, `UTC`, `Z`; None when the text is none of them."""
    text = text.strip()
    if text.upper() in ("UTC", "Z", "GMT"):
        return dt.UTC
    match = re.fullmatch(r"(?:UTC|GMT)?([+-])(\d{1,2}):?(\d{2})?", text, flags=re.IGNORECASE)
    if not match:
        return None
    sign = -1 if match.group(1) == "-" else 1
    minutes = int(match.group(2)) * 60 + int(match.group(3) or 0)
    return dt.timezone(sign * dt.timedelta(minutes=minutes))


def parse_date(text: str, fmt: str | None, zone: dt.tzinfo | None = None) -> dt.date:
    """The day `text` names, or an `ImportProblem` (without a location) saying why not."""
    text = text.strip()
    if fmt is None:
        return _year_first(text, zone, strict=False)
    if fmt == "iso":
        return _year_first(text, zone, strict=True)
    if fmt == "excel":
        return _serial(text, lambda n: _EXCEL_EPOCH + dt.timedelta(days=int(n)))
    if fmt in ("epoch_ms", "epoch_s"):
        scale = 1000 if fmt == "epoch_ms" else 1
        return _serial(text, lambda n: dt.datetime.fromtimestamp(n / scale, zone or dt.UTC).date())
    try:
        return dt.datetime.strptime(text, fmt).date()
    except ValueError:
        raise problem("date_format", found=text, format=fmt) from None


def _year_first(text: str, zone: dt.tzinfo | None, strict: bool) -> dt.date:
    stamp = _TIMESTAMP.fullmatch(text)
    if stamp:
        return _timestamp_day(text, stamp, zone)
    match = _YEAR_FIRST.fullmatch(text)
    if match:
        try:
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            raise problem("date_invalid", found=text) from None
    if strict:
        raise problem("date_not_iso", found=text)
    return _not_year_first(text)


def _timestamp_day(text: str, stamp: re.Match[str], zone: dt.tzinfo | None) -> dt.date:
    offset = stamp.group(3)
    try:
        day = dt.date.fromisoformat(stamp.group(1))
        if offset is None or zone is None:
            return day  # the day as written, in the zone it was written in
        moment = dt.datetime.fromisoformat(f"{stamp.group(1)}T{stamp.group(2)}")
        written_zone = parse_zone(offset)
        return moment.replace(tzinfo=written_zone).astimezone(zone).date()
    except ValueError:
        raise problem("date_invalid", found=text) from None


def day_month_order(text: str) -> str | None:
    """`dmy` or `mdy` for a date read without a format in the one order that makes
    sense (`31.12.2026`, `12/31/2026`); None for any other text."""
    match = _DAY_MONTH.fullmatch(text.strip())
    if not match:
        return None
    first, second = int(match.group(1)), int(match.group(2))
    if first > 12 >= second:
        return "dmy"
    if second > 12 >= first:
        return "mdy"
    return None


def _not_year_first(text: str) -> dt.date:
    if text.isdigit():
        raise problem("date_number", found=text)
    match = _DAY_MONTH.fullmatch(text)
    if not match:
        raise problem("date_unreadable", found=text)
    first, second, year = (int(match.group(i)) for i in (1, 2, 3))
    order = day_month_order(text)
    if order is None and first != second:
        raise problem("date_ambiguous", found=text, first=first, second=second)
    day, month = (second, first) if order == "mdy" else (first, second)
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise problem("date_invalid", found=text) from None


def _serial(text: str, convert: Callable[[float], dt.date]) -> dt.date:
    try:
        return convert(float(text))
    except (ValueError, OverflowError, OSError):
        raise problem("date_serial", found=text) from None
