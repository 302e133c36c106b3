"""Issue 10, point 4: totals are exact, with no float conversion anywhere.

An amount is kept as written (`999999999999999.99`, which a float reads as
1e15), totals are added without rounding, and every format shows them with
exactly their digits: JSON as numbers (`json.loads(..., parse_float=Decimal)`
gives them back), the terminal and markdown with thousands separators. A
cache round trip gives back the same amounts.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ebcheck.audit.settings import Settings
from ebcheck.cli.app import app
from ebcheck.config import load_config
from ebcheck.deal.load import load_bytes
from tests.security_support import deal_text

BIG = "999999999999999"
MANY = [BIG, BIG, BIG, "0.1", "0.2", "1000000000000000"]
"""Sums to exactly 3999999999999997.3; as a float it would be 3999999999999997.5."""


def write_deals(folder: Path, amounts: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for number, amount in enumerate(amounts):
        text = deal_text(f"T-{number}", **{"  amount: 1200000": f"  amount: {amount}"})
        (folder / f"d{number}.yaml").write_text(text, encoding="utf-8")
    return folder


def audit(runner: CliRunner, folder: Path, *args: str) -> str:
    result = runner.invoke(app, ["audit", str(folder), "--lang", "en", *args])
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def exact_json(text: str) -> Any:
    return json.loads(text, parse_float=Decimal)


def test_a_json_total_has_exactly_its_digits(runner: CliRunner, tmp_path: Path) -> None:
    report = exact_json(audit(runner, write_deals(tmp_path / "deals", MANY), "-f", "json"))
    assert report["summary"]["amount"] == {"CNY": Decimal("3999999999999997.3")}
    assert '"CNY": 3999999999999997.3' in audit(runner, tmp_path / "deals", "-f", "json")


def test_an_amount_with_cents_stays_as_written(runner: CliRunner, tmp_path: Path) -> None:
    folder = write_deals(tmp_path / "deals", ["999999999999999.99"])
    report = exact_json(audit(runner, folder, "-f", "json"))
    assert report["deals"][0]["amount"] == Decimal("999999999999999.99")
    assert report["summary"]["amount"] == {"CNY": Decimal("999999999999999.99")}


def test_cents_that_add_up_to_a_whole_total_make_a_whole_number(
    runner: CliRunner, tmp_path: Path
) -> None:
    folder = write_deals(tmp_path / "deals", ["999999999999999.99", "0.01"])
    text = audit(runner, folder, "-f", "json")
    total = exact_json(text)["summary"]["amount"]["CNY"]
    assert type(total) is int  # written 1000000000000000, not 1000000000000000.0
    assert total == 10**15


def test_whole_amounts_are_written_without_a_fraction(runner: CliRunner, tmp_path: Path) -> None:
    # `1.2e+6` is a float to YAML; its value is whole, so JSON writes it whole.
    folder = write_deals(tmp_path / "deals", ["1200000", "1.2e+6", "0.30"])
    text = audit(runner, folder, "-f", "json")
    amounts = [deal["amount"] for deal in exact_json(text)["deals"]]
    assert amounts == [1200000, 1200000, Decimal("0.3")]
    assert [type(amount) for amount in amounts] == [int, int, Decimal]
    assert '"amount": 1200000,' in text
    assert "E+" not in text
    assert '"CNY": 2400000.3' in text


def test_markdown_and_terminal_show_the_exact_totals(runner: CliRunner, tmp_path: Path) -> None:
    folder = write_deals(tmp_path / "many", MANY)
    assert "3,999,999,999,999,997.30" in audit(runner, folder, "-f", "markdown")
    assert "3,999,999,999,999,997.30" in audit(runner, folder, "-f", "terminal")
    cents = write_deals(tmp_path / "cents", ["999999999999999.99"])
    markdown = audit(runner, cents, "-f", "markdown")
    assert "CNY 999,999,999,999,999.99" in markdown
    assert "1,000,000,000,000,000" not in markdown


def test_the_html_report_shows_the_exact_amounts(runner: CliRunner, tmp_path: Path) -> None:
    page = audit(runner, write_deals(tmp_path / "deals", MANY), "-f", "html")
    assert "3,999,999,999,999,997.30" in page
    assert "3,999,999,999,999,997.50" not in page


def test_a_cache_round_trip_keeps_the_amounts(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("EBCHECK_NO_CACHE", raising=False)
    monkeypatch.delenv("EBCHECK_CACHE_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    folder = write_deals(tmp_path / "deals", [*MANY, "999999999999999.99"])
    cache = tmp_path / "cache"
    cold = audit(runner, folder, "-f", "json", "--cache-dir", str(cache))
    assert any(cache.rglob("*.json"))  # the second run reads what the first wrote
    warm = audit(runner, folder, "-f", "json", "--cache-dir", str(cache))
    assert warm == cold
    amounts = [deal["amount"] for deal in exact_json(warm)["deals"]]
    assert Decimal("999999999999999.99") in amounts
    assert exact_json(warm)["summary"]["amount"] == {"CNY": Decimal("4999999999999997.29")}


def problems(amount: str) -> list[tuple[str, int]]:
    text = deal_text(**{"  amount: 1200000": f"  amount: {amount}"})
    return [(p.key, p.position.line) for p in load_bytes(text.encode("utf-8")).problems]


def test_just_past_the_limit_is_out_of_range() -> None:
    # As a float 1000000000000000.01 is 1e15 exactly, which the limit allows.
    assert problems("1000000000000000.01") == [("E002.out_of_range", 8)]
    assert problems("999999999999999.99") == []


def test_an_amount_with_too_many_decimal_places_is_a_located_error(
    runner: CliRunner, tmp_path: Path
) -> None:
    assert problems("1.0e-30") == [("E002.too_many_places", 8)]
    assert problems("0." + "0" * 19 + "1") == []  # 20 places: still an amount
    assert problems("0.5" + "0" * 40) == []  # trailing zeros are no digits
    assert problems("0." + "0" * 24) == []  # zero, however many zeros follow its point
    assert problems("0.0e-25") == []
    (tmp_path / "deal.yaml").write_text(deal_text(**{"  amount: 1200000": "  amount: 1.0e-30"}))
    out = audit(runner, tmp_path / "deal.yaml", "-f", "concise")
    assert "deal.yaml:8:11" in out
    assert "at most 20" in out


def test_a_reimport_changes_an_amount_a_float_would_call_the_same(
    runner: CliRunner, tmp_path: Path
) -> None:
    # 999999999999999.99 and 1000000000000000 are one float: the amount line must still change.
    from tests.test_import_exports import OPP_1, run_import, salesforce_tables, write_tables

    tables = salesforce_tables()
    tables["Opportunity.csv"][1][3] = "1000000000000000"
    source = write_tables(tmp_path / "export", tables)
    code, _, err = run_import(runner, source, "--map", "salesforce", "-o", tmp_path / "deals")
    assert (code, err) == (0, "")
    path = tmp_path / "deals" / f"{OPP_1}.yaml"
    assert "  amount: 1000000000000000\n" in path.read_text(encoding="utf-8")
    tables["Opportunity.csv"][1][3] = "999999999999999.99"
    write_tables(tmp_path / "export", tables)
    code, out, err = run_import(runner, source, "--map", "salesforce", "-o", tmp_path / "deals")
    assert (code, err) == (0, "")
    assert "  amount: 999999999999999.99\n" in path.read_text(encoding="utf-8")
    assert f"{OPP_1}.yaml: amount" in out


@pytest.mark.parametrize(("amount", "small"), [("300000.01", False), ("300000.00", True)])
def test_an_amount_equal_to_the_small_deal_threshold_is_not_below_it(
    amount: str, small: bool, tmp_path: Path
) -> None:
    """`small_deal_below: {CNY: 300000.01}` is read by YAML as a float a hair above
    300000.01: a deal of exactly that amount is not small, one a cent less is."""
    config = tmp_path / ".ebcheck.yaml"
    config.write_text("small_deal_below: {CNY: 300000.01}\n", encoding="utf-8")
    settings = Settings(**load_config(config).settings(tmp_path))
    assert settings.is_small(Decimal(amount), "CNY") is small
