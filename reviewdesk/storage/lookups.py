"""The lists people choose from: the reasons meetings ran late.

Settings themselves (keys, defaults, `get_setting`, `closure_days`) live in
`reviewdesk.settings`; changes to either go through `reviewdesk.actions`.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from reviewdesk.storage.models import LateReason


def late_reasons(session: Session, *, include_inactive: bool = False) -> list[LateReason]:
    """Reasons to choose from, in the order they were added (the standard ones first)."""
    query = select(LateReason).order_by(LateReason.id)
    if not include_inactive:
        query = query.where(LateReason.active.is_(True))
    return list(session.scalars(query))
