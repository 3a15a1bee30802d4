"""A conference to invite people to, built the way a clerk would: staff, a room, a child with
a family and professionals, all through the actions; an initial conference booked.

    ids = conference(db)          # ids of everything, with ids["meeting"] the ICPC
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from reviewdesk import actions
from reviewdesk.scheduling import Booking
from reviewdesk.settings import setting_versions
from reviewdesk.storage.db import Database
from reviewdesk.storage.models import Child, CpEnquiry, Room, Staff, Team, Venue

D = dt.date
AS_OF = D(2024, 5, 13)  # a Monday
DAY = D(2024, 5, 20)  # the conference: Monday, 10:00-11:30
TIME = dt.time(10, 0)
MAILBOX = "iro.service@council.example"


def me(db: Database) -> actions.Actor:
    return actions.whoami(db)


def set_setting(db: Database, key: str, value: Any) -> None:
    with db.session() as s:
        version = setting_versions(s)[key][1]
    actions.save_settings(db, me(db), {key: (value, version)})


def conference(db: Database, *, mailbox: bool = True, police_contact: bool = True) -> dict:
    """The register for a conference (see the module); the invitation list is left empty."""
    ids: dict[str, int] = {}
    with db.session() as s:
        manager = Staff(
            name="Gareth Llewelyn", role="team_manager", email="g.llewelyn@council.example"
        )
        team = Team(name="North", manager=manager)
        worker = Staff(
            name="Siân Evans", role="social_worker", email="sian.evans@council.example", team=team
        )
        chair = Staff(name="Łukasz Nowak", role="cp_chair", email="lukasz.nowak@council.example")
        clerk = Staff(
            name="Chloé Cooper",
            role="clerk",
            email="chloe.cooper@council.example",
            phone="01632 960123",
        )
        venue = Venue(name="Civic Centre", address="Civic Centre\nMarket Street\nNorthgate NG1 1AA")
        room = Room(venue=venue, name="Room 2")
        child = Child(
            local_id="R100",
            first_name="Zoë",
            last_name="Brontë",
            dob=D(2016, 3, 1),
            team=team,
            social_worker=worker,
        )
        child.enquiries.append(CpEnquiry(route="s47", strategy_date=D(2024, 5, 1)))
        s.add_all([manager, team, worker, chair, clerk, room, child])
        s.flush()
        ids.update(
            manager=manager.id,
            team=team.id,
            worker=worker.id,
            chair=chair.id,
            clerk=clerk.id,
            room=room.id,
            child=child.id,
            enquiry=child.enquiries[0].id,
        )
    if mailbox:
        set_setting(db, "invitations_mailbox", MAILBOX)
    actor = me(db)
    if police_contact:
        ids["police"] = actions.save_professional(
            db,
            actor,
            actions.ProfessionalForm(
                name="Public Protection Unit",
                agency="police",
                organisation="Northshire Police",
                email="ppu@police.example",
                agency_contact=True,
                secure_email=True,
            ),
        ).result
    ids["gp"] = actions.save_professional(
        db,
        actor,
        actions.ProfessionalForm(
            name="Dr Ann Patel",
            agency="gp",
            organisation="Elm Grove Surgery",
            email="ann.patel@nhs.example",
            address="Elm Grove\nNorthgate",
        ),
    ).result
    ids["school"] = actions.save_professional(
        db,
        actor,
        actions.ProfessionalForm(
            name="Mr Tomás Kelly",
            agency="school",
            organisation="St Anne's Primary",
            address="St Anne's Primary\nChurch Lane\nNorthgate",
        ),
    ).result  # no email: a letter
    for key in ("gp", "school"):
        actions.link_professional(db, actor, ids["child"], ids[key])
    ids["mother"] = actions.save_person(
        db,
        actor,
        ids["child"],
        actions.PersonForm(
            name="Małgorzata Brontë",
            relation="mother",
            parental_responsibility=True,
            address="98 Church Lane\nNorthgate\nNG1 3DL",
            interpreter="Polish",
        ),
    ).result
    ids["father"] = actions.save_person(
        db,
        actor,
        ids["child"],
        actions.PersonForm(
            name="Piotr Brontë",
            relation="father",
            parental_responsibility=True,
            address="4 Mill Street\nSouthbrook",
            email="piotr@mail.example",
            preferred_contact="email",
            excluded_from_part=True,
            exclusion_note="Not present for the police information (chair's decision)",
        ),
    ).result
    ids["meeting"] = actions.book_meeting(
        db,
        actor,
        ids["child"],
        "icpc",
        Booking(DAY, TIME, 90, chair_id=ids["chair"], room_id=ids["room"], clerk_id=ids["clerk"]),
        enquiry_id=ids["enquiry"],
    ).result
    return ids


def invite_proposed(db: Database, meeting_id: int) -> None:
    """Add everyone and every report the rules propose (as the window's button does)."""
    from reviewdesk.invitations.proposal import propose
    from reviewdesk.settings import working_context

    with db.session() as s:
        rules, calendar = working_context(s)
        proposal = propose(s, meeting_id, rules=rules, calendar=calendar)
    actor = me(db)
    actions.add_invitees(
        db, actor, meeting_id, [actions.invitee_from(c) for c in proposal.new_invitees]
    )
    actions.add_reports(
        db, actor, meeting_id, [actions.report_from(r) for r in proposal.new_reports]
    )


def report_pdf(text: str, *, pages: int = 2, landscape_page: bool = False) -> bytes:
    """A small, plain PDF report whose every page carries ``text`` (and its page number)."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    for n in range(1, pages + 1):
        if landscape_page and n == pages:
            canvas.setPageSize(landscape(A4))
        canvas.setFont("Helvetica", 14)
        canvas.drawString(72, 500, f"{text} page {n}")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def version_of(db: Database, model: type, key: Any) -> int:
    with db.session() as s:
        return s.get(model, key).version
