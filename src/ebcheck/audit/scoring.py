"""Score and verdict, exactly as rule catalog v1 defines them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ebcheck.deal.enums import Severity, Verdict

DEFAULT_WEIGHTS: Mapping[Severity, int] = {
    Severity.CRITICAL: 30,
    Severity.HIGH: 15,
    Severity.MEDIUM: 7,
    Severity.LOW: 3,
    Severity.INFO: 0,
}


def score(severities: Iterable[Severity], weights: Mapping[Severity, int] = DEFAULT_WEIGHTS) -> int:
    """100 minus the weight of every (unsuppressed) finding, never below 0."""
    return max(0, 100 - sum(weights[s] for s in severities))


def verdict(severities: Iterable[Severity], points: int) -> Verdict:
    """`not_ready` on a critical or under 50; `at_risk` on a high or under 80."""
    present = set(severities)
    if Severity.CRITICAL in present or points < 50:
        return Verdict.NOT_READY
    if Severity.HIGH in present or points < 80:
        return Verdict.AT_RISK
    return Verdict.READY
