"""Every table of the schema carries its audit trigger and its GRANTs, those added by later
migrations (or by hand) included: checked here against the catalogue itself, independently
of `server.problems`."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from reviewdesk.codes import Role
from reviewdesk.storage import migrate, server
from reviewdesk.storage.db import open_database
from reviewdesk.storage.models import Base
from tests.dbfixtures import TeamServer

pytestmark = pytest.mark.postgres

EXTRA = Path(__file__).resolve().parents[1] / "extra_versions"
BOOKKEEPING = {"alembic_version", "reviewdesk_server", "reviewdesk_protection"}


def _catalogue(team: TeamServer) -> dict[str, dict]:
    """Per table: its triggers, whether row-level security is on, and what each group and
    PUBLIC may do (table-wide, or on any column)."""
    engine = team.superuser()
    try:
        with engine.connect() as conn:
            tables = (
                conn.execute(
                    text(
                        "SELECT tablename FROM pg_tables WHERE schemaname = :s ORDER BY tablename"
                    ),
                    {"s": team.schema},
                )
                .scalars()
                .all()
            )
            found = {}
            for table in tables:
                qualified = f'"{team.schema}"."{table}"'
                triggers = set(
                    conn.execute(
                        text(
                            "SELECT tgname FROM pg_trigger WHERE tgrelid = CAST(:t AS regclass) "
                            "AND NOT tgisinternal AND tgenabled <> 'D'"
                        ),
                        {"t": qualified},
                    ).scalars()
                )
                may = {}
                for who in (*team.groups.all, "public"):
                    may[who] = {
                        privilege
                        for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE")
                        if conn.execute(
                            text(
                                "SELECT has_table_privilege(:w, CAST(:t AS regclass), :p) OR "
                                "(:p IN ('INSERT', 'UPDATE') AND "
                                "has_any_column_privilege(:w, CAST(:t AS regclass), :p))"
                            ),
                            {"w": who, "t": qualified, "p": privilege},
                        ).scalar()
                    }
                rls = conn.execute(
                    text("SELECT relrowsecurity FROM pg_class WHERE oid = CAST(:t AS regclass)"),
                    {"t": qualified},
                ).scalar()
                found[table] = {"triggers": triggers, "may": may, "rls": rls}
            return found
    finally:
        engine.dispose()


def _check_every_table(team: TeamServer) -> dict[str, dict]:
    found = _catalogue(team)
    a, i, r = team.groups.all
    for table, info in found.items():
        may = info["may"]
        assert not may["public"], f"{table}: PUBLIC may {may['public']}"
        assert "TRUNCATE" not in may[a] | may[i] | may[r], table
        if table == "audit_log":
            assert may[a] == {"SELECT", "INSERT"} and may[r] == {"SELECT", "INSERT"}
            assert may[i] == {"INSERT"}, "IROs do not read the audit trail"
            assert {
                "reviewdesk_audit_insert",
                "reviewdesk_audit_frozen",
                "reviewdesk_audit_no_truncate",
                "reviewdesk_change_signal",
            } <= info["triggers"]
            continue
        if table == "change_signal":
            # Everyone reads it; only the trail's trigger writes it (no audit trigger of its
            # own: it echoes the trail).
            assert may[a] == may[i] == may[r] == {"SELECT"}, may
            assert not info["triggers"] and not info["rls"]
            continue
        if table == "change_feed":
            # The same, with row-level security: a login reads the rows of children it may
            # read (tests/storage/server/test_change_signal.py).
            assert may[a] == may[i] == may[r] == {"SELECT"}, may
            assert not info["triggers"] and info["rls"]
            continue
        assert "reviewdesk_audit" in info["triggers"], f"{table} has no audit trigger"
        assert may[r] == {"SELECT"}, f"{table}: read-only may {may[r]}"
        if table in BOOKKEEPING:
            assert may[a] == {"SELECT"} and may[i] == {"SELECT"}, table
            continue
        assert "reviewdesk_no_truncate" in info["triggers"], table
        assert may[a] == {"SELECT", "INSERT", "UPDATE", "DELETE"}, table
        writes = server.IRO_WRITES.get(table)
        assert may[i] == {"SELECT", *(writes.commands if writes else ())}, table
        assert info["rls"] == (writes is not None), table
    return found


def test_every_table_has_its_trigger_and_grants(team):
    found = _check_every_table(team)
    # Every table the models know is there and covered (the check above saw them all).
    assert {t.name for t in Base.metadata.sorted_tables} <= set(found)
    engine = create_engine(team.url(team.owner))
    try:
        with engine.connect() as conn:
            assert server.problems(conn, team.groups) == []
    finally:
        engine.dispose()


def test_a_table_a_later_migration_adds_is_covered_by_the_owner_s_upgrade(team, monkeypatch):
    monkeypatch.setenv("REVIEWDESK_UPGRADE_BACKED_UP", "1")  # the test needs no pg_dump
    owner = open_database(team.url(team.owner), extra_migrations=[EXTRA])
    try:
        with owner.engine.connect() as conn:
            assert migrate.current_revision(conn) == "0003_test"
    finally:
        owner.dispose()
    found = _check_every_table(team)
    assert "test_extra" in found
    # The migration's own changes (a new column on child) are covered too: a raw change to
    # it is audited.
    admin = team.make_login(team.login("extra_admin"))
    engine = create_engine(team.url(team.owner))
    try:
        with engine.begin() as conn:
            server.set_login(conn, admin, Role.ADMINISTRATOR)
    finally:
        engine.dispose()
    as_admin = create_engine(team.url(admin))
    try:
        with as_admin.begin() as conn:
            conn.execute(text("INSERT INTO test_extra (id, note) VALUES (1, 'new')"))
        with as_admin.connect() as conn:
            entry = conn.execute(
                text(
                    "SELECT username, action, after FROM audit_log WHERE table_name = 'test_extra'"
                )
            ).one()
        assert entry == (admin, "create", {"id": 1, "note": "new"})
    finally:
        as_admin.dispose()


def test_a_table_made_by_hand_is_covered_when_init_runs_again(team):
    """A table no migration made (a DBA's, or one a future version adds) is data like the
    rest: audited, the administrators' to change; its binary values audited by size, and
    its rows' child found through its foreign keys (here: report -> meeting -> child)."""
    owner = create_engine(team.url(team.owner))
    try:
        with owner.begin() as conn:
            conn.execute(
                text(
                    "CREATE TABLE report_copy (id serial PRIMARY KEY, "
                    "report_id integer NOT NULL REFERENCES report(id), content bytea)"
                )
            )
            assert "report_copy: no trigger reviewdesk_audit" in server.problems(conn, team.groups)
        db = open_database(team.url(team.owner))
        try:
            server.set_up(db.engine)
        finally:
            db.dispose()
        _check_every_table(team)
        with owner.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO child (id, local_id, first_name, last_name, version) "
                    "VALUES (7, 'B7', 'Ada', 'Lovelace', 1);"
                    "INSERT INTO meeting (id, child_id, process, meeting_type, sequence, status, "
                    "duration_minutes, version) VALUES (70, 7, 'lac', 'lac_review', 1, 'booked', "
                    "90, 1);"
                    "INSERT INTO report (id, meeting_id, author, agency, version) "
                    "VALUES (700, 70, 'GP', 'gp', 1);"
                    "INSERT INTO report_copy (report_id, content) VALUES (700, '\\x00010203');"
                )
            )
            entry = conn.execute(
                text("SELECT child_id, after FROM audit_log WHERE table_name = 'report_copy'")
            ).one()
        assert entry.child_id == 7
        assert entry.after == {"id": 1, "report_id": 700, "content": "<4 bytes>"}
    finally:
        owner.dispose()


def test_server_init_again_changes_nothing_and_mends_what_was_undone(team):
    owner = create_engine(team.url(team.owner))
    try:
        before = _catalogue(team)
        with owner.begin() as conn:  # someone undoes part of it by hand
            conn.execute(text("DROP TRIGGER reviewdesk_audit ON child"))
            conn.execute(text(f'GRANT DELETE ON audit_log TO "{team.groups.read_only}"'))
            conn.execute(text("ALTER TABLE meeting DISABLE ROW LEVEL SECURITY"))
        with owner.connect() as conn:
            problems = server.problems(conn, team.groups)
        assert "child: no trigger reviewdesk_audit" in problems
        assert f"audit_log: {team.groups.read_only} may DELETE the audit trail" in problems
        assert any(p.startswith("meeting: row-level security is off") for p in problems)
        db = open_database(team.url(team.owner))
        try:
            again = server.set_up(db.engine)
            assert again.groups == team.groups and again.problems == []
            assert server.set_up(db.engine).problems == []  # and again: the same
        finally:
            db.dispose()
        assert _catalogue(team) == before
    finally:
        owner.dispose()
