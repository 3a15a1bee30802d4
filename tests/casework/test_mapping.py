"""The bridge from the register to the engine: inputs built right, few queries, per-meeting dues."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import event

from reviewdesk.casework.register import Register

D = dt.date


def _lac_history(reg):
    child = reg.child()
    reg.period(child, D(2024, 3, 25))
    first = reg.meeting(child, held=D(2024, 4, 20))  # due Wed 24/04/2024
    second = reg.meeting(child, held=D(2024, 7, 26))  # due 25/07/2024 (3 months after 1st)
    booked = reg.meeting(child, booked=D(2025, 1, 10))
    cancelled = reg.meeting(child, booked=D(2025, 1, 3), status="cancelled")
    return child, first, second, booked, cancelled


def test_lac_reviews_are_assessed_and_the_next_one_is_due(db, reg):
    child, first, second, booked, cancelled = _lac_history(reg)
    with db.session() as s:
        status = Register(s, as_of=D(2024, 8, 1)).statuses[child]
    assert status.lac_open and not status.cp_open
    assert status.meetings[first].due.date == D(2024, 4, 24)
    assert status.meetings[first].in_timescale is True
    assert status.meetings[second].due.date == D(2024, 7, 20)
    assert status.meetings[second].in_timescale is False
    assert status.next_due.sequence == 3
    assert status.next_due.due.date == D(2025, 1, 26)  # 6 months after 26/07/2024
    assert status.meetings[booked].due.date == D(2025, 1, 26)
    assert status.meetings[booked].in_timescale is True
    assert cancelled not in status.meetings


def test_as_of_before_a_review_was_held_treats_it_as_to_come(db, reg):
    child, first, second, booked, _ = _lac_history(reg)
    with db.session() as s:
        status = Register(s, as_of=D(2024, 5, 1)).statuses[child]
    assert status.next_due.sequence == 2
    assert status.next_due.due.date == D(2024, 7, 20)
    # The meeting later held on 26/07 was, on 01/05, a booked meeting due by 20/07.
    assert status.meetings[second].in_timescale is False


def test_legal_status_of_the_first_episode_chooses_short_break_rules(db, reg):
    child = reg.child()
    reg.period(child, D(2024, 1, 31), legal_status="V3")
    with db.session() as s:
        status = Register(s, as_of=D(2024, 2, 1)).statuses[child]
    assert status.next_due.due.rule_id == "lac.short_breaks.first"
    assert status.next_due.due.date == D(2024, 4, 30)


def test_cp_episode_with_initial_conference_plan_and_review(db, reg):
    child = reg.child(dob=D(2020, 5, 5))
    enquiry = reg.enquiry(child, strategy=D(2024, 3, 25))
    reg.plan(child, D(2024, 4, 15), enquiry_id=enquiry)
    icpc = reg.meeting(child, "icpc", held=D(2024, 4, 15), enquiry_id=enquiry)
    with db.session() as s:
        status = Register(s, as_of=D(2024, 8, 1)).statuses[child]
    assert status.cp_open and not status.lac_open
    assert status.meetings[icpc].due.date == D(2024, 4, 17)
    assert status.meetings[icpc].in_timescale is True
    assert status.next_due.meeting_type == "rcpc_first"
    assert status.next_due.due.date == D(2024, 7, 15)
    assert status.next_due.overdue is True


def test_unborn_child_gets_a_prebirth_conference(db, reg):
    child = reg.child(dob=None, expected_delivery=D(2024, 4, 15))
    reg.enquiry(child, strategy=D(2024, 2, 1))
    with db.session() as s:
        status = Register(s, as_of=D(2024, 2, 2)).statuses[child]
    assert status.next_due.meeting_type == "icpc_prebirth"
    # 10 weeks before 15/04/2024 is 05/02/2024, sooner than 15 working days after 01/02.
    assert status.next_due.due.date == D(2024, 2, 5)


def test_closed_cases_are_left_out_when_open_only(db, reg):
    open_child = reg.child()
    reg.period(open_child, D(2024, 1, 1))
    closed = reg.child()
    reg.period(closed, D(2023, 1, 1), end=D(2023, 6, 1))
    with db.session() as s:
        everyone = Register(s, as_of=D(2024, 3, 1)).statuses
        data = Register(s, as_of=D(2024, 3, 1), open_only=True)
    assert everyone[closed].next_due is None and everyone[open_child].next_due is not None
    assert set(data.statuses) == {open_child}


def test_queries_do_not_grow_with_the_number_of_children(db, reg):
    def count_queries(n_children: int) -> int:
        for _ in range(n_children):
            c = reg.child()
            reg.period(c, D(2024, 1, 1))
            reg.meeting(c, held=D(2024, 1, 20))
            e = reg.enquiry(c, strategy=D(2024, 2, 1))
            reg.plan(c, D(2024, 2, 20), enquiry_id=e)
        statements = []
        listener = lambda *a: statements.append(a[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            with db.session() as s:
                assert Register(s, as_of=D(2024, 6, 1)).statuses is not None
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    assert count_queries(2) == count_queries(25)
    assert count_queries(1) <= 12
