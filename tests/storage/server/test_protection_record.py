"""A release may change a policy, a trigger's function or a grant without a migration: the
server keeps a record of what `server.apply` made, `server.problems` (``reviewdesk server
status``) says when it is not this version's (or was changed by hand since), the owner
opening the database re-applies it, and anyone else is warned, once."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from reviewdesk.storage import server
from reviewdesk.storage.db import open_database
from reviewdesk.storage.server.apply import plan
from tests.storage.cli_helpers import cli
from tests.storage.server.conftest import People

pytestmark = pytest.mark.postgres

OLDER = "older than this version of reviewdesk"


def _problems(people: People) -> list[str]:
    with people.raw(people.admin).connect() as conn:
        return server.problems(conn, people.team.groups)


def _as_owner(people: People, *statements: str) -> None:
    """Raw SQL as the database's owner (psql), in one transaction."""
    with people.raw(people.team.owner).begin() as conn:
        for statement in statements:
            conn.execute(text(statement))


def _policies(people: People) -> dict[tuple[str, str], tuple[int, str, str | None]]:
    """Each reviewdesk policy: (its oid, its command, its WITH CHECK): a policy made again
    has a new oid."""
    with people.raw(people.admin).connect() as conn:
        return {
            (table, name): (oid, command, check)
            for table, name, oid, command, check in conn.execute(
                text(
                    "SELECT c.relname, p.polname, p.oid, q.cmd, q.with_check FROM pg_policy p "
                    "JOIN pg_class c ON c.oid = p.polrelid "
                    "JOIN pg_policies q ON q.schemaname = current_schema() "
                    "  AND q.tablename = c.relname AND q.policyname = p.polname "
                    "WHERE c.relnamespace = current_schema()::regnamespace"
                )
            )
        }


def _record_row(people: People) -> tuple:
    """The record's row as stored (its xmin changes with any write to it)."""
    with people.raw(people.admin).connect() as conn:
        return tuple(
            conn.execute(
                text(
                    "SELECT xmin::text, fingerprint, made_at, made_by "
                    f"FROM {server.PROTECTION_TABLE}"
                )
            ).one()
        )


def _as_an_older_release_made_it(people: People) -> None:
    """The protection as the release before IROs could write a CP plan made it (that
    change came without a migration): applied, and recorded, by that release's code."""
    with pytest.MonkeyPatch.context() as older:
        older.delitem(server.IRO_WRITES, "cp_plan")
        with people.raw(people.team.owner).begin() as conn:
            server.apply(conn, people.team.groups)


def test_a_policy_changed_by_hand_is_named_and_the_owner_opening_puts_it_back(people):
    assert _problems(people) == []
    iro_group = people.team.groups.iro
    _as_owner(
        people,
        # An older, looser definition: an IRO may change any child's plan.
        "DROP POLICY reviewdesk_iro_update ON cp_plan",
        f'CREATE POLICY reviewdesk_iro_update ON cp_plan FOR UPDATE TO "{iro_group}" '
        "USING (true) WITH CHECK (true)",
        "DROP POLICY reviewdesk_iro_insert ON cp_plan",
        f'CREATE POLICY reviewdesk_iro_delete ON cp_plan FOR DELETE TO "{iro_group}" USING (true)',
        f'ALTER POLICY reviewdesk_read ON meeting TO "{iro_group}"',
        "DROP POLICY reviewdesk_read ON invitee",
        f'CREATE POLICY reviewdesk_read ON invitee FOR ALL TO "{iro_group}" USING (true)',
    )
    found = _problems(people)
    assert "cp_plan: no policy reviewdesk_iro_insert (for INSERT)" in found
    assert "cp_plan: the policy reviewdesk_iro_delete is not one reviewdesk makes" in found
    assert (
        "invitee: the policy reviewdesk_read is for ALL, where reviewdesk makes it for SELECT"
        in found
    )
    assert not any(line.startswith("the policy reviewdesk_read on invitee") for line in found)
    changed = [line for line in found if line.startswith("the policy reviewdesk_iro_update on")]
    assert len(changed) == 1
    assert re.fullmatch(
        r"the policy reviewdesk_iro_update on cp_plan is not the one reviewdesk made \(as "
        rf"{people.team.owner}, on \d\d/\d\d/\d{{4}}\): it was changed since",
        changed[0],
    )
    assert any(
        line.startswith("the policy reviewdesk_read on meeting is not the one") for line in found
    )
    assert not any(OLDER in line for line in found)  # this version's, changed since

    db = open_database(people.team.url(people.team.owner))
    try:
        told = [w for w in db.warnings if "brought the protection" in w]
        assert len(told) == 1
        assert told[0].endswith(
            "up to this version: it was older, or had been changed by hand. No data was changed."
        )
    finally:
        db.dispose()
    assert _problems(people) == []
    policies = _policies(people)
    assert ("cp_plan", "reviewdesk_iro_delete") not in policies
    assert policies[("cp_plan", "reviewdesk_iro_insert")][1] == "INSERT"
    assert policies[("cp_plan", "reviewdesk_iro_update")][2] != "true"


def test_an_older_release_s_protection_is_one_line_an_iro_is_warned_and_still_limited(
    people, capsys
):
    _as_an_older_release_made_it(people)
    owner = people.team.owner
    found = _problems(people)
    older = [line for line in found if OLDER in line]
    assert older == [found[0]]
    assert older[0].startswith(
        "the server's protections (its permissions, triggers and row-level policies) are "
        "older than this version of reviewdesk (what differs: "
    )
    assert "policy reviewdesk_iro_insert on cp_plan" in older[0]
    assert older[0].endswith(
        f": its owner, the PostgreSQL login {owner}, must run `reviewdesk server init` with "
        "this version"
    )
    before = _record_row(people)

    iro = open_database(people.team.url(people.iro))
    try:
        told = [w for w in iro.warnings if "older than this version" in w]
        assert len(told) == 1
        assert f"its owner, the PostgreSQL login {owner}, brings it up to date" in told[0]
        command = told[0].split("`")[1]
        assert command.endswith(" server init") and people.iro + "@" not in command
    finally:
        iro.dispose()
    assert _record_row(people) == before  # the IRO's opening changed nothing
    # Its writes are limited as the older protection limits them: not a plan, nor a
    # meeting another IRO chairs.
    for statement in (
        f"INSERT INTO cp_plan (child_id, start, previous_plans, end_unknown, version) "
        f"VALUES ({people.ids['child']}, '2024-09-01', 0, false, 1)",
        f"UPDATE meeting SET outcome = 'x' WHERE id = {people.ids['theirs']}",
    ):
        with pytest.raises(DBAPIError) as refused, people.raw(people.iro).begin() as conn:
            conn.execute(text(statement))
        assert "permission denied" in str(refused.value) or "row-level security" in str(
            refused.value
        )

    capsys.readouterr()
    assert cli(people.team.url(people.admin), "server", "status") == 1
    out = capsys.readouterr().out
    assert f"Problem: {older[0]}\n" in out
    assert "Problem: cp_plan: no policy reviewdesk_iro_insert (for INSERT)\n" in out
    assert _record_row(people) == before

    # The owner opens it with this version: re-applied; no one is told any more.
    open_database(people.team.url(owner)).dispose()
    assert _record_row(people) != before
    assert _problems(people) == []
    admin = open_database(people.team.url(people.admin))
    try:
        assert not [w for w in admin.warnings if "older than" in w]
    finally:
        admin.dispose()
    assert cli(people.team.url(people.admin), "server", "status") == 0
    assert "Problem" not in capsys.readouterr().out


def test_opening_again_re_applies_nothing(people):
    _as_an_older_release_made_it(people)
    older = _policies(people)
    open_database(people.team.url(people.team.owner)).dispose()
    applied = _policies(people)
    assert applied.keys() > older.keys()
    assert applied[("meeting", "reviewdesk_read")][0] != older[("meeting", "reviewdesk_read")][0]
    record = _record_row(people)
    with people.raw(people.admin).connect() as conn:
        assert plan(conn, people.team.groups).fingerprint == record[1]
    for _ in range(2):
        db = open_database(people.team.url(people.team.owner))
        try:
            assert db.warnings == []
        finally:
            db.dispose()
        assert _policies(people) == applied  # no policy made again
        assert _record_row(people) == record


def test_a_server_set_up_before_the_record_was_kept_is_older(people):
    """Every server set up before this version: no record at all."""
    _as_owner(people, f"DROP TABLE {server.PROTECTION_TABLE}")
    found = _problems(people)
    assert found[0] == (
        "the server's protections (its permissions, triggers and row-level policies) are "
        "older than this version of reviewdesk (the server has no record of what made "
        f"them): its owner, the PostgreSQL login {people.team.owner}, must run "
        "`reviewdesk server init` with this version"
    )
    reader = open_database(people.team.url(people.reader))
    try:
        assert len([w for w in reader.warnings if OLDER in w]) == 1
    finally:
        reader.dispose()
    open_database(people.team.url(people.team.owner)).dispose()
    assert _problems(people) == []
    assert _record_row(people)[3] == people.team.owner
