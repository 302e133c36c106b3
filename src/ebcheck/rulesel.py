"""Which rules run, with which options and severity: selection and overrides."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pydantic import ValidationError

from ebcheck.engine import ActiveRule
from ebcheck.errors import ConfigError
from ebcheck.ruleapi import Rule, RuleOptions
from ebcheck.settings import RuleSetting, Settings


def matches(rule: Rule, selector: str) -> bool:
    """A selector is a rule id, a rule name, or an area prefix (`EB`)."""
    wanted = selector.strip()
    return (
        wanted.upper() == rule.id
        or wanted.lower() == rule.name
        or (wanted.isalpha() and wanted.upper() == rule.area)
    )


def find_rule(rules: Iterable[Rule], key: str) -> Rule | None:
    return next((r for r in rules if key.upper() == r.id or key.lower() == r.name), None)


def check_selectors(rules: Sequence[Rule], selectors: Iterable[str], origin: str) -> None:
    for selector in selectors:
        if not any(matches(r, selector) for r in rules):
            raise ConfigError(f"{origin}: '{selector}' names no rule, rule name or area")


def active_rules(rules: Sequence[Rule], settings: Settings) -> list[ActiveRule]:
    """The rules of this audit, in pack order, configured."""
    check_selectors(rules, settings.select, "select")
    check_selectors(rules, settings.ignore, "ignore")
    configured = _rule_settings(rules, settings)
    active = []
    for rule in rules:
        if settings.select and not any(matches(rule, s) for s in settings.select):
            continue
        if any(matches(rule, s) for s in settings.ignore):
            continue
        setting = configured.get(rule.id, RuleSetting())
        if setting.off:
            continue
        active.append(ActiveRule(rule, _options(rule, setting), setting.severity))
    return active


def _rule_settings(rules: Sequence[Rule], settings: Settings) -> dict[str, RuleSetting]:
    by_id: dict[str, RuleSetting] = {}
    for key, setting in settings.rules.items():
        rule = find_rule(rules, key)
        if rule is None:
            raise ConfigError(f"rules: '{key}' is not a rule id or name")
        by_id[rule.id] = setting
    return by_id


def _options(rule: Rule, setting: RuleSetting) -> RuleOptions:
    try:
        return rule.options.model_validate(dict(setting.options))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'options'}: {err['msg']}"
            for err in exc.errors(include_url=False)
        )
        raise ConfigError(f"rules: {rule.id} ({rule.name}): invalid option {problems}") from None
