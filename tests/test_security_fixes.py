"""Issue 10 review: the holes the review of the security work found, closed.

Each test states what a user (or an attacker writing a deal file or a pull
request) would see.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ebcheck.audit.history import BlobReader, read_history
from ebcheck.cli.app import app
from ebcheck.deal.source import MAX_BYTES
from tests.security_support import deal_text, run_ebcheck
from tests.test_history import Repo

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def _blob(repo: Repo, name: str) -> str:
    return repo.git("rev-parse", f"HEAD:{name}").strip()


@needs_git
def test_a_huge_blob_in_history_is_kept_only_to_the_limit(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "r")
    repo.write("a.yaml", deal_text("A-1"))
    (repo.root / "big.yaml").write_bytes(b"\0" * (3 * MAX_BYTES))
    repo.commit("2026-01-05")
    reader = BlobReader(repo.root)
    big, small = _blob(repo, "big.yaml"), _blob(repo, "a.yaml")
    read = dict(reader.read([big, small]))
    assert len(read[big] or b"") == MAX_BYTES + 1
    assert read[small] == deal_text("A-1").encode("utf-8")


@needs_git
def test_a_deal_version_padded_past_the_limit_counts_as_not_loading(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "r")
    repo.write("a.yaml", deal_text("A-1"))
    repo.commit("2026-01-05")
    repo.write("a.yaml", deal_text("A-1") + "#" * (2 * MAX_BYTES) + "\n")
    repo.commit("2026-02-05")
    repo.write("a.yaml", deal_text("A-1"))
    repo.commit("2026-03-05")
    for full in (True, False):
        history = read_history(repo.root, full=full)
        # The version cut at the limit is one that does not load, not a deal.
        assert history.deals["A-1"].skipped == 1
        assert all(v.head.id == "A-1" for v in history.deals["A-1"].versions)


def _eb_named(name: str) -> str:
    text = deal_text().replace("  - name: 张伟\n", f"  - name: {name}\n")
    return text.replace("    met: 2026-11-10\n", "")


def _assert_inert(markdown: str) -> None:
    assert "octocat" in markdown and "EB002" in markdown
    assert not re.search(r"@[\w-]", markdown), "a mention would notify"
    assert not re.search(r"(?i)\bhttps?://(?!docs\.)", markdown.replace("](http", ""))


def test_a_mention_or_url_in_a_finding_message_is_inert_in_markdown(
    runner: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "m.yaml").write_text(_eb_named("张伟 @octocat https://evil.example/x"), "utf-8")
    result = runner.invoke(app, ["audit", str(tmp_path / "m.yaml"), "-f", "markdown"])
    _assert_inert(result.stdout)


def test_a_mention_or_url_in_a_finding_message_is_inert_in_the_step_summary(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "m.yaml").write_text(_eb_named("张伟 @octocat https://evil.example/x"), "utf-8")
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    runner.invoke(app, ["audit", str(tmp_path / "m.yaml"), "-f", "github"])
    _assert_inert(summary.read_text(encoding="utf-8"))


def test_a_field_code_span_stays_code_beside_an_inert_mention(
    runner: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "m.yaml").write_text(_eb_named("张伟 @octocat"), "utf-8")
    result = runner.invoke(app, ["audit", str(tmp_path / "m.yaml"), "-f", "markdown"])
    assert "`met`" in result.stdout
    assert "&#8203;" not in "".join(re.findall(r"`[^`]*`", result.stdout))


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("true", "应为数字，而不是 true 或 false"),
        ("1.5", "应为整数"),
        ("-1", "应为不小于 0 的数字"),
    ],
)
def test_a_bad_rule_option_is_explained_in_chinese(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str, said: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / "deal.yaml").write_text(deal_text(), encoding="utf-8")
    (tmp_path / ".ebcheck.yaml").write_text(f"rules: {{EB006: {{max_days: {value}}}}}\n", "utf-8")
    args = ["audit", str(tmp_path / "deal.yaml"), "--lang", "zh"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert f"选项 max_days 无效：{said}" in result.output
    assert "Value error" not in result.output and "Input should" not in result.output


def _many_ebs(count: int) -> str:
    people = "".join(f"  - {{name: P{n}, roles: [EB]}}\n" for n in range(count))
    return deal_text().replace("stakeholders:\n", "stakeholders:\n" + people)


@pytest.mark.parametrize(
    ("lang", "more"),
    [("en", "P0, P1, P2, P3, P4 and 2996 more"), ("zh", "P0、P1、P2、P3、P4 和其他 2996 人")],
)
def test_a_message_names_a_few_people_and_counts_the_rest(
    runner: CliRunner, tmp_path: Path, lang: str, more: str
) -> None:
    (tmp_path / "d.yaml").write_text(_many_ebs(3000).replace("    met: 2026-11-10\n", ""), "utf-8")
    result = runner.invoke(app, ["audit", str(tmp_path / "d.yaml"), "-f", "json", "--lang", lang])
    messages = [f["message"] for f in json.loads(result.stdout)["deals"][0]["findings"]]
    assert any(more in m for m in messages), messages[:3]
    assert max(len(m) for m in messages) < 1000


@pytest.mark.parametrize("device", ["/dev/urandom", "/dev/zero", "/dev/tty"])
def test_a_planted_link_to_a_device_is_refused(tmp_path: Path, device: str) -> None:
    (tmp_path / "deal.yaml").write_text(deal_text(), encoding="utf-8")
    (tmp_path / "results.sarif").symlink_to(device)
    result = run_ebcheck(
        "audit", "deal.yaml", "-f", "sarif", "-o", "results.sarif", cwd=tmp_path, timeout=30
    )
    assert result.returncode == 2
    assert b"results.sarif: cannot write the report here" in result.stderr


def test_a_link_to_dev_null_is_still_written_into(tmp_path: Path) -> None:
    (tmp_path / "deal.yaml").write_text(deal_text(), encoding="utf-8")
    (tmp_path / "hop").symlink_to("/dev/null")
    (tmp_path / "out.json").symlink_to(tmp_path / "hop")
    result = run_ebcheck("audit", "deal.yaml", "-f", "json", "-o", "out.json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out.json").is_symlink()


def test_a_fifo_nobody_reads_says_so(tmp_path: Path) -> None:
    (tmp_path / "deal.yaml").write_text(deal_text(), encoding="utf-8")
    os.mkfifo(tmp_path / "ff")
    result = run_ebcheck("audit", "deal.yaml", "-o", "ff", cwd=tmp_path, timeout=30)
    assert result.returncode == 2
    assert b"ff: cannot write the report: nobody is reading this FIFO" in result.stderr


def _repo_with_deal(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "deal.yaml").write_text(deal_text(), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("kind", ["dev-zero", "fifo", "folder", "broken-link"])
def test_a_config_that_is_no_regular_file_is_exit_2_naming_it(tmp_path: Path, kind: str) -> None:
    repo = _repo_with_deal(tmp_path)
    config = repo / ".ebcheck.yaml"
    if kind == "dev-zero":
        config.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(config)
    elif kind == "folder":
        config.mkdir()
    else:
        config.symlink_to(repo / "gone.yaml")
    for args in ((), ("--config", ".ebcheck.yaml")):
        result = run_ebcheck("audit", "deal.yaml", *args, cwd=repo, timeout=30)
        assert result.returncode == 2, (args, result.stderr)
        assert b".ebcheck.yaml: this config file is not a regular file" in result.stderr


def test_config_dev_zero_is_not_called_missing(tmp_path: Path) -> None:
    repo = _repo_with_deal(tmp_path)
    result = run_ebcheck("audit", "deal.yaml", "--config", "/dev/zero", cwd=repo, timeout=30)
    assert result.returncode == 2
    assert b"/dev/zero: this config file is not a regular file" in result.stderr
    assert b"not found" not in result.stderr


def test_no_config_and_config_together_are_exit_2(tmp_path: Path) -> None:
    repo = _repo_with_deal(tmp_path)
    (repo / "c.yaml").write_text("fail_on: never\n", encoding="utf-8")
    result = run_ebcheck("audit", "deal.yaml", "--no-config", "--config", "c.yaml", cwd=repo)
    assert result.returncode == 2
    assert b"--no-config and --config cannot be used together" in result.stderr


def test_the_step_summary_never_follows_a_link_into_a_deal(tmp_path: Path) -> None:
    repo = _repo_with_deal(tmp_path)
    before = (repo / "deal.yaml").read_bytes()
    (tmp_path / "sumlink").symlink_to(repo / "deal.yaml")
    os.link(repo / "deal.yaml", tmp_path / "hardlink.md")
    for summary in ("sumlink", "hardlink.md"):
        env = {"GITHUB_STEP_SUMMARY": str(tmp_path / summary)}
        result = run_ebcheck("audit", ".", "-f", "github", cwd=repo, env=env)
        assert result.returncode == 0, result.stderr
        assert b"cannot append to GITHUB_STEP_SUMMARY" in result.stderr
        assert (repo / "deal.yaml").read_bytes() == before


@pytest.mark.parametrize(
    ("args", "env", "said"),
    [
        (("--baseline", "/dev/zero"), {}, "不是可读的基线文件：它不是普通文件"),
        (("-f", "github"), {"GITHUB_STEP_SUMMARY": "/dev/full"}, "：不是普通文件（"),
    ],
)
def test_a_special_file_is_explained_in_chinese(
    tmp_path: Path, args: tuple[str, ...], env: dict[str, str], said: str
) -> None:
    repo = _repo_with_deal(tmp_path)
    result = run_ebcheck("audit", "deal.yaml", "--lang", "zh", *args, cwd=repo, env=env)
    stderr = result.stderr.decode("utf-8")
    assert said in stderr
    assert "not a regular file" not in stderr


def test_a_huge_amount_is_out_of_range_in_chinese_without_english(
    runner: CliRunner, tmp_path: Path
) -> None:
    text = deal_text().replace("  amount: 1200000", "  amount: " + "9" * 401)
    (tmp_path / "d.yaml").write_text(text, encoding="utf-8")
    args = ["audit", str(tmp_path / "d.yaml"), "-f", "concise", "--lang", "zh"]
    line = next(x for x in runner.invoke(app, args).stdout.splitlines() if "E002" in x)
    assert "超出范围" in line and "9" * 20 + "…9999" in line
    assert "characters" not in line


@pytest.mark.parametrize(
    ("field", "written", "said"),
    [
        ("committed_days", "1e-320", "'1e-320' is text to YAML: an exponent needs a decimal point"),
        ("committed_days", "1e308", "'1e308' is out of range"),
        ("committed_days", "1e16", "'1e16' is out of range"),
        ("amount", "1.5e16", "'1.5e16' is out of range"),
        ("amount", "1_000", "'1_000' is not a decimal number (`_` is not a digit); write 1000"),
    ],
)
def test_a_number_gets_the_hint_that_fits_how_it_is_written(
    runner: CliRunner, tmp_path: Path, field: str, written: str, said: str
) -> None:
    old = {"amount": "  amount: 1200000", "committed_days": "  committed_days: 50"}[field]
    text = deal_text().replace(old, old.split(":")[0] + ": " + written)
    (tmp_path / "d.yaml").write_text(text, encoding="utf-8")
    args = ["audit", str(tmp_path / "d.yaml"), "-f", "concise", "--lang", "en"]
    out = runner.invoke(app, args).stdout
    assert said in out
    assert "remove the quotes" not in out and "leading 0" not in out


@pytest.mark.parametrize("written", ["1e400", "9" * 5000])
def test_an_unquoted_huge_rule_option_is_out_of_range_not_quoted_text(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, written: str
) -> None:
    monkeypatch.chdir(_repo_with_deal(tmp_path))
    (tmp_path / ".ebcheck.yaml").write_text(f"rules: {{EB006: {{max_days: {written}}}}}\n", "utf-8")
    result = runner.invoke(app, ["audit", "deal.yaml"])
    assert result.exit_code == 2
    assert "the number is out of range" in result.output
    assert "quotes" not in result.output


def test_a_fifo_in_a_walked_folder_is_reported_as_skipped(tmp_path: Path) -> None:
    (tmp_path / "deal.yaml").write_text(deal_text(), encoding="utf-8")
    os.mkfifo(tmp_path / "f.yaml")
    result = run_ebcheck("audit", ".", "-v", "-f", "json", cwd=tmp_path, timeout=30)
    assert result.returncode == 0, result.stderr
    assert b"f.yaml" in result.stderr
    assert json.loads(result.stdout)["summary"]["skipped"] == 1


@pytest.mark.parametrize(("lang", "said"), [("en", "not in a repository"), ("zh", "不在仓库中")])
def test_verbose_outside_a_repository_says_only_this_folder_was_looked_at(
    tmp_path: Path, lang: str, said: str
) -> None:
    (tmp_path / "deal.yaml").write_text(deal_text(), encoding="utf-8")
    result = run_ebcheck("audit", "deal.yaml", "-v", "--lang", lang, cwd=tmp_path)
    stderr = result.stderr.decode("utf-8")
    assert said in stderr
    assert "repository root" not in stderr and "仓库根目录" not in stderr
