"""`ebcheck init --config` and `ebcheck init --ci github|gitlab`: files a team starts from.

The texts are package data (`ebcheck/templates/`), written as they are: a
commented `.ebcheck.yaml` (English or Chinese comments) and a CI workflow
that audits what a pull request changes. Like the deal template, nothing is
ever overwritten; `-` as the file prints the text instead.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from ebcheck.version import __version__

_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
PLACEHOLDER = "YOUR-GIT-HOST/YOUR-ORG"
"""The part of the install URL a team must replace: ebcheck is not on PyPI."""
INSTALL = f"git+https://{PLACEHOLDER}/ebcheck.git@v{__version__}"
"""How the workflows install ebcheck: this very version's tag, from a git URL
the team fills in (the workflow stops with a clear error until it does)."""


class Ci(StrEnum):
    GITHUB = "github"
    GITLAB = "gitlab"


DEFAULT_CONFIG = Path(".ebcheck.yaml")
DEFAULT_WORKFLOW = {
    Ci.GITHUB: Path(".github/workflows/ebcheck.yml"),
    Ci.GITLAB: Path(".gitlab-ci.yml"),
}


def config_text(lang: str) -> str:
    """The commented `.ebcheck.yaml`, its comments in `lang` (en or zh)."""
    name = "config.zh.yaml" if lang == "zh" else "config.en.yaml"
    return (_TEMPLATES / name).read_text(encoding="utf-8")


def workflow_text(ci: Ci) -> str:
    """The CI workflow for `ci`, installing this version of ebcheck."""
    text = (_TEMPLATES / f"{ci.value}.yml").read_text(encoding="utf-8")
    text = text.replace("@INSTALL@", INSTALL).replace("@PLACEHOLDER@", PLACEHOLDER)
    return text.replace("@VERSION@", __version__)
