"""Settings of one command: command line over config file over defaults."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ebcheck.audit.cache import FOLDER_NAME, is_foreign
from ebcheck.audit.settings import Settings
from ebcheck.config import load_config
from ebcheck.discovery import discover, repository_root
from ebcheck.errors import ConfigError
from ebcheck.i18n import LANGUAGES, asked_language, language_from_environment

if TYPE_CHECKING:
    from ebcheck.cli.request import AuditRequest


def config_path(request: AuditRequest) -> Path | None:
    """The config file an audit reads: `--config`, else the one discovered, else none.

    `--no-config` turns discovery off. Discovery stops at the repository root,
    or, outside a repository, at the current folder: a `.ebcheck.yaml` left in
    `/tmp` or a home folder never configures an audit below it.
    """
    if request.config is not None:
        if request.no_config:
            raise ConfigError("options_conflict", first="--no-config", second="--config")
        if not request.config.is_file():
            exists = os.path.lexists(request.config)
            key = "config_not_regular" if exists else "config_missing"
            raise ConfigError(key, where=str(request.config))
        return request.config
    if request.no_config:
        return None
    return discover(Path.cwd())


def settings_for(request: AuditRequest) -> Settings:
    """The settings of an audit request: its options over the config file over defaults."""
    if request.changed_since is not None and not request.changed_since.strip():
        raise ConfigError("empty_option", option="--changed-since")
    path = config_path(request)
    values = load_config(path).settings(path.parent) if path is not None else {}
    values.setdefault("lang", language_from_environment())
    overrides: dict[str, Any] = {
        "fail_on": request.fail_on,
        "as_of": request.as_of,
        "lang": request.lang.lower() if request.lang else asked_language(),
        "select": request.select or None,
        "ignore": request.ignore or None,
        "baseline": request.baseline,
        "history": request.history,
    }
    if request.lang is not None and request.lang.lower() not in LANGUAGES:
        raise ConfigError("bad_lang", choices=", ".join(LANGUAGES), found=request.lang)
    values.update({k: v for k, v in overrides.items() if v is not None})
    if path is not None:
        values["config_root"] = path.parent
    values["repo_root"] = repository_root(Path.cwd())
    values["cache_dir"] = cache_folder(request, values.get("config_root"), values["lang"])
    return Settings(**values)


def cache_folder(request: AuditRequest, config_root: Path | None, lang: str) -> Path | None:
    """`--cache-dir`, else `EBCHECK_CACHE_DIR`, else `.ebcheck_cache` beside the config
    (or in the working folder); None with `--no-cache` or `EBCHECK_NO_CACHE=1`, and,
    with a warning, when that folder holds other things than an ebcheck cache."""
    if request.no_cache or os.environ.get("EBCHECK_NO_CACHE", "") not in ("", "0"):
        return None
    folder = cache_location(request.cache_dir, config_root)
    if is_foreign(folder):
        from ebcheck.cli import diagnostics

        diagnostics.say("warning", "cache_foreign", lang, folder=str(folder))
        return None
    return folder


def cache_location(cache_dir: Path | None, config_root: Path | None) -> Path:
    """Where the cache is, whether or not this run uses it (for `ebcheck clean`)."""
    if cache_dir is not None:
        return cache_dir.absolute()
    named = os.environ.get("EBCHECK_CACHE_DIR")
    if named:
        return Path(named).absolute()
    return (config_root or Path.cwd()) / FOLDER_NAME
