"""The message catalogue: every user-facing string, keyed by id.

Strings live in YAML files per language (`locale/<lang>.yaml` here for the
engine; a rule's English in its declaration, its translations in the pack),
with named placeholders (`{name}`). A key missing in one language falls back
to English, so a translation can grow one file at a time.

Plurals follow CLDR: English has `one` and `other`, Chinese none. A template
writes the forms inline after the number they follow, `{days} {days|day|days}`:
the first form when `days` is 1, the second otherwise. Chinese templates have
no such markers.

A key missing in every language is shown as the key itself, so a report is
never lost to a missing word; with `EBCHECK_STRICT_MESSAGES=1` (the test
suite sets it) it raises instead.
"""

from __future__ import annotations

import os
import re
import string
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

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


@cache
def read_catalogue_file(path: Path) -> Mapping[str, str]:
    """The strings of one locale file, read once per process."""
    import yaml  # here, not at the top: `--version` and `--help` never read a catalogue

    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    return _flatten(data or {})


_PLURAL = re.compile(r"\{(\w+)\|([^|{}]*)\|([^|{}]*)\}")


def _plural_forms(template: str, params: Mapping[str, Any]) -> str:
    """`{n|one|other}` replaced by the form `params[n]` asks for (English rules)."""

    def form(match: re.Match[str]) -> str:
        count = params.get(match.group(1))
        return match.group(2) if count == 1 else match.group(3)

    return _PLURAL.sub(form, template)


def placeholders(template: str) -> set[str]:
    """The named facts a template uses; a plural marker `{n|a|b}` uses `n`."""
    template = _PLURAL.sub(lambda m: "{" + m.group(1) + "}", template)
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


class MissingMessage(KeyError):
    """A message key that no catalogue defines (raised only in strict mode)."""


def _strict() -> bool:
    return os.environ.get("EBCHECK_STRICT_MESSAGES", "") not in ("", "0")


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
            if _strict():
                raise MissingMessage(key)
            return key
        if "|" in template:
            template = _plural_forms(template, params)
        return template.format_map(_Missing(params))

    def get(self, key: str, /, **params: Any) -> str | None:
        return self.text(key, **params) if key in self._strings else None

    def join_or(self, items: Iterable[str]) -> str:
        """Alternatives in running text: "a, b or c" / "a、b或c"."""
        return self.join(items, "list.or_separator")

    def join_clauses(self, items: Iterable[str]) -> str:
        """Clauses that hold lists of their own: "a; b; c" / "a；b；c"."""
        return self.text("list.clause_separator").join(items)

    def join(self, items: Iterable[str], last_key: str = "list.last_separator") -> str:
        """A list of facts in running text: "a, b and c" / "a、b和c"."""
        words = list(items)
        if len(words) <= 1:
            return "".join(words)
        sep = self.text("list.separator")
        last = self.text(last_key)
        head = sep.join(words[:-1])
        if not last.isascii() and last.isalpha():
            # Chinese sets a space between 和 and a Latin word or a number:
            # "EUR 880,000 和 USD 2,200,000", but "张伟和李强".
            left = " " if head[-1:].isascii() and head[-1:].isalnum() else ""
            right = " " if words[-1][:1].isascii() and words[-1][:1].isalnum() else ""
            last = left + last + right
        return head + last + words[-1]


_SESSION: dict[str, str | None] = {"asked": None, "chosen": None}
"""The language of the command line's current run (set by `ebcheck.cli.helptext`):
`asked` is a valid `--lang` given anywhere on it, `chosen` that, else the config's
`lang`, else the environment's. Empty outside a run: the library uses the locale."""


def set_session_language(asked: str | None, chosen: str | None) -> None:
    _SESSION["asked"], _SESSION["chosen"] = asked, chosen


def asked_language() -> str | None:
    """`--lang` of this run, wherever on the command line it was given."""
    return _SESSION["asked"]


def language_from_environment() -> str:
    """The run's language (`--lang`, else the config's `lang`), else the locale's."""
    if _SESSION["chosen"]:
        return _SESSION["chosen"]
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"
