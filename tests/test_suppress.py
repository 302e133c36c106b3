"""Suppressions: a reason, an optional expiry and target; S001/S002 explain themselves."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ebcheck.audit.engine import audit_text
from ebcheck.cli.app import app
from tests.deals import EB_NEVER_MET, READY

Write = Callable[..., Path]


def with_suppress(entries: str, text: str = EB_NEVER_MET) -> str:
    return text + "suppress:\n" + entries


def test_a_suppression_with_a_future_until_hides_the_finding() -> None:
    report = audit_text(
        with_suppress("  - {rule: EB002, reason: 张总下周二见面, until: 2026-12-01}\n")
    )
    assert [f.rule for f in report.findings] == []
    (hidden,) = report.suppressed
    assert (hidden.finding.rule, hidden.reason, str(hidden.until)) == (
        "EB002",
        "张总下周二见面",
        "2026-12-01",
    )
    assert (report.score, report.verdict.value) == (100, "ready")


def test_the_rule_may_be_named_by_name_in_any_case() -> None:
    report = audit_text(with_suppress("  - {rule: EB-Not-Met, reason: agreed}\n"))
    assert [s.finding.rule for s in report.suppressed] == ["EB002"]


def test_after_until_the_finding_is_back_and_the_report_says_why() -> None:
    report = audit_text(
        with_suppress("  - {rule: EB002, reason: 张总下周二见面, until: 2026-11-19}\n")
    )
    rules = [(f.rule, f.severity.value) for f in report.findings]
    assert rules == [("EB002", "critical"), ("S002", "info")]
    s002 = report.findings[1]
    assert "expired on 2026-11-19" in s002.message
    assert "1 finding is back" in s002.message
    assert report.suppressed == ()
    assert report.verdict.value == "not_ready"


def test_an_expired_entry_whose_finding_another_entry_still_hides_says_so() -> None:
    report = audit_text(
        with_suppress(
            "  - {rule: EB002, reason: old, until: 2026-11-01}\n"
            "  - {rule: eb-not-met, reason: 张总下周二见面, target: 张伟}\n"
        )
    )
    assert [f.rule for f in report.findings] == ["S002"]
    assert report.findings[0].message == (
        "The suppression of EB002 expired on 2026-11-01 (old); another `suppress` entry "
        "still hides the finding it named."
    )
    assert [s.finding.rule for s in report.suppressed] == ["EB002"]
    assert report.verdict.value == "ready"


def test_an_expired_entry_that_names_no_finding_says_so() -> None:
    report = audit_text(with_suppress("  - {rule: BI004, reason: old, until: 2026-11-01}\n"))
    (s002,) = [f for f in report.findings if f.rule == "S002"]
    assert s002.message.endswith("expired on 2026-11-01 (old); it names no finding now.")


def test_until_on_the_audit_date_still_applies() -> None:
    report = audit_text(with_suppress("  - {rule: EB002, reason: r, until: 2026-11-20}\n"))
    assert [f.rule for f in report.findings] == []


def test_target_limits_the_suppression_to_one_subject() -> None:
    hits = audit_text(with_suppress("  - {rule: EB002, reason: r, target: 张伟}\n"))
    assert [f.rule for f in hits.findings] == []
    misses = audit_text(with_suppress("  - {rule: EB002, reason: r, target: 李工}\n"))
    assert [f.rule for f in misses.findings] == ["EB002", "S001"]
    assert "for 李工 matches no finding" in misses.findings[1].message


def test_an_unused_or_unknown_suppression_is_reported_where_it_is_written() -> None:
    text = with_suppress("  - {rule: EB002, reason: r}\n  - {rule: XX999, reason: typo}\n")
    report = audit_text(text)
    (s001,) = [f for f in report.findings if f.rule == "S001"]
    assert "'XX999', which is no rule" in s001.message
    assert (s001.line, s001.path) == (text.count("\n"), "suppress[1]")


def test_file_errors_and_suppression_findings_cannot_be_suppressed() -> None:
    text = with_suppress(
        "  - {rule: S001, reason: r}\n  - {rule: XX1, reason: r}\n  - {rule: E002, reason: r}\n"
    )
    report = audit_text(text)
    assert sorted(f.rule for f in report.findings) == ["EB002", "S001", "S001", "S001"]


def test_a_reason_is_required(runner: CliRunner, write: Write) -> None:
    path = write("d.yaml", with_suppress("  - {rule: EB002}\n"))
    result = runner.invoke(app, ["audit", str(path), "-f", "json"])
    finding = json.loads(result.stdout)["deals"][0]["findings"][0]
    assert finding["rule"] == "E002"
    assert "missing required field 'reason'" in finding["message"]


def test_suppressed_findings_are_in_the_json_report(runner: CliRunner, write: Write) -> None:
    path = write("d.yaml", with_suppress("  - {rule: EB002, reason: 下周见面}\n"))
    deal = json.loads(runner.invoke(app, ["audit", str(path), "-f", "json"]).stdout)["deals"][0]
    assert deal["suppressed"][0]["rule"] == "EB002"
    assert deal["suppressed"][0]["reason"] == "下周见面"
    assert deal["suppressed"][0]["until"] is None
    assert "张伟" in deal["suppressed"][0]["message"]


@pytest.mark.parametrize(
    ("name", "target", "hidden"),
    [
        ("钱总", "钱总（副总）", True),  # a trailing note in brackets is ignored
        ("钱总（副总）", "钱总", True),
        ("钱总", "钱总 (VP)", True),
        ("Qian Zong", "  qian zong ", True),
        ("钱总", "钱", False),
    ],
)
def test_a_target_names_a_person_like_the_file(name: str, target: str, hidden: bool) -> None:
    ub = "  - {name: 王主任, title: 生产部主任, roles: [UB], stance: neutral, met: 2026-11-01}\n"
    opponent = f"  - {{name: {name}, title: 副总, stance: opponent}}\n"
    suppress = f"suppress:\n  - {{rule: BI006, reason: 已有应对, target: '{target}'}}\n"
    report = audit_text(READY.replace(ub, ub + opponent) + suppress)
    rules = [f.rule for f in report.findings]
    assert ("BI006" not in rules) is hidden
    assert ("S001" in rules) is not hidden


def test_a_risk_target_keeps_its_brackets() -> None:
    text = READY.replace("      owner: 陈默\n", "").replace(
        "    - risk: 数据迁移可能延期\n", "    - risk: 数据迁移可能延期（一期）\n"
    )
    wrong = text + "suppress:\n  - {rule: CD002, reason: x, target: 数据迁移可能延期（二期）}\n"
    right = text + "suppress:\n  - {rule: CD002, reason: x, target: ' 数据迁移可能延期（一期） '}\n"
    assert "CD002" in [f.rule for f in audit_text(wrong).findings]
    assert "CD002" not in [f.rule for f in audit_text(right).findings]
