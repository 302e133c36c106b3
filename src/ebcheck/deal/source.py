"""Read a deal file as YAML: safely, within limits, with a source map.

PyYAML's C composer builds the node tree (no object is ever constructed from
a tag); we then turn nodes into plain values ourselves, which is where
duplicate keys, merge keys, alias bombs, depth and unsupported tags are
caught. Every scalar keeps the text exactly as written, because text fields
take the scalar literally (`id: 0042` is "0042").
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import stat
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import Any

import yaml

from ebcheck.deal import yamlhints
from ebcheck.deal.problems import Problem, ReadFailure
from ebcheck.deal.sourcemap import START, Path, Position, SourceMap

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 100_000

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {"str", "int", "float", "bool", "null", "timestamp"}


@dataclass(frozen=True, slots=True)
class Scalar:
    """A YAML scalar: its resolved value and the text as written."""

    value: Any
    raw: str
    tag: str
    quoted: bool

    @property
    def is_null(self) -> bool:
        return self.tag == "null"


class NotRegularFile(OSError):
    """The path names a FIFO, a device or a socket: reading it could block or never end."""


def read_limited(path: str | FilePath, limit: int = MAX_BYTES) -> bytes:
    """At most `limit` + 1 bytes of the regular file `path` (symbolic links followed).

    One byte over the limit is enough to tell the file is too big. The file is
    opened without blocking and checked after opening, so a FIFO swapped in
    between never blocks and `/dev/zero` is never read; `NotRegularFile` says so.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegularFile(0, "not a regular file")
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def plain(value: Any) -> Any:
    """The same data with every `Scalar` replaced by its value."""
    if isinstance(value, Scalar):
        return value.value
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def _position(mark: Any) -> Position:
    return Position(mark.line + 1, mark.column + 1)


def decode(data: bytes) -> str:
    """UTF-8 text of the file (a BOM is accepted), or E001 at the bad byte."""
    if len(data) > MAX_BYTES:
        raise ReadFailure(Problem("E001", "E001.too_big", START, params={"limit": "1 MiB"}))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        byte = f"0x{data[exc.start]:02x}"
        hint = yamlhints.encoding_hint(data)
        raise ReadFailure(
            Problem(
                "E001",
                "E001.encoding",
                Position(line, column),
                params={"byte": byte, "file": "deal.yaml", "converted": "deal.utf8.yaml"},
                hint=hint,
            )
        ) from None


_PLAIN_TAGS: dict[str, str] = {}
"""Plain scalars' resolved tags, by text: a key like `name` is resolved once, not per file."""
_PLAIN_TAGS_LIMIT = 50_000


class _Loader(yaml.CSafeLoader):
    """The C loader, with implicit tag resolution of plain scalars remembered.

    The C composer asks this for the tag of every node. With no path resolvers
    (the safe loader has none) a mapping, a sequence or a quoted scalar gets
    the default tag, so only plain scalars go through the resolver's patterns,
    once per text.
    """

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is yaml.ScalarNode:
            if not implicit[0]:
                return _STR
            tag = _PLAIN_TAGS.get(value)
            if tag is None:
                tag = super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
                if len(_PLAIN_TAGS) < _PLAIN_TAGS_LIMIT:
                    _PLAIN_TAGS[value] = tag
            return tag
        return _MAP if kind is yaml.MappingNode else _SEQ


def compose(text: str) -> yaml.Node | None:
    """The node tree of the single document in `text` (None when empty)."""
    try:
        return yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        raise ReadFailure(_syntax_problem(exc, text)) from None
    except yaml.YAMLError as exc:  # reader errors without a mark
        raise ReadFailure(
            Problem("E001", "E001.syntax", START, params={"problem": str(exc)})
        ) from None


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str = "") -> Problem:
    mark = exc.problem_mark or exc.context_mark
    position = _position(mark) if mark is not None else START
    problem = (exc.problem or str(exc)).strip()
    if "expected a single document" in (exc.context or "") or "but found another document" in (
        problem
    ):
        return Problem("E001", "E001.multi_document", position)
    if "maximum nesting depth" in problem:
        return Problem("E001", "E001.too_deep", position, params={"limit": MAX_DEPTH})
    explained = yamlhints.explain(exc, text)
    if explained is not None:
        return explained
    # A mistake no detector knows: still a sentence in the report's language,
    # with PyYAML's English only as the second line.
    context = (exc.context or "").strip()
    detail = ": ".join(part for part in (context, problem) if part)
    return Problem("E001", "E001.yaml.unrecognised", position, params={"detail": detail})


class _Builder:
    """Turns composed nodes into dicts, lists and `Scalar`s, with a source map."""

    def __init__(self) -> None:
        self.source = SourceMap()
        self.problems: list[Problem] = []

    def build(self, node: yaml.Node, path: Path, depth: int) -> Any:
        # Size was measured by `_check_expansion`; depth is checked here as well
        # because an alias can put a shallow anchor deep down. This runs for
        # every node of every file: it is written for speed.
        values = self.source.values
        if path not in values:
            mark = node.start_mark
            values[path] = Position(mark.line + 1, mark.column + 1)
        kind = type(node)
        if kind is yaml.ScalarNode:
            return self._scalar(node, path)  # type: ignore[arg-type]
        if depth >= MAX_DEPTH:
            raise ReadFailure(
                Problem(
                    "E001", "E001.too_deep", _position(node.start_mark), path, {"limit": MAX_DEPTH}
                )
            )
        if kind is yaml.SequenceNode:
            self._check_tag(node, _SEQ, path)
            deeper = depth + 1
            return [self.build(item, (*path, i), deeper) for i, item in enumerate(node.value)]
        self._check_tag(node, _MAP, path)
        return self._mapping(node, path, depth)  # type: ignore[arg-type]

    @staticmethod
    def _check_tag(node: yaml.Node, expected: str, path: Path) -> None:
        if node.tag != expected:
            raise ReadFailure(
                Problem("E001", "E001.tag", _position(node.start_mark), path, {"tag": node.tag})
            )

    def _scalar(self, node: yaml.ScalarNode, path: Path) -> Scalar:
        scalar = scalar_of(node)
        if scalar is None:
            raise ReadFailure(
                Problem("E001", "E001.tag", _position(node.start_mark), path, {"tag": node.tag})
            )
        self.source.raw[path] = node.value
        return scalar

    def _mapping(self, node: yaml.MappingNode, path: Path, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        merged: list[yaml.MappingNode] = []
        keys = self.source.keys
        flow = node.flow_style
        previous_was_text = False
        deeper = depth + 1
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merged.extend(self._merge_sources(value_node, path))
                continue
            key = self._key(key_node, path)
            child = (*path, key)
            mark = key_node.start_mark
            if key in result:
                first = keys[child]
                self.problems.append(
                    Problem(
                        "E002",
                        "E002.duplicate_key",
                        _position(mark),
                        child,
                        {"key": key, "first_line": first.line},
                    )
                )
                continue
            keys[child] = Position(mark.line + 1, mark.column + 1)
            if flow and previous_was_text and _is_empty(value_node):
                self.source.split_by_comma.add(child)
            previous_was_text = (
                type(value_node) is yaml.ScalarNode
                and not value_node.style
                and value_node.tag == _STR
            )
            result[key] = self.build(value_node, child, deeper)
        if merged:
            # Keys written in this mapping win over merged ones, positions too.
            explicit = {key: keys[(*path, key)] for key in result}
            for source in merged:
                for key, value in self._mapping(source, path, depth).items():
                    result.setdefault(key, value)
            keys.update({(*path, key): pos for key, pos in explicit.items()})
        return result

    @staticmethod
    def _key(node: yaml.Node, path: Path) -> str:
        if type(node) is not yaml.ScalarNode:
            raise ReadFailure(Problem("E001", "E001.complex_key", _position(node.start_mark), path))
        return str(node.value)

    def _merge_sources(self, node: yaml.Node, path: Path) -> list[yaml.MappingNode]:
        items = node.value if isinstance(node, yaml.SequenceNode) else [node]
        sources = [item for item in items if isinstance(item, yaml.MappingNode)]
        if len(sources) != len(items):
            raise ReadFailure(Problem("E001", "E001.bad_merge", _position(node.start_mark), path))
        return sources


_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_SEQ, _MAP, _STR, _MERGE = _TAG + "seq", _TAG + "map", _TAG + "str", _TAG + "merge"
_SHORT_TAGS = {_TAG + tag: tag for tag in _SCALAR_TAGS}


def scalar_of(node: yaml.ScalarNode) -> Scalar | None:
    """The value of a scalar node and its text as written; None for an unsupported tag."""
    full = node.tag
    quoted = node.style == "'" or node.style == '"'
    if full == _STR:  # most scalars: no constructor to run
        return Scalar(node.value, node.value, "str", quoted)
    tag = _SHORT_TAGS.get(full)
    if tag is None:
        return None
    return Scalar(_resolve(node, tag), node.value, tag, quoted)


def _resolve(node: yaml.ScalarNode, tag: str) -> Any:
    if tag == "str":
        return node.value
    if tag == "null":
        return None
    text = node.value
    # The common forms, read in C: `2026-12-01` and `1200000` (a leading zero
    # is octal to YAML 1.1, and signs, `_` and `0x` take the constructor).
    if tag == "timestamp" and len(text) == 10:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return text  # `2026-02-30` looks like a date but is none: the format check shows it
    plain_int = len(text) < 40 and text.isdigit() and text.isascii()
    if tag == "int" and plain_int and (text[0] != "0" or text == "0"):
        return int(text)
    try:
        value: Any = getattr(_CONSTRUCTOR, f"construct_yaml_{tag}")(node)
    except (ValueError, OverflowError):
        # `2026-02-30` looks like a date but is none; keep the text so the
        # format check can show it.
        return node.value
    return value


def _is_empty(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == _TAG + "null" and node.value == ""


def read_yaml(data: bytes, *, mapped: bool = False) -> tuple[Any, SourceMap, list[Problem]]:
    """Decode, compose and build one YAML document.

    Raises `ReadFailure` for anything that stops the file being YAML data
    (E001); returns E002 problems (duplicate keys) found on the way. `mapped` builds
    the map of every position at once, for a load kept for long (a node tree takes
    about twice its memory).
    """
    text = decode(data)
    node = compose(text)
    if node is None:
        raise ReadFailure(Problem("E001", "E001.empty", START))
    if "*" in text or len(text) >= MAX_NODES:
        # Without an alias no node is shared, and a node takes at least a
        # character: such a short file can neither expand nor pass the limit.
        _check_expansion(node)
    if not mapped:
        with contextlib.suppress(_Unusual):
            return _values(node, 0), NodeSourceMap(node), []
    # Merge keys, repeated keys and anything refused: the builder that maps every
    # position says what and where, exactly as it always has.
    builder = _Builder()
    value = builder.build(node, (), 0)
    return value, builder.source, builder.problems


class _Unusual(Exception):
    """A document `_values` leaves to `_Builder`."""


def _values(node: yaml.Node, depth: int) -> Any:
    """The plain values of a usual document (no merge key, no repeated key, nothing
    refused), without a source map: `NodeSourceMap` reads positions off the nodes
    when a finding needs one. Nearly every deal file is usual, and building a
    position for every node was a third of loading one."""
    kind = type(node)
    if kind is yaml.ScalarNode:
        scalar = scalar_of(node)  # type: ignore[arg-type]
        if scalar is None:
            raise _Unusual
        return scalar
    if depth >= MAX_DEPTH:
        raise _Unusual
    deeper = depth + 1
    if kind is yaml.SequenceNode:
        if node.tag != _SEQ:
            raise _Unusual
        return [_values(item, deeper) for item in node.value]
    if node.tag != _MAP:
        raise _Unusual
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if type(key_node) is not yaml.ScalarNode or key_node.tag == _MERGE:
            raise _Unusual
        key = str(key_node.value)
        if key in result:
            raise _Unusual
        result[key] = _values(value_node, deeper)
    return result


class NodeSourceMap(SourceMap):
    """The source map of a usual document (see `_values`), read off its node tree.

    A finding's position is a walk down the few nodes on its path. The whole map
    (every value's and key's position, the text as written, the keys a comma split)
    is built only when something asks for it: the loader explaining a refused value.
    Both answer alike, because in a usual document every path names one node.
    """

    def __init__(self, root: yaml.Node) -> None:  # the fields come on first use
        self._root = root

    def __getattr__(self, name: str) -> Any:
        if name not in _MAP_FIELDS or "_root" not in self.__dict__:
            raise AttributeError(name)
        built = _Builder()
        built.build(self._root, (), 0)
        _take_fields(self, built.source)
        return getattr(self, name)

    def __reduce__(self) -> tuple[Any, ...]:
        # Sent to another process as the plain map: nodes are many small objects.
        return SourceMap, tuple(getattr(self, name) for name in _MAP_FIELDS)

    def plain(self) -> SourceMap:
        """The map of every position, without the nodes."""
        return SourceMap(*(getattr(self, name) for name in _MAP_FIELDS))

    def locate(self, path: Path) -> Position:
        if "values" in self.__dict__:  # the whole map is built: a lookup
            return SourceMap.locate(self, path)
        node = self._root
        for part in path:
            child = self._child(node, part)
            if child is None:
                break
            node = child[1]
        return _position(node.start_mark)

    def locate_key(self, path: Path) -> Position:
        if "keys" in self.__dict__:
            return SourceMap.locate_key(self, path)
        parent: yaml.Node | None = self._root
        for part in path[:-1]:
            found = self._child(parent, part) if parent is not None else None
            parent = found[1] if found is not None else None
        if path and type(parent) is yaml.MappingNode:
            pair = self._child(parent, path[-1])
            if pair is not None:
                return _position(pair[0].start_mark)
        return self.locate(path)

    def _child(self, node: yaml.Node, part: str | int) -> tuple[yaml.Node, yaml.Node] | None:
        """The key and value nodes at `part` of `node`, as a path names it (a key of a
        mapping, an index of a sequence; the key node of an item is the item)."""
        kind = type(node)
        if kind is yaml.MappingNode and isinstance(part, str):
            pairs = node.value
            if len(pairs) > _SCANNED:
                return self._keys_of(node).get(part)
            for pair in pairs:
                if pair[0].value == part:
                    return pair  # type: ignore[no-any-return]
            return None
        if kind is yaml.SequenceNode and isinstance(part, int) and 0 <= part < len(node.value):
            item = node.value[part]
            return item, item
        return None

    def _keys_of(self, node: yaml.Node) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        # A mapping of thousands of keys (`x-` extensions) is looked up, not scanned
        # once per finding.
        indexes = self.__dict__.setdefault("_indexes", {})
        index = indexes.get(id(node))
        if index is None:
            index = indexes[id(node)] = {}
            for pair in node.value:
                index.setdefault(pair[0].value, pair)
        return index  # type: ignore[no-any-return]


_SCANNED = 16
"""Mappings up to this many keys are scanned for a key (quicker than an index)."""


class FileSourceMap(SourceMap):
    """The source map of a deal file, built again from the file on first use.

    After the first pass most files' maps are never consulted (only repository
    rules and suppression notes locate fields then): building one again costs
    less than keeping every one. A file that can no longer be read or built
    locates nothing: findings stand at the top of the file rather than stop the
    audit.
    """

    def __init__(self, path: str | FilePath) -> None:  # the fields come on first use
        self._path = path

    def __getattr__(self, name: str) -> Any:
        path = self.__dict__.get("_path")
        if path is None or name not in _MAP_FIELDS:
            raise AttributeError(name)
        del self.__dict__["_path"]
        try:
            built = read_yaml(read_limited(path), mapped=True)[1]
        except (ReadFailure, OSError):
            built = SourceMap()
        _take_fields(self, built)
        return getattr(self, name)


_MAP_FIELDS = ("values", "keys", "split_by_comma", "raw")
"""A `SourceMap`'s fields, in order: what the maps built on first use fill in."""


def _take_fields(target: SourceMap, built: SourceMap) -> None:
    for name in _MAP_FIELDS:
        setattr(target, name, getattr(built, name))


def _check_expansion(root: yaml.Node) -> None:
    """Refuse a document whose aliases expand past the limit, before building anything.

    Aliases share nodes, so the composed graph stays small while its expansion
    can be astronomically large; sizes are counted per node, once.
    """
    sizes: dict[int, int] = {}

    def size(node: yaml.Node, depth: int) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        if depth > MAX_DEPTH:
            raise ReadFailure(
                Problem(
                    "E001", "E001.too_deep", _position(node.start_mark), (), {"limit": MAX_DEPTH}
                )
            )
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(item, depth + 1) for item in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k, depth + 1) + size(v, depth + 1) for k, v in node.value)
        sizes[id(node)] = total
        if total > MAX_NODES:
            raise ReadFailure(
                Problem(
                    "E001",
                    "E001.too_many_nodes",
                    _position(node.start_mark),
                    (),
                    {"limit": f"{MAX_NODES:,}"},
                )
            )
        return total

    size(root, 0)
