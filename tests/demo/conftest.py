"""Demo databases built once per test session: a small one (60 open cases) and the default."""

from __future__ import annotations

import datetime as dt

import pytest

from reviewdesk.storage.db import open_database
from tests.actions.shortcuts import generate_demo

AS_OF = dt.date(2025, 12, 10)  # bookings ahead run over the Christmas closure days
SMALL = 60


@pytest.fixture(scope="session")
def small_demo(tmp_path_factory):
    db = open_database(tmp_path_factory.mktemp("demo") / "small.sqlite", username="tester")
    summary = generate_demo(db, children=SMALL, seed=1, as_of=AS_OF)
    yield db, summary
    db.dispose()


@pytest.fixture(scope="session")
def default_demo(tmp_path_factory):
    db = open_database(tmp_path_factory.mktemp("demo") / "default.sqlite", username="tester")
    summary = generate_demo(db, seed=7, as_of=AS_OF)
    yield db, summary
    db.dispose()
