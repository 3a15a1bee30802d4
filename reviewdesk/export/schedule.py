"""The schedule export's rows: one per meeting, plus the next ones due for every open case.

Rows: meetings held from ``start`` (default 12 months before the as-of date) up to the as-of
date; every meeting still to take place (booked or adjourned, whatever its date, or recorded
as held after the as-of date); and, for every next meeting of an open case (one per open
plan, per enquiry awaiting its conference and per open period of care) with no meeting
booked for it, a row with its due date and no booked date. Cancelled and stood-down meetings
are left out, unless ``include_called_off`` (the iCalendar export: a calendar that imported
the meeting must hear it was cancelled), which adds those booked on or after ``start``. Rows
are in date order (held, booked or due date).

A meeting booked for a day now past and never recorded (`vocabulary.is_outcome_not_recorded`)
says so in its status, "booked, outcome not recorded", as everywhere else it is shown.

What the data cannot judge (a return not imported) says so: a held meeting's
``in_timescale`` is "not judged" and ``not_judged`` says why; a next meeting the data cannot
date is a row with no due date, status "due date not known", and why.

``chair_ids``, ``room_ids`` and ``clerk_ids`` keep only the meetings with one of those
chairs, rooms or clerks (a chair's, a room's or a clerk's diary); the next meetings not yet
booked have none, so they are left out then. `find_staff` and `find_rooms` turn the names a
person types into ids.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from reviewdesk.casework.register import Register
from reviewdesk.casework.rows import fetch_rows, no_gc
from reviewdesk.dates import add_months
from reviewdesk.errors import InvalidInput
from reviewdesk.flags import (
    FLAG_TYPES,
    allocation,
    caseload,
    cp_plans,
    flags_from_register,
    oversight,
)
from reviewdesk.invitations.facts import where_words
from reviewdesk.storage.models import Child, Meeting, Room, Staff, Venue
from reviewdesk.vocabulary import (
    DUE_NOT_KNOWN,
    LIVE_STATUSES,
    NOT_JUDGED,
    OUTCOME_NOT_RECORDED,
    is_held,
    is_outcome_not_recorded,
    is_upcoming,
    room_label,
)

SCHEDULE_COLUMNS = (
    "child_id",
    "child_name",
    "process",
    "meeting_type",
    "sequence",
    "due_date",
    "booked_date",
    "booked_time",
    "held_date",
    "status",
    "in_timescale",
    "chair",
    "room",
    "clerk",
    "flags",
    "meeting_id",
    "not_judged",
)


#: The flags a row can show: every code but those of the checks of a child's allocation,
#: a plan's length, an IRO's caseload, challenges and the IRO's footprint, which never name
#: a meeting (those checks are not run). A row shows its meeting's flags, and a next
#: meeting's "overdue" or "due soon, not booked".
SHOWN_FLAGS = frozenset(FLAG_TYPES) - {
    *allocation.CHECKS,
    *caseload.CHECKS,
    *cp_plans.CHECKS,
    *oversight.ESCALATION_CODES,
    *oversight.FOOTPRINT_CODES,
}
#: The flags about a child (no meeting) a next meeting's row shows.
NEXT_MEETING_FLAGS = ("overdue", "due_soon_unbooked")


class ScheduleRow(NamedTuple):
    """One line of the schedule. ``meeting_id`` is None for a next meeting not yet booked.

    A named tuple: as immutable as a frozen dataclass, and made five times faster (a
    register's schedule is a hundred thousand rows)."""

    child_key: int  # the database id (for UIDs); ``child_id`` is the council's own id
    child_id: str
    child_name: str
    process: str
    meeting_type: str
    sequence: int | None
    due_date: dt.date | None
    booked_date: dt.date | None
    booked_time: dt.time | None
    duration_minutes: int | None
    held_date: dt.date | None
    status: str
    in_timescale: bool | None
    chair: str
    flags: tuple[str, ...]
    meeting_id: int | None
    #: Why the data cannot judge the meeting held, or date the next one ("" when it can).
    not_judged: str = ""
    room: str = ""  # "Room 2, Civic Centre"
    location: str = ""  # the room, the venue and its address (LOCATION)
    clerk: str = ""
    #: Booked for a day before the as-of date and never recorded
    #: (`vocabulary.is_outcome_not_recorded`).
    outcome_not_recorded: bool = False

    @property
    def when(self) -> dt.date | None:
        return self.held_date or self.booked_date or self.due_date

    @property
    def status_words(self) -> str:
        """The status as the files write it: "booked, outcome not recorded" for a meeting
        whose day passed unrecorded (the status column, the calendar's description)."""
        status = self.status
        return f"{status}, {OUTCOME_NOT_RECORDED}" if self.outcome_not_recorded else status

    def record(self) -> tuple[object, ...]:
        """The values in `SCHEDULE_COLUMNS` order (dates as dates; booleans as yes/no): what
        every writer writes, built once per row."""
        return (
            self.child_id,
            self.child_name,
            self.process,
            self.meeting_type,
            self.sequence,
            self.due_date,
            self.booked_date,
            self.booked_time,
            self.held_date,
            self.status_words,
            _TIMESCALE_WORDS.get(self.in_timescale)
            or (NOT_JUDGED if self.not_judged and self.held_date else ""),
            self.chair,
            self.room,
            self.clerk,
            "; ".join(self.flags),
            self.meeting_id,
            self.not_judged,
        )

    def values(self) -> dict[str, object]:
        """Column name to value (see `record`)."""
        return dict(zip(SCHEDULE_COLUMNS, self.record(), strict=True))


#: How ``in_timescale`` is written.
_TIMESCALE_WORDS: dict[bool | None, str] = {True: "yes", False: "no"}


def _matching(rows: list[tuple[int, str]], text: str, option: str, what: str) -> set[int]:
    wanted = text.strip().casefold()
    found = {i for i, name in rows if str(i) == wanted} or {
        i for i, name in rows if wanted in name.casefold()
    }
    if not found:
        raise InvalidInput(f'{option}: no {what} is called "{text}"')
    names = sorted({name for i, name in rows if i in found})
    if len(names) > 1:
        raise InvalidInput(
            f'{option}: "{text}" matches {len(names)} {what}s ({", ".join(names[:6])}); '
            "give more of the name"
        )
    return found


def find_staff(session: Session, text: str, *, option: str = "--chair", what: str = "chair"):
    """The ids of the staff member named by ``text`` (an id or a unique part of a name)."""
    return _matching(list(session.execute(select(Staff.id, Staff.name))), text, option, what)


def find_rooms(session: Session, text: str, *, option: str = "--room") -> set[int]:
    """The ids of the room named by ``text`` ("Room 2", "Room 2, Civic Centre" or an id)."""
    rooms = [(i, label) for i, (label, _where) in _rooms(session).items()]
    return _matching(rooms, text, option, "room")


def _rooms(session: Session) -> dict[int, tuple[str, str]]:
    """Room id -> (room and venue, where: room, venue and address)."""
    out = {}
    for room_id, room, venue, address, virtual in session.execute(
        select(Room.id, Room.name, Venue.name, Venue.address, Room.virtual).join(Venue)
    ):
        label = room_label(room, venue)
        where = where_words(label, address)
        out[room_id] = (label, where + (" (online)" if virtual and not address else ""))
    return out


def schedule_rows(
    session: Session,
    *,
    as_of: dt.date,
    start: dt.date | None = None,
    register: Register | None = None,
    include_called_off: bool = False,
    chair_ids: Collection[int] | None = None,
    room_ids: Collection[int] | None = None,
    clerk_ids: Collection[int] | None = None,
) -> list[ScheduleRow]:
    """The schedule as of ``as_of`` (see the module's description).

    Read as a window from ``start`` (`Register` with ``window_from``): only what these
    months and the meetings to come need. ``register``: another reading of every child as
    of ``as_of`` to work from instead (the tests pass the whole history: the same rows)."""
    start = start or add_months(as_of, -12)
    with no_gc():
        data = register or Register(session, as_of=as_of, window_from=min(start, as_of))
        flags = flags_from_register(data, codes=SHOWN_FLAGS)
        # Times, lengths, rooms and clerks of the live meetings the rows may show.
        extra = {
            r[0]: r
            for r in fetch_rows(
                session,
                select(
                    Meeting.id,
                    Meeting.booked_time,
                    Meeting.duration_minutes,
                    Meeting.room_id,
                    Meeting.clerk_id,
                ).where(
                    Meeting.status.in_(sorted(LIVE_STATUSES)),
                    (Meeting.held_date >= start)
                    | Meeting.held_date.is_(None)
                    | (Meeting.status != "held"),
                ),
            )
        }
    staff = dict(session.execute(select(Staff.id, Staff.name)).all())
    rooms = _rooms(session)
    filtered = chair_ids is not None or room_ids is not None or clerk_ids is not None

    def wanted(chair: int | None, room: int | None, clerk: int | None) -> bool:
        return (
            (chair_ids is None or chair in chair_ids)
            and (room_ids is None or room in room_ids)
            and (clerk_ids is None or clerk in clerk_ids)
        )

    by_meeting: dict[int, list[str]] = defaultdict(list)
    by_case: dict[tuple[int, dt.date | None], list[str]] = defaultdict(list)
    for f in flags:
        if f.meeting_id is not None:
            by_meeting[f.meeting_id].append(f.code)
        elif f.child_id is not None and f.code in NEXT_MEETING_FLAGS:
            by_case[(f.child_id, f.date)].append(f.code)

    bits: dict[int, tuple[str, str]] = {}  # a child's rows share its id and name

    def child_bits(child_id: int) -> tuple[str, str]:
        found = bits.get(child_id)
        if found is None:
            c = data.children.get(child_id)
            if c is None:
                found = str(child_id), ""
            else:
                found = c.local_id, f"{c.first_name} {c.last_name}".strip()
            bits[child_id] = found
        return found

    rows: list[ScheduleRow] = []
    # (child, process) and (child, process, plan/enquiry/period index or None) of each
    # meeting still to come.
    booked_cases: set[tuple[int, str]] = set()
    booked_for: set[tuple[int, str, int | None]] = set()
    for m in data.meetings:
        x = extra.get(m.id)
        room_id = x.room_id if x else None
        clerk_id = x.clerk_id if x else None
        if filtered and not wanted(m.chair_id, room_id, clerk_id):
            continue
        if m.status not in LIVE_STATUSES:
            continue
        held = is_held(m.status, m.held_date, as_of)
        if held and m.held_date < start:
            continue
        if not held and not is_upcoming(m.status, m.held_date, as_of):
            continue
        status = data.statuses.get(m.child_id)
        timeliness = status.meetings.get(m.id) if status else None
        if not held:
            booked_cases.add((m.child_id, m.process))
            booked_for.add((m.child_id, m.process, timeliness.episode if timeliness else None))
        local_id, name = child_bits(m.child_id)
        rows.append(
            ScheduleRow(
                child_key=m.child_id,
                child_id=local_id,
                child_name=name,
                process=m.process,
                meeting_type=m.meeting_type,
                # By the one rule (`casework.register.Register.sequence`).
                sequence=data.sequence(m),
                due_date=timeliness.due.date if timeliness else None,
                booked_date=m.booked_date,
                booked_time=x.booked_time if x else None,
                duration_minutes=x.duration_minutes if x else None,
                held_date=m.held_date if held else None,
                status=m.status if held or m.status != "held" else "booked",
                in_timescale=timeliness.in_timescale if timeliness and held else None,
                chair=staff.get(m.chair_id, "") if m.chair_id else "",
                flags=tuple(sorted(set(codes))) if (codes := by_meeting.get(m.id)) else (),
                meeting_id=m.id,
                not_judged=(status.unknown.get(m.id, "") if status and held else ""),
                room=rooms[room_id][0] if room_id in rooms else "",
                location=rooms[room_id][1] if room_id in rooms else "",
                clerk=staff.get(clerk_id, "") if clerk_id else "",
                outcome_not_recorded=is_outcome_not_recorded(m.status, m.booked_date, as_of),
            )
        )

    def due_row(child_id: int, process: str, meeting_type: str, **what: Any) -> ScheduleRow:
        """A row for a next meeting not booked: its due date, or why it has none."""
        local_id, name = child_bits(child_id)
        return ScheduleRow(
            child_key=child_id,
            child_id=local_id,
            child_name=name,
            process=process,
            meeting_type=meeting_type,
            booked_date=None,
            booked_time=None,
            duration_minutes=None,
            held_date=None,
            in_timescale=None,
            chair="",
            meeting_id=None,
            **what,
        )

    for child_id, status in data.statuses.items():
        if filtered:
            break  # next meetings not yet booked have no chair, room or clerk
        for process in ("lac", "cp"):
            nexts = status.nexts_for(process)
            for nxt in nexts:
                if len(nexts) == 1:
                    if (child_id, process) in booked_cases:
                        continue
                elif (child_id, process, nxt.record_index) in booked_for:
                    continue  # several due: a booking counts for its own plan or enquiry
                codes = by_case.get((child_id, nxt.due.date), ())
                rows.append(
                    due_row(
                        child_id,
                        process,
                        nxt.meeting_type,
                        sequence=nxt.sequence,
                        due_date=nxt.due.date,
                        status="overdue, not booked" if nxt.overdue else "due, not booked",
                        flags=tuple(sorted(set(codes))),
                    )
                )
            for unknown in status.undetermined_for(process):
                rows.append(
                    due_row(
                        child_id,
                        process,
                        unknown.meeting_type,
                        sequence=None,
                        due_date=None,
                        status=DUE_NOT_KNOWN,
                        flags=(),
                        not_judged=unknown.reason,
                    )
                )
    if include_called_off:
        # The register reads live meetings only: the called-off ones are read on their own.
        for m, x, local_id, first, last in _called_off_meetings(session, start):
            if not filtered or wanted(m.chair_id, x.room_id, x.clerk_id):
                name = f"{first} {last}".strip()
                rows.append(_called_off(m, x, (local_id, name), staff, rooms))
    last = dt.date.max
    rows.sort(
        key=lambda r: (
            r.held_date or r.booked_date or r.due_date or last,  # `ScheduleRow.when`
            r.child_id,
            r.process,
            r.meeting_id or 0,
        )
    )
    return rows


def _called_off_meetings(session: Session, start: dt.date) -> list[Any]:
    """Cancelled and stood-down meetings booked on or after ``start``, with their child's
    id and name: (meeting, its time and place, local id, first name, last name)."""
    stmt = (
        select(
            Meeting.id,
            Meeting.child_id,
            Meeting.process,
            Meeting.meeting_type,
            Meeting.sequence,
            Meeting.booked_date,
            Meeting.status,
            Meeting.chair_id,
            Meeting.booked_time,
            Meeting.duration_minutes,
            Meeting.room_id,
            Meeting.clerk_id,
            Child.local_id,
            Child.first_name,
            Child.last_name,
        )
        .join(Child, Child.id == Meeting.child_id)
        .where(Meeting.status.not_in(sorted(LIVE_STATUSES)), Meeting.booked_date >= start)
    )
    return [(r, r, r.local_id, r.first_name, r.last_name) for r in session.execute(stmt)]


def _called_off(m, x, child: tuple[str, str], staff: dict, rooms: dict) -> ScheduleRow:
    """A cancelled or stood-down meeting's row (for calendars to take it out)."""
    room_id = x.room_id if x else None
    clerk_id = x.clerk_id if x else None
    return ScheduleRow(
        child_key=m.child_id,
        child_id=child[0],
        child_name=child[1],
        process=m.process,
        meeting_type=m.meeting_type,
        sequence=m.sequence,
        due_date=None,
        booked_date=m.booked_date,
        booked_time=x.booked_time if x else None,
        duration_minutes=x.duration_minutes if x else None,
        held_date=None,
        status=m.status,
        in_timescale=None,
        chair=staff.get(m.chair_id, "") if m.chair_id else "",
        flags=(),
        meeting_id=m.id,
        room=rooms[room_id][0] if room_id in rooms else "",
        location=rooms[room_id][1] if room_id in rooms else "",
        clerk=staff.get(clerk_id, "") if clerk_id else "",
    )
