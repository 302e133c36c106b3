"""Print many deals' terminal panels in worker processes, for a report built whole.

A streamed terminal report prints each panel where its deal was judged; a report
built whole (with a baseline) has every deal at the end, and a big pipeline's
not-ready deals would cost most of it in one process. Each panel is printed as
`terminal_format.PanelText` prints it, and the texts come back in order.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from ebcheck.audit.results import DealReport
from ebcheck.i18n import Catalogue
from ebcheck.pools import stop_pool, worker_signals

PARALLEL_PANELS = 64
"""From this many panels on, they are rendered in worker processes."""

Printed = Callable[[DealReport, Catalogue], str]
"""A deal's panel as printed text (`terminal_format.PanelText`)."""


@dataclass(frozen=True)
class _Printer:
    """How every panel of one report is printed."""

    printed: Printed
    words: Catalogue

    def __call__(self, deal: DealReport) -> str:
        return self.printed(deal, self.words)


# A worker process gets its printer once, in the pool initializer; there is no
# other way to hand a process-pool task state that is costly to send each time.
_worker: dict[str, _Printer] = {}


def workers_for(jobs: int, panels: int) -> int:
    """How many processes render `panels` panels: one (this one) below the threshold."""
    wanted = jobs or (os.cpu_count() or 1)
    return 1 if panels < PARALLEL_PANELS else max(1, min(wanted, panels // 16))


def panel_texts(
    deals: Sequence[DealReport], printed: Printed, words: Catalogue, jobs: int
) -> list[str]:
    """Each deal's panel as printed text, in the order given."""
    printer = _Printer(printed, words)
    workers = workers_for(jobs, len(deals))
    if workers == 1:
        return [printer(deal) for deal in deals]
    chunk = max(1, len(deals) // (workers * 4))
    pool = ProcessPoolExecutor(workers, initializer=_start, initargs=(printer,))
    try:
        texts = list(pool.map(_print, deals, chunksize=chunk))
    except BaseException:  # Ctrl-C, SIGTERM: no worker may outlive the run
        stop_pool(pool)
        raise
    pool.shutdown()
    return texts


def _start(printer: _Printer) -> None:
    worker_signals()
    _worker["printer"] = printer


def _print(deal: DealReport) -> str:
    return _worker["printer"](deal)
