"""HY001-HY004, HY006-HY012: pipeline hygiene (HY005 spans files and is tested elsewhere)."""

from __future__ import annotations

import pytest

from tests.rules.direct import RULES, check, finding

EB = {"name": "张伟", "roles": ["EB"], "met": "2026-11-10", "authority": "confirmed"}
COACH = {"name": "李工", "roles": ["TB", "coach"], "validated": True}


# --- HY001 close-date-passed ------------------------------------------------------


@pytest.mark.parametrize(
    ("close", "days"),
    [("2026-11-19", 1), ("2026-10-31", 20), ("2026-11-20", None), ("2026-12-31", None)],
)
def test_hy001_close_date_before_as_of(build, found, close, days):
    got = found(build("prospecting", deal={"close_date": close}), "HY001")
    if days is None:
        assert got == []
    else:
        (finding,) = got
        assert finding.severity.value == "high"
        assert finding.message == (
            f"The close date {close} passed {days} {'day' if days == 1 else 'days'} ago, "
            "and the deal is still open at "
            "prospecting."
        )
        assert finding.path == "deal.close_date"


# --- HY002 next-step-missing / HY003 next-step-overdue ---------------------------------


@pytest.mark.parametrize(
    ("next_step", "message"),
    [
        (None, "The deal has no next step."),
        (
            {"action": "演示试点结果", "owner": "陈默"},
            'The next step "演示试点结果" has no due date.',
        ),
        ({"action": "演示试点结果", "due": "2026-11-28"}, None),
    ],
)
def test_hy002_next_step_with_a_due_date(build, found, next_step, message):
    got = found(build("prospecting", deal={"next_step": next_step}), "HY002")
    assert [f.message for f in got] == ([message] if message else [])
    assert all(f.severity.value == "medium" for f in got)


@pytest.mark.parametrize(
    ("due", "days"),
    [("2026-11-19", 1), ("2026-11-06", 14), ("2026-11-20", None), (None, None)],
)
def test_hy003_next_step_overdue(build, found, due, days):
    step = {"action": "与车间团队开研讨会", "due": due} if due else {"action": "与车间团队开研讨会"}
    got = found(build("prospecting", deal={"next_step": step}), "HY003")
    if days is None:
        assert got == []
    else:
        (finding,) = got
        assert finding.severity.value == "medium"
        assert finding.message == (
            f'The next step "与车间团队开研讨会" was due on {due}, '
            f"{days} {'day' if days == 1 else 'days'} ago."
        )
        assert finding.path == "deal.next_step.due"


# --- HY004 deal-gone-quiet ------------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "people", "expected"),
    [
        ("qualification", [dict(EB, met="2026-01-01")], None),
        ("discovery", [dict(EB, met="2026-10-21")], None),  # exactly 30 days
        ("discovery", [dict(EB, met="2026-10-20")], "since 2026-10-20 (张伟), 31 days ago"),
        (
            "negotiation",
            [dict(EB, met="2026-09-01"), dict(COACH, last_contact="2026-10-08")],
            "since 2026-10-08 (李工), 43 days ago",
        ),
        ("discovery", [dict(EB, met="2026-09-01"), dict(COACH, last_contact="2026-11-16")], None),
        ("discovery", [dict(EB, met=None), COACH], "No meeting or contact"),
        ("discovery", [], "No meeting or contact"),
        # Dates after the audit date are plans, not contact.
        ("discovery", [dict(EB, met="2026-11-25")], "No meeting or contact"),
        ("discovery", [dict(EB, met="2026-09-01", last_contact="2026-11-30")], "since 2026-09-01"),
    ],
    ids=[
        "before-discovery",
        "30-days",
        "31-days",
        "latest-of-several",
        "one-recent",
        "none",
        "no-stakeholders",
        "only-future",
        "future-contact",
    ],
)
def test_hy004_latest_touch_of_anyone(build, found, stage, people, expected):
    got = found(build(stage, stakeholders=people), "HY004")
    if expected is None:
        assert got == []
    else:
        (finding,) = got
        assert finding.severity.value == "medium"
        assert expected in finding.message
        assert "华东精密制造有限公司" in finding.message


@pytest.mark.parametrize(
    ("people", "expected"),
    [
        # Partners and our own people are not the customer: talking to them is not contact.
        (
            [
                dict(EB, met="2026-09-01"),
                dict(COACH, roles=["coach"], affiliation="partner", met="2026-11-18"),
            ],
            "since 2026-09-01 (张伟), 80 days ago",
        ),
        (
            [
                dict(EB, met="2026-09-01"),
                dict(COACH, roles=["coach"], affiliation="ours", last_contact="2026-11-18"),
            ],
            "since 2026-09-01 (张伟), 80 days ago",
        ),
        # Someone who has left is not the customer any more either.
        (
            [dict(EB, met="2026-09-01"), dict(COACH, left="2026-11-19", met="2026-11-18")],
            "since 2026-09-01 (张伟), 80 days ago",
        ),
        ([dict(EB, met="2026-09-01"), dict(COACH, left="2026-11-21", met="2026-11-18")], None),
        (
            [dict(COACH, roles=["coach"], affiliation="partner", met="2026-11-18")],
            "No meeting or contact",
        ),
    ],
    ids=["partner", "ours", "gone", "leaves-later", "only-a-partner"],
)
def test_hy004_counts_customer_side_people_only(build, found, people, expected):
    got = found(build("discovery", stakeholders=people), "HY004")
    if expected is None:
        assert got == []
    else:
        (finding,) = got
        assert expected in finding.message


def test_hy004_max_days_is_an_option(build, found):
    text = build("discovery", stakeholders=[dict(EB, met="2026-10-01")])
    assert len(found(text, "HY004")) == 1
    assert found(text, "HY004", HY004={"max_days": 60}) == []


# --- HY006 close-before-decision ----------------------------------------------------


@pytest.mark.parametrize(
    ("close", "decision", "fires"),
    [
        ("2026-12-10", "2027-01-15", True),
        ("2027-01-15", "2027-01-15", False),
        ("2027-01-29", "2027-01-15", False),
        ("2026-12-10", None, False),
    ],
)
def test_hy006_close_before_decision(build, found, close, decision, fires):
    insights = {"decision_date": decision} if decision else None
    got = found(build("prospecting", deal={"close_date": close}, insights=insights), "HY006")
    assert [f.severity.value for f in got] == (["medium"] if fires else [])
    if fires:
        assert got[0].message == (
            "The close date 2026-12-10 is 36 days before the customer's decision date 2027-01-15."
        )


# --- HY007 date-in-future ------------------------------------------------------------


def test_hy007_one_finding_per_future_date(build, found):
    people = [
        dict(EB, met="2026-11-28", last_contact="2026-11-21"),
        dict(COACH, met="2026-11-20", last_contact="2026-11-19"),
    ]
    attempts = [
        {"date": "2026-11-01", "channel": "phone", "outcome": "declined"},
        {"date": "2026-12-01", "channel": "visit", "outcome": "accepted"},
    ]
    got = found(build(stakeholders=people, eb_access={"attempts": attempts}), "HY007")
    assert sorted((f.path, f.subject) for f in got) == [
        ("eb_access.attempts[1].date", None),
        ("stakeholders[0].last_contact", "张伟"),
        ("stakeholders[0].met", "张伟"),
    ]
    assert {f.severity.value for f in got} == {"medium"}
    by_path = {f.path: f.message for f in got}
    assert by_path["stakeholders[0].met"] == (
        "张伟's `met` date 2026-11-28 is after the audit date 2026-11-20; a planned meeting is "
        "not a meeting, so 张伟 does not count as met."
    )
    assert "visit" in by_path["eb_access.attempts[1].date"]
    assert "2026-12-01" in by_path["eb_access.attempts[1].date"]


def test_hy007_future_met_does_not_count_as_met(build, run):
    report = run(build(stakeholders=[dict(EB, met="2026-11-28"), COACH]))
    rules = {f.rule for f in report.findings}
    assert {"HY007", "EB002"} <= rules
    (eb002,) = [f for f in report.findings if f.rule == "EB002"]
    assert eb002.severity.value == "critical"


def test_hy007_silent_on_past_and_present_dates(build, found):
    assert found(build(), "HY007") == []


@pytest.mark.parametrize(
    ("deal", "people", "expected"),
    [
        ({"stage_entered": "2026-11-21"}, None, ("deal.stage_entered", None)),
        ({"stage_entered": "2026-11-20"}, None, None),
        (None, [dict(EB, joined="2026-12-01")], ("stakeholders[0].joined", "张伟")),
        (None, [dict(EB, joined="2026-11-20")], None),
        # Dates of people who have left, or are not the customer's, are still data.
        (
            None,
            [
                dict(EB, affiliation="customer"),
                dict(COACH, roles=["coach"], affiliation="partner", met="2026-11-25"),
            ],
            ("stakeholders[1].met", "李工"),
        ),
    ],
    ids=["stage-entered-future", "stage-entered-today", "joined-future", "joined-today", "partner"],
)
def test_hy007_stage_entry_and_joining_dates(build, found, deal, people, expected):
    sections = {"stakeholders": people} if people else {}
    got = found(build(deal=deal, **sections), "HY007")
    if expected is None:
        assert got == []
        return
    (finding,) = got
    path, subject = expected
    assert (finding.path, finding.subject) == (path, subject)
    if path == "deal.stage_entered":
        assert finding.message == (
            "The deal's `stage_entered` date 2026-11-21 is after the audit date 2026-11-20; the "
            "days in negotiation cannot be counted from a day still to come."
        )
        assert finding.fix.startswith("Set `deal.stage_entered` to the day the deal actually")
    elif path.endswith("joined"):
        assert finding.message == (
            "张伟's `joined` date 2026-12-01 is after the audit date 2026-11-20."
        )


# --- HY008 close-date-pushed -------------------------------------------------------------


@pytest.mark.parametrize(
    ("history", "close", "severity", "pushes"),
    [
        (None, "2026-12-31", None, None),
        ([], "2026-12-31", None, 0),
        (["2026-12-31"], "2026-12-31", None, 0),
        (["2026-10-31"], "2026-12-31", None, 1),
        (["2026-06-30", "2026-10-31"], "2026-12-31", "medium", 2),
        (["2026-06-30", "2026-08-31", "2026-10-31"], "2026-12-31", "high", 3),
        (["2026-06-30", "2026-08-31", "2026-10-31", "2026-11-30"], "2026-12-31", "high", 4),
        # Pulled in, then pushed: only the later moves count.
        (["2026-06-30", "2026-05-31", "2026-10-31"], "2026-12-31", "medium", 2),
        (["2026-12-31", "2026-11-30"], "2026-12-31", None, 1),
        (["2026-06-30", "2026-06-30"], "2026-12-31", None, 1),
    ],
    ids=["none", "empty", "same", "one", "two", "three", "four", "pulled-in", "back", "kept"],
)
def test_hy008_close_date_pushed(build, found, history, close, severity, pushes):
    deal = {"close_date": close, "close_date_history": history}
    got = found(build("prospecting", deal=deal), "HY008")
    assert [f.severity.value for f in got] == ([severity] if severity else [])
    if severity:
        dates = " → ".join([*history, close])
        assert got[0].message == (
            f"The close date has been pushed later {pushes} times ({dates}); a deal whose "
            "date keeps moving is not moving."
        )
        assert f"if nothing has changed since {history[0]}" in got[0].fix
        assert got[0].path == "deal.close_date_history"


def test_hy008_thresholds_are_options(build, found):
    deal = {"close_date_history": ["2026-10-31"]}
    text = build(deal=deal)
    assert found(text, "HY008") == []
    (finding,) = found(text, "HY008", HY008={"min_pushes": 1, "high_pushes": 1})
    assert finding.severity.value == "high"


# --- HY009 stalled-in-stage ----------------------------------------------------------------

LIMITS = {
    "prospecting": 60,
    "qualification": 45,
    "discovery": 60,
    "proposal": 45,
    "negotiation": 30,
}


def entered(days):
    import datetime as dt

    return (dt.date(2026, 11, 20) - dt.timedelta(days=days)).isoformat()


@pytest.mark.parametrize("stage", list(LIMITS))
@pytest.mark.parametrize(
    ("times", "severity"),
    [(0, None), (1, None), ("1+", "medium"), (2, "medium"), ("2+", "high")],
    ids=["today", "at-limit", "over-limit", "twice", "over-twice"],
)
def test_hy009_stage_limits_and_twice_them(build, found, stage, times, severity):
    limit = LIMITS[stage]
    days = {0: 0, 1: limit, "1+": limit + 1, 2: 2 * limit, "2+": 2 * limit + 1}[times]
    got = found(build(stage, deal={"stage_entered": entered(days)}), "HY009")
    assert [f.severity.value for f in got] == ([severity] if severity else [])
    if severity:
        assert got[0].message == (
            f"The deal entered {stage} on {entered(days)}, {days} days ago: longer than the "
            f"{limit} days a deal should take there."
        )
        assert got[0].path == "deal.stage_entered"


@pytest.mark.parametrize(
    ("stage_entered", "fires"),
    [(None, False), ("2026-11-21", False), ("2020-01-01", True)],
    ids=["none", "future", "long-ago"],
)
def test_hy009_needs_a_past_stage_entry(build, found, stage_entered, fires):
    got = found(build(deal={"stage_entered": stage_entered}), "HY009")
    assert len(got) == (1 if fires else 0)


def test_hy009_limits_merge_with_the_defaults(build, found):
    proposal = build("proposal", deal={"stage_entered": entered(50)})
    negotiation = build("negotiation", deal={"stage_entered": entered(50)})
    assert len(found(proposal, "HY009")) == 1
    assert found(proposal, "HY009", HY009={"max_days": {"proposal": 60}}) == []
    # The other stages keep their defaults: negotiation 30, and 50 days is over it.
    (finding,) = found(negotiation, "HY009", HY009={"max_days": {"proposal": 60}})
    assert finding.severity.value == "medium"


def test_hy009_rejects_an_unknown_stage():
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="unknown stage 'closed_won'"):
        RULES["HY009"].options.model_validate({"max_days": {"closed_won": 10}})
    with pytest.raises(ValidationError, match="at least 1 day"):
        RULES["HY009"].options.model_validate({"max_days": {"proposal": 0}})


# --- HY010 commit-not-ready ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("forecast", "others", "expected"),
    [
        ("commit", (), None),
        ("commit", (finding("CD002", "medium"),), None),
        ("commit", (finding("EB002", "critical", "eb-not-met"),), "1 finding"),
        (
            "commit",
            (finding("HY001", "high", "close-date-passed"), finding("HY005", "high", "dup")),
            "2 findings",
        ),
        # An S finding never counts (the engine leaves them out; the check does too).
        ("commit", (finding("S001", "high"),), None),
        ("commit", (finding("HY010", "high"),), None),
        # A small deal's (s) finding is already capped at info when HY010 sees it.
        ("commit", (finding("CT001", "info"),), None),
        ("best_case", (finding("EB002", "critical"),), None),
        (None, (finding("EB002", "critical"),), None),
    ],
    ids=[
        "nothing",
        "medium",
        "critical",
        "two-highs",
        "s-rule",
        "itself",
        "capped",
        "best-case",
        "no-forecast",
    ],
)
def test_hy010_commit_with_serious_findings(build, forecast, others, expected):
    text = build(deal={"forecast": forecast})
    got = check("HY010", text, others=others)
    if expected is None:
        assert got == []
        return
    (found,) = got
    assert found.severity.value == "high"
    assert found.path == "deal.forecast"
    assert found.message.startswith(f"The deal is forecast as commit, but {expected} of high")
    for other in others:
        assert f"{other.rule} ({other.name})" in found.message
        assert f"{other.rule} ({other.name})" in found.fix
    assert ("still stands:" in found.message) == (expected == "1 finding")


def test_hy010_names_each_rule_once_in_chinese(build):
    others = (finding("DP003", "critical", "criterion-gap"),) * 2
    (found,) = check("HY010", build(), others=others, lang="zh")
    assert found.message == (
        "商机被预测为“承诺”，但还有 2 个高或严重级别的问题没有解决：DP003（criterion-gap）。"
    )


def test_hy010_is_a_review_rule():
    from ebcheck.ruleapi import Scope

    assert RULES["HY010"].scope is Scope.REVIEW


# --- HY011 amount-missing -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "amount", "fires"),
    [
        ("discovery", None, False),
        ("proposal", None, True),
        ("negotiation", None, True),
        ("proposal", 0, False),
        ("negotiation", 1200000, False),
    ],
)
def test_hy011_amount_from_proposal(build, found, stage, amount, fires):
    got = found(build(stage, deal={"amount": amount}), "HY011")
    assert [f.severity.value for f in got] == (["medium"] if fires else [])
    if fires:
        assert got[0].message == (
            f"The deal has no amount, and it is at {stage}: the pipeline cannot count it."
        )
        assert "华东精密制造有限公司" in got[0].fix


# --- HY012 loss-reason-missing ------------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "reason", "fires"),
    [
        ("closed_lost", None, True),
        ("closed_lost", "  ", True),
        ("closed_lost", "价格高于竞争对手 20%", False),
        ("closed_won", None, False),
        ("negotiation", None, False),
    ],
)
def test_hy012_a_lost_deal_records_why(build, stage, reason, fires):
    text = build(stage, deal={"lost_reason": reason, "close_date": "2026-11-01"})
    got = check("HY012", text)
    assert [f.severity.value for f in got] == (["info"] if fires else [])
    if fires:
        assert got[0].message == "The deal was lost, and no reason is recorded."
        assert "why 华东精密制造有限公司 chose otherwise" in got[0].fix


def test_hy012_asks_only_why_when_the_winner_is_recorded(build):
    text = build("closed_lost", deal={"lost_to": "用友", "close_date": "2026-11-01"})
    (got,) = check("HY012", text)
    assert got.fix == (
        "Record in `deal.lost_reason` why 华东精密制造有限公司 chose 用友 (price, a "
        "requirement, a relationship, the timing): the next deal there starts from it."
    )
    assert "lost_to" not in got.fix


def test_hy012_is_the_closed_deal_rule():
    assert RULES["HY012"].on_closed
    assert [r.id for r in RULES.values() if r.on_closed] == ["HY012"]


@pytest.mark.parametrize("rule_id", [f"HY0{n:02d}" for n in range(1, 13)])
def test_no_hygiene_rule_is_capped(rule_id):
    assert not RULES[rule_id].small_cap


def test_new_hygiene_rules_pass_the_ready_deal_at_every_stage(build, found):
    for stage in ("prospecting", "qualification", "discovery", "proposal", "negotiation"):
        for rule_id in ("HY007", "HY008", "HY009", "HY011"):
            assert found(build(stage), rule_id) == [], (stage, rule_id)
        # READY is a commit; no other rule fires on it, so HY010 does not either.
        assert check("HY010", build(stage)) == []


def test_hy004_fix_names_the_sponsor_and_coaches_the_file_records(build, found):
    quiet = [dict(EB, met="2026-09-01"), dict(COACH, last_contact="2026-10-08")]
    (finding,) = found(build("discovery", stakeholders=quiet), "HY004")
    # The default deal's sponsor is 张伟; 李工 coaches.
    assert finding.fix.startswith("Get back in touch this week, ideally with 张伟 or 李工,")
    no_guides = [dict(EB, met="2026-09-01"), {"name": "赵敏", "roles": ["UB"]}]
    text = build("discovery", stakeholders=no_guides, client_team={"sponsor": None})
    (finding,) = found(text, "HY004")
    assert "ideally with the sponsor or coach" in finding.fix
    # A partner named as sponsor is no way back into the account.
    partner = [*no_guides, {"name": "周总", "affiliation": "partner"}]
    text = build("discovery", stakeholders=partner, client_team={"sponsor": "周总"})
    (finding,) = found(text, "HY004")
    assert "ideally with the sponsor or coach" in finding.fix
