"""What every page needs: the open database, the user's role, the working-day calendar, the
as-of date, and which optional parts of the core are installed.

Optional parts (calendar, due-date engine, flags, demo generator) are imported lazily; when one
is missing the pages show an honest empty state instead of made-up figures.
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass, field
from types import ModuleType

from sqlalchemy import func, select

from reviewdesk.codes import Role
from reviewdesk.storage.db import Database
from reviewdesk.storage.models import Child, ClosureDay, Setting, User

DEFAULT_REGION = "england-and-wales"


def optional_module(name: str) -> ModuleType | None:
    """Import a part of the core that may not be installed yet; None when it is absent."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


class WeekendsOnlyCalendar:
    """Stand-in used only while ``reviewdesk.workingdays`` is not installed: knows weekends,
    not bank holidays. The status bar says so."""

    region = DEFAULT_REGION

    def is_working_day(self, d: dt.date) -> bool:
        return d.weekday() < 5

    def non_working_reason(self, d: dt.date) -> str | None:
        return d.strftime("%A") if d.weekday() >= 5 else None

    def on_or_before(self, d: dt.date) -> dt.date:
        while not self.is_working_day(d):
            d -= dt.timedelta(days=1)
        return d

    def on_or_after(self, d: dt.date) -> dt.date:
        while not self.is_working_day(d):
            d += dt.timedelta(days=1)
        return d

    def holidays(self, year: int) -> list[tuple[dt.date, str]]:
        return []


def setting(db: Database, key: str, default=None):
    with db.session() as s:
        row = s.get(Setting, key)
        return default if row is None else row.value


def save_setting(db: Database, key: str, value) -> None:
    with db.session() as s:
        row = s.get(Setting, key)
        if row is None:
            s.add(Setting(key=key, value=value))
        else:
            row.value = value


def build_calendar(db: Database):
    """The council's working-day calendar: its region and local closure days."""
    module = optional_module("reviewdesk.workingdays")
    region = setting(db, "region", DEFAULT_REGION) or DEFAULT_REGION
    if module is None:
        return WeekendsOnlyCalendar(), False
    with db.session() as s:
        closures = {c.day: c.description for c in s.scalars(select(ClosureDay))}
    try:
        return module.WorkingCalendar(region=region, closures=closures), True
    except Exception:  # noqa: BLE001 - a bad stored region must not stop the window opening
        return module.WorkingCalendar(closures=closures), True


def user_role(db: Database) -> Role:
    """The signed-in user's role: from the user table; with no users set up at all, the person
    running the app on their own database is its administrator."""
    with db.session() as s:
        user = s.scalar(select(User).where(User.username == db.username))
        if user is not None and user.active:
            return Role(user.role)
        any_user = s.scalar(select(func.count(User.id))) or 0
    return Role.ADMINISTRATOR if any_user == 0 else Role.TEAM_MANAGER


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
    calendar: object = field(default_factory=WeekendsOnlyCalendar)
    calendar_is_real: bool = False

    @classmethod
    def open(cls, db: Database, *, as_of: dt.date | None = None) -> AppContext:
        calendar, real = build_calendar(db)
        return cls(
            db=db,
            as_of=as_of or dt.date.today(),
            role=user_role(db),
            calendar=calendar,
            calendar_is_real=real,
        )

    def reload_calendar(self) -> None:
        self.calendar, self.calendar_is_real = build_calendar(self.db)

    # What the role allows ------------------------------------------------------------------
    @property
    def can_book(self) -> bool:
        return self.role is Role.ADMINISTRATOR

    @property
    def can_record(self) -> bool:
        return self.role in (Role.ADMINISTRATOR, Role.IRO)

    @property
    def can_edit_settings(self) -> bool:
        return self.role is Role.ADMINISTRATOR

    def is_empty(self) -> bool:
        with self.db.session() as s:
            return s.scalar(select(Child.id).limit(1)) is None

    def council_name(self) -> str:
        return setting(self.db, "council_name", "") or ""

    def database_label(self) -> str:
        url = self.db.url
        if url.startswith("sqlite:///"):
            return url.removeprefix("sqlite:///")
        # Never show a password from a PostgreSQL URL.
        return self.db.engine.url.render_as_string(hide_password=True)
