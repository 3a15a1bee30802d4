"""Chair, clerk or room double-booked: overlapping times on the same day.

Every meeting still to take place from the as-of date on counts, open case or not; cancelled
and stood-down meetings do not. A meeting with no start time cannot be checked.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from reviewdesk.casework.rows import fetch_rows
from reviewdesk.flags.base import RED, Flag, FlagContext
from reviewdesk.storage.models import Meeting, Room, Staff
from reviewdesk.vocabulary import LIVE_STATUSES, format_uk, meeting_label

CHECKS = {
    "chair_double_booked": (RED, "Chair booked for two meetings at the same time"),
    "clerk_double_booked": (RED, "Clerk booked for two meetings at the same time"),
    "room_double_booked": (RED, "Room booked for two meetings at the same time"),
}


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


@cache
def _hhmm(t: dt.time) -> str:
    """'09:30' (cached: a diary has few distinct start times, and strftime is slow)."""
    return f"{t.hour:02d}:{t.minute:02d}"


def check(ctx: FlagContext) -> Iterator[Flag]:
    return booking_flags(ctx.session, ctx.as_of)


def booking_flags(
    session: Session, as_of: dt.date, days: Iterable[dt.date] | None = None
) -> Iterator[Flag]:
    """Every double booking from ``as_of`` on, or only those on ``days``: a double booking is
    two meetings on one day, so a day's flags are read from that day's meetings alone."""
    stmt = select(
        Meeting.id,
        Meeting.child_id,
        Meeting.meeting_type,
        Meeting.sequence,
        Meeting.booked_date,
        Meeting.booked_time,
        Meeting.duration_minutes,
        Meeting.chair_id,
        Meeting.clerk_id,
        Meeting.room_id,
    ).where(
        Meeting.status.in_(sorted(LIVE_STATUSES)),
        Meeting.booked_date >= as_of,
        Meeting.booked_time.is_not(None),
    )
    if days is not None:
        stmt = stmt.where(Meeting.booked_date.in_(sorted(set(days))))
    rows = fetch_rows(session, stmt)
    staff_names = dict(session.execute(select(Staff.id, Staff.name)).all())
    room_names = dict(session.execute(select(Room.id, Room.name)).all())

    for code, column, noun, names in (
        ("chair_double_booked", "chair_id", "Chair", staff_names),
        ("clerk_double_booked", "clerk_id", "Clerk", staff_names),
        ("room_double_booked", "room_id", "Room", room_names),
    ):
        groups: dict[tuple[int, dt.date], list] = defaultdict(list)
        for r in rows:
            key = getattr(r, column)
            if key is not None:
                groups[(key, r.booked_date)].append(r)
        for (key, day), group in groups.items():
            if len(group) < 2:
                continue
            group.sort(key=lambda r: (r.booked_time, r.id))
            spans = [
                (_minutes(r.booked_time), _minutes(r.booked_time) + (r.duration_minutes or 0), r)
                for r in group
            ]
            for i, (_, end, r) in enumerate(spans):
                for start2, _, other in spans[i + 1 :]:
                    if start2 >= end:
                        break
                    for this, that in ((r, other), (other, r)):
                        yield Flag(
                            code,
                            RED,
                            f"{noun} {names.get(key, f'#{key}')} is booked on {format_uk(day)} "
                            f"for the {meeting_label(this.meeting_type, this.sequence)} at "
                            f"{_hhmm(this.booked_time)} and another meeting at "
                            f"{_hhmm(that.booked_time)} (meeting {that.id})",
                            this.child_id,
                            this.id,
                            key if column != "room_id" else None,
                            day,
                        )
