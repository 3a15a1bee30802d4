"""`reviewdesk server init`: set a PostgreSQL database up for a team, once, as its owner.

In one transaction: the three group roles (made if the server lacks them), the table naming
them, every table's GRANTs, triggers and policies (`apply.apply`), and the logins already
on reviewdesk's user list given their groups. Running it again changes nothing that is
right and puts back anything that is not; it is also how the owner re-applies everything
by hand.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, text

from reviewdesk.codes import Role
from reviewdesk.errors import InvalidInput
from reviewdesk.storage.server.apply import apply, problems
from reviewdesk.storage.server.logins import (
    CONFIG_TABLE,
    Groups,
    become_owner,
    default_prefix,
    groups_of,
    login_role,
    owner_of,
    session_login,
    set_login,
)
from reviewdesk.storage.server.names import quote

#: Any stable number: two `server init` at once run one after the other.
_LOCK_KEY = 7_318_004_212


@dataclass
class SetUp:
    """What `set_up` did."""

    owner: str
    groups: Groups
    tables: list[str]
    #: Users on reviewdesk's list whose logins were given their groups now.
    adopted: list[str] = field(default_factory=list)
    #: Active users on the list the server has no login for.
    without_login: list[str] = field(default_factory=list)
    #: What `apply.problems` still finds (nothing, unless something is very wrong).
    problems: list[str] = field(default_factory=list)


def set_up(engine: Engine, prefix: str | None = None) -> SetUp:
    """Set the database of ``engine`` (its schema already made by `open_database`) up for
    a team; see the module's docstring. ``prefix`` names the groups (default: the
    database's name, and its schema's unless ``public``); once set up, it cannot change."""
    if engine.dialect.name != "postgresql":
        raise InvalidInput(
            "server init is for a shared PostgreSQL database (--db postgresql://...); the "
            "SQLite file is for one person and needs no setting up."
        )
    with engine.connect() as conn, conn.begin():
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
        owner = owner_of(conn)
        if owner is None:
            raise InvalidInput("This database has no reviewdesk tables yet.")
        become_owner(conn, owner, "set it up for a team")
        groups = _groups(conn, prefix)
        _check_may_make_roles(conn, owner)
        for name in groups.all:
            _make_group(conn, name)
        conn.execute(
            text(
                f"CREATE TABLE IF NOT EXISTS {CONFIG_TABLE} ("
                "kind varchar(20) PRIMARY KEY CHECK (kind IN ('administrator', 'iro', "
                "'read_only')), role_name varchar(63) NOT NULL UNIQUE)"
            )
        )
        for kind, name in zip(("administrator", "iro", "read_only"), groups.all, strict=True):
            conn.execute(
                text(
                    f"INSERT INTO {CONFIG_TABLE} (kind, role_name) VALUES (:k, :n) "
                    "ON CONFLICT (kind) DO NOTHING"
                ),
                {"k": kind, "n": name},
            )
        tables = apply(conn, groups)
        done = SetUp(owner, groups, sorted(tables))
        _adopt(conn, groups, owner, done)
        done.problems = problems(conn, groups)
        _record(conn, done)
    return done


def _groups(conn: Connection, prefix: str | None) -> Groups:
    existing = groups_of(conn)
    if existing is None:
        return Groups.from_prefix(prefix or default_prefix(conn))
    if prefix and Groups.from_prefix(prefix) != existing:
        raise InvalidInput(
            f"This database is already set up, with the groups {', '.join(existing.all)}; "
            "they cannot be renamed (run server init without --prefix)."
        )
    return existing


def _check_may_make_roles(conn: Connection, owner: str) -> None:
    may = conn.execute(
        text("SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = :o"), {"o": owner}
    ).scalar()
    if not may:
        raise InvalidInput(
            f"The database's owner, {owner}, needs the CREATEROLE attribute to make "
            "reviewdesk's group roles and its users' logins. Ask the server's administrator "
            f"to run (as a superuser): ALTER ROLE {quote(owner)} CREATEROLE;"
        )


def _make_group(conn: Connection, name: str) -> None:
    row = conn.execute(
        text("SELECT rolcanlogin, rolsuper FROM pg_roles WHERE rolname = :n"), {"n": name}
    ).first()
    if row is None:
        conn.execute(text(f"CREATE ROLE {quote(name)} NOLOGIN"))
        return
    if row.rolcanlogin or row.rolsuper:
        raise InvalidInput(
            f"The server already has a role {name} that is a login or a superuser, so it "
            "cannot be one of reviewdesk's groups: choose other names with --prefix."
        )


def _adopt(conn: Connection, groups: Groups, owner: str, done: SetUp) -> None:
    """Users already on reviewdesk's list (a database used before it was set up): each
    login the server has gets its group; those it lacks are listed."""
    rows = conn.execute(text("SELECT username, role FROM app_user WHERE active")).all()
    for username, role_name in rows:
        try:
            role = Role(role_name)
        except ValueError:
            continue
        exists, superuser = conn.execute(
            text(
                "SELECT count(*) > 0, coalesce(bool_or(rolsuper), false) FROM pg_roles "
                "WHERE rolname = :n"
            ),
            {"n": username},
        ).one()
        if username == owner or superuser:
            continue
        if not exists:
            done.without_login.append(username)
        elif login_role(conn, groups, username) is None:
            set_login(conn, username, role, create=False)
            done.adopted.append(username)


def _record(conn: Connection, done: SetUp) -> None:
    """The set-up in the audit trail (written as the owner)."""
    after = {
        "owner": done.owner,
        "groups": {
            "administrator": done.groups.administrator,
            "iro": done.groups.iro,
            "read_only": done.groups.read_only,
        },
        "tables": len(done.tables),
        "logins_given_their_group": done.adopted,
    }
    conn.execute(
        text(
            "INSERT INTO audit_log (at, username, action, table_name, record_id, after) "
            "VALUES (now(), :who, 'server init', 'database', '*', CAST(:after AS json))"
        ),
        {"who": session_login(conn), "after": json.dumps(after)},
    )


__all__ = ["SetUp", "set_up"]
