"""Helpers of the security tests (issue 10): real processes, real file descriptors."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.deals import READY

SRC = Path(__file__).resolve().parents[1] / "src"


def deal_text(deal_id: str = "HD-2026-031", **replace: str) -> str:
    text = READY.replace("HD-2026-031", deal_id)
    for old, new in replace.items():
        text = text.replace(old, new)
    return text


def run_ebcheck(
    *args: str,
    cwd: Path,
    env: dict[str, str] | None = None,
    stdout: int | None = subprocess.PIPE,
    timeout: float = 60,
    preexec_fn: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """`python -P -m ebcheck ARGS` in a fresh process, stdout and stderr as bytes."""
    environment = {**os.environ, "PYTHONPATH": str(SRC), "COLUMNS": "100", **(env or {})}
    return subprocess.run(
        [sys.executable, "-P", "-m", "ebcheck", *args],
        cwd=cwd,
        env=environment,
        stdout=stdout,
        stderr=subprocess.PIPE,
        timeout=timeout,
        check=False,
        preexec_fn=preexec_fn,
    )
