"""`Register`, the register as of a date: rows read once when it is made, statuses worked out
once, meetings' details the same whichever way they were read, and no mode for callers to
interpret."""

from __future__ import annotations

import datetime as dt

import pytest

from reviewdesk.casework.predicates import IdList, id_in
from reviewdesk.casework.register import Register
from reviewdesk.casework.rows import MEETING_DETAIL_COLUMNS
from reviewdesk.storage.models import Meeting
from tests.dbfixtures import db, db_target, open_db  # noqa: F401
from tests.flags.conftest import History

D = dt.date
AS_OF = D(2024, 6, 3)


@pytest.fixture
def reg(db) -> History:  # noqa: F811
    return History(db)


def _history(reg: History) -> tuple[int, int, int, int]:
    iro = reg.staff()
    child = reg.child()
    reg.period(child, D(2023, 1, 9), iro_id=iro)
    old = reg.meeting(child, held=D(2023, 2, 3), participation="PN1")
    recent = reg.meeting(child, held=D(2024, 5, 1), participation="PN2", late_reason_note="x")
    reg.meeting(child, booked=D(2024, 7, 1), consultation_sent=D(2024, 6, 1))
    closed = reg.child()
    reg.period(closed, D(2022, 1, 3), end=D(2023, 1, 3), iro_id=iro)
    return child, closed, old, recent


def test_details_are_the_same_whichever_way_they_were_read(db, reg) -> None:  # noqa: F811
    child, _closed, old, recent = _history(reg)
    detail_names = tuple(c.key for c in MEETING_DETAIL_COLUMNS[1:])
    with db.session() as s:
        whole = Register(s, as_of=AS_OF, open_only=True)
        quick = Register(s, as_of=AS_OF, open_only=True, recent_since=D(2024, 3, 3))
        read_after = whole.with_details(whole.meetings)
        read_with = quick.with_details(quick.meetings)
        narrowed = whole.with_details(whole.meetings, where=Meeting.held_date >= D(2024, 1, 1))
    assert {m.id for m in whole.meetings} - {m.id for m in quick.meetings} == {old}
    by_id = {m.id: m for m in read_after}
    for m in read_with:
        assert tuple(getattr(m, n) for n in detail_names) == tuple(
            getattr(by_id[m.id], n) for n in detail_names
        )
    assert by_id[recent].participation == "PN2" and by_id[old].participation == "PN1"
    assert [m.id for m in narrowed] == [recent]  # booked: no held date, so not >= 2024
    assert quick.statuses[child].next_due == whole.statuses[child].next_due


def test_rows_are_read_when_made_and_statuses_worked_out_once(db, reg) -> None:  # noqa: F811
    child, closed, _old, _recent = _history(reg)
    with db.session() as s:
        everyone = Register(s, as_of=AS_OF)
        open_cases = Register(s, as_of=AS_OF, open_only=True)
    # The session is closed: what the register read is all it needs for its statuses.
    statuses = everyone.statuses
    assert everyone.statuses is statuses
    assert set(statuses) == {child, closed} and statuses[closed].next_due is None
    assert set(open_cases.statuses) == {child}
    assert everyone.includes_every_open_case and open_cases.includes_every_open_case
    with db.session() as s:
        one = Register(s, as_of=AS_OF, children=[child])
    assert not one.includes_every_open_case
    assert set(one.children) == {child}


def test_what_a_register_cannot_be(db) -> None:  # noqa: F811
    with db.session() as s:
        with pytest.raises(ValueError, match="open_only"):
            Register(s, as_of=AS_OF, recent_since=D(2024, 1, 1))
        with pytest.raises(ValueError, match="on or before"):
            Register(s, as_of=AS_OF, open_only=True, recent_since=D(2024, 7, 1))


def test_an_id_list_is_written_once_and_an_empty_one_matches_nothing() -> None:
    ids = IdList([3, 1, 2])
    assert ids.text == "3,1,2" and len(ids) == 3
    assert str(id_in(Meeting.child_id, ids)) == "meeting.child_id IN (3,1,2)"
    assert str(id_in(Meeting.child_id, [])) == "false"
