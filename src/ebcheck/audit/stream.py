"""A streamed audit: each deal judged and rendered as soon as its first pass is done.

The JSON, concise and JUnit reports are a deal's text after another, and totals
(JUnit writes them first, from the tallies, once every deal is judged). For
them a deal need not wait for every other one: it is judged where its first pass
ran (a worker, for a big folder), its text is written to a scratch file, and the
run keeps only its `Tally` (what the summary and the exit code need) and its id
(what the repository rules compare). Memory then hardly grows with the number
of files. The few deals a repository rule finds something in (a duplicate id,
HY005) are audited again and their text written anew before the report goes out.

A run with a baseline is not streamed: which findings a baseline entry covers
depends on the order deals take them in, and takes all of them at once.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from functools import partial
from pathlib import Path
from typing import IO, Any, overload

from ebcheck.audit.engine import (
    Engine,
    FileAudit,
    Progress,
    Task,
    display_path,
    fewer_collections,
    first_pass,
    plan,
)
from ebcheck.audit.findings import Finding, RuleCrash
from ebcheck.audit.gate import decide_deal
from ebcheck.audit.history import VersionFacts
from ebcheck.audit.results import Counts, DealText, DealWriter, StreamedReport, Tally
from ebcheck.audit.settings import Settings
from ebcheck.deal.enums import Forecast, Stage, Verdict
from ebcheck.deal.models import DealFile
from ebcheck.deal.source import FileSourceMap, read_limited
from ebcheck.ruleapi import LoadedDeal


@dataclass(frozen=True, slots=True)
class Rendered:
    """A file's first pass, judged and rendered where it ran: what is sent back."""

    tally: Tally | None
    """None for a file loaded only for the repository rules (`--changed-since`)."""
    text: str
    shown: str
    deal_id: str | None
    """The loaded deal's id (None: the file did not load; repository rules skip it)."""
    stage: Stage | None
    as_of: dt.date


def rendered(deal_text: DealText, engine: Engine, audit: FileAudit) -> Rendered:
    """`audit` judged as if no repository rule finds anything in it (most deals),
    and its text."""
    if not audit.reported:
        return _rendered(audit, None, "")
    report = decide_deal(engine.judge(audit, (), None), engine.settings.fail_on)
    return _rendered(audit, report.tally(), deal_text(report, engine.catalogue))


def render_task(writer: DealWriter, engine: Engine, task: Task) -> Rendered:
    """A file's first pass, judged and rendered; kept in the result cache, when the
    format's texts can be, under the file's bytes and what judging and writing read."""
    path, reported = task
    cache = engine.cache
    data = _bytes(path) if cache is not None and writer.sound is not None else None
    if cache is None or writer.sound is None or data is None:
        return rendered(writer.text, engine, engine.check_file(path, reported))
    shown = display_path(path, engine.settings.root)
    key = cache.derived(cache.key(data, shown, reported), _written_with(writer, engine, path))
    kept = _decoded(cache.read(key), shown, writer.sound)
    if kept is not None:
        return kept
    done = rendered(writer.text, engine, engine.check_bytes(path, data, reported))
    if done.tally is None or not done.tally.crashes:
        cache.write(key, _encoded(done))
    return done


def _bytes(path: Path) -> bytes | None:
    try:
        return read_limited(path)
    except OSError:
        return None


def _written_with(writer: DealWriter, engine: Engine, path: Path) -> str:
    """What a deal's text depends on besides its first pass (and the cache's salt)."""
    weights = sorted(
        (severity.value, weight) for severity, weight in engine.settings.weights.items()
    )
    return repr(("text", writer.name, engine.settings.fail_on, weights, engine.repo_path(path)))


def _encoded(done: Rendered) -> bytes:
    tally = done.tally
    kept: dict[str, Any] = {
        "text": done.text,
        "deal_id": done.deal_id,
        "stage": done.stage.value if done.stage is not None else None,
        "as_of": done.as_of.isoformat(),
        "tally": None,
    }
    if tally is not None:
        kept["tally"] = [
            tally.deal_id,
            tally.verdict.value,
            tally.fails,
            tally.is_open,
            str(tally.amount) if tally.amount is not None else None,
            tally.currency,
            tally.forecast.value if tally.forecast is not None else None,
            [tally.counts.findings, tally.counts.suppressed, tally.counts.baselined],
            tally.failing,
        ]
    return json.dumps(kept, ensure_ascii=False).encode("utf-8")


def _decoded(payload: bytes | None, shown: str, sound: Callable[[str], bool]) -> Rendered | None:
    """A kept rendering, or None when there is none or it is not what `_encoded` writes:
    an entry is never trusted."""
    if payload is None:
        return None
    try:
        kept = json.loads(payload)
        text, deal_id, stage = kept["text"], kept["deal_id"], kept["stage"]
        if not isinstance(text, str) or not (text == "" or sound(text)):
            return None
        if not (_optional(deal_id, str) and _optional(stage, str)):
            return None
        as_of = dt.date.fromisoformat(kept["as_of"])
        tally = _tally(kept["tally"], shown) if kept["tally"] is not None else None
        if kept["tally"] is not None and tally is None:
            return None
        return Rendered(tally, text, shown, deal_id, Stage(stage) if stage else None, as_of)
    except (ValueError, TypeError, KeyError, RecursionError, InvalidOperation):
        return None


def _tally(kept: Any, shown: str) -> Tally | None:
    deal_id, verdict, fails, is_open, amount, currency, forecast, counts, failing = kept
    numbers = [*counts, failing]
    if not (
        _optional(deal_id, str)
        and isinstance(fails, bool)
        and isinstance(is_open, bool)
        and _optional(amount, str)
        and _optional(currency, str)
        and _optional(forecast, str)
        and len(counts) == 3
        and all(type(n) is int and n >= 0 for n in numbers)
    ):
        return None
    value = Decimal(amount) if amount is not None else None
    if value is not None and not value.is_finite():
        return None
    return Tally(
        shown,
        deal_id,
        Verdict(verdict),
        fails,
        is_open,
        value,
        currency,
        Forecast(forecast) if forecast is not None else None,
        Counts(*counts),
        failing,
        (),
    )


def _optional(value: Any, kind: type) -> bool:
    return value is None or isinstance(value, kind)


def _rendered(audit: FileAudit, tally: Tally | None, text: str) -> Rendered:
    deal = audit.loaded.deal
    if deal is None:
        return Rendered(tally, text, audit.shown, None, None, audit.as_of)
    return Rendered(tally, text, audit.shown, deal.deal.id, deal.deal.stage, audit.as_of)


@dataclass(frozen=True, slots=True)
class _Kept:
    """What the run keeps of one file until the report is written."""

    tally: Tally | None
    shown: str
    deal_id: str | None
    stage: Stage | None
    as_of: dt.date
    offset: int
    length: int


class Spool:
    """The deals' texts, written to a scratch file as they come and read back in order."""

    def __init__(self) -> None:
        self._file: IO[bytes]
        try:
            self._file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by `close`
        except OSError:  # no writable scratch folder: memory will do
            self._file = io.BytesIO()

    def add(self, text: str) -> tuple[int, int]:
        """Where `text` was written: its offset and length in bytes."""
        if not text:
            return 0, 0
        data = text.encode("utf-8", "surrogatepass")
        offset = self._file.seek(0, io.SEEK_END)
        self._file.write(data)
        return offset, len(data)

    def read(self, offset: int, length: int) -> str:
        if not length:
            return ""
        self._file.seek(offset)
        return self._file.read(length).decode("utf-8", "surrogatepass")

    def close(self) -> None:
        self._file.close()


def stream_paths(
    paths: Sequence[Path],
    settings: Settings,
    writer: DealWriter,
    *,
    changed_since: str | None = None,
    skip_non_deals: bool = False,
    jobs: int = 0,
    progress: Progress | None = None,
    history: Mapping[str, tuple[VersionFacts, ...]] | None = None,
) -> StreamedReport:
    """`audit_paths` for a format that writes a deal at a time (`writer`), without
    a baseline: the deals' texts wait in a scratch file, not in memory."""
    engine = Engine.create(settings, history, outline=True)
    files, planned = plan(paths, settings, changed_since, skip_non_deals)
    skipped = tuple(display_path(p, settings.root) for p in files.skipped)
    excluded = len(files.excluded)
    tasks = _Tasks(planned)
    del files, planned  # a path object is several times its text
    spool = Spool()
    with fewer_collections():
        kept = _first_pass(engine, tasks, jobs, writer, spool, progress)
        redone = _repository_pass(engine, tasks, kept, writer.text)
    tallies = tuple(redone[i].tally if i in redone else entry.tally for i, entry in enumerate(kept))
    return StreamedReport(
        settings.as_of or settings.today,
        tuple(tally for tally in tallies if tally is not None),
        _texts(spool, kept, {i: r.text for i, r in redone.items()}),
        writer.text,
        skipped=skipped,
        excluded=excluded,
        fail_on=settings.fail_on,
        default_currency=settings.default_currency,
        changed_since=changed_since,
    )


def _first_pass(
    engine: Engine,
    tasks: Sequence[Task],
    jobs: int,
    writer: DealWriter,
    spool: Spool,
    progress: Progress | None,
) -> list[_Kept]:
    kept: list[_Kept | None] = [None] * len(tasks)
    # A rendered deal is small to send back: the workers take cache hits too.
    work = partial(render_task, writer)
    for index, done in first_pass(engine, tasks, jobs, work, progress):
        offset, length = spool.add(done.text)
        kept[index] = _Kept(
            done.tally, done.shown, done.deal_id, done.stage, done.as_of, offset, length
        )
    return [entry for entry in kept if entry is not None]


def _repository_pass(
    engine: Engine, tasks: _Tasks, kept: Sequence[_Kept], deal_text: DealText
) -> dict[int, Rendered]:
    """The deals a repository rule found something in (or crashed on), audited
    again with it, by index."""
    if not engine.repo_rules:
        return {}
    deals = _LoadedDeals(tasks, kept)
    first = next((entry.shown for entry in kept if entry.tally is not None), None)
    found, crashed = engine.repository_findings(deals, first)
    redone: dict[int, Rendered] = {}
    for index, entry in enumerate(kept):
        if entry.tally is None or not (entry.shown in found or entry.shown in crashed):
            continue
        path, reported = tasks[index]
        audit = engine.check_file(path, reported)
        redone[index] = _judged_again(
            engine, audit, found.get(entry.shown, []), crashed.get(entry.shown, []), deal_text
        )
    return redone


def _judged_again(
    engine: Engine,
    audit: FileAudit,
    found: Sequence[Finding],
    crashed: Sequence[RuleCrash],
    deal_text: DealText,
) -> Rendered:
    audit = replace(audit, crashes=(*audit.crashes, *crashed))
    report = decide_deal(engine.judge(audit, found, None), engine.settings.fail_on)
    return _rendered(audit, report.tally(), deal_text(report, engine.catalogue))


class _Tasks(Sequence[Task]):
    """The tasks of an audit, their paths kept as text and made paths as they are read."""

    def __init__(self, tasks: Sequence[Task]) -> None:
        self._paths = [str(path) for path, _ in tasks]
        self._reported = [reported for _, reported in tasks]

    def __len__(self) -> int:
        return len(self._paths)

    @overload
    def __getitem__(self, index: int) -> Task: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Task]: ...
    def __getitem__(self, index: int | slice) -> Task | Sequence[Task]:
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        return Path(self._paths[index]), self._reported[index]

    def __iter__(self) -> Iterator[Task]:
        return (self[i] for i in range(len(self)))

    def path_text(self, index: int) -> str:
        return self._paths[index]


class _LoadedDeals(Sequence[LoadedDeal]):
    """Every loaded deal as the repository rules see it, made as each is read: in a
    streamed audit a deal is its id and stage alone (`ruleapi.LoadedDeal` says so)."""

    def __init__(self, tasks: _Tasks, kept: Sequence[_Kept]) -> None:
        self._tasks = tasks
        self._kept = kept
        self._loaded = [i for i, entry in enumerate(kept) if entry.deal_id is not None]

    def __len__(self) -> int:
        return len(self._loaded)

    @overload
    def __getitem__(self, index: int) -> LoadedDeal: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[LoadedDeal]: ...
    def __getitem__(self, index: int | slice) -> LoadedDeal | Sequence[LoadedDeal]:
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        at = self._loaded[index]
        entry = self._kept[at]
        assert entry.deal_id is not None and entry.stage is not None  # noqa: S101 - loaded deals
        return LoadedDeal(
            entry.shown,
            DealFile.identified(entry.deal_id, entry.stage, entry.as_of),
            FileSourceMap(self._tasks.path_text(at)),
            entry.as_of,
        )

    def __iter__(self) -> Iterator[LoadedDeal]:
        return (self[i] for i in range(len(self)))


def _texts(spool: Spool, kept: Sequence[_Kept], redone: Mapping[int, str]) -> Iterator[str]:
    """The reported deals' texts in order, the scratch file closed once all are read."""
    try:
        for index, entry in enumerate(kept):
            if entry.tally is None:
                continue
            yield redone[index] if index in redone else spool.read(entry.offset, entry.length)
    finally:
        spool.close()
