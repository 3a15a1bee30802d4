"""Long work off the UI thread: a function runs in the thread pool and comes back by signal.

The function receives a ``progress(done, total, text)`` callable and must not touch widgets;
``finished`` and ``failed`` are delivered on the UI thread (queued signals), where callbacks
may update the window. Keep a reference to the returned Task until it finishes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

ProgressFn = Callable[[int, int, str], None]


class TaskSignals(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object)  # the exception


class Task(QRunnable):
    """One piece of background work."""

    def __init__(self, fn: Callable[[ProgressFn], Any]) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.fn = fn
        self.signals = TaskSignals()

    def run(self) -> None:  # runs in a pool thread
        try:
            result = self.fn(self.signals.progress.emit)
        except Exception as exc:  # noqa: BLE001 - handed to the UI thread to report
            self.signals.failed.emit(exc)
        else:
            self.signals.finished.emit(result)


_running: set[Task] = set()

#: Threads for background work. Most of it waits on a worker process or the database, not a
#: core: with Qt's default (one per core) the chart waited for the tiles on a 2-core machine
#: while both threads sat waiting for the worker processes.
THREADS = 6


def _global_pool() -> QThreadPool:
    pool = QThreadPool.globalInstance()
    if pool.maxThreadCount() < THREADS:
        pool.setMaxThreadCount(THREADS)
    return pool


def run_in_background(
    fn: Callable[[ProgressFn], Any],
    *,
    on_success: Callable[[Any], None] | None = None,
    on_failure: Callable[[BaseException], None] | None = None,
    on_progress: Callable[[int, int, str], None] | None = None,
    pool: QThreadPool | None = None,
    priority: int = 0,
) -> Task:
    """Start ``fn(progress)`` in the thread pool; callbacks run on the UI thread. Tasks with
    a higher ``priority`` start first when the pool is busy (e.g. the list a person waits for
    before the figures they glance at)."""
    task = Task(fn)
    _running.add(task)
    if on_progress is not None:
        task.signals.progress.connect(on_progress)
    if on_success is not None:
        task.signals.finished.connect(on_success)
    if on_failure is not None:
        task.signals.failed.connect(on_failure)
    task.signals.finished.connect(lambda _r: _running.discard(task))
    task.signals.failed.connect(lambda _e: _running.discard(task))
    (pool or _global_pool()).start(task, priority)
    return task


def wait_for_all(timeout_ms: int = 10_000) -> bool:
    """Block until every background task has finished (for shutdown and tests)."""
    return QThreadPool.globalInstance().waitForDone(timeout_ms)
