"""Exit codes, named, and how a finished audit maps to one."""

from __future__ import annotations

import atexit
import os
import signal
import sys
from collections.abc import Callable
from enum import IntEnum
from types import FrameType
from typing import TYPE_CHECKING, NoReturn

from ebcheck.audit.gate import FAIL_ON_CHOICES, parse_fail_on
from ebcheck.errors import EbcheckError

if TYPE_CHECKING:
    from ebcheck.audit.results import AnyReport

__all__ = ["FAIL_ON_CHOICES", "Exit", "exit_code", "guarded", "leave", "parse_fail_on"]


class Exit(IntEnum):
    OK = 0
    FAIL = 1
    USAGE = 2
    INTERNAL = 3


def exit_code(report: AnyReport) -> Exit:
    """The highest that applies: a crashed rule, then a failing deal, else success."""
    if report.crashes:
        return Exit.INTERNAL
    return Exit.FAIL if report.fails else Exit.OK


def _terminated(signum: int, frame: FrameType | None) -> None:
    # Raised where the main process is waiting, so the worker pool is stopped
    # on the way out (`ebcheck.audit.engine.check_files`) instead of living on.
    raise SystemExit(128 + signum)


def guarded(run: Callable[[], object]) -> int:
    """Run the command line and return its exit code, whatever happens inside.

    SIGTERM ends the run like Ctrl-C does (workers stopped, exit 143). An
    exception nothing caught is exit 3 with one line on stderr naming it.
    """
    from ebcheck.cli import diagnostics

    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, _terminated)
    try:
        run()
    except SystemExit as stop:
        return _code(stop.code)
    except KeyboardInterrupt:
        diagnostics.say("error", "interrupted")
        return 130
    except EbcheckError as problem:  # e.g. stdout gone under `ebcheck rules`
        diagnostics.error(problem)
        return int(Exit.USAGE)
    except Exception as exc:  # the last line of defence: a message, never a traceback
        try:
            diagnostics.say("error", "internal_error", None, error=f"{type(exc).__name__}: {exc}")
        except Exception:
            print(f"ebcheck: internal error: {type(exc).__name__}", file=sys.stderr)
        return int(Exit.INTERNAL)
    return int(Exit.OK)


def _code(code: object) -> int:
    if code is None:
        return int(Exit.OK)
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return int(Exit.FAIL)


def leave(code: int) -> NoReturn:
    """End the process with `code` at once, its output flushed.

    By the time the command has returned, everything it writes is out; tearing
    the interpreter down (every module and object freed, one by one) took
    60-100 ms of a one-deal audit, a sixth of it. So the process ends here, as
    mypy's does, once the `atexit` handlers have run (a rule pack's, logging's)
    and stdout and stderr are flushed. A flush that fails, and a run being
    measured, profiled or debugged (coverage and profilers save their data on
    the way out; `python -i` wants its prompt), take the normal exit instead.
    """
    if not _watched():
        atexit._run_exitfuncs()  # what the normal exit would run first
        if _flushed():
            os._exit(code)
    sys.exit(code)


def _watched() -> bool:
    """Whether a tool is looking at this run: coverage, a tracer or profiler (from
    Python 3.12 they may use `sys.monitoring` instead), or `python -i`."""
    if "coverage" in sys.modules or sys.gettrace() or sys.getprofile() or sys.flags.inspect:
        return True
    monitoring = getattr(sys, "monitoring", None)
    return monitoring is not None and any(monitoring.get_tool(tool) for tool in range(6))


def _flushed() -> bool:
    for stream in (sys.stdout, sys.stderr):
        if stream is None:
            continue
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed or broken stream: the normal exit says so
            return False
    return True
