"""`reviewdesk server init` and `server status` as a council's IT would run them, and who
the command line is on a shared server whatever its environment says."""

from __future__ import annotations

import pytest
from sqlalchemy import make_url, text

from reviewdesk import actions
from reviewdesk.storage import server
from reviewdesk.storage.audit import list_audit
from reviewdesk.storage.db import open_database
from tests.dbfixtures import owned_schema, postgres_url
from tests.storage.cli_helpers import cli, cli_process

pytestmark = pytest.mark.postgres


@pytest.fixture
def fresh_database():
    """An empty schema owned by a new login with CREATEROLE, as a DBA would hand it over:
    (URL as that owner, tag); dropped with every role made for it afterwards."""
    with owned_schema("owner", "CREATEROLE") as owned:
        yield owned.url, owned.tag


def _as(url: str, login: str) -> str:
    return make_url(url).set(username=login).render_as_string(hide_password=False)


def test_init_then_users_then_status(fresh_database, capsys):
    url, tag = fresh_database
    assert cli(url, "server", "init", "--prefix", f"council_{tag}") == 0
    out = capsys.readouterr().out
    assert "is set up for a team; its owner is owner_" in out
    for suffix in ("administrator", "iro", "readonly"):
        assert f"council_{tag}_{suffix}" in out
    assert "has its permissions and audit trigger" in out

    assert cli(url, "users", "add", f"ann_{tag}", "--role", "administrator") == 0
    out = capsys.readouterr().out
    assert f"The server has a new login ann_{tag}, with no password" in out
    assert cli(_as(url, f"ann_{tag}"), "users", "add", f"tom_{tag}", "--role", "team-manager") == 0
    capsys.readouterr()
    # A login psql reads only in double quotes is shown so.
    odd = f'Jo "Smith"_{tag}'
    assert cli(url, "users", "add", odd, "--role", "iro") == 0
    assert f'(psql: \\password "Jo ""Smith""_{tag}")' in capsys.readouterr().out

    assert cli(_as(url, f"tom_{tag}"), "server", "status") == 0
    out = capsys.readouterr().out
    assert f"council_{tag}_administrator (administrators): ann_{tag}" in out
    assert f"council_{tag}_readonly (read only (team managers)): tom_{tag}" in out
    assert f"You are tom_{tag}." in out and "tables have their permissions" in out
    # The test server's database is not the owner's: every login may connect to it, which
    # `server init` cannot change, so it is a note of what the database's owner may run.
    database, dba = make_url(url).database, make_url(postgres_url()).username
    assert (
        f"Every login may connect to the database {database} (PUBLIC has CONNECT), though one "
        f"in none of reviewdesk's groups reads nothing here. Its owner ({dba}) may stop "
        f'that: REVOKE CONNECT, TEMPORARY ON DATABASE "{database}" FROM PUBLIC; GRANT CONNECT '
        f'ON DATABASE "{database}" TO "council_{tag}_administrator", "council_{tag}_iro", '
        f'"council_{tag}_readonly";'
    ) in out

    # Again: nothing changes, and it says the same.
    assert cli(url, "server", "init") == 0
    assert "is set up for a team" in capsys.readouterr().out
    # A team manager cannot set anything up; nor can anyone with the SQLite file.
    assert cli(_as(url, f"tom_{tag}"), "server", "init") == 2
    assert "Only the owner of this reviewdesk database" in capsys.readouterr().err
    assert cli("x.sqlite", "server", "init") == 2
    assert "PostgreSQL" in capsys.readouterr().err


def test_status_says_when_a_database_is_not_set_up(pg_target, capsys):
    open_database(pg_target).dispose()
    assert cli(pg_target, "server", "status") == 1
    assert "is not set up for a team" in capsys.readouterr().out


def test_the_environment_changes_nothing_the_server_authenticates(fresh_database, tmp_path):
    """Every variable a process could be given says "administrator"; the command line is
    still the login the server authenticated, in the database and in the trail."""
    url, tag = fresh_database
    assert cli(url, "server", "init") == 0
    owner = open_database(url)
    try:
        me = actions.whoami(owner)
        admin, reader = f"ann_{tag}", f"tom_{tag}"
        actions.add_user(owner, me, admin, "administrator")
        actions.add_user(owner, me, reader, "team-manager")
        spoof = {
            "USER": admin,
            "LOGNAME": admin,
            "USERNAME": admin,
            "PGUSER": admin,
            "REVIEWDESK_USER": admin,
            "XDG_DATA_HOME": str(tmp_path / "xdg"),
        }
        as_reader = _as(url, reader)
        done = cli_process(as_reader, "users", "set-role", reader, "administrator", env=spoof)
        assert done.returncode == 2, done.stderr
        assert f"{reader} (team manager, read only) cannot manage users" in done.stderr
        listed = cli_process(as_reader, "users", "list", env=spoof)
        assert f"You are {reader} (team manager, read only)." in listed.stdout
        exported = cli_process(
            as_reader,
            "export",
            "schedule",
            "--format",
            "csv",
            "--as-of",
            "2024-05-01",
            "-o",
            str(tmp_path / "schedule.csv"),
            env=spoof,
        )
        assert exported.returncode == 0, exported.stderr
        # Asking the server itself for more at connection time (libpq reads PGOPTIONS when
        # the URL gives no options): refused before anything runs, in one clear line.
        with owner.engine.connect() as conn:
            groups = server.groups_of(conn)
            schema = conn.execute(text("SELECT current_schema()")).scalar()
        parsed = make_url(as_reader)
        bare = parsed.set(query={k: v for k, v in parsed.query.items() if k != "options"})
        bare_url = bare.render_as_string(hide_password=False)
        path = f"-c search_path={schema}"
        listed = cli_process(bare_url, "users", "list", env={"PGOPTIONS": path})
        assert f"You are {reader} (team manager" in listed.stdout, listed.stderr
        for options in (
            f"-c role={groups.administrator}",
            f"-c session_authorization={admin}",
            "-c session_replication_role=replica",
        ):
            done = cli_process(
                bare_url,
                "users",
                "set-role",
                reader,
                "administrator",
                env={"PGOPTIONS": f"{path} {options}"},
            )
            assert done.returncode == 2, (options, done.stdout, done.stderr)
            assert "permission denied" in done.stderr, done.stderr
            assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1
        with owner.session() as s:
            (entry,) = list_audit(s, action="export")
            assert entry.username == reader and entry.recorded_by == reader
            assert not list_audit(s, username=admin)  # nothing done as the administrator
            assert not list_audit(s, table="app_user", username=reader)
    finally:
        owner.dispose()
