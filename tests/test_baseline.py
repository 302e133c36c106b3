"""The baseline: keyed without line numbers; CI fails only on new findings."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from ebcheck.cli.app import app
from tests.deals import EB_NEVER_MET

Write = Callable[..., Path]


def record(runner: CliRunner, deal: Path, target: Path) -> None:
    result = runner.invoke(app, ["baseline", str(deal), "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    assert "recorded 1 finding of 1 deal" in result.stderr


def test_editing_an_unrelated_field_keeps_the_run_green(
    runner: CliRunner, write: Write, tmp_path: Path
) -> None:
    deal = write("deals/d.yaml", EB_NEVER_MET)
    base = tmp_path / "baseline.json"
    record(runner, deal, base)
    entry = json.loads(base.read_text(encoding="utf-8"))["entries"][0]
    assert (entry["rule"], entry["deal"], entry["path"]) == (
        "EB002",
        "HD-2026-031",
        "stakeholders[张伟]",
    )
    assert "line" not in entry
    # Lines move: a new first stakeholder and a longer note above the EB.
    moved = EB_NEVER_MET.replace(
        "stakeholders:\n",
        "stakeholders:\n  - {name: 赵主任, roles: [UB], met: 2026-11-02}\n",
    ).replace("  owner: 陈默\n", "  owner: 陈默\n  x-note: |\n    one\n    two\n")
    deal.write_text(moved, encoding="utf-8")
    result = runner.invoke(app, ["audit", str(deal), "--baseline", str(base), "-f", "json"])
    assert result.exit_code == 0, result.stdout
    report = json.loads(result.stdout)
    assert report["deals"][0]["findings"] == []
    assert [f["rule"] for f in report["deals"][0]["baselined"]] == ["EB002"]
    # A baseline changes what fails CI, never how ready the deal is (catalog 2):
    # the baselined EB002 still weighs, and --fail-on judges the new findings only.
    deal_report = report["deals"][0]
    assert (deal_report["score"], deal_report["verdict"]) == (70, "not_ready")
    assert deal_report["new_verdict"] == "ready"


def test_a_new_critical_finding_fails(runner: CliRunner, write: Write, tmp_path: Path) -> None:
    deal = write("d.yaml", EB_NEVER_MET)
    base = tmp_path / "baseline.json"
    record(runner, deal, base)
    worse = EB_NEVER_MET.replace("committed_days: 50", "committed_days: 20").replace(
        "      raised_with: 张伟\n", ""
    )
    deal.write_text(worse, encoding="utf-8")
    result = runner.invoke(app, ["audit", str(deal), "--baseline", str(base), "-f", "json"])
    assert result.exit_code == 1
    findings = json.loads(result.stdout)["deals"][0]["findings"]
    assert "CD001" in {f["rule"] for f in findings}
    assert "EB002" not in {f["rule"] for f in findings}


def test_entries_that_no_longer_match_are_reported(
    runner: CliRunner, write: Write, tmp_path: Path
) -> None:
    deal = write("d.yaml", EB_NEVER_MET)
    base = tmp_path / "baseline.json"
    record(runner, deal, base)
    deal.write_text(
        EB_NEVER_MET.replace(
            "    authority: confirmed\n", "    met: 2026-11-10\n    authority: confirmed\n"
        ),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["audit", str(deal), "--baseline", str(base), "-f", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["summary"]["baseline_unmatched"] == 1
    text = runner.invoke(
        app, ["audit", str(deal), "--baseline", str(base)], env={"NO_COLOR": "1"}
    ).stdout
    assert "1 baseline entr" in text


def test_a_missing_or_invalid_baseline_is_exit_2(
    runner: CliRunner, write: Write, tmp_path: Path
) -> None:
    deal = write("d.yaml", EB_NEVER_MET)
    missing = runner.invoke(app, ["audit", str(deal), "--baseline", str(tmp_path / "no.json")])
    assert missing.exit_code == 2
    assert "baseline file not found" in missing.stderr
    broken = write("b.json", "{not json")
    invalid = runner.invoke(app, ["audit", str(deal), "--baseline", str(broken)])
    assert invalid.exit_code == 2
    assert "not a readable baseline" in invalid.stderr


def test_a_folder_given_as_the_baseline_is_said_to_be_one(
    runner: CliRunner, write: Write, tmp_path: Path
) -> None:
    deal = write("d.yaml", EB_NEVER_MET)
    (tmp_path / "base").mkdir()
    result = runner.invoke(app, ["audit", str(deal), "--baseline", str(tmp_path / "base")])
    assert result.exit_code == 2
    assert "base: not a baseline file but a folder" in result.stderr
