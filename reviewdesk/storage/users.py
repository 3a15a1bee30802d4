"""Users, their roles and what each role may do; the UI asks `can` before offering an action.

Administrators may do everything; IROs read everything and record outcomes of meetings;
team managers read only. A database with no users yet belongs to whoever runs it (an
administrator); once users exist, someone not on the list may only read.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reviewdesk.codes import Role
from reviewdesk.errors import InvalidInput, ReviewdeskError
from reviewdesk.storage.models import User


class Action(StrEnum):
    VIEW = "view"
    RECORD_OUTCOME = "record_outcome"  # held date, participation, decisions, late reason
    BOOK_MEETING = "book_meeting"
    EDIT_CASE = "edit_case"  # children, periods, episodes, enquiries, plans
    IMPORT = "import"
    MANAGE_STAFF = "manage_staff"
    MANAGE_SETTINGS = "manage_settings"
    MANAGE_USERS = "manage_users"
    BACKUP_RESTORE = "backup_restore"


ACTION_WORDS: dict[Action, str] = {
    Action.VIEW: "view records",
    Action.RECORD_OUTCOME: "record the outcome of a meeting",
    Action.BOOK_MEETING: "book meetings",
    Action.EDIT_CASE: "change case records",
    Action.IMPORT: "import data",
    Action.MANAGE_STAFF: "change staff, rooms and venues",
    Action.MANAGE_SETTINGS: "change settings",
    Action.MANAGE_USERS: "manage users",
    Action.BACKUP_RESTORE: "back up or restore the database",
}

PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.ADMINISTRATOR: frozenset(Action),
    Role.IRO: frozenset({Action.VIEW, Action.RECORD_OUTCOME}),
    Role.TEAM_MANAGER: frozenset({Action.VIEW}),
}

ROLE_WORDS: dict[Role, str] = {
    Role.ADMINISTRATOR: "administrator",
    Role.IRO: "IRO",
    Role.TEAM_MANAGER: "team manager (read only)",
}


def can(role: Role | str, action: Action | str) -> bool:
    """May someone with ``role`` do ``action``?"""
    try:
        return Action(action) in PERMISSIONS[Role(role)]
    except ValueError:
        return False


def require(role: Role | str, action: Action | str) -> None:
    """Raise `ReviewdeskError` when ``role`` may not do ``action``."""
    if not can(role, action):
        try:
            words = ROLE_WORDS[Role(role)]
        except ValueError:
            words = str(role)
        raise ReviewdeskError(
            f"As {words} you cannot {ACTION_WORDS.get(Action(action), str(action))}. "
            "Ask an administrator."
        )


def role_of(session: Session, username: str) -> Role:
    """The role of ``username``: administrator while no users exist; read only if unknown."""
    user = session.scalar(select(User).where(User.username == username))
    if user is not None and user.active:
        return Role(user.role)
    if session.scalar(select(func.count()).select_from(User)) == 0:
        return Role.ADMINISTRATOR
    return Role.TEAM_MANAGER


def add_user(session: Session, username: str, role: Role | str, display_name: str = "") -> User:
    username = username.strip()
    if not username:
        raise InvalidInput("User name is empty.")
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise InvalidInput(f"User name {username!r} is already taken.")
    user = User(username=username, role=str(role), display_name=display_name)
    session.add(user)
    return user
