"""The door every change goes through: who is acting, whether their role allows it, one
transaction, and what changed.

An action is a function ``(db, actor, ...plain values...) -> Changes`` registered with
`action`. `door` opens its transaction: it works out who the database says is acting (the
PostgreSQL login, or the operating-system account the database was opened as), reads their
role *now* from the user list, refuses with `Refused` (exit status 2 on the command line)
when the role does not allow the action, and on success commits and reports what changed,
read from the audit entries the transaction wrote. The ``actor`` a caller passes is what it
believes (for showing and enabling things); it cannot make anyone else act: an actor that
is not the database's identity is refused.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from reviewdesk.casework.predicates import id_in
from reviewdesk.casework.register import Register
from reviewdesk.codes import Role
from reviewdesk.errors import InvalidInput, ReviewdeskError
from reviewdesk.identity import database_user
from reviewdesk.storage import server, users
from reviewdesk.storage.db import Database
from reviewdesk.storage.locking import ConcurrentChange
from reviewdesk.storage.models import Meeting
from reviewdesk.storage.validation import MEETING_NUMBERS

log = logging.getLogger(__name__)


class Refused(ReviewdeskError):
    """The acting user's role does not allow what they tried; nothing was changed."""

    exit_code = 2


class Permission(StrEnum):
    """What an action needs. Administrators have every one; see `allowed`."""

    READ = "read"  # reading, and the record that data left the system (exports, printing)
    RECORD_OUTCOME = "record_outcome"  # IROs: only meetings they chair
    #: Challenges, contacts and the child's voice (IROs: only for children they are
    #: allocated or whose meetings they chair; `reviewdesk.actions.oversight`).
    RECORD_OVERSIGHT = "record_oversight"
    BOOK_MEETING = "book_meeting"
    EDIT_CASE = "edit_case"  # a child's details and allocations
    IMPORT = "import"
    MANAGE_SETTINGS = "manage_settings"  # settings, closure days, late reasons, rules
    MANAGE_USERS = "manage_users"
    BACKUP_RESTORE = "backup_restore"  # backups, restores and the demo authority
    VIEW_AUDIT = "view_audit"


#: What each role may do. An IRO's RECORD_OUTCOME is limited to meetings they chair, and
#: RECORD_OVERSIGHT to the children they are allocated or whose meetings they chair.
PERMISSIONS: dict[Role | None, frozenset[Permission]] = {
    Role.ADMINISTRATOR: frozenset(Permission),
    Role.IRO: frozenset({Permission.READ, Permission.RECORD_OUTCOME, Permission.RECORD_OVERSIGHT}),
    Role.TEAM_MANAGER: frozenset({Permission.READ, Permission.VIEW_AUDIT}),
    None: frozenset({Permission.READ}),  # not on the user list, or deactivated
}

ROLE_WORDS: dict[Role | None, str] = {
    Role.ADMINISTRATOR: "administrator",
    Role.IRO: "IRO",
    Role.TEAM_MANAGER: "team manager, read only",
    None: "not on the user list, read only",
}
#: The words for someone on the user list who was deactivated (role None too: reads only).
DEACTIVATED_WORDS = "deactivated, read only"


@dataclass(frozen=True)
class Actor:
    """Who is acting, as the user list has them: role None means not on the list (or
    deactivated), who may only read. ``staff_id`` links an IRO to the meetings they chair;
    ``deactivated`` says which of the two a role of None is, so that messages name it."""

    username: str
    role: Role | None
    display_name: str = ""
    staff_id: int | None = None
    deactivated: bool = False

    @property
    def role_words(self) -> str:
        return DEACTIVATED_WORDS if self.deactivated else ROLE_WORDS[self.role]

    @property
    def label(self) -> str:
        """'jsmith (IRO)': who and which role, for messages and the status bar."""
        return f"{self.username} ({self.role_words})"

    def may(self, permission: Permission) -> bool:
        """Whether the role allows ``permission`` at all (an IRO's recording is further
        limited to the meetings they chair; the action itself checks that)."""
        return allowed(self.role, permission)


def allowed(role: Role | None, permission: Permission) -> bool:
    return permission in PERMISSIONS.get(role, frozenset())


def whoami(db: Database) -> Actor:
    """The actor the database says this is: its identity and their role now."""
    with db.session() as session:
        return _actor(session, _identity(db, session))


def _refused_by_server(session: Session) -> Refused | None:
    """After the database refused to show the user list: on a shared server, the login has
    lost its group (deactivated while the app was open), which this says."""
    session.rollback()
    connection = session.connection()
    why = server.no_access(connection) if connection.dialect.name == "postgresql" else None
    return Refused(f"{why} Nothing was changed.") if why else None


def _identity(db: Database, session: Session) -> str:
    """The PostgreSQL login of this very connection; else who the database was opened as."""
    login = database_user(session.connection())
    return login if login is not None else db.username


def _actor(session: Session, username: str) -> Actor:
    try:
        user = users.find_user(session, username)
        role = users.role_of(session, username)
    except DBAPIError:
        refusal = _refused_by_server(session)
        if refusal is None:
            raise
        raise refusal from None
    if user is None:
        return Actor(username, role)  # None, unless a shared server's group says otherwise
    return Actor(
        username, role, user.display_name or "", user.staff_id, deactivated=not user.active
    )


# --- what changed -------------------------------------------------------------------------

#: Kinds of record (table names) that make up a child's case.
CASE_KINDS = frozenset(
    {
        "child",
        "period_of_care",
        "episode",
        "cp_enquiry",
        "cp_plan",
        "meeting",
        "meeting_part",
        "report",
        "invitee",
        # The clerk's day (`reviewdesk.actions.children`, `reviewdesk.actions.meetings`)
        "allocation",
        "meeting_move",
        # IRO oversight (`reviewdesk.actions.oversight`)
        "escalation",
        "escalation_stage",
        "iro_contact",
        "child_voice",
    }
)
#: Kinds that change the working-day calendar or the rules, so every due date.
CALENDAR_KINDS = frozenset({"closure_day", "rule_override", "setting"})
#: The word lists people choose from (`reviewdesk.actions.wordlists`: words are only added or
#: retired, never reworded, so no record, flag or due date changes with them).
WORD_LIST_KINDS = frozenset({"late_reason", "meeting_reason", "escalation_theme"})


@dataclass(frozen=True)
class Changes:
    """What an action changed: which kinds of record (table names), which children, or
    everything (a restore, an import, the demo). ``result`` is what the action gives back
    besides (the new meeting's id, an import's report, the demo's summary)."""

    kinds: frozenset[str] = frozenset()
    children: frozenset[int] = frozenset()
    everything: bool = False
    result: Any = None
    #: The action's name (`ACTIONS`), so a page can tell what happened.
    action: str = ""

    def touches(self, *kinds: str | frozenset[str]) -> bool:
        """Whether any of ``kinds`` (table names, or sets of them) changed."""
        if self.everything:
            return True
        wanted: set[str] = set()
        for kind in kinds:
            wanted.update({kind} if isinstance(kind, str) else kind)
        return bool(self.kinds & wanted)

    def touches_child(self, child_id: int | None) -> bool:
        return self.everything or (child_id is not None and child_id in self.children)

    @property
    def nothing(self) -> bool:
        """Whether nothing at all was changed (the action found things as asked already)."""
        return not (self.kinds or self.children or self.everything)

    @property
    def calendar(self) -> bool:
        """The rules or the working-day calendar may have changed (every due date)."""
        return self.touches(CALENDAR_KINDS)

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            self.kinds | other.kinds,
            self.children | other.children,
            self.everything or other.everything,
            other.result if other.result is not None else self.result,
            other.action or self.action,
        )


# --- the registry -------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionSpec:
    """One action: its name, what a person calls it, and the permission it needs."""

    name: str
    words: str
    permission: Permission
    function: Callable[..., Changes] = field(compare=False, repr=False)


#: Every action, by name. A test checks each against every role.
ACTIONS: dict[str, ActionSpec] = {}

F = TypeVar("F", bound=Callable[..., Changes])


def action(name: str, words: str, permission: Permission) -> Callable[[F], F]:
    """Register an action (``words`` completes "cannot ..."), e.g. "book a meeting"."""

    def register(function: F) -> F:
        if name in ACTIONS:
            raise RuntimeError(f"action {name!r} is registered twice")

        @functools.wraps(function)
        def run(*args: Any, **kwargs: Any) -> Changes:
            changes = function(*args, **kwargs)
            return replace(changes, action=name)

        ACTIONS[name] = ActionSpec(name, words, permission, run)
        run.spec = ACTIONS[name]  # type: ignore[attr-defined]
        return run  # type: ignore[return-value]

    return register


# --- the transaction ----------------------------------------------------------------------


@dataclass
class Transaction:
    """An action's open transaction: the session, who is acting, and what they may do."""

    session: Session
    actor: Actor
    spec: ActionSpec

    def refuse(self, why: str = "") -> Refused:
        """The refusal to raise: who, which role, what they tried (and why, if given)."""
        text = f"{self.actor.label} cannot {self.spec.words}"
        text += f": {why}" if why else ". Ask an administrator"
        text += ". Nothing was changed."
        log.info("refused: %s", text)
        return Refused(text)

    def require(self, permission: Permission, why: str = "") -> None:
        if not allowed(self.actor.role, permission):
            raise self.refuse(why)

    def require_chair(self, chair_id: int | None) -> None:
        """Recording an outcome: administrators any meeting, an IRO only one they chair."""
        if self.actor.role is Role.ADMINISTRATOR:
            return
        if not allowed(self.actor.role, Permission.RECORD_OUTCOME):
            raise self.refuse()
        if self.actor.staff_id is None or chair_id != self.actor.staff_id:
            raise self.refuse(
                "an IRO records the outcome only of meetings they chair, and this one is "
                "chaired by someone else (an administrator can record it)"
            )

    def changes(self, result: Any = None) -> Changes:
        """What this transaction changed, from the audit entries it wrote."""
        changed = self.session.info.get("changed", set())
        kinds = frozenset(table for table, _child in changed)
        children = frozenset(child for _table, child in changed if child is not None)
        return Changes(kinds | {"audit_log"} if changed else kinds, children, result=result)


def _integrity(exc: IntegrityError) -> ReviewdeskError:
    """A save the database refused: two people adding the same record at the same moment
    (a unique key), or a link to a record that is gone. Nothing was saved either way."""
    text = str(exc.orig).lower()
    if "unique" in text or "duplicate" in text:
        return ConcurrentChange(
            "Someone else saved the same record at the same moment; reopen it to see "
            "theirs. Nothing was saved."
        )
    return InvalidInput(
        "That change would break the records (a link to a record that is no longer there, "
        "or a value that must be unique). Nothing was saved."
    )


def meeting_numbers(session: Session, meeting_ids: Collection[int]) -> Mapping[int, int | None]:
    """Meeting id -> its number as every place numbers it today (`Register.sequence`: the
    engine's count; a meeting still to come as of its own day), for the stored meetings a
    refusal names (`reviewdesk.storage.validation.MEETING_NUMBERS`): one read of their
    children as they are stored."""
    ids = sorted(set(meeting_ids))
    children = session.scalars(
        select(Meeting.child_id).where(id_in(Meeting.id, ids)).distinct()
    ).all()
    if not children:
        return {}
    register = Register(session, as_of=dt.date.today(), children=children)
    wanted = set(ids)
    return {m.id: register.sequence(m) for m in register.meetings if m.id in wanted}


@contextmanager
def door(db: Database, actor: Actor, spec: ActionSpec | str) -> Iterator[Transaction]:
    """Open an action's transaction as the database's identity, refusing before anything is
    written when ``actor`` is not that identity or their role lacks the permission."""
    spec = ACTIONS[spec] if isinstance(spec, str) else spec
    try:
        with db.session() as session:
            identity = _identity(db, session)
            if actor.username != identity:
                raise Refused(
                    f"{actor.username} cannot {spec.words}: this database connection belongs "
                    f"to {identity}, and no one can act as someone else. Nothing was changed."
                )
            current = _actor(session, identity)
            session.info["username"] = identity
            session.info["action"] = spec.name
            session.info["changed"] = set()
            # A refusal names a meeting as every other place does, which storage cannot.
            session.info[MEETING_NUMBERS] = meeting_numbers
            tx = Transaction(session, current, spec)
            if spec.permission is not Permission.RECORD_OUTCOME:
                tx.require(spec.permission)
            elif current.role not in (Role.ADMINISTRATOR, Role.IRO):
                raise tx.refuse()
            yield tx
    except IntegrityError as exc:
        raise _integrity(exc) from exc
    except DataError as exc:
        # (Each action checks what it is given, `reviewdesk.actions.text`; this is for a
        # value one missed, which PostgreSQL refuses: never "Something went wrong".)
        log.warning("the database refused a value: %s", exc.orig)
        raise InvalidInput(
            "The database would not keep a value given: longer than it keeps, or not of its "
            "kind. Nothing was saved."
        ) from exc


__all__ = [
    "ACTIONS",
    "Actor",
    "ActionSpec",
    "CALENDAR_KINDS",
    "CASE_KINDS",
    "DEACTIVATED_WORDS",
    "WORD_LIST_KINDS",
    "Changes",
    "PERMISSIONS",
    "Permission",
    "ROLE_WORDS",
    "Refused",
    "Transaction",
    "action",
    "allowed",
    "door",
    "whoami",
]
