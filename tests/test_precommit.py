"""The pre-commit hook definition works as pre-commit would run it."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO
from tests.deals import EB_NEVER_MET, READY


def hook() -> dict[str, object]:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (only,) = hooks
    assert only["id"] == "ebcheck"
    assert only["language"] == "python"
    assert only["types"] == ["yaml"]
    return dict(only)


def entry_command() -> list[str]:
    words = shlex.split(str(hook()["entry"]))
    assert words[0] == "ebcheck"
    installed = Path(sys.executable).with_name("ebcheck")
    return [
        str(installed) if installed.exists() else shutil.which("ebcheck") or "ebcheck",
        *words[1:],
    ]


def run_hook(repo: Path, files: list[str]) -> subprocess.CompletedProcess[str]:
    # pre-commit passes the staged files of the hook's types as arguments.
    return subprocess.run(
        [*entry_command(), *files],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


@pytest.fixture
def git_repo(tmp_path: Path) -> Path:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "deals").mkdir()
    (tmp_path / "deals" / "ready.yaml").write_text(READY, encoding="utf-8")
    (tmp_path / "ci.yaml").write_text("on: [push]\njobs: {}\n", encoding="utf-8")
    return tmp_path


def test_hook_passes_on_a_ready_deal_and_ignores_other_yaml(git_repo: Path) -> None:
    done = run_hook(git_repo, ["deals/ready.yaml", "ci.yaml"])
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ci.yaml" not in done.stdout


def test_hook_fails_on_a_deal_that_is_not_ready(git_repo: Path) -> None:
    (git_repo / "deals" / "late.yaml").write_text(
        EB_NEVER_MET.replace("HD-2026-031", "L-1"), encoding="utf-8"
    )
    done = run_hook(git_repo, ["deals/late.yaml", "ci.yaml"])
    assert done.returncode == 1
    assert "deals/late.yaml:" in done.stdout
    assert "EB002 [critical]" in done.stdout
