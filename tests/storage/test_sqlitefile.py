"""--db is looked at before anything touches it: another application's database, a damaged
file or a folder is refused unchanged; commands that only read never create anything."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from reviewdesk.errors import InvalidInput
from reviewdesk.storage import sqlitefile
from reviewdesk.storage.db import open_database


def _foreign(path: Path, journal: str) -> Path:
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA journal_mode={journal}")
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("INSERT INTO notes (body) VALUES ('keep me')")
    conn.commit()
    conn.close()
    os.chmod(path, 0o664)
    return path


def _state(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), stat.S_IMODE(p.stat().st_mode)) for p in folder.iterdir()}


@pytest.mark.parametrize("journal", ["delete", "wal"])  # the modes a file keeps
@pytest.mark.parametrize("create", [True, False])
def test_another_applications_database_is_refused_untouched(tmp_path, journal, create):
    path = _foreign(tmp_path / "app.sqlite", journal)
    before = _state(tmp_path)
    with pytest.raises(InvalidInput, match="not a reviewdesk database") as refused:
        open_database(path, create=create)
    assert "notes" in str(refused.value) and str(path) in str(refused.value)
    assert _state(tmp_path) == before  # same bytes, same mode, no -wal/-shm made
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == journal
        assert conn.execute("SELECT name FROM sqlite_master").fetchall() == [("notes",)]
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"Shopping: milk, eggs\n", "nor any SQLite database"),
        (b"SQLite format 3\x00" + b"\xde\xad" * 3000, "damaged or not a database"),
        (b"PK\x03\x04" + b"\x00" * 100, "nor any SQLite database"),  # a workbook, say
    ],
)
def test_files_that_are_not_databases_are_named_and_left_alone(tmp_path, content, match):
    path = tmp_path / "reviewdesk.sqlite"
    path.write_bytes(content)
    with pytest.raises(InvalidInput, match=match):
        open_database(path)
    assert path.read_bytes() == content and sorted(os.listdir(tmp_path)) == [path.name]


def test_a_folder_is_named(tmp_path):
    with pytest.raises(InvalidInput, match="is a folder"):
        open_database(tmp_path)


def test_reading_never_creates_a_file_or_folder(tmp_path):
    for target in (tmp_path / "missing.sqlite", tmp_path / "typo" / "deeper" / "x.sqlite"):
        with pytest.raises(InvalidInput, match="There is no reviewdesk database at"):
            open_database(target, create=False)
    assert os.listdir(tmp_path) == []
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    with pytest.raises(InvalidInput, match="holds no reviewdesk data yet"):
        open_database(empty, create=False)
    assert empty.read_bytes() == b""


def test_an_empty_postgresql_database_is_not_filled_by_a_reader(pg_target):
    with pytest.raises(InvalidInput, match="holds no reviewdesk data yet"):
        open_database(pg_target, create=False)
    open_database(pg_target).dispose()  # a command that may create does
    open_database(pg_target, create=False).dispose()


def test_the_default_database_is_still_made_on_first_start(private_data_folder):
    db = open_database(None)
    db.dispose()
    assert db.created and (private_data_folder / "reviewdesk.sqlite").is_file()


@pytest.mark.parametrize(
    "url",
    ["mysql://iro@localhost/reviewdesk", "oracle://x", "mssql+pyodbc://x", "bogus://y"],
)
def test_unsupported_databases_are_named(url):
    with pytest.raises(InvalidInput, match="cannot use this kind of database"):
        open_database(url)


def test_an_unreachable_server_is_one_line():
    with pytest.raises(InvalidInput) as refused:
        open_database("postgresql://iro:secret@127.0.0.1:1/reviewdesk")
    message = str(refused.value)
    assert "127.0.0.1:1" in message and "cannot open the database" in message
    assert "secret" not in message and "\n" not in message


def test_a_clean_wal_database_is_read_without_leaving_files(tmp_path):
    path = tmp_path / "rd.sqlite"
    open_database(path).dispose()
    before = sorted(os.listdir(tmp_path))
    found = sqlitefile.inspect(path)
    assert found.has_schema and sorted(os.listdir(tmp_path)) == before
