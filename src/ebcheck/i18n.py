"""The message catalogue: every user-facing string, keyed by id.

Strings live in YAML files per language (`locale/<lang>.yaml` here for the
engine, and in each rule pack for its rules), with named placeholders
(`{name}`). A key missing in one language falls back to English, so a
translation can grow one file at a time without touching rule logic.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

DEFAULT_LANG = "en"
LANGUAGES = ("en", "zh")
_HERE = Path(__file__).parent / "locale"


class _Missing(dict[str, Any]):
    """Placeholders left visible, instead of a KeyError, when a fact is absent."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = str(value)
    return flat


def read_catalogue_file(path: Path) -> dict[str, str]:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    return _flatten(data or {})


def catalogue_files(folder: Path, lang: str) -> list[Path]:
    """`<lang>.yaml` and its parts `<lang>.<part>.yaml`, in a stable order."""
    return sorted(folder.glob(f"{lang}.yaml")) + sorted(folder.glob(f"{lang}.*.yaml"))


class Catalogue:
    """Messages in one language, with English behind every missing key."""

    def __init__(
        self, lang: str, folders: Iterable[Path] = (), english: Mapping[str, str] | None = None
    ) -> None:
        """Messages of the engine and of `folders`; `english` adds English strings
        written in code (a rule's declaration), which translations then override."""
        self.lang = lang if lang in LANGUAGES else DEFAULT_LANG
        self._strings: dict[str, str] = {}
        languages = (DEFAULT_LANG,) if self.lang == DEFAULT_LANG else (DEFAULT_LANG, self.lang)
        for lang in languages:
            for folder in (_HERE, *folders):
                for path in catalogue_files(folder, lang):
                    self._strings.update(read_catalogue_file(path))
            if lang == DEFAULT_LANG and english:
                self._strings.update(english)

    def __contains__(self, key: str) -> bool:
        return key in self._strings

    def all_keys(self) -> list[str]:
        return sorted(self._strings)

    def template(self, key: str) -> str | None:
        """The string of `key` with its placeholders unfilled."""
        return self._strings.get(key)

    def text(self, key: str, /, **params: Any) -> str:
        template = self._strings.get(key)
        if template is None:
            return key
        return template.format_map(_Missing(params))

    def get(self, key: str, /, **params: Any) -> str | None:
        return self.text(key, **params) if key in self._strings else None

    def join(self, items: Iterable[str]) -> str:
        """A list of facts in running text: "a, b and c" / "a、b和c"."""
        words = list(items)
        if len(words) <= 1:
            return "".join(words)
        sep = self.text("list.separator")
        last = self.text("list.last_separator")
        return sep.join(words[:-1]) + last + words[-1]


def language_from_environment() -> str:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"
