"""The lists people choose from: the reasons meetings ran late, were cancelled or moved.

Settings themselves (keys, defaults, `get_setting`, `closure_days`) live in
`reviewdesk.settings`; changes to either go through `reviewdesk.actions`.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from reviewdesk.storage.models import LateReason, MeetingReason


def late_reasons(session: Session, *, include_inactive: bool = False) -> list[LateReason]:
    """Reasons to choose from, in the order they were added (the standard ones first)."""
    query = select(LateReason).order_by(LateReason.id)
    if not include_inactive:
        query = query.where(LateReason.active.is_(True))
    return list(session.scalars(query))


def meeting_reasons(
    session: Session, kind: str, *, process: str | None = None, include_inactive: bool = False
) -> list[MeetingReason]:
    """Reasons to cancel (``kind`` "cancel") or move ("reschedule") a meeting, in the order
    they were added (reviewdesk's own first); with ``process`` ("lac", "cp") only those for
    that kind of meeting or for every meeting."""
    query = select(MeetingReason).where(MeetingReason.kind == str(kind)).order_by(MeetingReason.id)
    if process is not None:
        query = query.where(
            or_(MeetingReason.process.is_(None), MeetingReason.process == str(process))
        )
    if not include_inactive:
        query = query.where(MeetingReason.active.is_(True))
    return list(session.scalars(query))
