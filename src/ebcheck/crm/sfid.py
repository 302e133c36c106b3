"""Salesforce record ids: 15 characters (case-sensitive, reports and the UI) or 18
(case-insensitive, the API and Data Export). Both are normalised to the 18-character
form so that a report export joins a Data Export file, and a lowercased 18-character
id (from a case-insensitive tool) still finds its record."""

from __future__ import annotations

import re

_SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_ID = re.compile(r"[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?")


def _suffix(base: str) -> str:
    chars = []
    for start in (0, 5, 10):
        bits = sum(1 << i for i, char in enumerate(base[start : start + 5]) if char.isupper())
        chars.append(_SUFFIX[bits])
    return "".join(chars)


def _restore_case(base: str, suffix: str) -> str:
    """The 15 characters with the case the (case-insensitive) suffix records."""
    out: list[str] = []
    for chunk, code in zip((base[0:5], base[5:10], base[10:15]), suffix.upper(), strict=True):
        bits = _SUFFIX.index(code)
        out.extend(c.upper() if bits >> i & 1 else c.lower() for i, c in enumerate(chunk))
    return "".join(out)


def normalise(text: str) -> str:
    """The 18-character form of a Salesforce id; anything else is returned as written."""
    text = text.strip()
    if not _ID.fullmatch(text):
        return text
    if len(text) == 18 and any(code not in _SUFFIX for code in text[15:].upper()):
        return text  # not a checksum: not a Salesforce id
    base = text if len(text) == 15 else _restore_case(text[:15], text[15:])
    return base + _suffix(base)
