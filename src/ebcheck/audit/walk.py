"""Find the deal files among the paths given on the command line."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import yaml

from ebcheck.deal.source import MAX_BYTES, read_limited
from ebcheck.errors import ConfigError, EbcheckError

SUFFIXES = (".yaml", ".yml")
DEAL_KEYS = frozenset({"ebcheck", "deal"})


class Listed(Enum):
    """What the walk knows of a file it lists with `collect(..., read_later=True)`."""

    DEAL = "deal"
    """Named on the command line (a deal whatever it holds), or a folder not listed."""
    UNREAD = "unread"
    """A deal only if its content says so (`is_deal_data`): the walk did not read it."""
    NOT_REGULAR = "not_regular"
    """A FIFO or a device: skipped, never read (it could block or never end)."""


@dataclass(frozen=True)
class FileSet:
    names: tuple[str, ...]
    """The deal files, as text: a big folder's paths kept as path objects take
    several times the memory. With `read_later`, every file the walk met, in order,
    and `listed` says which are deals for sure."""
    skipped: tuple[Path, ...]
    excluded: tuple[Path, ...] = ()
    """YAML files a walk found that `exclude` leaves out (`--verbose` counts them)."""
    listed: tuple[Listed, ...] = ()
    """With `read_later`, what the walk knows of each name."""

    @property
    def deals(self) -> tuple[Path, ...]:
        return tuple(Path(name) for name in self.names)


class MissingPathError(EbcheckError):
    pass


def is_glob(pattern: str) -> bool:
    """True when `pattern` is a valid gitignore-style pattern (`!` alone, `a\\` are not)."""
    # Imported here: only a config that sets `include` or `exclude` has patterns to check.
    from pathspec import GitIgnoreSpec

    try:
        GitIgnoreSpec.from_lines([pattern])
    except (ValueError, re.error):
        return False
    return True


def globs(patterns: Sequence[str], kind: str) -> Globs:
    """`include` or `exclude` patterns, matched as a `.gitignore` in the config's folder.

    A pattern with a `/` at its start or in its middle is anchored to that
    folder (`deals/*.yaml`); one without matches at any depth (`templates/`,
    `*.draft.yaml`); `*` never crosses a `/` and `**` spans folders; the last
    pattern a path matches wins, so `!` takes a path back.
    """
    for pattern in patterns:
        if not is_glob(pattern):
            raise ConfigError("config_glob", where=kind, pattern=pattern)
    return Globs(tuple(p for p in map(_Pattern.parse, patterns) if p is not None))


# Glob matching is done here rather than with pathspec's regular expressions,
# which backtrack: `**/*/` repeated a dozen times took minutes on one path. Each
# pattern is matched segment by segment with a table (pattern position x path
# position), so the time grows with the product of their lengths, never more.

_Token = tuple[str, str]  # ("lit", "a"), ("any", ""), ("star", ""), ("class", "!a-z")


@dataclass(frozen=True)
class _Pattern:
    segments: tuple[tuple[_Token, ...] | None, ...]
    """Each segment's tokens; None for `**` (any number of folders)."""
    negated: bool
    folder_only: bool

    @classmethod
    def parse(cls, line: str) -> _Pattern | None:
        text = _strip_trailing_spaces(line)
        if not text or text.startswith("#"):
            return None
        negated = text.startswith("!")
        text = text[1:] if negated else text
        if text.startswith(("\\!", "\\#")):
            text = text[1:]
        folder_only = text.endswith("/")
        text = text.rstrip("/")
        anchored = "/" in text
        parts = [part for part in text.split("/") if part]
        if not anchored:
            parts = ["**", *parts]
        segments: list[tuple[_Token, ...] | None] = []
        for part in parts:
            if part == "**":
                if not segments or segments[-1] is not None:
                    segments.append(None)  # `**/**` is one `**`
            else:
                segments.append(_tokens(part))
        if segments and segments[-1] is None and len(segments) > 1:
            # `a/**` matches everything inside `a`, not `a` itself.
            segments.append((("star", ""),))
        return cls(tuple(segments), negated, folder_only)

    def matches(self, parts: Sequence[str]) -> int:
        """2 when the path itself matches, 1 when only a folder above it does, else 0."""
        ends = _prefix_matches(self.segments, parts)
        if ends[len(parts)] and not self.folder_only:
            return 2
        return 1 if any(ends[k] for k in range(1, len(parts))) else 0


def _strip_trailing_spaces(line: str) -> str:
    text = line.rstrip("\n\r")
    while text.endswith(" ") and not text.endswith("\\ "):
        text = text[:-1]
    return text


def _tokens(segment: str) -> tuple[_Token, ...]:
    tokens: list[_Token] = []
    i = 0
    while i < len(segment):
        char = segment[i]
        if char == "\\" and i + 1 < len(segment):
            tokens.append(("lit", segment[i + 1]))
            i += 2
            continue
        if char == "*":
            if not tokens or tokens[-1][0] != "star":
                tokens.append(("star", ""))
        elif char == "?":
            tokens.append(("any", ""))
        elif char == "[":
            end = _class_end(segment, i)
            if end < 0:
                tokens.append(("lit", "["))
            else:
                tokens.append(("class", segment[i + 1 : end]))
                i = end
        else:
            tokens.append(("lit", char))
        i += 1
    return tuple(tokens)


def _class_end(segment: str, start: int) -> int:
    i = start + 1
    if i < len(segment) and segment[i] in "!^":
        i += 1
    if i < len(segment) and segment[i] == "]":
        i += 1
    while i < len(segment):
        if segment[i] == "\\":
            i += 2
            continue
        if segment[i] == "]":
            return i
        i += 1
    return -1


def _in_class(spec: str, char: str) -> bool:
    negate = spec[:1] in ("!", "^")
    body = spec[1:] if negate else spec
    found = False
    i = 0
    while i < len(body):
        low = body[i + 1] if body[i] == "\\" and i + 1 < len(body) else body[i]
        i += 2 if body[i] == "\\" else 1
        high = low
        if i + 1 < len(body) and body[i] == "-":
            high = body[i + 2] if body[i + 1] == "\\" and i + 2 < len(body) else body[i + 1]
            i += 3 if body[i + 1] == "\\" else 2
        if low <= char <= high:
            found = True
    return found != negate


def _segment_matches(tokens: tuple[_Token, ...], name: str) -> bool:
    """Wildcard match of one path segment: the set of token positions after each character."""
    states = _closure({0}, tokens)
    for char in name:
        following: set[int] = set()
        for at in states:
            if at == len(tokens):
                continue
            kind, value = tokens[at]
            if kind == "star":
                following.add(at)
            elif (
                kind == "any"
                or (kind == "lit" and value == char)
                or (kind == "class" and _in_class(value, char))
            ):
                following.add(at + 1)
        states = _closure(following, tokens)
        if not states:
            return False
    return len(tokens) in states


def _closure(states: set[int], tokens: tuple[_Token, ...]) -> set[int]:
    """A star may match nothing: a position before one also stands after it."""
    out = set(states)
    for at in sorted(states):
        while at < len(tokens) and tokens[at][0] == "star":
            at += 1
            out.add(at)
    return out


def _prefix_matches(
    segments: tuple[tuple[_Token, ...] | None, ...], parts: Sequence[str]
) -> list[bool]:
    """For each k, whether the pattern matches the first k path segments."""
    # reach[j]: the pattern so far matches parts[:j].
    reach = [True] + [False] * len(parts)
    for segment in segments:
        if segment is None:
            for j in range(1, len(parts) + 1):
                reach[j] = reach[j] or reach[j - 1]
            continue
        reach = [False] + [
            reach[j] and _segment_matches(segment, parts[j]) for j in range(len(parts))
        ]
    return reach


@dataclass(frozen=True)
class Globs:
    """A list of gitignore-style patterns; the last one a path matches decides."""

    patterns: tuple[_Pattern, ...]

    def match_file(self, path: str) -> bool:
        # As git (and pathspec) decide: the last pattern that matches wins, except
        # that a negated folder pattern does not take back a file matched by name.
        parts = [part for part in path.split("/") if part]
        decided, strength = False, 0
        for pattern in self.patterns:
            found = pattern.matches(parts)
            if not found:
                continue
            if (not pattern.negated and found == 1) or found >= strength:
                decided, strength = not pattern.negated, found
        return decided


def _relative(real: str, root: str, given: Path) -> str:
    """`real` (the resolved `given`) relative to the resolved `root`, '/'-separated;
    outside `root`, `given` as the user wrote it."""
    if real == root:
        return "."
    prefix = root if root.endswith(os.sep) else root + os.sep
    if real.startswith(prefix):
        return Path(real[len(prefix) :]).as_posix()
    return given.as_posix()


def _walk(folder: Path, unlisted: list[Path] | None = None) -> Iterable[tuple[Path, str, bool]]:
    """The YAML files under `folder`, each with its resolved path and whether it is a
    regular file; folders that cannot be listed go to `unlisted`.

    A folder's files come before its subfolders', each in name order. The walk
    enters no linked folder and yields no linked file, so one resolution per folder
    gives every file's; what a file is comes from the folder listing, not a `stat`
    per file.
    """
    pending = [str(folder)]
    while pending:
        current = pending.pop()
        try:
            with os.scandir(current) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            if unlisted is not None:
                unlisted.append(Path(error.filename) if error.filename else folder)
            continue
        real = os.path.realpath(current)
        folders = []
        for entry in entries:
            name = entry.name
            if _is_folder(entry):
                if not name.startswith(".") and not entry.is_symlink():
                    folders.append(entry.path)
                continue
            if name.startswith(".") or not name.endswith(SUFFIXES) or entry.is_symlink():
                continue
            # A FIFO or a device too, not regular: `collect` skips it.
            regular = entry.is_file(follow_symlinks=False)
            yield Path(current, name), os.path.join(real, name), regular  # noqa: PTH118
        pending.extend(reversed(folders))


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # as `os.walk` takes it
        return False


def top_level_keys(path: Path) -> set[str] | None:
    """Keys of the first document's top-level mapping; None when not readable YAML.

    Only the first document is parsed, event by event, so a large manifest
    costs little and a multi-document file is still classified.
    """
    try:
        head = read_limited(path)
    except OSError:
        return None
    return head_keys(head)


def head_keys(head: bytes) -> set[str] | None:
    """`top_level_keys` of a file read with `read_limited`."""
    try:
        # A file over the limit is skipped only if its first document, as far
        # as the limit allows, reads as YAML that is not a deal.
        truncated = len(head) > MAX_BYTES
        text = head[:MAX_BYTES].decode("utf-8-sig", errors="ignore" if truncated else "strict")
    except UnicodeDecodeError:
        return None
    keys: set[str] = set()
    try:
        _first_document_keys(yaml.parse(text, Loader=yaml.CSafeLoader), keys)
    except yaml.MarkedYAMLError as exc:
        # Not YAML: a deal, so that its E001 is reported. The head of a big file
        # may fail only where it was cut; then what it read so far decides.
        if not (truncated and _at_the_cut(exc, text)):
            return None
    except yaml.YAMLError:
        return None
    if MERGE_KEY in keys:
        return _merged_keys(text)
    return keys


MERGE_KEY = "<<"


def _at_the_cut(exc: yaml.MarkedYAMLError, text: str) -> bool:
    """Whether a parse error stands where the head of a big file was cut off."""
    mark = exc.problem_mark
    return mark is not None and mark.index >= len(text.rstrip()) - 1


def _merged_keys(text: str) -> set[str] | None:
    """Top-level keys with the merge key `<<` expanded: the loader builds a deal from them."""
    try:
        node = next(iter(yaml.compose_all(text, Loader=yaml.CSafeLoader)), None)
    except yaml.YAMLError:
        return None
    keys: set[str] = set()
    pending = [node] if isinstance(node, yaml.MappingNode) else []
    seen: set[int] = set()
    while pending:
        mapping = pending.pop()
        if id(mapping) in seen:
            continue
        seen.add(id(mapping))
        for key, value in mapping.value:
            if isinstance(key, yaml.ScalarNode) and key.tag.endswith(":merge"):
                items = value.value if isinstance(value, yaml.SequenceNode) else [value]
                pending.extend(i for i in items if isinstance(i, yaml.MappingNode))
            elif isinstance(key, yaml.ScalarNode):
                keys.add(key.value)
    return keys


def _first_document_keys(events: Iterable[yaml.Event], keys: set[str]) -> None:
    """Collect into `keys` the top-level keys of the first document."""
    depth = 0
    expect_key = False
    for event in events:
        if isinstance(event, yaml.DocumentEndEvent) or (depth == 1 and keys & DEAL_KEYS):
            break
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            if depth == 0 and isinstance(event, yaml.SequenceStartEvent):
                return
            depth += 1
            expect_key = isinstance(event, yaml.MappingStartEvent) and depth == 1
            continue
        if isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            depth -= 1
            expect_key = depth == 1
            continue
        if depth == 1 and isinstance(event, yaml.ScalarEvent | yaml.AliasEvent):
            if expect_key and isinstance(event, yaml.ScalarEvent):
                keys.add(event.value)
            expect_key = not expect_key


def is_deal_file(path: Path) -> bool:
    keys = top_level_keys(path)
    return keys is None or bool(keys & DEAL_KEYS)


def is_deal_data(head: bytes) -> bool:
    """`is_deal_file` of a file read with `read_limited`."""
    keys = head_keys(head)
    return keys is None or bool(keys & DEAL_KEYS)


def collect(
    paths: Sequence[Path],
    root: Path,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    classify_named: bool = False,
    read_later: bool = False,
) -> FileSet:
    """Deal files named or found under `paths`, in a deterministic order.

    A file named explicitly is always a deal, unless `classify_named` (for
    pre-commit, which names every changed YAML file): then it is judged like
    a walked file, `exclude` included. With `read_later`, a file judged so is not
    read here: it is listed (`Listed`) for whoever reads it next to judge (an
    audit's first pass, in the pool, where a cache hit needs no judging), and so is
    a file that is not regular, to be skipped in walk order. Missing paths are an
    error before anything is audited.
    """
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise MissingPathError("missing_path", paths=", ".join(missing))
    included = globs(include, "include") if include else None
    excluded = globs(exclude, "exclude")
    deals: dict[str, Listed] = {}
    skipped: dict[Path, None] = {}
    left_out: dict[Path, None] = {}
    seen: set[str] = set()  # one file named twice (`.`, `a.yaml`, `../w/a.yaml`) counts once
    unlisted: list[Path] = []
    top = os.path.realpath(root)
    for given in paths:
        walked = given.is_dir()
        named = [(given, os.path.realpath(given), given.is_file())]
        for path, real, regular in _walk(given, unlisted) if walked else named:
            if real in seen:
                continue
            seen.add(real)
            if not walked and not classify_named:
                deals[str(path)] = Listed.DEAL
                continue
            relative = _relative(real, top, path)
            if included is not None and not included.match_file(relative):
                continue
            if excluded.match_file(relative):
                left_out[path] = None
                continue
            if read_later:
                deals[str(path)] = Listed.UNREAD if regular else Listed.NOT_REGULAR
            elif regular and is_deal_file(path):  # a FIFO or device is never read
                deals[str(path)] = Listed.DEAL
            else:
                skipped[path] = None
    for folder in unlisted:
        # A folder that cannot be listed may hold deals: it is reported like a
        # file that cannot be read (E001), unless `exclude` leaves it out.
        if not excluded.match_file(_relative(os.path.realpath(folder), top, folder) + "/-"):
            deals[str(folder)] = Listed.DEAL
    listed = tuple(deals.values()) if read_later else ()
    return FileSet(tuple(deals), tuple(skipped), tuple(left_out), listed)
