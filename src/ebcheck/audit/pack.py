"""Rule packs: folders of rule modules, loaded by path.

The built-in pack is the repository's top-level `rules/` folder. In a wheel
it is shipped as package data (`ebcheck/_builtin_rules`); in a source
checkout or an editable install it is found beside `src/`. A team's own pack
will be loaded the same way.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType

from ebcheck.errors import PackError
from ebcheck.ruleapi import Rule

_SHIPPED = Path(__file__).parents[1] / "_builtin_rules"
_CHECKOUT = Path(__file__).resolve().parents[3] / "rules"


@dataclass(frozen=True)
class Pack:
    folder: Path
    modules: tuple[str, ...]
    rules: tuple[Rule, ...]

    @property
    def locale(self) -> Path:
        return self.folder / "locale"


def builtin_folder() -> Path:
    for folder in (_SHIPPED, _CHECKOUT):
        if folder.is_dir():
            return folder
    raise PackError("pack_missing", shipped=str(_SHIPPED), checkout=str(_CHECKOUT))


def module_files(folder: Path) -> list[Path]:
    """The rule modules of a pack: its `*.py` files, private ones excluded."""
    return sorted(p for p in folder.glob("*.py") if not p.name.startswith("_"))


def _import(path: Path, namespace: str) -> ModuleType:
    name = f"{namespace}.{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise PackError("module_unloadable", where=str(path))
    module = importlib.util.module_from_spec(spec)
    # Registered so that dataclasses and pickling can find the module again.
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        del sys.modules[name]
        raise PackError(
            "module_failed", where=str(path), reason=f"{type(exc).__name__}: {exc}"
        ) from exc
    return module


def _rules_of(module: ModuleType, path: Path) -> list[Rule]:
    declared = getattr(module, "RULES", None)
    if not isinstance(declared, list | tuple) or not all(isinstance(r, Rule) for r in declared):
        raise PackError("module_without_rules", where=str(path))
    return list(declared)


@cache
def load_pack(folder: Path) -> Pack:
    """Import every module of the pack at `folder` and collect its rules."""
    digest = hashlib.sha1(str(folder.resolve()).encode(), usedforsecurity=False).hexdigest()[:12]
    namespace = f"ebcheck_pack_{digest}"
    rules: list[Rule] = []
    files = module_files(folder)
    for path in files:
        rules.extend(_rules_of(_import(path, namespace), path))
    _check_unique(rules, folder)
    return Pack(folder, tuple(p.stem for p in files), tuple(rules))


def _check_unique(rules: list[Rule], folder: Path) -> None:
    seen: set[str] = set()
    for item in rules:
        for key in (item.id.upper(), item.name.lower()):
            if key in seen:
                raise PackError("declared_twice", where=str(folder), key=key)
            seen.add(key)


def builtin_pack() -> Pack:
    return load_pack(builtin_folder())
