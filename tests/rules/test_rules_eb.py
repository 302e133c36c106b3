"""EB001-EB011: the economic buyer."""

from __future__ import annotations

import pytest

from ebcheck.audit.engine import audit_text
from ebcheck.audit.settings import Settings

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
        ("prospecting", "low"),
        ("qualification", "high"),
        ("discovery", "critical"),
        ("proposal", "critical"),
        ("negotiation", "critical"),
    ],
)
def test_eb001_fires_without_an_eb_low_high_then_critical_from_discovery(
    build, found, stage, expected
):
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


@pytest.mark.parametrize(
    ("status", "said"),
    [
        ("agreed", "agreed"),
        ("introduced", "done: you have been introduced"),
        ("asked", "asked for"),
    ],
)
def test_eb005_names_the_referral_the_file_records(build, found, status, said):
    access = {
        "attempts": CHASED,
        "referral": dict(REFERRAL, status=status),
        "next_step": {"action": "约刘总吃饭", "due": "2026-11-25"},
    }
    text = build("discovery", stakeholders=[EB_NEVER, TB_MET], eb_access=access)
    (finding,) = found(text, "EB005")
    assert finding.fix.startswith(f"Stop calling 张伟. The referral through 刘总 is {said}: use")
    assert "(next step due 2026-11-25: 约刘总吃饭)" in finding.fix
    assert "Ask someone who knows them" not in finding.fix


def test_eb005_a_referral_without_via_keeps_the_general_fix(build, found):
    access = {"attempts": CHASED, "referral": {"relation": "老同学", "status": "agreed"}}
    text = build("discovery", stakeholders=[EB_NEVER, TB_MET], eb_access=access)
    (finding,) = found(text, "EB005")
    assert "Ask someone who knows them to introduce you" in finding.fix


def test_eb005_in_a_tender_the_referral_is_no_way_in(build, found):
    access = {"attempts": CHASED, "referral": dict(REFERRAL, status="agreed")}
    text = build("discovery", stakeholders=[EB_NEVER], eb_access=access, procurement=TENDER)
    (finding,) = found(text, "EB005")
    assert "刘总" not in finding.fix
    assert "official channel" in finding.fix


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
    "eb", [EB_MET, EB_NEVER, dict(EB_NEVER, met="2026-11-25")], ids=["met", "never", "planned"]
)
def test_eb007_fires_whether_or_not_an_eb_was_met(build, found, eb):
    (finding,) = found(build("proposal", stakeholders=[eb, TB_MET], insights=None), "EB007")
    met = eb is EB_MET
    assert finding.message.startswith(
        "张伟 (EB) has been met, but still unconfirmed:" if met else "Still unconfirmed:"
    )
    assert "张伟" in finding.fix


def test_eb007_without_an_eb_asks_the_economic_buyer(build, found):
    (finding,) = found(build("proposal", stakeholders=[TB_MET], insights=None), "EB007")
    assert "from the economic buyer" in finding.fix


@pytest.mark.parametrize(
    ("stage", "insights", "expected"),
    [
        ("proposal", dict(ALL_KNOWN, budget_confirmed=False), "medium"),
        ("negotiation", dict(ALL_KNOWN, budget_confirmed=False), "high"),
        ("negotiation", dict(ALL_KNOWN, project_confirmed=None), "high"),
        ("negotiation", dict(ALL_KNOWN, decision_date=None), "medium"),
        ("negotiation", {k: v for k, v in ALL_KNOWN.items() if k != "competitors"}, "medium"),
    ],
    ids=["budget-proposal", "budget-negotiation", "project-negotiation", "date", "competitors"],
)
def test_eb007_high_at_negotiation_when_project_or_budget_unconfirmed(
    build, found, stage, insights, expected
):
    got = found(build(stage, stakeholders=[EB_MET, TB_MET], insights=insights), "EB007")
    assert severities(got) == [expected]


def test_eb007_a_gone_eb_is_not_a_met_eb(build, found):
    gone = dict(EB_MET, left="2026-11-15")
    (finding,) = found(build("proposal", stakeholders=[gone, TB_MET], insights=None), "EB007")
    assert finding.message.startswith("Still unconfirmed:")


# --- catalog 2: gone and partner-side people --------------------------------------

GONE_EB = dict(EB_MET, left="2026-11-15")
PARTNER = {"name": "周总", "affiliation": "partner", "roles": ["coach"], "met": "2026-11-12"}


def test_eb001_a_gone_eb_holds_no_role_and_is_named(build, found):
    (finding,) = found(build("discovery", stakeholders=[GONE_EB, TB_MET]), "EB001")
    assert finding.severity.value == "critical"
    assert "it was held by 张伟 (left 2026-11-15)" in finding.message
    assert finding.path == "stakeholders[0].left"
    assert "meet them" in finding.fix


def test_eb001_leaving_after_the_audit_date_still_holds_the_role(build, found):
    later = dict(EB_MET, left="2026-11-21")
    assert found(build("discovery", stakeholders=[later, TB_MET]), "EB001") == []


def test_eb001_left_on_the_audit_date_is_gone(build, found):
    today = dict(EB_MET, left="2026-11-20")
    assert len(found(build("discovery", stakeholders=[today, TB_MET]), "EB001")) == 1


def test_eb001_a_partner_coach_is_no_eb(build, found):
    got = found(build("qualification", stakeholders=[PARTNER]), "EB001")
    assert severities(got) == ["high"]


def test_eb002_a_gone_met_eb_does_not_count_for_the_new_one(build, found):
    new = {"name": "孙国平", "roles": ["EB"]}
    (finding,) = found(build("proposal", stakeholders=[GONE_EB, new, TB_MET]), "EB002")
    assert finding.subject == "孙国平"
    assert finding.message.startswith("孙国平 (EB) has never been met")


def test_eb002_only_a_gone_eb_is_eb001s_finding(build, found):
    assert found(build("proposal", stakeholders=[dict(EB_NEVER, left="2026-11-01")]), "EB002") == []


def test_eb003_ignores_a_gone_eb(build, found):
    gone = dict(EB_MET, authority="claimed", left="2026-11-01")
    assert found(build("proposal", stakeholders=[gone, TB_MET]), "EB003") == []


def test_eb004_and_eb005_a_gone_eb_met_is_no_access(build, found):
    new = {"name": "孙国平", "roles": ["EB"]}
    text = build("proposal", stakeholders=[GONE_EB, new], eb_access={"attempts": CHASED})
    assert len(found(text, "EB004")) == 1
    (chasing,) = found(text, "EB005")
    assert "to reach 孙国平" in chasing.message


def test_eb006_a_gone_eb_meeting_does_not_count(build, found):
    recent_gone = dict(EB_MET, met="2026-11-10", left="2026-11-15")
    old = {"name": "孙国平", "roles": ["EB"], "met": "2026-05-01"}
    (finding,) = found(build("proposal", stakeholders=[recent_gone, old]), "EB006")
    assert finding.subject == "孙国平"


# --- EB002: referral and tender ----------------------------------------------------

TENDER = {"method": "public_tender", "announced": "2026-11-05"}
DUE_STEP = {"action": "请刘总安排饭局", "due": "2026-11-26"}


@pytest.mark.parametrize(
    ("status", "next_step", "words"),
    [
        ("agreed", None, "刘总 has agreed to introduce you to 张伟: fix the date"),
        ("agreed", DUE_STEP, "the next step is due on 2026-11-26 (请刘总安排饭局)"),
        ("introduced", None, "刘总 has introduced you to 张伟: follow up now"),
        ("introduced", DUE_STEP, "刘总 has introduced you to 张伟, and the next step is due on"),
    ],
)
def test_eb002_fix_names_an_agreed_referral_and_the_due_date(
    build, found, status, next_step, words
):
    access = {"referral": dict(REFERRAL, status=status)}
    if next_step:
        access["next_step"] = next_step
    (finding,) = found(build("proposal", stakeholders=[EB_NEVER], eb_access=access), "EB002")
    assert words in finding.fix
    assert "more likely lost than won" in finding.message


def test_eb002_a_referral_asked_for_is_named_in_the_fix(build, found):
    text = build("proposal", stakeholders=[EB_NEVER], eb_access={"referral": REFERRAL})
    (finding,) = found(text, "EB002")
    assert finding.fix.startswith(f"You have asked {REFERRAL['via']} to introduce you")


@pytest.mark.parametrize(
    "referral",
    [dict(REFERRAL, status="planned"), {"via": "刘总", "relation": "老同学"}],
    ids=["planned", "no-status"],
)
def test_eb002_a_referral_not_yet_asked_for_says_to_ask(build, found, referral):
    text = build("proposal", stakeholders=[EB_NEVER], eb_access={"referral": referral})
    (finding,) = found(text, "EB002")
    assert finding.fix.startswith("Ask 刘总 to introduce you to ")
    assert "You have asked" not in finding.fix


def test_eb002_a_referral_without_via_keeps_the_general_fix(build, found):
    referral = {"relation": "老同学", "status": "agreed"}
    text = build("proposal", stakeholders=[EB_NEVER], eb_access={"referral": referral})
    (finding,) = found(text, "EB002")
    assert finding.fix.startswith("Get the first EB meeting through preparation")


@pytest.mark.parametrize(
    ("procurement", "tender"),
    [
        (TENDER, True),
        (dict(TENDER, method="invited_tender"), True),
        (dict(TENDER, announced="2026-11-20"), True),
        (dict(TENDER, announced="2026-11-21"), False),
        ({"method": "public_tender"}, False),
        (dict(TENDER, method="competitive_negotiation"), False),
    ],
    ids=["public", "invited", "announced-today", "announced-later", "no-date", "not-a-tender"],
)
def test_eb002_in_an_announced_tender(build, found, procurement, tender):
    access = {"referral": dict(REFERRAL, status="agreed")}
    text = build("proposal", stakeholders=[EB_NEVER], eb_access=access, procurement=procurement)
    (finding,) = found(text, "EB002")
    assert finding.severity.value == "critical"
    if tender:
        assert "the tender was announced on" in finding.message
        assert "had to be done before the announcement" in finding.message
        assert "evaluation committee must not be contacted privately" in finding.message
        assert "more likely lost than won" in finding.message
        for words in ("compliance", "clarification requests through the official channel"):
            assert words in finding.fix
        assert "刘总" not in finding.fix  # the tender text replaces the referral's
        assert finding.fix.startswith("Do not try to meet 张伟 or anyone on the evaluation")
    else:
        assert "tender" not in finding.message
        assert "刘总 has agreed" in finding.fix


def test_eb004_never_in_an_announced_tender(build, found):
    text = build("qualification", stakeholders=[EB_NEVER], procurement=TENDER)
    assert found(text, "EB004") == []
    later = build(
        "qualification", stakeholders=[EB_NEVER], procurement=dict(TENDER, announced="2026-12-01")
    )
    assert len(found(later, "EB004")) == 1


def test_no_eb_fix_in_a_tender_advises_contacting_anyone_privately(build, found):
    stale = dict(EB_MET, met="2026-05-01")
    signer = {"name": "孙国平", "roles": ["EB"], "authority": "confirmed"}
    tender = build(
        "proposal",
        stakeholders=[stale, signer],
        eb_access={"attempts": CHASED},
        procurement=TENDER,
    )
    never = build(
        "proposal", stakeholders=[EB_NEVER], eb_access={"attempts": CHASED}, procurement=TENDER
    )
    got = [*found(tender, "EB006"), *found(tender, "EB008"), *found(never, "EB005")]
    assert sorted(f.rule for f in got) == ["EB005", "EB006", "EB008"]
    for finding in got:
        assert "tender was announced on 2026-11-05" in finding.fix, finding.rule
        assert "official channel" in finding.fix
        for advice in ("Book a meeting", "Ask 张伟 to take you", "introduce you"):
            assert advice not in finding.fix


# --- EB006: twice max_days ------------------------------------------------------------


@pytest.mark.parametrize(
    ("met", "expected"),
    [
        ("2026-05-24", "medium"),  # 180 days: exactly twice
        ("2026-05-23", "high"),  # 181 days
    ],
)
def test_eb006_high_beyond_twice_max_days(build, found, met, expected):
    got = found(build("proposal", stakeholders=[dict(EB_MET, met=met)]), "EB006")
    assert severities(got) == [expected]


def test_eb006_twice_follows_the_option(build, found):
    text = build("proposal", stakeholders=[dict(EB_MET, met="2026-09-01")])  # 80 days
    assert severities(found(text, "EB006", EB006={"max_days": 39})) == ["high"]
    assert severities(found(text, "EB006", EB006={"max_days": 40})) == ["medium"]


# --- EB008 signer-not-met -----------------------------------------------------------

SIGNER = {"name": "孙国平", "title": "董事长", "roles": ["EB"], "authority": "confirmed"}


@pytest.mark.parametrize(
    ("stage", "expected"),
    [
        ("qualification", []),
        ("discovery", ["medium"]),
        ("proposal", ["critical"]),
        ("negotiation", ["critical"]),
    ],
)
def test_eb008_ladder(build, found, stage, expected):
    text = build(stage, stakeholders=[EB_MET, SIGNER, TB_MET])
    assert severities(found(text, "EB008")) == expected


def test_eb008_confirmed_eb_not_met_is_named(build, found):
    (finding,) = found(build("proposal", stakeholders=[EB_MET, SIGNER, TB_MET]), "EB008")
    assert finding.subject == "孙国平"
    assert finding.message.startswith(
        "孙国平 (an EB whose authority is confirmed) signs and has never been met"
    )
    assert "we have met only 张伟" in finding.message
    assert finding.fix.startswith("Ask 张伟 to take you to 孙国平")
    assert finding.path == "stakeholders[1].met"


@pytest.mark.parametrize(
    ("people", "signer", "expected"),
    [
        ([EB_MET, dict(SIGNER, met="2026-11-12")], None, []),
        ([EB_MET, dict(SIGNER, authority="claimed")], None, []),
        ([dict(EB_MET, authority="confirmed"), TB_MET], None, []),
        ([EB_NEVER, SIGNER], None, []),  # no EB met: EB002's finding
        ([EB_MET, SIGNER], "孙国平", ["孙国平"]),
        ([EB_MET, dict(SIGNER, authority="claimed")], "孙国平 (董事长)", ["孙国平"]),
        ([EB_MET, SIGNER], "张伟", []),  # the named signer wins over confirmed EBs
        ([EB_MET, dict(TB_MET, met=None)], "李工", ["李工"]),  # any stakeholder can sign
        ([EB_MET, TB_MET, dict(PARTNER, met=None)], "周总", ["周总"]),
        ([EB_MET, TB_MET, PARTNER], "周总", []),  # a partner's own met counts
        ([EB_MET, dict(SIGNER, met="2026-11-30")], None, ["孙国平"]),  # planned
        (
            [EB_MET, SIGNER, {"name": "王总", "roles": ["EB"], "authority": "confirmed"}],
            None,
            ["孙国平", "王总"],
        ),
    ],
    ids=[
        "signer-met",
        "not-confirmed",
        "the-met-eb-signs",
        "no-eb-met",
        "named-signer",
        "named-with-note",
        "named-signer-met",
        "tb-signs",
        "partner-signs-never-met",
        "partner-signs-met",
        "meeting-planned",
        "one-per-signer",
    ],
)
def test_eb008_who_signs(build, found, people, signer, expected):
    sections = {"decision_process": {"signer": signer}} if signer else {}
    got = found(build("proposal", stakeholders=people, **sections), "EB008")
    assert [f.subject for f in got] == expected


def test_eb008_a_gone_signer_counts_as_not_met(build, found):
    gone = dict(SIGNER, met="2026-11-01", left="2026-11-10")
    text = build("proposal", stakeholders=[EB_MET, gone], decision_process={"signer": "孙国平"})
    (finding,) = found(text, "EB008")
    assert "孙国平, who signs (`decision_process.signer`), left on 2026-11-10" in finding.message
    assert "ask 张伟" in finding.fix and "`decision_process.signer`" in finding.fix
    assert finding.path == "decision_process.signer"


# --- EB009 competitor-preferred ---------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "preference", "expected"),
    [
        ("qualification", "competitor", []),
        ("discovery", "competitor", ["medium"]),
        ("proposal", "competitor", ["high"]),
        ("negotiation", "competitor", ["high"]),
        ("negotiation", "undecided", []),
        ("negotiation", "unknown", []),
        ("negotiation", None, []),
    ],
)
def test_eb009_competitor_preferred(build, found, stage, preference, expected):
    insights = dict(ALL_KNOWN, preference=preference) if preference else ALL_KNOWN
    got = found(build(stage, insights=insights), "EB009")
    assert severities(got) == expected
    if got:
        assert "competitors: 用友 and SAP" in got[0].message
        assert got[0].fix.startswith("Find out from 张伟 why")
        assert got[0].path == "insights.preference"


def test_eb009_without_competitors_listed(build, found):
    insights = {"preference": "competitor"}
    (finding,) = found(build("proposal", insights=insights), "EB009")
    assert "competitors:" not in finding.message


# --- EB010 eb-no-reason-to-change ----------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "mode", "expected"),
    [
        ("qualification", "even_keel", []),
        ("discovery", "even_keel", ["high"]),
        ("negotiation", "overconfident", ["high"]),
        ("negotiation", "growth", []),
        ("negotiation", "trouble", []),
        ("negotiation", None, []),
    ],
)
def test_eb010_no_reason_to_change(build, found, stage, mode, expected):
    eb = dict(EB_MET, mode=mode) if mode else EB_MET
    got = found(build(stage, stakeholders=[eb, TB_MET]), "EB010")
    assert severities(got) == expected
    if got:
        assert got[0].subject == "张伟"
        assert f"(mode: {mode})" in got[0].message
        assert got[0].path == "stakeholders[0].mode"


def test_eb010_one_per_eb_and_not_for_gone_ones_or_other_roles(build, found):
    people = [
        dict(EB_MET, mode="even_keel"),
        {"name": "王总", "roles": ["EB"], "mode": "overconfident", "left": "2026-11-01"},
        {"name": "孙国平", "roles": ["EB"], "mode": "overconfident"},
        dict(TB_MET, mode="even_keel"),
    ]
    got = found(build("proposal", stakeholders=people), "EB010")
    assert [f.subject for f in got] == ["张伟", "孙国平"]


# --- EB011 insights-second-hand --------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "people", "source", "expected"),
    [
        ("discovery", [EB_MET, TB_MET], "李工", []),
        ("proposal", [EB_MET, TB_MET], "李工", [("李工", "low")]),
        ("negotiation", [EB_MET, TB_MET], "李工（IT 经理）", [("李工", "low")]),
        ("proposal", [EB_MET, TB_MET], "张伟", []),
        ("proposal", [EB_MET, TB_MET], "招标文件", []),
        ("proposal", [EB_MET, TB_MET, PARTNER], "周总", [("周总", "low")]),
        ("proposal", [EB_MET, dict(TB_MET, left="2026-11-01")], "李工", [("李工", "medium")]),
        ("proposal", [GONE_EB, TB_MET], "张伟", [("张伟", "medium")]),
        ("proposal", [EB_MET, dict(TB_MET, left="2026-12-01")], "李工", [("李工", "low")]),
    ],
    ids=[
        "before-proposal",
        "a-tb",
        "name-with-note",
        "the-eb",
        "a-document",
        "a-partner",
        "gone-tb",
        "gone-eb",
        "leaving-later",
    ],
)
def test_eb011_second_hand_insights(build, found, stage, people, source, expected):
    insights = dict(ALL_KNOWN, source=source)
    got = found(build(stage, stakeholders=people, insights=insights), "EB011")
    assert [(f.subject, f.severity.value) for f in got] == expected
    for finding in got:
        assert finding.path == "insights.source"


def test_eb011_messages_name_the_source_and_who_to_confirm_with(build, found):
    insights = dict(ALL_KNOWN, source="李工")
    (low,) = found(build("proposal", stakeholders=[EB_MET, TB_MET], insights=insights), "EB011")
    assert "comes from 李工, who is not an economic buyer" in low.message
    assert low.fix.startswith("Confirm the insights with 张伟 directly")
    successor = {"name": "钱军", "roles": ["TB"]}
    people = [EB_MET, dict(TB_MET, left="2026-11-01"), successor]
    (gone,) = found(build("proposal", stakeholders=people, insights=insights), "EB011")
    assert "comes from 李工, who left on 2026-11-01" in gone.message
    assert gone.fix.startswith("Confirm everything 李工 told us again with 钱军")


def test_eb011_a_gone_source_with_nobody_in_the_role_asks_who_holds_it_now(build, found):
    gone_eb = dict(EB_MET, left="2026-11-01")
    text = build("proposal", stakeholders=[gone_eb], insights={"source": gone_eb["name"]})
    (finding,) = found(text, "EB011")
    assert finding.severity.value == "medium"
    assert finding.fix.startswith(f"Find out who holds {gone_eb['name']}'s role now")


def test_eb008_uses_the_referral_the_file_records(build, found):
    chairman = {"name": "孙国平", "title": "董事长", "roles": ["EB"], "authority": "confirmed"}
    people = [dict(EB_MET, authority="claimed"), chairman]
    process = {"signer": "孙国平"}
    access = {
        "referral": {"via": "刘洋", "status": "agreed"},
        "next_step": {"action": "刘洋安排汇报", "due": "2026-12-05"},
    }
    text = build("proposal", stakeholders=people, decision_process=process, eb_access=access)
    (finding,) = found(text, "EB008")
    assert finding.fix.startswith("The referral through 刘洋 to 孙国平 is agreed: use that way in")
    assert "2026-12-05" in finding.fix
    (plain,) = found(build("proposal", stakeholders=people, decision_process=process), "EB008")
    assert plain.fix.startswith("Ask 张伟 to take you to 孙国平")


def test_eb003_fix_names_the_signer_the_file_records(build, found):
    claimed = {"name": "王总", "roles": ["EB"], "authority": "claimed", "met": "2026-11-01"}
    signer = {"name": "陈董", "title": "董事长"}
    text = build("proposal", stakeholders=[claimed, signer], decision_process={"signer": "陈董"})
    (finding,) = found(text, "EB003")
    assert finding.fix.endswith(
        "Then set `authority: confirmed`, or if 陈董, who signs, is the one who decides, "
        "give 陈董 `roles: [EB]`."
    )
    text = build("proposal", stakeholders=[claimed], decision_process={"signer": "王总"})
    (finding,) = found(text, "EB003")
    assert finding.fix.endswith("or add the real decider with `roles: [EB]`.")


def test_eb003_a_signer_who_is_an_eb_already_is_not_told_to_become_one(build, found):
    claimed = {"name": "王总", "roles": ["EB"], "authority": "claimed", "met": "2026-11-01"}
    chairman = {"name": "陈董", "title": "董事长", "roles": ["EB"], "authority": "confirmed"}
    process = {"signer": "陈董（董事长）"}
    text = build("proposal", stakeholders=[claimed, chairman], decision_process=process)
    (finding,) = found(text, "EB003")
    assert finding.fix.endswith(
        "Then set `authority: confirmed`, or if 陈董（董事长）, who signs and holds the EB role "
        "too, decides alone, take `EB` off 王总's `roles`."
    )
    # A signer who has left decides nothing now (EB008 says so): not the candidate.
    gone = dict(chairman, left="2026-11-01")
    text = build("proposal", stakeholders=[claimed, gone], decision_process=process)
    (finding,) = found(text, "EB003")
    assert finding.fix.endswith("or add the real decider with `roles: [EB]`.")


@pytest.mark.parametrize(
    ("coaches", "asked"),
    [
        ([], "ask someone at 华东精密制造有限公司 you trust who signed off"),
        (["李工"], "ask your coach 李工 who signed off"),
        (["李工", "王芳"], "ask your coach 李工 or 王芳 who signed off"),
    ],
)
def test_a_fix_names_the_coaches_the_file_records(build, found, coaches, asked):
    claimed = {"name": "王总", "roles": ["EB"], "authority": "claimed", "met": "2026-11-01"}
    people = [claimed, *({"name": name, "roles": ["coach"]} for name in coaches)]
    # A coach who has left, or a partner's, guides nobody at the customer now.
    people += [
        {"name": "钱军", "roles": ["coach"], "left": "2026-10-01"},
        {"name": "赵总", "roles": ["coach"], "affiliation": "partner"},
    ]
    (finding,) = found(build("proposal", stakeholders=people), "EB003")
    assert asked in finding.fix


def test_a_chinese_fix_names_the_coach_too(build, found):
    claimed = {"name": "王总", "roles": ["EB"], "authority": "claimed", "met": "2026-11-01"}
    text = build("proposal", stakeholders=[claimed, {"name": "李工", "roles": ["coach"]}])
    report = audit_text(text, Settings(lang="zh"))
    (finding,) = [f for f in report.findings if f.rule == "EB003"]
    assert "问你的教练李工，上一次同等规模的采购是谁签的字" in finding.fix
