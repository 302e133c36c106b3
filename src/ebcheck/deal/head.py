"""A deal file's head: its id, stage and close date, read without building the deal.

`audit --history` needs these three facts from every version of every deal,
thousands of them, so it reads PyYAML's C event stream up to the end of the
`deal:` mapping instead of composing and validating the whole file. The
values go through the same field parsers as the full loader, so a head that
is read is the one the loader would have read. Anything unusual (aliases,
tags, merge keys, a repeated key, a value the parsers refuse) gives None:
the caller then loads the file in full and gets the loader's answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic_core import PydanticCustomError

from ebcheck.deal.enums import Stage
from ebcheck.deal.fields import enum_parser, to_date, to_required_text
from ebcheck.deal.load import team_stage
from ebcheck.deal.source import MAX_BYTES, Scalar, scalar_of

_WANTED = ("id", "stage", "close_date")
_parse_stage = enum_parser(Stage)
_RESOLVER = yaml.resolver.Resolver()


@dataclass(frozen=True, slots=True)
class Head:
    id: str
    stage: Stage
    close_date: dt.date | None


class _Unusual(Exception):
    """The file is not plain enough to be read this way."""


def read_head(data: bytes, stage_names: Mapping[str, Stage] | None = None) -> Head | None:
    """The head of a deal file, or None when only the full loader can tell."""
    if len(data) > MAX_BYTES:
        return None
    try:
        text = data.decode("utf-8-sig")
        values = _deal_values(yaml.parse(text, Loader=yaml.CSafeLoader))
        return _head(values, stage_names)
    except (UnicodeDecodeError, yaml.YAMLError, _Unusual, PydanticCustomError):
        return None


def _deal_values(events: Iterator[yaml.Event]) -> dict[str, Scalar]:
    """The wanted scalars of the top-level `deal:` mapping, once `ebcheck: 1` is seen."""
    for expected in (yaml.StreamStartEvent, yaml.DocumentStartEvent, yaml.MappingStartEvent):
        if not isinstance(next(events), expected):
            raise _Unusual
    values: dict[str, Scalar] | None = None
    version_seen = False
    while values is None or not version_seen:
        key = _plain_key(next(events))
        if key == "deal" and values is None:
            values = _mapping_values(events)
        elif key == "ebcheck" and not version_seen:
            version = next(events)
            if not _is_plain_one(version):
                raise _Unusual
            version_seen = True
        else:
            _skip_value(events)
    return values


def _is_plain_one(event: yaml.Event) -> bool:
    return (
        isinstance(event, yaml.ScalarEvent)
        and event.tag is None
        and event.implicit[0]
        and event.value == "1"
    )


def _plain_key(event: yaml.Event) -> str:
    """A mapping key written as plain text; the end of the mapping is unusual here."""
    if not isinstance(event, yaml.ScalarEvent) or event.tag is not None:
        raise _Unusual
    if event.value == "<<" and event.implicit[0]:
        raise _Unusual
    return str(event.value)


def _mapping_values(events: Iterator[yaml.Event]) -> dict[str, Scalar]:
    start = next(events)
    if not isinstance(start, yaml.MappingStartEvent) or start.tag is not None:
        raise _Unusual
    values: dict[str, Scalar] = {}
    seen: set[str] = set()
    while True:
        event = next(events)
        if isinstance(event, yaml.MappingEndEvent):
            return values
        key = _plain_key(event)
        if key in seen:
            raise _Unusual
        seen.add(key)
        if key in _WANTED:
            values[key] = _scalar(next(events))
        else:
            _skip_value(events)


def _scalar(event: yaml.Event) -> Scalar:
    if not isinstance(event, yaml.ScalarEvent) or event.tag is not None:
        raise _Unusual
    tag = _RESOLVER.resolve(yaml.ScalarNode, event.value, event.implicit)  # type: ignore[no-untyped-call]
    node = yaml.ScalarNode(tag, event.value, style=event.style)
    scalar = scalar_of(node)
    if scalar is None:
        raise _Unusual
    return scalar


def _skip_value(events: Iterator[yaml.Event]) -> None:
    """Pass over one value, however nested; aliases and tags are left to the loader."""
    depth = 0
    while True:
        event = next(events)
        if isinstance(event, yaml.AliasEvent) or getattr(event, "tag", None) is not None:
            raise _Unusual
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            depth += 1
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            depth -= 1
        if depth == 0:
            return


def _head(values: dict[str, Scalar], stage_names: Mapping[str, Stage] | None) -> Head | None:
    if "id" not in values or "stage" not in values:
        return None
    stage_text = values["stage"]
    mapped = team_stage(stage_text.raw, stage_names)
    stage: Any = mapped if mapped is not None else _parse_stage(stage_text)
    close = to_date(values["close_date"]) if "close_date" in values else None
    return Head(str(to_required_text(values["id"])), stage, close)
