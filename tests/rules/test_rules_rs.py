"""RS001-RS005: the account relationship by share of wallet."""

from __future__ import annotations

import pytest

from tests.rules.direct import RULES, check


def relation(stage=None, share=None, history=(), **more):
    out = {"stage": stage, "share_of_wallet": share, "history": list(history), **more}
    return {k: v for k, v in out.items() if v is not None}


def entry(date, stage):
    return {"date": date, "stage": stage}


# --- RS001 stage-share-mismatch ---------------------------------------------------


@pytest.mark.parametrize(
    ("share", "declared", "band"),
    [
        (0, "development", None),
        (0, "initial", "development"),
        (0.01, "initial", None),
        (0.01, "development", "initial"),
        (0.4999, "initial", None),
        (0.5, "initial", "stable"),
        (0.5, "stable", None),
        (0.7999, "stable", None),
        (0.8, "stable", "strategic"),
        (0.8, "strategic", None),
        (1.0, "strategic", None),
        (1.0, "stable", "strategic"),
        ("35%", "initial", None),
        ("60%", "initial", "stable"),
    ],
)
def test_rs001_bands(build, found, share, declared, band):
    got = found(build(relationship=relation(declared, share)), "RS001")
    if band is None:
        assert got == []
    else:
        (finding,) = got
        assert finding.severity.value == "medium"
        assert f"which is the {band} stage, not {declared} as recorded" in finding.message
        assert finding.path == "relationship.share_of_wallet"


def test_rs001_message_gives_the_share_in_percent(build, found):
    (finding,) = found(build(relationship=relation("stable", 0.3)), "RS001")
    assert finding.message.startswith("Our share of wallet at 华东精密制造有限公司 is 30%")


@pytest.mark.parametrize("rel", [relation("stable"), relation(share=0.3), None])
def test_rs001_needs_both_stage_and_share(build, found, rel):
    assert found(build(relationship=rel), "RS001") == []


# --- RS002 stage-skipped ---------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "history", "steps"),
    [
        (
            "stable",
            [
                entry("2025-01-01", "development"),
                entry("2025-06-01", "initial"),
                entry("2026-01-01", "stable"),
            ],
            [],
        ),
        (
            "stable",
            [entry("2025-01-01", "development"), entry("2026-01-01", "stable")],
            [("development (2025-01-01) to stable (2026-01-01), skipping initial", "history[1]")],
        ),
        (
            # Unsorted in the file, but in order by date: nothing skipped.
            "stable",
            [
                entry("2026-01-01", "stable"),
                entry("2025-01-01", "development"),
                entry("2025-06-01", "initial"),
            ],
            [],
        ),
        (
            # Unsorted in the file: the jump is from the 2025 entry to the 2026 one.
            "strategic",
            [entry("2026-01-01", "strategic"), entry("2025-01-01", "initial")],
            [("initial (2025-01-01) to strategic (2026-01-01), skipping stable", "history[0]")],
        ),
        (
            "stable",
            [entry("2025-01-01", "development")],
            [("development (2025-01-01) to stable now, skipping initial", "stage")],
        ),
        (
            "strategic",
            [entry("2025-01-01", "development")],
            [("development (2025-01-01) to strategic now, skipping initial and stable", "stage")],
        ),
        (
            "strategic",
            [
                entry("2024-01-01", "development"),
                entry("2025-01-01", "stable"),
                entry("2025-06-01", "initial"),
            ],
            [
                ("development (2024-01-01) to stable (2025-01-01), skipping initial", "history[1]"),
                ("from initial (2025-06-01) to strategic now, skipping stable", "stage"),
            ],
        ),
        # A fall is not a skip (RS003 reports it).
        ("development", [entry("2025-01-01", "stable")], []),
        # History after the audit date is a plan, and left out.
        ("initial", [entry("2025-01-01", "initial"), entry("2027-01-01", "strategic")], []),
        (
            None,
            [entry("2025-01-01", "development"), entry("2026-01-01", "stable")],
            [("development (2025-01-01) to stable (2026-01-01), skipping initial", "history[1]")],
        ),
    ],
    ids=[
        "one-at-a-time",
        "skip-in-history",
        "unsorted-in-order",
        "unsorted-skip",
        "skip-into-current",
        "two-skipped",
        "two-steps",
        "fall",
        "future-entry",
        "history-without-current",
    ],
)
def test_rs002_one_finding_per_step_naming_skipped_stages(build, found, stage, history, steps):
    share = {"development": 0, "initial": 0.3, "stable": 0.6, "strategic": 0.9}.get(stage or "")
    got = found(build(relationship=relation(stage, share, history)), "RS002")
    assert {f.severity.value for f in got} <= {"medium"}
    by_place = {f.path: f.message for f in got}
    assert sorted(by_place) == sorted(f"relationship.{where}" for _, where in steps)
    for text, where in steps:
        assert text in by_place[f"relationship.{where}"]


# --- RS003 stage-regressed -------------------------------------------------------

SLID = [entry("2025-03-01", "initial"), entry("2026-03-01", "stable")]


@pytest.mark.parametrize(
    ("stage", "history", "plan", "expected"),
    [
        ("initial", SLID, None, "high"),
        ("development", SLID, None, "high"),
        ("initial", SLID, "与张总重新对齐季度目标，每月复盘", "info"),
        ("initial", SLID, "", "high"),
        ("stable", SLID, None, None),
        ("strategic", SLID, None, None),
        # Unsorted: the latest entry by date is `initial`, although `stable` is last in the file.
        ("initial", [entry("2026-06-01", "initial"), entry("2025-03-01", "stable")], None, None),
        # A future entry is a plan: the latest fact is `initial`.
        ("initial", [entry("2025-03-01", "initial"), entry("2027-01-01", "stable")], None, None),
        ("initial", [], None, None),
    ],
    ids=[
        "one-down",
        "two-down",
        "with-repair-plan",
        "empty-repair-plan",
        "same",
        "up",
        "unsorted",
        "future-entry",
        "no-history",
    ],
)
def test_rs003_slid_back_high_or_info_with_repair_plan(
    build, found, stage, history, plan, expected
):
    rel = relation(stage, None, history, repair_plan=plan)
    got = found(build(relationship=rel), "RS003")
    assert [f.severity.value for f in got] == ([expected] if expected else [])


def test_rs003_message_and_score(build, run):
    text = build(relationship=relation("initial", 0.3, SLID))
    report = run(text)
    (finding,) = [f for f in report.findings if f.rule == "RS003"]
    assert finding.message == (
        "The relationship has slid back from stable (2026-03-01) to initial, "
        "and there is no repair plan."
    )
    assert finding.path == "relationship.stage"
    # A high finding on a deal called commit is also HY010's: 100 × 0.85 × 0.85.
    assert [f.rule for f in report.findings] == ["HY010", "RS003"]
    assert report.score == 72
    repaired = run(build(relationship=relation("initial", 0.3, SLID, repair_plan="每月复盘")))
    (info,) = [f for f in repaired.findings if f.rule == "RS003"]
    assert "a repair plan is recorded" in info.message
    assert repaired.score == 100
    assert repaired.verdict.value == "ready"


# --- RS004 deal-outpaces-relationship ------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "share", "amount", "spend", "projected"),
    [
        ("development", 0, 2400000, 3000000, "80%"),  # strategic: three stages up
        ("development", 0, 1500000, 3000000, "50%"),  # stable: two stages up
        ("development", 0, 1400000, 3000000, None),  # initial: one stage up
        ("initial", 0.35, 600000, 2000000, None),  # 65%, stable: one stage up
        ("initial", 0.35, 1500000, 3000000, "85%"),  # strategic: two stages up
        ("initial", 0.2, 2400000, 3000000, "100%"),  # capped at 100%
        ("stable", 0.6, 2400000, 3000000, None),
        # Exactly 80%: strategic, two stages up, however the sum splits (0.1 + 0.7 is
        # 0.7999999999999999 as floats); 1 below it is stable.
        ("initial", 0.1, 700000, 1000000, "80%"),
        ("initial", "10%", 700000, 1000000, "80%"),
        ("initial", 0.2, 600000, 1000000, "80%"),
        ("initial", 0.1, 699999, 1000000, None),
        ("initial", "10.1%", 699000, 1000000, "80%"),  # 10.1% is 0.101, as written
        ("initial", 0.101, 699000, 1000000, "80%"),
    ],
)
def test_rs004_projected_share_band(build, found, stage, share, amount, spend, projected):
    rel = relation(stage, share, annual_spend=spend)
    got = found(build(deal={"amount": amount}, relationship=rel), "RS004")
    if projected is None:
        assert got == []
    else:
        (finding,) = got
        assert finding.severity.value == "medium"
        assert "would take our share from " in finding.message
        assert f"to {projected}" in finding.message
        assert f"the relationship is only {stage}" in finding.message
        assert finding.path == "deal.amount"


def test_rs004_message_gives_amounts_and_next_stage(build, found):
    rel = relation("development", 0, annual_spend=3000000)
    (finding,) = found(build(deal={"amount": 2400000}, relationship=rel), "RS004")
    assert finding.message == (
        "Winning this deal (CNY 2,400,000 against a yearly spend of CNY 3,000,000) would take "
        "our share from 0% to 80%, the strategic stage, but the relationship is only development."
    )
    assert "fits the initial stage" in finding.fix


@pytest.mark.parametrize(
    ("amount", "severity", "fires"),
    [
        (3000000, "medium", True),  # exactly the yearly spend: not more than it
        (3000001, "high", True),
        (30000000, "high", True),
    ],
)
def test_rs004_high_when_the_deal_alone_exceeds_the_yearly_spend(
    build, found, amount, severity, fires
):
    rel = relation("initial", 0.2, annual_spend=3000000)
    (finding,) = found(build(deal={"amount": amount}, relationship=rel), "RS004")
    assert finding.severity.value == severity
    if severity == "high":
        assert finding.message.startswith(f"This deal (CNY {amount:,}) is more than ")
        assert "whole yearly spend in our category (CNY 3,000,000)" in finding.message
        assert "give its yearly value in `deal.annual_value`" in finding.message
        assert finding.path == "deal.amount"


def test_rs004_exceeding_the_spend_one_stage_up_does_not_fire(build, found):
    rel = relation("stable", 0.6, annual_spend=3000000)
    assert found(build(deal={"amount": 30000000}, relationship=rel), "RS004") == []


@pytest.mark.parametrize(
    ("annual", "expected"),
    [
        # 3 years at 800,000: 35% + 27% = 62%, stable, one stage up from initial.
        (800000, None),
        # 1,500,000 a year: 35% + 50% = 85%, strategic, two stages up.
        (1500000, ("medium", "CNY 1,500,000 a year", "to 85%")),
        (3600000, ("high", "This deal's yearly value (CNY 3,600,000)", None)),
    ],
)
def test_rs004_uses_the_annual_value_of_a_multi_year_deal(build, found, annual, expected):
    rel = relation("initial", 0.35, annual_spend=3000000)
    text = build(deal={"amount": 2400000, "annual_value": annual}, relationship=rel)
    got = found(text, "RS004")
    if expected is None:
        assert got == []
        # The whole amount alone would have fired: 35% + 80%, capped, strategic.
        assert found(build(deal={"amount": 2400000}, relationship=rel), "RS004")
        return
    (finding,) = got
    severity, words, projected = expected
    assert finding.severity.value == severity
    assert words in finding.message
    if projected:
        assert projected in finding.message
    assert "annual_value`" not in finding.message.split("(")[0]
    assert finding.path == "deal.annual_value"


@pytest.mark.parametrize(
    ("stage", "share", "amount", "shown"),
    [
        ("initial", 0.355, 1500000, "from 36% to 86%"),  # half up, never 35.5%
        ("initial", 0.354, 1500000, "from 35% to 85%"),
        ("development", 0.2, 1000000, "from 20% to 53%"),  # 53.33%: a whole number
    ],
)
def test_rs004_percentages_are_whole_numbers(build, found, stage, share, amount, shown):
    rel = relation(stage, share, annual_spend=3000000)
    (finding,) = found(build(deal={"amount": amount}, relationship=rel), "RS004")
    assert shown in finding.message


@pytest.mark.parametrize(
    ("deal", "rel"),
    [
        ({"amount": None}, relation("development", 0, annual_spend=3000000)),
        ({"amount": 2400000}, relation("development", 0)),
        ({"amount": 2400000}, relation(None, 0, annual_spend=3000000)),
        ({"amount": 2400000}, relation("development", None, annual_spend=3000000)),
        ({"amount": None, "annual_value": 2400000}, relation("development", 0, annual_spend=3e6)),
    ],
    ids=["no-amount", "no-spend", "no-stage", "no-share", "annual-without-amount"],
)
def test_rs004_needs_all_four_facts(build, found, deal, rel):
    assert found(build(deal=deal, relationship=rel), "RS004") == []


# --- RS005 relationship-missing ---------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "rel", "fires"),
    [
        ("prospecting", None, False),
        ("qualification", None, True),
        ("negotiation", None, True),
        ("qualification", relation(share=0.3), True),
        ("qualification", relation("initial"), False),
    ],
)
def test_rs005_relationship_stage_from_qualification(build, found, stage, rel, fires):
    got = found(build(stage, relationship=rel), "RS005")
    assert [f.severity.value for f in got] == (["low"] if fires else [])
    if fires:
        assert "No relationship stage is recorded for 华东精密制造有限公司" in got[0].message


def test_rs005_is_capped_on_a_small_deal(build):
    assert RULES["RS005"].small_cap
    text = build("qualification", relationship=None)
    (capped,) = check("RS005", text, small=True)
    assert capped.severity.value == "info"
    (plain,) = check("RS005", text)
    assert plain.severity.value == "low"


@pytest.mark.parametrize("rule_id", ["RS001", "RS002", "RS003", "RS004"])
def test_only_rs005_is_paperwork(rule_id):
    assert not RULES[rule_id].small_cap
