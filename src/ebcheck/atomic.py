"""Replacing a file whole: readers see the old file or the new one, never half of one.

The report (`-o`), the result cache and `ebcheck import` all write this way;
each decides for itself what may be replaced.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

BATCH = 1 << 16
"""Bytes gathered before one write: a report comes a deal at a time, and a write per
deal was a tenth of a warm run's main process (and as much again for `-o`)."""


def replace_file(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Write `data` (or its parts, one after another) to a temporary file beside
    `path`, then rename it over `path`.

    The file keeps the mode of the one it replaces; a new one gets the usual
    0666 less the umask (not `mkstemp`'s 0600). Raises `OSError`; the temporary
    file never stays behind.
    """
    folder = path.parent if str(path.parent) else Path()
    mode = mode_for(path)
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        try:
            os.fchmod(fd, mode)
            for part in [data] if isinstance(data, bytes) else batches(data):
                write_all(fd, part)
        finally:
            os.close(fd)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def mode_for(path: Path) -> int:
    """The mode of the file at `path`, or what a new file gets: 0666 less the umask."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_all(fd: int, data: bytes) -> None:
    """Write every byte or raise: `os.write` may write fewer than asked (`ulimit -f`)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        view = view[written:]


def batches(parts: Iterable[bytes], size: int = BATCH) -> Iterator[bytes]:
    """`parts` joined into runs of at least `size` bytes (the last may be shorter),
    each made only when the one before is written."""
    batch: list[bytes] = []
    held = 0
    for part in parts:
        batch.append(part)
        held += len(part)
        if held >= size:
            yield b"".join(batch)
            batch, held = [], 0
    if batch:
        yield b"".join(batch)
