"""Escaping of user text for the CI formats: markdown, Mermaid and workflow commands.

Everything a user wrote (deal and account names, people, paths, messages that
quote them) goes through one of these functions before it reaches a format
that would otherwise read it as syntax. Each function first removes what no
format should carry (`ebcheck.reports.textsafe.clean`: control characters, escape
sequences, bidirectional overrides), then escapes what is left.

- `markdown_text`: GitHub-flavoured markdown inline text. Safe in a table cell,
  a heading, a list item or a paragraph: it cannot end a cell (`|`), open a code
  span (backtick), emphasis (`*`, `_`), strikethrough (`~`), math (`$`), a link
  or image (`[`, `]`), start a block (`#`, `>`, `-`, `+`, `=`, `1.`) or carry HTML
  (`<`, `>`, `&` become entities). Line breaks become spaces.
- `mermaid_label`: the inside of a double-quoted Mermaid node label. ASCII
  punctuation becomes a Mermaid entity code (`#34;`), so quotes, brackets,
  `<`, `|`, backticks and semicolons cannot end the label or the statement.
- `workflow_data` / `workflow_property`: GitHub Actions workflow-command
  escaping, as actions/toolkit's `escapeData` / `escapeProperty` do.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from collections.abc import Callable

from ebcheck.reports.textsafe import clean

# Characters with inline meaning in CommonMark/GFM, escaped with a backslash.
_MARKDOWN_PUNCTUATION = frozenset("\\`*_[]|~$#")
# Characters HTML would read: entities keep them literal even in raw HTML blocks.
_HTML_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# A text that starts with one of these could open a block (list, heading, quote,
# setext underline, thematic break) when it begins a line.
_BLOCK_START = re.compile(r"^(?:[-+=]|\d{1,9}(?=[.)]))")
_ELLIPSIS = "…"


def shorten(text: str, limit: int | None) -> str:
    """`text` cut to `limit` characters, the cut marked with an ellipsis."""
    if limit is None or len(text) <= limit:
        return text
    return text[: max(0, limit - 1)] + _ELLIPSIS


def markdown_text(text: object, *, limit: int | None = None) -> str:
    """User text as inert GitHub-flavoured markdown, on one line.

    `limit` shortens the text (before escaping, so an escape is never cut).
    """
    plain = shorten(clean(str(text)).strip(), limit)
    out: list[str] = []
    for char in plain:
        if char in _HTML_ENTITIES:
            out.append(_HTML_ENTITIES[char])
        elif char in _MARKDOWN_PUNCTUATION:
            out.append("\\" + char)
        else:
            out.append(char)
    escaped = "".join(out)
    # A leading list/heading/quote marker: escape it (`\-`, `1\.`), so the text
    # stays a paragraph even when it opens a line.
    match = _BLOCK_START.match(escaped)
    if match:
        marker, rest = match.group(), escaped[match.end() :]
        escaped = f"{marker}\\{rest}" if marker[0].isdigit() else f"\\{marker}{rest}"
    return escaped


# A code span after `markdown_text` escaped it: backticks and all inside escaped.
_ESCAPED_SPAN = re.compile(r"\\`((?:[^`\\]|\\[^`])+?)\\`")
_ESCAPE = re.compile(r"\\(.)|&(amp|lt|gt);")
_UNENTITY = {entity[1:-1]: char for char, entity in _HTML_ENTITIES.items()}


def _unescaped(inner: str) -> str:
    return _ESCAPE.sub(lambda m: m.group(1) or _UNENTITY[m.group(2)], inner)


def markdown_message(
    text: object, is_own: Callable[[str], bool], *, limit: int | None = None
) -> str:
    """A message as inert markdown, except that ebcheck's own code spans stay code.

    Only a span `is_own` recognises (one its message templates write, such as
    `ebcheck init` or `roles: [coach]`, or a field of the format) is given back
    as code: a user's backticks stay literal. A code span carries no markup;
    its `|` is escaped so that it cannot end a table cell.
    """

    def span(match: re.Match[str]) -> str:
        inner = _unescaped(match.group(1))
        if not is_own(inner):
            return match.group(0)
        return "`" + inner.replace("|", "\\|") + "`"

    return _ESCAPED_SPAN.sub(span, markdown_text(text, limit=limit))


def _mermaid_safe(char: str) -> bool:
    if char.isalnum() or char in " -_.,/":
        return True
    if ord(char) < 128:
        return False
    # Non-ASCII letters, marks, symbols and CJK punctuation are kept; separators
    # and format characters (line separators, zero-width joiners) are encoded.
    return unicodedata.category(char)[0] not in "CZ"


def mermaid_label(text: object, *, limit: int | None = None) -> str:
    """User text for the inside of a Mermaid `"..."` label: punctuation as `#NN;` codes."""
    plain = shorten(clean(str(text)), limit)
    return "".join(ch if _mermaid_safe(ch) else f"#{ord(ch)};" for ch in plain)


def workflow_data(text: object) -> str:
    """The message of a workflow command (`::error ...::<data>`), on one line."""
    escaped = str(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    # Line breaks are escaped above; what control characters remain are replaced.
    return clean(escaped, one_line=False)


def workflow_property(text: object) -> str:
    """A property value of a workflow command (`file=<value>`)."""
    return workflow_data(text).replace(":", "%3A").replace(",", "%2C")


def unescape_workflow(text: str) -> str:
    """The inverse of `workflow_property` / `workflow_data` (for tests and tools)."""
    return re.sub(
        "%(25|0D|0A|3A|2C)",
        lambda m: {"25": "%", "0D": "\r", "0A": "\n", "3A": ":", "2C": ","}[m.group(1)],
        text,
    )


def normal_path(path: str) -> str:
    """A repository path as CI tools match it: `sub/../x/deal.yaml` is `x/deal.yaml`.

    `..` and `.` segments and doubled slashes are resolved in the text, as the
    code-scanning and annotation services compare paths literally.
    """
    if not path:
        return path
    normal = posixpath.normpath(path)
    return normal[1:] if normal.startswith("//") else normal
