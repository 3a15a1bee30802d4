"""A window (`Register(window_from=...)`) reads only what a period of dates needs, older history
counted rather than read; its answers must be exactly the whole history's.

Checked on a demo authority, on awkward histories built by hand and on a random register
(periods of care that overlap or touch, reviews on a period's last day or outside every
period, CP review conferences linked to another child's plan, to none, or held before their
plan began), at several as-of dates and window lengths: every child the window reads has the
whole history's next meetings due, every meeting held in the window or still to come has its
timeliness, every open case is there, and the measures, flags and schedule export are
identical.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest
from sqlalchemy import insert

from reviewdesk.casework.register import Register
from reviewdesk.dates import add_months
from reviewdesk.export import schedule_rows
from reviewdesk.flags import flags_from_register
from reviewdesk.measures import compute_measures
from reviewdesk.storage.models import Child, CpEnquiry, CpPlan, Episode, Meeting, PeriodOfCare
from reviewdesk.vocabulary import LIVE_STATUSES, is_held
from tests.actions.shortcuts import generate_demo
from tests.dbfixtures import db, db_target, open_db, pg_index_definition  # noqa: F401
from tests.flags.conftest import History

D = dt.date


def _flags(register: Register) -> list[tuple]:
    return [tuple(f) for f in flags_from_register(register)]


def assert_window_agrees(database, as_of: dt.date, window_from: dt.date) -> Register:
    """The window's answers are the whole history's (see the module's description)."""
    with database.session() as s:
        whole = Register(s, as_of=as_of)
        window = Register(s, as_of=as_of, window_from=window_from)
        assert set(window.statuses) <= set(whole.statuses)
        opened = {c for c, st in whole.statuses.items() if st.is_open}
        assert opened <= set(window.statuses), "every open case is in the window"
        needed = set()
        for m in whole.meetings:
            if m.status not in LIVE_STATUSES:
                continue
            held = is_held(m.status, m.held_date, as_of)
            if not held or m.held_date >= window_from:
                needed.add(m.id)
        read = {m.id for m in window.meetings}
        assert needed <= read, "every meeting held in the window or still to come is read"
        for child_id, status in window.statuses.items():
            full = whole.statuses[child_id]
            assert status.next_due == full.next_due
            for process in ("lac", "cp"):
                assert status.next_for(process) == full.next_for(process)
            for meeting_id in needed & status.meetings.keys() | needed & full.meetings.keys():
                assert status.meetings.get(meeting_id) == full.meetings.get(meeting_id)
        assert compute_measures(s, start=window_from, end=as_of) == compute_measures(
            s, start=window_from, end=as_of, register=whole
        )
        assert _flags(window) == _flags(whole)
        assert schedule_rows(s, as_of=as_of, start=window_from) == schedule_rows(
            s, as_of=as_of, start=window_from, register=whole
        )
    return window


@pytest.fixture
def demo(db):  # noqa: F811
    generate_demo(db, children=150, seed=11, as_of=D(2025, 12, 10))
    return db


@pytest.mark.parametrize(
    ("as_of", "months"), [(D(2025, 12, 10), 12), (D(2025, 6, 2), 12), (D(2025, 12, 10), 3)]
)
def test_a_demo_authority_gives_the_same_answers(demo, as_of, months) -> None:
    window_from = add_months(as_of, -months)
    window = assert_window_agrees(demo, as_of, window_from)
    # Older reviews were counted, not read: there were some.
    with demo.session() as s:
        old = s.query(Meeting).filter(Meeting.held_date < window_from).count()
    assert old > 0 and not [
        m for m in window.meetings if m.process == "lac" and (m.held_date or as_of) < window_from
    ]


def test_awkward_histories_give_the_same_answers(db) -> None:  # noqa: F811
    """A register of one child per awkward case, built by hand."""
    reg = History(db)
    # Two periods of care that touch: a review on the day one ends and the next begins
    # belongs to the first, as the engine places it. Read whole.
    a = reg.child()
    reg.period(a, D(2022, 1, 10), end=D(2023, 3, 1))
    reg.period(a, D(2023, 3, 1))
    for day in (D(2022, 2, 1), D(2022, 5, 1), D(2023, 3, 1), D(2023, 4, 3), D(2023, 9, 1)):
        reg.meeting(a, held=day)
    reg.meeting(a, held=D(2024, 2, 20))
    # A period that ended in the window, with reviews counted, and a new one begun in it.
    b = reg.child()
    reg.period(b, D(2021, 6, 1), end=D(2023, 11, 30))
    for day in (D(2021, 6, 20), D(2021, 9, 10), D(2022, 3, 1), D(2022, 9, 1), D(2023, 8, 25)):
        reg.meeting(b, held=day)
    reg.meeting(b, held=D(2023, 11, 30))  # on its last day: that period's
    reg.period(b, D(2024, 1, 8), legal_status="V3")  # short breaks
    reg.meeting(b, held=D(2024, 3, 1))
    reg.meeting(b, booked=D(2024, 6, 20))
    # A review held outside every period.
    c = reg.child()
    reg.period(c, D(2023, 1, 2))
    reg.meeting(c, held=D(2022, 12, 1))
    reg.meeting(c, held=D(2023, 1, 20))
    reg.meeting(c, booked=D(2024, 5, 2))
    # CP: reviews linked to the plan (counted), loose (placed by date), held before the plan
    # began, linked to another child's plan; the plan ends in the window.
    d = reg.child()
    e = reg.enquiry(d, strategy=D(2022, 3, 1))
    reg.meeting(d, "icpc", held=D(2022, 3, 20), enquiry_id=e)
    p = reg.plan(d, D(2022, 3, 20), enquiry_id=e, end=D(2024, 2, 1))
    raw(
        db,
        Meeting,
        child_id=d,
        process="cp",
        meeting_type="rcpc_first",
        status="held",
        booked_date=D(2022, 3, 10),
        held_date=D(2022, 3, 10),
        plan_id=p,
    )  # before the plan
    reg.meeting(d, "rcpc_first", held=D(2022, 6, 15), plan_id=p, enquiry_id=e)
    reg.meeting(d, "rcpc_subsequent", held=D(2022, 12, 1))  # loose
    reg.meeting(d, "rcpc_subsequent", held=D(2023, 6, 1), plan_id=p)
    reg.meeting(d, "rcpc_subsequent", held=D(2023, 12, 1), plan_id=p)
    reg.meeting(d, "rcpc_subsequent", status="cancelled", enquiry_id=e, booked=D(2023, 11, 2))
    other = reg.child()
    e2 = reg.enquiry(other, strategy=D(2023, 9, 1))
    reg.meeting(other, "icpc", held=D(2023, 9, 15), enquiry_id=e2)
    p2 = reg.plan(other, D(2023, 9, 15), enquiry_id=e2, previous_plans=1)
    raw(
        db,
        Meeting,
        child_id=d,
        process="cp",
        meeting_type="rcpc_subsequent",
        status="held",
        booked_date=D(2023, 7, 1),
        held_date=D(2023, 7, 1),
        plan_id=p2,
    )  # another child's plan
    reg.meeting(other, "rcpc_first", held=D(2023, 12, 12), plan_id=p2)
    reg.meeting(other, "rcpc_subsequent", booked=D(2024, 6, 12), plan_id=p2)
    # Overlapping periods (refused when typed in; possible in older data): read whole.
    g = reg.child()
    raw(db, PeriodOfCare, child_id=g, start=D(2022, 1, 3), end_date=D(2023, 5, 1))
    raw(db, PeriodOfCare, child_id=g, start=D(2023, 2, 1))
    for when in (D(2022, 1, 20), D(2022, 4, 20), D(2023, 3, 1), D(2023, 8, 1), D(2024, 1, 9)):
        reg.meeting(g, held=when)
    # Closed long ago, with a meeting still booked (never recorded): still to come.
    f = reg.child()
    reg.period(f, D(2019, 1, 1), end=D(2020, 1, 1))
    reg.meeting(f, booked=D(2019, 6, 1))
    for as_of, window_from in (
        (D(2024, 6, 3), D(2023, 6, 3)),
        (D(2024, 6, 3), D(2023, 3, 1)),
        (D(2024, 6, 3), D(2024, 6, 3)),
        (D(2023, 12, 31), D(2023, 1, 1)),
    ):
        assert_window_agrees(db, as_of, window_from)
    with db.session() as s:
        window = Register(s, as_of=D(2024, 6, 3), window_from=D(2023, 6, 3))
    counted = [m for m in window.meetings if m.child_id == b and m.held_date == D(2021, 6, 20)]
    assert counted == []  # counted, not read
    assert any(m.held_date == D(2022, 2, 1) for m in window.meetings if m.child_id == a)  # whole


def raw(database, model, **values) -> int:
    """A row written straight to its table, past the checks the application makes (older or
    imported data may break them)."""
    with database.session() as s:
        return s.execute(insert(model).values(**values).returning(model.id)).scalar_one()


def _random_register(database, seed: int, children: int) -> None:
    """Random histories, most of them tidy and some not (see the module's description),
    written straight to the tables as older or imported data may be."""
    rng = random.Random(seed)
    first = D(2018, 1, 1)

    def day(lo: dt.date, span: int) -> dt.date:
        return lo + dt.timedelta(days=rng.randint(0, span))

    with database.session() as s:

        def add(model, **values) -> int:
            return s.execute(insert(model).values(**values).returning(model.id)).scalar_one()

        plan_ids: list[int] = []
        for n in range(children):
            child = add(
                Child, local_id=f"R{n}", first_name="R", last_name=str(n), dob=D(2010, 1, 1)
            )
            start = day(first, 900)
            for _ in range(rng.choice((0, 1, 1, 2, 3))):
                end = start + dt.timedelta(days=rng.randint(-5, 700))
                if rng.random() < 0.3 or end > D(2024, 12, 1):
                    end = None
                elif end < start:
                    end = start
                period = add(PeriodOfCare, child_id=child, start=start, end_date=end)
                status = rng.choice(("C2", "C2", "V3", "E1"))
                add(Episode, period_id=period, start=start, legal_status=status, rne="S")
                held = start
                for _ in range(rng.randint(0, 7)):
                    held += dt.timedelta(days=rng.randint(0, 200))
                    kind = rng.random()
                    add(
                        Meeting,
                        child_id=child,
                        process="lac",
                        meeting_type="lac_review",
                        status="held" if kind < 0.8 else rng.choice(("cancelled", "booked")),
                        booked_date=held,
                        held_date=held if kind < 0.8 else None,
                        period_id=period if kind < 0.5 else None,
                    )
                # The next period: usually after this one, sometimes overlapping or touching.
                gap = rng.choice((rng.randint(1, 400), 0, -rng.randint(1, 60)))
                start = (end or held) + dt.timedelta(days=gap)
            if rng.random() < 0.5:
                strategy = day(first, 1500)
                enquiry = add(CpEnquiry, child_id=child, route="s47", strategy_date=strategy)
                icpc = strategy + dt.timedelta(days=rng.randint(5, 30))
                add(
                    Meeting,
                    child_id=child,
                    process="cp",
                    meeting_type="icpc",
                    status="held",
                    booked_date=icpc,
                    held_date=icpc,
                    enquiry_id=enquiry,
                )
                end = icpc + dt.timedelta(days=rng.randint(30, 900))
                plan = add(
                    CpPlan,
                    child_id=child,
                    enquiry_id=enquiry,
                    start=icpc,
                    end_date=None if rng.random() < 0.4 or end > D(2024, 12, 1) else end,
                    previous_plans=rng.choice((0, 0, 1)),
                )
                plan_ids.append(plan)
                held = icpc
                for k in range(rng.randint(0, 6)):
                    held += dt.timedelta(days=rng.randint(-20, 200))
                    link = rng.random()
                    if link < 0.6:
                        linked = plan
                    elif link < 0.65:
                        linked = rng.choice(plan_ids)  # perhaps another child's
                    else:
                        linked = None
                    add(
                        Meeting,
                        child_id=child,
                        process="cp",
                        meeting_type="rcpc_first" if k == 0 else "rcpc_subsequent",
                        status="held" if link < 0.9 else "booked",
                        booked_date=held,
                        held_date=held if link < 0.9 else None,
                        plan_id=linked,
                        enquiry_id=enquiry if 0.5 < link < 0.8 else None,
                    )


def test_a_random_register_gives_the_same_answers(db) -> None:  # noqa: F811
    _random_register(db, seed=20261206, children=160)
    for as_of, months in ((D(2024, 6, 3), 12), (D(2023, 2, 1), 12), (D(2024, 6, 3), 30)):
        assert_window_agrees(db, as_of, add_months(as_of, -months))


def test_a_window_stands_alone(db) -> None:  # noqa: F811
    with db.session() as s:
        for bad in (
            {"open_only": True},
            {"children": [1]},
            {"window_from": D(2024, 6, 4)},
        ):
            options = {"window_from": D(2024, 1, 1), **bad}
            with pytest.raises(ValueError):
                Register(s, as_of=D(2024, 6, 3), **options)
        window = Register(s, as_of=D(2024, 6, 3), window_from=D(2024, 1, 1))
        with pytest.raises(ValueError):
            window.with_held({})


def test_a_periods_meetings_held_are_found_from_the_index_alone(demo) -> None:
    """Which children had a meeting held in the period, and the reports of the CP
    conferences held in it, are answered by `ix_meeting_held` (day held, process, child)
    alone, without visiting each meeting's row (migration 0009). SQLite's plans are asked;
    PostgreSQL chooses by its statistics, so there the index's columns are checked."""
    from sqlalchemy import event, text

    statements: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany) -> None:
        if "held_date >=" in statement and not parameters:
            statements.append(statement)

    as_of = D(2025, 12, 10)
    event.listen(demo.engine, "before_cursor_execute", seen)
    try:
        with demo.session() as s:
            compute_measures(s, start=add_months(as_of, -12), end=as_of)
    finally:
        event.remove(demo.engine, "before_cursor_execute", seen)
    wanted = {
        "window": [q for q in statements if q.lstrip().startswith("SELECT meeting.child_id")],
        "reports": [q for q in statements if "FROM report JOIN meeting" in q],
    }
    with demo.engine.connect() as conn:
        if conn.dialect.name != "sqlite":
            index = pg_index_definition(conn, "ix_meeting_held")
            assert index.endswith("(held_date, process, child_id)"), index
        for name, found in wanted.items():
            assert found, name
            if conn.dialect.name == "sqlite":
                plan = " ".join(
                    str(r[-1]) for r in conn.execute(text("EXPLAIN QUERY PLAN " + found[0]))
                )
                assert "COVERING INDEX ix_meeting_held" in plan, (name, plan)
