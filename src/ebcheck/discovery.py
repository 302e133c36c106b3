"""Where the config file is: `.ebcheck.yaml`, found from the working folder up.

Kept apart from `config.py` (which validates the file against the rule pack)
so that finding the file, or its `lang`, costs nothing at start-up.
"""

from __future__ import annotations

import os
from pathlib import Path

from ebcheck.errors import ConfigError

CONFIG_NAME = ".ebcheck.yaml"


def repository_root(start: Path) -> Path | None:
    """The nearest folder from `start` up that holds `.git`."""
    folder = start.resolve()
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def discover(start: Path) -> Path | None:
    """The nearest `.ebcheck.yaml` from `start` up to the repository root.

    Outside a repository only `start` itself is looked at: a config file in a
    shared folder above (`/tmp`, a home folder) must not silence an audit.
    """
    folder = start.resolve()
    top = repository_root(folder)
    if top is None:
        return _config_at(folder / CONFIG_NAME)
    for current in (folder, *folder.parents):
        found = _config_at(current / CONFIG_NAME)
        if found is not None:
            return found
        if current == top:
            break
    return None


def _config_at(candidate: Path) -> Path | None:
    """`candidate` if it is a config file; None if there is none. A `.ebcheck.yaml`
    that is a folder, a FIFO, a device or a broken link is exit 2: skipping it
    and reading a config further up (or none) would go unnoticed."""
    if candidate.is_file():
        return candidate
    if os.path.lexists(candidate):
        raise ConfigError("config_not_regular", where=str(candidate))
    return None
