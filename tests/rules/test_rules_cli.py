"""`ebcheck rules` and `ebcheck explain`, through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ebcheck.cli.app import app

ENV = {"NO_COLOR": "1", "COLUMNS": "120", "LANG": "C", "LC_ALL": "", "LC_MESSAGES": ""}
README = Path(__file__).resolve().parents[2] / "rules" / "README.md"
ALL_IDS = [
    *(f"EB{i:03}" for i in range(1, 12)),
    *(f"BI{i:03}" for i in range(1, 11)),
    *(f"RS00{i}" for i in range(1, 6)),
    *(f"CT00{i}" for i in range(1, 6)),
    *(f"CD00{i}" for i in range(1, 6)),
    *(f"DP00{i}" for i in range(1, 6)),
    *(f"HY0{i:02d}" for i in range(1, 13)),
    "E001",
    "E002",
    "S001",
    "S002",
]


def invoke(*args: str):
    return CliRunner().invoke(app, list(args), env=ENV)


def test_rules_table_lists_every_rule():
    result = invoke("rules")
    assert result.exit_code == 0
    assert result.stderr == ""
    out = result.stdout
    for rule_id in ALL_IDS:
        assert rule_id in out, rule_id
    assert "eb-not-met" in out and "unvoiced-compression" in out
    assert "critical from proposal" in out
    assert "\x1b[" not in out
    assert all(len(line) <= 120 for line in out.splitlines())


def test_rules_json_is_complete_and_valid():
    result = invoke("rules", "--format", "json")
    assert result.exit_code == 0
    assert result.stderr == ""
    records = {r["id"]: r for r in json.loads(result.stdout)}
    assert sorted(records) == sorted(ALL_IDS)
    for record in records.values():
        assert {
            "id",
            "name",
            "area",
            "severity",
            "summary",
            "escalation",
            "applies_from",
            "doctrine",
            "options",
        } <= set(record)
        assert record["summary"]
    assert records["EB002"]["escalation"] == {"discovery": "high", "proposal": "critical"}
    assert records["CD001"]["options"] == {"max_compression": 0.25}
    assert records["EB004"]["applies_from"] == "qualification"
    assert records["EB002"]["doctrine"] == ["D3", "D4", "D5", "D7", "D8", "D19"]
    assert records["RS001"]["area"] == "RS"


def test_rules_markdown_is_the_committed_catalogue():
    result = invoke("rules", "--format", "markdown")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout == README.read_text(encoding="utf-8")


@pytest.mark.parametrize("key", ["CD001", "cd001", "unvoiced-compression"])
def test_explain_cd001_by_id_or_name(key):
    result = invoke("explain", key)
    assert result.exit_code == 0
    assert result.stderr == ""
    out = result.stdout
    assert out.startswith("CD001  unvoiced-compression")
    for part in (
        "What it checks",
        "Why it matters",
        "D16",
        "Options",
        "max_compression = 0.25",
        "Example that fails",
        "Example that passes",
        "a cut of 50%",
        "Fix:",
    ):
        assert part in out, part


def test_explain_eb_not_met_by_name():
    result = invoke("explain", "eb-not-met")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout.startswith("EB002  eb-not-met")
    assert "medium, high from discovery, critical from proposal" in result.stdout
    assert "Zhang Wei (EB) has never been met; the deal is at proposal" in result.stdout


def test_explain_an_unknown_rule_is_a_usage_error():
    result = invoke("explain", "EB999")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "no rule 'EB999'" in result.stderr
    assert "ebcheck rules" in result.stderr
