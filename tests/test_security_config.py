"""Issue 10, point 6: config is strict and discoverable.

Discovery stops at the repository root, and outside a repository at the
working folder; `--no-config` turns it off; `-v` names the config used.
Invalid `off` values, booleans for numbers, a rule configured twice and an
empty `--changed-since` are exit 2 naming the key.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from ebcheck.cli.app import app
from tests.security_support import deal_text

SILENCE = "rules: {EB002: off}\n"
UNMET = deal_text().replace("    met: 2026-11-10\n", "")  # EB002 fires


def audit(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["audit", *args, "-f", "concise", "--lang", "en"])
    return result.exit_code, result.stdout, result.stderr


def test_a_config_above_the_working_folder_outside_a_repository_is_not_used(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".ebcheck.yaml").write_text(SILENCE, encoding="utf-8")  # like /tmp/.ebcheck.yaml
    work = tmp_path / "work"
    work.mkdir()
    (work / "deal.yaml").write_text(UNMET, encoding="utf-8")
    monkeypatch.chdir(work)
    code, out, _ = audit(runner, "deal.yaml")
    assert code == 1
    assert "EB002" in out


def test_a_config_above_the_repository_root_is_not_used(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".ebcheck.yaml").write_text(SILENCE, encoding="utf-8")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "deals").mkdir()
    (repo / "deals" / "deal.yaml").write_text(UNMET, encoding="utf-8")
    monkeypatch.chdir(repo / "deals")
    assert "EB002" in audit(runner, "deal.yaml")[1]


def test_no_config_turns_discovery_off_and_v_names_the_config(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".ebcheck.yaml").write_text(SILENCE, encoding="utf-8")
    (tmp_path / "deal.yaml").write_text(UNMET, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, err = audit(runner, "deal.yaml", "-v")
    assert "EB002" not in out
    assert f"config: {tmp_path / '.ebcheck.yaml'}" in err
    code, out, err = audit(runner, "deal.yaml", "--no-config", "-v")
    assert code == 1
    assert "EB002" in out
    assert "config: none" in err


@pytest.mark.parametrize(
    ("config", "named"),
    [
        ("rules: {BI004: {off: maybe}}", "off"),
        ("rules: {BI004: {off: 1}}", "off"),
        ("rules: {EB006: {max_days: true}}", "max_days"),
        ("rules: {HY009: {max_days: {proposal: false}}}", "max_days"),
        ('rules: {EB006: {max_days: "60"}}', "max_days"),
        ('rules: {HY009: {max_days: {proposal: "60"}}}', "max_days"),
        ("rules: {EB006: {max_days: 60}, eb-meeting-stale: {max_days: 30}}", "eb-meeting-stale"),
        ("rules: {BI004: off, bi004: on}", "bi004"),
    ],
)
def test_invalid_settings_are_exit_2_naming_the_key(
    runner: CliRunner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    config: str,
    named: str,
) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".ebcheck.yaml").write_text(config + "\n", encoding="utf-8")
    (tmp_path / "deal.yaml").write_text(UNMET, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, _, err = audit(runner, "deal.yaml")
    assert code == 2
    assert named in err
    assert ".ebcheck.yaml:1:" in err


def test_an_empty_changed_since_is_exit_2_naming_the_option(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "deal.yaml").write_text(UNMET, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, err = audit(runner, "deal.yaml", "--changed-since", "")
    assert code == 2
    assert "--changed-since" in err
    assert out == ""
