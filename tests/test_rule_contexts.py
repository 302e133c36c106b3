"""Each rule of a deal sees its own rule, options and severity in its context, all of
them share what was asked of the deal once (the memo), and none can leave anything
else on the context for the next."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from ebcheck.audit.engine import run_rules
from ebcheck.audit.select import ActiveRule
from ebcheck.deal.enums import Severity
from ebcheck.deal.load import load_bytes
from ebcheck.i18n import Catalogue
from ebcheck.ruleapi import Context, DealFile, Finding, NoOptions, rule
from tests.deals import READY

SEEN: list[tuple[str, Severity | None, bool, bool]] = []


@rule("ZZ010", "first", severity=Severity.LOW, message="First.", fix="None.")
def first(deal: DealFile, ctx: Context[Any]) -> Iterator[Finding]:
    ctx._memo["asked"] = True
    SEEN.append((ctx.rule.id, ctx.severity_override, True, False))
    yield ctx.finding("deal.account")


@rule("ZZ011", "second", severity=Severity.LOW, message="Second.", fix="None.")
def second(deal: DealFile, ctx: Context[Any]) -> Iterator[Finding]:
    SEEN.append(
        (ctx.rule.id, ctx.severity_override, "asked" in ctx._memo, hasattr(ctx, "scribbled"))
    )
    yield ctx.finding("deal.name")


@rule("ZZ012", "scribbler", severity=Severity.LOW, message="Third.", fix="None.")
def scribbler(deal: DealFile, ctx: Context[Any]) -> Iterator[Finding]:
    yield ctx.finding("deal.id")
    ctx.scribbled = True  # type: ignore[attr-defined]


WORDS = Catalogue("en", english={**first.english(), **second.english(), **scribbler.english()})


def test_every_rule_gets_its_own_context_and_the_deal_s_memo() -> None:
    loaded = load_bytes(READY.encode())
    assert loaded.deal is not None
    rules = [
        ActiveRule(first, NoOptions(), None),
        ActiveRule(second, NoOptions(), Severity.HIGH),
    ]
    SEEN.clear()
    found, crashes = run_rules(loaded.deal, loaded.source, rules, dt.date(2026, 12, 1), WORDS)
    assert crashes == []
    assert [(f.rule, f.severity) for f in found] == [
        ("ZZ010", Severity.LOW),
        ("ZZ011", Severity.HIGH),
    ]
    assert SEEN == [("ZZ010", None, True, False), ("ZZ011", Severity.HIGH, True, False)]


def test_a_rule_that_leaves_something_on_its_context_crashes_alone() -> None:
    loaded = load_bytes(READY.encode())
    assert loaded.deal is not None
    rules = [
        ActiveRule(scribbler, NoOptions(), None),
        ActiveRule(second, NoOptions(), Severity.HIGH),
    ]
    SEEN.clear()
    found, crashes = run_rules(loaded.deal, loaded.source, rules, dt.date(2026, 12, 1), WORDS)
    assert [c.rule for c in crashes] == ["ZZ012"]
    assert "AttributeError" in crashes[0].error
    assert [(f.rule, f.severity) for f in found] == [("ZZ011", Severity.HIGH)]
    assert SEEN == [("ZZ011", Severity.HIGH, False, False)]
