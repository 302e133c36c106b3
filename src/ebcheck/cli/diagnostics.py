"""Diagnostics on stderr, in the user's language: errors, warnings and notes."""

from __future__ import annotations

import sys
from typing import Any

from ebcheck.errors import EbcheckError
from ebcheck.i18n import Catalogue
from ebcheck.reports.textsafe import diagnostic_line


def _words(lang: str | None) -> Catalogue:
    from ebcheck.i18n import LANGUAGES, language_from_environment

    # `--lang fr` is refused in the run's language, not in a catalogue that is none.
    return Catalogue(lang if lang in LANGUAGES else language_from_environment())


def _emit(kind: str, text: str, words: Catalogue) -> None:
    # File names and config values are user text: cleaned like the reports'
    # (no control characters, no line breaks), so none drives the terminal or
    # the Actions runner (`::stop-commands::`).
    line = diagnostic_line(words.text(f"diagnostic.{kind}", message=text))
    stream = sys.stderr
    if stream is None:
        return
    try:
        print(line, file=stream, flush=True)
    except UnicodeEncodeError:
        encoding = getattr(stream, "encoding", None) or "ascii"
        print(line.encode(encoding, "replace").decode(encoding), file=stream, flush=True)
    except (OSError, ValueError):
        pass  # stderr itself is gone: nothing left to tell


def error(problem: EbcheckError, lang: str | None = None) -> None:
    words = _words(lang)
    _emit("error", problem.describe(words), words)


def say(kind: str, key: str, lang: str | None = None, /, **facts: Any) -> None:
    """A diagnostic of `kind` (error, warning, note) from catalogue key `diagnostic.<key>`."""
    words = _words(lang)
    _emit(kind, words.text(f"diagnostic.{key}", **facts), words)
