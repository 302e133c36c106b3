"""The JSON writer of the machine formats: what `json.dumps` writes, and
amounts (`Decimal`) as JSON numbers with exactly their digits."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ebcheck.deal.money import grouped, plain
from ebcheck.reports.jsontext import RAW, UNSAFE, dumps, holds_unsafe, shown

PLAIN_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(PLAIN_JSON)
def test_without_amounts_it_writes_what_json_dumps_writes(data: Any) -> None:
    written = dumps(data)
    assert written == shown(json.dumps(data, ensure_ascii=False, indent=2))
    assert json.loads(written) == data
    assert not RAW.search(written)


def test_what_a_terminal_would_act_on_is_escaped_and_reads_back_the_same() -> None:
    # A name pasted from a CRM: a right-to-left mark, a C1 escape opener, DEL, a line separator.
    data = {"name": "华东\u200f精密\x9b31m\x7f\u2028\u202eevil"}
    written = dumps(data)
    assert "\\u200f" in written and "\\u009b" in written and "\\u202e" in written
    assert not RAW.search(written)
    assert json.loads(written) == data


@pytest.mark.parametrize("pattern", [RAW, UNSAFE], ids=["RAW", "UNSAFE"])
def test_every_character_the_patterns_look_for_is_unprintable(pattern: Any) -> None:
    # The fast check skips both patterns for printable text: this Python's Unicode
    # tables must agree that nothing they look for is printable.
    found = [chr(c) for c in range(0x110000) if pattern.fullmatch(chr(c))]
    assert found and not any(c.isprintable() for c in found)


@given(st.text())
def test_holds_unsafe_says_what_the_pattern_says(text: str) -> None:
    assert holds_unsafe(text) == (UNSAFE.search(text) is not None)
    assert shown(text) == RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


@pytest.mark.parametrize(
    ("text", "unsafe"),
    [
        ("华东\n精密", False),  # printable but for newlines: the fast answer
        ("\u3000 \u200b", False),  # unprintable, yet nothing a terminal acts on
        ("a\tb", True),
        ("x\x7f", True),
        ("ok\u2066", True),
    ],
)
def test_holds_unsafe_on_printable_and_unprintable_text(text: str, unsafe: bool) -> None:
    assert holds_unsafe(text) is unsafe


def test_text_is_escaped_as_json_escapes_it() -> None:
    data = {'"key"\n': ['a "quote", a \\ and \x00 \u2028 中文 \U0001f600'], "": {}, "x": []}
    assert dumps(data) == shown(json.dumps(data, ensure_ascii=False, indent=2))
    assert "\\u2028" in dumps(data)  # a line separator, escaped
    assert json.loads(dumps(data)) == data


@pytest.mark.parametrize(
    ("amount", "written"),
    [
        ("1200000", "1200000"),
        ("1200000.00", "1200000"),
        ("1.2E+6", "1200000"),
        ("0.30", "0.3"),
        ("999999999999999.99", "999999999999999.99"),
        ("3999999999999997.3", "3999999999999997.3"),
        ("1E-20", "0.00000000000000000001"),
        ("-0.0", "0"),
    ],
)
def test_an_amount_is_a_number_with_exactly_its_digits(amount: str, written: str) -> None:
    text = dumps({"amount": Decimal(amount)})
    assert text == '{\n  "amount": ' + written + "\n}"
    assert json.loads(text, parse_float=Decimal)["amount"] == Decimal(amount)


@given(st.decimals(min_value=0, max_value=10**15, places=2, allow_nan=False))
def test_any_amount_reads_back_the_same(amount: Decimal) -> None:
    assert json.loads(dumps([amount]), parse_float=Decimal) == [amount]
    assert "E" not in plain(amount) and "e" not in plain(amount)


def test_an_amount_that_is_no_number_is_refused() -> None:
    with pytest.raises(ValueError, match="not a number"):
        dumps([Decimal("NaN")])


@pytest.mark.parametrize(
    ("amount", "least", "shown"),
    [
        ("1200000", 2, "1,200,000"),
        ("1.2E+6", 2, "1,200,000"),
        ("0.1", 2, "0.10"),
        ("0.125", 2, "0.125"),
        ("45.50", 0, "45.5"),
        ("999999999999999.99", 2, "999,999,999,999,999.99"),
    ],
)
def test_amounts_for_people_keep_every_digit(amount: str, least: int, shown: str) -> None:
    assert grouped(Decimal(amount), least) == shown
