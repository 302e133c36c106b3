"""Issue 10, point 4: numbers are numbers.

Huge amounts, shares, days and estimates are a located E002 (out of range) in
every format, never a traceback; totals are exact (see also
tests/test_exact_amounts.py); only decimal numbers are
read from number fields (`0100000` is not octal 32768, `1:30:00` not 5400),
and near-numbers get a hint (`$1,200,000` → `1200000`).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ebcheck.cli.app import app
from ebcheck.deal.load import load_bytes
from ebcheck.reports import Format
from tests.security_support import deal_text

HUGE = "9" * 401
HEX = "0x" + "f" * 5000


def problems(text: str) -> list[tuple[str, str, int]]:
    loaded = load_bytes(text.encode("utf-8"))
    return [(p.key, ".".join(map(str, p.path)), p.position.line) for p in loaded.problems]


def with_amount(value: str) -> str:
    return deal_text(**{"  amount: 1200000": f"  amount: {value}"})


@pytest.mark.parametrize("value", [HUGE, HEX, "1.7e+308", "-" + HUGE, "9" * 5000])
def test_a_huge_amount_is_a_located_out_of_range_error(value: str) -> None:
    assert problems(with_amount(value)) == [("E002.out_of_range", "deal.amount", 8)]


@pytest.mark.parametrize(
    ("field", "line"),
    [
        ("  share_of_wallet: 0.35", "  share_of_wallet: " + HUGE),
        ("  team_estimate_days: 60", "  team_estimate_days: " + HUGE),
        ("  committed_days: 50", "  committed_days: 1.7e+308"),
        ("  budget: 1500000", "  budget: " + HUGE),
    ],
)
def test_huge_shares_days_and_estimates_are_out_of_range(field: str, line: str) -> None:
    text = deal_text(**{field: line})
    assert field in deal_text()
    assert [key for key, _, _ in problems(text)] == ["E002.out_of_range"]


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("0100000", "E002.not_decimal_hint"),
        ("1:30:00", "E002.not_decimal"),
        ("0x10", "E002.not_decimal"),
        ("0b101", "E002.not_decimal"),
        ("1_200_000", "E002.not_decimal_underscore"),
    ],
)
def test_only_decimal_numbers_are_read(value: str, key: str) -> None:
    assert [k for k, _, _ in problems(with_amount(value))] == [key]


def test_a_leading_zero_gets_the_decimal_number_as_hint(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "deal.yaml"
    path.write_text(with_amount("0100000"), encoding="utf-8")
    result = runner.invoke(app, ["audit", str(path), "-f", "concise", "--lang", "en"])
    assert "write 100000" in result.stdout
    assert "32768" not in result.stdout


@pytest.mark.parametrize(
    "written",
    ['"$1,200,000"', '"¥1,200,000"', '"￥1,200,000"', '"USD 1,200,000"', '"1,200,000 CNY"'],
)
def test_money_written_with_marks_gets_the_plain_number_as_hint(
    runner: CliRunner, tmp_path: Path, written: str
) -> None:
    # A currency mark or code gets the hint that thousands separators alone get.
    path = tmp_path / "deal.yaml"
    path.write_text(with_amount(written), encoding="utf-8")
    result = runner.invoke(app, ["audit", str(path), "-f", "concise", "--lang", "en"])
    found = written.strip('"')
    line = f"deal.amount: expected a plain number, found '{found}'; write 1200000"
    assert line in result.stdout


@pytest.mark.parametrize("fmt", list(Format))
def test_huge_amounts_never_crash_a_format(runner: CliRunner, tmp_path: Path, fmt: Format) -> None:
    (tmp_path / "a.yaml").write_text(with_amount("1.7e+308"), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(
        with_amount("1.7e+308").replace("HD-2026-031", "B-1"), encoding="utf-8"
    )
    (tmp_path / "c.yaml").write_text(with_amount(HEX).replace("HD-2026-031", "C-1"), "utf-8")
    result = runner.invoke(app, ["audit", str(tmp_path), "-f", fmt.value])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_totals_are_exact(runner: CliRunner, tmp_path: Path) -> None:
    # 999999999999999.99 is 1e15 as a float: a float anywhere makes the total 2e15.
    amounts = ["0.1", "0.2", "999999999999999", "0.7", "999999999999999.99"]
    for number, amount in enumerate(amounts):
        text = with_amount(amount).replace("HD-2026-031", f"T-{number}")
        (tmp_path / f"d{number}.yaml").write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["audit", str(tmp_path), "-f", "json"])
    summary = json.loads(result.stdout, parse_float=Decimal)["summary"]
    assert summary["amount"] == {"CNY": Decimal("1999999999999999.99")}
    assert '"CNY": 1999999999999999.99' in result.stdout  # a JSON number, not a string
