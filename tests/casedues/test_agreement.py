"""Per-child due dates (the child's page) equal the bulk ones (flags, lists, measures) for
every child of a generated authority, and for generated histories."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from reviewdesk.casedues import child_dues, children_dues, next_due_if_held
from reviewdesk.casework.register import Register
from reviewdesk.engine import CpEpisodeInput, PeriodInput, cp_schedule, lac_schedule
from reviewdesk.settings import working_context
from reviewdesk.storage.db import open_database
from reviewdesk.storage.models import (
    Child,
    CpEnquiry,
    CpPlan,
    Episode,
    Meeting,
    MeetingPart,
    PeriodOfCare,
)
from tests.casedues.conftest import DEMO_AS_OF, BulkRegister
from tests.engine.test_truncated_history import histories

D = dt.date


@pytest.mark.parametrize("as_of", [DEMO_AS_OF, D(2024, 6, 3)])
def test_every_demo_child_has_the_same_due_dates_per_child_and_in_bulk(demo, as_of) -> None:
    with demo.session() as s:
        rules, cal = working_context(s)
        bulk = Register(s, as_of=as_of, rules=rules, calendar=cal)
        bulk_lines = children_dues(bulk)
        ids = list(s.scalars(select(Child.id)))
        assert len(ids) > 3000
        held = 0
        for child in ids:
            lines = child_dues(s, child, rules=rules, calendar=cal, as_of=as_of)
            assert lines == bulk_lines[child], child
            status = bulk.statuses[child]
            for line in lines:
                if line.held is not None:
                    t = status.meetings[line.meeting_id]
                    assert (line.due, line.in_timescale) == (t.due.date, t.in_timescale)
                    held += 1
                else:
                    nxt = status.next_for(line.process)
                    assert (line.due, line.sequence) == (nxt.due.date, nxt.sequence)
        assert held > 5_000  # the demo's history is there to compare


def test_recording_a_held_meeting_on_its_own_date_changes_nothing(demo) -> None:
    """next_due_if_held(m, the date m was held) is the next due as things stood that day."""
    with demo.session() as s:
        rules, cal = working_context(s)
        held = s.execute(
            select(Meeting.id, Meeting.child_id, Meeting.process, Meeting.held_date)
            .where(Meeting.status == "held")
            .order_by(Meeting.id)
        ).all()
        for mid, child, process, day in held[::25]:
            same_day = [m for m in held if m.child_id == child and m.held_date == day]
            if len(same_day) > 1:
                continue  # two meetings held the same day: recording one is not the same
            nxt = next_due_if_held(s, mid, day, rules=rules, calendar=cal, as_of=DEMO_AS_OF)
            then = Register(s, children=[child], as_of=day, rules=rules, calendar=cal)
            expected = then.statuses[child].next_for(process)
            if expected is None:
                assert nxt is None
            else:
                assert (nxt.due, nxt.sequence) == (expected.due.date, expected.sequence)


# --- generated histories --------------------------------------------------------------------

_ids = itertools.count(1)


@pytest.fixture(scope="module")
def history_db(tmp_path_factory):
    database = open_database(tmp_path_factory.mktemp("histories") / "h.sqlite", username="t")
    yield database
    database.dispose()


def _meetings(child, process, kind, held, parts_every, cancel_every, **links):
    """Held meetings on ``held`` (every ``parts_every``-th in two parts, a week apart,
    counting on the later), and a cancelled one booked for the day of every
    ``cancel_every``-th."""
    rows = []
    for n, day in enumerate(held):
        kind_n = kind(n) if callable(kind) else kind
        m = Meeting(
            child=child,
            process=process,
            meeting_type=kind_n,
            status="held",
            booked_date=day,
            held_date=day,
            **links,
        )
        if parts_every and n % parts_every == 0:
            m.parts = [
                MeetingPart(part_no=1, held_date=day - dt.timedelta(days=7)),
                MeetingPart(part_no=2, held_date=day),
            ]
        rows.append(m)
        if cancel_every and n % cancel_every == 0:
            rows.append(
                Meeting(
                    child=child,
                    process=process,
                    meeting_type=kind_n,
                    status="cancelled",
                    booked_date=day,
                    cancel_reason="Room flooded",
                    **links,
                )
            )
    return rows


def _compare(database, child_id, as_of):
    with database.session() as s:
        rules, cal = working_context(s)
        single = child_dues(s, child_id, rules=rules, calendar=cal, as_of=as_of)
        bulk = BulkRegister(s, as_of=as_of, rules=rules, calendar=cal, children=[child_id])
    assert single == children_dues(bulk)[child_id]
    return single, rules, cal


_shapes = st.tuples(st.integers(0, 3), st.integers(0, 4))  # parts_every, cancel_every


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories(), _shapes)
def test_generated_lac_histories_agree_and_follow_the_engine(history_db, case, shape) -> None:
    start, held, _cut, as_of, legal, end = case
    with history_db.session() as s:
        child = Child(local_id=f"L{next(_ids)}", dob=D(2010, 1, 1))
        period = PeriodOfCare(child=child, start=start, end_date=end)
        period.episodes.append(Episode(start=start, legal_status=legal or "C2"))
        s.add_all([child, period, *_meetings(child, "lac", "lac_review", held, *shape)])
        s.flush()
        child_id = child.id

    lines, rules, cal = _compare(history_db, child_id, as_of)

    # An independent answer: the engine given the history directly.
    engine = lac_schedule(
        [PeriodInput(start, end, legal or "C2")], held, rules=rules, calendar=cal, as_of=as_of
    )
    nxt = [x for x in lines if x.held is None]
    if engine.next_due is None:
        assert nxt == []
    else:
        assert [(x.due, x.sequence) for x in nxt] == [
            (engine.next_due.due.date, engine.next_due.sequence)
        ]
    if len(set(held)) == len(held):  # (two reviews on one day share one outcome)
        got = {x.sequence: (x.held, x.due, x.in_timescale) for x in lines if x.held}
        assert got == {r.sequence: (r.held, r.due.date, r.in_timescale) for r in engine.reviews}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories(), st.integers(0, 20), _shapes, st.booleans())
def test_generated_cp_histories_agree_and_follow_the_engine(
    history_db, case, icpc_after, shape, linked
) -> None:
    start, held, _cut, as_of, _legal, end = case
    strategy = start - dt.timedelta(days=icpc_after + 5)
    icpc = start - dt.timedelta(days=icpc_after)
    with history_db.session() as s:
        child = Child(local_id=f"C{next(_ids)}", dob=D(2012, 1, 1))
        enquiry = CpEnquiry(child=child, strategy_date=strategy)
        plan = CpPlan(child=child, enquiry=enquiry, start=start, end_date=end)
        s.add_all([child, enquiry, plan])
        s.flush()
        initial = Meeting(
            child=child,
            process="cp",
            meeting_type="icpc",
            status="held",
            held_date=icpc,
            enquiry_id=enquiry.id,
        )
        links = {"plan_id": plan.id} if linked else {}
        kind = lambda n: "rcpc_first" if n == 0 else "rcpc_subsequent"  # noqa: E731
        s.add_all([initial, *_meetings(child, "cp", kind, held, *shape, **links)])
        s.flush()
        child_id = child.id

    lines, rules, cal = _compare(history_db, child_id, as_of)

    episode = CpEpisodeInput(
        strategy_date=strategy,
        initial_held=icpc,
        initial_type="icpc",
        plan_start=start,
        plan_end=end,
        reviews_held=tuple(held),
    )
    engine = cp_schedule([episode], rules=rules, calendar=cal, as_of=as_of)
    nxt = [x for x in lines if x.held is None]
    expected = [] if engine.next_due is None else [engine.next_due]
    assert [(x.due, x.sequence) for x in nxt] == [(n.due.date, n.sequence) for n in expected]
    if len({icpc, *held}) == len(held) + 1:  # (meetings on one day share one outcome)
        got = {x.sequence: (x.held, x.due, x.in_timescale) for x in lines if x.held}
        want = {c.sequence: (c.held, c.due.date, c.in_timescale) for c in engine.conferences}
        assert got == want
