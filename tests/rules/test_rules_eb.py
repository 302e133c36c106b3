"""EB001-EB007: the economic buyer."""

from __future__ import annotations

import pytest

STAGES = ("prospecting", "qualification", "discovery", "proposal", "negotiation")

EB_MET = {"name": "张伟", "title": "总经理", "roles": ["EB"], "met": "2026-11-10"}
EB_NEVER = {"name": "张伟", "title": "总经理", "roles": ["EB"]}
TB_MET = {"name": "李工", "roles": ["TB", "coach"], "met": "2026-11-05", "validated": True}


def severities(found_findings):
    return [f.severity.value for f in found_findings]


# --- EB001 eb-missing ---------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "expected"),
    [
        ("prospecting", "high"),
        ("qualification", "high"),
        ("discovery", "critical"),
        ("proposal", "critical"),
        ("negotiation", "critical"),
    ],
)
def test_eb001_fires_without_an_eb_high_then_critical_from_discovery(build, found, stage, expected):
    got = found(build(stage, stakeholders=[TB_MET]), "EB001")
    assert severities(got) == [expected]
    assert "stakeholders listed: 1" in got[0].message
    assert stage in got[0].message


@pytest.mark.parametrize(
    "eb",
    [
        {"name": "张伟", "role": "EB"},
        {"name": "张伟", "roles": "economic_buyer"},
        {"name": "张伟", "roles": ["coach", "eb"]},
        {"name": "张伟", "role": "TB", "roles": ["EB"]},
    ],
    ids=["role", "long-form", "lower-case-among-others", "role-and-roles"],
)
def test_eb001_silent_when_anyone_holds_the_eb_role(build, found, eb):
    assert found(build("discovery", stakeholders=[TB_MET, eb]), "EB001") == []


def test_eb001_without_stakeholders_section_points_at_line_1(build, found):
    (finding,) = found(build("discovery", stakeholders=None), "EB001")
    assert (finding.line, finding.path) == (1, "stakeholders")
    assert "stakeholders listed: 0" in finding.message


# --- EB002 eb-not-met ---------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "expected"),
    [
        ("prospecting", "medium"),
        ("qualification", "medium"),
        ("discovery", "high"),
        ("proposal", "critical"),
        ("negotiation", "critical"),
    ],
)
def test_eb002_severity_by_stage(build, found, stage, expected):
    (finding,) = found(build(stage, stakeholders=[EB_NEVER, TB_MET]), "EB002")
    assert finding.severity.value == expected
    assert finding.subject == "张伟"
    assert f"张伟 (EB) has never been met; the deal is at {stage}" in finding.message
    assert "more likely lost than won" in finding.message


def test_eb002_a_future_meeting_is_not_a_meeting(build, found):
    planned = dict(EB_NEVER, met="2026-11-28")
    (finding,) = found(build("proposal", stakeholders=[planned, TB_MET]), "EB002")
    assert finding.severity.value == "critical"


def test_eb002_met_on_the_audit_date_counts(build, found):
    today = dict(EB_NEVER, met="2026-11-20")
    assert found(build("proposal", stakeholders=[today, TB_MET]), "EB002") == []


def test_eb002_several_ebs_one_met_is_enough(build, found):
    second = {"name": "王总", "roles": ["EB"]}
    assert found(build("proposal", stakeholders=[second, EB_MET, TB_MET]), "EB002") == []


def test_eb002_several_ebs_none_met_names_them_all(build, found):
    second = {"name": "王总", "roles": ["EB"]}
    (finding,) = found(build("proposal", stakeholders=[EB_NEVER, second, TB_MET]), "EB002")
    assert "张伟 and 王总" in finding.message
    assert finding.subject is None


# --- EB003 eb-authority-unconfirmed ------------------------------------------


@pytest.mark.parametrize(
    ("stage", "authority", "expected"),
    [
        ("prospecting", "claimed", ["medium"]),
        ("discovery", "claimed", ["medium"]),
        ("proposal", "claimed", ["high"]),
        ("negotiation", "claimed", ["high"]),
        ("discovery", "unknown", []),
        ("proposal", "unknown", ["medium"]),
        ("negotiation", "unknown", ["medium"]),
        ("proposal", None, ["medium"]),
        ("proposal", "confirmed", []),
        ("prospecting", "confirmed", []),
    ],
)
def test_eb003_claimed_any_stage_unknown_from_proposal(build, found, stage, authority, expected):
    eb = dict(EB_MET, authority=authority) if authority else EB_MET
    got = found(build(stage, stakeholders=[eb, TB_MET]), "EB003")
    assert severities(got) == expected
    assert all(f.subject == "张伟" for f in got)


def test_eb003_one_finding_per_eb_each_named(build, found):
    ebs = [dict(EB_MET, authority="claimed"), {"name": "王总", "roles": ["EB"]}, TB_MET]
    got = found(build("proposal", stakeholders=ebs), "EB003")
    assert [(f.subject, f.severity.value) for f in got] == [("张伟", "high"), ("王总", "medium")]
    claimed, unknown = got
    assert "张伟 is treated as the economic buyer only because someone says so" in claimed.message
    assert "whether 王总 really makes the final decision" in unknown.message
    assert "王总" in unknown.fix


def test_eb003_authority_of_a_non_eb_does_not_count(build, found):
    tb = dict(TB_MET, authority="claimed")
    assert (
        found(build("proposal", stakeholders=[dict(EB_MET, authority="confirmed"), tb]), "EB003")
        == []
    )


def test_eb003_points_at_the_authority_line(build, found):
    (finding,) = found(build("proposal", stakeholders=[dict(EB_MET, authority="claimed")]), "EB003")
    assert finding.path == "stakeholders[0].authority"


# --- EB004 eb-no-access-plan -------------------------------------------------

ANALYSIS = "张总关注交付周期和库存周转;王秘书安排日程"
REFERRAL = {"via": "刘总", "relation": "老同学", "status": "asked"}


@pytest.mark.parametrize(
    ("stage", "eb_access", "expected"),
    [
        ("prospecting", None, []),
        ("qualification", None, ["both"]),
        ("negotiation", None, ["both"]),
        ("qualification", {"analysis": ""}, ["both"]),
        ("qualification", {"analysis": ANALYSIS}, ["way in"]),
        ("qualification", {"referral": REFERRAL}, ["preparation"]),
        ("qualification", {"analysis": ANALYSIS, "referral": REFERRAL}, []),
        (
            "qualification",
            {"analysis": ANALYSIS, "next_step": {"action": "发公司介绍邮件", "due": "2026-11-25"}},
            [],
        ),
        (
            "qualification",
            {"analysis": ANALYSIS, "next_step": {"action": "发公司介绍邮件"}},
            ["way in"],
        ),
        (
            "qualification",
            {"analysis": ANALYSIS, "referral": {"relation": "老同学", "status": "planned"}},
            ["way in"],
        ),
    ],
    ids=[
        "prospecting-too-early",
        "nothing",
        "nothing-late",
        "empty-analysis",
        "analysis-only",
        "referral-only",
        "analysis-and-referral",
        "analysis-and-dated-next-step",
        "next-step-without-due",
        "referral-without-via",
    ],
)
def test_eb004_names_what_is_missing(build, found, stage, eb_access, expected):
    got = found(build(stage, stakeholders=[EB_NEVER, TB_MET], eb_access=eb_access), "EB004")
    assert [f.severity.value for f in got] == ["high"] * len(expected)
    words = {"both": "no preparation", "way in": "no way in", "preparation": "nobody has prepared"}
    for finding, what in zip(got, expected, strict=True):
        assert finding.message.startswith("Nobody has met the economic buyer (张伟)")
        assert words[what] in finding.message
    if expected == ["both"]:
        assert "no way in" in got[0].message


@pytest.mark.parametrize(
    "stakeholders",
    [
        [EB_MET, TB_MET],
        [TB_MET],
        [dict(EB_NEVER, met="2026-11-10"), {"name": "王总", "roles": ["EB"]}],
    ],
    ids=["eb-met", "no-eb", "one-of-two-ebs-met"],
)
def test_eb004_silent_once_an_eb_is_met_or_when_none_is_named(build, found, stakeholders):
    assert found(build("proposal", stakeholders=stakeholders), "EB004") == []


def test_eb004_a_planned_meeting_is_no_access(build, found):
    planned = dict(EB_NEVER, met="2026-12-01")
    assert len(found(build("proposal", stakeholders=[planned, TB_MET]), "EB004")) == 1


def test_eb004_points_at_the_missing_part(build, found):
    access = {"analysis": ANALYSIS}
    (finding,) = found(build("proposal", stakeholders=[EB_NEVER], eb_access=access), "EB004")
    assert finding.path == "eb_access.referral"
    assert finding.line > 1  # falls back to the eb_access section, not to line 1
    assert "eb_access.referral" in finding.fix


# --- EB005 eb-chasing --------------------------------------------------------


def attempt(date, channel="phone", outcome="no_answer"):
    return {"date": date, "channel": channel, "outcome": outcome}


CHASED = [
    attempt("2026-10-28"),
    attempt("2026-11-04", outcome="deferred"),
    attempt("2026-11-12", outcome="declined"),
]


@pytest.mark.parametrize(
    ("attempts", "fires"),
    [
        (CHASED, True),
        (CHASED[:2], False),
        ([attempt("2026-10-01", outcome="accepted"), *CHASED], True),
        ([*CHASED[:2], attempt("2026-11-12", "email", "deferred")], False),
        ([*CHASED[:2], attempt("2026-11-12", "referral", "deferred")], False),
        ([*CHASED[:2], attempt("2026-11-12", "visit", "accepted")], False),
        ([*CHASED[:2], attempt("2026-11-12", "visit", "declined")], True),
        # Unsorted: the email is the oldest, so the latest three are all phone calls.
        ([CHASED[2], attempt("2026-10-01", "email"), CHASED[0], CHASED[1]], True),
        # Unsorted: the email is the newest.
        ([attempt("2026-11-15", "email"), *CHASED], False),
        # Same day at the edge of the three: the later line counts as the later attempt.
        ([attempt("2026-11-04", "email"), *CHASED[1:], attempt("2026-11-04")], True),
        ([attempt("2026-11-04"), *CHASED[1:], attempt("2026-11-04", "email")], False),
        # Attempts after the audit date are plans: ignored.
        ([*CHASED, attempt("2026-11-25", "email", "accepted")], True),
        ([*CHASED[:2], attempt("2026-11-25")], False),
    ],
    ids=[
        "three-failed-calls",
        "only-two",
        "older-success-does-not-matter",
        "latest-by-email",
        "latest-by-referral",
        "latest-accepted",
        "failed-visit-counts",
        "unsorted-email-oldest",
        "unsorted-email-newest",
        "same-day-call-after-email",
        "same-day-email-after-call",
        "future-email-ignored",
        "future-call-ignored",
    ],
)
def test_eb005_the_three_most_recent_attempts(build, found, attempts, fires):
    text = build("discovery", stakeholders=[EB_NEVER, TB_MET], eb_access={"attempts": attempts})
    got = found(text, "EB005")
    assert [f.severity.value for f in got] == (["medium"] if fires else [])


def test_eb005_message_lists_the_attempts_and_fix_says_stop_calling(build, found):
    text = build("discovery", stakeholders=[EB_NEVER, TB_MET], eb_access={"attempts": CHASED})
    (finding,) = found(text, "EB005")
    assert "The last 3 attempts to reach 张伟 all failed" in finding.message
    assert "2026-10-28 phone call (no answer)" in finding.message
    assert "2026-11-12 phone call (declined)" in finding.message
    assert finding.fix.startswith("Stop calling 张伟")
    assert "referral" in finding.fix and "email" in finding.fix
    assert finding.path == "eb_access.attempts[2]"


def test_eb005_silent_once_the_eb_is_met(build, found):
    text = build("discovery", stakeholders=[EB_MET, TB_MET], eb_access={"attempts": CHASED})
    assert found(text, "EB005") == []


def test_eb005_max_attempts_is_an_option(build, found):
    text = build("discovery", stakeholders=[EB_NEVER], eb_access={"attempts": CHASED[1:]})
    assert found(text, "EB005") == []
    (finding,) = found(text, "EB005", EB005={"max_attempts": 2})
    assert "The last 2 attempts" in finding.message


def test_eb005_without_a_named_eb_speaks_of_the_economic_buyer(build, found):
    text = build("discovery", stakeholders=[TB_MET], eb_access={"attempts": CHASED})
    (finding,) = found(text, "EB005")
    assert "to reach the economic buyer" in finding.message


# --- EB006 eb-meeting-stale ---------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "met", "fires"),
    [
        ("proposal", "2026-08-22", False),  # exactly 90 days
        ("proposal", "2026-08-21", True),  # 91 days
        ("negotiation", "2026-08-21", True),
        ("discovery", "2026-01-01", False),  # before proposal it does not apply
    ],
)
def test_eb006_more_than_90_days(build, found, stage, met, fires):
    got = found(build(stage, stakeholders=[dict(EB_MET, met=met), TB_MET]), "EB006")
    assert [f.severity.value for f in got] == (["medium"] if fires else [])


def test_eb006_message_gives_the_date_and_days(build, found):
    got = found(build("proposal", stakeholders=[dict(EB_MET, met="2026-07-15")]), "EB006")
    (finding,) = got
    assert "The last meeting with 张伟 (EB) was on 2026-07-15, 128 days ago (more than 90)" in (
        finding.message
    )
    assert finding.subject == "张伟"
    assert finding.path == "stakeholders[0].met"


def test_eb006_the_latest_meeting_with_any_eb_counts(build, found):
    old = dict(EB_MET, met="2026-03-01")
    recent = {"name": "王总", "roles": ["EB"], "met": "2026-11-01"}
    assert found(build("proposal", stakeholders=[old, recent]), "EB006") == []


def test_eb006_a_future_meeting_does_not_refresh_it(build, found):
    old = dict(EB_MET, met="2026-03-01")
    planned = {"name": "王总", "roles": ["EB"], "met": "2026-12-01"}
    (finding,) = found(build("proposal", stakeholders=[old, planned]), "EB006")
    assert finding.subject == "张伟"


def test_eb006_never_met_is_left_to_eb002(build, found):
    assert found(build("proposal", stakeholders=[EB_NEVER]), "EB006") == []


def test_eb006_max_days_is_an_option(build, found):
    text = build("proposal", stakeholders=[dict(EB_MET, met="2026-09-01")])
    assert found(text, "EB006") == []
    assert len(found(text, "EB006", EB006={"max_days": 60})) == 1


# --- EB007 eb-insights-missing -----------------------------------------------

ALL_KNOWN = {
    "project_confirmed": True,
    "budget_confirmed": True,
    "decision_date": "2026-12-15",
    "competitors": ["用友", "SAP"],
}


@pytest.mark.parametrize(
    ("stage", "insights", "missing"),
    [
        ("discovery", ALL_KNOWN, []),
        ("discovery", dict(ALL_KNOWN, competitors=[]), []),
        ("discovery", None, ["project", "budget", "decision date", "competitors"]),
        ("proposal", dict(ALL_KNOWN, budget_confirmed=False), ["budget"]),
        ("proposal", {k: v for k, v in ALL_KNOWN.items() if k != "competitors"}, ["competitors"]),
        ("proposal", {"competitors": []}, ["project", "budget", "decision date"]),
        ("qualification", None, []),
    ],
    ids=[
        "all-known",
        "no-competitors-is-known",
        "no-insights",
        "budget-false",
        "competitors-unknown",
        "only-competitors",
        "before-discovery",
    ],
)
def test_eb007_lists_what_is_unconfirmed(build, found, stage, insights, missing):
    got = found(build(stage, stakeholders=[EB_MET, TB_MET], insights=insights), "EB007")
    assert len(got) == (1 if missing else 0)
    if missing:
        (finding,) = got
        assert finding.severity.value == "medium"
        assert finding.message.startswith("张伟 (EB) has been met, but still unconfirmed:")
        for item in ("project", "budget", "decision date", "competitors"):
            assert (item in finding.message) == (item in missing), item
        assert finding.path == "insights"


@pytest.mark.parametrize(
    "eb", [EB_NEVER, dict(EB_NEVER, met="2026-11-25")], ids=["never", "only-planned"]
)
def test_eb007_needs_an_eb_actually_met(build, found, eb):
    assert found(build("proposal", stakeholders=[eb, TB_MET], insights=None), "EB007") == []
