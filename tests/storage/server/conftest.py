"""A shared server set up for a team, with three people on it (tests/dbfixtures.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from sqlalchemy import Engine, create_engine

from reviewdesk import actions
from reviewdesk.storage.db import Database, open_database
from reviewdesk.storage.models import Child, Meeting, PeriodOfCare, Report, Staff
from tests.dbfixtures import TeamServer, team  # noqa: F401

D = dt.date


@dataclass
class People:
    """Three logins on one database, made through `reviewdesk users add` (the actions):
    an administrator, an IRO who chairs one of the child's two meetings, and a read-only
    team manager; the app's `Database` of each, and raw SQL engines for psql-like work."""

    team: TeamServer
    owner: Database
    admin: str
    iro: str
    reader: str
    ids: dict[str, int]
    dbs: dict[str, Database] = field(default_factory=dict)
    engines: dict[str, Engine] = field(default_factory=dict)

    def db(self, login: str) -> Database:
        if login not in self.dbs:
            self.dbs[login] = open_database(self.team.url(login))
        return self.dbs[login]

    def raw(self, login: str) -> Engine:
        """A plain connection as ``login``, as psql would make it."""
        if login not in self.engines:
            self.engines[login] = create_engine(self.team.url(login))
        return self.engines[login]


@pytest.fixture
def people(team: TeamServer) -> Iterator[People]:  # noqa: F811
    owner = open_database(team.url(team.owner))
    me = actions.whoami(owner)
    with owner.session() as s:
        chair = Staff(name="Łukasz Nowak", role="iro")
        other = Staff(name="Máire Ó Briain", role="iro")
        child = Child(local_id="R1", first_name="Zoë", last_name="Ó Briain", dob=D(2015, 6, 1))
        child.periods.append(PeriodOfCare(start=D(2024, 3, 25)))
        s.add_all([chair, other, child])
        s.flush()
        mine, theirs = (
            Meeting(
                child_id=child.id,
                period_id=child.periods[0].id,
                process="lac",
                meeting_type="lac_review",
                booked_date=day,
                chair_id=staff.id,
            )
            for staff, day in ((chair, D(2024, 4, 22)), (other, D(2024, 4, 23)))
        )
        mine.reports.append(Report(author="Zoë Clarke", agency="social_worker"))
        theirs.reports.append(Report(author="PC Evans", agency="police"))
        s.add_all([mine, theirs])
        s.flush()
        ids = {
            "child": child.id,
            "chair": chair.id,
            "other": other.id,
            "mine": mine.id,
            "theirs": theirs.id,
            "my_report": mine.reports[0].id,
            "their_report": theirs.reports[0].id,
        }
    admin, iro, reader = (team.login(who) for who in ("administrator", "iro", "reader"))
    actions.add_user(owner, me, admin, "administrator", display_name="Ann Admin")
    actions.add_user(owner, me, iro, "iro", display_name="Łukasz Nowak", staff_id=ids["chair"])
    actions.add_user(owner, me, reader, "team-manager", display_name="Tom Manager")
    made = People(team, owner, admin, iro, reader, ids)
    try:
        yield made
    finally:
        for database in made.dbs.values():
            database.dispose()
        for engine in made.engines.values():
            engine.dispose()
        owner.dispose()
