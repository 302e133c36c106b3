"""The `import` command from options to exit code: a CRM export into deal files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ebcheck.cli import diagnostics
from ebcheck.cli.exits import Exit
from ebcheck.errors import EbcheckError
from ebcheck.i18n import Catalogue, language_from_environment

if TYPE_CHECKING:
    from ebcheck.crm.run import Plan


def print_template(name: str, lang: str | None) -> Exit:
    """A shipped map (or, for `--sheet-template`, the Chinese sheet) on stdout."""
    from ebcheck.cli.output import write_stdout
    from ebcheck.crm.mapfile import SHIPPED, map_path

    if name not in SHIPPED:
        choices = ", ".join(SHIPPED)
        diagnostics.error(EbcheckError("import_no_template", name=name, choices=choices), lang)
        return Exit.USAGE
    write_stdout(map_path(name).read_text(encoding="utf-8"))
    return Exit.OK


def print_sheet() -> Exit:
    from ebcheck.crm.mapfile import SHEET_TEMPLATE

    # Bytes as shipped: the BOM lets Excel open the Chinese header as UTF-8.
    sys.stdout.buffer.write(SHEET_TEMPLATE.read_bytes())
    sys.stdout.flush()
    return Exit.OK


def run_import(source: Path, map_name: str, out: Path, dry_run: bool, lang: str | None) -> Exit:
    from ebcheck.crm import run
    from ebcheck.crm.problems import ImportFailed

    words = Catalogue(lang or language_from_environment())

    def header(system: str) -> list[str]:
        return [words.text(f"import.file_header_{n}", system=system) for n in (1, 2, 3)]

    try:
        result = run.plan(source, map_name, out, header)
        if not dry_run:
            run.apply(result)
    except ImportFailed as failed:
        for item in failed.problems:
            diagnostics.error(item, words.lang)
        diagnostics.error(failed, words.lang)
        return Exit.USAGE
    except EbcheckError as exc:
        diagnostics.error(exc, words.lang)
        return Exit.USAGE
    _report(result, dry_run, words)
    return Exit.OK


def _report(result: Plan, dry_run: bool, words: Catalogue) -> None:
    from ebcheck.cli.output import write_stdout

    lines = []
    for change in result.changes:
        path = str(change.path)
        fields = ", ".join(change.fields)
        if change.kind == "new":
            lines.append(words.text("import.would_new" if dry_run else "import.new", path=path))
        elif change.kind == "updated":
            key = "import.would_update" if dry_run else "import.updated"
            lines.append(words.text(key, path=path, fields=fields))
        for note, facts in change.notes:
            key = f"import.would_{note}" if dry_run else f"import.{note}"
            lines.append(words.text(key, path=path, **facts))
    for gone_path, deal_id in result.gone:
        lines.append(words.text("import.gone", path=str(gone_path), id=deal_id))
    lines.append(
        words.text(
            "import.summary",
            system=result.system,
            new=result.count("new"),
            updated=result.count("updated"),
            unchanged=result.count("unchanged"),
        )
    )
    if dry_run:
        lines.append(words.text("import.dry_run"))
    write_stdout("\n".join(lines) + "\n")
