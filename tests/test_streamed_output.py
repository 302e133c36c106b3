"""Reports written as they are rendered (JSON and concise, a deal at a time) reach
stdout as one text: a console's stateful encoding marks it once."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
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


def test_a_report_file_is_written_whole_a_batch_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`-o` gets the parts of a streamed report (a deal each) in a few large writes,
    all of them, in order."""
    from ebcheck import atomic
    from ebcheck.cli.output import write_atomically

    parts = [f"deal {n:04d} 华东精密 " + "x" * 1000 + "\n" for n in range(300)]
    writes: list[int] = []
    real_write = os.write

    def counted(fd: int, data: bytes | memoryview) -> int:
        writes.append(len(data))
        return real_write(fd, data)

    monkeypatch.setattr(atomic.os, "write", counted)
    target = tmp_path / "report.json"
    write_atomically(target, iter(parts))
    assert target.read_text(encoding="utf-8") == "".join(parts)
    assert 1 < len(writes) <= sum(writes) // atomic.BATCH + 1


def test_a_report_that_fails_midway_leaves_no_file(tmp_path: Path) -> None:
    from ebcheck.cli.output import write_atomically

    def parts() -> Iterator[str]:
        for n in range(200):
            yield "y" * 1000 + "\n"
            if n == 150:
                raise RuntimeError("a formatter's own error")

    target = tmp_path / "report.json"
    with pytest.raises(RuntimeError, match="formatter"):
        write_atomically(target, parts())
    assert list(tmp_path.iterdir()) == []
