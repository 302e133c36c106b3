"""A deals repository: folder walk, duplicate ids, config, changed files, jobs."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ebcheck.cli.app import app
from tests.deals import EB_NEVER_MET, READY

Write = Callable[..., Path]

WORKFLOW = """\
name: audit
on: [pull_request]
jobs: {audit: {runs-on: ubuntu-latest, steps: [{run: ebcheck audit}]}}
"""
K8S = "apiVersion: v1\nkind: ConfigMap\n---\napiVersion: v1\nkind: Service\n"


@pytest.fixture
def repo(tmp_path: Path, write: Write, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository of deals with the usual clutter around them."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    write("deals/east/hd-031.yaml", READY)
    write(
        "deals/east/hd-031-copy.yaml", EB_NEVER_MET.replace("name: 华东精密 MES 升级", "name: copy")
    )
    write("deals/west/broken.yaml", "ebcheck: 1\ndeal: {id: W-1\n")
    write(
        "deals/west/old.yml",
        READY.replace("HD-2026-031", "W-2").replace("stage: proposal", "stage: closed_won"),
    )
    write(".github/workflows/audit.yaml", WORKFLOW)  # hidden folder: never walked
    write("ci/release.yaml", WORKFLOW)
    write("deals/.drafts/hidden.yaml", READY.replace("HD-2026-031", "HIDDEN"))
    write("k8s/manifests.yaml", K8S)
    write("empty.yaml", "")
    write("mkdocs.yml", "site_name: Deals\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def audit_json(runner: CliRunner, *args: str) -> tuple[int, dict[str, object]]:
    result = runner.invoke(app, ["audit", *args, "-f", "json"])
    assert result.exit_code in (0, 1), result.stderr
    return result.exit_code, json.loads(result.stdout)


def by_path(report: dict[str, object]) -> dict[str, dict[str, object]]:
    return {d["path"]: d for d in report["deals"]}  # type: ignore[attr-defined, index]


@pytest.mark.usefixtures("repo")
def test_the_walk_finds_every_deal_and_skips_the_rest(runner: CliRunner) -> None:
    code, report = audit_json(runner)
    deals = by_path(report)
    assert list(deals) == [
        "deals/east/hd-031-copy.yaml",
        "deals/east/hd-031.yaml",
        "deals/west/broken.yaml",
        "deals/west/old.yml",
    ]
    assert code == 1
    assert deals["deals/west/broken.yaml"]["verdict"] == "invalid"
    (error,) = deals["deals/west/broken.yaml"]["findings"]  # type: ignore[misc]
    assert (error["rule"], error["line"]) == ("E001", 2)
    for path in ("deals/east/hd-031-copy.yaml", "deals/east/hd-031.yaml"):
        rules = [f["rule"] for f in deals[path]["findings"]]  # type: ignore[attr-defined]
        assert "HY005" in rules
    assert report["summary"]["skipped"] == 4  # type: ignore[index]
    assert deals["deals/west/old.yml"]["verdict"] == "closed"


@pytest.mark.usefixtures("repo")
def test_verbose_lists_what_was_skipped(runner: CliRunner) -> None:
    result = runner.invoke(app, ["audit", "-v", "-f", "json"])
    for name in ("release.yaml", "manifests.yaml", "empty.yaml", "mkdocs.yml"):
        assert name in result.stderr
    assert "hidden.yaml" not in result.stderr + result.stdout
    assert "audit.yaml" not in result.stderr + result.stdout


@pytest.mark.usefixtures("repo")
def test_a_file_named_explicitly_is_always_a_deal(runner: CliRunner) -> None:
    code, report = audit_json(runner, "mkdocs.yml")
    assert code == 1
    (deal,) = report["deals"]  # type: ignore[misc]
    assert deal["verdict"] == "invalid"


@pytest.mark.usefixtures("repo")
@pytest.mark.parametrize(
    "fmt", ["terminal", "concise", "json", "markdown", "sarif", "github", "junit"]
)
def test_every_format_reports_every_deal_and_exits_1(runner: CliRunner, fmt: str) -> None:
    result = runner.invoke(app, ["audit", "--format", fmt], env={"NO_COLOR": "1", "COLUMNS": "120"})
    assert result.exit_code == 1, result.stderr
    out = result.stdout
    assert "broken.yaml" in out
    assert "E001" in out
    assert "HY005" in out
    assert "audit.yaml" not in out
    assert "release.yaml" not in out


@pytest.mark.usefixtures("repo")
def test_jobs_do_not_change_the_output(runner: CliRunner) -> None:
    one = runner.invoke(app, ["audit", "-j", "1", "-f", "json"]).stdout
    two = runner.invoke(app, ["audit", "-j", "2", "-f", "json"]).stdout
    assert one == two


def test_parallel_pool_gives_the_same_report(
    runner: CliRunner, write: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(30):
        write(f"many/d{i:02}.yaml", EB_NEVER_MET.replace("HD-2026-031", f"D-{i % 25}"))
    monkeypatch.chdir(tmp_path)
    serial = runner.invoke(app, ["audit", "many", "-j", "1", "-f", "json"]).stdout
    pooled = runner.invoke(app, ["audit", "many", "-j", "2", "-f", "json"]).stdout
    assert serial == pooled
    assert json.loads(pooled)["summary"]["deals"] == 30


def test_config_is_discovered_and_applied(runner: CliRunner, repo: Path, write: Write) -> None:
    write(
        ".ebcheck.yaml",
        """\
        fail_on: never
        exclude: ["deals/west/**"]
        ignore: [HY005]
        rules:
          EB002: {severity: low}
        stages: {方案: proposal}
        """,
    )
    write("deals/east/hd-031-copy.yaml", EB_NEVER_MET.replace("stage: proposal", "stage: 方案"))
    (repo / "sub").mkdir()
    os.chdir(repo / "sub")
    result = runner.invoke(app, ["audit", "..", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    deals = by_path(json.loads(result.stdout))
    assert [p.split("/")[-1] for p in deals] == ["hd-031-copy.yaml", "hd-031.yaml"]
    copy = next(d for p, d in deals.items() if p.endswith("copy.yaml"))
    assert [(f["rule"], f["severity"]) for f in copy["findings"]] == [("EB002", "low")]
    assert copy["stage"] == "proposal"


def test_unknown_config_key_is_exit_2_with_its_line(
    runner: CliRunner, repo: Path, write: Write
) -> None:
    write(".ebcheck.yaml", "fail_on: high\nfail-on: high\n")
    result = runner.invoke(app, ["audit", "-f", "json"])
    assert result.exit_code == 2
    assert ".ebcheck.yaml:2:1: unknown key 'fail-on' (did you mean 'fail_on'?)" in result.stderr
    assert result.stdout == ""


def test_invalid_rule_option_names_the_rule_and_key(
    runner: CliRunner, repo: Path, write: Write
) -> None:
    write(".ebcheck.yaml", "rules:\n  EB006: {max_days: soon}\n")
    result = runner.invoke(app, ["audit"])
    assert result.exit_code == 2
    assert "EB006 (eb-meeting-stale): invalid option max_days" in result.stderr
    write(".ebcheck.yaml", "rules:\n  EB006: {max_dayz: 60}\n")
    result = runner.invoke(app, ["audit"])
    assert result.exit_code == 2
    assert "max_dayz" in result.stderr


def test_rule_options_reach_the_rule(runner: CliRunner, repo: Path, write: Write) -> None:
    write("solo/d.yaml", READY)
    base = runner.invoke(app, ["audit", "solo", "-f", "json", "--as-of", "2027-01-20"]).stdout
    assert "EB006" not in {f["rule"] for f in json.loads(base)["deals"][0]["findings"]}
    write(".ebcheck.yaml", "rules:\n  EB006: {max_days: 60}\n")
    tuned = runner.invoke(app, ["audit", "solo", "-f", "json", "--as-of", "2027-01-20"]).stdout
    assert "EB006" in {f["rule"] for f in json.loads(tuned)["deals"][0]["findings"]}


@pytest.mark.usefixtures("repo")
def test_select_and_ignore_on_the_command_line(runner: CliRunner) -> None:
    _, report = audit_json(runner, "deals/east", "--select", "EB,HY005", "--ignore", "eb-not-met")
    rules = {f["rule"] for d in report["deals"] for f in d["findings"]}  # type: ignore[attr-defined]
    assert rules == {"HY005"}
    bad = runner.invoke(app, ["audit", "--select", "NOPE"])
    assert bad.exit_code == 2
    assert "'NOPE' names no rule" in bad.stderr


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", *args],
        check=True,
        capture_output=True,
    )


def test_changed_since_audits_only_changed_files_but_sees_every_id(
    runner: CliRunner, repo: Path, write: Write
) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "deals")
    write("deals/east/new.yaml", READY.replace("name: 华东精密 MES 升级", "name: new"))
    _, report = audit_json(runner, "--changed-since", "HEAD")
    deals = by_path(report)
    assert list(deals) == ["deals/east/new.yaml"]
    assert "HY005" in {f["rule"] for f in deals["deals/east/new.yaml"]["findings"]}  # type: ignore[attr-defined]
    bad = runner.invoke(app, ["audit", "--changed-since", "no-such-ref"])
    assert bad.exit_code == 2
    assert "unknown git ref 'no-such-ref'" in bad.stderr


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_o_never_overwrites_a_deal_loaded_only_for_the_repository_rules(
    runner: CliRunner, repo: Path, write: Write, fmt: str
) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "deals")
    write("deals/east/new.yaml", READY.replace("HD-2026-031", "N-1"))
    unchanged = repo / "deals/east/hd-031.yaml"
    before = unchanged.read_bytes()
    result = runner.invoke(
        app, ["audit", "--changed-since", "HEAD", "-f", fmt, "-o", str(unchanged)]
    )
    assert result.exit_code == 2, result.output
    assert unchanged.read_bytes() == before


def test_ci_formats_use_repository_relative_paths_from_any_folder(
    runner: CliRunner, repo: Path
) -> None:
    from_root = json.loads(runner.invoke(app, ["audit", "deals/east", "-f", "sarif"]).stdout)
    os.chdir(repo / "deals")
    from_sub = json.loads(runner.invoke(app, ["audit", "east", "-f", "sarif"]).stdout)
    github = runner.invoke(app, ["audit", "east", "-f", "github"]).stdout

    def located(log: dict[str, object]) -> list[tuple[str, str]]:
        results = log["runs"][0]["results"]  # type: ignore[index]
        return [
            (
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                r["partialFingerprints"]["ebcheckFingerprint/v1"],
            )
            for r in results  # type: ignore[union-attr]
        ]

    assert located(from_sub) == located(from_root)
    assert {uri for uri, _ in located(from_sub)} == {
        "deals/east/hd-031-copy.yaml",
        "deals/east/hd-031.yaml",
    }
    assert "file=deals/east/hd-031.yaml," in github


def test_the_first_pass_reports_progress(write: Write, tmp_path: Path) -> None:
    from ebcheck.audit.engine import Engine, check_files
    from ebcheck.audit.settings import Settings

    paths = [write(f"d{i}.yaml", READY.replace("HD-2026-031", f"D{i}")) for i in range(3)]
    seen: list[tuple[int, int]] = []
    audits = check_files(
        Engine.create(Settings()),
        [(p, True) for p in paths],
        1,
        lambda done, total: seen.append((done, total)),
    )
    assert len(audits) == 3
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_progress_bar_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from ebcheck.cli.audit import progress_bar

    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    with progress_bar() as advance:
        assert advance is None
