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

from sqlalchemy import text

from reviewdesk.codes import Role
from reviewdesk.errors import InvalidInput
from reviewdesk.storage import server
from reviewdesk.storage.db import Database, display_url, open_database, resolve_url

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
    db = open_database(url, create=False)
    try:
        return _report(db)
    finally:
        db.dispose()


def _report(db: Database) -> int:
    out = sys.stdout
    with db.engine.connect() as conn:
        groups = server.groups_of(conn)
        owner = server.owner_of(conn)
        login = server.session_login(conn)
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
    out.write(f"You are {login}.\n")
    if problems:
        for problem in problems:
            out.write(f"Problem: {problem}\n")
        out.write(
            "Its owner puts the tables' permissions right with `reviewdesk server init`; a "
            "login's membership of a role that is not reviewdesk's, only the server's "
            "administrator can change.\n"
        )
        return 1
    out.write(f"All {tables} tables have their permissions and audit trigger.\n")
    return 0
