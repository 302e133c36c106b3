"""The example deals give exactly the verdict, score and findings examples/README.md promises.

Each expected score is worked out by hand from the catalog's formula,
100 - (critical 30, high 15, medium 7, low 3, info 0) per finding.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from ebcheck.audit.engine import audit_files
from ebcheck.audit.settings import Settings

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

EXPECTED = {
    # 100: no findings.
    "ready-line3-retrofit.yaml": ("ready", 100, []),
    # 100 - 30 = 70; a critical finding: not ready.
    "hd-mes-upgrade.yaml": ("not_ready", 70, [("EB002", "critical")]),
    # 100 - 30 - 7 = 63.
    "a-company-erp-rollout.yaml": ("not_ready", 63, [("CD001", "critical"), ("CD002", "medium")]),
    # 100 - 15 - 15 - 7 = 63; high findings: at risk.
    "northwind-wms-chasing.yaml": (
        "at_risk",
        63,
        [("EB002", "high"), ("EB004", "high"), ("EB005", "medium")],
    ),
    # 100 - 15 = 85; a high finding: at risk although the score is over 80.
    "jiangnan-packaging-slid-back.yaml": ("at_risk", 85, [("RS003", "high")]),
    # 100 - 15 - 7 - 7 = 71.
    "greenfield-foods-renewal.yaml": (
        "at_risk",
        71,
        [("BI006", "high"), ("CD002", "medium"), ("RS002", "medium")],
    ),
    # 100 - 4 x 7 = 72; no high finding, but under 80: at risk.
    "kunlun-steel-outpaced.yaml": (
        "at_risk",
        72,
        [("CT001", "medium"), ("EB003", "medium"), ("EB007", "medium"), ("RS004", "medium")],
    ),
    # 100 - 3 x 7 = 79: just under 80.
    "sunridge-solar-prospect.yaml": (
        "at_risk",
        79,
        [("BI001", "medium"), ("EB002", "medium"), ("HY007", "medium")],
    ),
    # 100 - 15 - 7 - 7 - 3 = 68.
    "xibei-cold-chain-qualification.yaml": (
        "at_risk",
        68,
        [("BI003", "medium"), ("EB001", "high"), ("HY003", "medium"), ("RS005", "low")],
    ),
    # 100 - 15 - 5 x 7 - 3 = 47; no critical finding, but under 50: not ready.
    "zhongshan-hospital-stalled.yaml": (
        "not_ready",
        47,
        [
            ("BI007", "low"),
            ("CT003", "medium"),
            ("CT005", "medium"),
            ("EB006", "medium"),
            ("HY001", "high"),
            ("HY004", "medium"),
            ("HY006", "medium"),
        ],
    ),
}

FILES = sorted(p.name for p in EXAMPLES.glob("*.yaml"))


def test_every_example_is_pinned():
    assert sorted(EXPECTED) == FILES


@pytest.mark.parametrize("name", FILES)
def test_example_verdict_score_and_findings(name):
    # No --as-of: each file's own as_of must make the result independent of today.
    (report,) = audit_files([EXAMPLES / name], Settings()).deals
    verdict, score, findings = EXPECTED[name]
    assert report.crashes == ()
    assert not any(f.rule in ("E001", "E002") for f in report.findings), report.findings
    assert sorted((f.rule, f.severity.value) for f in report.findings) == findings
    assert (report.verdict.value, report.score) == (verdict, score)
    for finding in report.findings:
        assert "{" not in finding.message and "{" not in finding.fix


@pytest.mark.parametrize("name", FILES)
def test_example_sets_its_own_as_of(name):
    data = yaml.safe_load((EXAMPLES / name).read_text(encoding="utf-8"))
    assert "as_of" in data


def test_examples_cover_every_area_both_languages_and_early_and_late_stages():
    rules = {rule for _, _, found in EXPECTED.values() for rule, _ in found}
    assert {rule[:2] for rule in rules} == {"EB", "BI", "RS", "CT", "CD", "HY"}
    texts = [(EXAMPLES / name).read_text(encoding="utf-8") for name in FILES]
    assert sum(bool(re.search(r"name: [\u4e00-\u9fff]", t)) for t in texts) >= 3
    assert sum(not re.search(r"[\u4e00-\u9fff]", t) for t in texts) >= 3
    stages = {yaml.safe_load(t)["deal"]["stage"] for t in texts}
    assert {"prospecting", "qualification", "negotiation"} <= stages


def test_examples_readme_table_matches():
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| \[`([^`]+)`\].*\| (\w+) \| (\d+) \| [^|]+ \|$", readme, re.MULTILINE)
    assert sorted(name for name, _, _ in rows) == FILES
    for name, verdict, score in rows:
        assert (verdict, int(score)) == EXPECTED[name][:2], name
