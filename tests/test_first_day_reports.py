"""Report polish a new team notices on its first day (issue 11, point 7)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ebcheck.cli.app import app
from tests.conftest import EXAMPLES

NOT_READY = (EXAMPLES / "hd-mes-upgrade.yaml").read_text(encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A committed repository with one deal and one template left out by `exclude`."""
    (tmp_path / "deals").mkdir()
    (tmp_path / "deals" / "hd.yaml").write_text(NOT_READY, encoding="utf-8")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "deal.yaml").write_text(NOT_READY, encoding="utf-8")
    (tmp_path / ".ebcheck.yaml").write_text('exclude: ["templates/**"]\n', encoding="utf-8")
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(tmp_path)}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "deals"]):
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
            cwd=tmp_path,
            env=env,
            check=True,
            capture_output=True,
        )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_summary_with_one_deal_shows_its_row(runner: CliRunner) -> None:
    path = str(EXAMPLES / "hd-mes-upgrade.yaml")
    result = runner.invoke(app, ["audit", path, "--summary", "--lang", "zh"])
    assert result.exit_code == 1
    row = next(line for line in result.stdout.splitlines() if line.startswith("HD-2026-031"))
    assert "CNY 1,200,000" in row and "未就绪" in row
    assert "Buying centre" not in result.stdout and "采购中心" not in result.stdout


def test_changed_since_with_nothing_changed_says_so(runner: CliRunner, repo: Path) -> None:
    result = runner.invoke(app, ["audit", "--changed-since", "HEAD"])
    assert result.exit_code == 0
    assert "no deal file changed since HEAD: nothing to audit" in result.stderr
    assert "no deal files found" not in result.stderr


@pytest.mark.parametrize(
    ("fmt", "lang", "words"),
    [
        ("terminal", "en", "No deal file changed since HEAD: nothing to audit."),
        ("concise", "en", "No deal file changed since HEAD: nothing to audit."),
        ("markdown", "en", "## ✅ No deal file changed since HEAD: nothing to audit."),
        ("markdown", "zh", "## ✅ 自 HEAD 以来没有商机文件改动：没有需要评估的内容。"),
        ("concise", "zh", "自 HEAD 以来没有商机文件改动"),
        ("html", "en", "No deal file changed since HEAD: nothing to audit."),
    ],
)
def test_the_report_itself_says_no_deal_changed(
    runner: CliRunner, repo: Path, fmt: str, lang: str, words: str
) -> None:
    # The job summary of a pull request that touched no deal: not "0 deals" or
    # "No deal files found" while the repository is full of them.
    result = runner.invoke(app, ["audit", "--changed-since", "HEAD", "-f", fmt, "--lang", lang])
    assert result.exit_code == 0
    assert words in result.stdout
    assert "No deal files found" not in result.stdout and "0 个商机" not in result.stdout


def test_verbose_counts_the_files_left_out_by_exclude(runner: CliRunner, repo: Path) -> None:
    result = runner.invoke(app, ["audit", "-v", "-f", "concise"])
    assert "1 YAML file left out by exclude" in result.stderr
    assert "templates/deal.yaml" not in result.stdout
    quiet = runner.invoke(app, ["audit", "-f", "concise"])
    assert "left out by exclude" not in quiet.stderr


def test_suppressed_entries_keep_their_indent_when_they_wrap(
    runner: CliRunner, tmp_path: Path
) -> None:
    reason = "张总下周二见面 " + "and a reason long enough to wrap " * 3
    deal = NOT_READY + f"suppress:\n  - {{rule: EB002, reason: {reason.strip()}}}\n"
    path = tmp_path / "deal.yaml"
    path.write_text(deal, encoding="utf-8")
    result = runner.invoke(app, ["audit", str(path)], env={"COLUMNS": "80"})
    lines = result.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if "Suppressed (1)" in line)
    block = []
    for line in lines[start + 1 :]:
        inner = line.strip("│").rstrip()
        if not inner.strip() or line.startswith("╰"):
            break
        block.append(inner)
    assert len(block) >= 3  # the entry wraps
    assert all(line.startswith("   ") for line in block), block


def test_ebchecks_own_code_spans_are_code_in_markdown_and_a_users_stay_literal(
    runner: CliRunner, tmp_path: Path
) -> None:
    # The spans come from the message templates (`roles: [coach]`, `ebcheck init`),
    # not from a guess at the text: a user's backticks around markup stay escaped.
    user = NOT_READY.replace("name: 华东精密", "name: 华东`<b>x</b>`精密", 1)
    (tmp_path / "deal.yaml").write_text(user, encoding="utf-8")
    (tmp_path / "broken.yaml").write_text("ebcheck: 1\ndeal: {id: T-1\n", encoding="utf-8")
    for lang in ("en", "zh"):
        args = ["audit", str(tmp_path), str(EXAMPLES), "-f", "markdown", "--lang", lang]
        result = runner.invoke(app, [*args, "--all"])
        report = result.stdout
        assert "`roles: [coach]`" in report and "\\`roles" not in report
        assert "`ebcheck init`" in report and "\\`ebcheck init" not in report
        assert "<b>" not in report


def test_a_template_span_with_a_pipe_cannot_end_a_table_cell() -> None:
    from ebcheck.reports.escape import markdown_message

    cell = markdown_message("use `--ci github|gitlab`", lambda span: span.startswith("--ci"))
    assert cell == "use `--ci github\\|gitlab`"
    assert markdown_message("use `--ci github|gitlab`", lambda span: False).count("\\`") == 2


def test_chinese_messages_use_chinese_punctuation(runner: CliRunner, tmp_path: Path) -> None:
    from ebcheck.audit.engine import audit_text, problem_finding, words_for
    from ebcheck.audit.settings import Settings
    from ebcheck.deal.load import load_bytes

    typo = NOT_READY.replace("relationship:\n", "relationship:\n  share: 0.3\n", 1)
    report = audit_text(typo, Settings(lang="zh"))
    (unknown,) = [f.message for f in report.findings if "'share'" in f.message]
    assert "；是不是想写 'share_of_wallet'？" in unknown and "; " not in unknown
    (gbk,) = load_bytes("ebcheck: 1\ndeal:\n  name: 华东精密\n".encode("gb18030")).problems
    said = problem_finding(gbk, words_for("zh"))
    assert "无法解码；看起来是" in said.message
    assert said.fix.count(";") == 0 and said.fix.count("?") == 0
    (tmp_path / "a.yaml").write_text(NOT_READY, encoding="utf-8")
    usd = NOT_READY.replace("HD-2026-031", "HD-2").replace("currency: CNY", "currency: USD")
    (tmp_path / "b.yaml").write_text(usd, encoding="utf-8")
    head = runner.invoke(app, ["audit", str(tmp_path), "-f", "markdown", "--lang", "zh"])
    title, _, facts = head.stdout.split("\n")[:3]
    assert "CNY 1,200,000 和 USD 1,200,000" in title
    assert "（" in facts and " (" not in facts
