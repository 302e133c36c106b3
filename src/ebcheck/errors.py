"""The one small exception hierarchy of ebcheck."""

from __future__ import annotations


class EbcheckError(Exception):
    """Something the user must fix before ebcheck can do its job (exit 2)."""


class ConfigError(EbcheckError):
    """The configuration file or a command-line option is invalid."""


class BaselineError(EbcheckError):
    """The baseline file is missing or invalid."""


class PackError(EbcheckError):
    """A rule pack could not be loaded."""
