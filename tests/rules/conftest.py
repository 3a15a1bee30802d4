"""A fresh database per test for the rule-override tests."""

from __future__ import annotations

import pytest

from reviewdesk.storage.db import open_database


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "rules.sqlite", username="Siân Evans")
    yield database
    database.dispose()
