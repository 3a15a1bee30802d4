"""`reviewdesk users` and the command line's refusals, on SQLite and PostgreSQL.

The command line runs as the system's account (SQLite) or the URL's login (PostgreSQL): the
tests make that person an administrator or a team manager and see what each may do.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from reviewdesk import actions
from reviewdesk.storage.audit import list_audit
from reviewdesk.storage.models import AuditEntry, Child, User
from tests.dbfixtures import cli_identity, ensure_user
from tests.importers.generate import write_903, write_cin
from tests.storage.cli_helpers import cli


def _set_role(db, name: str, role: str) -> None:
    with db.session() as s:
        version = s.scalar(select(User.version).where(User.username == name))
    actions.set_role(db, actions.whoami(db), name, role, expected_version=version)


def test_users_list_add_set_role_deactivate(db, db_target, cli_admin, capsys) -> None:
    assert cli(db_target, "users", "list") == 0
    out = capsys.readouterr().out
    assert "tester" in out and "administrator" in out
    assert f"You are {cli_admin} (administrator)." in out

    assert cli(db_target, "users", "add", "jsmith", "--role", "iro", "--name", "Jo Smith") == 0
    assert "jsmith added as IRO" in capsys.readouterr().out
    assert cli(db_target, "users", "add", "jsmith", "--role", "iro") == 2
    assert "already on the user list" in capsys.readouterr().err
    # not a role: argparse says so, in one line, exit 2
    assert cli(db_target, "users", "add", "zz", "--role", "wizard") == 2
    assert '--role: "wizard" is not one of administrator' in capsys.readouterr().err
    assert cli(db_target, "users", "set-role", "jsmith", "team-manager") == 0
    assert cli(db_target, "users", "deactivate", "jsmith") == 0
    capsys.readouterr()
    assert cli(db_target, "users", "list") == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("jsmith"))
    assert "team manager" in line and "Jo Smith" in line and "DEACTIVATED" in line
    assert cli(db_target, "users", "reactivate", "jsmith") == 0
    assert cli(db_target, "users", "set-role", "nobody", "iro") == 2
    assert "not on the user list" in capsys.readouterr().err

    with db.session() as s:  # every change audited, by whoever ran the command line
        entries = list_audit(s, table="app_user", username=cli_admin)
    changes = [
        (e.action, (e.before or {}).get("role"), (e.after or {}).get("role")) for e in entries
    ]
    assert ("update", "iro", "team_manager") in changes
    assert [e.action for e in entries].count("update") == 3  # role, deactivate, reactivate
    assert any(e.action == "create" and e.after["username"] == "jsmith" for e in entries)


def test_the_last_administrator_stays(db, db_target, cli_admin, capsys) -> None:
    _set_role(db, "tester", "iro")  # the command line's user is now the only administrator
    assert cli(db_target, "users", "set-role", cli_admin, "iro") == 2
    err = capsys.readouterr().err
    assert "last active administrator" in err and "cannot be demoted" in err
    assert cli(db_target, "users", "deactivate", cli_admin) == 2
    assert "cannot be deactivated" in capsys.readouterr().err
    assert cli(db_target, "users", "add", "deputy", "--role", "administrator") == 0
    assert cli(db_target, "users", "set-role", cli_admin, "team-manager") == 0  # now it may
    assert cli(db_target, "users", "add", "x", "--role", "iro") == 2  # and reads only
    assert "(team manager, read only) cannot manage users" in capsys.readouterr().err


def _entries(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(AuditEntry))


def test_a_team_manager_is_refused_every_change(db, db_target, tmp_path, capsys) -> None:
    """The command line refuses a team manager's import, restore, demo --replace, rule
    change, user change and backup (exit status 2), and nothing changes."""
    me = cli_identity(db_target)
    ensure_user(db, me, "team_manager")
    with db.session() as s:
        s.add(Child(local_id="KEEP", dob=dt.date(2016, 1, 1)))
    files = write_903(tmp_path / "903", 2, seed=4)
    cin = write_cin(tmp_path / "cin.xml", 2, seed=4)
    dump = tmp_path / "backup.jsonl"
    actions.backup_database(db, actions.whoami(db), dump, dump=True)
    before = _entries(db)
    commands = [
        (
            "import",
            "903",
            "--header",
            str(files.header),
            "--episodes",
            str(files.episodes),
            "--reviews",
            str(files.reviews),
        ),
        ("import", "cin", str(cin)),
        ("import", "cin", str(cin), "--dry-run"),
        ("restore", str(dump)),
        ("demo", "--children", "5", "--as-of", "2025-06-02", "--replace", "--quiet"),
        ("overrides", "set", "cp.icpc", "--amount", "10", "--source", "x"),
        ("overrides", "reset", "cp.icpc"),
        ("users", "add", "mallory", "--role", "administrator"),
        ("users", "set-role", me, "administrator"),
        ("backup", "--json", str(tmp_path / "mine.jsonl")),
    ]
    for argv in commands:
        assert cli(db_target, *argv) == 2, argv
        err = capsys.readouterr().err
        assert f"{me} (team manager, read only) cannot" in err, (argv, err)
        assert "Nothing was changed." in err and "Traceback" not in err
    assert _entries(db) == before
    with db.session() as s:
        assert [c.local_id for c in s.scalars(select(Child))] == ["KEEP"]
        assert s.scalar(select(User.role).where(User.username == me)) == "team_manager"
    assert not (tmp_path / "mine.jsonl").exists()
    # Reading stays open to them: the audit trail, exports, documents.
    assert cli(db_target, "audit", "--limit", "1") == 0


@pytest.mark.parametrize("role", ["iro", None])
def test_iros_and_people_not_on_the_list_cannot_read_the_trail(db, db_target, capsys, role) -> None:
    me = cli_identity(db_target)
    if role is not None:
        ensure_user(db, me, role)
    assert cli(db_target, "audit") == 2
    assert "cannot read the audit trail" in capsys.readouterr().err


def test_an_iro_is_linked_to_their_staff_record_later(db, db_target, cli_admin, capsys) -> None:
    """An IRO put on the list without their staff record has no meeting of theirs; `users
    set-details` links it (keeping the name), changes the name (keeping the link), and
    unlinks it. A staff id that does not exist is refused, and nothing changes."""
    from reviewdesk.storage.models import Staff

    with db.session() as s:
        s.add(Staff(name="Siân Evans", role="iro"))
        s.flush()
        staff_id = s.scalar(select(Staff.id).where(Staff.name == "Siân Evans"))
    assert cli(db_target, "users", "add", "sevans", "--role", "iro", "--name", "S Evans") == 0
    capsys.readouterr()

    def listed() -> tuple:
        with db.session() as s:
            user = s.scalar(select(User).where(User.username == "sevans"))
            return user.display_name, user.staff_id

    assert cli(db_target, "users", "set-details", "sevans", "--staff", str(staff_id)) == 0
    assert f'sevans: name "S Evans", staff record {staff_id}' in capsys.readouterr().out
    assert listed() == ("S Evans", staff_id)
    assert cli(db_target, "users", "set-details", "sevans", "--name", "Siân  Evans") == 0
    assert listed() == ("Siân Evans", staff_id)
    assert cli(db_target, "users", "set-details", "sevans", "--staff", "999999") == 2
    assert "staff 999999: there is no such staff member" in capsys.readouterr().err
    assert listed() == ("Siân Evans", staff_id)
    assert cli(db_target, "users", "set-details", "sevans", "--no-staff") == 0
    assert listed() == ("Siân Evans", None)
    assert cli(db_target, "users", "set-details", "nobody", "--name", "X") == 2
    assert "not on the user list" in capsys.readouterr().err


def _user_version(db, name: str) -> int:
    with db.session() as s:
        return s.scalar(select(User.version).where(User.username == name))


def test_reactivating_someone_already_active_changes_nothing(
    db, db_target, cli_admin, capsys
) -> None:
    """`users reactivate` of a user who was active said "jsmith is active again". The action
    now leaves them as they are, audits nothing and says nothing changed; the command line
    says they are already active. Reactivating someone deactivated still changes them."""
    assert cli(db_target, "users", "add", "jsmith", "--role", "iro") == 0
    capsys.readouterr()
    before, version = _entries(db), _user_version(db, "jsmith")
    changes = actions.reactivate_user(db, actions.whoami(db), "jsmith", expected_version=version)
    assert changes.nothing
    assert cli(db_target, "users", "reactivate", "jsmith") == 0
    assert capsys.readouterr().out == "jsmith is already active; nothing was changed\n"
    assert _entries(db) == before and _user_version(db, "jsmith") == version

    assert cli(db_target, "users", "deactivate", "jsmith") == 0
    capsys.readouterr()
    before = _entries(db)
    assert cli(db_target, "users", "deactivate", "jsmith") == 0
    assert capsys.readouterr().out == "jsmith is already deactivated; nothing was changed\n"
    assert _entries(db) == before
    changes = actions.reactivate_user(
        db, actions.whoami(db), "jsmith", expected_version=_user_version(db, "jsmith")
    )
    assert not changes.nothing and _entries(db) == before + 1
    with db.session() as s:
        assert s.scalar(select(User.active).where(User.username == "jsmith"))


def test_audit_refuses_from_after_to(db, db_target, cli_admin, capsys) -> None:
    """`audit --from` after `--to` is refused (naming both, as people read dates); the same
    day for both is allowed."""
    today = dt.date.today()
    day = today.isoformat()
    assert cli(db_target, "audit", "--from", day, "--to", day) == 0
    capsys.readouterr()
    tomorrow = today + dt.timedelta(days=1)
    assert cli(db_target, "audit", "--from", tomorrow.isoformat(), "--to", day) == 2
    assert capsys.readouterr().err == (
        f"reviewdesk: error: --from {tomorrow:%d/%m/%Y} is after --to {today:%d/%m/%Y}: "
        "give the earlier day first\n"
    )
