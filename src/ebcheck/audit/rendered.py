"""A deal judged and written where its first pass ran, and kept in the result cache.

A streamed audit (`ebcheck.audit.stream`) sends back of each file only what this
module makes: its `Tally`, its text in the report's format, and what the
repository rules compare (id and stage). With the cache on, a format whose texts
can be checked (`DealWriter.sound`) keeps them there beside the file's first pass,
under its key and what judging and writing read besides (`--fail-on`, the
weights, the repository path). A kept one is never trusted: every field of its
tally is checked, whether it fails is worked out again from its severities, and
the format must find its text one it could have written for that tally.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ebcheck.audit.engine import Engine, FileAudit, display_path
from ebcheck.audit.findings import Finding
from ebcheck.audit.gate import deal_fails, decide_deal, finding_fails
from ebcheck.audit.results import FORECASTS, VERDICTS, Counts, DealWriter, Tally
from ebcheck.audit.walk import Listed, is_deal_data
from ebcheck.deal import money
from ebcheck.deal.enums import Severity, Stage
from ebcheck.deal.fields import MAX_NUMBER
from ebcheck.deal.source import read_limited


@dataclass(frozen=True, slots=True)
class Rendered:
    """A file's first pass, judged and written where it ran: what is sent back."""

    tally: Tally | None
    """None for a file loaded only for the repository rules (`--changed-since`)."""
    text: str
    shown: str
    deal_id: str | None
    """The loaded deal's id (None: the file did not load; repository rules skip it)."""
    stage: Stage | None
    as_of: dt.date
    not_a_deal: bool = False
    """A file found by a walk whose content says it is not a deal: skipped."""

    def without_text(self) -> Rendered:
        """The same first pass with its text taken out (sent apart from the rest)."""
        fields = (self.tally, "", self.shown, self.deal_id, self.stage, self.as_of)
        return Rendered(*fields, self.not_a_deal)

    def __reduce__(self) -> tuple[type[Rendered], tuple[Any, ...]]:
        # Sent back from every worker for every file: a plain tuple unpickles in a
        # third less time than a slotted dataclass's state.
        fields = (self.tally, self.text, self.shown, self.deal_id, self.stage, self.as_of)
        return Rendered, (*fields, self.not_a_deal)


Walked = tuple[str, bool, Listed]
"""A file to audit (its path as text: a task is sent to a worker for every file),
whether it is reported, and what the walk knows of it (`FileSet.listed`)."""


def rendered(
    writer: DealWriter,
    engine: Engine,
    audit: FileAudit,
    found: Sequence[Finding] = (),
) -> Rendered:
    """`audit` judged with what the repository rules `found` in it (most deals: nothing),
    and its text."""
    return _judged(writer, engine, audit, found)[0]


def _judged(
    writer: DealWriter, engine: Engine, audit: FileAudit, found: Sequence[Finding] = ()
) -> tuple[Rendered, tuple[Severity, ...]]:
    """The deal rendered, and the severities of its findings (what a kept text is
    checked against)."""
    deal = audit.loaded.deal
    deal_id, stage = (deal.deal.id, deal.deal.stage) if deal is not None else (None, None)
    if not audit.reported:
        return Rendered(None, "", audit.shown, deal_id, stage, audit.as_of), ()
    report = decide_deal(engine.judge(audit, found, None), engine.settings.fail_on)
    text = writer.text(report, engine.catalogue)
    tally = report.tally(writer.keeps(report) if writer.keeps is not None else None)
    done = Rendered(tally, text, audit.shown, deal_id, stage, audit.as_of)
    return done, tuple(f.severity for f in report.findings)


def render_task(writer: DealWriter, engine: Engine, task: Walked) -> Rendered:
    """A file's first pass, judged and written; taken from the result cache and kept
    there when the format's texts can be. A file whose content decides whether it is
    a deal is judged so only when it is not kept (a kept one was a deal)."""
    path, reported, listed = Path(task[0]), task[1], task[2]
    if listed is Listed.NOT_REGULAR:
        return _not_a_deal(engine, path)
    unsure = listed is Listed.UNREAD
    cache = engine.cache if writer.sound is not None else None
    data = _bytes(path) if cache is not None or unsure else None
    if data is None:  # not needed here, or unreadable (the loader says why, located)
        return rendered(writer, engine, engine.check_file(path, reported))
    shown = display_path(path, engine.settings.root)
    key = ""
    if cache is not None:
        repo_path = _repo_path(engine, path, shown)
        written_with = repr(("text", writer.name, engine.judged_with, repo_path, unsure))
        key = cache.derived(cache.key(data, shown, reported), written_with)
        kept = _decoded(cache.read(key), shown, repo_path, reported, writer, engine)
        if kept is not None:
            return kept
    if unsure and not is_deal_data(data):
        return _not_a_deal(engine, path)
    done, severities = _judged(writer, engine, engine.check_bytes(path, data, reported))
    encoded = _encoded(done, severities)
    if cache is not None and encoded is not None and not (done.tally and done.tally.crashes):
        cache.write(key, encoded)
    return done


def _not_a_deal(engine: Engine, path: Path) -> Rendered:
    shown = display_path(path, engine.settings.root)
    return Rendered(None, "", shown, None, None, engine.as_of(None), not_a_deal=True)


def _bytes(path: Path) -> bytes | None:
    try:
        return read_limited(path)
    except OSError:
        return None


def _repo_path(engine: Engine, path: Path, shown: str) -> str:
    """The file as the repository names it: a kept text depends on it (SARIF writes
    it) besides its first pass and the cache's salt."""
    repo_root = engine.settings.repo_root
    return shown if repo_root in (None, engine.settings.root) else engine.repo_path(path)


def _encoded(done: Rendered, severities: Sequence[Severity]) -> bytes | None:
    """A line of JSON saying what the text says (its tally), then the text itself:
    a text kept raw is read back without unescaping (None: it cannot be kept)."""
    tally = done.tally
    kept: dict[str, Any] = {
        "deal_id": done.deal_id,
        "stage": done.stage.value if done.stage is not None else None,
        "as_of": done.as_of.isoformat(),
        "tally": None,
    }
    if tally is not None:
        kept["tally"] = [
            tally.deal_id,
            tally.verdict.value,
            tally.is_open,
            str(tally.amount) if tally.amount is not None else None,
            tally.currency,
            tally.forecast.value if tally.forecast is not None else None,
            [severity.value for severity in severities],
            tally.counts.suppressed,
            tally.counts.baselined,
        ]
    try:
        return json.dumps(kept, ensure_ascii=False).encode() + b"\n" + done.text.encode()
    except UnicodeEncodeError:
        return None


def _decoded(
    payload: bytes | None,
    shown: str,
    repo_path: str,
    reported: bool,
    writer: DealWriter,
    engine: Engine,
) -> Rendered | None:
    """A kept rendering of the file (`shown`, and `repo_path` in the repository), or
    None when there is none or it is not one `_encoded` could have written for this
    file: an entry is never trusted."""
    if payload is None or writer.sound is None:
        return None
    head, newline, body = payload.partition(b"\n")
    try:
        kept = _HEAD.decode(head.decode())
        text, deal_id, stage = body.decode(), kept["deal_id"], kept["stage"]
        if not (newline and _optional(deal_id, str) and _optional(stage, str)):
            return None
        if (deal_id is None) != (stage is None) or (kept["tally"] is None) == reported:
            return None
        as_of = dt.date.fromisoformat(kept["as_of"])
        loaded_stage = Stage(stage) if stage is not None else None
        if not reported:
            return Rendered(None, "", shown, deal_id, loaded_stage, as_of) if not text else None
        tally, severities = _tally(kept["tally"], shown, engine.settings.fail_on)
        if deal_id is not None and tally.deal_id != deal_id:
            return None
        if not writer.sound(text, tally, severities, repo_path):
            return None
        return Rendered(tally, text, shown, deal_id, loaded_stage, as_of)
    except (ValueError, TypeError, KeyError, IndexError, RecursionError, InvalidOperation):
        return None


# The tally line is UTF-8 text, as `_encoded` writes it: decoded as such, not sniffed.
_HEAD = json.JSONDecoder()
_CURRENCY = re.compile(r"[A-Z]{3}")
# By value, as kept: a KeyError refuses any other (a dict costs less than `Enum(value)`).
_SEVERITIES = {severity.value: severity for severity in Severity}


def _tally(kept: Any, shown: str, fail_on: str) -> tuple[Tally, tuple[Severity, ...]]:
    """The tally `_encoded` wrote, every field checked (ValueError if one is wrong),
    and the severities of its findings; whether it fails is worked out again."""
    deal_id, verdict, is_open, amount, currency, forecast, severities, suppressed, baselined = kept
    checks = (
        _optional(deal_id, str),
        isinstance(is_open, bool),
        _optional(amount, str),
        currency is None or (isinstance(currency, str) and _CURRENCY.fullmatch(currency)),
        _optional(forecast, str),
        isinstance(severities, list) and all(isinstance(s, str) for s in severities),
        all(type(n) is int and n >= 0 for n in (suppressed, baselined)),
    )
    if not all(checks):
        raise ValueError("not a kept tally")
    judged = VERDICTS[verdict]
    found = tuple(_SEVERITIES[s] for s in severities)
    failing = sum(finding_fails(judged, s, fail_on) for s in found)
    return Tally(
        shown,
        deal_id,
        judged,
        deal_fails(judged, bool(failing), fail_on),
        is_open,
        _amount(amount),
        currency,
        FORECASTS[forecast] if forecast is not None else None,
        Counts(len(found), suppressed, baselined),
        failing,
        (),
    ), found


def _amount(text: str | None) -> Decimal | None:
    """An amount as the deal format allows it, or ValueError."""
    if text is None:
        return None
    value = Decimal(text)
    if not value.is_finite() or value < 0 or value > MAX_NUMBER:
        raise ValueError("not an amount")
    if money.places(value) > money.MAX_PLACES:
        raise ValueError("not an amount")
    return value


def _optional(value: Any, kind: type) -> bool:
    return value is None or isinstance(value, kind)
