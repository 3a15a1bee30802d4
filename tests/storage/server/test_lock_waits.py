"""An IRO may delete rows from a few tables (meeting parts, report files, their contacts),
so PostgreSQL lets them LOCK those tables too, and an open transaction holding ACCESS
EXCLUSIVE would hold up everyone reading them. reviewdesk's connections stop waiting after
``lock_timeout`` and say whose lock it is; `server status` names the session."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import make_url, select, text

from reviewdesk.storage import locking
from reviewdesk.storage.db import open_database
from reviewdesk.storage.models import MeetingPart
from tests.storage.cli_helpers import cli
from tests.storage.server.conftest import People

pytestmark = pytest.mark.postgres


def _waiting_at_most(url: str, ms: int) -> str:
    """``url`` whose connections wait at most ``ms`` for a lock (as a DBA's setting would)."""
    parsed = make_url(url)
    options = f"{parsed.query.get('options', '')} -clock_timeout={ms}".strip()
    return parsed.set(query={**parsed.query, "options": options}).render_as_string(False)


def test_reviewdesk_waits_fifteen_seconds_for_a_lock_unless_the_server_says_otherwise(people):
    with people.db(people.reader).engine.connect() as conn:
        assert conn.execute(text("SHOW lock_timeout")).scalar() == "15s"
    db = open_database(_waiting_at_most(people.team.url(people.reader), 2500))
    try:
        with db.engine.connect() as conn:
            assert conn.execute(text("SHOW lock_timeout")).scalar() == "2500ms"
    finally:
        db.dispose()


def test_a_reader_held_up_by_an_iros_lock_is_told_whose_it_is(people: People, capsys):
    reader = people.db(people.reader)  # opened before the lock is taken
    url = _waiting_at_most(people.team.url(people.reader), 300)
    with people.raw(people.iro).connect() as iro:
        iro.execute(text("LOCK TABLE meeting_part IN ACCESS EXCLUSIVE MODE"))
        pid = iro.execute(text("SELECT pg_backend_pid()")).scalar()
        said = (
            f"The table meeting_part is locked by another session (the PostgreSQL login "
            f"{people.iro}, process {pid})"
        )
        # Opening the database (it reads the tables' policies)...
        started = time.monotonic()
        with pytest.raises(locking.Locked) as held:
            open_database(url)
        assert time.monotonic() - started < 10
        assert said in str(held.value)
        assert "stopped waiting for it after 0.3 seconds" in str(held.value)
        assert "Try again in a moment; if it stays locked, ask an administrator" in str(held.value)
        # ... and reading it, in a database already open.
        with reader.engine.connect() as conn:
            conn.execute(text("SET lock_timeout = 300"))
            with pytest.raises(locking.Locked) as held:
                conn.execute(select(MeetingPart)).all()
        assert said in str(held.value)
        # The command line: one plain line, no traceback.
        started = time.monotonic()
        assert cli(url, "flags", "--as-of", "01/05/2024") == 1
        assert time.monotonic() - started < 10
        err = capsys.readouterr().err
        assert err.startswith(f"reviewdesk: error: {said}") and err.count("\n") == 1
        # `server status` says who holds it, and for how long it cannot tell.
        assert cli(_waiting_at_most(people.team.url(people.admin), 300), "server", "status") == 1
        out = capsys.readouterr().out
        assert (
            f"Locked: the table meeting_part, in ACCESS EXCLUSIVE mode, by the PostgreSQL "
            f"login {people.iro}, process {pid} (how long for, the server does not show you)"
        ) in out
        assert f"SELECT pg_terminate_backend({pid});" in out
        iro.rollback()
    with reader.session() as s:
        assert s.scalars(select(MeetingPart)).all() == []
    assert cli(people.team.url(people.admin), "server", "status") == 0
    assert "Locked:" not in capsys.readouterr().out


def test_status_names_a_lock_held_for_long_that_holds_up_only_writers(people: People, capsys):
    """EXCLUSIVE lets others read, so status can read everything else too."""
    with people.raw(people.iro).connect() as iro:
        iro.execute(text("LOCK TABLE report_file IN EXCLUSIVE MODE"))
        pid = iro.execute(text("SELECT pg_backend_pid()")).scalar()
        assert cli(people.team.url(people.admin), "server", "status") == 1
        out = capsys.readouterr().out
        assert (
            f"Locked: the table report_file, in EXCLUSIVE mode, by the PostgreSQL login "
            f"{people.iro}, process {pid}"
        ) in out
        assert "It holds up everyone changing it" in out
        assert "tables have their permissions and audit trigger" in out
        iro.rollback()


def test_a_change_held_up_by_anothers_unsaved_change_of_the_same_row_names_them(people):
    """A row another session changed in a transaction it leaves open: PostgreSQL names the
    table (it waited for a row of it), and the session changing it is named."""
    child = people.ids["child"]
    admin = open_database(_waiting_at_most(people.team.url(people.admin), 300))
    try:
        with people.raw(people.owner.username).connect() as other:
            other.execute(text("UPDATE child SET first_name = 'Zoe' WHERE id = :c"), {"c": child})
            pid = other.execute(text("SELECT pg_backend_pid()")).scalar()
            with pytest.raises(locking.Locked) as held, admin.session() as s:
                s.execute(text("UPDATE child SET last_name = 'Brien' WHERE id = :c"), {"c": child})
            assert str(held.value).startswith(
                "The table child is locked by another session (the PostgreSQL login "
                f"{people.owner.username}, process {pid}), so reviewdesk stopped waiting for it "
                "after 0.3 seconds."
            )
            other.rollback()
    finally:
        admin.dispose()


def test_an_upgrade_or_server_init_waits_its_turn_however_long_it_takes(people: People):
    """Two people starting a new version at once, or two owners running `server init`: the
    second waits for the first to finish, past its connections' lock_timeout (which is for
    a table someone locked), and its own limit is back afterwards."""
    import threading

    from reviewdesk.storage import migrate
    from reviewdesk.storage.server import initialise

    url = _waiting_at_most(people.team.url(people.owner.username), 300)
    owner = open_database(url)
    try:
        for key, take_turn in (
            (migrate._PG_LOCK_KEY, lambda: migrate.reapply_protection(owner.engine)),
            (initialise._LOCK_KEY, lambda: initialise.set_up(owner.engine)),
        ):
            outcome: list[object] = []

            def second(take_turn=take_turn, outcome=outcome) -> None:
                try:
                    take_turn()
                    outcome.append("done")
                except Exception as e:  # noqa: BLE001 - the test reports what it was
                    outcome.append(e)

            with people.raw(people.owner.username).connect() as first:
                first.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
                first.commit()
                waiting = threading.Thread(target=second)
                waiting.start()
                waiting.join(1.5)  # five times its lock_timeout
                assert waiting.is_alive() and outcome == []
                first.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                first.commit()
                waiting.join(30)
            assert outcome == ["done"]
        with owner.engine.connect() as conn:
            assert conn.execute(text("SHOW lock_timeout")).scalar() == "300ms"
    finally:
        owner.dispose()
