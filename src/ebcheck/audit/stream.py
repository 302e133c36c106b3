"""A streamed audit: each deal judged and rendered as soon as its first pass is done.

The JSON, concise, JUnit and SARIF reports are a deal's text after another, and totals
(JUnit writes them first, from the tallies, once every deal is judged); the terminal
report is the pipeline table, then a panel per deal, worst first. For
them a deal need not wait for every other one: it is judged where its first pass
ran (a worker, for a big folder), its text is written to a scratch file, and the
run keeps only its `Tally` (what the summary and the exit code need, and for the
terminal the deal's pipeline row) and its id (what the repository rules compare).
Memory then hardly grows with the number of files. The few deals a repository rule
finds something in (a duplicate id, HY005) are audited again and their text written
anew before the report goes out; so is every deal when a text depends on how many
deals there are and the first pass found fewer than it was written for (files that
were not deals).

A run with a baseline is not streamed: which findings a baseline entry covers
depends on the order deals take them in, and takes all of them at once.
"""

from __future__ import annotations

import contextlib
import errno
import io
import tempfile
from array import array
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import IO, TypeVar, overload

from ebcheck.atomic import write_all
from ebcheck.audit.engine import (
    Engine,
    Progress,
    Task,
    collected,
    fewer_collections,
    first_pass,
)
from ebcheck.audit.findings import Finding, RuleCrash
from ebcheck.audit.history import VersionFacts
from ebcheck.audit.rendered import Rendered, Walked, render_task, rendered
from ebcheck.audit.results import DealWriter, StreamedReport
from ebcheck.audit.settings import Settings
from ebcheck.audit.walk import Listed
from ebcheck.deal.models import DealFile
from ebcheck.deal.source import FileSourceMap
from ebcheck.ruleapi import LoadedDeal

ItemT = TypeVar("ItemT")


SPOOL_BATCH = 1 << 18
"""Bytes of texts gathered before one write to the scratch file (a write per deal
cost a tenth of a warm run's main process)."""


class Spool:
    """The deals' texts, written to a scratch file as they come and read back in order."""

    def __init__(self) -> None:
        self._file: IO[bytes]
        self._on_disk = True
        self._size = 0  # every text added, written or waiting
        self._waiting: list[bytes] = []
        self._waiting_size = 0
        try:
            # Unbuffered: a write that fails (a full disk, `ulimit -f`) leaves nothing
            # pending that closing the file would try to write again.
            self._file = tempfile.TemporaryFile(buffering=0)  # noqa: SIM115 - see `close`
        except OSError:  # no writable scratch folder: memory will do
            self._in_memory(b"")

    def add(self, text: str) -> tuple[int, int]:
        """Where `text` was written: its offset and length in bytes."""
        if not text:
            return 0, 0
        data = text.encode("utf-8", "surrogatepass")
        offset = self._size
        self._size += len(data)
        self._waiting.append(data)
        self._waiting_size += len(data)
        if self._waiting_size >= SPOOL_BATCH:
            self._flush()
        return offset, len(data)

    def _flush(self) -> None:
        data = b"".join(self._waiting)
        self._waiting, self._waiting_size = [], 0
        if self._on_disk:
            written = self._size - len(data)
            try:
                self._file.seek(written)
                write_all(self._file.fileno(), data)
                return
            except OSError:  # the scratch folder is full: go on in memory
                self._file.seek(0)
                self._in_memory(self._file.read(written))
        self._file.seek(0, io.SEEK_END)  # a read may have moved it
        self._file.write(data)

    def _in_memory(self, written: bytes) -> None:
        if self._on_disk and hasattr(self, "_file"):
            with contextlib.suppress(OSError):
                self._file.close()
        self._file, self._on_disk = io.BytesIO(written), False
        self._file.seek(0, io.SEEK_END)

    def read(self, offset: int, length: int) -> str:
        if not length:
            return ""
        if self._waiting:
            self._flush()
        self._file.seek(offset)
        data = self._file.read(length)
        while len(data) < length:  # an unbuffered read may return less
            more = self._file.read(length - len(data))
            if not more:
                raise OSError(errno.EIO, "the scratch file was cut short")
            data += more
        return data.decode("utf-8", "surrogatepass")

    def close(self) -> None:
        with contextlib.suppress(OSError):
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
    engine = Engine.create(settings, history, outline=writer.outline)
    # The walk lists YAML files without reading them: the first pass reads each
    # anyway, and tells deals from other YAML there (in the pool, when there are many).
    files, reported = collected(paths, settings, changed_since, skip_non_deals, read_later=True)
    excluded = len(files.excluded)
    tasks = _Tasks(files.names, reported, files.listed)
    # As many deals as files reported, until the first pass says how many there are.
    writer = writer.bound(engine.active_rules, sum(reported))
    del files, reported
    spool = Spool()
    with fewer_collections():
        kept, places = _first_pass(engine, tasks, jobs, writer, spool, progress)
        counted = writer.counted(sum(entry.tally is not None for entry in kept))
        # Fewer deals than files, and a text that depends on how many: write them all again.
        everything = counted != writer
        writer = counted
        redone = _repository_pass(engine, tasks, kept, writer, jobs, everything)
    skipped = tuple(entry.shown for entry in kept if entry.not_a_deal)  # in walk order
    tallies = tuple(redone[i].tally if i in redone else entry.tally for i, entry in enumerate(kept))
    return StreamedReport(
        settings.as_of or settings.today,
        tuple(tally for tally in tallies if tally is not None),
        _Texts(spool, kept, places, {i: r.text for i, r in redone.items()}),
        writer.text,
        skipped=skipped,
        excluded=excluded,
        fail_on=settings.fail_on,
        default_currency=settings.default_currency,
        changed_since=changed_since,
        read=tuple(entry.shown for entry in kept if not entry.not_a_deal),
        rules=engine.active_rules,
    )


def _first_pass(
    engine: Engine,
    tasks: Sequence[Walked],
    jobs: int,
    writer: DealWriter,
    spool: Spool,
    progress: Progress | None,
) -> tuple[list[Rendered], array[int]]:
    """Each file's first pass as kept until the report is written (its text taken
    out), and where each text is in the scratch file: offset and length, in turn."""
    kept: list[Rendered | None] = [None] * len(tasks)
    places = array("q", bytes(16 * len(tasks)))
    # A rendered deal is small to send back: the workers take cache hits too.
    work = partial(_sent, writer)
    for index, (text, done) in first_pass(engine, tasks, jobs, work, progress):
        places[2 * index], places[2 * index + 1] = spool.add(text)
        kept[index] = done
    passed = [entry for entry in kept if entry is not None]
    if len(passed) != len(kept):  # `places` is by index: every file must be there
        raise RuntimeError("a file's first pass is missing")
    return passed, places


def _sent(writer: DealWriter, engine: Engine, task: Walked) -> tuple[str, Rendered]:
    """A file's first pass as sent back: its text, and the rest to keep (the text taken
    out where it ran, in the pool)."""
    done = render_task(writer, engine, task)
    return done.text, done.without_text()


def _repository_pass(
    engine: Engine,
    tasks: _Tasks,
    kept: Sequence[Rendered],
    writer: DealWriter,
    jobs: int,
    everything: bool = False,
) -> dict[int, Rendered]:
    """The deals a repository rule found something in (or crashed on), or with
    `everything` every reported deal, audited again with what it found (in the pool,
    when there are many), by index."""
    if not engine.repo_rules and not everything:
        return {}
    found: dict[str, list[Finding]] = {}
    crashed: dict[str, list[RuleCrash]] = {}
    if engine.repo_rules:
        first = next((entry.shown for entry in kept if entry.tally is not None), None)
        found, crashed = engine.repository_findings(_LoadedDeals(tasks, kept), first)
    again = [
        index
        for index, entry in enumerate(kept)
        if entry.tally is not None
        and (everything or entry.shown in found or entry.shown in crashed)
    ]
    work = [
        (*tasks.task(i), tuple(found.get(kept[i].shown, ())), tuple(crashed.get(kept[i].shown, ())))
        for i in again
    ]
    done = first_pass(engine, work, jobs, partial(_judged_again, writer))
    return {again[number]: result for number, result in done}


def _judged_again(writer: DealWriter, engine: Engine, task: _Again) -> Rendered:
    path, reported, found, crashed = task
    audit = engine.check_file(path, reported)
    deal = audit.loaded.deal
    if deal is None:  # broken since its first pass: what was found there no longer holds
        found = ()
    audit = replace(audit, crashes=(*audit.crashes, *crashed))
    return rendered(writer, engine, audit, found)


_Again = tuple[Path, bool, tuple[Finding, ...], tuple[RuleCrash, ...]]
"""A deal to audit again, with what the repository rules found in it and crashed on."""


class _Made(Sequence[ItemT]):
    """A sequence whose items are made as they are read (`_made`), not held."""

    def __len__(self) -> int:
        raise NotImplementedError

    def _made(self, index: int) -> ItemT:
        raise NotImplementedError

    @overload
    def __getitem__(self, index: int) -> ItemT: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[ItemT]: ...
    def __getitem__(self, index: int | slice) -> ItemT | Sequence[ItemT]:
        if isinstance(index, slice):
            return [self._made(i) for i in range(len(self))[index]]
        return self._made(range(len(self))[index])  # negative indexes, IndexError

    def __iter__(self) -> Iterator[ItemT]:
        return (self._made(i) for i in range(len(self)))


class _Tasks(_Made[Walked]):
    """The tasks of an audit, their paths kept as text and made paths as they are read."""

    def __init__(
        self, paths: Sequence[str], reported: Sequence[bool], listed: Sequence[Listed]
    ) -> None:
        self._paths = paths
        self._reported = reported
        self._listed = listed

    def __len__(self) -> int:
        return len(self._paths)

    def _made(self, index: int) -> Walked:
        return self._paths[index], self._reported[index], self._listed[index]

    def task(self, index: int) -> Task:
        """The file at `index` as a deal (the first pass has found it is one)."""
        return Path(self._paths[index]), self._reported[index]

    def path_text(self, index: int) -> str:
        return self._paths[index]


class _LoadedDeals(_Made[LoadedDeal]):
    """Every loaded deal as the repository rules see it, made as each is read: in a
    streamed audit a deal is its id and stage alone (`ruleapi.LoadedDeal` says so)."""

    def __init__(self, tasks: _Tasks, kept: Sequence[Rendered]) -> None:
        self._tasks = tasks
        self._kept = kept
        self._loaded = [
            i
            for i, entry in enumerate(kept)
            if entry.deal_id is not None and entry.stage is not None
        ]

    def __len__(self) -> int:
        return len(self._loaded)

    def _made(self, index: int) -> LoadedDeal:
        at = self._loaded[index]
        entry = self._kept[at]
        if entry.deal_id is None or entry.stage is None:  # never listed: for the type checker
            raise IndexError(index)
        return LoadedDeal(
            entry.shown,
            DealFile.identified(entry.deal_id, entry.stage, entry.as_of),
            FileSourceMap(self._tasks.path_text(at)),
            entry.as_of,
        )


class _Texts:
    """The reported deals' texts, read back from the scratch file in report order or
    in the order asked for; the file is closed once a reading is done."""

    def __init__(
        self, spool: Spool, kept: Sequence[Rendered], places: array[int], redone: Mapping[int, str]
    ) -> None:
        self._spool = spool
        self._redone = redone
        self._places = places
        self._reported = [index for index, entry in enumerate(kept) if entry.tally is not None]

    def __call__(self, order: Sequence[int] | None = None) -> Iterator[str]:
        try:
            for number in range(len(self._reported)) if order is None else order:
                index = self._reported[number]
                where = self._places[2 * index], self._places[2 * index + 1]
                yield self._redone[index] if index in self._redone else self._spool.read(*where)
        finally:
            self._spool.close()
