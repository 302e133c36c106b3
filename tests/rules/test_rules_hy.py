"""HY001-HY004, HY006, HY007: pipeline hygiene (HY005 spans files and is tested elsewhere)."""

from __future__ import annotations

import pytest

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
