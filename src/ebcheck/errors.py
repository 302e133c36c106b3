"""The one small exception hierarchy of ebcheck.

An error carries a message catalogue key and its facts, not English text, so
that diagnostics are shown in the user's language like everything else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails

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


# pydantic's error types that a config can meet, by the catalogue key that says
# the same in the user's language (`detail.<key>`); the facts are pydantic's context.
_DETAILS = {
    "int_from_float": "whole_number",
    "int_parsing": "number",
    "int_type": "number",
    "float_parsing": "number",
    "float_type": "number",
    "finite_number": "number",
    "greater_than_equal": "at_least",
    "greater_than": "greater_than",
    "less_than_equal": "at_most",
    "less_than": "less_than",
    "bool_parsing": "boolean",
    "bool_type": "boolean",
    "string_type": "text",
    "dict_type": "mapping",
    "list_type": "list",
    "missing": "missing",
}


def validation_detail(error: ErrorDetails) -> Words:
    """What is wrong with a value, from the catalogue: never pydantic's English."""
    kind = error["type"]
    if kind.startswith("detail."):
        return Words(kind, {})
    facts = {name: _shown(value) for name, value in (error.get("ctx") or {}).items()}
    key = _DETAILS.get(kind, "other")
    return Words(f"detail.{key}", {"found": _shown(error.get("input")), **facts})


def _shown(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # `lt=1.0` is "less than 1"
    text = "true" if value is True else "false" if value is False else str(value)
    return text if len(text) <= 40 else text[:40] + "…"
