"""Rule packs: folders of rule modules, loaded by path.

The built-in pack is the repository's top-level `rules/` folder. In a wheel
it is shipped as package data (`ebcheck/_builtin_rules`); in a source
checkout or an editable install it is found beside `src/`. A team's own pack
will be loaded the same way.

A module declares its rules in `RULES` and may declare its `AREA` (title,
doctrine, shared words). The English of a pack is written in those
declarations; its `locale/<lang>.yaml` files translate it (`Pack.words`).
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType

from ebcheck.audit.core_rules import CORE_RULES
from ebcheck.errors import PackError
from ebcheck.i18n import Catalogue
from ebcheck.ruleapi import Area, Rule

_SHIPPED = Path(__file__).parents[1] / "_builtin_rules"
_CHECKOUT = Path(__file__).resolve().parents[3] / "rules"


@dataclass(frozen=True)
class Pack:
    folder: Path
    modules: tuple[str, ...]
    rules: tuple[Rule, ...]
    areas: tuple[Area, ...] = ()

    @property
    def locale(self) -> Path:
        """The folder of the pack's translations (and of English in YAML, if any)."""
        return self.folder / "locale"

    def english(self) -> dict[str, str]:
        """Every English string written in code that an audit with this pack may
        say: the areas' and rules' of the pack, and those of the rules the
        engine applies itself, as catalogue entries (`EB002.fix`)."""
        words: dict[str, str] = {}
        for area in self.areas:
            words.update(area.english())
        for rule in (*self.rules, *CORE_RULES):
            words.update(rule.english())
        return words

    def words(self, lang: str) -> Catalogue:
        """The catalogue of an audit with this pack in `lang`: the engine's words,
        the declarations' English, and the translations of the pack's `locale/`."""
        return Catalogue(lang, [self.locale], english=self.english())


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
    areas: list[Area] = []
    files = module_files(folder)
    for path in files:
        module = _import(path, namespace)
        rules.extend(_rules_of(module, path))
        areas.extend(_area_of(module, path))
    _check_unique(rules, folder)
    _check_words_agree(areas, folder)
    return Pack(folder, tuple(p.stem for p in files), tuple(rules), tuple(areas))


def _area_of(module: ModuleType, path: Path) -> list[Area]:
    declared = getattr(module, "AREA", None)
    if declared is None:
        return []
    if not isinstance(declared, Area):
        reason = f"AREA must be an ebcheck.ruleapi.Area, not {type(declared).__name__}"
        raise PackError("module_failed", where=str(path), reason=reason)
    return [declared]


def _check_words_agree(areas: list[Area], folder: Path) -> None:
    """A doctrine title or shared word declared by two areas must say the same:
    otherwise which one a report shows would depend on the order of the modules."""
    seen: dict[str, str] = {}
    for area in areas:
        for key, text in area.english().items():
            if seen.setdefault(key, text) != text:
                raise PackError("declared_twice", where=str(folder), key=key)


def _check_unique(rules: list[Rule], folder: Path) -> None:
    seen: set[str] = set()
    for item in rules:
        for key in (item.id.upper(), item.name.lower()):
            if key in seen:
                raise PackError("declared_twice", where=str(folder), key=key)
            seen.add(key)


def builtin_pack() -> Pack:
    return load_pack(builtin_folder())
