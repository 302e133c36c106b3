"""The output folder: which deal files it holds, and writing inside it only.

Existing deal files are found by their `deal.id` (a file may have been
renamed or moved into a subfolder); hidden folders and symbolic links are
never entered. A file is written through a temporary file in its own folder
and renamed over the old one, never through a symbolic link and never
outside the folder.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

from ebcheck.atomic import replace_file
from ebcheck.crm.problems import Problems, problem
from ebcheck.deal.problems import ReadFailure
from ebcheck.deal.source import Scalar, read_limited, read_yaml

_UNSAFE = re.compile(r"[^\w.-]+")


def file_name(deal_id: str) -> str:
    """`<id>.yaml`, with anything but letters, digits, `.`, `_` and `-` replaced."""
    stem = _UNSAFE.sub("-", deal_id).strip(".-")[:120] or "deal"
    return f"{stem}.yaml"


def _deal_id(path: Path) -> str | None:
    try:
        tree, _, _ = read_yaml(read_limited(path))
    except (OSError, ReadFailure):
        return None
    deal = tree.get("deal") if isinstance(tree, dict) else None
    value = deal.get("id") if isinstance(deal, dict) else None
    return value.raw if isinstance(value, Scalar) and not value.is_null else None


def check_output(out: Path) -> None:
    if out.is_symlink():
        raise problem("output_symlink", where=str(out))
    if out.exists() and not out.is_dir():
        raise problem("output_not_folder", where=str(out))


def existing_deals(
    out: Path, problems: Problems, normalise: Callable[[str], str] = str.strip
) -> dict[str, Path]:
    """The deal files under `out`, by id (as `normalise` writes it)."""
    found: dict[str, Path] = {}
    if not out.is_dir():
        return found
    for folder, dirs, files in os.walk(out, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(folder) / name
            if name.startswith(".") or path.suffix not in (".yaml", ".yml") or path.is_symlink():
                continue
            deal_id = _deal_id(path)
            if deal_id is None:
                continue
            deal_id = normalise(deal_id)
            if deal_id in found:
                problems.add(
                    problem("same_id", where=str(path), id=deal_id, first=str(found[deal_id]))
                )
                continue
            found[deal_id] = path
    return found


def write_inside(out: Path, path: Path, text: str) -> None:
    """Write `text` to `path`, which must lie inside `out` and be no symbolic link."""
    out.mkdir(parents=True, exist_ok=True)
    root = out.resolve()
    if path.is_symlink() or not path.parent.resolve().is_relative_to(root):
        raise problem("write_symlink", where=str(path))
    for parent in path.parents:
        if parent == out or parent.resolve() == root:
            break
        if parent.is_symlink():
            raise problem("write_symlink", where=str(path))
    try:
        replace_file(path, text.encode("utf-8"))
    except OSError as exc:
        raise problem("cannot_write", where=str(path), reason=exc.strerror) from None
