"""Read-only queries behind the case list and the diary; sorting and filtering run in the database.

The case list holds 100,000 children without effort because it asks the database for the
ordered row ids only (:func:`case_ids`) and fetches the columns of the rows on screen in
pages (:func:`case_rows`). Nothing here imports Qt: the desktop's table models sit on top.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from types import MappingProxyType
from typing import Any

from sqlalchemy import Select, and_, bindparam, case, exists, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from reviewdesk.caseload import in_caseload
from reviewdesk.casework.predicates import (
    ahead_sql,
    enquiry_awaiting_conference,
    open_case_ids_query,
    outcome_not_recorded_sql,
    period_open,
    plan_open,
)
from reviewdesk.casework.register import Register, meeting_sequences
from reviewdesk.overlaps import length
from reviewdesk.oversight.records import last_contact_sql
from reviewdesk.storage.collation import by_name
from reviewdesk.storage.models import (
    Child,
    CpEnquiry,
    CpPlan,
    LateReason,
    Meeting,
    MeetingMove,
    MeetingPart,
    PeriodOfCare,
    Report,
    Room,
    Staff,
    Team,
    Venue,
)
from reviewdesk.vocabulary import (
    LIVE_STATUSES,
    child_name,
    fold,
    format_uk_long,
    is_outcome_not_recorded,
    meeting_label,
    open_on,
    room_label,
)

#: The case list's columns, in order: key and title (the window and the export show these).
#: "next_due" is the engine's (not stored); the others are worked out in SQL (`case_rows`).
CASE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "Name"),
    ("local_id", "ID"),
    ("iro", "IRO / chair"),
    ("team", "Team"),
    ("process", "Process"),
    ("next_due", "Next due"),
    ("next_meeting", "Next meeting"),
    ("last_iro_contact", "Last IRO contact"),  # `reviewdesk.oversight.records`
    ("status", "Status"),
)
#: Sort keys the database can order by, in column order.
CASE_SORT_KEYS: tuple[str, ...] = tuple(key for key, _title in CASE_COLUMNS if key != "next_due")

#: Longest list of ids put in one SQL ``IN (...)``; longer lists are filtered in Python.
MAX_SQL_IDS = 2000

STATUS_LAC_AND_CP = "Looked after, CP plan"
STATUS_LAC = "Looked after"
STATUS_CP = "CP plan"
STATUS_ENQUIRY = "Enquiry open"
STATUS_CLOSED = "No open case"


@dataclass(frozen=True)
class CaseFilter:
    """What the case list shows: free text (name or id words) and optional narrowing."""

    text: str = ""
    team_id: int | None = None
    iro_id: int | None = None  # children in this IRO's caseload (`reviewdesk.caseload`)
    process: str | None = None  # "lac" or "cp": open cases of that process only
    open_only: bool = False
    child_ids: frozenset[int] | None = None  # e.g. the children behind a dashboard flag


@dataclass(frozen=True)
class CaseRow:
    """One line of the case list, as plain values."""

    id: int
    local_id: str
    name: str
    iro: str
    team: str
    process: str
    next_meeting: dt.date | None
    status: str
    #: The IRO's last contact with the child (`reviewdesk.oversight.records`).
    last_iro_contact: dt.date | None = None
    #: The earliest day a meeting of the child's was booked for and is "outcome not
    #: recorded" on the as-of date (`vocabulary.is_outcome_not_recorded`, the flag's test).
    not_recorded: dt.date | None = None

    @property
    def next_meeting_not_recorded(self) -> bool:
        """Nothing ahead, but a meeting booked for a day now past was never recorded: "Next
        meeting" says so (`vocabulary.NEXT_NOT_RECORDED`) rather than blank, as if none was
        ever booked (the case list and its export alike)."""
        return self.next_meeting is None and self.not_recorded is not None


@lru_cache(maxsize=8)
def _case_columns(as_of: dt.date) -> Mapping[str, Any]:
    """SQL expressions for each derived column, correlated with ``Child`` (kept for a few
    as-of dates: SQL expressions do not change, and building these took a twentieth of a
    sort of the case list)."""
    lac_open = exists().where(PeriodOfCare.child_id == Child.id, period_open(as_of))
    cp_open = exists().where(CpPlan.child_id == Child.id, plan_open(as_of))
    enquiry_open = exists().where(
        CpEnquiry.child_id == Child.id, enquiry_awaiting_conference(as_of)
    )
    # The IRO (or chair) of an open case is the one whose caseload holds it on ``as_of``
    # (`reviewdesk.caseload`): the open period's IRO, else the chair of the plan in force
    # (a record of either with none named shows the one before it); of a closed case, the
    # last one's. A record starting after ``as_of`` was not there yet.
    iro_staff = aliased(Staff)
    lac_iro = (
        select(iro_staff.name)
        .join(PeriodOfCare, PeriodOfCare.iro_id == iro_staff.id)
        .where(PeriodOfCare.child_id == Child.id, PeriodOfCare.start <= as_of)
        .order_by(case((period_open(as_of), 0), else_=1), PeriodOfCare.start.desc())
        .limit(1)
        .scalar_subquery()
    )
    chair_staff = aliased(Staff)
    cp_chair = (
        select(chair_staff.name)
        .join(CpPlan, CpPlan.chair_id == chair_staff.id)
        .where(CpPlan.child_id == Child.id, CpPlan.start <= as_of)
        .order_by(case((plan_open(as_of), 0), else_=1), CpPlan.start.desc())
        .limit(1)
        .scalar_subquery()
    )
    team_name = select(Team.name).where(Team.id == Child.team_id).scalar_subquery()
    # Still ahead on ``as_of`` (`vocabulary.is_ahead`): to take place, booked for that day or
    # later. One booked for an earlier day and never recorded is `not_recorded` below.
    next_meeting = (
        select(func.min(Meeting.booked_date))
        .where(Meeting.child_id == Child.id, ahead_sql(as_of))
        .scalar_subquery()
    )
    # Booked for a day now past and never recorded (`vocabulary.is_outcome_not_recorded`).
    not_recorded = (
        select(func.min(Meeting.booked_date))
        .where(Meeting.child_id == Child.id, outcome_not_recorded_sql(as_of))
        .scalar_subquery()
    )
    process = case(
        (and_(lac_open, cp_open), literal("LAC + CP")),
        (lac_open, literal("LAC")),
        (or_(cp_open, enquiry_open), literal("CP")),
        else_=literal(""),
    )
    status = case(
        (and_(lac_open, cp_open), literal(STATUS_LAC_AND_CP)),
        (lac_open, literal(STATUS_LAC)),
        (cp_open, literal(STATUS_CP)),
        (enquiry_open, literal(STATUS_ENQUIRY)),
        else_=literal(STATUS_CLOSED),
    )
    return MappingProxyType(
        {
            "iro": case(
                (lac_open, func.coalesce(lac_iro, literal(""))),
                (cp_open, func.coalesce(cp_chair, literal(""))),
                else_=func.coalesce(lac_iro, cp_chair, literal("")),
            ),
            "team": func.coalesce(team_name, literal("")),
            "process": process,
            "next_meeting": next_meeting,
            "status": status,
            "last_iro_contact": last_contact_sql(as_of),
            "not_recorded": not_recorded,
            "lac_open": lac_open,
            "cp_open": cp_open,
            "enquiry_open": enquiry_open,
        }
    )


def _like_pattern(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _filtered(stmt: Select, filt: CaseFilter, cols: Mapping[str, Any], as_of: dt.date) -> Select:
    for word in filt.text.split():
        # SQLite folds case for ASCII letters only: try the word's casings too, so "ó" finds "Ó".
        variants = sorted({word, word.lower(), word.upper(), word.capitalize()})
        stmt = stmt.where(
            or_(
                *(
                    column.ilike(_like_pattern(v), escape="\\")
                    for v in variants
                    for column in (Child.first_name, Child.last_name, Child.local_id)
                )
            )
        )
    if filt.team_id is not None:
        stmt = stmt.where(Child.team_id == filt.team_id)
    if filt.iro_id is not None:
        stmt = stmt.where(in_caseload(filt.iro_id, as_of, Child.id))
    if filt.process == "lac":
        stmt = stmt.where(cols["lac_open"])
    elif filt.process == "cp":
        stmt = stmt.where(or_(cols["cp_open"], cols["enquiry_open"]))
    if filt.open_only:
        # The open cases in one pass (`open_case_ids_query`: the same three conditions as
        # ``cols``), not three correlated lookups for every child: half the time on SQLite.
        stmt = stmt.where(Child.id.in_(open_case_ids_query(as_of)))
    if filt.child_ids is not None:
        stmt = stmt.where(Child.id.in_(sorted(filt.child_ids)))
    return stmt


def case_ids(
    session: Session,
    filt: CaseFilter = CaseFilter(),
    *,
    sort: str = "name",
    descending: bool = False,
    as_of: dt.date | None = None,
) -> list[int]:
    """Ids of the children matching ``filt``, in the requested order (ties by name, then id)."""
    if sort not in CASE_SORT_KEYS:
        raise ValueError(f"unknown sort key {sort!r}")
    as_of = as_of or dt.date.today()
    cols = _case_columns(as_of)
    name_keys = [by_name(Child.last_name), by_name(Child.first_name)]
    # (key, what to test for a missing value: None where a value is never missing)
    if sort == "name":
        keys = [(by_name(Child.last_name), None), (by_name(Child.first_name), None)]
    elif sort == "local_id":
        keys = [(Child.local_id, None)]
    elif sort in ("iro", "team"):  # people's and teams' names, by their letters
        keys = [(by_name(cols[sort]), None)]
    else:
        keys = [(cols[sort], cols[sort])]
    # Missing values (no meeting booked, no contact) sort last whichever way the column is
    # sorted. Names are never missing (NOT NULL), nor are the IRO and team ("" for none): their
    # keys are not tested, which on SQLite called the Python name key a second time a row.
    ordered = []
    for key, value in keys:
        if value is not None:
            ordered.append(case((value.is_(None), 1), else_=0))
        ordered.append(key.desc() if descending else key.asc())
    if sort != "name":
        ordered.extend(name_keys)
    ordered.append(Child.id.desc() if descending and sort == "name" else Child.id)
    wanted = filt.child_ids
    if wanted is not None and len(wanted) > MAX_SQL_IDS:
        filt = replace(filt, child_ids=None)  # too many for one IN list: filtered below
    stmt = _filtered(select(Child.id), filt, cols, as_of).order_by(*ordered)
    ids = list(session.scalars(stmt))
    if wanted is not None and len(wanted) > MAX_SQL_IDS:
        ids = [cid for cid in ids if cid in wanted]
    return ids


def count_cases(session: Session, filt: CaseFilter = CaseFilter(), *, as_of: dt.date | None = None):
    """How many children match ``filt``."""
    as_of = as_of or dt.date.today()
    cols = _case_columns(as_of)
    return session.scalar(_filtered(select(func.count(Child.id)), filt, cols, as_of)) or 0


def case_rows(
    session: Session, ids: Sequence[int], *, as_of: dt.date | None = None
) -> dict[int, CaseRow]:
    """The case-list columns of the children ``ids`` (one page of the list), keyed by id."""
    if not ids:
        return {}
    cols = _case_columns(as_of or dt.date.today())
    stmt = select(
        Child.id,
        Child.local_id,
        Child.first_name,
        Child.last_name,
        cols["iro"],
        cols["team"],
        cols["process"],
        cols["next_meeting"],
        cols["status"],
        cols["last_iro_contact"],
        cols["not_recorded"],
    ).where(Child.id.in_(list(ids)))
    rows: dict[int, CaseRow] = {}
    for (
        cid,
        local_id,
        first,
        last,
        iro,
        team,
        process,
        next_meeting,
        status,
        last_iro_contact,
        not_recorded,
    ) in session.execute(stmt):
        rows[cid] = CaseRow(
            id=cid,
            local_id=local_id,
            name=child_name(first, last, local_id),
            iro=iro or "",
            team=team or "",
            process=process or "",
            next_meeting=next_meeting,
            status=status,
            last_iro_contact=last_iro_contact,
            not_recorded=not_recorded,
        )
    return rows


# --- diary ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiaryEntry:
    """A booked (or held) meeting as the diary shows it."""

    meeting_id: int
    child_id: int
    child_name: str
    meeting_type: str
    status: str
    day: dt.date
    start: dt.time | None
    minutes: int
    chair_id: int | None
    chair: str
    room_id: int | None
    room: str
    clerk_id: int | None
    clerk: str
    team_id: int | None = None  # the child's team
    sequence: int | None = None

    @property
    def label(self) -> str:
        """'LAC review 3', 'Initial CP conference' (`vocabulary.meeting_label`)."""
        return meeting_label(self.meeting_type, self.sequence)

    def outcome_not_recorded(self, as_of: dt.date) -> bool:
        """Booked for a day before ``as_of`` and never recorded
        (`vocabulary.is_outcome_not_recorded`, the "outcome not recorded" flag's test)."""
        return is_outcome_not_recorded(self.status, self.day, as_of)


def diary_entries(
    session: Session,
    start: dt.date,
    end: dt.date,
    *,
    chair_id: int | None = None,
    room_id: int | None = None,
    clerk_id: int | None = None,
    team_id: int | None = None,
    include_cancelled: bool = False,
) -> list[DiaryEntry]:
    """Meetings booked (or held) on days ``start``..``end`` inclusive, by day and time;
    narrowed to a chair, room, clerk or the child's team when given."""
    chair = aliased(Staff)
    clerk = aliased(Staff)
    day = func.coalesce(Meeting.held_date, Meeting.booked_date)
    stmt = (
        select(
            Meeting.id,
            Meeting.child_id,
            Child.first_name,
            Child.last_name,
            Child.local_id,
            Meeting.meeting_type,
            Meeting.status,
            Meeting.booked_date,
            Meeting.held_date,
            Meeting.booked_time,
            Meeting.duration_minutes,
            Meeting.chair_id,
            chair.name,
            Meeting.room_id,
            Room.name,
            Venue.name,
            Meeting.clerk_id,
            clerk.name,
            Child.team_id,
            Meeting.sequence,
        )
        .join(Child, Child.id == Meeting.child_id)
        .outerjoin(chair, chair.id == Meeting.chair_id)
        .outerjoin(clerk, clerk.id == Meeting.clerk_id)
        .outerjoin(Room, Room.id == Meeting.room_id)
        .outerjoin(Venue, Venue.id == Room.venue_id)
        .where(
            # Two index-friendly ranges, then the exact test on the day the meeting counts on.
            or_(Meeting.booked_date.between(start, end), Meeting.held_date.between(start, end)),
            day >= start,
            day <= end,
        )
        .order_by(day, Meeting.booked_time, Meeting.id)
    )
    if not include_cancelled:
        stmt = stmt.where(Meeting.status.in_(sorted(LIVE_STATUSES)))
    if chair_id is not None:
        stmt = stmt.where(Meeting.chair_id == chair_id)
    if room_id is not None:
        stmt = stmt.where(Meeting.room_id == room_id)
    if clerk_id is not None:
        stmt = stmt.where(Meeting.clerk_id == clerk_id)
    if team_id is not None:
        stmt = stmt.where(Child.team_id == team_id)
    out = []
    for row in session.execute(stmt):
        (mid, cid, first, last, local_id, mtype, status, booked, held, time_, minutes) = row[:11]
        chair_id_, chair_name, room_id_, room_name, venue_name, clerk_id_, clerk_name = row[11:18]
        team_id_, sequence = row[18:]
        out.append(
            DiaryEntry(
                meeting_id=mid,
                child_id=cid,
                child_name=child_name(first, last, local_id),
                meeting_type=mtype,
                status=status,
                day=held or booked,
                start=time_,
                minutes=length(minutes),
                chair_id=chair_id_,
                chair=chair_name or "",
                room_id=room_id_,
                room=room_label(room_name, venue_name),
                clerk_id=clerk_id_,
                clerk=clerk_name or "",
                team_id=team_id_,
                sequence=sequence,
            )
        )
    return out


def staff_with_roles(session: Session, roles: Iterable[str]) -> list[tuple[int, str]]:
    """Active staff in any of ``roles`` (`codes.StaffRole` values), by name."""
    stmt = (
        select(Staff.id, Staff.name)
        .where(Staff.active.is_(True), Staff.role.in_(sorted({str(r) for r in roles})))
        .order_by(by_name(Staff.name))
    )
    return [(i, n) for i, n in session.execute(stmt)]


def chairs(session: Session) -> list[tuple[int, str]]:
    """Active IROs and CP chairs, by name: who can chair a meeting."""
    return staff_with_roles(session, ("iro", "cp_chair"))


def clerks(session: Session) -> list[tuple[int, str]]:
    return staff_with_roles(session, ("clerk",))


def rooms(session: Session) -> list[tuple[int, str]]:
    """Active rooms (`room_label`), by venue then room."""
    stmt = (
        select(Room.id, Venue.name, Room.name)
        .join(Venue, Venue.id == Room.venue_id)
        .where(Room.active.is_(True))
        .order_by(by_name(Venue.name), by_name(Room.name))
    )
    return [(i, room_label(r, v)) for i, v, r in session.execute(stmt)]


def teams(session: Session) -> list[tuple[int, str]]:
    stmt = select(Team.id, Team.name).order_by(by_name(Team.name))
    return [(i, n) for i, n in session.execute(stmt)]


# --- one child ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodInfo:
    id: int
    start: dt.date
    end: dt.date | None
    iro: str
    iro_id: int | None
    iro_notified: dt.date | None = None
    iro_allocated: dt.date | None = None
    version: int = 1
    #: ``end`` is the latest the period can have ended: the date is not in the data.
    end_unknown: bool = False


@dataclass(frozen=True)
class PlanInfo:
    id: int
    start: dt.date
    end: dt.date | None
    category: str
    chair: str
    chair_id: int | None
    enquiry_id: int | None = None
    #: ``end`` is the latest the plan can have ended: the date is not in the data.
    end_unknown: bool = False


@dataclass(frozen=True)
class EnquiryInfo:
    id: int
    route: str
    strategy_date: dt.date | None
    notified_date: dt.date | None
    icpc_not_required: bool
    closed_date: dt.date | None
    #: Why its CIN episode closed (census ReasonForClosure), and whether ``closed_date`` is
    #: only the latest it can have been (the date is not in the data).
    closed_reason: str | None = None
    closed_unknown: bool = False


@dataclass(frozen=True)
class ReportInfo:
    id: int
    author: str
    agency: str
    received: dt.date | None
    shared_with_parents: dt.date | None
    version: int = 1  # what a save of its dates names (optimistic locking)


@dataclass(frozen=True)
class MoveInfo:
    """One rescheduling of a meeting: from, to, why, who and when (None: not known)."""

    from_date: dt.date | None
    from_time: dt.time | None
    to_date: dt.date
    to_time: dt.time | None
    reason: str
    moved_by: str | None
    moved_at: dt.datetime | None


@dataclass(frozen=True)
class AllocationInfo:
    """One row of a child's allocation history (an IRO, a social worker or a team)."""

    id: int
    kind: str  # "iro", "social_worker", "team"
    name: str
    start: dt.date | None
    end: dt.date | None
    reason: str | None
    updated_by: str | None


@dataclass(frozen=True)
class MeetingInfo:
    id: int
    process: str
    meeting_type: str
    #: Its number: as the engine counts it when read with an as-of date (`child_detail`),
    #: None when it cannot count it; else as typed in.
    sequence: int | None
    status: str
    booked_date: dt.date | None
    booked_time: dt.time | None
    minutes: int
    held_date: dt.date | None
    parts: tuple[dt.date, ...]
    chair_id: int | None
    chair: str
    room_id: int | None
    room: str
    clerk_id: int | None
    clerk: str
    participation: str | None
    quorate: bool | None
    outcome: str | None
    late_reason: str
    cancel_reason: str | None
    decisions_issued: dt.date | None
    minutes_distributed: dt.date | None
    period_id: int | None
    plan_id: int | None
    enquiry_id: int | None
    reports: tuple[ReportInfo, ...]
    version: int = 1
    #: Each time it was moved, oldest first.
    moves: tuple[MoveInfo, ...] = ()

    @property
    def label(self) -> str:
        """'LAC review 3', 'Initial CP conference' (`vocabulary.meeting_label`)."""
        return meeting_label(self.meeting_type, self.sequence)

    def outcome_not_recorded(self, as_of: dt.date) -> bool:
        """Booked for a day before ``as_of`` and never recorded
        (`vocabulary.is_outcome_not_recorded`, the "outcome not recorded" flag's test)."""
        return is_outcome_not_recorded(self.status, self.booked_date, as_of)

    @property
    def day(self) -> dt.date | None:
        """The day it was held, else the day it is booked for."""
        return self.held_date or self.booked_date

    def describe(self, child_name: str) -> str:
        """ "Zoë Ó Briain's LAC review 1 on Thu 11/04/2024 at 10:00": a meeting named the way
        people name it (prompts, titles)."""
        text = f"{child_name}'s {self.label}"
        if self.day is not None:
            text += f" on {format_uk_long(self.day)}"
            if self.booked_time is not None and self.held_date is None:
                text += f" at {self.booked_time:%H:%M}"
        return text


@dataclass(frozen=True)
class ChildDetail:
    """Everything the child's page shows, as plain values detached from the session."""

    id: int
    local_id: str
    name: str
    dob: dt.date | None
    expected_delivery: dt.date | None
    team: str
    social_worker: str
    periods: tuple[PeriodInfo, ...]
    plans: tuple[PlanInfo, ...]
    enquiries: tuple[EnquiryInfo, ...]
    meetings: tuple[MeetingInfo, ...]
    first_name: str = ""
    last_name: str = ""
    sex: str | None = None
    ethnicity: str | None = None
    upn: str | None = None
    team_id: int | None = None
    social_worker_id: int | None = None
    #: Who was allocated when, newest first.
    allocations: tuple[AllocationInfo, ...] = ()
    version: int = 1

    def missing(self, as_of: dt.date) -> list[str]:
        """What the record lacks that a complete one has (a child imported from a 903
        return has only its ID): the words for each."""
        gaps = []
        if not (self.first_name or self.last_name):
            gaps.append("name")
        if self.dob is None and self.expected_delivery is None:
            gaps.append("date of birth")
        if self.team_id is None:
            gaps.append("team")
        if self.social_worker_id is None:
            gaps.append("social worker")
        open_periods = [p for p in self.periods if open_on(p.start, p.end, as_of)]
        if any(p.iro_id is None for p in open_periods):
            gaps.append("IRO")
        if any(p.iro_notified is None for p in open_periods):
            gaps.append("date the IRO service was told")
        return gaps


def child_detail(
    session: Session,
    child_id: int,
    *,
    as_of: dt.date | None = None,
    register: Register | None = None,
) -> ChildDetail | None:
    """One child's page: who they are, their periods, plans, enquiries, meetings (with their
    parts, reports and moves, read together: `_meeting_infos`) and allocations.

    With ``as_of``, each meeting is numbered as the engine counts it then
    (`casework.register.meeting_sequences`), so `MeetingInfo.label` names it as the weekly
    schedule and every list do ("LAC review 1" for the first review of a second period of
    care); without, as typed in, for callers that name no meeting. With ``register`` (the
    child's, whole history, as of ``as_of``), numbered from it: not read again."""
    child = session.get(Child, child_id)
    if child is None:
        return None
    meetings = _meeting_infos(session, child_id)
    if register is not None:
        numbers = register.sequences()
    elif as_of is not None:
        numbers = meeting_sequences(session, [child_id], as_of=as_of)
    else:
        numbers = None
    if numbers is not None:
        meetings = tuple(replace(m, sequence=numbers.get(m.id, m.sequence)) for m in meetings)
    return detail_of(child, meetings=meetings)


def detail_of(child: Child, *, meetings: tuple[MeetingInfo, ...] | None = None) -> ChildDetail:
    """A `ChildDetail` from a child's record, each related record read as it is used; with
    ``meetings``, those are the meetings (as `_meeting_infos` reads them)."""

    def name_of(staff: Staff | None) -> str:
        return staff.name if staff is not None else ""

    if meetings is None:
        meetings = _meetings_of(child)
    return ChildDetail(
        id=child.id,
        local_id=child.local_id,
        name=child.display_name,
        dob=child.dob,
        expected_delivery=child.expected_delivery,
        team=child.team.name if child.team else "",
        social_worker=name_of(child.social_worker),
        periods=tuple(
            PeriodInfo(
                p.id,
                p.start,
                p.end_date,
                name_of(p.iro),
                p.iro_id,
                p.iro_notified,
                p.iro_allocated,
                p.version,
                p.end_unknown,
            )
            for p in child.periods
        ),
        plans=tuple(
            PlanInfo(
                p.id,
                p.start,
                p.end_date,
                p.latest_category or p.initial_category or "",
                name_of(p.chair),
                p.chair_id,
                p.enquiry_id,
                p.end_unknown,
            )
            for p in child.plans
        ),
        enquiries=tuple(
            EnquiryInfo(
                e.id,
                e.route,
                e.strategy_date,
                e.notified_date,
                e.icpc_not_required,
                e.closed_date,
                e.closed_reason,
                e.closed_unknown,
            )
            for e in child.enquiries
        ),
        meetings=meetings,
        first_name=child.first_name or "",
        last_name=child.last_name or "",
        sex=child.sex,
        ethnicity=child.ethnicity,
        upn=child.upn,
        team_id=child.team_id,
        social_worker_id=child.social_worker_id,
        allocations=_allocations(child),
        version=child.version,
    )


def _meetings_of(child: Child) -> tuple[MeetingInfo, ...]:
    """The child's meetings from the records, each part, report, move, room and person read
    as it is used (a query each): the general way, which `_meeting_infos` must match."""

    def name_of(staff: Staff | None) -> str:
        return staff.name if staff is not None else ""

    meetings = []
    for m in sorted(
        child.meetings, key=lambda m: (m.held_date or m.booked_date or dt.date.max, m.id)
    ):
        room = ""
        if m.room is not None:
            room = room_label(m.room.name, m.room.venue.name if m.room.venue else None)
        meetings.append(
            MeetingInfo(
                id=m.id,
                process=m.process,
                meeting_type=m.meeting_type,
                sequence=m.sequence,
                status=m.status,
                booked_date=m.booked_date,
                booked_time=m.booked_time,
                minutes=length(m.duration_minutes),
                held_date=m.held_date,
                parts=tuple(p.held_date for p in m.parts),
                chair_id=m.chair_id,
                chair=name_of(m.chair),
                room_id=m.room_id,
                room=room,
                clerk_id=m.clerk_id,
                clerk=name_of(m.clerk),
                participation=m.participation,
                quorate=m.quorate,
                outcome=m.outcome,
                late_reason=m.late_reason.text if m.late_reason else "",
                cancel_reason=m.cancel_reason,
                decisions_issued=m.decisions_issued,
                minutes_distributed=m.minutes_distributed,
                period_id=m.period_id,
                plan_id=m.plan_id,
                enquiry_id=m.enquiry_id,
                reports=tuple(
                    ReportInfo(
                        r.id, r.author, r.agency, r.received, r.shared_with_parents, r.version
                    )
                    for r in m.reports
                ),
                version=m.version,
                moves=tuple(
                    MoveInfo(
                        v.from_date,
                        v.from_time,
                        v.to_date,
                        v.to_time,
                        v.reason,
                        v.moved_by,
                        v.moved_at,
                    )
                    for v in m.moves
                ),
            )
        )
    return tuple(meetings)


@cache
def _meeting_selects() -> tuple[Any, ...]:
    """The SELECTs of `_meeting_infos`, for the child in the parameter ``child_id``: the
    meetings with their room and people, then the meetings' parts, reports and moves.
    Built once, so SQLAlchemy compiles each once and reuses it."""
    child = bindparam("child_id")
    chair, clerk = aliased(Staff), aliased(Staff)
    meetings = (
        select(
            Meeting,
            chair.name.label("chair_name"),
            clerk.name.label("clerk_name"),
            Room.name.label("room_name"),
            Venue.name.label("venue_name"),
            LateReason.text.label("late_text"),
        )
        .outerjoin(chair, chair.id == Meeting.chair_id)
        .outerjoin(clerk, clerk.id == Meeting.clerk_id)
        .outerjoin(Room, Room.id == Meeting.room_id)
        .outerjoin(Venue, Venue.id == Room.venue_id)
        .outerjoin(LateReason, LateReason.id == Meeting.late_reason_id)
        .where(Meeting.child_id == child)
    )
    theirs = Meeting.child_id == child
    parts = (
        select(MeetingPart.meeting_id, MeetingPart.held_date)
        .join(Meeting, Meeting.id == MeetingPart.meeting_id)
        .where(theirs)
        .order_by(MeetingPart.meeting_id, MeetingPart.part_no)
    )
    reports = (
        select(
            Report.meeting_id,
            Report.id,
            Report.author,
            Report.agency,
            Report.received,
            Report.shared_with_parents,
            Report.version,
        )
        .join(Meeting, Meeting.id == Report.meeting_id)
        .where(theirs)
        .order_by(Report.id)
    )
    moves = (
        select(
            MeetingMove.meeting_id,
            MeetingMove.from_date,
            MeetingMove.from_time,
            MeetingMove.to_date,
            MeetingMove.to_time,
            MeetingMove.reason,
            MeetingMove.moved_by,
            MeetingMove.moved_at,
        )
        .join(Meeting, Meeting.id == MeetingMove.meeting_id)
        .where(theirs)
        .order_by(MeetingMove.id)
    )
    return meetings, parts, reports, moves


def _meeting_infos(session: Session, child_id: int) -> tuple[MeetingInfo, ...]:
    """The child's meetings as `_meetings_of` gives them, in four queries whatever their
    number: read one by one, each meeting cost a query for its parts, its reports, its moves
    and its room and people (51 queries for a child with eight meetings)."""
    meetings_stmt, parts_stmt, reports_stmt, moves_stmt = _meeting_selects()
    at = {"child_id": child_id}
    parts: dict[int, list[dt.date]] = defaultdict(list)
    for meeting_id, held in session.execute(parts_stmt, at):
        parts[meeting_id].append(held)
    reports: dict[int, list[ReportInfo]] = defaultdict(list)
    for meeting_id, *values in session.execute(reports_stmt, at):
        reports[meeting_id].append(ReportInfo(*values))
    moves: dict[int, list[MoveInfo]] = defaultdict(list)
    for meeting_id, *values in session.execute(moves_stmt, at):
        moves[meeting_id].append(MoveInfo(*values))
    rows = session.execute(meetings_stmt, at).all()
    rows.sort(key=lambda r: (r[0].held_date or r[0].booked_date or dt.date.max, r[0].id))
    out = []
    for m, chair, clerk, room, venue, late in rows:
        out.append(
            MeetingInfo(
                id=m.id,
                process=m.process,
                meeting_type=m.meeting_type,
                sequence=m.sequence,
                status=m.status,
                booked_date=m.booked_date,
                booked_time=m.booked_time,
                minutes=length(m.duration_minutes),
                held_date=m.held_date,
                parts=tuple(parts.get(m.id, ())),
                chair_id=m.chair_id,
                chair=chair or "",
                room_id=m.room_id,
                room=room_label(room, venue) if m.room_id is not None else "",
                clerk_id=m.clerk_id,
                clerk=clerk or "",
                participation=m.participation,
                quorate=m.quorate,
                outcome=m.outcome,
                late_reason=late or "",
                cancel_reason=m.cancel_reason,
                decisions_issued=m.decisions_issued,
                minutes_distributed=m.minutes_distributed,
                period_id=m.period_id,
                plan_id=m.plan_id,
                enquiry_id=m.enquiry_id,
                reports=tuple(reports.get(m.id, ())),
                version=m.version,
                moves=tuple(moves.get(m.id, ())),
            )
        )
    return tuple(out)


def _allocations(child: Child) -> tuple[AllocationInfo, ...]:
    """The child's allocation history, newest first (open rows before closed ones)."""
    rows = [
        AllocationInfo(
            a.id,
            a.kind,
            (a.team.name if a.team else "")
            if a.kind == "team"
            else (a.staff.name if a.staff else ""),
            a.start,
            a.end_date,
            a.reason,
            a.updated_by,
        )
        for a in child.allocations
    ]
    rows.sort(key=lambda a: (a.end is None, a.start or dt.date.min, a.id), reverse=True)
    return tuple(rows)


def late_reasons(session: Session) -> list[tuple[int, str]]:
    """Active reasons a meeting ran late (every database starts with the standard
    reasons; administrators add more through `reviewdesk.actions.add_late_reason`)."""
    from reviewdesk.storage.models import LateReason

    return [
        (i, t)
        for i, t in session.execute(
            select(LateReason.id, LateReason.text)
            .where(LateReason.active.is_(True))
            .order_by(LateReason.id)
        )
    ]


def meeting_reasons(
    session: Session, kind: str, process: str | None = None
) -> list[tuple[int, str]]:
    """Active reasons to cancel (``kind`` "cancel") or move ("reschedule") a meeting, in the
    order they were added (reviewdesk's own first; administrators add more through
    `reviewdesk.actions.add_meeting_reason`); with ``process``, those for that kind of
    meeting ("lac", "cp") and for every meeting."""
    from reviewdesk.storage.lookups import meeting_reasons as rows

    return [(r.id, r.text) for r in rows(session, kind, process=process)]


# --- search keys ----------------------------------------------------------------------------


def search_keys(session: Session) -> dict[int, str]:
    """Every child's folded "first last id" text, keyed by id: the case list's search index."""
    rows = session.execute(select(Child.id, Child.first_name, Child.last_name, Child.local_id))
    return {cid: fold(f"{first} {last} {local_id}") for cid, first, last, local_id in rows}


def matches(key: str, text: str) -> bool:
    """Whether a folded search key holds every word of ``text``."""
    return all(word in key for word in fold(text).split())
