"""Issue 10, point 8: markdown for PR comments, and the README's advice.

Deal text in the markdown report neither notifies anyone (`@mention`) nor
links anywhere (bare URLs); the README's "Safety" section says to run
`python -P -m ebcheck` (or the `ebcheck` script) on untrusted checkouts.
"""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from ebcheck.cli.app import app
from tests.security_support import deal_text

README = Path(__file__).resolve().parents[1] / "README.md"


def test_mentions_and_bare_urls_in_deal_text_are_inert(runner: CliRunner, tmp_path: Path) -> None:
    text = deal_text(
        **{
            "  name: 华东精密 MES 升级": "  name: ping @octocat and @org/team",
            "  account: 华东精密制造有限公司": "  account: https://evil.example/x www.evil.example",
            "    title: 总经理": "    title: mail ceo@evil.example, ftp://files.evil.example",
        }
    ).replace("    met: 2026-11-10\n", "")
    (tmp_path / "deal.yaml").write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["audit", str(tmp_path / "deal.yaml"), "-f", "markdown"])
    out = result.stdout
    assert "octocat" in out  # still readable
    assert not re.search(r"@[\w-]", out)  # no mention notifies
    assert not re.search(r"(?i)\b(?:https?|ftp)://(?!docs\.)", out.replace("](http", ""))
    assert not re.search(r"(?i)\bwww\.", out)


def test_the_readme_safety_section_says_python_p_for_untrusted_checkouts() -> None:
    text = README.read_text(encoding="utf-8")
    safety = text.split("\n## Safety", 1)[1].split("\n## ", 1)[0]
    assert "python -P -m ebcheck" in safety
    assert "`ebcheck` script" in safety
