"""In an announced tender no fix sends the rep to the customer's people privately
(D19): every rule whose fix would is given the tender's fix instead."""

from __future__ import annotations

from tests.rules.conftest import audit

ANNOUNCED = "procurement: {method: public_tender, announced: 2026-11-01}\n"

# Fires RS004, DP005, HY002, HY008, HY009 and CD005 (and others), each of whose fixes
# names the customer's EB or "the customer" outside a tender.
DEAL = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: R3, name: n, account: Acme, stage: negotiation, close_date: 2026-12-10,
  amount: 900000, currency: CNY, stage_entered: 2026-08-01,
  close_date_history: [2026-08-31, 2026-10-31]}
stakeholders:
  - {name: Helen Park, roles: [EB], authority: confirmed, met: 2026-10-01}
  - {name: Sam Lee, affiliation: ours}
decision_process: {steps: [{step: Board, by: Helen Park, date: 2026-12-20}]}
relationship: {stage: initial, share_of_wallet: 0.3, annual_spend: 1000000}
commitments:
  risks:
    - {risk: R, severity: high, raised_with: RAISED, ask: two engineers, owner: Sam Lee,
       ask_status: pending, raised_on: 2026-10-01}
"""
NAMED_OUTSIDE = {
    "RS004": "check with Helen Park",
    "DP005": "agree with Helen Park",
    "HY002": "Agree the next step with the customer",
    "HY008": "Find out with someone at Acme you trust, or with Helen Park",
    "HY009": "agree with someone at Acme you trust, or with Helen Park",
    "CD005": "Go back to Helen Park",
}


def _fixes(text: str) -> dict[str, str]:
    return {f.rule: f.fix for f in audit(text).findings}


def test_outside_a_tender_these_fixes_send_the_rep_to_the_customer() -> None:
    fixes = _fixes(DEAL.replace("RAISED", "Helen Park"))
    for rule_id, advice in NAMED_OUTSIDE.items():
        assert advice in fixes[rule_id], rule_id


def test_in_an_announced_tender_no_fix_names_the_customer_s_people() -> None:
    fixes = _fixes(DEAL.replace("RAISED", "Helen Park") + ANNOUNCED)
    assert set(NAMED_OUTSIDE) <= set(fixes)
    for rule_id, fix in fixes.items():
        assert "Helen Park" not in fix, rule_id
        assert "with the customer" not in fix, rule_id
    for rule_id in NAMED_OUTSIDE:
        assert fixes[rule_id].startswith("The tender was announced on 2026-11-01"), rule_id
    for rule_id in ("RS004", "DP005", "CD005"):  # the tender's boilerplate fix
        assert "do not contact anyone at Acme about it privately" in fixes[rule_id]
        assert "official channel" in fixes[rule_id]
    # The date and the next step come from the tender's timetable and the bid.
    assert "its timetable decides the date, not a conversation with Acme" in fixes["HY008"]
    assert "take the deal out of the forecast" in fixes["HY008"]
    assert "what moves the deal on from negotiation now is the bid" in fixes["HY009"]
    assert "`deal.next_step`" in fixes["HY009"]


def test_a_passed_close_date_in_a_tender_is_taken_from_its_timetable() -> None:
    passed = DEAL.replace("RAISED", "Helen Park").replace(
        "close_date: 2026-12-10", "close_date: 2026-11-10"
    )
    outside = _fixes(passed)["HY001"]
    inside = _fixes(passed + ANNOUNCED)["HY001"]
    assert outside.startswith("Agree a realistic close date with the customer")
    assert inside.startswith("The tender was announced on 2026-11-01: take the close date")
    assert "update `deal.close_date`, or close the deal as lost" in inside
    assert "customer" not in inside


def test_a_risk_raised_inside_our_own_team_keeps_its_fix_in_a_tender() -> None:
    """Going back to our own manager for resources is no contact with the customer."""
    text = DEAL.replace("RAISED", "Sam Lee").replace("owner: Sam Lee", "owner: 陈默")
    fixes = _fixes(text + ANNOUNCED)
    assert fixes["CD005"].startswith("Go back to Sam Lee this week")


def test_a_paper_step_of_our_own_keeps_its_fix_in_a_tender() -> None:
    """Agreeing with our own lawyer how a review can be done is no contact with them."""
    paper = (
        "procurement: {method: public_tender, announced: 2026-11-01,\n"
        "  steps: [{step: 法务审核, owner: Sam Lee, date: 2026-12-20}]}\n"
    )
    text = DEAL.replace("RAISED", "Sam Lee").replace(
        "decision_process: {steps: [{step: Board, by: Helen Park, date: 2026-12-20}]}\n", ""
    )
    fix = _fixes(text + paper)["DP005"]
    assert fix.startswith("Move `deal.close_date` to after 2026-12-20, or agree with Sam Lee")


def test_a_risk_raised_with_someone_not_listed_may_be_the_customer() -> None:
    fixes = _fixes(DEAL.replace("RAISED", "王总") + ANNOUNCED)
    assert "王总" not in fixes["CD005"]
    assert fixes["CD005"].startswith("The tender was announced on 2026-11-01")


CRITERIA = (
    "decision_process:\n  criteria:\n"
    "    - {criterion: ★ 三甲医院案例, mandatory: true, fit: gap}\n"
    "    - {criterion: 等保三级, mandatory: true}\n"
)


def test_a_criterion_gap_in_a_tender_keeps_its_own_work_and_never_the_customer() -> None:
    text = DEAL.replace("RAISED", "Sam Lee").replace(
        "decision_process: {steps: [{step: Board, by: Helen Park, date: 2026-12-20}]}\n", ""
    )
    outside = [f for f in audit(text + CRITERIA).findings if f.rule == "DP003"]
    assert "get the criterion changed with Helen Park" in outside[0].fix
    inside = [f for f in audit(text + CRITERIA + ANNOUNCED).findings if f.rule == "DP003"]
    gap, unknown = inside
    assert gap.fix.startswith('Close the gap on "★ 三甲医院案例" before the bid is due')
    assert "only as a clarification request through the official channel" in gap.fix
    assert "Helen Park" not in gap.fix
    # Checking the criterion with our presales team is no contact with the customer.
    assert unknown.fix.startswith('Check "等保三级" against our offer with the presales team')


def test_a_plan_for_an_opponent_is_written_in_a_tender_too() -> None:
    text = DEAL.replace("RAISED", "Sam Lee") + ANNOUNCED
    text = text.replace(
        "  - {name: Sam Lee, affiliation: ours}\n",
        "  - {name: Sam Lee, affiliation: ours}\n  - {name: 孙工, roles: [TB], stance: opponent}\n",
    )
    (finding,) = [f for f in audit(text).findings if f.rule == "BI006"]
    assert finding.fix.startswith("Write down how you will handle 孙工 in `plan`")


# Fires EB007, EB009, EB010, EB011 and DP004: work that goes on in a tender, through its
# documents, its official channel and the bid, not through the customer's people.
THROUGH_THE_TENDER = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: T4, name: n, account: 市教育局, stage: proposal, close_date: 2027-01-31}
stakeholders:
  - {name: 王建国, roles: [EB], mode: even_keel, met: 2026-10-01}
  - {name: Li Lei, roles: [TB, coach], met: 2026-11-02}
insights: {preference: competitor, competitors: [华为], source: Li Lei}
"""
OUTSIDE_THE_TENDER = {
    "EB007": "At the next meeting with 王建国",
    "EB009": "Find out from 王建国 why the competitor is preferred",
    "EB010": "Find the gap 王建国 cares about",
    "EB011": "Confirm the insights with 王建国 directly",
    "DP004": "Find out with 王建国 why 市教育局 must act now",
}
INSIDE_THE_TENDER = {
    "EB007": "read the tender documents to find out",
    "EB009": "Find in the tender documents the evaluation criteria that favour the competitor",
    "EB010": "Make the bid show the gap 王建国 cares about",
    "EB011": "Check what Li Lei told us (project, budget, decision date, competitors) against",
    "DP004": "its timetable is why 市教育局 decides now",
}


def test_before_a_tender_the_insight_fixes_go_to_the_eb() -> None:
    fixes = _fixes(THROUGH_THE_TENDER)
    for rule_id, advice in OUTSIDE_THE_TENDER.items():
        assert advice in fixes[rule_id], rule_id


def test_in_a_tender_the_insight_fixes_work_through_its_documents_and_the_bid() -> None:
    findings = {f.rule: f for f in audit(THROUGH_THE_TENDER + ANNOUNCED).findings}
    for rule_id, advice in INSIDE_THE_TENDER.items():
        fix = findings[rule_id].fix
        assert fix.startswith("The tender was announced on 2026-11-01:"), rule_id
        assert advice in fix, rule_id
        assert "privately" in fix or "official channel" in fix or "tender documents" in fix
    # The message keeps its own variant: the competitors are still named.
    assert "competitors: 华为" in findings["EB009"].message
    assert "mode: even_keel" in findings["EB010"].message


def test_a_tender_not_yet_announced_keeps_the_eb_fixes() -> None:
    fixes = _fixes(THROUGH_THE_TENDER + ANNOUNCED.replace("2026-11-01", "2026-12-01"))
    for rule_id, advice in OUTSIDE_THE_TENDER.items():
        assert advice in fixes[rule_id], rule_id


def test_a_missing_next_step_in_a_tender_is_the_tender_s_own() -> None:
    fixes = _fixes(THROUGH_THE_TENDER + ANNOUNCED)
    assert fixes["HY002"].startswith(
        "The tender was announced on 2026-11-01: the next step is the tender's own"
    )
    assert "an `owner` on our side" in fixes["HY002"]
