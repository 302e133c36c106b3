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


def template_misuse(
    map_template: str | None,
    sheet_template: bool,
    source: Path | None,
    map_name: str | None,
    out: Path | None,
    dry_run: bool,
) -> EbcheckError | None:
    """A template option given with what only an import takes: an error rather than
    silently printing the template and ignoring the rest."""
    if map_template is not None:
        option, usage = "--map-template", "ebcheck import --map-template NAME > map.yaml"
    elif sheet_template:
        option, usage = "--sheet-template", "ebcheck import --sheet-template > 商机.csv"
    else:
        return None
    given = {
        "SOURCE": source is not None,
        "--map": map_name is not None,
        "-o": out is not None,
        "--dry-run": dry_run,
        "--sheet-template": map_template is not None and sheet_template,
    }
    found = [name for name, present in given.items() if present]
    if not found:
        return None
    return EbcheckError("import_template_alone", option=option, found=", ".join(found), usage=usage)


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
        for item in sorted(failed.problems, key=_place):
            diagnostics.error(item, words.lang)
        diagnostics.error(failed, words.lang)
        return Exit.USAGE
    except EbcheckError as exc:
        diagnostics.error(exc, words.lang)
        return Exit.USAGE
    _report(result, dry_run, words)
    return Exit.OK


def _place(item: EbcheckError) -> tuple[bool, str, int, int]:
    """Where a problem is, to print them in order: by file, then row, then column (a
    problem of no place last)."""
    where = item.where or ""
    file, row, column = where, 0, 0
    parts = where.rsplit(":", 2)
    if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
        file, row, column = parts[0], int(parts[1]), int(parts[2])
    return (not where, file, row, column)


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
