"""The built-in pack as a whole: registration, the catalog contract, words, examples, docs."""

from __future__ import annotations

import re
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from ebcheck.audit.core_rules import in_catalog_order
from ebcheck.audit.pack import builtin_pack, module_files
from ebcheck.audit.settings import Settings
from ebcheck.reports import ruledocs
from ebcheck.ruleapi import Rule, Scope

PACK = builtin_pack()
WORDS = PACK.words("en")
RULES = {rule.id: rule for rule in PACK.rules}
README = Path(__file__).resolve().parents[2] / "rules" / "README.md"

# Rule catalog v1 (spec/rules.md): id -> (name, severity, escalation, applies from).
CATALOG = {
    "EB001": (
        "eb-missing",
        "low",
        {"qualification": "high", "discovery": "critical"},
        None,
    ),
    "EB002": ("eb-not-met", "medium", {"discovery": "high", "proposal": "critical"}, None),
    "EB003": ("eb-authority-unconfirmed", "medium", {"proposal": "high"}, None),
    "EB004": ("eb-no-access-plan", "high", {}, "qualification"),
    "EB005": ("eb-chasing", "medium", {}, None),
    "EB006": ("eb-meeting-stale", "medium", {}, "proposal"),
    "EB007": ("eb-insights-missing", "medium", {}, "discovery"),
    "EB008": ("signer-not-met", "medium", {"proposal": "critical"}, "discovery"),
    "EB009": ("competitor-preferred", "medium", {"proposal": "high"}, "discovery"),
    "EB010": ("eb-no-reason-to-change", "high", {}, "discovery"),
    "EB011": ("insights-second-hand", "low", {}, "proposal"),
    "BI001": ("coach-missing", "medium", {"qualification": "high"}, None),
    "BI002": ("coach-unvalidated", "medium", {}, "discovery"),
    "BI003": ("tb-missing", "medium", {"proposal": "high"}, "qualification"),
    "BI004": ("ub-missing", "medium", {}, "qualification"),
    "BI005": ("single-threaded", "high", {}, "discovery"),
    "BI006": ("opponent-without-plan", "high", {}, None),
    "BI007": ("influence-never-met", "low", {}, "proposal"),
    "BI008": ("no-opposition-mapped", "medium", {}, "proposal"),
    "BI009": ("role-holder-left", "medium", {}, None),
    "BI010": ("coach-without-power", "medium", {}, "proposal"),
    "RS001": ("stage-share-mismatch", "medium", {}, None),
    "RS002": ("stage-skipped", "medium", {}, None),
    "RS003": ("stage-regressed", "high", {}, None),
    "RS004": ("deal-outpaces-relationship", "medium", {}, None),
    "RS005": ("relationship-missing", "low", {}, "qualification"),
    "CT001": ("sponsor-missing", "medium", {}, "discovery"),
    "CT002": ("no-shared-goals", "medium", {}, "proposal"),
    "CT003": ("no-implementation-owner", "medium", {}, "negotiation"),
    "CT004": ("sponsor-not-a-stakeholder", "low", {}, None),
    "CT005": ("sponsor-neglected", "medium", {}, None),
    "CD001": ("unvoiced-compression", "critical", {}, None),
    "CD002": ("risk-without-ask", "medium", {}, None),
    "CD003": ("no-risks-recorded", "low", {}, "proposal"),
    "CD004": ("effort-not-resources", "medium", {}, None),
    "CD005": ("ask-unanswered", "medium", {"negotiation": "high"}, None),
    "DP001": ("decision-process-unknown", "medium", {"negotiation": "high"}, "proposal"),
    "DP002": ("paper-process-unknown", "medium", {"negotiation": "high"}, "proposal"),
    "DP003": ("criterion-gap", "high", {"proposal": "critical"}, None),
    "DP004": ("no-compelling-event", "medium", {}, "proposal"),
    "DP005": ("close-before-process", "medium", {}, None),
    "HY001": ("close-date-passed", "high", {}, None),
    "HY002": ("next-step-missing", "medium", {}, None),
    "HY003": ("next-step-overdue", "medium", {}, None),
    "HY004": ("deal-gone-quiet", "medium", {}, "discovery"),
    "HY005": ("duplicate-deal-id", "high", {}, None),
    "HY006": ("close-before-decision", "medium", {}, None),
    "HY007": ("date-in-future", "medium", {}, None),
    "HY008": ("close-date-pushed", "medium", {}, None),
    "HY009": ("stalled-in-stage", "medium", {}, None),
    "HY010": ("commit-not-ready", "high", {}, None),
    "HY011": ("amount-missing", "medium", {}, "proposal"),
    "HY012": ("loss-reason-missing", "info", {}, None),
}

OPTIONS = {
    "EB005": {"max_attempts": 3},
    "EB006": {"max_days": 90},
    "BI005": {"min_met": 2},
    "BI008": {"min_people": 4},
    "BI009": {"max_days": 90},
    "CT005": {"max_days": 30},
    "CD001": {"max_compression": 0.25},
    "CD004": {
        "effort_phrases": [
            *("尽力", "尽量", "努力", "加班", "全力以赴", "全力", "拼一拼", "想办法"),
            *("do our best", "best effort", "best efforts", "work harder", "try harder"),
            *("push harder", "overtime", "work late", "extra hours"),
        ],
        "filler_words": [
            *("大家", "我们", "团队", "一起", "一定", "会", "都", "而为", "保证", "争取"),
            *("we", "we'll", "will", "the", "team", "all", "everyone", "our", "us", "to"),
            *("try", "and", "just", "i", "i'll"),
        ],
    },
    "CD005": {"max_days": 14},
    "HY004": {"max_days": 30},
    "HY008": {"min_pushes": 2, "high_pushes": 3},
    "HY009": {
        "max_days": {
            "prospecting": 60,
            "qualification": 45,
            "discovery": 60,
            "proposal": 45,
            "negotiation": 30,
        }
    },
}

MODULE_AREAS = {
    "eb_access": "EB",
    "buying_roles": "BI",
    "relationship": "RS",
    "client_team": "CT",
    "candor": "CD",
    "decision": "DP",
    "hygiene": "HY",
}


def _modules():
    folder = PACK.folder.resolve()
    return {
        Path(module.__file__).stem: module
        for module in list(sys.modules.values())
        if getattr(module, "__file__", None) and Path(module.__file__).resolve().parent == folder
    }


# --- registration --------------------------------------------------------------


def test_every_module_of_the_pack_is_loaded():
    assert sorted(PACK.modules) == sorted(MODULE_AREAS)
    assert sorted(p.stem for p in module_files(PACK.folder)) == sorted(MODULE_AREAS)
    assert sorted(_modules()) == sorted(MODULE_AREAS)


@pytest.mark.parametrize("module_name", sorted(MODULE_AREAS))
def test_every_rule_defined_in_a_module_is_in_its_rules(module_name):
    module = _modules()[module_name]
    defined = [value for value in vars(module).values() if isinstance(value, Rule)]
    assert defined, module_name
    assert sorted(r.id for r in defined) == sorted(r.id for r in module.RULES)
    assert {r.area for r in module.RULES} == {MODULE_AREAS[module_name]}
    assert (module.__doc__ and "doctrine" in module.__doc__.lower()) or module_name == "hygiene"


def test_ids_and_names_are_unique_and_well_formed():
    ids = [r.id for r in PACK.rules]
    names = [r.name for r in PACK.rules]
    assert len(set(ids)) == len(ids)
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[A-Z]{2}\d{3}", i) for i in ids)
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", n) for n in names)


def test_the_pack_is_exactly_catalog_v1():
    assert sorted(RULES) == sorted(CATALOG)


@pytest.mark.parametrize("rule_id", sorted(CATALOG))
def test_rule_declaration_matches_the_catalog(rule_id):
    rule = RULES[rule_id]
    name, severity, escalation, applies_from = CATALOG[rule_id]
    assert rule.name == name
    assert rule.severity.value == severity
    assert {s.value: v.value for s, v in rule.escalation} == escalation
    assert (rule.applies_from.value if rule.applies_from else None) == applies_from
    assert ruledocs.option_defaults(rule) == OPTIONS.get(rule_id, {})


# --- words ---------------------------------------------------------------------


@pytest.mark.parametrize("rule_id", sorted(CATALOG))
def test_every_rule_has_its_words_in_english(rule_id):
    for part in ("summary", "checks", "why", "fix"):
        assert f"{rule_id}.{part}" in WORDS, part
    keys = WORDS.all_keys()
    assert f"{rule_id}.message" in WORDS or any(k.startswith(f"{rule_id}.message_") for k in keys)
    assert f"area.{RULES[rule_id].area}" in WORDS


@pytest.mark.parametrize("rule_id", sorted(CATALOG))
def test_doctrine_references_exist_and_have_titles(rule_id):
    rule = RULES[rule_id]
    for point in rule.doctrine:
        assert re.fullmatch(r"D([1-9]|1[0-9]|2[0-6])", point), point
        assert f"doctrine.{point}" in WORDS
    if rule.area != "HY":
        assert rule.doctrine, "every rule outside hygiene cites the doctrine it encodes"


@pytest.mark.parametrize("rule_id", sorted(CATALOG))
def test_summary_states_the_first_stage_it_applies_from(rule_id):
    rule = RULES[rule_id]
    summary = WORDS.text(f"{rule_id}.summary")
    if rule.applies_from is None:
        assert not summary.startswith("From ")
    else:
        assert summary.startswith(f"From {rule.applies_from.value},")


# --- examples -------------------------------------------------------------------


@pytest.mark.parametrize("rule_id", sorted(CATALOG))
def test_documented_example_fires_on_fails_and_not_on_passes(run, rule_id):
    rule = RULES[rule_id]
    assert rule.example is not None
    # A review rule needs the other rules' findings to review.
    alone = () if rule.scope is Scope.REVIEW else (rule_id,)
    settings = Settings(select=alone, as_of=rule.example.as_of)
    from ebcheck.audit.engine import Engine

    engine = Engine.create(settings)
    failing = engine.audit_example(rule.example)
    # The passing side stands alone: a repository rule's files each get their own text.
    passing = engine.audit_example(replace(rule.example, fails=rule.example.passes, files=1))
    assert failing.crashes == passing.crashes == ()
    assert failing.verdict.value != "invalid", failing.findings
    assert passing.verdict.value != "invalid", passing.findings
    fired = [f for f in failing.findings if f.rule == rule_id]
    assert fired
    assert alone == () or {f.rule for f in failing.findings} == {rule_id}
    assert [f for f in passing.findings if f.rule == rule_id] == []
    assert alone == () or passing.findings == ()
    for finding in fired:
        # Every placeholder was filled with a fact of the deal.
        assert "{" not in finding.message and "{" not in finding.fix, finding


def test_the_ready_deal_passes_every_rule_at_every_stage(build, run):
    for stage in ("prospecting", "qualification", "discovery", "proposal", "negotiation"):
        report = run(build(stage))
        assert report.findings == (), stage
        expected = "early" if stage == "prospecting" else "ready"
        assert (report.score, report.verdict.value) == (100, expected)


@pytest.mark.parametrize(
    ("stage", "lost_reason", "expected"),
    [
        ("closed_won", None, []),
        ("closed_lost", "价格高于竞争对手", []),
        ("closed_lost", None, ["HY012"]),  # the only rule that checks closed deals
    ],
)
def test_closed_deals_get_no_findings_but_a_missing_loss_reason(
    build, run, stage, lost_reason, expected
):
    deal = {"close_date": "2026-01-01", "next_step": None, "lost_reason": lost_reason}
    report = run(build(stage, stakeholders=[], relationship=None, client_team=None, deal=deal))
    assert [f.rule for f in report.findings] == expected
    assert all(f.severity.value == "info" for f in report.findings)
    assert (report.verdict.value, report.score) == ("closed", None)


# --- docs -----------------------------------------------------------------------


def test_rules_readme_is_fresh(update_golden):
    expected = ruledocs.rules_markdown(in_catalog_order(PACK.rules), WORDS)
    if update_golden:
        README.write_text(expected, encoding="utf-8", newline="\n")
    actual = README.read_text(encoding="utf-8") if README.exists() else ""
    assert actual == expected, (
        "rules/README.md is stale; regenerate it with `pytest --update-golden` "
        "(or `ebcheck rules --format markdown --lang en > rules/README.md`)"
    )


def test_explain_shows_every_part_and_the_examples_finding():
    text = ruledocs.explain(RULES["CD001"], WORDS, width=100, color=False)
    for part in (
        "CD001  unvoiced-compression",
        "What it checks",
        "Why it matters",
        "D16 “Say gaps and risks openly, to the person who decides”",
        "critical. Applies at every open stage",
        "max_compression = 0.25",
        "Example that fails",
        "team_estimate_days: 90",
        "Example that passes",
        "What ebcheck says about the failing example",
        "[critical] The delivery team estimated 90 days; 45 days were promised, a cut of 50%",
        "Fix: Say it now",
    ):
        assert part in text, part
    assert "\x1b[" not in text
    assert all(len(line) <= 100 for line in text.splitlines())


def test_explain_with_colour_highlights_and_never_reads_markup(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    text = ruledocs.explain(RULES["EB005"], WORDS, width=100, color=True)
    assert "\x1b[" in text
    # Catalogue text such as `[EB]` in a fix is shown literally, not eaten as markup.
    plain = ruledocs.explain(RULES["EB001"], WORDS, width=200, color=False)
    assert "`roles: [EB]`" in plain


@pytest.mark.parametrize("item", builtin_pack().rules, ids=lambda r: r.id)
def test_every_pack_rule_cites_the_doctrine_of_its_area(item):
    # The catalog: "Each rule cites the doctrine points"; `explain` shows them under "Why".
    assert item.doctrine, f"{item.id} cites no doctrine point"
    titles = builtin_pack().words("en")
    assert all(f"doctrine.{point}" in titles for point in item.doctrine)
