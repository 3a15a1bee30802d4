"""Optimistic locking: a second person saving stale data is refused and told who got there first.

Every `Tracked` row has a ``version`` that SQLAlchemy checks on UPDATE and DELETE. When the
check fails, `conflict_message` reads the row's current ``updated_by`` / ``updated_at`` through
a fresh connection and says who changed it and when.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, inspect, select

from reviewdesk.errors import ReviewdeskError
from reviewdesk.vocabulary import format_uk

#: What a person calls each kind of record.
RECORD_NOUNS: dict[str, str] = {
    "meeting": "meeting",
    "child": "child's record",
    "period_of_care": "period of care",
    "episode": "episode",
    "cp_enquiry": "child protection enquiry",
    "cp_plan": "child protection plan",
    "staff": "staff record",
    "team": "team",
    "venue": "venue",
    "room": "room",
    "app_user": "user",
    "setting": "setting",
    "rule_override": "council rule",
    "closure_day": "closure day",
    "late_reason": "late reason",
    "report": "report",
    "invitee": "invitee",
    "escalation_theme": "challenge theme",
    "escalation": "challenge",
    "escalation_stage": "escalation stage",
    "iro_contact": "IRO contact",
    "child_voice": "record of the child's views",
    "person": "family member's record",
    "professional": "directory entry",
    "child_professional": "professional's link to the child",
    "meeting_request": "meeting request",
    "report_file": "report's file",
    "pack_delivery": "record of a pack sent",
    "allocation": "allocation",
    "meeting_reason": "reason",
}


class ConcurrentChange(ReviewdeskError):
    """Someone else saved the same record after it was opened; nothing was saved."""


def local_time(moment: dt.datetime) -> dt.datetime:
    """A stored UTC moment as UK wall-clock time (the councils' time zone)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    try:
        return moment.astimezone(ZoneInfo("Europe/London"))
    except Exception:  # noqa: BLE001 - no time zone data: fall back to the machine's zone
        return moment.astimezone()


def describe_change(noun: str, updated_by: str | None, updated_at: dt.datetime | None) -> str:
    who = updated_by or "someone else"
    if updated_at is None:
        when = ""
    else:
        t = local_time(updated_at)
        when = f" at {t:%H:%M} on {format_uk(t)}"
    return (
        f"This {noun} was changed by {who}{when} after you opened it; reopen it to see their "
        "changes. Nothing was saved."
    )


def describe_deleted(noun: str) -> str:
    return f"This {noun} was deleted by someone else after you opened it. Nothing was saved."


def opened_version(obj: Any) -> int | None:
    """The version a record had when it was loaded (what the UPDATE will check against)."""
    state = inspect(obj)
    history = state.attrs.version.history
    if history.deleted:
        return history.deleted[0]
    return state.dict.get("version")


def conflict_message(engine: Engine, candidates: list[tuple[type, Any, int | None]]) -> str:
    """The message for the first candidate whose stored version differs from the opened one.

    ``candidates`` are (model class, primary key, opened version) of records being saved.
    """
    with engine.connect() as conn:
        for cls, pk, version in candidates:
            table = cls.__table__
            pk_col = next(iter(table.primary_key.columns))
            row = conn.execute(
                select(table.c.version, table.c.updated_by, table.c.updated_at).where(pk_col == pk)
            ).first()
            noun = RECORD_NOUNS.get(table.name, "record")
            if row is None:
                return describe_deleted(noun)
            if version is None or row.version != version:
                return describe_change(noun, row.updated_by, row.updated_at)
    return (
        "Someone else changed this record after you opened it; reopen it to see their "
        "changes. Nothing was saved."
    )


def ensure_unchanged(obj: Any, opened_version: int) -> None:
    """For forms that keep only a record's id and version: refuse to save over a newer one.

    Load the record in the saving session, call this, then apply the form's values; the
    version check at flush catches anyone who saves in between.
    """
    if obj.version != opened_version:
        noun = RECORD_NOUNS.get(type(obj).__tablename__, "record")
        raise ConcurrentChange(describe_change(noun, obj.updated_by, obj.updated_at))
