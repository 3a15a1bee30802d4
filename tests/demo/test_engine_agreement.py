"""The generator and the engine agree for other seeds and as-of dates too.

Each as-of date is chosen to stress something: a bank holiday, the Christmas closure, the end
of February, a Monday after Easter.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from reviewdesk.storage.db import open_database
from reviewdesk.storage.models import Meeting
from tests.actions.shortcuts import generate_demo
from tests.demo.engine_view import engine_view


@pytest.mark.parametrize(
    ("seed", "as_of"),
    [
        (2, dt.date(2024, 5, 27)),  # spring bank holiday
        (3, dt.date(2023, 12, 28)),  # a closure day between Christmas and New Year
        (4, dt.date(2024, 2, 29)),  # leap day: month arithmetic clamps
        (5, dt.date(2025, 4, 22)),  # the day after Easter Monday
    ],
)
def test_engine_finds_late_exactly_what_was_meant(tmp_path, seed, as_of):
    db = open_database(tmp_path / "demo.sqlite")
    summary = generate_demo(db, children=40, seed=seed, as_of=as_of)
    with db.session() as s:
        view = engine_view(s, as_of)
        meant = {
            (m.child_id, m.held_date, m.meeting_type)
            for m in s.scalars(
                select(Meeting).where(Meeting.status == "held", Meeting.late_reason_id.is_not(None))
            )
        }
        booked = list(s.scalars(select(Meeting).where(Meeting.status == "booked")))
    db.dispose()
    assert view.late_held == meant
    assert sum(nxt.overdue for nxt in view.next_due.values()) == summary.overdue >= 1
    # Every booking ahead (other than the overdue one booked late) is within its due date.
    due_by_case = {key: nxt.due.date for key, nxt in view.next_due.items()}
    for m in booked:
        if m.late_reason_id is None:
            assert m.booked_date <= due_by_case[(m.child_id, m.process)]
