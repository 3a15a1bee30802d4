"""`reviewdesk demo` on the command line."""

from __future__ import annotations

from sqlalchemy import func, select

from reviewdesk.cli.main import main
from reviewdesk.storage.db import open_database
from reviewdesk.storage.models import AuditEntry, Child


def _children(path) -> int:
    db = open_database(path)
    with db.session() as s:
        n = s.scalar(select(func.count()).select_from(Child))
    db.dispose()
    return n


def test_demo_command_fills_refuses_and_replaces(tmp_path, capsys):
    path = tmp_path / "cli.sqlite"
    args = ["--db", str(path), "demo", "--children", "30", "--as-of", "2025-06-02", "--quiet"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Demo authority as at 02/06/2025 (seed 1)" in out
    first = _children(path)
    assert first > 30

    assert main(args) == 2  # a database the demo cannot go in: bad input
    err = capsys.readouterr().err
    assert "already holds" in err and "--replace" in err and "Traceback" not in err
    assert _children(path) == first

    assert main([*args, "--seed", "9", "--replace"]) == 0
    db = open_database(path)
    with db.session() as s:
        entries = list(s.scalars(select(AuditEntry).where(AuditEntry.table_name == "demo")))
    db.dispose()
    assert [e.after["seed"] for e in entries] == [1, 9]


def test_demo_command_rejects_a_bad_date(tmp_path, capsys):
    code = main(["--db", str(tmp_path / "x.sqlite"), "demo", "--as-of", "2/6/25"])
    assert code == 2
    assert '--as-of: "2/6/25" is not a date; give it as dd/mm/yyyy' in capsys.readouterr().err
