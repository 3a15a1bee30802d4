"""Whole-register work in the worker process: the same answers as in the application's own
process, and a fall-back when the process cannot be used."""

from __future__ import annotations

import os
import sys

import pytest

from reviewdesk.dashboard import read_dashboard_figures, read_snapshot
from reviewdesk.storage.db import open_database
from reviewdesk.workload import read_workload, read_workload_counts
from tests.ui.sample import AS_OF
from ui import worker_process


def where(_db, label: str) -> tuple[int, str]:
    """Which process ran this (the worker gets its own connection)."""
    return os.getpid(), label


def qt_loaded(_db) -> list[str]:
    """The Qt modules loaded in the process that runs this."""
    return sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6"))


def niceness(_db) -> int:
    """How much lower than normal the process that runs this is scheduled."""
    return os.nice(0)


def die_in_worker(_db, parent: int) -> str:
    if os.getpid() != parent:
        os._exit(3)  # the worker process dies mid-call
    return "worked here"


@pytest.fixture
def process():
    worker_process.enable()
    yield
    worker_process.enable(False)


def test_work_runs_in_another_process_with_the_same_answers(db, sample, process) -> None:
    pid, label = worker_process.call(where, db, "hello")
    assert pid != os.getpid() and label == "hello"
    assert worker_process.call(where, db, "again")[0] == pid  # the process is kept

    there = worker_process.call(read_snapshot, db, AS_OF)
    here = read_snapshot(db, AS_OF)
    assert there == here
    assert there.next_dues and there.tiles is not None
    figures = worker_process.call(read_dashboard_figures, db, AS_OF, lane=worker_process.FIGURES)
    assert figures == read_dashboard_figures(db, AS_OF)
    assert worker_process.call(read_workload, db, AS_OF) == read_workload(db, AS_OF)
    counts = worker_process.call(read_workload_counts, db, AS_OF)
    assert counts == read_workload(db, AS_OF).counted() and counts.iros
    # Everything the worker has run so far loaded no Qt there (here, Qt is loaded).
    assert worker_process.call(qt_loaded, db) == [] and qt_loaded(db)


def test_an_in_memory_database_is_worked_on_here(process) -> None:
    memory = open_database(":memory:", username="tester")
    try:
        assert worker_process.call(where, memory, "x") == (os.getpid(), "x")
    finally:
        memory.dispose()


def test_when_disabled_work_runs_here(db) -> None:
    assert not worker_process.enabled()
    assert worker_process.call(where, db, "x") == (os.getpid(), "x")


def test_a_dead_worker_falls_back_to_this_process(db, process) -> None:
    assert worker_process.call(die_in_worker, db, os.getpid()) == "worked here"
    assert not worker_process.enabled()  # no more attempts this session
    assert worker_process.call(where, db, "x") == (os.getpid(), "x")


@pytest.mark.skipif(not hasattr(os, "nice"), reason="no process priorities on this system")
def test_the_figures_run_in_a_second_process_below_the_tiles(db, process) -> None:
    """Two processes, one per lane, both kept: the tiles' reading in one, the other figures
    in the other, both below the window's own process (which stays smooth), the figures
    lowest (the tiles, which people act on, come first)."""
    tiles = worker_process.call(where, db, "t", lane=worker_process.REGISTER)
    figures = worker_process.call(where, db, "f", lane=worker_process.FIGURES)
    assert len({tiles[0], figures[0], os.getpid()}) == 3
    assert worker_process.call(where, db, "t")[0] == tiles[0]  # the register's by default
    ours = os.nice(0)
    register = worker_process.call(niceness, db)
    figures = worker_process.call(niceness, db, lane=worker_process.FIGURES)
    # Both below the window, the figures lowest.
    assert register == ours + worker_process.REGISTER_NICENESS > ours
    assert figures == ours + worker_process.FIGURES_NICENESS > register


#: The window's process, reduced to what matters here: it starts both worker processes,
#: says their ids, and waits (to be killed).
_WINDOW = """
import sys, time
from reviewdesk.storage.db import open_database
from tests.ui.test_worker_process import where
from ui import worker_process
db = open_database(sys.argv[1])
worker_process.enable()
lanes = (worker_process.REGISTER, worker_process.FIGURES)
print(*(worker_process.call(where, db, "", lane=lane)[0] for lane in lanes), flush=True)
time.sleep(600)
"""


def _running(pid: int) -> bool:
    """Whether ``pid`` is a live process (an exited one not yet reaped is not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            return not any(line.startswith("State:\tZ") for line in status)
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_worker_processes_end_when_the_window_is_killed(tmp_path) -> None:
    """Killed (or crashed), the window used to leave both workers running for good, with the
    database open: they never heard it had gone."""
    import signal
    import subprocess
    import time
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    window = subprocess.Popen(
        [sys.executable, "-c", _WINDOW, str(tmp_path / "w.sqlite")],
        cwd=root,
        stdout=subprocess.PIPE,
        text=True,
    )
    workers: list[int] = []
    try:
        workers = [int(pid) for pid in window.stdout.readline().split()]
        assert len(workers) == 2 and all(_running(pid) for pid in workers)
        window.send_signal(signal.SIGKILL)
        window.wait(timeout=10)
        deadline = time.monotonic() + 10
        while any(_running(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(_running(pid) for pid in workers)
    finally:
        window.kill()
        window.stdout.close()
        for pid in workers:
            if _running(pid):
                os.kill(pid, signal.SIGKILL)
