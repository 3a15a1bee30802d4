"""Settings kept in the database (region, caseload limits, targets, council name) and closures.

Every database starts with `DEFAULTS` (written by the first migration); `get_setting` falls
back to them, so a key deleted by hand still reads sensibly.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from reviewdesk.errors import InvalidInput
from reviewdesk.storage.models import ClosureDay, LateReason, Setting

#: Local choices, shown in the app's settings. Caseload range: IRO Handbook (2010), 50-70 per FTE.
DEFAULTS: dict[str, Any] = {
    "council_name": "Demo Borough Council",
    "region": "england-and-wales",
    "caseload_min_per_fte": 50,
    "caseload_max_per_fte": 70,
    "due_soon_working_days": 10,
    "target_lac_reviews_in_timescale_pct": 100.0,
    "target_cp_conferences_in_timescale_pct": 100.0,
    "target_participation_pct": 90.0,
    "target_reports_shared_in_advance_pct": 100.0,
    "rule_overrides": {},
}

_MISSING = object()


def get_setting(session: Session, key: str, default: Any = _MISSING) -> Any:
    """The stored value of ``key``; else ``default``; else the built-in default (or None)."""
    row = session.get(Setting, key)
    if row is not None:
        return row.value
    if default is not _MISSING:
        return default
    return DEFAULTS.get(key)


def set_setting(session: Session, key: str, value: Any) -> None:
    """Store a JSON-compatible value under ``key`` (audited like any other change)."""
    if not key or len(key) > 100:
        raise InvalidInput(f"Setting name {key!r} must be 1 to 100 characters long.")
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value


def all_settings(session: Session) -> dict[str, Any]:
    """Defaults overlaid with what is stored."""
    stored = {row.key: row.value for row in session.scalars(select(Setting))}
    return {**DEFAULTS, **stored}


def closure_days(session: Session) -> dict[dt.date, str]:
    """The council's own closure days (not working days), for `WorkingCalendar(closures=...)`."""
    rows = session.scalars(select(ClosureDay).order_by(ClosureDay.day))
    return {row.day: row.description for row in rows}


def set_closure_day(session: Session, day: dt.date, description: str = "Local closure day"):
    row = session.get(ClosureDay, day)
    if row is None:
        session.add(ClosureDay(day=day, description=description))
    else:
        row.description = description


def remove_closure_day(session: Session, day: dt.date) -> bool:
    row = session.get(ClosureDay, day)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def late_reasons(session: Session, *, include_inactive: bool = False) -> list[LateReason]:
    query = select(LateReason).order_by(LateReason.id)
    if not include_inactive:
        query = query.where(LateReason.active.is_(True))
    return list(session.scalars(query))
