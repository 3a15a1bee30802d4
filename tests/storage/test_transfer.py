"""Portable dumps: back up and restore any database, and move from SQLite to PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, make_url, select

from reviewdesk.storage import migrate, transfer
from reviewdesk.storage.audit import list_audit
from reviewdesk.storage.db import open_database
from reviewdesk.storage.models import (
    AuditEntry,
    Child,
    ChildProfessional,
    ClosureDay,
    Episode,
    Meeting,
    PeriodOfCare,
    Person,
    Professional,
    Report,
    ReportFile,
    Setting,
    Staff,
    Team,
    User,
)
from tests.storage.cli_helpers import cli


def _fill(db) -> None:
    with db.session() as s:
        s.info["now"] = dt.datetime(2025, 3, 12, 14, 32, tzinfo=dt.UTC)
        team = Team(name="North")
        boss = Staff(name="Siân Jones", role="team_manager", team=team)
        iro = Staff(name="Łukasz Nowak", role="iro", fte=0.8, team=team)
        s.add_all([team, boss, iro])
        s.flush()
        team.manager = boss  # the team <-> staff cycle
        child = Child(local_id="C9", first_name="Zoë", dob=dt.date(2014, 2, 3), team=team)
        period = PeriodOfCare(start=dt.date(2024, 3, 4), iro=iro)
        child.periods.append(period)
        period.episodes.append(Episode(start=dt.date(2024, 3, 4), legal_status="C2", rne="S"))
        s.add(child)
        s.add(
            Meeting(
                child=child,
                period=period,
                process="lac",
                meeting_type="lac_review",
                status="held",
                booked_date=dt.date(2024, 3, 28),
                booked_time=dt.time(10, 30),
                held_date=dt.date(2024, 3, 28),
                participation="PN1",
            )
        )
        # People, the directory and a received report's PDF (bytes survive a dump).
        gp = Professional(name="Dr Ann Patel", agency="gp", email="ann@nhs.example")
        s.add_all([gp, Person(child=child, name="Bríd Ó Néill", relation="mother")])
        s.flush()
        s.add(ChildProfessional(child_id=child.id, professional_id=gp.id))
        meeting = s.scalar(select(Meeting))
        report = Report(meeting=meeting, author=gp.name, agency="gp", professional_id=gp.id)
        report.file = ReportFile(
            file_name="gp.pdf", size=9, pages=1, sha256="0" * 64, content=b"%PDF-\x00\xff\n"
        )
        s.add(report)
        s.get(Setting, "targets").value = {"lac_reviews_in_timescale": 95.0}
        s.add(ClosureDay(day=dt.date(2024, 12, 27), description="Christmas closure"))


def _snapshot(db, skip: tuple[str, ...] = ()) -> dict[str, list]:
    with db.engine.connect() as conn:
        out: dict[str, list] = {}
        for name, row in transfer.rows_of(conn, skip=("audit_log", *skip)):
            out.setdefault(name, []).append(row)
        return out


def _audit_count(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(AuditEntry))


def _trail(db) -> list[tuple]:
    with db.session() as s:
        return [
            (e.at, e.username, e.action, e.table_name, e.record_id, e.before, e.after)
            for e in list_audit(s, limit=None)[::-1]
        ]


def test_json_backup_and_restore_round_trip(
    db, db_target, tmp_path, capsys, private_data_folder, cli_admin
):
    _fill(db)
    before, audit_before = _snapshot(db), _audit_count(db)
    dump = tmp_path / "backup.jsonl"
    assert cli(db_target, "backup", "--json", str(dump)) == 0
    header = json.loads(dump.read_text(encoding="utf-8").splitlines()[0])
    assert header["format"] == "reviewdesk-dump" and header["revision"] == migrate.head_revision()
    assert "Zoë" in dump.read_text(encoding="utf-8")

    with db.session() as s:  # later changes, to be undone by the restore
        s.add(Child(local_id="LATER", dob=dt.date(2020, 1, 1)))
        s.delete(s.scalar(select(Meeting)))
    replaced_trail = _trail(db)
    assert cli(db_target, "restore", str(dump)) == 0
    out = capsys.readouterr().out
    assert "Kept the current data as" in out
    if not db.is_sqlite:  # a dump of the server's data, in the user's data folder
        [kept] = private_data_folder.glob("*.before-restore-*.jsonl")
        assert "LATER" in kept.read_text(encoding="utf-8")

    assert _snapshot(db) == before
    # Nothing of the replaced trail is lost: the backup's own entries, then those it lacked
    # (its own backup entry, the later changes), in order, then the restore itself.
    after = _trail(db)
    assert after[: len(replaced_trail)] == replaced_trail
    assert len(after) == len(replaced_trail) + 1
    assert audit_before < len(replaced_trail)
    with db.session() as s:
        [restore] = list_audit(s, limit=1)
        assert (restore.action, restore.username) == ("restore", cli_admin)
        assert restore.after["replaced_trail_entries_appended"] == len(replaced_trail) - (
            audit_before
        )
        assert s.scalar(select(Team)).manager.name == "Siân Jones"
        s.add(Child(local_id="NEXT", dob=dt.date(2020, 1, 1)))  # ids carry on after restore
        s.flush()


def test_a_broken_dump_changes_nothing(db, db_target, tmp_path, capsys, cli_admin):
    _fill(db)
    before = _snapshot(db)
    dump = tmp_path / "backup.jsonl"
    assert cli(db_target, "backup", "--json", str(dump)) == 0
    *rows, end = dump.read_text(encoding="utf-8").splitlines()
    dump.write_text("\n".join([*rows, '{"t": "no_such_table", "r": {}}', end]) + "\n")
    assert cli(db_target, "restore", str(dump)) == 2
    assert "not a row of a known table" in capsys.readouterr().err
    assert _snapshot(db) == before


def test_text_longer_than_its_column_is_refused_naming_the_line(
    db, db_target, tmp_path, capsys, cli_admin
):
    """A dump with a 300-character first name (the column keeps 100) was restored into
    SQLite (PostgreSQL refuses it), and one of 50,000 held up the pack for minutes."""
    _fill(db)
    before = _snapshot(db)
    dump = tmp_path / "backup.jsonl"
    assert cli(db_target, "backup", "--json", str(dump)) == 0
    lines = dump.read_text(encoding="utf-8").splitlines()
    number, line = next((n, x) for n, x in enumerate(lines, 1) if '"t": "child"' in x)
    record = json.loads(line)
    record["r"]["first_name"] = "Z" * 300
    lines[number - 1] = json.dumps(record, ensure_ascii=False)
    dump.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert cli(db_target, "restore", str(dump)) == 2
    assert (
        f"line {number}: child.first_name is 300 characters, more than the 100 it keeps"
        in capsys.readouterr().err
    )
    assert _snapshot(db) == before


def test_a_dump_cut_short_changes_nothing(db, db_target, tmp_path, capsys, cli_admin):
    """A dump cut at the end of a line was restored (exit 0) with what it had: half the
    meetings, none of the reports; its header alone emptied the database. A dump now ends
    with its count of rows, and one without it (or another count) is refused."""
    _fill(db)
    before = _snapshot(db)
    dump = tmp_path / "backup.jsonl"
    assert cli(db_target, "backup", "--json", str(dump)) == 0
    lines = dump.read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[-1]) == {"end_of_dump_rows": len(lines) - 2}
    for kept in (lines[: len(lines) // 2], lines[:1], [*lines[:-2], lines[-1]]):
        cut = tmp_path / "cut.jsonl"
        cut.write_text("\n".join(kept) + "\n", encoding="utf-8")
        assert cli(db_target, "restore", str(cut)) == 2
        err = capsys.readouterr().err
        assert "is not a whole dump" in err and "Nothing was restored" in err
        assert _snapshot(db) == before
    # A dump of version 1 (before the count) is still restored.
    header = json.loads(lines[0])
    old = tmp_path / "old.jsonl"
    old.write_text(
        "\n".join([json.dumps({**header, "version": 1}), *lines[1:-1]]) + "\n", encoding="utf-8"
    )
    assert cli(db_target, "restore", str(old)) == 0
    assert _snapshot(db) == before


def test_not_a_dump_is_refused(db, db_target, tmp_path, capsys, cli_admin):
    other = tmp_path / "notes.jsonl"
    other.write_text('{"format": "something-else"}\n')
    assert cli(db_target, "restore", str(other)) == 2
    assert "is not a reviewdesk database or dump" in capsys.readouterr().err


@pytest.mark.postgres
def test_moving_from_the_sqlite_file_to_postgresql(tmp_path, pg_target):
    single = open_database(tmp_path / "mine.sqlite", username="amy")
    try:
        _fill(single)
        expected = _snapshot(single)
    finally:
        single.dispose()
    assert cli(pg_target, "restore", str(tmp_path / "mine.sqlite")) == 0
    shared = open_database(pg_target)
    try:
        # Everything but the user list, which on a server is the server's: the login that
        # restored (and made) it stays its administrator; the file's computer accounts are
        # not the server's logins.
        del expected["app_user"]
        assert _snapshot(shared, skip=("app_user",)) == expected
        with shared.session() as s:
            assert s.scalar(select(Child.first_name)) == "Zoë"
            users = s.execute(select(User.username, User.role)).all()
        assert users == [(make_url(pg_target).username, "administrator")]
    finally:
        shared.dispose()
