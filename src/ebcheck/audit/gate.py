"""`--fail-on`: which findings and deals fail the run, decided once per audit.

The decision is made when the report is finished and stored on it; the exit
code and every format that shows pass or fail (JUnit, the markdown headline)
read it from there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from ebcheck.deal.enums import Severity, Verdict
from ebcheck.errors import ConfigError

if TYPE_CHECKING:  # the CLI reads the choices at start-up, before any deal is loaded
    from ebcheck.audit.findings import Finding
    from ebcheck.audit.results import AuditReport, DealReport

FAIL_ON_CHOICES = ("not_ready", "at_risk", *(s.value for s in Severity), "never")
VERDICT_LEVELS = {"not_ready": Verdict.NOT_READY, "at_risk": Verdict.AT_RISK}
_FAILING_VERDICTS = (Verdict.NOT_READY, Verdict.AT_RISK)


def parse_fail_on(value: str) -> str:
    normalised = value.strip().lower().replace("-", "_")
    if normalised not in FAIL_ON_CHOICES:
        raise ConfigError("bad_fail_on", choices=", ".join(FAIL_ON_CHOICES), found=value)
    return normalised


def verdict_fails(gate: Verdict, fail_on: str) -> bool:
    """Whether a deal whose judged verdict is `gate` reaches a verdict level."""
    worst = VERDICT_LEVELS.get(fail_on)
    return worst is not None and gate in _FAILING_VERDICTS and gate.rank <= worst.rank


def failing_findings(
    gate: Verdict, findings: Sequence[Finding], fail_on: str
) -> tuple[Finding, ...]:
    """The findings that fail under `fail_on`.

    At a verdict level every finding of a deal whose verdict reaches it fails
    (the verdict comes from all of them together); at a severity, each finding
    at or above it; at `never`, none. Files that could not be loaded are not
    judged here: they fail the run whatever the level but `never`.
    """
    return tuple(f for f in findings if finding_fails(gate, f.severity, fail_on))


def finding_fails(gate: Verdict, severity: Severity, fail_on: str) -> bool:
    """Whether a finding of `severity` in a deal judged `gate` fails under `fail_on`."""
    if fail_on == "never" or gate is Verdict.INVALID:
        return False
    if fail_on in VERDICT_LEVELS:
        return verdict_fails(gate, fail_on)
    return severity.at_least(Severity(fail_on))


def deal_fails(gate: Verdict, failing: bool, fail_on: str) -> bool:
    """Whether this deal makes the run fail (exit 1); `failing`: some finding fails."""
    if fail_on == "never":
        return False
    return gate is Verdict.INVALID or failing or verdict_fails(gate, fail_on)


def decide_deal(deal: DealReport, fail_on: str) -> DealReport:
    failing = failing_findings(deal.gate, deal.findings, fail_on)
    # `failing` keeps the order of `deal.findings`, which is already sorted.
    fails = deal_fails(deal.gate, bool(failing), fail_on)
    return replace(deal, failing=failing, fails=fails)


def decide(report: AuditReport, fail_on: str) -> AuditReport:
    """`report` with every deal's pass/fail decided at `fail_on`, and the level recorded."""
    return replace(
        report, deals=tuple(decide_deal(d, fail_on) for d in report.deals), fail_on=fail_on
    )
