"""Line breaking that suits Chinese text in the Rich terminal report.

Rich breaks lines at spaces only. Chinese has none, so a long sentence jumps
to the next line whole and leaves a ragged gap, or is cut mid-phrase. Here a
line may break between any two CJK characters, except before closing
punctuation (，。；：！？）…), which stays with the character before it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.cells import cell_len

_CJK = "\u2e80-\u303f\u3040-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
_CLOSING = "，。、；：？！）」』】》〉”’％…"
_ASCII_CLOSING = ",.;:?!)%"
# Closing punctuation; an ASCII one only when no word follows it (the `.` of
# `.ebcheck_cache` opens a name, it closes nothing).
_CLOSE = rf"(?:[{_CLOSING}]|[{_ASCII_CLOSING}](?![\w.-]))"
# One CJK character with the closing punctuation after it, or a run of other
# non-space characters; either with the spaces that follow.
_TOKEN = re.compile(rf"\s*(?:[{_CJK}]{_CLOSE}*|[^\s{_CJK}]+{_CLOSE}*)\s*")


def _tokens(text: str) -> Iterator[tuple[int, str]]:
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or not match.group(0):
            break
        yield position, match.group(0)
        position = match.end()


def _fold(start: int, token: str, width: int) -> tuple[list[int], int]:
    """Breaks inside a token wider than a line, and the cells left on its last line."""
    breaks: list[int] = []
    used = 0
    for index, char in enumerate(token):
        cells = cell_len(char)
        if used + cells > width and used:
            breaks.append(start + index)
            used = 0
        used += cells
    return breaks, used


def divide_line(text: str, width: int, fold: bool = True) -> list[int]:
    """Offsets at which to break `text` so that no line is wider than `width` cells."""
    breaks: list[int] = []
    used = 0
    # Printable ASCII takes a cell a character: measured by its length, it breaks alike.
    measure = len if text.isascii() and text.isprintable() else cell_len
    for start, token in _tokens(text):
        stripped = token.rstrip()
        length = measure(stripped)
        if used + length <= width:
            tail = len(token) - len(stripped)
            # Trailing spaces are a cell each (an ideographic space is two).
            used += length + (tail if token.endswith(" " * tail) else measure(token[-tail:]))
            continue
        if start:
            breaks.append(start)
        if length > width and fold:
            inner, used = _fold(start, token, width)
            breaks.extend(inner)
        else:
            used = cell_len(token)
    return breaks


@contextmanager
def cjk_line_breaks() -> Iterator[None]:
    """Render with these line breaks; Rich's own come back afterwards."""
    import rich.text as rich_text

    original = getattr(rich_text, "divide_line", None)
    if original is None:  # another Rich version: keep its behaviour
        yield
        return
    # Rich's module global is private; setattr keeps the swap explicit and local.
    setattr(rich_text, "divide_line", divide_line)  # noqa: B010
    # Rich drops a line's trailing spaces past the width counting characters,
    # not cells: a Chinese line ending in a space stayed one cell too wide and
    # lost its last character to an ellipsis. Count cells instead.
    stripped = rich_text.Text.rstrip_end
    setattr(rich_text.Text, "rstrip_end", _rstrip_end_cells)  # noqa: B010
    try:
        yield
    finally:
        setattr(rich_text, "divide_line", original)  # noqa: B010
        setattr(rich_text.Text, "rstrip_end", stripped)  # noqa: B010


_TRAILING_SPACE = re.compile(r"\s+$")


def _rstrip_end_cells(self: Any, size: int) -> None:
    """`Text.rstrip_end` measured in cells: whitespace past `size` cells is removed."""
    kept = strip_past(self.plain, size)
    if len(kept) < len(self.plain):
        self.right_crop(len(self.plain) - len(kept))


def strip_past(text: str, size: int) -> str:
    """`text` without the trailing whitespace that goes past `size` cells."""
    excess = cell_len(text) - size
    if excess > 0:
        trailing = _TRAILING_SPACE.search(text)
        if trailing is not None:
            return text[: len(text) - min(len(trailing.group(0)), excess)]
    return text
