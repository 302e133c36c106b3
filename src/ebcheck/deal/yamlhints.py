"""Explain a YAML syntax error the way a person typing a deal file makes it.

PyYAML says where its parser gave up ("could not find expected ':'", two
lines below the mistake) in English. People writing their first deals, often
in Chinese, make a handful of mistakes over and over: a tab as indentation,
an indent that lines up with nothing, a full-width colon `：` or space `　`,
`key:value` without a space, a quote or bracket never closed, a colon inside
unquoted text. Each is recognised here from the error and the text around
it, and becomes an E001 problem located at the mistake itself (where a quote
opened, not where the file ended), whose message names the mistake and the
fix. PyYAML's own words stay as the message's second line (`detail`).

Returns None for anything else; the caller then keeps the generic message.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import yaml

from ebcheck.deal.problems import Problem
from ebcheck.deal.sourcemap import Position

_FULL_COLON = "\uff1a"  # ：
_FULL_SPACE = "\u3000"  # the ideographic space
# `key:value` with no space: a word key, a colon, then something other than a
# space, a colon or a slash (`http://` and `12:30` are text, not keys).
_NO_SPACE = re.compile(r"^(\s*(?:-\s+)?)([A-Za-z_][\w-]*):([^\s:/][^#]*)$")
_OPENERS = {"[": "]", "{": "}"}


class _Error:
    """The facts of one PyYAML error: its marks (0-based), its words, the lines."""

    def __init__(self, exc: yaml.MarkedYAMLError, text: str) -> None:
        self.lines = text.splitlines()
        mark = exc.problem_mark or exc.context_mark
        self.line = mark.line if mark is not None else 0
        self.column = mark.column if mark is not None else 0
        self.opened = exc.context_mark
        self.context = (exc.context or "").strip()
        self.problem = (exc.problem or "").strip()
        self.detail = ": ".join(part for part in (self.context, self.problem) if part)

    def row(self, index: int) -> str:
        return self.lines[index] if 0 <= index < len(self.lines) else ""

    def nearby(self, before: int = 2) -> range:
        """The error's line and the few before it, nearest first."""
        return range(self.line, max(self.line - before, 0) - 1, -1)

    def found(self, kind: str, index: int, column: int, **params: object) -> Problem:
        facts = {"line": index + 1, "detail": self.detail, **params}
        return Problem("E001", f"E001.yaml.{kind}", Position(index + 1, column + 1), params=facts)


def explain(exc: yaml.MarkedYAMLError, text: str) -> Problem | None:
    """The mistake behind a PyYAML error, located and explained; None if unknown."""
    error = _Error(exc, text)
    for detector in _DETECTORS:
        problem = detector(error)
        if problem is not None:
            return problem
    return None


def _indent(row: str) -> str:
    return row[: len(row) - len(row.lstrip())]


def _tab(error: _Error) -> Problem | None:
    """A tab in a line's indentation (YAML indents with spaces only)."""
    candidates = [*error.nearby(1), *range(error.line)]
    for index in candidates:
        indent = _indent(error.row(index))
        if "\t" in indent:
            return error.found("tab", index, indent.index("\t"))
    return None


def _full_width(error: _Error) -> Problem | None:
    """`key：value` or `key:　value` or an indent of `　`: Chinese input left on."""
    for index in sorted({*error.nearby(), *_opened_line(error)}, reverse=True):
        row = error.row(index)
        indent = _indent(row)
        if _FULL_SPACE in indent:
            return error.found("full_width_space", index, indent.index(_FULL_SPACE))
        head = row.split("#", 1)[0]
        colon = head.find(_FULL_COLON)
        if colon > 0 and ":" not in head[:colon]:
            key = head[:colon].strip().removeprefix("- ").strip()
            return error.found("full_width_colon", index, colon, key=key)
        spaced = head.find(":" + _FULL_SPACE)
        if spaced > 0:
            return error.found("full_width_space", index, spaced + 1)
    return None


def _opened_line(error: _Error) -> list[int]:
    return [error.opened.line] if error.opened is not None else []


def _no_space(error: _Error) -> Problem | None:
    """`stage:proposal`: without a space after the colon, YAML reads one text."""
    for index in error.nearby(3):
        row = error.row(index)
        if ": " in row or row.rstrip().endswith(":"):
            continue
        match = _NO_SPACE.match(row.split(" #", 1)[0].rstrip())
        if match:
            lead, key, value = match.groups()
            column = len(lead) + len(key)
            return error.found("no_space", index, column, key=key, value=value.strip())
    return None


def _unclosed(error: _Error) -> Problem | None:
    """A quote or bracket opened and never closed: located where it opened."""
    opened = error.opened
    if opened is not None and "quoted scalar" in error.context and "end of stream" in error.problem:
        quote = error.row(opened.line)[opened.column : opened.column + 1] or '"'
        return error.found("unclosed_quote", opened.line, opened.column, quote=quote)
    quoted = _quote_closed_later(error)
    if quoted is not None:
        return quoted
    flowish = (
        "flow" in error.context,
        "node content" in error.problem,
        "end of stream" in error.problem,
    )
    if not any(flowish):
        return None
    still_open = _open_brackets(error.lines[: error.line + 1])
    if not still_open:
        return None
    index, column, bracket = still_open[-1]
    return error.found("unclosed_bracket", index, column, bracket=bracket, closer=_OPENERS[bracket])


# `key: "text` or `- "text`: a quoted value starting, and where its quote opens.
_QUOTED_VALUE = re.compile(r"""^\s*(?:-\s+)?(?:[^\s#"'{\[][^:#]*:\s+)?(["'])""")


def _quote_closed_later(error: _Error) -> Problem | None:
    """`name: "MES` with the next line's `account: "Acme"`: the quote YAML saw as the
    closing one belongs to a later value, and the parser fails just after it."""
    row = error.row(error.line)
    before = row[: error.column].rstrip()
    if not before or before[-1] not in "\"'":
        return None
    for index in range(error.line - 1, max(error.line - 4, 0) - 1, -1):
        match = _QUOTED_VALUE.match(error.row(index))
        if match is None or match.group(1) != before[-1]:
            continue
        column = match.start(1)
        if not _closes(error.row(index), column):
            quote = match.group(1)
            return error.found("unclosed_quote", index, column, quote=quote)
    return None


def _closes(row: str, column: int) -> bool:
    """Whether the quote opened at `column` closes on the same row."""
    quote = row[column]
    rest = row[column + 1 :]
    if quote == "'":
        return "'" in rest.replace("''", "")
    return re.search(r'(?<!\\)"', rest.replace("\\\\", "")) is not None


def _open_brackets(lines: list[str]) -> list[tuple[int, int, str]]:
    """The `[` and `{` of flow collections still open after `lines`, outermost first:
    (line, column, bracket). Quotes and comments are skipped; in block context
    only a bracket that starts a value opens a flow collection."""
    stack: list[tuple[int, int, str]] = []
    quote = ""
    for index, row in enumerate(lines):
        start = 0
        if not stack and not quote:
            match = re.match(r"^\s*(?:-\s+)*(?:[^\s#\"'\[{][^:#]*:\s+)?[\[{]", row)
            if match is None:
                continue
            start = match.end() - 1
        column = start
        while column < len(row):
            char = row[column]
            if quote:
                if char == quote and not (quote == '"' and row[column - 1] == "\\"):
                    quote = ""
            elif char in "\"'":
                quote = char
            elif char == "#" and (column == 0 or row[column - 1] == " "):
                break
            elif char in _OPENERS:
                stack.append((index, column, char))
            elif char in "]}" and stack:
                if _OPENERS[stack[-1][2]] != char:
                    return stack  # `[EB}`: the `[` is the one never closed
                stack.pop()
                if not stack:
                    break  # back in block context: the rest of the line is not flow
            column += 1
    return stack


def _colon_in_text(error: _Error) -> Problem | None:
    """`notes: 结论: 先做试点`: the second `: ` starts a key YAML does not allow there;
    inside `{…}` the same colon ends the parser's hope of a `,` or `}`."""
    row = error.row(error.line)
    if "mapping values are not allowed" in error.problem:
        start = 0
    elif "flow mapping" in error.context and row[error.column : error.column + 1] == ":":
        segment = row[: error.column]
        start = max(segment.rfind("{"), segment.rfind(",")) + 1
    else:
        return None
    first = row.find(": ", start)
    if first < 0 or first >= error.column:
        return None
    key = row[start:first].strip().removeprefix("- ").strip()
    value = row[first + 2 :].split(" #", 1)[0]
    if start:
        value = re.split(r"[,}]", value, maxsplit=1)[0]
    value = value.strip()
    return error.found(
        "colon_in_text", error.line, error.column, key=key, value=value, quoted=_quoted(value)
    )


def _quoted(text: str) -> str:
    """`text` as a quoted YAML scalar that reads back as itself: in double quotes unless
    it holds a `"` or a backslash (escapes there), else in single quotes, where only a
    `'` is special (written twice)."""
    if '"' not in text and "\\" not in text:
        return f'"{text}"'
    return "'" + text.replace("'", "''") + "'"


def _misaligned(error: _Error) -> Problem | None:
    """A line whose indent matches no level open above it."""
    kinds = ("mapping values are not allowed", "did not find expected", "expected <block end>")
    if not any(kind in error.problem for kind in kinds):
        return None
    for index in error.nearby(1):
        row = error.row(index)
        if not row.strip() or row.lstrip().startswith("#"):
            continue
        width = len(_indent(row))
        levels = _open_levels(error.lines, index)
        items = _item_levels(error.lines, index)
        if row.lstrip().startswith("- ") and items:
            levels = items  # a list item lines up with the items above it
        if levels and width not in levels:
            expected = min(levels, key=lambda level: (abs(level - width), -level))
            return error.found("indent", index, width, found=width, expected=expected)
    return None


def _open_levels(lines: list[str], index: int) -> list[int]:
    """The indents a line at `index` may line up with: each enclosing level above it,
    and one level deeper than the line just before when that line opens a block."""
    levels: list[int] = []
    smallest: int | None = None
    for row in reversed(lines[:index]):
        if not row.strip() or row.lstrip().startswith("#"):
            continue
        width = len(_indent(row))
        if smallest is None:
            if row.rstrip().endswith(":"):
                levels.append(width + 2)
            levels.append(width)
            if row.lstrip().startswith("- "):
                levels.append(width + 2)  # the keys of the list item
            smallest = width
        elif width < smallest:
            levels.append(width)
            if row.lstrip().startswith("- "):
                levels.append(width + 2)
            smallest = width
        if smallest == 0:
            break
    return sorted(set(levels))


def _item_levels(lines: list[str], index: int) -> list[int]:
    """The indents of the list items (`- `) above `index`."""
    return sorted({len(_indent(row)) for row in lines[:index] if row.lstrip().startswith("- ")})


_DETECTORS: tuple[Callable[[_Error], Problem | None], ...] = (
    _tab,
    _full_width,
    _unclosed,
    _no_space,
    _colon_in_text,
    _misaligned,
)


def full_width_key(key: str) -> bool:
    """A key YAML did read, but only because a full-width space or colon made
    one text of what should have been indentation or `key: value`."""
    return _FULL_SPACE in key or _FULL_COLON in key


_CJK = re.compile(r"[\u4e00-\u9fff]")


def encoding_hint(data: bytes) -> str | None:
    """The catalogue key of a hint when a file that is not UTF-8 is UTF-16 (Windows
    Notepad's "Unicode", Excel's "Unicode text"), or reads as Chinese in GB18030
    (GBK's superset, the default of Chinese Windows editors); else None."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or data[:200].count(b"\x00") > 10:
        return "E001.utf16_hint"
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    return "E001.gbk_hint" if _CJK.search(text) else None
