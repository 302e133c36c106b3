"""CD001-CD003: saying it straight."""

from __future__ import annotations

import pytest

from ebcheck.audit.engine import audit_text
from ebcheck.audit.settings import RuleSetting, Settings
from tests.rules.direct import RULES, check

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
        # Catalog 2: a low risk, or one without severity, is not voiced.
        (promise(90, 45, dict(VOICED, severity="low")), "50%"),
        (promise(90, 45, without(VOICED, "severity")), "50%"),
        (promise(90, 45, dict(VOICED, severity="medium")), None),
        (promise(90, 45, without(VOICED, "owner")), None),
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
        "low-risk",
        "no-severity",
        "medium-risk-voiced",
        "no-owner-voiced",
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


BAO = "鲍力"


@pytest.mark.parametrize(
    ("committed_by", "risk", "reason"),
    [
        (None, dict(VOICED, raised_with="陈默"), "was told only to its owner, 陈默"),
        (None, dict(VOICED, raised_with="陈默（项目经理）"), "was told only to its owner"),
        (BAO, VOICED, None),
        (BAO, dict(VOICED, raised_with="鲍力 (VP)"), None),
        (
            BAO,
            dict(VOICED, raised_with="张伟"),
            "was told to 张伟, not to 鲍力, who made the promise",
        ),
        # The owner made the promise: telling anyone else is saying it.
        ("陈默", dict(VOICED, raised_with="张伟"), None),
        (None, dict(VOICED, ask="我们会尽力"), 'asks only for effort ("我们会尽力")'),
        (None, dict(VOICED, ask="We'll do our best"), "asks only for effort"),
        (None, dict(VOICED, ask="尽力协调两名顾问"), None),
        (None, dict(VOICED, ask_status="declined"), "had its ask declined, and has no mitigation"),
        (None, dict(VOICED, ask_status="declined", mitigation="分两期上线"), None),
        (None, dict(VOICED, ask_status="pending"), None),
        (None, without(VOICED, "ask"), "asks for nothing (no `ask`)"),
        (None, without(VOICED, "raised_with"), "was said to nobody (no `raised_with`)"),
        (None, dict(VOICED, severity="low"), "is neither high nor medium"),
    ],
    ids=[
        "told-the-owner",
        "told-the-owner-with-note",
        "told-the-promiser",
        "told-the-promiser-with-note",
        "told-someone-else",
        "owner-promised",
        "effort-zh",
        "effort-en",
        "effort-and-resources",
        "declined",
        "declined-mitigated",
        "pending",
        "no-ask",
        "not-raised",
        "low",
    ],
)
def test_cd001_what_counts_as_voiced(build, found, committed_by, risk, reason):
    commitments = dict(promise(90, 45, risk), committed_by=committed_by)
    got = found(build(commitments={k: v for k, v in commitments.items() if v}), "CD001")
    if reason is None:
        assert got == []
        return
    (finding,) = got
    assert f'with what is needed: "工期压缩一半" {reason}' in finding.message
    decider = "鲍力, who made the promise" if committed_by == BAO else "the person who decides"
    if risk.get("ask_status") == "declined":  # said straight: what is missing is a mitigation
        assert finding.fix.startswith("The ask was said and declined: write in `mitigation`")
        assert f"take it back to {decider}" in finding.fix
    else:
        assert finding.fix.startswith(f"Say it now, to {decider}: ")


def test_cd001_says_why_each_recorded_risk_does_not_count(build, found):
    risks = [dict(VOICED, raised_with="陈默"), dict(VOICED, risk="人员不足", ask="加班")]
    (finding,) = found(build(commitments=promise(90, 45, *risks)), "CD001")
    assert finding.message.endswith(
        '"工期压缩一半" was told only to its owner, 陈默; "人员不足" asks only for effort ("加班").'
    )


def test_cd001_without_any_risk_says_none_is_recorded(build, found):
    (finding,) = found(build(commitments=promise(90, 45)), "CD001")
    assert finding.message == (
        "The delivery team estimated 90 days; 45 days were promised, a cut of 50%, and no "
        "risk is recorded: nobody has said it can't be done in time."
    )


def test_cd001_in_chinese_names_the_promiser(build):
    commitments = dict(promise(90, 45, dict(VOICED, raised_with="陈默")), committed_by=BAO)
    (finding,) = check("CD001", build(commitments=commitments), lang="zh")
    assert "压缩了 50%" in finding.message
    assert "“工期压缩一半”只告诉了它自己的负责人陈默" in finding.message
    assert finding.fix.startswith("现在就说，说给做出承诺的鲍力听")


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


def test_cd003_is_capped_on_a_small_deal(build):
    assert RULES["CD003"].small_cap
    text = build("proposal", commitments=None)
    assert [f.severity.value for f in check("CD003", text, small=True)] == ["info"]
    assert [f.severity.value for f in check("CD003", text)] == ["low"]


@pytest.mark.parametrize("rule_id", ["CD001", "CD002", "CD004", "CD005"])
def test_only_cd003_is_paperwork(rule_id):
    assert not RULES[rule_id].small_cap


# --- CD004 effort-not-resources --------------------------------------------------------


@pytest.mark.parametrize(
    ("ask", "effort"),
    [
        ("We'll do our best", True),
        ("We’ll do our best", True),  # a typographic apostrophe
        ("we will DO OUR BEST!", True),
        ("do  our\tbest", True),  # any run of white space inside a phrase
        ("Best-effort", True),  # - is a space
        ("best efforts", True),  # longest first: not "best effort" + "s"
        ("The team will work harder and try harder", True),
        ("I'll work late, overtime, extra hours", True),
        ("Two consultants", False),
        ("We'll do our best with two consultants", False),
        ("overtimes", False),  # English whole words only
        ("hour", False),  # "our" is not inside a word
        ("trying", False),
        ("尽力", True),
        ("尽力而为", True),
        ("大家一起努力，保证按时完成", False),  # 按时完成 is left
        ("大家一起努力！", True),
        ("我们团队一定全力以赴", True),
        ("争取加班", True),
        ("会尽量想办法", True),
        ("拼一拼", True),
        ("增加两名实施顾问", False),
        ("尽力协调会议室", False),  # Chinese substrings: 会 goes, 协调议室 stays
        ("加班加点", False),  # 点 is left
        ("we尽力", True),
        ("we尽力all", False),  # removed, not spaced: "weall" is left, no filler word
        ("wi加班ll", True),  # "will" is one
        ("", False),  # no ask is not an effort-only ask
        ("  ", False),
        ("...", True),  # nothing left, and not empty
    ],
)
def test_cd004_effort_only_asks(build, found, ask, effort):
    risk = dict(VOICED, ask=ask)
    got = found(build(commitments=promise(90, 80, risk)), "CD004")
    assert len(got) == (1 if effort else 0)
    if effort:
        (finding,) = got
        assert finding.severity.value == "medium"
        assert finding.subject == "工期压缩一半"
        assert finding.message == (
            f'The ask for the risk "工期压缩一半" is "{ask.strip()}": a promise of effort, not '
            "a resource anyone can grant."
        )
        assert finding.fix.startswith('陈默, who owns "工期压缩一半": replace the ask')
        assert finding.path == "commitments.risks[0].ask"


def test_cd004_any_severity_one_finding_per_risk_fix_without_owner(build, found):
    risks = [
        without(dict(VOICED, ask="尽力", severity="low"), "owner"),
        VOICED,
        dict(VOICED, risk="人员不足", ask="加班"),
    ]
    got = found(build(commitments=promise(90, 80, *risks)), "CD004")
    assert [(f.subject, f.path) for f in got] == [
        ("工期压缩一半", "commitments.risks[0].ask"),
        ("人员不足", "commitments.risks[2].ask"),
    ]
    assert got[0].fix.startswith('Replace the ask for "工期压缩一半" with what it takes')


def test_cd004_lists_are_options_that_replace_the_defaults(build, found):
    text = build(commitments=promise(90, 80, dict(VOICED, ask="我们拼命干")))
    assert found(text, "CD004") == []
    assert len(found(text, "CD004", CD004={"effort_phrases": ["拼命干"]})) == 1
    # Replaced, not merged: 尽力 is no longer an effort phrase.
    text = build(commitments=promise(90, 80, dict(VOICED, ask="尽力")))
    assert found(text, "CD004", CD004={"effort_phrases": ["拼命干"]}) == []
    # Fillers replaced: "we" is no longer filler, so "we do our best" keeps "we".
    text = build(commitments=promise(90, 80, dict(VOICED, ask="we do our best")))
    assert len(found(text, "CD004")) == 1
    assert found(text, "CD004", CD004={"filler_words": ["our"]}) == []
    # A configured English phrase is a whole word; one with a Chinese character a substring.
    text = build(commitments=promise(90, 80, dict(VOICED, ask="push it 冲刺")))
    assert len(found(text, "CD004", CD004={"effort_phrases": ["push it", "冲"]})) == 0
    assert len(found(text, "CD004", CD004={"effort_phrases": ["push it", "冲刺"]})) == 1


def test_cd004_effort_ask_also_makes_cd001_fire(build, found):
    text = build(commitments=promise(90, 45, dict(VOICED, ask="we'll do our best")))
    assert len(found(text, "CD001")) == 1
    assert len(found(text, "CD004")) == 1
    # CD001 reads CD004's lists as configured: a team that does not count "do our best"
    # as effort-only gets neither finding, and its own phrase makes both fire.
    assert found(text, "CD001", CD004={"effort_phrases": ["拼命干"]}) == []
    assert found(text, "CD004", CD004={"effort_phrases": ["拼命干"]}) == []
    text = build(commitments=promise(90, 45, dict(VOICED, ask="两名顾问")))
    assert found(text, "CD001") == []
    assert len(found(text, "CD001", CD004={"effort_phrases": ["两名顾问"]})) == 1


def test_cd001_reads_cd004s_lists_also_when_cd004_is_off(build):
    text = build(commitments=promise(90, 45, dict(VOICED, ask="两名顾问")))
    off = RuleSetting(off=True, options={"effort_phrases": ["两名顾问"]})
    report = audit_text(text, Settings(rules={"CD004": off}))
    assert [f.rule for f in report.findings if f.area == "CD"] == ["CD001"]
    assert "两名顾问" in report.findings[0].message


# --- CD005 ask-unanswered ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "risk", "expected"),
    [
        ("proposal", dict(VOICED, ask_status="pending", raised_on="2026-11-06"), None),  # 14
        ("proposal", dict(VOICED, ask_status="pending", raised_on="2026-11-05"), ("medium", 15)),
        ("negotiation", dict(VOICED, ask_status="pending", raised_on="2026-11-05"), ("high", 15)),
        ("prospecting", dict(VOICED, ask_status="pending", raised_on="2026-10-01"), ("medium", 50)),
        ("proposal", without(dict(VOICED, ask_status="pending"), "raised_on"), None),
        ("proposal", dict(VOICED, raised_on="2026-10-01"), None),  # no ask_status
        ("proposal", dict(VOICED, ask_status="granted", raised_on="2026-10-01"), None),
        (
            "proposal",
            dict(VOICED, ask_status="pending", raised_on="2026-10-01", severity="medium"),
            None,
        ),
        ("prospecting", dict(VOICED, ask_status="declined"), ("high", None)),
        ("negotiation", dict(VOICED, ask_status="declined"), ("high", None)),
        ("prospecting", dict(VOICED, ask_status="declined", mitigation="分两期上线"), None),
        ("prospecting", dict(VOICED, ask_status="declined", severity="medium"), None),
    ],
    ids=[
        "14-days",
        "15-days",
        "15-days-negotiation",
        "prospecting",
        "no-raised-on",
        "no-status",
        "granted",
        "medium-risk",
        "declined",
        "declined-negotiation",
        "declined-mitigated",
        "declined-medium-risk",
    ],
)
def test_cd005_ask_unanswered(build, found, stage, risk, expected):
    got = found(build(stage, commitments=promise(90, 80, risk)), "CD005")
    if expected is None:
        assert got == []
        return
    (finding,) = got
    severity, days = expected
    assert finding.severity.value == severity
    assert finding.subject == "工期压缩一半"
    assert finding.path == "commitments.risks[0].ask_status"
    if days is None:
        assert finding.message == (
            'The ask for the high risk "工期压缩一半" (增加两名实施顾问) was declined, and the '
            "risk has no mitigation: nothing now stands between the risk and the client."
        )
        assert finding.fix.startswith("陈默: write in `mitigation`")
        assert "take it back to 鲍力" in finding.fix
    else:
        assert finding.message == (
            'The ask for the high risk "工期压缩一半" (增加两名实施顾问) was raised on '
            f"{risk['raised_on']} and has waited {days} days for an answer (more than 14)."
        )
        assert finding.fix.startswith("Go back to 鲍力 this week")


def test_cd005_declined_names_the_answer_date_and_fills_in_the_missing_people(build, found):
    risk = without(dict(VOICED, ask_status="declined", answered_on="2026-11-12"), "owner")
    (finding,) = found(build(commitments=promise(90, 80, risk)), "CD005")
    assert "was declined on 2026-11-12, and" in finding.message
    assert finding.fix.startswith("The risk's owner: write in `mitigation`")


def test_cd005_never_sends_the_owner_back_to_themself(build, found):
    # Raised only with its own owner: go back to the one who made the promise.
    risk = dict(VOICED, raised_with="陈默", ask_status="pending", raised_on="2026-11-01")
    commitments = dict(promise(90, 80, risk), committed_by="鲍总")
    (finding,) = found(build(commitments=commitments), "CD005")
    assert finding.fix.startswith("Go back to 鲍总 this week")
    # Nobody else named: the person who decides, not the owner.
    (finding,) = found(build(commitments=promise(90, 80, risk)), "CD005")
    assert finding.fix.startswith("Go back to the person who decides this week")


def test_cd005_max_days_is_an_option(build, found):
    risk = dict(VOICED, ask_status="pending", raised_on="2026-11-05")
    text = build(commitments=promise(90, 80, risk))
    assert len(found(text, "CD005")) == 1
    assert found(text, "CD005", CD005={"max_days": 15}) == []
