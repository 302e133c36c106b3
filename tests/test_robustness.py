"""Hostile and unusual input: every case ends in a located message and the right exit code."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ebcheck.audit import engine as api
from ebcheck.cli.app import app
from tests.deals import EB_NEVER_MET, READY

Write = Callable[..., Path]


def audit(runner: CliRunner, *args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["audit", *args], env=env)


def test_an_infinite_amount_is_one_invalid_file_not_a_crash(
    runner: CliRunner, write: Write, tmp_path: Path
) -> None:
    write("a.yaml", READY)
    write("b.yaml", READY.replace("HD-2026-031", "B").replace("amount: 1200000", "amount: .inf"))
    result = audit(runner, str(tmp_path), "-f", "json")
    assert result.exit_code == 1
    deals = {Path(d["path"]).name: d for d in json.loads(result.stdout)["deals"]}
    assert deals["a.yaml"]["verdict"] == "ready"
    (error,) = deals["b.yaml"]["findings"]
    assert error["message"].startswith("deal.amount: expected a finite number")


def test_a_loader_bug_costs_one_file_and_exits_3(
    runner: CliRunner, write: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write("a.yaml", READY)
    write("b.yaml", READY.replace("HD-2026-031", "B"))
    real = api.load_bytes

    def flaky(data: bytes, stages: object = None) -> api.Loaded:
        if b"id: B\n" in data:
            raise RuntimeError("boom")
        return real(data, stages)  # type: ignore[arg-type]

    monkeypatch.setattr(api, "load_bytes", flaky)
    result = audit(runner, str(tmp_path), "-f", "json", "-j", "1")
    assert result.exit_code == 3
    deals = {Path(d["path"]).name: d["verdict"] for d in json.loads(result.stdout)["deals"]}
    assert deals == {"a.yaml": "ready", "b.yaml": "invalid"}
    assert "RuntimeError: boom" in result.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_in_a_walked_folder_is_skipped(
    runner: CliRunner, write: Write, tmp_path: Path
) -> None:
    write("deal.yaml", READY)
    os.mkfifo(tmp_path / "pipe.yaml")
    result = audit(runner, str(tmp_path), "-f", "json")
    assert result.exit_code == 0
    (deal,) = json.loads(result.stdout)["deals"]
    assert deal["path"].endswith("deal.yaml")


def test_a_large_non_deal_yaml_is_skipped_and_a_large_deal_reported(
    runner: CliRunner, write: Write, tmp_path: Path
) -> None:
    paths = "".join(f"  /p{i}:\n    get: {{summary: '{'x' * 60}'}}\n" for i in range(20000))
    write("openapi.yaml", "openapi: 3.0.0\npaths:\n" + paths)
    write("huge-deal.yaml", READY + "notes: '" + "x" * (1024 * 1024) + "'\n")
    result = audit(runner, str(tmp_path), "-f", "json")
    report = json.loads(result.stdout)
    assert report["summary"]["skipped"] == 1
    (deal,) = report["deals"]
    assert deal["path"].endswith("huge-deal.yaml")
    assert "larger than the 1 MiB" in deal["findings"][0]["message"]


def test_one_file_named_twice_is_audited_once(
    runner: CliRunner, write: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write("w/a.yaml", READY)
    monkeypatch.chdir(tmp_path / "w")
    result = audit(runner, ".", "a.yaml", "../w/a.yaml", "-f", "json")
    report = json.loads(result.stdout)
    assert report["summary"]["deals"] == 1
    assert "HY005" not in result.stdout


@pytest.mark.parametrize("target", ["missing/dir/r.json", "."])
def test_an_output_that_cannot_be_written_is_exit_2(
    runner: CliRunner, write: Write, tmp_path: Path, target: str
) -> None:
    deal = write("d.yaml", READY)
    result = audit(runner, str(deal), "-o", str(tmp_path / target))
    assert result.exit_code == 2
    assert "cannot write" in result.stderr


def test_reports_are_written_with_the_usual_file_mode(
    runner: CliRunner, write: Write, tmp_path: Path
) -> None:
    deal = write("d.yaml", READY)
    old = os.umask(0o022)
    try:
        audit(runner, str(deal), "-f", "json", "-o", str(tmp_path / "r.json"))
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "r.json").stat().st_mode) == 0o644


def test_an_unwritable_step_summary_is_a_warning(
    runner: CliRunner, write: Write, tmp_path: Path
) -> None:
    deal = write("d.yaml", EB_NEVER_MET)
    env = {"GITHUB_STEP_SUMMARY": str(tmp_path / "missing" / "summary.md")}
    result = audit(runner, str(deal), "-f", "github", env=env)
    assert result.exit_code == 1
    assert "warning: cannot append to GITHUB_STEP_SUMMARY" in result.stderr
    assert "::error file=" in result.stdout


def test_suppressing_a_switched_off_rule_is_unused_and_says_why(
    runner: CliRunner, write: Write
) -> None:
    # The catalog: an entry that matches no finding is S001, whatever the reason.
    text = READY + "suppress:\n  - {rule: BI007, reason: 用户部门尚未成立}\n"
    deal = write("d.yaml", text)
    on = json.loads(audit(runner, str(deal), "-f", "json").stdout)["deals"][0]
    assert [f["rule"] for f in on["findings"]] == ["S001"]
    assert on["findings"][0]["message"] == "The suppression of BI007 matches no finding."
    off = json.loads(audit(runner, str(deal), "-f", "json", "--ignore", "BI").stdout)["deals"][0]
    (unused,) = off["findings"]
    assert unused["rule"] == "S001"
    assert unused["message"] == (
        "The suppression of BI007 matches no finding: BI007 does not run in this audit "
        "(`--select`, `--ignore` or the config)."
    )
    assert unused["fix"].startswith("Nothing to do while BI007 is off")
    assert off["score"] == 100  # S findings weigh nothing


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            "rules:\n  EB006: {max_dayz: 60}\n",
            ".ebcheck.yaml:2:11: EB006 (eb-meeting-stale): "
            "unknown option 'max_dayz' (known: max_days)",
        ),
        (
            "rules:\n  EB006: {max_days: -1}\n",
            ".ebcheck.yaml:2:11: EB006 (eb-meeting-stale): "
            "invalid option max_days: expected a number of at least 0, found -1",
        ),
        ("select: [EB, ZZ]\n", ".ebcheck.yaml:1:14: 'ZZ' names no rule"),
        ("rules:\n  E001: off\n", ".ebcheck.yaml:2:3: E001: files that cannot be audited"),
        ("fail_on: high\nfail_on: low\n", ".ebcheck.yaml:2:1: duplicate key 'fail_on'"),
        ("baseline: 5\n", ".ebcheck.yaml:1:11: baseline expects the path of a baseline file"),
        ("fail_on: [\n", ".ebcheck.yaml:1:10: not valid YAML: the '[' opened here is never closed"),
    ],
)
def test_config_errors_name_file_line_and_column(
    runner: CliRunner,
    write: Write,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    config: str,
    message: str,
) -> None:
    write(".ebcheck.yaml", config)
    write("d.yaml", READY)
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    result = audit(runner, "d.yaml")
    assert result.exit_code == 2
    assert message in result.stderr.replace(str(tmp_path) + "/", "")


def test_an_empty_config_means_defaults(
    runner: CliRunner, write: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(".ebcheck.yaml", "# nothing yet\n")
    write("d.yaml", READY)
    monkeypatch.chdir(tmp_path)
    assert audit(runner, "d.yaml").exit_code == 0


def test_baseline_without_output_writes_where_the_config_says(
    runner: CliRunner, write: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(".ebcheck.yaml", "baseline: ci/known.json\n")
    write("ci/.keep", "")
    write("d.yaml", EB_NEVER_MET)
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["baseline", "d.yaml"]).exit_code == 0
    assert (tmp_path / "ci" / "known.json").exists()
    assert audit(runner, "d.yaml").exit_code == 0


@pytest.mark.parametrize("value", ["20261120", "2026-W47-5", "2026/11/20"])
def test_as_of_must_be_written_yyyy_mm_dd(runner: CliRunner, write: Write, value: str) -> None:
    result = audit(runner, str(write("d.yaml", READY)), "--as-of", value)
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.stderr


def test_lang_is_case_insensitive(runner: CliRunner, write: Write) -> None:
    result = audit(runner, str(write("d.yaml", EB_NEVER_MET)), "--lang", "ZH")
    assert result.exit_code == 1
    assert "采购决策圈" in result.stdout


def test_an_empty_folder_says_so(runner: CliRunner, tmp_path: Path) -> None:
    result = audit(runner, str(tmp_path), env={"NO_COLOR": "1"})
    assert result.exit_code == 0
    assert "No deal files found." in result.stdout
    assert "no deal files found in" in result.stderr


def test_amounts_add_up_exactly(runner: CliRunner, write: Write, tmp_path: Path) -> None:
    write("a.yaml", READY.replace("HD-2026-031", "A").replace("amount: 1200000", "amount: 0.1"))
    write("b.yaml", READY.replace("HD-2026-031", "B").replace("amount: 1200000", "amount: 0.2"))
    summary = json.loads(audit(runner, str(tmp_path), "-f", "json").stdout)["summary"]
    assert summary["amount"] == {"CNY": 0.3}


def test_suppression_targets_ignore_case_and_spaces(runner: CliRunner, write: Write) -> None:
    text = EB_NEVER_MET.replace("张伟", "Zhang Wei") + (
        "suppress:\n  - {rule: EB002, reason: meeting on Tuesday, target: ' zhang wei '}\n"
    )
    deal = json.loads(audit(runner, str(write("d.yaml", text)), "-f", "json").stdout)["deals"][0]
    assert [s["rule"] for s in deal["suppressed"]] == ["EB002"]


def test_a_blank_plan_is_no_plan(runner: CliRunner, write: Write) -> None:
    text = READY.replace(
        "  - {name: 王主任, title: 生产部主任, roles: [UB], stance: neutral, met: 2026-11-01}",
        "  - {name: 王主任, title: 生产部主任, roles: [UB], stance: opponent, met: 2026-11-01,\n"
        "     plan: '   '}",
    )
    deal = json.loads(audit(runner, str(write("d.yaml", text)), "-f", "json").stdout)["deals"][0]
    assert [f["rule"] for f in deal["findings"]] == ["BI006"]
