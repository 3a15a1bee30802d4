"""What every page needs: the open database, the user's role, the working-day calendar and
the as-of date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select

from reviewdesk.codes import Role
from reviewdesk.rules import RuleSet
from reviewdesk.settings import get_setting, set_setting, working_context
from reviewdesk.storage.db import Database
from reviewdesk.storage.models import Child, Setting
from reviewdesk.storage.users import Action, can, role_of
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


def save_setting(db: Database, key: str, value) -> None:
    with db.session() as s:
        set_setting(s, key, value)


def user_role(db: Database) -> Role:
    """The signed-in user's role: administrator while no users are set up; once users exist,
    someone not on the list may only read (``reviewdesk.storage.users.role_of``)."""
    with db.session() as s:
        return role_of(s, db.username)


ROLE_LABEL = {
    Role.ADMINISTRATOR: "Administrator",
    Role.IRO: "IRO",
    Role.TEAM_MANAGER: "Team manager (read only)",
}


@dataclass
class AppContext:
    db: Database
    as_of: dt.date = field(default_factory=dt.date.today)
    role: Role = Role.ADMINISTRATOR
    calendar: WorkingCalendar = field(default_factory=WorkingCalendar)
    rules: RuleSet | None = None
    #: Bumped whenever data changes (a booking, an import, a refresh): shared readings of the
    #: whole register (``ui.snapshot``) are then read again.
    data_version: int = 0

    @classmethod
    def open(cls, db: Database, *, as_of: dt.date | None = None) -> AppContext:
        ctx = cls(db=db, as_of=as_of or dt.date.today(), role=user_role(db))
        ctx.reload_calendar()
        return ctx

    def reload_calendar(self) -> None:
        """Rules and calendar in force (after the region, closures or overrides change)."""
        with self.db.session() as s:
            self.rules, self.calendar = working_context(s)

    # What the role allows ------------------------------------------------------------------
    def can(self, action: str) -> bool:
        """May the signed-in user do ``action`` (``reviewdesk.storage.users.Action``)?"""
        return can(self.role, action)

    @property
    def can_book(self) -> bool:
        return self.can(Action.BOOK_MEETING)

    @property
    def can_record(self) -> bool:
        return self.can(Action.RECORD_OUTCOME)

    @property
    def can_edit_settings(self) -> bool:
        return self.can(Action.MANAGE_SETTINGS)

    @property
    def can_import(self) -> bool:
        return self.can(Action.IMPORT)

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
