"""`--help` and usage errors in the user's language; shell completion.

`test_every_command_and_option_has_chinese_help` fails when a command or an
option is added without its Chinese help text (`help.<command>.<parameter>`
in `src/ebcheck/locale/cli/zh.yaml`).
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
import typer.main
from rich.cells import cell_len
from typer.testing import CliRunner

from ebcheck.cli.app import app
from ebcheck.cli.helptext import HELP_OPTION, chinese_words, commands, help_key, wanted
from tests.conftest import EXAMPLES

EXAMPLE = EXAMPLES / "hd-mes-upgrade.yaml"


def run(*args: str, lang: str = "en_US.UTF-8", **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANG")}
    return subprocess.run(
        [sys.executable, "-m", "ebcheck", *args],
        env={**clean, "LANG": lang, "COLUMNS": "100", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_every_command_and_option_has_chinese_help() -> None:
    chinese = chinese_words()
    root: Any = typer.main.get_command(app)
    missing = []
    for path, command in commands(root):
        names = [None, HELP_OPTION, *(p.name for p in command.params)]
        missing += [help_key(path, n) for n in names if help_key(path, n) not in chinese]
    assert not missing, f"add to src/ebcheck/locale/cli/zh.yaml: {missing}"


@pytest.mark.parametrize(
    ("args", "environment", "chinese"),
    [
        (["audit", "-h"], "", False),
        (["audit", "-h", "--lang", "zh"], "", True),
        (["audit", "--lang=zh", "-h"], "", True),
        (["audit", "-h"], "zh_CN.UTF-8", True),
        (["audit", "-h", "--lang", "en"], "zh_CN.UTF-8", False),
        (["audit", "--", "--lang", "zh"], "", False),
    ],
)
def test_chinese_is_wanted_by_option_or_locale(
    args: list[str], environment: str, chinese: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    if environment:
        monkeypatch.setenv("LANG", environment)
    assert wanted(args) is chinese


def test_audit_help_is_chinese_under_a_chinese_locale() -> None:
    result = run("audit", "--help", lang="zh_CN.UTF-8")
    assert result.returncode == 0, result.stderr
    for words in (
        "用法：ebcheck audit",
        "评估商机文件和文件夹",
        "选项",
        "报告格式。",
        "[默认：terminal]",
    ):
        assert words in result.stdout, words
    assert "Report format." not in result.stdout and "Options" not in result.stdout


@pytest.mark.parametrize("command", ["", "init", "review"])
def test_every_help_screen_speaks_chinese_with_lang_zh(command: str) -> None:
    result = run(*filter(None, [command, "--lang", "zh", "--help"]))
    assert result.returncode == 0, result.stderr
    assert "用法：ebcheck" in result.stdout and "显示本帮助并退出。" in result.stdout
    assert "Show this message and exit." not in result.stdout


def test_english_help_stays_english() -> None:
    result = run("audit", "--help")
    assert "Usage: ebcheck audit" in result.stdout and "Report format." in result.stdout


def test_chinese_through_the_app_itself_and_english_again_after(runner: CliRunner) -> None:
    chinese = runner.invoke(app, ["audit", "--help"], env={"LC_ALL": "zh_CN.UTF-8"})
    assert chinese.exit_code == 0 and "用法：ebcheck audit" in chinese.stdout
    assert "选项" in chinese.stdout
    english = runner.invoke(app, ["audit", "--help"], env={"LC_ALL": "en_US.UTF-8"})
    assert "Usage:" in english.stdout and "Options" in english.stdout
    assert "选项" not in english.stdout  # the help screen's words were given back
    wrong = runner.invoke(app, ["audti"], env={"LC_ALL": "zh_CN.UTF-8"})
    assert wrong.exit_code == 2 and "没有命令 'audti'；是不是想写 'audit'" in wrong.stderr


@pytest.mark.parametrize(
    ("args", "chinese", "english"),
    [
        (
            ["audit", "--format", "xml"],
            "'xml' 不是可选的值；可选：terminal, concise",
            "is not one of",
        ),
        (["audit", "-j", "many"], "的值无效：应为整数", "valid integer"),
        (
            ["audit", "--formt", "json"],
            "没有选项 --formt（是不是想写：--format）",
            "No such option",
        ),
        (["history"], "缺少参数 'PATH...'", "Missing argument"),
        (["nosuch"], "没有命令 'nosuch'", "No such command"),
    ],
)
def test_usage_errors_are_said_in_the_users_language(
    args: list[str], chinese: str, english: str
) -> None:
    zh = run(*args, lang="zh_CN.UTF-8")
    assert zh.returncode == 2
    assert chinese in zh.stderr and "ebcheck：错误：" in zh.stderr
    assert "Traceback" not in zh.stderr
    en = run(*args)
    assert en.returncode == 2 and english in en.stderr


def test_shell_completion_is_installed_and_answers() -> None:
    shown = run("--show-completion", "bash", SHELL="/bin/bash")
    assert shown.returncode == 0 and "_ebcheck_completion" in shown.stdout
    answer = run(_EBCHECK_COMPLETE="complete_bash", COMP_WORDS="ebcheck aud", COMP_CWORD="1")
    assert answer.stdout.split() == ["audit"]
    chinese = run(
        lang="zh_CN.UTF-8",
        _EBCHECK_COMPLETE="complete_bash",
        COMP_WORDS="ebcheck audit --for",
        COMP_CWORD="2",
    )
    assert chinese.stdout.split() == ["--format"]


@pytest.mark.parametrize(
    ("args", "chinese"),
    [
        (["audit", "--help"], "评估商机文件和文件夹"),
        (["audit", "--format", "xml"], "'xml' 不是可选的值"),
        (["audit", "nonexist"], "路径不存在：nonexist"),
        (["explain", "EB02"], "没有规则 'EB02'；是不是想写 EB002？"),
        (["audit", "base.yaml", "-f", "concise"], "在 1 个商机中发现"),
    ],
)
def test_a_config_with_lang_zh_makes_the_whole_command_line_chinese(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch, args: list[str], chinese: str
) -> None:
    # The README: stderr, help and usage errors follow the config's `lang`.
    (tmp_path / ".ebcheck.yaml").write_text("lang: zh\n", encoding="utf-8")
    (tmp_path / "base.yaml").write_bytes(EXAMPLE.read_bytes())
    monkeypatch.chdir(tmp_path)
    result = run(*args)
    assert chinese in result.stdout + result.stderr
    assert "ebcheck: error" not in result.stderr


@pytest.mark.parametrize(
    ("args", "chinese"),
    [
        (["--lang", "zh", "audit", "base.yaml", "-f", "concise"], "在 1 个商机中发现"),
        (["--lang", "zh", "explain", "EB02"], "没有规则 'EB02'"),
        (["--lang", "zh", "rules", "--format", "xml"], "'xml' 不是可选的值"),
    ],
)
def test_lang_before_the_command_sets_the_language_of_the_command(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch, args: list[str], chinese: str
) -> None:
    (tmp_path / "base.yaml").write_bytes(EXAMPLE.read_bytes())
    monkeypatch.chdir(tmp_path)
    result = run(*args)
    assert chinese in result.stdout + result.stderr
    assert "Found 2 findings" not in result.stdout


def test_an_unknown_lang_is_refused_in_the_users_language(runner: CliRunner) -> None:
    result = runner.invoke(app, ["audit", "--lang", "fr"], env={"LC_ALL": "zh_CN.UTF-8"})
    assert result.exit_code == 2
    assert "--lang 必须是 en, zh 之一；实际是 'fr'" in result.stderr
    english = runner.invoke(app, ["audit", "--lang", "fr"], env={"LC_ALL": "en_US.UTF-8"})
    assert "--lang must be one of en, zh" in english.stderr


COMMANDS = ["", "audit", "init", "baseline", "clean", "explain", "rules", "schema"]
COMMANDS += ["history", "review", "import"]


@pytest.mark.parametrize("lang", ["en_US.UTF-8", "zh_CN.UTF-8"])
def test_help_screens_at_80_columns_cut_nothing_and_speak_no_type_jargon(lang: str) -> None:
    for command in COMMANDS:
        result = run(*filter(None, [command, "--help"]), lang=lang, COLUMNS="80")
        screen = result.stdout.replace("……", "")  # review's --since/--until: one sentence
        for jargon in ("<bool>", "<str>", "<path>", "list[", "[[", "]...]...", "…"):
            assert jargon not in screen, (command, jargon, screen)
        assert max(cell_len(line) for line in screen.splitlines()) <= 80


def test_help_texts_say_what_the_options_do_now() -> None:
    audit = run("audit", "--help", COLUMNS="200").stdout
    assert "Show only the pipeline table (one deal: its row and the totals)." in audit
    assert "With several deals" not in audit
    assert "One of: terminal, concise, json, markdown, sarif, github, junit, html." in audit
    chinese = run("audit", "--help", lang="zh_CN.UTF-8", COLUMNS="200").stdout
    assert "只显示管道表（只有一个商机时：它的一行和合计）。" in chinese
    assert "可选：terminal, concise" in chinese
    program = run("--help", COLUMNS="200").stdout
    init = next(line for line in program.splitlines() if "│ init " in line)
    assert "Write a commented deal template (--config: a config, --ci: a CI workflow)." in init


def test_install_completion_says_where_in_chinese(tmp_path: Any) -> None:
    result = run(
        "--install-completion", "bash", lang="zh_CN.UTF-8", HOME=str(tmp_path), SHELL="/bin/bash"
    )
    assert result.returncode == 0, result.stderr
    assert f"已为 bash 安装命令补全：{tmp_path}" in result.stdout
    assert "重新打开终端后补全即生效" in result.stdout and "installed" not in result.stdout
    assert (tmp_path / ".bash_completions" / "ebcheck.sh").is_file()


def test_a_chinese_help_line_ending_in_a_space_loses_no_character() -> None:
    # Rich measured the trailing space in characters, not cells: `环境变 …`.
    result = run("audit", "--help", lang="zh_CN.UTF-8", COLUMNS="90")
    assert "环境变量" in result.stdout and "…" not in result.stdout
