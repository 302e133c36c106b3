"""Worker processes that never outlive the run.

Ctrl-C reaches the whole process group: the main process alone decides, and a
worker ignores it; SIGTERM ends a worker at once. When the main process stops
(Ctrl-C, SIGTERM, an error) it cancels what is queued and ends the workers now,
not after the queue runs dry, so none is left holding stdout open.
"""

from __future__ import annotations

import signal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor


def worker_signals() -> None:
    """A pool initializer's first step: the signals as a worker must take them."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Cancel what is queued and end the workers now."""
    # Taken first: `shutdown` forgets the processes (the run used to wait at exit for
    # each to finish its chunk, and a process that ends at once never would).
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=5)
