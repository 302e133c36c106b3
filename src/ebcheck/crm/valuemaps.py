"""Value maps: the CRM's picklist values (API values or labels) onto ebcheck's.

A map writes `values: {stage: {proposal: [Proposal/Price Quote, 方案报价], …}}`:
each ebcheck value with the CRM values that mean it, matched ignoring case
and spacing, so the Data Export's API values and a report's translated labels
both work. A value that no entry lists is never dropped or guessed: every
such value is counted and reported with its rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ebcheck.crm.problems import Problems, problem


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass
class _Seen:
    rows: int = 0
    where: str = ""


@dataclass
class ValueMaps:
    groups: Mapping[str, Mapping[str, list[str]]]
    _lookup: dict[str, dict[str, str]] = field(default_factory=dict)
    _unmapped: dict[tuple[str, str, str], dict[str, _Seen]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for group, targets in self.groups.items():
            table = self._lookup.setdefault(group, {})
            for target, sources in targets.items():
                for source in sources:
                    table.setdefault(_norm(str(source)), target)

    def match(
        self, group: str, value: str, file: str, column: str, where: str
    ) -> tuple[bool, str | None]:
        """Whether the map lists `value`, and the ebcheck value it maps to (None for
        `none`); an unmapped value is remembered for `report`."""
        target = self._lookup.get(group, {}).get(_norm(value))
        if target is None:
            seen = self._unmapped.setdefault((group, file, column), {}).setdefault(value, _Seen())
            seen.rows += 1
            seen.where = seen.where or where
            return False, None
        return True, None if target == "none" else target

    def report(self, problems: Problems) -> None:
        """One error per column: each unmapped value and how many rows have it."""
        for (group, _file, column), values in sorted(self._unmapped.items()):
            first = min(values.values(), key=lambda seen: _row_order(seen.where))
            listed = ", ".join(
                f"'{value}': {seen.rows}"
                for value, seen in sorted(values.items(), key=lambda kv: (-kv[1].rows, kv[0]))
            )
            problems.add(
                problem(
                    "unmapped",
                    where=first.where,
                    group=group,
                    column=column,
                    count=len(values),
                    values=listed,
                )
            )


def _row_order(where: str) -> int:
    parts = where.rsplit(":", 2)
    return int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else 0
