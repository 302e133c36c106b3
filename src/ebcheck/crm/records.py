"""What the CRM says of one deal, once its tables are joined: the deal's fields and its people."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
ROLE_ORDER = ("EB", "TB", "UB", "coach")


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


def full_name(given: str, family: str) -> str:
    """`Ada Lovelace`, but `张伟`: Chinese names are family name first, without a space."""
    if given and family:
        return family + given if _CJK.search(given + family) else f"{given} {family}"
    return given or family
