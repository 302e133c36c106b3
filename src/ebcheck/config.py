"""`.ebcheck.yaml`: discovery, and a pydantic model validated through the source map.

The file is read like a deal file (`read_yaml`: the C composer, a source map,
duplicate keys caught). `config_model(rules)` is the model of the file for one
set of rules, so that rule names, selectors and every rule's options are
validated in the same pass as the rest. Validators raise
`PydanticCustomError`s whose type is a message catalogue key (`error.<key>`);
each pydantic error is translated into a `ConfigError` at the
`file:line:col` of the offending key or value, with a "did you mean" for
unknown keys.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Annotated, Any, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    create_model,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from ebcheck.audit.core_rules import SELECTABLE
from ebcheck.audit.gate import FAIL_ON_CHOICES, parse_fail_on
from ebcheck.audit.pack import builtin_pack
from ebcheck.audit.scoring import DEFAULT_WEIGHTS
from ebcheck.audit.select import always_on, find_rule, matches
from ebcheck.audit.settings import DEFAULT_SMALL_DEAL_BELOW, RuleSetting
from ebcheck.audit.walk import is_glob
from ebcheck.deal.enums import Severity, Stage
from ebcheck.deal.fields import MAX_NUMBER, unquoted_number
from ebcheck.deal.problems import ReadFailure
from ebcheck.deal.source import NotRegularFile, Scalar, plain, read_limited, read_yaml
from ebcheck.deal.sourcemap import Path as KeyPath
from ebcheck.deal.sourcemap import SourceMap
from ebcheck.deal.suggest import closest
from ebcheck.errors import ConfigError, Words, validation_detail
from ebcheck.i18n import LANGUAGES
from ebcheck.ruleapi import NoOptions, Rule, RuleOptions

# --- value types --------------------------------------------------------------


def _error(key: str, **facts: Any) -> PydanticCustomError:
    """An error whose type is the catalogue key `error.<key>`, explained with `facts`."""
    return PydanticCustomError(f"error.{key}", key, facts)


def _text(value: Any, info: ValidationInfo) -> Any:
    if not isinstance(value, str) or not value:
        raise _error("config_text_list", key_name=info.field_name)
    return value


def _one_or_many(value: Any) -> Any:
    """A single value stands for a list of one (`include: deals/**`)."""
    return value if isinstance(value, list) else [value]


def _glob(value: str) -> str:
    if not is_glob(value):
        raise _error("config_glob", pattern=value)
    return value


Text = Annotated[str, BeforeValidator(_text)]
TextList = Annotated[tuple[Text, ...] | None, BeforeValidator(_one_or_many)]
GlobList = Annotated[
    tuple[Annotated[Text, AfterValidator(_glob)], ...] | None, BeforeValidator(_one_or_many)
]


def _fail_on(value: Any) -> Any:
    try:
        return parse_fail_on(str(value))
    except ConfigError:
        raise _error(
            "config_fail_on", choices=", ".join(FAIL_ON_CHOICES), found=str(value)
        ) from None


def _lang(value: Any) -> Any:
    # Any case, as `--lang` takes it: `lang: ZH` is Chinese.
    lowered = value.lower() if isinstance(value, str) else value
    if lowered not in LANGUAGES:
        raise _error("config_lang", choices=", ".join(LANGUAGES))
    return lowered


def _baseline(value: Any) -> Any:
    if not isinstance(value, str) or not value:
        raise _error("config_baseline")
    return value


def _flag(value: Any, info: ValidationInfo) -> Any:
    if not isinstance(value, bool):
        raise _error("config_flag", key_name=info.field_name)
    return value


def _mapping(key: str) -> Callable[[Any], Any]:
    """A validator that accepts only a mapping, explained by the catalogue's `key`."""

    def check(value: Any) -> Any:
        if not isinstance(value, dict):
            raise _error(key)
        return value

    return check


def _stage(value: Any) -> Any:
    try:
        return Stage(str(value).lower())
    except ValueError:
        choices = ", ".join(s.value for s in Stage)
        raise _error("config_stage", found=str(value), choices=choices) from None


def _severity(value: Any) -> Any:
    if value is None:
        return None
    try:
        return Severity(str(value).lower())
    except ValueError:
        raise _error("config_severity", choices=", ".join(s.value for s in Severity)) from None


StageName = Annotated[Stage, BeforeValidator(_stage)]


def _currency(value: Any) -> Any:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z]{3}", value.strip()):
        raise _error("config_currency", found=str(value))
    return value.strip().upper()


def _thresholds(value: Any) -> Any:
    """`{CNY: 300000, USD: 50000}`: a currency code and an amount >= 0 each, kept as the
    decimal written (`300000.01` as a float is a hair above it: a deal of exactly that
    amount would count as below it)."""
    _mapping("config_small_deal")(value)
    out: dict[str, Decimal] = {}
    for code, amount in value.items():
        number = amount if isinstance(amount, int | float) and not isinstance(amount, bool) else -1
        if not (0 <= number < math.inf):
            raise _error("config_small_deal")
        out[_currency(code)] = (
            Decimal(repr(number)) if isinstance(number, float) else Decimal(number)
        )
    return out


# --- the model ------------------------------------------------------------------


class Weights(BaseModel):
    """`weights:` points per severity; a severity left out keeps its default."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    critical: int | None = None
    high: int | None = None
    medium: int | None = None
    low: int | None = None
    info: int | None = None

    @model_validator(mode="before")
    @classmethod
    def _a_mapping(cls, value: Any) -> Any:
        return _mapping("config_weights")(value)

    @field_validator("*", mode="before")
    @classmethod
    def _points(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
            raise _error("config_weight", severity=info.field_name)
        return value

    def points(self) -> dict[Severity, int]:
        """The default weights with the ones this file gives."""
        given = {Severity(name): getattr(self, name) for name in self.model_fields_set}
        return {**DEFAULT_WEIGHTS, **given}


class RuleConfig(BaseModel):
    """One entry of `rules:`: `off`, `severity` and the rule's options, side by side.

    `BI004: off` and `BI004: on` are shorthands. `config_model` makes one
    subclass per rule, whose `options` is that rule's own options model.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    off: bool = False
    severity: Annotated[Severity | None, BeforeValidator(_severity)] = None
    options: RuleOptions = Field(default_factory=NoOptions)

    @model_validator(mode="before")
    @classmethod
    def _shorthands(cls, value: Any) -> Any:
        # YAML reads a bare `off` as false and a bare `on` as true.
        if value is False or value == "off":
            return {"off": True}
        if value is True or value == "on" or value is None:
            return {}
        if not isinstance(value, dict):
            raise _error("config_rule")
        own = {key: value[key] for key in ("off", "severity") if key in value}
        options = {key: item for key, item in value.items() if key not in own}
        return {**own, "options": options}

    @field_validator("off", mode="before")
    @classmethod
    def _off(cls, value: Any) -> bool:
        # `off: maybe` must not quietly leave a rule on: only true or false.
        if not isinstance(value, bool):
            raise _error("config_off", found=str(value))
        return value


class ConfigFile(BaseModel):
    """The keys of `.ebcheck.yaml`; a key left out is None (the default applies).

    Validate a file with `config_model(rules)`, which knows the rules that
    `select`, `ignore` and `rules` may name.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    fail_on: Annotated[str | None, BeforeValidator(_fail_on)] = None
    include: GlobList = None
    exclude: GlobList = None
    select: TextList = None
    ignore: TextList = None
    lang: Annotated[str | None, BeforeValidator(_lang)] = None
    baseline: Annotated[str | None, BeforeValidator(_baseline)] = None
    stages: Annotated[dict[str, StageName] | None, BeforeValidator(_mapping("config_stages"))] = (
        None
    )
    weights: Weights | None = None
    small_deal_below: Annotated[dict[str, Decimal] | None, BeforeValidator(_thresholds)] = None
    """Per currency, the amount below which a deal is small (D26); merged with the defaults."""
    default_currency: Annotated[str | None, BeforeValidator(_currency)] = None
    rules: Mapping[str, RuleConfig] | None = None
    """By rule id, whether the file names a rule by id or by name."""
    history: Annotated[bool | None, BeforeValidator(_flag)] = None
    """`history: true`: every audit reads close-date and stage changes from git."""

    @model_validator(mode="before")
    @classmethod
    def _a_mapping(cls, value: Any) -> Any:
        return _mapping("config_not_mapping")(value)

    def settings(self, folder: Path) -> dict[str, Any]:
        """The settings this file gives, as keyword arguments of `Settings`.

        `folder` is the config file's folder, which `baseline` is relative to.
        """
        values: dict[str, Any] = {
            name: getattr(self, name)
            for name in ("fail_on", "include", "exclude", "select", "ignore", "lang", "stages")
            if getattr(self, name) is not None
        }
        if self.baseline is not None:
            values["baseline"] = folder / self.baseline
        if self.weights is not None:
            values["weights"] = self.weights.points()
        if self.small_deal_below is not None:
            values["small_deal_below"] = {**DEFAULT_SMALL_DEAL_BELOW, **self.small_deal_below}
        if self.default_currency is not None:
            values["default_currency"] = self.default_currency
        if self.history is not None:
            values["history"] = self.history
        if self.rules is not None:
            values["rules"] = {
                rule_id: RuleSetting(entry.off, entry.severity, entry.options)
                for rule_id, entry in self.rules.items()
            }
        return values


def rule_key(rules: Sequence[Rule], key: str) -> str:
    """The id of the rule `key` names (`eb-not-met`, `eb002`), else `key` itself."""
    found = find_rule(rules, key)
    return found.id if found is not None else key


@cache
def config_model(rules: tuple[Rule, ...]) -> type[ConfigFile]:
    """The model of a config file whose `select`, `ignore` and `rules` name `rules`."""

    def selector(value: Any) -> Any:
        if always_on(value):
            raise _error("select_always_on", selector=value)
        if not any(matches(r, value) for r in rules):
            raise _error("select_unknown", selector=value)
        return value

    def by_id(value: Any) -> Any:
        if not isinstance(value, dict):
            raise _error("config_rules")
        # Unknown keys stay as written: the model refuses them by name.
        out: dict[str, Any] = {}
        written: dict[str, str] = {}
        for key, entry in value.items():
            rule_id = rule_key(rules, str(key))
            if rule_id in out:  # `EB006:` and `eb-meeting-stale:` both
                raise _error("config_rule_twice", first=written[rule_id], second=str(key))
            out[rule_id] = entry
            written[rule_id] = str(key)
        return out

    def entries(value: BaseModel) -> dict[str, RuleConfig]:
        given = value.model_fields_set
        return {name: getattr(value, name) for name in type(value).model_fields if name in given}

    per_rule: dict[str, Any] = {
        rule.id: (
            create_model(
                f"RuleConfig_{rule.id}",
                __base__=RuleConfig,
                options=(_strict_numbers(rule.options), Field(default_factory=rule.options)),
            )
            | None,
            None,
        )
        for rule in rules
    }
    rules_model = create_model(
        "RulesConfig", __config__=ConfigDict(extra="forbid", frozen=True), **per_rule
    )
    selectors = Annotated[
        tuple[Annotated[Text, AfterValidator(selector)], ...] | None,
        BeforeValidator(_one_or_many),
    ]
    return create_model(
        "ConfigFileOfRules",
        __base__=ConfigFile,
        select=(selectors, None),
        ignore=(selectors, None),
        rules=(
            Annotated[
                rules_model | None,
                BeforeValidator(by_id),
                AfterValidator(entries),
            ],
            None,
        ),
    )


def _strict_numbers(options: type[RuleOptions]) -> type[RuleOptions]:
    """`options` where `true` is no number: pydantic would read `max_days: true` as 1."""
    if not options.model_fields:
        return options

    def no_bool(value: Any, info: ValidationInfo) -> Any:
        field = options.model_fields.get(info.field_name or "")
        annotation = field.annotation if field is not None else bool
        if get_origin(annotation) is dict:  # `{proposal: 60}`: the values are what counts
            annotation = get_args(annotation)[-1]
        wanted = str(annotation)
        if "bool" not in wanted and _holds(value, bool):
            raise PydanticCustomError(
                "detail.not_a_boolean", "expected a number, not true or false"
            )
        numeric = ("int" in wanted or "float" in wanted) and "str" not in wanted
        if numeric and _holds(value, str, _QUOTED_NUMBER.fullmatch):
            # pydantic would read "60" as 60; other text gets pydantic's own message.
            raise PydanticCustomError("detail.quoted_number", "expected a number, not text")
        return value

    checker = field_validator("*", mode="before")(no_bool)
    return create_model(options.__name__, __base__=options, __validators__={"_no_bool": checker})


_QUOTED_NUMBER = re.compile(r"\s*[-+]?[0-9_]+(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?\s*")


def _holds(value: Any, kind: type, test: Callable[[Any], Any] | None = None) -> bool:
    """Whether `value`, or a value inside it (not a mapping's keys), is a `kind`
    (for which `test`, if given, is true)."""
    if isinstance(value, kind):
        return test is None or bool(test(value))
    if isinstance(value, dict):
        return any(_holds(item, kind, test) for item in value.values())
    if isinstance(value, list):
        return any(_holds(item, kind, test) for item in value)
    return False


def _numbers_as_written(tree: Any) -> Any:
    """The tree with each unquoted number YAML 1.1 left as text (`1e400`, 5,000
    digits) made a number, so that it is out of range, not "text in quotes"."""
    if isinstance(tree, dict):
        return {key: _numbers_as_written(value) for key, value in tree.items()}
    if isinstance(tree, list):
        return [_numbers_as_written(value) for value in tree]
    written = unquoted_number(tree) if isinstance(tree, Scalar) else None
    if written is None:
        return tree
    return math.inf if abs(written) > MAX_NUMBER else float(written)


def _huge_number(values: Any, at: KeyPath = ()) -> KeyPath | None:
    """The path of the first number past `MAX_NUMBER` (`max_days: 10**400`), if any."""
    if isinstance(values, dict):
        items: Any = values.items()
    elif isinstance(values, list):
        items = enumerate(values)
    else:
        number = isinstance(values, int | float) and not isinstance(values, bool)
        return at if number and abs(values) > MAX_NUMBER else None
    for key, item in items:
        found = _huge_number(item, (*at, key))
        if found is not None:
            return found
    return None


def selectable_rules() -> tuple[Rule, ...]:
    """The rules a config file may name: the built-in pack and the repository rules."""
    return (*builtin_pack().rules, *SELECTABLE)


# --- reading and error translation ----------------------------------------------


def load_config(path: Path, rules: Sequence[Rule] | None = None) -> ConfigFile:
    """Read and validate one config file; every problem is a located `ConfigError`.

    `rules` are the rules it may name (the built-in pack and the repository
    rules by default). An empty file, or one of only comments, means defaults.
    """
    try:
        tree, source, problems = read_yaml(read_limited(path))
    except NotRegularFile:
        raise ConfigError("config_not_regular", where=str(path)) from None
    except OSError as exc:
        raise ConfigError("config_unreadable", where=str(path), reason=exc.strerror) from None
    except ReadFailure as failure:
        problem = failure.problem
        if problem.key == "E001.empty":
            return ConfigFile()
        pos = problem.position
        raise ConfigError(
            "config_not_yaml",
            where=f"{path}:{pos.line}:{pos.column}",
            problem=Words(problem.key, problem.params),
        ) from None
    if problems:
        first = problems[0]
        pos = first.position
        raise ConfigError(
            "config_duplicate_key",
            where=f"{path}:{pos.line}:{pos.column}",
            key_name=str(first.path[-1]),
        )
    values = plain(_numbers_as_written(tree))
    if values is None:
        return ConfigFile()
    huge = _huge_number(values)
    if huge is not None:
        pos = source.locate(huge)
        raise ConfigError(
            "config_number_range",
            where=f"{path}:{pos.line}:{pos.column}",
            key_name=".".join(str(part) for part in huge),
            limit=f"{MAX_NUMBER:,}",
        )
    known = tuple(rules) if rules is not None else selectable_rules()
    model = config_model(known)
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        located = [_Translator(path, source, values, known).error(e) for e in exc.errors()]
        raise min(located, key=lambda pair: pair[0])[1] from None


# The mappings whose keys are a model's fields, for "unknown key" and "did you mean".
_SECTIONS: dict[KeyPath, type[BaseModel]] = {(): ConfigFile, ("weights",): Weights}


class _Translator:
    """Turns one pydantic error into a `ConfigError` at the offending key or value."""

    def __init__(
        self, path: Path, source: SourceMap, values: dict[str, Any], rules: tuple[Rule, ...]
    ) -> None:
        self.path = path
        self.source = source
        self.values = values
        self.rules = rules

    def error(self, error: ErrorDetails) -> tuple[tuple[int, int], ConfigError]:
        at: KeyPath = tuple(error["loc"])
        if at[:1] == ("rules",) and len(at) > 1:
            return self._rule_error(error, at)
        if error["type"] == "extra_forbidden":
            return self._unknown_key(at)
        return self._fail(at, *_catalogue_key(error))

    def _fail(
        self, at: KeyPath, key: str, facts: Mapping[str, Any], *, on_key: bool = False
    ) -> tuple[tuple[int, int], ConfigError]:
        pos = self.source.locate_key(at) if on_key else self.source.locate(at)
        where = f"{self.path}:{pos.line}:{pos.column}"
        return (pos.line, pos.column), ConfigError(key, where=where, **facts)

    def _unknown_key(self, at: KeyPath) -> tuple[tuple[int, int], ConfigError]:
        name = str(at[-1])
        allowed = list(_SECTIONS.get(at[:-1], ConfigFile).model_fields)
        known = ", ".join(allowed)
        close = closest(name.replace("-", "_"), allowed)  # `small` → small_deal_below
        if close:
            facts = {"key_name": name, "suggestion": close, "known": known}
            return self._fail(at, "config_unknown_key_hint", facts, on_key=True)
        return self._fail(at, "config_unknown_key", {"key_name": name, "known": known}, on_key=True)

    def _written(self, rule_id: str) -> str:
        """The key the file names a rule by (the last one, when it is named twice)."""
        keys = [k for k in self.values["rules"] if rule_key(self.rules, k) == rule_id]
        return keys[-1] if keys else rule_id

    def _rule_error(self, error: ErrorDetails, at: KeyPath) -> tuple[tuple[int, int], ConfigError]:
        written = self._written(str(at[1]))
        where: KeyPath = ("rules", written, *at[2:])
        if len(at) == 2 and error["type"] == "extra_forbidden":
            key = "rule_always_on" if always_on(written) else "rule_unknown"
            return self._fail(where, key, {"rule": written}, on_key=True)
        rule = find_rule(self.rules, str(at[1]))
        if rule is None or at[2:3] != ("options",):
            return self._fail(where, *_catalogue_key(error))
        option_path: KeyPath = ("rules", written, *at[3:])
        facts: dict[str, Any] = {
            "rule": rule.id,
            "name": rule.name,
            "option": ".".join(str(p) for p in at[3:]) or "options",
        }
        if error["type"] == "extra_forbidden":
            facts["known"] = ", ".join(rule.options.model_fields) or "-"
            return self._fail(option_path, "option_unknown", facts, on_key=True)
        facts["detail"] = validation_detail(error)
        return self._fail(option_path, "option_invalid", facts, on_key=True)


def _catalogue_key(error: ErrorDetails) -> tuple[str, Mapping[str, Any]]:
    """The catalogue key and facts of one of our own errors, or a generic explanation."""
    kind = error["type"]
    if kind.startswith("error."):
        return kind.removeprefix("error."), dict(error.get("ctx") or {})
    return "config_invalid", {"detail": validation_detail(error)}
