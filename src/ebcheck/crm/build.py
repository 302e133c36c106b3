"""Join an export's tables into deal records, as the map says.

Rows of the deals table with the same key are one deal: each field takes the
value of the first row that has one, and a row that says otherwise is an
error. The people (`people`) and the change history (`history`) are then
attached. Every value is read strictly (`cells`); every problem is located
at its cell, and all are reported together.
"""

from __future__ import annotations

from typing import Any

from ebcheck.crm.cells import BAD, Reader
from ebcheck.crm.history import attach_history
from ebcheck.crm.mapfile import FieldMap, ImportMap
from ebcheck.crm.people import attach_people
from ebcheck.crm.problems import Problems, problem
from ebcheck.crm.records import DealRecord
from ebcheck.crm.tables import Row, Table
from ebcheck.deal.enums import Stage


def build_deals(
    mapping: ImportMap, tables: dict[str, Table | None], problems: Problems
) -> list[DealRecord]:
    """The export's deals, sorted by id."""
    return Builder(mapping, tables, problems).deals()


class Builder(Reader):
    def deals(self) -> list[DealRecord]:
        table = self.tables.get(self.map.deals.table)
        if table is None:
            return []
        key = self.deal_key
        if not table.has(key):
            self.missing_column(table, key)
            return []
        groups: dict[str, list[Row]] = {}
        above = ""
        for row in table.rows:
            value = self.norm_id(row.cells[key]) or (above if self.map.deals.fill_down else "")
            if not value:
                self.problems.add(problem("no_deal_key", where=row.where(key), column=key))
                continue
            above = value
            self.row_deal[row.number] = value
            groups.setdefault(value, []).append(row)
        records = [self._deal(rows) for rows in groups.values()]
        deals = {r.id: r for r in records if r is not None}
        if self.map.people is not None:
            attach_people(self, groups, deals)
        if self.map.history is not None:
            attach_history(self, deals)
        self.values.report(self.problems)
        return sorted(deals.values(), key=lambda r: r.id)

    def _deal(self, rows: list[Row]) -> DealRecord | None:
        fields: dict[str, Any] = {}
        join, table = self.map.deals.join, self.map.deals.table
        for name, spec in self.map.deals.fields.items():
            if spec.optional and not self.in_export(spec, join, table):
                continue  # not in this export: the file keeps what it has
            fields[name] = self._agreed(name, spec, rows, join)
        bad = {name for name, value in fields.items() if value is BAD}
        fields = {name: None if value is BAD else value for name, value in fields.items()}
        outcome = fields.pop("outcome", None)
        if outcome is not None:
            fields["stage"] = outcome
        first = rows[0]
        where = first.where(self.deal_key)
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
