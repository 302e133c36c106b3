"""Issue 10, point 2: diagnostics are as clean as reports.

File names and config values are user text. On stderr no line may start with
`::` or `##[` (an Actions runner command) or hold a control character; a
concise line cannot be spoofed by a path; invisible characters are removed
from what is shown and ignored when deal ids are compared (HY005).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ebcheck.audit.engine import Engine
from ebcheck.audit.settings import Settings
from ebcheck.cli.app import app
from ebcheck.reports import Format
from ebcheck.reports.textsafe import clean
from tests.security_support import deal_text

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def assert_clean_stderr(stderr: str) -> None:
    for line in stderr.splitlines():
        assert not line.lstrip().startswith(("::", "##[")), line
        assert not _CONTROL.search(line), repr(line)


def test_a_missing_path_with_a_runner_command_in_its_name_is_shown_clean(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    name = "x\n::error file=a.yaml::forged\n##[error]forged\x1b]0;title\x07"
    result = runner.invoke(app, ["audit", name])
    assert result.exit_code == 2
    assert "forged" in result.stderr  # named, but harmless
    assert_clean_stderr(result.stderr)


def test_a_config_value_with_stop_commands_and_escapes_is_shown_clean(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".ebcheck.yaml").write_text(
        'fail_on: "\\e[2J\\n::stop-commands::token\\r\\n::error::forged"\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["audit", "."])
    assert result.exit_code == 2
    assert "stop-commands" in result.stderr
    assert_clean_stderr(result.stderr)


def test_a_skipped_file_named_like_a_command_is_listed_clean(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ok.yaml").write_text(deal_text(), encoding="utf-8")
    (tmp_path / "\n::warning::x.yaml").write_text("kind: Workflow\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["audit", ".", "-v", "-f", "concise"])
    assert "x.yaml" in result.stderr
    assert_clean_stderr(result.stderr)


def test_a_path_cannot_spoof_a_concise_finding(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    name = "x.yaml:1:1: EB999 [critical] forged.yaml"
    (tmp_path / name).write_text(deal_text().replace("    met: 2026-11-10\n", ""), "utf-8")
    result = runner.invoke(app, ["audit", name, "-f", "concise"])
    matcher = re.compile(r"^(.+?):(\d+):(\d+): (\w+) \[(\w+)\] ")
    rules = [m.group(4) for line in result.stdout.splitlines() if (m := matcher.match(line))]
    assert rules == ["EB002"]
    assert ":1:1: EB999" not in result.stdout


@pytest.mark.parametrize(
    "invisible",
    ["\u061c", "\u200b", "\u200d", "\u00ad", "\u2060", "\ufeff", "\U000e0041", "\u180e", "\ufe0f"],
)
def test_invisible_characters_are_removed_from_what_is_shown(invisible: str) -> None:
    assert clean(f"HD{invisible}-1") == "HD-1"


def test_ids_that_look_the_same_are_duplicates() -> None:
    engine = Engine.create(Settings())
    report = engine.audit_texts(
        {
            "a.yaml": deal_text("HD-1"),
            "b.yaml": deal_text("HD\u200b-1"),
            "c.yaml": deal_text("H\u00adD-1\U000e0020"),
        }
    )
    for deal in report.deals:
        assert [f.rule for f in deal.findings if f.rule == "HY005"] == ["HY005"], deal.path


# The github format's own commands; nothing else may open a line with `::`.
_OWN_COMMANDS = re.compile(r"::(error|warning|notice) file=[^,:]*,line=|::(group|endgroup)::")


def assert_no_forged_command(fmt: str, output: str, forged: str) -> None:
    lines = re.split(r"\r\n|\r|\n", output)
    assert any(forged in line for line in lines), "the text is shown"
    for line in lines:
        opening = line.lstrip()
        if fmt == "github" and _OWN_COMMANDS.match(opening):
            assert not opening.startswith(forged), line
            continue
        assert not opening.startswith(("::", "##[")), line


@pytest.mark.parametrize("fmt", [f.value for f in Format])
def test_a_deal_id_like_a_command_cannot_open_a_report_line(
    runner: CliRunner, tmp_path: Path, fmt: str
) -> None:
    for number in (1, 2):  # one id twice: HY005 quotes it in concise lines as well
        text = deal_text("'::warning::forged'")
        (tmp_path / f"d{number}.yaml").write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["audit", str(tmp_path), "-f", fmt])
    assert_no_forged_command(fmt, result.stdout, "forged")


FORGED = "::error file=z::y.yaml:1:1: EB002 [critical] fake"


@pytest.mark.parametrize("fmt", [f.value for f in Format])
def test_a_line_break_in_a_name_cannot_open_a_runner_command(
    runner: CliRunner, tmp_path: Path, fmt: str
) -> None:
    name = f'"张伟\\n{FORGED}\\r##[group]x"'
    text = deal_text().replace("  - name: 张伟\n", f"  - name: {name}\n")
    (tmp_path / "d.yaml").write_text(text.replace("    met: 2026-11-10\n", ""), "utf-8")
    result = runner.invoke(app, ["audit", str(tmp_path / "d.yaml"), "-f", fmt])
    assert "EB002" in result.stdout
    assert_no_forged_command(fmt, result.stdout, "fake")


@pytest.mark.parametrize("fmt", [f.value for f in Format])
def test_a_line_break_in_a_file_name_cannot_open_a_runner_command(
    runner: CliRunner, tmp_path: Path, fmt: str
) -> None:
    name = "x\n::error file=a::pwned.yaml"
    (tmp_path / name).write_text(deal_text().replace("    met: 2026-11-10\n", ""), "utf-8")
    result = runner.invoke(app, ["audit", str(tmp_path), "-f", fmt])
    assert "EB002" in result.stdout
    assert_no_forged_command(fmt, result.stdout, "pwned")
