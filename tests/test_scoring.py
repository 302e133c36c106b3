"""Score and verdict follow the catalog's formula exactly."""

from __future__ import annotations

import pytest

from ebcheck.audit.scoring import DEFAULT_WEIGHTS, score, verdict
from ebcheck.deal.enums import Severity, Verdict

C, H, M, L, N = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFO)


@pytest.mark.parametrize(
    ("severities", "points", "expected"),
    [
        ([], 100, Verdict.READY),
        ([N, N, N], 100, Verdict.READY),
        ([L], 97, Verdict.READY),
        ([M, M], 86, Verdict.READY),
        ([M, M, L], 83, Verdict.READY),
        ([M, M, M], 79, Verdict.AT_RISK),  # under 80 without any high
        ([H], 85, Verdict.AT_RISK),  # a high alone is at risk
        ([C], 70, Verdict.NOT_READY),  # a critical alone is not ready
        ([H, H, H], 55, Verdict.AT_RISK),
        ([H, H, H, L], 52, Verdict.AT_RISK),
        ([H, H, H, M], 48, Verdict.NOT_READY),  # under 50 without any critical
        ([C, C, C, C], 0, Verdict.NOT_READY),
        ([C, C, C, C, H], 0, Verdict.NOT_READY),  # never below 0
    ],
)
def test_score_and_verdict(severities: list[Severity], points: int, expected: Verdict) -> None:
    assert score(severities) == points
    assert verdict(severities, points) is expected


def test_weights_are_configurable() -> None:
    weights = {**DEFAULT_WEIGHTS, Severity.MEDIUM: 10}
    assert score([M, M], weights) == 80


def test_boundaries_of_the_verdict() -> None:
    assert verdict([], 80) is Verdict.READY
    assert verdict([], 79) is Verdict.AT_RISK
    assert verdict([], 50) is Verdict.AT_RISK
    assert verdict([], 49) is Verdict.NOT_READY
