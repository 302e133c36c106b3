"""Rules the engine applies (E, S) and the repository rule HY005 behave as documented."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ebcheck.audit.core_rules import CORE_RULES, in_catalog_order
from ebcheck.audit.engine import Engine
from ebcheck.audit.findings import RuleCrash
from ebcheck.audit.pack import builtin_pack
from ebcheck.audit.settings import Settings
from ebcheck.deal.load import load_bytes
from ebcheck.reports import ruledocs
from ebcheck.ruleapi import Rule, Scope

WORDS = builtin_pack().words("en")


def findings_of(rule: Rule, text: str, files: int) -> list[str]:
    engine = Engine.create(Settings())
    loaded = load_bytes(text.encode("utf-8"))
    report = engine.finish([engine.check_loaded(loaded, f"d{n}.yaml") for n in range(files)])
    return [f.rule for f in report.deals[0].findings if f.rule == rule.id]


@pytest.mark.parametrize("rule", CORE_RULES, ids=[r.id for r in CORE_RULES])
def test_documented_example_fires_and_passes(rule: Rule) -> None:
    assert rule.example is not None
    assert findings_of(rule, rule.example.fails, rule.example.files) == [rule.id]
    assert findings_of(rule, rule.example.passes, 1) == []  # a file of its own


@pytest.mark.parametrize("rule", CORE_RULES, ids=[r.id for r in CORE_RULES])
def test_every_engine_rule_has_its_words(rule: Rule) -> None:
    for part in ("summary", "checks", "why", "fix", "applies"):
        assert f"{rule.id}.{part}" in WORDS, part


def test_rules_are_listed_in_catalog_order() -> None:
    areas = [r.area for r in in_catalog_order(builtin_pack().rules)]
    order = ["EB", "BI", "RS", "CT", "CD", "DP", "HY", "E", "S"]
    assert areas == sorted(areas, key=order.index)
    assert len(areas) == 57


def test_explain_shows_what_the_engine_says_about_the_example() -> None:
    hy005 = next(r for r in builtin_pack().rules if r.id == "HY005")
    assert hy005.scope is Scope.REPO
    text = ruledocs.explain(hy005, WORDS, 100, False)
    assert "Deal id 'HD-2026-031' is also used by deal-2.yaml" in text
    assert "closed deals included" in text


@pytest.mark.parametrize(
    ("rule_id", "ladder"),
    [
        (
            "EB003",
            "medium, high from proposal, medium at every stage when `authority` is `unknown`",
        ),
        ("RS003", "high, info when a `repair_plan` is recorded"),
        ("EB002", "medium, high from discovery, critical from proposal"),
    ],
)
def test_severity_ladders_include_conditions_the_check_decides(rule_id: str, ladder: str) -> None:
    rule = next(r for r in builtin_pack().rules if r.id == rule_id)
    assert ruledocs.ladder_text(rule, WORDS) == ladder


def test_a_crashing_repository_rule_is_reported_once_and_hides_nothing() -> None:
    def broken(deals: object, ctx: object) -> list[object]:
        raise RuntimeError("boom")

    engine = Engine.create(Settings())
    engine = replace(
        engine,
        repo_rules=tuple(
            replace(a, rule=replace(a.rule, repo_check=broken)) for a in engine.repo_rules
        ),
    )
    text = (
        "ebcheck: 1\nas_of: 2026-11-20\n"
        "deal: {id: D-1, name: X, account: Y, stage: proposal, close_date: 2026-12-31}\n"
    )
    report = engine.audit_texts({"a.yaml": text, "b.yaml": text})
    assert report.crashes == [("a.yaml", RuleCrash("HY005", "RuntimeError: boom"))]
    assert all(d.findings for d in report.deals)  # the file rules' findings are kept
    assert not any(f.rule == "HY005" for d in report.deals for f in d.findings)
