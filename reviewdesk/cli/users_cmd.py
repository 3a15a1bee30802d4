"""`reviewdesk users`: who may use the database, and as what.

    reviewdesk users list
    reviewdesk users add NAME --role administrator|iro|team-manager [--name "..."] [--staff ID]
    reviewdesk users set-role NAME ROLE
    reviewdesk users set-details NAME [--name "..."] [--staff ID | --no-staff]
    reviewdesk users deactivate NAME
    reviewdesk users reactivate NAME

NAME is the person's operating-system account (SQLite) or PostgreSQL login: reviewdesk asks
the system who is running it, so that is who they are. Changes need an administrator and are
audited; the last active administrator cannot be demoted or deactivated.
"""

from __future__ import annotations

import argparse
import re
import sys

from sqlalchemy import select

from reviewdesk import actions
from reviewdesk.actions.base import ROLE_WORDS
from reviewdesk.cli.args import whole_number
from reviewdesk.codes import Role
from reviewdesk.storage import server
from reviewdesk.storage.db import Database, open_database
from reviewdesk.storage.models import Staff
from reviewdesk.storage.server.names import quote
from reviewdesk.storage.users import all_users, find_user, role_of

ROLE_CHOICES = ("administrator", "iro", "team-manager")


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "users",
        help="who may use the database, and as what (administrators change it)",
        description="The user list. A user's name is their computer account (SQLite) or "
        "PostgreSQL login. Administrators do everything; IROs read and record the outcome "
        "of meetings they chair; team managers read; anyone not on the list reads only.",
    )
    sub = p.add_subparsers(dest="users_command", metavar="ACTION", required=True)

    listing = sub.add_parser("list", help="everyone on the list, with their role")
    listing.set_defaults(handler=_list)

    add = sub.add_parser("add", help="put someone on the list")
    add.add_argument("name", metavar="NAME", help="their computer account or database login")
    add.add_argument("--role", required=True, choices=ROLE_CHOICES)
    add.add_argument("--name", dest="display_name", default="", help='e.g. "Siân Evans"')
    add.add_argument(
        "--staff",
        type=whole_number(1, 2**63 - 1, "a staff id"),
        metavar="ID",
        help="their staff record (an IRO's meetings)",
    )
    add.set_defaults(handler=_add)

    role = sub.add_parser("set-role", help="change someone's role")
    role.add_argument("name", metavar="NAME")
    role.add_argument("role", metavar="ROLE", choices=ROLE_CHOICES)
    role.set_defaults(handler=_set_role)

    details = sub.add_parser(
        "set-details",
        help="change someone's name or staff record (an IRO's meetings are their record's)",
    )
    details.add_argument("name", metavar="NAME")
    details.add_argument(
        "--name", dest="display_name", help='e.g. "Siân Evans" (kept when not given)'
    )
    staff = details.add_mutually_exclusive_group()
    staff.add_argument(
        "--staff",
        type=whole_number(1, 2**63 - 1, "a staff id"),
        metavar="ID",
        help="their staff record (kept when not given)",
    )
    staff.add_argument("--no-staff", action="store_true", help="not linked to a staff record")
    details.set_defaults(handler=_set_details)

    off = sub.add_parser("deactivate", help="take someone off the active list (reads only)")
    off.add_argument("name", metavar="NAME")
    off.set_defaults(handler=_deactivate)

    on = sub.add_parser("reactivate", help="put a deactivated user back")
    on.add_argument("name", metavar="NAME")
    on.set_defaults(handler=_reactivate)


def _open(args: argparse.Namespace) -> Database:
    """The database given with --db: the user list is kept in one, never made by it."""
    return open_database(args.db, create=False)


def _version(db: Database, name: str) -> int:
    """The user's version now (the command is built on the list as it is when it starts);
    0 when they are not on the list (the action then says so)."""
    with db.session() as s:
        user = find_user(s, name)
        return user.version if user is not None else 0


def _list(args: argparse.Namespace) -> int:
    db = _open(args)
    try:
        me = actions.whoami(db)
        with db.session() as s:
            staff = dict(s.execute(select(Staff.id, Staff.name)).all())
            users = all_users(s)
            conn = s.connection()
            groups = server.groups_of(conn)
            out = sys.stdout
            for u in users:
                # On a shared server set up for a team, the role its group gives the login.
                on_server = groups is not None and u.active
                role = role_of(s, u.username) if on_server else _role(u.role)
                words = ROLE_WORDS.get(role, u.role)
                if on_server and role is None:
                    words = "no group on this server: cannot use it"
                bits = [f"{u.username:<20} {words}"]
                if u.display_name:
                    bits.append(u.display_name)
                if u.staff_id is not None:
                    bits.append(f"staff {u.staff_id} {staff.get(u.staff_id, '?')}")
                if not u.active and groups is None:
                    bits.append("DEACTIVATED (reads only)")
                elif not u.active:
                    # The server's memberships decide: normally none at all.
                    kept = server.login_role(conn, groups, u.username)
                    bits.append(
                        "DEACTIVATED (no access on this server)"
                        if kept is None
                        else f"DEACTIVATED, but the server still lets the login act as "
                        f"{ROLE_WORDS[kept]}: see `reviewdesk server status`"
                    )
                out.write("  ".join(bits) + "\n")
            if groups is not None:
                listed = {u.username for u in users}
                for name, role in sorted(server.members(conn, groups).items()):
                    if name not in listed:
                        out.write(f"{name:<20} {ROLE_WORDS[role]}  (in its group on the server)\n")
            out.write(f"You are {me.label}.\n")
    finally:
        db.dispose()
    return 0


def _role(value: str) -> Role | None:
    try:
        return Role(value)
    except ValueError:
        return None


def _add(args: argparse.Namespace) -> int:
    db = _open(args)
    try:
        added = actions.add_user(
            db,
            actions.whoami(db),
            args.name,
            args.role,
            display_name=args.display_name,
            staff_id=args.staff,
        ).result
    finally:
        db.dispose()
    print(f"{args.name} added as {ROLE_WORDS[actions.parse_role(args.role)]}")
    login = added.login
    if login is not None and login.created:
        # psql reads an unusual name (capitals, spaces, quotes) only in double quotes.
        plain = re.fullmatch(r"[a-z_][a-z0-9_$]*", args.name)
        name_in_psql = args.name if plain else quote(args.name)
        print(
            f"The server has a new login {args.name}, with no password: give it one "
            f"(psql: \\password {name_in_psql}) or let the server's single sign-on vouch "
            "for them (see the README)."
        )
    elif login is not None:
        print(f"{args.name} is the server's existing login, now in the group of that role.")
        if not login.can_log_in:
            print(f"Note: the server's role {args.name} cannot log in (NOLOGIN).")
    _tell_of_login(added)
    return 0


def _change(
    args: argparse.Namespace,
    action,  # noqa: ANN001 - a user action
    done: str,
    on_server: str | None = None,
    unchanged: str | None = None,
    **values,
) -> int:
    """Run a user action on NAME, built on the user's version now; then say ``done`` (or
    ``on_server`` on a shared server set up for a team, or ``unchanged`` when the action
    changed nothing), and warn when that server still gives the login another role
    (`LoginChange.warning`)."""
    db = _open(args)
    try:
        changes = action(
            db, actions.whoami(db), args.name, **values, expected_version=_version(db, args.name)
        )
    finally:
        db.dispose()
    if unchanged is not None and changes.nothing:
        print(unchanged)
        return 0
    login = changes.result
    changed_login = isinstance(login, server.LoginChange)
    print(on_server if changed_login and on_server else done)
    _tell_of_login(login)
    return 0


def _tell_of_login(result: object) -> None:
    """The open sessions a user change ended, said; what the server still lets the login
    do (`actions.login_warnings`, as the window tells it), warned."""
    login = result.login if isinstance(result, actions.UserAdded) else result
    if isinstance(login, server.LoginChange) and login.sessions_open == 0 and login.sessions_ended:
        print(login.sessions_note)
    for note in actions.login_warnings(result):
        sys.stderr.write(f"reviewdesk: warning: {note}\n")


def _set_role(args: argparse.Namespace) -> int:
    words = ROLE_WORDS[actions.parse_role(args.role)]
    return _change(args, actions.set_role, f"{args.name} is now {words}", role=args.role)


def _set_details(args: argparse.Namespace) -> int:
    """What is not given is kept as the list has it now."""
    db = _open(args)
    try:
        with db.session() as s:
            user = find_user(s, args.name)
            display, staff_id = (user.display_name or "", user.staff_id) if user else ("", None)
    finally:
        db.dispose()
    if args.display_name is not None:
        display = args.display_name
    if args.no_staff:
        staff_id = None
    elif args.staff is not None:
        staff_id = args.staff
    record = f"staff record {staff_id}" if staff_id is not None else "no staff record"
    return _change(
        args,
        actions.set_user_details,
        f'{args.name}: name "{" ".join(display.split())}", {record}',
        display_name=display,
        staff_id=staff_id,
    )


def _deactivate(args: argparse.Namespace) -> int:
    return _change(
        args,
        actions.deactivate_user,
        f"{args.name} is deactivated: from now on they may only read",
        on_server=f"{args.name} is deactivated: their login was taken out of reviewdesk's "
        "groups on the server, which lets a login in none of them open nothing here",
        unchanged=f"{args.name} is already deactivated; nothing was changed",
    )


def _reactivate(args: argparse.Namespace) -> int:
    return _change(
        args,
        actions.reactivate_user,
        f"{args.name} is active again",
        unchanged=f"{args.name} is already active; nothing was changed",
    )
