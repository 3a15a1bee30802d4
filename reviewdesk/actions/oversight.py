"""IRO oversight: challenges and their escalation, contacts between reviews, the child's voice,
and the list of challenge themes.

Who may: administrators everything; an IRO (or CP chair) records challenges and contacts for
the children they are allocated (the IRO of an open period of care, the chair of a plan in
force) or whose meetings they chair, as themselves (a challenge they raised, a contact they
made), and the child's voice for the meetings they chair. Team managers and others read.
The themes list is a setting (administrators).

Bad input is refused with the field, the value and why: a stage raised before the challenge,
an unknown theme, an answer dated before its stage, anything dated after the day it is
recorded (``as_of``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from reviewdesk.actions.base import Actor, Changes, Permission, Transaction, action, door
from reviewdesk.actions.text import fits
from reviewdesk.actions.wordlists import add_word, retire_word
from reviewdesk.caseload import in_caseload
from reviewdesk.codes import Process, Role
from reviewdesk.engine.oversight import escalation_stages, stage_name, stage_rule
from reviewdesk.errors import InvalidInput
from reviewdesk.oversight.words import (
    CONSULTATION,
    CONTACT_KINDS,
    OUTCOMES,
    RAISER_ROLES,
    TEXT_LIMIT,
    VOICE_METHODS,
)
from reviewdesk.settings import working_context
from reviewdesk.storage.db import Database
from reviewdesk.storage.locking import ConcurrentChange, ensure_unchanged
from reviewdesk.storage.models import (
    Child,
    ChildVoice,
    CpEnquiry,
    CpPlan,
    Escalation,
    EscalationStage,
    EscalationTheme,
    IroContact,
    Meeting,
    PeriodOfCare,
    Staff,
)
from reviewdesk.vocabulary import LIVE_STATUSES, format_uk

THEME_LIMIT = 200


# --- what a form gives ----------------------------------------------------------------------


@dataclass
class NewEscalation:
    """A challenge as raised: informally (``stage`` 0) or straight at a formal stage."""

    process: str  # "lac" or "cp": the plan challenged
    raised_by_id: int  # the IRO or chair raising it
    raised_on: dt.date
    theme: int | str  # a theme's id or its words
    concern: str
    stage: int = 0
    raised_with: str = ""  # to whom; default: the stage rule's ``to``


@dataclass
class EscalationUpdate:
    """A challenge's editable details and its outcome (``resolved_on`` None: still open)."""

    theme: int | str
    concern: str
    resolved_on: dt.date | None = None
    outcome: str | None = None
    impact: str | None = None
    cafcass_referred_on: dt.date | None = None


@dataclass
class NewContact:
    staff_id: int  # the IRO (or chair) in contact
    contact_date: dt.date
    kind: str  # `words.CONTACT_KINDS`
    with_child: bool
    midway_review: bool = False
    note: str = ""


@dataclass
class Voice:
    """How the child's views reached a meeting (`words.VOICE_METHODS`, `CONSULTATION`)."""

    by_form: bool = False
    by_advocate: bool = False
    direct: bool = False
    by_app: bool = False
    advocacy_offered: bool | None = None
    advocacy_taken_up: bool | None = None
    consultation: str | None = None
    note: str = ""


# --- checks ---------------------------------------------------------------------------------


def _day(name: str, value: object, as_of: dt.date) -> dt.date:
    if not isinstance(value, dt.date):
        raise InvalidInput(f"{name}: give a date ({value!r} is not one)")
    if value > as_of:
        raise InvalidInput(f"{name}: {format_uk(value)} is after today ({format_uk(as_of)})")
    return value


def _not_before(name: str, value: dt.date, earliest: dt.date, what: str) -> None:
    if value < earliest:
        raise InvalidInput(f"{name}: {format_uk(value)} is before {what} ({format_uk(earliest)})")


def _text(name: str, value: object, *, required: bool = False) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise InvalidInput(f"{name}: this cannot be empty")
    if len(text) > TEXT_LIMIT:
        raise InvalidInput(f"{name}: {len(text):,} characters is more than {TEXT_LIMIT:,}")
    return text


def _theme(session: Session, theme: int | str, *, keep: int | None = None) -> EscalationTheme:
    """The theme named by id or words; a retired theme only if it is ``keep`` (the one the
    challenge already has)."""
    rows = list(session.scalars(select(EscalationTheme).order_by(EscalationTheme.id)))
    if isinstance(theme, str) and not theme.strip().isdigit():
        wanted = " ".join(theme.split()).casefold()
        found = next((t for t in rows if t.text.casefold() == wanted), None)
    else:
        found = next((t for t in rows if str(t.id) == str(theme).strip()), None)
    if found is None or (not found.active and found.id != keep):
        offered = "; ".join(t.text for t in rows if t.active)
        raise InvalidInput(f"theme: {theme!r} is not one of the themes ({offered})")
    return found


def _child(session: Session, child_id: int) -> Child:
    child = session.get(Child, child_id)
    if child is None:
        raise InvalidInput(f"child {child_id} does not exist")
    return child


def _staff(session: Session, name: str, staff_id: int) -> Staff:
    staff = session.get(Staff, staff_id)
    if staff is None or staff.role not in RAISER_ROLES:
        raise InvalidInput(f"{name}: staff {staff_id} is not an IRO or child protection chair")
    return staff


def _process(session: Session, child: Child, process: str) -> str:
    if process not in (Process.LAC.value, Process.CP.value):
        raise InvalidInput(f"process: {process!r} is not lac (looked after) or cp")
    if process == Process.LAC.value:
        known = session.scalar(select(PeriodOfCare.id).where(PeriodOfCare.child_id == child.id))
    else:
        known = session.scalar(
            select(CpPlan.id).where(CpPlan.child_id == child.id).limit(1)
        ) or session.scalar(select(CpEnquiry.id).where(CpEnquiry.child_id == child.id).limit(1))
    if known is None:
        words = (
            "has never been looked after"
            if process == Process.LAC.value
            else "has no CP enquiry or plan"
        )
        raise InvalidInput(f"process: {child.display_name} {words}")
    return process


# --- who may --------------------------------------------------------------------------------

_NOT_ALLOCATED = (
    "an IRO records oversight only for the children they are allocated (as their IRO or "
    "CP chair) or whose meetings they chair, and {child} is not one of them (an "
    "administrator can record it)"
)


def _is_theirs(session: Session, staff_id: int, child_id: int, as_of: dt.date) -> bool:
    """Whether the child is allocated to ``staff_id`` on ``as_of`` (as their IRO or CP chair)
    or has live meetings they chair."""
    allocated = session.scalar(
        select(Child.id).where(Child.id == child_id, in_caseload(staff_id, as_of, Child.id))
    )
    if allocated is not None:
        return True
    chairs = session.scalar(
        select(Meeting.id)
        .where(
            Meeting.child_id == child_id,
            Meeting.chair_id == staff_id,
            Meeting.status.in_(sorted(LIVE_STATUSES)),
        )
        .limit(1)
    )
    return chairs is not None


def _require_for_child(tx: Transaction, child: Child, as_of: dt.date) -> OversightRights:
    """Administrators: any child. An IRO: a child they are allocated on ``as_of`` or whose
    live meetings they chair (`OversightRights.theirs`); otherwise refused, saying why."""
    rights = oversight_rights(tx.session, tx.actor, child.id, as_of=as_of)
    if rights.theirs:
        return rights
    tx.require(Permission.RECORD_OVERSIGHT)
    if tx.actor.staff_id is None:
        raise tx.refuse(
            "your user is not linked to a staff record, so no child is yours (an "
            "administrator can link it)"
        )
    raise tx.refuse(_NOT_ALLOCATED.format(child=child.display_name))


def records_for_others(actor: Actor) -> bool:
    """Whether ``actor`` may record a challenge or a contact as by another IRO (for them):
    administrators only; an IRO records their own (`OversightRights.records_as`)."""
    return actor.role is Role.ADMINISTRATOR


def _require_self(tx: Transaction, rights: OversightRights, staff_id: int, what: str) -> None:
    """An IRO records (and takes out) only their own challenges and contacts."""
    if not rights.records_as(staff_id):
        raise tx.refuse(f"an IRO records only {what} of their own (an administrator can record it)")


def _require_raiser_or_allocated(tx: Transaction, escalation: Escalation, as_of: dt.date) -> None:
    """Changing a challenge: administrators, the IRO who raised it, or one allocated now
    (`OversightRights.changes_escalation`)."""
    rights = oversight_rights(tx.session, tx.actor, escalation.child_id, as_of=as_of)
    if not rights.changes_escalation(escalation.raised_by_id):
        _require_for_child(tx, tx.session.get(Child, escalation.child_id), as_of)


@dataclass(frozen=True)
class OversightRights:
    """What an actor may record of one child's oversight on a day: the one definition, which
    the actions enforce (above) and the window asks, so that it offers only what the actions
    will allow rather than a form that ends in a refusal."""

    actor: Actor
    child_id: int
    as_of: dt.date
    #: Administrators; or an IRO allocated the child, or chairing its live meetings.
    theirs: bool

    @property
    def administrator(self) -> bool:
        return self.actor.role is Role.ADMINISTRATOR

    @property
    def records(self) -> bool:
        """Raising a challenge and recording a contact (their own) for the child."""
        return self.theirs

    def records_as(self, staff_id: int) -> bool:
        """Recording a challenge or contact as by ``staff_id``: administrators for anyone, an
        IRO only as themselves (for a child of theirs)."""
        return self.theirs and (records_for_others(self.actor) or self.actor.staff_id == staff_id)

    def changes_escalation(self, raised_by_id: int) -> bool:
        """Escalating, answering or resolving a challenge: theirs, or one they raised."""
        own = self.actor.staff_id is not None and self.actor.staff_id == raised_by_id
        return self.theirs or (own and self.actor.may(Permission.RECORD_OVERSIGHT))

    def removes_contact(self, staff_id: int) -> bool:
        """Taking out a contact: administrators any; an IRO their own, for a child of theirs."""
        return self.records_as(staff_id)

    def records_voice(self, chair_id: int | None) -> bool:
        """The child's views at a meeting held: administrators any; an IRO the meetings
        they chair (`record_child_voice`)."""
        return records_voice(self.actor, chair_id)


def records_voice(actor: Actor, chair_id: int | None) -> bool:
    """Whether ``actor`` may record the child's views at a meeting chaired by ``chair_id``:
    administrators any; an IRO only the meetings they chair."""
    if actor.role is Role.ADMINISTRATOR:
        return True
    return (
        actor.may(Permission.RECORD_OVERSIGHT)
        and actor.staff_id is not None
        and actor.staff_id == chair_id
    )


def oversight_rights(
    session: Session, actor: Actor, child_id: int, *, as_of: dt.date
) -> OversightRights:
    """What ``actor`` may record of the child's oversight on ``as_of`` (see `OversightRights`)."""
    if actor.role is Role.ADMINISTRATOR:
        theirs = True
    else:
        theirs = (
            actor.may(Permission.RECORD_OVERSIGHT)
            and actor.staff_id is not None
            and _is_theirs(session, actor.staff_id, child_id, as_of)
        )
    return OversightRights(actor, child_id, as_of, theirs)


# --- challenges -----------------------------------------------------------------------------


def _stage_to(session: Session, stage: int, raised_with: str) -> str:
    """To whom a stage goes: as given, else the council's rule for the stage."""
    rules, _calendar = working_context(session)
    rule = stage_rule(rules, stage)
    if rule is None:
        known = ", ".join(
            f"{r.stage} ({stage_name(r.stage or 0).lower()})" for r in escalation_stages(rules)
        )
        raise InvalidInput(f"stage: {stage!r} is not a stage of the escalation procedure ({known})")
    given = fits("raised with", _text("raised with", raised_with), EscalationStage.raised_with)
    return given or rule.to


@action("raise_escalation", "record a challenge", Permission.RECORD_OVERSIGHT)
def raise_escalation(
    db: Database, actor: Actor, child_id: int, new: NewEscalation, *, as_of: dt.date
) -> Changes:
    """Record a challenge raised about a child's plan, informally or at a formal stage;
    the result is its id."""
    with door(db, actor, "raise_escalation") as tx:
        session = tx.session
        child = _child(session, child_id)
        rights = _require_for_child(tx, child, as_of)
        _require_self(tx, rights, new.raised_by_id, "challenges")
        raised_on = _day("raised on", new.raised_on, as_of)
        process = _process(session, child, new.process)
        _staff(session, "raised by", new.raised_by_id)
        theme = _theme(session, new.theme)
        concern = _text("concern", new.concern, required=True)
        if isinstance(new.stage, bool) or not isinstance(new.stage, int):
            raise InvalidInput(f"stage: {new.stage!r} is not a stage number")
        to = _stage_to(session, new.stage, new.raised_with)
        escalation = Escalation(
            child_id=child.id,
            process=process,
            raised_by_id=new.raised_by_id,
            raised_on=raised_on,
            theme_id=theme.id,
            concern=concern,
        )
        escalation.stages.append(
            EscalationStage(child_id=child.id, stage=new.stage, raised_on=raised_on, raised_with=to)
        )
        session.add(escalation)
        session.flush()
        return tx.changes(result=escalation.id)


def _escalation(session: Session, escalation_id: int) -> Escalation:
    found = session.get(Escalation, escalation_id)
    if found is None:
        raise InvalidInput(f"challenge {escalation_id} does not exist")
    return found


@action("add_escalation_stage", "escalate a challenge", Permission.RECORD_OVERSIGHT)
def add_escalation_stage(
    db: Database,
    actor: Actor,
    escalation_id: int,
    stage: int,
    raised_on: dt.date,
    raised_with: str = "",
    *,
    as_of: dt.date,
) -> Changes:
    """Take an open challenge to a later stage (the IRO may skip stages); the result is the
    new stage's id."""
    with door(db, actor, "add_escalation_stage") as tx:
        session = tx.session
        escalation = _escalation(session, escalation_id)
        _require_raiser_or_allocated(tx, escalation, as_of)
        if escalation.resolved_on is not None:
            raise InvalidInput(
                f"stage: the challenge was resolved on {format_uk(escalation.resolved_on)}; "
                "record a new challenge instead"
            )
        if isinstance(stage, bool) or not isinstance(stage, int):
            raise InvalidInput(f"stage: {stage!r} is not a stage number")
        day = _day("raised on", raised_on, as_of)
        _not_before("raised on", day, escalation.raised_on, "the challenge was raised")
        reached = max(escalation.stages, key=lambda s: s.stage, default=None)
        if reached is not None:
            if stage <= reached.stage:
                raise InvalidInput(
                    f"stage: {stage} is not after the stage reached "
                    f"({stage_name(reached.stage).lower()})"
                )
            _not_before(
                "raised on", day, reached.raised_on, f"{stage_name(reached.stage)} was raised"
            )
        to = _stage_to(session, stage, raised_with)
        row = EscalationStage(
            escalation_id=escalation.id,
            child_id=escalation.child_id,
            stage=stage,
            raised_on=day,
            raised_with=to,
        )
        session.add(row)
        session.flush()
        return tx.changes(result=row.id)


@action("record_escalation_response", "record an escalation stage's answer",
        Permission.RECORD_OVERSIGHT)  # fmt: skip
def record_escalation_response(
    db: Database,
    actor: Actor,
    stage_id: int,
    responded_on: dt.date | None,
    response: str,
    *,
    as_of: dt.date,
    expected_version: int,
) -> Changes:
    """The answer to a stage and its date (None clears a wrongly recorded answer)."""
    with door(db, actor, "record_escalation_response") as tx:
        session = tx.session
        row = session.get(EscalationStage, stage_id)
        if row is None:
            raise InvalidInput(f"escalation stage {stage_id} does not exist")
        _require_raiser_or_allocated(tx, row.escalation, as_of)
        ensure_unchanged(row, expected_version)
        if responded_on is None:
            row.responded_on, row.response = None, None
        else:
            day = _day("answered on", responded_on, as_of)
            _not_before("answered on", day, row.raised_on, f"{stage_name(row.stage)} was raised")
            row.responded_on = day
            row.response = _text("answer", response, required=True)
        session.flush()
        return tx.changes(result=row.id)


@action("update_escalation", "record a challenge's outcome", Permission.RECORD_OVERSIGHT)
def update_escalation(
    db: Database,
    actor: Actor,
    escalation_id: int,
    update: EscalationUpdate,
    *,
    as_of: dt.date,
    expected_version: int,
) -> Changes:
    """A challenge's theme and concern, and its outcome: when it was resolved, how, the
    impact for the child, any referral to Cafcass."""
    with door(db, actor, "update_escalation") as tx:
        session = tx.session
        escalation = _escalation(session, escalation_id)
        _require_raiser_or_allocated(tx, escalation, as_of)
        ensure_unchanged(escalation, expected_version)
        theme = _theme(session, update.theme, keep=escalation.theme_id)
        concern = _text("concern", update.concern, required=True)
        impact = _text("impact", update.impact) or None
        resolved = update.resolved_on
        outcome = update.outcome or None
        if resolved is not None:
            resolved = _day("resolved on", resolved, as_of)
            _not_before("resolved on", resolved, escalation.raised_on, "the challenge was raised")
            last = max((s.raised_on for s in escalation.stages), default=escalation.raised_on)
            _not_before("resolved on", resolved, last, "its last stage was raised")
            if outcome not in OUTCOMES:
                raise InvalidInput(
                    f"outcome: {outcome!r} is not one of {', '.join(OUTCOMES.values())}"
                )
        elif outcome is not None:
            raise InvalidInput("resolved on: give the date the challenge was resolved")
        cafcass = update.cafcass_referred_on
        if cafcass is not None:
            cafcass = _day("referred to Cafcass on", cafcass, as_of)
            _not_before(
                "referred to Cafcass on", cafcass, escalation.raised_on, "the challenge was raised"
            )
        escalation.theme_id = theme.id
        escalation.concern = concern
        escalation.resolved_on = resolved
        escalation.outcome = outcome if resolved is not None else None
        escalation.impact = impact
        escalation.cafcass_referred_on = cafcass
        session.flush()
        return tx.changes(result=escalation.id)


# --- contacts -------------------------------------------------------------------------------


@action("record_contact", "record an IRO contact", Permission.RECORD_OVERSIGHT)
def record_contact(
    db: Database, actor: Actor, child_id: int, contact: NewContact, *, as_of: dt.date
) -> Changes:
    """Record an IRO's visit, call, message or meeting (or midway review); the result is its
    id."""
    with door(db, actor, "record_contact") as tx:
        session = tx.session
        child = _child(session, child_id)
        rights = _require_for_child(tx, child, as_of)
        _require_self(tx, rights, contact.staff_id, "contacts")
        day = _day("contact date", contact.contact_date, as_of)
        if contact.kind not in CONTACT_KINDS:
            raise InvalidInput(f"kind: {contact.kind!r} is not one of {', '.join(CONTACT_KINDS)}")
        _staff(session, "IRO", contact.staff_id)
        row = IroContact(
            child_id=child.id,
            staff_id=contact.staff_id,
            contact_date=day,
            kind=contact.kind,
            with_child=bool(contact.with_child),
            midway_review=bool(contact.midway_review),
            note=_text("note", contact.note) or None,
        )
        session.add(row)
        session.flush()
        return tx.changes(result=row.id)


@action("remove_contact", "remove an IRO contact", Permission.RECORD_OVERSIGHT)
def remove_contact(
    db: Database, actor: Actor, contact_id: int, *, as_of: dt.date, expected_version: int
) -> Changes:
    """Take out a contact recorded by mistake (the audit trail keeps what it was)."""
    with door(db, actor, "remove_contact") as tx:
        session = tx.session
        row = session.get(IroContact, contact_id)
        if row is None:
            raise InvalidInput(f"contact {contact_id} does not exist")
        rights = _require_for_child(tx, session.get(Child, row.child_id), as_of)
        _require_self(tx, rights, row.staff_id, "contacts")
        ensure_unchanged(row, expected_version)
        session.delete(row)
        session.flush()
        return tx.changes()


# --- the child's voice ----------------------------------------------------------------------


@action("record_child_voice", "record how the child's views were gathered",
        Permission.RECORD_OVERSIGHT)  # fmt: skip
def record_child_voice(
    db: Database, actor: Actor, meeting_id: int, voice: Voice, *, expected_version: int
) -> Changes:
    """How the child's views reached a review or conference (``expected_version`` 0 for a
    first record); administrators, or the IRO chairing it."""
    with door(db, actor, "record_child_voice") as tx:
        session = tx.session
        meeting = session.get(Meeting, meeting_id)
        if meeting is None or meeting.status not in LIVE_STATUSES:
            raise InvalidInput(f"meeting {meeting_id} does not exist or was called off")
        if not records_voice(tx.actor, meeting.chair_id):
            tx.require(Permission.RECORD_OVERSIGHT)
            raise tx.refuse(
                "an IRO records the child's views only for meetings they chair, and this one "
                "is chaired by someone else (an administrator can record it)"
            )
        if voice.consultation is not None and voice.consultation not in CONSULTATION:
            raise InvalidInput(
                f"consultation: {voice.consultation!r} is not one of {', '.join(CONSULTATION)}"
            )
        if voice.advocacy_taken_up and voice.advocacy_offered is False:
            raise InvalidInput("advocacy taken up: it was recorded as not offered")
        row = session.scalar(select(ChildVoice).where(ChildVoice.meeting_id == meeting.id))
        if row is None:
            if expected_version:
                raise ConcurrentChange(
                    "The record of the child's views for this meeting was removed after you "
                    "opened it. Nothing was saved."
                )
            row = ChildVoice(meeting_id=meeting.id, child_id=meeting.child_id)
            session.add(row)
        else:
            ensure_unchanged(row, expected_version)
        for key in VOICE_METHODS:
            setattr(row, key, bool(getattr(voice, key)))
        row.advocacy_offered = voice.advocacy_offered
        row.advocacy_taken_up = voice.advocacy_taken_up
        row.consultation = voice.consultation
        row.note = _text("note", voice.note) or None
        session.flush()
        return tx.changes(result=row.id)


# --- themes ---------------------------------------------------------------------------------


@action("add_escalation_theme", "change the challenge themes", Permission.MANAGE_SETTINGS)
def add_escalation_theme(db: Database, actor: Actor, text: str) -> Changes:
    """Add a theme (or bring back one that was retired); the result is its id."""
    with door(db, actor, "add_escalation_theme") as tx:
        return tx.changes(result=add_word(tx, EscalationTheme, "theme", text, THEME_LIMIT))


@action("retire_escalation_theme", "change the challenge themes", Permission.MANAGE_SETTINGS)
def retire_escalation_theme(
    db: Database, actor: Actor, theme_id: int, *, expected_version: int
) -> Changes:
    """Take a theme off the list offered (challenges that have it keep it)."""
    with door(db, actor, "retire_escalation_theme") as tx:
        retire_word(tx, EscalationTheme, "theme", theme_id, expected_version)
        return tx.changes()


__all__ = [
    "EscalationUpdate",
    "NewContact",
    "NewEscalation",
    "OversightRights",
    "Voice",
    "add_escalation_stage",
    "add_escalation_theme",
    "oversight_rights",
    "raise_escalation",
    "record_child_voice",
    "record_contact",
    "record_escalation_response",
    "records_for_others",
    "records_voice",
    "remove_contact",
    "retire_escalation_theme",
    "update_escalation",
]
