"""The user list as stored: who is on it, with which role, and who owns a new database.

What each role may do, and every change to the list, belong to `reviewdesk.actions`. This
module only reads the list, and gives a database with no users its first administrator:
the account that created it (`ensure_owner`).

On a shared PostgreSQL server set up for a team, the server's memberships are the truth
(`reviewdesk.storage.server`): a login's role is its group there, whatever the list's
``role`` column says (the user actions keep the two the same); the list adds the person's
name and staff record, and a deactivated user reads only.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from reviewdesk.codes import Role
from reviewdesk.identity import system_account
from reviewdesk.storage import server
from reviewdesk.storage.models import User


def find_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def role_of(session: Session, username: str) -> Role | None:
    """The role of an active user on the list; None for anyone else (they may only read).
    On a server set up for a team: the role its group gives the login (`server`)."""
    user = find_user(session, username)
    if user is not None and not user.active:
        return None
    groups = server.groups_of(session.connection())
    if groups is not None:
        return server.login_role(session.connection(), groups, username)
    if user is None:
        return None
    try:
        return Role(user.role)
    except ValueError:
        return None


def all_users(session: Session) -> list[User]:
    """Everyone on the user list, active first, by name."""
    return list(session.scalars(select(User).order_by(User.active.desc(), User.username)))


def active_administrators(session: Session) -> list[str]:
    return list(
        session.scalars(
            select(User.username).where(
                User.role == Role.ADMINISTRATOR.value, User.active.is_(True)
            )
        )
    )


def user_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(User)) or 0)


def database_owner(engine: Engine, path: Path | None) -> str:
    """The account that created an existing database, as the system records it: the owner
    of the SQLite file (POSIX), or of the tables on PostgreSQL; else this process's account.
    """
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            owner = conn.execute(
                text(
                    "SELECT tableowner FROM pg_tables "
                    "WHERE schemaname = current_schema() AND tablename = 'app_user'"
                )
            ).scalar()
        if owner:
            return str(owner)
    if path is not None and os.name == "posix":
        import pwd

        try:
            return pwd.getpwuid(path.stat().st_uid).pw_name
        except (KeyError, OSError):
            pass
    return system_account()


def ensure_owner(engine: Engine, creator: str | None, path: Path | None) -> None:
    """A database with no users belongs to the account that created it: make that account
    its first administrator (audited like every change). ``creator`` is who just created
    the database; for an older database without users, `database_owner` says who made it.
    """
    with Session(engine) as session:
        if user_count(session):
            return
    owner = creator or database_owner(engine, path)
    from reviewdesk.storage.tracking import ReviewdeskSession

    with ReviewdeskSession(engine) as session:
        session.info["username"] = owner
        try:
            if engine.dialect.name == "postgresql":  # two first openings: one owner
                session.execute(text("LOCK TABLE app_user IN EXCLUSIVE MODE"))
            if user_count(session) == 0:
                session.add(User(username=owner, display_name="", role=Role.ADMINISTRATOR.value))
            session.commit()
        except (IntegrityError, OperationalError):  # another first opening got there first
            session.rollback()


__all__ = [
    "active_administrators",
    "all_users",
    "database_owner",
    "ensure_owner",
    "find_user",
    "role_of",
    "user_count",
]
