"""Report formats: each turns a finished `AuditReport` into text."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from importlib import import_module
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from ebcheck.audit.results import AnyReport, AuditReport, DealWriter
    from ebcheck.i18n import Catalogue


class Format(StrEnum):
    TERMINAL = "terminal"
    CONCISE = "concise"
    JSON = "json"
    MARKDOWN = "markdown"
    SARIF = "sarif"
    GITHUB = "github"
    JUNIT = "junit"
    HTML = "html"


@dataclass(frozen=True)
class RenderOptions:
    """How to present a report; formatters see this and the report, nothing else."""

    catalogue: Catalogue
    width: int = 100
    color: bool = False
    summary_only: bool = False
    show_all: bool = False
    """`--all`: a panel for every deal, however many."""
    version: str = ""
    step_summary: bool = False
    """The markdown report also goes to a GitHub job summary (the notices can point to it)."""
    jobs: int = 1
    """`--jobs`: processes that may render a big terminal report's panels (0: one per CPU)."""
    source_root: str = ""
    """The folder SARIF's relative paths stand under (`%SRCROOT%`), as a `file://` URI
    ending in `/` (empty: not said)."""


class Formatter(Protocol):
    def __call__(self, report: AuditReport, options: RenderOptions) -> str: ...


def formatter(fmt: Format) -> Formatter:
    """The render function of a format, imported only when it is used."""
    module = import_module(f"ebcheck.reports.{fmt.value}_format")
    render: Formatter = module.render
    return render


def render(report: AuditReport, fmt: Format, options: RenderOptions) -> str:
    return formatter(fmt)(report, options)


def render_chunks(report: AnyReport, fmt: Format, options: RenderOptions) -> Iterator[str]:
    """The report in parts that join into `render`'s text: a deal at a time for the
    formats that stream (JSON, concise, JUnit, SARIF, terminal), the whole text at once
    for the others."""
    module = import_module(f"ebcheck.reports.{fmt.value}_format")
    streamed: Callable[[AnyReport, RenderOptions], Iterator[str]] | None = getattr(
        module, "chunks", None
    )
    if streamed is not None:
        yield from streamed(report, options)
    else:
        from ebcheck.audit.results import AuditReport

        if not isinstance(report, AuditReport):  # only the streaming formats are streamed
            raise TypeError(f"the {fmt.value} format needs a whole report")
        yield formatter(fmt)(report, options)


def deal_writer(fmt: Format, options: RenderOptions) -> DealWriter | None:
    """How a streaming format writes one deal, if it streams (the terminal's panels
    depend on the options: their width, colour, which deals get one)."""
    module = import_module(f"ebcheck.reports.{fmt.value}_format")
    made: Callable[[RenderOptions], DealWriter] | None = getattr(module, "writer_for", None)
    if made is not None:
        return made(options)
    writer: DealWriter | None = getattr(module, "WRITER", None)
    return writer
