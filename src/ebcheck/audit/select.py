"""Which rules run, with which options and severity: selection and overrides."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pydantic import ValidationError

from ebcheck.audit.runner import ActiveRule
from ebcheck.audit.settings import RuleSetting, Settings
from ebcheck.errors import ConfigError
from ebcheck.ruleapi import Rule, RuleOptions


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


# Files that cannot be audited are always reported: E001/E002 take no settings.
_ALWAYS_ON = ("E", "E001", "E002", "invalid-yaml", "invalid-deal")


def _where(settings: Settings, key_path: str, fallback: str) -> str:
    """`file:line:col` of a config key when it came from the config file."""
    return settings.origins.get(key_path) or fallback


def check_selectors(rules: Sequence[Rule], settings: Settings, kind: str) -> None:
    for index, selector in enumerate(getattr(settings, kind)):
        where = _where(settings, f"{kind}[{index}]", kind)
        if selector.strip().upper() in _ALWAYS_ON or selector.strip().lower() in _ALWAYS_ON:
            raise ConfigError("select_always_on", where=where, selector=selector)
        if not any(matches(r, selector) for r in rules):
            raise ConfigError("select_unknown", where=where, selector=selector)


def active_rules(rules: Sequence[Rule], settings: Settings) -> list[ActiveRule]:
    """The rules of this audit, in pack order, configured."""
    check_selectors(rules, settings, "select")
    check_selectors(rules, settings, "ignore")
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
        active.append(ActiveRule(rule, _options(rule, setting, settings), setting.severity))
    return active


def _rule_settings(rules: Sequence[Rule], settings: Settings) -> dict[str, RuleSetting]:
    by_id: dict[str, RuleSetting] = {}
    for key, setting in settings.rules.items():
        where = _where(settings, f"rules.{key}", "rules")
        if key.upper() in _ALWAYS_ON or key.lower() in _ALWAYS_ON:
            raise ConfigError("rule_always_on", where=where, rule=key)
        rule = find_rule(rules, key)
        if rule is None:
            raise ConfigError("rule_unknown", where=where, rule=key)
        by_id[rule.id] = setting
    return by_id


def _options(rule: Rule, setting: RuleSetting, settings: Settings) -> RuleOptions:
    try:
        return rule.options.model_validate(dict(setting.options))
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        name = ".".join(str(p) for p in error["loc"]) or "options"
        key = next((k for k in settings.rules if find_rule([rule], k)), rule.id)
        where = _where(settings, f"rules.{key}.{name}", f"rules.{key}")
        known = ", ".join(rule.options.model_fields) or "-"
        if error["type"] == "extra_forbidden":
            raise ConfigError(
                "option_unknown",
                where=where,
                rule=rule.id,
                name=rule.name,
                option=name,
                known=known,
            ) from None
        raise ConfigError(
            "option_invalid",
            where=where,
            rule=rule.id,
            name=rule.name,
            option=name,
            detail=error["msg"],
        ) from None
