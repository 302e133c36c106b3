"""DP001-DP005: the decision and the paper process."""

from __future__ import annotations

import pytest

from tests.rules.conftest import READY
from tests.rules.direct import RULES, check

STEPS = READY["decision_process"]["steps"]
CRITERIA = READY["decision_process"]["criteria"]
PAPER = READY["procurement"]


def process(steps=STEPS, criteria=CRITERIA, **more):
    out = {"steps": steps, "criteria": criteria, **more}
    return {k: v for k, v in out.items() if v is not None}


# --- DP001 decision-process-unknown ------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "decision_process", "severity"),
    [
        ("discovery", None, None),
        ("proposal", None, "medium"),
        ("negotiation", None, "high"),
        ("proposal", process(steps=[]), "medium"),
        ("negotiation", process(steps=None), "high"),
        ("proposal", process(steps=[{"step": "董事长签批"}]), None),
        ("negotiation", process(), None),
    ],
)
def test_dp001_decision_steps_from_proposal(build, found, stage, decision_process, severity):
    got = found(build(stage, decision_process=decision_process), "DP001")
    assert [f.severity.value for f in got] == ([severity] if severity else [])
    if severity:
        assert got[0].message == (
            "How 华东精密制造有限公司 will decide is not recorded: no `decision_process.steps`, "
            f"from evaluation to signature. The deal is at {stage}."
        )
        assert got[0].path == ("decision_process.steps" if decision_process else "decision_process")


# --- DP002 paper-process-unknown --------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "procurement", "severity"),
    [
        ("discovery", None, None),
        ("proposal", None, "medium"),
        ("negotiation", None, "high"),
        ("negotiation", {"steps": []}, "high"),
        ("negotiation", {"bid_due": "2026-12-02"}, "high"),
        ("negotiation", {"method": "public_tender"}, None),
        ("negotiation", {"steps": [{"step": "用印"}]}, None),
        ("proposal", PAPER, None),
    ],
)
def test_dp002_paper_process_from_proposal(build, found, stage, procurement, severity):
    got = found(build(stage, procurement=procurement), "DP002")
    assert [f.severity.value for f in got] == ([severity] if severity else [])
    if severity:
        assert got[0].message.startswith("How 华东精密制造有限公司 buys is not recorded")
        assert got[0].path == "procurement"


@pytest.mark.parametrize(
    ("rule_id", "stage", "section"),
    [("DP001", "negotiation", "decision_process"), ("DP002", "negotiation", "procurement")],
)
def test_dp001_dp002_are_capped_on_a_small_deal(build, rule_id, stage, section):
    assert RULES[rule_id].small_cap
    text = build(stage, **{section: None})
    assert [f.severity.value for f in check(rule_id, text)] == ["high"]
    assert [f.severity.value for f in check(rule_id, text, small=True)] == ["info"]


# --- DP003 criterion-gap ------------------------------------------------------------------


def criterion(fit=None, mandatory=True, name="三甲医院案例不少于 3 个"):
    out = {"criterion": name, "mandatory": mandatory, "fit": fit}
    return {k: v for k, v in out.items() if v is not None}


@pytest.mark.parametrize(
    ("stage", "item", "severity"),
    [
        ("prospecting", criterion("gap"), "high"),
        ("discovery", criterion("gap"), "high"),
        ("proposal", criterion("gap"), "critical"),
        ("negotiation", criterion("gap"), "critical"),
        ("discovery", criterion("unknown"), None),
        ("discovery", criterion(), None),
        ("proposal", criterion("unknown"), "medium"),
        ("negotiation", criterion(), "medium"),
        ("negotiation", criterion("partial"), None),
        ("negotiation", criterion("strong"), None),
        ("negotiation", criterion("gap", mandatory=False), None),
        ("negotiation", criterion("unknown", mandatory=False), None),
        ("negotiation", criterion("gap", mandatory=None), None),
    ],
)
def test_dp003_mandatory_criteria(build, found, stage, item, severity):
    got = found(build(stage, decision_process=process(criteria=[item])), "DP003")
    assert [f.severity.value for f in got] == ([severity] if severity else [])
    if severity:
        (finding,) = got
        assert finding.subject == "三甲医院案例不少于 3 个"
        assert finding.path == "decision_process.criteria[0]"
        if item.get("fit") == "gap":
            assert finding.message.startswith(
                'We do not meet the mandatory criterion "三甲医院案例不少于 3 个" (fit: gap)'
            )
            assert "qualify the deal out" in finding.fix
        else:
            assert finding.message == (
                "Nobody has checked whether we meet the mandatory criterion "
                f'"三甲医院案例不少于 3 个" (fit: unknown), and the deal is at {stage}.'
            )
            assert "`fit`" in finding.fix


def test_dp003_one_finding_per_criterion(build, found):
    items = [criterion("gap"), criterion("strong", name="等保三级"), criterion(name="本地服务")]
    got = found(build(decision_process=process(criteria=items)), "DP003")
    assert [(f.subject, f.severity.value) for f in got] == [
        ("三甲医院案例不少于 3 个", "critical"),
        ("本地服务", "medium"),
    ]


# --- DP004 no-compelling-event ------------------------------------------------------------


def insights(event):
    data = dict(READY["insights"])
    data["compelling_event"] = event
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize(
    ("stage", "event", "deal_type", "expected"),
    [
        ("discovery", None, None, None),
        ("proposal", None, None, "missing"),
        ("negotiation", None, "expansion", "missing"),
        ("proposal", None, "renewal", None),
        ("proposal", {"event": "春节备货高峰", "date": "2026-11-19"}, None, "passed"),
        ("proposal", {"event": "春节备货高峰", "date": "2026-11-19"}, "renewal", None),
        ("proposal", {"event": "春节备货高峰", "date": "2026-11-20"}, None, None),  # today
        ("proposal", {"event": "春节备货高峰"}, None, None),  # no date: not checked
        ("proposal", "春节备货高峰", None, None),  # plain text is {event: text}
    ],
)
def test_dp004_why_now_from_proposal(build, found, stage, event, deal_type, expected):
    deal = {"type": deal_type} if deal_type else None
    got = found(build(stage, deal=deal, insights=insights(event)), "DP004")
    if expected is None:
        assert got == []
        return
    (finding,) = got
    assert finding.severity.value == "medium"
    if expected == "missing":
        assert finding.message == (
            "Nothing records why 华东精密制造有限公司 must decide now: no "
            f"`insights.compelling_event`. The deal is at {stage}."
        )
        assert finding.path == "insights.compelling_event"
    else:
        assert finding.message == (
            'The compelling event "春节备货高峰" was on 2026-11-19, 1 day ago: nothing now says '
            "why 华东精密制造有限公司 must decide now."
        )
        assert finding.path == "insights.compelling_event.date"


def test_dp004_without_insights_points_at_the_section(build, found):
    (finding,) = found(build("proposal", insights=None), "DP004")
    assert finding.path == "insights"


def test_dp004_is_capped_on_a_small_deal(build):
    assert RULES["DP004"].small_cap
    text = build("proposal", insights=insights(None))
    assert [f.severity.value for f in check("DP004", text, small=True)] == ["info"]


@pytest.mark.parametrize("rule_id", ["DP003", "DP005"])
def test_dp003_dp005_are_not_capped(rule_id):
    assert not RULES[rule_id].small_cap


# --- DP005 close-before-process ----------------------------------------------------------


@pytest.mark.parametrize(
    ("close", "step", "days"),
    [
        ("2026-12-31", {"step": "董事长签批", "by": "张伟", "date": "2026-12-20"}, None),
        ("2026-12-20", {"step": "董事长签批", "by": "张伟", "date": "2026-12-20"}, None),
        ("2026-12-19", {"step": "董事长签批", "by": "张伟", "date": "2026-12-20"}, 1),
        ("2026-12-10", {"step": "董事长签批", "date": "2026-12-22"}, 12),
        ("2026-12-10", {"step": "董事长签批", "date": "2026-12-22", "done": True}, None),
        ("2026-12-10", {"step": "董事长签批"}, None),  # no date
    ],
)
def test_dp005_close_before_a_decision_step(build, found, close, step, days):
    text = build(deal={"close_date": close}, decision_process=process(steps=[step]))
    got = found(text, "DP005")
    if days is None:
        assert got == []
        return
    (finding,) = got
    assert finding.severity.value == "medium"
    assert finding.subject == "董事长签批"
    assert finding.message == (
        f"The close date {close} is {days} {'day' if days == 1 else 'days'} before the decision "
        f'step "董事长签批" ({step["date"]}), which is not done yet.'
    )
    who = step.get("by", "the customer")
    assert f'agree with {who} how "董事长签批" can be done by {close}' in finding.fix
    assert finding.path == "decision_process.steps[0].date"


def test_dp005_one_finding_per_step_of_both_processes(build, found):
    steps = [
        {"step": "IT 评审", "date": "2026-11-12", "done": True},
        {"step": "党委会前置研究", "date": "2026-12-18"},
    ]
    paper = {"method": "direct", "steps": [{"step": "用印", "owner": "陈默", "date": "2027-01-05"}]}
    text = build(
        deal={"close_date": "2026-12-15"},
        decision_process=process(steps=steps),
        procurement=paper,
    )
    got = found(text, "DP005")
    assert [(f.subject, f.path) for f in got] == [
        ("党委会前置研究", "decision_process.steps[1].date"),
        ("用印", "procurement.steps[0].date"),
    ]
    assert 'before the paper-process step "用印" (2027-01-05)' in got[1].message
    assert "agree with 陈默 how" in got[1].fix


def test_dp_rules_pass_the_ready_deal_at_every_stage(build, found):
    for stage in ("prospecting", "qualification", "discovery", "proposal", "negotiation"):
        for rule_id in ("DP001", "DP002", "DP003", "DP004", "DP005"):
            assert found(build(stage), rule_id) == [], (stage, rule_id)
