"""Export tests keep the user's real data folder out of the way."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def private_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.delenv("REVIEWDESK_DB", raising=False)
    return tmp_path / "xdg-data" / "reviewdesk"
