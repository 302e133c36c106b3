"""The JSON Schema of the deal format, for editors (`ebcheck schema`)."""

from __future__ import annotations

import json
from typing import Any

from ebcheck.deal.enums import ALIASES, Role
from ebcheck.deal.models import EXTENSION_KEY, DealFile

_SHARE_AS_TEXT = {"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*%\s*$"}


def _loosen_text(node: dict[str, Any]) -> None:
    """Text fields take any scalar as written (`id: 0042`), so editors must not flag them."""
    for field in (node.get("properties") or {}).values():
        for option in field.get("anyOf", [field]):
            if option.get("type") == "string" and not {"format", "enum", "pattern"} & set(option):
                option["type"] = ["string", "number", "boolean"]


def _allow_extensions(node: dict[str, Any]) -> None:
    """Every mapping takes `x-` keys; pydantic only knows the alias that collects them."""
    properties = node.get("properties")
    if isinstance(properties, dict):
        properties.pop(EXTENSION_KEY, None)
        node["patternProperties"] = {"^x-": {}}
        node["additionalProperties"] = False


def _role_values() -> list[str]:
    values = [role.value for role in Role] + list(ALIASES[Role])
    return sorted(set(values), key=str.lower)


def deal_schema() -> dict[str, Any]:
    schema = DealFile.model_json_schema(mode="validation")
    for node in [schema, *schema.get("$defs", {}).values()]:
        _allow_extensions(node)
        _loosen_text(node)
    defs = schema.get("$defs", {})
    if "Role" in defs:
        defs["Role"]["enum"] = _role_values()
    share = defs.get("Relationship", {}).get("properties", {}).get("share_of_wallet")
    if isinstance(share, dict):
        share["anyOf"] = [
            {"type": "number", "minimum": 0, "maximum": 1},
            _SHARE_AS_TEXT,
            {"type": "null"},
        ]
    for person in ("role", "roles"):
        field = defs.get("Stakeholder", {}).get("properties", {}).get(person)
        if isinstance(field, dict):
            ref = {"$ref": "#/$defs/Role"}
            field.pop("items", None)
            field.pop("type", None)
            field["anyOf"] = [ref, {"type": "array", "items": ref}]
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "ebcheck deal file, format version 1"
    return schema


def schema_text() -> str:
    return json.dumps(deal_schema(), ensure_ascii=False, indent=2) + "\n"
