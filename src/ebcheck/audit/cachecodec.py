"""One file's first-pass result as plain JSON data, and back.

What the cache keeps of a file: the loaded deal (or its problems), its
source map and the file rules' findings. Decoding checks the shape of what
it reads: anything that is not what `encode` writes raises `ValueError`, so
a damaged or foreign entry is a cache miss (the cache also checks each
entry's digest before decoding it).
"""

from __future__ import annotations

import json
from typing import Any

from ebcheck.audit.findings import Finding
from ebcheck.deal.enums import Severity
from ebcheck.deal.fields import STORED
from ebcheck.deal.load import Loaded
from ebcheck.deal.models import DealFile
from ebcheck.deal.problems import Problem
from ebcheck.deal.sourcemap import Path, Position, SourceMap

FORMAT = 1


def encode(loaded: Loaded, findings: tuple[Finding, ...]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "deal": loaded.deal.model_dump(mode="json", by_alias=True) if loaded.deal else None,
        "deal_id": loaded.deal_id,
        "source": _encode_source(loaded.source),
        "problems": [_encode_problem(p) for p in loaded.problems],
        "findings": [_encode_finding(f) for f in findings],
    }


def decode(data: Any) -> tuple[Loaded, tuple[Finding, ...]]:
    """The result `encode` wrote; `ValueError` for anything else."""
    try:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError("not a cache entry of this format")
        deal = _decode_deal(data["deal"])
        deal_id = data["deal_id"]
        if deal_id is not None and not isinstance(deal_id, str):
            raise ValueError("deal id")
        loaded = Loaded(
            deal,
            _decode_source(data["source"]),
            [_decode_problem(p) for p in data["problems"]],
            deal_id,
        )
        return loaded, tuple(_decode_finding(f) for f in data["findings"])
    except (KeyError, TypeError, IndexError, AttributeError) as exc:
        raise ValueError(f"damaged cache entry: {exc}") from None
    except ValueError:
        raise
    except Exception as exc:  # pydantic's ValidationError is a ValueError; anything else too
        raise ValueError(f"damaged cache entry: {type(exc).__name__}") from None


# --- parts ------------------------------------------------------------------


def _decode_deal(value: Any) -> DealFile | None:
    # Amounts are exact decimals, which `model_dump(mode="json")` writes as
    # their text: the context lets them be read back as the same `Decimal`.
    if value is None:
        return None
    return DealFile.model_validate(value, context={STORED: True})


def _path(value: Any) -> Path:
    if not isinstance(value, list) or not all(isinstance(p, str | int) for p in value):
        raise ValueError("path")
    return tuple(value)


def _position(line: Any, column: Any) -> Position:
    if not (isinstance(line, int) and isinstance(column, int)):
        raise ValueError("position")
    return Position(line, column)


def _encode_source(source: SourceMap) -> str:
    stored = source.__dict__.get("_stored")
    if isinstance(source, _StoredSourceMap) and stored is not None:
        return str(stored)  # still as read: no need to decode it to write it again
    parts = [
        [[list(path), *pos] for path, pos in source.values.items()],
        [[list(path), *pos] for path, pos in source.keys.items()],
        [list(path) for path in sorted(source.split_by_comma, key=repr)],
        [[list(path), text] for path, text in source.raw.items()],
    ]
    return json.dumps(parts, ensure_ascii=False, separators=(",", ":"))


class _StoredSourceMap(SourceMap):
    """A source map kept as JSON text, decoded on first use.

    After the first pass most files' maps are never consulted again (only
    repository rules and suppression notes locate fields then), and as
    dictionaries they would be over half the memory a deal takes.
    """

    def __init__(self, text: str) -> None:  # the fields come on first use
        self._stored = text

    def __getattr__(self, name: str) -> Any:
        stored = self.__dict__.get("_stored")
        if stored is None or name not in ("values", "keys", "split_by_comma", "raw"):
            raise AttributeError(name)
        del self.__dict__["_stored"]
        # Paths and positions are taken as written: they were checked when
        # stored (and a cache entry's digest when read). A map that does not
        # decode locates nothing (every finding at the top of its file)
        # rather than stop the audit.
        try:
            values, keys, split, raw = json.loads(stored)
            self.values = {tuple(p): Position(line, col) for p, line, col in values}
            self.keys = {tuple(p): Position(line, col) for p, line, col in keys}
            self.split_by_comma = {tuple(p) for p in split}
            self.raw = {tuple(p): str(text) for p, text in raw}
        except (ValueError, TypeError):
            self.values, self.keys, self.split_by_comma, self.raw = {}, {}, set(), {}
        return getattr(self, name)


def compact(source: SourceMap) -> SourceMap:
    """The same map, kept as text until it is consulted."""
    if isinstance(source, _StoredSourceMap):
        return source
    return _StoredSourceMap(_encode_source(source))


def _decode_source(data: Any) -> SourceMap:
    if not isinstance(data, str):
        raise ValueError("source map")
    return _StoredSourceMap(data)


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
    ]


def _decode_finding(data: list[Any]) -> Finding:
    rule, name, severity, message, fix, line, column, path, subject, capped = data
    texts = (rule, name, message, fix, path)
    if not all(isinstance(text, str) for text in texts) or not isinstance(capped, bool):
        raise ValueError("finding")
    if subject is not None and not isinstance(subject, str):
        raise ValueError("finding subject")
    position = _position(line, column)
    return Finding(rule, name, Severity(severity), message, fix, *position, path, subject, capped)
