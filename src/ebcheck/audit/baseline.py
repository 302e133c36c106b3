"""The baseline: findings recorded once so that CI fails only on new ones.

Entries are keyed by rule, deal id and a stable field path, never by line
numbers: a stakeholder or risk is named by its name or text instead of its
position in the list, so editing or reordering other parts of the file does
not bring recorded findings back.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ebcheck.audit.findings import Finding
from ebcheck.deal.models import DealFile
from ebcheck.deal.source import NotRegularFile, read_limited
from ebcheck.deal.sourcemap import parse_path
from ebcheck.errors import BaselineError
from ebcheck.version import __version__

FORMAT_VERSION = 1
BASELINE_MAX_BYTES = 64 * 1024 * 1024
"""A baseline is read up to this size (and one byte): never `/dev/zero` to the end."""
MAX_COUNT = 10**9
NOT_BASELINED = ("E",)


def stable_path(finding: Finding, deal: DealFile | None) -> str:
    """The finding's field path with list indexes replaced by item names
    (`stakeholders[张伟].met`): a finding keeps its key when items are reordered."""
    parts = parse_path(finding.path)
    out = ""
    for i, part in enumerate(parts):
        if isinstance(part, int):
            items = tuple(str(p) for p in parts[:i])
            name = deal.item_name(items, part) if deal is not None else None
            out += f"[{name}]" if name is not None else f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


Key = tuple[str, str, str, str]
"""(rule id, deal id, stable field path, subject or "")."""


def entry_key(rule: str, deal_id: str, path: str, subject: str | None) -> Key:
    return (rule, deal_id, path, subject or "")


def finding_key(finding: Finding, deal_id: str, deal: DealFile | None) -> Key:
    return entry_key(finding.rule, deal_id, stable_path(finding, deal), finding.subject)


@dataclass
class Baseline:
    """Recorded findings, matched by key and count."""

    counts: Counter[Key] = field(default_factory=Counter)
    source: Path | None = None

    def take(self, key: Key) -> bool:
        """Match one finding against the baseline, consuming one recorded entry."""
        if self.counts[key] > 0:
            self.counts[key] -= 1
            return True
        return False

    def unmatched(self, deal_ids: set[str]) -> list[Key]:
        """Entries of these deals that matched no finding: candidates for pruning."""
        return sorted(k for k, left in self.counts.items() if left > 0 and k[1] in deal_ids)


def baselinable(finding: Finding) -> bool:
    return finding.area not in NOT_BASELINED


def build_entries(items: Iterable[tuple[str, DealFile | None, Finding]]) -> list[dict[str, Any]]:
    """Baseline entries for (deal id, deal, finding) triples, counted and sorted."""
    counts: Counter[Key] = Counter()
    messages: dict[Key, str] = {}
    for deal_id, deal, finding in items:
        key = (finding.rule, deal_id, stable_path(finding, deal), finding.subject or "")
        counts[key] += 1
        messages.setdefault(key, finding.message)
    return [
        {
            "rule": rule,
            "deal": deal_id,
            "path": path,
            "subject": subject or None,
            "count": counts[(rule, deal_id, path, subject)],
            "message": messages[(rule, deal_id, path, subject)],
        }
        for rule, deal_id, path, subject in sorted(counts)
    ]


def baseline_text(entries: list[dict[str, Any]]) -> str:
    document = {
        "ebcheck_baseline": FORMAT_VERSION,
        "generated_by": f"ebcheck {__version__}",
        "entries": entries,
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def load_baseline(path: Path) -> Baseline:
    """Read a baseline file; anything missing or malformed is a `BaselineError`."""
    try:
        data = read_limited(path, BASELINE_MAX_BYTES)
        if len(data) > BASELINE_MAX_BYTES:
            raise BaselineError("baseline_too_big", where=str(path), limit="64 MiB")
        document = json.loads(data.decode("utf-8"))
    except FileNotFoundError:
        raise BaselineError("baseline_missing", path=str(path)) from None
    except NotRegularFile:
        kind = "baseline_folder" if path.is_dir() else "baseline_not_regular"
        raise BaselineError(kind, where=str(path)) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise BaselineError("baseline_unreadable", where=str(path), reason=reason) from None
    except (ValueError, RecursionError):  # 5,000-digit numbers, 100,000 nested lists
        raise BaselineError("baseline_too_deep", where=str(path)) from None
    if not isinstance(document, dict) or document.get("ebcheck_baseline") != FORMAT_VERSION:
        raise BaselineError("baseline_not_ours", where=str(path), version=FORMAT_VERSION)
    entries = document.get("entries")
    if not isinstance(entries, list):
        raise BaselineError("baseline_entries", where=str(path))
    counts: Counter[Key] = Counter()
    for number, entry in enumerate(entries, 1):
        counts[_entry_key(entry, path, number)] += _count(entry, path, number)
    return Baseline(counts, path)


def _entry_key(entry: Any, path: Path, number: int) -> Key:
    if not isinstance(entry, dict) or not all(
        isinstance(entry.get(k), str) for k in ("rule", "deal", "path")
    ):
        raise BaselineError("baseline_entry", where=str(path), number=number)
    subject = entry.get("subject")
    return entry_key(
        entry["rule"], entry["deal"], entry["path"], subject if isinstance(subject, str) else None
    )


def _count(entry: dict[str, Any], path: Path, number: int) -> int:
    count = entry.get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_COUNT:
        raise BaselineError("baseline_count", where=str(path), number=number)
    return count
