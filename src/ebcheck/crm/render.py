"""Deal files as text: new files rendered deterministically, and the YAML of one value.

Every value is written on one line (text with a line break in double quotes,
lists in flow style), which is what lets `merge` replace a value in place. A
text that YAML would read as something else (`0042`, `yes`, `2026-12-31`,
`a: b`) is quoted, so the file says what the CRM said.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import yaml

from ebcheck.crm.records import ROLE_ORDER, DealRecord, Person
from ebcheck.deal.money import plain

DEAL_ORDER = (
    "id", "name", "account", "owner", "amount", "currency", "stage", "close_date",
    "forecast", "stage_entered", "close_date_history", "next_step",
)  # fmt: skip
PERSON_ORDER = ("name", "title", "roles")
_LINE_BREAKS = "\n\r\x85\u2028\u2029"
"""What YAML reads as a line break: such a text is written in double quotes, escaped."""


def scalar(value: Any, flow: bool = False) -> str:
    """One value as YAML on one line; `flow`: it stands inside `[…]` or `{…}`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, Decimal):  # an amount: its exact digits, never an exponent
        return plain(value)
    text = str(value)
    breaks = any(char in text for char in _LINE_BREAKS)
    style = '"' if breaks or (flow and _flow_unsafe(text)) else None
    dumped: str = yaml.dump(
        text, Dumper=yaml.SafeDumper, allow_unicode=True, width=10**9, default_style=style
    )
    return dumped.removesuffix("\n").removesuffix("\n...").removesuffix("\n")


_FLOW_SAFE = re.compile(r"\w[\w .+/@-]*")


def _flow_unsafe(text: str) -> bool:
    """Inside `[…]` and `{…}` more characters mean syntax (`,`, `?`, `:`…): only plain
    words stay unquoted there."""
    return not _FLOW_SAFE.fullmatch(text)


def inline(value: Any, flow: bool = False) -> str:
    """A value, a list or a mapping on one line."""
    if isinstance(value, list | tuple | set):
        return "[" + ", ".join(inline(item, True) for item in value) + "]"
    if isinstance(value, dict):
        items = (f"{k}: {inline(v, True)}" for k, v in value.items() if v is not None)
        return "{" + ", ".join(items) + "}"
    return scalar(value, flow)


def block(key: str, value: Any, indent: int) -> list[str]:
    """`key: value` as block lines at `indent`."""
    pad = " " * indent
    if isinstance(value, dict):
        lines = [f"{pad}{key}:"]
        for sub, item in value.items():
            if item is not None:
                lines += block(sub, item, indent + 2)
        return lines
    if isinstance(value, list) and value and isinstance(value[0], dict):
        lines = [f"{pad}{key}:"]
        for item in value:
            lines += list_item(item, indent + 2)
        return lines
    return [f"{pad}{key}: {inline(value)}"]


def list_item(item: dict[str, Any], indent: int) -> list[str]:
    """One `- key: value` item of a block list of mappings."""
    lines: list[str] = []
    for key, value in item.items():
        if value is None:
            continue
        for line in block(key, value, indent + 2):
            lines.append(line if lines else " " * indent + "- " + line[indent + 2 :])
    return lines


def deal_entries(record: DealRecord) -> dict[str, Any]:
    """The deal fields the CRM owns, in file order (None: the CRM has no value)."""
    fields = record.fields
    entries: dict[str, Any] = {}
    for key in DEAL_ORDER:
        if key == "next_step":
            if "next_step" in fields or "next_step_due" in fields:
                step = {"action": fields.get("next_step")}
                if "next_step_due" in fields:
                    step["due"] = fields.get("next_step_due")
                entries[key] = step
        elif key in fields:
            entries[key] = fields[key]
    return entries


def person_entries(person: Person, owned: frozenset[str]) -> dict[str, Any]:
    entries: dict[str, Any] = {"name": person.name}
    if "title" in owned:
        entries["title"] = person.title
    if "roles" in owned:
        entries["roles"] = sorted_roles(person.roles) or None
    return entries


def sorted_roles(roles: set[str]) -> list[str]:
    return [role for role in ROLE_ORDER if role in roles]


def render_new(record: DealRecord, header: list[str]) -> str:
    lines = [f"# {line}" if line else "#" for line in header]
    lines += ["ebcheck: 1", "deal:"]
    for key, value in deal_entries(record).items():
        if value is None or (isinstance(value, dict) and value.get("action") is None):
            continue
        lines += block(key, value, 2)
    if record.people:
        lines.append("stakeholders:")
        for person in record.people:
            lines += list_item(person_entries(person, record.person_fields), 2)
    return "\n".join(lines) + "\n"
