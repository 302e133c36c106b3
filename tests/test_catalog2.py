"""Catalog 2 as a user sees it through the CLI: score and verdict, early deals,
small deals, baselines that never change how ready a deal is, the JSON report
edition 2, closed deals."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ebcheck.audit.engine import audit_text
from ebcheck.cli.app import app
from tests.deals import EB_NEVER_MET, READY

Write = Callable[..., Path]


def audit_json(runner: CliRunner, *args: str) -> tuple[int, dict[str, Any]]:
    result = runner.invoke(app, ["audit", *args, "-f", "json"])
    return result.exit_code, json.loads(result.stdout)


def test_the_ready_deal_is_ready(runner: CliRunner, write: Write) -> None:
    code, report = audit_json(runner, str(write("d.yaml", READY)))
    deal = report["deals"][0]
    assert [f["rule"] for f in deal["findings"]] == []
    assert (deal["score"], deal["verdict"], code) == (100, "ready", 0)


def test_report_edition_2_keys(runner: CliRunner, write: Write) -> None:
    text = READY.replace(
        "  close_date: 2026-12-31\n",
        "  close_date: 2026-12-31\n  forecast: commit\n  stage_entered: 2026-10-20\n"
        "  close_date_history: [2026-10-31, 2026-11-30]\n",
    )
    _, report = audit_json(runner, str(write("d.yaml", text)))
    assert report["ebcheck_report"] == 2
    deal = report["deals"][0]
    assert (deal["type"], deal["forecast"], deal["pushes"], deal["days_in_stage"]) == (
        "new",
        "commit",
        2,
        31,
    )
    assert "new_verdict" not in deal  # only with a baseline
    commit = report["summary"]["by_forecast"]["commit"]
    assert commit["amount"] == {"CNY": 1200000}


def test_unknown_pushes_and_days_are_null(runner: CliRunner, write: Write) -> None:
    _, report = audit_json(runner, str(write("d.yaml", READY)))
    deal = report["deals"][0]
    assert (deal["pushes"], deal["days_in_stage"], deal["forecast"]) == (None, None, None)
    assert report["summary"]["by_forecast"] == {
        "none": {"amount": {"CNY": 1200000}, "at_risk": {"CNY": 0}}
    }


def test_a_prospecting_deal_is_early_and_never_at_risk(runner: CliRunner, write: Write) -> None:
    text = READY.replace("  stage: proposal\n", "  stage: prospecting\n")
    code, report = audit_json(runner, str(write("d.yaml", text)), "--fail-on", "at_risk")
    assert report["deals"][0]["verdict"] == "early"
    assert code == 0
    assert report["summary"]["amount_at_risk"] == {"CNY": 0}


def test_two_criticals_score_49_and_the_score_never_reaches_zero(
    runner: CliRunner, write: Write
) -> None:
    thin = (
        "ebcheck: 1\nas_of: 2026-11-20\n"
        "deal: {id: T-1, name: Thin, account: Acme, stage: negotiation, close_date: 2026-12-31}\n"
    )
    _, report = audit_json(runner, str(write("thin.yaml", thin)))
    deal = report["deals"][0]
    assert deal["verdict"] == "not_ready"
    assert 1 <= deal["score"] < 49
    # The doctrine's deal without an EB meeting is far from the empty file.
    _, never_met = audit_json(runner, str(write("d.yaml", EB_NEVER_MET)))
    assert never_met["deals"][0]["score"] > deal["score"]


def test_an_unused_suppression_does_not_lower_the_score(runner: CliRunner, write: Write) -> None:
    text = READY + "suppress:\n  - {rule: CD001, reason: no estimate yet}\n"
    _, report = audit_json(runner, str(write("d.yaml", text)))
    deal = report["deals"][0]
    assert [f["rule"] for f in deal["findings"]] == ["S001"]
    assert (deal["score"], deal["verdict"]) == (100, "ready")


def test_a_baseline_keeps_the_true_verdict_and_ci_green(
    runner: CliRunner, write: Write, tmp_path: Path
) -> None:
    deal = write("d.yaml", EB_NEVER_MET)
    base = tmp_path / "base.json"
    assert runner.invoke(app, ["baseline", str(deal), "-o", str(base)]).exit_code == 0
    code, report = audit_json(runner, str(deal), "--baseline", str(base))
    entry = report["deals"][0]
    assert (entry["verdict"], entry["new_verdict"], code) == ("not_ready", "ready", 0)
    assert [f["rule"] for f in entry["baselined"]] == ["EB002"]
    assert report["summary"]["amount_at_risk"] == {"CNY": 1200000}
    # At a severity level too, only findings outside the baseline fail; a new one does.
    code, _ = audit_json(runner, str(deal), "--baseline", str(base), "--fail-on", "medium")
    assert code == 0
    deal.write_text(EB_NEVER_MET.replace("  next_step:", "  x-next:"), encoding="utf-8")
    code, report = audit_json(runner, str(deal), "--baseline", str(base), "--fail-on", "medium")
    assert [f["rule"] for f in report["deals"][0]["findings"]] == ["HY002"]
    assert code == 1


SMALL = READY.replace("  amount: 1200000\n", "  amount: 180000\n")


@pytest.mark.parametrize(
    ("amount", "currency", "small"),
    [
        ("180000", "CNY", True),
        ("299999", "CNY", True),
        ("300000", "CNY", False),
        ("49000", "USD", True),
        ("60000", "USD", False),
        ("10000", "JPY", False),  # other currencies are never small
    ],
)
def test_small_deals_get_light_paperwork(
    runner: CliRunner, write: Write, amount: str, currency: str, small: bool
) -> None:
    # A deal without a sponsor or shared goals: CT001 and CT002 are (s) rules.
    text = (
        READY.replace("  amount: 1200000\n", f"  amount: {amount}\n")
        .replace("  currency: CNY\n", f"  currency: {currency}\n")
        .replace("  sponsor: 张伟\n", "")
        .replace("  shared_goals: [库存周转提升20%]\n", "")
    )
    _, report = audit_json(runner, str(write("d.yaml", text)))
    deal = report["deals"][0]
    severities = {f["rule"]: f["severity"] for f in deal["findings"]}
    assert set(severities) == {"CT001", "CT002"}
    if small:
        assert set(severities.values()) == {"info"}
        assert (deal["score"], deal["verdict"]) == (100, "ready")
    else:
        assert set(severities.values()) == {"medium"}
        assert deal["score"] == 86


def test_default_currency_makes_a_deal_without_currency_small(
    runner: CliRunner, write: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = SMALL.replace("  currency: CNY\n", "").replace("  sponsor: 张伟\n", "")
    deal = write("d.yaml", text)
    _, without = audit_json(runner, str(deal))
    assert {f["rule"]: f["severity"] for f in without["deals"][0]["findings"]} == {
        "CT001": "medium"
    }
    assert without["summary"]["amount"] == {"unknown": 180000}
    config = write(".ebcheck.yaml", "default_currency: CNY\n")
    _, with_default = audit_json(runner, str(deal), "--config", str(config))
    assert {f["rule"]: f["severity"] for f in with_default["deals"][0]["findings"]} == {
        "CT001": "info"
    }
    assert with_default["summary"]["amount"] == {"CNY": 180000}


def test_a_configured_severity_is_still_capped_on_a_small_deal(
    runner: CliRunner, write: Write
) -> None:
    deal = write("d.yaml", SMALL.replace("  sponsor: 张伟\n", ""))
    config = write(".ebcheck.yaml", "rules:\n  CT001: {severity: critical}\n")
    _, report = audit_json(runner, str(deal), "--config", str(config))
    assert {f["rule"]: f["severity"] for f in report["deals"][0]["findings"]} == {"CT001": "info"}


def test_closed_deals_get_only_the_loss_reason_check(runner: CliRunner, write: Write) -> None:
    lost = EB_NEVER_MET.replace("  stage: proposal\n", "  stage: closed_lost\n")
    _, report = audit_json(runner, str(write("lost.yaml", lost)))
    deal = report["deals"][0]
    assert [(f["rule"], f["severity"]) for f in deal["findings"]] == [("HY012", "info")]
    assert (deal["verdict"], deal["score"]) == ("closed", None)
    explained = lost.replace(
        "  stage: closed_lost\n", "  stage: closed_lost\n  lost_reason: 价格\n"
    )
    _, report = audit_json(runner, str(write("lost2.yaml", explained)))
    assert report["deals"][0]["findings"] == []


TENDER = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: T-1, name: HIS, account: 滨江医院, stage: proposal, close_date: 2026-12-30,
       amount: 2600000, currency: CNY}
procurement: {method: public_tender, announced: 2026-11-05}
stakeholders:
  - {name: 张伟, roles: [EB], authority: claimed, mode: even_keel, met: 2026-05-01}
  - {name: 刘评, roles: [TB], stance: opponent, influence: high}
insights: {preference: competitor, decision_date: 2027-01-10}
decision_process: {criteria: [{criterion: 三甲案例, mandatory: true, fit: gap}]}
"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_fix_sends_the_rep_to_the_customer_in_an_announced_tender(
    runner: CliRunner, write: Write, lang: str
) -> None:
    _, report = audit_json(runner, str(write("t.yaml", TENDER)), "--lang", lang)
    findings = report["deals"][0]["findings"]
    assert len(findings) >= 10
    contact = re.compile(
        r"\b(meet|meeting with|call|visit|ask (him|her|them|张伟|刘评))\b|见面|拜访|约见|去见|请教",
        re.I,
    )
    for finding in findings:
        fix = finding["fix"]
        if contact.search(fix):
            assert re.search(r"do not|不要|不能", fix), (finding["rule"], fix)


def test_before_the_announcement_fixes_still_say_whom_to_meet(
    runner: CliRunner, write: Write
) -> None:
    text = TENDER.replace("announced: 2026-11-05", "announced: 2026-12-05")
    _, report = audit_json(runner, str(write("t.yaml", text)))
    fixes = {f["rule"]: f["fix"] for f in report["deals"][0]["findings"]}
    assert "tender was announced" not in fixes["EB003"]
    assert "张伟" in fixes["EB003"]


def test_capped_findings_never_weigh_even_when_info_weighs(runner: CliRunner, write: Write) -> None:
    deal = write("d.yaml", SMALL.replace("  sponsor: 张伟\n", ""))
    config = write(".ebcheck.yaml", "weights: {info: 50}\n")
    _, report = audit_json(runner, str(deal), "--config", str(config))
    entry = report["deals"][0]
    assert [(f["rule"], f["severity"]) for f in entry["findings"]] == [("CT001", "info")]
    assert (entry["score"], entry["verdict"]) == (100, "ready")


@pytest.mark.parametrize("key", ["S001", "suppression-unused", "S002", "HY005"])
def test_every_rule_the_catalog_lists_can_be_configured(
    runner: CliRunner, write: Write, key: str
) -> None:
    deal = write("d.yaml", READY + "suppress:\n  - {rule: CD001, reason: no estimate yet}\n")
    config = write(".ebcheck.yaml", f"rules:\n  {key}: off\n")
    code, report = audit_json(runner, str(deal), "--config", str(config))
    rules = [f["rule"] for f in report["deals"][0]["findings"]]
    assert code == 0
    assert ("S001" in rules) is (key not in ("S001", "suppression-unused"))


def test_a_closed_deal_can_suppress_hy012_and_shows_its_findings(
    runner: CliRunner, write: Write
) -> None:
    lost = EB_NEVER_MET.replace("  stage: proposal\n", "  stage: closed_lost\n")
    accepted = lost + "suppress:\n  - {rule: HY012, reason: 价格原因已在 CRM 记录}\n"
    _, report = audit_json(runner, str(write("lost.yaml", accepted)))
    deal = report["deals"][0]
    assert deal["findings"] == []  # no S001 either: a closed deal is not judged
    assert [s["rule"] for s in deal["suppressed"]] == ["HY012"]
    terminal = runner.invoke(app, ["audit", str(write("lost2.yaml", lost))]).stdout
    assert "HY012" in terminal and "Closed deal" in terminal


def test_with_a_baseline_every_deal_has_a_new_verdict(
    runner: CliRunner, write: Write, tmp_path: Path
) -> None:
    write("deals/open.yaml", EB_NEVER_MET)
    write("deals/won.yaml", READY.replace("  stage: proposal\n", "  stage: closed_won\n"))
    write("deals/broken.yaml", "ebcheck: 1\ndeal: [\n")
    base = tmp_path / "base.json"
    runner.invoke(app, ["baseline", str(tmp_path / "deals"), "-o", str(base)])
    _, report = audit_json(runner, str(tmp_path / "deals"), "--baseline", str(base))
    verdicts = {d["path"].split("/")[-1]: (d["verdict"], d["new_verdict"]) for d in report["deals"]}
    assert verdicts["open.yaml"] == ("not_ready", "ready")
    assert verdicts["won.yaml"] == ("closed", "closed")
    assert verdicts["broken.yaml"] == ("invalid", "invalid")


def test_paperwork_capped_on_a_small_deal_never_leads_its_pipeline_row() -> None:
    text = SMALL.replace("  sponsor: 张伟\n", "")
    report = audit_text(text)
    assert [(f.rule, f.severity.value) for f in report.findings] == [("CT001", "info")]
    assert report.top_finding is None
    # The same gap on a deal that is not small weighs, and leads it.
    big = audit_text(READY.replace("  sponsor: 张伟\n", ""))
    assert big.top_finding is not None and big.top_finding.rule == "CT001"


def test_the_file_s_bookkeeping_never_leads_a_pipeline_row() -> None:
    report = audit_text(READY + "suppress:\n  - {rule: BI004, reason: r}\n")
    assert [f.rule for f in report.findings] == ["S001"]
    assert report.top_finding is None
