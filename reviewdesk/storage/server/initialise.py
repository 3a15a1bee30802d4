"""`reviewdesk server init`: set a PostgreSQL database up for a team, once, as its owner.

In one transaction: the three group roles (made if the server lacks them), the table naming
them, every table's GRANTs, triggers and policies (`apply.apply`), the owner made a member
of pg_signal_backend where it may (to end the sessions of a login that loses its group),
only the groups let connect to the database where the owner owns it (not PUBLIC),
and the logins of active users on reviewdesk's user list given their groups (each named,
with why; not a login the trail shows making itself active). Running it again changes
nothing that is right and puts back anything that is not; it is also how the owner
re-applies everything by hand.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from reviewdesk.codes import Role
from reviewdesk.errors import InvalidInput
from reviewdesk.storage import locking
from reviewdesk.storage.server.apply import apply, problems
from reviewdesk.storage.server.logins import (
    CONFIG_TABLE,
    ROLE_AS_WORDS,
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
from reviewdesk.vocabulary import format_uk

#: Any stable number: two `server init` at once run one after the other.
_LOCK_KEY = 7_318_004_212


@dataclass
class SetUp:
    """What `set_up` did."""

    owner: str
    groups: Groups
    tables: list[str]
    #: Users on reviewdesk's list whose logins were given their groups now, and why (the
    #: list has them active with that role: who made them active, and when).
    adopted: list[str] = field(default_factory=list)
    adopted_why: dict[str, str] = field(default_factory=dict)
    #: Active users on the list whose logins were not given a group back, and why (the
    #: trail shows the login making itself active).
    not_given_back: dict[str, str] = field(default_factory=dict)
    #: What else to tell (the owner's right to end sessions).
    notes: list[str] = field(default_factory=list)
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
        locking.wait_for_turn(conn, _LOCK_KEY, transaction=True)
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
        _may_end_sessions(conn, owner, done)
        _who_connects(conn, owner, groups, done)
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


@dataclass(frozen=True)
class _DatabaseAccess:
    database: str
    database_owner: str  # a role of the server's
    owns: bool  # whether the owner of reviewdesk's tables owns the database
    public_connect: bool
    public_temporary: bool


def _database_access(conn: Connection, owner: str) -> _DatabaseAccess:
    row = conn.execute(
        text(
            "SELECT d.datname, pg_get_userbyid(d.datdba), pg_get_userbyid(d.datdba) = :o, "
            "has_database_privilege('public', d.oid, 'CONNECT'), "
            "has_database_privilege('public', d.oid, 'TEMPORARY') "
            "FROM pg_database d WHERE d.datname = current_database()"
        ),
        {"o": owner},
    ).one()
    return _DatabaseAccess(*row)


def _public_may_connect(found: _DatabaseAccess, groups: Groups) -> str:
    """What to tell when every login may connect and the owner of reviewdesk's tables does
    not own the database (so `server init` leaves it): the database's owner may stop it."""
    d = quote(found.database)
    every = ", ".join(quote(g) for g in groups.all)
    return (
        f"Every login may connect to the database {found.database} (PUBLIC has CONNECT), "
        "though one in none of reviewdesk's groups reads nothing here. Its owner"
        f" ({found.database_owner}) may stop that: REVOKE CONNECT, TEMPORARY ON DATABASE {d} "
        f"FROM PUBLIC; GRANT CONNECT ON DATABASE {d} TO {every};"
    )


def who_connects(conn: Connection, owner: str, groups: Groups) -> tuple[list[str], list[str]]:
    """Who may connect to the database, as `server init` leaves it (``reviewdesk server
    status``): (problems, notes). A group that may not connect is a problem (its members
    are refused at the door). Where the owner of reviewdesk's tables owns the database,
    PUBLIC's CONNECT or TEMPORARY (given back since, or never taken, by a version before
    `server init` took them) is a problem too; elsewhere `server init` cannot take PUBLIC's
    CONNECT, so that is a note of what the database's owner may run (a database shared with
    other applications may well let every login in)."""
    found = _database_access(conn, owner)
    d = quote(found.database)
    problems, notes = [], []
    if found.owns and (found.public_connect or found.public_temporary):
        may, has = {
            (True, False): ("connect to it", "CONNECT"),
            (False, True): ("make temporary tables in it", "TEMPORARY"),
            (True, True): (
                "connect to it and make temporary tables in it",
                "CONNECT and TEMPORARY",
            ),
        }[(found.public_connect, found.public_temporary)]
        problems.append(
            f"the database {found.database}: every login may {may} (PUBLIC has {has}), "
            f"which `server init` takes away: its owner ({owner}) runs `reviewdesk server "
            f"init` again, or REVOKE CONNECT, TEMPORARY ON DATABASE {d} FROM PUBLIC;"
        )
    elif found.public_connect:
        notes.append(_public_may_connect(found, groups))
    for group in groups.all:
        connects = conn.execute(
            text(
                "SELECT has_database_privilege(:g, oid, 'CONNECT') FROM pg_database "
                "WHERE datname = current_database()"
            ),
            {"g": group},
        ).scalar()
        if connects:
            continue
        fix = f"GRANT CONNECT ON DATABASE {d} TO {quote(group)};"
        problems.append(
            f"the database {found.database}: the group {group} may not connect to it, so its "
            "members are refused at the door: "
            + (
                f"its owner ({owner}) runs `reviewdesk server init` again, or {fix}"
                if found.owns
                else f"its owner ({found.database_owner}) runs {fix}"
            )
        )
    return problems, notes


def _who_connects(conn: Connection, owner: str, groups: Groups, done: SetUp) -> None:
    """Only reviewdesk's groups (and the owner) connect to the database: PUBLIC's CONNECT and
    TEMPORARY (every login's, by default) taken away, CONNECT given to the groups, where
    the owner of the tables owns the database; else the note says what its owner may do."""
    found = _database_access(conn, owner)
    d = quote(found.database)
    every = ", ".join(quote(g) for g in groups.all)
    if not found.owns:
        if found.public_connect:
            done.notes.append(_public_may_connect(found, groups))
        return
    conn.execute(text(f"GRANT CONNECT ON DATABASE {d} TO {every}"))
    if found.public_connect or found.public_temporary:
        conn.execute(text(f"REVOKE CONNECT, TEMPORARY ON DATABASE {d} FROM PUBLIC"))
        done.notes.append(
            f"A login in none of reviewdesk's groups may no longer connect to the database "
            f"{found.database} (CONNECT and TEMPORARY were taken from PUBLIC; the groups may "
            "connect). A login that uses the database for anything else needs: GRANT CONNECT "
            f"ON DATABASE {d} TO that login;"
        )


def _may_end_sessions(conn: Connection, owner: str, done: SetUp) -> None:
    """The owner needs pg_signal_backend to end the open sessions of a login that lost its
    group (`logins.end_sessions`): made a member here if it may make itself one (its
    CREATEROLE lets it on PostgreSQL 15 and older); else the note says whom to ask."""

    def may() -> bool:
        return bool(
            conn.execute(
                text(
                    "SELECT rolsuper OR pg_has_role(oid, 'pg_signal_backend', 'USAGE') "
                    "FROM pg_roles WHERE rolname = :o"
                ),
                {"o": owner},
            ).scalar()
        )

    if may():
        return
    try:
        with conn.begin_nested():
            conn.execute(text(f"GRANT pg_signal_backend TO {quote(owner)}"))
    except DBAPIError:
        pass
    if may():
        done.notes.append(
            f"The owner, {owner}, is now a member of pg_signal_backend, so that taking a "
            "user's group away (deactivating them, say) also ends their open sessions here "
            "(it lets the owner end any non-superuser's sessions on this server)."
        )
        return
    done.notes.append(
        f"reviewdesk cannot end the open sessions of a user whose group it takes away "
        f"(deactivating them, say): the owner, {owner}, is not a member of pg_signal_backend "
        "and may not make itself one. Ask the server's administrator to run (as a "
        f"superuser): GRANT pg_signal_backend TO {quote(owner)}; until then `reviewdesk users "
        "deactivate` says when a login's sessions are left open."
    )


def _adopt(conn: Connection, groups: Groups, owner: str, done: SetUp) -> None:
    """Users already on reviewdesk's list (a database used before it was set up, or one
    whose login lost its group since): each active user's login the server has gets its
    group, unless the trail shows that login making itself active (a deactivated user's
    session that had kept the administrators' role); those the server lacks are listed."""
    rows = conn.execute(text("SELECT id, username, role FROM app_user WHERE active")).all()
    for user_id, username, role_name in rows:
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
            continue
        if login_role(conn, groups, username) is not None:
            continue
        made_active = _made_active(conn, user_id)
        words = ROLE_AS_WORDS[role]
        if made_active is not None and made_active[0] == username:
            done.not_given_back[username] = (
                f"the list has them as an active {words.split(' ', 1)[1]}, but the trail shows "
                f"{username} making themselves active (on {format_uk(made_active[1].date())}), "
                "so their login was given no group; if they are to come back, an "
                f"administrator runs `reviewdesk users reactivate {username}`, else "
                f"`reviewdesk users deactivate {username}`"
            )
            continue
        set_login(conn, username, role, create=False)
        done.adopted.append(username)
        by = (
            f", made active by {made_active[0]} on {format_uk(made_active[1].date())}"
            if made_active is not None
            else ""
        )
        done.adopted_why[username] = (
            f"the list has them as an active {words.split(' ', 1)[1]}{by}, and their login was "
            f"in no group: given {groups.of(role)}"
        )


def _made_active(conn: Connection, user_id: int) -> tuple[str, dt.datetime] | None:
    """Who last made the user of row ``user_id`` active (added them, or reactivated them),
    and when, as the trail says; None if it does not say."""
    row = conn.execute(
        text(
            "SELECT username, at FROM audit_log WHERE table_name = 'app_user' "
            "AND record_id = :r AND action IN ('create', 'update') "
            "AND (after ->> 'active') = 'true' ORDER BY id DESC LIMIT 1"
        ),
        {"r": str(user_id)},
    ).first()
    return (row.username, row.at) if row is not None else None


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
        "logins_not_given_their_group": sorted(done.not_given_back),
    }
    conn.execute(
        text(
            "INSERT INTO audit_log (at, username, action, table_name, record_id, after) "
            "VALUES (now(), :who, 'server init', 'database', '*', CAST(:after AS json))"
        ),
        {"who": session_login(conn), "after": json.dumps(after)},
    )


__all__ = ["SetUp", "set_up", "who_connects"]
