"""The one small exception hierarchy of ebcheck.

An error carries a message catalogue key and its facts, not English text, so
that diagnostics are shown in the user's language like everything else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ebcheck.i18n import Catalogue


class Words:
    """A message of the catalogue used inside an error (an E001 text, say)."""

    def __init__(self, key: str, facts: dict[str, Any]) -> None:
        self.key = key
        self.facts = facts

    def describe(self, words: Catalogue) -> str:
        return words.text(self.key, **self.facts)


class EbcheckError(Exception):
    """Something the user must fix before ebcheck can do its job (exit 2)."""

    def __init__(self, key: str, /, *, where: str | None = None, **facts: Any) -> None:
        super().__init__(key)
        self.key = key
        self.where = where
        """`file:line:col` (or a file or option) the error is about, if any."""
        self.facts = facts

    def describe(self, words: Catalogue) -> str:
        facts = {
            name: value.describe(words) if isinstance(value, EbcheckError | Words) else value
            for name, value in self.facts.items()
        }
        text = words.text(f"error.{self.key}", **facts)
        return f"{self.where}: {text}" if self.where else text

    def __str__(self) -> str:
        from ebcheck.i18n import Catalogue

        return self.describe(Catalogue("en"))


class ConfigError(EbcheckError):
    """The configuration file or a command-line option is invalid."""


class BaselineError(EbcheckError):
    """The baseline file is missing or invalid."""


class PackError(EbcheckError):
    """A rule pack could not be loaded."""
