"""A guard for a reference-counting fault in PySide6 6.12 on Python 3.11.

Shiboken 6.12 returns ``None`` from every void C++ method without taking a reference (fine on
Python 3.12+, where ``None`` is immortal). On 3.11 each such call drops ``None``'s count by one,
and after a few thousand calls the interpreter aborts ("deallocating None"). Until the
dependency is pinned to a fixed release, the window keeps a bank of references to ``None``,
topped up by a timer, so the count never reaches zero.
"""

from __future__ import annotations

import ctypes
import sys

CHUNK = 2_000_000  # references added at a time (16 MB of list slots)
LOW_WATER = 1_000_000

_bank: list[list[None]] = []


def leaks_none() -> bool:
    """Whether void Qt calls drop a reference to None on this interpreter."""
    if sys.version_info >= (3, 12):
        return False
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(50):
        probe.setObjectName("probe")
    return sys.getrefcount(None) < before - 25


def top_up() -> None:
    """Add references to None whenever its count runs low. Each chunk is deliberately never
    freed (not even at exit), since the references it makes up for are gone for good."""
    while sys.getrefcount(None) < LOW_WATER:
        chunk = [None] * CHUNK
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(chunk))
        _bank.append(chunk)


_timer = None


def install(app=None) -> bool:
    """Start guarding if this interpreter needs it; returns True when guarding."""
    global _timer
    if not leaks_none():
        return False
    top_up()
    if _timer is None:
        from PySide6.QtCore import QTimer

        _timer = QTimer()
        _timer.setInterval(500)
        _timer.timeout.connect(top_up)
        _timer.start()
    return True
