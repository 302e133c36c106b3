"""One import from start to finish: map, tables, records, then the files it would write.

`plan` decides everything and writes nothing (what `--dry-run` shows); `apply`
writes the plan. An import with any error writes nothing at all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ebcheck.crm import sfid
from ebcheck.crm.build import build_deals
from ebcheck.crm.mapfile import load_map
from ebcheck.crm.merge import Note, NotMergeable, merge
from ebcheck.crm.problems import ImportFailed, ImportProblem, Problems, problem
from ebcheck.crm.records import DealRecord
from ebcheck.crm.render import render_new
from ebcheck.crm.sources import read_tables
from ebcheck.crm.write import check_output, existing_deals, file_name, write_inside
from ebcheck.deal.load import load_bytes
from ebcheck.deal.source import read_limited
from ebcheck.errors import Words


@dataclass(frozen=True)
class Change:
    path: Path
    deal_id: str
    kind: str
    """`new`, `updated` or `unchanged`."""
    fields: tuple[str, ...] = ()
    text: str = field(default="", repr=False)
    notes: tuple[Note, ...] = ()
    """What the merge dropped that the output must say (`merge.Note`)."""


@dataclass(frozen=True)
class Plan:
    out: Path
    system: str
    changes: tuple[Change, ...]
    gone: tuple[tuple[Path, str], ...]
    """Deal files under the output folder whose id the export no longer has: kept."""

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)


def plan(source: Path, map_name: str, out: Path, header: Callable[[str], Sequence[str]]) -> Plan:
    """What the import would write; `header(system)`: the comment that opens a new file."""
    mapping = load_map(map_name)
    problems = Problems()
    try:
        check_output(out)
        if not source.exists():
            raise problem("no_source", where=str(source))
        tables = read_tables(source, mapping, problems)
    except ImportProblem as exc:
        raise ImportFailed([*problems.found, exc]) from None
    records = build_deals(mapping, tables, problems)
    problems.check()
    normalise = sfid.normalise if mapping.salesforce_ids else str.strip
    existing = existing_deals(out, problems, normalise)
    changes = [
        _change(record, existing, out, list(header(mapping.system)), problems) for record in records
    ]
    _check_names(changes, problems)
    problems.check()
    ids = {record.id for record in records}
    gone = tuple(sorted((path, i) for i, path in existing.items() if i not in ids))
    return Plan(out, mapping.system, tuple(c for c in changes if c is not None), gone)


def _change(
    record: DealRecord, existing: dict[str, Path], out: Path, header: list[str], problems: Problems
) -> Change | None:
    path = existing.get(record.id) or out / file_name(record.id)
    if path.is_symlink():
        problems.add(problem("write_symlink", where=str(path)))
        return None
    if not path.exists():
        text = render_new(record, header)
        return _checked(Change(path, record.id, "new", text=text), None, problems)
    try:
        before = read_limited(path).decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        problems.add(problem("merge_unreadable", where=str(path)))
        return None
    try:
        text, fields, notes = merge(before, record)
    except NotMergeable as exc:
        problems.add(problem(exc.key, where=f"{path}:{exc.line}:{exc.column}", id=record.id))
        return None
    kind = "updated" if text != before else "unchanged"
    change = Change(path, record.id, kind, tuple(fields), text, tuple(notes))
    return _checked(change, before, problems)


def _checked(change: Change, before: str | None, problems: Problems) -> Change | None:
    """The file as written must load; a file that did not load before is the user's to fix."""
    loaded = load_bytes(change.text.encode("utf-8"))
    if not loaded.problems:
        return change
    if before is not None and load_bytes(before.encode("utf-8")).problems:
        return change
    first = loaded.problems[0]
    where = f"{change.path}:{first.position.line}:{first.position.column}"
    problems.add(
        problem(
            "output_invalid", where=where, id=change.deal_id, detail=Words(first.key, first.params)
        )
    )
    return None


def _check_names(changes: list[Change | None], problems: Problems) -> None:
    seen: dict[Path, str] = {}
    for change in changes:
        if change is None:
            continue
        other = seen.setdefault(change.path, change.deal_id)
        if other != change.deal_id:
            problems.add(
                problem("same_file", where=str(change.path), id=change.deal_id, other=other)
            )


def apply(result: Plan) -> None:
    for change in result.changes:
        if change.kind != "unchanged":
            write_inside(result.out, change.path, change.text)
