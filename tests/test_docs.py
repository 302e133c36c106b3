"""The README stays true: commands, options, formats and exit codes are documented."""

from __future__ import annotations

import re
from typing import Any

import typer.main

from ebcheck.cli import app
from ebcheck.outcome import Exit
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
