"""The people of each deal: from a table of contact roles, a list in one cell, or the
deals table itself; one person however many rows name them, their roles a union."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ebcheck.crm.cells import Context, Reader
from ebcheck.crm.mapfile import FieldMap
from ebcheck.crm.problems import problem
from ebcheck.crm.records import ROLE_ORDER, DealRecord, Person
from ebcheck.crm.tables import Row
from ebcheck.deal.names import person_key

_NAME_EMAIL = re.compile(r"(.*?)\s*\(([^()]*)\)\s*")


def attach_people(
    reader: Reader, groups: dict[str, list[Row]], deals: dict[str, DealRecord]
) -> None:
    people = reader.map.people
    assert people is not None  # noqa: S101
    name = reader.map.table_of_people()
    table = reader.tables.get(name)
    roles_spec = people.fields.get("roles")
    mapped = frozenset(_role_targets(reader, roles_spec))
    # A person's field whose columns this export lacks is not the CRM's this time.
    person_fields = frozenset(
        field
        for field, spec in people.fields.items()
        if field not in ("name", "email") and reader.in_export(spec, people.join, name)
    )
    by_deal: dict[str, dict[str, Person]] = {deal_id: {} for deal_id in deals}
    link = people.deal or reader.deal_key
    same_table = name == reader.map.deals.table and people.deal is None
    if table is not None and (table.rows and link not in table.rows[0].cells):
        reader.missing_column(table, link)
        table = None
    for row in table.rows if table is not None else ():
        key = reader.row_deal.get(row.number, "") if same_table else reader.norm_id(row.cells[link])
        deal = _deal_for(reader, key, groups, deals)
        if deal is None:
            continue
        for ctx in _items(reader, row):
            _person(reader, ctx, by_deal[deal.id])
    for deal_id, found in by_deal.items():
        record = deals[deal_id]
        record.people = sorted(found.values(), key=lambda p: person_key(p.name))
        record.person_fields = person_fields
        record.roles_mapped = mapped
        _same_names(reader, record)


def _deal_for(
    reader: Reader, key: str, groups: dict[str, list[Row]], deals: dict[str, DealRecord]
) -> DealRecord | None:
    if key in deals:
        return deals[key]
    rows = groups.get(key)
    if not rows:
        return None
    value = reader.get("id", reader.map.deals.fields["id"], {"": rows[0]})
    return deals.get(value) if value else None


def _role_targets(reader: Reader, spec: FieldMap | None) -> set[str]:
    if spec is None:
        return set()
    if spec.values:
        return {t for t in reader.map.values.get(spec.values, {}) if t != "none"}
    return set(ROLE_ORDER)


def _items(reader: Reader, row: Row) -> Iterator[Context]:
    people = reader.map.people
    assert people is not None  # noqa: S101
    if people.cell is None:
        yield reader.joined(row, people.join, {"": row})
        return
    text, _, column = reader.cell(people.cell.column, {"": row}, optional=False)
    for part in re.split(f"[{re.escape(people.cell.split)}]", text):
        part = part.strip()
        if not part:
            continue
        match = _NAME_EMAIL.fullmatch(part)
        name, email = (match.group(1), match.group(2).strip()) if match else (part, "")
        cells = {"name": name.strip(), "email": email}
        index = row.columns.get(column, 1)
        item = Row(row.file, row.number, cells, {"name": index, "email": index})
        yield reader.joined(row, people.join, {"": row, "item": item})


def _person(reader: Reader, ctx: Context, found: dict[str, Person]) -> None:
    people = reader.map.people
    assert people is not None  # noqa: S101
    values = {name: reader.get(name, spec, ctx) for name, spec in people.fields.items()}
    name = values.get("name")
    if not name:
        if any(v for k, v in values.items() if k != "name"):
            text, row, column = reader.raw(people.fields["name"], ctx)
            own = row or ctx.get("")
            where = own.where(column) if own is not None else ""
            reader.problems.add(problem("person_no_name", where=where, column=column))
        return
    key = name
    if people.key:
        text, _, _ = reader.cell(people.key, ctx, optional=False)
        key = reader.norm_id(text) or name
    key = person_key(key)
    _, row, column = reader.raw(people.fields["name"], ctx)
    person = found.setdefault(key, Person(name=name, where=row.where(column) if row else ""))
    if person.title is None and values.get("title"):
        person.title = values["title"]
    person.roles |= values.get("roles") or set()


def _same_names(reader: Reader, record: DealRecord) -> None:
    seen: dict[str, Person] = {}
    for person in record.people or []:
        first = seen.setdefault(person_key(person.name), person)
        if first is not person:
            reader.problems.add(
                problem("same_name", where=person.where, name=person.name, id=record.id)
            )
