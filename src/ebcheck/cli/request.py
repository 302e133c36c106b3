"""What one `audit` or `baseline` command asks for, as parsed from its options."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ebcheck.reports import Format


@dataclass(frozen=True)
class AuditRequest:
    paths: tuple[Path, ...]
    fmt: Format = Format.TERMINAL
    output: Path | None = None
    fail_on: str | None = None
    as_of: object | None = None
    config: Path | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    baseline: Path | None = None
    changed_since: str | None = None
    jobs: int = 0
    lang: str | None = None
    summary_only: bool = False
    show_all: bool = False
    verbose: bool = False
    skip_non_deals: bool = False
    history: bool | None = None
    """`--history`: None leaves it to the config."""
    no_cache: bool = False
    cache_dir: Path | None = None
    no_config: bool = False
    """`--no-config`: no config file is discovered."""
