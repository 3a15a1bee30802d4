"""Work recorded here for a meeting: what people entered in reviewdesk, which no return brings.

A statutory return gives a held meeting its date and kind (and, for a LAC review, the child's
participation). Everything else about it was entered here: the booking (date, time, room,
chair, clerk), the invitees and their attendance, the reports, the parts it was held in, the
moves, the meeting request and packs sent, the child's views, the outcome, quoracy, decisions
and the dates they and the minutes went out, a late reason and note. A meeting an import
created and nobody touched has none of it. An import that would remove a meeting with work
recorded here asks first (`reviewdesk.importers.store`), so this is the one definition of it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from reviewdesk.codes import Process
from reviewdesk.storage.models import (
    ChildVoice,
    Invitee,
    MeetingMove,
    MeetingPart,
    MeetingRequest,
    PackDelivery,
    Report,
)

#: Meeting columns only a person fills in (an import leaves them empty), with their names.
RECORDED_FIELDS: tuple[tuple[str, str], ...] = (
    ("booked_date", "booked date"),
    ("booked_time", "booked time"),
    ("room_id", "room"),
    ("chair_id", "chair"),
    ("clerk_id", "clerk"),
    ("quorate", "quoracy"),
    ("outcome", "outcome"),
    ("decisions", "decisions"),
    ("decisions_issued", "decisions issued date"),
    ("minutes_distributed", "minutes distributed date"),
    ("consultation_sent", "consultation sent date"),
    ("late_reason_id", "late reason"),
    ("late_reason_note", "late reason note"),
    ("cancel_reason", "cancellation reason"),
    ("notes", "notes"),
)
#: The length an import gives every meeting it creates: another was entered here.
IMPORTED_DURATION = 90

#: The records kept for a meeting in tables of their own: (table, one, many; many None when
#: a meeting has at most one).
RECORDED_TABLES: tuple[tuple[Table, str, str | None], ...] = (
    (Invitee.__table__, "invitee", "invitees"),  # type: ignore[arg-type]
    (Report.__table__, "report", "reports"),  # type: ignore[arg-type]
    (MeetingPart.__table__, "part held", "parts held"),  # type: ignore[arg-type]
    (MeetingMove.__table__, "move", "moves"),  # type: ignore[arg-type]
    (MeetingRequest.__table__, "meeting request sent", None),  # type: ignore[arg-type]
    (PackDelivery.__table__, "pack sent", "packs sent"),  # type: ignore[arg-type]
    (ChildVoice.__table__, "child's views", None),  # type: ignore[arg-type]
)
#: Those of them that have an id of their own (a meeting request is keyed by its meeting).
OWN_ID_TABLES: tuple[Table, ...] = tuple(t for t, _one, _many in RECORDED_TABLES if "id" in t.c)

CHUNK = 5000


def _is_set(value: Any) -> bool:
    return value is not None and value != ""


def recorded_fields(meeting: Mapping[str, Any]) -> list[str]:
    """The names of the meeting's own columns (a row of the meeting table) entered here."""
    out = [name for column, name in RECORDED_FIELDS if _is_set(meeting.get(column))]
    if meeting.get("duration_minutes") not in (None, IMPORTED_DURATION):
        out.append("duration")
    if meeting.get("process") == Process.CP and _is_set(meeting.get("participation")):
        out.append("participation")  # the census does not bring it (the 903 return does)
    return out


def recorded_here(
    session: Session, meetings: Iterable[Mapping[str, Any]]
) -> dict[int, tuple[str, ...]]:
    """For each of ``meetings`` (rows of the meeting table) with work recorded here, what:
    ('2 invitees', 'attendance', '1 report', 'outcome', ...). Meetings with none are left
    out: a bare meeting an import created and nobody touched."""
    rows = {m["id"]: m for m in meetings}
    if not rows:
        return {}
    counts: dict[int, list[str]] = defaultdict(list)
    attended: set[int] = set()
    ids = list(rows)
    for table, one, many in RECORDED_TABLES:
        column = table.c.meeting_id
        for chunk in _chunks(ids):
            stmt = (
                select(column, func.count())
                .where(column.in_(chunk))
                .group_by(column)
                .order_by(column)
            )
            for meeting_id, n in session.execute(stmt):
                if many is None:
                    counts[meeting_id].append(one)
                else:
                    counts[meeting_id].append(f"{n} {one if n == 1 else many}")
    invitee = Invitee.__table__
    for chunk in _chunks(ids):
        stmt = select(invitee.c.meeting_id).where(
            invitee.c.meeting_id.in_(chunk), invitee.c.attendance.is_not(None)
        )
        attended.update(session.scalars(stmt))
    out: dict[int, tuple[str, ...]] = {}
    for meeting_id, row in rows.items():
        what = list(counts.get(meeting_id, []))
        if meeting_id in attended:
            what.insert(1, "attendance")  # after the invitees
        what += recorded_fields(row)
        if what:
            out[meeting_id] = tuple(what)
    return out


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


__all__ = [
    "OWN_ID_TABLES",
    "RECORDED_FIELDS",
    "RECORDED_TABLES",
    "recorded_fields",
    "recorded_here",
]
