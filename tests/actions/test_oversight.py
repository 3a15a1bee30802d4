"""IRO oversight's actions: challenges and their stages, answers and outcomes, contacts, the
child's voice and the themes; and the recording action refusing an inquorate conference that
would end a plan.

Every refusal names the field, the value and why, and changes nothing; every change is
versioned, audited under the child, and reported as `Changes`. Who may is tested here for
the IRO's particular limits (the table of every action against every role is
tests/actions/test_roles.py).
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from reviewdesk import actions
from reviewdesk.actions import Refused
from reviewdesk.errors import InvalidInput
from reviewdesk.storage.locking import ConcurrentChange
from reviewdesk.storage.models import (
    AuditEntry,
    ChildVoice,
    Escalation,
    EscalationStage,
    EscalationTheme,
    IroContact,
    Meeting,
)
from tests.oversight.register import AS_OF, oversight_case, raise_challenge

D = dt.date


@pytest.fixture
def case(db):
    return oversight_case(db)


def _iro(open_db, admin, name: str, staff_id: int):
    """A database opened as an IRO user linked to ``staff_id``; (database, actor)."""
    iro = open_db(name, role=None)
    actions.add_user(admin, actions.whoami(admin), name, "iro", staff_id=staff_id)
    return iro, actions.whoami(iro)


def _count(db, model) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def _stage(db, escalation_id: int, stage: int) -> EscalationStage:
    with db.session() as s:
        return s.scalar(
            select(EscalationStage).where(
                EscalationStage.escalation_id == escalation_id, EscalationStage.stage == stage
            )
        )


def _escalation(db, escalation_id: int) -> Escalation:
    with db.session() as s:
        return s.get(Escalation, escalation_id)


# --- challenges -----------------------------------------------------------------------------


def test_a_challenge_is_raised_informally_audited_under_the_child(db, case) -> None:
    me = actions.whoami(db)
    new = actions.NewEscalation(
        "lac", case["sian"], D(2024, 3, 25), "placement STABILITY", "Third move in a year"
    )
    changes = actions.raise_escalation(db, me, case["zoe"], new, as_of=AS_OF)
    assert changes.action == "raise_escalation"
    assert {"escalation", "escalation_stage"} <= changes.kinds
    assert changes.children == {case["zoe"]}
    saved = _escalation(db, changes.result)
    assert (saved.process, saved.raised_on, saved.version) == ("lac", D(2024, 3, 25), 1)
    assert saved.updated_by == me.username and saved.resolved_on is None
    stage = _stage(db, changes.result, 0)
    # To whom: the council's rule for the informal stage.
    assert stage.raised_with == "Social worker and their team manager (informal resolution)"
    with db.session() as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.action == "create")).all()
        mine = [e for e in entries if e.table_name in ("escalation", "escalation_stage")]
    assert {e.table_name for e in mine} == {"escalation", "escalation_stage"}
    assert all(e.child_id == case["zoe"] and e.username == me.username for e in mine)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"theme": "Housing"}, "theme: 'Housing' is not one of the themes (Drift or delay"),
        ({"theme": 999}, "theme: 999 is not one of the themes"),
        ({"raised_on": D(2024, 4, 11)}, "raised on: 11/04/2024 is after today (10/04/2024)"),
        ({"concern": "  "}, "concern: this cannot be empty"),
        ({"process": "cp"}, "process: Zoë Ó Briain has no CP enquiry or plan"),
        ({"process": "xx"}, "process: 'xx' is not lac (looked after) or cp"),
        ({"stage": 7}, "stage: 7 is not a stage of the escalation procedure (0 (informal)"),
        ({"raised_by_id": -1}, "raised by: staff -1 is not an IRO or child protection chair"),
    ],
)
def test_bad_challenges_are_refused_by_field(db, case, change, message) -> None:
    values = {
        "process": "lac",
        "raised_by_id": case["sian"],
        "raised_on": D(2024, 3, 25),
        "theme": "Health",
        "concern": "GP registration",
    }
    values.update(change)
    with pytest.raises(InvalidInput) as refused:
        actions.raise_escalation(
            db, actions.whoami(db), case["zoe"], actions.NewEscalation(**values), as_of=AS_OF
        )
    assert str(refused.value).startswith(message), str(refused.value)
    assert _count(db, Escalation) == 0 and _count(db, EscalationStage) == 0


def test_stages_go_up_in_order_and_in_time(db, case) -> None:
    me = actions.whoami(db)
    eid = raise_challenge(db, case["zoe"], case["sian"], D(2024, 3, 25))
    with pytest.raises(InvalidInput) as refused:
        actions.add_escalation_stage(db, me, eid, 1, D(2024, 3, 22), as_of=AS_OF)
    assert str(refused.value) == (
        "raised on: 22/03/2024 is before the challenge was raised (25/03/2024)"
    )
    with pytest.raises(InvalidInput, match="raised on: 12/04/2024 is after today"):
        actions.add_escalation_stage(db, me, eid, 1, D(2024, 4, 12), as_of=AS_OF)
    with pytest.raises(InvalidInput, match=r"stage: 0 is not after the stage reached \(informal"):
        actions.add_escalation_stage(db, me, eid, 0, D(2024, 3, 26), as_of=AS_OF)
    # The IRO may skip a stage: straight to stage 2, to a named person.
    changes = actions.add_escalation_stage(
        db, me, eid, 2, D(2024, 3, 28), "Ann Head (SM)", as_of=AS_OF
    )
    assert changes.kinds >= {"escalation_stage"} and changes.children == {case["zoe"]}
    assert _stage(db, eid, 2).raised_with == "Ann Head (SM)"
    with pytest.raises(InvalidInput, match=r"stage: 1 is not after the stage reached \(stage 2"):
        actions.add_escalation_stage(db, me, eid, 1, D(2024, 4, 2), as_of=AS_OF)
    with pytest.raises(InvalidInput, match=r"raised on: 27/03/2024 is before Stage 2 was raised"):
        actions.add_escalation_stage(db, me, eid, 3, D(2024, 3, 27), as_of=AS_OF)
    actions.add_escalation_stage(db, me, eid, 3, D(2024, 4, 3), as_of=AS_OF)
    assert _stage(db, eid, 3).raised_with == "Head of service"


def test_an_answer_cannot_come_before_its_stage(db, case) -> None:
    me = actions.whoami(db)
    eid = raise_challenge(db, case["zoe"], case["sian"], D(2024, 3, 25), stage=1)
    stage = _stage(db, eid, 1)
    assert stage.raised_with == "Team manager"
    with pytest.raises(InvalidInput) as refused:
        actions.record_escalation_response(
            db, me, stage.id, D(2024, 3, 22), "Agreed", as_of=AS_OF, expected_version=1
        )
    assert str(refused.value) == "answered on: 22/03/2024 is before Stage 1 was raised (25/03/2024)"
    with pytest.raises(InvalidInput, match="answer: this cannot be empty"):
        actions.record_escalation_response(
            db, me, stage.id, D(2024, 3, 27), " ", as_of=AS_OF, expected_version=1
        )
    changes = actions.record_escalation_response(
        db,
        me,
        stage.id,
        D(2024, 3, 27),
        "Placement support agreed",
        as_of=AS_OF,
        expected_version=1,
    )
    assert changes.children == {case["zoe"]}
    saved = _stage(db, eid, 1)
    assert (saved.responded_on, saved.response, saved.version) == (
        D(2024, 3, 27),
        "Placement support agreed",
        2,
    )
    # A form built on the first version cannot overwrite the answer since recorded.
    with pytest.raises(ConcurrentChange):
        actions.record_escalation_response(
            db, me, stage.id, D(2024, 3, 28), "Other", as_of=AS_OF, expected_version=1
        )


def test_the_outcome_impact_and_cafcass(db, case) -> None:
    me = actions.whoami(db)
    eid = raise_challenge(db, case["zoe"], case["sian"], D(2024, 3, 18))
    actions.add_escalation_stage(db, me, eid, 1, D(2024, 3, 25), as_of=AS_OF)

    def update(**change):
        values = {"theme": "Placement stability", "concern": "Third move in a year"}
        values.update(change)
        return actions.update_escalation(
            db,
            me,
            eid,
            actions.EscalationUpdate(**values),
            as_of=AS_OF,
            expected_version=_escalation(db, eid).version,
        )

    with pytest.raises(InvalidInput, match="resolved on: give the date the challenge was resolved"):
        update(outcome="resolved")
    with pytest.raises(InvalidInput) as refused:
        update(resolved_on=D(2024, 3, 20), outcome="resolved")
    assert str(refused.value) == (
        "resolved on: 20/03/2024 is before its last stage was raised (25/03/2024)"
    )
    with pytest.raises(InvalidInput, match="outcome: 'fixed' is not one of Resolved, Partly"):
        update(resolved_on=D(2024, 4, 2), outcome="fixed")
    with pytest.raises(InvalidInput, match="referred to Cafcass on: 15/03/2024 is before"):
        update(cafcass_referred_on=D(2024, 3, 15))
    update(
        resolved_on=D(2024, 4, 2),
        outcome="partly_resolved",
        impact="Support increased",
        theme="Care plan quality",
    )
    saved = _escalation(db, eid)
    assert (saved.resolved_on, saved.outcome, saved.impact) == (
        D(2024, 4, 2),
        "partly_resolved",
        "Support increased",
    )
    with pytest.raises(InvalidInput, match="stage: the challenge was resolved on 02/04/2024"):
        actions.add_escalation_stage(db, me, eid, 2, D(2024, 4, 3), as_of=AS_OF)


def test_a_retired_theme_is_not_offered_but_a_challenge_keeps_it(db, case) -> None:
    me = actions.whoami(db)
    eid = raise_challenge(db, case["zoe"], case["sian"], D(2024, 3, 18), theme="Education")
    with db.session() as s:
        education = s.scalar(select(EscalationTheme).where(EscalationTheme.text == "Education"))
    actions.retire_escalation_theme(db, me, education.id, expected_version=education.version)
    with pytest.raises(InvalidInput, match="theme: 'Education' is not one of the themes"):
        raise_challenge(db, case["zoe"], case["sian"], D(2024, 3, 19), theme="Education")
    actions.update_escalation(
        db,
        me,
        eid,
        actions.EscalationUpdate("Education", "Still no PEP"),
        as_of=AS_OF,
        expected_version=1,
    )
    new = actions.add_escalation_theme(db, me, "  Housing  for care leavers ").result
    with db.session() as s:
        assert s.get(EscalationTheme, new).text == "Housing for care leavers"
    with pytest.raises(InvalidInput, match="already in the list"):
        actions.add_escalation_theme(db, me, "housing for care leavers")
    assert actions.add_escalation_theme(db, me, "Education").result == education.id  # back


# --- contacts -------------------------------------------------------------------------------


def test_contacts_are_recorded_and_removed(db, case) -> None:
    me = actions.whoami(db)
    contact = actions.NewContact(
        case["sian"], D(2024, 4, 2), "visit", True, midway_review=True, note="Saw Zoë at school"
    )
    changes = actions.record_contact(db, me, case["zoe"], contact, as_of=AS_OF)
    assert changes.kinds >= {"iro_contact"} and changes.children == {case["zoe"]}
    with db.session() as s:
        saved = s.get(IroContact, changes.result)
        assert (saved.kind, saved.with_child, saved.midway_review) == ("visit", True, True)
    for bad, message in (
        (actions.NewContact(case["sian"], D(2024, 4, 2), "fax", True), "kind: 'fax' is not one"),
        (actions.NewContact(case["sian"], D(2024, 4, 20), "call", True), "contact date: 20/04"),
        (actions.NewContact(-5, D(2024, 4, 2), "call", True), "IRO: staff -5 is not an IRO"),
    ):
        with pytest.raises(InvalidInput, match=message):
            actions.record_contact(db, me, case["zoe"], bad, as_of=AS_OF)
    with pytest.raises(ConcurrentChange):
        actions.remove_contact(db, me, changes.result, as_of=AS_OF, expected_version=7)
    removed = actions.remove_contact(db, me, changes.result, as_of=AS_OF, expected_version=1)
    assert removed.children == {case["zoe"]} and _count(db, IroContact) == 0
    with db.session() as s:
        gone = s.scalar(
            select(AuditEntry).where(
                AuditEntry.action == "delete", AuditEntry.table_name == "iro_contact"
            )
        )
        assert gone.before["note"] == "Saw Zoë at school" and gone.child_id == case["zoe"]


def _lukasz_chairs_a_review_of_zoes(db, case) -> None:
    """A review of Zoë's booked ahead with Łukasz in the chair (so she is his to record)."""
    with db.session() as s:
        s.add(
            Meeting(
                child_id=case["zoe"],
                process="lac",
                meeting_type="lac_review",
                period_id=case["period"],
                status="booked",
                booked_date=D(2024, 9, 20),
                chair_id=case["lukasz"],
            )
        )


def test_an_iro_records_for_their_own_children_as_themselves(open_db, db, case) -> None:
    sian_db, sian = _iro(open_db, db, "sian", case["sian"])
    other_db, other = _iro(open_db, db, "lukasz", case["lukasz"])
    visit = actions.NewContact(case["sian"], D(2024, 4, 2), "visit", True)
    # Siân is Zoë's IRO: her own contact, yes; one as Łukasz, no.
    actions.record_contact(sian_db, sian, case["zoe"], visit, as_of=AS_OF)
    as_other = actions.NewContact(case["lukasz"], D(2024, 4, 2), "call", True)
    with pytest.raises(Refused, match="an IRO records only contacts of their own"):
        actions.record_contact(sian_db, sian, case["zoe"], as_other, as_of=AS_OF)
    # Łukasz is not allocated to Zoë and chairs none of her meetings.
    with pytest.raises(Refused) as refused:
        actions.record_contact(other_db, other, case["zoe"], as_other, as_of=AS_OF)
    assert "for the children they are allocated" in str(refused.value)
    assert str(refused.value).startswith("lukasz (IRO) cannot record an IRO contact")
    with pytest.raises(Refused):
        raise_challenge(other_db, case["zoe"], case["lukasz"], D(2024, 4, 2))
    # Chairing one of Zoë's meetings (a review booked ahead) makes her his to record.
    _lukasz_chairs_a_review_of_zoes(db, case)
    actions.record_contact(other_db, other, case["zoe"], as_other, as_of=AS_OF)
    eid = raise_challenge(other_db, case["zoe"], case["lukasz"], D(2024, 4, 2))
    # The IRO who raised it takes it on; Máire (a chair of Wiktor's plan only) may not.
    actions.add_escalation_stage(other_db, other, eid, 1, D(2024, 4, 3), as_of=AS_OF)
    maire_db, maire = _iro(open_db, db, "maire", case["maire"])
    with pytest.raises(Refused):
        actions.add_escalation_stage(maire_db, maire, eid, 2, D(2024, 4, 4), as_of=AS_OF)
    assert _count(db, IroContact) == 2


def test_the_rights_the_window_reads_are_what_the_door_allows(open_db, db, case) -> None:
    """`oversight_rights` (what the window offers) says yes exactly where the actions above
    allow: Siân for Zoë, her child; Łukasz not, until he chairs one of her meetings; Máire
    not even then, but for a challenge she raised; a team manager never."""

    def rights(database, actor):
        with database.session() as s:
            return actions.oversight_rights(s, actor, case["zoe"], as_of=AS_OF)

    sian_db, sian = _iro(open_db, db, "sian", case["sian"])
    other_db, other = _iro(open_db, db, "lukasz", case["lukasz"])
    maire_db, maire = _iro(open_db, db, "maire", case["maire"])
    manager = open_db("manager", role="team_manager")
    assert rights(db, actions.whoami(db)).records
    assert rights(sian_db, sian).records and rights(sian_db, sian).removes_contact(case["sian"])
    assert not rights(sian_db, sian).removes_contact(case["lukasz"])  # not her contact
    assert not rights(other_db, other).records
    assert not rights(manager, actions.whoami(manager)).records
    assert not rights(manager, actions.whoami(manager)).changes_escalation(case["maire"])
    _lukasz_chairs_a_review_of_zoes(db, case)
    assert rights(other_db, other).records
    assert not rights(maire_db, maire).records
    assert not rights(maire_db, maire).changes_escalation(case["lukasz"])
    assert rights(maire_db, maire).changes_escalation(case["maire"])  # one she raised


def test_a_team_manager_reads_only(open_db, db, case) -> None:
    manager = open_db("manager", role="team_manager")
    visit = actions.NewContact(case["sian"], D(2024, 4, 2), "visit", True)
    with pytest.raises(Refused, match=r"manager \(team manager, read only\) cannot record"):
        actions.record_contact(manager, actions.whoami(manager), case["zoe"], visit, as_of=AS_OF)
    assert _count(db, IroContact) == 0


# --- the child's voice ----------------------------------------------------------------------


def _review(db, child_id: int, day: dt.date) -> Meeting:
    with db.session() as s:
        return s.scalar(
            select(Meeting).where(Meeting.child_id == child_id, Meeting.held_date == day)
        )


def test_the_childs_voice_is_recorded_and_changed_on_its_version(db, case) -> None:
    me = actions.whoami(db)
    review = _review(db, case["zoe"], D(2024, 3, 25))
    voice = actions.Voice(
        by_form=True,
        by_app=True,
        advocacy_offered=True,
        advocacy_taken_up=False,
        consultation="returned",
    )
    changes = actions.record_child_voice(db, me, review.id, voice, expected_version=0)
    assert changes.kinds >= {"child_voice"} and changes.children == {case["zoe"]}
    with pytest.raises(ConcurrentChange):  # someone else's first record meanwhile
        actions.record_child_voice(db, me, review.id, voice, expected_version=0)
    voice.consultation = "not_returned"
    actions.record_child_voice(db, me, review.id, voice, expected_version=1)
    with db.session() as s:
        saved = s.scalar(select(ChildVoice).where(ChildVoice.meeting_id == review.id))
        assert (saved.by_form, saved.direct, saved.by_app, saved.consultation, saved.version) == (
            True,
            False,
            True,
            "not_returned",
            2,
        )
    with pytest.raises(InvalidInput, match="consultation: 'lost' is not one of not_sent"):
        actions.record_child_voice(
            db, me, review.id, actions.Voice(consultation="lost"), expected_version=2
        )
    with pytest.raises(InvalidInput, match="advocacy taken up: it was recorded as not offered"):
        actions.record_child_voice(
            db,
            me,
            review.id,
            actions.Voice(advocacy_offered=False, advocacy_taken_up=True),
            expected_version=2,
        )


def test_an_iro_records_the_voice_only_for_meetings_they_chair(open_db, db, case) -> None:
    review = _review(db, case["zoe"], D(2024, 3, 25))
    sian_db, sian = _iro(open_db, db, "sian", case["sian"])
    maire_db, maire = _iro(open_db, db, "maire", case["maire"])
    actions.record_child_voice(
        sian_db, sian, review.id, actions.Voice(direct=True), expected_version=0
    )
    with pytest.raises(Refused, match="only for meetings they chair"):
        actions.record_child_voice(maire_db, maire, review.id, actions.Voice(), expected_version=1)


# --- quoracy --------------------------------------------------------------------------------


def test_an_inquorate_conference_cannot_end_a_plan(db, case) -> None:
    me = actions.whoami(db)
    with db.session() as s:
        meeting = Meeting(
            child_id=case["wiktor"],
            process="cp",
            meeting_type="rcpc_first",
            sequence=1,
            plan_id=case["plan"],
            status="booked",
            booked_date=D(2024, 4, 8),
            chair_id=case["maire"],
        )
        s.add(meeting)
        s.flush()
        mid = meeting.id

    def record(quorate: bool, outcome: str):
        return actions.record_outcome(
            db,
            me,
            mid,
            actions.Outcome(parts=[D(2024, 4, 8)], quorate=quorate, outcome=outcome),
            late=False,
            as_of=AS_OF,
            expected_version=_meeting_version(db, mid),
        )

    for words in ("Plan ended", "plan ended"):
        with pytest.raises(InvalidInput) as refused:
            record(False, words)
        assert str(refused.value) == (
            "outcome: 'Plan ended' cannot be recorded for a conference that was not quorate: an "
            "inquorate conference cannot end a plan (reconvene it)"
        )
    with db.session() as s:
        assert s.get(Meeting, mid).status == "booked"  # nothing written
    record(False, "Plan continued")  # inquorate, the plan stays
    record(True, "Plan ended")  # quorate: it may end the plan


def test_a_lac_review_is_not_recorded_as_not_quorate(db, case) -> None:
    """Quoracy is a CP conference's; a LAC review has none: "not quorate" for one is refused
    (the window no longer asks it), and a review recorded with no answer is saved so."""
    me = actions.whoami(db)
    _lukasz_chairs_a_review_of_zoes(db, case)
    with db.session() as s:
        mid = s.scalar(select(Meeting.id).where(Meeting.child_id == case["zoe"]))

    def record(quorate: bool | None):
        return actions.record_outcome(
            db,
            me,
            mid,
            actions.Outcome(parts=[D(2024, 4, 8)], quorate=quorate),
            late=False,
            as_of=AS_OF,
            expected_version=_meeting_version(db, mid),
        )

    with pytest.raises(InvalidInput) as refused:
        record(False)
    assert str(refused.value) == (
        "quorate: quoracy is for child protection conferences; a LAC review has none"
    )
    record(None)
    with db.session() as s:
        assert (s.get(Meeting, mid).status, s.get(Meeting, mid).quorate) == ("held", None)


def _meeting_version(db, meeting_id: int) -> int:
    with db.session() as s:
        return s.get(Meeting, meeting_id).version
