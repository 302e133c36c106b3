"""CD001-CD003: saying it straight."""

from __future__ import annotations

import pytest

VOICED = {
    "risk": "工期压缩一半",
    "severity": "high",
    "raised_with": "鲍力",
    "raised_on": "2026-10-01",
    "ask": "增加两名实施顾问",
    "owner": "陈默",
}


def promise(estimate, committed, *risks):
    out = {"team_estimate_days": estimate, "committed_days": committed, "risks": list(risks)}
    return {k: v for k, v in out.items() if v is not None}


def without(risk, *keys):
    return {k: v for k, v in risk.items() if k not in keys}


# --- CD001 unvoiced-compression ---------------------------------------------------


@pytest.mark.parametrize(
    ("commitments", "cut"),
    [
        (promise(90, 45), "50%"),
        (promise(100, 75), None),  # exactly 25%
        (promise(100, 74), "26%"),
        (promise(90, 67.5), None),  # exactly 25% again, with a fraction
        (promise(90, 60), "33.33%"),
        (promise(90, 120), None),  # more time than estimated
        (promise(90, None), None),
        (promise(None, 45), None),
        (promise(90, 45, VOICED), None),
        (promise(90, 45, without(VOICED, "ask")), "50%"),
        (promise(90, 45, without(VOICED, "raised_with")), "50%"),
        # Any risk said openly with its ask counts, whatever its severity or owner.
        (promise(90, 45, without(dict(VOICED, severity="low"), "owner")), None),
        (promise(90, 45, without(VOICED, "ask"), dict(VOICED, risk="人员不足")), None),
    ],
    ids=[
        "half",
        "exactly-25",
        "26",
        "exactly-25-fraction",
        "a-third",
        "longer",
        "no-committed",
        "no-estimate",
        "voiced",
        "no-ask",
        "not-raised",
        "low-risk-voiced",
        "second-risk-voiced",
    ],
)
def test_cd001_compression_nobody_voiced(build, found, commitments, cut):
    got = found(build("prospecting", commitments=commitments), "CD001")
    if cut is None:
        assert got == []
    else:
        (finding,) = got
        assert finding.severity.value == "critical"
        estimate = commitments["team_estimate_days"]
        committed = commitments["committed_days"]
        assert f"The delivery team estimated {estimate} days; {committed} days were promised" in (
            finding.message
        )
        assert f"a cut of {cut}" in finding.message
        assert finding.path == "commitments.committed_days"


def test_cd001_the_doctrine_story_is_not_ready(build, run):
    report = run(build(commitments=promise(90, 45, without(VOICED, "raised_with", "ask"))))
    assert [f.rule for f in report.findings if f.severity.value == "critical"] == ["CD001"]
    assert report.verdict.value == "not_ready"
    (cd001,) = [f for f in report.findings if f.rule == "CD001"]
    assert "raised_with" in cd001.fix and "ask" in cd001.fix and "45 days" in cd001.fix


def test_cd001_max_compression_is_an_option(build, found):
    text = build(commitments=promise(90, 60))
    assert len(found(text, "CD001")) == 1
    assert found(text, "CD001", CD001={"max_compression": 0.4}) == []


# --- CD002 risk-without-ask ------------------------------------------------------------


@pytest.mark.parametrize(
    ("risk", "missing"),
    [
        (VOICED, []),
        (without(VOICED, "raised_with", "ask", "owner"), ["raised_with", "ask", "owner"]),
        (without(VOICED, "owner"), ["owner"]),
        (dict(VOICED, ask=""), ["ask"]),
        (without(VOICED, "raised_with", "raised_on"), ["raised_with"]),
        (without(dict(VOICED, severity="medium"), "raised_with", "ask", "owner"), []),
        (without(VOICED, "severity", "raised_with", "ask", "owner"), []),
    ],
    ids=[
        "complete",
        "nothing",
        "no-owner",
        "empty-ask",
        "not-raised",
        "medium-risk",
        "no-severity",
    ],
)
def test_cd002_high_risk_names_what_it_lacks(build, found, risk, missing):
    got = found(build(commitments=promise(90, 80, risk)), "CD002")
    assert len(got) == (1 if missing else 0)
    if missing:
        (finding,) = got
        assert finding.severity.value == "medium"
        assert finding.subject == "工期压缩一半"
        assert finding.message.startswith('The high risk "工期压缩一半" has no ')
        for part in ("raised_with", "ask", "owner"):
            assert (f"`{part}`" in finding.message) == (part in missing), part
        assert finding.path == "commitments.risks[0]"


def test_cd002_one_finding_per_risk(build, found):
    second = {"risk": "关键用户每周只有两天", "severity": "high", "owner": "陈默"}
    risks = [without(VOICED, "owner"), VOICED, second]
    got = found(build(commitments=promise(90, 80, *risks)), "CD002")
    assert [(f.subject, f.path) for f in got] == [
        ("工期压缩一半", "commitments.risks[0]"),
        ("关键用户每周只有两天", "commitments.risks[2]"),
    ]


# --- CD003 no-risks-recorded --------------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "commitments", "fires"),
    [
        ("discovery", None, False),
        ("proposal", None, True),
        ("negotiation", promise(90, 80), True),
        ("proposal", promise(90, 80, {"risk": "数据迁移"}), False),
    ],
)
def test_cd003_risks_from_proposal(build, found, stage, commitments, fires):
    got = found(build(stage, commitments=commitments), "CD003")
    assert [f.severity.value for f in got] == (["low"] if fires else [])
    if fires:
        assert got[0].message == f"No risks are recorded, and the deal is at {stage}."
