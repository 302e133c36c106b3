"""Issue 10, point 3: everything bounded.

Inputs are read up to the size limit and one byte, and only from regular
files; globs match in linear time; HY005 names a few other files; findings
are capped per rule and per file; baselines and configs nested deeply or
holding huge numbers are exit 2.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ebcheck.audit.caps import PER_FILE, PER_RULE
from ebcheck.audit.engine import Engine
from ebcheck.audit.settings import Settings
from ebcheck.audit.walk import globs
from ebcheck.cli.app import app
from tests.security_support import deal_text, run_ebcheck


def test_a_named_symlink_to_dev_zero_is_one_unreadable_file(tmp_path: Path) -> None:
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    result = run_ebcheck("audit", "zero.yaml", "-f", "json", cwd=tmp_path, timeout=30)
    assert result.returncode == 1
    findings = json.loads(result.stdout)["deals"][0]["findings"]
    assert [f["rule"] for f in findings] == ["E001"]
    assert "not a regular file" in findings[0]["message"]


def test_a_named_fifo_never_blocks(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    result = run_ebcheck("audit", "pipe.yaml", "-f", "json", cwd=tmp_path, timeout=30)
    assert result.returncode == 1
    assert json.loads(result.stdout)["deals"][0]["verdict"] == "invalid"


def test_a_configured_baseline_of_dev_zero_is_exit_2_at_once(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "deal.yaml").write_text(deal_text(), encoding="utf-8")
    (tmp_path / ".ebcheck.yaml").write_text("baseline: /dev/zero\n", encoding="utf-8")
    result = run_ebcheck("audit", "deal.yaml", cwd=tmp_path, timeout=30)
    assert result.returncode == 2
    assert b"/dev/zero" in result.stderr


def test_a_config_that_is_a_fifo_never_blocks(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "deal.yaml").write_text(deal_text(), encoding="utf-8")
    os.mkfifo(tmp_path / ".ebcheck.yaml")
    result = run_ebcheck(
        "audit", "deal.yaml", "--config", ".ebcheck.yaml", cwd=tmp_path, timeout=30
    )
    assert result.returncode == 2


@pytest.mark.parametrize(
    "pattern", ["**/*/" * 24 + "x.yaml", "d/**/" * 24 + "x.yaml", "*a" * 30 + "*b.yaml"]
)
def test_glob_matching_takes_linear_time(pattern: str) -> None:
    spec = globs([pattern], "include")
    start = time.perf_counter()
    for path in ("d/" * 40 + "y.yaml", "a" * 200 + ".yaml"):
        assert not spec.match_file(path)
    assert time.perf_counter() - start < 1


def test_hy005_names_a_few_other_files_and_counts_the_rest() -> None:
    engine = Engine.create(Settings())
    texts = {f"deal-{n:02}.yaml": deal_text("SAME-ID") for n in range(12)}
    report = engine.audit_texts(texts)
    message = next(f.message for f in report.deals[0].findings if f.rule == "HY005")
    assert message.count("deal-") == 5
    assert "6 more files" in message


def test_findings_are_capped_per_rule_with_a_summary() -> None:
    people = "".join(
        f"  - {{name: P{n}, roles: [UB], stance: neutral, influence: high}}\n" for n in range(300)
    )
    text = deal_text().replace("stakeholders:\n", "stakeholders:\n" + people)
    report = Engine.create(Settings()).audit_text(text)
    by_rule: dict[str, int] = {}
    for finding in report.findings:
        by_rule[finding.rule] = by_rule.get(finding.rule, 0) + 1
    assert max(by_rule.values()) <= PER_RULE + 1
    assert len(report.findings) <= PER_FILE + len(by_rule)
    assert any("more" in f.message and "not shown" in f.message for f in report.findings)


def test_findings_past_the_cap_still_weigh_in_the_score() -> None:
    # 55 users never met at proposal: 55 low BI007 findings, 50 of them shown. The
    # catalog's score is over all of them: round(100 × 0.97⁵⁵) = 19, not 0.97⁵⁰'s 22.
    people = "".join(f"  - {{name: P{n}, roles: [UB]}}\n" for n in range(55))
    text = deal_text().replace("stakeholders:\n", "stakeholders:\n" + people)
    report = Engine.create(Settings()).audit_text(text)
    shown = [f for f in report.findings if f.rule == "BI007" and f.severity.value == "low"]
    assert len(shown) == PER_RULE
    assert report.score == 19
    assert report.verdict.value == "not_ready"


def test_a_file_of_thousands_of_errors_is_capped() -> None:
    people = "".join(f"  - {{name: P{n}, stance: maybe}}\n" for n in range(2000))
    text = deal_text().replace("stakeholders:\n", "stakeholders:\n" + people)
    report = Engine.create(Settings()).audit_text(text)
    assert report.deal is None
    assert len(report.findings) <= PER_RULE + 1


@pytest.mark.parametrize(
    "document",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"ebcheck_baseline": 1, "entries": [{"rule": "EB002", "deal": "x", "path": "p", '
        '"count": ' + "9" * 5000 + "}]}",
        '{"ebcheck_baseline": 1, "entries": [{"rule": "EB002", "deal": "x", "path": "p", '
        '"count": ' + "9" * 400 + "}]}",
    ],
    ids=["nested", "5000-digit", "400-digit"],
)
def test_a_hostile_baseline_is_exit_2(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, document: str
) -> None:
    (tmp_path / "deal.yaml").write_text(deal_text(), encoding="utf-8")
    (tmp_path / "base.json").write_text(document, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["audit", "deal.yaml", "--baseline", "base.json"])
    assert result.exit_code == 2
    assert "base.json" in result.stderr


@pytest.mark.parametrize(
    "config",
    [
        "rules: " + "{a: " * 200 + "1" + "}" * 200,
        "rules: {EB006: {max_days: " + "9" * 500 + "}}",
        "rules: {HY009: {max_days: {proposal: 99999999999999999999}}}",
        "weights: {critical: " + "9" * 5000 + "}",
    ],
    ids=["nested", "500-digit", "per-stage", "5000-digit"],
)
def test_a_hostile_config_is_exit_2(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: str
) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "deal.yaml").write_text(deal_text(), encoding="utf-8")
    (tmp_path / ".ebcheck.yaml").write_text(config + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["audit", "deal.yaml"])
    assert result.exit_code == 2, result.output
    assert ".ebcheck.yaml" in result.stderr


def test_thousands_of_stakeholders_are_judged_in_seconds_not_minutes() -> None:
    # Each finding used to look up the EB among every stakeholder: quadratic.
    people = "".join(f"  - {{name: P{n}, roles: [UB]}}\n" for n in range(8000))
    text = deal_text().replace("stakeholders:\n", "stakeholders:\n" + people)
    engine = Engine.create(Settings())
    start = time.perf_counter()
    report = engine.audit_text(text)
    assert time.perf_counter() - start < 15
    assert len(report.findings) <= PER_FILE + PER_FILE // PER_RULE
