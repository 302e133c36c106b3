"""The command line as a user meets it: reports, exit codes, stdout and stderr apart."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ebcheck.audit import engine as api
from ebcheck.audit.pack import Pack, builtin_pack
from ebcheck.cli.app import app
from ebcheck.deal.enums import Severity
from ebcheck.ruleapi import Context, DealFile, Finding, rule
from ebcheck.version import __version__
from tests.deals import EB_NEVER_MET, READY

Write = Callable[..., Path]


def test_eb_never_met_at_proposal_is_not_ready(runner: CliRunner, write: Write) -> None:
    path = write("deal.yaml", EB_NEVER_MET)
    result = runner.invoke(app, ["audit", str(path), "--format", "json"])
    assert result.exit_code == 1, result.output
    (deal,) = json.loads(result.stdout)["deals"]
    assert [(f["rule"], f["severity"]) for f in deal["findings"]] == [("EB002", "critical")]
    assert "张伟 (EB) has never been met" in deal["findings"][0]["message"]
    assert (deal["score"], deal["verdict"]) == (70, "not_ready")


def test_the_same_deal_with_the_eb_met_is_ready(runner: CliRunner, write: Write) -> None:
    path = write("deal.yaml", READY)
    result = runner.invoke(app, ["audit", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    (deal,) = json.loads(result.stdout)["deals"]
    assert (deal["score"], deal["verdict"], deal["findings"]) == (100, "ready", [])


def test_terminal_report_shows_the_facts(runner: CliRunner, write: Write) -> None:
    path = write("deal.yaml", EB_NEVER_MET)
    result = runner.invoke(app, ["audit", str(path)], env={"COLUMNS": "80", "NO_COLOR": "1"})
    out = result.stdout
    for fact in (
        "HD-2026-031",
        "华东精密制造有限公司",
        "proposal",
        "CNY 1,200,000",
        "2026-12-31",
        "70/100",
        "NOT READY",
        "EB002",
        "critical",
        "never",
        "[initial 35%]",
    ):
        assert fact in out, fact
    assert "\x1b[" not in out
    assert max(len(line) for line in out.splitlines()) <= 80 + 20  # CJK are wide; no overflow


@pytest.mark.parametrize(
    ("fail_on", "code"),
    [("not_ready", 1), ("at_risk", 1), ("critical", 1), ("high", 1), ("never", 0)],
)
def test_fail_on_levels(runner: CliRunner, write: Write, fail_on: str, code: int) -> None:
    path = write("deal.yaml", EB_NEVER_MET)
    result = runner.invoke(app, ["audit", str(path), "--fail-on", fail_on, "-f", "json"])
    assert result.exit_code == code


def test_fail_on_severity_below_the_findings(runner: CliRunner, write: Write) -> None:
    text = EB_NEVER_MET.replace("stage: proposal", "stage: qualification")  # EB002 is medium
    path = write("deal.yaml", text)
    assert runner.invoke(app, ["audit", str(path), "--fail-on", "high"]).exit_code == 0
    assert runner.invoke(app, ["audit", str(path), "--fail-on", "medium"]).exit_code == 1


def test_a_bad_fail_on_is_a_usage_error(runner: CliRunner, write: Write) -> None:
    result = runner.invoke(app, ["audit", str(write("d.yaml", READY)), "--fail-on", "sometimes"])
    assert result.exit_code == 2
    assert "--fail-on must be one of" in result.stderr
    assert result.stdout == ""


def test_a_missing_path_exits_2_before_auditing(runner: CliRunner, write: Write) -> None:
    good = write("good.yaml", READY)
    result = runner.invoke(app, ["audit", str(good), "nope.yaml", "-f", "json"])
    assert result.exit_code == 2
    assert "path does not exist: nope.yaml" in result.stderr
    assert result.stdout == ""


def test_an_invalid_file_exits_1_and_json_stays_valid(runner: CliRunner, write: Write) -> None:
    good = write("good.yaml", READY)
    bad = write("bad.yaml", "ebcheck: 1\ndeal: {id: x\n")
    result = runner.invoke(app, ["audit", str(good), str(bad), "-f", "json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    verdicts = {Path(d["path"]).name: d["verdict"] for d in report["deals"]}
    assert verdicts == {"good.yaml": "ready", "bad.yaml": "invalid"}
    assert report["summary"]["invalid"] == 1
    assert runner.invoke(app, ["audit", str(bad), "--fail-on", "never"]).exit_code == 0


def test_as_of_option_overrides_the_file(runner: CliRunner, write: Write) -> None:
    path = write("deal.yaml", READY)
    result = runner.invoke(app, ["audit", str(path), "-f", "json", "--as-of", "2027-03-01"])
    deal = json.loads(result.stdout)["deals"][0]
    assert deal["as_of"] == "2027-03-01"
    assert "HY001" in {f["rule"] for f in deal["findings"]}  # the close date has passed
    bad = runner.invoke(app, ["audit", str(path), "--as-of", "2027/03/01"])
    assert bad.exit_code == 2
    assert "YYYY-MM-DD" in bad.stderr


def test_output_file_is_written_and_stdout_is_empty(
    runner: CliRunner, write: Write, tmp_path: Path
) -> None:
    target = tmp_path / "report.json"
    result = runner.invoke(
        app, ["audit", str(write("d.yaml", READY)), "-f", "json", "-o", str(target)]
    )
    assert result.exit_code == 0
    assert result.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8"))["deals"][0]["verdict"] == "ready"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_markup_in_deal_text_prints_literally(runner: CliRunner, write: Write) -> None:
    # YAML refuses raw control characters; a double-quoted escape still makes one.
    text = READY.replace("name: 华东精密 MES 升级", 'name: "[bold]x[/] \\e[31mred"')
    result = runner.invoke(app, ["audit", str(write("d.yaml", text))], env={"NO_COLOR": "1"})
    assert "[bold]x[/]" in result.stdout
    assert "\x1b" not in result.stdout


@pytest.fixture
def crashing_pack(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    @rule("ZZ001", "always-crashes", severity=Severity.LOW)
    def crash(deal: DealFile, ctx: Context[object]) -> Iterator[Finding]:  # type: ignore[type-var]
        raise RuntimeError("boom")
        yield  # pragma: no cover

    real = builtin_pack()
    broken = Pack(real.folder, real.modules, (crash, *real.rules))
    monkeypatch.setattr(api, "builtin_pack", lambda: broken)
    yield


@pytest.mark.usefixtures("crashing_pack")
def test_a_crashing_rule_exits_3_and_keeps_other_findings(runner: CliRunner, write: Write) -> None:
    result = runner.invoke(app, ["audit", str(write("d.yaml", EB_NEVER_MET)), "-f", "json"])
    assert result.exit_code == 3
    deal = json.loads(result.stdout)["deals"][0]
    assert [f["rule"] for f in deal["findings"]] == ["EB002"]
    assert deal["errors"] == [{"rule": "ZZ001", "error": "RuntimeError: boom"}]
    assert "rule ZZ001 crashed: RuntimeError: boom" in result.stderr


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_a_rule_giving_findings_under_another_id_is_a_crash(
    runner: CliRunner, write: Write, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    # Under EB002's id it would escape `ignore: [ZZ002]` and have no SARIF descriptor.
    @rule("ZZ002", "borrows-an-id", severity=Severity.LOW, message="Borrowed.", fix="None.")
    def borrow(deal: DealFile, ctx: Context[object]) -> Iterator[Finding]:  # type: ignore[type-var]
        yield replace(ctx.finding("deal.account"), rule="EB002")

    real = builtin_pack()
    monkeypatch.setattr(
        api, "builtin_pack", lambda: Pack(real.folder, real.modules, (borrow, *real.rules))
    )
    result = runner.invoke(app, ["audit", str(write("d.yaml", READY)), "-f", fmt, "--no-cache"])
    assert result.exit_code == 3
    assert "rule ZZ002 crashed: ValueError: findings under other rule ids: EB002" in result.stderr
    if fmt == "json":
        deal = json.loads(result.stdout)["deals"][0]
        assert "EB002" not in [f["rule"] for f in deal["findings"]]
    else:
        run = json.loads(result.stdout)["runs"][0]
        numbers = [descriptor["id"] for descriptor in run["tool"]["driver"]["rules"]]
        assert all(numbers[r["ruleIndex"]] == r["ruleId"] for r in run["results"])


def test_sarif_says_where_its_paths_stand(
    runner: CliRunner, write: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deal = write("d.yaml", EB_NEVER_MET)
    monkeypatch.chdir(tmp_path)

    def base() -> str:
        log = json.loads(runner.invoke(app, ["audit", str(deal), "-f", "sarif"]).stdout)
        (run,) = log["runs"]
        location = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        assert location == {"uri": "d.yaml", "uriBaseId": "%SRCROOT%"}
        return str(run["originalUriBaseIds"]["%SRCROOT%"]["uri"])

    # Outside a repository the paths are relative to the current folder.
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    assert base() == tmp_path.absolute().as_uri() + "/"
    # The workspace, when it is that folder, as GitHub spells it (here through a link).
    (tmp_path / "workspace-link").symlink_to(tmp_path)
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path / "workspace-link"))
    assert base() == (tmp_path / "workspace-link").as_uri() + "/"
    # A workspace that is some other folder would make every URI point at nothing.
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path.parent))
    assert base() == tmp_path.absolute().as_uri() + "/"


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"ebcheck {__version__}"


def test_init_writes_a_template_that_loads_and_never_overwrites(
    runner: CliRunner, tmp_path: Path
) -> None:
    target = tmp_path / "new.yaml"
    assert runner.invoke(app, ["init", str(target)]).exit_code == 0
    audited = runner.invoke(app, ["audit", str(target), "-f", "json", "--fail-on", "never"])
    assert json.loads(audited.stdout)["deals"][0]["verdict"] != "invalid"
    target.write_text("mine", encoding="utf-8")
    again = runner.invoke(app, ["init", str(target)])
    assert again.exit_code == 2
    assert "never overwrites" in again.stderr
    assert target.read_text(encoding="utf-8") == "mine"


def test_schema_is_json_schema_that_accepts_the_ready_deal(runner: CliRunner) -> None:
    import jsonschema
    import yaml

    result = runner.invoke(app, ["schema"])
    schema = json.loads(result.stdout)
    data = json.loads(json.dumps(yaml.safe_load(READY), default=str))
    jsonschema.validate(data, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**data, "stakeholdrs": []}, schema)


def test_python_dash_m_runs_the_cli(tmp_path: Path) -> None:
    deal = tmp_path / "d.yaml"
    deal.write_text(EB_NEVER_MET, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "ebcheck", "audit", str(deal), "-f", "json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 1
    assert json.loads(done.stdout)["deals"][0]["verdict"] == "not_ready"


_LEAVING = """
import atexit, os, sys
from ebcheck.cli.exits import leave

class Torn:
    def __del__(self, write=os.write):  # module globals may be gone by then
        write(1, b"torn down\\n")

kept = Torn()  # freed only when the interpreter is torn down
atexit.register(lambda: print("exit handler"))
if sys.argv[1] == "traced":
    sys.settrace(lambda *args: None)
print("report", end="")  # still in the buffer of a piped stdout
leave(4)
"""


@pytest.mark.parametrize(("how", "torn_down"), [("plain", False), ("traced", True)])
def test_the_command_ends_at_once_unless_something_is_watching(how: str, torn_down: bool) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _LEAVING, how],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        # Not measured itself, even when the suite is (pytest-cov starts coverage in
        # subprocesses from these).
        env={k: v for k, v in os.environ.items() if not k.startswith(("COV_CORE", "COVERAGE"))},
    )
    assert done.returncode == 4
    # Buffered output is never lost and exit handlers run; a tracer (coverage, a
    # profiler) gets the whole normal exit.
    assert done.stdout == "reportexit handler\n" + ("torn down\n" if torn_down else "")


def test_a_profiler_on_sys_monitoring_counts_as_watching(monkeypatch: pytest.MonkeyPatch) -> None:
    from types import SimpleNamespace

    from ebcheck.cli.exits import _watched

    monkeypatch.delitem(sys.modules, "coverage", raising=False)
    monkeypatch.setattr(sys, "gettrace", lambda: None)
    monkeypatch.setattr(sys, "getprofile", lambda: None)
    tools = {2: "cProfile"}  # Python 3.12's cProfile takes the profiler's tool id
    monkeypatch.setattr(sys, "monitoring", SimpleNamespace(get_tool=tools.get), raising=False)
    assert _watched()
    tools.clear()
    assert not _watched()


def test_a_fix_repeated_by_a_run_of_findings_is_shown_once(runner: CliRunner, write: Write) -> None:
    # Two format errors: a typo'd key and an amount in 万.
    text = READY.replace("amount: 1200000", "amount: 120万").replace(
        "  owner: 陈默\n", "  ownr: x\n", 1
    )
    result = runner.invoke(app, ["audit", str(write("d.yaml", text))], env={"NO_COLOR": "1"})
    assert result.stdout.count("E002") == 2
    assert result.stdout.count("Correct the field at the line shown") == 1


def test_a_big_pipeline_shows_panels_only_for_deals_not_ready(
    runner: CliRunner, tmp_path: Path
) -> None:
    example = Path(__file__).parent.parent / "examples"
    ready = (example / "ready-line3-retrofit.yaml").read_text(encoding="utf-8")
    stalled = (example / "zhongshan-hospital-stalled.yaml").read_text(encoding="utf-8")
    for i in range(50):
        (tmp_path / f"ready-{i:02d}.yaml").write_text(
            ready.replace("id: ", f"id: R{i}-", 1), encoding="utf-8"
        )
    (tmp_path / "stalled.yaml").write_text(stalled, encoding="utf-8")
    args = ["audit", str(tmp_path), "--as-of", "2026-12-01", "--fail-on", "never"]
    result = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert result.stdout.count("╭") == 1  # one panel: the deal that is not ready
    assert "50 more deals not shown in detail (none of them not ready); --all shows every deal" in (
        result.stdout
    )
    everything = runner.invoke(app, [*args, "--all"], env={"COLUMNS": "200"})
    assert everything.stdout.count("╭") == 51
    assert "--all shows every deal" not in everything.stdout


def _refuse_reading(monkeypatch: pytest.MonkeyPatch, refused: Path) -> None:
    """`refused` as a file nobody may read (chmod 000 does not stop root)."""
    real_access, real_open = os.access, os.open

    def access(path: object, mode: int, **kw: object) -> bool:
        return Path(str(path)).absolute() != refused and real_access(path, mode, **kw)  # type: ignore[arg-type]

    def open_(path: object, flags: int, *args: object, **kw: object) -> int:
        if Path(str(path)).absolute() == refused:
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "access", access)
    monkeypatch.setattr(os, "open", open_)


def test_an_unreadable_file_named_on_the_command_line_is_an_e001_like_one_walked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "locked.yaml").write_text(READY, encoding="utf-8")
    _refuse_reading(monkeypatch, tmp_path / "locked.yaml")
    result = CliRunner().invoke(app, ["audit", "locked.yaml", "-f", "json", "--no-cache"])
    assert result.exit_code == 1, result.output
    (deal,) = json.loads(result.stdout)["deals"]
    assert deal["verdict"] == "invalid"
    assert deal["findings"][0]["rule"] == "E001"
    assert "Permission denied" in deal["findings"][0]["message"]


@pytest.mark.parametrize(
    "args",
    [["audit", ""], ["audit", ".", "--cache-dir", ""], ["baseline", ""], ["review", ""]],
)
def test_an_empty_path_is_a_usage_error_not_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "deal.yaml").write_text(READY, encoding="utf-8")
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "an empty path names no file or folder" in result.output
    assert not (tmp_path / ".ebcheck_cache").exists()
