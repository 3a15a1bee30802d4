"""Whole-register computations in a separate process, so the window never waits for them.

Python threads share one interpreter lock. While a pool thread works out the flags for
100,000 children, the UI thread has to win that lock back for every call from Qt into
Python (each painted cell, each event), and each time it can wait for the worker's next
switch: the window stutters for tenths of a second. A second process has its own
interpreter, so the window stays smooth however long the work takes.

The process is started once ("spawn": a fresh interpreter, safe with Qt's threads on every
platform), kept for later calls and stopped when the application quits. Work sent to it is a
top-level function with plain, picklable arguments (a database URL, a date) and result; it
opens its own connection to the database. The caller blocks in its own pool thread (never
the UI thread) until the answer comes back. Where a process cannot be used (an in-memory
database, the process failed to start or died), the function runs in the calling thread.

There are two such processes, one per lane, so the two cores of a small machine both work
at start: ``REGISTER`` works out the flags' reading of the register (the dashboard's tiles,
the case list's next dues, brought up to date after each edit) and ``FIGURES`` the rest
(the chart, the oversight figures, the Workload page). Both run at a lower priority than
the window, the figures' lowest, so the window stays smooth and the tiles and the case list,
which people act on, come first.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.connection
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from reviewdesk.storage.db import Database, is_memory_url, open_database

log = logging.getLogger(__name__)
T = TypeVar("T")

#: The lanes: the register's reading (tiles, next dues) and the other figures.
REGISTER, FIGURES = "register", "figures"
#: How much lower than the window each lane's process runs (Unix `nice`; ignored where
#: there is none). The window's own process comes first: on two cores, its first paint
#: and every later event competed on equal terms with the register's process (and with
#: both processes' imports at start), and the window stood still for up to a fifth of a
#: second. Then the tiles and the case list, which people act on, before the figures.
REGISTER_NICENESS = 2
FIGURES_NICENESS = 5

_lock = threading.Lock()
_executors: dict[str, ProcessPoolExecutor] = {}
_enabled = False
_broken = False


def enable(on: bool = True) -> None:
    """Send whole-register work to the worker processes (the application turns this on;
    tests that want the processes turn it on themselves)."""
    global _enabled, _broken
    _enabled = on
    _broken = False
    if not on:
        shutdown()


def enabled() -> bool:
    return _enabled and not _broken


def _pool(lane: str) -> ProcessPoolExecutor | None:
    with _lock:
        if not _enabled or _broken:
            return None
        executor = _executors.get(lane)
        if executor is None:
            executor = _executors[lane] = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(FIGURES_NICENESS if lane == FIGURES else REGISTER_NICENESS,),
            )
        return executor


def warm_up() -> None:
    """Start the processes now (their imports take a moment) so the first real calls are
    quick. Returns at once; safe to call when disabled."""
    for lane in (REGISTER, FIGURES):
        pool = _pool(lane)
        if pool is not None:
            pool.submit(_ready)


def _start_worker(niceness: int) -> None:
    """In a new worker process: run ``niceness`` below the window, and end with it."""
    import os

    if hasattr(os, "nice"):
        os.nice(niceness)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(
            target=_exit_with, args=(parent.sentinel,), name="exit with the window", daemon=True
        ).start()


def _exit_with(sentinel: int) -> None:
    """Wait for the window's process to end, then end this one. A worker waits for its next
    task on a queue it holds both ends of, so it never hears that the window has gone: when
    the window was killed (or crashed), its workers stayed on, with the database file open,
    until the machine was restarted."""
    import os

    multiprocessing.connection.wait([sentinel])
    os._exit(0)


def _ready() -> bool:
    # Import what the work will need, in the worker process.
    import reviewdesk.casework.register  # noqa: F401
    import reviewdesk.flags  # noqa: F401
    import reviewdesk.measures  # noqa: F401
    import reviewdesk.workload  # noqa: F401

    return True


def call(fn: Callable[..., T], db: Database, *args: Any, lane: str = REGISTER) -> T:
    """``fn(db, *args)``: in ``lane``'s worker process when it can be used (``fn`` then gets
    that process's own connection to the same database), else here. Blocks the calling
    thread."""
    pool = None if is_memory_url(db.url) else _pool(lane)
    if pool is None:
        return fn(db, *args)
    try:
        return pool.submit(_run, fn, db.url, db.username, *args).result()
    except BrokenProcessPool:
        _mark_broken()
        return fn(db, *args)


def _mark_broken() -> None:
    global _broken
    log.warning("a worker process stopped; working in the application's own process")
    with _lock:
        _broken = True
    shutdown()


def shutdown() -> None:
    """Stop the worker processes (at exit)."""
    with _lock:
        executors = list(_executors.values())
        _executors.clear()
    for executor in executors:
        executor.shutdown(wait=False, cancel_futures=True)


# --- in the worker process ------------------------------------------------------------------

_databases: dict[tuple[str, str], Database] = {}


def _run(fn: Callable[..., T], url: str, username: str, *args: Any) -> T:
    key = (url, username)
    db = _databases.get(key)
    if db is None:
        db = _databases[key] = open_database(url, username=username)
    return fn(db, *args)
