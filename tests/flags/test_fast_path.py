"""Flags read only recent meetings (`Register(recent_since=...)`); the answers must be
exactly those computed from the whole history.

A demo authority, on SQLite and on PostgreSQL, is checked at several as-of dates: every
flag, every child's next meeting due, and the timeliness of every meeting flags look at.
"""

from __future__ import annotations

import datetime as dt

import pytest

from reviewdesk.casework.register import Register
from reviewdesk.codes import INITIAL_CONFERENCES
from reviewdesk.flags import compute_flags, flags_from_register
from reviewdesk.flags.base import HELD_LOOKBACK_DAYS
from tests.actions.shortcuts import generate_demo

DEMO_AS_OF = dt.date(2025, 12, 10)
D = dt.date


@pytest.fixture
def demo(db):
    generate_demo(db, children=150, seed=11, as_of=DEMO_AS_OF)
    return db


def _key(flags):
    return [tuple(f) for f in flags]


@pytest.mark.parametrize("days_back", [0, 45, 200])
def test_recent_history_gives_the_same_flags_and_schedules(demo, days_back) -> None:
    as_of = DEMO_AS_OF - dt.timedelta(days=days_back)
    held_since = as_of - dt.timedelta(days=HELD_LOOKBACK_DAYS)
    with demo.session() as s:
        full = Register(s, as_of=as_of, open_only=True)
        recent = Register(s, as_of=as_of, open_only=True, recent_since=held_since)
        fast = compute_flags(s, as_of=as_of)
        slow = flags_from_register(full)
    assert fast, "the demo should raise some flags"
    assert _key(fast) == _key(slow)

    # Old LAC reviews and CP review conferences were counted, not read: there were some.
    initial = {t.value for t in INITIAL_CONFERENCES}

    def old(data, process):
        return {
            m.id
            for m in data.meetings
            if m.process == process
            and m.status == "held"
            and m.held_date < held_since
            and m.meeting_type not in initial
        }

    assert old(full, "lac") and not old(recent, "lac")
    assert old(full, "cp") and not old(recent, "cp")
    assert set(recent.statuses) == set(full.statuses)
    for child_id, status in full.statuses.items():
        other = recent.statuses[child_id]
        assert other.next_due == status.next_due
        if status.cp is not None:
            assert other.cp.next_due == status.cp.next_due
            assert other.cp.milestones == status.cp.milestones
            kept_cp = [c for c in status.cp.conferences if c.sequence == 0 or c.held >= held_since]
            assert other.cp.conferences == tuple(kept_cp)
        if status.lac is not None:
            assert other.lac.next_due == status.lac.next_due
            kept = [r for r in status.lac.reviews if r.held >= held_since]
            assert other.lac.reviews == tuple(kept)
        for meeting_id, timeliness in other.meetings.items():
            assert status.meetings[meeting_id] == timeliness


def test_held_since_needs_open_only(demo) -> None:
    with demo.session() as s, pytest.raises(ValueError):
        Register(s, as_of=DEMO_AS_OF, recent_since=DEMO_AS_OF)


def _compare(db, as_of: dt.date) -> None:
    """The fast path's flags and schedules equal the whole history's."""
    held_since = as_of - dt.timedelta(days=HELD_LOOKBACK_DAYS)
    with db.session() as s:
        full = Register(s, as_of=as_of, open_only=True)
        recent = Register(s, as_of=as_of, open_only=True, recent_since=held_since)
        assert _key(compute_flags(s, as_of=as_of)) == _key(flags_from_register(full))
    for child_id, status in full.statuses.items():
        other = recent.statuses[child_id]
        assert other.next_due == status.next_due
        for meeting_id, timeliness in other.meetings.items():
            assert status.meetings[meeting_id] == timeliness
        for meeting_id, timeliness in status.meetings.items():
            meeting = next(m for m in full.meetings if m.id == meeting_id)
            if meeting.held_date is None or meeting.held_date >= held_since:
                assert other.meetings[meeting_id] == timeliness


def test_odd_cp_links_give_the_same_answers(db, reg) -> None:
    """Review conferences linked to a closed plan, not linked at all, or held before their
    plan began are placed as the whole history places them."""
    as_of = D(2024, 6, 3)
    a = reg.child(dob=D(2015, 1, 1))
    e1 = reg.enquiry(a, strategy=D(2022, 1, 10))
    reg.meeting(a, "icpc", held=D(2022, 2, 1), enquiry_id=e1)
    p1 = reg.plan(a, D(2022, 2, 1), enquiry_id=e1, end=D(2022, 9, 1))
    p2 = reg.plan(a, D(2023, 1, 10), enquiry_id=e1)
    # On the closed plan but its enquiry is the open episode's: placed there, then ignored.
    reg.meeting(a, "rcpc_first", held=D(2022, 5, 1), plan_id=p1, enquiry_id=e1)
    reg.meeting(a, "rcpc_first", held=D(2023, 4, 3), plan_id=p2, enquiry_id=e1)
    # Not linked to anything, placed by date in the open plan's episode, between the linked
    # reviews that are counted rather than read.
    reg.meeting(a, "rcpc_subsequent", held=D(2023, 7, 3))
    reg.meeting(a, "rcpc_subsequent", held=D(2023, 10, 2), plan_id=p2, enquiry_id=e1)
    recent = reg.meeting(a, "rcpc_subsequent", held=D(2024, 4, 2), plan_id=p2, enquiry_id=e1)
    reg.report(recent, received=D(2024, 3, 29))
    reg.meeting(a, "rcpc_subsequent", booked=D(2024, 9, 30), plan_id=p2, enquiry_id=e1)

    # A closed episode's meetings, for a child open in care: left out of the fast read.
    b = reg.child(dob=D(2012, 3, 3))
    reg.period(b, D(2023, 11, 1))
    e2 = reg.enquiry(b, strategy=D(2020, 1, 6), closed_date=D(2021, 1, 4))
    p3 = reg.plan(b, D(2020, 2, 3), enquiry_id=e2, end=D(2021, 1, 4))
    reg.meeting(b, "icpc", held=D(2020, 2, 3), enquiry_id=e2)
    reg.meeting(b, "rcpc_first", held=D(2020, 5, 4), plan_id=p3, enquiry_id=e2)
    reg.meeting(b, "lac_review", held=D(2023, 11, 28))

    _compare(db, as_of)
    with db.session() as s:
        fast = Register(
            s,
            as_of=as_of,
            open_only=True,
            recent_since=as_of - dt.timedelta(days=HELD_LOOKBACK_DAYS),
        )
    cp = fast.statuses[a].cp
    assert cp.next_due.sequence == 5  # four reviews on the open plan's episode so far
    assert [c.held for c in cp.conferences if c.sequence > 0] == [D(2024, 4, 2)]
    assert not [m for m in fast.meetings if m.child_id == b and m.process == "cp"]


@pytest.mark.parametrize("days_back", [0, 200])
def test_flags_of_some_codes_are_those_of_every_flag(demo, days_back) -> None:
    """`flags_from_register(codes=...)` runs only the families that give those codes: the
    answer is every flag's, filtered, in the same order."""
    from reviewdesk.flags import FLAG_TYPES, oversight
    from reviewdesk.workload import TEAM_FLAG_CODES

    as_of = DEMO_AS_OF - dt.timedelta(days=days_back)
    with demo.session() as s:
        data = Register(s, as_of=as_of, open_only=True)
        every = flags_from_register(data)
        raised = {f.code for f in every}
        parts = [set(gives) for _part, gives in oversight.PARTS]  # a family run in part
        for codes in (
            TEAM_FLAG_CODES,
            {"overdue"},
            raised,
            set(FLAG_TYPES),
            set(),
            {"nonsense"},
            *parts,
            {"overdue", "midway_review_overdue"},
        ):
            some = flags_from_register(data, codes=codes)
            assert _key(some) == _key([f for f in every if f.code in codes])
        mine = {f.child_id for f in every if f.child_id is not None}
        ids = sorted(mine)[::3]
        some = flags_from_register(data, child_ids=ids, codes=TEAM_FLAG_CODES)
        expected = flags_from_register(data, child_ids=ids)
        assert _key(some) == _key([f for f in expected if f.code in TEAM_FLAG_CODES])
    assert {"overdue", "report_overdue"} & raised, "the demo should have team flags to count"
    assert {"midway_review_overdue", "no_iro_contact_by_midway"} & raised, "and footprints"


def test_the_oversight_checks_parts_give_all_its_codes_once() -> None:
    from reviewdesk.flags import oversight

    given = [code for _part, codes in oversight.PARTS for code in codes]
    assert sorted(given) == sorted(oversight.CHECKS)
