"""Reading one field of the map from a row and the rows joined to it, strictly.

A field names a column of the row (`Name`), or of a joined row
(`account.Name`), or a given and a family name; its text is then read as the
field's kind says: text, an amount (`numbers`), a currency, a date (`dates`),
or a choice through a value map (`valuemaps`). A problem is noted at the
cell, and the value becomes `BAD`, so that no second error says it is missing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import Enum
from functools import cache
from typing import Any

from pydantic_core import PydanticCustomError

from ebcheck.crm import sfid
from ebcheck.crm.dates import day_month_order, parse_date, parse_zone
from ebcheck.crm.mapfile import FieldMap, ImportMap
from ebcheck.crm.numbers import parse_number
from ebcheck.crm.problems import ImportProblem, Problems, problem
from ebcheck.crm.records import full_name
from ebcheck.crm.tables import Row, Table
from ebcheck.crm.valuemaps import ValueMaps
from ebcheck.deal.enums import Forecast, Role, Stage
from ebcheck.deal.fields import enum_parser

_DATES = ("close_date", "stage_entered", "next_step_due", "order")
_TEXT = ("id", "name", "account", "owner", "next_step", "title", "email")
_ENUMS: dict[str, tuple[str, type[Enum] | None]] = {
    "stage": ("stage", Stage),
    "forecast": ("forecast", Forecast),
    "outcome": ("outcome", None),
    "roles": ("role", Role),
}
_ROLE_NAMES = {Role.EB: "EB", Role.TB: "TB", Role.UB: "UB", Role.COACH: "coach"}

Context = dict[str, Row | None]
"""The rows a field may read: `""` the row itself, else a joined table's alias."""


class _Bad:
    """A value that was there but could not be read (its problem is already noted)."""


BAD = _Bad()


@cache
def _parser(enum: type[Enum]) -> Callable[[Any], Any]:
    return enum_parser(enum)


class Reader:
    """The map's fields read from the export's rows, with every problem noted."""

    def __init__(self, mapping: ImportMap, tables: dict[str, Table | None], problems: Problems):
        self.map = mapping
        self.tables = tables
        self.problems = problems
        self.values = ValueMaps(mapping.values)
        self.index = {name: self._index(name) for name, spec in mapping.tables.items() if spec.key}
        deals = tables.get(mapping.deals.table)
        self.deal_key = mapping.deals_key(deals.header if deals else ())
        self._orders: dict[tuple[str, str], tuple[str, str, str]] = {}
        self.row_deal: dict[int, str] = {}
        """The deal key of each row of the deals table (filled down where the map says)."""

    def norm_id(self, text: str) -> str:
        return sfid.normalise(text) if self.map.salesforce_ids else text.strip()

    def _join_key(self, table: str, text: str) -> str:
        """A key as the index of `table` holds it: case-folded where the map says."""
        value = self.norm_id(text)
        return value.casefold() if self.map.tables[table].key_case == "insensitive" else value

    def _index(self, name: str) -> dict[str, Row]:
        table, key = self.tables.get(name), self.map.tables[name].key
        if table is None or key is None or name == self.map.deals.table:
            return {}
        if not table.has(key):
            self.missing_column(table, key)
            return {}
        index: dict[str, Row] = {}
        for row in table.rows:
            value = self._join_key(name, row.cells[key])
            if value in index:
                self.problems.add(
                    problem("duplicate_key", where=row.where(key), key=row.cells[key].strip())
                )
            elif value:
                index[value] = row
        return index

    def missing_column(self, table: Table, column: str) -> None:
        self.problems.add(
            problem(
                "missing_column",
                where=table.header_where(),
                column=column,
                found=", ".join(table.header),
            )
        )

    def cell(self, ref: str, ctx: Context, optional: bool) -> tuple[str, Row | None, str]:
        """The text at column `ref` (`Name`, or `account.Name` through a join)."""
        alias, _, rest = ref.partition(".")
        row, column = (ctx.get(alias), rest) if rest and alias in ctx else (ctx.get(""), ref)
        if row is None:
            return "", None, column
        if column not in row.cells:
            if not optional:
                table = self.table_of(row)
                if table is not None:
                    self.missing_column(table, column)
            return "", None, column
        return row.cells[column], row, column

    def _first_present(self, refs: str | list[str], ctx: Context) -> str:
        """Of several columns, the first the export has (else the first, to report it)."""
        if isinstance(refs, str):
            return refs
        for ref in refs:
            alias, _, rest = ref.partition(".")
            row, column = (ctx.get(alias), rest) if rest and alias in ctx else (ctx.get(""), ref)
            if row is not None and column in row.cells:
                return ref
        return refs[0]

    def in_export(self, spec: FieldMap, join: dict[str, str], base: str) -> bool:
        """Whether the export has a column `spec` reads (in the table `base`, or in a
        table joined to it), or the map gives a default. A field whose columns are all
        absent (an optional column or table left out of this export) says nothing: a
        re-import must leave what the file holds, not empty it."""
        if spec.default is not None:
            return True
        for ref in spec.columns():
            alias, _, rest = ref.partition(".")
            name, column = (alias, rest) if rest and alias in join else (base, ref)
            if alias == "item" and rest:  # a person listed in one cell: always there
                return True
            table = self.tables.get(name)
            if table is not None and table.has(column):
                return True
        return False

    def table_of(self, row: Row) -> Table | None:
        return next((t for t in self.tables.values() if t is not None and t.file == row.file), None)

    def raw(self, spec: FieldMap, ctx: Context) -> tuple[str, Row | None, str]:
        text, row, column = "", None, ""
        if spec.given or spec.family:
            given, row_g, col_g = self.cell(spec.given or "", ctx, spec.optional)
            family, row_f, col_f = self.cell(spec.family or "", ctx, spec.optional)
            text = full_name(given, family)
            row, column = (row_f, col_f) if row_f is not None else (row_g, col_g)
        if spec.column and not text.strip():
            # With given/family, `column` is the fallback (a name written in one cell).
            text, row, column = self.cell(self._first_present(spec.column, ctx), ctx, spec.optional)
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
            return self.norm_id(text) if name == "id" else text
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
            day = parse_date(text, spec.date, parse_zone(zone_text) if zone_text else None)
            self._same_order(text, file, col, where)
            return day
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

    def _same_order(self, text: str, file: str, column: str, where: str) -> None:
        """A column read without a format must not write day-first and month-first dates."""
        order = day_month_order(text)
        if order is None:
            return
        first = self._orders.setdefault((file, column), (order, where, text))
        if first[0] != order:
            raise problem("date_mixed", found=text, first=first[2], first_where=first[1])

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
            key, where_row, real = self.cell(column, ctx, optional=False)
            key = self.norm_id(key)
            target = self.index.get(alias, {}).get(self._join_key(alias, key)) if key else None
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
