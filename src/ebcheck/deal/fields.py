"""Field types of the deal format: how one YAML value becomes one Python value.

Each type accepts a `Scalar` from the YAML reader (keeping the text exactly
as written) or a plain Python value (for models built in code and tests).
Errors are raised as `PydanticCustomError`s whose type is a message
catalogue key, so the loader can explain them in the user's language.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Annotated, Any, TypeVar

from pydantic import BeforeValidator, ValidationInfo
from pydantic_core import PydanticCustomError

from ebcheck.deal import money
from ebcheck.deal.enums import ALIASES, LABELS
from ebcheck.deal.problems import A_LIST, A_MAPPING, NOTHING
from ebcheck.deal.source import Scalar
from ebcheck.deal.suggest import closest

E = TypeVar("E", bound=Enum)

# ASCII digits: `\d` would take full-width ones (`２０２６`), which only a hint can fix.
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_LOOSE_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_CN_UNITS = {"万": 10_000, "千": 1_000, "亿": 100_000_000, "k": 1_000, "m": 1_000_000}
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
_CN_NUMBER = re.compile(r"^([0-9]+(?:\.[0-9]+)?)\s*(万|千|亿|k|m)(?:元|rmb|cny)?$", re.IGNORECASE)


def error(kind: str, **params: Any) -> PydanticCustomError:
    """An error whose type is the catalogue key `E002.<kind>`."""
    return PydanticCustomError(f"E002.{kind}", kind, params)


def _describe(value: Any) -> str:
    if isinstance(value, Scalar):
        return value.raw if not value.is_null else NOTHING
    if isinstance(value, dict):
        return A_MAPPING
    if isinstance(value, list):
        return A_LIST
    return str(value)


def _null(value: Any) -> bool:
    return value is None or (isinstance(value, Scalar) and value.is_null)


# --- text -------------------------------------------------------------------


def to_text(value: Any) -> Any:
    if _null(value):
        return None
    if isinstance(value, Scalar):
        # A block scalar (`|`, `>`) ends with a line break nobody means as text.
        return value.raw.rstrip("\n") if value.tag == "str" else value.raw
    if isinstance(value, dict | list):
        raise error("expected_text", found=_describe(value))
    if isinstance(value, bool | int | float | dt.date):
        return str(value)
    return value


def to_required_text(value: Any) -> Any:
    text = to_text(value)
    if text is None or (isinstance(text, str) and not text.strip()):
        raise error("empty_text")
    return text


def to_text_list(value: Any) -> Any:
    """One text or a list of them. A list's items are checked one by one (`Text`), so
    that every bad item is reported, at its own line."""
    if _null(value):
        return []
    return value if isinstance(value, list) else [to_required_text(value)]


Text = Annotated[str, BeforeValidator(to_required_text)]
OptText = Annotated[str | None, BeforeValidator(to_text)]
TextList = Annotated[list[Text], BeforeValidator(to_text_list)]


# --- numbers ----------------------------------------------------------------


# The largest number a number field takes: ten to the fifteenth, more than any
# deal is worth in any currency. Beyond it a value is a typo or an attack, and
# every total stays exact and every format can print it.
MAX_NUMBER = 10**15
_LIMIT_TEXT = "1,000,000,000,000,000"

# A number as a person writes it in decimal: YAML 1.1 would also read `0100000`
# as octal (32768), `1:30:00` as sexagesimal (5400), `0x10`, `0b10` and `1_000`.
_DECIMAL = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?$|^[-+]?\.[0-9]+$")
_CURRENCY_MARKS = "$¥￥€£"
_CURRENCY_WORDS = re.compile(r"(?:元|rmb|cny|usd|eur|gbp)$", re.IGNORECASE)
_CURRENCY_CODE = re.compile(r"^(?:rmb|cny|usd|eur|gbp)", re.IGNORECASE)


def _number_hint(text: str) -> str | None:
    """How to write a value that is almost a number (`120万`, `$1,200,000`, `1.2e6`)."""
    compact = text.strip().replace(",", "").replace("，", "").replace(" ", "")
    compact = _CURRENCY_CODE.sub("", compact.lstrip(_CURRENCY_MARKS)).lstrip(_CURRENCY_MARKS)
    if len(compact) > 40:  # no hint is worth converting a 400-digit text
        return None
    match = _CN_NUMBER.match(compact)
    try:
        if match:
            number = float(match.group(1)) * _CN_UNITS[match.group(2).lower()]
        else:
            number = float(_CURRENCY_WORDS.sub("", compact))
    except ValueError:
        return None
    if not math.isfinite(number) or abs(number) > MAX_NUMBER:
        return None
    return _plain_number(number)


def _plain_number(number: float) -> str:
    return str(int(number)) if number == int(number) else repr(number)


def _finite(value: Any, raw: Any) -> None:
    if (isinstance(raw, float) and not math.isfinite(raw)) or (
        isinstance(raw, Decimal) and not raw.is_finite()
    ):
        raise error("not_finite", found=_describe(value))


def _in_range(value: Any, raw: int | float | Decimal) -> None:
    """A located E002 for a number no deal can have (`1e308`, 400 digits)."""
    if not -MAX_NUMBER <= raw <= MAX_NUMBER:
        raise error("out_of_range", found=_shown_number(value), limit=_LIMIT_TEXT)


def _shown_number(value: Any) -> str:
    """The number as written, cut short: a 5,000-digit value is not worth showing whole.

    Its first and last digits around an ellipsis, in no language (the message
    around it is translated; a word here would not be).
    """
    text = value.raw if isinstance(value, Scalar) else repr(value)
    return text if len(text) <= 40 else f"{text[:20]}…{text[-4:]}"


def _decimal_only(value: Any) -> None:
    """Refuse a number YAML read from octal, sexagesimal, hex, binary or `1_000`."""
    if not isinstance(value, Scalar) or value.tag not in ("int", "float"):
        return
    written = value.raw.strip()
    if _DECIMAL.match(written) or written.lower() in (".inf", "+.inf", "-.inf", ".nan"):
        return
    digits = written.replace("_", "").lstrip("+")
    if ":" in digits or digits[:2].lower() in ("0x", "0b", "0o"):
        raise error("not_decimal", found=_shown_number(value))
    suggestion = digits.lstrip("0") or "0"
    if not _DECIMAL.match(suggestion) or len(suggestion) > 40:
        raise error("not_decimal", found=_shown_number(value))
    # Say only what is wrong: a leading 0 (octal to YAML), or a `_` (no digit).
    kind = "not_decimal_hint" if digits.lstrip("-")[:1] == "0" else "not_decimal_underscore"
    raise error(kind, found=value.raw, suggestion=suggestion)


def unquoted_number(value: Scalar) -> Decimal | None:
    """A number YAML 1.1 leaves as text though nobody quoted it: the exponent forms
    `1e308`, `1.5e16` and `1e-320`, and integers too long to read (5,000 digits)."""
    # An integer too long for Python keeps its text, under the tag `int`.
    if value.quoted or not isinstance(value.value, str) or value.tag not in ("str", "int"):
        return None
    text = value.raw.strip()
    if len(text) > 10_000 or not _DECIMAL.match(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _to_number(value: Any) -> Any:
    if _null(value):
        return None
    written = unquoted_number(value) if isinstance(value, Scalar) else None
    if written is not None and abs(written) > MAX_NUMBER:  # `1e308`: too big, not text
        raise error("out_of_range", found=_shown_number(value), limit=_LIMIT_TEXT)
    raw = value.value if isinstance(value, Scalar) else value
    if isinstance(raw, bool) or not isinstance(raw, int | float | Decimal):
        found = _describe(value)
        if isinstance(raw, str) and _looks_too_long(raw):
            raise error("out_of_range", found=_shown_number(value), limit=_LIMIT_TEXT)
        hint = _number_hint(found) if isinstance(raw, str) else None
        if written is not None and hint == found.strip():  # `1e-320`, nobody quoted it
            raise error("exponent_hint", found=found, suggestion=_yaml_exponent(found))
        if hint is not None and hint == found.strip():
            raise error("quoted_number", found=found)
        if hint is not None:
            raise error("number_hint", found=found, suggestion=hint)
        raise error("expected_number", found=found)
    _finite(value, raw)
    _in_range(value, raw)
    _decimal_only(value)
    return raw


_EXPONENT = re.compile(r"([-+]?[0-9]*)(\.[0-9]*)?[eE]([-+]?)([0-9]+)")


def _yaml_exponent(text: str) -> str:
    """`1e-320` as YAML 1.1 reads a number: a decimal point and a signed exponent."""
    match = _EXPONENT.fullmatch(text.strip())
    if match is None:
        return text
    whole, fraction, sign, power = match.groups()
    point = fraction if fraction and fraction != "." else ".0"
    return f"{whole or '0'}{point}e{sign or '+'}{power}"


def _looks_too_long(text: str) -> bool:
    """A plain integer too long for Python to read (over 4,300 digits): out of range."""
    digits = text.strip().lstrip("+-")
    return len(digits) > 40 and digits.isdigit()


def to_money(value: Any) -> Any:
    number = _exact(value, _to_number(value))
    if number is not None and number < 0:
        raise error("negative", found=_describe(value))
    return number


def to_positive_money(value: Any) -> Any:
    number = _exact(value, _to_number(value))
    if number is not None and number <= 0:
        raise error("not_positive", found=_describe(value))
    return number


def _exact(value: Any, number: Any) -> Decimal | None:
    """The amount exactly as written: `999999999999999.99`, which a float reads as 1e15.

    `_to_number` has checked the value; this takes its text (a float has only
    15 to 17 significant digits) and checks range and places on the exact number.
    """
    if number is None:
        return None
    if isinstance(value, Scalar) and isinstance(number, float):
        exact = Decimal(value.raw.strip())  # `_decimal_only` let only plain decimals through
    elif isinstance(number, Decimal | int):
        exact = Decimal(number)
    else:  # a float given in code: the number its shortest text shows
        exact = Decimal(repr(number))
    if not exact.is_finite():
        raise error("not_finite", found=_describe(value))
    if abs(exact) > MAX_NUMBER:  # `1000000000000000.01` is 1e15 as a float
        raise error("out_of_range", found=_shown_number(value), limit=_LIMIT_TEXT)
    if money.places(exact) > money.MAX_PLACES:
        raise error("too_many_places", found=_shown_number(value), most=money.MAX_PLACES)
    return exact


STORED = "ebcheck.stored"
"""The validation context key that says a model is read back from the cache."""


def _stored_money(parse: Callable[[Any], Any]) -> Callable[[Any, ValidationInfo], Any]:
    """`parse`, and an amount as the result cache stores it: exact decimal text
    (pydantic writes a `Decimal` so in JSON), read back only for the cache."""

    def validate(value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, str) and info.context is not None and info.context.get(STORED):
            try:
                return Decimal(value)
            except InvalidOperation:
                raise error("expected_number", found=value) from None
        return parse(value)

    return validate


def to_positive(value: Any) -> Any:
    number = _to_number(value)
    if number is not None and number <= 0:
        raise error("not_positive", found=_describe(value))
    return number


_PERCENT_NUMBER = re.compile(r"^\+?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$")


def to_fraction(value: Any) -> Any:
    if _null(value):
        return None
    raw = value.value if isinstance(value, Scalar) else value
    found = _describe(value)
    percent = isinstance(raw, str) and raw.strip().endswith("%")
    if percent:
        digits = raw.strip()[:-1].strip()
        if len(digits) > 40:
            raise error("expected_fraction", found=_shown_number(value))
        # Plain decimal digits only: float() would also read "-0", "1e1" and "1_0".
        if not _PERCENT_NUMBER.match(digits):
            raise error("expected_fraction", found=found)
        # Divided as written: "10.1%" is 0.101, where float("10.1") / 100 is 0.10099…
        number: float = float(Decimal(digits) / 100)
    elif isinstance(raw, int | float) and not isinstance(raw, bool):
        if isinstance(raw, int) and abs(raw) > MAX_NUMBER:  # float() would overflow
            raise error("out_of_range", found=_shown_number(value), limit=_LIMIT_TEXT)
        _decimal_only(value)
        number = float(raw)
    elif isinstance(raw, str) and _number_hint(raw) == raw.strip():
        raise error("quoted_number", found=found)
    else:
        raise error("expected_fraction", found=found)
    _finite(value, number)
    if percent and not 0 <= number <= 1:
        raise error("percent_range", found=found)
    if not 0 <= number <= 1:
        if 1 < number <= 100:
            raise error("fraction_hint", found=found, suggestion=f"{number / 100:g}")
        raise error("expected_fraction", found=found)
    return number


money_field = _stored_money(to_money)
positive_money_field = _stored_money(to_positive_money)
Money = Annotated[Decimal | None, BeforeValidator(money_field)]
PositiveMoney = Annotated[Decimal | None, BeforeValidator(positive_money_field)]
PositiveNumber = Annotated[int | float | None, BeforeValidator(to_positive)]
Fraction = Annotated[float | None, BeforeValidator(to_fraction)]


# --- dates and booleans -----------------------------------------------------


def to_date(value: Any) -> Any:
    if _null(value):
        return None
    raw = value.value if isinstance(value, Scalar) else value
    if isinstance(raw, dt.datetime):
        raise error("date_time", found=_describe(value), suggestion=raw.date().isoformat())
    if isinstance(raw, dt.date):
        return raw
    found = _describe(value)
    if isinstance(raw, str) and _ISO_DATE.match(raw.strip()):
        try:
            return dt.date.fromisoformat(raw.strip())
        except ValueError:
            raise error("no_such_date", found=found) from None
    # Full-width digits and dashes (`２０２６－１２－３１`, a Chinese input method's) are
    # read as their ASCII forms, for the hint only.
    loose = (
        _LOOSE_DATE.match(unicodedata.normalize("NFKC", raw.strip()))
        if isinstance(raw, str)
        else None
    )
    if loose:
        year, month, day = (int(part) for part in loose.groups())
        try:
            suggestion = dt.date(year, month, day).isoformat()
        except ValueError:
            raise error("no_such_date", found=found) from None
        raise error("date_hint", found=found, suggestion=suggestion)
    raise error("expected_date", found=found)


def iso_form(text: str) -> str:
    """A date written loosely (`2027/1/20`, `2027年1月20日`) as YYYY-MM-DD; else as written."""
    loose = _LOOSE_DATE.match(text.strip())
    if loose is None:
        return text.strip()
    year, month, day = (int(part) for part in loose.groups())
    return f"{year:04d}-{month:02d}-{day:02d}"


def looks_like_date(text: str) -> bool:
    """Written as a date, well or loosely (`2027-01-20`, `2027/1/20`)."""
    return bool(_ISO_DATE.match(text.strip()) or _LOOSE_DATE.match(text.strip()))


def to_bool(value: Any) -> Any:
    if _null(value):
        return None
    raw = value.value if isinstance(value, Scalar) else value
    if not isinstance(raw, bool):
        raise error("expected_bool", found=_describe(value))
    return raw


Date = Annotated[dt.date | None, BeforeValidator(to_date)]
Bool = Annotated[bool | None, BeforeValidator(to_bool)]


# --- enumerations -----------------------------------------------------------


def _spelling(written: str) -> str:
    """How an English value is compared: case-insensitive, `-` or a space for `_`."""
    return written.lower().replace("-", "_").replace(" ", "_")


def enum_parser(enum: type[E]) -> Callable[[Any], Any]:
    """A validator that matches `enum` values and aliases case-insensitively,
    and the Chinese labels of its values exactly (after trimming)."""
    aliases = {member.value.lower(): member for member in enum}
    aliases.update({alias: enum(target) for alias, target in ALIASES.get(enum, {}).items()})
    labels = {
        label: enum(value) for value, names in LABELS.get(enum, {}).items() for label in names
    }
    wrong = _WrongChoice(enum, list(aliases), list(labels))

    def parse(value: Any) -> Any:
        if _null(value):
            return None
        if isinstance(value, enum):
            return value
        if isinstance(value, dict | list):
            raise error("expected_choice_kind", found=_describe(value), choices=wrong.choices)
        found = _describe(value)
        written = found.strip()
        member = labels.get(written) or aliases.get(_spelling(written))
        if member is None:
            raise wrong(found, written)
        return member

    return parse


class _WrongChoice:
    """The error for a value that is none of an enum's: the English choices, the
    Chinese labels when Chinese was written, and the closest spelling if any."""

    def __init__(self, enum: type[Enum], spellings: list[str], labels: list[str]) -> None:
        self.choices = ", ".join(member.value for member in enum)
        self._spellings = spellings
        self._labels = labels
        self._canonical = {member.value.lower(): member.value for member in enum}
        self._canonical.update(
            {alias: enum(target).value for alias, target in ALIASES.get(enum, {}).items()}
        )

    def __call__(self, found: str, written: str) -> PydanticCustomError:
        chinese = bool(self._labels) and bool(_CJK.search(written))
        suggestion = None
        if chinese:
            close = difflib.get_close_matches(written, self._labels, n=1, cutoff=0.6)
            suggestion = close[0] if close else None
        elif written:
            near = closest(_spelling(written), self._spellings, 0.75)
            suggestion = self._canonical[near] if near else None
        kind = "expected_choice" + ("_label" if chinese else "") + ("_hint" if suggestion else "")
        params = {"found": found, "choices": self.choices}
        if chinese:
            params["labels"] = ", ".join(self._labels)
        if suggestion:
            params["suggestion"] = suggestion
        return error(kind, **params)


def enum_list_parser(enum: type[E]) -> Callable[[Any], Any]:
    """One value or a list of values of `enum`: the list's validator. Its items are
    checked one by one (`enum_item_parser`), so that every bad item is reported, at its
    own line."""
    parse = enum_item_parser(enum)

    def parse_many(value: Any) -> Any:
        if _null(value):
            return []
        if isinstance(value, list):
            return value
        _one_text_for_several(value, parse)
        return [parse(value)]

    return parse_many


def enum_item_parser(enum: type[E]) -> Callable[[Any], Any]:
    """One item of a list of `enum` values: an empty one is an error, not no item."""
    parse = enum_parser(enum)
    choices = ", ".join(member.value for member in enum)

    def parse_item(value: Any) -> Any:
        if _null(value):
            raise error("empty_choice", choices=choices)
        return parse(value)

    return parse_item


_SEVERAL = re.compile(r"\s*[,，、;；]\s*")


def _one_text_for_several(value: Any, parse: Callable[[Any], Any]) -> None:
    """`roles: TB, coach` is one text to YAML: say to write the list `[TB, coach]`."""
    if not isinstance(value, Scalar) or value.quoted or value.tag != "str":
        return
    parts = [part for part in _SEVERAL.split(value.raw.strip()) if part]
    if len(parts) < 2:
        return
    try:
        for part in parts:
            parse(part)
    except PydanticCustomError:
        return
    raise error("list_hint", found=value.raw, suggestion="[" + ", ".join(parts) + "]")


def to_currency(value: Any) -> Any:
    text = to_text(value)
    if text is None:
        return None
    if not re.fullmatch(r"[A-Za-z]{3}", text):
        raise error("expected_currency", found=text)
    return text.upper()


Currency = Annotated[str | None, BeforeValidator(to_currency)]


def to_version(value: Any) -> Any:
    raw = value.value if isinstance(value, Scalar) else value
    if _null(value):
        raise error("missing_version")
    if raw != 1 or isinstance(raw, bool):
        raise error("version", found=_describe(value))
    return raw


def to_list(value: Any) -> Any:
    """A missing or empty list section is an empty list."""
    return [] if _null(value) else value
