"""Work recorded here: what people entered in reviewdesk, which no return brings, for the
records an import may remove (a held meeting, a period of care, a CP plan, an s47 enquiry).

A statutory return gives a held meeting its date and kind (and, for a LAC review, the child's
participation). Everything else about it was entered here: the booking (date, time, room,
chair, clerk), the invitees and their attendance, the reports, the parts it was held in, the
moves, the meeting request and packs sent, the child's views, the outcome, quoracy, decisions
and the dates they and the minutes went out, a late reason and note.

A period of care's start and end are the 903 return's; its IRO and social worker, the dates
the IRO service was told and the IRO allocated, and its allocation history were recorded
here. A CP plan's dates, categories and count of previous plans are the census's; its chair
was recorded here. An s47 enquiry's strategy date and closure are the census's; its notes and
notified date were recorded here. (Their meetings are judged one by one, as meetings; a
period's episodes are the return's.)

A record an import created and nobody touched has none of it. An import that would remove a
record with work recorded here asks first (`reviewdesk.importers.store`), so this is the one
definition of it, and of the reference (`reference`: "M12", "P3", "CP4", "S5") by which a
person agrees to remove one.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from reviewdesk.codes import Process
from reviewdesk.storage.models import (
    Allocation,
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
        for meeting_id, n in _counted(session, table.c.meeting_id, ids):
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


#: A period of care's columns only a person fills in (the 903 return brings its dates).
PERIOD_FIELDS: tuple[tuple[str, str], ...] = (
    ("iro_id", "IRO"),
    ("social_worker_id", "social worker"),
    ("iro_notified", "IRO service notified date"),
    ("iro_allocated", "IRO allocated date"),
)
#: A CP plan's (the census brings its dates, categories and previous plans).
PLAN_FIELDS: tuple[tuple[str, str], ...] = (("chair_id", "chair"),)
#: An s47 enquiry's (the census brings its strategy date and closure).
ENQUIRY_FIELDS: tuple[tuple[str, str], ...] = (
    ("notes", "notes"),
    ("notified_date", "notified date"),
)


@dataclass(frozen=True)
class RecordKind:
    """A kind of record an import may remove: its table, the letter of its references, its
    name, the verb its day is given with ("held 20/07/2023", "started 15/06/2023"), the
    columns only a person fills in, and the records kept for it in tables of their own
    (table, the column naming it, one, many)."""

    table: str
    letter: str
    name: str
    plural: str
    verb: str
    fields: tuple[tuple[str, str], ...]
    tables: tuple[tuple[Table, str, str, str], ...] = ()


MEETING = RecordKind("meeting", "M", "meeting", "meetings", "held", RECORDED_FIELDS)
PERIOD = RecordKind(
    "period_of_care",
    "P",
    "period of care",
    "periods of care",
    "started",
    PERIOD_FIELDS,
    ((Allocation.__table__, "period_id", "allocation record", "allocation records"),),  # type: ignore[arg-type]
)
ENQUIRY = RecordKind("cp_enquiry", "S", "s47 enquiry", "s47 enquiries", "started", ENQUIRY_FIELDS)
PLAN = RecordKind("cp_plan", "CP", "CP plan", "CP plans", "started", PLAN_FIELDS)
#: Every kind, by table, in the order an import lists them (a child's period before its
#: meetings; an enquiry before the plan it led to).
KINDS: dict[str, RecordKind] = {k.table: k for k in (PERIOD, ENQUIRY, PLAN, MEETING)}

_REFERENCE = re.compile(r"(CP|[MPS])([1-9][0-9]*)")


def reference(table: str, record_id: int) -> str:
    """How a person names a record to remove: "M12" (a meeting), "P3" (a period of care),
    "CP4" (a CP plan), "S5" (an s47 enquiry); its kind's letter and its id."""
    return f"{KINDS[table].letter}{record_id}"


def parse_references(text: str) -> frozenset[str]:
    """The references in ``text`` (commas or spaces between them; any case), or ValueError
    naming the first that is not one."""
    out = set()
    for part in re.split(r"[,\s]+", text.strip()):
        if not part:
            continue
        found = _REFERENCE.fullmatch(part.upper())
        if found is None:
            raise ValueError(part)
        out.add(found.group(0))
    return frozenset(out)


def recorded_on(
    session: Session, kind: RecordKind, rows: Iterable[Mapping[str, Any]]
) -> dict[int, tuple[str, ...]]:
    """For each of ``rows`` (of ``kind``'s table: a period of care, a CP plan, an s47
    enquiry) with work recorded here, what: ('IRO', 'IRO allocated date', '1 allocation
    record'). Those with none are left out: a bare record an import created and nobody
    touched."""
    by_id = {r["id"]: r for r in rows}
    if not by_id:
        return {}
    counts: dict[int, list[str]] = defaultdict(list)
    ids = list(by_id)
    for table, column_name, one, many in kind.tables:
        for record_id, n in _counted(session, table.c[column_name], ids):
            counts[record_id].append(f"{n} {one if n == 1 else many}")
    out: dict[int, tuple[str, ...]] = {}
    for record_id, row in by_id.items():
        what = [name for column, name in kind.fields if _is_set(row.get(column))]
        what += counts.get(record_id, [])
        if what:
            out[record_id] = tuple(what)
    return out


def _counted(session: Session, column: Any, ids: Sequence[int]) -> Iterable[tuple[int, int]]:
    """(id, how many rows of ``column``'s table refer to it), for the ``ids`` with any."""
    for chunk in _chunks(ids):
        stmt = select(column, func.count()).where(column.in_(chunk)).group_by(column)
        yield from session.execute(stmt.order_by(column))  # rows of (id, count)


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


__all__ = [
    "ENQUIRY",
    "ENQUIRY_FIELDS",
    "KINDS",
    "MEETING",
    "OWN_ID_TABLES",
    "PERIOD",
    "PERIOD_FIELDS",
    "PLAN",
    "PLAN_FIELDS",
    "RECORDED_FIELDS",
    "RECORDED_TABLES",
    "RecordKind",
    "parse_references",
    "recorded_fields",
    "recorded_here",
    "recorded_on",
    "reference",
]
