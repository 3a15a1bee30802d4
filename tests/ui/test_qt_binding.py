"""The installed Qt binding must not leak references to None.

PySide6 6.12.0 on Python 3.11 returns None from void methods without a reference: each call
drops None's count by one and the interpreter aborts after a few thousand ("deallocating
None"). pyproject.toml excludes it; this test fails if such a build is ever installed.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel


def test_void_qt_calls_keep_none_alive(qtbot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(5000):
        label.setText("Zoë")
        label.setEnabled(True)
    assert sys.getrefcount(None) - before > -100
