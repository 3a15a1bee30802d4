"""Chair, clerk or room double-booked: overlapping times on the same day.

Every meeting still to take place from the as-of date on counts, open case or not; cancelled
and stood-down meetings do not. Overlapping is `reviewdesk.overlaps`' rule, as in the diary
and the booking check: a meeting with no time recorded takes the whole day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from reviewdesk.casework.register import Register
from reviewdesk.casework.rows import fetch_rows
from reviewdesk.flags.base import RED, Flag, FlagContext
from reviewdesk.overlaps import span, sweep
from reviewdesk.storage.models import Meeting, Room, Staff, Venue
from reviewdesk.vocabulary import LIVE_STATUSES, format_uk, meeting_label, room_label

CHECKS = {
    "chair_double_booked": (RED, "Chair booked for two meetings at the same time"),
    "clerk_double_booked": (RED, "Clerk booked for two meetings at the same time"),
    "room_double_booked": (RED, "Room booked for two meetings at the same time"),
}


@cache
def _at(t: dt.time | None) -> str:
    """'at 09:30', or '(no time set)' (cached: a diary has few distinct start times)."""
    return "(no time set)" if t is None else f"at {t.hour:02d}:{t.minute:02d}"


def check(ctx: FlagContext) -> Iterator[Flag]:
    return booking_flags(ctx.session, ctx.as_of, register=ctx.register)


def booking_flags(
    session: Session,
    as_of: dt.date,
    days: Iterable[dt.date] | None = None,
    *,
    register: Register | None = None,
) -> Iterator[Flag]:
    """Every double booking from ``as_of`` on, or only those on ``days``: a double booking is
    two meetings on one day, so a day's flags are read from that day's meetings alone.
    ``register`` (as of ``as_of``, the flags'): the messages number each meeting by the one
    rule (`Register.label`); without, as typed in (the dashboard's tiles, which count the
    flags and never show their words)."""
    stmt = select(
        Meeting.id,
        Meeting.child_id,
        Meeting.process,
        Meeting.meeting_type,
        Meeting.sequence,
        Meeting.status,
        Meeting.held_date,
        Meeting.booked_date,
        Meeting.booked_time,
        Meeting.duration_minutes,
        Meeting.chair_id,
        Meeting.clerk_id,
        Meeting.room_id,
    ).where(
        Meeting.status.in_(sorted(LIVE_STATUSES)),
        Meeting.booked_date >= as_of,
    )
    if days is not None:
        stmt = stmt.where(Meeting.booked_date.in_(sorted(set(days))))
    rows = fetch_rows(session, stmt)
    staff_names = dict(session.execute(select(Staff.id, Staff.name)).all())
    room_names = {
        i: room_label(room, venue)
        for i, room, venue in session.execute(
            select(Room.id, Room.name, Venue.name).outerjoin(Venue, Venue.id == Room.venue_id)
        )
    }

    for code, column, noun, names in (
        ("chair_double_booked", "chair_id", "Chair ", staff_names),
        ("clerk_double_booked", "clerk_id", "Clerk ", staff_names),
        ("room_double_booked", "room_id", "", room_names),  # "Room 2, Civic Centre is booked"
    ):
        groups: dict[tuple[int, dt.date], list] = defaultdict(list)
        for r in rows:
            key = getattr(r, column)
            if key is not None:
                groups[(key, r.booked_date)].append(r)
        for (key, day), group in groups.items():
            if len(group) < 2:
                continue
            who = names.get(key, f"#{key}")
            for this, others in _overlapping(group):
                if register is not None:
                    label = register.label(this)
                else:
                    label = meeting_label(this.meeting_type, this.sequence)
                yield Flag(
                    code,
                    RED,
                    f"{noun}{who} is booked on {format_uk(day)} for the {label} "
                    f"{_at(this.booked_time)} and {_others(others)}",
                    this.child_id,
                    this.id,
                    key if column != "room_id" else None,
                    day,
                )


def _overlapping(group: list) -> Iterator[tuple[Any, tuple[int, list]]]:
    """Each meeting of one chair's (clerk's, room's) day that overlaps another, with how many
    it overlaps and the first few of them (in start order): one flag per meeting, not per
    pair (`reviewdesk.overlaps.sweep`)."""
    timed = sorted((span(r.booked_time, r.duration_minutes), r.id, r) for r in group)
    spans = [s for s, _, _ in timed]
    for i, count, first in sweep(spans, NAMED):
        yield timed[i][2], (count, [timed[j][2] for j in first])


#: How many of the other meetings a double-booking flag names.
NAMED = 3


def _others(found: tuple[int, list]) -> str:
    """'another meeting at 11:00 (meeting 57)', or '9 other meetings that overlap it
    (meetings 12 at 09:30, 15 at 09:30, 18 at 10:00 and 6 more)'."""
    count, named = found
    if count == 1:
        other = named[0]
        return f"another meeting {_at(other.booked_time)} (meeting {other.id})"
    listed = [f"{o.id} {_at(o.booked_time)}" for o in named]
    if count > len(named):
        listed.append(f"{count - len(named)} more")
    return (
        f"{count} other meetings that overlap it "
        f"(meetings {', '.join(listed[:-1])} and {listed[-1]})"
    )
