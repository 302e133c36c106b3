"""Load one deal file into a `DealFile` and its source map, or explain why not.

Every failure becomes a located `Problem` (E001: not YAML data, E002: not
the deal format); nothing here raises for bad input.
"""

from __future__ import annotations

import difflib
import re
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path as FilePath
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticCustomError

from ebcheck.deal.enums import Affiliation, Role, Stage
from ebcheck.deal.fields import enum_parser, to_text
from ebcheck.deal.models import DealFile, type_in
from ebcheck.deal.names import person_key, same_person
from ebcheck.deal.problems import A_LIST, A_MAPPING, NOTHING, Problem, ReadFailure, found_text
from ebcheck.deal.source import NotRegularFile, Scalar, read_limited, read_yaml
from ebcheck.deal.sourcemap import START, Path, SourceMap, format_path
from ebcheck.deal.suggest import closest
from ebcheck.deal.yamlhints import full_width_key


@dataclass
class Loaded:
    """The outcome of loading one file: a deal, or the problems that stopped it."""

    deal: DealFile | None
    source: SourceMap = field(default_factory=SourceMap)
    problems: list[Problem] = field(default_factory=list)
    deal_id: str | None = None


def load_bytes(
    data: bytes, stage_names: Mapping[str, Stage] | None = None, *, mapped: bool = False
) -> Loaded:
    """The deal in `data`; `mapped`: with the map of every position built at once (see
    `read_yaml`)."""
    try:
        tree, source, problems = read_yaml(data, mapped=mapped)
    except ReadFailure as failure:
        return Loaded(None, problems=[failure.problem])
    if not isinstance(tree, dict):
        found = _found(tree)
        return Loaded(
            None, source, [Problem("E001", "E001.not_mapping", START, (), {"found": found})]
        )
    deal_id = _raw_deal_id(tree)
    if stage_names:
        _apply_stage_names(tree, stage_names)
    version = _version_problem(tree, source)
    if version is not None and version.key != "E002.version_text":
        return Loaded(None, source, [version], deal_id)
    if version is not None:
        # `ebcheck: '1'` means version 1: the rest of the file is checked as that.
        tree["ebcheck"] = Scalar(1, "1", "int", quoted=False)
        problems.append(version)
    problems += _raw_checks(tree, source)
    try:
        deal = DealFile.model_validate(tree)
    except ValidationError as exc:
        problems += _translate(exc, source)
    else:
        if not problems:
            return Loaded(deal, source, [], deal.deal.id)
    return Loaded(None, source, _unique(_full_width_first(problems)), deal_id)


_CONSEQUENCES = (
    "E002.missing",
    "E002.empty_value",
    "E002.empty_value_choice",
    "E002.empty_value_date",
    "E002.empty_value_mapping",
)


def _full_width_first(problems: list[Problem]) -> list[Problem]:
    """`{name：张伟}` or an indent of `　`: YAML read one key where the user wrote a
    key and a value (or an indented key). The field missing from that mapping, or
    the key above left without a value, only follow from it: they are left out, so
    that the finding naming the full-width character is the one shown."""
    lines = {p.position.line for p in problems if p.hint == "E002.full_width_key"}
    if not lines:
        return problems
    return [
        p
        for p in problems
        if p.key not in _CONSEQUENCES or not ({p.position.line, p.position.line + 1} & lines)
    ]


def load_file(path: FilePath, stage_names: Mapping[str, Stage] | None = None) -> Loaded:
    try:
        data = read_limited(path)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        key = "E001.not_regular" if isinstance(exc, NotRegularFile) else "E001.unreadable"
        if _is_folder(path):  # a folder the walk could not list
            key, reason = "E001.unlistable", _listing_error(path)
        return Loaded(None, problems=[Problem("E001", key, START, (), {"reason": reason})])
    return load_bytes(data, stage_names)


def _is_folder(path: FilePath) -> bool:
    # In a folder that can be listed but not entered even asking is refused (EACCES).
    try:
        return path.is_dir()
    except OSError:
        return False


def _listing_error(folder: FilePath) -> str:
    try:
        next(iter(folder.iterdir()), None)
    except OSError as exc:
        return exc.strerror or type(exc).__name__
    return "-"


def _apply_stage_names(tree: dict[str, Any], stage_names: Mapping[str, Stage]) -> None:
    """Read a team's own stage name (`方案`) as the ebcheck stage it maps to."""
    deal = tree.get("deal")
    stage = deal.get("stage") if isinstance(deal, dict) else None
    if not isinstance(stage, Scalar) or deal is None:
        return
    mapped = team_stage(stage.raw, stage_names)
    if mapped is not None:
        deal["stage"] = Scalar(mapped.value, mapped.value, "str", quoted=False)


def team_stage(written: str, stage_names: Mapping[str, Stage] | None) -> Stage | None:
    """The ebcheck stage a team's own stage name stands for (case-insensitive), if any."""
    if not stage_names:
        return None
    lowered = {name.lower(): stage for name, stage in stage_names.items()}
    return lowered.get(written.strip().lower())


def _found(value: Any) -> str:
    if value is None:
        return NOTHING
    if isinstance(value, list):
        return A_LIST
    if isinstance(value, Scalar):
        return found_text(value.raw) if not value.is_null else NOTHING
    return A_MAPPING


def _raw_deal_id(tree: dict[str, Any]) -> str | None:
    deal = tree.get("deal")
    value = deal.get("id") if isinstance(deal, dict) else None
    return value.raw if isinstance(value, Scalar) and not value.is_null else None


def _version_problem(tree: dict[str, Any], source: SourceMap) -> Problem | None:
    """An unknown format version is the only error worth reporting for that file; the
    version 1 written as text (`E002.version_text`) is reported with the others."""
    value = tree.get("ebcheck")
    if not isinstance(value, Scalar) or value.is_null or value.value == 1:
        return None
    if isinstance(value.value, bool):
        return None  # reported as a type error with the rest
    key = "E002.version_text" if value.raw.strip() == "1" else "E002.version"
    return Problem("E002", key, source.locate(("ebcheck",)), ("ebcheck",), {"found": value.raw})


def _raw_checks(tree: dict[str, Any], source: SourceMap) -> list[Problem]:
    """Checks across fields, on the values as written: they run even when model
    validation fails elsewhere, so that every error of the file is reported at once."""
    people = tree.get("stakeholders")
    people = [p if isinstance(p, dict) else {} for p in people] if isinstance(people, list) else []
    return [
        *_repeated_names(people, source),
        *_close_date_missing(tree, source),
        *_buying_roles_outside(people, source),
        *_unknown_signer(tree, people, source),
    ]


def _repeated_names(people: list[dict[str, Any]], source: SourceMap) -> list[Problem]:
    problems: list[Problem] = []
    first_seen: dict[str, int] = {}
    for index, person in enumerate(people):
        name = person.get("name")
        if not isinstance(name, Scalar) or name.is_null:
            continue
        path: Path = ("stakeholders", index, "name")
        key = person_key(name.raw)
        if key in first_seen:
            first = source.locate(("stakeholders", first_seen[key], "name"))
            problems.append(
                Problem(
                    "E002",
                    "E002.repeated_stakeholder",
                    source.locate(path),
                    path,
                    {"name": name.raw, "first_line": first.line},
                )
            )
        else:
            first_seen[key] = index
    return problems


def _close_date_missing(tree: dict[str, Any], source: SourceMap) -> list[Problem]:
    deal = tree.get("deal")
    if not isinstance(deal, dict):
        return []
    stage, close = deal.get("stage"), deal.get("close_date")
    if not isinstance(stage, Scalar) or (close is not None and not _is_null(close)):
        return []
    try:
        parsed = stage_of(stage)
    except PydanticCustomError:
        return []  # a bad stage is its own error
    if parsed is None or parsed.is_closed:
        return []  # with no stage, there is no telling whether a close date is due
    return [
        Problem(
            "E002",
            "E002.close_date_required",
            source.locate(("deal",)),
            ("deal",),
            {"stage": parsed.value},
        )
    ]


def _buying_roles_outside(people: list[dict[str, Any]], source: SourceMap) -> list[Problem]:
    """Only the customer's people hold EB, TB and UB; a partner or our own may coach."""
    problems: list[Problem] = []
    for index, person in enumerate(people):
        affiliation = _parsed(affiliation_of, person.get("affiliation"))
        if affiliation is None or affiliation is Affiliation.CUSTOMER:
            continue
        buying = sorted({role.value for role in _roles_written(person) if role is not Role.COACH})
        if buying:
            path: Path = ("stakeholders", index, "affiliation")
            facts = {"roles": ", ".join(buying), "affiliation": affiliation.value}
            problems.append(
                Problem("E002", "E002.buying_role_outside", source.locate(path), path, facts)
            )
    return problems


def _roles_written(person: dict[str, Any]) -> list[Role]:
    """The roles of `role` and `roles` that are written right (the others are errors
    of their own)."""
    roles: list[Role] = []
    for key in ("role", "roles"):
        value = person.get(key)
        for item in value if isinstance(value, list) else [value]:
            role = _parsed(role_of, item)
            if role is not None:
                roles.append(role)
    return roles


def _parsed(parse: Callable[[Any], Any], value: Any) -> Any:
    """`value` read by an enum's parser; None when it is missing or wrong."""
    if not _is_text(value):
        return None
    try:
        return parse(value)
    except PydanticCustomError:
        return None


def _unknown_signer(
    tree: dict[str, Any], people: list[dict[str, Any]], source: SourceMap
) -> list[Problem]:
    """`decision_process.signer` must name a stakeholder (gone ones included)."""
    process = tree.get("decision_process")
    written = process.get("signer") if isinstance(process, dict) else None
    if not _is_text(written):
        return []  # no signer, or one of the wrong type (its own error)
    signer = to_text(written)
    names = [to_text(p["name"]) for p in people if _is_text(p.get("name"))]
    if any(same_person(signer, name) for name in names):
        return []
    path: Path = ("decision_process", "signer")
    close = difflib.get_close_matches(signer.strip(), names, n=1, cutoff=0.5)
    key = "E002.signer_unknown_hint" if close else "E002.signer_unknown"
    facts = {"found": signer, "suggestion": close[0] if close else ""}
    return [Problem("E002", key, source.locate(path), path, facts)]


stage_of = enum_parser(Stage)
"""A stage as the model reads it: any case, and the Chinese labels."""
affiliation_of = enum_parser(Affiliation)
role_of = enum_parser(Role)


def _is_text(value: Any) -> bool:
    return isinstance(value, Scalar) and not value.is_null


def _is_null(value: Any) -> bool:
    return isinstance(value, Scalar) and value.is_null


_EMPTY_KINDS = {"enum": "_choice", "date_type": "_date", "model_type": "_mapping"}


def _required_empty(path: Path, kind: str, ctx: Mapping[str, Any], source: SourceMap) -> Problem:
    """A required key written with nothing after it (optional ones are no key): say what
    it takes, not to leave it out."""
    params = {"field": str(path[-1]) if path else "ebcheck"}
    suffix = _EMPTY_KINDS.get(kind, "")
    if suffix == "_choice":
        params["choices"] = ", ".join(re.findall(r"'([^']*)'", str(ctx.get("expected", ""))))
        suffix = suffix if params["choices"] else ""
    return Problem("E002", f"E002.empty_value{suffix}", source.locate(path), path, params)


def _translate(exc: ValidationError, source: SourceMap) -> list[Problem]:
    return [_problem(error, source) for error in exc.errors(include_url=False)]


def _problem(error: Any, source: SourceMap) -> Problem:
    path: Path = tuple(part for part in error["loc"] if isinstance(part, str | int))
    kind: str = error["type"]
    if kind.startswith("E002."):
        return Problem("E002", kind, source.locate(path), path, dict(error.get("ctx") or {}))
    if kind == "missing" and path == ("ebcheck",):
        return Problem("E002", "E002.version_line_missing", START, path)
    if kind == "missing":
        return Problem(
            "E002", "E002.missing", source.locate(path[:-1]), path, {"field": str(path[-1])}
        )
    if kind == "extra_forbidden":
        return _unknown_key(path, source)
    if error.get("input", ...) is None:
        if path and isinstance(path[-1], int):  # an entry of a list, not a key
            return Problem("E002", "E002.empty_entry", source.locate(path), path, {})
        return _required_empty(path, kind, error.get("ctx") or {}, source)
    found = _found_at(path, source, error.get("input"))
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return Problem("E002", "E002.expected_mapping", source.locate(path), path, {"found": found})
    if kind == "list_type":
        return Problem("E002", "E002.expected_list", source.locate(path), path, {"found": found})
    return Problem("E002", "E002.invalid", source.locate(path), path, {"detail": error["msg"]})


def _found_at(path: Path, source: SourceMap, value: Any) -> str:
    if path in source.raw:
        raw = source.raw[path]
        return found_text(raw) if raw else NOTHING
    return _found(value)


def _unknown_key(path: Path, source: SourceMap) -> Problem:
    key = str(path[-1])
    known = known_keys(path[:-1])
    suggestion = closest(key, known)
    section = format_path(path[:-1])
    params: dict[str, Any] = {"key": key, "section": section}
    hint = None
    listed = _list_split_by_comma(path, source) if path in source.split_by_comma else None
    if listed is not None:
        params["field"], params["suggestion"] = listed
        hint = "E002.split_list"
    elif path in source.split_by_comma:
        hint = "E002.split_by_comma"
    elif full_width_key(key):
        hint = "E002.full_width_key"
    elif suggestion:
        params["suggestion"] = suggestion
        hint = "E002.did_you_mean"
    elif known:
        # Nothing close: what could be written here instead.
        params["known"] = ", ".join(known)
        hint = "E002.known_keys"
    message = "E002.unknown_key" if section else "E002.unknown_top_key"
    return Problem("E002", message, source.locate_key(path), path, params, hint)


def _list_split_by_comma(path: Path, source: SourceMap) -> tuple[str, str] | None:
    """`{name: Zhang, roles: EB, coach}`: the comma ended `roles` and made `coach` a
    key. When the text before is a list of choices and every stray key one of them,
    the field and the list to write (`[EB, coach]`); else None."""
    parent = path[:-1]
    siblings = sorted(
        (position, key) for key, position in source.keys.items() if key[:-1] == parent
    )
    keys = [key for _, key in siblings]
    index = keys.index(path) if path in keys else 0
    start = index
    while start > 0 and keys[start] in source.split_by_comma:
        start -= 1
    if start == index:
        return None
    end = index
    while end + 1 < len(keys) and keys[end + 1] in source.split_by_comma:
        end += 1
    field_path = keys[start]
    choices = _list_choices(field_path)
    strays = [str(key[-1]) for key in keys[start + 1 : end + 1]]
    first = source.raw.get(field_path, "").strip()
    if not choices or first not in choices or any(s not in choices for s in strays):
        return None
    return str(field_path[-1]), "[" + ", ".join([first, *strays]) + "]"


def _list_choices(path: Path) -> list[str]:
    """The choices of the field at `path` when it is a list of choices (`roles`)."""
    model: type[BaseModel] | None = DealFile
    info = None
    for part in path:
        if isinstance(part, int):
            continue
        if model is None:
            return []
        info = model.model_fields.get(part)
        if info is None:
            return []
        model = type_in(info.annotation, BaseModel)
    if info is None or typing.get_origin(info.annotation) is not list:
        return []
    enum = type_in(info.annotation, StrEnum)
    return [member.value for member in enum] if enum is not None else []


def known_keys(path: Path) -> list[str]:
    """The keys the format allows in the mapping at `path`."""
    model: type[BaseModel] | None = DealFile
    for part in path:
        if model is None:
            return []
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part)
        model = type_in(info.annotation, BaseModel) if info is not None else None
    if model is None:
        return []
    return [name for name in model.model_fields if name != "extensions"]


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[str, Path]] = set()
    unique = []
    for problem in problems:
        if (problem.key, problem.path) not in seen:
            seen.add((problem.key, problem.path))
            unique.append(problem)
    return unique
