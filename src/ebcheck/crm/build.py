"""Join an export's tables into deal records, as the map says.

A record holds what the CRM says of one deal: its fields (None where the CRM
has nothing), its people with their titles and roles (several roles of one
person are a union), and, from a history table, the earlier close dates and
the day the deal entered its current stage. Every value is read strictly
(`dates`, `numbers`, `valuemaps`); every problem is located at its cell.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from functools import cache
from typing import Any

from pydantic_core import PydanticCustomError

from ebcheck.crm import sfid
from ebcheck.crm.dates import parse_date, parse_zone
from ebcheck.crm.mapfile import FieldMap, ImportMap
from ebcheck.crm.numbers import parse_number
from ebcheck.crm.problems import ImportProblem, Problems, problem
from ebcheck.crm.tables import Row, Table
from ebcheck.crm.valuemaps import ValueMaps
from ebcheck.deal.enums import Forecast, Role, Stage
from ebcheck.deal.fields import enum_parser
from ebcheck.deal.names import person_key

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_NAME_EMAIL = re.compile(r"(.*?)\s*\(([^()]*)\)\s*")
_DATES = ("close_date", "stage_entered", "next_step_due", "order")
_TEXT = ("id", "name", "account", "owner", "next_step", "title", "email")
_ENUMS: dict[str, tuple[str, type[Enum] | None]] = {
    "stage": ("stage", Stage),
    "forecast": ("forecast", Forecast),
    "outcome": ("outcome", None),
    "roles": ("role", Role),
}
_ROLE_NAMES = {Role.EB: "EB", Role.TB: "TB", Role.UB: "UB", Role.COACH: "coach"}
ROLE_ORDER = ("EB", "TB", "UB", "coach")

Context = dict[str, Row | None]


class _Bad:
    """A value that was there but could not be read (its problem is already noted), so
    that no second error says it is missing."""


BAD = _Bad()


@dataclass
class Person:
    name: str
    title: str | None = None
    roles: set[str] = field(default_factory=set)
    where: str = ""


@dataclass
class DealRecord:
    id: str
    fields: dict[str, Any]
    """Deal fields the map fills, by name (`next_step_due` for `next_step.due`)."""
    where: str
    people: list[Person] | None = None
    """None when the map has no people; else the CRM's people, sorted by name."""
    person_fields: frozenset[str] = frozenset()
    roles_mapped: frozenset[str] = frozenset()
    """The roles the map can give: a role outside these, written by hand, is kept."""


@cache
def _parser(enum: type[Enum]) -> Callable[[Any], Any]:
    return enum_parser(enum)


def full_name(given: str, family: str) -> str:
    """`Ada Lovelace`, but `张伟`: Chinese names are family name first, without a space."""
    if given and family:
        return family + given if _CJK.search(given + family) else f"{given} {family}"
    return given or family


class Builder:
    def __init__(self, mapping: ImportMap, tables: dict[str, Table | None], problems: Problems):
        self.map = mapping
        self.tables = tables
        self.problems = problems
        self.values = ValueMaps(mapping.values)
        self.index = {name: self._index(name) for name, spec in mapping.tables.items() if spec.key}

    def _norm_id(self, text: str) -> str:
        return sfid.normalise(text) if self.map.salesforce_ids else text.strip()

    def _index(self, name: str) -> dict[str, Row]:
        table, key = self.tables.get(name), self.map.tables[name].key
        if table is None or key is None or name == self.map.deals.table:
            return {}
        if not table.has(key):
            self._missing_column(table, key)
            return {}
        index: dict[str, Row] = {}
        for row in table.rows:
            value = self._norm_id(row.cells[key])
            if value in index:
                self.problems.add(problem("duplicate_key", where=row.where(key), key=value))
            elif value:
                index[value] = row
        return index

    def _missing_column(self, table: Table, column: str) -> None:
        self.problems.add(
            problem(
                "missing_column",
                where=table.header_where(),
                column=column,
                found=", ".join(table.header),
            )
        )

    # Reading one field -------------------------------------------------------------

    def _cell(self, ref: str, ctx: Context, optional: bool) -> tuple[str, Row | None, str]:
        """The text at column `ref` (`Name`, or `account.Name` through a join)."""
        alias, _, rest = ref.partition(".")
        row, column = (ctx.get(alias), rest) if rest and alias in ctx else (ctx.get(""), ref)
        if row is None:
            return "", None, column
        if column not in row.cells:
            if not optional:
                table = self._table_of(row)
                if table is not None:
                    self._missing_column(table, column)
            return "", None, column
        return row.cells[column], row, column

    def _table_of(self, row: Row) -> Table | None:
        return next((t for t in self.tables.values() if t is not None and t.file == row.file), None)

    def raw(self, spec: FieldMap, ctx: Context) -> tuple[str, Row | None, str]:
        text, row, column = "", None, ""
        if spec.given or spec.family:
            given, row_g, col_g = self._cell(spec.given or "", ctx, spec.optional)
            family, row_f, col_f = self._cell(spec.family or "", ctx, spec.optional)
            text = full_name(given, family)
            row, column = (row_f, col_f) if row_f is not None else (row_g, col_g)
        if spec.column and not text.strip():
            # With given/family, `column` is the fallback (a name written in one cell).
            text, row, column = self._cell(spec.column, ctx, spec.optional)
        if not text.strip() and spec.default is not None:
            return spec.default, row, column
        return text, row, column

    def value(self, name: str, spec: FieldMap, ctx: Context) -> Any:
        """The field read and converted; None when empty or wrong (a problem is noted)."""
        text, row, column = self.raw(spec, ctx)
        text = text.strip()
        if not text:
            return None
        where = row.where(column) if row is not None else self.map.path
        file = row.file if row is not None else ""
        try:
            return self._convert(name, spec, text, file, column, where)
        except ImportProblem as exc:
            self.problems.add(ImportProblem(exc.key, where=where, column=column, **exc.facts))
            return BAD

    def get(self, name: str, spec: FieldMap, ctx: Context) -> Any:
        """`value`, with a value that could not be read as None."""
        value = self.value(name, spec, ctx)
        return None if value is BAD else value

    def _convert(
        self, name: str, spec: FieldMap, text: str, file: str, col: str, where: str
    ) -> Any:
        if name in _TEXT:
            return self._norm_id(text) if name == "id" else text
        if name == "amount":
            amount = parse_number(text, spec.number)
            if amount < 0:
                raise problem("negative_amount", found=text)
            return amount
        if name == "currency":
            if not re.fullmatch(r"[A-Za-z]{3}", text):
                raise problem("bad_currency", found=text)
            return text.upper()
        if name in _DATES:
            zone_text = spec.timezone or self.map.timezone
            return parse_date(text, spec.date, parse_zone(zone_text) if zone_text else None)
        group, enum = _ENUMS[name]
        parts = (
            [p.strip() for p in re.split(f"[{re.escape(spec.split)}]", text)]
            if spec.split
            else [text]
        )
        found = [self._choice(spec, group, enum, p, file, col, where) for p in parts if p]
        if name == "roles":
            return {v for v in found if isinstance(v, str)}
        return found[0] if found else None

    def _choice(
        self, spec: FieldMap, group: str, enum: type[Enum] | None, text: str, *at: str
    ) -> str | _Bad | None:
        if spec.values:
            file, column, where = at
            known, target = self.values.match(spec.values, text, file, column, where)
            return target if known else BAD
        if enum is None:
            if text in ("closed_won", "closed_lost", "none"):
                return None if text == "none" else text
            raise problem("bad_choice", found=text, choices="closed_won, closed_lost, none")
        try:
            member = _parser(enum)(text)
        except PydanticCustomError:
            choices = ", ".join(str(m.value) for m in enum)
            raise problem("bad_choice", found=text, choices=choices) from None
        if isinstance(member, Role):
            return _ROLE_NAMES[member]
        return str(member.value)

    def joined(self, row: Row, join: dict[str, str], base: Context) -> Context:
        ctx: Context = {**base, "": base.get("", row)}
        for alias, column in join.items():
            if self.tables.get(alias) is None:
                ctx[alias] = None
                continue
            key, where_row, real = self._cell(column, ctx, optional=False)
            key = self._norm_id(key)
            target = self.index.get(alias, {}).get(key) if key else None
            if key and target is None and where_row is not None:
                self.problems.add(
                    problem(
                        "join_missing",
                        where=where_row.where(real),
                        key=key,
                        table=self.map.tables[alias].file,
                    )
                )
            ctx[alias] = target
        return ctx

    # Deals -------------------------------------------------------------------------

    def deals(self) -> list[DealRecord]:
        table = self.tables.get(self.map.deals.table)
        if table is None:
            return []
        key = self.map.deals_key()
        if not table.has(key):
            self._missing_column(table, key)
            return []
        groups: dict[str, list[Row]] = {}
        for row in table.rows:
            value = self._norm_id(row.cells[key])
            if not value:
                self.problems.add(problem("no_deal_key", where=row.where(key), column=key))
                continue
            groups.setdefault(value, []).append(row)
        records = [self._deal(rows) for rows in groups.values()]
        deals = {r.id: r for r in records if r is not None}
        if self.map.people is not None:
            self._people(groups, deals)
        if self.map.history is not None:
            self._history(deals)
        self.values.report(self.problems)
        return sorted(deals.values(), key=lambda r: r.id)

    def _deal(self, rows: list[Row]) -> DealRecord | None:
        fields: dict[str, Any] = {}
        for name, spec in self.map.deals.fields.items():
            fields[name] = self._agreed(name, spec, rows, self.map.deals.join)
        bad = {name for name, value in fields.items() if value is BAD}
        fields = {name: None if value is BAD else value for name, value in fields.items()}
        outcome = fields.pop("outcome", None)
        if outcome is not None:
            fields["stage"] = outcome
        first = rows[0]
        where = first.where(self.map.deals_key())
        for required in ("id", "name", "account", "stage"):
            if fields.get(required) is None and required not in bad:
                spec = self.map.deals.fields[required]
                column = (spec.columns() or [""])[0]
                self.problems.add(
                    problem("required", where=first.where(column), field=required, column=column)
                )
        stage = fields.get("stage")
        no_close = fields.get("close_date") is None and "close_date" not in bad
        if stage is not None and not Stage(stage).is_closed and no_close:
            close_spec = self.map.deals.fields.get("close_date")
            column = (close_spec.columns() or [""])[0] if close_spec else ""
            self.problems.add(
                problem("close_date_missing", where=first.where(column), id=fields.get("id"))
            )
        if fields.get("id") is None:
            return None
        return DealRecord(id=fields["id"], fields=fields, where=where)

    def _agreed(self, name: str, spec: FieldMap, rows: list[Row], join: dict[str, str]) -> Any:
        """The value of the first row that has one; a different value later is an error."""
        chosen: Any = None
        for row in rows:
            value = self.value(name, spec, self.joined(row, join, {"": row}))
            if value is BAD:
                return BAD
            if value is None:
                continue
            if chosen is None:
                chosen = value
            elif value != chosen:
                column = (spec.columns() or [""])[0]
                self.problems.add(
                    problem(
                        "conflict",
                        where=row.where(column),
                        column=column,
                        first=str(chosen),
                        found=str(value),
                    )
                )
        return chosen

    # People ------------------------------------------------------------------------

    def _people(self, groups: dict[str, list[Row]], deals: dict[str, DealRecord]) -> None:
        people = self.map.people
        assert people is not None  # noqa: S101
        name = self.map.table_of_people()
        table = self.tables.get(name)
        roles_spec = people.fields.get("roles")
        mapped = frozenset(self._role_targets(roles_spec))
        person_fields = frozenset(people.fields) - {"name", "email"}
        by_deal: dict[str, dict[str, Person]] = {deal_id: {} for deal_id in deals}
        link = people.deal or self.map.deals_key()
        if table is not None and (table.rows and link not in table.rows[0].cells):
            self._missing_column(table, link)
            table = None
        for row in table.rows if table is not None else ():
            key = self._norm_id(row.cells[link])
            deal = self._deal_for(key, groups, deals)
            if deal is None:
                continue
            for ctx in self._items(row):
                self._person(ctx, by_deal[deal.id])
        for deal_id, found in by_deal.items():
            record = deals[deal_id]
            record.people = sorted(found.values(), key=lambda p: person_key(p.name))
            record.person_fields = person_fields
            record.roles_mapped = mapped
            self._same_names(record)

    def _deal_for(
        self, key: str, groups: dict[str, list[Row]], deals: dict[str, DealRecord]
    ) -> DealRecord | None:
        if key in deals:
            return deals[key]
        rows = groups.get(key)
        if not rows:
            return None
        value = self.get("id", self.map.deals.fields["id"], {"": rows[0]})
        return deals.get(value) if value else None

    def _role_targets(self, spec: FieldMap | None) -> set[str]:
        if spec is None:
            return set()
        if spec.values:
            return {t for t in self.map.values.get(spec.values, {}) if t != "none"}
        return set(ROLE_ORDER)

    def _items(self, row: Row) -> Iterator[Context]:
        people = self.map.people
        assert people is not None  # noqa: S101
        if people.cell is None:
            yield self.joined(row, people.join, {"": row})
            return
        text, _, column = self._cell(people.cell.column, {"": row}, optional=False)
        for part in re.split(f"[{re.escape(people.cell.split)}]", text):
            part = part.strip()
            if not part:
                continue
            match = _NAME_EMAIL.fullmatch(part)
            name, email = (match.group(1), match.group(2).strip()) if match else (part, "")
            cells = {"name": name.strip(), "email": email}
            index = row.columns.get(column, 1)
            item = Row(row.file, row.number, cells, {"name": index, "email": index})
            yield self.joined(row, people.join, {"": row, "item": item})

    def _person(self, ctx: Context, found: dict[str, Person]) -> None:
        people = self.map.people
        assert people is not None  # noqa: S101
        values = {name: self.get(name, spec, ctx) for name, spec in people.fields.items()}
        name = values.get("name")
        if not name:
            if any(v for k, v in values.items() if k != "name"):
                text, row, column = self.raw(people.fields["name"], ctx)
                own = row or ctx.get("")
                where = own.where(column) if own is not None else ""
                self.problems.add(problem("person_no_name", where=where, column=column))
            return
        key = name
        if people.key:
            text, _, _ = self._cell(people.key, ctx, optional=False)
            key = self._norm_id(text) or name
        key = person_key(key)
        _, row, column = self.raw(people.fields["name"], ctx)
        person = found.setdefault(key, Person(name=name, where=row.where(column) if row else ""))
        if person.title is None and values.get("title"):
            person.title = values["title"]
        person.roles |= values.get("roles") or set()

    def _same_names(self, record: DealRecord) -> None:
        seen: dict[str, Person] = {}
        for person in record.people or []:
            first = seen.setdefault(person_key(person.name), person)
            if first is not person:
                self.problems.add(
                    problem("same_name", where=person.where, name=person.name, id=record.id)
                )

    # History -----------------------------------------------------------------------

    def _history(self, deals: dict[str, DealRecord]) -> None:
        history = self.map.history
        assert history is not None  # noqa: S101
        table = self.tables.get(history.table)
        if table is None:
            return
        rows: dict[str, list[tuple[dt.date, int, dt.date | None, str | None]]] = {}
        for row in table.rows:
            if history.deal not in row.cells:
                self._missing_column(table, history.deal)
                return
            deal_id = self._norm_id(row.cells[history.deal])
            if deal_id not in deals:
                continue
            ctx: Context = {"": row}
            order = self.get("order", history.order, ctx)
            if order is None:
                continue
            close = self.get("close_date", history.close_date, ctx) if history.close_date else None
            stage = self.get("stage", history.stage, ctx) if history.stage else None
            rows.setdefault(deal_id, []).append((order, row.number, close, stage))
        for deal_id, record in deals.items():
            changes = sorted(rows.get(deal_id, []))
            if history.close_date is not None:
                record.fields["close_date_history"] = (
                    _earlier_close_dates(changes, record.fields.get("close_date"))
                    if changes
                    else None
                )
            if history.stage is not None and "stage_entered" not in self.map.deals.fields:
                record.fields["stage_entered"] = _stage_entered(changes, record.fields.get("stage"))


def _earlier_close_dates(
    changes: list[tuple[dt.date, int, dt.date | None, str | None]], current: dt.date | None
) -> list[dt.date]:
    dates: list[dt.date] = []
    for _, _, close, _ in changes:
        if close is not None and (not dates or dates[-1] != close):
            dates.append(close)
    if dates and dates[-1] == current:
        dates.pop()
    return dates


def _stage_entered(
    changes: list[tuple[dt.date, int, dt.date | None, str | None]], current: str | None
) -> dt.date | None:
    entered = None
    for order, _, _, stage in reversed(changes):
        if stage is None:
            continue
        if stage != current:
            break
        entered = order
    return entered
