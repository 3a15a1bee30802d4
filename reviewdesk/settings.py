"""A council's settings, kept in the database: names, defaults and the working context.

Every part of reviewdesk reads settings through here, so the keys and their defaults live in
one place; changes go through `reviewdesk.actions.save_settings`. `working_context` gives the
rules and working-day calendar in force for a database: the shipped rules with the council's
overrides (one row per rule, `reviewdesk.rule_overrides`), and its region's bank holidays
plus its closure days.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from reviewdesk.rule_overrides import stored_overrides
from reviewdesk.rules import RuleSet, default_rules, with_overrides
from reviewdesk.storage.backup import DEFAULT_KEPT, KEEP_SETTING
from reviewdesk.storage.models import ClosureDay, Setting
from reviewdesk.workingdays import WorkingCalendar, calendar_for

DEFAULTS: dict[str, Any] = {
    "council_name": "Demo Borough Council",
    "region": "england-and-wales",
    "caseload_min_per_fte": 50,
    "caseload_max_per_fte": 70,
    "due_soon_working_days": 10,
    # How many copies taken before an upgrade or a restore are kept (storage.backup).
    KEEP_SETTING: DEFAULT_KEPT,
    # Targets (percentages) for the timeliness measures; reviewdesk defaults, set your own.
    "targets": {
        "lac_reviews_in_timescale": 100.0,
        "cp_conferences_in_timescale": 100.0,
        "participation_4_and_over": 90.0,
        "reports_shared_with_parents_in_time": 80.0,
    },
    # Invitations, report requests and packs (reviewdesk.invitations).
    "council_address": "",  # printed on letters, under the council's name
    "invitations_mailbox": "",  # meeting requests and replies (else the clerk's email)
    "attachment_max_mb": 20,  # the largest report PDF that may be attached
    "calendar_child_names": False,  # child names in calendar titles (shared calendars!)
    "chase_working_days": 5,  # the chase list: reports due within this many working days
    "letter_templates": {},  # kind -> the council's own template (reviewdesk.invitations)
}


_MISSING: Any = object()


def get_setting(session: Session, key: str, default: Any = _MISSING) -> Any:
    """A setting's value; if none is stored, ``default`` when given, else the built-in one."""
    row = session.get(Setting, key)
    if row is not None:
        return row.value
    if default is not _MISSING:
        return default
    if key not in DEFAULTS:
        raise KeyError(f"unknown setting {key!r}")
    return copy.deepcopy(DEFAULTS[key])


def setting_versions(session: Session) -> dict[str, tuple[Any, int]]:
    """Every setting's value with the version a form saving it must name (0: not stored
    yet, the built-in default in force)."""
    values: dict[str, tuple[Any, int]] = {k: (copy.deepcopy(v), 0) for k, v in DEFAULTS.items()}
    for row in session.scalars(select(Setting)):
        if row.key in DEFAULTS:
            values[row.key] = (row.value, row.version)
    return values


def all_settings(session: Session) -> dict[str, Any]:
    values = copy.deepcopy(DEFAULTS)
    for row in session.scalars(select(Setting)):
        values[row.key] = row.value
    return values


def closure_days(session: Session) -> dict[dt.date, str]:
    rows = session.scalars(select(ClosureDay).order_by(ClosureDay.day))
    return {row.day: row.description for row in rows}


def closure_day_versions(session: Session) -> dict[dt.date, tuple[str, int]]:
    """Each closure day's description with its version (for a form that edits them)."""
    rows = session.scalars(select(ClosureDay).order_by(ClosureDay.day))
    return {row.day: (row.description, row.version) for row in rows}


def working_context(session: Session) -> tuple[RuleSet, WorkingCalendar]:
    """The rules and the working-day calendar in force for this database."""
    overrides = stored_overrides(session)
    rules = with_overrides(default_rules(), overrides) if overrides else default_rules()
    closures = frozenset(closure_days(session).items())
    return rules, calendar_for(get_setting(session, "region"), closures)
