"""Where a report goes: stdout, or a file written atomically."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from ebcheck.errors import EbcheckError


def check_writable(path: Path) -> None:
    """Refuse an output path that cannot be written, before any work is done."""
    folder = path.parent if str(path.parent) else Path()
    if path.is_dir():
        raise EbcheckError("output_is_folder", where=str(path))
    if not folder.is_dir():
        raise EbcheckError("output_no_folder", where=str(path), folder=str(folder))
    if not os.access(folder, os.W_OK):
        raise EbcheckError("output_not_writable", where=str(path), folder=str(folder))


def _mode_for(path: Path) -> int:
    """Keep the mode of the file we replace; a new one gets the usual 0666 less umask."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file, so a failure leaves no half report."""
    check_writable(path)
    folder = path.parent if str(path.parent) else Path()
    try:
        fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise EbcheckError("cannot_write", where=str(path), reason=exc.strerror) from None
    try:
        os.fchmod(fd, _mode_for(path))
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        Path(temp).replace(path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise EbcheckError("cannot_write", where=str(path), reason=exc.strerror) from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_stdout(text: str) -> None:
    stream = sys.stdout
    try:
        stream.write(text)
        stream.flush()
    except UnicodeEncodeError:
        # A terminal without UTF-8 must still get the report, if with `?`s.
        stream.buffer.write(text.encode(stream.encoding or "utf-8", errors="replace"))
        stream.flush()


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def use_color() -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stdout_is_terminal()


def terminal_width() -> int:
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 20:
        return int(columns)
    if stdout_is_terminal():
        return shutil.get_terminal_size((100, 24)).columns
    return 100


def create_new(path: Path, text: str) -> None:
    """Write `text` to a new file `path`; never overwrite an existing one."""
    try:
        with path.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise EbcheckError("init_exists", where=str(path)) from None
    except OSError as exc:
        raise EbcheckError("cannot_write", where=str(path), reason=exc.strerror) from None
