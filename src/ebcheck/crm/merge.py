"""Re-import: the CRM's fields updated in the text of an existing deal file, in place.

Only the values the CRM owns change (amount, stage, close date, owner, next
step, forecast, the history fields, and each imported person's title and
roles); each is replaced where it stands, so comments, key order, quoting and
everything a person wrote (`met`, `stance`, `insights`, notes, `x-` keys, …)
stay byte for byte, and a changed amount changes only the amount line. A
value the file lacks is added after the CRM field that precedes it; people
the CRM has and the file lacks are appended; people the file has and the CRM
lacks are kept. The roles the map can give are the CRM's: a person the export
no longer has on the deal loses them (and keeps everything else); a role the
map can never give (a `coach` written by hand) is kept beside the CRM's
roles. The CRM owns `next_step.action`: when it changes or is cleared, the
`due` and `owner` written for the old action go with it (a `due` the map
fills comes from the CRM). What is dropped this way is returned as notes, for
the import's output to say.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml
from pydantic_core import PydanticCustomError

from ebcheck.crm.records import DealRecord, Person
from ebcheck.crm.render import (
    DEAL_ORDER,
    PERSON_ORDER,
    block,
    deal_entries,
    inline,
    list_item,
    person_entries,
    sorted_roles,
)
from ebcheck.deal.enums import Forecast, Role, Stage
from ebcheck.deal.fields import enum_parser
from ebcheck.deal.names import person_key

Node = yaml.Node
_ROLE_OF = enum_parser(Role)
_ROLE_NAMES = {Role.EB: "EB", Role.TB: "TB", Role.UB: "UB", Role.COACH: "coach"}
_STEP_ORDER = ("action", "due", "owner")

Note = tuple[str, dict[str, str]]
"""Something the import dropped from a file, for its output to say: a message key
under `import.` and its facts."""


class NotMergeable(Exception):
    """The existing file is not a YAML mapping with a `deal` mapping: it cannot be merged."""

    def __init__(self, key: str, line: int = 1, column: int = 1) -> None:
        super().__init__(key)
        self.key, self.line, self.column = key, line, column


def _find(mapping: Node, key: str) -> tuple[Node, Node] | None:
    if not isinstance(mapping, yaml.MappingNode):
        return None
    for key_node, value_node in mapping.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return key_node, value_node
    return None


def _flow(node: Node) -> bool:
    return bool(getattr(node, "flow_style", False))


def _leaf_end(node: Node) -> int:
    """Where a value's own text ends (a block collection's end mark runs on past the
    comments that follow it, which belong to what comes next)."""
    if isinstance(node, yaml.ScalarNode) or _flow(node) or not node.value:
        return int(node.end_mark.index)
    last = node.value[-1]
    return _leaf_end(last[1] if isinstance(node, yaml.MappingNode) else last)


def _same_date(node: Node, value: Any) -> bool:
    try:
        return bool(dt.date.fromisoformat(str(node.value).strip()) == value)
    except ValueError:
        return False


def _same_number(node: Node, value: Any) -> bool:
    # Exact decimals: as floats, 999999999999999.99 would be the same as 1e15.
    try:
        return Decimal(str(node.value).replace("_", "")) == Decimal(str(value))
    except (InvalidOperation, ValueError):
        return False


def _enum_same(parser: Callable[[Any], Any]) -> Callable[[Node, Any], bool]:
    def same(node: Node, value: Any) -> bool:
        try:
            member = parser(str(node.value))
        except PydanticCustomError:
            return False
        return member is not None and member.value == value

    return same


def _same_dates(node: Node, value: Any) -> bool:
    items = node.value if isinstance(node, yaml.SequenceNode) else [node]
    return (
        all(isinstance(i, yaml.ScalarNode) for i in items)
        and len(items) == len(value)
        and all(_same_date(i, v) for i, v in zip(items, value, strict=True))
    )


def _same_text(node: Node, value: Any) -> bool:
    return bool(node.value == value)


_SAME: dict[str, Callable[[Node, Any], bool]] = {
    "amount": _same_number,
    "close_date": _same_date,
    "stage_entered": _same_date,
    "due": _same_date,
    "close_date_history": _same_dates,
    "stage": _enum_same(enum_parser(Stage)),
    "forecast": _enum_same(enum_parser(Forecast)),
    "currency": lambda node, value: str(node.value).strip().upper() == value,
    "roles": lambda node, value: _roles_of(node) == set(value),
}


def _same(key: str, node: Node, value: Any) -> bool:
    """Whether the file already says `value` (`方案` is `proposal`, `1_200_000` is 1200000),
    so that a value written differently but meaning the same is left as written."""
    if isinstance(node, yaml.MappingNode):
        return False
    return _SAME.get(key, _same_text)(node, value)


def _roles_of(node: Node | None) -> set[str]:
    if node is None:
        return set()
    items = node.value if isinstance(node, yaml.SequenceNode) else [node]
    found = set()
    for item in items:
        if isinstance(item, yaml.ScalarNode) and item.tag != "tag:yaml.org,2002:null":
            try:
                role = _ROLE_OF(item.value)
            except PydanticCustomError:
                found.add(str(item.value))
                continue
            found.add(_ROLE_NAMES[role])
    return found


class Editor:
    """Edits to one text, by character offset, applied together at the end."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self.edits: list[tuple[int, int, str]] = []

    def result(self) -> str:
        # From the end backwards, so that offsets stay valid; of two insertions at one
        # offset the later-made is applied first, so the text reads in the order made.
        text = self.text
        ordered = sorted(enumerate(self.edits), key=lambda e: (e[1][0], e[1][1], e[0]))
        for _, (start, end, new) in reversed(ordered):
            text = text[:start] + new + text[end:]
        return text

    def _line_start(self, index: int) -> int:
        return self.text.rfind("\n", 0, index) + 1

    def _after_line(self, index: int) -> int:
        """The start of the line after the one holding offset `index - 1`."""
        if index > 0 and self.text[index - 1] == "\n":
            return index
        found = self.text.find("\n", index)
        return len(self.text) if found < 0 else found + 1

    def _insert_lines(self, at: int, lines: list[str]) -> None:
        nl = self.newline
        prefix = nl if at == len(self.text) and self.text and not self.text.endswith("\n") else ""
        self.edits.append((at, at, prefix + nl.join(lines) + nl))

    def set(self, mapping: Node, key: str, value: Any, order: tuple[str, ...]) -> bool:
        """Make `key` hold `value` (None: remove it); whether the text changed."""
        entry = _find(mapping, key)
        if entry is None:
            if value is None:
                return False
            self._insert(mapping, key, value, order)
            return True
        key_node, node = entry
        if value is None:
            return self._remove(mapping, key_node, node)
        if _same(key, node, value):
            return False
        self._replace(mapping, key_node, node, value)
        return True

    def _replace(self, mapping: Node, key_node: Node, node: Node, value: Any) -> None:
        text = inline(value, flow=bool(_flow(mapping)))
        if isinstance(node, yaml.ScalarNode) and node.value == "" and not node.style:
            colon = self.text.index(":", key_node.end_mark.index)
            self.edits.append((colon + 1, colon + 1, " " + text))
            return
        self.edits.append((node.start_mark.index, _leaf_end(node), text))

    def _remove(self, mapping: Node, key_node: Node, node: Node) -> bool:
        if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null"):
            return False
        start = self._line_start(key_node.start_mark.index)
        alone = not self.text[start : key_node.start_mark.index].strip()
        if _flow(mapping):
            self.edits.append(self._flow_entry(mapping, key_node, node))
        elif not alone:
            self.edits.append((node.start_mark.index, _leaf_end(node), "null"))
        else:
            self.edits.append((start, self._after_line(_leaf_end(node)), ""))
        return True

    @staticmethod
    def _flow_entry(mapping: Node, key_node: Node, node: Node) -> tuple[int, int, str]:
        """The edit that takes `key: value` out of `{…}`, with the comma that joins it."""
        keys = [k for k, _ in mapping.value]
        at = keys.index(key_node)
        if at > 0:
            return (_leaf_end(mapping.value[at - 1][1]), _leaf_end(node), "")
        if len(keys) > 1:
            return (key_node.start_mark.index, keys[1].start_mark.index, "")
        return (key_node.start_mark.index, _leaf_end(node), "")

    def _insert(self, mapping: Node, key: str, value: Any, order: tuple[str, ...]) -> None:
        if _flow(mapping):
            close = mapping.end_mark.index - 1
            before = self.text[:close].rstrip()
            sep = ", " if mapping.value else ""
            self.edits.append((len(before), len(before), f"{sep}{key}: {inline(value, True)}"))
            return
        earlier = set(order[: order.index(key)]) if key in order else set(order)
        anchor = None
        for key_node, value_node in mapping.value:
            if key_node.value in earlier:
                anchor = value_node
        if anchor is None:
            anchor = mapping.value[-1][1]
        indent = mapping.value[0][0].start_mark.column
        self._insert_lines(self._after_line(_leaf_end(anchor)), block(key, value, indent))

    def append_people(self, root: Node, people: list[dict[str, Any]]) -> None:
        entry = _find(root, "stakeholders")
        if entry is None or (
            isinstance(entry[1], yaml.ScalarNode) and entry[1].tag.endswith(":null")
        ):
            if entry is not None:
                start = self._line_start(entry[0].start_mark.index)
                self.edits.append((start, self._after_line(_leaf_end(entry[1])), ""))
            self._insert(root, "stakeholders", people, ("ebcheck", "as_of", "deal"))
            return
        seq = entry[1]
        if not isinstance(seq, yaml.SequenceNode):
            raise NotMergeable("merge_people", seq.start_mark.line + 1, seq.start_mark.column + 1)
        if _flow(seq):
            close = seq.end_mark.index - 1
            before = self.text[:close].rstrip()
            items = ", ".join(inline(p, True) for p in people)
            sep = ", " if seq.value else ""
            self.edits.append((len(before), len(before), sep + items))
            return
        indent = seq.start_mark.column
        lines = [line for person in people for line in list_item(person, indent)]
        self._insert_lines(self._after_line(_leaf_end(seq.value[-1])), lines)


def merge(text: str, record: DealRecord) -> tuple[str, list[str], list[Note]]:
    """`text` with the CRM's values of `record`; the names of the fields that changed,
    and notes on what was dropped that the user wrote or may not expect to lose."""
    try:
        root = yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise NotMergeable("merge_yaml", line, column) from None
    deal = _find(root, "deal") if isinstance(root, yaml.MappingNode) else None
    if (
        root is None
        or deal is None
        or not isinstance(deal[1], yaml.MappingNode)
        or not deal[1].value
    ):
        raise NotMergeable("merge_no_deal")
    editor = Editor(text)
    changed: list[str] = []
    notes: list[Note] = []
    for key, value in deal_entries(record).items():
        if key == "next_step":
            changed += _next_step(editor, deal[1], value, notes)
        elif key != "id" and editor.set(deal[1], key, value, DEAL_ORDER):
            changed.append(key)
    if record.people is not None:
        changed += _people(editor, root, record, notes)
    return editor.result(), changed, notes


def _next_step(editor: Editor, deal: Node, step: dict[str, Any], notes: list[Note]) -> list[str]:
    """The CRM's next step. Its action is the CRM's; a `due` or `owner` the file has
    belongs to the action it was written for, so it goes when the action changes or is
    cleared (a `due` the map fills is the CRM's own and follows the CRM)."""
    entry = _find(deal, "next_step")
    if entry is None or not isinstance(entry[1], yaml.MappingNode):
        value = step if step.get("action") else None
        return ["next_step"] if editor.set(deal, "next_step", value, DEAL_ORDER) else []
    node = entry[1]
    action = step.get("action")
    written = _find(node, "action")
    if written is not None and action is not None and _same("action", written[1], action):
        return _step_fields(editor, node, {k: v for k, v in step.items() if k != "action"})
    present = {str(k.value) for k, v in node.value if not v.tag.endswith(":null")}
    hand = [k for k in _STEP_ORDER[1:] if k in present and k not in step]
    if action is None:
        if not editor.set(deal, "next_step", None, DEAL_ORDER):
            return []
        if hand:
            notes.append(("step_cleared", {"fields": ", ".join(hand)}))
        return ["next_step"]
    if hand:
        notes.append(("step_changed", {"fields": ", ".join(hand)}))
    return _step_fields(editor, node, {"owner": None, "due": None, **step})


def _step_fields(editor: Editor, node: Node, values: dict[str, Any]) -> list[str]:
    return [
        f"next_step.{key}"
        for key in _STEP_ORDER
        if key in values and editor.set(node, key, values[key], _STEP_ORDER)
    ]


def _people(editor: Editor, root: Node, record: DealRecord, notes: list[Note]) -> list[str]:
    entry = _find(root, "stakeholders")
    items: dict[str, tuple[str, Node]] = {}
    if entry is not None and isinstance(entry[1], yaml.SequenceNode):
        for item in entry[1].value:
            name = _find(item, "name")
            if name is not None and isinstance(name[1], yaml.ScalarNode):
                written = str(name[1].value)
                items.setdefault(person_key(written), (written, item))
    changed: list[str] = []
    new: list[dict[str, Any]] = []
    for person in record.people or []:
        found = items.pop(person_key(person.name), None)
        if found is None:
            new.append(person_entries(person, record.person_fields))
            changed.append(f"+{person.name}")
            continue
        changed += _update_person(editor, found[1], person, record)
    if "roles" in record.person_fields:
        for written, item in items.values():
            changed += _off_the_deal(editor, written, item, record, notes)
    if new:
        editor.append_people(root, new)
    return changed


def _off_the_deal(
    editor: Editor, name: str, item: Node, record: DealRecord, notes: list[Note]
) -> list[str]:
    """A person the export does not have on the deal holds none of the roles the CRM
    gives (their contact roles were removed there); the person and everything else
    written about them stay, and so does a role the map can never give."""
    changed = []
    dropped: set[str] = set()
    for key in ("roles", "role"):
        written = _find(item, key)
        if written is None:
            continue
        roles = _roles_of(written[1])
        gone = roles & record.roles_mapped
        if not gone:
            continue
        dropped |= gone
        editor.set(item, key, sorted_roles(roles - gone) or None, PERSON_ORDER)
        changed.append(f"{name}.{key}")
    if dropped:
        notes.append(("off_the_deal", {"name": name, "roles": ", ".join(sorted_roles(dropped))}))
    return changed


def _single_role(editor: Editor, item: Node, person: Person, record: DealRecord) -> list[str]:
    """`role:` counts as much as `roles:`: a role the CRM gives no longer must not stay
    there either. What the CRM still gives, and a role the map can never give, stay as
    written."""
    written = _find(item, "role")
    if written is None:
        return []
    held = _roles_of(written[1])
    taken = (held & record.roles_mapped) - person.roles
    if not taken:
        return []
    editor.set(item, "role", sorted_roles(held - taken) or None, PERSON_ORDER)
    return [f"{person.name}.role"]


def _update_person(editor: Editor, item: Node, person: Person, record: DealRecord) -> list[str]:
    changed = []
    entries = person_entries(person, record.person_fields)
    if "roles" in entries:
        written = _find(item, "roles")
        kept = _roles_of(written[1] if written else None) - record.roles_mapped
        entries["roles"] = sorted_roles(person.roles | kept) or None
        changed += _single_role(editor, item, person, record)
    for key, value in entries.items():
        if key != "name" and editor.set(item, key, value, PERSON_ORDER):
            changed.append(f"{person.name}.{key}")
    return changed
