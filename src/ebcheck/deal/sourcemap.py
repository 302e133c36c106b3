"""Field paths and where they stand in the deal file.

A path is a tuple of mapping keys and sequence indexes, such as
``("stakeholders", 1, "met")``, written ``stakeholders[1].met``. Rules name
the field a finding is about by path; the source map turns it into a 1-based
line and column, so that rules never handle line numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

Path = tuple[str | int, ...]

_PART = re.compile(r"\[(\d+)\]|\.?([^.\[\]]+)")


class Position(NamedTuple):
    """1-based line and column (a tuple: one is made for every node of every file)."""

    line: int
    column: int


START = Position(1, 1)


def format_path(path: Path) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def parse_path(text: str) -> Path:
    """Inverse of `format_path` for the keys the deal format uses."""
    parts: list[str | int] = []
    for index, key in _PART.findall(text):
        parts.append(int(index) if index else key)
    return tuple(parts)


@dataclass
class SourceMap:
    """Positions of every value (and mapping key) composed from one file."""

    values: dict[Path, Position] = field(default_factory=dict)
    keys: dict[Path, Position] = field(default_factory=dict)
    # Keys of flow mappings (`{...}`) with no value that follow a plain text
    # value: the signature of an ASCII comma that split a sentence.
    split_by_comma: set[Path] = field(default_factory=set)
    raw: dict[Path, str] = field(default_factory=dict)

    def locate(self, path: Path) -> Position:
        """The value at `path`, or its nearest ancestor that is present."""
        for end in range(len(path), -1, -1):
            found = self.values.get(path[:end])
            if found is not None:
                return found
        return START

    def locate_key(self, path: Path) -> Position:
        return self.keys.get(path) or self.locate(path)
