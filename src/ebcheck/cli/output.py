"""Where a report goes: stdout, or a file written atomically."""

from __future__ import annotations

import codecs
import errno
import io
import os
import shutil
import stat
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ebcheck.atomic import batches, replace_file, write_all
from ebcheck.errors import EbcheckError
from ebcheck.reports.textsafe import runner_safe


def check_writable(path: Path) -> None:
    """Refuse an output path that cannot be written, before any work is done."""
    folder = path.parent if str(path.parent) else Path()
    if path.is_dir():
        raise EbcheckError("output_is_folder", where=str(path))
    if _written_in_place(path):
        return
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise EbcheckError("output_not_regular", where=str(path))
    if not folder.is_dir():
        raise EbcheckError("output_no_folder", where=str(path), folder=str(folder))
    if not os.access(folder, os.W_OK):
        raise EbcheckError("output_not_writable", where=str(path), folder=str(folder))


def _written_in_place(path: Path) -> bool:
    """A FIFO or a character device (`/dev/null`, `/dev/stdout`), maybe through a link.

    Such a file is written into, never replaced: renaming a temporary file over
    `/dev/null` would turn it into a regular file for the whole system.
    """
    if path.is_symlink() and not _names_a_descriptor(path) and not _links_to_a_stream(path):
        return False  # a link planted in a checkout must not lead into any device
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    if stat.S_ISREG(mode) and _names_a_descriptor(path):
        return True  # `-o /dev/stdout` while stdout is redirected to a file
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)


def _names_a_descriptor(path: Path) -> bool:
    """`/dev/stdout`, `/dev/fd/1`, `/proc/self/fd/1`: an open file of this process."""
    text = str(path.absolute())
    return text in ("/dev/stdout", "/dev/stderr") or text.startswith(("/dev/fd/", "/proc/self/fd/"))


_STREAMS = ("/dev/null", "/dev/stdout", "/dev/stderr")


def _links_to_a_stream(path: Path) -> bool:
    """Whether the symbolic link `path` leads, link by link, to `/dev/null`, stdout,
    stderr or an open descriptor (`/dev/fd/N`): the only devices followed through a link."""
    current = path.absolute()
    for _ in range(40):  # the kernel's own limit on links in a row
        try:
            target = current.readlink()
        except OSError:
            return False
        current = Path(os.path.normpath(current.parent / target))
        if str(current) in _STREAMS or _names_a_descriptor(current):
            return True
        if not current.is_symlink():
            return False
    return False


def refuse_inputs(path: Path, inputs: Iterable[Path]) -> None:
    """`-o` must never name a file the run reads: a deal, the config, the baseline."""
    target = _identity(path)
    if target is None:
        return
    for given in inputs:
        if _identity(given) == target:
            raise EbcheckError("output_is_input", where=str(path), input=str(given))


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_dev, info.st_ino) if stat.S_ISREG(info.st_mode) else None


def write_atomically(path: Path, text: str | Iterable[str]) -> None:
    """Write `text` (or its parts) to `path` through a temporary file, so a failure
    leaves no half report.

    A FIFO or device is written into directly; a symbolic link or another kind
    of file is refused (the check in `check_writable`).
    """
    check_writable(path)
    data = (part.encode("utf-8", errors="backslashreplace") for part in _parts(text))
    if _written_in_place(path):
        _write_in_place(path, data)
        return
    try:
        replace_file(path, data)
    except OSError as exc:
        raise EbcheckError("cannot_write", where=str(path), reason=exc.strerror) from None


def _parts(text: str | Iterable[str]) -> Iterable[str]:
    return [text] if isinstance(text, str) else text


def _write_in_place(path: Path, data: Iterable[bytes]) -> None:
    # Non-blocking open: a FIFO nobody reads is refused instead of hanging.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a FIFO that no process has open for reading
            raise EbcheckError("output_fifo_unread", where=str(path)) from None
        raise EbcheckError("cannot_write", where=str(path), reason=exc.strerror) from None
    try:
        os.set_blocking(fd, True)
        if stat.S_ISREG(os.fstat(fd).st_mode):
            os.ftruncate(fd, 0)
        for part in batches(data):
            write_all(fd, part)
    except OSError as exc:
        raise EbcheckError("cannot_write", where=str(path), reason=exc.strerror) from None
    finally:
        os.close(fd)


def write_stdout(text: str | Iterable[str], *, utf8: bool = False) -> None:
    """The report (or its parts, each a run of whole lines) on stdout, all of it, or
    an `EbcheckError` saying why not.

    `utf8` writes UTF-8 whatever the console's encoding (JSON and SARIF must stay
    intact, the github format's commands too); otherwise a console without UTF-8
    gets `?` for what it cannot show, and no line can pass for a runner command.
    """
    stream = sys.stdout
    if stream is None:
        raise EbcheckError("stdout_failed", reason=os.strerror(errno.EBADF))
    encoding = "utf-8" if utf8 else (getattr(stream, "encoding", None) or "utf-8")
    # One encoder for every part: a stateful encoding (`utf-8-sig`, UTF-16) writes
    # its byte-order mark once, not before each deal's lines.
    encoder = codecs.getincrementalencoder(encoding)(errors="replace")
    with _stdout_errors():
        stream.flush()
        fd = _descriptor(stream)
    # The parts are made as they are written: a formatter's own error stays its
    # own (exit 3), never taken for a closed stream. They go out a batch at a time
    # (a write per deal was a tenth of a warm run's main process).
    if fd is None:  # a replaced stream (tests): text in, text out
        for part in _parts(text):
            with _stdout_errors():
                stream.write(_shown(part, utf8))
                stream.flush()
        return
    for batch in batches(_encoded(text, encoder, utf8)):
        _write_batch(fd, batch)


def _encoded(
    text: str | Iterable[str], encoder: codecs.IncrementalEncoder, utf8: bool
) -> Iterator[bytes]:
    for part in _parts(text):
        # The common case, UTF-8 that needs no escaping, without three copies of it.
        encoded = _strict_utf8(part) if utf8 else None
        yield encoder.encode(_shown(part, utf8)) if encoded is None else encoded
    yield encoder.encode("", final=True)


def _shown(part: str, utf8: bool) -> str:
    data = part.encode("utf-8", errors="backslashreplace").decode("utf-8")
    if not utf8:  # human-readable output in a CI log must not drive the runner
        data = runner_safe(data)
    return data


def _strict_utf8(text: str) -> bytes | None:
    """`text` in UTF-8, or None when it holds what UTF-8 cannot (a lone surrogate)."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return None


def _write_batch(fd: int, batch: bytes) -> None:
    # Straight to the descriptor: a buffered stream can lose a short write
    # (`ulimit -f`) without a word; `write_all` never does.
    with _stdout_errors():
        write_all(fd, batch)


@contextmanager
def _stdout_errors() -> Iterator[None]:
    """A failed write to stdout as an `EbcheckError` saying why."""
    try:
        yield
    except OSError as exc:
        _silence_stdout()
        raise EbcheckError("stdout_failed", reason=exc.strerror or str(exc)) from None
    except ValueError:  # a closed stream
        _silence_stdout()
        raise EbcheckError("stdout_failed", reason=os.strerror(errno.EBADF)) from None


def _descriptor(stream: object) -> int | None:
    try:
        return int(stream.fileno())  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return None


def _silence_stdout() -> None:
    """After a failed write, make the interpreter's exit flush a no-op (no second error)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def stdout_is_terminal() -> bool:
    try:
        return sys.stdout is not None and sys.stdout.isatty()
    except ValueError:  # closed
        return False


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
        with path.open("x", encoding="utf-8", errors="backslashreplace") as handle:
            handle.write(text)
    except FileExistsError:
        raise EbcheckError("init_exists", where=str(path)) from None
    except OSError as exc:
        raise EbcheckError("cannot_write", where=str(path), reason=exc.strerror) from None
