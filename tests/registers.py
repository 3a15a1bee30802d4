"""Small registers built row by row, with explicit dates (`History`, and the `reg` fixture that
every test folder gets from tests/conftest.py).

``reg`` writes into ``db`` (from tests.dbfixtures): a fresh database per test, a SQLite file and
the PostgreSQL server named by $REVIEWDESK_TEST_PG when it is set.
"""

from __future__ import annotations

import datetime as dt
from itertools import count

import pytest
from sqlalchemy import select

from reviewdesk.storage.db import Database
from reviewdesk.storage.models import (
    Child,
    CpEnquiry,
    CpPlan,
    Episode,
    LateReason,
    Meeting,
    PeriodOfCare,
    Report,
    Room,
    Setting,
    Staff,
    Team,
    Venue,
)

D = dt.date
DEFAULT_DOB = D(2015, 1, 1)

__all__ = ["History", "reg"]


class History:
    """Adds rows and commits at once, returning ids (so tests read like the history)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._n = count(1)

    def _add(self, obj) -> int:
        with self.db.session() as s:
            s.add(obj)
            s.flush()
            return obj.id

    def staff(self, name="Iris Owen", role="iro", fte=1.0, team_id=None) -> int:
        return self._add(Staff(name=name, role=role, fte=fte, team_id=team_id))

    def team(self, name="North", manager_id=None) -> int:
        return self._add(Team(name=name, manager_id=manager_id))

    def room(self, name="Room 1") -> int:
        with self.db.session() as s:
            venue = Venue(name=f"Venue {next(self._n)}")
            room = Room(venue=venue, name=name)
            s.add(room)
            s.flush()
            return room.id

    def child(self, dob=DEFAULT_DOB, first="Zoë", last="Łukasz", team_id=None, **kw) -> int:
        return self._add(
            Child(
                local_id=f"C{next(self._n)}",
                first_name=first,
                last_name=last,
                dob=dob,
                team_id=team_id,
                **kw,
            )
        )

    def period(self, child_id, start, end=None, legal_status="C2", **kw) -> int:
        with self.db.session() as s:
            p = PeriodOfCare(child_id=child_id, start=start, end_date=end, **kw)
            p.episodes.append(Episode(start=start, legal_status=legal_status, rne="S"))
            s.add(p)
            s.flush()
            return p.id

    def enquiry(self, child_id, strategy=None, route="s47", **kw) -> int:
        return self._add(CpEnquiry(child_id=child_id, route=route, strategy_date=strategy, **kw))

    def plan(self, child_id, start, enquiry_id=None, end=None, **kw) -> int:
        return self._add(
            CpPlan(child_id=child_id, enquiry_id=enquiry_id, start=start, end_date=end, **kw)
        )

    def meeting(
        self,
        child_id,
        meeting_type="lac_review",
        *,
        booked=None,
        held=None,
        status=None,
        time=None,
        **kw,
    ) -> int:
        process = "lac" if meeting_type == "lac_review" else "cp"
        if status is None:
            status = "held" if held else "booked"
        return self._add(
            Meeting(
                child_id=child_id,
                process=process,
                meeting_type=meeting_type,
                status=status,
                booked_date=booked or held,
                booked_time=time,
                held_date=held,
                **kw,
            )
        )

    def report(self, meeting_id, rule_id=None, received=None, shared=None, **kw) -> int:
        kw.setdefault("author", "Sam Social")
        kw.setdefault("agency", "social_worker")
        return self._add(
            Report(
                meeting_id=meeting_id,
                rule_id=rule_id,
                received=received,
                shared_with_parents=shared,
                **kw,
            )
        )

    def late_reason(self, text="Room unavailable") -> int:
        """The id of a late reason (the database may already hold the standard ones)."""
        with self.db.session() as s:
            found = s.scalar(select(LateReason.id).where(LateReason.text == text))
        return found if found is not None else self._add(LateReason(text=text))

    def setting(self, key, value) -> None:
        with self.db.session() as s:
            s.merge(Setting(key=key, value=value))


@pytest.fixture
def reg(db) -> History:
    return History(db)
