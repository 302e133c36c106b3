"""Read a deal file as YAML: safely, within limits, with a source map.

PyYAML's C composer builds the node tree (no object is ever constructed from
a tag); we then turn nodes into plain values ourselves, which is where
duplicate keys, merge keys, alias bombs, depth and unsupported tags are
caught. Every scalar keeps the text exactly as written, because text fields
take the scalar literally (`id: 0042` is "0042").
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import Any

import yaml

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


def read_limited(path: FilePath, limit: int = MAX_BYTES) -> bytes:
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
        raise ReadFailure(
            Problem("E001", "E001.encoding", Position(line, column), params={"byte": byte})
        ) from None


def compose(text: str) -> yaml.Node | None:
    """The node tree of the single document in `text` (None when empty)."""
    try:
        return yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.MarkedYAMLError as exc:
        raise ReadFailure(_syntax_problem(exc, text)) from None
    except yaml.YAMLError as exc:  # reader errors without a mark
        raise ReadFailure(
            Problem("E001", "E001.syntax", START, params={"problem": str(exc)})
        ) from None


def _indented_with_tab(text: str, line: int) -> bool:
    """Whether the line of an error (0-based), or the one before, is indented with a tab."""
    lines = text.splitlines()
    around = [lines[i] for i in (line - 1, line) if 0 <= i < len(lines)]
    return any("\t" in row[: len(row) - len(row.lstrip())] for row in around)


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
    context = (exc.context or "").strip()
    tab = mark is not None and _indented_with_tab(text, mark.line)
    return Problem(
        "E001",
        "E001.syntax",
        position,
        params={"problem": problem, "context": context},
        hint="E001.tab_hint" if tab else None,
    )


class _Builder:
    """Turns composed nodes into dicts, lists and `Scalar`s, with a source map."""

    def __init__(self) -> None:
        self.source = SourceMap()
        self.problems: list[Problem] = []
        self._constructor = yaml.constructor.SafeConstructor()

    def build(self, node: yaml.Node, path: Path, depth: int) -> Any:
        # Size was measured by `_check_expansion`; depth is checked here as well
        # because an alias can put a shallow anchor deep down.
        self.source.values.setdefault(path, _position(node.start_mark))
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path)
        if depth >= MAX_DEPTH:
            raise ReadFailure(
                Problem(
                    "E001", "E001.too_deep", _position(node.start_mark), path, {"limit": MAX_DEPTH}
                )
            )
        self._check_tag(node, "seq" if isinstance(node, yaml.SequenceNode) else "map", path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.MappingNode)  # noqa: S101 - the composer makes no other kind
        return self._mapping(node, path, depth)

    def _check_tag(self, node: yaml.Node, expected: str, path: Path) -> None:
        if node.tag != _TAG + expected:
            raise ReadFailure(
                Problem("E001", "E001.tag", _position(node.start_mark), path, {"tag": node.tag})
            )

    def _scalar(self, node: yaml.ScalarNode, path: Path) -> Scalar:
        tag = node.tag.removeprefix(_TAG)
        if not node.tag.startswith(_TAG) or tag not in _SCALAR_TAGS:
            raise ReadFailure(
                Problem("E001", "E001.tag", _position(node.start_mark), path, {"tag": node.tag})
            )
        self.source.raw[path] = node.value
        return Scalar(self._resolve(node, tag), node.value, tag, node.style in ("'", '"'))

    def _resolve(self, node: yaml.ScalarNode, tag: str) -> Any:
        if tag == "str":
            return node.value
        if tag == "null":
            return None
        try:
            value: Any = getattr(self._constructor, f"construct_yaml_{tag}")(node)
        except (ValueError, OverflowError):
            # `2026-02-30` looks like a date but is none; keep the text so the
            # format check can show it.
            return node.value
        return value

    def _mapping(self, node: yaml.MappingNode, path: Path, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        merged: list[yaml.MappingNode] = []
        previous_was_text = False
        for key_node, value_node in node.value:
            if key_node.tag == _TAG + "merge":
                merged.extend(self._merge_sources(value_node, path))
                continue
            key = self._key(key_node, path)
            child = (*path, key)
            if key in result:
                first = self.source.keys[child]
                self.problems.append(
                    Problem(
                        "E002",
                        "E002.duplicate_key",
                        _position(key_node.start_mark),
                        child,
                        {"key": key, "first_line": first.line},
                    )
                )
                continue
            self.source.keys[child] = _position(key_node.start_mark)
            if node.flow_style and previous_was_text and _is_empty(value_node):
                self.source.split_by_comma.add(child)
            previous_was_text = (
                isinstance(value_node, yaml.ScalarNode)
                and not value_node.style
                and value_node.tag == _TAG + "str"
            )
            result[key] = self.build(value_node, child, depth + 1)
        if merged:
            # Keys written in this mapping win over merged ones, positions too.
            explicit = {key: self.source.keys[(*path, key)] for key in result}
            for source in merged:
                for key, value in self._mapping(source, path, depth).items():
                    result.setdefault(key, value)
            self.source.keys.update({(*path, key): pos for key, pos in explicit.items()})
        return result

    def _key(self, node: yaml.Node, path: Path) -> str:
        if not isinstance(node, yaml.ScalarNode):
            raise ReadFailure(Problem("E001", "E001.complex_key", _position(node.start_mark), path))
        return str(node.value)

    def _merge_sources(self, node: yaml.Node, path: Path) -> list[yaml.MappingNode]:
        items = node.value if isinstance(node, yaml.SequenceNode) else [node]
        sources = [item for item in items if isinstance(item, yaml.MappingNode)]
        if len(sources) != len(items):
            raise ReadFailure(Problem("E001", "E001.bad_merge", _position(node.start_mark), path))
        return sources


def _is_empty(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == _TAG + "null" and node.value == ""


def read_yaml(data: bytes) -> tuple[Any, SourceMap, list[Problem]]:
    """Decode, compose and build one YAML document.

    Raises `ReadFailure` for anything that stops the file being YAML data
    (E001); returns E002 problems (duplicate keys) found on the way.
    """
    text = decode(data)
    node = compose(text)
    if node is None:
        raise ReadFailure(Problem("E001", "E001.empty", START))
    _check_expansion(node)
    builder = _Builder()
    value = builder.build(node, (), 0)
    return value, builder.source, builder.problems


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
