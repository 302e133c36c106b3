"""The command line: parse options, call the library, print, choose the exit code.

Business logic lives in `ebcheck.audit.engine` and friends; each command here only
opens, calls and prints. Imports are deferred into the commands so that
`ebcheck --version` and `--help` stay fast.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from ebcheck.cli import helptext, scaffold
from ebcheck.cli.exits import FAIL_ON_CHOICES, Exit
from ebcheck.cli.history import HistoryFormat, ReviewFormat
from ebcheck.errors import EbcheckError
from ebcheck.reports import Format
from ebcheck.version import __version__

if TYPE_CHECKING:
    from ebcheck.i18n import Catalogue
    from ebcheck.ruleapi import Rule

app = typer.Typer(
    name="ebcheck",
    cls=helptext.LocalizedGroup,  # --help and usage errors in Chinese when asked for
    help="Audit how ready your B2B deals really are, before the pipeline review.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def fail(problem: EbcheckError, lang: str | None = None) -> NoReturn:
    """A diagnostic on stderr, in the user's language, and exit 2; never a traceback."""
    from ebcheck.cli import diagnostics

    diagnostics.error(problem, lang)
    raise typer.Exit(int(Exit.USAGE))


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ebcheck {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            metavar="LANG",
            help="Language of the help, the messages and the report: en or zh.",
        ),
    ] = None,
) -> None:
    """ebcheck: a deal-readiness auditor for complex B2B sales."""
    # `ebcheck --lang zh --help`: the help's language was chosen at start-up.


def _path(value: str) -> Path:
    """A path as given. Typer's own path type would refuse an unreadable file before
    the audit can report it (E001, exit 1, as when a folder walk finds it), and `""`
    must not quietly mean the current folder (an unset `$DEALS` in CI)."""
    if not value:
        raise typer.BadParameter("an empty path names no file or folder")
    return Path(value)


# Options shared by `audit` and `baseline`.
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", metavar="DATE", help="The date rules treat as today (YYYY-MM-DD)."),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config", parser=_path, metavar="FILE", help="Use this config file instead of discovery."
    ),
]
NoCacheOption = Annotated[
    bool, typer.Option("--no-cache", help="Neither read nor write the result cache.")
]
CacheDirOption = Annotated[
    Path | None,
    typer.Option(
        "--cache-dir",
        parser=_path,
        metavar="DIR",
        help="Keep the result cache here (default: .ebcheck_cache; env EBCHECK_CACHE_DIR).",
    ),
]
NoConfigOption = Annotated[
    bool, typer.Option("--no-config", help="Read no config file: discovery off.")
]


def _parse_date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(EbcheckError("bad_date_option", option=option, found=value))


def _fail_on_value(value: str | None) -> str | None:
    from ebcheck.cli.exits import parse_fail_on

    if value is None:
        return None
    try:
        return parse_fail_on(value)
    except EbcheckError as exc:
        fail(exc)


def _split(values: list[str] | None) -> tuple[str, ...]:
    return tuple(part.strip() for v in values or [] for part in v.split(",") if part.strip())


@app.command()
def audit(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            parser=_path,
            metavar="PATH",
            help="Deal files and folders to audit (default: the current folder); "
            "- reads one deal from standard input.",
        ),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Report format.")] = Format.TERMINAL,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            parser=_path,
            metavar="FILE",
            help="Write the report to FILE (atomically).",
        ),
    ] = None,
    fail_on: Annotated[
        str | None,
        typer.Option(
            "--fail-on",
            metavar="LEVEL",
            help=f"Exit 1 at this level: {', '.join(FAIL_ON_CHOICES)}.",
        ),
    ] = None,
    as_of: AsOfOption = None,
    config: ConfigOption = None,
    no_config: NoConfigOption = False,
    select: Annotated[
        list[str] | None,
        typer.Option(
            "--select", metavar="RULES", help="Only these rules, names or areas (comma-separated)."
        ),
    ] = None,
    ignore: Annotated[
        list[str] | None,
        typer.Option(
            "--ignore", metavar="RULES", help="Skip these rules, names or areas (comma-separated)."
        ),
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option(
            "--baseline",
            parser=_path,
            metavar="FILE",
            help="Report findings recorded in FILE as baselined.",
        ),
    ] = None,
    changed_since: Annotated[
        str | None,
        typer.Option(
            "--changed-since", metavar="REF", help="Audit only deal files changed since REF."
        ),
    ] = None,
    jobs: Annotated[
        int,
        typer.Option("--jobs", "-j", min=0, metavar="N", help="Worker processes; 0 = one per CPU."),
    ] = 0,
    lang: Annotated[
        str | None, typer.Option("--lang", metavar="LANG", help="Report language: en or zh.")
    ] = None,
    summary: Annotated[
        bool,
        typer.Option(
            "--summary", help="Show only the pipeline table (one deal: its row and the totals)."
        ),
    ] = False,
    show_all: Annotated[
        bool,
        typer.Option(
            "--all",
            help="A panel (terminal, above 50 deals) or section (HTML, above 200) for every "
            "deal (default: the not-ready and invalid ones).",
        ),
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="List skipped files on stderr.")
    ] = False,
    skip_non_deals: Annotated[
        bool,
        typer.Option(
            "--skip-non-deals",
            help="Judge files named on the command line like walked ones: skip non-deal YAML "
            "and excluded paths (for pre-commit).",
        ),
    ] = False,
    history: Annotated[
        bool,
        typer.Option(
            "--history",
            help="Read close-date and stage changes from git for deals that do not record them.",
        ),
    ] = False,
    no_cache: NoCacheOption = False,
    cache_dir: CacheDirOption = None,
) -> None:
    """Audit deal files and folders; the main job."""
    from ebcheck.cli.audit import run_audit
    from ebcheck.cli.request import AuditRequest

    request = AuditRequest(
        paths=tuple(paths or [Path()]),
        fmt=fmt,
        output=output,
        fail_on=_fail_on_value(fail_on),
        as_of=_parse_date(as_of, "--as-of"),
        config=config,
        select=_split(select),
        ignore=_split(ignore),
        baseline=baseline,
        changed_since=changed_since,
        jobs=jobs,
        lang=lang,
        summary_only=summary,
        show_all=show_all,
        verbose=verbose,
        skip_non_deals=skip_non_deals,
        history=True if history else None,
        no_cache=no_cache,
        cache_dir=cache_dir,
        no_config=no_config,
    )
    raise typer.Exit(int(run_audit(request)))


@app.command()
def history(
    paths: Annotated[
        list[Path], typer.Argument(parser=_path, metavar="PATH...", help="Deal files and folders.")
    ],
    since: Annotated[
        str | None,
        typer.Option("--since", metavar="REF|DATE", help="Only the commits after REF or DATE."),
    ] = None,
    fmt: Annotated[
        HistoryFormat, typer.Option("--format", "-f", help="Output format.")
    ] = HistoryFormat.TERMINAL,
    config: ConfigOption = None,
    lang: Annotated[str | None, typer.Option("--lang", help="Language: en or zh.")] = None,
) -> None:
    """Each deal's readiness over its git history: one row per version, and a trend."""
    from ebcheck.cli.history import run_history
    from ebcheck.cli.request import AuditRequest

    if since is not None and since.startswith("-"):
        fail(EbcheckError("bad_ref", option="--since", ref=since), lang)
    request = AuditRequest(paths=tuple(paths), config=config, lang=lang)
    raise typer.Exit(int(run_history(request, fmt, since)))


@app.command()
def review(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(parser=_path, metavar="PATH", help="Deal files and folders (default: .)."),
    ] = None,
    since: Annotated[
        str, typer.Option("--since", metavar="REF", help="Compare the deals at REF ...")
    ] = "",
    until: Annotated[
        str | None,
        typer.Option("--until", metavar="REF", help="... with REF instead of the working tree."),
    ] = None,
    fmt: Annotated[
        ReviewFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ReviewFormat.TERMINAL,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            parser=_path,
            metavar="FILE",
            help="Write the review to FILE (atomically).",
        ),
    ] = None,
    as_of: AsOfOption = None,
    config: ConfigOption = None,
    lang: Annotated[str | None, typer.Option("--lang", help="Language: en or zh.")] = None,
    history: Annotated[
        bool,
        typer.Option(
            "--history",
            help="Judge each end with the close-date and stage changes read from git, "
            "as audit --history would have.",
        ),
    ] = False,
) -> None:
    """What changed in the pipeline since REF: the weekly review."""
    from ebcheck.cli.history import run_review
    from ebcheck.cli.request import AuditRequest

    if not since:
        fail(EbcheckError("review_needs_since"), lang)
    for option, ref in (("--since", since), ("--until", until)):
        if ref is not None and ref.startswith("-"):
            fail(EbcheckError("bad_ref", option=option, ref=ref), lang)
    request = AuditRequest(
        paths=tuple(paths or [Path()]),
        config=config,
        lang=lang,
        as_of=_parse_date(as_of, "--as-of"),
        history=True if history else None,
        output=output,
    )
    raise typer.Exit(int(run_review(request, fmt, since, until)))


@app.command("import")
def import_(
    source: Annotated[
        Path | None,
        typer.Argument(
            parser=_path,
            metavar="SOURCE",
            help="The CRM export: a folder, a .zip, a .csv or an .xlsx.",
        ),
    ] = None,
    map_name: Annotated[
        str | None,
        typer.Option(
            "--map",
            metavar="MAP",
            help="A map file, or a shipped map: salesforce, hubspot, dynamics, zh-sheet.",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "--out",
            "-o",
            parser=_path,
            metavar="DIR",
            help="The folder of deal files to write.",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Write nothing; say what would change.")
    ] = False,
    map_template: Annotated[
        str | None,
        typer.Option("--map-template", metavar="NAME", help="Print a shipped map to start from."),
    ] = None,
    sheet_template: Annotated[
        bool,
        typer.Option("--sheet-template", help="Print the Chinese single-sheet CSV template."),
    ] = False,
    lang: Annotated[str | None, typer.Option("--lang", help="Language: en or zh.")] = None,
) -> None:
    """Turn a CRM export into deal files, or bring them up to date with it."""
    from ebcheck.cli.importing import print_sheet, print_template, run_import, template_misuse
    from ebcheck.crm.mapfile import SHIPPED
    from ebcheck.i18n import LANGUAGES

    lang = lang.lower() if lang else None
    if lang is not None and lang not in LANGUAGES:
        fail(EbcheckError("bad_lang", choices=", ".join(LANGUAGES), found=lang))
    misuse = template_misuse(map_template, sheet_template, source, map_name, out, dry_run)
    if misuse is not None:
        fail(misuse, lang)
    if map_template is not None:
        raise typer.Exit(int(print_template(map_template, lang)))
    if sheet_template:
        raise typer.Exit(int(print_sheet()))
    if source is None or out is None:
        fail(EbcheckError("import_needs_source"), lang)
    if map_name is None:
        fail(EbcheckError("import_no_map", choices=", ".join(SHIPPED)), lang)
    raise typer.Exit(int(run_import(source, map_name, out, dry_run, lang)))


class ListFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"


@app.command("rules")
def list_rules(
    fmt: Annotated[
        ListFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ListFormat.TABLE,
    lang: Annotated[str | None, typer.Option("--lang", help="Language: en or zh.")] = None,
) -> None:
    """List every rule: id, name, area, default severity, summary."""
    from ebcheck.cli.output import terminal_width, use_color, write_stdout
    from ebcheck.reports import ruledocs

    rules, words = _pack_and_words(lang)
    if fmt is ListFormat.JSON:
        write_stdout(ruledocs.rules_json(rules, words))
    elif fmt is ListFormat.MARKDOWN:
        write_stdout(ruledocs.rules_markdown(rules, words))
    else:
        write_stdout(ruledocs.rules_table(rules, words, terminal_width(), use_color()))


@app.command()
def explain(
    rule: Annotated[str, typer.Argument(help="A rule id (EB002) or name (eb-not-met).")],
    lang: Annotated[str | None, typer.Option("--lang", help="Language: en or zh.")] = None,
) -> None:
    """Explain one rule: what it checks, why it matters, options, examples, the fix."""
    from ebcheck.audit.select import closest_rule, find_rule
    from ebcheck.cli.output import terminal_width, use_color, write_stdout
    from ebcheck.reports import ruledocs

    rules, words = _pack_and_words(lang)
    found = find_rule(rules, rule)
    if found is None:
        near = closest_rule(rules, rule)
        if near is not None:
            fail(EbcheckError("no_such_rule_hint", rule=rule, suggestion=near.id), lang)
        fail(EbcheckError("no_such_rule", rule=rule), lang)
    write_stdout(ruledocs.explain(found, words, terminal_width(), use_color()))


def _pack_and_words(lang: str | None) -> tuple[tuple[Rule, ...], Catalogue]:
    from ebcheck.audit.core_rules import in_catalog_order
    from ebcheck.audit.pack import builtin_pack
    from ebcheck.i18n import LANGUAGES, language_from_environment

    lang = lang.lower() if lang else None
    if lang is not None and lang not in LANGUAGES:
        fail(EbcheckError("bad_lang", choices=", ".join(LANGUAGES), found=lang))
    pack = builtin_pack()
    words = pack.words(lang or language_from_environment())
    return in_catalog_order(pack.rules), words


@app.command()
def schema() -> None:
    """Print the JSON Schema of the deal format (for editors)."""
    from ebcheck.cli.output import write_stdout
    from ebcheck.deal.schema import schema_text

    write_stdout(schema_text())


@app.command()
def init(
    file: Annotated[
        Path | None,
        typer.Argument(
            parser=_path,
            help="The file to create (default: deal.yaml; with --config .ebcheck.yaml; "
            "with --ci the workflow's usual place); - prints it.",
        ),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option("--lang", help="Language of the comments and examples: en or zh."),
    ] = None,
    config: Annotated[
        bool, typer.Option("--config", help="Write a commented .ebcheck.yaml instead.")
    ] = False,
    ci: Annotated[
        scaffold.Ci | None,
        typer.Option("--ci", help="Write a CI workflow instead: github or gitlab."),
    ] = None,
) -> None:
    """Write a commented deal template (--config: a config, --ci: a CI workflow).

    Never overwrites a file.
    """
    from ebcheck.cli import diagnostics
    from ebcheck.cli.output import create_new, write_stdout
    from ebcheck.cli.scaffold import DEFAULT_CONFIG, DEFAULT_WORKFLOW, config_text, workflow_text
    from ebcheck.deal.template import LANGUAGES, template_text
    from ebcheck.i18n import language_from_environment

    chosen = lang.lower() if lang else language_from_environment()
    if chosen not in LANGUAGES:
        fail(EbcheckError("bad_lang", choices=", ".join(LANGUAGES), found=lang))
    if config and ci is not None:
        fail(EbcheckError("init_one_kind"), chosen)
    if ci is not None:
        target, text, key = file or DEFAULT_WORKFLOW[ci], workflow_text(ci), "init_wrote_ci"
    elif config:
        target, text, key = file or DEFAULT_CONFIG, config_text(chosen), "init_wrote_config"
    else:
        target = file or Path("deal.yaml")
        text, key = template_text(target.name, dt.date.today(), chosen), "init_wrote"
    if str(target) == "-":
        write_stdout(text)
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        create_new(target, text)
    except OSError as exc:
        fail(EbcheckError("cannot_write", where=str(target), reason=exc.strerror), chosen)
    except EbcheckError as exc:
        fail(exc, chosen)
    diagnostics.say("note", key, chosen, file=str(target))


@app.command()
def baseline(
    paths: Annotated[
        list[Path],
        typer.Argument(parser=_path, metavar="PATH", help="Deal files and folders to record."),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            parser=_path,
            help="Baseline file (default: config, else .ebcheck-baseline.json).",
        ),
    ] = None,
    as_of: AsOfOption = None,
    config: ConfigOption = None,
    no_config: NoConfigOption = False,
) -> None:
    """Record today's findings so that CI fails only on new ones."""
    from ebcheck.cli.audit import run_baseline
    from ebcheck.cli.request import AuditRequest

    request = AuditRequest(
        paths=tuple(paths),
        output=output,
        config=config,
        as_of=_parse_date(as_of, "--as-of"),
        no_config=no_config,
    )
    raise typer.Exit(int(run_baseline(request)))


@app.command()
def clean(
    cache_dir: CacheDirOption = None,
    lang: Annotated[str | None, typer.Option("--lang", help="Language: en or zh.")] = None,
) -> None:
    """Remove the result cache (.ebcheck_cache, or the one --cache-dir names)."""
    from ebcheck.cli.audit import run_clean

    raise typer.Exit(int(run_clean(cache_dir, lang)))


def main() -> None:
    """Console entry point: every failure ends in a message and a documented exit code.

    An exception nothing else caught is a bug: exit 3 (internal error) with one
    line naming it, never a traceback and never exit 1, which means "not ready".
    """
    sys.exit(_run())


def console() -> None:
    """The `ebcheck` command and `python -m ebcheck`: `main`, ending the process as soon
    as it is done (`ebcheck.cli.exits.leave`)."""
    from ebcheck.cli.exits import leave

    leave(_run())


def _run() -> int:
    from ebcheck.cli.exits import guarded

    return guarded(lambda: app(prog_name="ebcheck"))
