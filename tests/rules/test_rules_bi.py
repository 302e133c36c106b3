"""BI001-BI007: the buying influences."""

from __future__ import annotations

import pytest

EB = {"name": "张伟", "roles": ["EB"], "met": "2026-11-10", "authority": "confirmed"}
TB = {"name": "钱军", "title": "IT 总监", "roles": ["TB"], "met": "2026-11-02"}
UB = {"name": "赵敏", "title": "仓储主管", "roles": ["UB"], "met": "2026-10-30"}
COACH = {"name": "李工", "roles": ["coach"], "met": "2026-11-05", "validated": True}


def severities(found_findings):
    return [f.severity.value for f in found_findings]


# --- BI001 coach-missing ------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "people", "expected"),
    [
        ("prospecting", [EB, TB, UB], ["medium"]),
        ("qualification", [EB, TB, UB], ["high"]),
        ("negotiation", [EB, TB, UB], ["high"]),
        ("prospecting", [EB, TB, UB, COACH], []),
        ("negotiation", [EB, dict(TB, roles=["TB", "coach"]), UB], []),
        ("qualification", [], ["high"]),
    ],
    ids=["prospecting", "qualification", "negotiation", "coach", "tb-is-also-coach", "nobody"],
)
def test_bi001_coach_missing(build, found, stage, people, expected):
    got = found(build(stage, stakeholders=people), "BI001")
    assert severities(got) == expected
    if got:
        noun = "stakeholder" if len(people) == 1 else "stakeholders"
        assert f"among the {len(people)} {noun}:" in got[0].message
        assert "华东精密制造有限公司" in got[0].message


# --- BI002 coach-unvalidated -------------------------------------------------

UNVALIDATED = dict(COACH, validated=False)


@pytest.mark.parametrize(
    ("stage", "people", "expected"),
    [
        ("qualification", [EB, TB, UNVALIDATED], []),
        ("discovery", [EB, TB, UNVALIDATED], ["medium"]),
        ("negotiation", [EB, TB, UNVALIDATED], ["medium"]),
        ("discovery", [EB, TB, COACH], []),
        (
            "discovery",
            [EB, TB, UNVALIDATED, {"name": "孙丽", "roles": ["coach"], "validated": True}],
            [],
        ),
        ("discovery", [EB, TB], []),
        # `validated` counts only for a coach.
        ("discovery", [EB, dict(TB, validated=True), UNVALIDATED], ["medium"]),
    ],
    ids=[
        "before-discovery",
        "discovery",
        "negotiation",
        "validated",
        "one-of-two-validated",
        "no-coach",
        "validated-tb-is-no-coach",
    ],
)
def test_bi002_coach_unvalidated(build, found, stage, people, expected):
    assert severities(found(build(stage, stakeholders=people), "BI002")) == expected


def test_bi002_names_the_coach_or_coaches(build, found):
    (one,) = found(build("discovery", stakeholders=[EB, UNVALIDATED]), "BI002")
    assert one.message.startswith("李工 (coach) has not been validated")
    assert one.subject == "李工"
    assert one.path == "stakeholders[1].validated"
    second = {"name": "孙丽", "roles": ["coach"]}
    (several,) = found(build("discovery", stakeholders=[EB, UNVALIDATED, second]), "BI002")
    assert "None of the coaches (李工 and 孙丽)" in several.message
    assert several.subject is None


# --- BI003 tb-missing / BI004 ub-missing -----------------------------------------


@pytest.mark.parametrize(
    ("stage", "people", "expected"),
    [
        ("prospecting", [EB, UB, COACH], []),
        ("qualification", [EB, UB, COACH], ["medium"]),
        ("discovery", [EB, UB, COACH], ["medium"]),
        ("proposal", [EB, UB, COACH], ["high"]),
        ("negotiation", [EB, UB, COACH], ["high"]),
        ("negotiation", [dict(EB, roles=["EB", "TB"]), UB, COACH], []),
    ],
)
def test_bi003_tb_missing_medium_then_high_from_proposal(build, found, stage, people, expected):
    got = found(build(stage, stakeholders=people), "BI003")
    assert severities(got) == expected
    if got:
        assert "No technical buyer (TB) is named" in got[0].message
        assert stage in got[0].message


@pytest.mark.parametrize(
    ("stage", "people", "expected"),
    [
        ("prospecting", [EB, TB, COACH], []),
        ("qualification", [EB, TB, COACH], ["medium"]),
        ("negotiation", [EB, TB, COACH], ["medium"]),
        ("negotiation", [EB, TB, dict(COACH, roles=["coach", "UB"])], []),
    ],
)
def test_bi004_ub_missing_from_qualification(build, found, stage, people, expected):
    got = found(build(stage, stakeholders=people), "BI004")
    assert severities(got) == expected
    if got:
        assert "No user buyer (UB) is named" in got[0].message


# --- BI005 single-threaded ----------------------------------------------------

NEVER = {"name": "王总", "roles": ["UB"]}


@pytest.mark.parametrize(
    ("stage", "people", "fires"),
    [
        ("qualification", [EB, NEVER], False),
        ("discovery", [EB, NEVER], True),
        ("negotiation", [EB, NEVER], True),
        ("discovery", [EB, TB], False),
        # One person with every role is still one person.
        ("discovery", [dict(EB, roles=["EB", "TB", "UB", "coach"]), NEVER], True),
        # A planned meeting does not count.
        ("discovery", [EB, dict(NEVER, met="2026-11-30")], True),
        ("discovery", [], True),
    ],
    ids=[
        "before-discovery",
        "one-met",
        "one-met-late",
        "two-met",
        "one-person-all-roles",
        "planned-meeting",
        "no-stakeholders",
    ],
)
def test_bi005_fewer_than_two_met(build, found, stage, people, fires):
    got = found(build(stage, stakeholders=people), "BI005")
    assert severities(got) == (["high"] if fires else [])


@pytest.mark.parametrize(
    ("people", "text"),
    [
        ([EB, NEVER], "Stakeholders met so far: 1 of 2 (张伟)"),
        ([dict(EB, met=None), NEVER], "None of the 2 stakeholders has been met"),
        ([], "No stakeholders are recorded"),
    ],
)
def test_bi005_message_counts_and_names(build, found, people, text):
    (finding,) = found(build("discovery", stakeholders=people), "BI005")
    assert text in finding.message
    assert "at least 2" in finding.message


def test_bi005_min_met_is_an_option(build, found):
    text = build("discovery", stakeholders=[EB, TB, NEVER])
    assert found(text, "BI005") == []
    (finding,) = found(text, "BI005", BI005={"min_met": 3})
    assert "Stakeholders met so far: 2 of 3 (张伟 and 钱军)" in finding.message


# --- BI006 opponent-without-plan ----------------------------------------------


@pytest.mark.parametrize(
    ("stage", "extra", "fires"),
    [
        ("prospecting", {"stance": "opponent"}, True),
        ("negotiation", {"stance": "opponent", "influence": "low"}, True),
        ("negotiation", {"stance": "opponent", "plan": "请李工引荐，先解决其数据迁移顾虑"}, False),
        ("negotiation", {"stance": "opponent", "plan": ""}, True),
        ("discovery", {"stance": "skeptic", "influence": "high"}, True),
        ("discovery", {"stance": "skeptic", "influence": "medium"}, False),
        ("discovery", {"stance": "skeptic"}, False),
        (
            "discovery",
            {"stance": "skeptic", "influence": "high", "plan": "安排参观标杆客户"},
            False,
        ),
        ("discovery", {"stance": "neutral", "influence": "high"}, False),
    ],
    ids=[
        "opponent-early",
        "opponent-low-influence",
        "opponent-with-plan",
        "opponent-empty-plan",
        "skeptic-high",
        "skeptic-medium",
        "skeptic-unknown-influence",
        "skeptic-with-plan",
        "neutral",
    ],
)
def test_bi006_opponents_and_influential_skeptics_need_a_plan(build, found, stage, extra, fires):
    got = found(build(stage, stakeholders=[EB, dict(TB, **extra)]), "BI006")
    assert severities(got) == (["high"] if fires else [])
    if fires:
        assert got[0].subject == "钱军"
        assert got[0].message.startswith("钱军 ")
        assert "no plan" in got[0].message
        assert got[0].path == "stakeholders[1].plan"


def test_bi006_one_finding_per_person(build, found):
    people = [dict(EB, stance="opponent"), dict(TB, stance="skeptic", influence="high")]
    got = found(build("discovery", stakeholders=people), "BI006")
    assert [f.subject for f in got] == ["张伟", "钱军"]
    assert "opposes us" in got[0].message
    assert "skeptic with high influence" in got[1].message


# --- BI007 influence-never-met ------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "people", "expected"),
    [
        ("discovery", [EB, dict(UB, met=None)], []),
        ("proposal", [EB, dict(UB, met=None)], [("赵敏", "UB")]),
        ("negotiation", [EB, dict(UB, met="2026-12-02")], [("赵敏", "UB")]),
        ("proposal", [EB, UB], []),
        ("proposal", [dict(EB, met=None), UB], []),  # an EB never met is EB002's finding
        ("proposal", [EB, {"name": "李工", "roles": ["TB", "coach"]}], [("李工", "TB and Coach")]),
        (
            "proposal",
            [EB, dict(TB, met=None), dict(UB, met=None)],
            [("钱军", "TB"), ("赵敏", "UB")],
        ),
    ],
    ids=[
        "before-proposal",
        "ub-never-met",
        "ub-meeting-only-planned",
        "all-met",
        "eb-only",
        "one-person-two-roles",
        "two-people",
    ],
)
def test_bi007_one_low_finding_per_person_never_met(build, found, stage, people, expected):
    got = found(build(stage, stakeholders=people), "BI007")
    assert [(f.subject, f.severity.value) for f in got] == [(name, "low") for name, _ in expected]
    for finding, (name, roles) in zip(got, expected, strict=True):
        assert finding.message == f"{name} ({roles}) has never been met; the deal is at {stage}."
