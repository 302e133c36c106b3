"""The README stays true: commands, options, formats and exit codes are documented."""

from __future__ import annotations

import re
from typing import Any

import typer.main

from ebcheck.cli.app import app
from ebcheck.cli.exits import Exit
from ebcheck.reports import Format
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def commands() -> dict[str, Any]:
    group: Any = typer.main.get_command(app)
    return dict(group.commands)


def test_readme_starts_with_the_two_fresh_machine_commands() -> None:
    blocks = re.findall(r"```sh\n(.+?)\n```", README)
    assert blocks[0].endswith("pip install . && ebcheck audit examples/")
    assert blocks[1].endswith("pip install -e '.[test]' && pytest")
    marker = README.index("<!-- test-command -->")
    assert README[marker:].split("\n")[2] == blocks[1]  # the line .ci/run executes


def test_every_command_is_documented() -> None:
    for name in commands():
        assert f"`ebcheck {name}" in README, name


def test_every_audit_option_is_documented() -> None:
    audit = commands()["audit"]
    for param in audit.params:
        if param.param_type_name == "option" and "--help" not in param.opts:
            assert any(opt in README for opt in param.opts), param.opts


def test_every_format_has_a_section_with_a_sample() -> None:
    for fmt in Format:
        assert f"`{fmt.value}`" in README, fmt


def test_every_exit_code_is_documented() -> None:
    for code in Exit:
        assert f"| {code.value} |" in README


def yaml_blocks() -> list[str]:
    return re.findall(r"```yaml\n(.+?)\n```", README, flags=re.S)


def test_the_readme_deal_and_suppressions_work_together() -> None:
    from ebcheck.audit.engine import audit_text

    deal = next(b for b in yaml_blocks() if b.startswith("ebcheck: 1"))
    suppress = next(b for b in yaml_blocks() if b.startswith("suppress:"))
    report = audit_text(deal + "\n" + suppress + "\n")
    assert report.verdict.value != "invalid", report.findings
    assert {s.finding.rule for s in report.suppressed} == {"BI004", "EB002"}
    assert not [f for f in report.findings if f.rule.startswith("S")]


def test_every_yaml_snippet_in_the_readme_parses() -> None:
    import yaml

    for block in yaml_blocks():
        yaml.safe_load(block)
