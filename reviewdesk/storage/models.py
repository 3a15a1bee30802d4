"""The case register's tables (SQLAlchemy 2 declarative models).

Due dates are never stored: the engine derives them from the history kept here (periods of
care, enquiries, plans, meetings held). Dates are stored as ISO dates; times as local wall-clock
times (Europe/London). Every editable row has a ``version`` for optimistic locking and records
who last changed it and when, so a second person saving stale data is told who got there first.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from reviewdesk.vocabulary import child_name

# Stable constraint names, so Alembic migrations work on SQLite (batch mode) and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A moment in time, stored in UTC and always read back timezone-aware (SQLite too).

    SQLite keeps no offset, so naive values are taken to be UTC already.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON}


class Tracked:
    """Columns for optimistic locking and 'who changed it last'."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    updated_by: Mapped[str | None] = mapped_column(String(100))
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}


# --- organisation ---------------------------------------------------------------------------


class Locality(Base):
    __tablename__ = "locality"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)


class Team(Base, Tracked):
    __tablename__ = "team"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    locality_id: Mapped[int | None] = mapped_column(ForeignKey("locality.id"))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", use_alter=True))

    locality: Mapped[Locality | None] = relationship()
    manager: Mapped[Staff | None] = relationship(foreign_keys=[manager_id])


class Staff(Base, Tracked):
    """IROs and conference chairs (with FTE), social workers, team managers, clerks."""

    __tablename__ = "staff"
    __table_args__ = (CheckConstraint("fte >= 0 AND fte <= 1.5", name="fte_range"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), index=True)  # codes.StaffRole
    fte: Mapped[float] = mapped_column(Float, default=1.0)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(50))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    team: Mapped[Team | None] = relationship(foreign_keys=[team_id])


class Venue(Base, Tracked):
    __tablename__ = "venue"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    address: Mapped[str | None] = mapped_column(Text)
    rooms: Mapped[list[Room]] = relationship(back_populates="venue")


class Room(Base, Tracked):
    __tablename__ = "room"
    __table_args__ = (UniqueConstraint("venue_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venue.id"))
    name: Mapped[str] = mapped_column(String(100))
    capacity: Mapped[int | None] = mapped_column(Integer)
    virtual: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    venue: Mapped[Venue] = relationship(back_populates="rooms")


# --- children -------------------------------------------------------------------------------


class Child(Base, Tracked):
    """A child (or an unborn child, with an expected delivery date and no date of birth)."""

    __tablename__ = "child"
    id: Mapped[int] = mapped_column(primary_key=True)
    local_id: Mapped[str] = mapped_column(String(50), unique=True)  # 903 CHILD / LAchildID
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="", index=True)
    dob: Mapped[dt.date | None] = mapped_column(Date)
    expected_delivery: Mapped[dt.date | None] = mapped_column(Date)
    sex: Mapped[str | None] = mapped_column(String(1))  # 1 male, 2 female (903); M/F/U accepted
    ethnicity: Mapped[str | None] = mapped_column(String(4))
    upn: Mapped[str | None] = mapped_column(String(13))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    social_worker_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))

    team: Mapped[Team | None] = relationship()
    social_worker: Mapped[Staff | None] = relationship()
    periods: Mapped[list[PeriodOfCare]] = relationship(
        back_populates="child", order_by="PeriodOfCare.start", cascade="all, delete-orphan"
    )
    enquiries: Mapped[list[CpEnquiry]] = relationship(
        back_populates="child", order_by="CpEnquiry.id", cascade="all, delete-orphan"
    )
    plans: Mapped[list[CpPlan]] = relationship(
        back_populates="child", order_by="CpPlan.start", cascade="all, delete-orphan"
    )
    meetings: Mapped[list[Meeting]] = relationship(
        back_populates="child", order_by="Meeting.id", cascade="all, delete-orphan"
    )
    allocations: Mapped[list[Allocation]] = relationship(
        back_populates="child", order_by="Allocation.id", cascade="all, delete-orphan"
    )

    @property
    def display_name(self) -> str:
        return child_name(self.first_name, self.last_name, self.local_id)


class Allocation(Base, Tracked):
    """Who was allocated to a child, and from when to when: an IRO (for a period of care),
    a social worker or a team. The current one has no ``end_date``; the child's (and the
    period's) own columns hold the current allocation, these rows its history."""

    __tablename__ = "allocation"
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR start IS NULL OR end_date >= start", name="order"),
        Index("ix_allocation_child", "child_id", "kind", "start"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # "iro", "social_worker", "team"
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    period_id: Mapped[int | None] = mapped_column(
        ForeignKey("period_of_care.id", ondelete="SET NULL")
    )
    #: None when not known (held before reviewdesk kept the history).
    start: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)

    child: Mapped[Child] = relationship(back_populates="allocations")
    staff: Mapped[Staff | None] = relationship()
    team: Mapped[Team | None] = relationship()


# --- looked after ---------------------------------------------------------------------------


class PeriodOfCare(Base, Tracked):
    """A continuous period of care; a new one restarts the review cycle at the 1st review."""

    __tablename__ = "period_of_care"
    __table_args__ = (CheckConstraint("end_date IS NULL OR end_date >= start", name="order"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    start: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    iro_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    social_worker_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    iro_notified: Mapped[dt.date | None] = mapped_column(Date)
    iro_allocated: Mapped[dt.date | None] = mapped_column(Date)
    #: The real end date is in a 903 return not imported: ``end_date`` is the latest it can be.
    end_unknown: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    child: Mapped[Child] = relationship(back_populates="periods")
    iro: Mapped[Staff | None] = relationship(foreign_keys=[iro_id])
    social_worker: Mapped[Staff | None] = relationship(foreign_keys=[social_worker_id])
    episodes: Mapped[list[Episode]] = relationship(
        back_populates="period", order_by="Episode.start", cascade="all, delete-orphan"
    )


class Episode(Base, Tracked):
    """An SSDA903 episode: legal status and placement for a stretch of a period of care."""

    __tablename__ = "episode"
    __table_args__ = (CheckConstraint("end_date IS NULL OR end_date >= start", name="order"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(
        ForeignKey("period_of_care.id", ondelete="CASCADE"), index=True
    )
    start: Mapped[dt.date] = mapped_column(Date)  # 903 DECOM
    end_date: Mapped[dt.date | None] = mapped_column(Date)  # 903 DEC
    rne: Mapped[str | None] = mapped_column(String(1))
    legal_status: Mapped[str] = mapped_column(String(2))
    cin: Mapped[str | None] = mapped_column(String(2))
    placement: Mapped[str | None] = mapped_column(String(3))  # 903 PLACE
    placement_provider: Mapped[str | None] = mapped_column(String(3))
    rec: Mapped[str | None] = mapped_column(String(3))  # reason episode ceased
    reason_place_change: Mapped[str | None] = mapped_column(String(6))
    home_postcode: Mapped[str | None] = mapped_column(String(10))
    placement_postcode: Mapped[str | None] = mapped_column(String(10))
    urn: Mapped[str | None] = mapped_column(String(10))
    #: The real end date is in a 903 return not imported: ``end_date`` is the latest it can be.
    end_unknown: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    period: Mapped[PeriodOfCare] = relationship(back_populates="episodes")


# --- child protection -----------------------------------------------------------------------


class CpEnquiry(Base, Tracked):
    """What starts the child protection clock: an s47 strategy discussion or a transfer-in.

    ``route`` is "s47" (ICPC due 15 working days after ``strategy_date``; pre-birth when the
    child is unborn) or "transfer_in" (conference due after ``notified_date``).
    """

    __tablename__ = "cp_enquiry"
    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    route: Mapped[str] = mapped_column(String(20), default="s47")
    strategy_date: Mapped[dt.date | None] = mapped_column(Date)  # S47ActualStartDate
    notified_date: Mapped[dt.date | None] = mapped_column(Date)  # transfer-in notification
    icpc_not_required: Mapped[bool] = mapped_column(Boolean, default=False)
    closed_date: Mapped[dt.date | None] = mapped_column(Date)
    #: Why its CIN episode closed (census ReasonForClosure, RC1-RC9), when it did.
    closed_reason: Mapped[str | None] = mapped_column(String(3))
    #: The real closing date is not in the data (a census not imported, or an s47 not
    #: returned again, rule 8740): ``closed_date`` is the latest it can be.
    closed_unknown: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    notes: Mapped[str | None] = mapped_column(Text)

    child: Mapped[Child] = relationship(back_populates="enquiries")


class CpPlan(Base, Tracked):
    __tablename__ = "cp_plan"
    __table_args__ = (CheckConstraint("end_date IS NULL OR end_date >= start", name="order"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    enquiry_id: Mapped[int | None] = mapped_column(ForeignKey("cp_enquiry.id"))
    start: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    initial_category: Mapped[str | None] = mapped_column(String(3))
    latest_category: Mapped[str | None] = mapped_column(String(3))
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    previous_plans: Mapped[int] = mapped_column(Integer, default=0)  # NumberOfPreviousCPP
    #: The real end date is in a census not imported: ``end_date`` is the latest it can be.
    end_unknown: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    child: Mapped[Child] = relationship(back_populates="plans")
    enquiry: Mapped[CpEnquiry | None] = relationship()
    chair: Mapped[Staff | None] = relationship()


# --- meetings -------------------------------------------------------------------------------


class LateReason(Base, Tracked):
    """Why a meeting was out of timescale; starts with the reasons councils report
    (docs/domain.md, "Reasons meetings ran late")."""

    __tablename__ = "late_reason"
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(200), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Meeting(Base, Tracked):
    """A LAC review or CP conference: booked, held (perhaps in parts), cancelled..."""

    __tablename__ = "meeting"
    __table_args__ = (
        Index("ix_meeting_booked", "booked_date"),
        # By the day held, with what a period's measures ask of it (which children, which
        # CP conferences) so the index alone answers.
        Index("ix_meeting_held", "held_date", "process", "child_id"),
        # A child's history by kind and date (also serves lookups by child_id alone).
        Index(
            "ix_meeting_child_history", "child_id", "process", "meeting_type", "status", "held_date"
        ),
        # The few conferences recorded as not quorate (flags and oversight look for them).
        Index(
            "ix_meeting_not_quorate",
            "child_id",
            sqlite_where=text("quorate IS 0"),
            postgresql_where=text("quorate IS false"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"))
    process: Mapped[str] = mapped_column(String(3))  # codes.Process
    meeting_type: Mapped[str] = mapped_column(String(20))  # codes.MeetingType
    sequence: Mapped[int] = mapped_column(Integer, default=1)
    period_id: Mapped[int | None] = mapped_column(ForeignKey("period_of_care.id"), index=True)
    enquiry_id: Mapped[int | None] = mapped_column(ForeignKey("cp_enquiry.id"))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("cp_plan.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="booked")  # codes.MeetingStatus
    booked_date: Mapped[dt.date | None] = mapped_column(Date)
    booked_time: Mapped[dt.time | None] = mapped_column(Time)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=90)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("room.id"), index=True)
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    clerk_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    held_date: Mapped[dt.date | None] = mapped_column(Date)  # the (last) part's date
    participation: Mapped[str | None] = mapped_column(String(3))  # PN0-PN7
    quorate: Mapped[bool | None] = mapped_column(Boolean)
    outcome: Mapped[str | None] = mapped_column(String(40))
    late_reason_id: Mapped[int | None] = mapped_column(ForeignKey("late_reason.id"))
    late_reason_note: Mapped[str | None] = mapped_column(Text)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    consultation_sent: Mapped[dt.date | None] = mapped_column(Date)
    decisions_issued: Mapped[dt.date | None] = mapped_column(Date)
    minutes_distributed: Mapped[dt.date | None] = mapped_column(Date)
    decisions: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)

    child: Mapped[Child] = relationship(back_populates="meetings")
    period: Mapped[PeriodOfCare | None] = relationship()
    enquiry: Mapped[CpEnquiry | None] = relationship()
    plan: Mapped[CpPlan | None] = relationship()
    room: Mapped[Room | None] = relationship()
    chair: Mapped[Staff | None] = relationship(foreign_keys=[chair_id])
    clerk: Mapped[Staff | None] = relationship(foreign_keys=[clerk_id])
    late_reason: Mapped[LateReason | None] = relationship()
    parts: Mapped[list[MeetingPart]] = relationship(
        back_populates="meeting", order_by="MeetingPart.part_no", cascade="all, delete-orphan"
    )
    invitees: Mapped[list[Invitee]] = relationship(
        back_populates="meeting", order_by="Invitee.id", cascade="all, delete-orphan"
    )
    reports: Mapped[list[Report]] = relationship(
        back_populates="meeting", order_by="Report.id", cascade="all, delete-orphan"
    )
    moves: Mapped[list[MeetingMove]] = relationship(
        back_populates="meeting", order_by="MeetingMove.id", cascade="all, delete-orphan"
    )


class MeetingReason(Base, Tracked):
    """Why a meeting was cancelled or moved: a list people choose from, extended by
    administrators as the late reasons are (``kind`` is "cancel" or "reschedule")."""

    __tablename__ = "meeting_reason"
    __table_args__ = (UniqueConstraint("kind", "text"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    text: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: The meetings it is offered for: "lac" (LAC reviews), "cp" (CP conferences), or
    #: none (every meeting). "Child no longer looked after" is no reason to call off a
    #: child protection conference.
    process: Mapped[str | None] = mapped_column(String(3))


class MeetingMove(Base):
    """One rescheduling of a meeting: from where to where, why, who and when (its history)."""

    __tablename__ = "meeting_move"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    from_date: Mapped[dt.date | None] = mapped_column(Date)
    from_time: Mapped[dt.time | None] = mapped_column(Time)
    to_date: Mapped[dt.date] = mapped_column(Date)
    to_time: Mapped[dt.time | None] = mapped_column(Time)
    reason: Mapped[str] = mapped_column(Text)
    moved_by: Mapped[str | None] = mapped_column(String(100))
    moved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    meeting: Mapped[Meeting] = relationship(back_populates="moves")


class MeetingPart(Base):
    """One sitting of a review held in two parts or adjourned and resumed."""

    __tablename__ = "meeting_part"
    __table_args__ = (UniqueConstraint("meeting_id", "part_no"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    part_no: Mapped[int] = mapped_column(Integer)
    held_date: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    meeting: Mapped[Meeting] = relationship(back_populates="parts")


class Invitee(Base, Tracked):
    """Someone invited to a meeting: one of the child's people, a professional from the
    directory, a member of staff, or a name typed in. ``invited_on`` is the date the
    invitation (meeting request or letter, ``sent_by``) first went out."""

    __tablename__ = "invitee"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(100))  # e.g. "Mother", "Police", "GP", "School"
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    invited_on: Mapped[dt.date | None] = mapped_column(Date)
    attendance: Mapped[str | None] = mapped_column(String(20))  # attended, apologies, absent
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    professional_id: Mapped[int | None] = mapped_column(
        ForeignKey("professional.id", ondelete="SET NULL")
    )
    email: Mapped[str | None] = mapped_column(String(200))
    sent_by: Mapped[str | None] = mapped_column(String(20))  # meeting request, letter
    rule_id: Mapped[str | None] = mapped_column(String(80))  # the invitation rule, if any
    meeting: Mapped[Meeting] = relationship(back_populates="invitees")
    person: Mapped[Person | None] = relationship()
    professional: Mapped[Professional | None] = relationship()


class Report(Base, Tracked):
    """A report due for a meeting. Its deadline comes from the rule named by ``rule_id``."""

    __tablename__ = "report"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    author: Mapped[str] = mapped_column(String(200))  # who it is due from
    agency: Mapped[str] = mapped_column(String(50))  # social_worker, police, health, gp, school
    rule_id: Mapped[str | None] = mapped_column(String(80))
    received: Mapped[dt.date | None] = mapped_column(Date)
    shared_with_parents: Mapped[dt.date | None] = mapped_column(Date)
    professional_id: Mapped[int | None] = mapped_column(
        ForeignKey("professional.id", ondelete="SET NULL")
    )
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    email: Mapped[str | None] = mapped_column(String(200))
    requested_on: Mapped[dt.date | None] = mapped_column(Date)  # request letter or email sent
    meeting: Mapped[Meeting] = relationship(back_populates="reports")
    professional: Mapped[Professional | None] = relationship()
    staff: Mapped[Staff | None] = relationship()
    file: Mapped[ReportFile | None] = relationship(
        back_populates="report", cascade="all, delete-orphan", uselist=False
    )


# --- people, invitations and packs ----------------------------------------------------------


class Person(Base, Tracked):
    """Someone in a child's family and network (a parent, carer, relative, friend): how to
    reach them, what they need to take part, and whether they are excluded from part of a
    conference. Kept by the council; the statutory returns do not bring them."""

    __tablename__ = "person"
    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    relation: Mapped[str] = mapped_column(String(30))  # codes.RELATIONSHIP
    parental_responsibility: Mapped[bool] = mapped_column(Boolean, default=False)
    address: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(50))
    preferred_contact: Mapped[str] = mapped_column(String(20), default="letter")
    interpreter: Mapped[str | None] = mapped_column(String(100))  # the language, if needed
    access_needs: Mapped[str | None] = mapped_column(Text)
    excluded_from_part: Mapped[bool] = mapped_column(Boolean, default=False)
    exclusion_note: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    child: Mapped[Child] = relationship()


class Professional(Base, Tracked):
    """The directory of professionals and agencies (police, health, GP, school...).
    ``agency_contact`` marks an agency's own contact for conferences (say the police
    Public Protection Unit), invited when the agency must be and no one is named."""

    __tablename__ = "professional"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    agency: Mapped[str] = mapped_column(String(30), index=True)  # codes.AGENCY
    organisation: Mapped[str | None] = mapped_column(String(200))
    job_title: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(50))
    address: Mapped[str | None] = mapped_column(Text)
    secure_email: Mapped[bool] = mapped_column(Boolean, default=False)
    agency_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ChildProfessional(Base, Tracked):
    """A professional from the directory involved with a child (their GP, school...)."""

    __tablename__ = "child_professional"
    __table_args__ = (UniqueConstraint("child_id", "professional_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    professional_id: Mapped[int] = mapped_column(
        ForeignKey("professional.id", ondelete="CASCADE"), index=True
    )
    note: Mapped[str | None] = mapped_column(String(200))

    professional: Mapped[Professional] = relationship()


class MeetingRequest(Base, Tracked):
    """The Outlook meeting request (iTIP, RFC 5546) last sent for a meeting: its UID, kept
    for good so that every update and the cancellation replace the same calendar entry,
    its SEQUENCE, and what it said (``sent``: start, end, location, status), so a change
    that matters is sent with a higher SEQUENCE."""

    __tablename__ = "meeting_request"
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True
    )
    uid: Mapped[str] = mapped_column(String(200), unique=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    method: Mapped[str] = mapped_column(String(10))  # REQUEST or CANCEL
    sent_on: Mapped[dt.date] = mapped_column(Date)
    sent: Mapped[dict[str, Any]] = mapped_column(JSON)


class ReportFile(Base, Tracked):
    """A received report's PDF, kept in the database (so a shared server has it too), in a
    table of its own so that the bytes are read only when a pack is printed."""

    __tablename__ = "report_file"
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), unique=True)
    file_name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)

    report: Mapped[Report] = relationship(back_populates="file")


class PackDelivery(Base, Tracked):
    """Who a meeting's pack went to, how and when."""

    __tablename__ = "pack_delivery"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    recipient: Mapped[str] = mapped_column(String(200))
    how: Mapped[str] = mapped_column(String(30))  # codes.PACK_DELIVERY
    sent_on: Mapped[dt.date] = mapped_column(Date)
    pages: Mapped[int | None] = mapped_column(Integer)


# --- IRO oversight between meetings ---------------------------------------------------------
# Every oversight record names its child (``child_id``), so the audit trail files it under the
# child without a lookup, whoever writes it.


class EscalationTheme(Base, Tracked):
    """What a challenge is about; starts with the themes councils report (docs/domain.md,
    "IRO oversight between meetings"), and the council adds its own."""

    __tablename__ = "escalation_theme"
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(200), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Escalation(Base, Tracked):
    """An IRO's (or chair's) challenge about a child's plan: informal resolution first, or
    the formal stages of the council's escalation procedure (``stages``), then its outcome."""

    __tablename__ = "escalation"
    __table_args__ = (
        CheckConstraint("resolved_on IS NULL OR resolved_on >= raised_on", name="order"),
        Index("ix_escalation_child", "child_id", "raised_on"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"))
    process: Mapped[str] = mapped_column(String(3))  # codes.Process: the plan challenged
    raised_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    raised_on: Mapped[dt.date] = mapped_column(Date)
    theme_id: Mapped[int] = mapped_column(ForeignKey("escalation_theme.id"))
    concern: Mapped[str] = mapped_column(Text, default="")
    resolved_on: Mapped[dt.date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(20))  # oversight.words.OUTCOMES
    impact: Mapped[str | None] = mapped_column(Text)
    cafcass_referred_on: Mapped[dt.date | None] = mapped_column(Date)

    raised_by: Mapped[Staff] = relationship()
    theme: Mapped[EscalationTheme] = relationship()
    stages: Mapped[list[EscalationStage]] = relationship(
        back_populates="escalation",
        order_by="EscalationStage.stage",
        cascade="all, delete-orphan",
    )


class EscalationStage(Base, Tracked):
    """One stage of a challenge: 0 informal resolution, then the formal stages (rules
    ``times = "escalation_response"``), with the answer and its date."""

    __tablename__ = "escalation_stage"
    __table_args__ = (
        UniqueConstraint("escalation_id", "stage"),
        CheckConstraint("responded_on IS NULL OR responded_on >= raised_on", name="order"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    escalation_id: Mapped[int] = mapped_column(
        ForeignKey("escalation.id", ondelete="CASCADE"), index=True
    )
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    stage: Mapped[int] = mapped_column(Integer)
    raised_on: Mapped[dt.date] = mapped_column(Date)
    raised_with: Mapped[str] = mapped_column(String(200), default="")  # to whom
    responded_on: Mapped[dt.date | None] = mapped_column(Date)
    response: Mapped[str | None] = mapped_column(Text)

    escalation: Mapped[Escalation] = relationship(back_populates="stages")


class IroContact(Base, Tracked):
    """The IRO's footprint between reviews: a visit, call, message or meeting, with the child
    or about them; ``midway_review`` marks the IRO's midway review."""

    __tablename__ = "iro_contact"
    __table_args__ = (Index("ix_iro_contact_child", "child_id", "contact_date"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    contact_date: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(10))  # oversight.words.CONTACT_KINDS
    with_child: Mapped[bool] = mapped_column(Boolean, default=False)
    midway_review: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)

    staff: Mapped[Staff] = relationship()


class ChildVoice(Base, Tracked):
    """How the child's views reached a review or conference: how they were gathered, whether
    advocacy was offered and taken up, and whether the consultation came back."""

    __tablename__ = "child_voice"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), unique=True
    )
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    by_form: Mapped[bool] = mapped_column(Boolean, default=False)
    by_advocate: Mapped[bool] = mapped_column(Boolean, default=False)
    direct: Mapped[bool] = mapped_column(Boolean, default=False)
    by_app: Mapped[bool] = mapped_column(Boolean, default=False)
    advocacy_offered: Mapped[bool | None] = mapped_column(Boolean)
    advocacy_taken_up: Mapped[bool | None] = mapped_column(Boolean)
    consultation: Mapped[str | None] = mapped_column(String(12))  # oversight.words.CONSULTATION
    note: Mapped[str | None] = mapped_column(Text)


# --- statutory returns imported -----------------------------------------------------------


class ImportedReturn(Base, Tracked):
    """A collection year of a statutory return that has been imported ("903" or "cin"):
    the history of that year is in the data. A year never imported is a gap the due-date
    engine minds (`reviewdesk.casework.coverage`)."""

    __tablename__ = "imported_return"
    __table_args__ = (UniqueConstraint("source", "year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(3))  # "903" or "cin"
    year: Mapped[int] = mapped_column(Integer)  # the year the collection year starts in
    files: Mapped[str] = mapped_column(Text, default="")
    children: Mapped[int] = mapped_column(Integer, default=0)


class ReturnRecord(Base):
    """One child's part of one year of a return, as imported (JSON, see
    `reviewdesk.importers.slices`). The history is merged from every year's records, so
    importing years in any order gives the same history. A copy of the files, written only
    by an import and never edited: the import's audit entry names the files it came from."""

    __tablename__ = "return_record"
    __table_args__ = (
        UniqueConstraint("source", "year", "local_id"),
        Index("ix_return_record_child", "source", "local_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(3))
    year: Mapped[int] = mapped_column(Integer)
    local_id: Mapped[str] = mapped_column(String(50))
    content: Mapped[str] = mapped_column(Text)


# --- settings, users, audit -----------------------------------------------------------------


class ClosureDay(Base, Tracked):
    """A day the council is closed (e.g. between Christmas and New Year): not a working day."""

    __tablename__ = "closure_day"
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    description: Mapped[str] = mapped_column(String(200), default="Local closure day")


class Setting(Base, Tracked):
    """Key-value settings: region, caseload limits, targets, council name."""

    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class RuleOverride(Base, Tracked):
    """One council rule override: a rule table as in a rules file, on a row of its own so
    that two people changing different rules never overwrite each other. Laid over the
    shipped rules in ``id`` order."""

    __tablename__ = "rule_override"
    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[str] = mapped_column(String(80), unique=True)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)


class User(Base, Tracked):
    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))  # codes.Role
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class AuditEntry(Base):
    """Who changed what and when, with the values before and after."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_at", "at"),
        Index("ix_audit_record", "table_name", "record_id"),
        Index("ix_audit_child", "child_id", "at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    username: Mapped[str] = mapped_column(String(100))
    #: create, update, delete; or a whole action: import, restore, export, demo...
    action: Mapped[str] = mapped_column(String(30))
    table_name: Mapped[str] = mapped_column(String(50))
    record_id: Mapped[str] = mapped_column(String(50))
    #: The child the record belongs to, if any (no foreign key: the trail outlives the child).
    child_id: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: The login that wrote the entry, when a shared server says so (it always does there:
    #: a restore's administrator appending an older trail is named here); else empty.
    recorded_by: Mapped[str | None] = mapped_column(String(100))


class ChangeSignal(Base):
    """One row that moves whenever anyone's change commits: a window polls it to learn that
    others changed the data (`reviewdesk.storage.signal`).

    The database bumps it itself, from a trigger on every audit entry (migration 0011), so
    no writer can forget it; the same trigger notes what changed in `ChangeFeed` (0012).
    Every login reads it; on a shared server none may write it (the audit trail is not
    readable by IROs, so it cannot be what they poll)."""

    __tablename__ = "change_signal"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    counter: Mapped[int] = mapped_column(BigInteger, nullable=False)
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)
    #: PostgreSQL: the transaction that last bumped it, so one transaction bumps it once
    #: (however many rows it changed). Unused on SQLite.
    last_transaction: Mapped[int | None] = mapped_column(BigInteger)
    #: The change feed holds every change with a counter above this (migration 0012: older
    #: rows are pruned); None: no feed.
    feed_since: Mapped[int | None] = mapped_column(BigInteger)


class ChangeFeed(Base):
    """Which kinds of record of which children changed, and at which counter of the change
    signal last (`reviewdesk.storage.signal.read_feed`): a window refreshes only those.

    Written by the signal's own trigger (migration 0012), one row per kind and child,
    moved to the counter of the latest transaction that changed them; ``child_id`` 0 for a
    record of no child. Every login reads it; on a shared server none may write it."""

    __tablename__ = "change_feed"
    __table_args__ = (Index("ix_change_feed_counter", "counter"),)
    kind: Mapped[str] = mapped_column(String(50), primary_key=True)
    child_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    counter: Mapped[int] = mapped_column(BigInteger, nullable=False)
