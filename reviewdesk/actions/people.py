"""People: a child's family and network, the directory of professionals and agencies, and
the professionals involved with a child (administrators).

None of these come from the statutory returns: the council keeps them, in the window or
here. Each form names the version it was built on (0 for a new record), so a save over
someone else's newer change is refused saying who made it and when. Bad input raises
`InvalidInput` naming the field and the value.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import select

from reviewdesk.actions.base import Actor, Changes, Permission, action, door
from reviewdesk.codes import AGENCY, CONTACT_BY, RELATIONSHIP
from reviewdesk.errors import InvalidInput
from reviewdesk.invitations.settings_check import check_email
from reviewdesk.storage.db import Database
from reviewdesk.storage.locking import ensure_unchanged
from reviewdesk.storage.models import Child, ChildProfessional, Invitee, Person, Professional

NAME_LIMIT = 200
TEXT_LIMIT = 1000


@dataclass
class PersonForm:
    """Someone in a child's family and network, as the form has them."""

    name: str
    relation: str
    parental_responsibility: bool = False
    address: str = ""
    email: str = ""
    phone: str = ""
    preferred_contact: str = "letter"
    interpreter: str = ""  # the language, if an interpreter is needed
    access_needs: str = ""
    excluded_from_part: bool = False
    exclusion_note: str = ""
    active: bool = True


@dataclass
class ProfessionalForm:
    """A directory entry, as the form has it."""

    name: str
    agency: str
    organisation: str = ""
    job_title: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    secure_email: bool = False
    agency_contact: bool = False
    active: bool = True


def _text(field: str, value: Any, *, limit: int = TEXT_LIMIT, needed: bool = False) -> str | None:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(f"{field}: {value!r} is not text")
    text = value.strip()
    if needed and not text:
        raise InvalidInput(f"{field}: give the {field}")
    if len(text) > limit:
        raise InvalidInput(f"{field}: {len(text)} characters is more than {limit}")
    return text or None


def _phone(value: str) -> str | None:
    text = _text("phone", value, limit=50)
    if text and not any(ch.isdigit() for ch in text):
        raise InvalidInput(f'phone: "{text}" has no digits')
    return text


def checked_person(form: PersonForm) -> dict[str, Any]:
    """The values to store for a family member, or InvalidInput naming the field."""
    if form.relation not in RELATIONSHIP:
        raise InvalidInput(
            f"relationship: {form.relation!r} is not one of {', '.join(RELATIONSHIP)}"
        )
    if form.preferred_contact not in CONTACT_BY:
        raise InvalidInput(
            f"preferred contact: {form.preferred_contact!r} is not one of {', '.join(CONTACT_BY)}"
        )
    values = {
        "name": _text("name", form.name, limit=NAME_LIMIT, needed=True),
        "relation": form.relation,
        "parental_responsibility": bool(form.parental_responsibility),
        "address": _text("address", form.address, limit=500),
        "email": check_email("email", form.email),
        "phone": _phone(form.phone),
        "preferred_contact": form.preferred_contact,
        "interpreter": _text("interpreter", form.interpreter, limit=100),
        "access_needs": _text("access needs", form.access_needs),
        "excluded_from_part": bool(form.excluded_from_part),
        "exclusion_note": _text("exclusion note", form.exclusion_note),
        "active": bool(form.active),
    }
    needs = {"letter": "address", "email": "email", "phone": "phone", "text": "phone"}
    field = needs[form.preferred_contact]
    if not values[field]:
        raise InvalidInput(
            f"preferred contact: {CONTACT_BY[form.preferred_contact].lower()} needs "
            f"{'an' if field in ('address', 'email') else 'a'} {field}; give it, or choose "
            "another way to reach them"
        )
    if values["excluded_from_part"] and not values["exclusion_note"]:
        raise InvalidInput(
            "exclusion note: say which part of the meeting they are excluded from and why "
            "(the chair's decision)"
        )
    return values


def checked_professional(form: ProfessionalForm) -> dict[str, Any]:
    """The values to store for a directory entry, or InvalidInput naming the field."""
    if form.agency not in AGENCY:
        raise InvalidInput(f"agency: {form.agency!r} is not one of {', '.join(AGENCY)}")
    values = {
        "name": _text("name", form.name, limit=NAME_LIMIT, needed=True),
        "agency": form.agency,
        "organisation": _text("organisation", form.organisation, limit=200),
        "job_title": _text("job title", form.job_title, limit=200),
        "email": check_email("email", form.email),
        "phone": _phone(form.phone),
        "address": _text("address", form.address, limit=500),
        "secure_email": bool(form.secure_email),
        "agency_contact": bool(form.agency_contact),
        "active": bool(form.active),
    }
    if values["secure_email"] and not values["email"]:
        raise InvalidInput("secure email: give the secure email address")
    return values


def _apply(record: Any, values: dict[str, Any]) -> None:
    for key, value in values.items():
        if getattr(record, key) != value:
            setattr(record, key, value)


@action("save_person", "change a child's family and network", Permission.BOOK_MEETING)
def save_person(
    db: Database,
    actor: Actor,
    child_id: int,
    form: PersonForm,
    *,
    person_id: int | None = None,
    expected_version: int = 0,
) -> Changes:
    """Add someone to a child's family and network (no ``person_id``), or change them
    (built on ``expected_version``). The result is their id."""
    values = checked_person(form)
    with door(db, actor, "save_person") as tx:
        if tx.session.get(Child, child_id) is None:
            raise InvalidInput(f"child {child_id} does not exist")
        if person_id is None:
            person = Person(child_id=child_id, **values)
            tx.session.add(person)
        else:
            person = tx.session.get(Person, person_id)
            if person is None or person.child_id != child_id:
                raise InvalidInput(f"person {person_id} is not in this child's family and network")
            ensure_unchanged(person, expected_version)
            _apply(person, values)
        tx.session.flush()
        return tx.changes(result=person.id)


@action("remove_person", "change a child's family and network", Permission.BOOK_MEETING)
def remove_person(db: Database, actor: Actor, person_id: int, *, expected_version: int) -> Changes:
    """Take someone off a child's family and network (added by mistake, say). Invitations
    already on meetings keep their name; they no longer point to the person."""
    with door(db, actor, "remove_person") as tx:
        person = tx.session.get(Person, person_id)
        if person is None:
            raise InvalidInput(f"person {person_id} does not exist")
        ensure_unchanged(person, expected_version)
        for invitee in tx.session.scalars(select(Invitee).where(Invitee.person_id == person_id)):
            invitee.person_id = None
        tx.session.flush()
        tx.session.delete(person)
        tx.session.flush()
        return tx.changes(result=person_id)


@action("save_professional", "change the directory of professionals", Permission.BOOK_MEETING)
def save_professional(
    db: Database,
    actor: Actor,
    form: ProfessionalForm,
    *,
    professional_id: int | None = None,
    expected_version: int = 0,
) -> Changes:
    """Add a professional or agency contact to the directory, or change one (retire with
    ``active=False``: kept for the meetings and reports that name them). Result: the id."""
    values = checked_professional(form)
    with door(db, actor, "save_professional") as tx:
        if professional_id is None:
            professional = Professional(**values)
            tx.session.add(professional)
        else:
            professional = tx.session.get(Professional, professional_id)
            if professional is None:
                raise InvalidInput(f"directory entry {professional_id} does not exist")
            ensure_unchanged(professional, expected_version)
            _apply(professional, values)
        tx.session.flush()
        return tx.changes(result=professional.id)


@action(
    "link_professional", "change the professionals involved with a child", Permission.BOOK_MEETING
)
def link_professional(
    db: Database, actor: Actor, child_id: int, professional_id: int, note: str = ""
) -> Changes:
    """Record that a professional from the directory is involved with a child."""
    text = _text("note", note, limit=200)
    with door(db, actor, "link_professional") as tx:
        if tx.session.get(Child, child_id) is None:
            raise InvalidInput(f"child {child_id} does not exist")
        professional = tx.session.get(Professional, professional_id)
        if professional is None:
            raise InvalidInput(f"directory entry {professional_id} does not exist")
        if not professional.active:
            raise InvalidInput(f"{professional.name} has left the directory (retired)")
        existing = tx.session.scalar(
            select(ChildProfessional).where(
                ChildProfessional.child_id == child_id,
                ChildProfessional.professional_id == professional_id,
            )
        )
        if existing is not None:
            raise InvalidInput(f"{professional.name} is already involved with this child")
        link = ChildProfessional(child_id=child_id, professional_id=professional_id, note=text)
        tx.session.add(link)
        tx.session.flush()
        return tx.changes(result=link.id)


@action(
    "unlink_professional", "change the professionals involved with a child", Permission.BOOK_MEETING
)
def unlink_professional(
    db: Database, actor: Actor, link_id: int, *, expected_version: int
) -> Changes:
    """A professional is no longer involved with a child (the directory keeps them)."""
    with door(db, actor, "unlink_professional") as tx:
        link = tx.session.get(ChildProfessional, link_id)
        if link is None:
            raise InvalidInput(f"link {link_id} does not exist")
        ensure_unchanged(link, expected_version)
        tx.session.delete(link)
        tx.session.flush()
        return tx.changes(result=link_id)


def form_of(info: Any, form: type) -> Any:
    """A form filled in from a record's plain values (`reviewdesk.invitations.details`)."""
    return form(**{f.name: getattr(info, f.name) for f in fields(form)})


__all__ = [
    "PersonForm",
    "ProfessionalForm",
    "checked_person",
    "checked_professional",
    "form_of",
    "link_professional",
    "remove_person",
    "save_person",
    "save_professional",
    "unlink_professional",
]
