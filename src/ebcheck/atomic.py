"""Replacing a file whole: readers see the old file or the new one, never half of one.

The report (`-o`), the result cache and `ebcheck import` all write this way;
each decides for itself what may be replaced.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path


def replace_file(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write `data` to a temporary file beside `path`, then rename it over `path`.

    `mode` is given to the new file (None: 0600, as `mkstemp` makes it). Raises
    `OSError`; the temporary file never stays behind.
    """
    folder = path.parent if str(path.parent) else Path()
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        try:
            if mode is not None:
                os.fchmod(fd, mode)
            write_all(fd, data)
        finally:
            os.close(fd)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_all(fd: int, data: bytes) -> None:
    """Write every byte or raise: `os.write` may write fewer than asked (`ulimit -f`)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        view = view[written:]
