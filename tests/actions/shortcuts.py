"""Shortcuts for tests that need data written through the door: the action as whoever the
database says is acting, and its result.

    summary = generate_demo(db, children=30, as_of=AS_OF)   # actions.create_demo(...).result
    result = import_903(db, header, episodes, reviews)       # actions.import_903(...).result
"""

from __future__ import annotations

from typing import Any

from reviewdesk import actions
from reviewdesk.demo import DemoSummary
from reviewdesk.importers.report import ImportResult
from reviewdesk.storage.db import Database


def generate_demo(db: Database, **kwargs: Any) -> DemoSummary:
    return actions.create_demo(db, actions.whoami(db), **kwargs).result


def import_903(db: Database, *paths: Any, **kwargs: Any) -> ImportResult:
    return actions.import_903(db, actions.whoami(db), *paths, **kwargs).result


def import_cin(db: Database, path: Any, **kwargs: Any) -> ImportResult:
    return actions.import_cin(db, actions.whoami(db), path, **kwargs).result


def save_setting(db: Database, key: str, value: Any) -> actions.Changes:
    """Change one setting, built on the version stored now."""
    from reviewdesk.settings import setting_versions

    with db.session() as s:
        version = setting_versions(s)[key][1]
    return actions.save_settings(db, actions.whoami(db), {key: (value, version)})


def meeting_version(db: Database, meeting_id: int) -> int:
    from reviewdesk.storage.models import Meeting

    with db.session() as s:
        return s.get(Meeting, meeting_id).version


def book(db: Database, child_id: int, meeting_type: str, booking: Any, **kwargs: Any) -> int:
    """Book a meeting; its id."""
    return actions.book_meeting(
        db, actions.whoami(db), child_id, meeting_type, booking, **kwargs
    ).result


def cancel(db: Database, meeting_id: int, reason: str) -> actions.Changes:
    """Cancel a meeting, built on its version now."""
    return actions.cancel_meeting(
        db, actions.whoami(db), meeting_id, reason, expected_version=meeting_version(db, meeting_id)
    )


def record(
    db: Database, meeting_id: int, outcome: actions.Outcome, *, as_of: Any, late: bool = False
) -> actions.Changes:
    """Record a meeting's outcome, built on its version now."""
    return actions.record_outcome(
        db,
        actions.whoami(db),
        meeting_id,
        outcome,
        late=late,
        as_of=as_of,
        expected_version=meeting_version(db, meeting_id),
    )
