"""The audit trail in words, for the window: what was done, to which record, with the values
before and after as a person reads them ("chair: Łukasz Nowak → Máire Ó Briain", not
"chair_id: 3 → 7"; "LAC review, 12/04/2024", not "meeting 4106").

The command line's `reviewdesk audit` prints the stored values as they are (for checking and
for scripts); this is the same entries read out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from reviewdesk.codes import AGENCY, CONTACT_BY, RELATIONSHIP
from reviewdesk.storage.locking import RECORD_NOUNS
from reviewdesk.storage.models import (
    Base,
    EscalationTheme,
    LateReason,
    Meeting,
    Room,
    Staff,
    Team,
    Venue,
)
from reviewdesk.vocabulary import PROCESS_LABEL, format_uk, meeting_label

#: What each verb of the trail means, for a person.
ACTION_WORDS = {
    "create": "added",
    "update": "changed",
    "delete": "removed",
    "import": "imported",
    "restore": "restored",
    "export": "data left reviewdesk",
    "backup": "backed up",
    "login": "server login and group",
    "server init": "set up for a team",
    "maintenance": "audit trail maintained",
}

#: Columns whose name does not read well once its underscores are spaces (and "_id" gone).
_FIELD_WORDS = {
    "dob": "date of birth",
    "local_id": "ID",
    "held_date": "date held",
    "booked_date": "date booked",
    "booked_time": "time",
    "duration_minutes": "length (minutes)",
    "sequence": "number",
    "meeting_type": "kind of meeting",
    "fte": "FTE",
    "upn": "UPN",
}
_ACRONYMS = re.compile(r"\b(iro|cp|lac|icpc|rcpc|upn|fte|gp)\b")

#: The tables whose rows an id refers to by name, and the column that names them.
_NAMED = {
    "staff": Staff.name,
    "room": Room.name,
    "venue": Venue.name,
    "team": Team.name,
    "late_reason": LateReason.text,
    "escalation_theme": EscalationTheme.text,
}

#: Columns holding a code, and the words for each code.
_CODE_WORDS: dict[str, dict[str, str]] = {
    "agency": AGENCY,
    "relationship": RELATIONSHIP,
    "contact_by": CONTACT_BY,
    "process": PROCESS_LABEL,
}
#: A code as stored ("social_worker", "not_held"): read with spaces when no words are known.
_SNAKE = re.compile(r"^[a-z]+(?:_[a-z]+)+$")
#: Left out of what a record held when it was added or removed: its own number (the Record
#: column) and its child (the Child column).
_SAID_ELSEWHERE = frozenset({"id", "child_id"})

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_ISO_TIME = re.compile(r"^(\d{2}):(\d{2}):00$")


def field_words(column: str) -> str:
    """A column's name as words: "cancel_reason" → "cancel reason", "chair_id" → "chair",
    "iro_id" → "IRO"."""
    known = _FIELD_WORDS.get(column)
    if known is not None:
        return known
    words = column.removesuffix("_id").replace("_", " ")
    return _ACRONYMS.sub(lambda m: m[1].upper(), words)


def value_text(value: Any) -> str:
    """A stored value as a person reads it: dates dd/mm/yyyy, times of day hh:mm, nothing
    as "(none)"."""
    if value is None:
        return "(none)"
    if isinstance(value, str):
        match = _ISO_DATE.match(value)
        if match:
            return f"{match[3]}/{match[2]}/{match[1]}"
        match = _ISO_TIME.match(value)
        return f"{match[1]}:{match[2]}" if match else value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


@cache  # (the tables never change while the program runs)
def _referred_table(table_name: str, column: str) -> str | None:
    """The table a column's id refers to (by its foreign key), if it is one we name: a
    meeting by its kind and day, the others by `_NAMED`."""
    table = Base.metadata.tables.get(table_name)
    if table is None or column not in table.c:
        return None
    for key in table.c[column].foreign_keys:
        target = key.column.table.name
        if target in _NAMED or target == "meeting":
            return target
    return None


@dataclass
class TrailNames:
    """The names of what a page of entries refers to: staff, rooms, teams and the like by
    id, and meetings by their kind and day ("LAC review, 12/04/2024")."""

    by_table: dict[str, dict[int, str]] = field(default_factory=dict)
    meetings: dict[str, str] = field(default_factory=dict)

    def value(self, table_name: str, column: str, value: Any) -> str:
        target = _referred_table(table_name, column)
        if target is not None and isinstance(value, int) and not isinstance(value, bool):
            if target == "meeting":
                name = self.meetings.get(str(value))
            else:
                name = self.by_table.get(target, {}).get(value)
            return name if name is not None else f"{RECORD_NOUNS.get(target, target)} {value}"
        if isinstance(value, str):
            if column == "meeting_type":
                return meeting_label(value)
            words = _CODE_WORDS.get(column, {}).get(value)
            if words is not None:
                return words
            if _SNAKE.match(value):
                return value.replace("_", " ")
        return value_text(value)

    def record(self, entry: Any) -> str:
        """The record an entry is about: "LAC review, 12/04/2024"; else its kind and id."""
        if entry.table_name == "meeting" and entry.record_id in self.meetings:
            return self.meetings[entry.record_id]
        noun = RECORD_NOUNS.get(entry.table_name, entry.table_name.replace("_", " "))
        return f"{noun} {entry.record_id}".strip()


def trail_names(session: Session, entries: Iterable[Any]) -> TrailNames:
    """Look up, in one query per kind, the names a page of entries needs."""
    wanted: dict[str, set[int]] = {}
    meeting_ids: set[int] = set()
    for e in entries:
        if e.table_name == "meeting" and e.record_id.isdigit():
            meeting_ids.add(int(e.record_id))
        for values in (e.before, e.after):
            if not isinstance(values, dict):
                continue
            for column, value in values.items():
                target = _referred_table(e.table_name, column)
                if target == "meeting" and isinstance(value, int):
                    meeting_ids.add(value)
                elif target is not None and isinstance(value, int):
                    wanted.setdefault(target, set()).add(value)
    names = TrailNames()
    for target, ids in wanted.items():
        column = _NAMED[target]
        id_column = column.class_.id
        rows = session.execute(select(id_column, column).where(id_column.in_(sorted(ids))))
        names.by_table[target] = {i: n for i, n in rows}
    if meeting_ids:
        rows = session.execute(
            select(
                Meeting.id,
                Meeting.meeting_type,
                Meeting.held_date,
                Meeting.booked_date,
            ).where(Meeting.id.in_(sorted(meeting_ids)))
        )
        for mid, kind, held, booked in rows:
            day = held or booked
            label = meeting_label(kind)
            names.meetings[str(mid)] = f"{label}, {format_uk(day)}" if day else label
    return names


def summarise(entry: Any, names: TrailNames | None = None, limit: int = 400) -> str:
    """An entry's values in one line: what changed from what to what, or what was added,
    removed or done (``entry`` is an `AuditEntry` or anything with before and after)."""
    names = names or TrailNames()
    table = getattr(entry, "table_name", "")
    before = entry.before if isinstance(entry.before, dict) else {}
    after = entry.after if isinstance(entry.after, dict) else {}

    def shown(column: str, value: Any) -> str:
        return names.value(table, column, value)

    if entry.action == "update":
        parts = [
            f"{field_words(key)}: {shown(key, before.get(key))} → {shown(key, after.get(key))}"
            for key in sorted(after)
        ]
    else:
        values = after or before
        parts = [
            f"{field_words(key)}: {shown(key, value)}"
            for key, value in values.items()
            if value is not None and key not in _SAID_ELSEWHERE
        ]
    text = "; ".join(parts)
    return text if len(text) <= limit else text[: limit - 1] + "…"
