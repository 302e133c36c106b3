"""Amounts from a CRM cell, never guessed.

A map may declare the style of a column: `1,200,000.00` (`number: "1,234.56"`),
`1.200.000,00` (`"1.234,56"`), `1 200 000,00` (`"1 234,56"`) or `1200000.00`
(`"1234.56"`). Without a declared style a value is read when every style it
fits gives the same number: `1,200,000.00` and `1.200.000,00` are clear,
`1,200` (1200 or 1.2?) is an error that asks for the style. The Chinese units
`万` (10,000) and `亿` (100,000,000) work in every style: `120万` is 1,200,000.
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
_UNITS = (("亿元", 100_000_000), ("亿", 100_000_000), ("万元", 10_000), ("万", 10_000), ("元", 1))


def _pattern(thousands: str, decimal: str) -> re.Pattern[str]:
    frac = rf"(?:{re.escape(decimal)}\d+)?"
    if not thousands:
        return re.compile(rf"\d+{frac}")
    return re.compile(rf"(?:\d{{1,3}}(?:{re.escape(thousands)}\d{{3}})+|\d+){frac}")


_PATTERNS = {style: _pattern(*seps) for style, seps in STYLES.items()}


def parse_number(text: str, style: str | None) -> int | Decimal:
    """The number `text` writes (an int when whole, else the exact decimal: a float
    would write 999999999999999.99 as 1e15), or an `ImportProblem` saying why not."""
    written = text.strip()
    body, factor = _unit(written.replace("\u00a0", " "))
    negative = body.startswith("-")
    body = body.removeprefix("-").strip()
    fits = {s: _value(body, s) for s, p in _PATTERNS.items() if p.fullmatch(body)}
    if style is not None:
        if style not in fits:
            if fits:
                other = next(iter(fits))
                raise problem("number_style", found=written, style=style, other=other)
            raise problem("number_unreadable", found=written, style=style)
        value = fits[style]
    else:
        if not fits:
            raise problem("number_unreadable", found=written, style=", ".join(STYLES))
        if len(set(fits.values())) > 1:
            styles = list(fits)
            raise problem("number_ambiguous", found=written, first=styles[0], second=styles[1])
        value = next(iter(fits.values()))
    value *= factor * (-1 if negative else 1)
    return int(value) if value == value.to_integral_value() else value


def _value(body: str, style: str) -> Decimal:
    thousands, decimal = STYLES[style]
    plain = (body.replace(thousands, "") if thousands else body).replace(decimal, ".")
    try:
        return Decimal(plain)
    except InvalidOperation:
        return Decimal("NaN")


def _unit(text: str) -> tuple[str, int]:
    for unit, factor in _UNITS:
        if text.endswith(unit):
            return text.removesuffix(unit).strip(), factor
    return text, 1
