"""The invitation list and the reports proposed for a meeting from the rules and the child's
people."""

from __future__ import annotations

import datetime as dt

from reviewdesk import actions
from reviewdesk.invitations.proposal import propose
from reviewdesk.scheduling import Booking
from reviewdesk.settings import working_context
from reviewdesk.storage.models import PeriodOfCare
from tests.invitations.scenario import DAY, conference, invite_proposed, me

D = dt.date


def _propose(db, meeting_id):
    with db.session() as s:
        rules, calendar = working_context(s)
        return propose(s, meeting_id, rules=rules, calendar=calendar)


def test_an_initial_conference_invites_the_family_the_social_worker_and_the_agencies(db):
    ids = conference(db)
    proposal = _propose(db, ids["meeting"])
    who = {c.name: (c.role, c.rule_id) for c in proposal.invitees}
    assert who == {
        "Małgorzata Brontë": ("Mother", "cp.invite.parents"),
        "Piotr Brontë": ("Father", "cp.invite.parents"),
        "Siân Evans": ("Social worker", "cp.invite.social_worker"),
        "Gareth Llewelyn": ("Team manager", "cp.invite.team_manager"),
        # No officer is involved with the child yet: the police contact in the directory.
        "Public Protection Unit": ("Police", "cp.invite.police"),
        "Dr Ann Patel": ("GP", "cp.invite.agencies"),
        "Mr Tomás Kelly": ("School", "cp.invite.agencies"),
    }  # Zoë is 8: not invited to a CP conference (12 and over, the rules' default)
    assert proposal.missing == []
    # Reports: the social worker's and each agency's, due 1 working day before (Fri 17/05).
    reports = {(r.author, r.agency, r.deadline_rule, r.due) for r in proposal.reports}
    due = D(2024, 5, 17)
    assert reports == {
        ("Siân Evans", "social_worker", "cp.icpc.report_to_chair", due),
        ("Public Protection Unit", "police", "cp.icpc.report_to_chair", due),
        ("Dr Ann Patel", "gp", "cp.icpc.report_to_chair", due),
        ("Mr Tomás Kelly", "school", "cp.icpc.report_to_chair", due),
    }


def test_proposing_again_marks_who_is_already_invited(db):
    ids = conference(db)
    invite_proposed(db, ids["meeting"])
    again = _propose(db, ids["meeting"])
    assert again.invitees and all(c.invited for c in again.invitees)
    assert again.reports and all(r.recorded for r in again.reports)
    assert again.new_invitees == [] and again.new_reports == []


def test_what_the_register_cannot_supply_is_said(db):
    ids = conference(db, police_contact=False)
    proposal = _propose(db, ids["meeting"])
    assert any("police" in line and "directory has no contact" in line for line in proposal.missing)
    assert "Public Protection Unit" not in {c.name for c in proposal.invitees}


def test_a_review_invites_the_child_from_four_and_the_carers(db):
    ids = conference(db)
    actor = me(db)
    with db.session() as s:
        s.add(PeriodOfCare(child_id=ids["child"], start=D(2024, 4, 1)))
    with db.session() as s:
        period = s.query(PeriodOfCare).filter_by(child_id=ids["child"]).one().id
    actions.save_person(
        db,
        actor,
        ids["child"],
        actions.PersonForm(name="Ruth Okafor", relation="foster_carer", address="1 Park Avenue"),
    )
    review = actions.book_meeting(
        db, actor, ids["child"], "lac_review", Booking(DAY, dt.time(14, 0)), period_id=period
    ).result
    proposal = _propose(db, review)
    roles = {c.name: c.role for c in proposal.invitees}
    assert roles["Zoë Brontë"] == "Child" and roles["Ruth Okafor"] == "Foster carer"
    assert "Gareth Llewelyn" not in roles  # the manager is not invited to a LAC review
    titles = {r.rule_id for r in proposal.reports}
    assert titles == {"lac.report.social_worker", "lac.report.education"}
    assert {r.due for r in proposal.reports} == {D(2024, 5, 15)}  # 3 working days before
