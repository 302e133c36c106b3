"""Exit codes, named, and how a finished audit maps to one."""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

from ebcheck.audit.gate import FAIL_ON_CHOICES, parse_fail_on

if TYPE_CHECKING:
    from ebcheck.audit.results import AuditReport

__all__ = ["FAIL_ON_CHOICES", "Exit", "exit_code", "parse_fail_on"]


class Exit(IntEnum):
    OK = 0
    FAIL = 1
    USAGE = 2
    INTERNAL = 3


def exit_code(report: AuditReport) -> Exit:
    """The highest that applies: a crashed rule, then a failing deal, else success."""
    if report.crashes:
        return Exit.INTERNAL
    return Exit.FAIL if report.fails else Exit.OK
