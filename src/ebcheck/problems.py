"""Problems found while reading a file, before any rule runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ebcheck.sourcemap import Path, Position


@dataclass(frozen=True)
class Problem:
    """One E001/E002 finding in the making: a catalogue key and its facts."""

    code: str  # "E001" or "E002"
    key: str  # message catalogue key, e.g. "E002.unknown_key"
    position: Position
    path: Path = ()
    params: dict[str, Any] = field(default_factory=dict)
    hint: str | None = None  # catalogue key of an extra explanation


class ReadFailure(Exception):
    """The file could not be read as one YAML mapping (E001)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.key)
        self.problem = problem
