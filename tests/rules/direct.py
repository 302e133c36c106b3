"""Running one rule's check directly, for what the engine does not do (yet) on this
branch: the small-deal cap (`Context.small`), closed deals (HY012) and review rules
that read the deal's other findings (HY010)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ebcheck.audit.findings import Finding
from ebcheck.audit.pack import builtin_pack
from ebcheck.deal.load import load_bytes
from ebcheck.ruleapi import Context, Rule, Severity

PACK = builtin_pack()
RULES = {rule.id: rule for rule in PACK.rules}


def check(
    rule_id: str,
    text: str,
    *,
    small: bool = False,
    others: tuple[Finding, ...] = (),
    lang: str = "en",
    **options: Any,
) -> list[Finding]:
    """The findings of one rule's check on a deal text, as the engine's context would
    make them (`small`: the deal is small; `others`: the deal's standing findings)."""
    rule: Rule = RULES[rule_id]
    loaded = load_bytes(text.encode("utf-8"))
    assert loaded.deal is not None, loaded.problems
    deal = loaded.deal
    as_of = deal.as_of or dt.date(2026, 11, 20)
    ctx = Context(
        rule,
        deal,
        as_of,
        rule.options.model_validate(options),
        PACK.words(lang),
        loaded.source,
        small=small,
        findings=others,
    )
    if not rule.applies_to(deal.deal.stage):
        return []
    return list(rule.check(deal, ctx))


def finding(rule: str, severity: str, name: str = "some-rule") -> Finding:
    """A standing finding of another rule, as HY010 sees it."""
    return Finding(
        rule=rule,
        name=name,
        severity=Severity(severity),
        message="...",
        fix="...",
        line=1,
        column=1,
        path="deal",
    )
