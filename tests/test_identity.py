"""Who is acting comes from the system, never from the environment: USER, LOGNAME and
USERNAME set to someone else change neither the role nor the audit's user, from the
command line on SQLite (the operating-system account) or PostgreSQL (the login)."""

from __future__ import annotations

import os
import pwd
from pathlib import Path

import pytest
from sqlalchemy import select

from reviewdesk import actions
from reviewdesk.identity import database_user, system_account
from reviewdesk.storage.audit import list_audit
from reviewdesk.storage.db import open_database
from reviewdesk.storage.models import User
from tests.dbfixtures import open_as, pg_login_url, postgres_schema
from tests.storage.cli_helpers import cli_process

SPOOF = {"USER": "admin", "LOGNAME": "admin", "USERNAME": "admin", "PGUSER": "admin"}


def test_the_account_is_the_real_user_id_s() -> None:
    assert system_account() == pwd.getpwuid(os.getuid()).pw_name


def test_environment_variables_change_nothing(monkeypatch) -> None:
    import getpass

    for name, value in SPOOF.items():
        monkeypatch.setenv(name, value)
    assert getpass.getuser() == "admin"  # what reviewdesk used to trust
    assert system_account() == pwd.getpwuid(os.getuid()).pw_name


def test_a_database_opened_without_the_test_keyword_is_the_account_s(tmp_path, monkeypatch):
    for name, value in SPOOF.items():
        monkeypatch.setenv(name, value)
    db = open_database(tmp_path / "mine.sqlite")
    try:
        assert db.username == system_account()
        assert actions.whoami(db).username == system_account()
        with db.engine.connect() as conn:
            assert database_user(conn) is None  # SQLite has no logins
    finally:
        db.dispose()


def _spoofed_run(target: str, me: str, admin_db, folder: Path) -> None:
    """``me`` is a team manager and "admin" an administrator. A command line run with every
    name variable saying "admin" still acts, and is audited, as ``me``."""
    actor = actions.whoami(admin_db)
    actions.add_user(admin_db, actor, "admin", "administrator")
    with admin_db.session() as s:
        if s.scalar(select(User).where(User.username == me)) is None:
            s.add(User(username=me, role="team_manager"))
        else:
            s.scalar(select(User).where(User.username == me)).role = "team_manager"
    env = {**SPOOF}
    done = cli_process(
        target, "overrides", "set", "cp.icpc", "--amount", "10", "--source", "x", env=env
    )
    assert done.returncode == 2, done.stderr
    assert f"{me} (team manager, read only) cannot change the council's rules" in done.stderr
    assert "Traceback" not in done.stderr
    listed = cli_process(target, "users", "list", env=env)
    assert listed.returncode == 0, listed.stderr
    assert f"You are {me} (team manager, read only)." in listed.stdout
    # What a team manager may do is audited under their own name.
    exported = cli_process(
        target,
        "export",
        "measures",
        "--from",
        "2024-04-01",
        "--to",
        "2024-06-30",
        "--format",
        "csv",
        "-o",
        str(folder / "measures.csv"),
        env=env,
    )
    assert exported.returncode == 0, exported.stderr
    with admin_db.session() as s:
        [entry] = list_audit(s, action="export")
        assert entry.username == me and entry.after["what"] == "timeliness measures"
        assert not list_audit(s, username="admin")


def test_a_spoofed_environment_on_sqlite(tmp_path) -> None:
    path = tmp_path / "shared.sqlite"
    admin = open_database(path, username="admin-maker")  # someone else made it
    try:
        _spoofed_run(str(path), system_account(), admin, tmp_path)
    finally:
        admin.dispose()


@pytest.mark.postgres
def test_a_spoofed_environment_on_postgresql(tmp_path) -> None:
    """On a server the login the URL names is who the command line is (PGUSER too cannot
    change a login given in the URL)."""
    with postgres_schema() as url:
        admin = open_as(url, "admin-maker")
        try:
            _spoofed_run(pg_login_url(url, "clerk.jones"), "clerk.jones", admin, tmp_path)
        finally:
            admin.dispose()
