"""`reviewdesk server`: set a shared PostgreSQL database up for a team, and check it.

    reviewdesk --db postgresql://OWNER@SERVER/DATABASE server init [--prefix NAME]
    reviewdesk --db postgresql://LOGIN@SERVER/DATABASE server status

``init`` is run by the database's owner, once (and again with each new version of
reviewdesk: it upgrades the schema and re-applies everything; running it twice changes
nothing). See `reviewdesk.storage.server` for what it sets up, and the README ("A team: a
shared PostgreSQL server") for the whole set-up.
"""

from __future__ import annotations

import argparse
import sys

from sqlalchemy import Connection, text

from reviewdesk.codes import Role
from reviewdesk.errors import InvalidInput
from reviewdesk.storage import locking, server
from reviewdesk.storage.db import (
    Database,
    display_url,
    make_engine,
    open_database,
    resolve_url,
)

ROLE_NAMES = {
    Role.ADMINISTRATOR: "administrators",
    Role.IRO: "IROs",
    Role.TEAM_MANAGER: "read only (team managers)",
}


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "server",
        help="set a shared PostgreSQL database up for a team (its owner), or check it",
        description="A shared PostgreSQL server where the database itself enforces roles and "
        "keeps the audit trail. `init` (the database's owner, once, and after installing a "
        "new version) creates or upgrades the schema, three group roles (administrators, "
        "IROs, read only), their permissions and row-level policies, and the audit "
        "triggers on every table. `status` shows the groups, who is in them, and anything "
        "amiss.",
    )
    sub = p.add_subparsers(dest="server_command", metavar="ACTION", required=True)
    init = sub.add_parser("init", help="set the database up (or upgrade it), as its owner")
    init.add_argument(
        "--prefix",
        metavar="NAME",
        help="how the three groups are named: NAME_administrator, NAME_iro, NAME_readonly "
        "(default: the database's name, and its schema's unless public)",
    )
    init.set_defaults(handler=_init)
    status = sub.add_parser("status", help="the groups, their members, and any problem")
    status.set_defaults(handler=_status)


def _postgres(args: argparse.Namespace) -> str:
    url = resolve_url(args.db)
    if not url.startswith("postgresql"):
        raise InvalidInput(
            "server commands are for a shared PostgreSQL database: give --db "
            "postgresql://LOGIN@SERVER/DATABASE (the SQLite file needs no setting up)."
        )
    return url


def _init(args: argparse.Namespace) -> int:
    url = _postgres(args)
    db = open_database(url)  # creates the schema, or upgrades it (after a pg_dump)
    try:
        for warning in db.warnings:
            sys.stderr.write(f"{warning}\n")
        done = server.set_up(db.engine, args.prefix)
    finally:
        db.dispose()
    out = sys.stdout
    out.write(f"{display_url(url)} is set up for a team; its owner is {done.owner}.\n")
    out.write("Groups:\n")
    for role, name in zip(ROLE_NAMES, done.groups.all, strict=True):
        out.write(f"  {name:<32} {ROLE_NAMES[role]}\n")
    out.write(
        f"Every one of its {len(done.tables)} tables has its permissions and audit trigger.\n"
    )
    for name in done.adopted:
        out.write(f"{name} was given their group: {done.adopted_why[name]}.\n")
    for name, why in sorted(done.not_given_back.items()):
        sys.stderr.write(f"reviewdesk: warning: {name} was not given a group: {why}.\n")
    for note in done.notes:
        out.write(f"{note}\n")
    for name in done.without_login:
        out.write(
            f"{name} is on the user list but has no login on this server: give them one "
            f"with `reviewdesk users set-role {name} ROLE`.\n"
        )
    if done.problems:
        for problem in done.problems:
            sys.stderr.write(f"reviewdesk: problem: {problem}\n")
        return 1
    out.write(
        "Next: add each person with `reviewdesk users add LOGIN --role administrator|iro|"
        "team-manager` (the README explains passwords and single sign-on).\n"
    )
    return 0


def _status(args: argparse.Namespace) -> int:
    url = _postgres(args)
    try:
        db = open_database(url, create=False)
    except locking.Locked as exc:
        return _held_up(url, exc)
    try:
        return _report(db)
    except locking.Locked as exc:
        return _held_up(url, exc)
    finally:
        db.dispose()


def _held_up(url: str, exc: locking.Locked) -> int:
    """What status can say when what it reads is locked by another session: whose locks
    hold up reviewdesk's tables (read through a connection of its own)."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            found = _locks(conn, every=True)
    except Exception:  # noqa: BLE001 - the lock's own message says what it can
        found = False
    finally:
        engine.dispose()
    if not found:
        sys.stdout.write(f"{exc}\n")
    sys.stdout.write(
        "reviewdesk could not check the rest of the database's set-up while it is locked.\n"
    )
    return 1


def _locks(conn: Connection, *, every: bool = False) -> bool:
    """Say which other sessions have held a lock on reviewdesk's tables for long (longer
    than reviewdesk waits for one; ``every``: for any time), one ``Locked:`` line each (a
    login that may delete rows from a table may also LOCK it, and PostgreSQL cannot take
    that right away on its own); whether there were any."""
    timeout = conn.execute(
        text("SELECT CAST(setting AS integer) FROM pg_settings WHERE name = 'lock_timeout'")
    ).scalar()
    limit = (timeout or locking.LOCK_TIMEOUT_MS) / 1000
    held = locking.long_held_locks(conn, 0 if every else limit)
    wait = locking.seconds_words(int(limit * 1000))
    for lock in held:
        since = (
            f"for {_seconds(lock.held_for)}"
            if lock.held_for is not None
            else "how long for, the server does not show you"
        )
        waiting = locking.waiting_for(conn, lock.pid)
        queue = (
            f"; {waiting} session{' is' if waiting == 1 else 's are'} waiting for it"
            if waiting
            else ""
        )
        whom = "reading or changing" if lock.mode == "AccessExclusiveLock" else "changing"
        sys.stdout.write(
            f"Locked: the table {lock.table}, in {lock.mode_words} mode, by {lock.who} "
            f"({since}){queue}. It holds up everyone {whom} it (reviewdesk stops waiting after "
            f"{wait}). Ask {lock.login or 'that login'} to end their transaction, or have the "
            f"owner end the session: SELECT pg_terminate_backend({lock.pid});\n"
        )
    return bool(held)


def _seconds(seconds: float) -> str:
    """A time as people say it: 15 seconds, 3 minutes, 2 hours."""
    for unit, name in ((3600, "hour"), (60, "minute")):
        if seconds >= 2 * unit:
            return f"{int(seconds // unit)} {name}s"
    whole = int(seconds)
    return f"{whole} second{'' if whole == 1 else 's'}"


def _report(db: Database) -> int:
    out = sys.stdout
    with db.engine.connect() as conn:
        groups = server.groups_of(conn)
        owner = server.owner_of(conn)
        login = server.session_login(conn)
        locked = _locks(conn)
        if groups is None:
            out.write(
                f"{display_url(db.url)} is not set up for a team: the app checks roles, but "
                "the database does not, and it keeps no audit of its own. Its owner"
                f" ({owner}) can run `reviewdesk server init`.\n"
            )
            return 1
        out.write(f"Owner: {owner}\n")
        members = server.members(conn, groups)
        for role, name in zip(ROLE_NAMES, groups.all, strict=True):
            who = sorted(m for m, r in members.items() if r is role)
            out.write(f"{name} ({ROLE_NAMES[role]}): {', '.join(who) or 'nobody'}\n")
        tables = conn.execute(
            text(
                "SELECT count(*) FROM pg_class WHERE relkind IN ('r', 'p') "
                "AND relnamespace = current_schema()::regnamespace"
            )
        ).scalar()
        problems = server.problems(conn, groups)
        connecting, notes = server.who_connects(conn, owner, groups)
    out.write(f"You are {login}.\n")
    for note in notes:
        out.write(f"{note}\n")
    if problems or connecting:
        for problem in [*problems, *connecting]:
            out.write(f"Problem: {problem}\n")
        out.write(
            "Its owner puts the tables' permissions right with `reviewdesk server init`; a "
            "login's membership of a role that is not reviewdesk's, only the server's "
            "administrator can change.\n"
        )
        return 1
    out.write(f"All {tables} tables have their permissions and audit trigger.\n")
    return 1 if locked else 0
