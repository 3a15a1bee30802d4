"""The invitations tests run on SQLite and PostgreSQL (see tests/dbfixtures.py)."""

from __future__ import annotations

import pytest

from tests.dbfixtures import cli_admin, db, db_target, open_db, pg_target  # noqa: F401


@pytest.fixture(autouse=True)
def private_data_folder(tmp_path, monkeypatch):
    """Keep the user's real data folder out of the tests (platformdirs reads XDG_DATA_HOME)."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.delenv("REVIEWDESK_DB", raising=False)
    return tmp_path / "xdg-data" / "reviewdesk"
