"""BI001-BI010: the buying influences."""

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
        listed = "stakeholder is" if len(people) == 1 else "stakeholders are"
        assert f"No coach is named ({len(people)} {listed} listed):" in got[0].message
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
        # A TB opponent is critical from proposal (the veto cases below); high before.
        ("discovery", {"stance": "opponent", "influence": "low"}, True),
        ("negotiation", {"stance": "opponent", "plan": "请李工引荐，先解决其数据迁移顾虑"}, False),
        ("discovery", {"stance": "opponent", "plan": ""}, True),
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


# --- catalog 2: gone and partner-side people --------------------------------------

PARTNER_COACH = {"name": "周总", "affiliation": "partner", "roles": ["coach"], "met": "2026-11-12"}
OUR_COACH = {"name": "陈默", "affiliation": "ours", "roles": ["coach"], "met": "2026-11-12"}


@pytest.mark.parametrize(
    ("people", "expected"),
    [
        (
            [EB, TB, UB, PARTNER_COACH],
            "The only coach, 周总, is not 华东精密制造有限公司's people",
        ),
        ([EB, PARTNER_COACH, OUR_COACH], "The only coaches, 周总 and 陈默, are not"),
        ([EB, TB, dict(COACH, left="2026-11-01")], "Our coach 李工 has left (on 2026-11-01)"),
        ([EB, TB, dict(PARTNER_COACH, left="2026-11-01")], "Our coach 周总 has left"),
    ],
    ids=["partner", "partner-and-ours", "gone-coach", "gone-partner-coach"],
)
def test_bi001_only_a_customer_side_coach_still_in_role_counts(build, found, people, expected):
    (finding,) = found(build("qualification", stakeholders=people), "BI001")
    assert finding.severity.value == "high"
    assert finding.message.startswith(expected)


def test_bi001_a_coach_leaving_later_still_counts(build, found):
    people = [EB, TB, dict(COACH, left="2026-12-01")]
    assert found(build("qualification", stakeholders=people), "BI001") == []


def test_bi002_only_customer_coaches_still_in_role(build, found):
    people = [EB, TB, UNVALIDATED, dict(PARTNER_COACH, validated=True)]
    assert len(found(build("discovery", stakeholders=people), "BI002")) == 1
    gone_validated = [
        EB,
        TB,
        UNVALIDATED,
        {"name": "孙丽", "roles": ["coach"], "validated": True, "left": "2026-11-01"},
    ]
    assert len(found(build("discovery", stakeholders=gone_validated), "BI002")) == 1
    assert found(build("discovery", stakeholders=[EB, TB, PARTNER_COACH]), "BI002") == []


@pytest.mark.parametrize("rule", ["BI003", "BI004"])
def test_bi003_bi004_a_gone_holder_holds_no_role(build, found, rule):
    people = [EB, dict(TB, left="2026-11-10"), dict(UB, left="2026-11-10"), COACH]
    assert len(found(build("proposal", stakeholders=people), rule)) == 1
    later = [EB, dict(TB, left="2026-11-21"), dict(UB, left="2026-11-21"), COACH]
    assert found(build("proposal", stakeholders=later), rule) == []


@pytest.mark.parametrize(
    ("people", "text"),
    [
        ([EB, PARTNER_COACH, OUR_COACH], "Stakeholders met so far: 1 of 1 (张伟)"),
        ([EB, dict(TB, left="2026-11-01")], "Stakeholders met so far: 1 of 1 (张伟)"),
        ([PARTNER_COACH, OUR_COACH], "None of the 2 stakeholders listed is a customer-side person"),
    ],
    ids=["partner-and-ours-met", "gone-met", "nobody-inside"],
)
def test_bi005_partner_ours_and_gone_people_met_do_not_count(build, found, people, text):
    (finding,) = found(build("discovery", stakeholders=people), "BI005")
    assert text in finding.message


# --- BI006: veto ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "person", "expected"),
    [
        ("discovery", dict(TB, stance="opponent"), "high"),
        ("proposal", dict(TB, stance="opponent"), "critical"),
        ("negotiation", dict(EB, stance="opponent"), "critical"),
        ("proposal", dict(UB, stance="opponent", influence="high"), "critical"),
        ("proposal", dict(UB, stance="opponent", influence="medium"), "high"),
        ("proposal", dict(UB, stance="opponent"), "high"),
        ("negotiation", dict(TB, stance="skeptic", influence="high"), "high"),
    ],
    ids=["tb-discovery", "tb-proposal", "eb", "ub-high", "ub-medium", "ub-unset", "skeptic-tb"],
)
def test_bi006_critical_from_proposal_for_an_opponent_who_can_veto(
    build, found, stage, person, expected
):
    got = found(build(stage, stakeholders=[dict(EB, name="孙总"), person]), "BI006")
    assert severities(got) == [expected]
    if expected == "critical":
        assert "can veto" in got[0].message or "can stop the deal" in got[0].message
        assert got[0].message.startswith(f"{person['name']} opposes us (stance: opponent), ")


def test_bi006_gone_and_partner_opponents_are_not_stakeholders(build, found):
    people = [
        EB,
        dict(TB, stance="opponent", left="2026-11-01"),
        dict(PARTNER_COACH, stance="opponent"),
    ]
    assert found(build("proposal", stakeholders=people), "BI006") == []


def test_bi007_gone_and_partner_people_are_not_checked(build, found):
    people = [EB, dict(UB, met=None, left="2026-11-01"), dict(PARTNER_COACH, met=None)]
    assert found(build("proposal", stakeholders=people), "BI007") == []


# --- BI008 no-opposition-mapped -----------------------------------------------------

FANS = [
    dict(EB, stance="supporter"),
    dict(TB, stance="champion"),
    dict(UB, stance="supporter"),
    dict(COACH, stance="champion"),
]


@pytest.mark.parametrize(
    ("stage", "people", "fires"),
    [
        ("discovery", FANS, False),
        ("proposal", FANS, True),
        ("negotiation", FANS, True),
        ("proposal", FANS[:3], False),
        ("proposal", [*FANS[:3], dict(COACH, stance=None)], False),
        ("proposal", [*FANS[:3], dict(COACH, stance="neutral")], False),
        ("proposal", [*FANS, {"name": "王总", "stance": "skeptic"}], False),
        ("proposal", [*FANS[:3], dict(COACH, stance="champion", left="2026-11-01")], False),
        ("proposal", [*FANS[:3], dict(PARTNER_COACH, stance="champion")], False),
        ("proposal", [*FANS, {"name": "王总", "stance": "opponent", "left": "2026-11-01"}], True),
    ],
    ids=[
        "before-proposal",
        "four-fans",
        "negotiation",
        "only-three",
        "one-without-stance",
        "one-neutral",
        "a-skeptic",
        "gone-fan-not-counted",
        "partner-fan-not-counted",
        "gone-opponent-not-counted",
    ],
)
def test_bi008_nobody_against_us(build, found, stage, people, fires):
    got = found(build(stage, stakeholders=people), "BI008")
    assert severities(got) == (["medium"] if fires else [])
    if fires:
        assert got[0].message.startswith("All 4 stakeholders with a recorded stance")
        assert "would rather buy from 用友" in got[0].fix


def test_bi008_min_people_is_an_option(build, found):
    text = build("proposal", stakeholders=FANS[:3])
    assert len(found(text, "BI008", BI008={"min_people": 3})) == 1


# --- BI009 role-holder-left ---------------------------------------------------------


@pytest.mark.parametrize(
    ("left", "fires"),
    [
        ("2026-11-20", True),  # 0 days
        ("2026-08-22", True),  # 90 days
        ("2026-08-21", False),  # 91 days
        ("2026-11-21", False),  # not yet gone
    ],
)
def test_bi009_within_max_days(build, found, left, fires):
    people = [EB, dict(TB, left=left), UB, COACH]
    got = found(build("discovery", stakeholders=people), "BI009")
    assert severities(got) == (["medium"] if fires else [])


@pytest.mark.parametrize(
    ("person", "sections", "expected"),
    [
        (dict(EB, name="吴总", left="2026-11-01"), {}, "high"),
        (dict(UB, left="2026-11-01"), {}, "medium"),
        (dict(COACH, left="2026-11-01"), {}, "medium"),
        ({"name": "吴总", "left": "2026-11-01"}, {"client_team": {"sponsor": "吴总"}}, "high"),
        (
            {"name": "吴总", "left": "2026-11-01"},
            {"decision_process": {"signer": "吴总（董事长）"}},
            "high",
        ),
        ({"name": "吴总", "left": "2026-11-01"}, {}, None),  # held no role
        (dict(PARTNER_COACH, left="2026-11-01"), {}, None),  # not customer-side
    ],
    ids=["eb", "ub", "coach", "sponsor", "signer", "no-role", "partner"],
)
def test_bi009_severity_by_who_left(build, found, person, sections, expected):
    got = found(build("discovery", stakeholders=[EB, TB, person], **sections), "BI009")
    assert severities(got) == ([expected] if expected else [])
    if got:
        assert got[0].subject == person["name"]
        assert "left on 2026-11-01, 19 days ago" in got[0].message


def test_bi009_names_the_successor_and_one_finding_per_person(build, found):
    people = [
        dict(EB, name="吴总", left="2026-11-01"),
        dict(EB, name="孙国平"),
        dict(TB, left="2026-10-01"),
    ]
    got = found(build("discovery", stakeholders=people), "BI009")
    assert [(f.subject, f.severity.value) for f in got] == [("吴总", "high"), ("钱军", "medium")]
    assert got[0].fix.startswith("孙国平 holds the role now")
    assert got[0].message.startswith("吴总 (EB) left on 2026-11-01")
    assert got[1].fix.startswith("Find out who has taken over from 钱军 (TB)")
    assert got[0].path == "stakeholders[0].left"


def test_bi009_a_successor_not_yet_met_is_to_be_met(build, found):
    people = [
        dict(EB, name="吴总", left="2026-11-01"),
        {"name": "孙国平", "roles": ["EB"]},
    ]
    (got,) = found(build("discovery", stakeholders=people), "BI009")
    assert got.fix.startswith("孙国平 holds the role now: meet them and confirm again what 吴总")
    assert "a newcomer who has never met us" in got.fix


def test_bi009_a_successor_already_met_is_no_newcomer(build, found):
    people = [
        dict(EB, name="吴总", left="2026-11-01"),
        dict(EB, name="孙国平", met="2026-11-15"),
    ]
    (got,) = found(build("discovery", stakeholders=people), "BI009")
    assert got.fix.startswith(
        "孙国平 holds the role now and has been met: at the next meeting, confirm again what 吴总"
    )
    assert "newcomer" not in got.fix
    assert "meet them" not in got.fix


def test_bi009_of_two_successors_the_one_not_met_is_named(build, found):
    people = [
        dict(EB, name="吴总", left="2026-11-01"),
        dict(EB, name="孙国平", met="2026-11-15"),
        {"name": "赵董", "roles": ["EB"]},
    ]
    (got,) = found(build("discovery", stakeholders=people), "BI009")
    assert got.fix.startswith("赵董 holds the role now: meet them")


def test_bi009_max_days_is_an_option(build, found):
    text = build("discovery", stakeholders=[EB, dict(TB, left="2026-10-01")])
    assert found(text, "BI009", BI009={"max_days": 30}) == []


# --- BI010 coach-without-power --------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "coaches", "expected"),
    [
        ("discovery", [dict(COACH, influence="low")], None),
        ("proposal", [dict(COACH, influence="low")], "李工 (influence low)"),
        ("negotiation", [COACH], "李工 (influence not recorded: counted as unknown)"),
        ("proposal", [dict(COACH, influence="medium")], None),
        ("proposal", [dict(COACH, influence="high")], None),
        (
            "proposal",
            [dict(COACH, influence="low"), {"name": "孙丽", "roles": ["coach"]}],
            "李工 (influence low) and 孙丽 (influence not recorded",
        ),
        (
            "proposal",
            [
                dict(COACH, influence="low"),
                {"name": "孙丽", "roles": ["coach"], "influence": "high"},
            ],
            None,
        ),
        ("proposal", [dict(COACH, influence="low"), dict(PARTNER_COACH, influence="high")], "李工"),
        (
            "proposal",
            [
                dict(COACH, influence="low"),
                {"name": "孙丽", "roles": ["coach"], "influence": "high", "left": "2026-11-01"},
            ],
            "李工",
        ),
        ("proposal", [dict(PARTNER_COACH, influence="low")], None),
        ("proposal", [], None),
    ],
    ids=[
        "before-proposal",
        "low",
        "unset",
        "medium",
        "high",
        "two-powerless",
        "one-powerful",
        "partner-power-does-not-count",
        "gone-power-does-not-count",
        "only-partner-coach",
        "no-coach",
    ],
)
def test_bi010_coach_without_power(build, found, stage, coaches, expected):
    got = found(build(stage, stakeholders=[EB, TB, *coaches]), "BI010")
    assert severities(got) == (["medium"] if expected else [])
    if expected:
        assert expected in got[0].message
        assert "A coach without power is not a champion" in got[0].message


def test_the_small_deal_cap_is_declared_on_the_s_rules():
    from ebcheck.audit.pack import builtin_pack

    capped = {r.id for r in builtin_pack().rules if r.small_cap and r.area in ("EB", "BI")}
    assert capped == {"BI001", "BI003", "BI004", "BI005", "BI007"}


def test_bi001_says_when_the_only_coach_has_left(build, found):
    people = [
        {"name": "张伟", "roles": ["EB"], "met": "2026-11-10", "authority": "confirmed"},
        {"name": "王芳", "roles": ["coach"], "met": "2026-10-01", "left": "2026-11-01"},
    ]
    (finding,) = found(build("discovery", stakeholders=people), "BI001")
    assert finding.message.startswith("Our coach 王芳 has left (on 2026-11-01)")
    assert finding.path == "stakeholders[1].left"


def test_bi003_fix_asks_the_coach_or_the_eb_by_name(build, found):
    (finding,) = found(build("discovery", stakeholders=[EB, COACH, UB]), "BI003")
    assert finding.fix.startswith("Ask 李工 or 张伟 who will evaluate the solution technically")
    (finding,) = found(build("discovery", stakeholders=[UB]), "BI003")
    # No coach to name: whom a rep would ask instead.
    assert finding.fix.startswith("Ask someone at 华东精密制造有限公司 you trust or the EB who")
