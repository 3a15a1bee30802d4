"""The lists people edit: the council's closure days and the reasons meetings ran late.

Settings themselves (keys, defaults, `get_setting`, `closure_days`) live in
`reviewdesk.settings`.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from reviewdesk.errors import InvalidInput
from reviewdesk.storage.models import ClosureDay, LateReason


def set_closure_day(
    session: Session, day: dt.date, description: str = "Local closure day"
) -> ClosureDay:
    """Add a closure day (not a working day), or change its description."""
    row = session.get(ClosureDay, day)
    if row is None:
        row = ClosureDay(day=day, description=description)
        session.add(row)
    else:
        row.description = description
    return row


def remove_closure_day(session: Session, day: dt.date) -> bool:
    """Remove a closure day; False if there was none."""
    row = session.get(ClosureDay, day)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def late_reasons(session: Session, *, include_inactive: bool = False) -> list[LateReason]:
    """Reasons to choose from, in the order they were added (the standard ones first)."""
    query = select(LateReason).order_by(LateReason.id)
    if not include_inactive:
        query = query.where(LateReason.active.is_(True))
    return list(session.scalars(query))


def add_late_reason(session: Session, text: str) -> LateReason:
    """Add a reason to the list (or bring back one that was retired)."""
    text = " ".join(text.split())
    if not text or len(text) > 200:
        raise InvalidInput(f"Late reason {text!r} must be 1 to 200 characters long.")
    row = session.scalar(select(LateReason).where(LateReason.text == text))
    if row is None:
        row = LateReason(text=text, active=True)
        session.add(row)
    else:
        row.active = True
    return row
