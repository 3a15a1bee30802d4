"""The user list: add a user, change a role, deactivate and reactivate (administrators only).

A user's name is their operating-system account (SQLite) or PostgreSQL login: what the
system says they are, never what they type. The last active administrator can be neither
demoted nor deactivated, so a database always has someone who can manage it.

On a shared PostgreSQL server set up for a team, each action also changes the server, in
the same transaction: adding a user creates their login (no password: the README says how
they sign in) or uses the one the server has (a Kerberos or Active Directory login, say),
and makes it a member of their role's group; a new role moves it to that group;
deactivating takes it out of every reviewdesk group (the login itself stays: it may be used
elsewhere), so it can no longer read or change anything here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from reviewdesk.actions.base import Actor, Changes, Permission, Transaction, action, door
from reviewdesk.codes import Role
from reviewdesk.errors import InvalidInput
from reviewdesk.storage import server
from reviewdesk.storage.audit import note_changed
from reviewdesk.storage.db import Database
from reviewdesk.storage.locking import ensure_unchanged
from reviewdesk.storage.models import Staff, User
from reviewdesk.storage.users import active_administrators, find_user

NAME_LIMIT = 100
DISPLAY_LIMIT = 200

#: How a role may be written: "team-manager" on the command line, "team_manager" stored.
ROLE_NAMES = {
    "administrator": Role.ADMINISTRATOR,
    "admin": Role.ADMINISTRATOR,
    "iro": Role.IRO,
    "team-manager": Role.TEAM_MANAGER,
    "team_manager": Role.TEAM_MANAGER,
}


def parse_role(text: str | Role) -> Role:
    """A role from its name (administrator, iro, team-manager), or InvalidInput."""
    if isinstance(text, Role):
        return text
    role = ROLE_NAMES.get(str(text).strip().lower())
    if role is None:
        raise InvalidInput(f"role: {text!r} is not one of administrator, iro, team-manager")
    return role


def _username(text: str) -> str:
    name = str(text).strip()
    if not name or len(name) > NAME_LIMIT or any(c.isspace() and c != " " for c in name):
        raise InvalidInput(
            f"user name {text!r}: give the person's computer account or database login "
            f"(1 to {NAME_LIMIT} characters)"
        )
    return name


def _user(tx: Transaction, username: str, expected_version: int) -> User:
    user = find_user(tx.session, username)
    if user is None:
        raise InvalidInput(f"user {username!r} is not on the user list")
    ensure_unchanged(user, expected_version)
    return user


@dataclass(frozen=True)
class UserAdded:
    """What `add_user` gives back: the user's id, and on a shared server what became of
    their login (None elsewhere)."""

    user_id: int
    login: server.LoginChange | None = None


def _on_server(tx: Transaction, user: User) -> server.LoginChange | None:
    """A shared server set up for a team: the login's group made to match the user (their
    role's group if active, none if not), creating the login if it has none. None on SQLite
    and on a PostgreSQL database not set up for a team."""
    conn = tx.session.connection()
    groups = server.groups_of(conn)
    if groups is None:
        return None
    owner = server.owner_of(conn)
    if user.username == owner:
        raise InvalidInput(
            f"{user.username} owns this database, so it is its administrator whatever the "
            "user list says; give people logins of their own"
        )
    role = parse_role(user.role) if user.active else None
    # (The owner's function audits the change to the server's record of who may do what,
    # in the acting login's name, as it audits one made with psql.)
    change = server.set_login(conn, user.username, role, create=user.active)
    if change.changed:
        note_changed(tx.session, [{"table_name": User.__tablename__}])
    return change


def _sessions_after(db: Database, changes: Changes) -> Changes:
    """Once the action's transaction has committed: a login that lost a group has its open
    sessions on the database ended (`server.end_sessions`), and the result says so."""
    result = changes.result
    login = result.login if isinstance(result, UserAdded) else result
    if not isinstance(login, server.LoginChange):
        return changes
    ended = server.end_sessions(db.engine, login)
    if ended is login:
        return changes
    if isinstance(result, UserAdded):
        return replace(changes, result=replace(result, login=ended))
    return replace(changes, result=ended)


def _keep_an_administrator(tx: Transaction, user: User, what: str) -> None:
    if user.role == Role.ADMINISTRATOR.value and user.active:
        others = [u for u in active_administrators(tx.session) if u != user.username]
        if not others:
            raise InvalidInput(
                f"{user.username} is the last active administrator and cannot be {what}: "
                "make someone else an administrator first"
            )


@action("add_user", "manage users", Permission.MANAGE_USERS)
def add_user(
    db: Database,
    actor: Actor,
    username: str,
    role: Role | str,
    *,
    display_name: str = "",
    staff_id: int | None = None,
) -> Changes:
    """Put someone on the user list with a role (on a shared server, with their login and
    its group); the result is a `UserAdded`."""
    username = _username(username)
    role = parse_role(role)
    display_name = " ".join(str(display_name).split())
    if len(display_name) > DISPLAY_LIMIT:
        raise InvalidInput(f"display name: at most {DISPLAY_LIMIT} characters")
    with door(db, actor, "add_user") as tx:
        if find_user(tx.session, username) is not None:
            raise InvalidInput(f"user name {username!r} is already on the user list")
        if staff_id is not None and tx.session.get(Staff, staff_id) is None:
            raise InvalidInput(f"staff {staff_id}: there is no such staff member")
        user = User(
            username=username,
            role=role.value,
            display_name=display_name,
            staff_id=staff_id,
            active=True,
        )
        tx.session.add(user)
        tx.session.flush()
        login = _on_server(tx, user)
        changes = tx.changes(result=UserAdded(user.id, login))
    return _sessions_after(db, changes)


@action("set_role", "manage users", Permission.MANAGE_USERS)
def set_role(
    db: Database, actor: Actor, username: str, role: Role | str, *, expected_version: int
) -> Changes:
    """Change a user's role (the last active administrator cannot be demoted). On a shared
    server the result is the `server.LoginChange` (its ``warning`` says when the server
    still gives the login another role through a group reviewdesk does not manage)."""
    role = parse_role(role)
    with door(db, actor, "set_role") as tx:
        user = _user(tx, username, expected_version)
        if user.role != role.value:
            _keep_an_administrator(tx, user, "demoted")
            user.role = role.value
        tx.session.flush()
        # Also gives a listed user without a login their login.
        changes = tx.changes(result=_on_server(tx, user))
    return _sessions_after(db, changes)


@action("set_user_details", "manage users", Permission.MANAGE_USERS)
def set_user_details(
    db: Database,
    actor: Actor,
    username: str,
    *,
    display_name: str,
    staff_id: int | None,
    expected_version: int,
) -> Changes:
    """A user's display name and the staff record that is them (an IRO's meetings)."""
    display_name = " ".join(str(display_name).split())
    if len(display_name) > DISPLAY_LIMIT:
        raise InvalidInput(f"display name: at most {DISPLAY_LIMIT} characters")
    with door(db, actor, "set_user_details") as tx:
        user = _user(tx, username, expected_version)
        if staff_id is not None and tx.session.get(Staff, staff_id) is None:
            raise InvalidInput(f"staff {staff_id}: there is no such staff member")
        user.display_name = display_name
        user.staff_id = staff_id
        tx.session.flush()
        return tx.changes()


@action("deactivate_user", "manage users", Permission.MANAGE_USERS)
def deactivate_user(db: Database, actor: Actor, username: str, *, expected_version: int) -> Changes:
    """Take someone off the active list: from now on they may only read (kept for the
    audit trail; the last active administrator cannot be deactivated). On a shared server
    they lose every reviewdesk group, so cannot even read, and their open sessions there are
    ended once that is saved; the result is the `server.LoginChange`, as for `set_role`
    (its ``sessions_note`` says what became of those sessions)."""
    with door(db, actor, "deactivate_user") as tx:
        user = _user(tx, username, expected_version)
        if user.active:
            _keep_an_administrator(tx, user, "deactivated")
            user.active = False
        tx.session.flush()
        changes = tx.changes(result=_on_server(tx, user))
    return _sessions_after(db, changes)


@action("reactivate_user", "manage users", Permission.MANAGE_USERS)
def reactivate_user(db: Database, actor: Actor, username: str, *, expected_version: int) -> Changes:
    """Put a deactivated user back on the active list (on a shared server, back in their
    role's group). Someone already active is left as they are: nothing is changed or
    audited, and the changes say so (`Changes.nothing`)."""
    with door(db, actor, "reactivate_user") as tx:
        user = _user(tx, username, expected_version)
        if user.active:
            return tx.changes()
        user.active = True
        tx.session.flush()
        return tx.changes(result=_on_server(tx, user))


def login_warnings(result: object) -> list[str]:
    """What the person who changed a user on a shared server must still be told: that the
    server gives the login another role besides (`LoginChange.warning`), and that sessions
    it keeps open keep the rights just taken away (`LoginChange.sessions_note`). The window
    and the command line say the same."""
    login = result.login if isinstance(result, UserAdded) else result
    if not isinstance(login, server.LoginChange):
        return []
    notes = [login.warning] if login.warning else []
    if login.sessions_open != 0 and login.sessions_note:
        notes.append(login.sessions_note)
    return notes


__all__ = [
    "ROLE_NAMES",
    "UserAdded",
    "add_user",
    "deactivate_user",
    "login_warnings",
    "parse_role",
    "reactivate_user",
    "set_role",
    "set_user_details",
]
