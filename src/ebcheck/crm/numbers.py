"""Amounts from a CRM cell, in the style the map declares, never guessed.

`1,200,000.00` (the default style), `1.200.000,00` (`number: "1.234,56"`),
`1 200 000,00` (`number: "1 234,56"`), and the Chinese units `万` (10,000) and
`亿` (100,000,000) in any style: `120万` is 1,200,000. A value that fits
another style than the declared one is an error that names that style.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from ebcheck.crm.problems import problem

STYLES = {
    "1,234.56": (",", "."),
    "1.234,56": (".", ","),
    "1 234,56": (" ", ","),
    "1234.56": ("", "."),
}
DEFAULT_STYLE = "1,234.56"
_UNITS = (("亿元", 100_000_000), ("亿", 100_000_000), ("万元", 10_000), ("万", 10_000), ("元", 1))


def _pattern(thousands: str, decimal: str) -> re.Pattern[str]:
    frac = rf"(?:{re.escape(decimal)}\d+)?"
    if not thousands:
        return re.compile(rf"\d+{frac}")
    return re.compile(rf"(?:\d{{1,3}}(?:{re.escape(thousands)}\d{{3}})+|\d+){frac}")


_PATTERNS = {style: _pattern(*seps) for style, seps in STYLES.items()}


def parse_number(text: str, style: str | None) -> int | float:
    """The number `text` writes (an int when whole), or an `ImportProblem` saying why not."""
    style = style or DEFAULT_STYLE
    written = text.strip()
    body, factor = _unit(written.replace("\u00a0", " "))
    negative = body.startswith("-")
    body = body.removeprefix("-").strip()
    if not _PATTERNS[style].fullmatch(body):
        others = [s for s, p in _PATTERNS.items() if s != style and p.fullmatch(body)]
        if others:
            raise problem("number_style", found=written, style=style, other=others[0])
        raise problem("number_unreadable", found=written, style=style)
    thousands, decimal = STYLES[style]
    plain = (body.replace(thousands, "") if thousands else body).replace(decimal, ".")
    try:
        value = Decimal(plain) * factor * (-1 if negative else 1)
    except InvalidOperation:
        raise problem("number_unreadable", found=written, style=style) from None
    return int(value) if value == value.to_integral_value() else float(value)


def _unit(text: str) -> tuple[str, int]:
    for unit, factor in _UNITS:
        if text.endswith(unit):
            return text.removesuffix(unit).strip(), factor
    return text, 1
