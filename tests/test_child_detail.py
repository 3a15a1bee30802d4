"""What a child's page reads, read the fast way and the general way, must be the same.

`queries.child_detail` reads a child's meetings with their parts, reports, moves, rooms and
people in four queries whatever their number; `queries.detail_of` reads the same child's
records one by one, as they are used (the general way). `last_contacts` passes a few
children's ids as parameters to statements compiled once, and writes many into the SQL.
The sample is given the records it lacks (parts, moves, a late reason, allocations, a room
with no people, contacts) so that every field is compared with something in it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from reviewdesk import queries
from reviewdesk.oversight import records
from reviewdesk.storage.models import (
    Allocation,
    Child,
    IroContact,
    LateReason,
    Meeting,
    MeetingMove,
    MeetingPart,
    Report,
)
from tests.ui.sample import AS_OF

D = dt.date


def _fill_in(db, sample) -> None:
    """Parts, moves, a late reason, a clerk, reports, allocations and contacts, on top of
    the sample (whose meetings have none of the first three)."""
    with db.session() as s:
        held = s.get(Meeting, sample["icpc"])
        s.add_all(
            [
                MeetingPart(meeting_id=held.id, part_no=2, held_date=D(2024, 1, 8)),
                MeetingPart(meeting_id=held.id, part_no=1, held_date=held.held_date),
            ]
        )
        held.late_reason_id = s.scalars(select(LateReason.id).order_by(LateReason.id)).first()
        held.clerk_id = sample["maire"]
        moved = s.get(Meeting, sample["rcpc"])
        moved.room_id = None  # a meeting with no room, moved twice
        s.add_all(
            [
                MeetingMove(
                    meeting_id=moved.id,
                    from_date=None,
                    from_time=None,
                    to_date=D(2024, 3, 1),
                    to_time=dt.time(10, 0),
                    reason="First booked",
                    moved_by=None,
                    moved_at=None,
                ),
                MeetingMove(
                    meeting_id=moved.id,
                    from_date=D(2024, 3, 1),
                    from_time=dt.time(10, 0),
                    to_date=D(2024, 3, 8),
                    to_time=None,
                    reason="Chair ill",
                    moved_by="admin",
                    moved_at=dt.datetime(2024, 2, 27, 9, 15, tzinfo=dt.UTC),
                ),
                Report(meeting_id=moved.id, author="Dr A Khan", agency="health"),
                Report(
                    meeting_id=moved.id,
                    author="PC Jones",
                    agency="police",
                    received=D(2024, 3, 4),
                    shared_with_parents=D(2024, 3, 5),
                ),
            ]
        )
        s.add_all(
            [
                Allocation(
                    child_id=sample["sian_child"],
                    kind="iro",
                    staff_id=sample["lukasz"],
                    start=D(2023, 5, 1),
                    end_date=D(2023, 9, 1),
                    reason="Left",
                ),
                Allocation(child_id=sample["sian_child"], kind="iro", staff_id=sample["sian"]),
                Allocation(child_id=sample["sian_child"], kind="team", team_id=sample["north"]),
                IroContact(
                    child_id=sample["sian_child"],
                    staff_id=sample["lukasz"],
                    contact_date=D(2024, 4, 8),
                    kind="visit",
                    with_child=True,
                ),
                IroContact(  # not with the child: not a contact with them
                    child_id=sample["lukasz_child"],
                    staff_id=sample["lukasz"],
                    contact_date=D(2024, 4, 9),
                    kind="call",
                    with_child=False,
                ),
                IroContact(  # after the as-of date: not yet made
                    child_id=sample["zoe"],
                    staff_id=sample["lukasz"],
                    contact_date=AS_OF + dt.timedelta(days=1),
                    kind="visit",
                    with_child=True,
                ),
            ]
        )


def test_a_childs_page_reads_the_same_as_reading_each_record(db, sample) -> None:
    _fill_in(db, sample)
    with db.session() as s:
        ids = list(s.scalars(select(Child.id).order_by(Child.id)))
    seen = []
    for child_id in ids:
        with db.session() as s:
            fast = queries.child_detail(s, child_id)
        with db.session() as s:  # a new session: nothing loaded, each record read as used
            general = queries.detail_of(s.get(Child, child_id))
        assert fast == general, child_id
        seen.extend(fast.meetings)
    # Every field was compared with something in it.
    assert any(len(m.parts) == 2 for m in seen)
    assert [m.parts for m in seen if m.id == sample["icpc"]] == [(D(2023, 12, 20), D(2024, 1, 8))]
    assert any(len(m.moves) == 2 for m in seen) and any(len(m.reports) == 2 for m in seen)
    assert any(m.late_reason for m in seen) and any(m.clerk for m in seen)
    assert any(m.room for m in seen) and any(m.room_id is None for m in seen)
    with db.session() as s:
        assert queries.child_detail(s, max(ids) + 1) is None


@pytest.mark.parametrize("few", [0, records.FEW_CHILDREN])
def test_last_contacts_the_same_for_few_children_and_many(db, sample, monkeypatch, few) -> None:
    """With ``few`` 0 every list of children goes the way of many (written into the SQL)."""
    _fill_in(db, sample)
    with db.session() as s:
        ids = list(s.scalars(select(Child.id).order_by(Child.id)))
        everyone = records.last_contacts(s, as_of=AS_OF)  # no list: the general way
        before = records.last_contacts(s, as_of=D(2023, 11, 5))
    assert everyone[sample["sian_child"]] == D(2024, 4, 8)  # the visit, after her review
    assert sample["zoe"] not in everyone and sample["lukasz_child"] not in everyone
    assert before and before != everyone
    monkeypatch.setattr(records, "FEW_CHILDREN", few)
    with db.session() as s:
        for child_id in ids:
            found = records.last_contacts(s, as_of=AS_OF, child_ids=[child_id])
            assert found == {k: v for k, v in everyone.items() if k == child_id}
        assert records.last_contacts(s, as_of=AS_OF, child_ids=ids) == everyone
        assert records.last_contacts(s, as_of=D(2023, 11, 5), child_ids=ids) == before
