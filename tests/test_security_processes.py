"""Issue 10, point 7: processes.

SIGTERM or SIGINT to the main process stops the worker pool (no worker lives
on holding stdout open); an exception nothing caught is exit 3 with the
internal-error message, never exit 1 (which means "not ready").
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ebcheck.cli import app as app_module
from tests.security_support import SRC, deal_text


def children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found |= {int(n) for n in task.read_text().split()}
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state not in ("Z", "X")


def _default_signals() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_to_the_main_process_stops_the_workers(tmp_path: Path, signum: int) -> None:
    for number in range(1500):
        (tmp_path / f"d{number:04}.yaml").write_text(deal_text(f"D-{number}"), encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-P", "-m", "ebcheck", "audit", ".", "-j", "2", "-f", "json"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(SRC)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        # A shell running this suite in the background starts it with SIGINT
        # ignored, and a Python started so never turns SIGINT into Ctrl-C.
        preexec_fn=_default_signals,
    )
    workers: set[int] = set()
    deadline = time.monotonic() + 30
    while len(workers) < 2 and time.monotonic() < deadline and process.poll() is None:
        workers |= children(process.pid)
        time.sleep(0.05)
    assert workers, "the pool never started"
    time.sleep(0.3)
    process.send_signal(signum)
    # stdout reaches its end once no process holds it open: main and workers gone.
    process.communicate(timeout=15)
    assert process.returncode != 0
    gone_by = time.monotonic() + 10
    while any(alive(pid) for pid in workers) and time.monotonic() < gone_by:
        time.sleep(0.05)
    assert not any(alive(pid) for pid in workers)


def test_an_uncaught_exception_is_exit_3_with_the_internal_error_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "deal.yaml").write_text(deal_text(), encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    def broken(*args: object, **kwargs: object) -> Iterator[str]:
        yield "{\n"  # a report written as it is rendered: the bug strikes halfway
        raise RuntimeError("formatter bug")

    (tmp_path / "report.json").write_text("last week's report\n", encoding="utf-8")
    monkeypatch.setattr("ebcheck.cli.audit.render_chunks", broken)
    for output in ([], ["-o", "report.json"]):
        argv = ["ebcheck", "audit", "deal.yaml", "-f", "json", "--lang", "en", *output]
        monkeypatch.setattr(sys, "argv", argv)
        with pytest.raises(SystemExit) as stopped:
            app_module.main()
        assert stopped.value.code == 3
        err = capsys.readouterr().err
        assert "internal error" in err
        assert "RuntimeError: formatter bug" in err
        assert "Traceback" not in err
    # -o replaces the file only with a whole report: last week's stays, and no temporary file.
    assert (tmp_path / "report.json").read_text(encoding="utf-8") == "last week's report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deal.yaml", "report.json"]
