"""One file's first-pass result as plain JSON data, and back.

What the cache keeps of a file: the loaded deal (or its problems) and the
file rules' findings. Its source map is not kept: an entry is found by the
file's bytes, and the map is built again from them if it is ever consulted.
Decoding checks the shape of what it reads: anything that is not what
`encode` writes raises `ValueError`, so a damaged or foreign entry is a cache
miss (the cache also checks each entry's digest before decoding it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ebcheck.audit.findings import Finding, Settled, Suppressed
from ebcheck.deal.enums import Severity
from ebcheck.deal.fields import STORED
from ebcheck.deal.load import Loaded
from ebcheck.deal.models import DealFile, DealInfo
from ebcheck.deal.problems import Problem
from ebcheck.deal.sourcemap import Path, Position

FORMAT = 3


def encode(
    loaded: Loaded, findings: tuple[Finding, ...], settled: Settled | None
) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "deal": _encode_deal(loaded.deal) if loaded.deal else None,
        "deal_id": loaded.deal_id,
        "problems": [_encode_problem(p) for p in loaded.problems],
        "findings": [_encode_finding(f) for f in findings],
        "settled": _encode_settled(settled, findings) if settled is not None else None,
    }


def decode(data: Any, outline: bool = False) -> tuple[Loaded, tuple[Finding, ...], Settled | None]:
    """The result `encode` wrote; `ValueError` for anything else. Its source map is
    empty: the engine gives it the file's. With `outline`, the deal comes back as its
    outline (`DealFile.outline`), which validates only its deal section."""
    try:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError("not a cache entry of this format")
        read = _decode_outline if outline else _decode_deal
        deal = read(data["deal"])
        deal_id = data["deal_id"]
        if deal_id is not None and not isinstance(deal_id, str):
            raise ValueError("deal id")
        loaded = Loaded(
            deal, problems=[_decode_problem(p) for p in data["problems"]], deal_id=deal_id
        )
        findings = tuple(_decode_finding(f) for f in data["findings"])
        settled = data["settled"]
        kept = _decode_settled(settled, findings) if settled is not None else None
        return loaded, findings, kept
    except (KeyError, TypeError, IndexError, AttributeError) as exc:
        raise ValueError(f"damaged cache entry: {exc}") from None
    except ValueError:
        raise
    except Exception as exc:  # pydantic's ValidationError is a ValueError; anything else too
        raise ValueError(f"damaged cache entry: {type(exc).__name__}") from None


# --- parts ------------------------------------------------------------------


def _encode_deal(deal: DealFile) -> dict[str, Any]:
    # Fields at their default are left out: read back, they take it again, and an
    # entry without them is smaller and quicker to validate.
    return deal.model_dump(mode="json", by_alias=True, exclude_defaults=True)


def _decode_deal(value: Any) -> DealFile | None:
    # Amounts are exact decimals, which `model_dump(mode="json")` writes as
    # their text: the context lets them be read back as the same `Decimal`.
    if value is None:
        return None
    return DealFile.model_validate(value, context={STORED: True})


def _decode_outline(value: Any) -> DealFile | None:
    if value is None:
        return None
    info = DealInfo.model_validate(value["deal"], context={STORED: True})
    version, as_of = value["ebcheck"], value.get("as_of")
    if not isinstance(version, int) or not (as_of is None or isinstance(as_of, str)):
        raise ValueError("deal file")
    day = dt.date.fromisoformat(as_of) if as_of is not None else None
    risks = (value.get("commitments") or {}).get("risks", [])
    names = {
        ("stakeholders",): _names(value.get("stakeholders", []), "name"),
        ("commitments", "risks"): _names(risks, "risk"),
        ("suppress",): _names(value.get("suppress", []), "rule"),
    }
    return DealFile.outline_of(version, day, info, names)


def _names(items: Any, key: str) -> tuple[str, ...]:
    names = tuple(item[key] for item in items)
    if not all(isinstance(name, str) for name in names):
        raise ValueError("item name")
    return names


def _path(value: Any) -> Path:
    if not isinstance(value, list) or not all(isinstance(p, str | int) for p in value):
        raise ValueError("path")
    return tuple(value)


def _position(line: Any, column: Any) -> Position:
    if not (isinstance(line, int) and isinstance(column, int)):
        raise ValueError("position")
    return Position(line, column)


def _encode_problem(problem: Problem) -> list[Any]:
    return [
        problem.code,
        problem.key,
        list(problem.position),
        list(problem.path),
        problem.params,
        problem.hint,
    ]


def _decode_problem(data: list[Any]) -> Problem:
    code, key, (line, column), path, params, hint = data
    if not (isinstance(code, str) and isinstance(key, str) and isinstance(params, dict)):
        raise ValueError("problem")
    if hint is not None and not isinstance(hint, str):
        raise ValueError("problem hint")
    return Problem(code, key, _position(line, column), _path(path), params, hint)


def _encode_finding(finding: Finding) -> list[Any]:
    return [
        finding.rule,
        finding.name,
        finding.severity.value,
        finding.message,
        finding.fix,
        finding.line,
        finding.column,
        finding.path,
        finding.subject,
        finding.capped,
        [severity.value for severity in finding.weighs_as],
    ]


def _decode_finding(data: list[Any]) -> Finding:
    rule, name, severity, message, fix, line, column, path, subject, capped, weighs = data
    texts = (rule, name, message, fix, path)
    if not all(isinstance(text, str) for text in texts) or not isinstance(capped, bool):
        raise ValueError("finding")
    if not isinstance(weighs, list):
        raise ValueError("finding weights")
    if subject is not None and not isinstance(subject, str):
        raise ValueError("finding subject")
    position = _position(line, column)
    weighs_as = tuple(Severity(value) for value in weighs)
    return Finding(
        rule, name, Severity(severity), message, fix, *position, path, subject, capped, weighs_as
    )


def _encode_settled(settled: Settled, findings: tuple[Finding, ...]) -> dict[str, Any]:
    """Most settled findings are the file rules' own: those are kept as their index
    among `findings`, so that they are stored once and read back as one object."""
    if settled.crashes:
        raise ValueError("a result with a crash is not kept")
    index = {id(f): n for n, f in enumerate(findings)}

    def entry(finding: Finding) -> int | list[Any]:
        n = index.get(id(finding))
        return n if n is not None else _encode_finding(finding)

    return {
        "findings": [entry(f) for f in settled.findings],
        "suppressed": [
            [entry(s.finding), s.reason, s.until.isoformat() if s.until else None]
            for s in settled.suppressed
        ],
    }


def _decode_settled(data: Any, findings: tuple[Finding, ...]) -> Settled:
    def entry(value: Any) -> Finding:
        if type(value) is int:
            if not 0 <= value < len(findings):
                raise ValueError("finding index")
            return findings[value]
        return _decode_finding(value)

    kept = tuple(entry(f) for f in data["findings"])
    suppressed = []
    for finding, reason, until in data["suppressed"]:
        if not isinstance(reason, str) or not (until is None or isinstance(until, str)):
            raise ValueError("suppressed finding")
        day = dt.date.fromisoformat(until) if until is not None else None
        suppressed.append(Suppressed(entry(finding), reason, day))
    return Settled(kept, tuple(suppressed))
