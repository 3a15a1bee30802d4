"""What an IRO's own login may write with raw SQL (as psql would) in the oversight and
invitation tables, row by row: the database's row-level security mirrors the actions'
rules (`reviewdesk.actions.oversight`, `actions.invitations`, `actions.reports_due`), and
refuses the rest with a permission error, a DELETE included.

The people (tests/storage/server/conftest.py): the IRO chairs the child's meeting "mine";
another IRO chairs "theirs". Here the other IRO is also allocated a second child, and the
IRO a third, through a period of care that has ended: row-level security has no as-of
date, so a child the IRO was ever allocated counts (the actions apply the date)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError

from reviewdesk.storage.models import (
    Child,
    EscalationTheme,
    Meeting,
    PeriodOfCare,
    ReportFile,
)
from tests.storage.server.conftest import People

pytestmark = pytest.mark.postgres

D = dt.date


def _denied(engine: Engine, sql: str, **params: object) -> str:
    """Run ``sql`` in a transaction of its own; it must fail for want of a privilege."""
    with pytest.raises(DBAPIError) as failed, engine.begin() as conn:
        conn.execute(text(sql), params)
    assert getattr(failed.value.orig, "sqlstate", None) == "42501", failed.value
    return str(failed.value.orig)


def _run(engine: Engine, sql: str, **params: object) -> int:
    with engine.begin() as conn:
        result = conn.execute(text(sql), params)
        return result.rowcount


@pytest.fixture
def more(people: People) -> dict[str, int]:
    """A child allocated to the other IRO, one to the IRO (a period of care now ended), a
    challenge the IRO raised about the other's child, one the other IRO raised, and a
    theme; their ids."""
    with people.owner.session() as s:
        theirs = Child(local_id="R2", first_name="Amir", last_name="Khan", dob=D(2012, 1, 5))
        theirs.periods.append(PeriodOfCare(start=D(2023, 1, 9), iro_id=people.ids["other"]))
        was_mine = Child(local_id="R3", first_name="Bea", last_name="Jones", dob=D(2011, 2, 7))
        was_mine.periods.append(
            PeriodOfCare(start=D(2022, 1, 4), end_date=D(2023, 6, 30), iro_id=people.ids["chair"])
        )
        s.add_all([theirs, was_mine])
        s.flush()
        theme = s.scalar(select(EscalationTheme.id).order_by(EscalationTheme.id).limit(1))
        ids = {"their_child": theirs.id, "was_mine": was_mine.id, "theme": theme}
    owner = people.raw(people.team.owner)
    with owner.begin() as conn:
        for key, raiser in (("raised_by_me", "chair"), ("raised_by_other", "other")):
            ids[key] = conn.execute(
                text(
                    "INSERT INTO escalation (child_id, process, raised_by_id, raised_on, "
                    "theme_id, concern, version) VALUES (:c, 'lac', :r, '2024-04-02', :t, "
                    "'Plan drift', 1) RETURNING id"
                ),
                {"c": ids["their_child"], "r": people.ids[raiser], "t": theme},
            ).scalar_one()
            ids[key + "_stage"] = conn.execute(
                text(
                    "INSERT INTO escalation_stage (escalation_id, child_id, stage, raised_on, "
                    "raised_with, version) VALUES (:e, :c, 0, '2024-04-02', 'Team manager', 1) "
                    "RETURNING id"
                ),
                {"e": ids[key], "c": ids["their_child"]},
            ).scalar_one()
    return ids


CONTACT = (
    "INSERT INTO iro_contact (child_id, staff_id, contact_date, kind, with_child, "
    "midway_review, version) VALUES (:child, :staff, '2024-04-10', 'visit', true, false, 1) "
    "RETURNING id"
)
ESCALATION = (
    "INSERT INTO escalation (child_id, process, raised_by_id, raised_on, theme_id, concern, "
    "version) VALUES (:child, 'lac', :staff, '2024-04-10', :theme, 'Health', 1) RETURNING id"
)


def test_contacts_only_their_own_and_with_a_child_of_theirs(people: People, more):
    iro = people.raw(people.iro)
    me, other = people.ids["chair"], people.ids["other"]
    _run(iro, CONTACT, child=people.ids["child"], staff=me)  # chairs its live meeting
    _run(iro, CONTACT, child=more["was_mine"], staff=me)  # allocated once
    _denied(iro, CONTACT, child=more["their_child"], staff=me)  # never theirs
    _denied(iro, CONTACT, child=people.ids["child"], staff=other)  # in another's name

    # A child whose only meeting with them is called off is no longer theirs.
    _run(
        people.raw(people.admin),
        "UPDATE meeting SET status = 'cancelled' WHERE id = :m",
        m=people.ids["mine"],
    )
    _denied(iro, CONTACT, child=people.ids["child"], staff=me)


def test_a_delete_of_a_row_not_theirs_is_refused_not_silent(people: People, more):
    admin, iro = people.raw(people.admin), people.raw(people.iro)
    with admin.begin() as conn:
        others = conn.execute(
            text(CONTACT), {"child": more["their_child"], "staff": people.ids["other"]}
        ).scalar_one()
        conn.execute(
            text(
                "INSERT INTO report_file (report_id, file_name, size, pages, sha256, content, "
                "version) VALUES (:r, 'a.pdf', 4, 1, :h, '\\x00010203', 1)"
            ),
            [{"r": people.ids[r], "h": r[:2] * 32} for r in ("my_report", "their_report")],
        )
    assert "not theirs" in _denied(iro, "DELETE FROM iro_contact WHERE id = :i", i=others)
    _denied(iro, "DELETE FROM report_file WHERE report_id = :r", r=people.ids["their_report"])
    # A statement that also takes rows of theirs is refused whole.
    _denied(iro, "DELETE FROM report_file")
    with people.owner.session() as s:
        assert len(s.scalars(select(ReportFile)).all()) == 2
    mine = _run(iro, "DELETE FROM report_file WHERE report_id = :r", r=people.ids["my_report"])
    assert mine == 1
    # Their own contact, with a child of theirs, they may take out.
    contact = _run_returning(iro, CONTACT, child=people.ids["child"], staff=people.ids["chair"])
    assert _run(iro, "DELETE FROM iro_contact WHERE id = :i", i=contact) == 1


def _run_returning(engine: Engine, sql: str, **params: object) -> int:
    with engine.begin() as conn:
        return conn.execute(text(sql), params).scalar_one()


def test_challenges_raised_in_their_own_name_for_a_child_of_theirs(people: People, more):
    iro = people.raw(people.iro)
    me, other, theme = people.ids["chair"], people.ids["other"], more["theme"]
    _run(iro, ESCALATION, child=people.ids["child"], staff=me, theme=theme)
    _denied(iro, ESCALATION, child=more["their_child"], staff=me, theme=theme)
    _denied(iro, ESCALATION, child=people.ids["child"], staff=other, theme=theme)


def test_a_challenge_they_raised_or_about_a_child_of_theirs_they_may_take_on(people: People, more):
    iro = people.raw(people.iro)
    concern = "UPDATE escalation SET concern = 'Still drifting' WHERE id = :e"
    # They raised it, though the child is not theirs: they may take it on (as the action).
    assert _run(iro, concern, e=more["raised_by_me"]) == 1
    stage = (
        "INSERT INTO escalation_stage (escalation_id, child_id, stage, raised_on, raised_with, "
        "version) VALUES (:e, :c, 1, '2024-04-12', 'Head of service', 1)"
    )
    _run(iro, stage, e=more["raised_by_me"], c=more["their_child"])
    answer = "UPDATE escalation_stage SET response = 'Agreed', responded_on = '2024-04-15' "
    _run(iro, answer + "WHERE id = :s", s=more["raised_by_me_stage"])
    # Raised by another IRO about a child not theirs: nothing.
    _denied(iro, concern, e=more["raised_by_other"])
    _denied(iro, stage, e=more["raised_by_other"], c=more["their_child"])
    _denied(iro, answer + "WHERE id = :s", s=more["raised_by_other_stage"])
    # A stage filed under another child than its challenge's.
    _denied(iro, stage.replace(", 1,", ", 2,"), e=more["raised_by_me"], c=people.ids["child"])
    # The columns that say whose a challenge is are not theirs to change.
    for sql in (
        "UPDATE escalation SET raised_by_id = :me WHERE id = :e",
        "UPDATE escalation SET child_id = :c WHERE id = :e",
    ):
        _denied(iro, sql, me=people.ids["chair"], c=people.ids["child"], e=more["raised_by_other"])


def test_the_child_s_voice_at_a_live_meeting_they_chair(people: People, more):
    iro = people.raw(people.iro)
    voice = (
        "INSERT INTO child_voice (meeting_id, child_id, by_form, by_advocate, direct, by_app, "
        "version) VALUES (:m, :c, false, false, true, false, 1) RETURNING id"
    )
    child = people.ids["child"]
    _denied(iro, voice, m=people.ids["theirs"], c=child)
    _denied(iro, voice, m=people.ids["mine"], c=more["their_child"])  # another child's
    row = _run_returning(iro, voice, m=people.ids["mine"], c=child)
    _run(iro, "UPDATE child_voice SET by_form = true, note = 'Form back' WHERE id = :v", v=row)
    _denied(
        iro, "UPDATE child_voice SET meeting_id = :m WHERE id = :v", m=people.ids["theirs"], v=row
    )
    with people.owner.session() as s:
        s.get(Meeting, people.ids["mine"]).status = "cancelled"
    _denied(iro, "UPDATE child_voice SET note = 'Late' WHERE id = :v", v=row)


def test_attendance_only_at_meetings_they_chair(people: People):
    admin, iro = people.raw(people.admin), people.raw(people.iro)
    with admin.begin() as conn:
        mine, theirs = (
            conn.execute(
                text(
                    "INSERT INTO invitee (meeting_id, name, role, version) "
                    "VALUES (:m, 'Ann Patel', 'GP', 1) RETURNING id"
                ),
                {"m": people.ids[m]},
            ).scalar_one()
            for m in ("mine", "theirs")
        )
    attended = "UPDATE invitee SET attendance = 'attended' WHERE id = :i"
    assert _run(iro, attended, i=mine) == 1
    _denied(iro, attended, i=theirs)
    _denied(iro, "UPDATE invitee SET name = 'Someone else' WHERE id = :i", i=mine)
    _denied(iro, "DELETE FROM invitee WHERE id = :i", i=mine)
