"""Make user text safe to show: no control characters, no escape sequences."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean(text: str, *, one_line: bool = True) -> str:
    """`text` with control characters replaced by U+FFFD, newlines folded if asked."""
    if one_line:
        text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ").replace("\t", " ")
    return _CONTROL.sub("\ufffd", text)
