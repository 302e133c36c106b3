"""Find the deal files among the paths given on the command line."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from pathspec import GitIgnoreSpec

from ebcheck.deal.source import MAX_BYTES
from ebcheck.errors import ConfigError, EbcheckError

SUFFIXES = (".yaml", ".yml")
DEAL_KEYS = frozenset({"ebcheck", "deal"})


@dataclass(frozen=True)
class FileSet:
    deals: tuple[Path, ...]
    skipped: tuple[Path, ...]
    excluded: tuple[Path, ...] = ()
    """YAML files a walk found that `exclude` leaves out (`--verbose` counts them)."""


class MissingPathError(EbcheckError):
    pass


def is_glob(pattern: str) -> bool:
    """True when `pattern` is a valid gitignore-style pattern (`!` alone, `a\\` are not)."""
    try:
        GitIgnoreSpec.from_lines([pattern])
    except (ValueError, re.error):
        return False
    return True


def globs(patterns: Sequence[str], kind: str) -> GitIgnoreSpec:
    """`include` or `exclude` patterns, matched as a `.gitignore` in the config's folder.

    A pattern with a `/` at its start or in its middle is anchored to that
    folder (`deals/*.yaml`); one without matches at any depth (`templates/`,
    `*.draft.yaml`); `*` never crosses a `/` and `**` spans folders; the last
    pattern a path matches wins, so `!` takes a path back.
    """
    for pattern in patterns:
        if not is_glob(pattern):
            raise ConfigError("config_glob", where=kind, pattern=pattern)
    return GitIgnoreSpec.from_lines(patterns)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _walk(folder: Path) -> Iterable[Path]:
    for current, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(current, name)
            if name.startswith(".") or not name.endswith(SUFFIXES) or path.is_symlink():
                continue
            if not path.is_file():  # a FIFO or device would block or never end
                continue
            yield path


def top_level_keys(path: Path) -> set[str] | None:
    """Keys of the first document's top-level mapping; None when not readable YAML.

    Only the first document is parsed, event by event, so a large manifest
    costs little and a multi-document file is still classified.
    """
    try:
        with path.open("rb") as stream:
            head = stream.read(MAX_BYTES + 1)
        # A file over the limit is a deal only if its first document says so;
        # read that much of it, as far as the limit allows.
        truncated = len(head) > MAX_BYTES
        text = head[:MAX_BYTES].decode("utf-8-sig", errors="ignore" if truncated else "strict")
    except (OSError, UnicodeDecodeError):
        return None
    keys: set[str] = set()
    try:
        _first_document_keys(yaml.parse(text, Loader=yaml.CSafeLoader), keys)
    except yaml.YAMLError:
        return keys if truncated else None
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


def collect(
    paths: Sequence[Path],
    root: Path,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    classify_named: bool = False,
) -> FileSet:
    """Deal files named or found under `paths`, in a deterministic order.

    A file named explicitly is always a deal, unless `classify_named` (for
    pre-commit, which names every changed YAML file): then it is judged like
    a walked file, `exclude` included. Missing paths are an error before
    anything is audited.
    """
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise MissingPathError("missing_path", paths=", ".join(missing))
    included = globs(include, "include") if include else None
    excluded = globs(exclude, "exclude")
    deals: dict[Path, None] = {}
    skipped: dict[Path, None] = {}
    left_out: dict[Path, None] = {}
    seen: set[Path] = set()  # one file named twice (`.`, `a.yaml`, `../w/a.yaml`) counts once
    for given in paths:
        for path in _walk(given) if given.is_dir() else [given]:
            real = path.resolve()
            if real in seen:
                continue
            seen.add(real)
            if not given.is_dir() and not classify_named:
                deals[path] = None
                continue
            relative = _relative(path, root)
            if included is not None and not included.match_file(relative):
                continue
            if excluded.match_file(relative):
                left_out[path] = None
                continue
            (deals if is_deal_file(path) else skipped)[path] = None
    return FileSet(tuple(deals), tuple(skipped), tuple(left_out))
