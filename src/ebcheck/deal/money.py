"""Amounts as exact decimals: how they are added and how they are written.

An amount is a `Decimal` holding the number exactly as the deal file wrote it
(`999999999999999.99` stays that, where a float would make it 1e15). Sums are
made in a context wide enough never to round, and the texts here never go
through a float either.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

MAX_PLACES = 20
"""The most digits an amount has after its decimal point (trailing zeros aside).

With at most 16 digits before the point (amounts are at most 10**15), an amount
has at most 36 digits, so `EXACT` adds any number of them without rounding;
and `1.0e-99999999` cannot make a sum of a hundred million digits."""

EXACT = decimal.Context(prec=80, traps=[decimal.InvalidOperation, decimal.DivisionByZero])
"""Room for the sum of 10**40 amounts: additions in it are exact."""


@contextmanager
def exact() -> Iterator[None]:
    """Add amounts in `EXACT` (the default context rounds at 28 digits)."""
    with decimal.localcontext(EXACT):
        yield


def places(amount: Decimal) -> int:
    """How many digits the amount has after its point, trailing zeros not counted."""
    _, digits, exponent = amount.as_tuple()
    if not isinstance(exponent, int) or exponent >= 0 or not any(digits):
        return 0  # a whole number, or zero however many zeros follow its point
    zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return max(0, -exponent - zeros)


def plain(amount: Decimal) -> str:
    """The shortest exact decimal text: `1200000`, `0.3`, `999999999999999.99`.

    Never an exponent (`1.2E+6` is `1200000`) and never a trailing `.0`.
    """
    if amount == amount.to_integral_value():
        return str(int(amount))
    return format(amount, "f").rstrip("0")


def grouped(amount: Decimal, least: int = 0) -> str:
    """With thousands separators: `1,200,000`; a fraction with at least `least`
    digits and never fewer than it has (`0.10` for least 2, `0.125` as is)."""
    if amount == amount.to_integral_value():
        return f"{int(amount):,}"
    return f"{amount:,.{max(least, places(amount))}f}"
