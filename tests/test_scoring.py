"""Score and verdict follow the catalog's formula exactly."""

from __future__ import annotations

from fractions import Fraction
from math import floor

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ebcheck.audit.scoring import DEFAULT_WEIGHTS, score, verdict
from ebcheck.deal.enums import Severity, Stage, Verdict

C, H, M, L, N = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFO)


@pytest.mark.parametrize(
    ("severities", "points", "expected"),
    [
        ([], 100, Verdict.READY),
        ([N, N, N], 100, Verdict.READY),  # info is shown, never weighed
        ([L], 97, Verdict.READY),
        ([M, M], 86, Verdict.READY),  # 100 × 0.93² = 86.49
        ([M, M, L], 84, Verdict.READY),  # 83.9 rounds to 84
        ([M, M, M], 80, Verdict.READY),  # 80.4: no longer under 80
        ([M, M, M, M], 75, Verdict.AT_RISK),  # under 80 without any high
        ([H], 85, Verdict.AT_RISK),  # a high alone is at risk
        ([C], 70, Verdict.NOT_READY),  # a critical alone is not ready
        ([C, C], 49, Verdict.NOT_READY),  # the catalog's own numbers
        ([C, C, C], 34, Verdict.NOT_READY),
        ([H, H, H], 61, Verdict.AT_RISK),
        ([H, H, H, H, H], 44, Verdict.NOT_READY),  # under 50 without any critical
        ([C] * 14, 1, Verdict.NOT_READY),  # never below 1 once a finding weighs
        ([C] * 12, 1, Verdict.NOT_READY),  # 1.38
        ([C] * 10, 3, Verdict.NOT_READY),  # worse deals still rank below
        ([C] * 11, 2, Verdict.NOT_READY),
    ],
)
def test_score_and_verdict(severities: list[Severity], points: int, expected: Verdict) -> None:
    assert score(severities) == points
    assert verdict(severities, points) is expected


def test_rounding_is_half_up_and_exact() -> None:
    assert score([M], {**DEFAULT_WEIGHTS, M: 5}) == 95
    assert score([H, H], {**DEFAULT_WEIGHTS, H: 50}) == 25
    assert score([L, L], {**DEFAULT_WEIGHTS, L: 5}) == 90  # 90.25
    assert score([L], {**DEFAULT_WEIGHTS, L: 1}) == 99
    assert score([H, L], {**DEFAULT_WEIGHTS, H: 50, L: 1}) == 50  # 49.5 rounds half up


def test_prospecting_deals_are_early_unless_not_ready() -> None:
    assert verdict([], 100, Stage.PROSPECTING) is Verdict.EARLY
    assert verdict([H], 85, Stage.PROSPECTING) is Verdict.EARLY
    assert verdict([C], 70, Stage.PROSPECTING) is Verdict.NOT_READY
    assert verdict([H], 85, Stage.QUALIFICATION) is Verdict.AT_RISK


def test_a_severity_weighted_zero_does_not_count_for_the_verdict() -> None:
    weights = {**DEFAULT_WEIGHTS, C: 0}
    assert score([C], weights) == 100
    assert verdict([C], 100, weights=weights) is Verdict.READY


def test_weights_are_configurable() -> None:
    weights = {**DEFAULT_WEIGHTS, Severity.MEDIUM: 10}
    assert score([M, M], weights) == 81


def test_boundaries_of_the_verdict() -> None:
    assert verdict([], 80) is Verdict.READY
    assert verdict([], 80, Stage.PROSPECTING) is Verdict.EARLY
    assert verdict([], 79) is Verdict.AT_RISK
    assert verdict([], 50) is Verdict.AT_RISK
    assert verdict([], 49) is Verdict.NOT_READY


@given(
    st.lists(st.sampled_from(list(Severity)), max_size=80),
    st.fixed_dictionaries({s: st.integers(0, 100) for s in Severity}),
)
def test_the_score_is_the_catalog_s_product_exactly(
    severities: list[Severity], weights: dict[Severity, int]
) -> None:
    counted = [s for s in severities if weights[s] > 0]
    kept = Fraction(100)
    for severity in counted:
        kept *= Fraction(100 - weights[severity], 100)
    expected = max(1, floor(kept + Fraction(1, 2))) if counted else 100
    assert score(severities, weights) == expected
