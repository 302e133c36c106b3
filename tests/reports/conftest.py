"""Fixtures for the report-format tests: sample reports, render options, golden files.

Golden files live in `golden/`; regenerate them with

    pytest --update-golden

(pytest reads this option only when `tests/reports` or a file in it is named on
the command line; without it, the goldens are compared, never written.)

The sample reports take their deals from YAML through the public API, and
their findings from this file, fixed: the goldens do not change when a rule
is added to the pack or its wording is edited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from ebcheck.audit.engine import Engine
from ebcheck.audit.findings import Finding, Suppressed
from ebcheck.audit.gate import decide, decide_deal
from ebcheck.audit.results import AuditReport, DealReport
from ebcheck.audit.settings import Settings
from ebcheck.deal.enums import Severity, Verdict
from ebcheck.i18n import Catalogue
from ebcheck.reports import RenderOptions
from ebcheck.ruleapi import Rule
from tests.reports.report_samples import AS_OF, STAKEHOLDERS, VERSION, Builder, finding, yaml_deal

GOLDEN = Path(__file__).parent / "golden"
UPDATE = "pytest --update-golden"


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.create(Settings(today=AS_OF))


@pytest.fixture(scope="session")
def words(engine: Engine) -> Catalogue:
    """The real catalogue: engine words, report words and the rule pack."""
    return engine.catalogue


@pytest.fixture(scope="session")
def engine_words() -> Catalogue:
    """Engine and report words only: what the goldens use, so rule edits don't move them."""
    return Catalogue("en")


@pytest.fixture(scope="session")
def pack_rules(engine: Engine) -> tuple[Rule, ...]:
    return tuple(active.rule for active in engine.rules)


@pytest.fixture(scope="session")
def build(engine: Engine) -> Builder:
    """A DealReport from YAML, with the findings (and verdict) the test says."""

    def make(
        text: str,
        shown: str,
        *,
        findings: tuple[Finding, ...] | None = None,
        suppressed: tuple[Suppressed, ...] = (),
        baselined: tuple[Finding, ...] = (),
        verdict: Verdict | None = None,
        score: int | None = None,
        **more: Any,
    ) -> DealReport:
        report = engine.audit_text(text, shown=shown)
        if report.verdict in (Verdict.INVALID, Verdict.CLOSED):
            return report
        changes: dict[str, Any] = {
            "findings": findings if findings is not None else report.findings,
            "suppressed": suppressed,
            "baselined": baselined,
            **more,
        }
        if verdict is not None:
            changes["verdict"] = verdict
        if score is not None:
            changes["score"] = score
        return decide_deal(replace(report, **changes), "not_ready")

    return make


@pytest.fixture(scope="session")
def pipeline(build: Builder, golden_rules: tuple[Rule, ...]) -> AuditReport:
    """Five deals: not ready, at risk, invalid, closed, ready; in three currencies."""
    hd = build(
        yaml_deal(
            "HD-2026-031",
            "East China Precision MES upgrade",
            account="East China Precision Manufacturing Co",
            amount=1200000,
            currency="CNY",
            stakeholders=STAKEHOLDERS,
        ),
        "deals/hd-2026-031.yaml",
        findings=(
            finding(),
            finding(
                "CT001",
                Severity.MEDIUM,
                "No sponsor is named; the deal is at proposal.",
                line=1,
                column=1,
                path="client_team.sponsor",
                subject=None,
                fix="Name the senior client who backs this project.",
            ),
        ),
        suppressed=(
            Suppressed(
                finding(
                    "BI004",
                    Severity.MEDIUM,
                    "No user buyer (UB) is named.",
                    line=10,
                    column=1,
                    path="stakeholders",
                    subject=None,
                    fix="Add the UB.",
                ),
                "The user department is formed in January",
                dt.date(2027, 1, 15),
            ),
        ),
        baselined=(
            finding(
                "HY002",
                Severity.MEDIUM,
                "The deal has no next step.",
                line=3,
                column=1,
                path="deal.next_step",
                subject=None,
                fix="Agree the next step.",
            ),
        ),
        verdict=Verdict.NOT_READY,
        score=63,
    )
    acme = build(
        yaml_deal(
            "ACME-7",
            "Acme global rollout",
            account="Acme International Holdings Incorporated",
            owner="Jane Longname-Smith",
            stage="discovery",
            amount=250000,
            close="2027-01-31",
            stakeholders="  - {name: Bob, roles: [TB], met: 2026-10-01}\n",
        ),
        "deals/acme-7.yaml",
        findings=(
            finding(
                "EB001",
                Severity.HIGH,
                "No economic buyer (EB) is named among the 1 stakeholders.",
                line=10,
                column=3,
                path="stakeholders",
                subject=None,
                fix="Find out who signs off on this purchase.",
            ),
        ),
        verdict=Verdict.AT_RISK,
        score=85,
    )
    broken = build("ebcheck: 1\ndeal: {id: X\n", "deals/broken.yaml")
    won = build(
        yaml_deal("WON-1", "Renewal 2026", stage="closed_won", amount=50000, currency="EUR"),
        "deals/won-1.yaml",
    )
    ok = build(
        yaml_deal(
            "OK-9",
            "Small expansion",
            account="Good Co",
            owner=None,
            stage="negotiation",
            amount=10000,
            currency="EUR",
            stakeholders="  - {name: Ann, roles: [EB], met: 2026-11-01, stance: champion}\n",
        ),
        "deals/ok-9.yaml",
        findings=(
            finding(
                "RS005",
                Severity.LOW,
                "No relationship stage is recorded for Good Co.",
                line=1,
                column=1,
                path="relationship.stage",
                subject=None,
                fix="Record the relationship stage.",
            ),
        ),
        verdict=Verdict.READY,
        score=97,
    )
    return decide(AuditReport(AS_OF, (hd, acme, broken, won, ok), rules=golden_rules), "not_ready")


@pytest.fixture(scope="session")
def golden_rules(pack_rules: tuple[Rule, ...]) -> tuple[Rule, ...]:
    """Two real rules, for the golden SARIF's rule list."""
    return tuple(r for r in pack_rules if r.id in ("EB001", "EB002"))


@pytest.fixture
def options(engine_words: Catalogue, golden_rules: tuple[Rule, ...]) -> RenderOptions:
    return RenderOptions(catalogue=engine_words, width=100, version=VERSION)


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """Compare `text` with `golden/<name>`, or rewrite it with --update-golden."""
    update = bool(request.config.getoption("--update-golden"))

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
            return
        if not path.exists():
            pytest.fail(f"no golden file {path}; run: {UPDATE}")
        expected = path.read_text(encoding="utf-8")
        assert text == expected, f"{name} differs from its golden file; if intended, run: {UPDATE}"

    return check
