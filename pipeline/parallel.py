"""All cores: a process pool over a stream of documents, in input order, bounded memory.

Documents are taken from the (lazy) input iterator only as workers free up: at most
``window`` (default 4 × workers) are in flight, so memory does not grow with the corpus,
and results come back in input order. Each worker loads the rules, knowledge base and
segmenter once, in its initialiser. ``workers=1`` runs in-process, without a pool.
"""
from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

from .model import Document
from .read import Source

T = TypeVar("T")
R = TypeVar("R")


def default_workers() -> int:
    return os.cpu_count() or 1


_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this worker when its parent dies (SIGKILL, SIGTERM, a crash: no
    clean-up runs there), so that no orphan keeps the output or the pipe open; and exit
    now if the parent died before the request was made."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:
        os._exit(1)


def _init_worker(parent: int | None = None) -> None:
    from .process import start_up

    if parent is not None:
        _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's: it stops the pool
    start_up()


def worker_pool(workers: int | None = None) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes that load the pipeline once each, for a program that
    maps many batches (a service, a benchmark): pass it to ``map_ordered(..., pool=)`` or
    ``map_documents(..., pool=)`` so that the start-up is not paid again per batch. The caller
    shuts it down (``with worker_pool(4) as pool: ...``). The workers die with this process."""
    forked = multiprocessing.get_start_method() == "fork"  # then this process is their parent
    return ProcessPoolExecutor(workers or default_workers(), initializer=_init_worker,
                               initargs=(os.getpid() if forked else None,))


def map_ordered(fn: Callable[[T], R], items: Iterable[T], workers: int | None = None,
                window: int | None = None, pool: ProcessPoolExecutor | None = None) -> Iterator[R]:
    """``map(fn, items)`` over ``workers`` processes: lazy, bounded, order kept.

    ``fn`` must be picklable (a module-level function or a functools.partial of one). With
    ``pool`` (from ``worker_pool(workers)``; give the same ``workers``), the pool is used and
    left running; otherwise one is started for this call and shut down at its end."""
    workers = workers or default_workers()
    if workers <= 1 and pool is None:
        yield from map(fn, items)
        return
    window = window or 4 * workers
    own_pool = pool is None
    if own_pool:
        pool = worker_pool(workers)
    pending: deque[Future[R]] = deque()
    finished = False
    try:
        for item in items:
            pending.append(pool.submit(fn, item))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
        finished = True
    finally:
        if own_pool:
            # Abandoned (Ctrl-C, a closed pipe, an unwritable output): do not wait here for
            # the documents in flight; they end on their own, or with this process.
            pool.shutdown(wait=finished, cancel_futures=True)
        else:  # stopped early: what this call queued must not run on in the caller's pool
            for future in pending:
                future.cancel()


def map_documents(sources: Iterable[Source], workers: int | None = None,
                  pool: ProcessPoolExecutor | None = None) -> Iterator[Document]:
    """The pipeline over ``sources`` (e.g. ``read.iter_sources(inputs)``), in input order."""
    from .process import process_source

    return map_ordered(process_source, sources, workers, pool=pool)
