"""CT001-CT005: the client team."""

from __future__ import annotations

import pytest

from tests.rules.direct import RULES, check

EB = {"name": "张伟", "roles": ["EB"], "met": "2026-11-10", "authority": "confirmed"}
SPONSOR = {"name": "王芳", "title": "质量总监", "roles": ["coach"], "validated": True}
TEAM = {"sponsor": "王芳", "shared_goals": ["报废率降低15%"], "implementation_owner": "孙丽"}


def team(**changes):
    return {k: v for k, v in {**TEAM, **changes}.items() if v is not None}


@pytest.mark.parametrize(
    ("rule", "stage", "client_team", "fires"),
    [
        ("CT001", "qualification", None, False),
        ("CT001", "discovery", None, True),
        ("CT001", "negotiation", team(sponsor=None), True),
        ("CT001", "negotiation", team(sponsor=""), True),
        ("CT001", "discovery", team(), False),
        ("CT002", "discovery", None, False),
        ("CT002", "proposal", None, True),
        ("CT002", "proposal", team(shared_goals=[]), True),
        ("CT002", "negotiation", team(shared_goals=None), True),
        ("CT002", "proposal", team(), False),
        ("CT003", "proposal", None, False),
        ("CT003", "negotiation", None, True),
        ("CT003", "negotiation", team(implementation_owner=None), True),
        ("CT003", "negotiation", team(), False),
    ],
)
def test_ct001_to_ct003_missing_team_facts_by_stage(build, found, rule, stage, client_team, fires):
    people = [EB, dict(SPONSOR, met="2026-11-15")]
    got = found(build(stage, stakeholders=people, client_team=client_team), rule)
    assert [f.severity.value for f in got] == (["medium"] if fires else [])
    if fires:
        assert "华东精密制造有限公司" in got[0].message
        assert stage in got[0].message


@pytest.mark.parametrize(
    ("rule", "path"),
    [
        ("CT001", "client_team.sponsor"),
        ("CT002", "client_team.shared_goals"),
        ("CT003", "client_team.implementation_owner"),
    ],
)
def test_ct001_to_ct003_point_at_the_missing_field(build, found, rule, path):
    (finding,) = found(build("negotiation", client_team={"sponsor": "", "shared_goals": []}), rule)
    assert finding.path == path
    assert finding.line > 1


# --- CT004 sponsor-not-a-stakeholder ---------------------------------------------


@pytest.mark.parametrize(
    ("sponsor", "fires"),
    [
        ("王芳", False),
        ("刘总", True),
        ("  王芳 ", False),
        (None, False),
    ],
    ids=["listed", "not-listed", "extra-spaces", "no-sponsor"],
)
def test_ct004_sponsor_must_be_a_stakeholder(build, found, sponsor, fires):
    text = build("prospecting", stakeholders=[EB, SPONSOR], client_team=team(sponsor=sponsor))
    got = found(text, "CT004")
    assert [f.severity.value for f in got] == (["low"] if fires else [])
    if fires:
        assert got[0].subject == "刘总"
        assert got[0].message.startswith("The sponsor 刘总 is not among the stakeholders")


@pytest.mark.parametrize(
    ("sponsor", "listed"),
    [
        ("王芳（质量总监）", "王芳"),
        ("王芳 (QA)", "王芳"),
        ("王芳", "王芳（质量总监）"),
        ("王 芳", None),
    ],
    ids=["note-in-sponsor", "ascii-brackets", "note-in-name", "other-name"],
)
def test_ct004_names_rule_ignores_a_bracket_note(build, found, sponsor, listed):
    person = dict(SPONSOR, name=listed or "王芳", last_contact="2026-11-18")
    text = build(stakeholders=[EB, person], client_team=team(sponsor=sponsor))
    assert len(found(text, "CT004")) == (0 if listed else 1)
    assert found(text, "CT005") == []


@pytest.mark.parametrize(
    ("affiliation", "words"),
    [("partner", "a partner"), ("ours", "one of ours"), ("customer", None)],
)
def test_ct004_a_sponsor_outside_the_customer_is_no_sponsor(build, found, affiliation, words):
    person = dict(SPONSOR, affiliation=affiliation, last_contact="2026-11-18")
    text = build(stakeholders=[EB, person], client_team=team())
    got = found(text, "CT004")
    if words is None:
        assert got == []
        return
    (finding,) = got
    assert finding.severity.value == "low"
    assert finding.subject == "王芳"
    assert finding.message.startswith(f"The sponsor 王芳 is recorded as {words}, not as someone")
    assert "华东精密制造有限公司" in finding.message and "华东精密制造有限公司" in finding.fix
    assert finding.path == "stakeholders[1].affiliation"
    # Never met, never contacted: CT005 counts customer-side sponsors only.
    assert (
        found(
            build(stakeholders=[EB, dict(SPONSOR, affiliation=affiliation)], client_team=team()),
            "CT005",
        )
        == []
    )


def test_ct004_a_gone_sponsor_is_still_a_stakeholder(build, found):
    gone = dict(SPONSOR, left="2026-10-01")
    assert found(build(stakeholders=[EB, gone], client_team=team()), "CT004") == []


def test_ct004_names_compare_without_case(build, found):
    people = [EB, {"name": "Wang Fang", "roles": ["coach"], "last_contact": "2026-11-18"}]
    text = build(stakeholders=people, client_team=team(sponsor="wang fang"))
    assert found(text, "CT004") == []
    assert found(text, "CT005") == []


# --- CT005 sponsor-neglected ------------------------------------------------------


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        ({"met": "2026-10-21"}, None),  # exactly 30 days
        ({"met": "2026-10-20"}, "2026-10-20, 31 days ago (more than 30)"),
        ({"met": "2026-08-01", "last_contact": "2026-11-01"}, None),
        ({"met": "2026-10-01", "last_contact": "2026-09-01"}, "2026-10-01, 50 days ago"),
        ({}, "has no recorded meeting or contact"),
        # A future contact is a plan: the last real touch is what counts.
        ({"met": "2026-09-01", "last_contact": "2026-11-25"}, "2026-09-01, 80 days ago"),
        ({"last_contact": "2026-11-25"}, "has no recorded meeting or contact"),
    ],
    ids=[
        "30-days",
        "31-days",
        "recent-contact",
        "met-is-latest",
        "never",
        "future-contact",
        "only-future",
    ],
)
def test_ct005_sponsor_touched_within_30_days(build, found, dates, expected):
    text = build("prospecting", stakeholders=[EB, dict(SPONSOR, **dates)], client_team=team())
    got = found(text, "CT005")
    if expected is None:
        assert got == []
    else:
        (finding,) = got
        assert finding.severity.value == "medium"
        assert finding.subject == "王芳"
        assert finding.message.startswith("The sponsor 王芳 ")
        assert expected in finding.message


def test_ct005_points_at_the_latest_touch(build, found):
    dates = {"met": "2026-08-01", "last_contact": "2026-09-01"}
    text = build(stakeholders=[EB, dict(SPONSOR, **dates)], client_team=team())
    (finding,) = found(text, "CT005")
    assert finding.path == "stakeholders[1].last_contact"


def test_ct005_leaves_an_unknown_sponsor_to_ct004(build, found):
    text = build(stakeholders=[EB], client_team=team())
    assert found(text, "CT005") == []
    assert len(found(text, "CT004")) == 1


def test_ct005_max_days_is_an_option(build, found):
    text = build(stakeholders=[EB, dict(SPONSOR, met="2026-10-01")], client_team=team())
    assert len(found(text, "CT005")) == 1
    assert found(text, "CT005", CT005={"max_days": 60}) == []


# --- catalog 2: a gone sponsor, small deals ---------------------------------------------


@pytest.mark.parametrize(
    ("left", "days"),
    [
        ("2026-08-22", None),  # 90 days: BI009 reports it
        ("2026-08-21", 91),
        ("2026-01-31", 293),
        ("2026-11-20", None),  # left today: BI009's to report
        ("2026-12-31", None),  # leaves later: still the sponsor
    ],
    ids=["90-days", "91-days", "long-ago", "today", "future"],
)
def test_ct001_a_sponsor_gone_more_than_90_days_is_no_sponsor(build, found, left, days):
    gone = dict(SPONSOR, left=left, last_contact="2026-11-18")
    got = found(build("discovery", stakeholders=[EB, gone], client_team=team()), "CT001")
    if days is None:
        assert got == []
        return
    (finding,) = got
    assert finding.severity.value == "medium"
    assert finding.subject == "王芳"
    assert finding.message == (
        f"The sponsor 王芳 left on {left}, {days} days ago: nobody senior at "
        "华东精密制造有限公司 backs the project now. The deal is at discovery."
    )
    assert finding.fix.startswith("Find who took over from 王芳")
    assert finding.path == "stakeholders[1].left"


def test_ct001_gone_sponsor_only_from_discovery(build, found):
    gone = dict(SPONSOR, left="2026-01-01")
    assert found(build("qualification", stakeholders=[EB, gone], client_team=team()), "CT001") == []


def test_ct005_is_silent_on_a_gone_sponsor(build, found):
    gone = dict(SPONSOR, left="2026-11-01", met="2026-06-01")
    assert found(build(stakeholders=[EB, gone], client_team=team()), "CT005") == []


@pytest.mark.parametrize(
    ("rule_id", "stage", "client_team", "severity"),
    [
        ("CT001", "discovery", None, "medium"),
        ("CT002", "proposal", None, "medium"),
        ("CT003", "negotiation", None, "medium"),
    ],
)
def test_ct001_to_ct003_are_capped_on_a_small_deal(build, rule_id, stage, client_team, severity):
    assert RULES[rule_id].small_cap
    text = build(stage, client_team=client_team)
    assert [f.severity.value for f in check(rule_id, text)] == [severity]
    assert [f.severity.value for f in check(rule_id, text, small=True)] == ["info"]


@pytest.mark.parametrize("rule_id", ["CT004", "CT005"])
def test_ct004_ct005_are_not_capped(rule_id):
    assert not RULES[rule_id].small_cap


@pytest.mark.parametrize(
    ("bi009", "left", "fires"),
    [
        ({"max_days": 30}, "2026-10-11", True),  # 40 days ago: past BI009's 30
        ({"max_days": 30}, "2026-10-21", False),  # 30 days ago: still BI009's to report
        ({"max_days": 100}, "2026-08-17", False),  # 95 days: within BI009's 100
        ({"max_days": 100, "off": True}, "2026-08-11", True),  # 101 days, BI009 off
    ],
)
def test_ct001_follows_bi009s_configured_max_days(bi009, left, fires):
    from ebcheck.audit.engine import audit_text
    from ebcheck.audit.settings import RuleSetting, Settings
    from tests.rules.conftest import READY, deal_text

    people = [dict(p) for p in READY["stakeholders"]]
    people[0] = {**people[0], "left": left}
    people.append({"name": "新总", "roles": ["EB"], "authority": "confirmed", "met": "2026-11-10"})
    options = {k: v for k, v in bi009.items() if k != "off"}
    setting = RuleSetting(off=bool(bi009.get("off")), options=options)
    report = audit_text(deal_text(stakeholders=people), Settings(rules={"BI009": setting}))
    assert any(f.rule == "CT001" for f in report.findings) is fires


def test_ct003_fix_names_the_sponsor(build, found):
    text = build("negotiation", client_team=team(implementation_owner=None))
    (finding,) = found(text, "CT003")
    assert finding.fix.startswith("Agree with 王芳, the sponsor, who will own the implementation")
    text = build("negotiation", client_team=team(implementation_owner=None, sponsor=None))
    (finding,) = found(text, "CT003")
    assert finding.fix.startswith("Agree with the sponsor who will own")
