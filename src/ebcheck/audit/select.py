"""Which rules run, with which options and severity: selection and overrides."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pydantic import ValidationError

from ebcheck.audit.settings import RuleSetting, Settings
from ebcheck.deal.enums import Severity
from ebcheck.deal.suggest import closest
from ebcheck.errors import ConfigError, validation_detail
from ebcheck.ruleapi import Rule, RuleOptions


@dataclass(frozen=True)
class ActiveRule:
    """A rule as configured for this audit: its options and any severity override."""

    rule: Rule
    options: RuleOptions
    severity: Severity | None = None


def activate(rules: Sequence[Rule]) -> list[ActiveRule]:
    """Every rule with its default options."""
    return [ActiveRule(r, r.options()) for r in rules]


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


_RULE_ID = re.compile(r"^\s*([A-Za-z]{1,3})[-_ ]?0*(\d{1,3})\s*$")


def closest_rule(rules: Sequence[Rule], key: str) -> Rule | None:
    """The rule a wrong id or name most likely means: `EB02` or `eb2` for EB002,
    `eb-not-meet` for eb-not-met, `eb-not` for the first rule named so."""
    written = _RULE_ID.match(key)
    if written:
        padded = f"{written.group(1).upper()}{int(written.group(2)):03d}"
        found = find_rule(rules, padded)
        if found is not None:
            return found
    name = closest(key, [r.name for r in rules])
    return find_rule(rules, name) if name else None


# Files that cannot be audited are always reported: E001/E002 take no settings.
_ALWAYS_ON = ("E", "E001", "E002", "invalid-yaml", "invalid-deal")


def always_on(key: str) -> bool:
    """True for the rules (and their area) that can be neither selected nor configured."""
    wanted = key.strip()
    return wanted.upper() in _ALWAYS_ON or wanted.lower() in _ALWAYS_ON


def check_selectors(rules: Sequence[Rule], settings: Settings, kind: str) -> None:
    """Selectors of `--select`/`--ignore` (the config file's are checked when it is read)."""
    for selector in getattr(settings, kind):
        if always_on(selector):
            raise ConfigError("select_always_on", where=f"--{kind}", selector=selector)
        if not any(matches(r, selector) for r in rules):
            near = closest_rule(rules, selector)
            if near is not None:
                raise ConfigError(
                    "select_unknown_hint", where=f"--{kind}", selector=selector, suggestion=near.id
                )
            raise ConfigError("select_unknown", where=f"--{kind}", selector=selector)


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
        active.append(ActiveRule(rule, _options(rule, setting), setting.severity))
    return active


def configured_options(rules: Sequence[Rule], settings: Settings) -> dict[str, RuleOptions]:
    """Every rule's options as configured, switched off or not: a rule may depend on
    another's setting (CT001 on BI009's `max_days`, also when BI009 is off)."""
    configured = _rule_settings(rules, settings)
    return {rule.id: _options(rule, configured.get(rule.id, RuleSetting())) for rule in rules}


def _rule_settings(rules: Sequence[Rule], settings: Settings) -> dict[str, RuleSetting]:
    by_id: dict[str, RuleSetting] = {}
    for key, setting in settings.rules.items():
        if always_on(key):
            raise ConfigError("rule_always_on", where="rules", rule=key)
        rule = find_rule(rules, key)
        if rule is None:
            raise ConfigError("rule_unknown", where="rules", rule=key)
        by_id[rule.id] = setting
    return by_id


def _options(rule: Rule, setting: RuleSetting) -> RuleOptions:
    """The options of a rule: validated already when they come from a config file."""
    if isinstance(setting.options, rule.options):
        return setting.options
    given = setting.options
    values = given.model_dump() if isinstance(given, RuleOptions) else dict(given)
    try:
        return rule.options.model_validate(values)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        name = ".".join(str(p) for p in error["loc"]) or "options"
        where = f"rules.{rule.id}"
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
            detail=validation_detail(error),
        ) from None
