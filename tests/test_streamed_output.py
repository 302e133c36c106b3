"""Reports written as they are rendered (JSON and concise, a deal at a time) reach
stdout as one text: a console's stateful encoding marks it once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.deals import READY


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_a_byte_order_mark_is_written_once(tmp_path: Path, encoding: str) -> None:
    for n in range(3):  # deals with findings: each is a part of its own
        text = READY.replace("HD-2026-031", f"D-{n}").replace("    met: 2026-11-10\n", "", 1)
        (tmp_path / f"d{n}.yaml").write_text(text, encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": encoding, "EBCHECK_NO_CACHE": "1"}
    run = subprocess.run(
        [sys.executable, "-m", "ebcheck", "audit", str(tmp_path), "-f", "concise", "--lang", "en"],
        capture_output=True,
        env=env,
        check=False,
    )
    assert run.returncode == 1, run.stderr
    bom = "\ufeff".encode(encoding)[: 3 if encoding == "utf-8-sig" else 2]
    assert run.stdout.startswith(bom)
    assert run.stdout.count(bom) == 1
    lines = run.stdout.decode(encoding).splitlines()
    assert sum("EB002" in line for line in lines) == 3
