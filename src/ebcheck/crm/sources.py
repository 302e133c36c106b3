"""Where an export's tables come from: a folder, a `.zip`, one `.csv` or one `.xlsx`.

A folder or a zip holds one file per table, found by the name the map gives
(case-insensitive, in any folder of the zip, as `.csv` or `.xlsx`). A single file is the deals
table; the other tables of the map must then be optional. Zip members are
read in memory, never extracted, so no name inside an archive can write
anywhere. `.xlsx` needs the optional extra `ebcheck[xlsx]` (openpyxl).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from ebcheck.crm.mapfile import ImportMap, TableMap
from ebcheck.crm.problems import Problems, problem
from ebcheck.crm.tables import Table, csv_table, decode, make_table, records_of
from ebcheck.deal.source import read_limited

MAX_TABLE_BYTES = 1024 * 1024 * 1024
"""A Salesforce Data Export zip is at most about 512 MB: a larger member is refused."""

Reader = Callable[[], bytes]


def read_tables(source: Path, mapping: ImportMap, problems: Problems) -> dict[str, Table | None]:
    """Every table of the map that the source holds (None: an optional table it lacks)."""
    files = _files(source, mapping)
    tables: dict[str, Table | None] = {}
    for name, spec in mapping.tables.items():
        found = _find(files, spec.file)
        if found is None and _single(source) and name == mapping.deals.table:
            found = (source.name, lambda: _read_path(source))
        if found is None:
            if not spec.optional:
                available = ", ".join(sorted(label for label, _ in files.values())) or "-"
                problems.add(
                    problem("missing_table", where=str(source), file=spec.file, found=available)
                )
            tables[name] = None
            continue
        label, read = found
        tables[name] = _table(label, read(), spec, problems)
    return tables


def _find(files: dict[str, tuple[str, Reader]], name: str) -> tuple[str, Reader] | None:
    """The file the map names, or one of the same name saved as the other kind
    (`deals.xlsx` for `deals.csv`)."""
    stem = PurePosixPath(name.lower()).stem
    for candidate in (name.lower(), f"{stem}.csv", f"{stem}.xlsx"):
        if candidate in files:
            return files[candidate]
    return None


def _single(source: Path) -> bool:
    return source.is_file() and source.suffix.lower() in (".csv", ".xlsx")


def _files(source: Path, mapping: ImportMap) -> dict[str, tuple[str, Reader]]:
    if source.is_dir():
        return {
            p.name.lower(): (p.name, _reader(p))
            for p in sorted(source.iterdir())
            if p.is_file() and not p.is_symlink() and not p.name.startswith(".")
        }
    if source.suffix.lower() == ".zip":
        return _zip_members(source)
    if _single(source):
        return {}
    raise problem("source_kind", where=str(source))


def _reader(path: Path) -> Reader:
    return lambda: _read_path(path)


def _read_path(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_TABLE_BYTES:
            raise problem("too_big", where=str(path), limit="1 GiB")
        data = read_limited(path, MAX_TABLE_BYTES)  # a regular file, and never past the limit
        if len(data) > MAX_TABLE_BYTES:
            raise problem("too_big", where=str(path), limit="1 GiB")
        return data
    except OSError as exc:
        raise problem("unreadable", where=str(path), reason=exc.strerror) from None


def _zip_members(source: Path) -> dict[str, tuple[str, Reader]]:
    try:
        archive = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile) as exc:
        raise problem("bad_zip", where=str(source), reason=str(exc)) from None
    members: dict[str, tuple[str, Reader]] = {}
    for info in sorted(archive.infolist(), key=lambda i: i.filename):
        name = PurePosixPath(info.filename).name
        if info.is_dir() or not name or name.startswith("."):
            continue
        label = f"{source.name}/{info.filename}"
        first = members.get(name.lower())
        if first is None:
            members[name.lower()] = (label, _member_reader(archive, info, label))
        else:  # which one the map means cannot be told: never the first silently
            members[name.lower()] = (first[0], _ambiguous(first[0], label))
    return members


def _ambiguous(first: str, second: str) -> Reader:
    def read() -> bytes:
        raise problem("zip_ambiguous", where=first, other=second)

    return read


def _member_reader(archive: zipfile.ZipFile, info: zipfile.ZipInfo, label: str) -> Reader:
    def read() -> bytes:
        if info.file_size > MAX_TABLE_BYTES:
            raise problem("too_big", where=label, limit="1 GiB")
        with archive.open(info) as member:
            data = member.read(MAX_TABLE_BYTES + 1)
        if len(data) > MAX_TABLE_BYTES:
            raise problem("too_big", where=label, limit="1 GiB")
        return data

    return read


def _table(label: str, data: bytes, spec: TableMap, problems: Problems) -> Table:
    if label.lower().endswith(".xlsx"):
        return _xlsx_table(label, data, spec, problems)
    return csv_table(decode(data, label, spec.encoding), label, problems)


def _xlsx_table(label: str, data: bytes, spec: TableMap, problems: Problems) -> Table:
    try:
        import openpyxl
    except ImportError:
        raise problem("no_openpyxl", where=label) from None
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise problem("bad_xlsx", where=label, reason=str(exc) or type(exc).__name__) from None
    try:
        if spec.sheet is not None and spec.sheet not in book.sheetnames:
            raise problem(
                "no_sheet", where=label, sheet=spec.sheet, found=", ".join(book.sheetnames)
            )
        sheet = book[spec.sheet] if spec.sheet else book.worksheets[0]
        records = records_of(sheet.iter_rows(values_only=True))
    finally:
        book.close()
    return make_table(records, f"{label}[{sheet.title}]", problems)
