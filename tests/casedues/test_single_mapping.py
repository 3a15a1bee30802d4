"""One mapping from the register to the engine: the child's page and the bulk path agree
because they share it, not because two copies happen to match."""

from __future__ import annotations

import datetime as dt
import inspect

import pytest

from reviewdesk import casedues
from reviewdesk.actions import Outcome
from reviewdesk.casedues import child_dues, children_dues, next_due_if_held
from reviewdesk.casework.register import Register
from reviewdesk.settings import working_context
from tests.actions.shortcuts import cancel, record
from tests.casedues.conftest import BulkRegister

D = dt.date


def _both_paths(db, child: int, as_of: dt.date):
    """The child's lines per child (as the page reads them) and from the bulk read."""
    with db.session() as s:
        rules, cal = working_context(s)
        single = child_dues(s, child, rules=rules, calendar=cal, as_of=as_of)
        bulk = Register(s, as_of=as_of, rules=rules, calendar=cal)
        few = Register(s, children=[child], as_of=as_of, rules=rules, calendar=cal)
    assert few.statuses[child] == bulk.statuses[child]
    assert children_dues(bulk)[child] == single
    return single, bulk.statuses[child]


def test_review_held_in_parts_and_a_cancelled_one_answer_the_same_in_both_paths(db, reg):
    """DOMAIN: looked after from Mon 25/03/2024, 1st review due Wed 24/04/2024 (20 working
    days; Good Friday and Easter Monday skipped). Held in two parts, 22/04 and 26/04: it
    counts on its last part, so it is late, and the 2nd review is due 3 months after 26/04."""
    child = reg.child()
    reg.period(child, D(2024, 3, 25))
    cancelled = reg.meeting(child, booked=D(2024, 4, 10))
    first = reg.meeting(child, booked=D(2024, 4, 22))
    booked = reg.meeting(child, booked=D(2024, 7, 18))
    late = reg.late_reason()
    cancel(db, cancelled, "Chair unwell")
    parts = Outcome(
        parts=[D(2024, 4, 26), D(2024, 4, 22)], participation="PN1", late_reason_id=late
    )
    record(db, first, parts, late=True, as_of=D(2024, 5, 1))

    lines, status = _both_paths(db, child, D(2024, 5, 1))

    held, nxt = lines
    assert (held.meeting_id, held.held, held.due) == (first, D(2024, 4, 26), D(2024, 4, 24))
    assert held.in_timescale is False and held.label == "LAC review 1"
    assert "Good Friday and Easter Monday" in held.explanation
    assert (nxt.sequence, nxt.due, nxt.meeting_id) == (2, D(2024, 7, 26), booked)
    assert nxt.held is None and not nxt.overdue
    assert cancelled not in status.meetings
    assert all(line.meeting_id != cancelled for line in lines)


def test_prebirth_conference_of_a_child_born_since_is_pre_birth_in_both_paths(db, reg):
    """The drift this rebuild ends: the page's own copy of the mapping treated a pre-birth
    conference as an ordinary one once the child was born (due 15 working days after the
    strategy discussion, 11/06/2024), while flags and measures used 10 weeks before the
    expected delivery (21/05/2024). The seed-7 demo had 77 such meetings."""
    child = reg.child(dob=D(2024, 8, 2), expected_delivery=D(2024, 7, 30))
    enquiry = reg.enquiry(child, D(2024, 5, 20), closed_date=D(2024, 5, 21))
    icpc = reg.meeting(child, "icpc_prebirth", held=D(2024, 5, 21), enquiry_id=enquiry)

    lines, status = _both_paths(db, child, D(2025, 1, 6))

    assert [(x.meeting_id, x.due, x.in_timescale) for x in lines] == [(icpc, D(2024, 5, 21), True)]
    assert status.meetings[icpc].due.date == D(2024, 5, 21)


def test_cp_meetings_with_and_without_links_answer_the_same_in_both_paths(db, reg):
    """An ICPC linked to the enquiry, a review linked to nothing (placed by its date), a
    re-convened initial conference and a cancelled review."""
    child = reg.child(dob=D(2019, 2, 2))
    enquiry = reg.enquiry(child, D(2024, 3, 25))
    plan = reg.plan(child, D(2024, 4, 16), enquiry_id=enquiry)
    icpc = reg.meeting(child, "icpc", held=D(2024, 4, 16), enquiry_id=enquiry)
    again = reg.meeting(child, "icpc_reconvened", held=D(2024, 4, 30), enquiry_id=enquiry)
    gone = reg.meeting(child, "rcpc_first", booked=D(2024, 7, 1), plan_id=plan)
    review = reg.meeting(child, "rcpc_first", held=D(2024, 7, 15))
    cancel(db, gone, "Family moved")

    lines, status = _both_paths(db, child, D(2024, 8, 1))

    by_id = {x.meeting_id: x for x in lines if x.held}
    assert set(by_id) == {icpc, again, review}
    assert by_id[icpc].due == D(2024, 4, 17)  # Mon 25/03/2024 + 15 working days
    assert by_id[review].sequence == 1 and by_id[review].due == D(2024, 7, 16)
    nxt = lines[-1]
    assert nxt.held is None and nxt.sequence == 2 and nxt.due == D(2025, 1, 15)
    assert gone not in status.meetings


def test_recording_a_meeting_does_not_tie_the_next_due_to_that_same_meeting(db, reg):
    child = reg.child()
    reg.period(child, D(2024, 3, 25))
    first = reg.meeting(child, booked=D(2024, 4, 22))
    with db.session() as s:
        rules, cal = working_context(s)
        nxt = next_due_if_held(
            s, first, D(2024, 4, 22), rules=rules, calendar=cal, as_of=D(2024, 4, 22)
        )
        before = child_dues(s, child, rules=rules, calendar=cal, as_of=D(2024, 4, 22))
    assert (nxt.sequence, nxt.due, nxt.meeting_id) == (2, D(2024, 7, 22), None)
    # Before it is recorded, the booked meeting is the one booked for the 1st review.
    assert [(x.sequence, x.meeting_id) for x in before] == [(1, first)]


def test_unknown_child_and_meeting_give_nothing(db, reg):
    with db.session() as s:
        rules, cal = working_context(s)
        assert child_dues(s, 12345, rules=rules, calendar=cal, as_of=D(2024, 1, 1)) == []
        assert (
            next_due_if_held(s, 999, D(2024, 1, 1), rules=rules, calendar=cal, as_of=D(2024, 1, 1))
            is None
        )


def test_many_children_are_read_as_the_bulk_path_reads_them(db, reg):
    children = [reg.child() for _ in range(3)]
    for n, child in enumerate(children):
        reg.period(child, D(2024, 1, 10 + n), legal_status="V3" if n == 1 else "C2")
        reg.meeting(child, held=D(2024, 2, 1 + n))
    as_of = D(2024, 6, 1)
    with db.session() as s:
        few = Register(s, children=children, as_of=as_of)
        many = BulkRegister(s, children=children, as_of=as_of)
    assert few.statuses == many.statuses
    assert sorted(few.meetings) == sorted(many.meetings)
    assert few.period_status == many.period_status


def test_with_held_needs_the_whole_history(db, reg):
    with db.session() as s:
        recent = Register(s, as_of=D(2024, 6, 1), open_only=True, recent_since=D(2024, 3, 1))
    with pytest.raises(ValueError, match="whole history"):
        recent.with_held({1: D(2024, 5, 1)})


def test_casedues_builds_no_engine_inputs_of_its_own() -> None:
    """The mapping of periods, CP episodes and meetings to the engine lives in casework only."""
    source = inspect.getsource(casedues)
    for name in ("PeriodInput", "CpEpisodeInput", "lac_schedule", "cp_schedule", "prior_reviews"):
        assert name not in source, name
