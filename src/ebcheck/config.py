"""`.ebcheck.yaml`: discovery, validation with located errors, and merging with options."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ebcheck.audit.scoring import DEFAULT_WEIGHTS
from ebcheck.audit.settings import RuleSetting
from ebcheck.cli.exits import FAIL_ON_CHOICES, parse_fail_on
from ebcheck.deal.enums import Severity, Stage
from ebcheck.deal.problems import ReadFailure
from ebcheck.deal.source import plain, read_yaml
from ebcheck.deal.sourcemap import Path as KeyPath
from ebcheck.deal.sourcemap import SourceMap, format_path
from ebcheck.errors import ConfigError, Words
from ebcheck.i18n import LANGUAGES

CONFIG_NAME = ".ebcheck.yaml"
KEYS = (
    "fail_on",
    "include",
    "exclude",
    "select",
    "ignore",
    "lang",
    "baseline",
    "stages",
    "weights",
    "rules",
)
RULE_KEYS = ("off", "severity")


def repository_root(start: Path) -> Path | None:
    """The nearest folder from `start` up that holds `.git`."""
    folder = start.resolve()
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def discover(start: Path) -> Path | None:
    """The nearest `.ebcheck.yaml` from `start` up to the repository root."""
    folder = start.resolve()
    while True:
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
        if (folder / ".git").exists() or folder.parent == folder:
            return None
        folder = folder.parent


class _Reader:
    """Validates one config file, raising errors located at `file:line:col`."""

    def __init__(self, path: Path, source: SourceMap) -> None:
        self.path = path
        self.source = source

    def fail(self, at: KeyPath, error: str, *, key: bool = False, **facts: Any) -> ConfigError:
        pos = self.source.locate_key(at) if key else self.source.locate(at)
        return ConfigError(error, where=f"{self.path}:{pos.line}:{pos.column}", **facts)

    def strings(self, value: Any, at: KeyPath) -> tuple[str, ...]:
        items = value if isinstance(value, list) else [value]
        if not all(isinstance(item, str) and item for item in items):
            raise self.fail(at, "config_text_list", key_name=str(at[-1]))
        return tuple(items)

    def check_keys(self, data: Mapping[str, Any], allowed: tuple[str, ...], at: KeyPath) -> None:
        for key in data:
            if key not in allowed:
                close = difflib.get_close_matches(key.replace("-", "_"), allowed, n=1)
                known = ", ".join(allowed)
                if close:
                    raise self.fail(
                        (*at, key),
                        "config_unknown_key_hint",
                        key=True,
                        key_name=key,
                        suggestion=close[0],
                        known=known,
                    )
                raise self.fail(
                    (*at, key), "config_unknown_key", key=True, key_name=key, known=known
                )


def read_config(path: Path) -> dict[str, Any]:
    """The settings a config file gives, as keyword arguments of `Settings`."""
    try:
        data, source, problems = read_yaml(path.read_bytes())
    except OSError as exc:
        raise ConfigError("config_unreadable", where=str(path), reason=exc.strerror) from None
    except ReadFailure as failure:
        problem = failure.problem
        if problem.key == "E001.empty":
            return {}
        pos = problem.position
        raise ConfigError(
            "config_not_yaml",
            where=f"{path}:{pos.line}:{pos.column}",
            problem=Words(problem.key, problem.params),
        ) from None
    reader = _Reader(path, source)
    if problems:
        first = problems[0]
        pos = first.position
        raise ConfigError(
            "config_duplicate_key",
            where=f"{path}:{pos.line}:{pos.column}",
            key_name=str(first.path[-1]),
        )
    values = plain(data)
    if values is None:
        return {}
    if not isinstance(values, dict):
        raise reader.fail((), "config_not_mapping")
    reader.check_keys(values, KEYS, ())
    settings = _settings_from(values, reader, path.parent)
    settings["origins"] = {
        format_path(key): f"{path}:{pos.line}:{pos.column}"
        for key, pos in (*source.values.items(), *source.keys.items())
        if key
    }
    return settings


def _settings_from(values: dict[str, Any], reader: _Reader, folder: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "fail_on" in values:
        try:
            out["fail_on"] = parse_fail_on(str(values["fail_on"]))
        except ConfigError:
            raise reader.fail(
                ("fail_on",),
                "config_fail_on",
                choices=", ".join(FAIL_ON_CHOICES),
                found=str(values["fail_on"]),
            ) from None
    for key in ("include", "exclude", "select", "ignore"):
        if key in values:
            out[key] = reader.strings(values[key], (key,))
    if "lang" in values:
        if values["lang"] not in LANGUAGES:
            raise reader.fail(("lang",), "config_lang", choices=", ".join(LANGUAGES))
        out["lang"] = values["lang"]
    if "baseline" in values:
        if not isinstance(values["baseline"], str) or not values["baseline"]:
            raise reader.fail(("baseline",), "config_baseline")
        out["baseline"] = folder / values["baseline"]
    if "stages" in values:
        out["stages"] = _stages(values["stages"], reader)
    if "weights" in values:
        out["weights"] = _weights(values["weights"], reader)
    if "rules" in values:
        out["rules"] = _rules(values["rules"], reader)
    return out


def _stages(value: Any, reader: _Reader) -> dict[str, Stage]:
    if not isinstance(value, dict):
        raise reader.fail(("stages",), "config_stages")
    stages: dict[str, Stage] = {}
    for name, target in value.items():
        try:
            stages[str(name)] = Stage(str(target).lower())
        except ValueError:
            choices = ", ".join(s.value for s in Stage)
            raise reader.fail(
                ("stages", name), "config_stage", found=target, choices=choices
            ) from None
    return stages


def _weights(value: Any, reader: _Reader) -> dict[Severity, int]:
    if not isinstance(value, dict):
        raise reader.fail(("weights",), "config_weights")
    reader.check_keys(value, tuple(s.value for s in Severity), ("weights",))
    weights = dict(DEFAULT_WEIGHTS)
    for name, points in value.items():
        if isinstance(points, bool) or not isinstance(points, int) or points < 0:
            raise reader.fail(("weights", name), "config_weight", severity=name)
        weights[Severity(name)] = points
    return weights


def _rules(value: Any, reader: _Reader) -> dict[str, RuleSetting]:
    if not isinstance(value, dict):
        raise reader.fail(("rules",), "config_rules")
    return {str(key): _rule_setting(entry, reader, ("rules", key)) for key, entry in value.items()}


def _rule_setting(entry: Any, reader: _Reader, at: KeyPath) -> RuleSetting:
    # YAML reads a bare `off` as false.
    if entry is False or entry == "off":
        return RuleSetting(off=True)
    if entry is True or entry == "on" or entry is None:
        return RuleSetting()
    if not isinstance(entry, dict):
        raise reader.fail(at, "config_rule")
    options = {k: v for k, v in entry.items() if k not in RULE_KEYS}
    severity = entry.get("severity")
    if severity is not None:
        try:
            severity = Severity(str(severity).lower())
        except ValueError:
            choices = ", ".join(s.value for s in Severity)
            raise reader.fail((*at, "severity"), "config_severity", choices=choices) from None
    off = entry.get("off", False)
    return RuleSetting(off=off is True or off == "on", severity=severity, options=options)
