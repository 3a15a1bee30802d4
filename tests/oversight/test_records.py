"""Reading IRO oversight as of a date: the last contact with the child (one definition for
the case list, the child's page and exports), challenges as they stood, open challenges per
IRO, inquorate conferences, and one child's oversight."""

from __future__ import annotations

import datetime as dt

import pytest

from reviewdesk import actions, queries
from reviewdesk.export.cases import case_records
from reviewdesk.oversight.child import child_oversight
from reviewdesk.oversight.records import (
    escalation_views,
    inquorate_conferences,
    last_contacts,
    open_escalations_by_raiser,
)
from reviewdesk.storage.models import Meeting
from reviewdesk.workload import iro_workload
from tests.dbfixtures import pg_index_definition
from tests.oversight.register import AS_OF, oversight_case, raise_challenge

D = dt.date


@pytest.fixture
def case(db):
    return oversight_case(db)


def _contact(db, child: int, staff: int, day: dt.date, with_child: bool = True) -> None:
    new = actions.NewContact(staff, day, "call", with_child)
    actions.record_contact(db, actions.whoami(db), child, new, as_of=AS_OF)


def test_last_contact_is_the_later_of_contacts_and_reviews_attended(db, case) -> None:
    zoe, wiktor, sian = case["zoe"], case["wiktor"], case["sian"]
    # Zoë attended (PN1) her review on 25/03/2024; her 02/10/2023 review she did not (PN5).
    with db.session() as s:
        assert last_contacts(s, as_of=AS_OF) == {zoe: D(2024, 3, 25)}
        assert last_contacts(s, as_of=D(2024, 1, 5)) == {zoe: D(2023, 7, 3)}
    _contact(db, zoe, sian, D(2024, 4, 2), with_child=False)  # about her, not with her
    _contact(db, zoe, sian, D(2024, 3, 1))
    _contact(db, wiktor, case["maire"], D(2024, 4, 3))
    with db.session() as s:
        assert last_contacts(s, as_of=AS_OF) == {zoe: D(2024, 3, 25), wiktor: D(2024, 4, 3)}
        assert last_contacts(s, as_of=D(2024, 3, 20)) == {zoe: D(2024, 3, 1)}
        assert last_contacts(s, as_of=AS_OF, child_ids=[wiktor]) == {wiktor: D(2024, 4, 3)}
    _contact(db, zoe, sian, D(2024, 4, 8))
    with db.session() as s:
        expected = last_contacts(s, as_of=AS_OF)
        # The case list's SQL gives the same dates, and sorts by them (none last).
        rows = queries.case_rows(s, [zoe, wiktor], as_of=AS_OF)
        assert {cid: r.last_iro_contact for cid, r in rows.items()} == expected
        ordered = queries.case_ids(s, sort="last_iro_contact", as_of=AS_OF)
        assert ordered[:2] == [wiktor, zoe]
        # The case list's export has the column.
        records = case_records(s, [zoe], as_of=AS_OF)
    column = [title for _k, title in queries.CASE_COLUMNS].index("Last IRO contact")
    assert records[0][column] == D(2024, 4, 8) == expected[zoe]


def test_challenges_as_they_stood(db, case) -> None:
    me = actions.whoami(db)
    eid = raise_challenge(db, case["zoe"], case["sian"], D(2024, 3, 11))
    stage = escalation_views_at(db, AS_OF)[0].stages[0].id
    actions.record_escalation_response(
        db, me, stage, D(2024, 3, 14), "No", as_of=AS_OF, expected_version=1
    )
    actions.add_escalation_stage(db, me, eid, 1, D(2024, 3, 18), as_of=AS_OF)
    actions.update_escalation(
        db,
        me,
        eid,
        actions.EscalationUpdate("Health", "GP", D(2024, 4, 2), "resolved", "Registered"),
        as_of=AS_OF,
        expected_version=1,
    )
    assert escalation_views_at(db, D(2024, 3, 10)) == []
    early = escalation_views_at(db, D(2024, 3, 12))[0]
    assert (early.route, early.stage_reached, early.is_open) == ("Informal", 0, True)
    assert early.stages[0].responded_on is None  # answered on the 14th
    middle = escalation_views_at(db, D(2024, 3, 20))[0]
    assert (middle.route, middle.stage_reached_name, middle.is_open) == ("Formal", "Stage 1", True)
    # Mon 18/03 + 20 working days, skipping Good Friday and Easter Monday: Wed 17/04/2024.
    assert middle.deadline == D(2024, 4, 17)
    done = escalation_views_at(db, AS_OF)[0]
    assert (done.is_open, done.outcome_label, done.resolved_in_timescale) == (
        False,
        "Resolved",
        True,
    )
    assert (done.theme, done.impact, done.team, done.raised_by) == (
        "Health",
        "Registered",
        "North Team",
        "Siân Evans",
    )
    with db.session() as s:
        assert open_escalations_by_raiser(s, as_of=D(2024, 3, 20)) == {case["sian"]: 1}
        assert open_escalations_by_raiser(s, as_of=AS_OF) == {}
        assert escalation_views(s, as_of=AS_OF, open_only=True) == []
        # The Workload page counts them per IRO.
        loads = {
            w.caseload.staff_id: w.open_escalations for w in iro_workload(s, as_of=D(2024, 3, 20))
        }
    assert loads[case["sian"]] == 1 and loads[case["lukasz"]] == 0


def escalation_views_at(db, as_of):
    with db.session() as s:
        return escalation_views(s, as_of=as_of)


def _conference(db, case, day, *, status, quorate, kind="rcpc_first"):
    with db.session() as s:
        s.add(
            Meeting(
                child_id=case["wiktor"],
                process="cp",
                meeting_type=kind,
                sequence=1,
                plan_id=case["plan"],
                status=status,
                booked_date=day,
                held_date=day if status == "held" else None,
                quorate=quorate,
                chair_id=case["maire"],
            )
        )


def test_inquorate_conferences_a_pre_birth_conference_excepted(db, case) -> None:
    _conference(db, case, D(2024, 3, 1), status="adjourned", quorate=False, kind="icpc")
    _conference(db, case, D(2024, 3, 8), status="held", quorate=False, kind="icpc_prebirth")
    _conference(db, case, D(2024, 3, 20), status="cancelled", quorate=False)  # not counted
    with db.session() as s:
        found = inquorate_conferences(s, as_of=AS_OF)
    assert [(v.day, v.second_in_a_row, v.reconvened_on) for v in found] == [
        (D(2024, 3, 1), False, None),
        (D(2024, 3, 8), False, None),  # two in a row, but the second is pre-birth
    ]
    assert found[0].due.date == D(2024, 3, 15) and found[0].not_reconvened(AS_OF)


def test_one_childs_oversight(db, case) -> None:
    zoe = case["zoe"]
    raise_challenge(db, zoe, case["sian"], D(2024, 3, 28))
    _contact(db, zoe, case["sian"], D(2024, 4, 2))
    with db.session() as s:
        review = s.query(Meeting).filter_by(child_id=zoe, held_date=D(2024, 3, 25)).one()
    actions.record_child_voice(
        db,
        actions.whoami(db),
        review.id,
        actions.Voice(direct=True, consultation="returned"),
        expected_version=0,
    )
    with db.session() as s:
        mine = child_oversight(s, zoe, as_of=AS_OF)
    assert mine.last_contact == D(2024, 4, 2) and mine.open_escalations == 1
    assert mine.footprint.previous_review == D(2024, 3, 25)
    assert mine.footprint.midway_due.date == D(2024, 6, 25)
    assert mine.footprint.contact_since_review == D(2024, 4, 2)
    assert [m.label for m in mine.meetings] == ["LAC review 3", "LAC review 2", "LAC review 1"]
    assert mine.meetings[0].voice.consultation == "returned"
    assert mine.meetings[1].voice is None


def test_voices_of_reviews_held_are_those_of_each_review_held(open_db) -> None:
    """The voices read joined to their meetings are, review by review, those the general
    reading finds: every LAC review held in the period, then its record if it has one. A
    record on a CP conference, on a review called off or on one held outside the period is
    not among them."""
    from sqlalchemy import select, update

    from reviewdesk.oversight.records import voices, voices_of_reviews_held
    from reviewdesk.storage.models import ChildVoice
    from tests.actions.shortcuts import generate_demo

    database = open_db()
    generate_demo(database, as_of=D(2025, 12, 10), children=200, seed=9)
    start, end = D(2025, 3, 1), D(2025, 11, 30)
    with database.session() as s:
        # Move three records onto meetings that must not count.
        in_period = (Meeting.held_date >= start, Meeting.held_date <= end)
        cp = s.scalars(select(Meeting.id).where(Meeting.process == "cp", *in_period).limit(1)).one()
        off = s.scalars(
            select(Meeting.id).where(
                Meeting.meeting_type == "lac_review", Meeting.status == "cancelled"
            )
        ).first()
        before = s.scalars(
            select(Meeting.id).where(
                Meeting.meeting_type == "lac_review",
                Meeting.status == "held",
                Meeting.held_date < start,
            )
        ).first()
        if off is None:  # (a review called off on a day in the period)
            off = s.scalars(select(Meeting.id).where(Meeting.status == "booked")).first()
        s.execute(
            update(Meeting).where(Meeting.id == off).values(status="cancelled", held_date=start)
        )
        moved = s.scalars(select(ChildVoice.id).order_by(ChildVoice.id).limit(3)).all()
        for voice_id, meeting_id in zip(moved, (cp, off, before), strict=True):
            s.execute(
                update(ChildVoice).where(ChildVoice.id == voice_id).values(meeting_id=meeting_id)
            )
        s.commit()
    with database.session() as s:
        held = s.execute(
            select(Meeting.id, Meeting.held_date)
            .where(
                Meeting.meeting_type == "lac_review",
                Meeting.status == "held",
                Meeting.held_date >= start,
                Meeting.held_date <= end,
            )
            .order_by(Meeting.held_date, Meeting.id)
        ).all()
        found = voices(s, [m.id for m in held])
        general = [(m.held_date, found[m.id]) for m in held if m.id in found]
        joined = voices_of_reviews_held(s, start, end)
    assert joined == general
    assert len(joined) > 20  # the demo records voices at most reviews
    assert not {v.meeting_id for _d, v in joined} & {cp, off, before}


def test_conferences_not_quorate_are_found_by_their_index(db, case) -> None:
    """Finding the conferences not quorate reads the partial index of them (migration
    0009), not every meeting: the query must state the condition the index holds.

    SQLite's plan is asked. PostgreSQL chooses by its statistics, so on a test's tiny
    table it may prefer another index; there the query's condition is checked against the
    index's own (on 100,000 meetings its plan reads the partial index)."""
    from sqlalchemy import event, text

    found: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany) -> None:
        if "quorate" in statement and statement.lstrip().upper().startswith("SELECT"):
            found.append(statement if not parameters else "")

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        with db.session() as s:
            inquorate_conferences(s, as_of=AS_OF)
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert found and all(found)  # (values written in, so the plan below is the one used)
    with db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            plan = conn.execute(text("EXPLAIN QUERY PLAN " + found[0])).all()
            assert "ix_meeting_not_quorate" in " ".join(str(r[-1]) for r in plan), plan
        else:
            index = pg_index_definition(conn, "ix_meeting_not_quorate")
            assert index.endswith("WHERE (quorate IS FALSE)"), index
            assert "meeting.quorate IS false" in found[0], found[0]
