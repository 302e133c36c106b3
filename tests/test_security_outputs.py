"""Issue 10, point 1: never destroy a file.

`-o` writes into a FIFO or a device (or refuses) and never renames a temporary
file over one; `-o` naming an input is exit 2; a configured baseline outside
the repository is not written without `-o`; failed writes to stdout are
reported and exit non-zero; the step summary is appended whole or not at all.
"""

from __future__ import annotations

import os
import resource
import stat
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ebcheck.cli.app import app
from tests.security_support import deal_text, run_ebcheck


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "deal.yaml").write_text(deal_text(), encoding="utf-8")
    return tmp_path


# --- FIFOs, devices and links are written into, never replaced -----------------


def test_output_into_a_fifo_with_a_reader_is_written_through_it(repo: Path) -> None:
    fifo = repo / "report.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def read() -> None:
        with fifo.open("rb") as stream:
            received.append(stream.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    result = run_ebcheck("audit", "deal.yaml", "-f", "json", "-o", str(fifo), cwd=repo)
    reader.join(timeout=30)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)  # still a FIFO, not a regular file
    assert b'"ebcheck_report": 2' in received[0]


def test_output_into_a_fifo_nobody_reads_is_refused_without_blocking(repo: Path) -> None:
    fifo = repo / "report.fifo"
    os.mkfifo(fifo)
    result = run_ebcheck("audit", "deal.yaml", "-o", str(fifo), cwd=repo, timeout=30)
    assert result.returncode == 2
    assert b"cannot write" in result.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_a_symlink_into_dev_null_stays_a_link_and_dev_null_a_device(repo: Path) -> None:
    link = repo / "report.json"
    link.symlink_to("/dev/null")
    result = run_ebcheck("audit", "deal.yaml", "-f", "json", "-o", str(link), cwd=repo)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink()
    assert stat.S_ISCHR(Path("/dev/null").stat().st_mode)


def test_a_character_device_is_written_into_not_replaced(repo: Path) -> None:
    device = repo / "null"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a second /dev/null
    except (PermissionError, OSError):
        pytest.skip("creating a device needs root and a mount without nodev")
    result = run_ebcheck("audit", "deal.yaml", "-o", str(device), cwd=repo)
    assert result.returncode in (0, 2), result.stderr
    assert stat.S_ISCHR(device.lstat().st_mode)


def test_a_symlink_to_a_regular_file_is_refused(repo: Path) -> None:
    target = repo / "elsewhere.txt"
    target.write_text("keep me\n", encoding="utf-8")
    link = repo / "report.md"
    link.symlink_to(target)
    result = run_ebcheck("audit", "deal.yaml", "-o", str(link), cwd=repo)
    assert result.returncode == 2
    assert target.read_text(encoding="utf-8") == "keep me\n"
    assert link.is_symlink()


# --- -o never names an input ---------------------------------------------------------


@pytest.mark.parametrize("command", ["audit", "baseline"])
def test_output_onto_a_named_deal_is_exit_2_and_the_deal_untouched(
    runner: CliRunner, repo: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    monkeypatch.chdir(repo)
    before = (repo / "deal.yaml").read_bytes()
    result = runner.invoke(app, [command, "deal.yaml", "-o", "deal.yaml"])
    assert result.exit_code == 2
    assert "deal.yaml" in result.stderr
    assert (repo / "deal.yaml").read_bytes() == before


def test_output_onto_a_deal_found_in_a_folder_is_exit_2(
    runner: CliRunner, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo)
    before = (repo / "deal.yaml").read_bytes()
    result = runner.invoke(app, ["audit", ".", "-o", "./deal.yaml"])
    assert result.exit_code == 2
    assert (repo / "deal.yaml").read_bytes() == before


def test_output_onto_the_config_or_the_baseline_is_exit_2(
    runner: CliRunner, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo)
    config = repo / ".ebcheck.yaml"
    config.write_text("baseline: base.json\n", encoding="utf-8")
    assert runner.invoke(app, ["baseline", "deal.yaml", "-o", "base.json"]).exit_code == 0
    baseline_before = (repo / "base.json").read_bytes()
    for target in (".ebcheck.yaml", "base.json"):
        result = runner.invoke(app, ["audit", "deal.yaml", "-f", "json", "-o", target])
        assert result.exit_code == 2, target
    assert config.read_text(encoding="utf-8") == "baseline: base.json\n"
    assert (repo / "base.json").read_bytes() == baseline_before


def test_a_configured_baseline_outside_the_repository_needs_o(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "deal.yaml").write_text(deal_text(), encoding="utf-8")
    (repo / ".ebcheck.yaml").write_text("baseline: ../outside.json\n", encoding="utf-8")
    monkeypatch.chdir(repo)
    refused = runner.invoke(app, ["baseline", "deal.yaml"])
    assert refused.exit_code == 2
    assert "outside" in refused.stderr
    assert not (tmp_path / "outside.json").exists()
    chosen = runner.invoke(app, ["baseline", "deal.yaml", "-o", "../outside.json"])
    assert chosen.exit_code == 0, chosen.stderr
    assert (tmp_path / "outside.json").is_file()


# --- stdout that cannot take the report ------------------------------------------------


def test_a_full_disk_on_stdout_is_reported_and_not_exit_0(repo: Path) -> None:
    with Path("/dev/full").open("wb") as full:
        result = run_ebcheck("audit", "deal.yaml", "-f", "json", cwd=repo, stdout=full.fileno())
    assert result.returncode not in (0, 1)
    assert b"stdout" in result.stderr
    assert b"Traceback" not in result.stderr


def test_a_file_size_limit_on_stdout_is_reported_not_cut_silently(repo: Path) -> None:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (512, 512))

    target = repo / "out.json"
    with target.open("wb") as out:
        result = run_ebcheck(
            "audit", "deal.yaml", "-f", "json", cwd=repo, stdout=out.fileno(), preexec_fn=limit
        )
    assert result.returncode not in (0, 1)
    assert b"stdout" in result.stderr
    assert b"Traceback" not in result.stderr


def test_a_closed_stdout_is_reported(repo: Path) -> None:
    result = run_ebcheck(
        "audit", "deal.yaml", cwd=repo, preexec_fn=lambda: os.close(1), stdout=None
    )
    assert result.returncode not in (0, 1)
    assert b"stdout" in result.stderr
    assert b"Traceback" not in result.stderr


# --- the step summary, whole or not at all --------------------------------------------


def test_a_step_summary_that_cannot_be_written_whole_is_left_as_it_was(repo: Path) -> None:
    summary = repo / "summary.md"
    summary.write_text("# earlier step\n" * 10, encoding="utf-8")
    before = summary.read_bytes()
    for number in range(12):  # enough deals for a summary well over the limit below
        (repo / f"d{number}.yaml").write_text(deal_text(f"D-{number}"), encoding="utf-8")

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (len(before) + 2000, len(before) + 2000))

    result = run_ebcheck(
        "audit",
        ".",
        "-f",
        "github",
        cwd=repo,
        env={"GITHUB_STEP_SUMMARY": str(summary)},
        preexec_fn=limit,
    )
    assert b"GITHUB_STEP_SUMMARY" in result.stderr
    assert summary.read_bytes() == before


def test_output_to_dev_stdout_redirected_to_a_file_is_written(repo: Path) -> None:
    target = repo / "out.json"
    with target.open("wb") as out:
        result = run_ebcheck(
            "audit", "deal.yaml", "-f", "json", "-o", "/dev/stdout", cwd=repo, stdout=out.fileno()
        )
    assert result.returncode == 0, result.stderr
    assert b'"ebcheck_report": 2' in target.read_bytes()
