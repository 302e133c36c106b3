"""PyYAML's own words about a mistake, in the report's language where they are known.

An E001 message gives the parser's text as its second line (`YAML parser: ...`).
libyaml and PyYAML say the same few things; each is matched here by a pattern
and said with the catalogue's `yaml_parser.*` text, its quoted parts kept as
written. A text no pattern knows stays as the parser wrote it, and English
needs no catalogue text at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_WHAT = (
    "block mapping",
    "block collection",
    "block scalar",
    "flow mapping",
    "flow sequence",
    "flow node",
    "simple key",
    "quoted scalar",
    "plain scalar",
    "node",
    "anchor",
    "alias",
    "tag",
    "directive",
)

# (pattern, catalogue key): the first pattern that matches the whole piece says it.
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), key)
    for pattern, key in (
        (r"while (?:parsing|scanning|composing) an? (?P<what>[a-z -]+)", "while"),
        (r"while scanning for the next token", "next_token"),
        (r"mapping values are not allowed (?:here|in this context)", "mapping_values"),
        (r"(?:block )?sequence entries are not allowed (?:here|in this context)", "entries"),
        (r"did not find expected key", "expected_key"),
        (r"(?:did not|could not) find expected (?P<one>'.+') or (?P<other>'.+')", "either"),
        (r"(?:did not|could not) find expected (?P<token>.+)", "expected"),
        (r"found character(?: (?P<char>'.+'))? that cannot start any token", "bad_start"),
        (r"found undefined alias(?: (?P<name>.+))?", "undefined_alias"),
        (r"found unknown escape character(?: (?P<char>.+))?", "unknown_escape"),
        (r"found a tab character (?:that violates indentation|where .+)", "tab"),
        (r"found unexpected end of stream", "end_of_stream"),
        (r"found duplicate anchor(?: (?P<name>.+?))?(?:; first occurrence)?", "duplicate_anchor"),
        (r"second occurrence", "second_occurrence"),
        (r"expected (?P<expected>.+), but found (?P<found>.+)", "expected_found"),
    )
)


def parser_words(detail: str, text: Callable[..., str | None]) -> str:
    """`detail` (pieces joined by ": ") with each piece a pattern knows said by `text`
    (`Catalogue.get`); the rest as the parser wrote it."""
    separator = text("yaml_parser.separator") or ": "
    return separator.join(_piece(piece, text) for piece in detail.split(": "))


def _piece(piece: str, text: Callable[..., str | None]) -> str:
    for pattern, key in _PATTERNS:
        found = pattern.fullmatch(piece.strip())
        if found is None:
            continue
        # What the parser quotes keeps its text; an optional part it left out, its space.
        facts = {name: f" {value}" if value else "" for name, value in found.groupdict().items()}
        if key == "while":
            what = facts["what"].strip()
            if what not in _WHAT:
                return piece
            facts["what"] = text(f"yaml_parser.what.{what.replace(' ', '_')}") or what
        said = text(f"yaml_parser.{key}", **facts)
        return said if said is not None else piece
    return piece
