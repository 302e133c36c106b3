"""`ebcheck init --config` and `init --ci github|gitlab`: what they write loads and runs.

The config loads as written and with every commented setting switched on;
the workflows parse, name only commands and options the README documents,
and their scripts, run in a git repository with a base branch, judge only
the deals a change touched.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer.main
import yaml
from typer.testing import CliRunner

from ebcheck.cli.app import app
from ebcheck.config import load_config
from tests.conftest import EXAMPLES, REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
NOT_READY = (EXAMPLES / "hd-mes-upgrade.yaml").read_text(encoding="utf-8")


def init(runner: CliRunner, *args: str) -> Any:
    return runner.invoke(app, ["init", *args])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_init_config_writes_a_config_that_loads(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    monkeypatch.chdir(tmp_path)
    result = init(runner, "--config", "--lang", lang)
    assert result.exit_code == 0, result.output
    config = load_config(tmp_path / ".ebcheck.yaml")
    assert config.fail_on == "not_ready"
    assert (config.lang == "zh") is (lang == "zh")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_commented_setting_of_the_config_is_valid(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    monkeypatch.chdir(tmp_path)
    init(runner, "--config", "--lang", lang)
    text = (tmp_path / ".ebcheck.yaml").read_text(encoding="utf-8")
    switched_on = re.sub(r"^# (?=[a-z_]+:|  )", "", text, flags=re.M)
    assert switched_on.count("\n# ") < text.count("\n# ") - 10
    (tmp_path / "on.yaml").write_text(switched_on, encoding="utf-8")
    config = load_config(tmp_path / "on.yaml")
    assert config.stages is not None and config.rules is not None and config.history is True


def test_the_config_is_used_by_an_audit(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    init(runner, "--config")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "deal.yaml").write_text(NOT_READY, encoding="utf-8")
    result = runner.invoke(app, ["audit", "-f", "json"])
    assert result.exit_code == 0, result.output  # the only deal is under the excluded templates/
    assert '"deals": []' in result.stdout


def test_init_never_overwrites_and_takes_one_kind(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".ebcheck.yaml").write_text("fail_on: high\n", encoding="utf-8")
    result = init(runner, "--config")
    assert result.exit_code == 2 and "already exists" in result.stderr
    assert (tmp_path / ".ebcheck.yaml").read_text(encoding="utf-8") == "fail_on: high\n"
    result = init(runner, "--config", "--ci", "github")
    assert result.exit_code == 2 and "--config and --ci" in result.stderr


def test_a_dash_prints_the_file_instead(runner: CliRunner) -> None:
    result = init(runner, "--ci", "gitlab", "-")
    assert result.exit_code == 0
    assert yaml.safe_load(result.stdout)["ebcheck"]["image"].startswith("python:")


def workflow(runner: CliRunner, tmp_path: Path, ci: str) -> tuple[Path, dict[str, Any]]:
    """Write the workflow for `ci` in `tmp_path` (the current folder) and parse it."""
    result = init(runner, "--ci", ci)
    assert result.exit_code == 0, result.output
    path = tmp_path / (".github/workflows/ebcheck.yml" if ci == "github" else ".gitlab-ci.yml")
    return path, yaml.safe_load(path.read_text(encoding="utf-8"))


def ebcheck_lines(text: str) -> list[str]:
    return re.findall(r"\bebcheck (?:audit|baseline|history|review)\b[^\n|]*", text)


def options_of(command: str) -> set[str]:
    group: Any = typer.main.get_command(app)
    return {opt for p in group.commands[command].params for opt in p.opts}


@pytest.mark.parametrize("ci", ["github", "gitlab"])
def test_the_workflow_names_only_documented_commands_and_options(
    runner: CliRunner, tmp_path: Path, ci: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path, _ = workflow(runner, tmp_path, ci)
    lines = ebcheck_lines(path.read_text(encoding="utf-8"))
    assert len(lines) >= 3
    for line in lines:
        command = line.split()[1]
        assert f"`ebcheck {command}" in README
        for option in re.findall(r"(?<!\S)(--?[a-z][a-z-]*)", line):
            assert option in options_of(command), (line, option)
            assert f"`{option}" in README or f", {option}" in README, option


def test_the_github_workflow_has_what_ci_needs(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _, flow = workflow(runner, tmp_path, "github")
    triggers = flow.get("on", flow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "pull_request" in triggers
    steps = flow["jobs"]["audit"]["steps"]
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    runs = {s.get("name"): s for s in steps if "run" in s}
    pr = next(s for s in runs.values() if "--changed-since" in s["run"])
    assert pr["if"] == "github.event_name == 'pull_request'"
    assert '--as-of "$(date +%F)"' in pr["run"] and "--format github" in pr["run"]
    upload = next(s for s in steps if "upload-sarif" in s.get("uses", ""))
    assert upload["if"] == "always()" and upload["with"]["sarif_file"] == "ebcheck.sarif"


def install_script(flow: dict[str, Any], ci: str) -> str:
    if ci == "github":
        steps = flow["jobs"]["audit"]["steps"]
        return str(next(s["run"] for s in steps if "pip install" in s.get("run", "")))
    return str(next(line for line in flow["ebcheck"]["script"] if "pip install" in line))


@pytest.mark.parametrize("ci", ["github", "gitlab"])
def test_the_workflow_installs_from_a_git_tag_and_stops_until_its_url_is_edited(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ci: str
) -> None:
    # ebcheck is not on PyPI: `pip install ebcheck==…` fails on a fresh runner.
    monkeypatch.chdir(tmp_path)
    path, flow = workflow(runner, tmp_path, ci)
    env = flow["env"] if ci == "github" else flow["ebcheck"]["variables"]
    assert env["EBCHECK"].startswith("git+https://") and env["EBCHECK"].endswith("@v0.1.0")
    assert "EDIT THIS: ebcheck is not on PyPI" in path.read_text(encoding="utf-8")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake_pip = bin_dir / "pip"
    fake_pip.write_text('#!/bin/sh\necho "$@" > "$PIP_LOG"\n', encoding="utf-8")
    fake_pip.chmod(0o755)
    shell = shutil.which("sh") or "sh"
    base = {"PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    base["PIP_LOG"] = str(tmp_path / "pip.log")
    script = install_script(flow, ci)
    unedited = subprocess.run(
        [shell, "-c", script],
        env={**base, "EBCHECK": env["EBCHECK"]},
        capture_output=True,
        text=True,
        check=False,
    )
    assert unedited.returncode == 1 and not (tmp_path / "pip.log").exists()
    assert f"Edit EBCHECK in {path.relative_to(tmp_path)}" in unedited.stdout + unedited.stderr
    mine = "git+https://git.example.com/sales/ebcheck.git@v0.1.0"
    edited = subprocess.run(
        [shell, "-c", script],
        env={**base, "EBCHECK": mine},
        capture_output=True,
        text=True,
        check=False,
    )
    assert edited.returncode == 0, edited.stderr
    assert (tmp_path / "pip.log").read_text(encoding="utf-8").split() == ["install", mine]


class Origin:
    """A deals repository with a bare `origin` whose main holds a deal not ready."""

    def __init__(self, root: Path) -> None:
        self.root = root / "work"
        bare = root / "origin.git"
        self.git_at(root, "init", "-q", "--bare", "-b", "main", str(bare))
        self.git_at(root, "init", "-q", "-b", "main", str(self.root))
        self.git("remote", "add", "origin", str(bare))
        (self.root / "deals").mkdir()
        (self.root / "deals" / "untouched.yaml").write_text(
            NOT_READY.replace("HD-2026-031", "OLD-1"), encoding="utf-8"
        )
        (self.root / "README.md").write_text("deals\n", encoding="utf-8")
        self.commit("main")
        self.git("push", "-q", "origin", "main")
        self.git("checkout", "-q", "-b", "change")

    def git_at(self, cwd: Path, *args: str) -> None:
        env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(cwd)}
        command = ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args]
        subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True)

    def git(self, *args: str) -> None:
        self.git_at(self.root, *args)

    def commit(self, message: str) -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)

    def run(self, script: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        bin_dir = str(Path(sys.executable).parent)
        full = {
            **os.environ,
            **env,
            "HOME": str(self.root.parent),
            "GIT_CONFIG_NOSYSTEM": "1",
            "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
        }
        shell = shutil.which("bash") or "bash"
        return subprocess.run(
            [shell, "-eo", "pipefail", "-c", script],
            cwd=self.root,
            env=full,
            capture_output=True,
            text=True,
            check=False,
        )


def github_steps(flow: dict[str, Any], event: str) -> list[dict[str, Any]]:
    """The `run` steps GitHub runs for `event`, installing excepted."""
    steps = []
    for step in flow["jobs"]["audit"]["steps"]:
        if "run" not in step or "pip install" in step["run"]:
            continue
        condition = step.get("if", "")
        if condition == "github.event_name == 'pull_request'" and event != "pull_request":
            continue
        if condition == "github.event_name != 'pull_request'" and event == "pull_request":
            continue
        steps.append(step)
    return steps


def run_github(origin: Origin, flow: dict[str, Any], event: str) -> list[int]:
    codes = []
    for step in github_steps(flow, event):
        env = {**flow["env"], **step.get("env", {})}
        env["BASE_REF"] = "main"
        env["GITHUB_STEP_SUMMARY"] = str(origin.root.parent / "summary.md")
        codes.append(origin.run(step["run"], env).returncode)
    return codes


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_the_github_workflow_runs_and_judges_only_what_a_pull_request_changed(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    origin = Origin(tmp_path)
    monkeypatch.chdir(tmp_path)
    _, flow = workflow(runner, tmp_path, "github")

    (origin.root / "README.md").write_text("deals, edited\n", encoding="utf-8")
    origin.commit("no deal changed")
    # The untouched deal is not ready, but nobody changed it: the pull request passes.
    assert run_github(origin, flow, "pull_request") == [0, 0]
    assert (origin.root / "ebcheck.sarif").is_file()

    (origin.root / "deals" / "new.yaml").write_text(NOT_READY, encoding="utf-8")
    origin.commit("a deal not ready")
    assert run_github(origin, flow, "pull_request") == [1, 0]
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "HD-2026-031" in summary and "OLD-1" not in summary

    # On main, every deal is reported and nothing fails.
    assert run_github(origin, flow, "push") == [0, 0]


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_the_gitlab_job_runs_and_judges_only_what_a_merge_request_changed(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    origin = Origin(tmp_path)
    monkeypatch.chdir(tmp_path)
    _, flow = workflow(runner, tmp_path, "gitlab")
    job = flow["ebcheck"]
    assert job["variables"]["GIT_DEPTH"] == "0"
    script = "\n".join(line for line in job["script"] if "pip install" not in line)
    env = {**job["variables"], "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main"}

    (origin.root / "README.md").write_text("deals, edited\n", encoding="utf-8")
    origin.commit("no deal changed")
    result = origin.run(script, env)
    assert result.returncode == 0, result.stderr
    assert (origin.root / "ebcheck.md").is_file() and (origin.root / "ebcheck-junit.xml").is_file()

    (origin.root / "deals" / "new.yaml").write_text(NOT_READY, encoding="utf-8")
    origin.commit("a deal not ready")
    result = origin.run(script, env)
    assert result.returncode == 1, result.stderr
    junit = (origin.root / "ebcheck-junit.xml").read_text(encoding="utf-8")
    assert "deals/new.yaml" in junit and "deals/untouched.yaml" not in junit


def test_a_config_key_cut_short_is_named_in_full(tmp_path: Path) -> None:
    from ebcheck.errors import ConfigError
    from ebcheck.i18n import Catalogue

    path = tmp_path / ".ebcheck.yaml"
    path.write_text("small: {CNY: 100000}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    said = caught.value.describe(Catalogue("en"))
    assert "unknown key 'small' (did you mean 'small_deal_below'?)" in said
    assert said.startswith(f"{path}:1:1:")


def test_the_readme_pre_commit_snippet_installs_the_hook_from_a_tag() -> None:
    block = next(b for b in re.findall(r"```yaml\n(.+?)```", README, flags=re.S) if "repos:" in b)
    (repo,) = yaml.safe_load(block)["repos"]
    assert re.fullmatch(r"v\d+\.\d+\.\d+", repo["rev"])  # a release tag, not a branch
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [h["id"] for h in repo["hooks"]] == [h["id"] for h in hooks]
    from ebcheck.version import __version__

    assert repo["rev"] == f"v{__version__}"
