"""A rule is one page: its declaration holds its English and its severities.

The check's docstring says what it checks and why; `message`, `fix` and
`texts` are its English templates; the declaration alone says which severity
a condition carries; a passing example is a small patch of the failing one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest

from ebcheck.audit.core_rules import CORE_RULES
from ebcheck.audit.pack import builtin_pack
from ebcheck.deal.load import load_bytes
from ebcheck.i18n import Catalogue
from ebcheck.ruleapi import (
    Context,
    DealFile,
    Example,
    Finding,
    NoOptions,
    Severity,
    Stage,
    doc_sections,
    patch,
    rule,
)

PACK = builtin_pack()
DEAL = """\
ebcheck: 1
as_of: 2026-11-20
deal: {id: D-1, name: MES upgrade, account: Acme, stage: proposal, close_date: 2026-12-31}
stakeholders:
  - {name: Zhang Wei, roles: [EB]}
"""


def _never(deal: DealFile, ctx: Context[Any]) -> Iterator[Finding]:
    return iter(())


# --- the docstring ------------------------------------------------------------


def test_the_docstring_gives_checks_then_why_folded_like_yaml():
    doc = """Fires when no stakeholder is
        the economic buyer.

        A second paragraph of what it checks.

        Why: The EB decides;
        without them every yes can be overruled.

        And a last word.
        """
    assert doc_sections(doc) == (
        "Fires when no stakeholder is the economic buyer.\nA second paragraph of what it checks.",
        "The EB decides; without them every yes can be overruled.\nAnd a last word.",
    )


def test_a_docstring_without_why_is_all_checks():
    assert doc_sections("Fires always.") == ("Fires always.", "")
    assert doc_sections(None) == ("", "")


@pytest.mark.parametrize("item", PACK.rules, ids=[r.id for r in PACK.rules])
def test_every_pack_rule_is_documented_by_its_check(item):
    checks, why = doc_sections((item.repo_check or item.check).__doc__)
    words = dict(item.words)
    assert checks and why, "the check's docstring says what it checks, then `Why:`"
    assert (words["checks"], words["why"]) == (checks, why)


@pytest.mark.parametrize("item", (*PACK.rules, *CORE_RULES), ids=lambda r: r.id)
def test_what_it_checks_never_restates_the_severity_ladder(item):
    # The docs render the ladder from the declaration (ruledocs.severity_ladder).
    checks = re.sub(r"`[^`]*`", "", dict(item.words).get("checks", "")).lower()
    assert not set(re.findall(r"[a-z]+", checks)) & {s.value for s in Severity}, checks


# --- the English in the declaration ------------------------------------------


def test_the_declaration_carries_its_english_under_its_id():
    @rule(
        "ZZ001",
        "made-up",
        summary="One line.",
        severity=Severity.LOW,
        message={"default": "Plain {x}.", "one": "Only {x}."},
        fix="Do {x}.",
        texts={"item.budget": "the budget"},
    )
    def made_up(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
        """Checks.

        Why: Because.
        """
        return iter(())

    assert made_up.english() == {
        "ZZ001.summary": "One line.",
        "ZZ001.checks": "Checks.",
        "ZZ001.why": "Because.",
        "ZZ001.message": "Plain {x}.",
        "ZZ001.message_one": "Only {x}.",
        "ZZ001.fix": "Do {x}.",
        "ZZ001.item.budget": "the budget",
    }


def test_a_condition_without_its_words_is_refused():
    with pytest.raises(ValueError, match=r"severity_when\.known"):
        rule(
            "ZZ002",
            "made-up",
            summary="x",
            severity=Severity.LOW,
            conditions={"known": Severity.INFO},
        )(_never)


def test_the_pack_words_are_the_declarations_then_the_translation():
    english, chinese = PACK.words("en"), PACK.words("zh")
    eb001 = next(r for r in PACK.rules if r.id == "EB001")
    assert english.template("EB001.fix") == dict(eb001.words)["fix"]
    assert (
        english.template("doctrine.D9") == "Prepare, get a referral, follow up: don't keep calling"
    )
    assert english.template("HY005.message") == "Deal id '{deal_id}' is also used by {others}."
    assert chinese.template("EB001.fix") != english.template("EB001.fix")
    assert "E002.unknown_key" in english  # the loader's words stay the engine's


def test_every_module_declares_its_area():
    assert sorted(area.code for area in PACK.areas) == sorted({r.area for r in PACK.rules})


# --- severities: the declaration alone ----------------------------------------


def _finding(override: Severity | None, condition: str | None) -> Finding:
    @rule(
        "ZZ003",
        "made-up",
        summary="x",
        message="Made up at {stage}.",
        fix="Nothing to do.",
        severity=Severity.MEDIUM,
        escalation={Stage.PROPOSAL: Severity.HIGH},
        conditions={"known": Severity.INFO},
        texts={"severity_when.known": "{severity} when known"},
    )
    def made_up(deal: DealFile, ctx: Context[NoOptions]) -> Iterator[Finding]:
        return iter(())

    loaded = load_bytes(DEAL.encode())
    assert loaded.deal is not None
    ctx = Context(
        made_up,
        loaded.deal,
        dt.date(2026, 11, 20),
        NoOptions(),
        Catalogue("en", english=made_up.english()),
        loaded.source,
        override,
    )
    return ctx.finding("stakeholders", condition=condition)


def test_a_condition_takes_the_severity_its_declaration_gives():
    assert _finding(None, None).severity is Severity.HIGH  # the stage's escalation
    assert _finding(None, "known").severity is Severity.INFO


def test_the_configured_severity_still_wins_over_a_condition():
    assert _finding(Severity.LOW, "known").severity is Severity.LOW


def test_an_undeclared_condition_is_an_error():
    with pytest.raises(ValueError, match="declares no condition 'unknown'"):
        _finding(None, "unknown")


# --- examples as patches ------------------------------------------------------


def test_a_patch_replaces_each_old_text_once_in_order():
    assert patch("a: 1\nb: 2\n", {"a: 1": "a: 3", "b: 2\n": "b: 2\nc: 4\n"}) == "a: 3\nb: 2\nc: 4\n"


@pytest.mark.parametrize("old", ["missing", "1", ""])
def test_a_patch_that_does_not_match_exactly_once_fails(old):
    with pytest.raises(ValueError, match="not exactly once"):
        patch("a: 1\nb: 1\n", {old: "x"})


def test_an_example_passes_with_its_patch():
    example = Example.patched(DEAL, {"roles: [EB]}": "roles: [EB], met: 2026-11-10}"}, files=2)
    assert example.fails == DEAL
    assert example.passes == DEAL.replace("[EB]}", "[EB], met: 2026-11-10}")
    assert example.files == 2
