"""JSON text for the machine formats, with amounts as exact JSON numbers.

The standard `json` encoder cannot write a `Decimal`, and turning one into a
float rounds it (`999999999999999.99` would be written `1000000000000000.0`).
`dumps` writes what `json.dumps(data, ensure_ascii=False, indent=2)` writes,
byte for byte, and a `Decimal` as the number with exactly its digits:
`1200000`, `0.3`, `999999999999999.99` (see `ebcheck.deal.money.plain`).
Readers that care keep them exact with `json.loads(text, parse_float=Decimal)`.

One more difference, in what a deal's own text can bring: `json.dumps` leaves DEL,
the C1 controls (`\\x9b` opens a terminal escape), the marks that reorder a line
and the line and paragraph separators raw; `dumps` writes them as `\\u` escapes
(`shown`), which read back as the same text, so a report printed to a terminal
carries none of them.
"""

from __future__ import annotations

import json.encoder
import math
import re
from decimal import Decimal
from typing import Any

from ebcheck.deal import money

_INDENT = "  "
_quote = json.encoder.encode_basestring  # `ensure_ascii=False`: text as it is, escaped
RAW = re.compile("[\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""What `json.dumps(ensure_ascii=False)` leaves raw that a terminal would act on."""
UNSAFE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
"""What a text `dumps` writes never holds raw (controls but the newline, and `RAW`'s):
a kept text that holds one was not written by ebcheck."""


def holds_unsafe(text: str) -> bool:
    """Whether `text` holds one of `UNSAFE`'s characters."""
    return not _printable(text) and UNSAFE.search(text) is not None


def _printable(text: str) -> bool:
    """True when `text` holds nothing but printable characters and newlines, so none of
    `RAW`'s or `UNSAFE`'s (every one of them is unprintable); False says only "look".
    About twice as fast as either pattern's search, on the texts a report is made of."""
    return text.replace("\n", "").isprintable()


def dumps(data: Any, margin: str = "") -> str:
    """`data` as indented JSON text (no final line break), its lines after the first
    starting with `margin` (for a value nested that deep in a document written in parts)."""
    parts: list[str] = []
    _write(data, margin, parts)
    return shown("".join(parts))


def shown(text: str) -> str:
    """JSON text with `RAW`'s characters escaped. They can only be inside its strings
    (the rest is ASCII), where `\\uXXXX` reads back as the same character."""
    if _printable(text) or RAW.search(text) is None:  # nearly always: no copy
        return text
    return RAW.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def _write(value: Any, margin: str, parts: list[str]) -> None:
    if isinstance(value, str):
        parts.append(_quote(value))
    elif isinstance(value, dict):
        _write_object(value, margin, parts)
    elif isinstance(value, list | tuple):
        _write_array(value, margin, parts)
    else:
        parts.append(_scalar(value))


def _write_object(value: dict[Any, Any], margin: str, parts: list[str]) -> None:
    if not value:
        parts.append("{}")
        return
    inner = margin + _INDENT
    opening = "{\n" + inner
    between = ",\n" + inner
    for key, item in value.items():
        # Texts, whole numbers and nulls (most of a report) are written here, without a
        # call each; anything else (subclasses such as enums included) by `_write`.
        kind = type(item)
        if kind is str:
            parts.append(opening + _key(key) + ": " + _quote(item))
        elif kind is int:
            parts.append(opening + _key(key) + ": " + int.__repr__(item))
        elif item is None:
            parts.append(opening + _key(key) + ": null")
        else:
            parts.append(opening + _key(key) + ": ")
            _write(item, inner, parts)
        opening = between
    parts.append("\n" + margin + "}")


def _write_array(value: list[Any] | tuple[Any, ...], margin: str, parts: list[str]) -> None:
    if not value:
        parts.append("[]")
        return
    inner = margin + _INDENT
    parts.append("[")
    for number, item in enumerate(value):
        parts.append(("\n" if number == 0 else ",\n") + inner)
        _write(item, inner, parts)
    parts.append("\n" + margin + "]")


def _key(key: Any) -> str:
    # As `json` does: a key that is not text is written as the text of its value.
    return _quote(key) if isinstance(key, str) else _quote(_scalar(key))


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"not a number JSON can write: {value}")
        return money.plain(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _float(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)
