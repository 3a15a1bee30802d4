"""A child's family and network, the directory, and the professionals involved: validated,
versioned and audited through the actions."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from reviewdesk import actions
from reviewdesk.errors import InvalidInput
from reviewdesk.invitations.details import child_people, directory
from reviewdesk.storage.locking import ConcurrentChange
from reviewdesk.storage.models import AuditEntry, Invitee, Person
from tests.invitations.scenario import conference, invite_proposed, me


@pytest.mark.parametrize(
    ("form", "words"),
    [
        (actions.PersonForm(name=" ", relation="mother", address="x"), "name: give the name"),
        (actions.PersonForm(name="A", relation="landlord", address="x"), "relationship:"),
        (actions.PersonForm(name="A", relation="mother"), "letter needs an address"),
        (
            actions.PersonForm(name="A", relation="mother", preferred_contact="email"),
            "email needs an email",
        ),
        (
            actions.PersonForm(name="A", relation="mother", address="x", email="not-an-address"),
            'email: "not-an-address" is not an email address',
        ),
        (
            actions.PersonForm(name="A", relation="father", address="x", excluded_from_part=True),
            "exclusion note: say which part",
        ),
        (
            actions.PersonForm(
                name="A", relation="father", phone="call me", preferred_contact="phone"
            ),
            'phone: "call me" has no digits',
        ),
    ],
)
def test_a_family_member_is_checked_before_saving(db, form, words):
    ids = conference(db)
    with pytest.raises(InvalidInput) as refused:
        actions.save_person(db, me(db), ids["child"], form)
    assert words in str(refused.value)


def test_editing_someone_names_the_version_it_was_built_on(db, open_db):
    ids = conference(db)
    other = open_db("colleague")
    with db.session() as s:
        mother = s.get(Person, ids["mother"])
        form = actions.form_of(mother, actions.PersonForm)
        version = mother.version
    form.phone = "07700 900123"
    actions.save_person(
        other, me(other), ids["child"], form, person_id=ids["mother"], expected_version=version
    )
    form.phone = "07700 900999"  # built on the version before the colleague's save
    with pytest.raises(ConcurrentChange, match="changed by colleague"):
        actions.save_person(
            db, me(db), ids["child"], form, person_id=ids["mother"], expected_version=version
        )
    with db.session() as s:
        people, links = child_people(s, ids["child"])
    assert {p.name: p.phone for p in people}["Małgorzata Brontë"] == "07700 900123"
    assert {link.professional.name for link in links} == {"Dr Ann Patel", "Mr Tomás Kelly"}


def test_removing_someone_keeps_their_invitations_by_name(db):
    ids = conference(db)
    invite_proposed(db, ids["meeting"])
    with db.session() as s:
        version = s.get(Person, ids["mother"]).version
    changes = actions.remove_person(db, me(db), ids["mother"], expected_version=version)
    assert changes.touches("person", "invitee") and changes.touches_child(ids["child"])
    with db.session() as s:
        invitee = s.scalar(select(Invitee).where(Invitee.name == "Małgorzata Brontë"))
        assert invitee is not None and invitee.person_id is None
        trail = {(e.action, e.table_name) for e in s.scalars(select(AuditEntry))}
    assert ("delete", "person") in trail and ("update", "invitee") in trail


def test_the_directory_retires_rather_than_forgets(db):
    ids = conference(db)
    actor = me(db)
    with db.session() as s:
        gp = next(p for p in directory(s) if p.id == ids["gp"])
    form = actions.form_of(gp, actions.ProfessionalForm)
    form.active = False
    actions.save_professional(db, actor, form, professional_id=gp.id, expected_version=gp.version)
    with db.session() as s:
        assert ids["gp"] not in {p.id for p in directory(s)}
        assert ids["gp"] in {p.id for p in directory(s, include_retired=True)}
    with pytest.raises(InvalidInput, match="has left the directory"):
        actions.link_professional(db, actor, ids["child"], ids["gp"])
    with pytest.raises(InvalidInput, match="already involved with this child"):
        actions.link_professional(db, actor, ids["child"], ids["school"])
    with pytest.raises(InvalidInput, match="secure email: give the secure email address"):
        actions.save_professional(
            db, actor, actions.ProfessionalForm(name="PC X", agency="police", secure_email=True)
        )
