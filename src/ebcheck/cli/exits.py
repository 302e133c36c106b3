"""Exit codes, named, and how a finished audit maps to one."""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

from ebcheck.deal.enums import Severity, Verdict
from ebcheck.errors import ConfigError

if TYPE_CHECKING:
    from ebcheck.audit.results import AuditReport

FAIL_ON_CHOICES = ("not_ready", "at_risk", *(s.value for s in Severity), "never")


class Exit(IntEnum):
    OK = 0
    FAIL = 1
    USAGE = 2
    INTERNAL = 3


def parse_fail_on(value: str) -> str:
    normalised = value.strip().lower().replace("-", "_")
    if normalised not in FAIL_ON_CHOICES:
        raise ConfigError("bad_fail_on", choices=", ".join(FAIL_ON_CHOICES), found=value)
    return normalised


def reaches(report: AuditReport, fail_on: str) -> bool:
    """True when something in the report reaches the `--fail-on` level."""
    if fail_on == "never":
        return False
    if fail_on in ("not_ready", "at_risk"):
        worst = Verdict.NOT_READY if fail_on == "not_ready" else Verdict.AT_RISK
        return any(
            d.gate in (Verdict.NOT_READY, Verdict.AT_RISK) and d.gate.rank <= worst.rank
            for d in report.deals
        )
    level = Severity(fail_on)
    return any(f.severity.at_least(level) for d in report.deals for f in d.findings)


def exit_code(report: AuditReport, fail_on: str) -> Exit:
    if report.crashes:
        return Exit.INTERNAL
    invalid = any(d.verdict is Verdict.INVALID for d in report.deals)
    if fail_on != "never" and (invalid or reaches(report, fail_on)):
        return Exit.FAIL
    return Exit.OK
