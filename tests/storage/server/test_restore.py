"""A restore onto a shared server: the server's logins and memberships are the truth (moving
a SQLite file onto the server takes no one's role away), the trail is only ever appended to,
and every row the restore removes or adds is audited by the database."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import func, select

from reviewdesk import actions
from reviewdesk.codes import Role
from reviewdesk.storage.db import open_database
from reviewdesk.storage.models import AuditEntry, Child, Staff, User
from tests.storage.cli_helpers import cli
from tests.storage.server.conftest import People

pytestmark = pytest.mark.postgres

D = dt.date


def _users(people: People) -> dict[str, tuple]:
    with people.owner.session() as s:
        return {
            u.username: (u.role, u.active, u.display_name, u.staff_id)
            for u in s.scalars(select(User))
        }


def _trail(people: People) -> list[AuditEntry]:
    with people.owner.session() as s:
        return list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def test_a_sqlite_file_moved_onto_the_server_takes_no_one_s_role_away(
    people: People, tmp_path, capsys
):
    # A council's single-user file: its own user list (computer accounts, one an IRO linked
    # to a staff record), its own children and trail.
    file = tmp_path / "reviewdesk.sqlite"
    single = open_database(file, username="clerk")
    me = actions.whoami(single)
    with single.session() as s:
        s.add(Child(local_id="S1", first_name="Siân", last_name="Evans", dob=D(2016, 2, 2)))
        staff = Staff(name="Jo Smith", role="iro")
        s.add(staff)
        s.flush()
        staff_id = staff.id
    actions.add_user(single, me, "jsmith", "iro", staff_id=staff_id)
    actions.add_user(single, me, people.admin, "team-manager")  # a name the server has too
    file_trail = len(_trail_of(single))
    single.dispose()

    before_users = _users(people)
    before_trail = _trail(people)
    admin = people.db(people.admin)
    done = actions.restore_database(admin, actions.whoami(admin), file).result

    # The server's list and memberships stand: the restorer is still an administrator, the
    # file's "jsmith" (no login here) is not added, nobody is demoted by the file's roles.
    assert set(_users(people)) == set(before_users)
    assert actions.whoami(admin).role is Role.ADMINISTRATOR
    assert actions.whoami(people.db(people.iro)).role is Role.IRO
    assert actions.whoami(people.db(people.reader)).role is Role.TEAM_MANAGER
    # Staff ids are the file's now: the IRO's old link would name someone else, so it is
    # cleared for an administrator to set again.
    assert _users(people)[people.iro][3] is None
    with people.owner.session() as s:
        assert s.scalars(select(Child.local_id)).all() == ["S1"]

    # The trail: nothing of the server's lost or changed, the file's appended (marked as
    # recorded by the restorer), every row removed and added recorded, and the restore.
    trail = _trail(people)
    old = {e.id: (e.username, e.action, e.record_id) for e in before_trail}
    assert {e.id: (e.username, e.action, e.record_id) for e in trail if e.id in old} == old
    added = [e for e in trail if e.id not in old]
    appended = [e for e in added if e.username == "clerk"]
    assert len(appended) == done.appended == file_trail
    assert {e.recorded_by for e in appended} == {people.admin}
    # ... and says so when the trail is read.
    assert cli(people.team.url(people.admin), "audit", "--user", "clerk", "--limit", "1") == 0
    first_line = capsys.readouterr().out.splitlines()[0]
    assert "  clerk  " in first_line and first_line.endswith(f"[recorded by {people.admin}]")
    mine = Counter((e.action, e.table_name) for e in added if e.username == people.admin)
    assert mine[("delete", "child")] == 1 and mine[("create", "child")] == 1
    assert mine[("delete", "meeting")] == 2
    assert mine[("restore", "database")] == 1


def test_restoring_the_server_s_own_backup_keeps_each_user_s_details(people: People, tmp_path):
    admin = people.db(people.admin)
    me = actions.whoami(admin)
    backup = tmp_path / "server.jsonl"
    actions.backup_database(admin, me, backup, dump=True)
    with people.raw(people.admin).begin() as conn:  # a mistake worth undoing
        conn.exec_driver_sql("DELETE FROM report")
    before = _users(people)
    trail = len(_trail(people))
    done = actions.restore_database(admin, me, backup).result
    assert done.appended == 0  # the backup's trail is the start of this one
    assert _users(people)[people.iro][2:] == before[people.iro][2:]  # name, staff link
    assert _users(people)[people.iro][3] == people.ids["chair"]
    with people.owner.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry)) > trail
    # The IRO still records the meetings they chair, and only those (row-level security
    # reads the link the restore kept).
    with people.raw(people.iro).begin() as conn:
        changed = conn.exec_driver_sql(
            f"UPDATE meeting SET status = 'held', held_date = '2024-04-22' "
            f"WHERE id = {people.ids['mine']}"
        ).rowcount
    assert changed == 1


def _trail_of(db) -> list[AuditEntry]:  # noqa: ANN001 - a Database
    with db.session() as s:
        return list(s.scalars(select(AuditEntry)))
