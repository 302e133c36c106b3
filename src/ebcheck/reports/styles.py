"""Colours of the terminal formats: one place for what a verdict or severity looks like."""

from __future__ import annotations

import io

from rich.console import Console
from rich.text import Text

from ebcheck.deal.enums import Severity, Verdict
from ebcheck.i18n import Catalogue

VERDICT_STYLE = {
    Verdict.READY: "bold green",
    Verdict.AT_RISK: "bold yellow",
    Verdict.NOT_READY: "bold red",
    Verdict.INVALID: "bold magenta",
    Verdict.EARLY: "bold cyan",
    Verdict.CLOSED: "bold blue",
}
SEVERITY_STYLE = {
    Severity.CRITICAL: "bold red",
    Severity.HIGH: "red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}


def verdict_text(verdict: Verdict, words: Catalogue) -> Text:
    return Text(words.text(f"verdict.{verdict.value}").upper(), style=VERDICT_STYLE[verdict])


def text_console(width: int, color: bool, *, markup: bool = True) -> tuple[Console, io.StringIO]:
    """A console that renders into a string: the width given, colour only when asked,
    no emoji, highlighting or platform tricks, so output is the same everywhere."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        force_terminal=color,
        no_color=not color,
        color_system="auto" if color else None,
        highlight=False,
        emoji=False,
        markup=markup,
        legacy_windows=False,
    )
    return console, buffer
