"""Shared test set-up. Qt runs offscreen; nothing depends on today's date."""

from __future__ import annotations

import os


def pytest_configure(config) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
