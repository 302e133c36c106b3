"""The import map: a declarative YAML file that says how an export becomes deal files.

A map names the export's tables (`tables:`), which table holds the deals and
which columns fill which deal field (`deals:`), where the people of a deal
come from (`people:`), an optional change history (`history:`) and the value
maps (`values:`) that turn the CRM's stage, role, forecast and outcome values
(API values or labels) into ebcheck's. It is loaded like a deal file: safely,
and every mistake is reported at `map:line:column`. The shipped maps
(`salesforce`, `hubspot`, `dynamics`, `zh-sheet`) live in `maps/`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from ebcheck.crm.dates import NAMED_FORMATS, parse_zone
from ebcheck.crm.numbers import STYLES
from ebcheck.crm.problems import ImportFailed, problem
from ebcheck.deal.enums import Forecast, Stage
from ebcheck.deal.problems import ReadFailure
from ebcheck.deal.source import plain, read_limited, read_yaml
from ebcheck.deal.sourcemap import SourceMap

MAPS = Path(__file__).parent / "maps"
SHIPPED = ("salesforce", "hubspot", "dynamics", "zh-sheet")
SHEET_TEMPLATE = MAPS / "zh-sheet.csv"

DEAL_FIELDS = (
    "id", "name", "account", "owner", "amount", "currency", "stage", "outcome",
    "close_date", "forecast", "stage_entered", "next_step", "next_step_due",
)  # fmt: skip
PEOPLE_FIELDS = ("name", "title", "roles", "email")
VALUE_TARGETS: dict[str, tuple[str, ...]] = {
    "stage": tuple(s.value for s in Stage),
    "outcome": ("closed_won", "closed_lost", "none"),
    "forecast": (*(f.value for f in Forecast), "none"),
    "role": ("EB", "TB", "UB", "coach", "none"),
}
"""What each value map may map onto; `none`: a known CRM value that sets nothing."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _text(value: Any) -> Any:
    """A value written as a number, a date or a boolean in the map is meant as text
    (`"0"`, `2026`, `true`): it is matched against cells, which are text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | dt.date):
        return str(value)
    return value


def _texts(value: Any) -> Any:
    """One value or a list of them."""
    return [_text(v) for v in value] if isinstance(value, list) else [_text(value)]


Text = Annotated[str, BeforeValidator(_text)]


def _column(value: Any) -> Any:
    """`Name` is short for `{column: Name}`, and `[Name, Title]` for `{column: [Name, Title]}`."""
    return {"column": value} if isinstance(value, str | list) else value


class FieldMap(_Model):
    """Where one field's value comes from and how it is read."""

    column: str | list[str] | None = None
    """A column, or several: the first of them that the export has."""
    given: str | None = None
    """For a person's name: the given-name column (with `family`)."""
    family: str | None = None
    date: str | None = None
    number: str | None = None
    values: str | None = None
    split: str | None = None
    """Characters that separate several values in one cell (`;`, `、,，`)."""
    default: Text | None = None
    optional: bool = False
    """The column may be missing from the export (then the default, or nothing)."""
    timezone: str | None = None

    def columns(self) -> list[str]:
        listed = self.column if isinstance(self.column, list) else [self.column]
        return [c for c in (*listed, self.given, self.family) if c]


Field_ = Annotated[FieldMap, BeforeValidator(_column)]


class TableMap(_Model):
    file: str
    key: str | None = None
    key_case: Literal["exact", "insensitive"] = "exact"
    """`insensitive`: a join finds this table's row whatever the case of the key
    (an email written `ZW@hd.cn` in one export and `zw@hd.cn` in another)."""
    optional: bool = False
    sheet: str | None = None
    encoding: str | None = None


class DealsMap(_Model):
    table: str
    key: str | list[str] | None = None
    """The column that identifies a deal (default: the table's key), or several: the first
    the export has. Rows with the same key are one deal."""
    fill_down: bool = False
    """A row without a key belongs to the deal above it (a sheet with merged cells)."""
    join: dict[str, str] = {}
    """`table: column`: the row of `table` whose key is this row's `column`."""
    fields: dict[str, Field_]


class CellList(_Model):
    """People listed in one cell of the deal row: `Name (email); Name (email)`."""

    column: str
    split: str = ";"


class PeopleMap(_Model):
    table: str | None = None
    """Rows that link a deal to a person (default: the deals table itself)."""
    deal: str | None = None
    """The column holding the deal's key (default: the deals key)."""
    cell: CellList | None = None
    join: dict[str, str] = {}
    key: str | None = None
    """What makes two rows the same person (default: the name)."""
    fields: dict[str, Field_]


class HistoryMap(_Model):
    table: str
    deal: str
    order: Field_
    close_date: Field_ | None = None
    stage: Field_ | None = None


class ImportMap(_Model):
    ebcheck_map: Literal[1]
    system: str
    salesforce_ids: bool = False
    timezone: str | None = None
    tables: dict[str, TableMap]
    deals: DealsMap
    people: PeopleMap | None = None
    history: HistoryMap | None = None
    values: dict[str, dict[str, Annotated[list[str], BeforeValidator(_texts)]]] = Field(
        default_factory=dict
    )
    path: str = Field(default="", exclude=True)

    def table_of_people(self) -> str:
        return (self.people.table if self.people else None) or self.deals.table

    def deals_key(self, header: Sequence[str] = ()) -> str:
        """The deals key column: the first of those listed that `header` has."""
        key = self.deals.key or self.tables[self.deals.table].key
        assert key is not None  # noqa: S101 - checked when the map is loaded
        listed = key if isinstance(key, list) else [key]
        return next((k for k in listed if k in header), listed[0])


def map_path(name: str) -> Path:
    """A shipped map by name, or the path the user gave."""
    if name in SHIPPED:
        return MAPS / f"{name}.yaml"
    return Path(name)


def load_map(name: str) -> ImportMap:
    path = map_path(name)
    shown = name if name in SHIPPED else str(path)
    try:
        data = read_limited(path)
    except OSError as exc:
        raise ImportFailed([problem("map_unreadable", where=shown, reason=exc.strerror)]) from None
    try:
        tree, source, duplicates = read_yaml(data)
    except ReadFailure as failure:
        where = f"{shown}:{failure.problem.position.line}:{failure.problem.position.column}"
        raise ImportFailed([problem("map_yaml", where=where)]) from None
    if duplicates:
        first = duplicates[0]
        where = f"{shown}:{first.position.line}:{first.position.column}"
        raise ImportFailed([problem("map_duplicate_key", where=where, key=first.params["key"])])
    try:
        mapping = ImportMap.model_validate({**plain(tree), "path": shown})
    except ValidationError as exc:
        raise ImportFailed(_located(exc, source, shown)) from None
    issues = _check(mapping, source, shown)
    if issues:
        raise ImportFailed(issues)
    return mapping


def _located(exc: ValidationError, source: SourceMap, shown: str) -> list[Any]:
    found = []
    for error in exc.errors(include_url=False):
        path = tuple(p for p in error["loc"] if isinstance(p, str | int) and p != "function-before")
        unknown = error["type"] == "extra_forbidden"
        position = source.locate_key(path) if unknown else source.locate(path)
        name = ".".join(str(p) for p in path)
        key = "map_unknown_key" if unknown else "map_invalid"
        found.append(
            problem(
                key,
                where=f"{shown}:{position.line}:{position.column}",
                field=name,
                detail=error["msg"],
            )
        )
    return found


def _check(mapping: ImportMap, source: SourceMap, shown: str) -> list[Any]:
    """What the models alone cannot say: names that must refer to each other."""
    issues: list[Any] = []

    def at(*path: str | int, **facts: Any) -> None:
        position = source.locate(path)
        issues.append(
            problem(facts.pop("key"), where=f"{shown}:{position.line}:{position.column}", **facts)
        )

    tables = mapping.tables
    if mapping.deals.table not in tables:
        at("deals", "table", key="map_no_table", table=mapping.deals.table)
    elif not (mapping.deals.key or tables[mapping.deals.table].key):
        at("deals", key="map_no_key", table=mapping.deals.table)
    for section, join in (
        ("deals", mapping.deals.join),
        ("people", mapping.people.join if mapping.people else {}),
    ):
        for table in join:
            if table not in tables or not tables[table].key:
                at(section, "join", table, key="map_bad_join", table=table)
    for name in mapping.deals.fields:
        if name not in DEAL_FIELDS:
            at(
                "deals",
                "fields",
                name,
                key="map_unknown_field",
                field=name,
                choices=", ".join(DEAL_FIELDS),
            )
    for required in ("id", "name", "account", "stage"):
        if required not in mapping.deals.fields:
            at("deals", "fields", key="map_missing_field", field=required)
    if mapping.people:
        if mapping.people.table and mapping.people.table not in tables:
            at("people", "table", key="map_no_table", table=mapping.people.table)
        for name in mapping.people.fields:
            if name not in PEOPLE_FIELDS:
                at(
                    "people",
                    "fields",
                    name,
                    key="map_unknown_field",
                    field=name,
                    choices=", ".join(PEOPLE_FIELDS),
                )
        if "name" not in mapping.people.fields:
            at("people", "fields", key="map_missing_field", field="name")
    if mapping.history and mapping.history.table not in tables:
        at("history", "table", key="map_no_table", table=mapping.history.table)
    for group, values in mapping.values.items():
        allowed = VALUE_TARGETS.get(group)
        if allowed is None:
            at(
                "values",
                group,
                key="map_unknown_values",
                group=group,
                choices=", ".join(VALUE_TARGETS),
            )
            continue
        for target in values:
            if target not in allowed:
                at(
                    "values",
                    group,
                    target,
                    key="map_bad_target",
                    target=target,
                    choices=", ".join(allowed),
                )
        seen: dict[str, str] = {}
        for target, sources in values.items():
            for written in sources:
                first = seen.setdefault(" ".join(written.split()).casefold(), target)
                if first != target:
                    at(
                        "values",
                        group,
                        target,
                        key="map_value_twice",
                        value=written,
                        first=first,
                        target=target,
                    )
    for path, spec in _field_specs(mapping):
        if spec.values and spec.values not in mapping.values:
            at(*path, key="map_no_values", group=spec.values)
        if spec.number and spec.number not in STYLES:
            at(*path, key="map_bad_number", style=spec.number, choices=", ".join(STYLES))
        if spec.date and "%" not in spec.date and spec.date not in NAMED_FORMATS:
            at(*path, key="map_bad_date", format=spec.date, choices=", ".join(NAMED_FORMATS))
        if spec.timezone and parse_zone(spec.timezone) is None:
            at(*path, key="map_bad_zone", zone=spec.timezone)
        if spec.date in ("epoch_ms", "epoch_s") and not (spec.timezone or mapping.timezone):
            # An instant: a Beijing midnight read in UTC is the day before.
            at(*path, key="map_epoch_zone", format=spec.date)
        if not spec.columns():
            at(*path, key="map_no_column")
    if mapping.timezone and parse_zone(mapping.timezone) is None:
        at("timezone", key="map_bad_zone", zone=mapping.timezone)
    return issues


def _field_specs(mapping: ImportMap) -> list[tuple[tuple[str, ...], FieldMap]]:
    specs: list[tuple[tuple[str, ...], FieldMap]]
    specs = [(("deals", "fields", name), spec) for name, spec in mapping.deals.fields.items()]
    if mapping.people:
        specs += [
            (("people", "fields", name), spec) for name, spec in mapping.people.fields.items()
        ]
    if mapping.history:
        history = mapping.history
        specs.append((("history", "order"), history.order))
        specs += [
            ((("history", n)), s)
            for n, s in (("close_date", history.close_date), ("stage", history.stage))
            if s
        ]
    return specs
