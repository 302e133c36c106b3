"""The `history` and `review` commands from options to exit code."""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from ebcheck.cli import diagnostics
from ebcheck.cli.exits import Exit
from ebcheck.errors import EbcheckError

if TYPE_CHECKING:
    from ebcheck.cli.request import AuditRequest
    from ebcheck.reports import RenderOptions


class HistoryFormat(StrEnum):
    TERMINAL = "terminal"
    MARKDOWN = "markdown"
    JSON = "json"


class ReviewFormat(StrEnum):
    TERMINAL = "terminal"
    MARKDOWN = "markdown"
    JSON = "json"
    HTML = "html"


def _options(fmt: HistoryFormat | ReviewFormat, lang: str) -> RenderOptions:
    from ebcheck.audit.engine import words_for
    from ebcheck.cli.output import terminal_width, use_color
    from ebcheck.reports import RenderOptions
    from ebcheck.version import __version__

    return RenderOptions(
        catalogue=words_for(lang),
        width=terminal_width(),
        color=fmt.value == "terminal" and use_color(),
        version=__version__,
    )


def _check_paths(paths: tuple[Path, ...]) -> None:
    from ebcheck.audit.walk import MissingPathError

    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise MissingPathError("missing_path", paths=", ".join(missing))


def run_history(request: AuditRequest, fmt: HistoryFormat, since: str | None) -> Exit:
    from ebcheck.audit.history import commits_since, read_history
    from ebcheck.audit.timeline import timelines
    from ebcheck.cli.output import write_stdout
    from ebcheck.cli.settings import settings_for
    from ebcheck.reports import history_format

    try:
        settings = settings_for(request)
        _check_paths(request.paths)
        start = request.paths[0].absolute()
        # The whole line is read, so that a version scores the same with or without
        # `--since`; the range only says which versions are rows.
        shown = commits_since(start, since) if since is not None else None
        history = read_history(start, stages=settings.stages)
        deals = timelines(history, settings, request.paths, shown)
    except EbcheckError as exc:
        diagnostics.error(exc, request.lang)
        return Exit.USAGE
    if history.skipped:
        diagnostics.say("note", "history_skipped", settings.lang, count=history.skipped)
    for path, old, new, day in history.renamed:
        diagnostics.say(
            "warning", "history_renamed", settings.lang, path=path, old=old, new=new, date=day
        )
    for deal in sorted(history.deals.values(), key=lambda d: d.id):
        for twin, since_date in sorted(deal.twins.items()):
            diagnostics.say(
                "warning",
                "history_twin",
                settings.lang,
                id=deal.id,
                path=deal.path,
                twin=twin,
                date=since_date,
            )
    if not deals and fmt is not HistoryFormat.JSON:
        named = ", ".join(str(p) for p in request.paths)
        diagnostics.say("note", "history_none", settings.lang, paths=named)
    options = _options(fmt, settings.lang)
    if fmt is HistoryFormat.JSON:
        write_stdout(history_format.render_json(deals))
    elif fmt is HistoryFormat.MARKDOWN:
        write_stdout(history_format.render_markdown(deals, options))
    else:
        write_stdout(history_format.render_terminal(deals, options))
    return Exit.OK


def run_review(request: AuditRequest, fmt: ReviewFormat, since: str, until: str | None) -> Exit:
    from ebcheck.audit.review import review
    from ebcheck.cli.output import write_atomically, write_stdout
    from ebcheck.cli.settings import settings_for
    from ebcheck.reports import review_format

    try:
        settings = settings_for(request)
        _check_paths(request.paths)
        _check_output(request)
        result = review(request.paths, settings, since, until)
    except EbcheckError as exc:
        diagnostics.error(exc, request.lang)
        return Exit.USAGE
    lang = settings.lang
    for entry in result.unreadable:
        side = diagnostics_side(entry.at_ref, since, lang)
        if entry.id is None:
            diagnostics.say("warning", "review_left_out", lang, path=entry.path, side=side)
        else:
            diagnostics.say(
                "warning", "review_unreadable", lang, path=entry.path, id=entry.id, side=side
            )
    for twin in result.twins:
        side = diagnostics_side(twin.at_ref, since, lang)
        diagnostics.say(
            "warning", "review_twin", lang, path=twin.path, id=twin.id, kept=twin.kept, side=side
        )
    options = _options(fmt, lang)
    if request.output is not None:
        options = replace(options, width=100, color=False)  # a file, not this terminal
    if fmt is ReviewFormat.JSON:
        shown = review_format.render_json(result)
    elif fmt is ReviewFormat.HTML:
        from ebcheck.reports.html_format import render_review

        shown = render_review(result, options)
    elif fmt is ReviewFormat.MARKDOWN:
        shown = review_format.render_markdown(result, options)
    else:
        shown = review_format.render_terminal(result, options)
    if request.output is None:
        write_stdout(shown)
        return Exit.OK
    try:
        write_atomically(request.output, shown)
    except EbcheckError as exc:
        diagnostics.error(exc, lang)
        return Exit.USAGE
    return Exit.OK


def _check_output(request: AuditRequest) -> None:
    """`-o FILE`: writable, and never a file the review reads (a deal, the config)."""
    from ebcheck.audit.history import is_deal_path
    from ebcheck.cli.output import check_writable, refuse_inputs
    from ebcheck.cli.settings import config_path

    target = request.output
    if target is None:
        return
    check_writable(target)
    inputs = [p for p in (*request.paths, config_path(request)) if p is not None and p.is_file()]
    if target.is_file() and is_deal_path(target.name):
        folders = [p.resolve() for p in request.paths if p.is_dir()]
        if any(target.resolve().is_relative_to(folder) for folder in folders):
            inputs.append(target)  # a deal file under a reviewed folder
    refuse_inputs(target, inputs)


def diagnostics_side(at_ref: bool, ref: str, lang: str) -> str:
    from ebcheck.i18n import Catalogue

    words = Catalogue(lang)
    return (
        words.text("diagnostic.review_side_ref", ref=ref)
        if at_ref
        else words.text("diagnostic.review_side_now")
    )
