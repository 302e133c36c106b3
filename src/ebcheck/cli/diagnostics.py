"""Diagnostics on stderr, in the user's language: errors, warnings and notes."""

from __future__ import annotations

import sys
from typing import Any

from ebcheck.errors import EbcheckError
from ebcheck.i18n import Catalogue


def _words(lang: str | None) -> Catalogue:
    from ebcheck.i18n import language_from_environment

    return Catalogue(lang or language_from_environment())


def _emit(kind: str, text: str, words: Catalogue) -> None:
    print(words.text(f"diagnostic.{kind}", message=text), file=sys.stderr)


def error(problem: EbcheckError, lang: str | None = None) -> None:
    words = _words(lang)
    _emit("error", problem.describe(words), words)


def say(kind: str, key: str, lang: str | None = None, /, **facts: Any) -> None:
    """A diagnostic of `kind` (error, warning, note) from catalogue key `diagnostic.<key>`."""
    words = _words(lang)
    _emit(kind, words.text(f"diagnostic.{key}", **facts), words)
