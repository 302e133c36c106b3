"""The JSON Schema of the deal format, for editors (`ebcheck schema`).

Built from the models, field by field: each field's schema follows from the
parser that reads it (`fields.py`), so that the schema accepts what the loader
accepts. A field whose parser this module does not know is an error here, not
a silently wrong schema: a new field needs its schema said.

What JSON Schema cannot say is left to the loader: a repeated stakeholder
name, a signer who is no stakeholder, duplicate keys (gone once YAML is
parsed). Patterns are written for both Python and JavaScript regular
expressions (no inline flags), since editors run the latter.
"""

from __future__ import annotations

import json
import re
import typing
from collections.abc import Callable, Iterable
from enum import Enum
from types import NoneType
from typing import Any

from pydantic import BaseModel, BeforeValidator
from pydantic.fields import FieldInfo

from ebcheck.deal import fields as f
from ebcheck.deal.enums import ALIASES, LABELS, Affiliation, Role, Stage
from ebcheck.deal.models import EXTENSION_KEY, DealFile, Model, type_in

Schema = dict[str, Any]

_NULL: Schema = {"type": "null"}
_DATE: Schema = {"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
# Text fields take any scalar exactly as written (`id: 0042`); a required one
# must hold more than spaces.
_TEXT: Schema = {"type": ["string", "number", "boolean"], "pattern": r"\S"}
_OPT_TEXT: Schema = {"type": ["string", "number", "boolean", "null"]}
_TEXT_LIST: Schema = {"anyOf": [_NULL, _TEXT, {"type": "array", "items": _TEXT}]}
# The loader refuses a number beyond a quadrillion (`f.MAX_NUMBER`): no deal has one.
_MONEY: Schema = {"type": "number", "minimum": 0, "maximum": f.MAX_NUMBER}
_POSITIVE: Schema = {"type": "number", "exclusiveMinimum": 0, "maximum": f.MAX_NUMBER}
_PERCENT = r"^\s*\+?0*(?:100(?:\.0*)?|[0-9]{1,2}(?:\.[0-9]*)?|\.[0-9]+)\s*%\s*$"
_FRACTION: Schema = {
    "anyOf": [
        {"type": "number", "minimum": 0, "maximum": 1},
        {"type": "string", "pattern": _PERCENT},
    ]
}
_BOOL: Schema = {"type": "boolean"}
_CURRENCY: Schema = {"type": "string", "pattern": "^[A-Za-z]{3}$"}
_VERSION: Schema = {"const": 1, "description": "The format version: 1."}
# A compelling event written as plain text is its `event`; a bare date is not
# one (the loader says to write the mapping form), nor is a YAML timestamp.
_DATE_LIKE = (
    r"^\s*(?:[0-9]{4}[-/.年][0-9]{1,2}[-/.月][0-9]{1,2}日?"
    r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}.*)\s*$"
)
_EVENT_TEXT: Schema = {
    "anyOf": [
        {"type": ["number", "boolean"]},
        {"type": "string", "pattern": r"\S", "not": {"pattern": _DATE_LIKE}},
    ]
}

# The schema of what each parser of `fields.py` reads (null is added when the
# field's type admits None).
_BY_PARSER: dict[Callable[..., Any], Schema] = {
    f.to_required_text: _TEXT,
    f.to_text: _OPT_TEXT,
    f.to_text_list: _TEXT_LIST,
    f.money_field: _MONEY,
    f.positive_money_field: _POSITIVE,
    f.to_positive: _POSITIVE,
    f.to_fraction: _FRACTION,
    f.to_date: _DATE,
    f.to_bool: _BOOL,
    f.to_currency: _CURRENCY,
    f.to_version: _VERSION,
}


def _ref(name: str) -> Schema:
    return {"$ref": f"#/$defs/{name}"}


def _nullable(schema: Schema) -> Schema:
    return {"anyOf": [_NULL, schema]}


# Fields read by a parser of their own in `models.py`: their schema, given the
# schema of the model the field holds (if any).
_SPECIAL: dict[tuple[str, str], Callable[[Schema | None], Schema]] = {
    ("DealInfo", "close_date_history"): lambda _: {
        "anyOf": [_NULL, _DATE, {"type": "array", "items": _DATE}],
        "description": "Earlier close dates, oldest first; [] = the close date never moved.",
    },
    ("Insights", "compelling_event"): lambda event: {
        "anyOf": [_NULL, event or {}, _EVENT_TEXT],
        "description": "Why now: {event: ..., date: YYYY-MM-DD}, or the event as plain text.",
    },
    ("Insights", "competitors"): lambda _: _TEXT_LIST,
    ("Stakeholder", "validated"): lambda _: _nullable(_BOOL),
}


# --- enumerations -----------------------------------------------------------


def _spellings(enum: type[Enum], values: Iterable[str]) -> list[str]:
    """The ASCII spellings the loader reads as one of `values` (lower case)."""
    wanted = set(values)
    words = [value.lower() for value in wanted]
    words += [alias for alias, target in ALIASES.get(enum, {}).items() if target in wanted]
    return sorted(set(words))


def _any_case(word: str) -> str:
    """`best_case` in any case, `-` or a space for the underscore."""
    out = []
    for char in word:
        if char == "_":
            out.append("[-_ ]")
        elif char.isalpha():
            out.append(f"[{char.lower()}{char.upper()}]")
        else:
            out.append(re.escape(char))
    return "".join(out)


def choice_pattern(enum: type[Enum], values: Iterable[str] | None = None) -> str:
    """A pattern matching what the loader reads as `enum` (or only as `values`)."""
    wanted = [member.value for member in enum] if values is None else list(values)
    ascii_words = [_any_case(word) for word in _spellings(enum, wanted)]
    labels = [re.escape(label) for value in wanted for label in LABELS.get(enum, {}).get(value, ())]
    return r"^\s*(?:" + "|".join([*ascii_words, *labels]) + r")\s*$"


def _enum_schema(enum: type[Enum]) -> Schema:
    values = [member.value for member in enum]
    labels = [label for value in values for label in LABELS.get(enum, {}).get(value, ())]
    description = "One of " + ", ".join(values) + " (any case)"
    if enum in ALIASES:
        description += ", or " + ", ".join(sorted(ALIASES[enum]))
    if labels:
        description += "; or in Chinese: " + ", ".join(labels)
    return {
        "title": enum.__name__,
        "description": description + ".",
        # `enum` for editors to offer; the pattern for what the loader reads.
        "anyOf": [
            {"enum": [*values, *labels]},
            {"type": "string", "pattern": choice_pattern(enum)},
        ],
    }


def _admits_none(annotation: Any) -> bool:
    return annotation is None or NoneType in typing.get_args(annotation)


# --- models -----------------------------------------------------------------


class _Builder:
    def __init__(self) -> None:
        self.defs: dict[str, Schema] = {}

    def enum(self, enum: type[Enum]) -> Schema:
        self.defs.setdefault(enum.__name__, _enum_schema(enum))
        return _ref(enum.__name__)

    def model(self, model: type[BaseModel]) -> Schema:
        name = model.__name__
        if name not in self.defs:
            self.defs[name] = {}  # placeholder: models do not nest into themselves
            self.defs[name] = self._object(model)
        return _ref(name)

    def _object(self, model: type[BaseModel]) -> Schema:
        properties = {
            name: self.field(model, name, info)
            for name, info in model.model_fields.items()
            if name != "extensions"
        }
        required = [name for name, info in model.model_fields.items() if info.is_required()]
        schema: Schema = {"title": model.__name__, "type": "object"}
        doc = (model.__doc__ or "").strip()
        if doc and model.__doc__ != Model.__doc__:
            schema["description"] = doc.split("\n\n")[0]
        schema["properties"] = properties
        if required:
            schema["required"] = required
        schema["patternProperties"] = {f"^{EXTENSION_KEY}": {}}
        schema["additionalProperties"] = False
        schema.update(_RULES_ACROSS_FIELDS.get(model.__name__, {}))
        return schema

    def field(self, model: type[BaseModel], name: str, info: FieldInfo) -> Schema:
        special = _SPECIAL.get((model.__name__, name))
        if special is not None:
            inner = type_in(info.annotation, BaseModel)
            return special(self.model(inner) if inner is not None else None)
        parsers = [m.func for m in info.metadata if isinstance(m, BeforeValidator)]
        schema = self._by_parser(model, name, info, parsers)
        # A key written with nothing after it is no key: optional fields admit null.
        optional = _admits_none(info.annotation) or not info.is_required()
        return _nullable(schema) if optional else schema

    def _by_parser(
        self, model: type[BaseModel], name: str, info: FieldInfo, parsers: list[Any]
    ) -> Schema:
        where = f"{model.__name__}.{name}"
        if not parsers:
            inner = type_in(info.annotation, BaseModel)
            if inner is None:
                raise TypeError(f"no JSON Schema for {where}: an unparsed non-model field")
            return self.model(inner)
        (parser,) = parsers
        if parser in _BY_PARSER:
            return _BY_PARSER[parser]
        qualname = getattr(parser, "__qualname__", "")
        enum = type_in(info.annotation, Enum)
        if qualname.startswith("enum_parser.") and enum is not None:
            return self.enum(enum)
        if qualname.startswith("enum_list_parser.") and enum is not None:
            one = self.enum(enum)
            return {"anyOf": [_NULL, one, {"type": "array", "items": one}]}
        inner = type_in(info.annotation, BaseModel)
        if parser is f.to_list and inner is not None:
            return {"anyOf": [_NULL, {"type": "array", "items": self.model(inner)}]}
        raise TypeError(f"no JSON Schema for {where}: parser {qualname or parser!r}")


def _matching(pattern: str) -> Schema:
    """Text matching `pattern` (a rule's condition: other types fail it)."""
    return {"type": "string", "pattern": pattern}


# Rules that tie two fields of one mapping together.
_CLOSED = choice_pattern(Stage, [Stage.CLOSED_WON.value, Stage.CLOSED_LOST.value])
_OUTSIDE = choice_pattern(Affiliation, [Affiliation.PARTNER.value, Affiliation.OURS.value])
_COACH = _matching(choice_pattern(Role, [Role.COACH.value]))
_NO_BUYING_ROLE: Schema = {"anyOf": [_NULL, _COACH, {"type": "array", "items": _COACH}]}
_RULES_ACROSS_FIELDS: dict[str, Schema] = {
    # An open deal needs a close date.
    "DealInfo": {
        "if": {"properties": {"stage": _matching(_CLOSED)}, "required": ["stage"]},
        "else": {"required": ["close_date"], "properties": {"close_date": {"not": _NULL}}},
    },
    # Only the customer's people hold EB, TB and UB; a partner or our own may coach.
    "Stakeholder": {
        "if": {"properties": {"affiliation": _matching(_OUTSIDE)}, "required": ["affiliation"]},
        "then": {"properties": {"role": _NO_BUYING_ROLE, "roles": _NO_BUYING_ROLE}},
    },
}


def deal_schema() -> Schema:
    builder = _Builder()
    builder.model(DealFile)
    top = builder.defs.pop(DealFile.__name__)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "ebcheck deal file, format version 1",
        **{k: v for k, v in top.items() if k != "title"},
        "$defs": dict(sorted(builder.defs.items())),
    }


def schema_text() -> str:
    return json.dumps(deal_schema(), ensure_ascii=False, indent=2) + "\n"
