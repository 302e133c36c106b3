"""Import errors: each located (`file:row:column`, `map:line:column`), all reported together."""

from __future__ import annotations

from typing import Any

from ebcheck.errors import EbcheckError


class ImportProblem(EbcheckError):
    """One thing wrong with the export or the map, at one place."""


class ImportFailed(EbcheckError):
    """Everything wrong with an import; when raised, nothing has been written."""

    def __init__(self, problems: list[EbcheckError]) -> None:
        super().__init__("import_failed", count=len(problems))
        self.problems = problems


def problem(name: str, /, where: str | None = None, **facts: Any) -> ImportProblem:
    return ImportProblem(f"import_{name}", where=where, **facts)


class Problems:
    """Collects problems while the import goes on, so that one run shows them all."""

    def __init__(self) -> None:
        self.found: list[EbcheckError] = []
        self._seen: set[tuple[str, str | None]] = set()

    def add(self, item: EbcheckError) -> None:
        mark = (item.key + repr(sorted(item.facts.items())), item.where)
        if mark not in self._seen:
            self._seen.add(mark)
            self.found.append(item)

    def check(self) -> None:
        """Raise what was found, if anything."""
        if self.found:
            raise ImportFailed(self.found)
