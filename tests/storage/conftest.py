"""Storage tests run on SQLite and PostgreSQL (see tests/dbfixtures.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from reviewdesk.storage.models import Child, PeriodOfCare
from tests.dbfixtures import cli_admin, db, db_target, open_db, pg_target  # noqa: F401


@pytest.fixture(autouse=True)
def private_data_folder(tmp_path, monkeypatch):
    """Keep the user's real data folder out of the tests (platformdirs reads XDG_DATA_HOME)."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.delenv("REVIEWDESK_DB", raising=False)
    return tmp_path / "xdg-data" / "reviewdesk"


@pytest.fixture
def child_in_care(db):  # noqa: F811
    """A child (born 01/06/2015) looked after since 04/03/2024, with no review yet."""
    with db.session() as s:
        s.info["now"] = dt.datetime(2025, 1, 6, 9, 0, tzinfo=dt.UTC)
        child = Child(
            local_id="C001", first_name="Zoë", last_name="Ó Briain", dob=dt.date(2015, 6, 1)
        )
        child.periods.append(PeriodOfCare(start=dt.date(2024, 3, 4)))
        s.add(child)
        s.flush()
        return child.id, child.periods[0].id
