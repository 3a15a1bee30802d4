"""What every page needs: the open database, who is acting (and their role), the working-day
calendar, the as-of date, and the news of every change (`AppContext.did_change`, Anki's
``operation_did_execute``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from reviewdesk.actions import Actor, Changes, Permission, whoami
from reviewdesk.caseload import CHAIR_ROLES
from reviewdesk.codes import Role
from reviewdesk.rules import RuleSet
from reviewdesk.settings import get_setting, working_context
from reviewdesk.storage.db import Database
from reviewdesk.storage.models import Child, Setting, Staff
from reviewdesk.workingdays import REGION_LABELS, WorkingCalendar

DEFAULT_REGION = "england-and-wales"


def setting(db: Database, key: str, default=None):
    """A council setting (``reviewdesk.settings``), or ``default`` for an unknown key."""
    with db.session() as s:
        try:
            return get_setting(s, key)
        except KeyError:
            row = s.get(Setting, key)
            return default if row is None else row.value


ROLE_LABEL: dict[Role | None, str] = {
    Role.ADMINISTRATOR: "Administrator",
    Role.IRO: "IRO",
    Role.TEAM_MANAGER: "Team manager (read only)",
    None: "Not on the user list (read only)",
}
#: What the status bar and Settings call someone on the user list who was deactivated.
DEACTIVATED_LABEL = "Deactivated (read only)"

#: Why an IRO whose user has no staff record linked can record nothing (shown where the
#: recording controls are).
NO_STAFF_RECORD = (
    "Your user has no staff record linked, so no meetings are yours to record. An "
    "administrator can link one in Settings > Users and roles (Name and staff record…)."
)

ChangeListener = Callable[[Changes], None]
#: How many data versions' changes the context remembers.
CHANGE_LOG_LENGTH = 50


@dataclass
class AppContext:
    db: Database
    as_of: dt.date = field(default_factory=dt.date.today)
    #: Who the database says is acting, with their role (`reviewdesk.actions.whoami`).
    actor: Actor | None = None
    calendar: WorkingCalendar = field(default_factory=WorkingCalendar)
    rules: RuleSet | None = None
    #: Bumped whenever data changes (a booking, an import, a refresh): shared readings of the
    #: whole register (``ui.snapshot``) are then read again.
    data_version: int = 0
    #: The latest data versions' `Changes` (a version bumped without one, by F5 or a new
    #: as-of date, is not here): ``ui.snapshot`` works out again only the children they name.
    change_log: list[tuple[int, Changes]] = field(default_factory=list, repr=False)
    #: The day the session works on (today, or the ``--as-of`` it was started with). Looking
    #: at the register as of another day (View > As-of date) is read only.
    today: dt.date | None = None
    _listeners: list[ChangeListener] = field(default_factory=list, repr=False)
    _before_action: list[Callable[[], None]] = field(default_factory=list, repr=False)
    _after_failure: list[Callable[[], None]] = field(default_factory=list, repr=False)
    _chairs: tuple[Actor | None, int | None] | None = field(default=None, repr=False)

    @classmethod
    def open(cls, db: Database, *, as_of: dt.date | None = None) -> AppContext:
        day = as_of or dt.date.today()
        ctx = cls(db=db, as_of=day, actor=whoami(db), today=day)
        ctx.reload_calendar()
        return ctx

    def __post_init__(self) -> None:
        if self.actor is None:
            self.actor = whoami(self.db)
        if self.today is None:
            self.today = self.as_of

    @property
    def viewing_past(self) -> bool:
        """Looking at the register as of a day other than the session's own: nothing may be
        booked, recorded or edited (what is shown is not how things stand now)."""
        return self.as_of != self.today

    @property
    def role(self) -> Role | None:
        """The acting user's role; None when they are not on the user list (read only)."""
        return self.actor.role if self.actor is not None else None

    def chair_staff_id(self) -> int | None:
        """The acting user's staff record when it chairs meetings (an IRO or CP chair), for
        what is theirs alone ("My meetings" in the diary, "My cases only" on the
        dashboard); None for anyone else: a team manager linked to their own record chairs
        nothing, and was shown an empty week. Read once for each acting user."""
        actor = self.actor
        if self._chairs is None or self._chairs[0] != actor:
            staff_id = None
            if actor is not None and actor.staff_id is not None:
                with self.db.session() as s:
                    role = s.scalar(select(Staff.role).where(Staff.id == actor.staff_id))
                staff_id = actor.staff_id if role in CHAIR_ROLES else None
            self._chairs = (actor, staff_id)
        return self._chairs[1]

    @property
    def role_label(self) -> str:
        """The acting user's role in words ("IRO"; "Deactivated (read only)" for someone on
        the list who was deactivated, not "Not on the user list")."""
        if self.actor is not None and self.actor.deactivated:
            return DEACTIVATED_LABEL
        return ROLE_LABEL[self.role]

    def reload_actor(self) -> None:
        """Read who is acting again (after the user list changed)."""
        self.actor = whoami(self.db)

    # Changes -------------------------------------------------------------------------------
    def subscribe(self, listener: ChangeListener) -> None:
        """Call ``listener(changes)`` after every action the window runs."""
        self._listeners.append(listener)

    def before_actions(self, hook: Callable[[], None]) -> None:
        """Call ``hook()`` before every action the window runs (`ui.change_watch` notes
        other people's changes then, so that the action's own does not hide them)."""
        self._before_action.append(hook)

    def action_starting(self) -> None:
        """The window is about to run an action (`ui.operations`)."""
        for hook in list(self._before_action):
            hook()

    def after_failed_actions(self, hook: Callable[[], None]) -> None:
        """Call ``hook()`` when an action the window started was refused or failed (it
        changed nothing, and no `did_change` follows)."""
        self._after_failure.append(hook)

    def action_failed(self) -> None:
        """The action the window started was refused or failed (`ui.operations`)."""
        for hook in list(self._after_failure):
            hook()

    def did_change(self, changes: Changes) -> None:
        """An action changed data: keep the shared state right, then tell every listener
        (each page decides whether what it shows is affected)."""
        if changes.everything or changes.kinds - {"audit_log"}:
            self.data_version += 1
            self.change_log = [
                *self.change_log[-(CHANGE_LOG_LENGTH - 1) :],
                (self.data_version, changes),
            ]
        if changes.calendar:
            self.reload_calendar()
        if changes.touches("app_user"):
            self.reload_actor()
        for listener in list(self._listeners):
            listener(changes)

    def reload_calendar(self) -> None:
        """Rules and calendar in force (after the region, closures or overrides change)."""
        with self.db.session() as s:
            self.rules, self.calendar = working_context(s)

    # What the role allows (the actions check again, in the core) ---------------------------
    def can(self, permission: Permission | str) -> bool:
        """May the acting user do what ``permission`` needs (`reviewdesk.actions.Permission`)?"""
        return self.actor is not None and self.actor.may(Permission(permission))

    @property
    def can_book(self) -> bool:
        return self.can(Permission.BOOK_MEETING) and not self.viewing_past

    @property
    def can_edit_case(self) -> bool:
        """Editing a child's details and allocations (not while viewing another day)."""
        return self.can(Permission.EDIT_CASE) and not self.viewing_past

    @property
    def can_record(self) -> bool:
        """Recording at all (an IRO only for meetings they chair: see `can_record_for`)."""
        return self.can(Permission.RECORD_OUTCOME) and not self.viewing_past

    def can_record_for(self, chair_id: int | None) -> bool:
        if self.viewing_past:
            return False
        if self.role is Role.ADMINISTRATOR:
            return True
        return (
            self.can_record
            and self.actor is not None
            and self.actor.staff_id is not None
            and self.actor.staff_id == chair_id
        )

    @property
    def unlinked_iro(self) -> bool:
        """A role that records only the meetings its user chairs, for a user with no staff
        record linked: no meeting is theirs, so every recording control is off."""
        return (
            self.can(Permission.RECORD_OUTCOME)
            and self.role is not Role.ADMINISTRATOR
            and self.actor is not None
            and self.actor.staff_id is None
        )

    @property
    def can_record_any(self) -> bool:
        """Recording some meeting's outcome or attendance: an administrator, or an IRO with
        a staff record (which meetings: `can_record_for`)."""
        return self.can_record and not self.unlinked_iro

    @property
    def recording_off_reason(self) -> str:
        """Why every recording control is off, in words for the person; empty when none is
        off for want of a staff record."""
        return NO_STAFF_RECORD if self.unlinked_iro else ""

    @property
    def read_only_reason(self) -> str:
        """Why a user may change nothing on a child's page (a team manager; someone not on
        the user list, or deactivated), in words for the person; empty for a role that may
        book or record (the checks themselves are the actions')."""
        if self.can(Permission.BOOK_MEETING) or self.can(Permission.RECORD_OUTCOME):
            return ""
        who = self.role_label.removesuffix(" (read only)").lower()
        return (
            f"Read only ({who}): an administrator books meetings and edits the record, and "
            "the IRO chairing a meeting records its outcome."
        )

    @property
    def booking_off_reason(self) -> str:
        """Why booking and editing a child's record are off for a role that records (an
        IRO), in words; empty for an administrator, or a role that may only read (whose
        reason is `read_only_reason`)."""
        if self.can(Permission.BOOK_MEETING) or not self.can(Permission.RECORD_OUTCOME):
            return ""
        return (
            "An administrator books meetings and edits the record; as an IRO you record "
            "the meetings you chair."
        )

    @property
    def can_edit_settings(self) -> bool:
        return self.can(Permission.MANAGE_SETTINGS)

    @property
    def can_import(self) -> bool:
        return self.can(Permission.IMPORT)

    @property
    def can_manage_users(self) -> bool:
        return self.can(Permission.MANAGE_USERS)

    @property
    def can_view_audit(self) -> bool:
        return self.can(Permission.VIEW_AUDIT)

    @property
    def can_create_demo(self) -> bool:
        return self.can(Permission.BACKUP_RESTORE)

    def is_empty(self) -> bool:
        with self.db.session() as s:
            return s.scalar(select(Child.id).limit(1)) is None

    def council_name(self) -> str:
        return setting(self.db, "council_name", "") or ""

    def region_label(self) -> str:
        return REGION_LABELS.get(self.calendar.region, self.calendar.region)

    def database_label(self) -> str:
        url = self.db.url
        if url.startswith("sqlite:///"):
            return url.removeprefix("sqlite:///")
        # Never show a password from a PostgreSQL URL.
        return self.db.engine.url.render_as_string(hide_password=True)
