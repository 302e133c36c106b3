"""`ebcheck audit -`: one deal from standard input, named `<stdin>` (editors lint a buffer)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from ebcheck.cli.app import app
from tests.conftest import EXAMPLES

NOT_READY = (EXAMPLES / "hd-mes-upgrade.yaml").read_text(encoding="utf-8")


def test_a_deal_on_standard_input_is_audited_as_stdin(runner: CliRunner) -> None:
    result = runner.invoke(app, ["audit", "-", "-f", "concise"], input=NOT_READY)
    assert result.exit_code == 1
    assert result.stdout.startswith("<stdin>:22:5: EB002 [critical]")


def test_standard_input_gives_the_same_findings_as_the_file(runner: CliRunner) -> None:
    piped = runner.invoke(app, ["audit", "-", "-f", "json"], input=NOT_READY)
    named = runner.invoke(app, ["audit", str(EXAMPLES / "hd-mes-upgrade.yaml"), "-f", "json"])
    (from_pipe,) = json.loads(piped.stdout)["deals"]
    (from_file,) = json.loads(named.stdout)["deals"]
    assert from_pipe["path"] == "<stdin>"
    assert from_pipe["findings"] == from_file["findings"]


def test_a_broken_buffer_is_located_like_a_broken_file(runner: CliRunner) -> None:
    text = "ebcheck: 1\ndeal:\n\tid: x\n"
    result = runner.invoke(app, ["audit", "-", "-f", "concise", "--lang", "zh"], input=text)
    assert result.exit_code == 1
    assert result.stdout.startswith("<stdin>:3:1: E001 [critical] 不是有效的 YAML：第 3 行用制表符")


def test_a_gbk_buffer_is_named_as_gbk(runner: CliRunner) -> None:
    data = NOT_READY.encode("gb18030")
    result = runner.invoke(app, ["audit", "-", "-f", "concise"], input=data)
    assert result.exit_code == 1 and "GBK/GB18030" in result.stdout


def test_standard_input_is_audited_alone(runner: CliRunner) -> None:
    result = runner.invoke(app, ["audit", "-", str(EXAMPLES)], input=NOT_READY)
    assert result.exit_code == 2
    assert "standard input" in result.stderr
