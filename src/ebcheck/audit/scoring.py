"""Score and verdict, exactly as rule catalog v2 defines them.

Each weighing finding keeps a share of what is left: the score is
100 × Π (1 − weight/100), rounded half up, and never below 1 once a finding
weighs, so that two criticals (49) still rank above three (34) and the worst
deals can be told apart. The product is computed exactly (in whole numbers), so
a score never depends on floating-point rounding.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ebcheck.deal.enums import Severity, Stage, Verdict

DEFAULT_WEIGHTS: Mapping[Severity, int] = {
    Severity.CRITICAL: 30,
    Severity.HIGH: 15,
    Severity.MEDIUM: 7,
    Severity.LOW: 3,
    Severity.INFO: 0,
}


def weighing(
    severities: Iterable[Severity], weights: Mapping[Severity, int] = DEFAULT_WEIGHTS
) -> list[Severity]:
    """The severities that weigh: those whose weight is above 0."""
    return [s for s in severities if weights[s] > 0]


def score(severities: Iterable[Severity], weights: Mapping[Severity, int] = DEFAULT_WEIGHTS) -> int:
    """100 × Π (1 − weight/100) over the weighing findings, rounded half up."""
    counted = weighing(severities, weights)
    # kept = 100 × Π (100 − w) / 100ⁿ, in whole numbers: floor(kept + ½) without a
    # fraction object per finding.
    kept, whole = 100, 1
    for severity in counted:
        kept *= 100 - weights[severity]
        whole *= 100
    points = (2 * kept + whole) // (2 * whole)
    return max(1, points) if counted else 100


def verdict(
    severities: Iterable[Severity],
    points: int,
    stage: Stage | None = None,
    weights: Mapping[Severity, int] = DEFAULT_WEIGHTS,
) -> Verdict:
    """`not_ready` on a weighing critical or under 50; `at_risk` on a weighing high
    or under 80; else `ready`. At prospecting, what is not `not_ready` is `early`."""
    present = set(weighing(severities, weights))
    if Severity.CRITICAL in present or points < 50:
        return Verdict.NOT_READY
    if stage is Stage.PROSPECTING:
        return Verdict.EARLY
    if Severity.HIGH in present or points < 80:
        return Verdict.AT_RISK
    return Verdict.READY
