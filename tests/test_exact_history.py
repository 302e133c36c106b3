"""Issue 10, point 4, for `ebcheck review` and `ebcheck history`: their JSON
writes amounts and the waterfall with exactly their digits, as `audit` does."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from typing import Any

import pytest
from typer.testing import CliRunner

from ebcheck.cli.app import app
from tests.test_history import Repo, deal_text

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

CENTS = "999999999999999.99"


@pytest.fixture
def in_repo(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Repo:
    repo = Repo(tmp_path / "deals-repo")
    monkeypatch.chdir(repo.root)
    return repo


def exact_json(text: str) -> Any:
    return json.loads(text, parse_float=Decimal)


def two_weeks(repo: Repo) -> None:
    repo.write("deals/a.yaml", deal_text("A-1", "proposal", "2026-03-31", CENTS))
    repo.write("deals/b.yaml", deal_text("B-1", "proposal", "2026-03-31", 0.1))
    repo.commit("2026-02-02", "week 1")
    repo.git("tag", "w1")
    lower = "999999999999999.98"
    repo.write("deals/a.yaml", deal_text("A-1", "proposal", "2026-03-31", lower))
    repo.write("deals/b.yaml", deal_text("B-1", "proposal", "2026-03-31", 0.3))
    repo.write("deals/c.yaml", deal_text("C-1", "qualification", "2026-09-30", 0.01))
    repo.commit("2026-02-09", "week 2")


def test_the_review_waterfall_is_exact(in_repo: Repo, runner: CliRunner) -> None:
    two_weeks(in_repo)
    result = runner.invoke(app, ["review", "--since", "w1", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    data = exact_json(result.stdout)
    usd = data["waterfall"]["USD"]
    assert usd["start"] == Decimal("1000000000000000.09")
    assert (usd["new"], usd["increased"], usd["decreased"]) == (
        Decimal("0.01"),
        Decimal("0.2"),
        Decimal("0.01"),
    )
    assert usd["end"] == Decimal("1000000000000000.29")
    down = [(c["before"], c["after"]) for c in data["changes"] if c["kind"] == "amount_down"]
    assert down == [(Decimal(CENTS), Decimal("999999999999999.98"))]
    assert '"won": 0,' in result.stdout  # an empty bucket is a whole 0, not 0.0


def test_the_review_markdown_shows_the_exact_amounts(in_repo: Repo, runner: CliRunner) -> None:
    two_weeks(in_repo)
    result = runner.invoke(app, ["review", "--since", "w1", "-f", "markdown"])
    assert result.exit_code == 0, result.stderr
    assert "1,000,000,000,000,000.29" in result.stdout
    assert "999,999,999,999,999.99" in result.stdout


def test_history_json_keeps_each_version_s_amount(in_repo: Repo, runner: CliRunner) -> None:
    two_weeks(in_repo)
    result = runner.invoke(app, ["history", "deals/a.yaml", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    versions = exact_json(result.stdout)["deals"][0]["versions"]
    assert [v["amount"] for v in versions] == [Decimal(CENTS), Decimal("999999999999999.98")]
