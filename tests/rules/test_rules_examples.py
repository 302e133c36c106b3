"""The example deals give exactly the verdict, score and findings examples/README.md promises.

Each expected score is worked out from the catalog's formula, written beside it:
100 × Π (1 − weight/100), critical 30, high 15, medium 7, low 3, info 0,
rounded half up.
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
    # 100 × 0.7 × 0.93 = 65; not_ready.
    "a-company-erp-rollout.yaml": ("not_ready", 65, [("CD001", "critical"), ("CD002", "medium")]),
    # 100 × 0.85 × 0.85 × 0.85 × 0.85 × 0.85 = 44; not_ready.
    "commit-slipped-wms.yaml": (
        "not_ready",
        44,
        [
            ("CD005", "high"),
            ("DP002", "high"),
            ("HY008", "high"),
            ("HY009", "high"),
            ("HY010", "high"),
        ],
    ),
    # 100 × 0.7 × 0.93 × 0.93 = 61; not_ready.
    "greenfield-foods-renewal.yaml": (
        "not_ready",
        61,
        [("BI006", "critical"), ("CD002", "medium"), ("RS002", "medium")],
    ),
    # 100 × 0.7 × 0.97 = 68; not_ready.
    "hd-mes-upgrade.yaml": ("not_ready", 68, [("EB002", "critical"), ("EB011", "low")]),
    # 100 × 0.85 = 85; at_risk.
    "jiangnan-packaging-slid-back.yaml": ("at_risk", 85, [("RS003", "high")]),
    # 100 × 0.93 × 0.93 × 0.93 × 0.93 = 75; at_risk.
    "kunlun-steel-outpaced.yaml": (
        "at_risk",
        75,
        [("CT001", "medium"), ("EB003", "medium"), ("EB007", "medium"), ("RS004", "medium")],
    ),
    # 100 × 0.85 × 0.85 × 0.93 × 0.93 = 62; at_risk.
    "northwind-wms-chasing.yaml": (
        "at_risk",
        62,
        [("EB002", "high"), ("EB004", "high"), ("EB005", "medium"), ("EB007", "medium")],
    ),
    # 100 × 0.85 × 0.85 × 0.85 × 0.93 × 0.93 × 0.97 = 52; at_risk.
    "partner-led-retail-pos.yaml": (
        "at_risk",
        52,
        [
            ("BI001", "high"),
            ("BI005", "high"),
            ("CT004", "low"),
            ("EB002", "high"),
            ("EB007", "medium"),
            ("HY004", "medium"),
        ],
    ),
    # no weighing finding = 100; ready.
    "ready-line3-retrofit.yaml": ("ready", 100, []),
    # no weighing finding; info findings are shown, never weighed = 100; ready.
    "small-lab-purchase.yaml": (
        "ready",
        100,
        [
            ("BI001", "info"),
            ("CD003", "info"),
            ("CT001", "info"),
            ("CT002", "info"),
            ("CT003", "info"),
        ],
    ),
    # 100 × 0.7 × 0.85 × 0.85 × 0.93 × 0.93 = 44; not_ready.
    "soe-group-erp-chairman.yaml": (
        "not_ready",
        44,
        [
            ("DP005", "medium"),
            ("DP005", "medium"),
            ("EB003", "high"),
            ("EB008", "critical"),
            ("EB010", "high"),
        ],
    ),
    # 100 × 0.93 × 0.93 × 0.93 = 80; early.
    "sunridge-solar-prospect.yaml": (
        "early",
        80,
        [("BI001", "medium"), ("EB002", "medium"), ("HY007", "medium")],
    ),
    # 100 × 0.7 × 0.93 × 0.97 = 63; not_ready.
    "tender-hospital-his.yaml": (
        "not_ready",
        63,
        [("DP003", "medium"), ("EB002", "critical"), ("EB011", "low")],
    ),
    # 100 × 0.85 × 0.93 × 0.93 × 0.97 = 71; at_risk.
    "xibei-cold-chain-qualification.yaml": (
        "at_risk",
        71,
        [("BI003", "medium"), ("EB001", "high"), ("HY003", "medium"), ("RS005", "low")],
    ),
    # 100 × 0.85³ × 0.93⁷ × 0.97² = 35; not_ready.
    "zhongshan-hospital-stalled.yaml": (
        "not_ready",
        35,
        [
            ("BI007", "low"),
            ("BI010", "medium"),
            ("CT003", "medium"),
            ("CT005", "medium"),
            ("DP001", "high"),
            ("DP002", "high"),
            ("DP004", "medium"),
            ("EB006", "medium"),
            ("EB011", "low"),
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
    assert {rule[:2] for rule in rules} == {"EB", "BI", "RS", "CT", "CD", "DP", "HY"}
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
