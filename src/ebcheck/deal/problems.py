"""Problems found while reading a file, before any rule runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ebcheck.deal.sourcemap import Path, Position


class Found(str):
    """What a value turned out to be ("a list", "nothing"), named in a message.

    A `str` (the English words) that also knows its kind, so the message can
    be shown in the report's language: catalogue key `found.<kind>`.
    """

    kind: str
    value: str

    def __new__(cls, kind: str, english: str, value: str = "") -> Found:
        found = super().__new__(cls, english)
        found.kind = kind
        found.value = value
        return found

    def __reduce__(self) -> tuple[type[Found], tuple[str, str, str]]:
        return (Found, (self.kind, str(self), self.value))


NOTHING = Found("nothing", "nothing")
A_MAPPING = Found("mapping", "a mapping")
A_LIST = Found("list", "a list")


def found_text(raw: str) -> Found:
    return Found("text", f"text '{raw}'", raw)


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
