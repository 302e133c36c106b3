"""The `audit` command from options to exit code, without Typer in the way."""

from __future__ import annotations

import errno
import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ebcheck.audit.engine import audit_paths, fewer_collections, words_for
from ebcheck.cli import diagnostics
from ebcheck.cli.exits import Exit, exit_code
from ebcheck.cli.request import AuditRequest
from ebcheck.cli.stdin import STDIN_PATH, audit_stdin
from ebcheck.deal.source import NotRegularFile
from ebcheck.errors import EbcheckError
from ebcheck.reports import Format, RenderOptions, deal_writer, render_chunks
from ebcheck.version import __version__

if TYPE_CHECKING:
    from ebcheck.audit.engine import Progress
    from ebcheck.audit.history import History
    from ebcheck.audit.results import AnyReport, AuditReport
    from ebcheck.audit.settings import Settings


def run_audit(request: AuditRequest) -> Exit:
    # The report is written while every deal it holds is still in memory.
    with fewer_collections():
        return _run_audit(request)


def _run_audit(request: AuditRequest) -> Exit:
    from ebcheck.cli.settings import config_path, settings_for

    try:
        settings = settings_for(request)
        config = config_path(request)
        if request.verbose:
            _name_config(config, settings.lang)
        _check_output(request.output, [*request.paths, config, settings.baseline])
        html = request.fmt is Format.HTML
        history, no_history = _read_history(request.paths, settings, full=html)
        options = _render_options(request, settings)
        with progress_bar() as progress:
            report = _audit(request, settings, progress, history, options)
        if request.output is not None:  # a path per file: only when there is one to check
            _check_output(request.output, _deal_paths(report, settings))
    except EbcheckError as exc:
        diagnostics.error(exc, request.lang)
        return Exit.USAGE
    lang = settings.lang
    if not report.deals and request.changed_since:
        diagnostics.say("note", "no_deals_changed", lang, ref=request.changed_since)
    elif not report.deals:
        named = ", ".join(str(p) for p in request.paths)
        diagnostics.say("note", "no_deals", lang, paths=named, skipped=len(report.skipped))
    if request.verbose:
        for path in report.skipped:
            diagnostics.say("note", "skipped", lang, path=path)
        if report.excluded:
            diagnostics.say("note", "excluded_count", lang, count=report.excluded)
    text: str | Iterable[str]
    if request.fmt is Format.HTML:
        text = _html(_whole(report), request, settings, options, history, no_history)
    else:  # written as rendered: a big pipeline's report is never held whole
        text = render_chunks(report, request.fmt, options)
    try:
        # The GitHub step summary must not be written into one of the run's files.
        summary = request.fmt is Format.GITHUB
        inputs = [*request.paths, *_deal_paths(report, settings)] if summary else []
        _deliver(text, request, report, options, inputs)
    except EbcheckError as exc:
        diagnostics.error(exc, request.lang)
        return Exit.USAGE
    for path, crash in report.crashes:
        diagnostics.say("error", "crashed", lang, path=path, rule=crash.rule, error=crash.error)
    return exit_code(report)


def _render_options(request: AuditRequest, settings: Settings) -> RenderOptions:
    return RenderOptions(
        catalogue=words_for(settings.lang),
        width=_width(request),
        color=_color(request),
        summary_only=request.summary_only,
        show_all=request.show_all,
        version=__version__,
        step_summary=request.fmt is Format.GITHUB and bool(os.environ.get("GITHUB_STEP_SUMMARY")),
        jobs=request.jobs,
        source_root=_source_root(settings) if request.fmt is Format.SARIF else "",
    )


def _source_root(settings: Settings) -> str:
    """Where SARIF's relative paths stand: the repository root (outside one, the folder
    the paths are relative to), spelled as `$GITHUB_WORKSPACE` when that is the same
    folder. A workspace that is not the folder (a checkout into a `path:`) would make
    every URI point at nothing."""
    folder = (settings.repo_root or settings.root).absolute()
    workspace = os.environ.get("GITHUB_WORKSPACE")
    if workspace and _same_folder(Path(workspace), folder):
        folder = Path(workspace).absolute()
    return folder.as_uri().rstrip("/") + "/"


def _same_folder(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


def _name_config(config: Path | None, lang: str) -> None:
    from ebcheck.discovery import repository_root

    if config is None:
        # Outside a repository only the current folder is looked at: say that.
        inside = repository_root(Path.cwd()) is not None
        diagnostics.say("note", "config_none" if inside else "config_none_outside", lang)
    else:
        diagnostics.say("note", "config_used", lang, path=str(config))


def _check_output(output: Path | None, inputs: list[Path | None]) -> None:
    """`-o` must be writable and never one of the run's inputs (exit 2 before any harm)."""
    from ebcheck.cli.output import check_writable, refuse_inputs

    if output is None:
        return
    check_writable(output)
    refuse_inputs(output, [p for p in inputs if p is not None and not p.is_dir()])


def _deal_paths(report: AnyReport, settings: Settings) -> list[Path | None]:
    """Every file the audit read: those it reports and those it only loaded."""
    shown = dict.fromkeys([*(deal.path for deal in report.deals), *report.read])
    return [settings.root / path for path in shown]


def _audit(
    request: AuditRequest,
    settings: Settings,
    progress: Progress | None = None,
    history: History | None = None,
    options: RenderOptions | None = None,
) -> AnyReport:
    """The audit `request` asks for; given the options of its report, streamed if its
    format writes a deal at a time and no baseline needs every deal at once
    (`ebcheck.audit.stream`)."""
    from ebcheck.audit.history import facts

    if STDIN_PATH in request.paths:
        return audit_stdin(request, settings)
    supplied = dict(facts(history)) if history is not None else None
    writer = None
    if options is not None and settings.baseline is None:
        writer = deal_writer(request.fmt, options)
    if writer is not None:
        from ebcheck.audit.stream import stream_paths

        return stream_paths(
            request.paths,
            settings,
            writer,
            changed_since=request.changed_since,
            skip_non_deals=request.skip_non_deals,
            jobs=request.jobs,
            progress=progress,
            history=supplied,
        )
    return audit_paths(
        request.paths,
        settings,
        changed_since=request.changed_since,
        skip_non_deals=request.skip_non_deals,
        jobs=request.jobs,
        progress=progress,
        history=supplied,
        outline=_reads_outlines(request),
    )


# The formats that read of a deal only its outline (`DealFile.outline`): the deal
# section and the names of list items, not the people and the relationship.
_OUTLINE_FORMATS = (Format.JSON, Format.SARIF, Format.JUNIT, Format.CONCISE, Format.GITHUB)


def _reads_outlines(request: AuditRequest) -> bool:
    # The GitHub step summary is markdown, which shows whole deals.
    summary = request.fmt is Format.GITHUB and bool(os.environ.get("GITHUB_STEP_SUMMARY"))
    return request.fmt in _OUTLINE_FORMATS and not summary


def _read_history(
    paths: tuple[Path, ...], settings: Settings, full: bool = False
) -> tuple[History | None, str]:
    """What git says of the deals' versions, when asked; unavailable: one line on stderr,
    and why (the HTML report says it too)."""
    from ebcheck.audit.history import read_history
    from ebcheck.i18n import Catalogue

    start = next((p for p in paths if p.exists()), None)
    if not settings.history or start is None:
        return None, ""  # not asked, or the audit reports the missing paths
    try:
        # Only the HTML page's trends judge every version; the rules need heads.
        return read_history(start.absolute(), stages=settings.stages, full=full), ""
    except EbcheckError as exc:
        reason = exc.describe(Catalogue(settings.lang))
        diagnostics.say("warning", "history_unavailable", settings.lang, reason=reason)
        return None, reason


def _html(
    report: AuditReport,
    request: AuditRequest,
    settings: Settings,
    options: RenderOptions,
    history: History | None,
    no_history: str,
) -> str:
    """The HTML page, with each deal's score trend when the git history was read."""
    from ebcheck.reports.html_format import render_page

    words = options.catalogue
    if history is None:
        key = "html.trend_unavailable" if no_history else "html.trend_off"
        return render_page(report, options, trend_note=words.text(key, reason=no_history))
    from ebcheck.audit.timeline import timelines

    trends = {line.id: line.versions for line in timelines(history, settings, request.paths)}
    return render_page(report, options, trends=trends, trend_note=words.text("html.trend_shown"))


# Long runs on a terminal get a progress bar on stderr; short or piped ones none.
PROGRESS_AFTER = 200


@contextmanager
def progress_bar() -> Iterator[Callable[[int, int], None] | None]:
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("auditing deals", total=None, visible=False)

        def advance(done: int, total: int) -> None:
            if total >= PROGRESS_AFTER:
                bar.update(task, completed=done, total=total, visible=True)

        yield advance


def _deliver(
    text: str | Iterable[str],
    request: AuditRequest,
    report: AnyReport,
    options: RenderOptions,
    inputs: Sequence[Path | None] = (),
) -> None:
    from ebcheck.cli.output import write_atomically, write_stdout

    if request.output is not None:
        write_atomically(request.output, text)
    else:
        write_stdout(text, utf8=request.fmt in _DOCUMENTS)
    if request.fmt is Format.GITHUB:
        append_step_summary(_whole(report), replace(options, color=False), inputs)


def _whole(report: AnyReport) -> AuditReport:
    """The report of a format that is never streamed (it needs every deal at once)."""
    from ebcheck.audit.results import AuditReport

    if not isinstance(report, AuditReport):
        raise TypeError("this format needs a whole report")
    return report


# Formats read by programs, always UTF-8 whatever the console's encoding.
_DOCUMENTS = frozenset({Format.JSON, Format.SARIF, Format.JUNIT, Format.GITHUB, Format.MARKDOWN})


def append_step_summary(
    report: AuditReport, options: RenderOptions, inputs: Sequence[Path | None] = ()
) -> None:
    """Append the markdown report to the file `$GITHUB_STEP_SUMMARY` names, if any.

    Never overwrites: other steps' and tools' summaries stay. A summary that
    cannot be written is a warning: the report itself is already out. Never
    through a symbolic link, and never into a file the run reads (a deal).
    """
    from ebcheck.cli.output import refuse_inputs
    from ebcheck.reports.github_format import STEP_SUMMARY_LIMIT, step_summary

    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    path = Path(target)
    try:
        refuse_inputs(path, [p for p in inputs if p is not None and not p.is_dir()])
    except EbcheckError as exc:
        reason = exc.describe(options.catalogue)
        diagnostics.say(
            "warning", "step_summary", options.catalogue.lang, path=target, reason=reason
        )
        return
    used = path.stat().st_size if path.is_file() else 0
    text = step_summary(report, options, room=STEP_SUMMARY_LIMIT - used - (1 if used else 0))
    if text is None:
        return
    try:
        append_whole(path, ("\n" if used else "") + text)
    except OSError as exc:
        words = options.catalogue
        why = exc.strerror or str(exc)
        if isinstance(exc, NotRegularFile):
            why = words.text("reason.not_regular")
        diagnostics.say("warning", "step_summary", words.lang, path=str(path), reason=why)


def append_whole(path: Path, text: str) -> None:
    """Append all of `text` or nothing: a failed write is cut back to where it began."""
    from ebcheck.atomic import write_all

    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, 0o666)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # a symbolic link: it could lead into a deal
            raise NotRegularFile(errno.ELOOP, "a symbolic link") from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(errno.EINVAL, "not a regular file")
        os.set_blocking(fd, True)
        try:
            write_all(fd, text.encode("utf-8", errors="backslashreplace"))
        except OSError:
            os.ftruncate(fd, info.st_size)
            raise
    finally:
        os.close(fd)


def _width(request: AuditRequest) -> int:
    from ebcheck.cli.output import terminal_width

    return terminal_width() if request.output is None else 100


def _color(request: AuditRequest) -> bool:
    from ebcheck.cli.output import use_color

    return request.fmt is Format.TERMINAL and request.output is None and use_color()


DEFAULT_BASELINE = Path(".ebcheck-baseline.json")


def run_baseline(request: AuditRequest) -> Exit:
    """Audit without a baseline and record every unsuppressed finding."""
    from ebcheck.audit.baseline import baseline_text
    from ebcheck.cli.output import write_atomically
    from ebcheck.cli.settings import config_path, settings_for

    try:
        configured = settings_for(request)
        target = request.output or settings_target(configured)
        if request.output is None and configured.baseline is not None:
            _inside_repository(configured.baseline, configured.config_root)
        _check_output(target, [*request.paths, config_path(request)])
        history, _ = _read_history(request.paths, configured)
        unjudged = replace(configured, baseline=None, fail_on="never")
        report = _whole(_audit(request, unjudged, None, history))
        _check_output(target, _deal_paths(report, configured))
        entries = _entries(report)
        write_atomically(target, baseline_text(entries))
    except EbcheckError as exc:
        diagnostics.error(exc, request.lang)
        return Exit.USAGE
    invalid = [d.path for d in report.deals if d.deal is None]
    recorded = sum(e["count"] for e in entries)
    deals = len(report.deals) - len(invalid)
    diagnostics.say(
        "note", "recorded", configured.lang, count=recorded, deals=deals, target=str(target)
    )
    for path in invalid:
        diagnostics.say("error", "not_baselined", configured.lang, path=path)
    return Exit.FAIL if invalid else Exit.OK


def _inside_repository(target: Path, config_root: Path | None) -> None:
    """A `baseline:` from the config is written only inside the config's repository.

    The config comes with the checkout, so a pull request could otherwise point
    `baseline:` anywhere on the machine; `-o` names a target the user chose.
    """
    from ebcheck.discovery import repository_root

    folder = (config_root or Path()).resolve()
    top = repository_root(folder) or folder
    resolved = target.parent.resolve() / target.name
    if not resolved.is_relative_to(top) or target.is_symlink():
        raise EbcheckError("baseline_outside", where=str(target), root=str(top))


def _entries(report: AuditReport) -> list[dict[str, Any]]:
    from ebcheck.audit.baseline import baselinable, build_entries

    return build_entries(
        (deal.deal_id, deal.deal, finding)
        for deal in report.deals
        if deal.deal_id is not None and deal.deal is not None
        for finding in deal.findings
        if baselinable(finding)
    )


def settings_target(settings: Settings) -> Path:
    """Where `ebcheck baseline` writes without `-o`: the config's `baseline`, or the default."""
    return settings.baseline or DEFAULT_BASELINE


def run_clean(cache_dir: Path | None, lang: str | None) -> Exit:
    """`ebcheck clean`: remove the result cache this folder's audits use."""
    from ebcheck.audit.cache import NotACacheError, clean
    from ebcheck.cli.settings import cache_location
    from ebcheck.discovery import discover

    config = discover(Path.cwd())
    folder = cache_location(cache_dir, config.parent if config is not None else None)
    try:
        removed = clean(folder)
    except NotACacheError:
        diagnostics.error(EbcheckError("not_a_cache", folder=str(folder)), lang)
        return Exit.USAGE
    except OSError as exc:
        diagnostics.error(EbcheckError("cannot_write", reason=str(exc)), lang)
        return Exit.USAGE
    diagnostics.say("note", "cache_cleaned" if removed else "cache_none", lang, folder=str(folder))
    return Exit.OK
