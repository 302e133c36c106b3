"""Make user text safe to show: no control characters, no escape sequences.

Three kinds of characters are dealt with:

- control characters (C0, DEL, C1) and the bidirectional overrides and
  isolates are replaced by U+FFFD, so a terminal escape sequence or a
  reordered line is visibly broken rather than obeyed;
- the other default-ignorable characters (U+061C, zero-width spaces and
  joiners, the soft hyphen, variation selectors, tags, U+FEFF, …) are removed:
  they show nothing and only serve to make two texts look alike;
- lone surrogates (a file name that is not UTF-8, read with
  `surrogateescape`) are shown as the escaped byte, `\\xff`.
"""

from __future__ import annotations

import re

from ebcheck.deal.names import INVISIBLE, visible

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")

_SURROGATE = re.compile("[\ud800-\udfff]")

# Every character `_cleaned` changes or removes (a line's breaks and tabs too, for one line).
_UNCLEAN = re.compile("|".join(p.pattern for p in (_CONTROL, INVISIBLE, _SURROGATE)))
_UNCLEAN_LINE = re.compile(f"{_UNCLEAN.pattern}|[\n\t\u2028\u2029]")


def escape_surrogates(text: str) -> str:
    """`text` with each lone surrogate shown as the byte it stands for (`\\xff`).

    A file name that is not UTF-8 reaches us with its bytes as U+DC80-U+DCFF
    (surrogateescape); any other lone surrogate stands for nothing and is
    shown as its code point (`\\ud800`).
    """
    if not _SURROGATE.search(text):
        return text
    return _SURROGATE.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    point = ord(match.group())
    if 0xDC80 <= point <= 0xDCFF:
        return f"\\x{point - 0xDC00:02x}"
    return f"\\u{point:04x}"


def clean(text: str, *, one_line: bool = True) -> str:
    """`text` with control characters replaced by U+FFFD, newlines folded if asked."""
    # Most text needs nothing done: one search says so (a report cleans every cell).
    if not (_UNCLEAN_LINE if one_line else _UNCLEAN).search(text):
        return text
    return _cleaned(text, one_line)


def _cleaned(text: str, one_line: bool) -> str:
    if one_line:
        text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ").replace("\t", " ")
        text = text.replace("\u2028", " ").replace("\u2029", " ").replace("\x85", " ")
    text = escape_surrogates(text)
    # Bidi marks are shown (U+FFFD) before the rest of what shows nothing goes.
    return visible(_CONTROL.sub("\ufffd", text))


# What the GitHub Actions runner reads as a command when it starts a line.
_RUNNER_COMMAND = re.compile(r"^\s*(::|##\[)")


def diagnostic_line(text: str) -> str:
    """One line for stderr: cleaned, and never read as a workflow command."""
    return inert_line(clean(text))


def inert_line(line: str) -> str:
    """`line`, its first character replaced if the Actions runner would read a command."""
    if _RUNNER_COMMAND.match(line):
        return "\ufffd" + line.lstrip()[1:]
    return line


def runner_safe(text: str) -> str:
    """Text for a CI log in which no line is a workflow command (a deal id `::warning::x`
    opening a pipeline-table row would be one)."""
    if "::" not in text and "##[" not in text:
        return text
    return "\n".join(inert_line(line) for line in text.split("\n"))
